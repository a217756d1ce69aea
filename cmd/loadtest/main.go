// Command loadtest drives salesbot through the Slack emulator and reports
// its figures beside two baselines measured in the same run:
//
//   - salesbot: N "/deal add" slash commands over real Socket Mode to the
//     real bot on a real bbolt file, paced three ways: closed loop (K
//     senders, each waiting for its reply), flood (sent as fast as the
//     acks come back, K unacked at most, no waiting for replies) and a
//     fixed rate (open loop, -rate a second); ack latency (envelope
//     written → ack read), reply latency (command → the "Logged" reply,
//     which comes only after the commit) and durable replies per second,
//     with the deals counted in the file afterwards;
//   - a bare slack-go Socket Mode client that only acks, through the same
//     emulator under the same three pacings: the ack-latency baseline;
//   - raw bbolt Batch writes with K writers: the durability baseline.
//
// Each measurement follows a warm-up of -warmup commands (or raw writes)
// with the same pacing, so none pays for a cold start. Beside the rates it
// reports the CPU each command costs the bot's process and this one (the
// emulator standing in for Slack, and the driver): on a machine of C
// cores replies/s cannot pass C / (bot + emulator), which is where a
// closed loop short of its goal is asked to look.
//
// Goals: closed-loop ack p99 ≤ 1.5× the bare bot's, no ack slower than
// 3 s, closed-loop replies/s ≥ 80% of raw Batch writes/s, flood replies/s
// ≥ 80% of closed-loop replies/s, every command answered and stored. The
// exit status is 1 when a goal is missed.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/salesbot/salesbot/app"
	"github.com/salesbot/salesbot/bot"
	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/internal/cputime"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

type options struct {
	N, InFlight, Users int
	Warmup             int // commands (and raw writes) before each measurement, not counted
	Rounds             int
	Dir                string
	JSON               bool
	CPUProfile         string
	InProcess          bool
	Rate               float64 // commands a second in the fixed-rate mode; 0 skips it
	Modes              []mode  // default: all three
}

// Child processes: the bots run in their own processes, as they would in
// production, so the emulator and the driver do not share their Go
// scheduler. The load tool re-executes itself with these variables set.
const (
	envChild = "LOADTEST_CHILD" // "bare" or "salesbot"
	envAPI   = "LOADTEST_API"
	envApp   = "LOADTEST_APP_TOKEN"
	envBot   = "LOADTEST_BOT_TOKEN"
	envDB    = "LOADTEST_DB"
)

