package transfer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/salesbot/salesbot/sales"
)

// Options say how to read a deal table. The zero value detects everything.
type Options struct {
	Preset     *Preset          // nil: Detect from the header
	Stages     sales.StageSet   // the team's stages; empty: sales.DefaultStages
	Currency   sales.Currency   // for cells that name none; zero: sales.DefaultCurrency
	DateLayout string           // --date-format; "" reads any unambiguous form
	Overrides  map[Field]string // --map field=header
	// StageMap sends file labels (lower-cased) to team stage names
	// (--stage-map); it wins over MapStages and over the label's
	// conventional meaning, not over a Status column or is-won flag.
	StageMap map[string]string
}

// Deals is a deal table read into records, with everything the dry run
// shows: the preset, the column and stage mappings, the date order chosen
// for each date column, and the rows that could not be read.
type Deals struct {
	Preset     *Preset // nil when no preset matched and generic names were used
	Columns    Columns
	Header     []string
	Unused     []string
	Stages     []StageMap
	DateOrders map[Field]DateOrder
	Records    []Record
	Problems   []RowError
	// DecimalComma: the amounts write the decimal mark as a comma
	// (AmountsDecimalComma), so "12.000" is twelve thousand.
	DecimalComma bool
	// AmountHome: the amount column is the CRM's amount in the company
	// currency (HubSpot's "Amount in company currency"), read in
	// Options.Currency whatever the deal's own currency column says.
	AmountHome bool
	// Deleted is how many rows the CRM marks deleted (Pipedrive's status
	// "deleted"): they are not deals any more and are skipped.
	Deleted int
}

// RowError is one cell that could not be read.
type RowError struct {
	Line   int
	Column string // the file's header for the cell
	Msg    string
}

func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d, column %q: %s", e.Line, e.Column, e.Msg)
}

// Record is one deal row in salesbot's terms.
type Record struct {
	Line int
	// Key identifies the deal across imports (sales.Deal.ExternalID); see
	// StableKey.
	Key string
	// ID is the file's own id cell, "" when the file has none.
	ID         string
	Title      string
	Account    string // the account cell, else the title (HubSpot's deal export has no company column by default)
	Owner      string // a name, or "" when the cell was an email
	OwnerEmail string
	Territory  string
	Product    string
	LostReason string
	StageLabel string      // as written in the file
	Stage      sales.Stage // the team's stage it maps to
	Amount     Amount
	// Probability in basis points, -1 when the file gives none.
	Probability int
	Close       Date // expected close date
	Created     Date
	// ClosedOn is when a won or lost deal closed: its won or lost time, else
	// its closed time, else its close date (Maven writes the actual close
	// there). Zero for open deals.
	ClosedOn     Date
	StageChanged Date
}

// dateFields are read as dates, each column with its own order.
var dateFields = []Field{FieldClose, FieldCreated, FieldWonTime, FieldLostTime, FieldClosedTime, FieldStageChanged}

