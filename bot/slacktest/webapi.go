package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
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
			if err := json.Unmarshal(body, &js); err != nil {
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

	s.mu.Lock()
	f, faulted := s.takeFault(method)
	s.mu.Unlock()
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

// dispatch runs one Web API method; caller holds mu.
func (s *Server) dispatch(c *Call, form url.Values, js map[string]json.RawMessage) (result, string) {
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
			if _, ok := s.users[u]; !ok {
				return nil, "user_not_found"
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
		"id": u.ID, "team_id": team, "name": u.Name, "deleted": false, "real_name": u.RealName,
		"tz": tz, "tz_label": label, "tz_offset": off, "is_admin": u.IsAdmin, "is_owner": u.IsOwner,
		"is_bot": u.IsBot, "is_email_confirmed": u.Email != "" && !u.EmailUnconfirmed,
		"profile": profile,
	}
}

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
	if !ephemeral {
		if errCode := s.canPost(ch); errCode != "" {
			return nil, errCode
		}
	}
	m := &Msg{Source: c.Method, Channel: dmChannel(ch), Text: form.Get("text"), ThreadTS: form.Get("thread_ts")}
	if md := form.Get("metadata"); md != "" {
		var meta struct {
			EventType    string         `json:"event_type"`
			EventPayload map[string]any `json:"event_payload"`
		}
		if err := json.Unmarshal([]byte(md), &meta); err != nil || meta.EventType == "" {
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

// canPost is chat.postMessage's membership rule: a bot without
// chat:write.public posts only where it was invited. Slack's errors:
// "not_in_channel: Cannot post user messages to a channel they are not
// in", "channel_not_found: Value passed for channel was invalid"
// (https://api.slack.com/methods/chat.postMessage#errors). DMs (a user id
// or a D… channel) need no invitation; caller holds mu.
func (s *Server) canPost(ref string) string {
	if strings.HasPrefix(ref, "D") || strings.HasPrefix(ref, "U") || strings.HasPrefix(ref, "W") {
		return ""
	}
	ch, ok := s.lookupChannel(ref)
	switch {
	case !ok:
		return "channel_not_found"
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

// parseView reads a view object and checks it; caller holds mu.
func (s *Server) parseView(raw json.RawMessage, want string) (*View, []string) {
	var v struct {
		Type            string          `json:"type"`
		Title           *textObj        `json:"title"`
		Submit          *textObj        `json:"submit"`
		Close           *textObj        `json:"close"`
		CallbackID      string          `json:"callback_id"`
		PrivateMetadata string          `json:"private_metadata"`
		Blocks          json.RawMessage `json:"blocks"`
		ExternalID      string          `json:"external_id"`
	}
	if len(raw) == 0 {
		return nil, []string{"view is missing"}
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, []string{"view is not an object: " + err.Error()}
	}
	var probs []string
	if v.Type != want {
		probs = append(probs, fmt.Sprintf("view type %q, want %q", v.Type, want))
	}
	surface := surfaceHome
	if want == "modal" {
		surface = surfaceModal
		if v.Title == nil || v.Title.Text == "" {
			probs = append(probs, "modal title is required")
		}
		for name, t := range map[string]*textObj{"title": v.Title, "submit": v.Submit, "close": v.Close} {
			if t != nil && utf8.RuneCountInString(t.Text) > 24 {
				probs = append(probs, fmt.Sprintf("modal %s must be at most 24 characters", name))
			}
			if t != nil && t.Type != "plain_text" {
				probs = append(probs, fmt.Sprintf("modal %s must be plain_text", name))
			}
		}
		if v.Submit == nil && strings.Contains(string(v.Blocks), `"type":"input"`) {
			probs = append(probs, "a modal with input blocks needs a submit button")
		}
	}
	if utf8.RuneCountInString(v.PrivateMetadata) > 3000 {
		probs = append(probs, "private_metadata must be at most 3000 characters")
	}
	if len(v.CallbackID) > 255 {
		probs = append(probs, "callback_id must be at most 255 characters")
	}
	probs = append(probs, validateBlocks(v.Blocks, surface)...)
	out := &View{Type: v.Type, CallbackID: v.CallbackID, PrivateMetadata: v.PrivateMetadata, Blocks: v.Blocks}
	if v.Title != nil {
		out.Title = v.Title.Text
	}
	if v.Submit != nil {
		out.Submit = v.Submit.Text
	}
	return out, probs
}

func (s *Server) viewsCall(c *Call, js map[string]json.RawMessage) (result, string) {
	str := func(k string) string {
		var v string
		_ = json.Unmarshal(js[k], &v)
		return v
	}
	want := "modal"
	if c.Method == "views.publish" {
		want = "home"
	}
	v, probs := s.parseView(js["view"], want)
	if len(probs) > 0 {
		c.Invalid = probs
		return nil, "invalid_arguments"
	}
	switch c.Method {
	case "views.open", "views.push":
		t, ok := s.triggers[str("trigger_id")]
		switch {
		case !ok:
			return nil, "invalid_trigger_id"
		case t.used:
			return nil, "exchanged_trigger_id"
		case s.opts.TriggerTTL > 0 && time.Since(t.created) > s.opts.TriggerTTL:
			return nil, "expired_trigger_id"
		}
		t.used = true
		s.n.view++
		v.ID, v.User = s.viewID(s.n.view), t.user
		v.Hash = fmt.Sprintf("h%d", s.n.view)
		s.views[v.ID] = v
	case "views.update":
		old, ok := s.views[str("view_id")]
		if !ok {
			return nil, "not_found"
		}
		if h := str("hash"); h != "" && h != old.Hash {
			return nil, "hash_conflict"
		}
		v.ID, v.User, v.Hash = old.ID, old.User, old.Hash+"u"
		*old = *v
	case "views.publish":
		u := str("user_id")
		if _, ok := s.users[u]; !ok {
			return nil, "user_not_found"
		}
		v.ID, v.User = "VH"+u, u
		s.homes[u] = v
	}
	cp := *v
	c.View = &cp
	return result{"view": map[string]any{"id": v.ID, "type": v.Type, "hash": v.Hash, "callback_id": v.CallbackID,
		"private_metadata": v.PrivateMetadata, "team_id": s.opts.TeamID, "app_id": s.opts.AppID}}, ""
}

func (s *Server) completeUpload(c *Call, form url.Values) (result, string) {
	var files []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(form.Get("files")), &files); err != nil || len(files) == 0 {
		return nil, "invalid_arguments"
	}
	ch := form.Get("channel_id")
	if ch == "" {
		ch = strings.Split(form.Get("channels"), ",")[0]
	}
	if ts := form.Get("thread_ts"); ts != "" && s.findMsg(ch, ts) == nil {
		return nil, "thread_not_found"
	}
	var out []map[string]any
	var ids []string
	for _, fi := range files {
		f, ok := s.files[fi.ID]
		if !ok {
			return nil, "file_not_found"
		}
		if !f.Uploaded {
			return nil, "file_upload_not_complete"
		}
		f.Title, f.Channel, f.ThreadTS, f.Comment = fi.Title, dmChannel(ch), form.Get("thread_ts"), form.Get("initial_comment")
		if f.Channel == "" {
			f.Channel = "(private)"
		}
		cp := *f
		c.File = &cp
		out = append(out, map[string]any{"id": f.ID, "title": f.Title})
		ids = append(ids, f.ID)
	}
	if ch != "" {
		// Sharing posts a message that shows the files, as in Slack.
		s.history[dmChannel(ch)] = append(s.history[dmChannel(ch)], &Msg{Source: c.Method, Channel: dmChannel(ch),
			TS: s.nextTS(), ThreadTS: form.Get("thread_ts"), Text: form.Get("initial_comment"), FileIDs: ids})
	}
	return result{"files": out}, ""
}

// serveUpload is the upload_url of files v2: same host:port as the API so
// slack-go agrees to send the token there.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/upload/")
	c := &Call{Method: "upload", Status: http.StatusOK}
	if r.Header.Get("Authorization") != "Bearer "+s.opts.BotToken {
		c.Auth = "bad"
		c.Status, c.Error = http.StatusUnauthorized, "invalid_auth"
		s.mu.Lock()
		s.add(Record{Kind: KindCall, Call: c})
		s.mu.Unlock()
		http.Error(w, "invalid_auth", c.Status)
		return
	}
	c.Auth = "bearer"
	s.mu.Lock()
	f, faulted := s.takeFault("upload")
	s.mu.Unlock()
	if faulted {
		s.answerFault(w, c, f)
		return
	}
	var data []byte
	if err := r.ParseMultipartForm(64 << 20); err == nil {
		if fh, _, err := r.FormFile("file"); err == nil {
			data, _ = io.ReadAll(fh)
			fh.Close()
		}
	}
	s.mu.Lock()
	file, ok := s.files[id]
	switch {
	case !ok:
		c.Status, c.Error = http.StatusNotFound, "file_not_found"
	case len(data) == 0:
		c.Status, c.Error = http.StatusBadRequest, "no_file_data"
	default:
		file.Data, file.Uploaded = data, true
		c.OK = true
		cp := *file
		c.File = &cp
	}
	s.add(Record{Kind: KindCall, Call: c})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(c.Status)
	if c.OK {
		fmt.Fprintf(w, "OK - %d", len(data))
	} else {
		_, _ = io.WriteString(w, c.Error)
	}
}

// serveResponseURL records a POST to a response_url.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	id := strings.TrimPrefix(r.URL.Path, "/resp/")
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
	if err := json.Unmarshal(body, &m); err != nil {
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
	s.mu.Lock()
	ru.uses++
	used := ru.uses > 5
	s.mu.Unlock()
	if used {
		answer(http.StatusNotFound, result{"ok": false, "error": "used_url"})
		return
	}
	resp.OK = true
	answer(http.StatusOK, result{"ok": true})
}

// conversationHistory answers conversations.history (top-level messages,
// newest first) and conversations.replies (a thread, oldest first), with
// the oldest/latest/limit/cursor paging and include_all_metadata of the
// real methods.
func (s *Server) conversationHistory(form url.Values, replies bool) (result, string) {
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
