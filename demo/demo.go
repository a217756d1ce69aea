// Package demo is `salesbot demo`: the playground REPL that runs the
// unchanged bot (app.Stack) against the Slack emulator over loopback and
// prints what Slack would show. It imports app and bot/slacktest.
package demo

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/salesbot/salesbot/app"
	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/seed"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/online"
)

// Exit codes, the same as every salesbot subcommand's.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// Demo channels and people. The ids follow seed.DemoTeam.
const (
	demoGeneral = slacktest.DefaultChannel
	demoWins    = "C0WINS"
	demoDigest  = "C0DIGEST"
	// demoEMEA exists but the bot was never invited there: routing a
	// digest to it is refused until /invite, as in a real workspace.
	demoEMEA = "C0SALESEMEA"
)

var demoUsers = []slacktest.User{
	{ID: "U0ALICE", Name: "alice", RealName: "Alice Anders", TZ: "America/New_York"},
	{ID: "U0BOB", Name: "bob", RealName: "Bob Brown", TZ: "America/New_York"},
	{ID: "U0CAROL", Name: "carol", RealName: "Carol Chen", TZ: "America/Chicago"},
	{ID: "U0DAN", Name: "dan", RealName: "Dan Diaz", TZ: "Europe/Berlin"},
	{ID: "U0ERIN", Name: "erin", RealName: "Erin Evans", TZ: "America/New_York", IsAdmin: true, IsOwner: true},
}

const demoHelp = `Type slash commands as in Slack: /deal add Acme 12k · /deal list · /deal · /pipeline · /goal · /territory list · /salesbot help
Demo commands:
  /as @bob        act as another user (alice, bob, carol, dan, erin)
  1, 2, …         press the numbered button or menu choice from the last output
  field=value     fill in the open form; /submit [field=value …] sends it, /cancel closes it
  @salesbot help  mention the bot in #general (it answers in the thread)
  /invite #chan   add salesbot to a channel (#sales-emea starts without it)
  /home           open your App Home tab
  /digest         post the manager digest now (to #sales-digest)
  /nudge          send yourself this morning's coaching DM
  /call           send yourself this week's forecast call DM (managers: and the team roll-up)
  /who            list the demo users
  /quit           leave (Ctrl-D works too)`

// Main is `salesbot demo`: the Slack emulator and the unchanged bot over
// loopback Socket Mode, driven from the terminal or from piped stdin.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seedIt := fs.Bool("seed", false, "start with the demo team and pipeline")
	dbPath := fs.String("db", "", "keep the playground's data in this bbolt file (default: a temporary file)")
	charts := fs.String("charts", "", "save the digest's chart images in this directory (default: beside --db, else salesbot-demo-charts in the temporary directory)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: salesbot demo [--seed] [--db PATH] [--charts DIR]\n\n%s\n\nflags:\n", demoHelp)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "salesbot demo: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	interactive := false
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		interactive = true
	}
	d := &demo{out: stdout, errw: stderr, interactive: interactive, user: "U0ALICE", chartDir: *charts}
	if d.chartDir == "" {
		// Where the user will find them after the session: the playground's
		// own temporary directory goes when it ends.
		d.chartDir = filepath.Join(os.TempDir(), "salesbot-demo-charts")
		if *dbPath != "" {
			d.chartDir = filepath.Dir(*dbPath)
		}
	}
	if err := d.start(ctx, *seedIt, *dbPath); err != nil {
		fmt.Fprintf(stderr, "salesbot demo: %v\n", err)
		d.stop()
		return exitFail
	}
	defer d.stop()
	return d.loop(ctx, stdin)
}

type demo struct {
	out, errw   io.Writer
	interactive bool
	user        string

	emu     *slacktest.Server
	db      *storage.DB
	st      *app.Stack
	cancel  context.CancelFunc
	botDone chan error
	tmpDir  string
	stopCtl func() // the control socket, for backups of a --db file
	// chartDir is where uploaded images (the digest's chart) are saved, so
	// the user can open what Slack would show.
	chartDir string

	choices []choice
	modal   string // open form's view id
	fields  map[string]string
}

