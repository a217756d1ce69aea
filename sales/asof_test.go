package sales_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAsOf(t *testing.T) {
	ss := sales.DefaultStages()
	cur := sales.DefaultCurrency
	// Created in Prospecting at 5k on 1 Feb 2017, Qualified on 10 Mar and
	// raised to 8k, won on 2 Apr: the deal as it is now.
	// Expected to close 15 Mar, pushed to 30 Apr on 12 Mar, set to the
	// win's day when won.
	d := sales.Deal{ID: 7, Stage: 5, Amount: 8_000_00, CreatedAt: utc("2017-02-01T10:00:00Z"), ClosedAt: utc("2017-04-02T10:00:00Z"),
		CloseDate: utc("2017-04-02T00:00:00Z")}
	evs := []sales.Event{
		{ID: 1, At: utc("2017-02-01T10:00:00Z"), Field: sales.FieldCreated, To: "Prospecting"},
		{ID: 2, At: utc("2017-03-10T09:00:00Z"), Field: sales.FieldStage, From: "Prospecting", To: "Qualified"},
		{ID: 3, At: utc("2017-03-10T09:00:00Z"), Field: sales.FieldAmount, From: "5000.00", To: "8000.00"},
		{ID: 4, At: utc("2017-03-20T09:00:00Z"), Field: sales.FieldNotes, From: "", To: "call back"},
		{ID: 5, At: utc("2017-04-02T10:00:00Z"), Field: sales.FieldStage, From: "qualified", To: "Won"},
		{ID: 6, At: utc("2017-02-01T10:00:00Z"), Field: sales.FieldClose, From: "", To: "2017-03-15"},
		{ID: 7, At: utc("2017-03-12T09:00:00Z"), Field: sales.FieldClose, From: "2017-03-15", To: "2017-04-30"},
		{ID: 8, At: utc("2017-04-02T10:00:00Z"), Field: sales.FieldClose, From: "2017-04-30", To: "2017-04-02"},
	}
	tests := []struct {
		name   string
		end    string
		exists bool
		stage  sales.StageID
		amount sales.Money
		close  string
	}{
		{"before creation", "2017-01-01T00:00:00Z", false, 0, 0, ""},
		{"at creation (end is exclusive)", "2017-02-01T10:00:00Z", false, 0, 0, ""},
		{"end of Q1 2017: open in Qualified", "2017-04-01T00:00:00Z", true, 2, 8_000_00, "2017-04-30"},
		{"end of February: Prospecting at 5k", "2017-03-01T00:00:00Z", true, 1, 5_000_00, "2017-03-15"},
		{"the second of the change", "2017-03-10T09:00:01Z", true, 2, 8_000_00, "2017-03-15"},
		{"after the win", "2017-05-01T00:00:00Z", true, 5, 8_000_00, "2017-04-02"},
	}
	for _, tt := range tests {
		s, err := sales.AsOf(d, evs, utc(tt.end), ss, cur)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		close := ""
		if !s.CloseDate.IsZero() {
			close = s.CloseDate.String()
		}
		if s.Exists != tt.exists || s.Stage != tt.stage || s.Amount != tt.amount || (s.Exists && close != tt.close) {
			t.Errorf("%s: %+v (close %q)", tt.name, s, close)
		}
	}
	// A stage that no longer exists is named, not guessed.
	bad := append([]sales.Event{}, evs...)
	bad[1].From = "Discovery"
	if _, err := sales.AsOf(d, bad, utc("2017-03-01T00:00:00Z"), ss, cur); sales.ErrorCode(err) != sales.EINVALID {
		t.Fatalf("unknown stage: %v", err)
	}
	bad = append([]sales.Event{}, evs...)
	bad[6].From = "15/03/2017"
	if _, err := sales.AsOf(d, bad, utc("2017-03-01T00:00:00Z"), ss, cur); sales.ErrorCode(err) != sales.EINVALID {
		t.Fatalf("unreadable close date: %v", err)
	}
}

