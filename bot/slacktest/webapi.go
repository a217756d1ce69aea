package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type result map[string]any

// wireMsg is a message as JSON bodies (acks, response_url) carry it.
type wireMsg struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
	ThreadTS        string          `json:"thread_ts"`
}

func (m wireMsg) msg(source string) Msg {
	b := m.Blocks
	if string(b) == "null" {
		b = nil
	}
	return Msg{Source: source, Text: m.Text, Blocks: b, ResponseType: m.ResponseType,
		ReplaceOriginal: m.ReplaceOriginal, DeleteOriginal: m.DeleteOriginal, ThreadTS: m.ThreadTS}
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	c := &Call{Method: method, Status: http.StatusOK}
	form := url.Values{}
	var js map[string]json.RawMessage
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		c.JSON = body
		if len(body) > 0 {
			if err := decode(body, &js); err != nil {
				s.finish(w, c, nil, "invalid_json")
				return
			}
		}
	} else if len(body) > 0 {
		if f, err := url.ParseQuery(string(body)); err == nil {
			form = f
		}
	}
	for k, v := range r.URL.Query() {
		if _, ok := form[k]; !ok {
			form[k] = v
		}
	}

	// Tokens: JSON calls carry a bearer header, form calls the token field.
	want := s.opts.BotToken
	if method == "apps.connections.open" {
		want = s.opts.AppToken
	}
	tok, how := "", "none"
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		tok, how = strings.TrimPrefix(h, "Bearer "), "bearer"
	} else if t := form.Get("token"); t != "" {
		tok, how = t, "form"
	}
	form.Del("token")
	c.Form = form
	switch {
	case tok == "":
		c.Auth = "none"
		s.finish(w, c, nil, "not_authed")
		return
	case tok != want:
		c.Auth = "bad"
		s.finish(w, c, nil, "invalid_auth")
		return
	case method == "apps.connections.open" && how != "bearer":
		c.Auth = how
		s.finish(w, c, nil, "not_authed")
		return
	}
	c.Auth = how

	s.wait(method)
	s.mu.Lock()
	f, faulted := s.takeFault(method)
	if !faulted {
		if wait := s.tierLimited(method, callChannel(form, js)); wait > 0 {
			f, faulted = fault{status: http.StatusTooManyRequests, retryAfter: wait}, true
		}
	}
	s.mu.Unlock()
	if faulted && f.code != "" {
		c.Fault = f.code
		s.finish(w, c, nil, f.code)
		return
	}
	if faulted && !f.after {
		s.answerFault(w, c, f)
		return
	}

	s.mu.Lock()
	res, errCode := s.dispatch(c, form, js)
	s.mu.Unlock()
	if faulted {
		s.answerFault(w, c, f) // done, but the client hears a failure
		return
	}
	s.finish(w, c, res, errCode)
}

func (s *Server) answerFault(w http.ResponseWriter, c *Call, f fault) {
	c.Status = f.status
	c.Fault = strconv.Itoa(f.status)
	c.Error = "fault"
	if f.status == http.StatusTooManyRequests {
		c.Error = "ratelimited"
	}
	// Record before answering: once the client has its answer, whoever
	// waits on the client must find the call in the log.
	s.mu.Lock()
	s.add(Record{Kind: KindCall, Call: c})
	s.mu.Unlock()
	if f.status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		writeJSON(w, f.status, result{"ok": false, "error": "ratelimited"})
		return
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(f.status)
	_, _ = io.WriteString(w, "<html>upstream error</html>")
}

// finish answers and records the call.
func (s *Server) finish(w http.ResponseWriter, c *Call, res result, errCode string) {
	if res == nil {
		res = result{}
	}
	if errCode != "" {
		res["ok"] = false
		res["error"] = errCode
		if len(c.Invalid) > 0 {
			res["response_metadata"] = map[string]any{"messages": c.Invalid}
		}
	} else {
		res["ok"] = true
	}
	c.OK, c.Error = errCode == "", errCode
	// Record before answering (see answerFault).
	s.mu.Lock()
	s.add(Record{Kind: KindCall, Call: c})
	s.mu.Unlock()
	writeJSON(w, c.Status, res)
}

// methodScopes are the bot scopes each method needs, from each method's
// reference page ("Required scopes", e.g.
// https://docs.slack.dev/reference/methods/chat.postMessage: chat:write;
// conversations.open: im:write; users.info: users:read; reactions.add:
// reactions:write; files.getUploadURLExternal and
// files.completeUploadExternal: files:write). conversations.info and the
// history methods depend on the conversation (historyScope).
var methodScopes = map[string]string{
	"chat.postMessage": "chat:write", "chat.postEphemeral": "chat:write", "chat.update": "chat:write",
	"conversations.open": "im:write", "users.info": "users:read", "users.list": "users:read", "users.lookupByEmail": "users:read.email",
	"reactions.add": "reactions:write", "files.getUploadURLExternal": "files:write", "files.completeUploadExternal": "files:write",
}