func main() {
	if kind := os.Getenv(envChild); kind != "" {
		os.Exit(child(kind))
	}
	var o options
	flag.IntVar(&o.N, "n", 2000, "commands to send")
	flag.IntVar(&o.Warmup, "warmup", 500, "commands sent (and raw writes made) before each measurement, with the same pacing, not counted")
	flag.IntVar(&o.InFlight, "inflight", 64, "commands in flight (and raw bbolt writers)")
	flag.IntVar(&o.Users, "users", 8, "distinct Slack users sending")
	flag.IntVar(&o.Rounds, "rounds", 3, "interleaved rounds of all three measurements; the ratios reported are the medians")
	flag.StringVar(&o.Dir, "dir", "", "directory for the database files (default: a temporary directory)")
	flag.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	flag.StringVar(&o.CPUProfile, "cpuprofile", "", "write CPU profiles of the salesbot process (first round) to this file name plus .closed, .flood and .rate")
	flag.Float64Var(&o.Rate, "rate", 400, "commands a second in the fixed-rate (open-loop) mode")
	emuProfile := flag.String("emuprofile", "", "write a CPU profile of this process (the emulator and the driver) to this file")
	modes := flag.String("modes", "closed,flood,rate", "which pacings to run, comma-separated")
	flag.BoolVar(&o.InProcess, "inprocess", false, "run the bots inside this process instead of child processes")
	flag.Parse()
	for _, m := range strings.Split(*modes, ",") {
		switch m := mode(strings.TrimSpace(m)); m {
		case modeClosed, modeFlood, modeRate:
			o.Modes = append(o.Modes, m)
		default:
			fmt.Fprintf(os.Stderr, "loadtest: unknown mode %q (closed, flood, rate)\n", m)
			os.Exit(2)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *emuProfile != "" {
		// The emulator's own cost: it answers every ack and reply the
		// bots send, in this process.
		f, err := os.Create(*emuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(2)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	rep, err := run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(2)
	}
	if o.JSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		rep.print(os.Stdout)
	}
	if !rep.Pass {
		pprof.StopCPUProfile() // os.Exit skips the deferred stop
		os.Exit(1)
	}
}

// Latency summarises a set of durations in milliseconds.
type Latency struct {
	P50, P99, Max float64
	N             int
}

func summarize(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	q := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		return ms(s[max(0, min(i, len(s)-1))])
	}
	return Latency{P50: q(0.50), P99: q(0.99), Max: ms(s[len(s)-1]), N: len(s)}
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }

// msCPU is a CPU time per command in milliseconds, to the microsecond.
func msCPU(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1000 }

// Report is the run's figures. The Bot*, Bare* and Raw* fields are the
// closed loop's (the median round's); Modes has every pacing run.
type Report struct {
	Commands, InFlight int
	Warmup             int
	Rate               float64
	CPUs               int // runtime.NumCPU: the ceiling's cores

	BotAck        Latency
	BotReply      Latency
	BotRepliesSec float64
	BotElapsedSec float64
	DealsStored   int

	BareAck        Latency
	BareElapsedSec float64

	RawWritesSec  float64
	RawWrite      Latency
	RawElapsedSec float64

	Modes []Mode

	AckP99Ratio  float64 // closed loop: bot p99 / bare p99, goal ≤ 1.5 (median of rounds)
	DurableRatio float64 // closed loop: bot replies/s / raw writes/s, goal ≥ 0.8 (median of rounds)
	FloodRatio   float64 // flood replies/s / closed-loop replies/s, goal ≥ 0.8 (median of rounds)
	AcksOver3s   int     // over all rounds and modes
	Rounds       []Round // each round's own figures; the latencies above are the median round's
	Pass         bool
	Failures     []string
}

// Mode is one pacing's figures: salesbot's and the bare bot's under the
// same load.
type Mode struct {
	Name          string
	BotAck        Latency
	BotReply      Latency
	BotRepliesSec float64 // replies / (first command → last reply)
	BotElapsedSec float64
	DealsStored   int
	BareAck       Latency
	BareAcksSec   float64
	// CPU per command in milliseconds (user+system): the bot's process
	// and the emulator's with the driver. Replies/s cannot pass
	// cores / (bot + emulator), whatever else the bot does.
	BotCPUms, BotHarnessCPUms   float64
	BareCPUms, BareHarnessCPUms float64
}

// Round is one pass of all the measurements, back to back, so that each
// ratio compares figures taken under the same machine load.
type Round struct {
	BotRepliesSec, RawWritesSec float64 // closed loop
	FloodRepliesSec             float64
	RateReplyP99                float64
	BotAckP99, BareAckP99       float64 // closed loop
	AckP99Ratio, DurableRatio   float64
	FloodRatio                  float64
}

func (r Report) mode(m mode) *Mode {
	for i := range r.Modes {
		if r.Modes[i].Name == string(m) {
			return &r.Modes[i]
		}
	}
	return nil
}

func (r Report) print(w io.Writer) {
	fmt.Fprintf(w, "salesbot load test: %d × /deal add, %d in flight (closed, flood), %.0f/s (rate)\n\n", r.Commands, r.InFlight, r.Rate)
	fmt.Fprintf(w, "%-8s %-9s %10s %9s %9s %9s %9s %9s %7s\n", "mode", "bot", "replies/s", "ack p50", "ack p99", "ack max", "reply p50", "reply p99", "stored")
	for _, m := range r.Modes {
		fmt.Fprintf(w, "%-8s %-9s %10.0f %9.2f %9.2f %9.2f %9.2f %9.2f %7d\n", m.Name, "salesbot", m.BotRepliesSec,
			m.BotAck.P50, m.BotAck.P99, m.BotAck.Max, m.BotReply.P50, m.BotReply.P99, m.DealsStored)
		fmt.Fprintf(w, "%-8s %-9s %10.0f %9.2f %9.2f %9.2f %9s %9s %7s\n", "", "bare", m.BareAcksSec,
			m.BareAck.P50, m.BareAck.P99, m.BareAck.Max, "", "", "")
	}
	fmt.Fprintf(w, "(latencies in ms; the bare bot's replies/s are its acks/s; after %d warm-up commands)\n", r.Warmup)
	if len(r.Modes) > 0 && r.Modes[0].BotCPUms > 0 {
		// Where the time goes: every command costs the bot's process and
		// the emulator's (standing in for Slack, on the same cores), so
		// replies/s cannot pass the cores over their sum.
		fmt.Fprintf(w, "\nCPU per command (ms, user+system)\n%-8s %9s %9s %9s %9s %12s\n", "mode", "salesbot", "emulator", "bare bot", "emulator", "ceiling/s")
		for _, m := range r.Modes {
			ceiling := 0.0
			if sum := m.BotCPUms + m.BotHarnessCPUms; sum > 0 {
				ceiling = float64(r.CPUs) * 1000 / sum
			}
			fmt.Fprintf(w, "%-8s %9.3f %9.3f %9.3f %9.3f %12.0f\n", m.Name, m.BotCPUms, m.BotHarnessCPUms, m.BareCPUms, m.BareHarnessCPUms, ceiling)
		}
		fmt.Fprintf(w, "(emulator: this process, the Slack emulator and the driver; ceiling: %d cores / (salesbot + emulator))\n", r.CPUs)
	}
	fmt.Fprintf(w, "\nraw Batch writes/s  %8.0f  (%d writers; write p50 %.2f ms, p99 %.2f ms)\n", r.RawWritesSec, r.InFlight, r.RawWrite.P50, r.RawWrite.P99)
	if len(r.Rounds) > 1 {
		fmt.Fprintf(w, "\n%-6s %10s %10s %10s %9s %9s %9s %11s\n", "round", "closed/s", "flood/s", "raw/s", "durable", "flood", "ack p99", "rate r.p99")
		for i, rd := range r.Rounds {
			fmt.Fprintf(w, "%-6d %10.0f %10.0f %10.0f %8.0f%% %8.0f%% %8.2f× %9.2fms\n", i+1, rd.BotRepliesSec, rd.FloodRepliesSec, rd.RawWritesSec,
				100*rd.DurableRatio, 100*rd.FloodRatio, rd.AckP99Ratio, rd.RateReplyP99)
		}
		fmt.Fprintf(w, "(the tables above are the median round; the ratios below are the medians of %d rounds)\n", len(r.Rounds))
	}
	if r.mode(modeClosed) != nil {
		fmt.Fprintf(w, "\nack p99 ratio    %.2f× the bare bot   (closed loop; goal ≤ 1.5×)\n", r.AckP99Ratio)
		fmt.Fprintf(w, "durable ratio    %.0f%% of raw writes/s  (closed loop; goal ≥ 80%%)\n", 100*r.DurableRatio)
	}
	if r.mode(modeClosed) != nil && r.mode(modeFlood) != nil {
		fmt.Fprintf(w, "flood ratio      %.0f%% of closed loop   (goal ≥ 80%%)\n", 100*r.FloodRatio)
	}
	fmt.Fprintf(w, "acks over 3 s    %d                    (goal 0)\n", r.AcksOver3s)
	if r.Pass {
		fmt.Fprintln(w, "\nPASS")
	} else {
		fmt.Fprintf(w, "\nFAIL: %s\n", strings.Join(r.Failures, "; "))
	}
}

var team = []slacktest.User{
	{ID: "U0ALICE", Name: "alice", RealName: "Alice Anders"}, {ID: "U0BOB", Name: "bob", RealName: "Bob Brown"},
	{ID: "U0CAROL", Name: "carol", RealName: "Carol Chen"}, {ID: "U0DAN", Name: "dan", RealName: "Dan Diaz"},
	{ID: "U0ERIN", Name: "erin", RealName: "Erin Evans"}, {ID: "U0FRANK", Name: "frank", RealName: "Frank Fox"},
	{ID: "U0GRACE", Name: "grace", RealName: "Grace Gill"}, {ID: "U0HEIDI", Name: "heidi", RealName: "Heidi Hart"},
}

func run(ctx context.Context, o options) (Report, error) {
	if o.Users < 1 || o.Users > len(team) {
		o.Users = len(team)
	}
	if len(o.Modes) == 0 {
		o.Modes = []mode{modeClosed, modeFlood, modeRate}
	}
	if o.Rate <= 0 {
		o.Modes = slices.DeleteFunc(o.Modes, func(m mode) bool { return m == modeRate })
	}
	if o.Dir == "" {
		dir, err := os.MkdirTemp("", "salesbot-load-")
		if err != nil {
			return Report{}, err
		}
		defer os.RemoveAll(dir)
		o.Dir = dir
	}
	// Rounds interleave the measurements: a burst of load from elsewhere
	// on the machine then skews one round, not every salesbot figure
	// against every baseline.
	var reps []Report
	for i := range max(1, o.Rounds) {
		ro := o
		ro.Dir = filepath.Join(o.Dir, fmt.Sprintf("round%d", i+1))
		if err := os.MkdirAll(ro.Dir, 0o700); err != nil {
			return Report{}, err
		}
		if i > 0 {
			ro.CPUProfile = "" // one profile per mode, of the first round
		}
		r, err := runRound(ctx, ro)
		if err != nil {
			return Report{}, err
		}
		reps = append(reps, r)
	}
	return combine(reps), nil
}

// median returns the middle value of xs (xs is sorted in place).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

// combine reports the median round's figures with the median ratios, and
// fails when the medians miss a goal or any round lost a reply or a deal.
func combine(reps []Report) Report {
	byDurable := append([]Report(nil), reps...)
	sort.SliceStable(byDurable, func(i, j int) bool { return byDurable[i].DurableRatio < byDurable[j].DurableRatio })
	rep := byDurable[len(byDurable)/2]
	var acks, durable, flood []float64
	rep.AcksOver3s, rep.Rounds, rep.Failures = 0, nil, nil
	for i, r := range reps {
		acks, durable, flood = append(acks, r.AckP99Ratio), append(durable, r.DurableRatio), append(flood, r.FloodRatio)
		rep.AcksOver3s += r.AcksOver3s
		rd := Round{BotRepliesSec: r.BotRepliesSec, RawWritesSec: r.RawWritesSec, BotAckP99: r.BotAck.P99, BareAckP99: r.BareAck.P99,
			AckP99Ratio: r.AckP99Ratio, DurableRatio: r.DurableRatio, FloodRatio: r.FloodRatio}
		if m := r.mode(modeFlood); m != nil {
			rd.FloodRepliesSec = m.BotRepliesSec
		}
		if m := r.mode(modeRate); m != nil {
			rd.RateReplyP99 = m.BotReply.P99
		}
		rep.Rounds = append(rep.Rounds, rd)
		for _, m := range r.Modes {
			if m.DealsStored != r.Commands || m.BotReply.N != r.Commands || m.BareAck.N != r.Commands {
				rep.Failures = append(rep.Failures, fmt.Sprintf("round %d, %s: %d replies, %d deals stored, %d bare acks for %d commands",
					i+1, m.Name, m.BotReply.N, m.DealsStored, m.BareAck.N, r.Commands))
			}
		}
	}
	rep.AckP99Ratio, rep.DurableRatio, rep.FloodRatio = median(acks), median(durable), median(flood)
	if rep.mode(modeClosed) != nil {
		if rep.AckP99Ratio > 1.5 {
			rep.Failures = append(rep.Failures, fmt.Sprintf("ack p99 %.2f× the bare bot", rep.AckP99Ratio))
		}
		if rep.DurableRatio < 0.8 {
			rep.Failures = append(rep.Failures, fmt.Sprintf("durable replies/s only %.0f%% of raw writes/s", 100*rep.DurableRatio))
		}
		if rep.mode(modeFlood) != nil && rep.FloodRatio < 0.8 {
			rep.Failures = append(rep.Failures, fmt.Sprintf("flood replies/s only %.0f%% of the closed loop's", 100*rep.FloodRatio))
		}
	}
	if rep.AcksOver3s > 0 {
		rep.Failures = append(rep.Failures, fmt.Sprintf("%d acks over 3 s", rep.AcksOver3s))
	}
	rep.Pass = len(rep.Failures) == 0
	return rep
}

// runRound measures the raw baseline, then the bare bot and salesbot
// under each pacing.
func runRound(ctx context.Context, o options) (Report, error) {
	rep := Report{Commands: o.N, InFlight: o.InFlight, Warmup: o.Warmup, Rate: o.Rate, CPUs: runtime.NumCPU()}

	// Raw bbolt Batch writes, K writers, on a file warmed as the bots'
	// are.
	rawPath := filepath.Join(o.Dir, "raw.db")
	if o.Warmup > 0 {
		if _, err := storage.RunBatchBaseline(ctx, rawPath, o.Warmup, o.InFlight, 256); err != nil {
			return rep, fmt.Errorf("raw baseline warm-up: %w", err)
		}
	}
	raw, err := storage.RunBatchBaseline(ctx, rawPath, o.N, o.InFlight, 256)
	if err != nil {
		return rep, fmt.Errorf("raw baseline: %w", err)
	}
	rep.RawWritesSec, rep.RawElapsedSec, rep.RawWrite = raw.PerSecond(), raw.Elapsed.Seconds(), summarize(raw.PerWrite)

	for _, m := range o.Modes {
		bare, err := runBare(ctx, o, m)
		if err != nil {
			return rep, fmt.Errorf("bare bot, %s: %w", m, err)
		}
		sb, err := runSalesbot(ctx, o, m)
		if err != nil {
			return rep, fmt.Errorf("salesbot, %s: %w", m, err)
		}
		fig := Mode{Name: string(m), BotAck: summarize(sb.acks), BotReply: summarize(sb.replies),
			BotElapsedSec: sb.elapsed.Seconds(), DealsStored: sb.stored, BareAck: summarize(bare.acks)}
		fig.BotRepliesSec = float64(len(sb.replies)) / sb.elapsed.Seconds()
		fig.BareAcksSec = float64(len(bare.acks)) / bare.elapsed.Seconds()
		fig.BotCPUms, fig.BotHarnessCPUms = msCPU(sb.botCPU), msCPU(sb.harnessCPU)
		fig.BareCPUms, fig.BareHarnessCPUms = msCPU(bare.botCPU), msCPU(bare.harnessCPU)
		for _, a := range append(append([]time.Duration(nil), sb.acks...), bare.acks...) {
			if a > 3*time.Second {
				rep.AcksOver3s++
			}
		}
		rep.Modes = append(rep.Modes, fig)
		if m == modeClosed {
			rep.BotAck, rep.BotReply, rep.BotRepliesSec = fig.BotAck, fig.BotReply, fig.BotRepliesSec
			rep.BotElapsedSec, rep.DealsStored = fig.BotElapsedSec, fig.DealsStored
			rep.BareAck, rep.BareElapsedSec = fig.BareAck, bare.elapsed.Seconds()
		}
	}
	if rep.BareAck.P99 > 0 {
		rep.AckP99Ratio = rep.BotAck.P99 / rep.BareAck.P99
	}
	if rep.RawWritesSec > 0 {
		rep.DurableRatio = rep.BotRepliesSec / rep.RawWritesSec
	}
	if f := rep.mode(modeFlood); f != nil && rep.BotRepliesSec > 0 {
		rep.FloodRatio = f.BotRepliesSec / rep.BotRepliesSec
	}
	return rep, nil
}

type result struct {
	acks, replies []time.Duration
	elapsed       time.Duration
	stored        int
	// CPU (user+system) per measured command: the bot's process, and
	// this one's (the emulator and the driver). botCPU is 0 when the
	// bots run in this process (-inprocess).
	botCPU, harnessCPU time.Duration
}

// mode is how the driver paces its commands.
type mode string

const (
	// closed: each of K senders waits for its command's reply before the
	// next (the load a team of people waiting on the bot makes).
	modeClosed mode = "closed"
	// flood: K commands may be unacked at once; a command is sent as soon
	// as an earlier one is acked, without waiting for any reply, so
	// commands arrive faster than they can be committed.
	modeFlood mode = "flood"
	// rate: open loop, one command every 1/rate seconds whatever the
	// bot does.
	modeRate mode = "rate"
)

// drive pushes o.N slash commands paced by m. done reports whether a
// record answers an envelope (its reply arrived); the reader loop sees
// every record once, in order.
func drive(ctx context.Context, emu *slacktest.Server, o options, m mode, text func(i int) string,
	complete func(r *slacktest.Record) (envelope string, ok bool)) (result, error) {
	var res result
	slots := make(chan struct{}, max(1, o.InFlight))
	var mu sync.Mutex
	pushed := make(map[string]time.Time, o.N)
	doneAt := make(map[string]time.Time, o.N)
	finished := make(chan error, 1)
	cursor := emu.Len()
	start := time.Now()
	go func() {
		// One reader walks the emulator's record log in order.
		for got := 0; got < o.N; {
			rec, err := emu.Await(ctx, cursor, func(r *slacktest.Record) bool {
				return r.Kind == slacktest.KindAck || r.Kind == slacktest.KindResponse
			})
			if err != nil {
				finished <- err
				return
			}
			cursor = rec.Seq + 1
			if rec.Kind == slacktest.KindAck {
				mu.Lock()
				res.acks = append(res.acks, rec.Ack.Latency)
				mu.Unlock()
				if m == modeFlood {
					<-slots
				}
			}
			if id, ok := complete(&rec); ok {
				mu.Lock()
				doneAt[id] = rec.At
				mu.Unlock()
				got++
				if m == modeClosed {
					<-slots
				}
			}
		}
		finished <- nil
	}()
	interval := time.Duration(0)
	if m == modeRate {
		interval = time.Duration(float64(time.Second) / o.Rate)
	}
	for i := 0; i < o.N; i++ {
		if m == modeRate {
			// Open loop: due at start + i/rate, late or not.
			if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
				t := time.NewTimer(d)
				select {
				case <-t.C:
				case err := <-finished:
					t.Stop()
					return res, fmt.Errorf("stopped early: %v", err)
				case <-ctx.Done():
					t.Stop()
					return res, ctx.Err()
				}
			}
		} else {
			select {
			case slots <- struct{}{}:
			case err := <-finished:
				return res, fmt.Errorf("stopped early: %v", err)
			case <-ctx.Done():
				return res, ctx.Err()
			}
		}
		user := team[i%o.Users].ID
		t0 := time.Now()
		id := emu.SlashCommand(user, slacktest.DefaultChannel, "/deal", text(i))
		mu.Lock()
		pushed[id] = t0
		mu.Unlock()
	}
	if err := <-finished; err != nil {
		return res, err
	}
	res.elapsed = time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	for id, at := range doneAt {
		res.replies = append(res.replies, at.Sub(pushed[id]))
	}
	return res, nil
}

