package storage

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/salesbot/salesbot/sales"
	bolt "go.etcd.io/bbolt"
)

// CreatePerson stores a new person and returns it with its new ID (p.ID is
// ignored). ECONFLICT when the SlackID is already linked to someone.
func (db *DB) CreatePerson(ctx context.Context, p sales.Person) (sales.Person, error) {
	var out sales.Person
	err := db.write(ctx, "create person", func(tx *bolt.Tx) error {
		np := p
		seq, err := tx.Bucket(bPeople).NextSequence()
		if err != nil {
			return err
		}
		np.ID = sales.PersonID(seq)
		if err := putPerson(tx, nil, &np); err != nil {
			return err
		}
		out = np
		return nil
	})
	return out, err
}

// UpdatePerson replaces a stored person (by ID). ENOTFOUND when missing,
// ECONFLICT when the new SlackID is linked to someone else.
func (db *DB) UpdatePerson(ctx context.Context, p sales.Person) error {
	return db.UpdatePeople(ctx, p)
}

// UpdatePeople replaces several stored people in one transaction, in
// order, so a Slack id moved from one record to another (a link that
// retires the user's own record) is never half done.
func (db *DB) UpdatePeople(ctx context.Context, ps ...sales.Person) error {
	return db.write(ctx, "update person", func(tx *bolt.Tx) error {
		for i := range ps {
			old, err := getPerson(tx, ps[i].ID)
			if err != nil {
				return err
			}
			p := ps[i]
			if err := putPerson(tx, &old, &p); err != nil {
				return err
			}
		}
		return nil
	})
}

// ModifyPerson changes one person in one transaction: fn gets the stored
// record and edits it in place, so concurrent changes to different fields
// (a role here, a time zone there) all land instead of the last writer
// erasing the others. fn must be free of side effects (under Batch it may
// run twice); an error from fn writes nothing. The ID cannot change.
func (db *DB) ModifyPerson(ctx context.Context, id sales.PersonID, fn func(*sales.Person) error) (sales.Person, error) {
	var out sales.Person
	err := db.write(ctx, "update person", func(tx *bolt.Tx) error {
		old, err := getPerson(tx, id)
		if err != nil {
			return err
		}
		p := old
		if err := fn(&p); err != nil {
			return err
		}
		p.ID = id
		if err := putPerson(tx, &old, &p); err != nil {
			return err
		}
		out = p
		return nil
	})
	if err != nil {
		return sales.Person{}, err
	}
	return out, nil
}

// Person returns a person by ID. ENOTFOUND when missing.
func (db *DB) Person(ctx context.Context, id sales.PersonID) (sales.Person, error) {
	return viewValue(ctx, db, "get person", func(tx *bolt.Tx) (sales.Person, error) {
		return getPerson(tx, id)
	})
}

// PersonBySlackID returns the person linked to a Slack user. ENOTFOUND.
func (db *DB) PersonBySlackID(ctx context.Context, slackID string) (sales.Person, error) {
	return viewValue(ctx, db, "get person by slack id", func(tx *bolt.Tx) (sales.Person, error) {
		id := slackLookup(tx, slackID)
		if id == 0 {
			return sales.Person{}, sales.Errorf(sales.ENOTFOUND, "no one is linked to Slack user %s", slackID)
		}
		return getPerson(tx, id)
	})
}

// PersonByName finds a person by display or real name, case-insensitively
// (a leading @ is ignored). ENOTFOUND when none, ECONFLICT when several
// match.
func (db *DB) PersonByName(ctx context.Context, name string) (sales.Person, error) {
	n := strings.TrimPrefix(strings.TrimSpace(name), "@")
	var p sales.Person
	err := db.view(ctx, "find person", func(tx *bolt.Tx) error {
		var found []sales.Person
		err := eachPerson(tx, func(q sales.Person) error {
			if n != "" && (strings.EqualFold(q.Name, n) || strings.EqualFold(q.RealName, n)) {
				found = append(found, q)
			}
			return nil
		})
		if err != nil {
			return err
		}
		switch len(found) {
		case 0:
			return sales.Errorf(sales.ENOTFOUND, "no one is named %q", name)
		case 1:
			p = found[0]
			return nil
		}
		var names []string
		for _, q := range found {
			names = append(names, fmt.Sprintf("%s (%s)", q.Label(), q.ID))
		}
		return sales.Errorf(sales.ECONFLICT, "%d people are named %q: %s; use a Slack mention instead",
			len(found), name, strings.Join(names, ", "))
	})
	return p, err
}

// People lists everyone, ordered by ID.
func (db *DB) People(ctx context.Context) ([]sales.Person, error) {
	var out []sales.Person
	err := db.view(ctx, "list people", func(tx *bolt.Tx) error {
		out = out[:0]
		return eachPerson(tx, func(p sales.Person) error {
			out = append(out, p)
			return nil
		})
	})
	return out, err
}

