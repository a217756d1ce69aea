package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// conn is one Socket Mode WebSocket. Only its writer goroutine writes
// frames (gorilla allows one writer); pings go through the same loop.
type conn struct {
	id      int
	ws      *websocket.Conn
	out     chan frame
	done    chan struct{}
	dead    bool
	leaving bool // sent a disconnect; its close is already recorded
}

type frame struct {
	data []byte
	env  *envelope // set when the frame delivers an envelope
}

// envelope is one Socket Mode request and its delivery state.
type envelope struct {
	id          string
	typ         string
	payload     json.RawMessage
	accepts     bool
	retry       int
	retryReason string
	pushed      time.Time
	sent        time.Time
	acks        int
	viewID      string // view_submission: the view submitted
	// missed: an events_api envelope that found no socket; its delivery
	// counts as Slack's next retry.
	missed bool
}

// wireEnvelope is an envelope as Socket Mode frames it (keys in the order
// a map of them would marshal in).
type wireEnvelope struct {
	Accepts      bool            `json:"accepts_response_payload"`
	EnvelopeID   string          `json:"envelope_id"`
	Payload      json.RawMessage `json:"payload"`
	RetryAttempt int             `json:"retry_attempt"`
	RetryReason  string          `json:"retry_reason"`
	Type         string          `json:"type"`
}

func (e *envelope) frame() []byte {
	b, _ := encode(wireEnvelope{Accepts: e.accepts, EnvelopeID: e.id, Payload: e.payload,
		RetryAttempt: e.retry, RetryReason: e.retryReason, Type: e.typ})
	return b
}

const outBuffer = 4096

func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	ok := ticket != "" && strings.HasPrefix(ticket, "t") && !s.closed
	s.mu.Unlock()
	if !ok {
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade already answered
	}
	c := &conn{ws: ws, out: make(chan frame, outBuffer), done: make(chan struct{})}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.n.conn++
	c.id = s.n.conn
	s.conns[c.id] = c
	s.allConns = append(s.allConns, c)
	hello, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": len(s.conns),
		"debug_info":      map[string]any{"host": "emu-1", "build_number": 1, "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": s.opts.AppID},
	})
	c.out <- frame{data: hello}
	s.add(Record{Kind: KindConnect, Conn: &ConnEvent{ID: c.id}})
	// Envelopes produced while no socket was up go out now, in order.
	s.flushQueueLocked()
	s.mu.Unlock()
	go s.writeLoop(c)
	go s.readLoop(c)
}

func (s *Server) writeLoop(c *conn) {
	ping := time.NewTicker(s.opts.PingInterval)
	defer ping.Stop()
	n := 0
	for {
		select {
		case <-c.done:
			s.requeue(c)
			return
		case <-ping.C:
			n++
			if err := c.ws.WriteControl(websocket.PingMessage, []byte(fmt.Sprintf("ping-%d", n)), time.Now().Add(5*time.Second)); err != nil {
				s.drop(c, "write failed")
			}
		case f := <-c.out:
			if f.env != nil {
				s.mu.Lock()
				if c.dead {
					// The socket died after this frame was queued: deliver it
					// elsewhere, ahead of anything queued after it.
					s.queue = append([]*envelope{f.env}, s.queue...)
					s.flushQueueLocked()
					s.mu.Unlock()
					continue
				}
				f.env.sent = time.Now()
				s.add(Record{Kind: KindEnvelope, Envelope: &Sent{
					EnvelopeID: f.env.id, Type: f.env.typ, Conn: c.id, RetryAttempt: f.env.retry,
					Queued: f.env.sent.Sub(f.env.pushed),
				}})
				s.scheduleRetryLocked(f.env)
				s.mu.Unlock()
			}
			_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if err := c.ws.WriteMessage(websocket.TextMessage, f.data); err != nil {
				s.drop(c, "write failed")
			}
			if f.env != nil {
				// Room in the buffer again: envelopes that overflowed it
				// go out now, not only after a reconnect.
				s.mu.Lock()
				s.flushQueueLocked()
				s.mu.Unlock()
			}
		}
	}
}

