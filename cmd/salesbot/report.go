package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/salesbot/salesbot/csvsafe"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// ReportColumns are the fields of `report --format csv|json`, in the
// order interface.md fixes.
var ReportColumns = []string{"key", "open", "won", "lost", "win_rate", "avg_deal_size", "avg_cycle_days", "velocity", "pipeline_value", "won_value"}

// ReportActivityColumns follow the fixed ones: activities logged in the
// window by the row's people (report.ActivityRollup).
var ReportActivityColumns = []string{"calls", "meetings", "emails", "activities", "activities_per_won"}

// ReportCmd is `salesbot report --by ... [--from D] [--to D] [--format ...]`.
func ReportCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := newCommand("report", stdout, stderr)
	by := c.fs.String("by", "owner", "group by owner, manager, territory, stage or all")
	from := c.fs.String("from", "", "count deals closed on or after this date (YYYY-MM-DD, or an RFC 3339 instant); default: all time")
	to := c.fs.String("to", "", "count deals closed up to and including this date (YYYY-MM-DD, or an RFC 3339 instant, included); open deals are those open at its end")
	period := c.fs.String("period", "", "shorthand for --from/--to: month, quarter, year, 2026-11, 2026-Q4 or 2026")
	format := c.fs.String("format", "table", "table, csv or json")
	raw := c.fs.Bool("raw", false, "csv: write names verbatim, without the quote that keeps a spreadsheet from running =, +, -, @ as formulas")
	pos, err := c.parse(args)
	if err != nil {
		return c.fail(err)
	}
	if len(pos) > 0 {
		return c.fail(usagef("unexpected argument %q", pos[0]))
	}
	b, err := report.ParseBy(*by)
	if err != nil {
		return c.fail(usagef("%s", sales.ErrorMessage(err)))
	}
	switch *format {
	case "table", "csv", "json":
	default:
		return c.fail(usagef("--format %q: use table, csv or json", *format))
	}
	now := time.Now()
	w, err := reportWindow(*from, *to, *period, now, c.cfg.Loc)
	if err != nil {
		return c.fail(err)
	}
	return c.fail(runReport(ctx, c, b, w, now, *format, *raw))
}

// reportWindow turns --from/--to or --period into a metrics window
// (sales.ParseWindow: dates are whole days in the team's zone, both
// included; an RFC 3339 --to is inclusive at that instant).
func reportWindow(from, to, period string, now time.Time, loc *time.Location) (sales.Window, error) {
	if period != "" {
		if from != "" || to != "" {
			return sales.Window{}, usagef("use --period or --from/--to, not both")
		}
		p, err := sales.ParsePeriod(period, now, loc)
		if err != nil {
			return sales.Window{}, usagef("--period: %s", sales.ErrorMessage(err))
		}
		return sales.WindowOf(p, loc), nil
	}
	w, err := sales.ParseWindow(from, to, loc)
	if err != nil {
		return sales.Window{}, usagef("%s", sales.ErrorMessage(err))
	}
	return w, nil
}

func runReport(ctx context.Context, c *command, by report.By, win sales.Window, now time.Time, format string, raw bool) (err error) {
	db, err := c.openForRead(ctx)
	if err != nil {
		return err
	}
	defer closeDB(db, &err)
	t, err := report.Rollup(ctx, db, by, win, report.Env{Now: now, Loc: c.cfg.Loc, Cur: c.cfg.Cur})
	if err != nil {
		return err
	}
	acts, actTotal, err := report.ActivityRollup(ctx, db, db, t, by, win)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(c.stdout)
	switch format {
	case "csv":
		err = writeReportCSV(bw, t.Rows, acts, c.cfg.Cur, raw)
	case "json":
		err = writeReportJSON(bw, t.Rows, acts, c.cfg.Cur)
	default:
		err = writeReportTable(bw, t, acts, actTotal, by, c.cfg.Cur, c.cfg.Loc)
	}
	if err != nil {
		return err
	}
	if format != "table" {
		// csv and json keep their fixed columns; what a number leaves out
		// goes beside them.
		for _, n := range reportNotes(t, acts) {
			fmt.Fprintf(c.stderr, "note: %s\n", n)
		}
	}
	return bw.Flush()
}

// reportNotes says what the numbers leave out or could not compute, once
// per row that has something to say: "alice: sales cycle leaves out no
// created date on 12 deals".
func reportNotes(t report.Table, acts []report.ActivityRow) []string {
	var out []string
	if len(acts) > 0 && acts[0].Why != "" {
		out = append(out, "activity columns are empty: "+acts[0].Why)
	}
	for _, r := range append(append([]report.Row{}, t.Rows...), t.Total) {
		f := r.Funnel
		if f.AvgCycleDays.Why != "" && (r.Sum.NoCreated > 0 || r.Sum.ClosedBeforeCreated > 0 || r.Sum.NoCloseDate > 0) {
			verb := "leaves out"
			if !f.AvgCycleDays.OK {
				verb = "is n/a:"
			}
			out = append(out, fmt.Sprintf("%s: sales cycle %s %s", tabSafe(r.Key), verb, f.AvgCycleDays.Why))
		}
		if n := r.Sum.Pipeline.Unstaged; n > 0 {
			out = append(out, fmt.Sprintf("%s: %d open %s at the window's end closed later with no stage history: counted in open and pipeline, stage unknown",
				tabSafe(r.Key), n, map[bool]string{true: "deal", false: "deals"}[n == 1]))
		}
	}
	return out
}