// EnsurePerson returns the person linked to slackID, or else links an
// imported one or creates a rep. name and realName (Slack's display and
// real name) are stored when non-empty; email is the user's Slack address
// and must be one Slack confirmed (pass "" otherwise). Safe to call
// concurrently (it uses Batch).
//
// Only an email links automatically: names are self-service in Slack, so
// a name never does (a member renamed "Maria Admin" would otherwise
// become the imported admin). The email must match exactly one unlinked
// person, case-insensitively. The link keeps that person's deals,
// quotas, manager and territory but never grants more than rep: a higher
// imported role is kept in PendingRole for an admin to set. The common
// case (already linked, names unchanged) is a read transaction only.
func (db *DB) EnsurePerson(ctx context.Context, slackID, name, realName, email string) (sales.Person, error) {
	if slackID == "" {
		return sales.Person{}, sales.Errorf(sales.EINVALID, "a Slack user id is needed to find or create a person")
	}
	email = strings.TrimSpace(email)
	var out sales.Person
	var fresh bool
	err := db.view(ctx, "ensure person", func(tx *bolt.Tx) error {
		id := slackLookup(tx, slackID)
		if id == 0 {
			return nil
		}
		p, err := getPerson(tx, id)
		if err != nil {
			return err
		}
		if (name == "" || name == p.Name) && (realName == "" || realName == p.RealName) {
			out, fresh = p, true
		}
		return nil
	})
	if err != nil || fresh {
		return out, err
	}
	err = db.write(ctx, "ensure person", func(tx *bolt.Tx) error {
		var old *sales.Person
		var p sales.Person
		if id := slackLookup(tx, slackID); id != 0 {
			q, err := getPerson(tx, id)
			if err != nil {
				return err
			}
			old, p = &q, q
		} else {
			match, err := unlinkedByEmail(tx, email)
			if err != nil {
				return err
			}
			if len(match) == 1 {
				q := match[0]
				old, p = &q, q
				if p.Role > sales.RoleRep {
					p.PendingRole, p.Role = p.Role, sales.RoleRep
				}
			} else {
				seq, err := tx.Bucket(bPeople).NextSequence()
				if err != nil {
					return err
				}
				p = sales.Person{ID: sales.PersonID(seq), Role: sales.RoleRep, Email: email}
			}
			p.SlackID = slackID
		}
		if name != "" {
			p.Name = name
		}
		if realName != "" {
			p.RealName = realName
		}
		out = p
		if old != nil && *old == p {
			return nil
		}
		return putPerson(tx, old, &p)
	})
	return out, err
}

// unlinkedByEmail lists the people not linked to Slack whose email is
// email (case-insensitive); none for "".
func unlinkedByEmail(tx *bolt.Tx, email string) ([]sales.Person, error) {
	if email == "" {
		return nil, nil
	}
	var match []sales.Person
	err := eachPerson(tx, func(q sales.Person) error {
		if q.SlackID == "" && strings.EqualFold(strings.TrimSpace(q.Email), email) {
			match = append(match, q)
		}
		return nil
	})
	return match, err
}

// ---- inside transactions ----

func getPerson(tx *bolt.Tx, id sales.PersonID) (sales.Person, error) {
	v := tx.Bucket(bPeople).Get(u64key(uint64(id)))
	if v == nil {
		return sales.Person{}, sales.Errorf(sales.ENOTFOUND, "person %s not found", id)
	}
	return decodePerson(v)
}

func slackLookup(tx *bolt.Tx, slackID string) sales.PersonID {
	if slackID == "" {
		return 0
	}
	if v := tx.Bucket(bPeopleSlack).Get([]byte(slackID)); len(v) == 8 {
		return sales.PersonID(binary.BigEndian.Uint64(v))
	}
	return 0
}

func eachPerson(tx *bolt.Tx, fn func(sales.Person) error) error {
	return tx.Bucket(bPeople).ForEach(func(k, v []byte) error {
		p, err := decodePerson(v)
		if err != nil {
			return fmt.Errorf("person %x: %w", k, err)
		}
		return fn(p)
	})
}

// putPerson stores p (old is its previous version, nil when new) and keeps
// the Slack id index in step.
func putPerson(tx *bolt.Tx, old, p *sales.Person) error {
	if p.ID == 0 {
		return sales.Errorf(sales.EINVALID, "person has no id")
	}
	if p.Manager == p.ID {
		return sales.Errorf(sales.EINVALID, "%s cannot be their own manager", p.Label())
	}
	slack := tx.Bucket(bPeopleSlack)
	oldSlack := ""
	if old != nil {
		oldSlack = old.SlackID
	}
	if p.SlackID != oldSlack {
		if other := slackLookup(tx, p.SlackID); other != 0 && other != p.ID {
			q, _ := getPerson(tx, other)
			return sales.Errorf(sales.ECONFLICT, "Slack user %s is already linked to %s (%s)", p.SlackID, q.Label(), other)
		}
		if oldSlack != "" {
			if err := slack.Delete([]byte(oldSlack)); err != nil {
				return err
			}
		}
		if p.SlackID != "" {
			if err := slack.Put([]byte(p.SlackID), u64key(uint64(p.ID))); err != nil {
				return err
			}
		}
	}
	return tx.Bucket(bPeople).Put(u64key(uint64(p.ID)), encodePerson(p))
}
