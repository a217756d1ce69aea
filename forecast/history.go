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
	out := make([]Deal, 0, len(deals))
	for i := range deals {
		evs := grouped[off[i]:off[i+1]]
		slices.SortStableFunc(evs, func(a, b sales.Event) int { return a.At.Compare(b.At) })
		out = append(out, history(&deals[i], evs, ss, cur))
	}
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

	var stages, amounts, closes, cats []sales.Event
	for _, e := range evs {
		switch e.Field {
		case sales.FieldStage:
			stages = append(stages, e)
		case sales.FieldAmount:
			amounts = append(amounts, e)
		case sales.FieldClose:
			closes = append(closes, e)
		case sales.FieldForecast:
			cats = append(cats, e)
		}
	}

	stageOf := func(name string) (sales.StageID, bool) {
		for _, s := range ss.Stages {
			if strings.EqualFold(s.Name, strings.TrimSpace(name)) {
				return s.ID, true
			}
		}
		return 0, false
	}
	if len(stages) == 0 {
		if h.Outcome != Open && h.ClosedAt.After(known) && len(ss.Open()) > 0 {
			h.Stages = []StageChange{{At: known, Stage: ss.Open()[0].ID}, {At: h.ClosedAt, Stage: d.Stage}}
		} else {
			h.Stages = []StageChange{{At: known, Stage: d.Stage}}
		}
	} else {
		first, ok := stageOf(stages[0].From)
		if !ok {
			first = d.Stage
		}
		h.Stages = []StageChange{{At: known, Stage: first}}
		for _, e := range stages {
			if id, ok := stageOf(e.To); ok {
				h.Stages = append(h.Stages, StageChange{At: e.At, Stage: id})
			}
		}
	}

	money := func(s string) sales.Money {
		m, err := cur.ParsePlain(strings.TrimSpace(s))
		if err != nil {
			return 0
		}
		return m
	}
	if len(amounts) == 0 {
		h.Amounts = []AmountChange{{At: known, Amount: d.Amount}}
	} else {
		h.Amounts = []AmountChange{{At: known, Amount: money(amounts[0].From)}}
		for _, e := range amounts {
			h.Amounts = append(h.Amounts, AmountChange{At: e.At, Amount: money(e.To)})
		}
	}

	date := func(s string) time.Time {
		t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
		if err != nil {
			return time.Time{}
		}
		return t
	}
	if len(closes) == 0 {
		h.CloseDates = []CloseDateChange{{At: known, Date: d.CloseDate}}
	} else {
		h.CloseDates = []CloseDateChange{{At: known, Date: date(closes[0].From)}}
		for _, e := range closes {
			h.CloseDates = append(h.CloseDates, CloseDateChange{At: e.At, Date: date(e.To)})
		}
	}
	category := func(s string) Category {
		c, _ := sales.ParseForecastText(strings.TrimSpace(s))
		return c
	}
	if len(cats) == 0 {
		if d.Forecast != 0 {
			h.Categories = []CategoryChange{{At: known, Category: d.Forecast}}
		}
	} else {
		h.Categories = []CategoryChange{{At: known, Category: category(cats[0].From)}}
		for _, e := range cats {
			h.Categories = append(h.Categories, CategoryChange{At: e.At, Category: category(e.To)})
		}
	}
	slices.SortStableFunc(h.Stages, func(a, b StageChange) int { return cmp.Compare(a.At.UnixNano(), b.At.UnixNano()) })
	return h
}
