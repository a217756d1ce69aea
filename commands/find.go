package commands

import (
	"fmt"
	"strings"

	"github.com/salesbot/salesbot/sales"
)

// This file finds the deal a command names: by id, or by account name
// through the store's indexes.

// findDeal resolves a deal reference: an id, or an account name matched
// case-insensitively (exact names first, then a unique partial match;
// open deals win over closed ones with the same name). The actor's own
// deals are searched first.
func (r *run) findDeal(ref DealRef) (sales.Deal, error) {
	d, _, err := r.findDealText(ref, "")
	return d, err
}

// maxCandidates bounds each lookup; more matches than this are reported
// as ambiguous anyway.
const maxCandidates = 500

// findDealText also splits free text that may continue an unquoted
// account name: for "/deal lost Acme Corp no budget" it tries "Acme Corp
// no budget", "Acme Corp no", "Acme Corp" and "Acme" as exact names and
// returns the words left over as the text.
func (r *run) findDealText(ref DealRef, text string) (sales.Deal, string, error) {
	if ref.ID != 0 {
		d, err := r.store.Deal(r.ctx, ref.ID)
		if err != nil {
			return sales.Deal{}, text, err
		}
		return d, text, nil
	}
	name := ref.Name
	if name == "" {
		return sales.Deal{}, text, sales.Errorf(sales.EINVALID, "which deal? give its id (D-42) or account name")
	}
	words := strings.Fields(text)
	// The actor's own deals first (the owner index keeps this small).
	own, err := r.store.FindDeals(r.ctx, sales.DealFilter{Owner: r.actor.Person.ID, Account: name, Limit: maxCandidates})
	if err != nil {
		return sales.Deal{}, text, fmt.Errorf("find deal: %w", err)
	}
	for k := len(words); k > 0; k-- {
		if d, ok := pickExact(own, phrase(name, words[:k]), r.stages); ok {
			return d, strings.Join(words[k:], " "), nil
		}
	}
	d, err := pickDeal(own, name, r.stages)
	if err == nil || sales.ErrorCode(err) != sales.ENOTFOUND {
		// One of the actor's deals, or several of them: that is the answer.
		return d, text, err
	}
	return r.findAnyDeal(name, words, text)
}

// findAnyDeal resolves a name among everyone's deals through the store's
// account index: the longest exact phrase, then the exact name, then names
// starting with it. Only when none of those match does it fall back to a
// substring search, which scans every deal.
func (r *run) findAnyDeal(name string, words []string, text string) (sales.Deal, string, error) {
	for k := len(words); k > 0; k-- {
		p := phrase(name, words[:k])
		cands, err := r.store.DealsByAccount(r.ctx, p, false, maxCandidates)
		if err != nil {
			return sales.Deal{}, text, fmt.Errorf("find deal: %w", err)
		}
		if d, ok := pickExact(cands, p, r.stages); ok {
			return d, strings.Join(words[k:], " "), nil
		}
	}
	for _, prefix := range []bool{false, true} {
		cands, err := r.store.DealsByAccount(r.ctx, name, prefix, maxCandidates)
		if err != nil {
			return sales.Deal{}, text, fmt.Errorf("find deal: %w", err)
		}
		if len(cands) > 0 {
			d, err := pickDeal(cands, name, r.stages)
			return d, text, err
		}
	}
	cands, err := r.store.FindDeals(r.ctx, sales.DealFilter{Account: name, Limit: maxCandidates})
	if err != nil {
		return sales.Deal{}, text, fmt.Errorf("find deal: %w", err)
	}
	d, err := pickDeal(cands, name, r.stages)
	return d, text, err
}

func phrase(name string, words []string) string { return name + " " + strings.Join(words, " ") }

// pickExact finds the one deal whose account is exactly name (an open one
// when several are).
func pickExact(cands []sales.Deal, name string, stages sales.StageSet) (sales.Deal, bool) {
	var exact []sales.Deal
	for _, d := range cands {
		if strings.EqualFold(normName(d.Account), name) {
			exact = append(exact, d)
		}
	}
	if d, ok := onlyOpen(exact, stages); ok {
		return d, true
	}
	return sales.Deal{}, false
}

// onlyOpen returns the single deal, or the single open one among several.
// Open goes by the stage: a deal imported closed with no date has no
// ClosedAt either.
func onlyOpen(ds []sales.Deal, stages sales.StageSet) (sales.Deal, bool) {
	if len(ds) == 1 {
		return ds[0], true
	}
	var open []sales.Deal
	for _, d := range ds {
		if stages.Kind(d.Stage) == sales.StageOpen {
			open = append(open, d)
		}
	}
	if len(open) == 1 {
		return open[0], true
	}
	return sales.Deal{}, false
}

func pickDeal(cands []sales.Deal, name string, stages sales.StageSet) (sales.Deal, error) {
	if d, ok := pickExact(cands, name, stages); ok {
		return d, nil
	}
	var exact []sales.Deal
	for _, d := range cands {
		if strings.EqualFold(normName(d.Account), name) {
			exact = append(exact, d)
		}
	}
	pool := exact
	if len(pool) == 0 {
		pool = cands
	}
	if d, ok := onlyOpen(pool, stages); ok {
		return d, nil
	}
	if len(pool) == 0 {
		return sales.Deal{}, sales.Errorf(sales.ENOTFOUND, "no deal matches '%s': check /deal list, or use the deal's id (D-42)", name)
	}
	var ids []string
	for i, d := range pool {
		if i == 10 {
			ids = append(ids, fmt.Sprintf("and %d more", len(pool)-10))
			break
		}
		ids = append(ids, fmt.Sprintf("%s %s", d.ID, d.Account))
	}
	return sales.Deal{}, sales.Errorf(sales.ECONFLICT, "'%s' matches %d deals: %s — use the id, e.g. /deal show %s",
		name, len(pool), strings.Join(ids, ", "), pool[0].ID)
}
