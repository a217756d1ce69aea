package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/salesbot/salesbot/csvsafe"
	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// BacktestColumns are `forecast --backtest --format csv|json`'s fields, in
// the order interface.md fixes (money in major units).
var BacktestColumns = []string{"period", "as_of", "predicted", "low", "high", "actual"}

// ForecastColumns are `forecast --format csv|json`'s fields.
var ForecastColumns = []string{"key", "won_to_date", "commit", "best_case", "pipeline", "predicted", "low", "high", "quota", "chance", "more_needed", "note"}

// ForecastCmd is `salesbot forecast [--period P] [--by ...] [--format ...]`
// and `salesbot forecast --backtest [--by quarter|month] [--from D] [--to D]
// [--as-of-day N] [--format ...]`.
func ForecastCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := newCommand("forecast", stdout, stderr)
	period := c.fs.String("period", "", "period to forecast: month, quarter, year, 2026-12, 2026-Q4 or 2026 (default: the company's quota period)")
	by := c.fs.String("by", "", "forecast: owner, manager, territory or all (default all); --backtest: quarter or month (default quarter)")
	backtest := c.fs.Bool("backtest", false, "replay the method on past periods from the data known then and compare with what was won")
	from := c.fs.String("from", "", "--backtest: first period to replay, as a date in it (YYYY-MM-DD); default: four periods back")
	to := c.fs.String("to", "", "--backtest: last period to replay, as a date in it (YYYY-MM-DD); default: the last finished period")
	asOfDay := c.fs.Int("as-of-day", 1, "--backtest: predict as of this day of each period (1 = its first day)")
	format := c.fs.String("format", "table", "table, csv or json")
	pos, err := c.parse(args)
	if err != nil {
		return c.fail(err)
	}
	if len(pos) > 0 {
		return c.fail(usagef("unexpected argument %q", pos[0]))
	}
	switch *format {
	case "table", "csv", "json":
	default:
		return c.fail(usagef("--format %q: use table, csv or json", *format))
	}
	now := time.Now()
	if *backtest {
		if *period != "" {
			return c.fail(usagef("--period is for a forecast; --backtest takes --from and --to"))
		}
		kind := sales.Quarter
		switch *by {
		case "", "quarter":
		case "month":
			kind = sales.Month
		default:
			return c.fail(usagef("--backtest --by %q: use quarter or month", *by))
		}
		periods, err := backtestPeriods(kind, *from, *to, now, c.cfg.Loc)
		if err != nil {
			return c.fail(err)
		}
		return c.fail(runBacktest(ctx, c, periods, *asOfDay, *format))
	}
	if *from != "" || *to != "" {
		return c.fail(usagef("--from and --to are for --backtest; a forecast takes --period"))
	}
	switch *by {
	case "", "all", "owner", "manager", "territory":
	default:
		return c.fail(usagef("--by %q: use owner, manager, territory or all", *by))
	}
	return c.fail(runForecast(ctx, c, *period, *by, *format, now))
}

// backtestPeriods lists the finished periods of kind from the one holding
// from to the one holding to.
func backtestPeriods(kind sales.PeriodKind, from, to string, now time.Time, loc *time.Location) ([]sales.Period, error) {
	last := sales.PeriodOf(kind, now, loc).Previous()
	dp := dateParser{loc: loc}
	if to != "" {
		t, err := dp.instant("--to", to)
		if err != nil {
			return nil, usagef("%s", err)
		}
		p := sales.PeriodOf(kind, t, loc)
		if !p.End(loc).After(now) {
			last = p
		} else {
			return nil, usagef("--to %s is in a period that has not ended: a backtest compares with what was won, so use %s or earlier", to, last.Label())
		}
	}
	first := last
	for range 3 {
		first = first.Previous()
	}
	if from != "" {
		t, err := dp.instant("--from", from)
		if err != nil {
			return nil, usagef("%s", err)
		}
		first = sales.PeriodOf(kind, t, loc)
	}
	var out []sales.Period
	for p := first; !p.Start(loc).After(last.Start(loc)); p = next(p, loc) {
		out = append(out, p)
		if len(out) > 1000 {
			return nil, usagef("--from %s to --to %s is more than 1,000 periods", from, to)
		}
	}
	if len(out) == 0 {
		return nil, usagef("--from %s is after --to %s", first.Label(), last.Label())
	}
	return out, nil
}

func next(p sales.Period, loc *time.Location) sales.Period {
	return sales.PeriodOf(p.Kind, p.End(loc).Add(time.Hour), loc)
}

