package storage

import (
	"reflect"
	"testing"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// FuzzDealRecord: decoding any bytes never panics, and whatever decodes
// re-encodes to a record that decodes the same (format ∘ parse).
func FuzzDealRecord(f *testing.F) {
	d := sales.Deal{ID: 42, ExternalID: "x", Account: "Acme ☕", Amount: 1200, Stage: 2, Owner: 3, Territory: 4,
		CreatedAt: time.Unix(1700000000, 0).UTC(), Notes: "n"}
	f.Add(encodeDeal(&d))
	d.Forecast = sales.ForecastCommit
	f.Add(encodeDeal(&d))
	f.Add([]byte{recV1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := decodeDeal(b)
		if err != nil {
			return
		}
		again, err := decodeDeal(encodeDeal(&d))
		if err != nil || !reflect.DeepEqual(again, d) {
			t.Fatalf("round trip: %+v → %+v (%v)", d, again, err)
		}
		var fa sales.Facts
		if err := decodeFacts(b, &fa); err != nil || fa != d.Facts() {
			t.Fatalf("facts %+v, deal facts %+v (%v)", fa, d.Facts(), err)
		}
	})
}

// FuzzRecords covers the other decoders: no panics on any input.
func FuzzRecords(f *testing.F) {
	p := sales.Person{ID: 1, SlackID: "U1", Name: "a", Role: sales.RoleAdmin, NudgesOff: true, CelebrationsOff: true, PendingRole: sales.RoleManager}
	e := sales.Event{ID: 1, DealID: 2, At: time.Unix(0, 5).UTC(), Field: "stage", From: "a", To: "b"}
	f.Add(encodePerson(&p))
	f.Add(encodeEvent(&e))
	f.Add(encodeStages(sales.DefaultStages()))
	f.Add(encodeOutbox(&sales.OutboxItem{ID: 1, Key: "k", Payload: []byte("{}")}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := decodePerson(b); err == nil {
			if q, err := decodePerson(encodePerson(&p)); err != nil || q != p {
				t.Fatalf("person round trip %+v → %+v", p, q)
			}
		}
		if e, err := decodeEvent(b); err == nil {
			if q, err := decodeEvent(encodeEvent(&e)); err != nil || !reflect.DeepEqual(q, e) {
				t.Fatalf("event round trip %+v → %+v", e, q)
			}
		}
		if ss, err := decodeStages(b); err == nil && len(ss.Stages) < 256 {
			if q, err := decodeStages(encodeStages(ss)); err != nil || !reflect.DeepEqual(q, ss) {
				t.Fatalf("stages round trip %+v → %+v", ss, q)
			}
		}
		_, _ = decodeTerritory(b)
		_, _ = decodeOutbox(b)
		if len(b) >= 13 {
			_, _ = decodeQuota(b[:13], b[13:])
		}
	})
}
