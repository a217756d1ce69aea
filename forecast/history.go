package forecast

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Histories rebuilds each deal's timelines from the deal as it is now and
// its events, as the store keeps them: stage changes by stage name,
// amounts as cur.Plain text, close dates as YYYY-MM-DD, forecast-category
// overrides by name ("" = the stage's default). A deal becomes
// known at its created date (an import may backdate it) or at its first
// event, whichever is earlier. Without a stage event a closed deal is
// taken to have been open in the first open stage until it closed; an
// event naming a stage the set no longer has is skipped.
func Histories(deals []sales.Deal, events []sales.Event, ss sales.StageSet, cur sales.Currency) []Deal {
	// Group the timeline events by deal with a counting sort over the
	// deals' positions: on a million deals a map of growing slices spent
	// most of the time in the allocator.
	pos := dealPositions(deals)
	off := make([]int32, len(deals)+1)
	keep := func(e *sales.Event) (int, bool) {
		switch e.Field {
		case sales.FieldStage, sales.FieldAmount, sales.FieldClose, sales.FieldForecast:
			i, ok := pos(e.DealID)
			return i, ok
		}
		return 0, false
	}
	for i := range events {
		if d, ok := keep(&events[i]); ok {
			off[d+1]++
		}
	}
	for i := 1; i < len(off); i++ {
		off[i] += off[i-1]
	}
	grouped := make([]sales.Event, off[len(deals)])
	next := append([]int32(nil), off[:len(deals)]...)
	for i := range events {
		if d, ok := keep(&events[i]); ok {
			grouped[next[d]] = events[i]
			next[d]++
		}
	}
	// Each deal's history is its own, so the deals are rebuilt on every core.
	out := make([]Deal, len(deals))
	eachChunk(len(deals), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			evs := grouped[off[i]:off[i+1]]
			slices.SortStableFunc(evs, func(a, b sales.Event) int { return a.At.Compare(b.At) })
			out[i] = history(&deals[i], evs, ss, cur)
		}
	})
	return out
}

// dealPositions maps a deal id to its index in deals: directly when the
// ids are 1..n in order (a store's usual answer), else through a map.
func dealPositions(deals []sales.Deal) func(sales.DealID) (int, bool) {
	dense := true
	for i := range deals {
		if deals[i].ID != sales.DealID(i+1) {
			dense = false
			break
		}
	}
	if dense {
		n := sales.DealID(len(deals))
		return func(id sales.DealID) (int, bool) { return int(id) - 1, id >= 1 && id <= n }
	}
	m := make(map[sales.DealID]int, len(deals))
	for i := range deals {
		m[deals[i].ID] = i
	}
	return func(id sales.DealID) (int, bool) {
		i, ok := m[id]
		return i, ok
	}
}

func history(d *sales.Deal, evs []sales.Event, ss sales.StageSet, cur sales.Currency) Deal {
	known := d.CreatedAt
	if len(evs) > 0 && (known.IsZero() || evs[0].At.Before(known)) {
		known = evs[0].At
	}
	if known.IsZero() {
		known = d.StageEnteredAt
	}
	h := Deal{ID: d.ID, Owner: d.Owner, Territory: d.Territory, Created: d.CreatedAt}
	switch ss.Kind(d.Stage) {
	case sales.StageWon:
		h.Outcome, h.ClosedAt = Won, d.ClosedAt
	case sales.StageLost:
		h.Outcome, h.ClosedAt = Lost, d.ClosedAt
	}
	// A deal is closed by the last time it was written: an import of a lost
	// deal whose close date lies ahead is lost now, not open (in the
	// pipeline) until that day.
	if h.Outcome != Open && !d.UpdatedAt.IsZero() && h.ClosedAt.After(d.UpdatedAt) {
		h.ClosedAt = d.UpdatedAt
	}

	stageOf := func(name string) (sales.StageID, bool) {
		for _, s := range ss.Stages {
			if strings.EqualFold(s.Name, strings.TrimSpace(name)) {
				return s.ID, true
			}
		}
		return 0, false
	}
	money := func(s string) sales.Money {
		m, err := cur.ParsePlain(strings.TrimSpace(s))
		if err != nil {
			return 0
		}
		return m
	}
	date := func(s string) time.Time {
		t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
		if err != nil {
			return time.Time{}
		}
		return t
	}
	category := func(s string) Category {
		c, _ := sales.ParseForecastText(strings.TrimSpace(s))
		return c
	}
	// One pass over the events, in time order: each timeline starts at
	// known with the value its first change came from.
	for i := range evs {
		e := &evs[i]
		switch e.Field {
		case sales.FieldStage:
			if h.Stages == nil {
				first, ok := stageOf(e.From)
				if !ok {
					first = d.Stage
				}
				h.Stages = []StageChange{{At: known, Stage: first}}
			}
			if id, ok := stageOf(e.To); ok {
				h.Stages = append(h.Stages, StageChange{At: e.At, Stage: id})
			}
		case sales.FieldAmount:
			if h.Amounts == nil {
				h.Amounts = []AmountChange{{At: known, Amount: money(e.From)}}
			}
			h.Amounts = append(h.Amounts, AmountChange{At: e.At, Amount: money(e.To)})
		case sales.FieldClose:
			if h.CloseDates == nil {
				h.CloseDates = []CloseDateChange{{At: known, Date: date(e.From)}}
			}
			h.CloseDates = append(h.CloseDates, CloseDateChange{At: e.At, Date: date(e.To)})
		case sales.FieldForecast:
			if h.Categories == nil {
				h.Categories = []CategoryChange{{At: known, Category: category(e.From)}}
			}
			h.Categories = append(h.Categories, CategoryChange{At: e.At, Category: category(e.To)})
		}
	}
	switch {
	case h.Stages != nil:
	case h.Outcome != Open && h.ClosedAt.After(known) && len(ss.Open()) > 0:
		h.Stages = []StageChange{{At: known, Stage: ss.Open()[0].ID}, {At: h.ClosedAt, Stage: d.Stage}}
	default:
		h.Stages = []StageChange{{At: known, Stage: d.Stage}}
	}
	if h.Amounts == nil {
		h.Amounts = []AmountChange{{At: known, Amount: d.Amount}}
	}
	if h.CloseDates == nil {
		h.CloseDates = []CloseDateChange{{At: known, Date: d.CloseDate}}
	}
	if h.Categories == nil && d.Forecast != 0 {
		h.Categories = []CategoryChange{{At: known, Category: d.Forecast}}
	}
	slices.SortStableFunc(h.Stages, func(a, b StageChange) int { return cmp.Compare(a.At.UnixNano(), b.At.UnixNano()) })
	return h
}