// ReadDeals maps a table's rows to records. File-level problems (no way to
// name a deal, an ambiguous date column, a bad --map) are the error; cell
// problems are collected in Problems with line and column so the caller can
// show them all and write nothing.
func ReadDeals(t *Table, o Options) (*Deals, error) {
	if len(o.Stages.Stages) == 0 {
		o.Stages = sales.DefaultStages()
	}
	if o.Currency.Code == "" {
		o.Currency = sales.DefaultCurrency
	}
	p := o.Preset
	if p == nil {
		p, _ = Detect(t.Header)
	}
	cols, unused, err := p.Columns(t.Header, o.Overrides)
	if err != nil {
		return nil, err
	}
	if !cols.Has(FieldTitle) && !cols.Has(FieldAccount) {
		return nil, sales.Errorf(sales.EINVALID, "no column names the deal: add an account or deal name column, or use --map account=<column>; the columns are %s", strings.Join(t.Header, ", "))
	}
	if !cols.Has(FieldStage) && !cols.Has(FieldStatus) && !cols.Has(FieldIsWon) {
		return nil, sales.Errorf(sales.EINVALID, "no column gives the stage: add a stage column or use --map stage=<column>; the columns are %s", strings.Join(t.Header, ", "))
	}
	for from, to := range o.StageMap {
		if _, err := o.Stages.Lookup(to); err != nil {
			return nil, sales.Errorf(sales.EINVALID, "--stage-map sends %q to %q, which is not a stage: use one of %s", from, to, o.Stages.NameList())
		}
	}
	d := &Deals{Preset: p, Columns: cols, Header: t.Header, Unused: unused, DateOrders: map[Field]DateOrder{}}
	if i, ok := cols[FieldAmount]; ok && p != nil && slices.Contains(p.HomeAmount, NormalizeHeader(t.Header[i])) {
		// The deal's currency column is the currency of the other amount
		// column, not of this one.
		d.AmountHome = true
		if j, ok := cols[FieldCurrency]; ok && o.Overrides[FieldCurrency] == "" {
			delete(cols, FieldCurrency)
			d.Unused = append(d.Unused, strings.TrimSpace(t.Header[j]))
		}
	}
	if cols.Has(FieldAmount) {
		d.DecimalComma = decimalComma(len(t.Rows), func(i int) string { return cols.Get(t.Rows[i], FieldAmount) }, t.Conversion.Delimiter == ';')
	}
	if o.DateLayout == "" {
		if err := d.dateOrders(t); err != nil {
			return nil, err
		}
	}
	r := reader{d: d, o: o, cols: cols, header: t.Header}
	recs, kinds := r.records(t)
	labelKinds := kinds
	if cols.Has(FieldStatus) {
		// Pipedrive keeps won and lost deals in the stage they reached, so
		// a label whose deals all happen to be won is still an open stage.
		labelKinds = nil
	}
	d.Stages = MapStages(p, labelsOf(recs, labelKinds), o.Stages)
	for i, m := range d.Stages {
		if to, ok := o.StageMap[strings.ToLower(strings.TrimSpace(m.Label))]; ok {
			st, _ := o.Stages.Lookup(to)
			d.Stages[i].Stage, d.Stages[i].How = st, "--stage-map"
		}
	}
	// Pipeline order reads best in the dry run: open stages, then Won, Lost.
	pos := map[sales.StageID]int{}
	for i, st := range o.Stages.Stages {
		pos[st.ID] = i
	}
	slices.SortStableFunc(d.Stages, func(a, b StageMap) int { return pos[a.Stage.ID] - pos[b.Stage.ID] })
	byLabel := map[string]StageMap{}
	for _, m := range d.Stages {
		byLabel[m.Label] = m
	}
	seen := make(map[string]int, len(recs))
	d.Records = recs[:0] // filtered in place: a bad stage drops its record
	for i := range recs {
		rec := &recs[i]
		switch kinds[i] {
		case sales.StageWon:
			rec.Stage = o.Stages.Won()
		case sales.StageLost:
			rec.Stage = o.Stages.Lost()
		default:
			rec.Stage = byLabel[rec.StageLabel].Stage
			if rec.Stage.Kind != sales.StageOpen {
				d.Problems = append(d.Problems, RowError{Line: rec.Line, Column: r.name(FieldStage),
					Msg: fmt.Sprintf("stage %q means %s, but the deal's other columns say it is open", rec.StageLabel, kindWord(rec.Stage.Kind))})
				continue
			}
		}
		if rec.Stage.Kind != sales.StageOpen && rec.ClosedOn.IsZero() {
			rec.ClosedOn = rec.Close
		}
		rec.Key = StableKey(p, *rec)
		// Two rows with the same identity are told apart by their order,
		// which a re-export of the same data keeps.
		if n := seen[rec.Key]; n > 0 {
			seen[rec.Key] = n + 1
			rec.Key += "#" + strconv.Itoa(n+1)
		} else {
			seen[rec.Key] = 1
		}
		d.Records = append(d.Records, *rec) // never overtakes i
	}
	return d, nil
}

