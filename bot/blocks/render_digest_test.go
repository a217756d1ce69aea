package blocks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/bot/blocks"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/digest/digesttest"
	"github.com/salesbot/salesbot/sales"
)

var updateDigest = flag.Bool("update-digest", false, "rewrite bot/blocks/testdata/digest_*.golden")

func digestGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "digest_"+name+".golden")
	if *updateDigest || updateFlagSet() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot/blocks -run Digest -update-digest)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file (go test ./bot/blocks -run Digest -update-digest to accept):\n%s", path, got)
	}
}

// updateFlagSet honours a package-wide -update flag if this package's other tests
// define one, so `go test ./bot/blocks -update` refreshes these goldens too.
func updateFlagSet() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

type msgJSON struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

func msgOf(m blocks.DigestMsg) msgJSON { return msgJSON{Text: m.Text, Blocks: m.Blocks} }

// checkKit asserts Block Kit's limits and that no user text escaped
// escaping: a '<' in any text means a mention, a broadcast or a link.
func checkKit(t *testing.T, where string, m blocks.DigestMsg) {
	t.Helper()
	if n := len(m.Blocks); n == 0 || n > 50 {
		t.Errorf("%s: %d blocks (want 1..50)", where, n)
	}
	if strings.Contains(m.Text, "<") {
		t.Errorf("%s: unescaped '<' in fallback text %q", where, m.Text)
	}
	raw, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	var parsed []map[string]any
	if err := json.Unmarshal(raw, &parsed); err != nil {
		t.Fatal(err)
	}
	text := func(v any) string {
		o, _ := v.(map[string]any)
		s, _ := o["text"].(string)
		if strings.Contains(s, "<") {
			t.Errorf("%s: unescaped '<' in %q", where, s)
		}
		return s
	}
	runes := func(s string) int { return len([]rune(s)) }
	for i, b := range parsed {
		if id, _ := b["block_id"].(string); len(id) > 255 {
			t.Errorf("%s block %d: block_id %d chars", where, i, len(id))
		}
		switch b["type"] {
		case "header":
			if n := runes(text(b["text"])); n > 150 {
				t.Errorf("%s block %d: header %d chars > 150", where, i, n)
			}
		case "section":
			if b["text"] != nil {
				if n := runes(text(b["text"])); n > 3000 {
					t.Errorf("%s block %d: section text %d chars > 3000", where, i, n)
				}
			}
			if fs, _ := b["fields"].([]any); len(fs) > 10 {
				t.Errorf("%s block %d: %d fields > 10", where, i, len(fs))
			} else {
				for _, f := range fs {
					if n := runes(text(f)); n > 2000 {
						t.Errorf("%s block %d: field %d chars > 2000", where, i, n)
					}
				}
			}
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 10 {
				t.Errorf("%s block %d: %d context elements", where, i, len(els))
			}
			for _, e := range els {
				if n := runes(text(e)); n > 3000 {
					t.Errorf("%s block %d: context text %d chars", where, i, n)
				}
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 25 {
				t.Errorf("%s block %d: %d action elements", where, i, len(els))
			}
			if id, _ := b["block_id"].(string); id == "" {
				t.Errorf("%s block %d: actions without block_id", where, i)
			}
			for _, e := range els {
				el := e.(map[string]any)
				id, _ := el["action_id"].(string)
				switch id {
				case "deal.advance", "deal.won", "deal.lost", "deal.edit", "deal.snooze", "deal.push", "deal.stage", "deal.log", "list.page", blocks.ActForecastCall:
				default:
					t.Errorf("%s block %d: unknown action_id %q", where, i, id)
				}
				if n := runes(text(el["text"])); n > 75 {
					t.Errorf("%s block %d: button text %d chars", where, i, n)
				}
				opts, _ := el["options"].([]any)
				if len(opts) > 100 {
					t.Errorf("%s block %d: %d options", where, i, len(opts))
				}
				for _, o := range opts {
					om := o.(map[string]any)
					v, _ := om["value"].(string)
					if runes(v) > 75 || runes(text(om["text"])) > 75 {
						t.Errorf("%s block %d: option too long: %v", where, i, om)
					}
					if id == "deal.stage" && !strings.Contains(v, "|") {
						t.Errorf("%s block %d: deal.stage option value %q is not D-n|Stage", where, i, v)
					}
				}
			}
		case "divider":
		default:
			t.Errorf("%s block %d: unexpected block type %v", where, i, b["type"])
		}
	}
}

func TestRenderDigestGolden(t *testing.T) {
	for _, fx := range digesttest.Fixtures {
		t.Run(fx.Name, func(t *testing.T) {
			s, db, clock := digesttest.Setup(t, fx, nil)
			d, err := s.Build(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			post := blocks.RenderDigest(d)
			checkKit(t, "main", post.Main)
			for i, m := range post.Thread {
				checkKit(t, "thread "+strconv.Itoa(i), m)
			}
			out := struct {
				Main       msgJSON   `json:"main"`
				Thread     []msgJSON `json:"thread,omitempty"`
				ChartName  string    `json:"chart_name,omitempty"`
				ChartTitle string    `json:"chart_title,omitempty"`
				ChartAlt   string    `json:"chart_alt,omitempty"`
				ChartSize  string    `json:"chart_size,omitempty"`
				CSVName    string    `json:"csv_name,omitempty"`
				CSV        string    `json:"csv,omitempty"`
			}{Main: msgOf(post.Main), ChartName: post.ChartName, ChartTitle: post.ChartTitle, ChartAlt: post.ChartAlt,
				CSVName: post.CSVName, CSV: string(post.CSV)}
			for _, m := range post.Thread {
				out.Thread = append(out.Thread, msgOf(m))
			}
			if post.Chart != nil {
				img, err := png.Decode(bytes.NewReader(post.Chart))
				if err != nil {
					t.Fatalf("chart is not a PNG: %v", err)
				}
				b := img.Bounds()
				out.ChartSize = strconv.Itoa(b.Dx()) + "x" + strconv.Itoa(b.Dy())
				if post.ChartAlt == "" || post.ChartName == "" {
					t.Error("chart without alt text or name")
				}
			} else if !d.Empty {
				t.Error("no chart")
			}
			if fx.Opts.Reps > 15 && (post.CSV == nil || len(post.Thread) == 0) {
				t.Errorf("%d reps: want the full table in a thread and a CSV", fx.Opts.Reps)
			}
			if fx.Opts.Reps > 15 {
				if lines := strings.Count(string(post.CSV), "\n"); lines != len(d.Reps)+2 {
					t.Errorf("CSV has %d lines, want header + %d reps + team", lines, len(d.Reps))
				}
			}
			js, err := json.MarshalIndent(out, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			digestGolden(t, fx.Name, append(js, '\n'))

			// Nudges of the first reps with something to say.
			var nudges []msgJSON
			for _, n := range digesttest.Nudges(t, s, db, clock.Now(), 2) {
				m := blocks.RenderNudge(n)
				checkKit(t, "nudge", m)
				nudges = append(nudges, msgOf(m))
			}
			js, err = json.MarshalIndent(nudges, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			digestGolden(t, "nudge_"+fx.Name, append(js, '\n'))
		})
	}
}

func TestRenderNudgeSummaryGolden(t *testing.T) {
	from := digesttest.FixedNow.AddDate(0, 0, -7)
	s := &digest.NudgeSummary{
		Manager: sales.Person{ID: 1, Name: "Alice", SlackID: "U0ALICE"},
		From:    from, To: digesttest.FixedNow, Loc: time.UTC, Nudges: 5, Deals: 4, Acted: 2,
		Reps: []digest.RepNudges{
			{Name: "Bob", SlackID: "U0BOB", Nudges: 3, Behind: true, Items: []digest.NudgeOutcome{
				{Deal: 42, Account: "Acme <!here> & Sons", About: "stale", Outcome: "moved Proposal → Negotiation", Acted: true},
				{Deal: 43, Account: "Globex", About: "overdue", Outcome: "no change"},
			}},
			{Name: "Carol <!channel>", SlackID: "U0CAROL", Nudges: 2, Items: []digest.NudgeOutcome{
				{Deal: 44, Account: "Initech", About: "overdue", Outcome: "close date moved to 2026-11-30", Acted: true},
				{Deal: 45, Account: "Umbrella", About: "stale", Outcome: "no change"},
			}},
		},
	}
	m := blocks.RenderNudgeSummary(s)
	checkKit(t, "summary", m)
	js, err := json.MarshalIndent(msgOf(m), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	digestGolden(t, "summary", append(js, '\n'))

	// Hundreds of reps still fit one message.
	for i := 0; i < 300; i++ {
		s.Reps = append(s.Reps, s.Reps[i%2])
	}
	checkKit(t, "big summary", blocks.RenderNudgeSummary(s))
}

// User text with mrkdwn formatting characters stays literal in digests,
// nudges and nudge summaries.
func TestRenderDigestNeutralisesMarkup(t *testing.T) {
	const mk = "x *bold* _it_ ~gone~ `code`"
	mv := digest.Move{Deal: 7, Account: mk, Owner: mk, From: mk, To: mk, Reason: mk}
	dl := digest.DealLine{ID: 7, Account: mk, Owner: mk, Stage: mk}
	d := &digest.Digest{Title: "Digest", Now: digesttest.FixedNow, Currency: sales.DefaultCurrency,
		Moved: digest.Moved{NewCount: 1, New: []digest.Move{mv}, ChangedCount: 1, Changed: []digest.Move{mv},
			LostCount: 1, Lost: []digest.Move{mv}},
		Leaderboard: []sales.Standing{{Contender: sales.Contender{Name: mk}, Rank: 1}},
		Stale:       digest.DealList{Count: 1, Deals: []digest.DealLine{dl}},
		Overdue:     digest.DealList{Count: 1, Deals: []digest.DealLine{dl}},
		Coaching:    []digest.Coaching{{Problem: mk, Next: mk}}, CoachingTotal: 1,
	}
	nd := digest.NudgeDeal{ID: 7, Account: mk, Stage: mk, NextStage: mk}
	n := &digest.Nudge{Person: sales.Person{Name: mk}, Currency: sales.DefaultCurrency, Stale: []digest.NudgeDeal{nd}, Overdue: []digest.NudgeDeal{nd}}
	s := &digest.NudgeSummary{From: digesttest.FixedNow, To: digesttest.FixedNow, Loc: time.UTC,
		Reps: []digest.RepNudges{{Name: mk, Items: []digest.NudgeOutcome{{Deal: 7, Account: mk, About: "stale", Outcome: mk}}}}}
	noMarkup(t, "digest", msgOf(blocks.RenderDigest(d).Main))
	noMarkup(t, "nudge", msgOf(blocks.RenderNudge(n)))
	noMarkup(t, "summary", msgOf(blocks.RenderNudgeSummary(s)))
}
