// Package outbox is salesbot's durable exactly-once poster: channel
// posts, DMs, file shares and reactions are queued in the store and
// delivered by one worker. It is on the Slack side (it imports slack-go)
// and imports sales only: its store is the subset it declares here.
package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/sales"
)

// The outbox posts channel messages exactly once. A job is enqueued
// durably (store.Enqueue, deduped by key) before anyone is told it will
// happen; one worker delivers jobs in order, retrying 429s after
// Retry-After and outages with backoff, and marks a job done only after
// Slack accepted it. Multi-step jobs (a digest: main post, chart, thread
// replies) record their progress (Store.SetOutboxProgress) after each step, so a
// restart resumes where it stopped instead of posting again.
//
// One gap is left by that: Slack may have posted a message whose answer
// never arrived (a timeout, a 5xx after the fact, or a kill -9 between
// Slack's answer and the progress write). So every post carries message
// metadata naming its job and step, and each post is recorded as in
// flight (Progress.Posting) before it is sent. Only a step found in
// flight may already have happened: the worker looks for that one in the
// channel (or thread), from shortly before it was sent, and takes it
// instead of posting again; a file share is recognised by the file's
// name and title. Steps never sent are not looked for.

// The operations a Step can make.
const (
	OpPost   = "post"   // chat.postMessage
	OpDM     = "dm"     // conversations.open + chat.postMessage
	OpUpload = "upload" // files v2: getUploadURLExternal, upload, completeUploadExternal
	OpReact  = "react"  // reactions.add on the job's first post
)

// Job is one outbox payload: the Slack calls to make, in order. It is
// stored as JSON, so its field names are a storage format.
type Job struct {
	Kind  string `json:"kind"`
	Steps []Step `json:"steps"`
	// OnFail tells people by DM when Slack refuses the job for good
	// because of its channel (a digest route to a channel the bot left).
	OnFail *Notice `json:"on_fail,omitempty"`
}

// Notice is what a job's owners are told when its channel refuses it.
type Notice struct {
	Users []string `json:"users"` // Slack user ids
	// Texts holds the DM for each refusal in ChannelRefusals.
	Texts map[string]string `json:"texts"`
}

// ChannelRefusals are chat.postMessage's answers for a channel the bot
// cannot post in (https://api.slack.com/methods/chat.postMessage#errors):
// no retry helps until someone invites the bot back, unarchives the
// channel or routes elsewhere, so the job is dropped at once and its
// Notice sent.
var ChannelRefusals = []string{"not_in_channel", "channel_not_found", "is_archived"}

// channelRefusal names err's refusal when it is one of ChannelRefusals.
func channelRefusal(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		for _, r := range ChannelRefusals {
			if se.Err == r {
				return r
			}
		}
	}
	return ""
}

// Step is one Slack call of a job.
type Step struct {
	Op       string          `json:"op"`
	Channel  string          `json:"channel,omitempty"` // channel id; for dm the user id
	Text     string          `json:"text,omitempty"`
	Blocks   json.RawMessage `json:"blocks,omitempty"`
	Thread   bool            `json:"thread,omitempty"`    // reply in the thread of the job's first post
	ThreadTS string          `json:"thread_ts,omitempty"` // reply in this thread
	Name     string          `json:"name,omitempty"`      // reaction name, file name
	Title    string          `json:"title,omitempty"`
	Alt      string          `json:"alt,omitempty"`
	Data     []byte          `json:"data,omitempty"`
	// Person marks a dm meant for someone who sells (a nudge): it is
	// skipped, not sent, when Slack lists the user as a bot, a
	// deactivated account or a guest.
	Person bool `json:"person,omitempty"`
}

const (
	maxPermanentTries = 3
	maxBackoff        = 30 * time.Second
)

