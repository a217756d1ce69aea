package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// `salesbot import events` reads what `salesbot export events` writes
// (id, deal, at, actor, actor_slack_id, field, from, to) and restores the
// deals' history: stage changes, so as-of figures, stale and sales cycle
// come out as they were. See storage.ImportEvents for what counts as the
// same event; a second import of the same file changes nothing.

// event reads one events row into im.evs.
func (im *importer) event(row tableRow) error {
	c, r := im.cols, row.cells
	e := sales.Event{Field: c.get(r, "field"), From: c.raw(r, "from"), To: c.raw(r, "to")}
	if s := c.get(r, "id"); s != "" {
		id, err := strconv.ParseUint(s, 10, 63)
		if err != nil || id == 0 {
			return fmt.Errorf("id %q is not an event number", s)
		}
		e.ID = id
	}
	ref := c.get(r, "deal")
	if ref == "" {
		return fmt.Errorf("deal is empty: every event names its deal (D-42)")
	}
	id, err := im.dealRef(ref)
	if err != nil {
		return err
	}
	e.DealID = id
	at := c.get(r, "at")
	if at == "" {
		return fmt.Errorf("at is empty: every event has a time")
	}
	if e.At, err = im.date("at", at, false); err != nil {
		return err
	}
	if e.Field == "" {
		return fmt.Errorf("field is empty: name what changed (stage, amount, created, ...)")
	}
	name, slack := c.get(r, "actor"), c.get(r, "actor_slack_id")
	if slack != "" {
		if p, ok := im.people.bySlack[slack]; ok {
			e.Actor = p
		}
	}
	if e.Actor == 0 && name != "" {
		p, ok, err := im.people.find(name)
		if err != nil {
			return fmt.Errorf("actor %w", err)
		}
		if !ok {
			return fmt.Errorf("actor %q is not a known person: import the team first (salesbot export team, then salesbot import team)", name)
		}
		e.Actor = p
	}
	im.evs = append(im.evs, e)
	im.rowLines = append(im.rowLines, row.line)
	return nil
}

// dealRef finds the deal an exported event names. A deal imported from
// another database keeps its old id as its external id, so that is tried
// first; then the id itself.
func (im *importer) dealRef(ref string) (sales.DealID, error) {
	if im.dealByExt == nil {
		deals, err := im.db.FindDeals(im.ctx, sales.DealFilter{})
		if err != nil {
			return 0, err
		}
		im.dealByExt = make(map[string]sales.DealID, len(deals))
		im.dealIDs = make(map[sales.DealID]bool, len(deals))
		for _, d := range deals {
			im.dealIDs[d.ID] = true
			if d.ExternalID != "" {
				im.dealByExt[d.ExternalID] = d.ID
			}
		}
	}
	if id, ok := im.dealByExt[ref]; ok {
		return id, nil
	}
	id, ok := sales.ParseDealID(ref)
	if !ok {
		return 0, fmt.Errorf("deal %q is not a deal id such as D-42", ref)
	}
	if !im.dealIDs[id] {
		return 0, fmt.Errorf("deal %s does not exist: import the deals first (salesbot import deals)", strings.TrimSpace(ref))
	}
	return id, nil
}

// writeEvents stores im.evs (or checks them, in a dry run) and says what
// happened.
func (im *importer) writeEvents(w io.Writer) error {
	bar := newProgress(im.stderr, "", 0)
	bar.note(fmt.Sprintf("writing %d events in one transaction…", len(im.evs)))
	res, err := im.db.ImportEvents(im.ctx, im.evs, im.o.dryRun)
	bar.done()
	if err != nil {
		var ie *storage.ImportError
		if errors.As(err, &ie) && ie.Index < len(im.rowLines) {
			return fmt.Errorf("%s %d: %s; nothing was imported", im.t.where, im.rowLines[ie.Index], sales.ErrorMessage(ie.Err))
		}
		return fmt.Errorf("import events: %w; nothing was imported", err)
	}
	verb := "imported"
	if im.o.dryRun {
		verb = "dry run: would import"
	}
	fmt.Fprintf(w, "%s %d %s: %d new, %d updated, %d unchanged\n", verb, len(im.evs), plural(len(im.evs), "event"), res.Created, res.Replaced, res.Unchanged)
	if im.o.dryRun {
		fmt.Fprintln(w, "dry run: nothing was written")
	}
	return nil
}
