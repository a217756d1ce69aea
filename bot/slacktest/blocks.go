package slacktest

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// Block Kit limits (docs.slack.dev/reference/block-kit): Slack answers
// invalid_blocks when a message breaks one of them, so the emulator does too.
const (
	MaxMessageBlocks = 50
	MaxViewBlocks    = 100
	MaxSectionText   = 3000
	MaxHeaderText    = 150
	MaxFields        = 10
	MaxFieldText     = 2000
	MaxButtonText    = 75
	MaxButtonValue   = 2000
	MaxContextElems  = 10
	MaxActionElems   = 25
	MaxOptions       = 100
	MaxOptionText    = 75
	MaxOptionValue   = 150
	MaxPlaceholder   = 150
	MaxLabel         = 2000
	MaxID            = 255
	MaxMarkdownBlock = 12000
)

type surface int

const (
	surfaceMessage surface = iota
	surfaceModal
	surfaceHome
)

type textObj struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type checker struct{ probs []string }

func (c *checker) errf(ptr, format string, args ...any) {
	c.probs = append(c.probs, fmt.Sprintf("[ERROR] %s [json-pointer:%s]", fmt.Sprintf(format, args...), ptr))
}

// ValidateBlocks checks a JSON array of blocks for a message; it returns
// the problems Slack would report (empty when valid). Tests of renderers
// use it directly.
func ValidateBlocks(raw json.RawMessage) []string { return validateBlocks(raw, surfaceMessage) }

// ValidateViewBlocks checks the blocks of a modal or Home tab.
func ValidateViewBlocks(raw json.RawMessage) []string { return validateBlocks(raw, surfaceModal) }

// blockJSON is every field the checks read, decoded in one pass (this
// runs on every message, so it avoids re-parsing nested JSON).
type blockJSON struct {
	Type      string          `json:"type"`
	BlockID   *string         `json:"block_id"`
	Text      json.RawMessage `json:"text"`
	Fields    []textObj       `json:"fields"`
	Accessory *element        `json:"accessory"`
	Elements  []element       `json:"elements"`
	Label     *textObj        `json:"label"`
	Hint      *textObj        `json:"hint"`
	Element   *element        `json:"element"`
	ImageURL  string          `json:"image_url"`
	SlackFile json.RawMessage `json:"slack_file"`
	AltText   string          `json:"alt_text"`
}

func validateBlocks(raw json.RawMessage, sf surface) []string {
	var blocks []blockJSON
	c := &checker{}
	if err := decode(raw, &blocks); err != nil {
		c.errf("/blocks", "blocks must be an array of block objects (%v)", err)
		return c.probs
	}
	max := MaxMessageBlocks
	if sf != surfaceMessage {
		max = MaxViewBlocks
	}
	if len(blocks) > max {
		c.errf("/blocks", "no more than %d items allowed (got %d)", max, len(blocks))
	}
	ids := map[string]bool{}
	for i := range blocks {
		b := &blocks[i]
		p := fmt.Sprintf("/blocks/%d", i)
		if b.BlockID != nil {
			id := *b.BlockID
			if id == "" || len(id) > MaxID {
				c.errf(p+"/block_id", "must be 1 to %d characters", MaxID)
			}
			if ids[id] {
				c.errf(p+"/block_id", "duplicate block_id %q", id)
			}
			ids[id] = true
		}
		c.block(p, b)
	}
	return c.probs
}

func (c *checker) block(p string, b *blockJSON) {
	switch b.Type {
	case "section":
		hasText := len(b.Text) > 0 && string(b.Text) != "null"
		if !hasText && len(b.Fields) == 0 {
			c.errf(p, "must provide text or fields")
		}
		if hasText {
			c.textRaw(p+"/text", b.Text, MaxSectionText, false)
		}
		if len(b.Fields) > MaxFields {
			c.errf(p+"/fields", "no more than %d items allowed", MaxFields)
		}
		for i := range b.Fields {
			c.text(fmt.Sprintf("%s/fields/%d", p, i), &b.Fields[i], MaxFieldText, false)
		}
		if b.Accessory != nil {
			c.element(p+"/accessory", b.Accessory)
		}
	case "header":
		c.textRaw(p+"/text", b.Text, MaxHeaderText, true)
	case "divider":
	case "context":
		if len(b.Elements) == 0 || len(b.Elements) > MaxContextElems {
			c.errf(p+"/elements", "must have 1 to %d items", MaxContextElems)
		}
		for i := range b.Elements {
			e := &b.Elements[i]
			ep := fmt.Sprintf("%s/elements/%d", p, i)
			if e.Type == "image" {
				c.image(ep, e.ImageURL, e.SlackFile, e.Alt)
				continue
			}
			// A context text element is a text object: its "text" is a string.
			var t string
			if err := decode(e.Text, &t); err != nil {
				c.errf(ep, "must be a text object")
				continue
			}
			c.text(ep, &textObj{Type: e.Type, Text: t}, MaxSectionText, false)
		}
	case "actions":
		if len(b.Elements) == 0 || len(b.Elements) > MaxActionElems {
			c.errf(p+"/elements", "must have 1 to %d items", MaxActionElems)
		}
		seen := map[string]bool{}
		for i := range b.Elements {
			e := &b.Elements[i]
			ep := fmt.Sprintf("%s/elements/%d", p, i)
			if e.ActionID != "" && seen[e.ActionID] {
				c.errf(ep+"/action_id", "duplicate action_id %q in block", e.ActionID)
			}
			seen[e.ActionID] = true
			c.element(ep, e)
		}
	case "input":
		c.text(p+"/label", b.Label, MaxLabel, true)
		if b.Hint != nil {
			c.text(p+"/hint", b.Hint, MaxLabel, true)
		}
		if b.Element != nil {
			c.element(p+"/element", b.Element)
		} else {
			c.errf(p+"/element", "is required")
		}
	case "image":
		c.image(p, b.ImageURL, b.SlackFile, b.AltText)
	case "markdown":
		var t string
		_ = decode(b.Text, &t)
		if t == "" || utf8.RuneCountInString(t) > MaxMarkdownBlock {
			c.errf(p+"/text", "must be 1 to %d characters", MaxMarkdownBlock)
		}
	case "rich_text", "file", "video":
	default:
		c.errf(p+"/type", "unknown block type %q", b.Type)
	}
}