// dateOrders decides how numeric dates are read, for all date columns
// at once (FileDateOrder).
func (d *Deals) dateOrders(t *Table) error {
	var cols []DateColumn
	var fields []Field
	for _, f := range dateFields {
		if !d.Columns.Has(f) {
			continue
		}
		vals := make([]string, len(t.Rows))
		for i, row := range t.Rows {
			vals[i] = d.Columns.Get(row, f)
		}
		cols = append(cols, DateColumn{Name: strings.TrimSpace(strings.TrimPrefix(t.Header[d.Columns[f]], "\ufeff")), Values: vals})
		fields = append(fields, f)
	}
	order, err := FileDateOrder(cols)
	if err != nil {
		return err
	}
	for _, f := range fields {
		d.DateOrders[f] = order
	}
	return nil
}

// DateColumn is one date column of a file, for FileDateOrder.
type DateColumn struct {
	Name   string
	Values []string
}

// FileDateOrder decides how a file's numeric dates are read. A file's
// dates come from one exporting user's locale, so a column that decides
// (25/4/2017) settles the columns that cannot (1/2/2017 in Created Date);
// two columns that decide differently are an error, and so is an undecided
// file with a value that reads two ways: the message names both readings
// and the --date-format that settles them.
func FileDateOrder(cols []DateColumn) (DateOrder, error) {
	var decided DateOrder
	var decidedBy string
	for _, c := range cols {
		order, err := DateOrderOf(c.Name, c.Values)
		if err != nil {
			return OrderUnknown, err
		}
		if order == OrderUnknown {
			continue
		}
		if decided != OrderUnknown && order != decided {
			dayFirst, monthFirst := decidedBy, c.Name
			if decided == OrderMonthDay {
				dayFirst, monthFirst = c.Name, decidedBy
			}
			return OrderUnknown, sales.Errorf(sales.EINVALID, "column %q has day-first dates and column %q month-first ones; export the file again in one format or use --date-format", dayFirst, monthFirst)
		}
		decided, decidedBy = order, c.Name
	}
	if decided != OrderUnknown {
		return decided, nil
	}
	for _, c := range cols {
		for _, v := range c.Values {
			if _, err := ParseDate(v, OrderUnknown); err != nil && isAmbiguous(v) {
				return OrderUnknown, sales.Errorf(sales.EINVALID, "column %q: %s", c.Name, strings.TrimPrefix(err.Error(), sales.EINVALID+": "))
			}
		}
	}
	return OrderUnknown, nil
}

func kindWord(k sales.StageKind) string {
	switch k {
	case sales.StageWon:
		return "won"
	case sales.StageLost:
		return "lost"
	}
	return "open"
}

func isAmbiguous(v string) bool {
	f := strings.Fields(v)
	if len(f) == 0 {
		return false
	}
	p := strings.Split(f[0], "/")
	return len(p) == 3 && len(p[2]) == 4 && allDigits(p) && p[0] != p[1]
}

// labelsOf lists the distinct stage labels in first-seen order with the
// probability the file gives each most often and the kind all its rows
// share.
func labelsOf(recs []Record, kinds []sales.StageKind) []StageLabel {
	type acc struct {
		probs map[int]int
		kinds map[sales.StageKind]int
		rows  int
	}
	var order []string
	by := map[string]*acc{}
	for i, r := range recs {
		a := by[r.StageLabel]
		if a == nil {
			a = &acc{probs: map[int]int{}, kinds: map[sales.StageKind]int{}}
			by[r.StageLabel] = a
			order = append(order, r.StageLabel)
		}
		a.rows++
		if kinds != nil {
			a.kinds[kinds[i]]++
		}
		if r.Probability >= 0 {
			a.probs[r.Probability]++
		}
	}
	out := make([]StageLabel, 0, len(order))
	for _, l := range order {
		a := by[l]
		sl := StageLabel{Label: l, Probability: -1, Rows: a.rows}
		best := 0
		for p, n := range a.probs {
			if n > best || n == best && p < sl.Probability {
				sl.Probability, best = p, n
			}
		}
		if len(a.kinds) == 1 {
			for k := range a.kinds {
				sl.Kind = k
			}
		}
		out = append(out, sl)
	}
	return out
}

