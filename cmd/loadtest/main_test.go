package main

import (
	"context"
	"testing"
	"time"
)

// TestSmallRun drives a small load through every phase and pacing. The
// goals are checked by the real run (go run ./cmd/loadtest); here only
// that every command was answered and stored, the warm-up not counted.
func TestSmallRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rep, err := run(ctx, options{N: 300, Warmup: 40, InFlight: 16, Users: 4, Rate: 2000, Dir: t.TempDir(), InProcess: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.DealsStored != 300 || rep.BotReply.N != 300 || rep.BareAck.N != 300 || rep.AcksOver3s != 0 {
		t.Fatalf("report = %+v", rep)
	}
	if rep.RawWritesSec <= 0 || rep.BotRepliesSec <= 0 {
		t.Fatalf("rates = %+v", rep)
	}
	if len(rep.Modes) != 3 || rep.FloodRatio <= 0 {
		t.Fatalf("modes = %+v, failures %q", rep.Modes, rep.Failures)
	}
	for _, m := range rep.Modes {
		if m.DealsStored != 300 || m.BotReply.N != 300 || m.BareAck.N != 300 || m.BotRepliesSec <= 0 {
			t.Errorf("%s: %+v", m.Name, m)
		}
	}
}
