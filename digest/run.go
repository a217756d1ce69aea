package digest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Scheduler timing.
const (
	// maxWait caps one wait so a suspended laptop or a clock change is
	// noticed within a minute; the next slot is always recomputed.
	maxWait = time.Minute
	// retryDelay is how soon a failed slot is tried again (within grace).
	retryDelay = time.Minute
	// slotTimeout bounds one slot's work (build and queue the posts).
	slotTimeout = 5 * time.Minute
)

// PostNow builds and posts every routed digest immediately (/salesbot
// digest now). It fails with EINVALID when no digest has a channel.
func (s *Service) PostNow(ctx context.Context) error {
	if s.poster == nil {
		return sales.Errorf(sales.EINTERNAL, "digest: no poster")
	}
	now := s.now()
	ds, err := s.BuildAll(ctx)
	if err != nil {
		return err
	}
	// One request, one post: the request's idempotency key (the Slack
	// envelope) when there is one, so a redelivery posts nothing twice.
	req := sales.IdempotencyKey(ctx)
	if req == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		req = now.UTC().Format(time.RFC3339Nano) + "-" + hex.EncodeToString(b[:])
	}
	posted := 0
	for _, d := range ds {
		if d.Channel == "" {
			continue
		}
		key := "digest/now/" + req + "/" + scopeKey(d.Scope)
		if err := s.poster.PostDigest(ctx, d.Channel, d, key); err != nil {
			return fmt.Errorf("digest: post: %w", err)
		}
		posted++
	}
	if posted == 0 {
		return sales.Errorf(sales.EINVALID, "no digest channel is set: /salesbot digest route #channel, or set SALESBOT_DIGEST_CHANNEL, or give a territory a channel with /territory route")
	}
	return nil
}

func scopeKey(sc Scope) string {
	switch sc.Kind {
	case ScopeTerritory:
		return "territory-" + strconv.FormatUint(uint64(sc.Territory), 10)
	case ScopeTeam:
		return "team-" + strconv.FormatUint(uint64(sc.Manager), 10)
	}
	return "all"
}

