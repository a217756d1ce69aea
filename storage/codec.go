package storage

// Records are hand-encoded: a version byte, fixed-width big-endian numbers,
// then uvarint-length-prefixed strings. JSON or gob would cost ~18× more to
// decode in the million-deal report scans, and a deal's metric facts sit at
// a fixed offset so ScanFacts reads them without touching the strings.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Record format versions (the first byte of every value).
const (
	recV1 byte = 1
)

// factsSize is the fixed-size facts block that follows the version byte of a
// deal record: id, owner, territory (8 each), stage (1), amount, created,
// closed, stage entered, updated, close date, snoozed (8 each).
const factsSize = 8 + 8 + 8 + 1 + 8*7

// headerSize is version byte + facts; the owner index stores exactly this
// prefix of a deal record so a rep's facts come from one cursor range.
const headerSize = 1 + factsSize

var errCorrupt = errors.New("storage: corrupt record")

// ---- primitives ----

type writer []byte

func (w writer) u8(v uint8) writer   { return append(w, v) }
func (w writer) u32(v uint32) writer { return binary.BigEndian.AppendUint32(w, v) }
func (w writer) u64(v uint64) writer { return binary.BigEndian.AppendUint64(w, v) }
func (w writer) i64(v int64) writer  { return binary.BigEndian.AppendUint64(w, uint64(v)) }
func (w writer) str(s string) writer {
	w = binary.AppendUvarint(w, uint64(len(s)))
	return append(w, s...)
}
func (w writer) bytes(b []byte) writer {
	w = binary.AppendUvarint(w, uint64(len(b)))
	return append(w, b...)
}

// reader decodes; the first failure sticks in err and later reads return
// zero values, so decoders check once at the end.
type reader struct {
	b   []byte
	err error
}

