package slacktest

import (
	"context"
	"encoding/json"
	"net/url"
	"time"
)

// Kind says which field of a Record is set.
type Kind string

// Record kinds, in the order things usually happen.
const (
	KindConnect  Kind = "connect"  // a socket said hello
	KindClose    Kind = "close"    // a socket went away
	KindEnvelope Kind = "envelope" // an envelope was written to a socket
	KindAck      Kind = "ack"      // the app acked an envelope
	KindCall     Kind = "call"     // a Web API call (including the upload URL)
	KindResponse Kind = "response" // a POST to a response_url
	// KindDispatchFailed: a slash command typed while no socket was up;
	// Slack showed its user "dispatch_failed" and the app never gets it.
	KindDispatchFailed Kind = "dispatch_failed"
)

// Record is one thing the emulator saw, in order. Exactly one of the
// pointer fields is set, matching Kind.
type Record struct {
	Seq  int
	Kind Kind
	At   time.Time

	Conn     *ConnEvent
	Envelope *Sent
	Ack      *Ack
	Call     *Call
	Response *Response
	Dispatch *DispatchFailure
}

// DispatchFailure is a slash command Slack could not hand to the app.
type DispatchFailure struct {
	EnvelopeID string // the id it would have had; never delivered
	User       string
	Channel    string
	Command    string // a slash command's name, "" for an interaction
	// Interaction is an interactive payload's type (block_actions,
	// view_submission, …), "" for a command; Text is then its action_id
	// or the view's callback_id.
	Interaction string
	Text        string
}

// ConnEvent is a socket coming or going.
type ConnEvent struct {
	ID     int    // connection number, from 1
	Reason string // for KindClose: "dropped", "disconnect:<reason>", "client", "server closed"
}

// Sent is one delivery of an envelope over a socket.
type Sent struct {
	EnvelopeID   string
	Type         string
	Conn         int
	RetryAttempt int
	Queued       time.Duration // time spent waiting for a socket
}

// Ack is the app's acknowledgement of an envelope.
type Ack struct {
	EnvelopeID string
	Conn       int
	Payload    json.RawMessage // nil when the ack had no payload
	// Latency runs from the last time the envelope was written to a socket
	// to the ack: what Slack's 3 second rule measures.
	Latency time.Duration
	// SincePush runs from the Push call that created the envelope.
	SincePush time.Duration
	Duplicate bool   // the envelope had been acked before
	Unknown   bool   // no such envelope was ever sent
	Msg       *Msg   // the payload read as a message (slash commands), if it is one
	Action    string // response_action of a view_submission ack
	Errors    map[string]string
	Invalid   []string // Block Kit problems in the payload
}

// Call is one Web API request.
type Call struct {
	Method  string
	Auth    string          // "bearer", "form", "none", "bad"
	Form    url.Values      // form fields, token removed
	JSON    json.RawMessage // JSON body, if any
	Status  int             // HTTP status answered
	OK      bool            // the "ok" field answered
	Error   string          // the "error" field answered
	Fault   string          // "429", "500", ... when an injected failure answered
	Msg     *Msg            // chat.* methods: the message
	View    *View           // views.*: the view as stored
	File    *File           // upload and files.*: the file
	Invalid []string        // Block Kit problems that made the call fail
}

// Response is one POST to a response_url.
type Response struct {
	EnvelopeID string
	URL        string
	Msg        Msg
	Status     int
	OK         bool // accepted (a rejected post has OK false)
	Invalid    []string
}

// Msg is a message as the emulator understood it.
type Msg struct {
	Source          string // "ack", "response_url", "chat.postMessage", "chat.postEphemeral", "chat.update"
	Channel         string
	User            string // ephemeral target
	TS              string
	ThreadTS        string
	Text            string
	Blocks          json.RawMessage
	ResponseType    string
	ReplaceOriginal bool
	DeleteOriginal  bool
	EnvelopeID      string          // for acks and response_url posts
	Metadata        json.RawMessage // chat.postMessage metadata, as sent
	FileIDs         []string        // a file share: the files it shows
}

// View is a modal or Home tab as the app last set it.
type View struct {
	ID              string
	Type            string // "modal" or "home"
	User            string
	CallbackID      string
	PrivateMetadata string
	Title           string
	Submit          string
	Blocks          json.RawMessage
	Hash            string
	Closed          bool
	Errors          map[string]string // from the last response_action: errors
	lastState       map[string]map[string]any
}

// File is an upload through files v2.
type File struct {
	ID       string
	Name     string
	Title    string
	AltText  string
	Length   int
	Data     []byte
	Uploaded bool
	Channel  string
	ThreadTS string
	Comment  string
}

// wakeOnDone wakes the waiters on s.cond when ctx ends, so a wait loop
// can check ctx.Err; call the returned func when the wait is over.
func (s *Server) wakeOnDone(ctx context.Context) (stop func() bool) {
	return context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
}