func (d *demo) start(ctx context.Context, seedIt bool, dbPath string) error {
	cfg, err := app.LoadConfig()
	if err != nil {
		// The demo needs no environment; fall back to defaults.
		cfg = app.Config{Timezone: "UTC", Currency: "USD"}
		cfg.Loc, cfg.Cur = time.UTC, sales.DefaultCurrency
	}
	if dbPath == "" {
		dir, err := os.MkdirTemp("", "salesbot-demo-")
		if err != nil {
			return err
		}
		d.tmpDir = dir
		dbPath = filepath.Join(dir, "demo.db")
	}
	logger := slog.New(slog.NewTextHandler(d.errw, &slog.HandlerOptions{Level: slog.LevelError}))
	d.db, err = storage.Open(dbPath, storage.Options{Currency: cfg.Cur, Zone: cfg.Loc, Logger: logger})
	if err != nil {
		return err
	}
	if d.tmpDir == "" {
		d.stopCtl = online.Serve(d.db, logger)
	}
	if seedIt {
		if err := d.seed(ctx, cfg.Loc); err != nil {
			return err
		}
	}
	d.emu = slacktest.New(slacktest.Options{Users: demoUsers, Logger: logger,
		Channels: map[string]string{demoGeneral: "general", demoWins: "wins", demoDigest: "sales-digest"},
		Outside:  map[string]string{demoEMEA: "sales-emea"}})
	cfg.AppToken, cfg.BotToken, cfg.APIURL = d.emu.AppToken(), d.emu.BotToken(), d.emu.APIURL()
	cfg.Admins = []string{"U0ERIN"}
	cfg.WinsChannel, cfg.DigestChannel = demoWins, demoDigest
	cfg.DigestSchedule, cfg.NudgeSchedule, cfg.ForecastSchedule, cfg.LeaderboardSchedule, cfg.HTTPAddr = "", "", "", "", ""
	d.st, err = app.NewStack(cfg, d.db, nil, logger)
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.cancel = cancel
	d.botDone = make(chan error, 1)
	go func() { d.botDone <- d.st.Bot.Run(runCtx) }()
	select {
	case <-d.st.Bot.Ready():
	case err := <-d.botDone:
		d.botDone <- err
		return fmt.Errorf("the bot failed to start: %v", err)
	case <-time.After(15 * time.Second):
		return errors.New("the bot failed to start: no Socket Mode connection after 15s")
	case <-ctx.Done():
		return ctx.Err()
	}
	if d.interactive {
		fmt.Fprintf(d.out, "salesbot demo — the real bot on a local Slack emulator, over Socket Mode.\n%s\n%s\n\n", d.intro(ctx, cfg.Admins), demoHelp)
	} else {
		fmt.Fprintln(d.out, d.intro(ctx, cfg.Admins))
	}
	return nil
}