// histories loads every deal and its history for the engine.
func histories(ctx context.Context, db *storage.DB, cur sales.Currency) ([]forecast.Deal, sales.StageSet, error) {
	stages, err := db.Stages(ctx)
	if err != nil {
		return nil, stages, err
	}
	deals, err := db.FindDeals(ctx, sales.DealFilter{})
	if err != nil {
		return nil, stages, err
	}
	events, err := db.EventsBetween(ctx, time.Time{}, time.Time{})
	if err != nil {
		return nil, stages, err
	}
	return forecast.Histories(deals, events, stages, cur), stages, nil
}

func runBacktest(ctx context.Context, c *command, periods []sales.Period, asOfDay int, format string) (err error) {
	db, err := c.openForRead(ctx)
	if err != nil {
		return err
	}
	defer closeDB(db, &err)
	h, stages, err := histories(ctx, db, c.cfg.Cur)
	if err != nil {
		return err
	}
	rows, err := forecast.Backtest(h, periods, asOfDay, forecast.Options{Stages: stages, Loc: c.cfg.Loc})
	if err != nil {
		return usagef("--as-of-day: %s", sales.ErrorMessage(err))
	}
	cur := c.cfg.Cur
	out := make([][]string, len(rows))
	notes := make([]string, len(rows))
	for i, r := range rows {
		out[i] = []string{r.Period.Key(), r.AsOf.In(c.cfg.Loc).Format(time.DateOnly), cur.Plain(r.Predicted), cur.Plain(r.Low), cur.Plain(r.High), cur.Plain(r.Actual)}
		notes[i] = r.Reason
	}
	bw := bufio.NewWriter(c.stdout)
	switch format {
	case "csv":
		err = writeRowsCSV(bw, BacktestColumns, out, 1)
	case "json":
		err = writeRowsJSON(bw, BacktestColumns, out, 2)
	default:
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "Period\tAs of\tPredicted\tLow\tHigh\tActual\tError\t")
		for i, r := range rows {
			e := sales.NA
			switch {
			case r.Empty:
				e = "no deals yet"
			case r.Actual > 0:
				e = sales.Some(float64(r.Predicted-r.Actual) / float64(r.Actual)).Percent()
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Period.Label(), out[i][1], cur.Abbrev(r.Predicted), cur.Abbrev(r.Low), cur.Abbrev(r.High), cur.Abbrev(r.Actual), e)
		}
		if err = tw.Flush(); err != nil {
			return err
		}
		checked := forecast.Checked(rows)
		fmt.Fprintf(bw, "\nMedian error %s over the periods with wins; the 80%% range held the actual in %s of %d %s",
			forecast.MedianAPE(rows).Percent(), forecast.Coverage(rows).Percent(), checked, plural(checked, "period"))
		if empty := len(rows) - checked; empty > 0 {
			fmt.Fprintf(bw, " (%d %s before the first deal left out)", empty, plural(empty, "period"))
		}
		fmt.Fprintln(bw, ".")
		if i := slices.IndexFunc(notes, func(s string) bool { return s != "" }); i >= 0 {
			fmt.Fprintf(bw, "Some periods used the fallback (%s).\n", notes[i])
		}
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// forecastGroup is one row of a forecast: who, whose quota, which deals.
type forecastGroup struct {
	key     string
	sub     report.Subject
	selects func(*forecast.Deal) bool
}

func runForecast(ctx context.Context, c *command, periodArg, by, format string, now time.Time) (err error) {
	db, err := c.openForRead(ctx)
	if err != nil {
		return err
	}
	defer closeDB(db, &err)
	loc, cur := c.cfg.Loc, c.cfg.Cur
	company := report.Subject{Scope: sales.ScopeTeam}
	var p sales.Period
	if periodArg != "" {
		if p, err = sales.ParsePeriod(periodArg, now, loc); err != nil {
			return usagef("--period: %s", sales.ErrorMessage(err))
		}
	} else if p, err = report.DefaultPeriod(ctx, db, company, now, loc); err != nil {
		return err
	}
	h, stages, err := histories(ctx, db, cur)
	if err != nil {
		return err
	}
	people, err := db.People(ctx)
	if err != nil {
		return err
	}
	groups := []forecastGroup{{key: "All", sub: company}}
	switch by {
	case "owner":
		groups = groups[:0]
		for _, person := range people {
			id := person.ID
			groups = append(groups, forecastGroup{key: person.Label(), sub: report.Subject{Scope: sales.ScopeRep, Person: id},
				selects: func(d *forecast.Deal) bool { return d.Owner == id }})
		}
	case "manager":
		groups = groups[:0]
		for _, person := range people {
			team := sales.TeamOf(people, person.ID)
			if len(team) <= 1 {
				continue
			}
			groups = append(groups, forecastGroup{key: person.Label(), sub: report.Subject{Scope: sales.ScopeTeam, Manager: person.ID},
				selects: func(d *forecast.Deal) bool { return team[d.Owner] }})
		}
	case "territory":
		terrs, err := db.Territories(ctx)
		if err != nil {
			return err
		}
		groups = groups[:0]
		for _, t := range terrs {
			id := t.ID
			groups = append(groups, forecastGroup{key: t.Name, sub: report.Subject{Scope: sales.ScopeTerritory, Territory: id},
				selects: func(d *forecast.Deal) bool { return d.Territory == id }})
		}
	}
	asOf := now
	if end := p.End(loc); !end.After(now) {
		asOf = end.Add(-time.Nanosecond) // a past period: as of its last moment
	}
	model := forecast.Learn(h, p, asOf, forecast.Options{Stages: stages, Loc: loc})
	rows := make([][]string, 0, len(groups))
	var notes []string
	for _, g := range groups {
		basis, _, err := report.Basis(ctx, db, g.sub, p)
		if err != nil {
			return err
		}
		pr := model.ProjectQuota(g.selects, basis.Amount, basis.Has)
		quota, chance, more := "", full(pr.Chance), ""
		if basis.Has {
			quota, more = cur.Plain(basis.Amount), cur.Plain(pr.MoreNeeded)
		}
		rows = append(rows, []string{g.key, cur.Plain(pr.WonToDate), cur.Plain(pr.Totals.Commit()), cur.Plain(pr.Totals.BestCase()),
			cur.Plain(pr.Totals.OpenPipeline), cur.Plain(pr.Predicted), cur.Plain(pr.Low), cur.Plain(pr.High), quota, chance, more, pr.Reason})
		notes = append(notes, pr.Reason)
	}
	bw := bufio.NewWriter(c.stdout)
	switch format {
	case "csv":
		err = writeRowsCSV(bw, ForecastColumns, rows, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	case "json":
		err = writeRowsJSON(bw, ForecastColumns, rows, 1)
	default:
		fmt.Fprintf(bw, "Forecast for %s as of %s\n\n", p.Label(), asOf.In(loc).Format("Mon 2 Jan 2006 15:04 MST"))
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', tabwriter.AlignRight)
		// tabwriter aligns right; padding the names keeps them left-aligned.
		width := 0
		for _, r := range rows {
			width = max(width, utf8.RuneCountInString(tabSafe(r[0])))
		}
		pad := func(s string) string { return s + strings.Repeat(" ", width-utf8.RuneCountInString(s)) }
		fmt.Fprintf(tw, "%s\tWon\tCommit\tBest case\tPipeline\tProjection\t80%% range\tQuota\tChance\tStill needed\t\n", pad(""))
		money := func(s string) string {
			if s == "" {
				return sales.NA
			}
			m, _ := cur.ParsePlain(s)
			return cur.Abbrev(m)
		}
		for _, r := range rows {
			chance := sales.NA
			if r[9] != "" {
				v, _ := strconv.ParseFloat(r[9], 64)
				chance = sales.Some(v).Percent()
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s–%s\t%s\t%s\t%s\t\n", pad(tabSafe(r[0])), money(r[1]), money(r[2]), money(r[3]), money(r[4]),
				money(r[5]), money(r[6]), money(r[7]), money(r[8]), chance, money(r[10]))
		}
		if len(rows) == 0 {
			fmt.Fprintln(tw, "(nobody to group by)\t\t\t\t\t\t\t\t\t\t")
		}
		if err = tw.Flush(); err != nil {
			return err
		}
		if i := slices.IndexFunc(notes, func(s string) bool { return s != "" }); i >= 0 {
			fmt.Fprintf(bw, "\n%s\n", notes[i])
		}
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// writeRowsCSV writes a header and rows; columns not in numeric (names
// people typed) are neutralised against spreadsheet formulas.
func writeRowsCSV(w io.Writer, head []string, rows [][]string, numeric ...int) error {
	cw := csvsafe.NewWriter(w, false, numeric...)
	cw.Write(head)
	for _, r := range rows {
		cw.Write(r)
	}
	cw.Flush()
	return cw.Error()
}

// writeRowsJSON writes rows as objects; columns before firstNumber are
// strings, the rest numbers ("" = null) except a trailing "note".
func writeRowsJSON(w *bufio.Writer, head []string, rows [][]string, firstNumber int) error {
	w.WriteString("[")
	for i, r := range rows {
		if i > 0 {
			w.WriteString(",")
		}
		w.WriteString("\n{")
		for j, v := range r {
			if j > 0 {
				w.WriteString(",")
			}
			fmt.Fprintf(w, "%q:", head[j])
			switch {
			case j < firstNumber || head[j] == "note":
				b, err := json.Marshal(v)
				if err != nil {
					return err
				}
				w.Write(b)
			case v == "":
				w.WriteString("null")
			default:
				w.WriteString(v)
			}
		}
		w.WriteString("}")
	}
	if len(rows) > 0 {
		w.WriteString("\n")
	}
	_, err := w.WriteString("]\n")
	return err
}