// Property: as of any moment after the last event, the reconstruction is
// the deal as it is; as of each event's time, it is the state that event
// started from.
func TestAsOfProperty(t *testing.T) {
	ss := sales.DefaultStages()
	cur := sales.DefaultCurrency
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 500; i++ {
		at := utc("2017-01-01T00:00:00Z").Add(time.Duration(r.IntN(1000)) * time.Hour)
		d := sales.Deal{ID: sales.DealID(i + 1), CreatedAt: at, Stage: sales.StageID(1 + r.IntN(4)), Amount: sales.Money(r.IntN(100)) * 1000}
		evs := []sales.Event{{ID: 1, At: at, Field: sales.FieldCreated, To: ss.Name(d.Stage)}}
		type snap struct {
			at     time.Time
			stage  sales.StageID
			amount sales.Money
		}
		var before []snap
		for k := 0; k < r.IntN(8); k++ {
			at = at.Add(time.Duration(1+r.IntN(200)) * time.Hour)
			before = append(before, snap{at, d.Stage, d.Amount})
			if r.IntN(2) == 0 {
				to := sales.StageID(1 + r.IntN(6))
				evs = append(evs, sales.Event{ID: uint64(len(evs) + 1), At: at, Field: sales.FieldStage, From: ss.Name(d.Stage), To: ss.Name(to)})
				d.Stage = to
			} else {
				to := sales.Money(r.IntN(100)) * 1000
				evs = append(evs, sales.Event{ID: uint64(len(evs) + 1), At: at, Field: sales.FieldAmount, From: cur.Plain(d.Amount), To: cur.Plain(to)})
				d.Amount = to
			}
		}
		r.Shuffle(len(evs), func(a, b int) { evs[a], evs[b] = evs[b], evs[a] }) // order must not matter
		now, err := sales.AsOf(d, evs, at.Add(time.Second), ss, cur)
		if err != nil || !now.Exists || now.Stage != d.Stage || now.Amount != d.Amount || now.Kind != ss.Kind(d.Stage) {
			t.Fatalf("deal %d now: %+v, %v; want %v %v", d.ID, now, err, d.Stage, d.Amount)
		}
		for _, b := range before {
			s, err := sales.AsOf(d, evs, b.at, ss, cur)
			if err != nil || s.Stage != b.stage || s.Amount != b.amount {
				t.Fatalf("deal %d at %v: %+v, %v; want %v %v", d.ID, b.at, s, err, b.stage, b.amount)
			}
		}
	}
}

func TestWindowMoment(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, la)
	today := sales.DateIn(now, la)
	tests := []struct {
		name string
		w    sales.Window
		want time.Time
		past bool
	}{
		{"window ending today", sales.WindowOfDates(today.AddDays(-30), today, la), now, false},
		{"this quarter", sales.WindowOf(sales.PeriodOf(sales.Quarter, now, la), la), now, false},
		{"all time", sales.Window{}, now, false},
		{"Q1 2017", sales.WindowOf(sales.Period{Kind: sales.Quarter, Year: 2017, Index: 1}, la), time.Date(2017, 4, 1, 0, 0, 0, 0, la), true},
		{"ended yesterday", sales.WindowOfDates(today.AddDays(-7), today.AddDays(-1), la), today.Start(la), true},
	}
	for _, tt := range tests {
		if got := tt.w.Moment(now); !got.Equal(tt.want) || tt.w.Past(now) != tt.past {
			t.Errorf("%s: moment %v past %v", tt.name, got, tt.w.Past(now))
		}
	}
}

