package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot/salesbot/app"
	"github.com/salesbot/salesbot/csvsafe"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// ExportCmd is `salesbot export [deals|events|quotas|team|activities] [--format csv|json]`
// or `salesbot export deals --preset hubspot`.
// Its output is what `salesbot import` reads back.
func ExportCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := newCommand("export", stdout, stderr)
	format := c.fs.String("format", "csv", "csv or json")
	raw := c.fs.Bool("raw", false, "csv: write cells verbatim, without the quote that keeps a spreadsheet from running =, +, -, @ as formulas")
	preset := c.fs.String("preset", "", "deals: write the columns another CRM's importer reads (hubspot)")
	pos, err := c.parse(args)
	if err != nil {
		return c.fail(err)
	}
	kind := "deals"
	switch len(pos) {
	case 0:
	case 1:
		kind = strings.ToLower(pos[0])
	default:
		return c.fail(usagef("export takes one kind: deals, events, quotas, team or activities"))
	}
	if _, ok := exporters[kind]; !ok {
		return c.fail(usagef("cannot export %q: use deals, events, quotas, team or activities", pos[0]))
	}
	if *format != "csv" && *format != "json" {
		return c.fail(usagef("--format %q: use csv or json", *format))
	}
	exp := exporters[kind]
	if *preset != "" {
		if kind != "deals" || !strings.EqualFold(*preset, "hubspot") {
			return c.fail(usagef("--preset %q: only `export deals --preset hubspot` is supported", *preset))
		}
		if *format != "csv" {
			return c.fail(usagef("--preset hubspot writes CSV, the file HubSpot's importer reads: drop --format %s", *format))
		}
		exp = exportHubSpotDeals
	}
	return c.fail(runExport(ctx, c, exp, *format, *raw))
}

// exportTable is a header and rows of text; num marks columns written as
// JSON numbers (empty = null).
type exportTable struct {
	header []string
	num    map[string]bool
	rows   [][]string
	// note is said on stderr: what the user must do for the file to be
	// read as meant.
	note string
}

var exporters = map[string]func(ctx context.Context, db *storage.DB, cfg app.Config) (*exportTable, error){
	"deals":  exportDeals,
	"events": exportEvents,
	"quotas": exportQuotas,
	"team":   exportTeam,
}