func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

// child runs one bot until SIGTERM and returns its exit status.
func child(kind string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	var err error
	switch kind {
	case "bare":
		err = runBareBot(ctx, os.Getenv(envAPI), os.Getenv(envApp), os.Getenv(envBot), nil)
	case "salesbot":
		app.TuneRuntime() // the product's runtime settings, as cmd/salesbot applies them
		err = runSalesbotBot(ctx, os.Getenv(envAPI), os.Getenv(envApp), os.Getenv(envBot), os.Getenv(envDB), os.Getenv("LOADTEST_CPUPROFILE"), nil)
	default:
		err = fmt.Errorf("unknown child %q", kind)
	}
	if err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "loadtest child:", err)
		return 1
	}
	return 0
}

// runBareBot is the ack-only baseline: an unmodified slack-go Socket Mode
// client that acks every envelope at once, with nothing else to do.
func runBareBot(ctx context.Context, apiURL, appToken, botToken string, ready chan<- struct{}) error {
	api := slack.New(botToken, slack.OptionAPIURL(apiURL), slack.OptionAppLevelToken(appToken),
		slack.OptionHTTPClient(&http.Client{Timeout: 10 * time.Second}), slack.OptionLog(quietLog()))
	sm := socketmode.New(api, socketmode.OptionLog(quietLog()))
	done := make(chan error, 1)
	go func() { done <- sm.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-done
			return nil
		case err := <-done:
			return err
		case ev := <-sm.Events:
			if ev.Type == socketmode.EventTypeHello && ready != nil {
				close(ready)
				ready = nil
			}
			if ev.Request != nil && ev.Request.EnvelopeID != "" {
				actx, c := context.WithTimeout(ctx, 3*time.Second)
				_ = sm.AckCtx(actx, ev.Request.EnvelopeID, nil)
				c()
			}
		}
	}
}

