package storage

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// CreateTerritory adds a territory (t.ID is ignored). ECONFLICT when the
// name exists (case-insensitive); EINVALID when it is empty.
func (db *DB) CreateTerritory(ctx context.Context, t sales.Territory) (sales.Territory, error) {
	t.Name = strings.TrimSpace(t.Name)
	var out sales.Territory
	err := db.write(ctx, "create territory", func(tx *bolt.Tx) error {
		nt := t
		seq, err := tx.Bucket(bTerritories).NextSequence()
		if err != nil {
			return err
		}
		nt.ID = sales.TerritoryID(seq)
		if err := putTerritory(tx, nil, &nt); err != nil {
			return err
		}
		out = nt
		return nil
	})
	return out, err
}

// UpdateTerritory replaces a territory by ID (rename, channel route).
// ENOTFOUND when missing, ECONFLICT when renamed onto another's name.
func (db *DB) UpdateTerritory(ctx context.Context, t sales.Territory) error {
	t.Name = strings.TrimSpace(t.Name)
	return db.write(ctx, "update territory", func(tx *bolt.Tx) error {
		old, err := getTerritory(tx, t.ID)
		if err != nil {
			return err
		}
		return putTerritory(tx, &old, &t)
	})
}

// Territory returns a territory by ID. ENOTFOUND.
func (db *DB) Territory(ctx context.Context, id sales.TerritoryID) (sales.Territory, error) {
	return viewValue(ctx, db, "get territory", func(tx *bolt.Tx) (sales.Territory, error) {
		return getTerritory(tx, id)
	})
}

// TerritoryByName finds a territory case-insensitively. ENOTFOUND.
func (db *DB) TerritoryByName(ctx context.Context, name string) (sales.Territory, error) {
	return viewValue(ctx, db, "find territory", func(tx *bolt.Tx) (sales.Territory, error) {
		v := tx.Bucket(bTerrNames).Get(nameKey(name))
		if len(v) != 8 {
			return sales.Territory{}, sales.Errorf(sales.ENOTFOUND, "no territory is named %q: /territory list shows them", strings.TrimSpace(name))
		}
		return getTerritory(tx, sales.TerritoryID(binary.BigEndian.Uint64(v)))
	})
}

// Territories lists all territories ordered by name (case-insensitively).
func (db *DB) Territories(ctx context.Context) ([]sales.Territory, error) {
	var out []sales.Territory
	err := db.view(ctx, "list territories", func(tx *bolt.Tx) error {
		out = out[:0]
		return tx.Bucket(bTerrNames).ForEach(func(_, v []byte) error {
			if len(v) != 8 {
				return errCorrupt
			}
			t, err := getTerritory(tx, sales.TerritoryID(binary.BigEndian.Uint64(v)))
			if err != nil {
				return err
			}
			out = append(out, t)
			return nil
		})
	})
	return out, err
}

func nameKey(name string) []byte { return []byte(strings.ToLower(strings.TrimSpace(name))) }

func getTerritory(tx *bolt.Tx, id sales.TerritoryID) (sales.Territory, error) {
	v := tx.Bucket(bTerritories).Get(u64key(uint64(id)))
	if v == nil {
		return sales.Territory{}, sales.Errorf(sales.ENOTFOUND, "territory #%d not found", id)
	}
	t, err := decodeTerritory(v)
	if err != nil {
		return t, fmt.Errorf("territory %d: %w", id, err)
	}
	return t, nil
}

// putTerritory stores t (old nil when new), keeping the name index.
func putTerritory(tx *bolt.Tx, old, t *sales.Territory) error {
	if t.Name == "" {
		return sales.Errorf(sales.EINVALID, "a territory needs a name: /territory add <name>")
	}
	names := tx.Bucket(bTerrNames)
	nk := nameKey(t.Name)
	if old == nil || string(nameKey(old.Name)) != string(nk) {
		if v := names.Get(nk); len(v) == 8 && binary.BigEndian.Uint64(v) != uint64(t.ID) {
			return sales.Errorf(sales.ECONFLICT, "territory %q already exists", t.Name)
		}
		if old != nil {
			if err := names.Delete(nameKey(old.Name)); err != nil {
				return err
			}
		}
		if err := names.Put(nk, u64key(uint64(t.ID))); err != nil {
			return err
		}
	}
	return tx.Bucket(bTerritories).Put(u64key(uint64(t.ID)), encodeTerritory(t))
}
