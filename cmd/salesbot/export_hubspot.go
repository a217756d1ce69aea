package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/salesbot/salesbot/app"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/transfer"
)

// exportHubSpotDeals writes the deals as HubSpot's deal importer reads
// them (transfer.HubSpotColumns): stages as its default pipeline's labels
// (transfer.HubSpotStages, which import reads back to the same stages),
// dates as YYYY-MM-DD in the team's zone, amounts as plain numbers, owners
// by email. A closed deal's Close Date is the day it counts as closed in
// (sales.CloseDay), as in HubSpot; salesbot's own import reads the file
// back with no flags.
func exportHubSpotDeals(ctx context.Context, db *storage.DB, cfg app.Config) (*exportTable, error) {
	n, stages, deals, err := exportInputs(ctx, db)
	if err != nil {
		return nil, err
	}
	labels, fits := transfer.HubSpotStages(stages)
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(cfg.Loc).Format("2006-01-02")
	}
	t := &exportTable{header: transfer.HubSpotColumns, num: map[string]bool{"Amount": true}}
	if !fits {
		var names []string
		for _, s := range stages.Open() {
			names = append(names, s.Name)
		}
		t.note = fmt.Sprintf("your team has %d open stages and HubSpot's %s has 5, so Deal Stage holds your stage names (%s): "+
			"give the pipeline stages of those names in HubSpot (Settings > Objects > Deals > Pipelines) before importing the file",
			len(names), transfer.HubSpotPipeline, strings.Join(names, ", "))
	}
	for _, d := range deals {
		owner := ""
		if p, ok := n.people[d.Owner]; ok {
			owner = transfer.HubSpotOwner(p)
		}
		closeDate := civilDate(d.CloseDate)
		if kind := stages.Kind(d.Stage); kind != sales.StageOpen {
			// "" for a deal closed at a time nobody knows.
			closeDate = civilDay(sales.CloseDay(kind, sales.CloseDateOf(d), d.ClosedAt, cfg.Loc))
		}
		t.rows = append(t.rows, []string{
			d.Account, transfer.HubSpotPipeline, labels[d.Stage], amount(cfg.Cur, d.Amount), closeDate,
			date(d.CreatedAt), owner, d.LostReason,
		})
	}
	return t, nil
}