// runSalesbotBot is the real bot, commands and storage.
func runSalesbotBot(ctx context.Context, apiURL, appToken, botToken, dbPath, profile string, ready chan<- struct{}) error {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	db, err := storage.Open(dbPath, storage.Options{Logger: logger})
	if err != nil {
		return err
	}
	defer db.Close()
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	loc := sales.Locale{Loc: time.UTC, Currency: sales.DefaultCurrency}
	out := outbox.New(outbox.Config{Locale: loc, Logger: logger}, db)
	svc := commands.New(db, commands.Config{Locale: loc, Logger: logger})
	b := bot.New(bot.Config{AppToken: appToken, BotToken: botToken, APIURL: apiURL,
		Locale: loc, Logger: logger}, svc, db, out)
	if ready != nil {
		go func() {
			select {
			case <-b.Ready():
				close(ready)
			case <-ctx.Done():
			}
		}()
	}
	return b.Run(ctx)
}

// startBot runs kind in a child process (or a goroutine with -inprocess)
// against emu and returns a stop function that waits for it to exit and
// reports the CPU the child used (0 in-process).
func startBot(ctx context.Context, o options, kind string, emu *slacktest.Server, dbPath string) (stop func() (time.Duration, error), err error) {
	if o.InProcess {
		bctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			if kind == "bare" {
				done <- runBareBot(bctx, emu.APIURL(), emu.AppToken(), emu.BotToken(), nil)
			} else {
				done <- runSalesbotBot(bctx, emu.APIURL(), emu.AppToken(), emu.BotToken(), dbPath, o.CPUProfile, nil)
			}
		}()
		return func() (time.Duration, error) { cancel(); return 0, <-done }, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), envChild+"="+kind, envAPI+"="+emu.APIURL(), envApp+"="+emu.AppToken(),
		envBot+"="+emu.BotToken(), envDB+"="+dbPath)
	if kind == "salesbot" && o.CPUProfile != "" {
		cmd.Env = append(cmd.Env, "LOADTEST_CPUPROFILE="+o.CPUProfile)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return func() (time.Duration, error) {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		err := cmd.Wait()
		if cmd.ProcessState == nil {
			return 0, err
		}
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), err
	}, nil
}

