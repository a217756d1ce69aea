// Package bot is salesbot's Slack side: a Socket Mode bot on slack-go that
// turns slash commands, buttons, modals and App Home events into
// commands.Service calls and renders the results as Block Kit. It acks
// every envelope once within 3 seconds, dedupes redeliveries across
// restarts, and posts channel messages (wins, digests, nudges) through a
// durable outbox so none is lost or doubled.
//
// It may import slack-go, bot/blocks, commands, digest, outbox and sales;
// never storage or bbolt: the stores it needs are interfaces declared here.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/sales"
)

// Config configures a Bot.
type Config struct {
	AppToken      string // xapp-…, Socket Mode
	BotToken      string // xoxb-…, Web API
	APIURL        string // SLACK_API_URL; a trailing slash is added
	WinsChannel   string // "" = no win celebrations
	DigestChannel string // where /salesbot digest now posts (the digest service decides)
	Locale        sales.Locale
	Logger        *slog.Logger
	HTTPClient    *http.Client // nil = 15s-timeout client

	// Registry receives the bot's metrics; nil = a private registry with
	// the Go and process collectors (see Gatherer).
	Registry *prometheus.Registry
	// FastReply is how long a command may run before the bot acks empty
	// and answers through the response_url instead (default 1.5s).
	FastReply time.Duration
	// PingInterval is slack-go's dead-man interval for server pings
	// (default 30s).
	PingInterval time.Duration
	// DrainTimeout bounds the wait for in-flight work on shutdown
	// (default 10s).
	DrainTimeout time.Duration
}

// Store is what the bot needs from storage (*storage.DB satisfies it).
type Store interface {
	MarkEnvelope(ctx context.Context, id string) (first bool, err error)
	EnvelopeSeen(ctx context.Context, id string) (bool, error)
	EnsurePerson(ctx context.Context, slackID, name, realName, email string) (sales.Person, error)
	PersonBySlackID(ctx context.Context, slackID string) (sales.Person, error)
	ModifyPerson(ctx context.Context, id sales.PersonID, fn func(*sales.Person) error) (sales.Person, error)
	Stages(ctx context.Context) (sales.StageSet, error)
	Journal(ctx context.Context) ([]sales.Journal, error)
	ClearJournal(ctx context.Context, keys ...string) error
}

// ackBudget is how long after receipt an ack may still be queued: Slack
// wants it within 3 seconds and the socket needs a moment to carry it.
const ackBudget = 2500 * time.Millisecond

// Bot is the running Slack side. Create it with New and start it with Run.
type Bot struct {
	cfg   Config
	svc   *commands.Service
	store Store
	api   *slack.Client
	http  *http.Client // the api's client, for response_url posts (reply.go)
	sm    *socketmode.Client
	log   *slog.Logger
	m     *metrics
	dir   *directory
	out   *outbox.Outbox

	botUserID string
	stageMu   sync.Mutex
	stageSet  sales.StageSet
	stageAt   time.Time
	connected atomic.Bool
	draining  atomic.Bool
	stopping  chan struct{}  // closed when the drain starts
	late      sync.WaitGroup // "restarting" acks sent during the drain
	ready     chan struct{}
	readyOnce sync.Once
	active    sync.Map // envelope ids being handled in this process
	replies   *limiter
	clear     *clearer        // answered write commands to drop from the journal
	owed      sync.Map        // envelope id → true: answers the start-up answerer still owes
	dms       sync.Map        // user id → the DM channel opened with them
	quit      <-chan struct{} // closed when Run's ctx ends: owed answers stop retrying

	// idle tracking for WaitIdle: busy counts envelope handlers and
	// background jobs; the outbox reports its own state.
	mu   sync.Mutex
	cond *sync.Cond
	busy int
	wg   sync.WaitGroup
}

