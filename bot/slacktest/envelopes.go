package slacktest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// newResponseURL allocates a response_url for envelope envID; caller
// holds mu.
func (s *Server) newResponseURL(envID string) string {
	s.n.resp++
	id := fmt.Sprintf("r%06d", s.n.resp)
	s.resps[id] = &respURL{envelopeID: envID, created: s.now()}
	return s.base + "/resp/" + id
}

func (s *Server) newTrigger(user string) string {
	s.n.trig++
	id := fmt.Sprintf("tr%06d.%s", s.n.trig, user)
	s.triggers[id] = &trigger{user: user, created: s.now()}
	return id
}

func (s *Server) userName(id string) string {
	if u, ok := s.users[id]; ok && u.Name != "" {
		return u.Name
	}
	return strings.ToLower(id)
}

// SlashCommand pushes a slash_commands envelope as if user typed
// "command text" in channel ("" = the general channel). It returns the
// envelope id.
func (s *Server) SlashCommand(user, channel, command, text string) string {
	if channel == "" {
		channel = DefaultChannel
	}
	s.mu.Lock()
	id := s.newEnvelopeID()
	payload := map[string]any{
		"token": "verification-token", "team_id": s.opts.TeamID, "team_domain": "emulator",
		"channel_id": channel, "channel_name": s.channelName(channel), "user_id": user,
		"user_name": s.userName(user), "command": command, "text": text, "api_app_id": s.opts.AppID,
		"is_enterprise_install": false, "response_url": s.newResponseURL(id), "trigger_id": s.newTrigger(user),
	}
	s.mu.Unlock()
	return s.push(id, "slash_commands", payload, true, "")
}

func (s *Server) channelName(id string) string {
	if ch, ok := s.channels[id]; ok {
		return ch.name
	}
	if strings.HasPrefix(id, "D") {
		return "directmessage"
	}
	return strings.ToLower(id)
}

// Action is one element interaction of a block_actions payload.
type Action struct {
	ActionID string
	BlockID  string // required: slack-go ignores actions without one
	Type     string // "button" (default), "static_select", "users_select", "datepicker", "overflow"
	Value    string // button value
	Text     string // button text
	Selected string // static_select/overflow: the chosen option's value
	// SelectedText is the chosen option's text (defaults to Selected).
	SelectedText string
	User         string // users_select
	Date         string // datepicker
}

// Container says where the interaction happened.
type Container struct {
	Type        string // "message" (default) or "view"
	Channel     string
	MessageTS   string
	IsEphemeral bool
	ViewID      string // for "view" (Home tab or modal)
}