// methodTiers are the per-minute limits of the methods whose tier the
// emulator enforces, per app and workspace, from Slack's tiers
// (https://docs.slack.dev/apis/web-api/rate-limits: Tier 2 20+, Tier 3
// 50+, Tier 4 100+ a minute) and each method's page (e.g.
// https://api.slack.com/methods/conversations.open: Tier 3;
// conversations.history and .replies are Tier 3 for internal apps,
// https://docs.slack.dev/reference/methods/conversations.history). The
// emulator allows the number, not the "+". Past it Slack answers HTTP 429
// with Retry-After.
var methodTiers = map[string]int{
	"conversations.history": 50, "conversations.replies": 50, "conversations.open": 50, "reactions.add": 50,
	"users.list": 20,
	"users.info": 100, "chat.postEphemeral": 100, "views.publish": 100,
	"files.getUploadURLExternal": 100, "files.completeUploadExternal": 100,
}

// postsPerChannel is chat.postMessage's special tier, "1 per second" per
// channel with short bursts allowed (the rate-limits page above, "Posting
// messages"): 60 in any minute per channel. Slack's workspace-wide limit
// on posts is not published, so the emulator has none.
const postsPerChannel = 60

// tierLimited counts a call of method (chat.postMessage: in channel)
// against its tier and returns the Retry-After in seconds when it is over
// (0: within it); caller holds mu.
func (s *Server) tierLimited(method, channel string) int {
	key, limit := method, methodTiers[method]
	if method == "chat.postMessage" {
		key, limit = method+":"+channel, postsPerChannel
	}
	if limit == 0 {
		return 0
	}
	now := s.now()
	recent := s.calls[key][:0]
	for _, t := range s.calls[key] {
		if now.Sub(t) < time.Minute {
			recent = append(recent, t)
		}
	}
	if len(recent) >= limit {
		s.calls[key] = recent
		s.tierRefused[method]++
		return max(1, int((recent[0].Add(time.Minute).Sub(now)+time.Second-1)/time.Second))
	}
	s.calls[key] = append(recent, now)
	return 0
}

// callChannel is the channel argument of a call, form or JSON.
func callChannel(form url.Values, js map[string]json.RawMessage) string {
	if ch := form.Get("channel"); ch != "" {
		return ch
	}
	var ch string
	_ = decode(js["channel"], &ch)
	return ch
}

// TierRefusals reports how many calls of each method the emulator refused
// with 429 for going over its rate tier (faults injected with RateLimit
// are not counted).
func (s *Server) TierRefusals() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.tierRefused)
}

// historyScope is the scope conversations.history and .replies need for a
// conversation: channels:history for public channels (C…), groups:history
// for private ones (G…), im:history for DMs
// (https://docs.slack.dev/reference/methods/conversations.history: "Relevant
// *:history scope").
func historyScope(channel string) string {
	switch {
	case strings.HasPrefix(channel, "G"):
		return "groups:history"
	case strings.HasPrefix(channel, "D"):
		return "im:history"
	}
	return "channels:history"
}

