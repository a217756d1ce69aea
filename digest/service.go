// Package digest is the part of salesbot that works while nobody types:
// the scheduler, the manager digest, coaching nudges and the managers'
// weekly nudge summary. It is Slack-agnostic: the bot renders and posts
// what it builds through the Poster interface.
//
// It may import sales, report, forecast, cron and the plotting library; never
// slack-go or bbolt: Store and Poster are the narrow interfaces it needs.
package digest

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

// Store is the part of storage the digest needs; *storage.DB has it.
type Store interface {
	report.Source
	EventsBetween(ctx context.Context, from, to time.Time) ([]sales.Event, error)
	Deal(ctx context.Context, id sales.DealID) (sales.Deal, error)
	FindDeals(ctx context.Context, f sales.DealFilter) ([]sales.Deal, error)
	ClaimSlot(ctx context.Context, job string, slot time.Time) (bool, error)
	LastSlot(ctx context.Context, job string) (time.Time, error)
	DigestChannels(ctx context.Context) (sales.DigestChannels, error)
	RecordNudge(ctx context.Context, r sales.NudgeRecord) error
	NudgeRecords(ctx context.Context) ([]sales.NudgeRecord, error)
	DropNudgeRecord(ctx context.Context, r sales.NudgeRecord) error
	ForecastCalls(ctx context.Context, p sales.Period) (map[sales.PersonID]sales.ForecastCall, error)
	DealHistory(ctx context.Context, id sales.DealID) ([]sales.Event, error)
	ChangeMark(ctx context.Context) (sales.ChangeMark, error)
}

// Timer is the optional half of a clock the scheduler waits on. A Config
// Clock that also implements Timer (digesttest.Clock does) drives the
// scheduler completely, so tests advance time without sleeping; any other
// clock waits on real timers.
type Timer interface {
	After(d time.Duration) <-chan time.Time
}

// Job names (bbolt slot records).
const (
	JobDigest  = "digest"
	JobNudge   = "nudge" // + "/" + zone name
	JobSummary = "nudge.summary"
	// JobForecast is the weekly forecast call: + "/" + zone name for reps
	// outside the schedule's zone; the team-zone job also sends the
	// managers' roll-ups.
	JobForecast = "forecast"
)

// DefaultGrace is how late a missed cron occurrence may still be caught up
// at start-up; @every schedules use one period instead.
const DefaultGrace = 2 * time.Hour

// Config wires a Service.
type Config struct {
	Store  Store
	Poster Poster
	// Locale's Clock drives the scheduler too (see Timer).
	Locale sales.Locale
	// Channel is SALESBOT_DIGEST_CHANNEL; "" turns the company digest off
	// unless the digest.channel setting names one.
	Channel    string
	DigestSpec string // SALESBOT_DIGEST_SCHEDULE; "" = no digest job
	NudgeSpec  string // SALESBOT_NUDGE_SCHEDULE; "" = no nudges
	// ForecastSpec is SALESBOT_FORECAST_SCHEDULE; "" = no forecast call.
	ForecastSpec string
	// StandingsSpec is SALESBOT_LEADERBOARD_SCHEDULE, the weekly standings
	// in WinsChannel (SALESBOT_WINS_CHANNEL); "" = off.
	StandingsSpec string
	WinsChannel   string
	Grace         time.Duration
	Logger        *slog.Logger
	// Histories is the forecast's deal-history cache, shared with the
	// commands; nil: the service's own.
	Histories *report.HistoryCache
}

// Service builds and schedules digests and nudges.
type Service struct {
	store  Store
	poster Poster
	clock  sales.Clock
	loc    *time.Location
	cur    sales.Currency
	chan0  string
	digest *schedule // nil when off
	nudge  *spec     // nil when off
	// forecast is the weekly call's schedule; nil when off.
	forecast *spec
	// standings is the weekly standings' schedule; nil when off.
	standings *spec
	winsChan  string
	// histories keeps the forecast's deal histories between runs.
	histories *report.HistoryCache
	grace     time.Duration
	log       *slog.Logger
}

// CronParser is the schedule syntax, the same options as app.CronParser:
// five fields, @descriptors including @every, optional CRON_TZ= prefix.
var CronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// New checks cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, sales.Errorf(sales.EINVALID, "digest: no store")
	}
	s := &Service{
		store: cfg.Store, poster: cfg.Poster, chan0: cfg.Channel, grace: cfg.Grace, log: cfg.Logger, histories: cfg.Histories,
	}
	if s.histories == nil {
		s.histories = &report.HistoryCache{}
	}
	l := cfg.Locale.WithDefaults()
	s.clock, s.loc, s.cur = l.Clock, l.Loc, l.Currency
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if strings.TrimSpace(cfg.DigestSpec) != "" {
		sp, err := parseSpec(cfg.DigestSpec, s.loc)
		if err != nil {
			return nil, sales.Errorf(sales.EINVALID, "digest schedule %q: %v", cfg.DigestSpec, err)
		}
		s.digest = &schedule{job: JobDigest, spec: sp}
	}
	if strings.TrimSpace(cfg.NudgeSpec) != "" {
		sp, err := parseSpec(cfg.NudgeSpec, s.loc)
		if err != nil {
			return nil, sales.Errorf(sales.EINVALID, "nudge schedule %q: %v", cfg.NudgeSpec, err)
		}
		s.nudge = &sp
	}
	if strings.TrimSpace(cfg.ForecastSpec) != "" {
		sp, err := parseSpec(cfg.ForecastSpec, s.loc)
		if err != nil {
			return nil, sales.Errorf(sales.EINVALID, "forecast schedule %q: %v", cfg.ForecastSpec, err)
		}
		s.forecast = &sp
	}
	if strings.TrimSpace(cfg.StandingsSpec) != "" {
		sp, err := parseSpec(cfg.StandingsSpec, s.loc)
		if err != nil {
			return nil, sales.Errorf(sales.EINVALID, "leaderboard schedule %q: %v", cfg.StandingsSpec, err)
		}
		s.standings, s.winsChan = &sp, cfg.WinsChannel
	}
	return s, nil
}

func (s *Service) now() time.Time { return s.clock.Now() }

// channelFor resolves the company digest's channel: the setting wins over
// the environment so /salesbot configuration can re-route it.
func (s *Service) channelFor(ctx context.Context) (string, error) {
	set, err := s.store.DigestChannels(ctx)
	if err != nil {
		return "", fmt.Errorf("digest channel: %w", err)
	}
	if set.Company != "" {
		return set.Company, nil
	}
	return s.chan0, nil
}
