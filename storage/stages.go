package storage

import (
	"context"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// Stages returns the configured stages (sales.DefaultStages on a new file).
func (db *DB) Stages(ctx context.Context) (sales.StageSet, error) {
	var ss sales.StageSet
	err := db.view(ctx, "read stages", func(tx *bolt.Tx) error {
		var err error
		ss, err = loadStages(tx)
		return err
	})
	return ss, err
}

// SetStages validates and stores a stage configuration. Stage ids are
// stable, so renaming or re-weighting rewrites no deal; removing a stage
// that still has deals, or turning such a stage from open to closed (or
// back), is refused (EINVALID) because the deals' close times and indexes
// depend on it.
func (db *DB) SetStages(ctx context.Context, ss sales.StageSet) error {
	if err := checkStages(ss); err != nil {
		return err
	}
	return db.update(ctx, "set stages", func(tx *bolt.Tx) error {
		return putStages(tx, ss)
	})
}

// ModifyStages changes the stage configuration in one transaction: fn
// edits the stored set, which is then checked as SetStages checks it, so
// two admins' changes cannot undo each other. An error from fn writes
// nothing. It returns the stored set.
func (db *DB) ModifyStages(ctx context.Context, fn func(*sales.StageSet) error) (sales.StageSet, error) {
	var out sales.StageSet
	err := db.update(ctx, "set stages", func(tx *bolt.Tx) error {
		old, err := loadStages(tx)
		if err != nil {
			return err
		}
		ss := sales.StageSet{Stages: append([]sales.Stage(nil), old.Stages...)}
		if err := fn(&ss); err != nil {
			return err
		}
		if err := checkStages(ss); err != nil {
			return err
		}
		if err := putStages(tx, ss); err != nil {
			return err
		}
		out = ss
		return nil
	})
	if err != nil {
		return sales.StageSet{}, err
	}
	return out, nil
}

func checkStages(ss sales.StageSet) error {
	if err := ss.Validate(); err != nil {
		return err
	}
	if len(ss.Stages) > 255 {
		return sales.Errorf(sales.EINVALID, "at most 255 stages can be configured")
	}
	ids := map[sales.StageID]bool{}
	for _, s := range ss.Stages {
		if ids[s.ID] {
			return sales.Errorf(sales.EINVALID, "stage id %d appears twice", s.ID)
		}
		ids[s.ID] = true
	}
	return nil
}

// putStages stores ss unless a stage that still has deals would vanish
// or change kind.
func putStages(tx *bolt.Tx, ss sales.StageSet) error {
	old, err := loadStages(tx)
	if err != nil {
		return err
	}
	for _, o := range old.Stages {
		n, kept := ss.ByID(o.ID)
		if kept && n.Kind == o.Kind {
			continue
		}
		c := tx.Bucket(bIdxStage).Cursor()
		if k, _ := c.Seek([]byte{byte(o.ID)}); k != nil && k[0] == byte(o.ID) {
			if !kept {
				return sales.Errorf(sales.EINVALID, "stage %s still has deals: move them to another stage before removing it", o.Name)
			}
			return sales.Errorf(sales.EINVALID, "stage %s has deals, so it cannot change between open, won and lost", o.Name)
		}
	}
	return tx.Bucket(bMeta).Put(kStages, encodeStages(ss))
}

func loadStages(tx *bolt.Tx) (sales.StageSet, error) {
	v := tx.Bucket(bMeta).Get(kStages)
	if v == nil {
		return sales.DefaultStages(), nil
	}
	return decodeStages(v)
}