// textRaw checks a text object given as raw JSON.
func (c *checker) textRaw(p string, raw json.RawMessage, max int, plainOnly bool) {
	if len(raw) == 0 || string(raw) == "null" {
		c.errf(p, "is required")
		return
	}
	var t textObj
	if err := decode(raw, &t); err != nil {
		c.errf(p, "must be a text object")
		return
	}
	c.text(p, &t, max, plainOnly)
}

// text checks a text object: known type, non-empty, within max
// characters; plainOnly requires plain_text.
func (c *checker) text(p string, t *textObj, max int, plainOnly bool) {
	if t == nil {
		c.errf(p, "is required")
		return
	}
	switch {
	case t.Type != "plain_text" && t.Type != "mrkdwn":
		c.errf(p+"/type", "must be plain_text or mrkdwn")
	case plainOnly && t.Type != "plain_text":
		c.errf(p+"/type", "must be plain_text")
	}
	n := utf8.RuneCountInString(t.Text)
	if n == 0 {
		c.errf(p+"/text", "must be more than 0 characters")
	}
	if n > max {
		c.errf(p+"/text", "must be less than %d characters (got %d)", max+1, n)
	}
}

func (c *checker) image(p, url string, slackFile json.RawMessage, alt string) {
	if url == "" && len(slackFile) == 0 {
		c.errf(p, "image needs image_url or slack_file")
	}
	if alt == "" || utf8.RuneCountInString(alt) > 2000 {
		c.errf(p+"/alt_text", "must be 1 to 2000 characters")
	}
}

type element struct {
	Type          string          `json:"type"`
	ActionID      string          `json:"action_id"`
	Text          json.RawMessage `json:"text"`
	Value         string          `json:"value"`
	URL           string          `json:"url"`
	Style         string          `json:"style"`
	Placeholder   *textObj        `json:"placeholder"`
	Options       []option        `json:"options"`
	InitialOption *option         `json:"initial_option"`
	InitialDate   string          `json:"initial_date"`
	MaxLength     int             `json:"max_length"`
	ImageURL      string          `json:"image_url"`
	SlackFile     json.RawMessage `json:"slack_file"`
	Alt           string          `json:"alt_text"`
}

type option struct {
	Text  textObj `json:"text"`
	Value string  `json:"value"`
}

func (c *checker) element(p string, e *element) {
	if len(e.ActionID) > MaxID {
		c.errf(p+"/action_id", "must be at most %d characters", MaxID)
	}
	if e.Placeholder != nil {
		c.text(p+"/placeholder", e.Placeholder, MaxPlaceholder, true)
	}
	switch e.Type {
	case "button":
		c.textRaw(p+"/text", e.Text, MaxButtonText, true)
		if utf8.RuneCountInString(e.Value) > MaxButtonValue {
			c.errf(p+"/value", "must be at most %d characters", MaxButtonValue)
		}
		if len(e.URL) > 3000 {
			c.errf(p+"/url", "must be at most 3000 characters")
		}
		if e.Style != "" && e.Style != "primary" && e.Style != "danger" {
			c.errf(p+"/style", "must be primary or danger")
		}
	case "static_select", "overflow", "radio_buttons", "checkboxes", "multi_static_select":
		max := MaxOptions
		switch e.Type {
		case "overflow":
			max = 5
		case "radio_buttons", "checkboxes":
			max = 10
		}
		if len(e.Options) == 0 || len(e.Options) > max {
			c.errf(p+"/options", "must have 1 to %d items", max)
		}
		values := map[string]bool{}
		for i := range e.Options {
			o := &e.Options[i]
			op := fmt.Sprintf("%s/options/%d", p, i)
			c.text(op+"/text", &o.Text, MaxOptionText, e.Type == "static_select" || e.Type == "overflow")
			if o.Value == "" || utf8.RuneCountInString(o.Value) > MaxOptionValue {
				c.errf(op+"/value", "must be 1 to %d characters", MaxOptionValue)
			}
			values[o.Value] = true
		}
		if e.InitialOption != nil && !values[e.InitialOption.Value] {
			c.errf(p+"/initial_option", "must match one of the options")
		}
	case "datepicker":
		if e.InitialDate != "" {
			if _, err := time.Parse("2006-01-02", e.InitialDate); err != nil {
				c.errf(p+"/initial_date", "must be YYYY-MM-DD")
			}
		}
	case "plain_text_input":
		if e.MaxLength > 3000 {
			c.errf(p+"/max_length", "must be at most 3000")
		}
	case "image":
		c.image(p, e.ImageURL, e.SlackFile, e.Alt)
	case "users_select", "conversations_select", "channels_select", "multi_users_select",
		"number_input", "email_text_input", "url_text_input", "timepicker":
	default:
		c.errf(p+"/type", "unknown element type %q", e.Type)
	}
}