// BlockAction pushes an interactive block_actions envelope. Messages get a
// response_url; views (the Home tab) do not, as in Slack.
func (s *Server) BlockAction(user string, where Container, a Action) string {
	if a.Type == "" {
		a.Type = "button"
	}
	if where.Type == "" {
		where.Type = "message"
	}
	if where.Channel == "" && where.Type == "message" {
		where.Channel = DefaultChannel
	}
	act := map[string]any{"type": a.Type, "action_id": a.ActionID, "block_id": a.BlockID,
		"action_ts": fmt.Sprintf("%d.000100", time.Now().Unix())}
	switch a.Type {
	case "button":
		act["value"] = a.Value
		act["text"] = map[string]any{"type": "plain_text", "text": orDefault(a.Text, a.ActionID)}
	case "static_select", "overflow":
		act["selected_option"] = map[string]any{"text": map[string]any{"type": "plain_text", "text": orDefault(a.SelectedText, a.Selected)}, "value": a.Selected}
	case "users_select":
		act["selected_user"] = a.User
	case "datepicker":
		act["selected_date"] = a.Date
	}
	container := map[string]any{"type": where.Type}
	s.mu.Lock()
	id := s.newEnvelopeID()
	payload := map[string]any{
		"type": "block_actions", "api_app_id": s.opts.AppID, "trigger_id": s.newTrigger(user),
		"user":    map[string]any{"id": user, "username": s.userName(user), "name": s.userName(user), "team_id": s.opts.TeamID},
		"team":    map[string]any{"id": s.opts.TeamID, "domain": "emulator"},
		"actions": []any{act},
	}
	switch where.Type {
	case "view":
		container["view_id"] = where.ViewID
		payload["view"] = s.viewPayload(where.ViewID)
	default:
		container["message_ts"], container["channel_id"], container["is_ephemeral"] = where.MessageTS, where.Channel, where.IsEphemeral
		payload["channel"] = map[string]any{"id": where.Channel, "name": s.channelName(where.Channel)}
		payload["response_url"] = s.newResponseURL(id)
	}
	payload["container"] = container
	s.mu.Unlock()
	return s.push(id, "interactive", payload, false, "")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// viewPayload is a stored view as Slack echoes it in payloads; caller holds mu.
func (s *Server) viewPayload(id string) map[string]any {
	v, ok := s.views[id]
	if !ok {
		if h, okh := s.homes[strings.TrimPrefix(id, "VH")]; okh && strings.HasPrefix(id, "VH") {
			v, ok = h, true
		}
	}
	if !ok {
		return map[string]any{"id": id, "type": "modal"}
	}
	out := map[string]any{"id": v.ID, "team_id": s.opts.TeamID, "type": v.Type, "callback_id": v.CallbackID,
		"private_metadata": v.PrivateMetadata, "hash": v.Hash, "app_id": s.opts.AppID}
	if len(v.Blocks) > 0 {
		out["blocks"] = v.Blocks
	}
	return out
}

// Field is an input of a modal as the emulator found it in the view.
type Field struct {
	BlockID  string
	ActionID string
	Type     string // element type
	Label    string
	Optional bool
	Options  []Option // static_select
	Initial  string   // initial value, option value, date or user
}

// Option is a choice of a select.
type Option struct{ Text, Value string }

// Fields lists the input blocks of a view in order.
func Fields(v View) []Field {
	var blocks []struct {
		Type     string          `json:"type"`
		BlockID  string          `json:"block_id"`
		Label    textObj         `json:"label"`
		Optional bool            `json:"optional"`
		Element  json.RawMessage `json:"element"`
	}
	_ = decode(v.Blocks, &blocks)
	var out []Field
	for _, b := range blocks {
		if b.Type != "input" {
			continue
		}
		var e struct {
			Type          string   `json:"type"`
			ActionID      string   `json:"action_id"`
			Options       []option `json:"options"`
			InitialOption *option  `json:"initial_option"`
			InitialValue  string   `json:"initial_value"`
			InitialDate   string   `json:"initial_date"`
			InitialUser   string   `json:"initial_user"`
		}
		_ = decode(b.Element, &e)
		f := Field{BlockID: b.BlockID, ActionID: e.ActionID, Type: e.Type, Label: b.Label.Text, Optional: b.Optional}
		for _, o := range e.Options {
			f.Options = append(f.Options, Option{Text: o.Text.Text, Value: o.Value})
		}
		switch {
		case e.InitialOption != nil:
			f.Initial = e.InitialOption.Value
		case e.InitialValue != "":
			f.Initial = e.InitialValue
		case e.InitialDate != "":
			f.Initial = e.InitialDate
		case e.InitialUser != "":
			f.Initial = e.InitialUser
		}
		out = append(out, f)
	}
	return out
}

// SubmitView pushes a view_submission for an open modal. values maps a
// field's block_id to what the user typed or picked: text for inputs, an
// option's value or text for selects, YYYY-MM-DD for date pickers, a user
// id, handle or @handle for user selects. Fields not in values keep their
// initial value. It fails, as Slack's client would, when a required field
// is empty or a choice does not exist.
func (s *Server) SubmitView(user, viewID string, values map[string]string) (string, error) {
	s.mu.Lock()
	v, ok := s.views[viewID]
	if !ok || v.Closed {
		s.mu.Unlock()
		return "", fmt.Errorf("no open modal %s", viewID)
	}
	view := *v
	s.mu.Unlock()
	state := map[string]map[string]any{}
	for _, f := range Fields(view) {
		val, given := values[f.BlockID]
		if !given {
			val = f.Initial
		}
		val = strings.TrimSpace(val)
		if val == "" {
			if !f.Optional {
				return "", fmt.Errorf("%s is required", strings.ToLower(f.Label))
			}
			state[f.BlockID] = map[string]any{f.ActionID: emptyValue(f.Type)}
			continue
		}
		st := map[string]any{"type": f.Type}
		switch f.Type {
		case "static_select":
			var pick *Option
			for i, o := range f.Options {
				if strings.EqualFold(o.Value, val) || strings.EqualFold(o.Text, val) {
					pick = &f.Options[i]
					break
				}
			}
			if pick == nil {
				names := make([]string, len(f.Options))
				for i, o := range f.Options {
					names[i] = o.Text
				}
				return "", fmt.Errorf("%s: %q is not a choice (%s)", strings.ToLower(f.Label), val, strings.Join(names, ", "))
			}
			st["selected_option"] = map[string]any{"text": map[string]any{"type": "plain_text", "text": pick.Text}, "value": pick.Value}
		case "datepicker":
			if _, err := time.Parse("2006-01-02", val); err != nil {
				return "", fmt.Errorf("%s: %q is not a date: pick YYYY-MM-DD", strings.ToLower(f.Label), val)
			}
			st["selected_date"] = val
		case "users_select":
			u, ok := s.LookupUser(val)
			if !ok {
				return "", fmt.Errorf("%s: no user %q", strings.ToLower(f.Label), val)
			}
			st["selected_user"] = u.ID
		default:
			st["value"] = val
		}
		state[f.BlockID] = map[string]any{f.ActionID: st}
	}
	return s.SubmitViewState(user, viewID, state), nil
}

func emptyValue(typ string) map[string]any {
	switch typ {
	case "static_select":
		return map[string]any{"type": typ, "selected_option": nil}
	case "datepicker":
		return map[string]any{"type": typ, "selected_date": nil}
	case "users_select":
		return map[string]any{"type": typ, "selected_user": nil}
	}
	return map[string]any{"type": typ, "value": nil}
}

// SubmitViewState pushes a view_submission with a raw state.values map
// (block_id → action_id → value object), for inputs a real client could
// not produce.
func (s *Server) SubmitViewState(user, viewID string, state map[string]map[string]any) string {
	s.mu.Lock()
	if v, ok := s.views[viewID]; ok {
		v.lastState = state
	}
	view := s.viewPayload(viewID)
	view["state"] = map[string]any{"values": state}
	payload := map[string]any{
		"type": "view_submission", "api_app_id": s.opts.AppID, "trigger_id": s.newTrigger(user),
		"team": map[string]any{"id": s.opts.TeamID, "domain": "emulator"},
		"user": map[string]any{"id": user, "username": s.userName(user), "name": s.userName(user), "team_id": s.opts.TeamID},
		"view": view,
	}
	s.mu.Unlock()
	return s.push("", "interactive", payload, true, viewID)
}

// ResubmitView pushes the last submission of a modal again, as a new
// envelope: what Slack's client sends when the user presses Submit once
// more after the app failed to answer the first press in time (the modal
// stays open then, with "We had some trouble connecting").
func (s *Server) ResubmitView(user, viewID string) (string, error) {
	s.mu.Lock()
	v, ok := s.views[viewID]
	if !ok || v.lastState == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("modal %s was never submitted", viewID)
	}
	state := v.lastState
	s.mu.Unlock()
	return s.SubmitViewState(user, viewID, state), nil
}