// Store is what the outbox needs from storage (*storage.DB has it).
type Store interface {
	Enqueue(ctx context.Context, it sales.OutboxItem) (added bool, err error)
	Pending(ctx context.Context) ([]sales.OutboxItem, error)
	Done(ctx context.Context, id uint64) error
	Retry(ctx context.Context, id uint64) error
	OutboxProgress(ctx context.Context, item uint64) (sales.OutboxProgress, error)
	SetOutboxProgress(ctx context.Context, item uint64, p sales.OutboxProgress) error
}

// API is the part of the Slack Web API the worker calls (*slack.Client
// has it).
type API interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
	AddReactionContext(ctx context.Context, name string, item slack.ItemRef) error
	GetUploadURLExternalContext(ctx context.Context, params slack.GetUploadURLExternalParameters) (*slack.GetUploadURLExternalResponse, error)
	UploadToURL(ctx context.Context, params slack.UploadToURLParameters) error
	CompleteUploadExternalContext(ctx context.Context, params slack.CompleteUploadExternalParameters) (*slack.CompleteUploadExternalResponse, error)
	GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)
	GetConversationRepliesContext(ctx context.Context, params *slack.GetConversationRepliesParameters) ([]slack.Message, bool, string, error)
	GetUsersPaginated(options ...slack.GetUsersOption) slack.UserPagination
}

// Config configures an Outbox.
type Config struct {
	Locale sales.Locale
	Logger *slog.Logger // default: discard
	// Pacer keeps each Web API method within its rate tier; nil: a pacer
	// on the wall clock and real timers.
	Pacer *Pacer
}

// Outbox queues jobs durably and delivers them while Run runs. Create it
// with New; it is safe for concurrent use.
type Outbox struct {
	store    Store
	log      *slog.Logger
	outcomes *prometheus.CounterVec // posted|retry|rate_limited|dropped|found_posted|auth_refused
	kick     chan struct{}
	clock    sales.Clock
	// pacer spaces every Web API call the worker makes (see Pacer); all
	// the worker's waits go through its sleep.
	pacer *Pacer
	// dms caches the DM channel opened with each user (user id → D…): a
	// DM channel does not change, so the 9:00 nudge fan-out opens each
	// once per process, not once per message. Worker-only.
	dms map[string]string
	// members is who Slack says each user is, from users.list, refreshed
	// at most daily (membersAt): the nudge fan-out skips bots, deactivated
	// accounts and guests without a users.info call per rep. Worker-only.
	members            map[string]string // user id → why a Person DM is skipped ("" = send)
	membersAt, listTry time.Time

	// mu guards the rest; cond is broadcast on every change (WaitIdle).
	mu   sync.Mutex
	cond *sync.Cond
	// dirty means jobs were queued after the worker last listed; gen
	// counts enqueues so the worker only clears dirty when nothing
	// arrived during its listing.
	dirty   bool
	gen     uint64
	pending int
	// halted is why the worker stopped for good (Slack refused the bot
	// token), "" while it runs.
	halted string
	needed string // the scope Slack named with missing_scope
}

// New builds an outbox on store; nothing is posted until Run.
func New(cfg Config, store Store) *Outbox {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	// dirty until the first listing: items left by an earlier run may be
	// waiting, and WaitIdle must not report idle before they are seen.
	clock := cfg.Locale.WithDefaults().Clock
	if cfg.Pacer == nil {
		// The wall clock, not Locale's: the pacer's waits are real, and a
		// test's frozen clock would never let them end.
		cfg.Pacer = NewPacer(nil, nil)
	}
	o := &Outbox{store: store, log: cfg.Logger, kick: make(chan struct{}, 1), dirty: true,
		clock: clock, dms: map[string]string{}, pacer: cfg.Pacer,
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "salesbot_outbox_total", Help: "Outbox deliveries by outcome.",
		}, []string{"outcome"})}
	o.cond = sync.NewCond(&o.mu)
	return o
}

// Describe and Collect make the outbox a Prometheus collector of its
// delivery outcomes; the bot registers it beside its own series.
func (o *Outbox) Describe(ch chan<- *prometheus.Desc) { o.outcomes.Describe(ch) }