// New builds a bot that posts through out; nothing connects until Run,
// which also runs out's worker.
func New(cfg Config, svc *commands.Service, store Store, out *outbox.Outbox) *Bot {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Locale = cfg.Locale.WithDefaults()
	if cfg.APIURL == "" {
		cfg.APIURL = slack.APIURL
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/" // slack-go concatenates method names
	}
	if cfg.FastReply <= 0 {
		cfg.FastReply = 1500 * time.Millisecond
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = 10 * time.Second
	}
	b := &Bot{cfg: cfg, svc: svc, store: store, out: out, log: cfg.Logger, m: newMetrics(cfg.Registry, out), ready: make(chan struct{}),
		stopping: make(chan struct{}), replies: newLimiter(), clear: newClearer()}
	b.cond = sync.NewCond(&b.mu)
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	counted := *hc
	base := hc.Transport
	if base == nil {
		// Replies go out concurrently (one response_url POST per command):
		// keep enough idle connections that each does not dial anew.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns, t.MaxIdleConnsPerHost = 256, 128
		base = t
	}
	counted.Transport = countingTransport{next: base, m: b.m}
	b.http = &counted
	quiet := slogOutput{log: cfg.Logger}
	b.api = slack.New(cfg.BotToken, slack.OptionAPIURL(cfg.APIURL), slack.OptionAppLevelToken(cfg.AppToken),
		slack.OptionHTTPClient(&counted), slack.OptionLog(quiet))
	opts := []socketmode.Option{socketmode.OptionLog(quiet)}
	if cfg.PingInterval > 0 {
		opts = append(opts, socketmode.OptionPingInterval(cfg.PingInterval))
	}
	b.sm = socketmode.New(b.api, opts...)
	b.dir = newDirectory(b)
	return b
}

// slogOutput adapts slack-go's logger to slog at debug level. slack-go's
// own debug output redacts tokens, and debug mode stays off.
type slogOutput struct{ log *slog.Logger }

func (s slogOutput) Output(_ int, msg string) error {
	s.log.Debug("slack-go", "msg", strings.TrimSpace(msg))
	return nil
}

// Connected reports whether the Socket Mode connection is up (for
// /healthz).
func (b *Bot) Connected() bool { return b.connected.Load() }

// Ready is closed once the first socket has said hello.
func (b *Bot) Ready() <-chan struct{} { return b.ready }

// Stopping is closed once Run has begun its drain (SIGTERM): from then on
// new commands are told to try again in a few seconds.
func (b *Bot) Stopping() <-chan struct{} { return b.stopping }

// Gatherer exposes the bot's metrics for /metrics.
func (b *Bot) Gatherer() prometheus.Gatherer { return b.m.reg }

// checkTokens rejects tokens of the wrong kind without echoing them.
func checkTokens(cfg Config) error {
	if !strings.HasPrefix(cfg.AppToken, "xapp-") {
		return errors.New("bot: the app-level token must start with xapp-")
	}
	if !strings.HasPrefix(cfg.BotToken, "xoxb-") {
		return errors.New("bot: the bot token must start with xoxb-")
	}
	return nil
}

// Run connects and serves until ctx is cancelled, then stops taking new
// envelopes, finishes the ones in flight (acks and replies included) and
// returns nil. It returns an error when Slack refuses the tokens.
func (b *Bot) Run(ctx context.Context) error {
	if err := checkTokens(b.cfg); err != nil {
		return err
	}
	if err := b.authTest(ctx); err != nil {
		return err
	}
	b.quit = ctx.Done()
	// The socket and outbox outlive ctx a little: in-flight handlers still
	// need to ack and reply after the shutdown signal.
	sockCtx, stopSock := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSock()
	outCtx, stopOut := context.WithCancel(context.WithoutCancel(ctx))
	defer stopOut()
	outDone := make(chan struct{})
	go func() {
		defer close(outDone)
		b.out.Run(outCtx, b.api)
	}()
	// Time zones from users.list, daily (zones.go).
	zonesCtx, stopZones := context.WithCancel(ctx)
	zonesDone := make(chan struct{})
	go func() { defer close(zonesDone); b.runZoneRefresh(zonesCtx) }()
	defer func() { stopZones(); <-zonesDone }()
	clearCtx, stopClear := context.WithCancel(context.WithoutCancel(ctx))
	defer stopClear()
	clearDone := make(chan struct{})
	go func() {
		defer close(clearDone)
		b.runClearer(clearCtx)
	}()
	// Answers a killed process owed: listed before new envelopes (and
	// redeliveries of its own) can arrive, sent in the background.
	b.answerJournal(ctx)
	runErr := make(chan error, 1)
	go func() { runErr <- b.sm.RunContext(sockCtx) }()

	var fatal error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-runErr:
			// RunContext only returns on fatal auth errors (or our cancel).
			fatal = fmt.Errorf("bot: socket mode stopped: %w", err)
			runErr = nil
			break loop
		case ev := <-b.sm.Events:
			b.onEvent(ctx, ev)
		}
	}

	// Drain: stop taking work, let in-flight envelopes finish. The socket
	// stays up meanwhile: Slack never redelivers a slash command, so one
	// typed now is answered "restarting" instead of failing for its user.
	b.draining.Store(true)
	close(b.stopping)
	b.log.Info("salesbot restarting", "in_flight", b.busyCount(), "drain_timeout", b.cfg.DrainTimeout)
	drained := make(chan struct{})
	go func() { b.wg.Wait(); close(drained) }()
	timeout := time.NewTimer(b.cfg.DrainTimeout)
	defer timeout.Stop()
