package sales

import (
	"fmt"
	"math"
	"time"
)

// Num is a metric that may be undefined: a division by zero, an empty
// period or a missing quota gives OK=false, shown as "n/a", never NaN.
// Contract (issue 9): "Where a number cannot be computed it says why
// ("no quota for Q4", "no created date on 12 deals"), never 0": Why holds
// that reason, and may also note what a defined number left out.
type Num struct {
	V   float64
	OK  bool
	Why string
}

// NumWhy is an undefined Num with its reason.
func NumWhy(why string) Num { return Num{Why: why} }

// Explain renders n/a with its reason, "n/a (no quota for Q4 2026)", or
// the value with d decimals.
func (n Num) Explain(d int) string {
	if !n.OK && n.Why != "" {
		return NA + " (" + n.Why + ")"
	}
	return n.Fixed(d)
}

// Some returns a defined Num, or n/a when v is NaN or infinite.
func Some(v float64) Num {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Num{}
	}
	return Num{V: v, OK: true}
}

// Div is a/b, n/a when b is zero.
func Div(a, b float64) Num {
	if b == 0 {
		return Num{}
	}
	return Some(a / b)
}

// NA is the text for an undefined metric.
const NA = "n/a"

// Percent renders 0.425 as "42.5%".
func (n Num) Percent() string {
	if !n.OK {
		return NA
	}
	return trimZero(fmt.Sprintf("%.1f", n.V*100)) + "%"
}

// Fixed renders with d decimals.
func (n Num) Fixed(d int) string {
	if !n.OK {
		return NA
	}
	return fmt.Sprintf("%.*f", d, n.V)
}

// Full renders at full precision for CSV and JSON (shortest exact form).
func (n Num) Full() string {
	if !n.OK {
		return ""
	}
	return fmt.Sprint(n.V)
}

// Money renders a minor-unit amount held in a Num.
func (n Num) Money(c Currency) string {
	if !n.OK {
		return NA
	}
	return c.Format(Money(math.Round(n.V)))
}

// Window limits which closed deals count: [From, To) in unix seconds, 0 =
// unbounded. Open deals count when they were created before To.
type Window struct {
	From, To int64
}

// WindowOf is the window of a period in loc.
func WindowOf(p Period, loc *time.Location) Window {
	return Window{From: p.Start(loc).Unix(), To: p.End(loc).Unix()}
}

// ClosedIn reports whether a close at unix second t falls in the window.
func (w Window) ClosedIn(t int64) bool {
	return t != 0 && (w.From == 0 || t >= w.From) && (w.To == 0 || t < w.To)
}

// StageTable is a flat lookup of stage kind and probability by StageID,
// built once so hot loops over a million deals do no searching.
type StageTable [256]struct {
	Kind        StageKind
	Probability int64
}

// Table builds the flat lookup for ss.
func (ss StageSet) Table() *StageTable {
	var t StageTable
	for _, s := range ss.Stages {
		t[s.ID].Kind = s.Kind
		t[s.ID].Probability = int64(s.Probability)
	}
	return &t
}

// Funnel is the spec's metrics for one group.
type Funnel struct {
	Open          int64
	PipelineValue Money
	Weighted      Money
	Won, Lost     int64
	WonValue      Money
	WinRate       Num // won / (won + lost), 0..1
	AvgDealSize   Num // minor units, mean amount of won deals
	AvgCycleDays  Num // mean days created → closed, won deals
	Velocity      Num // minor units per day: open × avg size × win rate / cycle
}

// Bar renders a text progress bar of width cells (▓▓▓▓░░░░░░), rounding to
// the nearest cell but full only at 100%: at 95% one cell stays empty.
func Bar(share float64, width int) string {
	if math.IsNaN(share) || share < 0 {
		share = 0
	}
	if share > 1 {
		share = 1
	}
	n := int(math.Round(share * float64(width)))
	if share < 1 && n == width {
		n = width - 1
	}
	b := make([]rune, width)
	for i := range b {
		if i < n {
			b[i] = '▓'
		} else {
			b[i] = '░'
		}
	}
	return string(b)
}
