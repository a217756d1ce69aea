package sales

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
	"time"
)

// DealState is a deal's stage, amount and expected close date at one
// moment.
type DealState struct {
	Exists    bool // created before the moment
	Stage     StageID
	Kind      StageKind
	Amount    Money
	CloseDate Date // the expected close date then, zero when none was set
	// Unstaged marks a deal that was open at the moment in a stage its
	// history does not name: it closed on or after that day, but no stage
	// change records the close (an import without stage history). Kind is
	// then StageOpen and Stage 0.
	Unstaged bool
}

// AsOf reconstructs d's state at the moment end: every event before end
// applied, none at or after it. It starts from the deal as it is and
// undoes, latest first, the stage, amount and close-date events at or
// after end (the history keeps them as text: stage changes by stage name,
// amounts as Plain text in cur, close dates as YYYY-MM-DD). Contract: "open deals of a window: deals open at the window's
// end, reconstructed from stage history ... pipeline value: their amounts
// as of that moment." A deal created at or after end did not exist yet.
// A stage name the stage set no longer has is an error that names it.
func AsOf(d Deal, evs []Event, end time.Time, ss StageSet, cur Currency) (DealState, error) {
	if !d.CreatedAt.IsZero() && !d.CreatedAt.Before(end) {
		return DealState{}, nil
	}
	s := DealState{Exists: true, Stage: d.Stage, Kind: ss.Kind(d.Stage), Amount: d.Amount, CloseDate: CloseDateOf(d)}
	later := make([]Event, 0, len(evs))
	for _, e := range evs {
		if !e.At.Before(end) {
			later = append(later, e)
		}
	}
	if len(later) == 0 {
		return s, nil
	}
	slices.SortStableFunc(later, func(a, b Event) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	for _, e := range later {
		switch e.Field {
		case FieldCreated:
			return DealState{}, nil
		case FieldStage:
			if e.From == "" {
				continue
			}
			st, ok := stageNamed(ss, e.From)
			if !ok {
				return DealState{}, Errorf(EINVALID, "the history of %s names stage %q, which is not a stage now", d.ID, e.From)
			}
			s.Stage, s.Kind = st.ID, st.Kind
		case FieldAmount:
			if e.From == "" {
				s.Amount = 0
				continue
			}
			m, err := cur.ParsePlain(e.From)
			if err != nil {
				return DealState{}, Errorf(EINVALID, "the history of %s has amount %q, which does not read as %s", d.ID, e.From, cur.Code)
			}
			s.Amount = m
		case FieldClose:
			if e.From == "" {
				s.CloseDate = Date{}
				continue
			}
			day, err := ParseDate(e.From)
			if err != nil {
				return DealState{}, Errorf(EINVALID, "the history of %s has close date %q, which is not a YYYY-MM-DD date", d.ID, e.From)
			}
			s.CloseDate = day
		}
	}
	return s, nil
}

// OpenAt is AsOf for "open deals of a window": the state at end, where a
// deal AsOf still finds closed is taken as open when its close day (see
// CloseDay) does not start before end. That is how an import without
// stage history closes: the created event names its final stage, and the
// close date says when it got there. Reading: its stage at end is not
// known, so it counts in open deals and pipeline value, not in weighted.
// The close day is the one the deal had at end: a deal lost, reopened and
// won later closed at end on its old close day, not on the later win's.
func OpenAt(d Deal, evs []Event, end time.Time, ss StageSet, cur Currency, loc *time.Location) (DealState, error) {
	s, err := AsOf(d, evs, end, ss, cur)
	if err != nil || !s.Exists || s.Kind == StageOpen {
		return s, err
	}
	day := CloseDay(s.Kind, s.CloseDate, d.ClosedAt, loc)
	if day.IsZero() || day.Start(loc).Before(end) {
		return s, nil
	}
	s.Stage, s.Kind, s.Unstaged = 0, StageOpen, true
	return s, nil
}

// stageNamed matches a stage by its exact name, case-insensitively (no
// prefixes: history must not be read loosely).
func stageNamed(ss StageSet, name string) (Stage, bool) {
	for _, s := range ss.Stages {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return Stage{}, false
}

// PipelineSum adds up open deals: count, value and weighted value.
// Contract: "weighted: Σ amount × stage probability, rounded once on the
// total." The exact Σ amount × basis points is kept in 128 bits so a
// million large deals cannot overflow before the one rounding.
type PipelineSum struct {
	Open  int64
	Value Money
	// Unstaged counts open deals whose stage is not known (DealState
	// Unstaged): in Open and Value, not in Weighted.
	Unstaged int64
	pos      [2]uint64 // Σ of positive amount × bp, hi and lo
	neg      [2]uint64 // Σ of |negative amount| × bp
}

// Add counts one open deal of amount at probability bp (basis points).
func (p *PipelineSum) Add(amount Money, bp int64) {
	p.Open++
	p.Value += amount
	v := int64(amount) * bp
	acc := &p.pos
	if v < 0 {
		acc, v = &p.neg, -v
	}
	var carry uint64
	acc[1], carry = bits.Add64(acc[1], uint64(v), 0)
	acc[0] += carry
}

// AddUnstaged counts one open deal whose stage is not known.
func (p *PipelineSum) AddUnstaged(amount Money) {
	p.Open++
	p.Value += amount
	p.Unstaged++
}

// Merge adds o into p.
func (p *PipelineSum) Merge(o PipelineSum) {
	p.Open += o.Open
	p.Value += o.Value
	p.Unstaged += o.Unstaged
	for _, x := range []struct{ dst, src *[2]uint64 }{{&p.pos, &o.pos}, {&p.neg, &o.neg}} {
		var carry uint64
		x.dst[1], carry = bits.Add64(x.dst[1], x.src[1], 0)
		x.dst[0] += x.src[0] + carry
	}
}

// Weighted is Σ amount × probability in minor units, rounded once, half
// away from zero.
func (p PipelineSum) Weighted() Money {
	a, b, sign := p.pos, p.neg, int64(1)
	if a[0] < b[0] || a[0] == b[0] && a[1] < b[1] {
		a, b, sign = b, a, -1
	}
	lo, borrow := bits.Sub64(a[1], b[1], 0)
	hi := a[0] - b[0] - borrow
	return Money(sign * divRound128([2]uint64{hi, lo}))
}

// divRound128 is round-half-up(v / 10000) for a non-negative 128-bit v.
func divRound128(v [2]uint64) int64 {
	lo, carry := bits.Add64(v[1], 5000, 0)
	hi := v[0] + carry
	// The high quotient word is zero for any total that fits in Money.
	_, r := bits.Div64(0, hi, 10000)
	q, _ := bits.Div64(r, lo, 10000)
	return int64(q)
}