// intro says who the user is and who may do what, so a first command
// that needs a manager does not come as a surprise: "You are @alice (a
// rep) in #general. Admin: @erin. Managers: none yet (...)".
func (d *demo) intro(ctx context.Context, admins []string) string {
	role := map[string]sales.Role{}
	for _, id := range admins {
		role[id] = sales.RoleAdmin
	}
	if people, err := d.db.People(ctx); err == nil {
		for _, p := range people {
			if p.SlackID != "" && role[p.SlackID] != sales.RoleAdmin {
				role[p.SlackID] = p.Role
			}
		}
	}
	var adm, mgr []string
	for _, u := range demoUsers {
		switch role[u.ID] {
		case sales.RoleAdmin:
			adm = append(adm, "@"+u.Name)
		case sales.RoleManager:
			mgr = append(mgr, "@"+u.Name)
		}
	}
	list := func(names []string, none string) string {
		if len(names) == 0 {
			return none
		}
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("You are @%s (%s) in #general. Admin: %s. Managers: %s.",
		d.handle(d.user), role[d.user].Article(), list(adm, "none"),
		list(mgr, "none yet (/as @erin, then /salesbot role @alice manager)"))
}

func (d *demo) seed(ctx context.Context, loc *time.Location) error {
	n, err := d.db.CountDeals(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(d.errw, "demo: %s already has %d deals; not seeding again\n", d.db.Path, n)
		return nil
	}
	now := time.Now().In(loc)
	in := seed.DemoTeam(now)
	res, err := d.db.Import(ctx, in, 0)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	acts, err := d.db.ImportActivities(ctx, seed.DemoActivities(in, res, now))
	if err != nil {
		return fmt.Errorf("seed activities: %w", err)
	}
	for _, g := range seed.DemoActivityGoals(res, now, loc) {
		if err := d.db.SetActivityGoal(ctx, g); err != nil {
			return fmt.Errorf("seed activity goals: %w", err)
		}
	}
	if d.interactive {
		fmt.Fprintf(d.out, "Seeded the demo team: %d people, %d deals, %d activities.\n", res.PeopleCreated, res.DealsCreated, acts.Created)
	}
	return nil
}

func (d *demo) stop() {
	if d.cancel != nil {
		d.cancel()
		select {
		case <-d.botDone:
		case <-time.After(15 * time.Second):
		}
	}
	if d.emu != nil {
		d.emu.Close()
	}
	if d.stopCtl != nil {
		d.stopCtl()
	}
	if d.db != nil {
		_ = d.db.Close()
	}
	if d.tmpDir != "" {
		_ = os.RemoveAll(d.tmpDir)
	}
}

func (d *demo) handle(id string) string {
	if u, ok := d.emu.User(id); ok {
		return u.Name
	}
	return id
}

func (d *demo) prompt() {
	if d.interactive {
		fmt.Fprintf(d.out, "%s> ", d.handle(d.user))
	}
}

// loop reads lines until EOF, /quit or ctx ends.
func (d *demo) loop(ctx context.Context, stdin io.Reader) int {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64*1024), 4<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	d.prompt()
	for {
		select {
		case <-ctx.Done():
			return exitOK
		case err := <-d.botDone:
			fmt.Fprintf(d.errw, "salesbot demo: the bot stopped: %v\n", err)
			return exitFail
		case line, ok := <-lines:
			if !ok {
				if d.interactive {
					fmt.Fprintln(d.out)
				}
				return exitOK
			}
			if !d.interactive && strings.TrimSpace(line) != "" {
				fmt.Fprintf(d.out, "%s> %s\n", d.handle(d.user), line)
			}
			if quit := d.exec(ctx, strings.TrimSpace(line)); quit {
				return exitOK
			}
			d.prompt()
		}
	}
}

var (
	reMention = regexp.MustCompile(`(^|[\s(])([@#])([A-Za-z0-9._-]+)`)
	reField   = regexp.MustCompile(`(?:^|\s)([a-z_]+)=`)
)

// escapeMentions turns "@bob" into "<@U0BOB|bob>" and "#general" into
// "<#C0GENERAL|general>" as Slack does for commands with should_escape;
// names that match no one stay as typed.
func (d *demo) escapeMentions(text string) string {
	return reMention.ReplaceAllStringFunc(text, func(m string) string {
		sub := reMention.FindStringSubmatch(m)
		if sub[2] == "#" {
			if id, name, _, ok := d.emu.LookupChannel(sub[3]); ok {
				return sub[1] + "<#" + id + "|" + name + ">"
			}
			return m
		}
		if u, ok := d.emu.LookupUser(sub[3]); ok {
			return sub[1] + "<@" + u.ID + "|" + u.Name + ">"
		}
		return m
	})
}