// Await returns the first record at or after index from that matches.
// It waits on a condition variable, so it never sleeps; ctx bounds it.
// match runs with the server locked: it must not call the Server.
func (s *Server) Await(ctx context.Context, from int, match func(*Record) bool) (Record, error) {
	defer s.wakeOnDone(ctx)()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := from; ; {
		for ; i < len(s.log); i++ {
			if match(&s.log[i]) {
				return s.log[i], nil
			}
		}
		if err := ctx.Err(); err != nil {
			return Record{}, err
		}
		s.cond.Wait()
	}
}

// AwaitAck waits for the first ack of envelopeID.
func (s *Server) AwaitAck(ctx context.Context, envelopeID string) (Ack, error) {
	r, err := s.Await(ctx, 0, func(r *Record) bool {
		return r.Kind == KindAck && r.Ack.EnvelopeID == envelopeID
	})
	if err != nil {
		return Ack{}, err
	}
	return *r.Ack, nil
}

// AwaitCall waits for a call of method (any method when "") that matches
// pred (nil matches all).
func (s *Server) AwaitCall(ctx context.Context, method string, pred func(*Call) bool) (Call, error) {
	r, err := s.Await(ctx, 0, func(r *Record) bool {
		return r.Kind == KindCall && (method == "" || r.Call.Method == method) && (pred == nil || pred(r.Call))
	})
	if err != nil {
		return Call{}, err
	}
	return *r.Call, nil
}

// AwaitResponse waits for a response_url POST made for envelopeID that
// matches pred (nil matches all).
func (s *Server) AwaitResponse(ctx context.Context, envelopeID string, pred func(*Response) bool) (Response, error) {
	r, err := s.Await(ctx, 0, func(r *Record) bool {
		return r.Kind == KindResponse && r.Response.EnvelopeID == envelopeID && (pred == nil || pred(r.Response))
	})
	if err != nil {
		return Response{}, err
	}
	return *r.Response, nil
}

// AwaitConnections waits until n sockets in total have said hello.
func (s *Server) AwaitConnections(ctx context.Context, n int) error {
	seen := 0
	_, err := s.Await(ctx, 0, func(r *Record) bool {
		if r.Kind == KindConnect {
			seen++
		}
		return seen >= n
	})
	return err
}

// DispatchFailures lists the slash commands that failed for their users
// because no socket was up, in order.
func (s *Server) DispatchFailures() []DispatchFailure {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []DispatchFailure
	for _, r := range s.log {
		if r.Kind == KindDispatchFailed {
			out = append(out, *r.Dispatch)
		}
	}
	return out
}

// Len is the number of records so far: a cursor for Since and Await.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.log)
}

// Since returns a copy of the records from index from on.
func (s *Server) Since(from int) []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	if from > len(s.log) {
		from = len(s.log)
	}
	return append([]Record(nil), s.log[from:]...)
}

// Calls returns the calls of method ("" for all), in order.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, r := range s.log {
		if r.Kind == KindCall && (method == "" || r.Call.Method == method) {
			out = append(out, *r.Call)
		}
	}
	return out
}

// Acks returns every ack of envelopeID ("" for all), in order.
func (s *Server) Acks(envelopeID string) []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Ack
	for _, r := range s.log {
		if r.Kind == KindAck && (envelopeID == "" || r.Ack.EnvelopeID == envelopeID) {
			out = append(out, *r.Ack)
		}
	}
	return out
}

// Responses returns the response_url posts for envelopeID ("" for all).
func (s *Server) Responses(envelopeID string) []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Response
	for _, r := range s.log {
		if r.Kind == KindResponse && (envelopeID == "" || r.Response.EnvelopeID == envelopeID) {
			out = append(out, *r.Response)
		}
	}
	return out
}

// Invalid lists every Block Kit problem the emulator rejected so far,
// wherever it came from. Tests assert it stays empty.
func (s *Server) Invalid() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.log {
		switch r.Kind {
		case KindAck:
			out = append(out, r.Ack.Invalid...)
		case KindCall:
			out = append(out, r.Call.Invalid...)
		case KindResponse:
			out = append(out, r.Response.Invalid...)
		}
	}
	return out
}

// Messages returns every message the app produced (ack payloads,
// response_url posts, chat.* calls that succeeded), in order.
func (s *Server) Messages() []Msg {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Msg
	for _, r := range s.log {
		if m := r.Message(); m != nil {
			out = append(out, *m)
		}
	}
	return out
}

// Message returns the message a record carries, if any: an ack payload that
// is a message, a response_url post, or a successful chat.* call.
func (r *Record) Message() *Msg {
	switch r.Kind {
	case KindAck:
		return r.Ack.Msg
	case KindResponse:
		if r.Response.OK {
			return &r.Response.Msg
		}
	case KindCall:
		if r.Call.OK && r.Call.Msg != nil {
			return r.Call.Msg
		}
	}
	return nil
}

// add appends a record; the caller holds s.mu.
func (s *Server) add(r Record) {
	r.Seq = len(s.log)
	if r.At.IsZero() {
		r.At = time.Now()
	}
	s.log = append(s.log, r)
	s.cond.Broadcast()
}