// Collect implements prometheus.Collector.
func (o *Outbox) Collect(ch chan<- prometheus.Metric) { o.outcomes.Collect(ch) }

// stopped clears the busy state when the worker exits: what is left stays
// in the store for the next start, and no one should wait for it here.
func (o *Outbox) stopped() {
	o.mu.Lock()
	o.dirty, o.pending = false, 0
	o.cond.Broadcast()
	o.mu.Unlock()
}

// busy reports queued or in-progress work; caller holds o.mu. A halted
// worker posts nothing until a restart, so no one should wait for it.
func (o *Outbox) busy() bool { return o.halted == "" && (o.dirty || o.pending > 0) }

// Busy reports whether anything is queued or being delivered.
func (o *Outbox) Busy() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.busy()
}

// WaitIdle blocks until nothing is left to post (or the worker stopped,
// or ctx ends): the demo and tests use it instead of sleeping.
func (o *Outbox) WaitIdle(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		o.mu.Lock()
		o.cond.Broadcast()
		o.mu.Unlock()
	})
	defer stop()
	o.mu.Lock()
	defer o.mu.Unlock()
	for o.busy() {
		if err := ctx.Err(); err != nil {
			return err
		}
		o.cond.Wait()
	}
	return nil
}

// halt stops the worker for good: Slack refused the bot token, and
// every further post would be refused too. The items stay in the store.
func (o *Outbox) halt(reason string) {
	o.mu.Lock()
	o.halted = reason
	o.cond.Broadcast()
	o.mu.Unlock()
}

// Health reports why the outbox stopped posting (for /healthz): nil
// while it runs, an error naming Slack's refusal (never the token) once
// the bot token was refused.
func (o *Outbox) Health() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.halted == "" {
		return nil
	}
	if o.halted == "missing_scope" {
		return fmt.Errorf("outbox stopped: the bot token lacks the scope %s (missing_scope); add manifest.yaml's scopes, reinstall the app and restart: queued posts are kept", orText(o.needed, "salesbot needs"))
	}
	return fmt.Errorf("outbox stopped: Slack refused the bot token (%s); queued posts are kept until a restart with a valid SLACK_BOT_TOKEN", o.halted)
}

func orText(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// BlocksJSON encodes blocks for a Step.
func BlocksJSON(bs []slack.Block) json.RawMessage {
	if len(bs) == 0 {
		return nil
	}
	raw, err := json.Marshal(bs)
	if err != nil {
		return nil
	}
	return raw
}

// Enqueue stores a job under key (a repeated key is a no-op) and wakes the
// worker. When it returns nil the post will happen exactly once.
func (o *Outbox) Enqueue(ctx context.Context, key string, j Job) error {
	payload, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("outbox: encode %s: %w", j.Kind, err)
	}
	added, err := o.store.Enqueue(ctx, sales.OutboxItem{Key: key, Kind: j.Kind, Payload: payload})
	if err != nil {
		return fmt.Errorf("outbox: enqueue %s: %w", j.Kind, err)
	}
	if !added {
		o.log.Info("outbox: already queued", "key", key)
		return nil
	}
	o.mu.Lock()
	o.dirty = true
	o.gen++
	o.mu.Unlock()
	select {
	case o.kick <- struct{}{}:
	default:
	}
	return nil
}

func (o *Outbox) generation() uint64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.gen
}

// listed records the outcome of a listing that started at generation gen.
func (o *Outbox) listed(n int, gen uint64) {
	o.mu.Lock()
	o.pending = n
	if o.gen == gen {
		o.dirty = false
	}
	o.cond.Broadcast()
	o.mu.Unlock()
}

