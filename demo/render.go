package demo

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/salesbot/salesbot/bot/slacktest"
)

// This file prints Block Kit as terminal text for the demo: headers,
// sections, fields and context become lines; buttons and select options
// become numbered choices the user can type.

// choice is one numbered thing the demo user can pick.
type choice struct {
	Label     string
	Action    slacktest.Action
	Container slacktest.Container
}

type textBlock struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type element struct {
	Type     string    `json:"type"`
	ActionID string    `json:"action_id"`
	Value    string    `json:"value"`
	Text     textBlock `json:"text"`
	Alt      string    `json:"alt_text"`
	Options  []struct {
		Text  textBlock `json:"text"`
		Value string    `json:"value"`
	} `json:"options"`
	InitialOption *struct {
		Value string `json:"value"`
	} `json:"initial_option"`
	Placeholder *textBlock `json:"placeholder"`
}

type block struct {
	Type      string          `json:"type"`
	BlockID   string          `json:"block_id"`
	Text      *textBlock      `json:"text"`
	Fields    []textBlock     `json:"fields"`
	Elements  json.RawMessage `json:"elements"`
	Accessory *element        `json:"accessory"`
	Label     *textBlock      `json:"label"`
	Optional  bool            `json:"optional"`
	Element   *element        `json:"element"`
	Hint      *textBlock      `json:"hint"`
	Alt       string          `json:"alt_text"`
}

// printer renders messages and collects choices.
type printer struct {
	users    func(id string) string // U… → handle
	channels func(id string) string // C… → "#name"
	choices  []choice
}

var (
	reUser    = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)
	reChannel = regexp.MustCompile(`<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>`)
	reLink    = regexp.MustCompile(`<(https?://[^|>]+)\|([^>]+)>`)
	reBold    = regexp.MustCompile(`\*([^*\n]+)\*`)
	emoji     = strings.NewReplacer(":tada:", "🎉", ":trophy:", "🏆", ":warning:", "⚠️", ":x:", "❌", ":mag:", "🔍",
		":no_entry:", "⛔", ":white_check_mark:", "✅", ":hourglass_flowing_sand:", "⏳", ":first_place_medal:", "🥇",
		":chart_with_upwards_trend:", "📈", ":bulb:", "💡", ":fire:", "🔥", ":calendar:", "📅", ":zzz:", "💤",
		":wave:", "👋", ":muscle:", "💪", ":star:", "⭐", ":rocket:", "🚀", ":moneybag:", "💰", ":memo:", "📝",
		":bar_chart:", "📊", ":arrows_counterclockwise:", "🔄", ":new:", "🆕", ":arrow_up_small:", "🔼",
		":arrow_down_small:", "🔽", ":dart:", "🎯", ":second_place_medal:", "🥈", ":third_place_medal:", "🥉",
		":hourglass:", "⌛", ":handshake:", "🤝", ":point_right:", "👉", ":sparkles:", "✨", ":clap:", "👏",
		":snowflake:", "❄️", ":sleeping:", "😴", ":calendar_spiral:", "🗓️", ":money_with_wings:", "💸",
		":chart_with_downwards_trend:", "📉", ":frame_with_picture:", "🖼️", ":seedling:", "🌱",
		":twisted_rightwards_arrows:", "🔀", ":white_circle:", "⚪", ":checkered_flag:", "🏁", ":crystal_ball:", "🔮", ":calendar:", "📅")
)

// plainText turns Slack mrkdwn into terminal text.
func (p *printer) plainText(s string) string {
	s = reUser.ReplaceAllStringFunc(s, func(m string) string {
		id := reUser.FindStringSubmatch(m)[1]
		return "@" + p.users(id)
	})
	s = reChannel.ReplaceAllStringFunc(s, func(m string) string {
		sub := reChannel.FindStringSubmatch(m)
		if sub[2] != "" || p.channels == nil {
			return "#" + sub[2]
		}
		return p.channels(sub[1])
	})
	s = reLink.ReplaceAllString(s, "$2 ($1)")
	s = reBold.ReplaceAllString(s, "$1")
	s = emoji.Replace(s)
	return slackEntities.Replace(s)
}

// slackEntities undoes the escaping Slack text carries (&, <, >).
var slackEntities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func indent(s, pre string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = pre + l
	}
	return strings.Join(lines, "\n")
}

func (p *printer) addChoice(label string, a slacktest.Action, c slacktest.Container) string {
	p.choices = append(p.choices, choice{Label: label, Action: a, Container: c})
	return fmt.Sprintf("[%d] %s", len(p.choices), label)
}

