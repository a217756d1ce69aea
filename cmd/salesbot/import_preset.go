package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/salesbot/salesbot/csvsafe"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/transfer"
)

// CRM exports (HubSpot, Salesforce, Pipedrive, Zoho, Maven's sample) are
// read by package transfer: the preset is recognised by the header unless
// --preset names one, and the column, stage and date choices it made are
// printed so the user can check them before trusting the numbers.

// printPresets is `salesbot import --list-presets`.
func printPresets(w io.Writer) {
	for i, p := range transfer.List() {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s — %s\n", p.Name, p.Title)
		fmt.Fprintf(w, "  recognised by the columns: %s\n", strings.Join(p.Signature, ", "))
		for _, sig := range p.AltSignatures {
			fmt.Fprintf(w, "  or by: %s\n", strings.Join(sig, ", "))
		}
		if p.Prefix != "" {
			fmt.Fprintf(w, "  column names are read with or without %q\n", p.Prefix)
		}
		fmt.Fprintf(w, "  won and lost: %s\n", p.Outcome)
		var open []string
		for _, s := range p.Stages {
			if s.Kind == sales.StageOpen {
				open = append(open, s.Label)
			}
		}
		how := "others: by probability, else by their order"
		if p.Exported {
			how = "back to the stages export --preset " + p.Name + " writes them from; " + how
		}
		fmt.Fprintf(w, "  open stages it knows: %s (%s)\n", strings.Join(open, ", "), how)
	}
	fmt.Fprintln(w, "\nA file matching none of these is read by salesbot's own column names (see --map); force a preset with --preset NAME.")
}

// csvHeader returns the header of data as transfer.ReadCSV finds it, for
// Detect: the first non-blank record with two cells or more, after a
// formatted report's title and filter lines; nil when there is none or it
// is not CSV.
func csvHeader(data []byte) []string {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte(utf8BOM))))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var first []string
	for range 1 + transfer.MaxPreamble {
		rec, err := r.Read()
		if err != nil {
			break
		}
		n := 0
		for _, c := range rec {
			if strings.TrimSpace(c) != "" {
				n++
			}
		}
		switch {
		case n > 1:
			return rec
		case n == 1 && first == nil:
			first = rec
		}
	}
	return first
}

// looksJSON reports whether data starts (after a BOM and white space) like
// the JSON export writes.
func looksJSON(data []byte) bool {
	b := bytes.TrimLeft(bytes.TrimPrefix(data, []byte(utf8BOM)), " \t\r\n")
	return len(b) > 0 && (b[0] == '[' || b[0] == '{')
}

// guessPreset reads a file that lacks a preset's signature columns (a
// HubSpot export without Record ID, Maven's file without opportunity_id)
// with the preset that knows more of its columns than salesbot's own names
// do; salesbot's export and plain files keep their reading.
func guessPreset(header []string, maps map[string]string) *transfer.Preset {
	p, score := transfer.Guess(header)
	if p == nil {
		return nil
	}
	cols, _, err := mapColumns(header, importFields["deals"], maps)
	if err != nil || len(cols) >= score {
		return nil
	}
	return p
}

// mapToTransfer names the --map fields of salesbot's own columns that
// transfer calls otherwise.
var mapToTransfer = map[string]transfer.Field{
	"external_id": transfer.FieldID, "closed": transfer.FieldClosedTime, "stage_entered": transfer.FieldStageChanged,
}

// transferField is the transfer field a --map name for deals means.
func transferField(name string) (transfer.Field, bool) {
	if f, ok := mapToTransfer[name]; ok {
		return f, true
	}
	for _, f := range transfer.Fields() {
		if string(f) == name {
			return f, true
		}
	}
	return "", false
}