// requeue puts envelopes still waiting in a dead socket's buffer back in
// line, in order.
func (s *Server) requeue(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var back []*envelope
	for {
		select {
		case f := <-c.out:
			if f.env != nil {
				back = append(back, f.env)
			}
		default:
			// They were queued before anything still waiting: they go first.
			s.queue = append(back, s.queue...)
			s.flushQueueLocked()
			return
		}
	}
}

func (s *Server) readLoop(c *conn) {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			s.drop(c, "client")
			return
		}
		s.handleAck(c, data)
	}
}

func (s *Server) drop(c *conn, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropLocked(c, reason)
}

// dropLocked takes a socket out of service; caller holds mu.
func (s *Server) dropLocked(c *conn, reason string) {
	if c.dead {
		return
	}
	c.dead = true
	delete(s.conns, c.id)
	close(c.done)
	_ = c.ws.Close() // no close frame: like a network drop
	if !c.leaving {
		s.add(Record{Kind: KindClose, Conn: &ConnEvent{ID: c.id, Reason: reason}})
	}
	s.cond.Broadcast() // AwaitSocketsClosed
}

// AwaitSocketsClosed waits until every socket that ever connected is
// closed, including those told to disconnect, whose acks may still be in
// flight. After it returns, every frame the app wrote has been read and
// recorded.
func (s *Server) AwaitSocketsClosed(ctx context.Context) error {
	defer s.wakeOnDone(ctx)()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		open := 0
		for _, c := range s.allConns {
			if !c.dead {
				open++
			}
		}
		if open == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("slacktest: %d sockets still open: %w", open, err)
		}
		s.cond.Wait()
	}
}

// deliverLocked sends e on the newest live socket, or queues it until one
// connects; caller holds mu.
func (s *Server) deliverLocked(e *envelope) {
	// Behind anything already waiting, so envelopes keep their order.
	s.queue = append(s.queue, e)
	s.flushQueueLocked()
}

// flushQueueLocked moves waiting envelopes, oldest first, into the newest
// live socket's buffer while it has room; caller holds mu.
//
// With no socket up, Slack holds nothing for a slash command: the user
// sees "/deal failed with the error "dispatch_failed"" and the command is
// gone (github.com/slackapi/bolt-js/issues/2216, where Slack's maintainer
// names "your Bolt app is no longer connected to the Slack server" as the
// cause). So a waiting slash command fails here, recorded as
// KindDispatchFailed. Events API
// envelopes wait and go out on the next socket as Slack's retry of a
// failed delivery (retry_attempt one higher, retry_reason "timeout";
// bolt-python #1071: "Slack's API server ... does retries for Events API
// messages", github.com/slackapi/bolt-python/issues/1071). Interactive
// payloads (clicks, submissions) are not Events API deliveries: they fail
// as commands do, recorded with their payload type.
func (s *Server) flushQueueLocked() {
	for len(s.queue) > 0 {
		var best *conn
		for _, c := range s.conns {
			if best == nil || c.id > best.id {
				best = c
			}
		}
		if best == nil {
			s.failCommandsLocked()
			return
		}
		e := s.queue[0]
		if e.missed {
			e.missed = false
			e.retry++
			e.retryReason = "timeout"
		}
		select {
		case best.out <- frame{data: e.frame(), env: e}:
			s.queue[0] = nil
			s.queue = s.queue[1:]
		default:
			return // full: the writer flushes again after each envelope
		}
	}
}