// Run delivers through api until ctx ends (the bot runs it while it
// serves, over its own client). Items left pending survive in the store
// and go out after the next start.
func (o *Outbox) Run(ctx context.Context, api API) {
	defer o.stopped()
	backoff := time.Duration(0)
	for {
		gen := o.generation()
		items, err := o.store.Pending(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			o.log.Error("outbox: list pending", sales.LogKeyError, err.Error())
			if !o.pacer.sleep(ctx, time.Second) {
				return
			}
			continue
		}
		o.listed(len(items), gen)
		if len(items) == 0 {
			select {
			case <-ctx.Done():
				return
			case <-o.kick:
			}
			continue
		}
		for _, it := range items {
			err := o.deliver(ctx, api, it)
			if err == nil {
				backoff = 0
				continue
			}
			if ctx.Err() != nil {
				return
			}
			var sk skipped
			if errors.As(err, &sk) {
				o.skip(ctx, it, sk)
				continue
			}
			kind, wait := Classify(err)
			switch kind {
			case AuthRefused:
				// Retrying cannot help and dropping would lose the posts:
				// stop here, keep every item, and say so once.
				reason := authReason(err)
				var se slack.SlackErrorResponse
				if errors.As(err, &se) {
					o.mu.Lock()
					o.needed = se.Needed
					o.mu.Unlock()
				}
				o.halt(reason)
				o.outcomes.WithLabelValues("auth_refused").Inc()
				msg := "outbox: Slack refused the bot token; stopped posting until restart"
				if reason == "missing_scope" {
					msg = "outbox: the bot token lacks a scope salesbot needs; stopped posting until the app is reinstalled with manifest.yaml's scopes and restarted"
				}
				o.log.Error(msg, "reason", reason, "needed", se.Needed, "queued", len(items), "kind", it.Kind)
				return
			case RateLimited:
				o.outcomes.WithLabelValues("rate_limited").Inc()
				o.log.Warn("outbox: rate limited", "kind", it.Kind, "retry_after", wait)
			case Permanent:
				if reason := channelRefusal(err); reason != "" {
					o.refusedByChannel(ctx, it, reason, err)
					continue
				}
				if it.Tries+1 >= maxPermanentTries {
					o.outcomes.WithLabelValues("dropped").Inc()
					o.log.Error("outbox: dropping undeliverable post", "kind", it.Kind, "key", it.Key, sales.LogKeyError, sales.Redact(err))
					if derr := o.store.Done(ctx, it.ID); derr != nil {
						o.log.Error("outbox: done", sales.LogKeyError, derr.Error())
					}
					o.clearProgress(ctx, it)
					continue
				}
				fallthrough
			default:
				o.outcomes.WithLabelValues("retry").Inc()
				if rerr := o.store.Retry(ctx, it.ID); rerr != nil && ctx.Err() == nil {
					o.log.Error("outbox: record retry", sales.LogKeyError, rerr.Error())
				}
				backoff = min(max(backoff*2, 250*time.Millisecond), maxBackoff)
				wait = backoff
				o.log.Warn("outbox: post failed; will retry", "kind", it.Kind, "tries", it.Tries+1, "wait", wait, sales.LogKeyError, sales.Redact(err))
			}
			if !o.pacer.sleep(ctx, wait) {
				return
			}
			break // re-list: keep order, pick up new items
		}
	}
}

// refusedByChannel drops a job its channel refused for good and queues
// its Notice, one DM per owner under a key of its own, so a retry or a
// restart in between tells nobody twice.
func (o *Outbox) refusedByChannel(ctx context.Context, it sales.OutboxItem, reason string, err error) {
	var j Job
	_ = json.Unmarshal(it.Payload, &j)
	told := 0
	if n := j.OnFail; n != nil && n.Texts[reason] != "" {
		for _, u := range n.Users {
			if eerr := o.Enqueue(ctx, "notice:"+it.Key+":"+u, Job{Kind: "channel_notice", Steps: []Step{{Op: OpDM, Channel: u, Text: n.Texts[reason]}}}); eerr != nil {
				o.log.Error("outbox: queue the channel notice", sales.LogKeyUser, u, sales.LogKeyError, eerr.Error())
				continue
			}
			told++
		}
	}
	o.outcomes.WithLabelValues("dropped").Inc()
	o.log.Error("outbox: the channel refused the post; dropped", "kind", it.Kind, "key", it.Key, "reason", reason,
		"owners_told", told, sales.LogKeyError, sales.Redact(err))
	if derr := o.store.Done(ctx, it.ID); derr != nil {
		o.log.Error("outbox: done", sales.LogKeyError, derr.Error())
	}
	o.clearProgress(ctx, it)
}