// readPreset reads a CRM export into im.in. It returns what was read, for
// the dry run's summary.
func (im *importer) readPreset(data []byte, name string, p *transfer.Preset, forced bool, w io.Writer) error {
	bar := newProgress(im.stderr, "", 0)
	bar.note("reading " + p.Name + " export…")
	tab, err := transfer.ReadCSV(bytes.NewReader(data))
	if err != nil {
		bar.done()
		return fmt.Errorf("%s: %s", name, errText(err))
	}
	if im.conv.Changed() {
		tab.Conversion = im.conv // data is already UTF-8 CSV; its amounts may be European
	}
	im.t = &table{header: tab.Header, where: "line"}
	if len(tab.Rows) == 0 {
		bar.done()
		return fmt.Errorf("%s has a header but no rows: nothing to import", name)
	}
	over := map[transfer.Field]string{}
	for f, col := range im.o.maps {
		tf, ok := transferField(f)
		if !ok {
			bar.done()
			return usagef("--map %s: the %s preset does not read %s; drop it, or import the file with --preset none", f, p.Name, f)
		}
		over[tf] = col
	}
	deals, err := transfer.ReadDeals(tab, transfer.Options{Preset: p, Stages: im.stages, Currency: im.cfg.Cur,
		DateLayout: im.o.dateLayout, Overrides: over, StageMap: im.o.stageMap})
	bar.done()
	if err != nil {
		return fmt.Errorf("%s: %s", name, errText(err))
	}
	im.printPresetMapping(w, deals, forced, tab)
	im.openLabels = map[string]sales.Stage{}
	for _, m := range deals.Stages {
		if m.Stage.Kind == sales.StageOpen {
			im.openLabels[strings.ToLower(m.Label)] = m.Stage
		}
	}
	for _, pr := range deals.Problems {
		im.fail(pr.Line, fmt.Sprintf("column %q: %s", pr.Column, pr.Msg))
	}
	colOf := func(f transfer.Field) string {
		if i, ok := deals.Columns[f]; ok {
			return strings.TrimSpace(strings.TrimPrefix(tab.Header[i], utf8BOM))
		}
		return string(f)
	}
	im.firstStage = im.stages.First()
	im.in.Deals = slices.Grow(im.in.Deals, len(deals.Records))
	im.keepIDs = slices.Grow(im.keepIDs, len(deals.Records))
	im.rowLines = slices.Grow(im.rowLines, len(deals.Records))
	bar = newProgress(im.stderr, "checking rows", int64(len(deals.Records)))
	for i, rec := range deals.Records {
		if err := im.presetDeal(rec, colOf); err != nil {
			im.fail(rec.Line, errText(err))
		}
		if i&1023 == 0 {
			bar.set(int64(i))
		}
	}
	bar.done()
	// Cell problems come first from transfer, the rest after: show them
	// in file order.
	slices.SortStableFunc(im.errs, func(a, b rowError) int { return a.line - b.line })
	return nil
}

// presetDeal turns one record into a deal of the import, with the stage
// history its time columns give.
func (im *importer) presetDeal(rec transfer.Record, colOf func(transfer.Field) string) error {
	if !im.o.raw {
		// export (--preset too) puts a quote before a cell starting with
		// =, +, -, @ (csvsafe); take it off, as for salesbot's own columns,
		// so "+Plus Corp" comes back as itself.
		for _, s := range []*string{&rec.Account, &rec.Title, &rec.Product, &rec.LostReason, &rec.Owner, &rec.Territory} {
			*s = csvsafe.Restore(*s)
		}
	}
	for _, c := range [...]struct {
		f     transfer.Field
		v     string
		limit int
	}{
		{transfer.FieldAccount, rec.Account, sales.MaxAccount}, {transfer.FieldProduct, rec.Product, sales.MaxName},
		{transfer.FieldLostReason, rec.LostReason, sales.MaxText}, {transfer.FieldOwner, rec.Owner, sales.MaxName},
		{transfer.FieldOwnerEmail, rec.OwnerEmail, sales.MaxText}, {transfer.FieldTerritory, rec.Territory, sales.MaxName},
	} {
		f := c.f
		if f == transfer.FieldAccount && rec.Account == rec.Title {
			f = transfer.FieldTitle
		}
		if err := sales.CheckText(textFieldNames[f], c.v, c.limit); err != nil {
			return fmt.Errorf("column %q: %s", colOf(f), sales.ErrorMessage(err))
		}
	}
	d := sales.Deal{Account: rec.Account, Product: rec.Product, LostReason: rec.LostReason, ExternalID: rec.Key, Stage: rec.Stage.ID}
	if rec.Amount.Present {
		if rec.Amount.Currency != im.cfg.Cur.Code {
			return fmt.Errorf("column %q: the amount is in %s but salesbot counts money in %s: import one currency per database (SALESBOT_CURRENCY=%s) or convert the amounts first",
				colOf(transfer.FieldAmount), rec.Amount.Currency, im.cfg.Cur.Code, rec.Amount.Currency)
		}
		if rec.Amount.Value < 0 {
			return fmt.Errorf("column %q: the amount is negative: a deal's amount is zero or more", colOf(transfer.FieldAmount))
		}
		d.Amount = rec.Amount.Value
	}
	if rec.Stage.Kind == sales.StageWon && d.Amount <= 0 {
		return fmt.Errorf("column %q: the deal is won but has no amount: a won deal has an amount greater than zero", colOf(transfer.FieldAmount))
	}
	d.CloseDate = rec.Close.UTCMidnight()
	d.CreatedAt = im.midnight(rec.Created)
	if rec.Stage.Kind != sales.StageOpen && !rec.ClosedOn.IsZero() {
		d.ClosedAt = im.midnight(rec.ClosedOn)
		closeDay := rec.ClosedOn
		if !d.CreatedAt.IsZero() && d.ClosedAt.Before(d.CreatedAt) {
			d.ClosedAt, closeDay = d.CreatedAt, rec.Created
		}
		d.StageEnteredAt = d.ClosedAt
		// A closed deal's close date is the day it closed, as closing it
		// in Slack makes it (sales.ApplyStageChange): deals closed in a
		// window are counted by it. The expected close date some CRMs
		// keep beside the won and lost times (Pipedrive's) is a plan.
		d.CloseDate = closeDay.UTCMidnight()
	}
	if rec.Stage.Kind == sales.StageOpen && !rec.StageChanged.IsZero() {
		d.StageEnteredAt = im.midnight(rec.StageChanged)
		if !d.CreatedAt.IsZero() && d.StageEnteredAt.Before(d.CreatedAt) {
			d.StageEnteredAt = d.CreatedAt
		}
	}
	var err error
	if d.Owner, err = im.ownerRef(rec.Owner, rec.OwnerEmail); err != nil {
		return fmt.Errorf("column %q: %w", colOf(transfer.FieldOwner), err)
	}
	d.Territory = im.territory(rec.Territory)
	im.noteClose(d, rec.Stage.Kind)
	im.in.Deals = append(im.in.Deals, d)
	im.keepIDs = append(im.keepIDs, 0)
	im.rowLines = append(im.rowLines, rec.Line)
	im.history(len(im.in.Deals), d, im.fromStage(rec))
	return nil
}

