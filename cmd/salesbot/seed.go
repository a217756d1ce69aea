package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/salesbot/salesbot/seed"
)

// SeedCmd is `salesbot seed --deals N --reps M [--seed S]`: synthetic
// data for benchmarks and demos, into an empty database.
func SeedCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := newCommand("seed", stdout, stderr)
	deals := c.fs.Int("deals", 1000, "number of deals")
	reps := c.fs.Int("reps", 10, "number of reps (managers and an admin are added)")
	s := c.fs.Int64("seed", 1, "random seed: the same seed gives the same data")
	pos, err := c.parse(args)
	if err != nil {
		return c.fail(err)
	}
	if len(pos) > 0 {
		return c.fail(usagef("unexpected argument %q", pos[0]))
	}
	if *deals < 0 || *deals > 50_000_000 {
		return c.fail(usagef("--deals %d: use 0 to 50000000", *deals))
	}
	if *reps < 1 || *reps > 100_000 {
		return c.fail(usagef("--reps %d: use 1 to 100000", *reps))
	}
	return c.fail(runSeed(ctx, c, seed.Options{Deals: *deals, Reps: *reps, Seed: *s, Now: time.Now(), Loc: c.cfg.Loc}))
}

func runSeed(ctx context.Context, c *command, o seed.Options) (err error) {
	db, err := c.open(false)
	if err != nil {
		return err
	}
	defer closeDB(db, &err)
	// Seeding into real data would mix invented deals into real reports.
	if n, err := db.CountDeals(ctx); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("%s already has %d deals: seed a new file instead (--db seeded.db)", c.cfg.DB, n)
	}
	start := time.Now()
	in := seed.Generate(o)
	bar := newProgress(c.stderr, "seeding", int64(len(in.Deals)))
	res, err := db.Bulk(ctx, in, func(done int) { bar.set(int64(done)) })
	bar.done()
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(c.stdout, "seeded %s: %d deals, %d people, %d territories, %d quotas, %d stage changes in %s\n",
		c.cfg.DB, res.DealsCreated, res.PeopleCreated, len(in.Territories), len(in.Quotas), len(in.Events),
		time.Since(start).Round(time.Millisecond))
	return nil
}
