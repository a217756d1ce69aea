package main

import (
	"context"
	"time"

	"github.com/salesbot/salesbot/app"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/transfer"
)

// exportHubSpotDeals writes the deals as HubSpot's deal importer reads
// them (transfer.HubSpotColumns): stages as its default pipeline's labels,
// dates as YYYY-MM-DD in the team's zone, amounts as plain numbers, owners
// by email. A closed deal's Close Date is when it closed, as in HubSpot;
// salesbot's own import reads the file back with no flags.
func exportHubSpotDeals(ctx context.Context, db *storage.DB, cfg app.Config) (*exportTable, error) {
	n, stages, deals, err := exportInputs(ctx, db)
	if err != nil {
		return nil, err
	}
	labels := transfer.HubSpotStages(stages)
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(cfg.Loc).Format("2006-01-02")
	}
	t := &exportTable{header: transfer.HubSpotColumns, num: map[string]bool{"Amount": true}}
	for _, d := range deals {
		owner := ""
		if p, ok := n.people[d.Owner]; ok {
			owner = transfer.HubSpotOwner(p)
		}
		closeDate := d.CloseDate.UTC().Format("2006-01-02")
		if d.CloseDate.IsZero() {
			closeDate = ""
		}
		if stages.Kind(d.Stage) != sales.StageOpen && !d.ClosedAt.IsZero() {
			closeDate = date(d.ClosedAt)
		}
		t.rows = append(t.rows, []string{
			d.Account, transfer.HubSpotPipeline, labels[d.Stage], amount(cfg.Cur, d.Amount), closeDate,
			date(d.CreatedAt), owner, d.LostReason,
		})
	}
	return t, nil
}
