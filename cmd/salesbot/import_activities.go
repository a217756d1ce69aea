package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/salesbot/salesbot/app"
	"github.com/salesbot/salesbot/csvsafe"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// `salesbot export activities` and `salesbot import activities --file F`
// read and write one format, so an export imports back changing nothing.
// Kept apart from the deal import (import.go) on purpose: activities map
// no CRM columns, and each row names the deal (D-42, or a deal's external
// id) or just an account.

// activityColumns are the export's columns; import needs who (or
// who_slack_id), type, and deal or account.
var activityColumns = []string{"id", "deal", "account", "at", "who", "who_slack_id", "type", "outcome", "text"}

func init() { exporters["activities"] = exportActivities }

func exportActivities(ctx context.Context, db *storage.DB, _ app.Config) (*exportTable, error) {
	n, err := loadNames(ctx, db)
	if err != nil {
		return nil, err
	}
	t := &exportTable{header: activityColumns}
	err = db.ScanActivities(ctx, time.Time{}, time.Time{}, func(a sales.Activity) error {
		who, slack := n.person(a.Who)
		deal := ""
		if a.Deal != 0 {
			deal = a.Deal.String()
		}
		t.rows = append(t.rows, []string{a.ID.String(), deal, a.Account, stamp(a.At), who, slack, a.Type, a.Outcome, a.Text})
		return nil
	})
	return t, err
}

// importActivitiesCmd is `salesbot import activities --file F [--format csv|json] [--raw]`.
func importActivitiesCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := newCommand("import activities", stdout, stderr)
	file := c.fs.String("file", "", "CSV or JSON file in the format of `salesbot export activities`; - reads stdin")
	format := c.fs.String("format", "", "csv or json (default: detected)")
	raw := c.fs.Bool("raw", false, "csv: keep a leading ' as data instead of taking off the quote export puts before =, +, -, @")
	pos, err := c.parse(args)
	if err != nil {
		return c.fail(err)
	}
	switch {
	case len(pos) > 0:
		return c.fail(usagef("unexpected argument %q", pos[0]))
	case *file == "":
		return c.fail(usagef("--file is required (the format of salesbot export activities; - reads stdin)"))
	case *format != "" && *format != "csv" && *format != "json":
		return c.fail(usagef("--format %q: use csv or json", *format))
	}
	return c.fail(runImportActivities(ctx, c, *file, *format, *raw, stdin))
}

func runImportActivities(ctx context.Context, c *command, file, format string, raw bool, stdin io.Reader) (err error) {
	var data []byte
	if file == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(file)
		if format == "" && strings.EqualFold(filepath.Ext(file), ".json") {
			format = "json"
		}
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	if format == "" && bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
		format = "json"
	}
	rows, err := readActivityRows(data, format, raw)
	if err != nil {
		return err
	}
	db, err := c.open(false)
	if err != nil {
		return err
	}
	defer closeDB(db, &err)
	acts, err := activityRows(ctx, db, rows)
	if err != nil {
		return err
	}
	res, err := db.ImportActivities(ctx, acts)
	if err != nil {
		return err
	}
	what := "activities"
	if len(acts) == 1 {
		what = "activity"
	}
	fmt.Fprintf(c.stdout, "imported %d %s: %d new, %d unchanged\n", len(acts), what, res.Created, res.Unchanged)
	return nil
}

// activityRow is one row by column name, with its line for messages.
type activityRow struct {
	line int
	get  map[string]string
}

func readActivityRows(data []byte, format string, raw bool) ([]activityRow, error) {
	var out []activityRow
	if format == "json" {
		var objs []map[string]any
		if err := json.Unmarshal(data, &objs); err != nil {
			return nil, sales.Errorf(sales.EINVALID, "the file is not a JSON array of objects: %v", err)
		}
		for i, o := range objs {
			r := activityRow{line: i + 1, get: map[string]string{}}
			for k, v := range o {
				if v != nil {
					r.get[strings.ToLower(k)] = fmt.Sprint(v)
				}
			}
			out = append(out, r)
		}
		return out, nil
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, sales.Errorf(sales.EINVALID, "the file is not valid CSV: %v", err)
	}
	if len(recs) == 0 {
		return nil, sales.Errorf(sales.EINVALID, "the file is empty: it needs a header row (%s)", strings.Join(activityColumns, ","))
	}
	head := recs[0]
	for i, rec := range recs[1:] {
		r := activityRow{line: i + 2, get: map[string]string{}}
		for j, v := range rec {
			if j < len(head) {
				if !raw {
					v = csvsafe.Restore(v)
				}
				r.get[strings.ToLower(strings.TrimSpace(head[j]))] = v
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// activityRows resolves each row's person and deal; the first bad row
// stops the import with its line, and nothing is written.
func activityRows(ctx context.Context, db *storage.DB, rows []activityRow) ([]sales.Activity, error) {
	people, err := db.People(ctx)
	if err != nil {
		return nil, err
	}
	bySlack, byName := map[string]sales.PersonID{}, map[string]sales.PersonID{}
	for _, p := range people {
		if p.SlackID != "" {
			bySlack[p.SlackID] = p.ID
		}
		byName[strings.ToLower(p.Label())] = p.ID
	}
	out := make([]sales.Activity, 0, len(rows))
	for _, r := range rows {
		bad := func(format string, args ...any) error {
			return sales.Errorf(sales.EINVALID, "row %d: %s", r.line, fmt.Sprintf(format, args...))
		}
		a := sales.Activity{Type: r.get["type"], Outcome: r.get["outcome"], Text: r.get["text"], Account: r.get["account"]}
		switch who, slack := strings.TrimSpace(r.get["who"]), strings.TrimSpace(r.get["who_slack_id"]); {
		case slack != "" && bySlack[slack] != 0:
			a.Who = bySlack[slack]
		case who != "" && byName[strings.ToLower(who)] != 0:
			a.Who = byName[strings.ToLower(who)]
		case who == "" && slack == "":
			return nil, bad("who is missing: name the person (who) or their Slack id (who_slack_id)")
		default:
			return nil, bad("%q is not a known person: import the team first (salesbot import team)", strings.TrimSpace(who+" "+slack))
		}
		if at := strings.TrimSpace(r.get["at"]); at != "" {
			t, err := time.Parse(time.RFC3339, at)
			if err != nil {
				return nil, bad("at %q is not an RFC 3339 time such as 2026-11-26T14:03:00Z", at)
			}
			a.At = t
		} else {
			return nil, bad("at is missing: when it happened, as 2026-11-26T14:03:00Z")
		}
		if d := strings.TrimSpace(r.get["deal"]); d != "" {
			if id, ok := sales.ParseDealID(d); ok {
				a.Deal = id
			} else if dl, err := db.DealByExternalID(ctx, d); err == nil {
				a.Deal = dl.ID
			} else {
				return nil, bad("deal %q is neither a deal id (D-42) nor a deal's external id", d)
			}
			a.Account = "" // the deal's own account is stored
		} else if strings.TrimSpace(a.Account) == "" {
			return nil, bad("name the deal (D-42) or, for an activity without one, the account")
		}
		out = append(out, a)
	}
	return out, nil
}