wait:
	for {
		select {
		case <-drained:
			break wait
		case <-timeout.C:
			b.log.Warn("bot drain timed out", "in_flight", b.busyCount())
			break wait
		case ev := <-b.sm.Events:
			// Keep reading so the socket's reader never blocks; new
			// envelopes are left unacked for Slack to redeliver.
			b.onEvent(ctx, ev)
		}
	}
	// Acks queued by the last handlers go out before the socket closes:
	// slack-go's sender returns on cancel without draining its queue.
	// Envelopes keep being read meanwhile, so a command typed now is
	// still told to try again; then the "restarting" acks go out too.
	stopRead, readDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(readDone)
		for {
			select {
			case <-stopRead:
				return
			case ev := <-b.sm.Events:
				b.onEvent(ctx, ev)
			}
		}
	}()
	b.flushAcks(2 * time.Second)
	close(stopRead)
	<-readDone
	b.late.Wait()
	b.flushAcks(time.Second)
	stopSock()
	if runErr != nil {
		<-runErr
	}
	b.connected.Store(false)
	b.m.connected.Set(0)
	stopOut()
	<-outDone
	stopClear()
	<-clearDone
	b.log.Info("bot stopped")
	return fatal
}

func (b *Bot) authTest(ctx context.Context) error {
	var last error
	for attempt := 0; attempt < 5; attempt++ {
		actx, cancel := context.WithTimeout(ctx, 10*time.Second)
		r, err := b.api.AuthTestContext(actx)
		cancel()
		if err == nil {
			b.botUserID = r.UserID
			return nil
		}
		last = err
		switch err.Error() {
		case "invalid_auth", "not_authed", "account_inactive", "token_revoked":
			return fmt.Errorf("bot: Slack refused SLACK_BOT_TOKEN (%s)", err.Error())
		}
		wait := time.Duration(attempt+1) * 500 * time.Millisecond
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			wait = rl.RetryAfter
		}
		b.log.Warn("auth.test failed; retrying", sales.LogKeyError, redact(err), "wait", wait)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	return fmt.Errorf("bot: cannot reach Slack: %s", redact(last))
}

// redact renders an error for logs with anything token-shaped removed.
func redact(err error) string { return sales.Redact(err) }

