package report

import (
	"context"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// DefaultPeriod is the period progress is shown for when the user names
// none: the current month, quarter or year, whichever the subject has a
// quota for (checked in that order), else the current month. Everyone
// (/goal, /pipeline, the digest, nudges, win posts) uses it so they agree.
func DefaultPeriod(ctx context.Context, src Source, sub Subject, now time.Time, loc *time.Location) (sales.Period, error) {
	for _, k := range []sales.PeriodKind{sales.Month, sales.Quarter, sales.Year} {
		p := sales.PeriodOf(k, now, loc)
		_, ok, err := QuotaOf(ctx, src, sub, p, nil)
		if err != nil {
			return sales.Period{}, err
		}
		if ok {
			return p, nil
		}
	}
	return sales.PeriodOf(sales.Month, now, loc), nil
}