// skipped is a DM not sent because its user cannot or should not get it.
type skipped struct{ user, why string }

func (e skipped) Error() string { return "outbox: DM to " + e.user + " skipped: " + e.why }

// skip finishes a job whose DM is not for its user: done, not retried.
func (o *Outbox) skip(ctx context.Context, it sales.OutboxItem, sk skipped) {
	o.outcomes.WithLabelValues("skipped").Inc()
	o.log.Info("outbox: DM skipped", "kind", it.Kind, "key", it.Key, sales.LogKeyUser, sk.user, "why", sk.why)
	if err := o.store.Done(ctx, it.ID); err != nil {
		o.log.Error("outbox: done", sales.LogKeyError, err.Error())
	}
	o.clearProgress(ctx, it)
}

// membersMaxAge is how long users.list's answer is trusted: accounts are
// deactivated or made guests rarely, and a day-old view costs one
// paged call a day (Tier 2, https://api.slack.com/apis/rate-limits).
const membersMaxAge = 24 * time.Hour

// personSkip says why a DM meant for a person should not go to user
// ("" = send it): Slack lists them as a bot, deactivated or a guest
// (deleted, is_bot, is_restricted, is_ultra_restricted:
// https://docs.slack.dev/reference/objects/user-object). When users.list
// cannot be read the DM goes out; a user it does not list is sent to.
func (o *Outbox) personSkip(ctx context.Context, api API, user string) string {
	now := time.Now()
	if (o.members == nil || now.Sub(o.membersAt) > membersMaxAge) && now.Sub(o.listTry) > time.Minute {
		o.listTry = now
		us, err := ListUsers(ctx, api, o.pacer)
		if err != nil {
			o.log.Warn("outbox: users.list failed; DMs go out unchecked", sales.LogKeyError, sales.Redact(err))
		} else {
			o.members, o.membersAt = make(map[string]string, len(us)), now
			for _, u := range us {
				switch {
				case u.Deleted:
					o.members[u.ID] = "deactivated"
				case u.IsBot:
					o.members[u.ID] = "a bot"
				case u.IsRestricted || u.IsUltraRestricted:
					o.members[u.ID] = "a guest"
				default:
					o.members[u.ID] = ""
				}
			}
		}
	}
	return o.members[user]
}

// Pacer is the outbox's pacer, for the bot's own background calls.
func (o *Outbox) Pacer() *Pacer { return o.pacer }

// call makes one Web API call of method (in channel) within its tier,
// and holds the method for Retry-After when Slack answers 429 anyway.
func (o *Outbox) call(ctx context.Context, method, channel string, fn func() error) error {
	if !o.pacer.Wait(ctx, method, channel) {
		return ctx.Err()
	}
	err := fn()
	if kind, wait := Classify(err); kind == RateLimited {
		o.pacer.Hold(method, channel, wait)
	}
	return err
}

// deliver runs a job's remaining steps and marks it done.
func (o *Outbox) deliver(ctx context.Context, api API, it sales.OutboxItem) error {
	var j Job
	if err := json.Unmarshal(it.Payload, &j); err != nil {
		o.log.Error("outbox: unreadable item dropped", "id", it.ID, sales.LogKeyError, err.Error())
		return o.store.Done(ctx, it.ID)
	}
	// Progress: the steps done and the one in flight, if any (a read).
	var pr sales.OutboxProgress
	if p, err := o.store.OutboxProgress(ctx, it.ID); err == nil {
		pr = p
	}
	for i := pr.Next; i < len(j.Steps); i++ {
		ch, ts, err := o.step(ctx, api, it, i, j.Steps[i], &pr)
		if err != nil {
			return err
		}
		if i == 0 {
			pr.Channel, pr.TS = ch, ts
		}
		pr.Next = i + 1
		pr.Posting, pr.PostingAt, pr.Sharing = 0, 0, false // saved with the next step's marker
	}
	if err := o.store.Done(ctx, it.ID); err != nil {
		return fmt.Errorf("outbox: done: %w", err)
	}
	o.clearProgress(ctx, it)
	o.outcomes.WithLabelValues("posted").Inc()
	return nil
}