// onEvent routes one socketmode event. It never blocks on slow work:
// envelopes are handled on their own goroutines.
func (b *Bot) onEvent(ctx context.Context, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnecting:
		b.setConnected(false)
	case socketmode.EventTypeConnected:
		if ce, ok := ev.Data.(*socketmode.ConnectedEvent); ok && ce.ConnectionCount > 0 {
			b.m.reconnects.Inc()
			b.log.Info("socket reconnected", "connection", ce.ConnectionCount)
		}
	case socketmode.EventTypeHello:
		b.setConnected(true)
		b.readyOnce.Do(func() { close(b.ready) })
	case socketmode.EventTypeConnectionError:
		b.setConnected(false)
		if ce, ok := ev.Data.(*slack.ConnectionErrorEvent); ok {
			b.log.Warn("socket connection failed; retrying", sales.LogKeyError, redact(ce.ErrorObj), "backoff", ce.Backoff)
		}
	case socketmode.EventTypeErrorWriteFailed:
		// The socket died under an ack. slack-go drops it; queue it again
		// so it goes out on the next socket (the send queue is shared
		// across reconnects). A late ack is harmless; a missing one makes
		// Slack redeliver.
		if wf, ok := ev.Data.(*socketmode.ErrorWriteFailed); ok && wf.Response != nil && wf.Response.EnvelopeID != "" && !b.draining.Load() {
			res := *wf.Response
			b.log.Warn("ack write failed; resending", sales.LogKeyEnvelope, res.EnvelopeID, sales.LogKeyError, redact(wf.Cause))
			b.goTrack(func() {
				actx, cancel := context.WithTimeout(context.Background(), ackWait)
				defer cancel()
				if err := b.sm.SendCtx(actx, res); err != nil {
					b.log.Error("ack lost", sales.LogKeyEnvelope, res.EnvelopeID, sales.LogKeyError, err.Error())
				}
			})
		}
	case socketmode.EventTypeInvalidAuth:
		b.log.Error("Slack refused SLACK_APP_TOKEN")
	case socketmode.EventTypeIncomingError:
		b.log.Warn("unreadable socket frame")
	case socketmode.EventTypeErrorBadMessage:
		// Ack what we can so Slack stops redelivering a frame we cannot read.
		if bm, ok := ev.Data.(*socketmode.ErrorBadMessage); ok {
			b.log.Warn("bad envelope", sales.LogKeyError, bm.Cause.Error())
			if id := envelopeIDOf(bm.Message); id != "" && !b.draining.Load() {
				b.m.envelopes.WithLabelValues("bad", "acked").Inc()
				received := time.Now()
				// Off the event loop: an ack may wait for a reconnect.
				b.goTrack(func() { b.ack(id, nil, received) })
			}
		}
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
		if ev.Request == nil || ev.Request.EnvelopeID == "" {
			return
		}
		if b.draining.Load() {
			b.refuseWhileDraining(ev)
			return
		}
		received := time.Now()
		// Count the work before anything can ack it: whoever sees the ack
		// must see the bot busy until the reply is out (WaitIdle).
		run := b.track()
		// A command that writes is acked first thing by its handler, with
		// a "Logging…" line: its reply waits for a commit anyway. The ack
		// is not sent from this
		// loop: slack-go's AckCtx cannot say whether a timed-out ack was
		// queued (its select picks at random when both the deadline and
		// the queue are ready), so a short deadline here either doubled
		// acks or lost them under load.
		writes := false
		if cmd, ok := ev.Data.(slack.SlashCommand); ok {
			writes = b.writes(ctx, cmd.Command, cmd.Text)
		}
		go run(func() { b.handle(context.WithoutCancel(ctx), ev, received, writes) })
	}
}

// restartingText answers a command typed during a restart's drain.
const restartingText = "salesbot is restarting, try again in a few seconds."

// refuseWhileDraining answers an envelope that arrives during the drain.
// A slash command is acked with restartingText: Slack would not deliver
// it again, and unacked its user sees only an error. Events and
// interactions stay unacked, so Slack retries the events with the next
// process and the user's client says the action failed.
func (b *Bot) refuseWhileDraining(ev socketmode.Event) {
	if ev.Type != socketmode.EventTypeSlashCommand {
		b.m.envelopes.WithLabelValues(string(ev.Type), "ignored").Inc()
		return
	}
	b.m.envelopes.WithLabelValues(string(ev.Type), "restarting").Inc()
	id, received := ev.Request.EnvelopeID, time.Now()
	b.late.Add(1)
	// Off the event loop, which must keep reading the socket.
	go func() {
		defer b.late.Done()
		b.ack(id, ackMessage{ResponseType: slack.ResponseTypeEphemeral, Text: restartingText}, received)
	}()
}

func (b *Bot) setConnected(up bool) {
	b.connected.Store(up)
	if up {
		b.m.connected.Set(1)
	} else {
		b.m.connected.Set(0)
	}
}

// goTrack runs fn in a goroutine counted by WaitIdle and shutdown.
func (b *Bot) goTrack(fn func()) {
	run := b.track()
	go run(fn)
}

// track counts one unit of work now and returns the function that runs it
// and uncounts it when done (recovering a panic so one bad envelope cannot
// stop the bot).
func (b *Bot) track() func(fn func()) {
	b.mu.Lock()
	b.busy++
	b.mu.Unlock()
	b.wg.Add(1)
	return func(fn func()) {
		defer func() {
			if r := recover(); r != nil {
				b.log.Error("handler panic", "panic", fmt.Sprint(r))
			}
			b.mu.Lock()
			b.busy--
			b.cond.Broadcast()
			b.mu.Unlock()
			b.wg.Done()
		}()
		fn()
	}
}