// textFieldNames name the text fields presetDeal checks, as CheckText's
// messages say them ("lost reason").
var textFieldNames = map[transfer.Field]string{
	transfer.FieldAccount: "account", transfer.FieldTitle: "title", transfer.FieldProduct: "product",
	transfer.FieldLostReason: "lost reason", transfer.FieldOwner: "owner", transfer.FieldOwnerEmail: "owner email",
	transfer.FieldTerritory: "territory",
}

// fromStage is the open stage a closed deal left: the stage a Pipedrive
// deal reached (its stage column next to a won/lost status), else the
// team's first stage, as nothing in the file says otherwise.
func (im *importer) fromStage(rec transfer.Record) sales.Stage {
	if rec.Stage.Kind != sales.StageOpen && rec.StageLabel != "" {
		if m, ok := im.openLabels[strings.ToLower(rec.StageLabel)]; ok {
			return m
		}
	}
	return im.firstStage
}

// history adds the stage change a deal file's time columns show, so as-of
// figures, stale and sales cycle see the deal open from its created date
// until it closed (won or lost time) or entered its stage (stage-change
// column). Storage writes it only for deals this import creates, so a
// second import adds no history.
func (im *importer) history(index int, d sales.Deal, from sales.Stage) {
	at := d.StageEnteredAt
	if at.IsZero() || d.Stage == from.ID || (!d.CreatedAt.IsZero() && !at.After(d.CreatedAt)) {
		return
	}
	im.in.Events = append(im.in.Events, sales.Event{DealID: sales.DealID(index), At: at, Field: sales.FieldStage,
		From: from.Name, To: im.stages.Name(d.Stage)})
}

// midnight is a civil date as the instant salesbot keeps for created and
// closed times: midnight in the team's zone, as a date-only cell always was.
func (im *importer) midnight(d transfer.Date) time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, im.cfg.Loc)
}