func runBare(ctx context.Context, o options, m mode) (result, error) {
	emu := slacktest.New(slacktest.Options{Users: team})
	defer emu.Close()
	stop, err := startBot(ctx, o, "bare", emu, "")
	if err != nil {
		return result{}, err
	}
	stopped := false
	defer func() {
		if !stopped {
			_, _ = stop()
		}
	}()
	wctx, wcancel := context.WithTimeout(ctx, 15*time.Second)
	defer wcancel()
	if err := emu.AwaitConnections(wctx, 1); err != nil {
		return result{}, fmt.Errorf("bare bot did not connect: %w", err)
	}
	res, err := measure(ctx, emu, o, m, func(r *slacktest.Record) (string, bool) {
		if r.Kind == slacktest.KindAck {
			return r.Ack.EnvelopeID, true
		}
		return "", false
	})
	if err != nil {
		return res, err
	}
	stopped = true
	cpu, err := stop()
	res.botCPU = perCommand(cpu, o.N+o.Warmup)
	return res, err
}

// measure sends o.Warmup commands with m's pacing and waits for them
// (the first connections, the file's first pages, the runtime's first
// heap: a cold start the measured commands should not pay), then
// measures o.N more.
func measure(ctx context.Context, emu *slacktest.Server, o options, m mode, complete func(r *slacktest.Record) (string, bool)) (result, error) {
	if o.Warmup > 0 {
		wo := o
		wo.N = o.Warmup
		if _, err := drive(ctx, emu, wo, m, func(i int) string { return fmt.Sprintf("add Warm%05d %dk", i, i%500+1) }, complete); err != nil {
			return result{}, fmt.Errorf("warm-up: %w", err)
		}
	}
	cpu := cputime.Process()
	res, err := drive(ctx, emu, o, m, func(i int) string { return fmt.Sprintf("add Load%05d %dk", i, i%500+1) }, complete)
	res.harnessCPU = perCommand(cputime.Process()-cpu, o.N)
	return res, err
}