// message renders blocks (or the fallback text when there are none).
func (p *printer) message(text string, raw json.RawMessage, c slacktest.Container) string {
	var blocks []block
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &blocks)
	}
	if len(blocks) == 0 {
		return indent(p.plainText(text), "  ")
	}
	var out []string
	for _, b := range blocks {
		if s := p.block(b, c); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "\n")
}

func (p *printer) block(b block, c slacktest.Container) string {
	switch b.Type {
	case "header":
		if b.Text != nil {
			return "  ── " + p.plainText(b.Text.Text) + " ──"
		}
	case "section":
		var parts []string
		if b.Text != nil {
			parts = append(parts, indent(p.plainText(b.Text.Text), "  "))
		}
		if len(b.Fields) > 0 {
			var fs []string
			for _, f := range b.Fields {
				fs = append(fs, strings.Replace(p.plainText(f.Text), "\n", ": ", 1))
			}
			parts = append(parts, "    "+strings.Join(fs, " · "))
		}
		if b.Accessory != nil {
			if s := p.element(*b.Accessory, b.BlockID, c); s != "" {
				parts = append(parts, "    "+s)
			}
		}
		return strings.Join(parts, "\n")
	case "context":
		var els []textBlock // mrkdwn/plain_text elements; images have no text
		_ = json.Unmarshal(b.Elements, &els)
		var ts []string
		for _, e := range els {
			if e.Type == "image" {
				ts = append(ts, "[image]")
				continue
			}
			ts = append(ts, p.plainText(e.Text))
		}
		return indent(strings.Join(ts, " "), "    ")
	case "divider":
		return "  ────────"
	case "actions":
		var els []element
		_ = json.Unmarshal(b.Elements, &els)
		var ss []string
		for _, e := range els {
			if s := p.element(e, b.BlockID, c); s != "" {
				ss = append(ss, s)
			}
		}
		return "    " + strings.Join(ss, "  ")
	case "image":
		return "  [image: " + b.Alt + "]"
	case "input":
		return "" // modals print their inputs as a form
	case "markdown":
		if b.Text != nil {
			return indent(p.plainText(b.Text.Text), "  ")
		}
	}
	return ""
}

func (p *printer) element(e element, blockID string, c slacktest.Container) string {
	switch e.Type {
	case "button":
		return p.addChoice(p.plainText(e.Text.Text), slacktest.Action{ActionID: e.ActionID, BlockID: blockID, Value: e.Value, Text: e.Text.Text}, c)
	case "static_select", "overflow":
		label := "choose"
		if e.Placeholder != nil {
			label = strings.TrimSuffix(p.plainText(e.Placeholder.Text), "…")
		}
		ss := []string{label + ":"}
		for _, o := range e.Options {
			if e.InitialOption != nil && e.InitialOption.Value == o.Value {
				continue // picking the current value does nothing
			}
			p.addChoice(label+" "+p.plainText(o.Text.Text),
				slacktest.Action{ActionID: e.ActionID, BlockID: blockID, Type: e.Type, Selected: o.Value, SelectedText: o.Text.Text}, c)
			ss = append(ss, fmt.Sprintf("[%d] %s", len(p.choices), p.plainText(o.Text.Text)))
		}
		return strings.Join(ss, " ")
	}
	return ""
}

// form renders a modal as a fill-in form.
func (p *printer) form(v slacktest.View) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  ┌─ %s ─── (form %s)\n", v.Title, v.ID)
	var blocks []block
	_ = json.Unmarshal(v.Blocks, &blocks)
	for _, bl := range blocks {
		if bl.Type != "input" {
			if s := p.block(bl, slacktest.Container{Type: "view", ViewID: v.ID}); s != "" {
				b.WriteString(indent(s, "  │") + "\n")
			}
		}
	}
	for _, f := range slacktest.Fields(v) {
		kind := "text"
		switch f.Type {
		case "static_select":
			var names []string
			for _, o := range f.Options {
				names = append(names, o.Text)
			}
			kind = "one of: " + strings.Join(names, ", ")
		case "datepicker":
			kind = "date YYYY-MM-DD"
		case "users_select":
			kind = "@user"
		}
		req := "required"
		if f.Optional {
			req = "optional"
		}
		cur := ""
		if f.Initial != "" {
			ini := f.Initial
			if f.Type == "users_select" {
				ini = "@" + p.users(ini)
			}
			cur = fmt.Sprintf(" [now: %s]", ini)
		}
		fmt.Fprintf(&b, "  │ %-10s %s (%s, %s)%s\n", f.BlockID, f.Label, kind, req, cur)
		if msg, ok := v.Errors[f.BlockID]; ok {
			fmt.Fprintf(&b, "  │   ✗ %s\n", p.plainText(msg))
		}
	}
	b.WriteString("  └─ type field=value lines, then /submit (or /submit field=value ...); /cancel closes it")
	return b.String()
}