// ownerRef resolves a deal owner by email (the team file's or a stored
// person's), then name, adding an unlinked person when new, named from the
// email when the file gives only that; an email links them to the Slack
// user with it on first use.
func (im *importer) ownerRef(name, email string) (sales.PersonID, error) {
	if email != "" {
		if id, ok := im.people.byEmail[strings.ToLower(email)]; ok {
			return id, nil
		}
	}
	if name == "" && email == "" {
		return 0, nil
	}
	if name != "" {
		id, ok, err := im.people.find(name)
		if err != nil {
			return 0, fmt.Errorf("owner %w", err)
		}
		if ok {
			im.learnEmail(id, email)
			return id, nil
		}
	}
	p := sales.Person{Name: strings.TrimPrefix(name, "@"), Email: email, Role: sales.RoleRep}
	if p.Name == "" {
		p.Name = im.emailName(email)
	}
	im.in.People = append(im.in.People, p)
	id := storage.PersonRef(len(im.in.People) - 1)
	im.people.add(id, "", p.Name, "")
	im.people.addEmail(id, email)
	im.newPeople++
	return id, nil
}

// learnEmail records the email a row gives for an owner found by name
// who has none yet, so Slack links them on first use (storage merges an
// update that carries only the email).
func (im *importer) learnEmail(id sales.PersonID, email string) {
	if email == "" {
		return
	}
	if _, taken := im.people.byEmail[strings.ToLower(email)]; taken {
		return
	}
	im.people.addEmail(id, email)
	if id&(1<<63) != 0 {
		if p := &im.in.People[int(id&^(1<<63))]; p.Email == "" {
			p.Email = email
		}
		return
	}
	if !im.people.hasEmail[id] {
		im.in.People = append(im.in.People, sales.Person{ID: id, Email: email})
	}
}

// printPresetMapping says how the file was read: which preset and why,
// which column fills which field, how each stage label maps, and how
// numeric dates were read.
func (im *importer) printPresetMapping(w io.Writer, d *transfer.Deals, forced bool, tab *transfer.Table) {
	footer := len(tab.Footer)
	p := d.Preset
	why := fmt.Sprintf("recognised by its %s columns", strings.Join(p.RecognisedBy(d.Header), ", "))
	if q, _ := transfer.Detect(d.Header); q != p {
		have := map[string]bool{}
		for _, h := range d.Header {
			have[transfer.NormalizeHeader(h)] = true
		}
		var missing []string
		for _, sig := range p.Signature {
			if !have[transfer.NormalizeHeader(sig)] {
				missing = append(missing, sig)
			}
		}
		why = fmt.Sprintf("%d of its columns are this export's, though it has no %s", len(d.Columns), strings.Join(missing, ", "))
	}
	if forced {
		why = "--preset " + p.Name
	}
	fmt.Fprintf(w, "reading a %s (%s)\n", p.Title, why)
	byIndex := map[int]transfer.Field{}
	for f, i := range d.Columns {
		byIndex[i] = f
	}
	var pairs []string
	for i, h := range d.Header {
		if f, ok := byIndex[i]; ok {
			pairs = append(pairs, fmt.Sprintf("%s → %s", clipText(strings.TrimSpace(strings.TrimPrefix(h, utf8BOM)), 40), fieldLabel(f)))
		}
	}
	fmt.Fprintf(w, "columns: %s\n", strings.Join(pairs, ", "))
	if len(d.Unused) > 0 {
		fmt.Fprintf(w, "not read: %s\n", clipList(d.Unused, maxListed))
	}
	if !d.Columns.Has(transfer.FieldID) {
		fmt.Fprintln(w, "no id column: each deal is known by its account, name, created date and owner, so importing the file again changes nothing")
	}
	if p.AccountOptional {
		n := 0
		for _, r := range d.Records {
			if r.ID != "" && r.Account == transfer.NoAccount+r.ID {
				n++
			}
		}
		if n > 0 {
			have := "have"
			if n == 1 {
				have = "has"
			}
			fmt.Fprintf(w, "%d %s %s no account in the file: each is named \"%s<%s>\"\n", n, plural(n, "deal"), have, transfer.NoAccount, colName(d, transfer.FieldID))
		}
	}
	if n := len(tab.Preamble); n > 0 {
		fmt.Fprintf(w, "dropped %d report title %s before the header: %s\n", n, plural(n, "line"), clipList(tab.Preamble, 3))
	}
	if footer > 0 {
		fmt.Fprintf(w, "dropped %d report footer %s after the data\n", footer, plural(footer, "line"))
	}
	if tab.Subtotals > 0 {
		fmt.Fprintf(w, "dropped %d group and subtotal %s of a grouped report (Subtotal, Total, \"... (N records)\")\n", tab.Subtotals, plural(tab.Subtotals, "row"))
	}
	if len(tab.FilledDown) > 0 {
		fmt.Fprintf(w, "grouped by %s: each group's value, written on its first row, is the value of the rows under it\n", strings.Join(tab.FilledDown, ", "))
	}
	if d.Deleted > 0 {
		fmt.Fprintf(w, "skipped %d %s whose %s is \"deleted\": deleted in the CRM, they are no deals\n", d.Deleted, plural(d.Deleted, "row"), colName(d, transfer.FieldStatus))
	}
	if d.AmountHome {
		fmt.Fprintf(w, "amounts: %q, in the company currency (%s), whatever each deal's own currency\n", colName(d, transfer.FieldAmount), im.cfg.Cur.Code)
	}
	if d.DecimalComma {
		fmt.Fprintln(w, "amounts: the decimal mark is a comma (1.234,50 is 1234.50 and 12.000 is 12000), as the file's amounts or its \";\" separator show")
	}
	fmt.Fprintf(w, "won and lost: %s\n", p.Outcome)
	rows := map[string]int{}
	for _, r := range d.Records {
		rows[r.StageLabel]++
	}
	width := 0
	for _, m := range d.Stages {
		width = max(width, len([]rune(m.Label)))
	}
	fmt.Fprintln(w, "stages:")
	for _, m := range d.Stages {
		label := m.Label
		if label == "" {
			label = "(empty)"
		}
		fmt.Fprintf(w, "  %-*s → %s (%s; %d %s)\n", width, label, m.Stage.Name, m.How, rows[m.Label], plural(rows[m.Label], "deal"))
	}
	var order transfer.DateOrder
	for _, o := range d.DateOrders {
		order = max(order, o)
	}
	switch {
	case im.o.dateLayout != "":
		fmt.Fprintf(w, "dates: read with --date-format %s\n", im.o.dateLayout)
	case order == transfer.OrderMonthDay:
		fmt.Fprintln(w, "dates: month first (3/1/2017 is March 1), as the file's own dates show")
	case order == transfer.OrderDayMonth:
		fmt.Fprintln(w, "dates: day first (3/1/2017 is 3 January), as the file's own dates show")
	}
}

