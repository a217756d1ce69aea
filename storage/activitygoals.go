package storage

import (
	"bytes"
	"context"
	"time"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// bActGoals holds activity goals under
// person|team|kind|type|recurs|year|index, so one subject's goals of one
// period kind are one cursor range.
var bActGoals = []byte("activity_goals")

const activityGoalVersion = 1

func activityGoalKey(g *sales.ActivityGoal) []byte {
	w := activityGoalPrefix(g.Person, g.Team, g.Kind)
	w = w.str(g.Type)
	recurs := uint8(0)
	if g.Recurs {
		recurs = 1
	}
	return w.u8(recurs).u32(uint32(g.From.Year)).u32(uint32(g.From.Index))
}

func activityGoalPrefix(person sales.PersonID, team bool, kind sales.PeriodKind) writer {
	t := uint8(0)
	if team {
		t = 1
	}
	return writer(make([]byte, 0, 32)).u64(uint64(person)).u8(t).u8(uint8(kind))
}

func encodeActivityGoal(g *sales.ActivityGoal) []byte {
	return writer(nil).u8(activityGoalVersion).u32(uint32(g.Target)).u64(uint64(g.SetBy)).i64(g.SetAt.UnixNano())
}

func decodeActivityGoal(k, v []byte) (sales.ActivityGoal, error) {
	kr := reader{b: k}
	g := sales.ActivityGoal{Person: sales.PersonID(kr.u64())}
	g.Team = kr.u8() == 1
	g.Kind = sales.PeriodKind(kr.u8())
	g.Type = kr.str()
	g.Recurs = kr.u8() == 1
	g.From = sales.Period{Kind: g.Kind, Year: int(kr.u32()), Index: int(kr.u32())}
	vr := reader{b: v}
	vr.version(activityGoalVersion)
	g.Target = int(vr.u32())
	g.SetBy = sales.PersonID(vr.u64())
	if at := vr.i64(); at != 0 {
		g.SetAt = time.Unix(0, at).UTC()
	}
	if kr.err != nil {
		return g, kr.err
	}
	return g, vr.err
}

// SetActivityGoal stores g, replacing the goal with the same subject,
// type and start (a recurring goal from a later period leaves the earlier
// one in place for the periods before it).
func (db *DB) SetActivityGoal(ctx context.Context, g sales.ActivityGoal) error {
	if err := sales.ValidateActivityGoal(g); err != nil {
		return err
	}
	if g.SetAt.IsZero() {
		g.SetAt = db.Now()
	}
	return db.write(ctx, "set activity goal", func(tx *bolt.Tx) error {
		if g.Person != 0 && tx.Bucket(bPeople).Get(u64key(uint64(g.Person))) == nil {
			return sales.Errorf(sales.ENOTFOUND, "person %d not found", g.Person)
		}
		return tx.Bucket(bActGoals).Put(activityGoalKey(&g), encodeActivityGoal(&g))
	})
}

// ActivityGoals lists the goals of one subject for one period kind, every
// type, in key order; sales.GoalFor picks the one that holds.
func (db *DB) ActivityGoals(ctx context.Context, person sales.PersonID, team bool, kind sales.PeriodKind) ([]sales.ActivityGoal, error) {
	var out []sales.ActivityGoal
	prefix := []byte(activityGoalPrefix(person, team, kind))
	err := db.view(ctx, "list activity goals", func(tx *bolt.Tx) error {
		out = nil
		c := tx.Bucket(bActGoals).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			g, err := decodeActivityGoal(k, v)
			if err != nil {
				return err
			}
			out = append(out, g)
		}
		return nil
	})
	return out, err
}

// AllActivityGoals lists every goal (for the digest and the Home tab's
// team view).
func (db *DB) AllActivityGoals(ctx context.Context) ([]sales.ActivityGoal, error) {
	var out []sales.ActivityGoal
	err := db.view(ctx, "list activity goals", func(tx *bolt.Tx) error {
		out = nil
		return tx.Bucket(bActGoals).ForEach(func(k, v []byte) error {
			g, err := decodeActivityGoal(k, v)
			if err != nil {
				return err
			}
			out = append(out, g)
			return nil
		})
	})
	return out, err
}