// failCommandsLocked takes the slash commands and interactions out of the
// queue, each recorded as dispatch_failed, and marks the waiting events as missed:
// they go out later as retries; caller holds mu with no socket live.
func (s *Server) failCommandsLocked() {
	kept := s.queue[:0]
	for _, e := range s.queue {
		switch e.typ {
		case "slash_commands":
			var p struct {
				User    string `json:"user_id"`
				Command string `json:"command"`
				Text    string `json:"text"`
				Channel string `json:"channel_id"`
			}
			_ = decode(e.payload, &p)
			s.add(Record{Kind: KindDispatchFailed, Dispatch: &DispatchFailure{
				EnvelopeID: e.id, User: p.User, Channel: p.Channel, Command: p.Command, Text: p.Text,
			}})
		case "interactive":
			// A click or a submission has no one to go to either: Slack
			// retries only Events API deliveries, so the user sees the
			// click or the submit fail.
			var p struct {
				Type string `json:"type"`
				User struct {
					ID string `json:"id"`
				} `json:"user"`
				Channel struct {
					ID string `json:"id"`
				} `json:"channel"`
				Actions []struct {
					ActionID string `json:"action_id"`
				} `json:"actions"`
				View struct {
					CallbackID string `json:"callback_id"`
				} `json:"view"`
			}
			_ = decode(e.payload, &p)
			what := p.View.CallbackID
			if len(p.Actions) > 0 {
				what = p.Actions[0].ActionID
			}
			s.add(Record{Kind: KindDispatchFailed, Dispatch: &DispatchFailure{
				EnvelopeID: e.id, User: p.User.ID, Channel: p.Channel.ID, Interaction: p.Type, Text: what,
			}})
		default:
			if e.typ == "events_api" {
				e.missed = true
			}
			kept = append(kept, e)
		}
	}
	for i := len(kept); i < len(s.queue); i++ {
		s.queue[i] = nil
	}
	s.queue = kept
}

// Connected reports whether at least one socket is live.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns) > 0
}

// DropSockets closes every live socket without a close frame, as a network
// failure would. Events pushed afterwards wait for the reconnect; slash
// commands and interactions fail with dispatch_failed, as in Slack.
func (s *Server) DropSockets() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		s.dropLocked(c, "dropped")
	}
}

// Disconnect sends a disconnect message (reason: "warning",
// "refresh_requested", "link_disabled", "too_many_websockets") on every
// live socket. They stop receiving envelopes at once; the client closes
// them and reconnects.
func (s *Server) Disconnect(reason string) {
	msg, _ := json.Marshal(map[string]any{"type": "disconnect", "reason": reason, "debug_info": map[string]any{"host": "emu-1"}})
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, c := range s.conns {
		select {
		case c.out <- frame{data: msg}:
		default:
		}
		delete(s.conns, id)
		c.leaving = true
		s.add(Record{Kind: KindClose, Conn: &ConnEvent{ID: c.id, Reason: "disconnect:" + reason}})
	}
}

// SendRaw writes an arbitrary frame on the newest live socket (bad-frame
// tests). It reports false when no socket is live.
func (s *Server) SendRaw(data []byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	var best *conn
	for _, c := range s.conns {
		if best == nil || c.id > best.id {
			best = c
		}
	}
	if best == nil {
		return false
	}
	select {
	case best.out <- frame{data: data}:
		return true
	default:
		return false
	}
}

// newEnvelopeID allocates an envelope id; caller holds mu.
func (s *Server) newEnvelopeID() string {
	s.n.env++
	return fmt.Sprintf("env-%s-%06d", strings.ToLower(s.tag), s.n.env)
}