// parseFields reads "a=1 b=two words" into a map.
func parseFields(s string) map[string]string {
	out := map[string]string{}
	locs := reField.FindAllStringSubmatchIndex(s, -1)
	for i, l := range locs {
		end := len(s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		out[s[l[2]:l[3]]] = strings.TrimSpace(s[l[1]:end])
	}
	return out
}

func (d *demo) exec(ctx context.Context, line string) (quit bool) {
	if line == "" || strings.HasPrefix(line, "#") {
		return false
	}
	if n, err := strconv.Atoi(line); err == nil {
		d.pick(ctx, n)
		return false
	}
	cmd, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(cmd) {
	case "/quit", "/exit", "quit", "exit":
		return true
	case "help", "/?", "?", "/demo":
		fmt.Fprintln(d.out, demoHelp)
	case "/as":
		u, ok := d.emu.LookupUser(rest)
		if !ok || u.IsBot {
			fmt.Fprintf(d.out, "  no user %q: try /as @bob (alice, bob, carol, dan, erin)\n", rest)
			return false
		}
		if d.modal != "" {
			d.emu.CloseView(d.modal)
			d.modal = ""
			fmt.Fprintln(d.out, "  (the open form was closed)")
		}
		d.user = u.ID
		d.choices = nil
		fmt.Fprintf(d.out, "  you are now @%s\n", u.Name)
	case "/who":
		users := d.emu.Users()
		sort.Slice(users, func(i, j int) bool { return users[i].ID < users[j].ID })
		for _, u := range users {
			fmt.Fprintf(d.out, "  @%-6s %s (%s)\n", u.Name, u.RealName, u.TZ)
		}
	case "/invite":
		id, name, member, ok := d.emu.LookupChannel(strings.TrimPrefix(strings.TrimPrefix(rest, "@salesbot"), " "))
		switch {
		case !ok:
			fmt.Fprintf(d.out, "  no channel %q: try /invite #sales-emea\n", rest)
		case member:
			fmt.Fprintf(d.out, "  salesbot is already in #%s\n", name)
		default:
			d.emu.Invite(id)
			fmt.Fprintf(d.out, "  salesbot was added to #%s\n", name)
		}
	case "/home":
		d.run(ctx, func() string { return d.emu.AppHomeOpened(d.user) })
	case "/digest":
		d.run(ctx, func() string {
			if err := d.st.Digest.PostNow(ctx); err != nil {
				fmt.Fprintf(d.out, "  %s\n", sales.UserText(err))
			}
			return ""
		})
	case "/nudge":
		d.run(ctx, func() string { d.nudge(ctx); return "" })
	case "/call":
		d.run(ctx, func() string { d.forecastCall(ctx); return "" })
	case "/submit":
		d.submit(ctx, rest)
	case "/cancel":
		if d.modal != "" {
			d.emu.CloseView(d.modal)
			d.modal = ""
			fmt.Fprintln(d.out, "  form closed")
		}
	case "/deal", "/goal", "/pipeline", "/forecast", "/leaderboard", "/territory", "/salesbot":
		d.run(ctx, func() string {
			return d.emu.SlashCommand(d.user, demoGeneral, strings.ToLower(cmd), d.escapeMentions(rest))
		})
	case "@salesbot":
		// A mention in #general, as Slack delivers it: an app_mention
		// event, answered in a thread.
		d.run(ctx, func() string { return d.emu.AppMention(d.user, demoGeneral, d.escapeMentions(rest)) })
	default:
		if d.modal != "" && reField.MatchString(line) {
			for k, v := range parseFields(line) {
				d.fields[k] = v
			}
			fmt.Fprintf(d.out, "  ok — /submit when ready (%d field(s) set)\n", len(d.fields))
			return false
		}
		if strings.HasPrefix(line, "/") {
			fmt.Fprintf(d.out, "  unknown command %s: salesbot has %s (type help for the demo's own commands)\n", cmd, "/deal, /goal, /pipeline, /forecast, /leaderboard, /territory and /salesbot")
		} else {
			fmt.Fprintln(d.out, "  type a slash command such as /deal add Acme 12k, mention @salesbot help, or type help")
		}
	}
	return false
}

// run does one step that makes the bot work, waits until the bot has
// acked, replied and posted everything, and prints what Slack showed.
func (d *demo) run(ctx context.Context, step func() string) {
	from := d.emu.Len()
	id := step()
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if id != "" {
		if _, err := d.emu.AwaitAck(wctx, id); err != nil {
			fmt.Fprintln(d.out, "  (no answer from the bot)")
			return
		}
	}
	if err := d.st.Bot.WaitIdle(wctx); err != nil {
		fmt.Fprintln(d.out, "  (the bot is still working…)")
	}
	d.show(from)
}

func (d *demo) pick(ctx context.Context, n int) {
	if n < 1 || n > len(d.choices) {
		if len(d.choices) == 0 {
			fmt.Fprintln(d.out, "  nothing to choose: run a command that shows buttons first")
		} else {
			fmt.Fprintf(d.out, "  choose 1 to %d\n", len(d.choices))
		}
		return
	}
	c := d.choices[n-1]
	fmt.Fprintf(d.out, "  → %s\n", c.Label)
	d.run(ctx, func() string { return d.emu.BlockAction(d.user, c.Container, c.Action) })
}

func (d *demo) submit(ctx context.Context, inline string) {
	if d.modal == "" {
		fmt.Fprintln(d.out, "  no form is open: /deal opens the deal form")
		return
	}
	for k, v := range parseFields(inline) {
		d.fields[k] = v
	}
	view := d.modal
	d.run(ctx, func() string {
		id, err := d.emu.SubmitView(d.user, view, d.fields)
		if err != nil {
			fmt.Fprintf(d.out, "  ✗ %v\n", err)
			return ""
		}
		return id
	})
	if v, ok := d.emu.View(view); ok && v.Closed {
		if d.modal == view {
			d.modal = ""
		}
	} else if ok {
		p := &printer{users: d.handle, channels: d.channelName}
		fmt.Fprintln(d.out, p.form(v))
	}
}

func (d *demo) nudge(ctx context.Context) {
	p, err := d.db.PersonBySlackID(ctx, d.user)
	if err != nil {
		fmt.Fprintf(d.out, "  %s — run a command first so salesbot knows you\n", sales.UserText(err))
		return
	}
	if p.NudgesOff {
		// The morning's fan-out skips whoever turned nudges off, so the
		// demo's stand-in does too.
		fmt.Fprintf(d.out, "  no nudge: @%s turned coaching nudges off (/salesbot nudges on turns them back on)\n", d.handle(d.user))
		return
	}
	now := time.Now()
	n, err := d.st.Digest.NudgeFor(ctx, p, now, now.AddDate(0, 0, -7))
	if err != nil {
		fmt.Fprintf(d.out, "  %s\n", sales.UserText(err))
		return
	}
	if !n.Useful() {
		fmt.Fprintf(d.out, "  nothing to nudge @%s about right now — no stale or overdue deals, on pace\n", d.handle(d.user))
		return
	}
	if err := d.st.Poster.SendNudge(ctx, n, "demo/"+d.user+"/"+now.Format(time.RFC3339Nano)); err != nil {
		fmt.Fprintf(d.out, "  %s\n", sales.UserText(err))
	}
}

// forecastCall sends the demo user the weekly forecast call the
// scheduler would send on Monday, and a manager their team's roll-up.
func (d *demo) forecastCall(ctx context.Context) {
	p, err := d.db.PersonBySlackID(ctx, d.user)
	if err != nil {
		fmt.Fprintf(d.out, "  %s — run a command first so salesbot knows you\n", sales.UserText(err))
		return
	}
	now := time.Now()
	key := "demo/" + d.user + "/" + now.Format(time.RFC3339Nano)
	c, ok, err := d.st.Digest.ForecastCallFor(ctx, p, now)
	switch {
	case err != nil:
		fmt.Fprintf(d.out, "  %s\n", sales.UserText(err))
		return
	case ok:
		if err := d.st.Poster.SendForecastCall(ctx, c, key); err != nil {
			fmt.Fprintf(d.out, "  %s\n", sales.UserText(err))
		}
	case p.Role != sales.RoleManager:
		fmt.Fprintf(d.out, "  no forecast call for @%s: the call goes to reps with a quota for the running period (a manager sets one with /goal set)\n", d.handle(d.user))
	}
	if p.Role != sales.RoleManager {
		return
	}
	r, ok, err := d.st.Digest.ForecastRollupFor(ctx, p, now.AddDate(0, 0, -7), now)
	switch {
	case err != nil:
		fmt.Fprintf(d.out, "  %s\n", sales.UserText(err))
	case !ok:
		fmt.Fprintln(d.out, "  no roll-up: nobody in your team has a quota for the running period")
	default:
		if err := d.st.Poster.SendForecastRollup(ctx, r, key+"/rollup"); err != nil {
			fmt.Fprintf(d.out, "  %s\n", sales.UserText(err))
		}
	}
}

// channelName is how a channel link prints: "#name".
func (d *demo) channelName(id string) string {
	if w := d.where(id); strings.HasPrefix(w, "#") {
		return w
	}
	return "#" + id
}

// where names a channel for printing.
func (d *demo) where(ch string) string {
	switch ch {
	case demoGeneral:
		return "#general"
	case demoWins:
		return "#wins"
	case demoDigest:
		return "#sales-digest"
	}
	if u := slacktest.DMUser(ch); u != "" {
		return "DM to @" + d.handle(u)
	}
	if _, name, _, ok := d.emu.LookupChannel(ch); ok {
		return "#" + name
	}
	return ch
}

// show prints what the emulator recorded since from: replies, posts,
// forms, Home tabs and files.
func (d *demo) show(from int) {
	p := &printer{users: d.handle, channels: d.channelName}
	ephemeral := slacktest.Container{Type: "message", Channel: demoGeneral, IsEphemeral: true, MessageTS: "1700000000.000000"}
	for _, r := range d.emu.Since(from) {
		switch r.Kind {
		case slacktest.KindAck:
			a := r.Ack
			if a.Msg != nil {
				fmt.Fprintln(d.out, d.label(a.Msg))
				fmt.Fprintln(d.out, p.message(a.Msg.Text, a.Msg.Blocks, ephemeral))
			}
			if a.Action == "errors" {
				for _, k := range sortedKeys(a.Errors) {
					fmt.Fprintf(d.out, "  ✗ %s: %s\n", k, p.plainText(a.Errors[k]))
				}
			}
		case slacktest.KindResponse:
			if r.Response.OK {
				m := r.Response.Msg
				fmt.Fprintln(d.out, d.label(&m))
				fmt.Fprintln(d.out, p.message(m.Text, m.Blocks, ephemeral))
			}
		case slacktest.KindCall:
			d.showCall(p, r.Call)
		}
	}
	d.choices = p.choices
}

func (d *demo) label(m *slacktest.Msg) string {
	switch {
	case m.ReplaceOriginal:
		return "salesbot (updated the message above, only you see it):"
	case m.ResponseType == "in_channel":
		return "#general · salesbot:"
	}
	return "salesbot (only you see this):"
}

func (d *demo) showCall(p *printer, c *slacktest.Call) {
	if !c.OK {
		return
	}
	switch c.Method {
	case "chat.postMessage":
		m := c.Msg
		head := d.where(m.Channel) + " · salesbot:"
		if m.ThreadTS != "" {
			head = d.where(m.Channel) + " · salesbot (in the thread):"
		}
		fmt.Fprintln(d.out, head)
		fmt.Fprintln(d.out, p.message(m.Text, m.Blocks, slacktest.Container{Type: "message", Channel: m.Channel, MessageTS: m.TS}))
	case "chat.postEphemeral":
		m := c.Msg
		fmt.Fprintf(d.out, "%s · salesbot (only @%s sees this):\n", d.where(m.Channel), d.handle(m.User))
		fmt.Fprintln(d.out, p.message(m.Text, m.Blocks, slacktest.Container{Type: "message", Channel: m.Channel, IsEphemeral: true, MessageTS: m.TS}))
	case "chat.update":
		m := c.Msg
		fmt.Fprintf(d.out, "%s · salesbot (edited):\n", d.where(m.Channel))
		fmt.Fprintln(d.out, p.message(m.Text, m.Blocks, slacktest.Container{Type: "message", Channel: m.Channel, MessageTS: m.TS}))
	case "views.open":
		if c.View != nil {
			d.modal, d.fields = c.View.ID, map[string]string{}
			fmt.Fprintln(d.out, p.form(*c.View))
		}
	case "views.publish":
		if v := c.View; v != nil && v.User == d.user {
			fmt.Fprintf(d.out, "App Home of @%s:\n", d.handle(v.User))
			fmt.Fprintln(d.out, p.message("", v.Blocks, slacktest.Container{Type: "view", ViewID: v.ID}))
		}
	case "files.completeUploadExternal":
		if f := c.File; f != nil {
			// Title and alt text come escaped like any user text; shown as
			// Slack shows them.
			fmt.Fprintf(d.out, "%s · salesbot uploaded %s (%s, %d bytes)", d.where(f.Channel), f.Name, orDash(slackEntities.Replace(f.Title)), len(f.Data))
			if f.AltText != "" {
				fmt.Fprintf(d.out, " — alt text: %s", slackEntities.Replace(f.AltText))
			}
			fmt.Fprintln(d.out)
			if path, err := d.saveFile(f.Name, f.Data); err != nil {
				fmt.Fprintf(d.out, "  (could not save the image: %v)\n", err)
			} else {
				fmt.Fprintf(d.out, "  saved as %s: open it to see the image\n", path)
			}
		}
	case "reactions.add":
		fmt.Fprintf(d.out, "  (salesbot reacted :%s:)\n", c.Form.Get("name"))
	}
}

// saveFile writes an uploaded file into chartDir under its own base name
// (a digest's chart of the same day replaces the last one).
func (d *demo) saveFile(name string, data []byte) (string, error) {
	if err := os.MkdirAll(d.chartDir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(d.chartDir, filepath.Base(filepath.Clean("/"+name)))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