type reader struct {
	d        *Deals
	o        Options
	cols     Columns
	header   []string
	problems []RowError              // this reader's rows' problems, in row order
	deleted  int                     // rows skipped as deleted in the CRM
	labels   map[string]labelOutcome // StageLabel → what the label alone says (outcome)
}

// labelOutcome is what a stage label says of a row's outcome, decided
// once per distinct label: lower-casing it and the preset's labels on
// every row cost more than the rest of the row's reading.
type labelOutcome struct {
	kind    sales.StageKind
	decided bool
}

// parallelRows is the least number of rows worth reading on several
// goroutines.
const parallelRows = 20_000

// records reads every row, in order: with many rows in as many chunks as
// there are CPUs, each read by its own reader, then joined in row order,
// so records and problems are exactly what one reader gives.
func (r *reader) records(t *Table) ([]Record, []sales.StageKind) {
	n := len(t.Rows)
	parts := 1
	if n >= parallelRows {
		parts = min(runtime.GOMAXPROCS(0), n/(parallelRows/2))
	}
	type part struct {
		recs     []Record
		kinds    []sales.StageKind
		problems []RowError
		deleted  int
	}
	out := make([]part, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*n/parts, (p+1)*n/parts
		wg.Go(func() {
			pr := reader{d: r.d, o: r.o, cols: r.cols, header: r.header}
			recs := make([]Record, 0, hi-lo)
			kinds := make([]sales.StageKind, 0, hi-lo)
			for i := lo; i < hi; i++ {
				rec, kind, ok := pr.record(t.Lines[i], t.Rows[i])
				if ok {
					recs = append(recs, rec)
					kinds = append(kinds, kind)
				}
			}
			out[p] = part{recs, kinds, pr.problems, pr.deleted}
		})
	}
	wg.Wait()
	for _, p := range out {
		r.d.Deleted += p.deleted
	}
	if parts == 1 {
		r.d.Problems = append(r.d.Problems, out[0].problems...)
		return out[0].recs, out[0].kinds
	}
	recs := make([]Record, 0, n)
	kinds := make([]sales.StageKind, 0, n)
	for _, p := range out {
		recs = append(recs, p.recs...)
		kinds = append(kinds, p.kinds...)
		r.d.Problems = append(r.d.Problems, p.problems...)
	}
	return recs, kinds
}

func (r *reader) name(f Field) string {
	if i, ok := r.cols[f]; ok {
		return strings.TrimSpace(strings.TrimPrefix(r.header[i], "\ufeff"))
	}
	return string(f)
}

func (r *reader) fail(line int, f Field, err error) {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, sales.EINVALID+": ")
	r.problems = append(r.problems, RowError{Line: line, Column: r.name(f), Msg: msg})
}