// clearProgress forgets a finished or dropped job's progress.
func (o *Outbox) clearProgress(ctx context.Context, it sales.OutboxItem) {
	if err := o.store.SetOutboxProgress(ctx, it.ID, sales.OutboxProgress{}); err != nil {
		o.log.Warn("outbox: clear progress", "key", it.Key, sales.LogKeyError, err.Error())
	}
}

// markPosting records, before step i is sent, that it is in flight: if
// Slack's answer is lost or the process dies, the next attempt checks
// that one step in Slack, from about when it was sent, instead of every
// step of every job queued before the process started. It saves the
// steps done so far with it.
func (o *Outbox) markPosting(ctx context.Context, it sales.OutboxItem, i int, pr *sales.OutboxProgress) error {
	pr.Posting, pr.PostingAt, pr.Sharing = i+1, o.clock.Now().Unix(), false
	if err := o.store.SetOutboxProgress(ctx, it.ID, *pr); err != nil {
		return fmt.Errorf("outbox: mark step in flight: %w", err)
	}
	return nil
}

// inFlight reports whether step i was sent before without its answer
// recorded, and since when.
func inFlight(pr *sales.OutboxProgress, i int) (time.Time, bool) {
	if pr.Posting != i+1 {
		return time.Time{}, false
	}
	return time.Unix(pr.PostingAt, 0), true
}

// Message metadata that marks the outbox's posts.
const postEventType = "salesbot_post"

// stepKey names one step of one job, in the post's metadata.
func stepKey(it sales.OutboxItem, i int) string {
	return it.Key + "#" + strconv.Itoa(i)
}

// findPosted looks for the message a post step already made, by its
// metadata.
func (o *Outbox) findPosted(ctx context.Context, api API, channel, thread, key string, since time.Time) (string, bool, error) {
	return o.findMessage(ctx, api, channel, thread, key, since, func(m slack.Message) bool {
		return m.Metadata.EventType == postEventType && m.Metadata.EventPayload["key"] == key
	})
}

// shareSettle is how long after an upload step went out its file may
// still be missing from the channel. Slack "asynchronously completes the
// sharing of uploaded files because there are a few time-consuming tasks
// on the server side (e.g., security scans on the files)" (Slack's SDK
// maintainer, github.com/slackapi/bolt-js/issues/2115): an upload whose
// answer was lost is looked for until then before it is made again.
const shareSettle = time.Minute

// shareSettling is the answer of an upload step whose earlier try may
// still be being shared: retried, like an outage, until found or
// shareSettle has passed.
type shareSettling struct {
	key  string
	left time.Duration
}

func (e *shareSettling) Error() string {
	return fmt.Sprintf("outbox: the file of %s is not in its channel yet; an earlier upload may still be being shared (looking again for up to %s)",
		e.key, e.left.Round(time.Second))
}

// findUploaded looks for the share of a file an upload step already made:
// a file of that name and title (names carry the day, and a job's files
// go in its own thread).
func (o *Outbox) findUploaded(ctx context.Context, api API, channel, thread, key, name, title string, since time.Time) (bool, error) {
	_, ok, err := o.findMessage(ctx, api, channel, thread, key, since, func(m slack.Message) bool {
		for _, f := range m.Files {
			if f.Name == name && f.Title == title {
				return true
			}
		}
		return false
	})
	return ok, err
}

