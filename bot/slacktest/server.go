// Package slacktest is salesbot's Slack emulator: a loopback HTTP and
// WebSocket server that speaks the Socket Mode protocol and the Web API
// methods the bot calls, records everything in order, and lets tests and
// the demo push envelopes, inject failures and wait on what happened
// (Await* helpers on a condition variable, never sleeps).
//
// The unmodified slack-go client talks to it: point slack.OptionAPIURL at
// APIURL() and give it AppToken and BotToken.
//
// It imports only the standard library and gorilla/websocket, never
// salesbot's own packages, so it emulates Slack and nothing else.
package slacktest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Default identities of the emulated workspace.
const (
	DefaultAppToken = "xapp-1-A0EMU-1-emulator"
	DefaultBotToken = "xoxb-0-emulator"
	DefaultTeamID   = "T0EMU"
	DefaultAppID    = "A0EMU"
	DefaultBotUser  = "U0SALESBOT"
	DefaultChannel  = "C0GENERAL"
)

// User is a member of the emulated workspace, as users.info returns it.
type User struct {
	ID       string
	Name     string // handle
	RealName string
	TZ       string // IANA zone; "" = America/Los_Angeles like Slack's default
	IsAdmin  bool
	IsOwner  bool
	IsBot    bool
	// Deleted is a deactivated account: users.info and users.list say
	// "deleted": true and conversations.open answers user_disabled ("A
	// specified user has been disabled", the method's errors).
	Deleted bool
	// Restricted is a multi-channel guest (is_restricted), UltraRestricted
	// a single-channel guest (is_ultra_restricted)
	// (https://docs.slack.dev/reference/objects/user-object).
	Restricted, UltraRestricted bool
	// Email is the profile's address. users.info shows it only to an app
	// granted users:read.email (Options.Scopes), as Slack does.
	Email string
	// EmailUnconfirmed marks an address the user never confirmed: Slack
	// reports it as is_email_confirmed false.
	EmailUnconfirmed bool
}

// DefaultScopes are the bot scopes granted when Options.Scopes is nil:
// those manifest.yaml asks for.
var DefaultScopes = []string{
	"app_mentions:read", "channels:history", "channels:read", "chat:write", "commands", "files:write",
	"groups:history", "groups:read", "im:history", "im:write", "reactions:write", "users:read", "users:read.email",
}

// Options configure a Server. Zero values take the defaults above.
type Options struct {
	AppToken, BotToken string
	TeamID, AppID      string
	BotUserID          string
	// PingInterval is how often the server pings each socket (default 5s,
	// well under slack-go's 30s dead-man interval).
	PingInterval time.Duration
	// TriggerTTL is how long a trigger_id stays usable (default 3s as in
	// Slack; negative disables expiry for slow debugging).
	TriggerTTL time.Duration
	// ResponseURLTTL is how long a response_url takes posts (default 30
	// minutes as in Slack; negative disables expiry). See Advance.
	ResponseURLTTL time.Duration
	// ShareDelay is how long after files.completeUploadExternal answers
	// the file's message shows in its channel (default 2s; negative: at
	// once). Slack "asynchronously completes the sharing of uploaded
	// files ... in many cases, the API response does not yet have
	// complete shares in it" (Slack's SDK maintainer,
	// github.com/slackapi/bolt-js/issues/2115), so a history read just
	// after an upload may not find it. See Advance.
	ShareDelay time.Duration
	// AckTimeout is how long an events_api envelope may go unacked before
	// Slack retries it (default 3s; negative: never retried on its own).
	// Retries follow Slack's schedule: after the timeout, then a minute,
	// then five, each with retry_attempt one higher and retry_reason
	// "timeout", at most three.
	AckTimeout time.Duration
	Users      []User
	// Scopes are the bot token's granted scopes (nil: DefaultScopes).
	Scopes []string
	// Channels are the channels the bot is a member of (id → name), as
	// if /invite @salesbot had been run in each. The bot may post only
	// there (and in DMs); see Invite.
	Channels map[string]string
	// Outside are channels that exist but the bot was never invited to
	// (id → name): chat.postMessage answers not_in_channel and
	// conversations.info says is_member false. A channel in neither map
	// does not exist (channel_not_found).
	Outside map[string]string
	Logger  *slog.Logger
}

