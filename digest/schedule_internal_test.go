package digest

import (
	"testing"
	"time"
)

func TestSpecSlots(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	t0 := time.Date(2026, 11, 17, 8, 0, 1, 0, time.UTC)
	tests := []struct {
		spec      string
		def       *time.Location
		after     time.Time
		now       time.Time
		wantSlot  time.Time
		wantSkips int
		wantOK    bool
	}{
		// @every slots sit on multiples of the period, whatever the start.
		{"@every 2s", time.UTC, t0, t0.Add(3 * time.Second), time.Date(2026, 11, 17, 8, 0, 4, 0, time.UTC), 1, true},
		{"@every 2s", time.UTC, t0, t0.Add(7 * time.Second), time.Date(2026, 11, 17, 8, 0, 8, 0, time.UTC), 3, true},
		{"@every 2s", time.UTC, t0, t0.Add(500 * time.Millisecond), time.Time{}, 0, false},
		// A 5-field spec runs in the default zone…
		{"0 8 * * *", berlin, t0.Add(-24 * time.Hour), t0, time.Date(2026, 11, 17, 7, 0, 0, 0, time.UTC), 0, true},
		// … unless it names its own.
		{"CRON_TZ=UTC 0 8 * * *", berlin, t0.Add(-48 * time.Hour), t0, time.Date(2026, 11, 17, 8, 0, 0, 0, time.UTC), 1, true},
		{"0 9 * * 1-5", time.UTC, t0, t0.Add(time.Hour), time.Date(2026, 11, 17, 9, 0, 0, 0, time.UTC), 0, true},
		{"@daily", time.UTC, t0, t0.Add(time.Hour), time.Time{}, 0, false},
	}
	for _, tt := range tests {
		sp, err := parseSpec(tt.spec, tt.def)
		if err != nil {
			t.Fatalf("%q: %v", tt.spec, err)
		}
		slot, skips, ok := sp.latest(tt.after, tt.now)
		if ok != tt.wantOK || !slot.Equal(tt.wantSlot) || skips != tt.wantSkips {
			t.Errorf("%q latest(%v, %v) = %v, %d, %v; want %v, %d, %v", tt.spec, tt.after, tt.now, slot, skips, ok, tt.wantSlot, tt.wantSkips, tt.wantOK)
		}
	}
	// The same schedule in a rep's zone fires at their 09:00.
	sp, _ := parseSpec("0 9 * * 1-5", time.UTC)
	ny, _ := time.LoadLocation("America/New_York")
	if got := sp.in(ny).next(t0); !got.Equal(time.Date(2026, 11, 17, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("09:00 in New York = %v", got.UTC())
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"0 8 * * 1-5", "@every 10s", "CRON_TZ=Europe/Berlin 0 8 * * 1-5", "TZ=UTC @daily", "CRON_TZ=", "TZ=x", "@every -1s", "*/0 * * * *", "60 * * * *"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 17, 8, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := parseSpec(s, time.UTC)
		if err != nil {
			return
		}
		next := sp.next(now)
		if !next.IsZero() && !next.After(now) {
			t.Fatalf("%q: next(%v) = %v, not after", s, now, next)
		}
		if slot, _, ok := sp.latest(now.Add(-time.Hour), now); ok && (slot.After(now) || !slot.After(now.Add(-time.Hour))) {
			t.Fatalf("%q: latest slot %v outside the window", s, slot)
		}
	})
}