// findMessage looks for a message that matches: in the thread for a step
// in one, else in the channel since the job was queued. A history that
// cannot be read now (rate limited, Slack down) means "unknown", not
// "not posted": the error goes back to the worker, which retries the
// check (after Retry-After) instead of posting blind. Only a refusal
// that no retry can change (missing scope, channel gone) lets the step
// go ahead, at the risk of a second post rather than none.
func (o *Outbox) findMessage(ctx context.Context, api API, channel, thread, key string, since time.Time, match func(slack.Message) bool) (string, bool, error) {
	oldest := strconv.FormatInt(since.Add(-5*time.Minute).Unix(), 10)
	cursor := ""
	for page := 0; page < 10; page++ {
		var msgs []slack.Message
		var next string
		var err error
		if thread != "" {
			err = o.call(ctx, "conversations.replies", channel, func() (err error) {
				msgs, _, next, err = api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
					ChannelID: channel, Timestamp: thread, Cursor: cursor, Limit: 200, IncludeAllMetadata: true})
				return err
			})
		} else {
			err = o.call(ctx, "conversations.history", channel, func() error {
				h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
					ChannelID: channel, Oldest: oldest, Cursor: cursor, Limit: 200, IncludeAllMetadata: true})
				if h != nil {
					msgs, next = h.Messages, h.ResponseMetaData.NextCursor
				}
				return err
			})
		}
		if err != nil {
			if kind, _ := Classify(err); kind != Permanent {
				o.log.Warn("outbox: cannot check for an earlier post yet; will check again", "key", key, sales.LogKeyError, sales.Redact(err))
				return "", false, fmt.Errorf("outbox: check for an earlier post: %w", err)
			}
			o.log.Warn("outbox: cannot check for an earlier post; posting", "key", key, sales.LogKeyError, sales.Redact(err))
			return "", false, nil
		}
		for _, m := range msgs {
			if match(m) {
				return m.Timestamp, true, nil
			}
		}
		if next == "" {
			return "", false, nil
		}
		cursor = next
	}
	return "", false, nil
}

