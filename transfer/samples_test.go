package transfer_test

import (
	"bytes"
	"maps"
	"slices"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/transfer"
	"github.com/salesbot/salesbot/transfer/transfertest"
)

// Each preset's sample imports with no options and gives the counts, won
// amounts and owners the generator wrote.
func TestSamplesImportWithNoFlags(t *testing.T) {
	for _, s := range transfertest.All(7, 400, "") {
		t.Run(s.Preset, func(t *testing.T) {
			tab, err := transfer.ReadCSV(bytes.NewReader(s.Data))
			if err != nil {
				t.Fatal(err)
			}
			if len(tab.Footer) != s.Footer {
				t.Errorf("footer lines %d, want %d: %q", len(tab.Footer), s.Footer, tab.Footer)
			}
			deals, err := transfer.ReadDeals(tab, transfer.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if deals.Preset == nil || deals.Preset.Name != s.Preset {
				t.Fatalf("detected %v, want %s", deals.Preset, s.Preset)
			}
			for _, p := range deals.Problems[:min(len(deals.Problems), 5)] {
				t.Errorf("problem: %v", p)
			}
			got := transfertest.Truth{WonAmount: map[string]sales.Money{}, Owners: map[string]bool{}}
			keys := map[string]bool{}
			for _, r := range deals.Records {
				got.Deals++
				switch r.Stage.Kind {
				case sales.StageWon:
					got.Won++
					got.WonAmount[r.Amount.Currency] += r.Amount.Value
					if r.ClosedOn.IsZero() {
						t.Errorf("line %d: won deal without a close", r.Line)
					}
				case sales.StageLost:
					got.Lost++
				}
				if !r.Amount.Present {
					got.NoAmount++
				}
				owner := r.OwnerEmail
				if owner == "" {
					owner = r.Owner
				}
				got.Owners[owner] = true
				if keys[r.Key] {
					t.Errorf("line %d: key %s twice", r.Line, r.Key)
				}
				keys[r.Key] = true
				if r.Account == "" || r.Stage.ID == 0 {
					t.Errorf("line %d: %+v", r.Line, r)
				}
			}
			want := s.Truth
			if got.Deals != want.Deals || got.Won != want.Won || got.Lost != want.Lost || got.NoAmount != want.NoAmount {
				t.Errorf("deals/won/lost/no amount = %d/%d/%d/%d, want %d/%d/%d/%d", got.Deals, got.Won, got.Lost, got.NoAmount, want.Deals, want.Won, want.Lost, want.NoAmount)
			}
			if !maps.Equal(got.WonAmount, want.WonAmount) {
				t.Errorf("won amounts %v, want %v", got.WonAmount, want.WonAmount)
			}
			if !maps.Equal(got.Owners, want.Owners) {
				t.Errorf("owners %v, want %v", slices.Sorted(maps.Keys(got.Owners)), slices.Sorted(maps.Keys(want.Owners)))
			}
			for _, m := range deals.Stages {
				t.Logf("%s: %q → %s (%s)", s.Preset, m.Label, m.Stage.Name, m.How)
			}

			// Reading the same file again gives the same keys: a re-import is
			// "0 new".
			tab2, _ := transfer.ReadCSV(bytes.NewReader(s.Data))
			again, err := transfer.ReadDeals(tab2, transfer.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range again.Records {
				if !keys[r.Key] {
					t.Errorf("line %d: re-read key %s is new", r.Line, r.Key)
				}
			}
		})
	}
}

// BenchmarkReadDeals reads a 100,000-row Salesforce report (formatted
// amounts, day-first dates, footer) from bytes to records.
func BenchmarkReadDeals(b *testing.B) {
	s := transfertest.Salesforce(3, 100_000, "")
	b.SetBytes(int64(len(s.Data)))
	b.ReportAllocs()
	for b.Loop() {
		tab, err := transfer.ReadCSV(bytes.NewReader(s.Data))
		if err != nil {
			b.Fatal(err)
		}
		d, err := transfer.ReadDeals(tab, transfer.Options{})
		if err != nil || len(d.Records) != 100_000 {
			b.Fatal(err, len(d.Problems))
		}
	}
}