// colName is the file's header for f.
func colName(d *transfer.Deals, f transfer.Field) string {
	if i, ok := d.Columns[f]; ok {
		return strings.TrimSpace(strings.TrimPrefix(d.Header[i], utf8BOM))
	}
	return string(f)
}

// fieldLabel names a transfer field as --map spells it.
func fieldLabel(f transfer.Field) string {
	for k, v := range mapToTransfer {
		if v == f {
			return k
		}
	}
	return string(f)
}

// noteClose counts a won or lost row with nothing saying when it closed:
// no close date, closed, won or lost time, or stage entry. Storage keeps
// such a deal closed with no close time (sales.CloseUnknown), so it counts
// in no period rather than in the one the import ran in.
func (im *importer) noteClose(d sales.Deal, kind sales.StageKind) {
	if kind == sales.StageOpen || !d.ClosedAt.IsZero() || !d.CloseDate.IsZero() || !d.StageEnteredAt.IsZero() {
		return
	}
	if im.closeUnknown == nil {
		im.closeUnknown = map[sales.StageKind]int{}
	}
	im.closeUnknown[kind]++
}

// printCloseUnknown says which rows count in no period, and how to place
// them: "2 won rows have no date of their close: imported as won, counted
// in no period's won, lost, win rate or attainment (give them a close
// date to place them)".
func (im *importer) printCloseUnknown(w io.Writer) {
	won, lost := im.closeUnknown[sales.StageWon], im.closeUnknown[sales.StageLost]
	if won+lost == 0 {
		return
	}
	var rows, as []string
	if won > 0 {
		rows, as = append(rows, fmt.Sprintf("%d won %s", won, plural(won, "row"))), append(as, "won")
	}
	if lost > 0 {
		rows, as = append(rows, fmt.Sprintf("%d lost %s", lost, plural(lost, "row"))), append(as, "lost")
	}
	have, imported := "have", "imported"
	if won+lost == 1 {
		have = "has"
	}
	if im.o.dryRun {
		imported = "would be imported"
	}
	fmt.Fprintf(w, "%s %s no date of their close: %s as %s, counted in no period's won, lost, win rate or attainment (give them a close date to place them)\n",
		strings.Join(rows, " and "), have, imported, strings.Join(as, " and "))
}
