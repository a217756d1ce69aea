package slacktest

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

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
	if err := decode(raw, &v); err != nil {
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
		_ = decode(js[k], &v)
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
		case s.opts.TriggerTTL > 0 && s.now().Sub(t.created) > s.opts.TriggerTTL:
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