// take consumes the next n bytes; nil once a read has failed.
func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if len(r.b) < n {
		r.err = errCorrupt
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8() uint8 {
	if v := r.take(1); v != nil {
		return v[0]
	}
	return 0
}

func (r *reader) u32() uint32 {
	if v := r.take(4); v != nil {
		return binary.BigEndian.Uint32(v)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if v := r.take(8); v != nil {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

func (r *reader) i64() int64 { return int64(r.u64()) }

// raw returns a length-prefixed byte slice aliasing the input.
func (r *reader) raw() []byte {
	if r.err != nil {
		return nil
	}
	n, k := binary.Uvarint(r.b)
	if k <= 0 || uint64(len(r.b)-k) < n {
		r.err = errCorrupt
		return nil
	}
	v := r.b[k : k+int(n)]
	r.b = r.b[k+int(n):]
	return v
}

// str copies a string out of the (mmapped) input.
func (r *reader) str() string { return string(r.raw()) }

// bytes copies a byte slice out of the input.
func (r *reader) bytes() []byte {
	v := r.raw()
	if len(v) == 0 {
		return nil
	}
	return append([]byte(nil), v...)
}

func (r *reader) version(want byte) {
	if v := r.u8(); r.err == nil && v != want {
		r.err = fmt.Errorf("storage: record version %d, want %d: %w", v, want, errCorrupt)
	}
}

// ---- keys ----

func u64key(v uint64) []byte { return binary.BigEndian.AppendUint64(make([]byte, 0, 8), v) }

// sortable maps an int64 to a uint64 whose big-endian bytes sort like the
// signed value (times before 1970 stay in order).
func sortable(v int64) uint64 { return uint64(v) ^ (1 << 63) }

func unsortable(v uint64) int64 { return int64(v ^ (1 << 63)) }

// cat concatenates key parts into a fresh slice (bbolt keeps key slices
// until commit, so keys are never built in reused buffers).
func cat(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// ---- times ----

// Deal times are stored in unix seconds (the facts need seconds and a
// deal's timeline needs no more); 0 means unset.
func secs(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromSecs(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// Events, slots and queue entries keep nanoseconds so that "between" and
// "same slot" are exact.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// ---- deals ----

// encodeDeal lays out: version, facts block, then account, external id,
// product, lost reason, notes, and a trailing forecast-category byte when
// one is set. Records written before the byte existed simply end after the
// notes, and read as "no override", so adding it needed no migration.
func encodeDeal(d *sales.Deal) []byte {
	n := headerSize + 5*2 + 1 + len(d.Account) + len(d.ExternalID) + len(d.Product) + len(d.LostReason) + len(d.Notes)
	w := writer(make([]byte, 0, n))
	w = w.u8(recV1).
		u64(uint64(d.ID)).u64(uint64(d.Owner)).u64(uint64(d.Territory)).u8(uint8(d.Stage)).
		i64(int64(d.Amount)).i64(secs(d.CreatedAt)).i64(secs(d.ClosedAt)).i64(secs(d.StageEnteredAt)).
		i64(secs(d.UpdatedAt)).i64(secs(d.CloseDate)).i64(secs(d.SnoozedUntil))
	w = w.str(d.Account).str(d.ExternalID).str(d.Product).str(d.LostReason).str(d.Notes)
	if d.Forecast != 0 {
		w = w.u8(uint8(d.Forecast))
	}
	return w
}

// decodeFacts reads only the fixed header of a deal record (or of an owner
// index value). It allocates nothing.
func decodeFacts(v []byte, f *sales.Facts) error {
	if len(v) < headerSize || v[0] != recV1 {
		return errCorrupt
	}
	be := binary.BigEndian
	f.ID = sales.DealID(be.Uint64(v[1:]))
	f.Owner = sales.PersonID(be.Uint64(v[9:]))
	f.Territory = sales.TerritoryID(be.Uint64(v[17:]))
	f.Stage = sales.StageID(v[25])
	f.Amount = sales.Money(be.Uint64(v[26:]))
	f.Created = int64(be.Uint64(v[34:]))
	f.Closed = int64(be.Uint64(v[42:]))
	f.StageEntered = int64(be.Uint64(v[50:]))
	f.Updated = int64(be.Uint64(v[58:]))
	f.CloseDate = int64(be.Uint64(v[66:]))
	f.SnoozedUntil = int64(be.Uint64(v[74:]))
	return nil
}

func decodeDeal(v []byte) (sales.Deal, error) {
	var f sales.Facts
	if err := decodeFacts(v, &f); err != nil {
		return sales.Deal{}, err
	}
	d := sales.Deal{
		ID: f.ID, Owner: f.Owner, Territory: f.Territory, Stage: f.Stage, Amount: f.Amount,
		CreatedAt: fromSecs(f.Created), ClosedAt: fromSecs(f.Closed), StageEnteredAt: fromSecs(f.StageEntered),
		UpdatedAt: fromSecs(f.Updated), CloseDate: fromSecs(f.CloseDate), SnoozedUntil: fromSecs(f.SnoozedUntil),
	}
	r := reader{b: v[headerSize:]}
	d.Account = r.str()
	d.ExternalID = r.str()
	d.Product = r.str()
	d.LostReason = r.str()
	d.Notes = r.str()
	if r.err == nil && len(r.b) > 0 {
		if d.Forecast = sales.ForecastCategory(r.u8()); d.Forecast > sales.ForecastOmitted {
			return sales.Deal{}, errCorrupt
		}
	}
	return d, r.err
}

// dealAccount returns the account bytes of a record without decoding the
// rest (aliasing v: use inside the transaction only).
func dealAccount(v []byte) []byte {
	if len(v) < headerSize {
		return nil
	}
	r := reader{b: v[headerSize:]}
	return r.raw()
}

// ---- people ----

func encodePerson(p *sales.Person) []byte {
	var flags uint8
	if p.NudgesOff {
		flags |= 1
	}
	// Bits 1-2: PendingRole (0 = rep = none), so records written before it
	// existed read as nothing pending.
	flags |= uint8(p.PendingRole&3) << 1
	if p.CelebrationsOff {
		flags |= 1 << 3 // bit 3: records written before it read as on
	}
	w := writer(make([]byte, 0, 40+len(p.SlackID)+len(p.Name)+len(p.RealName)+len(p.Email)+len(p.TZ)))
	w = w.u8(recV1).u64(uint64(p.ID)).u8(uint8(p.Role)).u64(uint64(p.Manager)).u64(uint64(p.Territory)).u8(flags)
	return w.str(p.SlackID).str(p.Name).str(p.RealName).str(p.Email).str(p.TZ)
}

func decodePerson(v []byte) (sales.Person, error) {
	r := reader{b: v}
	r.version(recV1)
	p := sales.Person{
		ID: sales.PersonID(r.u64()), Role: sales.Role(r.u8()),
		Manager: sales.PersonID(r.u64()), Territory: sales.TerritoryID(r.u64()),
	}
	flags := r.u8()
	p.NudgesOff = flags&1 != 0
	p.PendingRole = sales.Role(flags >> 1 & 3)
	p.CelebrationsOff = flags&(1<<3) != 0
	p.SlackID = r.str()
	p.Name = r.str()
	p.RealName = r.str()
	p.Email = r.str()
	p.TZ = r.str()
	return p, r.err
}

// ---- territories ----

func encodeTerritory(t *sales.Territory) []byte {
	w := writer(make([]byte, 0, 12+len(t.Name)+len(t.Channel)))
	return w.u8(recV1).u64(uint64(t.ID)).str(t.Name).str(t.Channel)
}

func decodeTerritory(v []byte) (sales.Territory, error) {
	r := reader{b: v}
	r.version(recV1)
	t := sales.Territory{ID: sales.TerritoryID(r.u64())}
	t.Name = r.str()
	t.Channel = r.str()
	return t, r.err
}

// ---- events ----

func encodeEvent(e *sales.Event) []byte {
	w := writer(make([]byte, 0, 40+len(e.Field)+len(e.From)+len(e.To)))
	w = w.u8(recV1).u64(e.ID).u64(uint64(e.DealID)).i64(nanos(e.At)).u64(uint64(e.Actor))
	return w.str(e.Field).str(e.From).str(e.To)
}

func decodeEvent(v []byte) (sales.Event, error) {
	r := reader{b: v}
	r.version(recV1)
	e := sales.Event{ID: r.u64(), DealID: sales.DealID(r.u64()), At: fromNanos(r.i64()), Actor: sales.PersonID(r.u64())}
	e.Field = r.str()
	e.From = r.str()
	e.To = r.str()
	return e, r.err
}

// eventKey orders events by time, then id: at(8, sortable) | id(8).
func eventKey(at time.Time, id uint64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(make([]byte, 0, 16), sortable(nanos(at))), id)
}

// ---- stages ----

func encodeStages(ss sales.StageSet) []byte {
	w := writer(nil).u8(recV1).u8(uint8(len(ss.Stages)))
	for _, s := range ss.Stages {
		w = w.u8(uint8(s.ID)).u32(uint32(s.Probability)).u8(uint8(s.Kind)).u32(uint32(s.StaleDays)).str(s.Name)
	}
	return w
}

func decodeStages(v []byte) (sales.StageSet, error) {
	r := reader{b: v}
	r.version(recV1)
	n := int(r.u8())
	ss := sales.StageSet{Stages: make([]sales.Stage, 0, n)}
	for i := 0; i < n && r.err == nil; i++ {
		s := sales.Stage{ID: sales.StageID(r.u8()), Probability: int(int32(r.u32())), Kind: sales.StageKind(r.u8())}
		s.StaleDays = int(int32(r.u32()))
		s.Name = r.str()
		ss.Stages = append(ss.Stages, s)
	}
	return ss, r.err
}

// ---- quotas ----

// quotaKey sorts by period (year, first month, kind), then scope, subject.
func quotaKey(scope sales.QuotaScope, subject uint64, p sales.Period) []byte {
	first := 1
	switch p.Kind {
	case sales.Month:
		first = p.Index
	case sales.Quarter:
		first = 3*(p.Index-1) + 1
	}
	k := make([]byte, 0, 13)
	k = binary.BigEndian.AppendUint16(k, uint16(p.Year))
	k = append(k, uint8(first), uint8(p.Kind), uint8(scope))
	return binary.BigEndian.AppendUint64(k, subject)
}

func decodeQuota(k, v []byte) (sales.Quota, error) {
	if len(k) != 13 {
		return sales.Quota{}, errCorrupt
	}
	p := sales.Period{Kind: sales.PeriodKind(k[3]), Year: int(binary.BigEndian.Uint16(k))}
	switch p.Kind {
	case sales.Month:
		p.Index = int(k[2])
	case sales.Quarter:
		p.Index = (int(k[2])-1)/3 + 1
	}
	q := sales.Quota{Scope: sales.QuotaScope(k[4]), Subject: binary.BigEndian.Uint64(k[5:]), Period: p}
	r := reader{b: v}
	r.version(recV1)
	q.Amount = sales.Money(r.i64())
	q.SetBy = sales.PersonID(r.u64())
	return q, r.err
}

func encodeQuota(q *sales.Quota) []byte {
	return writer(make([]byte, 0, 17)).u8(recV1).i64(int64(q.Amount)).u64(uint64(q.SetBy))
}

// ---- outbox ----

func encodeOutbox(it *sales.OutboxItem) []byte {
	w := writer(make([]byte, 0, 30+len(it.Key)+len(it.Kind)+len(it.Payload)))
	w = w.u8(recV1).u64(it.ID).i64(nanos(it.Created)).u32(uint32(it.Tries))
	return w.str(it.Key).str(it.Kind).bytes(it.Payload)
}

func decodeOutbox(v []byte) (sales.OutboxItem, error) {
	r := reader{b: v}
	r.version(recV1)
	it := sales.OutboxItem{ID: r.u64(), Created: fromNanos(r.i64()), Tries: int(r.u32())}
	it.Key = r.str()
	it.Kind = r.str()
	it.Payload = r.bytes()
	return it, r.err
}