// Run is the scheduler: it posts each digest and nudge occurrence at most
// once (slots are claimed in the database after the poster has durably
// queued them under the slot's key) and returns nil when ctx is done.
// An occurrence missed while the bot was down is caught up once at
// start-up when it is within the grace window, and skipped with a log line
// when it is older.
func (s *Service) Run(ctx context.Context) error {
	if s.poster == nil {
		return sales.Errorf(sales.EINTERNAL, "digest: no poster")
	}
	jobs := map[string]*schedule{}
	for {
		now := s.now()
		if err := s.refreshJobs(ctx, jobs, now); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.ErrorContext(ctx, "scheduler: loading jobs failed", sales.LogKeyError, err)
		}
		var wake time.Time
		for _, j := range jobs {
			s.tick(ctx, j, now)
			w := j.spec.next(j.cursor)
			if !j.retry.IsZero() {
				w = j.retry // a failed slot is due again then
			}
			if wake.IsZero() || w.Before(wake) {
				wake = w
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		wait := maxWait
		if !wake.IsZero() {
			wait = min(max(wake.Sub(s.now()), 0), maxWait)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.after(wait):
		}
	}
}

func (s *Service) after(d time.Duration) <-chan time.Time {
	if t, ok := s.clock.(Timer); ok {
		return t.After(d)
	}
	return time.After(d)
}

func (s *Service) graceFor(sp spec) time.Duration {
	switch {
	case s.grace > 0:
		return s.grace
	case sp.every > 0:
		return sp.every
	}
	return DefaultGrace
}

// refreshJobs adds the digest job and a nudge job for the team zone and
// every zone a rep is in. A job seen for the first time starts from its
// last claimed slot, so a restart catches up; a job never run starts now.
func (s *Service) refreshJobs(ctx context.Context, jobs map[string]*schedule, now time.Time) error {
	add := func(name, zone string, sp spec) error {
		if _, ok := jobs[name]; ok {
			return nil
		}
		last, err := s.store.LastSlot(ctx, name)
		if err != nil {
			return fmt.Errorf("last slot of %s: %w", name, err)
		}
		begun, err := s.store.LastSlot(ctx, name+begunSuffix)
		if err != nil {
			return fmt.Errorf("last slot of %s: %w", name, err)
		}
		j := &schedule{job: name, spec: sp, cursor: last, zone: zone}
		switch {
		case begun.After(last):
			// The process stopped between posting and claiming: run that
			// slot again (within grace); the poster drops repeated keys.
			j.cursor = begun.Add(-time.Nanosecond)
		case last.IsZero():
			j.cursor = now // never ran: nothing to catch up
		}
		jobs[name] = j
		return nil
	}
	if s.digest != nil {
		if err := add(JobDigest, "", s.digest.spec); err != nil {
			return err
		}
	}
	if s.standings != nil {
		if err := add(JobStandings, "", *s.standings); err != nil {
			return err
		}
	}
	var people []sales.Person
	for _, zj := range []struct {
		job string
		sp  *spec
	}{{JobNudge, s.nudge}, {JobForecast, s.forecast}} {
		if zj.sp == nil {
			continue
		}
		if err := add(zj.job, "", *zj.sp); err != nil {
			return err
		}
		if zj.sp.every > 0 {
			continue // @every has no local time: one job for everyone
		}
		if people == nil {
			var err error
			if people, err = s.store.People(ctx); err != nil {
				return fmt.Errorf("people: %w", err)
			}
		}
		for _, p := range people {
			z := zoneOf(p, zj.sp)
			if z == "" {
				continue
			}
			loc, _ := time.LoadLocation(z)
			if err := add(zj.job+"/"+z, z, zj.sp.in(loc)); err != nil {
				return err
			}
		}
	}
	return nil
}

// zoneOf is the zone of the job of schedule sp that serves p: "" for the
// team's.
func zoneOf(p sales.Person, sp *spec) string {
	if p.TZ == "" || sp == nil || sp.every > 0 {
		return ""
	}
	if sp.loc != nil && p.TZ == sp.loc.String() {
		return ""
	}
	if _, err := time.LoadLocation(p.TZ); err != nil {
		return ""
	}
	return p.TZ
}

// tick runs the job's due slot, if any.
func (s *Service) tick(ctx context.Context, j *schedule, now time.Time) {
	grace := s.graceFor(j.spec)
	cut := now.Add(-grace)
	lo := j.cursor
	if lo.Before(cut) {
		if first := j.spec.next(lo); !first.After(cut) {
			s.log.WarnContext(ctx, "scheduler: missed slot skipped, older than the grace window",
				sales.LogKeyJob, j.job, sales.LogKeySlot, first, "grace", grace.String())
		}
		lo = cut
	}
	due, _, ok := j.spec.latest(lo, now)
	if !ok {
		j.cursor, j.retry = maxTime(j.cursor, lo), time.Time{}
		return
	}
	if !j.retry.IsZero() && now.Before(j.retry) {
		return
	}
	// A slot in flight finishes even when ctx ends (shutdown waits for
	// Run to return), so a stop never leaves it posted but unclaimed.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), slotTimeout)
	err := s.runSlot(sctx, j, due)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		j.retry = now.Add(retryDelay)
		s.log.ErrorContext(ctx, "scheduler: slot failed; will retry", sales.LogKeyJob, j.job, sales.LogKeySlot, due, sales.LogKeyError, err)
		return
	}
	j.cursor, j.retry = due, time.Time{}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// runSlot posts one occurrence and then claims it. The poster's outbox
// dedupes by key, so if the process dies between the post and the claim,
// the catch-up at start-up re-posts under the same key and nothing
// doubles; and a claimed slot is never run again.
func (s *Service) runSlot(ctx context.Context, j *schedule, slot time.Time) error {
	last, err := s.store.LastSlot(ctx, j.job)
	if err != nil {
		return err
	}
	if !last.Before(slot) {
		return nil // done already (by an earlier run of this file)
	}
	start := s.now()
	// Mark the slot begun first, so a crash before the claim is caught up
	// at start-up even for a job that never completed a slot.
	if _, err := s.store.ClaimSlot(ctx, j.job+begunSuffix, slot); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	switch {
	case j.job == JobDigest:
		err = s.digestSlot(ctx, slot, last)
	case j.job == JobStandings:
		err = s.standingsSlot(ctx, slot)
	case j.job == JobForecast || strings.HasPrefix(j.job, JobForecast+"/"):
		err = s.forecastSlot(ctx, j, slot, last)
	default:
		err = s.nudgeSlot(ctx, j, slot, last)
	}
	if err != nil {
		return err
	}
	if _, err := s.store.ClaimSlot(ctx, j.job, slot); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	s.log.InfoContext(ctx, "scheduler: slot done", sales.LogKeyJob, j.job, sales.LogKeySlot, slot, sales.LogKeyDuration, s.now().Sub(start))
	return nil
}

// begunSuffix names the slot record written before a slot's posts.
const begunSuffix = ".begun"

var errNoChannel = errors.New("no digest channel")

func (s *Service) digestSlot(ctx context.Context, slot, last time.Time) error {
	now := s.now()
	routes, err := s.routes(ctx)
	if err != nil {
		return err
	}
	var rs []route
	for _, r := range routes {
		if r.channel != "" {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		s.log.InfoContext(ctx, "scheduler: digest skipped", sales.LogKeySlot, slot, sales.LogKeyError, errNoChannel)
		return nil
	}
	ds, err := s.build(ctx, now, clampSince(last, now), rs)
	if err != nil {
		return err
	}
	for _, d := range ds {
		key := JobDigest + "/" + slot.UTC().Format(time.RFC3339) + "/" + scopeKey(d.Scope)
		if err := s.poster.PostDigest(ctx, d.Channel, d, key); err != nil {
			return fmt.Errorf("post digest %s: %w", key, err)
		}
	}
	return nil
}

func (s *Service) nudgeSlot(ctx context.Context, j *schedule, slot, last time.Time) error {
	now := s.now()
	since := last
	if since.IsZero() {
		since = slot.Add(-24 * time.Hour)
	}
	people, err := s.store.People(ctx)
	if err != nil {
		return err
	}
	sent := 0
	for _, p := range people {
		if p.SlackID == "" || p.NudgesOff || zoneOf(p, s.nudge) != j.zone {
			continue
		}
		if wd := slot.In(s.zoneLoc(p)).Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue // never on the rep's weekend
		}
		n, err := s.NudgeFor(ctx, p, now, since)
		if err != nil {
			return err
		}
		if !n.Useful() {
			continue
		}
		key := JobNudge + "/" + strconv.FormatUint(uint64(p.ID), 10) + "/" + slot.UTC().Format(time.RFC3339)
		if err := s.poster.SendNudge(ctx, n, key); err != nil {
			return fmt.Errorf("send nudge %s: %w", key, err)
		}
		if err := s.recordNudge(ctx, n, slot); err != nil {
			return fmt.Errorf("record nudge: %w", err)
		}
		sent++
	}
	s.log.DebugContext(ctx, "scheduler: nudges sent", sales.LogKeyJob, j.job, "count", sent)
	if j.zone == "" {
		return s.summarySlot(ctx, slot, now)
	}
	return nil
}

// summarySlot sends the managers' weekly summaries at the first team
// nudge slot of each week.
func (s *Service) summarySlot(ctx context.Context, slot, now time.Time) error {
	last, err := s.store.LastSlot(ctx, JobSummary)
	if err != nil {
		return err
	}
	loc := s.loc
	if s.nudge != nil && s.nudge.loc != nil {
		loc = s.nudge.loc
	}
	if !last.IsZero() {
		ly, lw := last.In(loc).ISOWeek()
		y, w := slot.In(loc).ISOWeek()
		if ly == y && lw == w {
			return nil
		}
	}
	sums, err := s.Summaries(ctx, slot.AddDate(0, 0, -7), slot, now)
	if err != nil {
		return err
	}
	for _, sum := range sums {
		key := JobSummary + "/" + strconv.FormatUint(uint64(sum.Manager.ID), 10) + "/" + slot.UTC().Format(time.RFC3339)
		if err := s.poster.SendNudgeSummary(ctx, sum, key); err != nil {
			return fmt.Errorf("send nudge summary %s: %w", key, err)
		}
	}
	if _, err := s.store.ClaimSlot(ctx, JobSummary, slot); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	return nil
}