// record reads one row; ok is false when a cell was bad (recorded).
func (r *reader) record(line int, row []string) (rec Record, kind sales.StageKind, ok bool) {
	c := r.cols
	if strings.EqualFold(c.Get(row, FieldStatus), "deleted") {
		// Pipedrive exports deleted deals with their last stage; they are
		// in none of its reports, so in none of ours.
		r.deleted++
		return rec, 0, false
	}
	before := len(r.problems)
	rec = Record{
		Line: line, ID: c.Get(row, FieldID), Title: c.Get(row, FieldTitle), Account: c.Get(row, FieldAccount),
		Owner: c.Get(row, FieldOwner), OwnerEmail: c.Get(row, FieldOwnerEmail), Territory: c.Get(row, FieldTerritory),
		Product: c.Get(row, FieldProduct), LostReason: c.Get(row, FieldLostReason), StageLabel: c.Get(row, FieldStage),
		Probability: -1,
	}
	if rec.Account == "" {
		rec.Account = rec.Title
	}
	if rec.Account == "" && rec.ID != "" && r.d.Preset != nil && r.d.Preset.AccountOptional {
		rec.Account = NoAccount + rec.ID
	}
	if rec.Account == "" {
		r.fail(line, FieldAccount, fmt.Errorf("the deal has no account or name"))
	}
	if strings.Contains(rec.Owner, "@") && rec.OwnerEmail == "" {
		rec.Owner, rec.OwnerEmail = "", rec.Owner
	}
	cur := r.o.Currency
	if code := c.Get(row, FieldCurrency); code != "" {
		cc, err := sales.LookupCurrency(code)
		if err != nil {
			r.fail(line, FieldCurrency, err)
		} else {
			cur = cc
		}
	}
	amt, err := parseAmount(c.Get(row, FieldAmount), cur, r.d.DecimalComma)
	if err != nil {
		r.fail(line, FieldAmount, err)
	} else if amt.Present && amt.Currency != cur.Code && c.Get(row, FieldCurrency) != "" {
		r.fail(line, FieldAmount, fmt.Errorf("the amount is in %s but the currency column says %s", amt.Currency, cur.Code))
	}
	rec.Amount = amt
	if s := c.Get(row, FieldProbability); s != "" {
		p, err := parseProbability(s, r.d.Preset != nil && r.d.Preset.ProbabilityFraction)
		if err != nil {
			r.fail(line, FieldProbability, err)
		}
		rec.Probability = p
	}
	var won, lost, closed Date
	for _, f := range dateFields {
		v := c.Get(row, f)
		var dt Date
		var err error
		if r.o.DateLayout != "" {
			dt, err = ParseDateLayout(v, r.o.DateLayout)
		} else {
			dt, err = ParseDate(v, r.d.DateOrders[f])
		}
		if err != nil {
			r.fail(line, f, err)
			continue
		}
		switch f {
		case FieldClose:
			rec.Close = dt
		case FieldCreated:
			rec.Created = dt
		case FieldWonTime:
			won = dt
		case FieldLostTime:
			lost = dt
		case FieldClosedTime:
			closed = dt
		case FieldStageChanged:
			rec.StageChanged = dt
		}
	}
	kind, err = r.outcome(row, rec)
	if err != nil {
		r.fail(line, err.(*outcomeError).field, err)
	}
	if kind == sales.StageOpen && rec.StageLabel == "" {
		r.fail(line, FieldStage, fmt.Errorf("the stage is empty"))
	}
	switch {
	case kind == sales.StageWon && !won.IsZero():
		rec.ClosedOn = won
	case kind == sales.StageLost && !lost.IsZero():
		rec.ClosedOn = lost
	case kind != sales.StageOpen:
		rec.ClosedOn = closed
	}
	return rec, kind, len(r.problems) == before
}

type outcomeError struct {
	field Field
	msg   string
}

func (e *outcomeError) Error() string { return e.msg }

// outcome decides whether the row is open, won or lost: a Status column
// first (Pipedrive), then the is-won and is-closed flags (Salesforce,
// HubSpot), then the stage label by the CRM's convention, then a
// probability of 100% or 0% on a deal not marked open.
func (r *reader) outcome(row []string, rec Record) (sales.StageKind, error) {
	c := r.cols
	if s := strings.ToLower(c.Get(row, FieldStatus)); s != "" {
		switch s {
		case "open", "active":
			return sales.StageOpen, nil
		case "won":
			return sales.StageWon, nil
		case "lost":
			return sales.StageLost, nil
		}
		return 0, &outcomeError{FieldStatus, fmt.Sprintf("status %q is not open, won, lost or deleted", s)}
	}
	closedKnown, closed := false, false
	if s := c.Get(row, FieldIsClosed); s != "" {
		b, err := parseFlag(s)
		if err != nil {
			return 0, &outcomeError{FieldIsClosed, err.Error()}
		}
		closedKnown, closed = true, b
	}
	if s := c.Get(row, FieldIsWon); s != "" {
		b, err := parseFlag(s)
		if err != nil {
			return 0, &outcomeError{FieldIsWon, err.Error()}
		}
		switch {
		case b:
			return sales.StageWon, nil
		case closedKnown && closed:
			return sales.StageLost, nil
		case closedKnown:
			return sales.StageOpen, nil
		}
	}
	lo, ok := r.labels[rec.StageLabel]
	if !ok {
		lo = r.labelOutcome(rec.StageLabel)
		if r.labels == nil {
			r.labels = map[string]labelOutcome{}
		}
		r.labels[rec.StageLabel] = lo
	}
	if lo.decided {
		return lo.kind, nil
	}
	if !closedKnown || closed {
		switch {
		case rec.Probability == 10000:
			return sales.StageWon, nil
		case rec.Probability == 0 && closed:
			return sales.StageLost, nil
		}
	}
	return sales.StageOpen, nil
}

