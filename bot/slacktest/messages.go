package slacktest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) findMsg(channel, ts string) *Msg {
	for _, m := range s.history[dmChannel(channel)] {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

func (s *Server) postMessage(c *Call, form url.Values, ephemeral bool) (result, string) {
	ch := form.Get("channel")
	if ch == "" {
		return nil, "channel_not_found"
	}
	// An ephemeral message obeys the same membership rule as a post: the
	// user sees it in a conversation the bot is in, or not at all.
	if errCode := s.canPost(ch); errCode != "" {
		return nil, errCode
	}
	m := &Msg{Source: c.Method, Channel: dmChannel(ch), Text: form.Get("text"), ThreadTS: form.Get("thread_ts")}
	if md := form.Get("metadata"); md != "" {
		var meta struct {
			EventType    string         `json:"event_type"`
			EventPayload map[string]any `json:"event_payload"`
		}
		if err := decode([]byte(md), &meta); err != nil || meta.EventType == "" {
			c.Invalid = append(c.Invalid, "metadata must be JSON with an event_type and an event_payload")
			return nil, "invalid_metadata_format"
		}
		m.Metadata = json.RawMessage(md)
	}
	if b := form.Get("blocks"); b != "" {
		m.Blocks = json.RawMessage(b)
		if c.Invalid = validateBlocks(m.Blocks, surfaceMessage); len(c.Invalid) > 0 {
			return nil, "invalid_blocks"
		}
	}
	if m.Text == "" && len(m.Blocks) == 0 && form.Get("attachments") == "" {
		return nil, "no_text"
	}
	if m.ThreadTS != "" && s.findMsg(m.Channel, m.ThreadTS) == nil {
		return nil, "thread_not_found"
	}
	if ephemeral {
		u := form.Get("user")
		if _, ok := s.users[u]; !ok {
			return nil, "user_not_in_channel"
		}
		m.User = u
	}
	m.TS = s.nextTS()
	c.Msg = m
	if ephemeral {
		return result{"message_ts": m.TS}, ""
	}
	cp := *m
	s.history[m.Channel] = append(s.history[m.Channel], &cp)
	return result{"channel": m.Channel, "ts": m.TS,
		"message": map[string]any{"type": "message", "text": m.Text, "ts": m.TS, "user": s.opts.BotUserID}}, ""
}

// canPost is the membership rule of chat.postMessage and
// chat.postEphemeral: a bot without chat:write.public posts only where it
// was invited. Slack's errors: "not_in_channel: Cannot post user messages
// to a channel they are not in", "channel_not_found: Value passed for
// channel was invalid" (https://api.slack.com/methods/chat.postMessage#errors,
// https://api.slack.com/methods/chat.postEphemeral#errors, which lists
// channel_not_found for a conversation the app cannot see), and
// "is_archived: Channel has been archived." The bot's own
// DM with a user (a user id, or that D… channel) needs no invitation; a
// DM between people (DMBetween) is invisible to it: channel_not_found;
// caller holds mu.
func (s *Server) canPost(ref string) string {
	if strings.HasPrefix(ref, "U") || strings.HasPrefix(ref, "W") {
		return ""
	}
	if strings.HasPrefix(ref, "D") {
		if _, ok := s.users[DMUser(ref)]; ok {
			return ""
		}
		return "channel_not_found"
	}
	ch, ok := s.lookupChannel(ref)
	switch {
	case !ok:
		return "channel_not_found"
	case ch.archived:
		return "is_archived"
	case !ch.member:
		return "not_in_channel"
	}
	return ""
}

// lookupChannel finds a channel by id, or by name ("#name" or "name"),
// which chat.postMessage also accepts; caller holds mu.
func (s *Server) lookupChannel(ref string) (channel, bool) {
	if ch, ok := s.channels[ref]; ok {
		return ch, true
	}
	name := strings.TrimPrefix(ref, "#")
	for _, ch := range s.channels {
		if ch.name == name {
			return ch, true
		}
	}
	return channel{}, false
}

// conversationInfo answers conversations.info with the fields the bot
// reads. The conversation object carries is_member, whether the calling
// bot is in the channel
// (https://docs.slack.dev/reference/objects/conversation-object); the
// method needs channels:read for public channels and groups:read for
// private ones, and a private channel the bot is not in is
// channel_not_found to it (https://docs.slack.dev/reference/scopes/groups:read:
// "private channels that your Slack app has been added to"). C… channels
// are public here and G… private; caller holds mu.
func (s *Server) conversationInfo(form url.Values) (result, string) {
	id := form.Get("channel")
	if id == "" {
		return nil, "channel_not_found"
	}
	private := strings.HasPrefix(id, "G")
	scope := "channels:read"
	if private {
		scope = "groups:read"
	} else if !strings.HasPrefix(id, "C") {
		scope = "im:read"
	}
	if !slices.Contains(s.opts.Scopes, scope) {
		return result{"needed": scope, "provided": strings.Join(s.opts.Scopes, ",")}, "missing_scope"
	}
	ch, ok := s.channels[id]
	if !ok || private && !ch.member {
		return nil, "channel_not_found"
	}
	return result{"channel": map[string]any{"id": id, "name": ch.name, "is_channel": !private,
		"is_group": private, "is_private": private, "is_member": ch.member}}, ""
}

func (s *Server) updateMessage(c *Call, form url.Values) (result, string) {
	old := s.findMsg(form.Get("channel"), form.Get("ts"))
	if old == nil {
		return nil, "message_not_found"
	}
	m := &Msg{Source: c.Method, Channel: old.Channel, TS: old.TS, ThreadTS: old.ThreadTS, Text: form.Get("text")}
	if b, ok := form["blocks"]; ok {
		m.Blocks = json.RawMessage(b[0])
		if string(m.Blocks) != "[]" {
			if c.Invalid = validateBlocks(m.Blocks, surfaceMessage); len(c.Invalid) > 0 {
				return nil, "invalid_blocks"
			}
		}
	} else {
		m.Blocks = old.Blocks
	}
	if m.Text == "" && len(m.Blocks) == 0 {
		return nil, "no_text"
	}
	*old = *m
	cp := *m
	c.Msg = &cp
	return result{"channel": m.Channel, "ts": m.TS, "text": m.Text}, ""
}

// conversationHistory answers conversations.history (top-level messages,
// newest first) and conversations.replies (a thread, oldest first), with
// the oldest/latest/limit/cursor paging and include_all_metadata of the
// real methods.
func (s *Server) conversationHistory(form url.Values, replies bool) (result, string) {
	s.settleSharesLocked()
	ch := dmChannel(form.Get("channel"))
	if ch == "" {
		return nil, "channel_not_found"
	}
	thread := form.Get("ts")
	if replies && s.findMsg(ch, thread) == nil {
		return nil, "thread_not_found"
	}
	oldest, latest := form.Get("oldest"), form.Get("latest")
	limit, _ := strconv.Atoi(form.Get("limit"))
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var picked []*Msg
	for _, m := range s.history[ch] {
		inThread := m.ThreadTS != "" && m.ThreadTS != m.TS
		switch {
		case replies && m.TS != thread && m.ThreadTS != thread:
			continue
		case !replies && inThread:
			continue
		case oldest != "" && tsLess(m.TS, oldest), latest != "" && !tsLess(m.TS, latest):
			continue
		}
		picked = append(picked, m)
	}
	if !replies {
		slices.Reverse(picked)
	}
	start, _ := strconv.Atoi(strings.TrimPrefix(form.Get("cursor"), "c"))
	start = min(max(start, 0), len(picked))
	end := min(start+limit, len(picked))
	withMeta := form.Get("include_all_metadata") == "1" || form.Get("include_all_metadata") == "true"
	msgs := make([]map[string]any, 0, end-start)
	for _, m := range picked[start:end] {
		wm := map[string]any{"type": "message", "user": s.opts.BotUserID, "bot_id": "B0SALESBOT", "text": m.Text, "ts": m.TS}
		if m.ThreadTS != "" {
			wm["thread_ts"] = m.ThreadTS
		}
		if len(m.Blocks) > 0 {
			wm["blocks"] = m.Blocks
		}
		if withMeta && len(m.Metadata) > 0 {
			wm["metadata"] = m.Metadata
		}
		if len(m.FileIDs) > 0 {
			var fs []map[string]any
			for _, id := range m.FileIDs {
				if f, ok := s.files[id]; ok {
					fs = append(fs, map[string]any{"id": f.ID, "name": f.Name, "title": f.Title})
				}
			}
			wm["files"] = fs
		}
		msgs = append(msgs, wm)
	}
	res := result{"messages": msgs, "has_more": end < len(picked)}
	if end < len(picked) {
		res["response_metadata"] = map[string]any{"next_cursor": "c" + strconv.Itoa(end)}
	}
	return res, ""
}

// tsLess compares message timestamps ("1700000000.000123") as numbers.
func tsLess(a, b string) bool {
	as, af, _ := strings.Cut(a, ".")
	bs, bf, _ := strings.Cut(b, ".")
	if len(as) != len(bs) {
		return len(as) < len(bs)
	}
	if as != bs {
		return as < bs
	}
	af, bf = (af + "000000")[:6], (bf + "000000")[:6]
	return af < bf
}

// serveResponseURL records a POST to a response_url.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	id := strings.TrimPrefix(r.URL.Path, "/resp/")
	s.wait("response_url")
	s.mu.Lock()
	ru, ok := s.resps[id]
	f, faulted := s.takeFault("response_url")
	s.mu.Unlock()
	resp := &Response{URL: s.base + r.URL.Path, Status: http.StatusOK}
	if ok {
		resp.EnvelopeID = ru.envelopeID
	}
	answer := func(status int, v result) {
		resp.Status = status
		// Record before answering: the app counts the reply as sent when
		// it has the answer, and a test waiting on the app must find it.
		s.mu.Lock()
		s.add(Record{Kind: KindResponse, Response: resp})
		s.mu.Unlock()
		writeJSON(w, status, v)
	}
	if faulted && f.code != "" {
		answer(http.StatusOK, result{"ok": false, "error": f.code})
		return
	}
	if faulted {
		if f.status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		}
		answer(f.status, result{"ok": false, "error": "fault"})
		return
	}
	if !ok {
		answer(http.StatusNotFound, result{"ok": false, "error": "invalid_url"})
		return
	}
	var m wireMsg
	if err := decode(body, &m); err != nil {
		answer(http.StatusBadRequest, result{"ok": false, "error": "invalid_json"})
		return
	}
	resp.Msg = m.msg("response_url")
	resp.Msg.EnvelopeID = ru.envelopeID
	if len(m.Blocks) > 0 && string(m.Blocks) != "null" {
		if resp.Invalid = validateBlocks(m.Blocks, surfaceMessage); len(resp.Invalid) > 0 {
			answer(http.StatusOK, result{"ok": false, "error": "invalid_blocks"})
			return
		}
	}
	if m.Text == "" && len(resp.Msg.Blocks) == 0 && !m.DeleteOriginal {
		answer(http.StatusOK, result{"ok": false, "error": "no_text"})
		return
	}
	// "you can respond to a user's command up to 5 times within 30
	// minutes of the user's invocation"
	// (https://api.slack.com/interactivity/slash-commands, "Delayed
	// responses and multiple responses"); an interaction's response_url
	// has the same limits (docs.slack.dev/interactivity/handling-user-interaction,
	// "Message responses"). The docs name no error code: the emulator
	// answers 404 with used_url or expired_url (its own wording), which
	// slack-go reports as a status error either way.
	s.mu.Lock()
	ru.uses++
	used := ru.uses > 5
	expired := s.opts.ResponseURLTTL > 0 && s.now().Sub(ru.created) > s.opts.ResponseURLTTL
	s.mu.Unlock()
	switch {
	case expired:
		answer(http.StatusNotFound, result{"ok": false, "error": "expired_url"})
		return
	case used:
		answer(http.StatusNotFound, result{"ok": false, "error": "used_url"})
		return
	}
	resp.OK = true
	answer(http.StatusOK, result{"ok": true})
}