func TestParseWindow(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	w, err := sales.ParseWindow("2026-11-01", "2026-11-30", la)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		d  string
		in bool
	}{{"2026-10-31", false}, {"2026-11-01", true}, {"2026-11-30", true}, {"2026-12-01", false}} {
		if w.ContainsDate(date(t, tt.d), la) != tt.in {
			t.Errorf("--from 2026-11-01 --to 2026-11-30 contains %s: %v", tt.d, !tt.in)
		}
	}
	// An RFC 3339 --to is inclusive at that very instant, not only at midnight.
	w, err = sales.ParseWindow("", "2026-11-30T15:30:00-08:00", la)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 15, 30, 0, 0, la).Unix()
	if w.To != at+1 {
		t.Fatalf("to %v", w.To)
	}
	if !w.ClosedIn(at) {
		t.Fatal("a deal closed at the --to instant is in the window")
	}
	for _, tt := range []struct{ from, to, msg string }{
		{"2026-11-31", "", `--from "2026-11-31" is not a date: use YYYY-MM-DD (2026-11-30) or RFC 3339 (2026-11-30T17:00:00Z)`},
		{"", "yesterday", `--to "yesterday" is not a date: use YYYY-MM-DD (2026-11-30) or RFC 3339 (2026-11-30T17:00:00Z)`},
		{"2026-12-01", "2026-11-30", "--to 2026-11-30 is before --from 2026-12-01"},
	} {
		_, err := sales.ParseWindow(tt.from, tt.to, la)
		if sales.ErrorMessage(err) != tt.msg {
			t.Errorf("ParseWindow(%q, %q) = %v", tt.from, tt.to, err)
		}
	}
	// One day: --from D --to D.
	w, _ = sales.ParseWindow("2028-02-29", "2028-02-29", la)
	if !w.ContainsDate(date(t, "2028-02-29"), la) || w.To-w.From != 86400 {
		t.Fatalf("leap day window %+v", w)
	}
}

func FuzzParseWindow(f *testing.F) {
	f.Add("2026-11-01", "2026-11-30")
	f.Add("", "2026-11-30T15:30:00Z")
	f.Add("x", "")
	f.Fuzz(func(t *testing.T, from, to string) {
		w, err := sales.ParseWindow(from, to, time.UTC)
		if err != nil {
			if sales.ErrorCode(err) != sales.EINVALID {
				t.Fatalf("error %v", err)
			}
			return
		}
		if w.From != 0 && w.To != 0 && w.To <= w.From {
			t.Fatalf("empty window %+v", w)
		}
	})
}

