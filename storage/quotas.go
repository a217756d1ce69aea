package storage

import (
	"context"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// SetQuota creates or replaces the quota for (Scope, Subject, Period).
func (db *DB) SetQuota(ctx context.Context, q sales.Quota) error {
	if err := validQuota(&q); err != nil {
		return err
	}
	return db.write(ctx, "set quota", func(tx *bolt.Tx) error {
		return tx.Bucket(bQuotas).Put(quotaKey(q.Scope, q.Subject, q.Period), encodeQuota(&q))
	})
}

// Quota returns the quota for scope/subject/period; ok=false when none.
func (db *DB) Quota(ctx context.Context, scope sales.QuotaScope, subject uint64, p sales.Period) (sales.Quota, bool, error) {
	var q sales.Quota
	var ok bool
	err := db.view(ctx, "get quota", func(tx *bolt.Tx) error {
		k := quotaKey(scope, subject, p)
		v := tx.Bucket(bQuotas).Get(k)
		if v == nil {
			return nil
		}
		var err error
		q, err = decodeQuota(k, v)
		ok = err == nil
		return err
	})
	return q, ok, err
}

// Quotas lists all quotas ordered by period (year, then first month, then
// month before quarter before year), scope, subject.
func (db *DB) Quotas(ctx context.Context) ([]sales.Quota, error) {
	var out []sales.Quota
	err := db.view(ctx, "list quotas", func(tx *bolt.Tx) error {
		out = nil
		return tx.Bucket(bQuotas).ForEach(func(k, v []byte) error {
			q, err := decodeQuota(k, v)
			if err != nil {
				return err
			}
			out = append(out, q)
			return nil
		})
	})
	return out, err
}

func validQuota(q *sales.Quota) error {
	switch q.Scope {
	case sales.ScopeRep, sales.ScopeTeam, sales.ScopeTerritory:
	default:
		return sales.Errorf(sales.EINVALID, "quota scope must be rep, team or territory")
	}
	if q.Amount < 0 {
		return sales.Errorf(sales.EINVALID, "a quota cannot be negative")
	}
	p := q.Period
	ok := p.Year >= 1970 && p.Year <= 9999
	switch p.Kind {
	case sales.Month:
		ok = ok && p.Index >= 1 && p.Index <= 12
	case sales.Quarter:
		ok = ok && p.Index >= 1 && p.Index <= 4
	case sales.Year:
		ok = ok && p.Index == 0
	default:
		ok = false
	}
	if !ok {
		return sales.Errorf(sales.EINVALID, "quota period is not valid: use %s", sales.PeriodForms)
	}
	return nil
}
