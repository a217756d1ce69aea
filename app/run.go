package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/salesbot/salesbot/bot"
	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
	"github.com/salesbot/salesbot/storage/online"
)

// Stack is the running bot: storage, the outbox, the digest scheduler,
// commands and the Slack bot, wired the same way for `run` and `demo`.
type Stack struct {
	DB     *storage.DB
	Out    *outbox.Outbox
	Poster bot.DigestPoster // the digest's nudges and digests, into out
	Digest *digest.Service
	Svc    *commands.Service
	Bot    *bot.Bot
	// Histories is the forecast cache the digest and commands share;
	// WarmForecast fills it.
	Histories *report.HistoryCache
	Cur       sales.Currency
}

// WarmForecast reads the forecast's histories in the background so the
// first /forecast or win post after a start is quick; a failure is only
// logged, the first projection then reads them itself.
func (s *Stack) WarmForecast(ctx context.Context, logger *slog.Logger) {
	go func() {
		start := time.Now()
		if err := s.Histories.Warm(ctx, s.DB, s.Cur); err != nil {
			if ctx.Err() == nil {
				logger.Warn("forecast histories not read ahead", sales.LogKeyError, err)
			}
			return
		}
		logger.Info("forecast histories read", sales.LogKeyDuration, time.Since(start).Round(time.Millisecond))
	}()
}

// NewStack wires everything on an open database, each part on the ones
// built before it.
func NewStack(cfg Config, db *storage.DB, clock sales.Clock, logger *slog.Logger) (*Stack, error) {
	loc := sales.Locale{Clock: clock, Loc: cfg.Loc, Currency: cfg.Cur}.WithDefaults()
	out := outbox.New(outbox.Config{Locale: loc, Logger: logger}, db)
	// A digest whose channel refuses it is dropped and its route's
	// owners told by DM (the team's manager, else the admins).
	poster := bot.NewDigestPoster(out).WithRouteOwners(db, cfg.Admins)
	histories := &report.HistoryCache{}
	dg, err := digest.New(digest.Config{
		Store: db, Poster: poster, Locale: loc, Channel: cfg.DigestChannel,
		DigestSpec: cfg.DigestSchedule, NudgeSpec: cfg.NudgeSchedule, ForecastSpec: cfg.ForecastSchedule, Logger: logger,
		StandingsSpec: cfg.LeaderboardSchedule, WinsChannel: cfg.WinsChannel,
		Histories: histories,
	})
	if err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	botCfg := bot.Config{
		AppToken: cfg.AppToken, BotToken: cfg.BotToken, APIURL: cfg.APIURL,
		WinsChannel: cfg.WinsChannel, DigestChannel: cfg.DigestChannel,
		Locale: loc, Logger: logger, HTTPClient: &http.Client{Timeout: 30 * time.Second},
	}
	chans := bot.NewChannels(botCfg)
	svc := commands.New(db, commands.Config{Locale: loc, Admins: cfg.Admins, Logger: logger, Digests: dg, Channels: chans, Histories: histories})
	b := bot.New(botCfg, svc, db, out)
	return &Stack{DB: db, Out: out, Poster: poster, Digest: dg, Svc: svc, Bot: b, Histories: histories, Cur: loc.Currency}, nil
}

// Run is `salesbot run`: it serves Slack until ctx is cancelled (SIGTERM),
// then stops taking work, finishes what is in flight, closes the database
// and returns nil. It returns an error when it cannot start or Slack
// refuses the tokens.
func Run(ctx context.Context, cfg Config, logger *slog.Logger) (err error) {
	if logger == nil {
		logger = slog.Default()
	}
	if cfg.Loc == nil || cfg.Cur.Code == "" {
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	if err := cfg.RequireTokens(); err != nil {
		return err
	}
	db, err := storage.Open(cfg.DB, storage.Options{Currency: cfg.Cur, Zone: cfg.Loc, Logger: logger})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	// `salesbot backup` gets its online copy through this socket; it is
	// closed before the database (defers run in reverse).
	defer online.Serve(db, logger)()
	st, err := NewStack(cfg, db, nil, logger)
	if err != nil {
		return err
	}
	return st.serve(ctx, cfg.HTTPAddr, logger)
}

// serve runs the bot, the scheduler and the optional HTTP endpoint until
// ctx ends or the bot fails.
func (st *Stack) serve(ctx context.Context, httpAddr string, logger *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var srv *http.Server
	httpDone := make(chan error, 1)
	if httpAddr != "" {
		ln, err := net.Listen("tcp", httpAddr)
		if err != nil {
			return fmt.Errorf("SALESBOT_HTTP_ADDR=%s: %w", httpAddr, err)
		}
		srv = &http.Server{Handler: st.httpHandler(), ReadHeaderTimeout: 5 * time.Second}
		go func() { httpDone <- srv.Serve(ln) }()
		logger.Info("http listening", "addr", ln.Addr().String())
	}

	st.WarmForecast(ctx, logger)
	botDone := make(chan error, 1)
	go func() { botDone <- st.Bot.Run(ctx) }()
	digestDone := make(chan error, 1)
	go func() { digestDone <- st.Digest.Run(ctx) }()

	var botErr error
	select {
	case <-ctx.Done():
		botErr = <-botDone
	case botErr = <-botDone:
		cancel()
	}
	if err := <-digestDone; err != nil && !errors.Is(err, context.Canceled) {
		logger.Warn("digest scheduler stopped", sales.LogKeyError, err.Error())
	}
	if srv != nil {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = srv.Shutdown(sctx)
		scancel()
		<-httpDone
	}
	return botErr
}

// pingDB reads one setting, giving up after timeout: a read can wait
// behind a writer that waits for the file to grow, and a health check must
// answer (503) rather than hang with it. The abandoned read finishes on
// its own.
func (st *Stack) pingDB(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := st.DB.Setting(ctx, "health.ping")
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("database did not answer within %s", timeout)
	}
}

// httpHandler serves /healthz (socket up, database open) and /metrics.
func (st *Stack) httpHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		dbErr := st.pingDB(r.Context(), 2*time.Second)
		outErr := st.Out.Health()
		h := struct {
			Socket bool   `json:"socket_connected"`
			DB     bool   `json:"db_open"`
			Outbox bool   `json:"outbox_posting"`
			Error  string `json:"error,omitempty"`
		}{Socket: st.Bot.Connected(), DB: dbErr == nil, Outbox: outErr == nil}
		if dbErr != nil {
			h.Error = sales.ErrorMessage(dbErr)
		} else if outErr != nil {
			h.Error = outErr.Error()
		}
		status := http.StatusOK
		if !h.Socket || !h.DB || !h.Outbox {
			status = http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(h)
	})
	mux.Handle("/metrics", promhttp.HandlerFor(st.Bot.Gatherer(), promhttp.HandlerOpts{}))
	return mux
}