// full renders a metric at full precision (shortest exact decimal, no
// exponent); n/a is "".
func full(n sales.Num) string {
	if !n.OK {
		return ""
	}
	return strconv.FormatFloat(n.V, 'f', -1, 64)
}

// fullMoney renders a minor-unit average in major units at full precision.
func fullMoney(n sales.Num, cur sales.Currency) string {
	if !n.OK {
		return ""
	}
	return strconv.FormatFloat(n.V/float64(cur.Unit()), 'f', -1, 64)
}

// reportFields renders one row in ReportColumns then
// ReportActivityColumns order; every field but the key is a number ("" =
// n/a).
func reportFields(r report.Row, a report.ActivityRow, cur sales.Currency) []string {
	f := r.Funnel
	act := []string{"", "", "", "", ""}
	if a.Why == "" {
		act = []string{strconv.Itoa(a.Calls), strconv.Itoa(a.Meetings), strconv.Itoa(a.Emails), strconv.Itoa(a.All), full(a.PerWon)}
	}
	return append([]string{
		r.Key,
		strconv.FormatInt(f.Open, 10), strconv.FormatInt(f.Won, 10), strconv.FormatInt(f.Lost, 10),
		full(f.WinRate), fullMoney(f.AvgDealSize, cur), full(f.AvgCycleDays), fullMoney(f.Velocity, cur),
		cur.Plain(f.PipelineValue), cur.Plain(f.WonValue),
	}, act...)
}

func reportHeader() []string { return append(slices.Clone(ReportColumns), ReportActivityColumns...) }

// writeReportCSV neutralizes the key (a name users typed); every other
// column is a number we computed.
func writeReportCSV(w io.Writer, rows []report.Row, acts []report.ActivityRow, cur sales.Currency, raw bool) error {
	head := reportHeader()
	numeric := make([]int, 0, len(head)-1)
	for i := 1; i < len(head); i++ {
		numeric = append(numeric, i)
	}
	cw := csvsafe.NewWriter(w, raw, numeric...)
	cw.Write(head)
	for i, r := range rows {
		cw.Write(reportFields(r, acts[i], cur))
	}
	cw.Flush()
	return cw.Error()
}

func writeReportJSON(w *bufio.Writer, rows []report.Row, acts []report.ActivityRow, cur sales.Currency) error {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = reportFields(r, acts[i], cur)
	}
	return writeRowsJSON(w, reportHeader(), out, 1)
}

func writeReportTable(w io.Writer, t report.Table, acts []report.ActivityRow, actTotal report.ActivityRow, by report.By, cur sales.Currency, loc *time.Location) error {
	if t.Past {
		fmt.Fprintf(w, "Open deals and pipeline as of %s (the window's end).\n", t.AsOf.In(loc).Format("Mon 2 Jan 2006 15:04 MST"))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := strings.ToUpper(string(by)[:1]) + string(by)[1:]
	total := t.Total
	if by == report.ByManager {
		// Teams nest, so the rows do not add up to the company.
		total.Key = "Everyone"
	}
	// tabwriter aligns every column right; padding the names to one width
	// keeps the first column left-aligned.
	width := utf8.RuneCountInString(head)
	for _, r := range append(t.Rows, total) {
		width = max(width, utf8.RuneCountInString(tabSafe(r.Key)))
	}
	pad := func(s string) string { return s + strings.Repeat(" ", width-utf8.RuneCountInString(s)) }
	fmt.Fprintf(tw, "%s\tOpen\tWon\tLost\tWin rate\tAvg deal\tCycle (days)\tVelocity/day\tPipeline\tWon value\tCalls\tMeetings\tEmails\tActivities/won\t\n", pad(head))
	for i, r := range t.Rows {
		reportTableRow(tw, pad(tabSafe(r.Key)), r.Funnel, acts[i], cur)
	}
	if len(t.Rows) > 1 && by != report.ByAll || by == report.ByManager && len(t.Rows) > 0 {
		reportTableRow(tw, pad(total.Key), total.Funnel, actTotal, cur)
	}
	if len(t.Rows) == 0 {
		fmt.Fprintln(tw, "(no deals)\t\t\t\t\t\t\t\t\t\t\t\t\t\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range reportNotes(t, acts) {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
	return nil
}

func reportTableRow(w io.Writer, key string, f sales.Funnel, a report.ActivityRow, cur sales.Currency) {
	calls, meetings, emails := sales.NA, sales.NA, sales.NA
	if a.Why == "" {
		calls, meetings, emails = strconv.Itoa(a.Calls), strconv.Itoa(a.Meetings), strconv.Itoa(a.Emails)
	}
	fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", key, f.Open, f.Won, f.Lost,
		f.WinRate.Percent(), shortMoney(f.AvgDealSize, cur), f.AvgCycleDays.Fixed(1), shortMoney(f.Velocity, cur),
		cur.Abbrev(f.PipelineValue), cur.Abbrev(f.WonValue), calls, meetings, emails, a.PerWon.Fixed(1))
}

func shortMoney(n sales.Num, cur sales.Currency) string {
	if !n.OK {
		return sales.NA
	}
	return cur.Abbrev(sales.Money(n.V + 0.5))
}

// tabSafe keeps a name with a tab from breaking the table's columns.
func tabSafe(s string) string { return strings.NewReplacer("\t", " ", "\n", " ").Replace(s) }