func runExport(ctx context.Context, c *command, exp func(context.Context, *storage.DB, app.Config) (*exportTable, error), format string, raw bool) (err error) {
	db, err := c.openForRead(ctx)
	if err != nil {
		return err
	}
	defer closeDB(db, &err)
	t, err := exp(ctx, db, c.cfg)
	if err != nil {
		return err
	}
	if t.note != "" {
		fmt.Fprintln(c.stderr, "note: "+t.note)
	}
	w := bufio.NewWriterSize(c.stdout, 64<<10)
	if format == "json" {
		err = writeJSONTable(w, t)
	} else {
		err = writeCSVTable(w, t, raw)
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

// writeCSVTable writes t with text cells neutralized against formula
// injection (csvsafe), unless raw; import restores them.
func writeCSVTable(w io.Writer, t *exportTable, raw bool) error {
	var numeric []int
	for i, h := range t.header {
		if t.num[h] {
			numeric = append(numeric, i)
		}
	}
	cw := csvsafe.NewWriter(w, raw, numeric...)
	if err := cw.Write(t.header); err != nil {
		return err
	}
	for _, row := range t.rows {
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeJSONTable writes an array of objects whose keys keep the column
// order, one object a line, so big exports stream and diff well.
func writeJSONTable(w *bufio.Writer, t *exportTable) error {
	keys := make([][]byte, len(t.header))
	for i, h := range t.header {
		k, _ := json.Marshal(h)
		keys[i] = k
	}
	w.WriteString("[")
	for r, row := range t.rows {
		if r > 0 {
			w.WriteString(",")
		}
		w.WriteString("\n{")
		for i, v := range row {
			if i > 0 {
				w.WriteString(",")
			}
			w.Write(keys[i])
			w.WriteString(":")
			switch {
			case t.num[t.header[i]] && v == "":
				w.WriteString("null")
			case t.num[t.header[i]]:
				w.WriteString(v) // already a JSON number: digits and a dot
			default:
				b, err := json.Marshal(v)
				if err != nil {
					return err
				}
				w.Write(b)
			}
		}
		w.WriteString("}")
	}
	if len(t.rows) > 0 {
		w.WriteString("\n")
	}
	_, err := w.WriteString("]\n")
	return err
}

// names labels people and territories by id for export.
type names struct {
	people map[sales.PersonID]sales.Person
	terrs  map[sales.TerritoryID]string
}

func loadNames(ctx context.Context, db *storage.DB) (*names, error) {
	people, err := db.People(ctx)
	if err != nil {
		return nil, err
	}
	terrs, err := db.Territories(ctx)
	if err != nil {
		return nil, err
	}
	n := &names{people: map[sales.PersonID]sales.Person{}, terrs: map[sales.TerritoryID]string{}}
	for _, p := range people {
		n.people[p.ID] = p
	}
	for _, t := range terrs {
		n.terrs[t.ID] = t.Name
	}
	return n, nil
}

func (n *names) person(id sales.PersonID) (name, slack string) {
	if id == 0 {
		return "", ""
	}
	p, ok := n.people[id]
	if !ok {
		return id.String(), ""
	}
	return p.Label(), p.SlackID
}

// Timestamps are RFC 3339 in UTC; expected close dates are plain dates.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func civilDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// amount is Currency.Plain (12000.50), empty for an unknown amount.
func amount(cur sales.Currency, m sales.Money) string {
	if m == 0 {
		return ""
	}
	return cur.Plain(m)
}

// DealColumns are the columns of `export deals`, in order.
var DealColumns = []string{"id", "external_id", "account", "amount", "stage", "owner", "owner_slack_id", "territory",
	"product", "close_date", "created", "updated", "closed", "stage_entered", "snoozed_until", "lost_reason", "notes",
	"forecast", "next_step", "next_due"}

// exportInputs are what every deal export reads: names, stages and every
// deal in id order.
func exportInputs(ctx context.Context, db *storage.DB) (*names, sales.StageSet, []sales.Deal, error) {
	n, err := loadNames(ctx, db)
	if err != nil {
		return n, sales.StageSet{}, nil, err
	}
	stages, err := db.Stages(ctx)
	if err != nil {
		return n, stages, nil, err
	}
	deals, err := db.FindDeals(ctx, sales.DealFilter{})
	if err != nil {
		return n, stages, nil, err
	}
	slices.SortFunc(deals, func(a, b sales.Deal) int { return cmp.Compare(a.ID, b.ID) })
	return n, stages, deals, nil
}

func exportDeals(ctx context.Context, db *storage.DB, cfg app.Config) (*exportTable, error) {
	n, stages, deals, err := exportInputs(ctx, db)
	if err != nil {
		return nil, err
	}
	t := &exportTable{header: DealColumns, num: map[string]bool{"amount": true}}
	for _, d := range deals {
		owner, slack := n.person(d.Owner)
		t.rows = append(t.rows, []string{
			d.ID.String(), d.ExternalID, d.Account, amount(cfg.Cur, d.Amount), stages.Name(d.Stage), owner, slack,
			n.terrs[d.Territory], d.Product, civilDate(d.CloseDate), stamp(d.CreatedAt), stamp(d.UpdatedAt),
			stamp(d.ClosedAt), stamp(d.StageEnteredAt), stamp(d.SnoozedUntil), d.LostReason, d.Notes,
			forecastOverride(d.Forecast), d.NextStep, civilDay(d.NextDue),
		})
	}
	return t, nil
}

// forecastOverride is a deal's forecast-category override as import reads
// it back ("" = the stage's default).
func forecastOverride(c sales.ForecastCategory) string {
	if c == 0 {
		return ""
	}
	return c.String()
}

// civilDay is a civil date as YYYY-MM-DD ("" = none).
func civilDay(d sales.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func exportEvents(ctx context.Context, db *storage.DB, _ app.Config) (*exportTable, error) {
	n, err := loadNames(ctx, db)
	if err != nil {
		return nil, err
	}
	evs, err := db.EventsBetween(ctx, time.Time{}, time.Time{}) // open-ended: all of them
	if err != nil {
		return nil, err
	}
	t := &exportTable{header: []string{"id", "deal", "at", "actor", "actor_slack_id", "field", "from", "to"}}
	for _, e := range evs {
		actor, slack := n.person(e.Actor)
		t.rows = append(t.rows, []string{strconv.FormatUint(e.ID, 10), e.DealID.String(), stamp(e.At), actor, slack, e.Field, e.From, e.To})
	}
	return t, nil
}

func exportQuotas(ctx context.Context, db *storage.DB, cfg app.Config) (*exportTable, error) {
	n, err := loadNames(ctx, db)
	if err != nil {
		return nil, err
	}
	qs, err := db.Quotas(ctx)
	if err != nil {
		return nil, err
	}
	t := &exportTable{header: []string{"scope", "subject", "subject_slack_id", "period", "amount", "set_by"}, num: map[string]bool{"amount": true}}
	for _, q := range qs {
		var subj, slack string
		switch q.Scope {
		case sales.ScopeTerritory:
			subj = n.terrs[sales.TerritoryID(q.Subject)]
		case sales.ScopeTeam:
			subj = "company"
			if q.Subject != 0 {
				subj, slack = n.person(sales.PersonID(q.Subject))
			}
		default:
			subj, slack = n.person(sales.PersonID(q.Subject))
		}
		setBy, _ := n.person(q.SetBy)
		t.rows = append(t.rows, []string{q.Scope.String(), subj, slack, q.Period.Key(), cfg.Cur.Plain(q.Amount), setBy})
	}
	return t, nil
}

func exportTeam(ctx context.Context, db *storage.DB, _ app.Config) (*exportTable, error) {
	n, err := loadNames(ctx, db)
	if err != nil {
		return nil, err
	}
	people, err := db.People(ctx)
	if err != nil {
		return nil, err
	}
	t := &exportTable{header: []string{"name", "real_name", "slack_id", "email", "role", "manager", "territory"}}
	for _, p := range people {
		mgr, _ := n.person(p.Manager)
		t.rows = append(t.rows, []string{p.Name, p.RealName, p.SlackID, p.Email, p.Role.String(), mgr, n.terrs[p.Territory]})
	}
	return t, nil
}