// Server is a running emulator. All methods are safe for concurrent use.
type Server struct {
	opts     Options
	srv      *httptest.Server
	base     string
	upgrader websocket.Upgrader
	logger   *slog.Logger

	// tag makes envelope, view and event ids unique to this emulator, as
	// Slack's are: the bot dedupes on them and keys writes by them, so a
	// second playground session on the same database must not look like
	// a redelivery of the first one's.
	tag string

	mu     sync.Mutex
	cond   *sync.Cond
	skew   time.Duration // Advance: how far the emulator's clock is ahead
	log    []Record
	closed bool

	n        counters
	users    map[string]User
	conns    map[int]*conn // live sockets
	allConns []*conn
	queue    []*envelope // waiting for a socket
	envs     map[string]*envelope
	faults   map[string][]fault
	holds    map[string]*hold
	calls    map[string][]time.Time // per rate-tiered method: recent calls (tierLimited)
	// tierRefused counts the calls of each method refused for its tier.
	tierRefused map[string]int
	triggers    map[string]*trigger
	views       map[string]*View
	homes       map[string]*View
	files       map[string]*File
	resps       map[string]*respURL
	history     map[string][]*Msg // channel → messages (posts and updates)
	shares      []pendingShare    // file messages not yet in history (ShareDelay)
	channels    map[string]channel
}

// channel is a workspace channel and whether the bot is in it.
type channel struct {
	name     string
	member   bool
	archived bool
}

type counters struct {
	env, ts, resp, trig, view, file, ticket, conn, event int
	lastTS                                               int64 // microseconds of the last message ts
}

type fault struct {
	code       string // Refuse: an API error answered with HTTP 200
	status     int
	retryAfter int  // seconds, for 429
	after      bool // the call takes effect; only its answer is the failure
}

type trigger struct {
	user    string
	created time.Time
	used    bool
}

type respURL struct {
	envelopeID string
	created    time.Time // on the emulator's clock (now)
	uses       int
}

// New starts an emulator on a random loopback port.
func New(opts Options) *Server {
	if opts.AppToken == "" {
		opts.AppToken = DefaultAppToken
	}
	if opts.BotToken == "" {
		opts.BotToken = DefaultBotToken
	}
	if opts.TeamID == "" {
		opts.TeamID = DefaultTeamID
	}
	if opts.AppID == "" {
		opts.AppID = DefaultAppID
	}
	if opts.BotUserID == "" {
		opts.BotUserID = DefaultBotUser
	}
	if opts.PingInterval <= 0 {
		opts.PingInterval = 5 * time.Second
	}
	if opts.TriggerTTL == 0 {
		opts.TriggerTTL = 3 * time.Second
	}
	if opts.AckTimeout == 0 {
		opts.AckTimeout = 3 * time.Second
	}
	if opts.ShareDelay == 0 {
		opts.ShareDelay = 2 * time.Second
	}
	if opts.ResponseURLTTL == 0 {
		opts.ResponseURLTTL = 30 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Scopes == nil {
		opts.Scopes = DefaultScopes
	}
	s := &Server{
		tag:    newTag(),
		opts:   opts,
		logger: opts.Logger,
		users:  map[string]User{},
		conns:  map[int]*conn{},
		envs:   map[string]*envelope{},
		faults: map[string][]fault{},
		holds:  map[string]*hold{},
		calls:  map[string][]time.Time{}, tierRefused: map[string]int{},
		triggers: map[string]*trigger{},
		views:    map[string]*View{},
		homes:    map[string]*View{},
		files:    map[string]*File{},
		resps:    map[string]*respURL{},
		history:  map[string][]*Msg{},
		channels: map[string]channel{},
	}
	for id, name := range opts.Outside {
		s.channels[id] = channel{name: name}
	}
	for id, name := range opts.Channels {
		s.channels[id] = channel{name: name, member: true}
	}
	s.cond = sync.NewCond(&s.mu)
	// Slack's dialer sends Origin: https://api.slack.com; gorilla's default
	// check would refuse it.
	s.upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	for _, u := range opts.Users {
		s.users[u.ID] = u
	}
	s.users[opts.BotUserID] = User{ID: opts.BotUserID, Name: "salesbot", RealName: "Salesbot", IsBot: true}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/link/", s.serveSocket)
	mux.HandleFunc("/upload/", s.serveUpload)
	mux.HandleFunc("/resp/", s.serveResponseURL)
	s.srv = httptest.NewServer(mux)
	s.base = s.srv.URL
	return s
}

// newTag is twelve random upper-case hex digits: two sessions on one
// file collide once in 2^48, not once in 2^24.
func newTag() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// viewID is the id of the n-th modal this emulator opened.
func (s *Server) viewID(n int) string { return fmt.Sprintf("V%s%06d", s.tag, n) }

// Advance moves the emulator's clock forward by d, as if that much time
// had passed: response_urls and trigger_ids issued before expire by it.
// Only the emulator's clock moves; the app keeps its own.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.skew += d
}