// perCommand spreads cpu over n commands (0 when it was not measured).
func perCommand(cpu time.Duration, n int) time.Duration {
	if cpu <= 0 || n <= 0 {
		return 0
	}
	return cpu / time.Duration(n)
}

func runSalesbot(ctx context.Context, o options, m mode) (result, error) {
	emu := slacktest.New(slacktest.Options{Users: team})
	defer emu.Close()
	dbPath := filepath.Join(o.Dir, "salesbot-"+string(m)+".db")
	if o.CPUProfile != "" {
		o.CPUProfile += "." + string(m)
	}
	stop, err := startBot(ctx, o, "salesbot", emu, dbPath)
	if err != nil {
		return result{}, err
	}
	stopped := false
	defer func() {
		if !stopped {
			_, _ = stop()
		}
	}()
	wctx, wcancel := context.WithTimeout(ctx, 15*time.Second)
	defer wcancel()
	if err := emu.AwaitConnections(wctx, 1); err != nil {
		return result{}, fmt.Errorf("salesbot did not connect: %w", err)
	}
	res, err := measure(ctx, emu, o, m,
		func(r *slacktest.Record) (string, bool) {
			// The "Logged" reply rides in the ack or comes by response_url.
			switch {
			case r.Kind == slacktest.KindAck && r.Ack.Msg != nil:
				return r.Ack.EnvelopeID, strings.HasPrefix(r.Ack.Msg.Text, "Logged")
			case r.Kind == slacktest.KindResponse && r.Response.OK:
				return r.Response.EnvelopeID, strings.HasPrefix(r.Response.Msg.Text, "Logged")
			}
			return "", false
		})
	if err != nil {
		return res, err
	}
	// Stop the bot (SIGTERM: it drains and closes the file), then count
	// what is on disk.
	stopped = true
	cpu, err := stop()
	if err != nil {
		return res, fmt.Errorf("salesbot exit: %w", err)
	}
	res.botCPU = perCommand(cpu, o.N+o.Warmup)
	db, err := storage.Open(dbPath, storage.Options{ReadOnly: true})
	if err != nil {
		return res, err
	}
	defer db.Close()
	n, err := db.CountDeals(ctx)
	res.stored = n - o.Warmup // the warm-up's deals are in the file too
	return res, err
}
