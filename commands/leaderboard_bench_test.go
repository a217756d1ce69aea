package commands_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

const (
	benchActivities = 1_000_000
	benchActReps    = 1000
)

// benchActNow is the benchmark's "now": the activities run from 1 Jan
// 2026 to it, so November holds about 80k of the million.
var benchActNow = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

// activityBenchFile builds (once, cached under os.TempDir()) a file of a
// thousand reps, a deal each and a million activities spread over the
// year to benchActNow.
func activityBenchFile(b *testing.B) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("salesbot-activity-bench-v2-%dx%d.db", benchActivities, benchActReps))
	if _, err := os.Stat(path); err == nil {
		db, err := storage.Open(path, storage.Options{}) // migrates a file from an older schema
		if err == nil {
			if err = db.Close(); err == nil {
				return path
			}
		}
		b.Logf("rebuilding %s: %v", path, err)
	}
	_ = os.Remove(path)
	tmp := path + ".tmp"
	_ = os.Remove(tmp)
	ctx := context.Background()
	db, err := storage.Open(tmp, storage.Options{Clock: sales.ClockFunc(func() time.Time { return benchActNow })})
	if err != nil {
		b.Fatal(err)
	}
	in := storage.Import{}
	for i := range benchActReps {
		in.People = append(in.People, sales.Person{Name: fmt.Sprintf("rep%04d", i), SlackID: fmt.Sprintf("UR%04d", i)})
		in.Deals = append(in.Deals, sales.Deal{Account: fmt.Sprintf("Acct%04d", i), Amount: 1000_00, Owner: storage.PersonRef(i), Stage: 1,
			CreatedAt: benchActNow.AddDate(-1, 0, 0)})
	}
	res, err := db.Import(ctx, in, 0)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	span := benchActNow.Sub(start)
	types := []string{sales.ActivityCall, sales.ActivityCall, sales.ActivityEmail, sales.ActivityMeeting, sales.ActivityNote}
	const chunk = 50_000
	for lo := 0; lo < benchActivities; lo += chunk {
		acts := make([]sales.Activity, 0, chunk)
		for i := lo; i < lo+chunk; i++ {
			rep := (i * 7919) % benchActReps
			at := start.Add(time.Duration(int64(span) / benchActivities * int64(i))).Truncate(time.Second)
			acts = append(acts, sales.Activity{Deal: res.DealIDs[rep], Who: res.PersonIDs[rep], Type: types[i%len(types)], At: at, Text: fmt.Sprint(i)})
		}
		if _, err := db.ImportActivities(ctx, acts); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkLeaderboardActivities is `/leaderboard activities` (this
// month, ~80k activities) and `/leaderboard 2026 activities` (all 1M)
// over 1,000 reps, through the command service, each beside a raw bbolt
// cursor over the same span of the activity time index in the same run.
// Goal (issue 11): under 100 ms.
func BenchmarkLeaderboardActivities(b *testing.B) {
	path := activityBenchFile(b)
	db, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	clock := sales.ClockFunc(func() time.Time { return benchActNow })
	svc := commands.New(db, commands.Config{Locale: sales.Locale{Clock: clock, Loc: time.UTC}})
	ctx := context.Background()
	for _, c := range []struct {
		name, text string
		p          sales.Period
	}{
		{"month", "activities", sales.PeriodOf(sales.Month, benchActNow, time.UTC)},
		{"year", "2026 activities", sales.Period{Kind: sales.Year, Year: 2026}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var board, scan time.Duration
			for b.Loop() {
				t0 := time.Now()
				n, err := storage.RawScanActivityTimes(path, c.p.Start(time.UTC), c.p.End(time.UTC))
				if err != nil || n == 0 {
					b.Fatal(n, err)
				}
				scan += time.Since(t0)
				t0 = time.Now()
				res, err := svc.Handle(ctx, commands.Request{Command: "/leaderboard", Text: c.text, UserID: "UR0001"})
				if err != nil || res.Leaderboard == nil || len(res.Leaderboard.Board.Ranked) != benchActReps {
					b.Fatalf("%+v, %v", res, err)
				}
				board += time.Since(t0)
			}
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
			b.ReportMetric(ms(board), "board-ms/op")
			b.ReportMetric(ms(scan), "scan-ms/op")
			b.ReportMetric(float64(board)/float64(scan), "board/scan")
		})
	}
}