func (b *Bot) busyCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.busy
}

// WaitIdle blocks until no envelope is being handled and the outbox has
// nothing left to post (or ctx ends). The demo and tests use it to know a
// command's replies and posts are all out, without sleeping.
func (b *Bot) WaitIdle(ctx context.Context) error {
	for {
		if err := b.waitHandlers(ctx); err != nil {
			return err
		}
		// Handlers queue their posts before they finish, so once they are
		// done the outbox holds everything they started.
		if err := b.out.WaitIdle(ctx); err != nil {
			return err
		}
		if b.busyCount() == 0 {
			return nil
		}
	}
}

// waitHandlers blocks until no envelope handler or background job runs.
func (b *Bot) waitHandlers(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		b.mu.Lock()
		b.cond.Broadcast()
		b.mu.Unlock()
	})
	defer stop()
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.busy > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		b.cond.Wait()
	}
	return nil
}

// ackWait bounds how long an ack may wait for room in slack-go's send
// queue (full only while the socket reconnects); it matches slack-go's
// own write deadline. A late ack is still sent: Slack may redeliver
// meanwhile, and the copy is deduped.
const ackWait = 10 * time.Second

// ack acknowledges an envelope with an optional payload (AckCtx, never
// Ack, so a reconnecting socket cannot block the handler forever). The
// deadline runs from now, not from receipt: an ack whose deadline had
// already passed would be queued or dropped at random by slack-go.
func (b *Bot) ack(envelopeID string, payload any, received time.Time) bool {
	ctx, cancel := context.WithTimeout(context.Background(), ackWait)
	defer cancel()
	err := b.sm.AckCtx(ctx, envelopeID, payload)
	if err != nil && payload != nil && ctx.Err() == nil {
		// Too large or otherwise refused before queueing: an empty ack
		// still stops redelivery.
		b.log.Warn("ack with payload refused; acking empty", sales.LogKeyEnvelope, envelopeID, sales.LogKeyError, err.Error())
		err = b.sm.AckCtx(ctx, envelopeID, nil)
	}
	took := time.Since(received)
	b.m.ackLatency.Observe(took.Seconds())
	if err != nil || took > 3*time.Second {
		b.m.ackLate.Inc()
		b.log.Error("ack missed its deadline", sales.LogKeyEnvelope, envelopeID, sales.LogKeyDuration, took, sales.LogKeyError, fmt.Sprint(err))
		return err == nil
	}
	return true
}

// flushAcks waits, at most limit, until slack-go's send queue has been
// empty for a few milliseconds, so the acks the last handlers queued are
// written before the socket closes. The queue is unexported: its length
// is read by reflection (slack-go is pinned at v0.35.0), and without the
// field there is nothing to wait for.
func (b *Bot) flushAcks(limit time.Duration) {
	q := reflect.ValueOf(b.sm).Elem().FieldByName("socketModeResponses")
	if !q.IsValid() || q.Kind() != reflect.Chan {
		return
	}
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	// An emptied queue may still have its last ack in the sender's hands:
	// wait until it has stayed empty for a few ticks.
	for quiet := 0; quiet < 5 && time.Now().Before(deadline); <-tick.C {
		if q.Len() == 0 {
			quiet++
		} else {
			quiet = 0
		}
	}
}

// stageCacheTTL bounds how stale the cached stage list may be; stages
// change only by configuration, and the cache keeps a bbolt read off the
// ack path.
const stageCacheTTL = 5 * time.Second

// stages returns the configured stages, cached briefly.
// forgetStages drops the cached stages after a change to them.
func (b *Bot) forgetStages() {
	b.stageMu.Lock()
	b.stageAt = time.Time{}
	b.stageMu.Unlock()
}

func (b *Bot) stages(ctx context.Context) sales.StageSet {
	b.stageMu.Lock()
	defer b.stageMu.Unlock()
	if len(b.stageSet.Stages) > 0 && time.Since(b.stageAt) < stageCacheTTL {
		return b.stageSet
	}
	ss, err := b.store.Stages(ctx)
	if err != nil {
		if len(b.stageSet.Stages) > 0 {
			return b.stageSet
		}
		return sales.DefaultStages()
	}
	b.stageSet, b.stageAt = ss, time.Now()
	return ss
}