// dispatch runs one Web API method; caller holds mu.
func (s *Server) dispatch(c *Call, form url.Values, js map[string]json.RawMessage) (result, string) {
	need := methodScopes[c.Method]
	if c.Method == "conversations.history" || c.Method == "conversations.replies" {
		need = historyScope(form.Get("channel"))
	}
	if need != "" && !slices.Contains(s.opts.Scopes, need) {
		return result{"needed": need, "provided": strings.Join(s.opts.Scopes, ",")}, "missing_scope"
	}
	switch c.Method {
	case "auth.test":
		return result{"url": "https://emulator.slack.com/", "team": "Emulator", "user": "salesbot",
			"team_id": s.opts.TeamID, "user_id": s.opts.BotUserID, "bot_id": "B0SALESBOT"}, ""
	case "apps.connections.open":
		s.n.ticket++
		u := strings.Replace(s.base, "http://", "ws://", 1) + fmt.Sprintf("/link/?ticket=t%d&app_id=%s", s.n.ticket, s.opts.AppID)
		return result{"url": u}, ""
	case "chat.postMessage":
		return s.postMessage(c, form, false)
	case "chat.postEphemeral":
		return s.postMessage(c, form, true)
	case "chat.update":
		return s.updateMessage(c, form)
	case "views.open", "views.update", "views.publish", "views.push":
		return s.viewsCall(c, js)
	case "users.list":
		return s.usersList(form), ""
	case "users.info":
		u, ok := s.users[form.Get("user")]
		if !ok {
			return nil, "user_not_found"
		}
		return result{"user": userJSON(u, s.opts.TeamID, slices.Contains(s.opts.Scopes, "users:read.email"))}, ""
	case "conversations.open":
		users := strings.Split(form.Get("users"), ",")
		if form.Get("users") == "" {
			if ch := form.Get("channel"); ch != "" {
				return result{"channel": map[string]any{"id": ch}}, ""
			}
			return nil, "users_list_not_supplied"
		}
		for _, u := range users {
			usr, ok := s.users[u]
			if !ok {
				return nil, "user_not_found"
			}
			if usr.Deleted {
				return nil, "user_disabled"
			}
		}
		id := dmChannel(users[0])
		if len(users) > 1 {
			id = "G" + strings.Join(users, "")
			s.channels[id] = channel{name: strings.ToLower(id), member: true} // the bot opened it, so it is in it
		}
		return result{"channel": map[string]any{"id": id}, "no_op": false, "already_open": false}, ""
	case "conversations.info":
		return s.conversationInfo(form)
	case "conversations.history":
		return s.conversationHistory(form, false)
	case "conversations.replies":
		return s.conversationHistory(form, true)
	case "reactions.add":
		if form.Get("name") == "" {
			return nil, "invalid_name"
		}
		if s.findMsg(form.Get("channel"), form.Get("timestamp")) == nil {
			return nil, "message_not_found"
		}
		return result{}, ""
	case "files.getUploadURLExternal":
		n, _ := strconv.Atoi(form.Get("length"))
		if form.Get("filename") == "" || n <= 0 {
			return nil, "invalid_arguments"
		}
		s.n.file++
		f := &File{ID: fmt.Sprintf("F%06d", s.n.file), Name: form.Get("filename"), Length: n, AltText: form.Get("alt_txt")}
		if utf8.RuneCountInString(f.AltText) > 1000 {
			c.Invalid = append(c.Invalid, "alt_txt must be at most 1000 characters")
			return nil, "invalid_arguments"
		}
		s.files[f.ID] = f
		cp := *f
		c.File = &cp
		return result{"upload_url": s.base + "/upload/" + f.ID, "file_id": f.ID}, ""
	case "files.completeUploadExternal":
		return s.completeUpload(c, form)
	}
	return nil, "unknown_method"
}

// userJSON is a user object. The email field is there only with
// users:read.email: "The users:read.email OAuth scope is now required to
// access the email field in user objects returned by the users.list and
// users.info web API methods"
// (https://docs.slack.dev/reference/methods/users.info); whether it was
// confirmed is the user's is_email_confirmed
// (https://api.slack.com/types/user).
// usersList pages the members, bot users included, in id order: limit
// (at most 200 a page here; Slack recommends no more than 200) and an
// opaque cursor in response_metadata.next_cursor, "" on the last page
// (https://docs.slack.dev/reference/methods/users.list); caller holds mu.
func (s *Server) usersList(form url.Values) result {
	ids := make([]string, 0, len(s.users))
	for id := range s.users {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	limit, _ := strconv.Atoi(form.Get("limit"))
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	start := 0
	if c := form.Get("cursor"); c != "" {
		if n, err := strconv.Atoi(strings.TrimPrefix(c, "users:")); err == nil && n >= 0 && n <= len(ids) {
			start = n
		}
	}
	end := min(start+limit, len(ids))
	members := make([]any, 0, end-start)
	for _, id := range ids[start:end] {
		members = append(members, userJSON(s.users[id], s.opts.TeamID, slices.Contains(s.opts.Scopes, "users:read.email")))
	}
	next := ""
	if end < len(ids) {
		next = "users:" + strconv.Itoa(end)
	}
	return result{"members": members, "response_metadata": map[string]any{"next_cursor": next}}
}

func userJSON(u User, team string, email bool) map[string]any {
	tz := u.TZ
	if tz == "" {
		tz = "America/Los_Angeles"
	}
	off := 0
	label := tz
	if loc, err := time.LoadLocation(tz); err == nil {
		name, o := time.Now().In(loc).Zone()
		off, label = o, name
	}
	profile := map[string]any{"real_name": u.RealName, "display_name": u.Name,
		"real_name_normalized": u.RealName, "display_name_normalized": u.Name}
	if email && u.Email != "" {
		profile["email"] = u.Email
	}
	return map[string]any{
		"id": u.ID, "team_id": team, "name": u.Name, "deleted": u.Deleted, "real_name": u.RealName,
		"is_restricted": u.Restricted, "is_ultra_restricted": u.UltraRestricted,
		"tz": tz, "tz_label": label, "tz_offset": off, "is_admin": u.IsAdmin, "is_owner": u.IsOwner,
		"is_bot": u.IsBot, "is_email_confirmed": u.Email != "" && !u.EmailUnconfirmed,
		"profile": profile,
	}
}