// Now is the emulator's clock: the wall clock plus every Advance. A
// pacer on it whose sleep is Advance lives a minute of rate tiers in no
// time.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

// now is the emulator's clock; caller holds mu.
func (s *Server) now() time.Time { return time.Now().Add(s.skew) }

// APIURL is the Web API base URL, with the trailing slash slack-go needs.
func (s *Server) APIURL() string { return s.base + "/api/" }

// AppToken and BotToken are the tokens the emulator accepts.
func (s *Server) AppToken() string { return s.opts.AppToken }

// BotToken is the xoxb- token the emulator accepts on Web API calls.
func (s *Server) BotToken() string { return s.opts.BotToken }

// BotUserID is the bot's own user id.
func (s *Server) BotUserID() string { return s.opts.BotUserID }

// Close drops every socket and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	for _, c := range s.conns {
		s.dropLocked(c, "server closed")
	}
	for m, h := range s.holds { // held calls must not keep Close waiting
		delete(s.holds, m)
		close(h.release)
	}
	s.cond.Broadcast()
	s.mu.Unlock()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// AddUser adds or replaces a workspace member.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// Invite adds the bot to a channel, as /invite @salesbot there does (an
// unknown id becomes a channel named after it).
func (s *Server) Invite(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channels[channelID]
	if !ok {
		ch.name = strings.ToLower(channelID)
	}
	ch.member = true
	s.channels[channelID] = ch
}

// Kick removes the bot from a channel, as /remove @salesbot (or a member
// kicking it) does: posts there answer not_in_channel from then on.
func (s *Server) Kick(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.channels[channelID]; ok {
		ch.member = false
		s.channels[channelID] = ch
	}
}

// Archive archives a channel: chat.postMessage there answers is_archived
// ("Channel has been archived.", https://api.slack.com/methods/chat.postMessage#errors).
func (s *Server) Archive(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.channels[channelID]; ok {
		ch.archived = true
		s.channels[channelID] = ch
	}
}

// LookupChannel finds a channel by id, "#name" or "name", and says
// whether the bot is in it. Slack's client turns a typed #name into
// <#ID|name> in commands with should_escape; the demo does the same.
func (s *Server) LookupChannel(ref string) (id, name string, member, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, found := s.channels[ref]; found {
		return ref, ch.name, ch.member, true
	}
	name = strings.TrimPrefix(ref, "#")
	for id, ch := range s.channels {
		if ch.name == name {
			return id, ch.name, ch.member, true
		}
	}
	return "", "", false, false
}

// DMBetween is the id of a conversation among people that the bot is not
// in: a DM between two of them (D…), or a group DM (G…, as Slack's mpims)
// for more. A slash command typed there reaches the bot, but the bot can
// post nothing in it: chat.postMessage and chat.postEphemeral answer
// channel_not_found, as Slack does.
func (s *Server) DMBetween(users ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids, names []string
	for _, u := range users {
		ids = append(ids, strings.TrimPrefix(strings.TrimPrefix(u, "U"), "W"))
		names = append(names, s.userName(u))
	}
	if len(users) <= 2 {
		return "D" + strings.Join(ids, "")
	}
	id := "G" + strings.Join(ids, "")
	s.channels[id] = channel{name: "mpdm-" + strings.Join(names, "--") + "-1"}
	return id
}

// User returns a member by id.
func (s *Server) User(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	return u, ok
}

// Users lists the members (not the bot), in no particular order.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []User
	for _, u := range s.users {
		if !u.IsBot {
			out = append(out, u)
		}
	}
	return out
}