// push registers and delivers a new envelope (id "" allocates one) and
// returns its id.
func (s *Server) push(id, typ string, payload any, accepts bool, viewID string) string {
	raw, err := encode(payload)
	if err != nil {
		panic(fmt.Sprintf("slacktest: envelope payload: %v", err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id == "" {
		id = s.newEnvelopeID()
	}
	e := &envelope{
		id: id, typ: typ, payload: raw, accepts: accepts,
		pushed: time.Now(), viewID: viewID,
	}
	s.envs[e.id] = e
	s.deliverLocked(e)
	return e.id
}

// Redeliver sends envelopeID again, as Slack does when an ack is late,
// with retry_attempt increased.
func (s *Server) Redeliver(envelopeID, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.envs[envelopeID]
	if !ok {
		return fmt.Errorf("slacktest: no envelope %s", envelopeID)
	}
	cp := *e
	cp.retry = e.retry + 1
	cp.retryReason = reason
	cp.pushed = time.Now()
	s.envs[envelopeID] = &cp
	s.deliverLocked(&cp)
	return nil
}

// eventRetryAfter is the wait before Slack's next retry of an unacked
// event: the ack timeout, then about a minute, then five
// (github.com/slackapi/python-slack-events-api/issues/93, PROTOCOL.md §1
// "Redelivery").
func (s *Server) eventRetryAfter(attempt int) time.Duration {
	switch attempt {
	case 0:
		return s.opts.AckTimeout
	case 1:
		return time.Minute
	}
	return 5 * time.Minute
}

// scheduleRetryLocked arms Slack's retry of an events_api delivery that
// is not acked in time; caller holds mu.
func (s *Server) scheduleRetryLocked(e *envelope) {
	if e.typ != "events_api" || s.opts.AckTimeout < 0 || e.retry >= 3 {
		return
	}
	id, attempt := e.id, e.retry
	time.AfterFunc(s.eventRetryAfter(attempt), func() {
		s.mu.Lock()
		cur, ok := s.envs[id]
		due := ok && !s.closed && cur.acks == 0 && cur.retry == attempt
		s.mu.Unlock()
		if due {
			_ = s.Redeliver(id, "timeout")
		}
	})
}

// RedeliverUnacked redelivers every envelope that was sent but never
// acked, and returns their ids.
func (s *Server) RedeliverUnacked() []string {
	s.mu.Lock()
	var ids []string
	for id, e := range s.envs {
		if e.acks == 0 && !e.sent.IsZero() {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	for _, id := range ids {
		_ = s.Redeliver(id, "timeout")
	}
	return ids
}

// Pending is the number of envelopes waiting for a socket.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

type ackFrame struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

func (s *Server) handleAck(c *conn, data []byte) {
	var a ackFrame
	now := time.Now()
	if err := decode(data, &a); err != nil || a.EnvelopeID == "" {
		s.mu.Lock()
		s.add(Record{Kind: KindAck, Ack: &Ack{Conn: c.id, Payload: data, Unknown: true, Invalid: []string{"ack without envelope_id"}}})
		s.mu.Unlock()
		return
	}
	if len(a.Payload) == 0 || string(a.Payload) == "null" {
		a.Payload = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ack := &Ack{EnvelopeID: a.EnvelopeID, Conn: c.id, Payload: a.Payload}
	e, ok := s.envs[a.EnvelopeID]
	if !ok {
		ack.Unknown = true
		s.add(Record{Kind: KindAck, At: now, Ack: ack})
		return
	}
	e.acks++
	ack.Duplicate = e.acks > 1
	if !e.sent.IsZero() {
		ack.Latency = now.Sub(e.sent)
	}
	ack.SincePush = now.Sub(e.pushed)
	if ack.Payload == nil && e.viewID != "" {
		if v := s.views[e.viewID]; v != nil {
			v.Closed = true // an empty view_submission ack closes the modal
		}
	}
	if ack.Payload != nil {
		switch e.typ {
		case "slash_commands":
			var m wireMsg
			if err := decode(ack.Payload, &m); err != nil {
				ack.Invalid = append(ack.Invalid, "ack payload is not a message: "+err.Error())
			} else {
				msg := m.msg("ack")
				msg.EnvelopeID = e.id
				ack.Msg = &msg
				if len(m.Blocks) > 0 {
					ack.Invalid = validateBlocks(m.Blocks, surfaceMessage)
				}
				if m.Text == "" && len(m.Blocks) == 0 {
					ack.Invalid = append(ack.Invalid, "ack payload message has neither text nor blocks")
				}
			}
		case "interactive":
			s.applyViewResponse(e, ack)
		}
	}
	s.add(Record{Kind: KindAck, At: now, Ack: ack})
}

// applyViewResponse applies a view_submission ack's response_action to the
// emulated modal; caller holds mu.
func (s *Server) applyViewResponse(e *envelope, ack *Ack) {
	var r struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
		View           json.RawMessage   `json:"view"`
	}
	if err := decode(ack.Payload, &r); err != nil {
		ack.Invalid = append(ack.Invalid, "interactive ack payload: "+err.Error())
		return
	}
	ack.Action, ack.Errors = r.ResponseAction, r.Errors
	v := s.views[e.viewID]
	if v == nil {
		return
	}
	switch r.ResponseAction {
	case "errors":
		v.Errors = r.Errors
	case "update":
		nv, probs := s.parseView(r.View, "modal")
		if len(probs) > 0 {
			ack.Invalid = append(ack.Invalid, probs...)
			return
		}
		nv.ID, nv.User = v.ID, v.User
		*v = *nv
	default: // "clear", or nothing: the modal closes
		v.Closed = true
	}
}