// CloseView marks a modal closed as if the user cancelled it (apps are not
// told unless notify_on_close, which salesbot does not use).
func (s *Server) CloseView(viewID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.views[viewID]; ok {
		v.Closed = true
	}
}

func (s *Server) eventEnvelope(event map[string]any) string {
	s.mu.Lock()
	s.n.event++
	payload := map[string]any{
		"token": "verification-token", "team_id": s.opts.TeamID, "api_app_id": s.opts.AppID,
		"type": "event_callback", "event_id": fmt.Sprintf("Ev%s%06d", s.tag, s.n.event), "event_time": time.Now().Unix(),
		"event": event,
	}
	s.mu.Unlock()
	return s.push("", "events_api", payload, false, "")
}

// AppHomeOpened pushes an events_api app_home_opened for user's Home tab.
func (s *Server) AppHomeOpened(user string) string {
	return s.eventEnvelope(map[string]any{"type": "app_home_opened", "user": user, "channel": dmChannel(user),
		"tab": "home", "event_ts": fmt.Sprintf("%d.000200", time.Now().Unix())})
}

// AppMention pushes an events_api app_mention of the bot in channel.
func (s *Server) AppMention(user, channel, text string) string {
	s.mu.Lock()
	// The user's message exists in the channel, so replies can thread on it.
	ts := s.nextTS()
	s.history[dmChannel(channel)] = append(s.history[dmChannel(channel)], &Msg{Source: "user", Channel: dmChannel(channel), User: user, TS: ts, Text: text})
	s.mu.Unlock()
	return s.eventEnvelope(map[string]any{"type": "app_mention", "user": user, "channel": channel,
		"text": "<@" + s.opts.BotUserID + "> " + text, "ts": ts, "event_ts": ts})
}

// Push sends an arbitrary envelope (type "slash_commands", "interactive",
// "events_api", ...) with the given payload.
func (s *Server) Push(typ string, payload any, acceptsResponse bool) string {
	return s.push("", typ, payload, acceptsResponse, "")
}