// step performs step i of it; it returns the channel and ts of a post.
func (o *Outbox) step(ctx context.Context, api API, it sales.OutboxItem, i int, s Step, pr *sales.OutboxProgress) (string, string, error) {
	cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	thread := s.ThreadTS
	channel := s.Channel
	if s.Thread {
		thread = pr.TS
		if channel == "" {
			channel = pr.Channel
		}
	}
	switch s.Op {
	case OpDM, OpPost:
		if s.Op == OpDM {
			if s.Person {
				if why := o.personSkip(cctx, api, s.Channel); why != "" {
					return "", "", skipped{user: s.Channel, why: why}
				}
			}
			channel = o.dms[s.Channel]
			if channel == "" {
				var ch *slack.Channel
				err := o.call(cctx, "conversations.open", "", func() (err error) {
					ch, _, _, err = api.OpenConversationContext(cctx, &slack.OpenConversationParameters{Users: []string{s.Channel}})
					return err
				})
				var se slack.SlackErrorResponse
				if errors.As(err, &se) && (se.Err == "user_disabled" || se.Err == "user_not_found") {
					// conversations.open's answers for an account that is
					// gone: no retry will reach it.
					return "", "", skipped{user: s.Channel, why: se.Err}
				}
				if err != nil {
					return "", "", err
				}
				channel = ch.ID
				o.dms[s.Channel] = channel
			}
		}
		key := stepKey(it, i)
		if since, ok := inFlight(pr, i); ok {
			ts, ok, err := o.findPosted(cctx, api, channel, thread, key, since)
			if err != nil {
				return "", "", err
			}
			if ok {
				o.outcomes.WithLabelValues("found_posted").Inc()
				o.log.Info("outbox: the post was already made; not posting again", "key", key)
				return channel, ts, nil
			}
		}
		if err := o.markPosting(ctx, it, i, pr); err != nil {
			return "", "", err
		}
		opts := []slack.MsgOption{slack.MsgOptionText(s.Text, false),
			slack.MsgOptionMetadata(slack.SlackMetadata{EventType: postEventType, EventPayload: map[string]any{"key": key}})}
		if bs := rawBlocks(s.Blocks); len(bs) > 0 {
			opts = append(opts, slack.MsgOptionBlocks(bs...))
		}
		if thread != "" {
			opts = append(opts, slack.MsgOptionTS(thread))
		}
		var ch, ts string
		err := o.call(cctx, "chat.postMessage", channel, func() (err error) {
			ch, ts, err = api.PostMessageContext(cctx, channel, opts...)
			return err
		})
		if s.Op == OpDM && channelRefusal(err) != "" {
			delete(o.dms, s.Channel) // stale: open it again next time
		}
		return ch, ts, err
	case OpReact:
		if pr.TS == "" {
			return "", "", nil
		}
		err := o.call(cctx, "reactions.add", "", func() error {
			return api.AddReactionContext(cctx, s.Name, slack.ItemRef{Channel: pr.Channel, Timestamp: pr.TS})
		})
		var se slack.SlackErrorResponse
		if errors.As(err, &se) && se.Err == "already_reacted" {
			err = nil
		}
		return "", "", err
	case OpUpload:
		if len(s.Data) == 0 {
			return "", "", nil
		}
		if channel == "" {
			channel = pr.Channel
		}
		key := stepKey(it, i)
		if since, ok := inFlight(pr, i); ok {
			found, err := o.findUploaded(cctx, api, channel, thread, key, s.Name, s.Title, since)
			if err != nil {
				return "", "", err
			}
			if found {
				o.outcomes.WithLabelValues("found_posted").Inc()
				o.log.Info("outbox: the file was already shared; not uploading again", "key", key)
				return "", "", nil
			}
			if age := o.clock.Now().Sub(since); pr.Sharing && age < shareSettle {
				// The last try asked Slack to share the file, and Slack
				// shares after answering: not in the history yet is not
				// "not shared".
				return "", "", &shareSettling{key: key, left: shareSettle - age}
			}
		}
		if err := o.markPosting(ctx, it, i, pr); err != nil {
			return "", "", err
		}
		// One share is two tiered calls, and the file itself goes to the
		// URL the first hands out (files v2,
		// docs.slack.dev/messaging/working-with-files). Before the second
		// the step is marked sharing: from then on the file may show in
		// its channel, late, so a retry looks for it before uploading again.
		var up *slack.GetUploadURLExternalResponse
		err := o.call(cctx, "files.getUploadURLExternal", "", func() (err error) {
			up, err = api.GetUploadURLExternalContext(cctx, slack.GetUploadURLExternalParameters{
				FileName: s.Name, FileSize: len(s.Data), AltTxt: s.Alt})
			return err
		})
		if err != nil {
			return "", "", err
		}
		if err := api.UploadToURL(cctx, slack.UploadToURLParameters{UploadURL: up.UploadURL, Reader: bytes.NewReader(s.Data), Filename: s.Name}); err != nil {
			return "", "", err
		}
		pr.Sharing = true
		if err := o.store.SetOutboxProgress(ctx, it.ID, *pr); err != nil {
			return "", "", fmt.Errorf("outbox: mark the share in flight: %w", err)
		}
		err = o.call(cctx, "files.completeUploadExternal", "", func() error {
			_, err := api.CompleteUploadExternalContext(cctx, slack.CompleteUploadExternalParameters{
				Files: []slack.FileSummary{{ID: up.FileID, Title: s.Title}}, Channel: channel, ThreadTimestamp: thread, InitialComment: s.Text})
			return err
		})
		return "", "", err
	}
	return "", "", fmt.Errorf("outbox: unknown step %q", s.Op)
}

// rawBlocks turns stored block JSON back into blocks that marshal
// unchanged.
func rawBlocks(raw json.RawMessage) []slack.Block {
	if len(raw) == 0 {
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil
	}
	out := make([]slack.Block, 0, len(items))
	for _, it := range items {
		if b, err := slack.BlockFromJSON(string(it)); err == nil {
			out = append(out, b)
		}
	}
	return out
}