// OpenAt: an import without stage history names its final stage from
// creation; its close date says when it got there, so before that day it
// was open, in a stage nobody recorded.
func TestOpenAt(t *testing.T) {
	ss := sales.DefaultStages()
	cur := sales.DefaultCurrency
	la := mustLoad(t, "America/Los_Angeles")
	imported := sales.Deal{ID: 1, Stage: 5, Amount: 9_000_00, CreatedAt: utc("2017-01-10T00:00:00Z"),
		CloseDate: utc("2017-04-01T00:00:00Z"), ClosedAt: time.Date(2017, 4, 1, 0, 0, 0, 0, la)}
	created := []sales.Event{{ID: 1, At: imported.CreatedAt, Field: sales.FieldCreated, To: "Won"}}
	endQ1 := time.Date(2017, 4, 1, 0, 0, 0, 0, la)
	slack := sales.Deal{ID: 2, Stage: 5, Amount: 1_000_00, CreatedAt: utc("2017-01-10T00:00:00Z"), ClosedAt: time.Date(2017, 3, 31, 20, 0, 0, 0, la)}
	slackEvs := []sales.Event{
		{ID: 2, At: slack.CreatedAt, Field: sales.FieldCreated, To: "Proposal"},
		{ID: 3, At: slack.ClosedAt, Field: sales.FieldStage, From: "Proposal", To: "Won"},
	}
	// Lost on 30 Sep, reopened on 12 Oct and won on 31 Oct: the win moved
	// its close date, but at the end of September it was lost.
	reopened := sales.Deal{ID: 3, Stage: 5, Amount: 30_000_00, CreatedAt: utc("2026-09-01T16:00:00Z"),
		CloseDate: utc("2026-10-31T00:00:00Z"), ClosedAt: utc("2026-11-01T06:00:00Z")}
	reopenedEvs := []sales.Event{
		{ID: 4, At: reopened.CreatedAt, Field: sales.FieldCreated, To: "Proposal"},
		{ID: 5, At: utc("2026-10-01T06:30:00Z"), Field: sales.FieldStage, From: "Proposal", To: "Lost"},
		{ID: 6, At: utc("2026-10-12T17:00:00Z"), Field: sales.FieldStage, From: "Lost", To: "Proposal"},
		{ID: 7, At: utc("2026-11-01T06:00:00Z"), Field: sales.FieldStage, From: "Proposal", To: "Won"},
		{ID: 8, At: utc("2026-11-01T06:00:00Z"), Field: sales.FieldClose, From: "2026-09-30", To: "2026-10-31"},
	}
	endSep := time.Date(2026, 10, 1, 0, 0, 0, 0, la)
	tests := []struct {
		name     string
		d        sales.Deal
		evs      []sales.Event
		end      time.Time
		kind     sales.StageKind
		stage    sales.StageID
		unstaged bool
	}{
		{"imported win of 1 Apr was open at the end of Q1", imported, created, endQ1, sales.StageOpen, 0, true},
		{"and won at the end of Q2", imported, created, time.Date(2017, 7, 1, 0, 0, 0, 0, la), sales.StageWon, 5, false},
		{"a close day that starts before the end has closed", imported, created, endQ1.Add(time.Second), sales.StageWon, 5, false},
		{"a Slack win before the end is won", slack, slackEvs, endQ1, sales.StageWon, 5, false},
		{"a Slack win after the end is undone by its event", slack, slackEvs, slack.ClosedAt, sales.StageOpen, 3, false},
		{"lost, reopened and won later: lost at the end of its loss's month", reopened, reopenedEvs[1:], endSep, sales.StageLost, 6, false},
		{"and lost the day after", reopened, reopenedEvs[2:], endSep.AddDate(0, 0, 1), sales.StageLost, 6, false},
		{"and open while reopened", reopened, reopenedEvs[3:], utc("2026-10-20T00:00:00Z"), sales.StageOpen, 3, false},
	}
	for _, tt := range tests {
		s, err := sales.OpenAt(tt.d, tt.evs, tt.end, ss, cur, la)
		if err != nil || !s.Exists || s.Kind != tt.kind || s.Stage != tt.stage || s.Unstaged != tt.unstaged {
			t.Errorf("%s: %+v %v", tt.name, s, err)
		}
	}
	var p sales.PipelineSum
	p.Add(10_000_00, 5000)
	p.AddUnstaged(9_000_00)
	if p.Open != 2 || p.Value != 19_000_00 || p.Weighted() != 5_000_00 || p.Unstaged != 1 {
		t.Fatalf("pipeline %+v", p)
	}
}

func TestDayRange(t *testing.T) {
	la := mustLoad(t, "America/Los_Angeles")
	w := sales.WindowOfDates(date(t, "2026-03-01"), date(t, "2026-03-31"), la) // across the DST start
	lo, hi := w.DayRange(la)
	if lo != date(t, "2026-03-01").UnixDays() || hi != date(t, "2026-04-01").UnixDays() {
		t.Fatalf("range %d..%d", lo, hi)
	}
	// An instant bound: the day of 15:30 starts before it, so the range
	// starts on the next day; an instant --to takes the day it falls in.
	w, _ = sales.ParseWindow("2026-11-02T15:30:00-08:00", "2026-11-30T15:30:00-08:00", la)
	lo, hi = w.DayRange(la)
	if lo != date(t, "2026-11-03").UnixDays() || hi != date(t, "2026-12-01").UnixDays() {
		t.Fatalf("instant range %v..%v", sales.DateFromUnixDays(lo), sales.DateFromUnixDays(hi))
	}
	for d := date(t, "2026-10-30"); d.Before(date(t, "2026-12-03")); d = d.AddDays(1) {
		if in := d.UnixDays() >= lo && d.UnixDays() < hi; in != w.ContainsDate(d, la) {
			t.Errorf("%s: range says %v", d, in)
		}
	}
	if lo, hi := (sales.Window{}).DayRange(la); lo >= hi || hi < 1<<62 {
		t.Fatal("unbounded")
	}
}