// labelOutcome is the stage label's part of outcome: --stage-map, then
// the preset's won and lost labels, then the label's conventional meaning.
func (r *reader) labelOutcome(stageLabel string) labelOutcome {
	label := strings.ToLower(stageLabel)
	if to, ok := r.o.StageMap[strings.TrimSpace(label)]; ok {
		if st, err := r.o.Stages.Lookup(to); err == nil {
			return labelOutcome{st.Kind, true}
		}
	}
	if r.d.Preset != nil {
		for _, h := range r.d.Preset.Stages {
			if l := strings.ToLower(h.Label); (l == label || l == stripPipeline(label)) && h.Kind != sales.StageOpen {
				return labelOutcome{h.Kind, true}
			}
		}
	}
	if k := conventionalKind(label); k != sales.StageOpen {
		return labelOutcome{k, true}
	}
	return labelOutcome{}
}

func parseFlag(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "y", "t":
		return true, nil
	case "0", "false", "no", "n", "f":
		return false, nil
	}
	return false, fmt.Errorf("%q is not true or false (1/0)", s)
}

// parseProbability reads "40", "40%" and "40.5 %" into basis points; with
// fraction (HubSpot's "Deal probability") 0.4 and 1 are 40% and 100%.
func parseProbability(s string, fraction bool) (int, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	f, err := strconv.ParseFloat(strings.ReplaceAll(t, ",", "."), 64)
	if err != nil || f < 0 || f > 100 {
		return -1, fmt.Errorf("probability %q is not a percentage from 0 to 100", s)
	}
	if fraction && !strings.HasSuffix(strings.TrimSpace(s), "%") {
		if f > 1 {
			return -1, fmt.Errorf("probability %q is not a fraction from 0 to 1", s)
		}
		f *= 100
	}
	return int(f*100 + 0.5), nil
}

// StableKey is the deal's identity across imports, stored as
// sales.Deal.ExternalID. With an id column it is "<preset>:<id>" ("csv:"
// without a preset). Without one it is "key:" and the first 16 bytes, in
// hex, of SHA-256 over the normalised account, title, created date and
// owner (email when the file gives one, else name), joined by U+001F;
// normalised means trimmed, lower-cased and with runs of spaces folded.
// These are the fields a later export of the same deal repeats: amount,
// stage and close date change as the deal moves and are updated, not
// keyed. A deal reassigned to another owner in the CRM therefore imports
// as new; files with an id column don't have that limit.
func StableKey(p *Preset, r Record) string {
	if r.ID != "" {
		name := "csv"
		if p != nil {
			name = p.Name
		}
		return name + ":" + r.ID
	}
	owner := r.OwnerEmail
	if owner == "" {
		owner = r.Owner
	}
	var buf [256]byte
	b := buf[:0]
	for i, s := range [...]string{r.Account, r.Title, r.Created.String(), owner} {
		if i > 0 {
			b = append(b, 0x1f)
		}
		b = appendFolded(b, s)
	}
	sum := sha256.Sum256(b)
	return "key:" + hex.EncodeToString(sum[:16])
}

// appendFolded appends s trimmed, lower-cased and with runs of white space
// folded to one space.
func appendFolded(b []byte, s string) []byte {
	space := false
	start := len(b)
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && len(b) > start {
			b = append(b, ' ')
		}
		space = false
		b = utf8.AppendRune(b, unicode.ToLower(r))
	}
	return b
}