// LookupUser finds a member by id, handle or "@handle" (case-insensitive).
func (s *Server) LookupUser(ref string) (User, bool) {
	ref = strings.TrimPrefix(strings.TrimSpace(ref), "@")
	if strings.HasPrefix(ref, "<@") && strings.HasSuffix(ref, ">") {
		ref = strings.TrimSuffix(strings.TrimPrefix(ref, "<@"), ">")
		if i := strings.IndexByte(ref, '|'); i >= 0 {
			ref = ref[:i]
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.users[ref]; ok {
		return u, true
	}
	for _, u := range s.users {
		if strings.EqualFold(u.Name, ref) {
			return u, true
		}
	}
	return User{}, false
}

// Fail makes the next n calls of method (a Web API method name, "upload"
// for the upload URL, or "response_url") answer with HTTP status. For 429
// retryAfter is the Retry-After header in whole seconds (at least 1).
func (s *Server) Fail(method string, n, status, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == http.StatusTooManyRequests && retryAfter < 1 {
		retryAfter = 1
	}
	for i := 0; i < n; i++ {
		s.faults[method] = append(s.faults[method], fault{status: status, retryAfter: retryAfter})
	}
}

// FailAfter makes the next n calls of method take effect (a message is
// posted) and then answer with HTTP status: Slack did the work but its
// answer was lost on the way, so the client cannot know.
func (s *Server) FailAfter(method string, n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.faults[method] = append(s.faults[method], fault{status: status, after: true})
	}
}

// Refuse makes the next n calls of method (or "response_url") answer
// {"ok":false,"error":code} with HTTP 200, as Slack answers an API error:
// for instance invalid_blocks for blocks breaking a rule the emulator
// does not check, or missing_scope.
func (s *Server) Refuse(method string, n int, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.faults[method] = append(s.faults[method], fault{code: code, status: http.StatusOK})
	}
}

// RateLimit answers the next n calls of method with 429 and Retry-After.
func (s *Server) RateLimit(method string, n int, retryAfter time.Duration) {
	s.Fail(method, n, http.StatusTooManyRequests, int((retryAfter+time.Second-1)/time.Second))
}

// ClearFaults drops every injected failure not yet used.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[string][]fault{}
}

// hold keeps calls of a method waiting until released.
type hold struct {
	arrived chan struct{} // closed when the first held call arrives
	once    sync.Once
	release chan struct{}
}

// Hold makes every call of method ("response_url" for response_url
// posts) wait, once received, until release is called: Slack being slow
// to answer, so that work is still in flight (a restart's drain). arrived
// is closed when the first call is waiting.
func (s *Server) Hold(method string) (arrived <-chan struct{}, release func()) {
	h := &hold{arrived: make(chan struct{}), release: make(chan struct{})}
	s.mu.Lock()
	if old := s.holds[method]; old != nil {
		close(old.release)
	}
	s.holds[method] = h
	s.mu.Unlock()
	return h.arrived, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.holds[method] == h { // not yet released (or closed)
			delete(s.holds, method)
			close(h.release)
		}
	}
}

// wait blocks a call of method while it is held.
func (s *Server) wait(method string) {
	s.mu.Lock()
	h := s.holds[method]
	s.mu.Unlock()
	if h == nil {
		return
	}
	h.once.Do(func() { close(h.arrived) })
	<-h.release
}

// takeFault pops the next injected failure for method; caller holds mu.
func (s *Server) takeFault(method string) (fault, bool) {
	q := s.faults[method]
	if len(q) == 0 {
		return fault{}, false
	}
	s.faults[method] = q[1:]
	return q[0], true
}

// View returns a modal by id.
func (s *Server) View(id string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.views[id]
	if !ok {
		return View{}, false
	}
	return *v, true
}

// OpenViews lists the modals of user that are still open, oldest first.
func (s *Server) OpenViews(user string) []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []View
	for i := 1; i <= s.n.view; i++ {
		v, ok := s.views[s.viewID(i)]
		if ok && !v.Closed && v.User == user {
			out = append(out, *v)
		}
	}
	return out
}

// Home returns the Home tab last published for user.
func (s *Server) Home(user string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.homes[user]
	if !ok {
		return View{}, false
	}
	return *v, true
}

// Files lists the uploads that completed, in order.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	for i := 1; i <= s.n.file; i++ {
		f, ok := s.files[fmt.Sprintf("F%06d", i)]
		if ok && f.Channel != "" {
			out = append(out, *f)
		}
	}
	return out
}

// History returns the messages posted to a channel (a DM to user U… is
// channel D…), after updates, in order.
func (s *Server) History(channel string) []Msg {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleSharesLocked()
	var out []Msg
	for _, m := range s.history[dmChannel(channel)] {
		out = append(out, *m)
	}
	return out
}

// dmChannel maps a user id to the id of the DM with the bot.
func dmChannel(id string) string {
	if strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W") {
		return "D" + id[1:]
	}
	return id
}

// DMUser maps a DM channel id back to its user id ("" for other channels).
func DMUser(channel string) string {
	if strings.HasPrefix(channel, "D") && len(channel) > 1 {
		return "U" + channel[1:]
	}
	return ""
}

// nextTS is a message timestamp as Slack makes them: the time in seconds
// with microseconds, unique and increasing in the workspace.
func (s *Server) nextTS() string {
	s.n.ts++
	us := max(time.Now().UnixMicro(), s.n.lastTS+1)
	s.n.lastTS = us
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
