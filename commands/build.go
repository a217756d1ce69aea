package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Commands built in code. The bot's buttons and modals build these
// instead of assembling command text, and run them with Service.Run (or
// Exec when the actor is already resolved). Each is the Cmd its typed
// form parses to; TestBuiltCommands holds them to that.

// DealCmd is a /deal form that takes only the deal: "advance", "won",
// "edit", "show", "reopen".
func DealCmd(verb string, id sales.DealID) Cmd {
	return Cmd{Command: "deal", Verb: verb, Deal: DealRef{ID: id}}
}

// AdvanceCmd is /deal advance D-n (the "Next stage" button).
func AdvanceCmd(id sales.DealID) Cmd { return DealCmd("advance", id) }

// WonCmd is /deal won D-n.
func WonCmd(id sales.DealID) Cmd { return DealCmd("won", id) }

// EditCmd is /deal edit D-n: it answers with the prefilled deal form.
func EditCmd(id sales.DealID) Cmd { return DealCmd("edit", id) }

// StageCmd is /deal stage D-n <stage> (the stage menu).
func StageCmd(id sales.DealID, stage string) Cmd {
	c := DealCmd("stage", id)
	c.Stage = stage
	return c
}

// ForecastCmd is /deal set D-n forecast:<category> (the card's forecast
// menu); category 0 puts the deal back on its stage's default.
func ForecastCmd(id sales.DealID, category sales.ForecastCategory) Cmd {
	c := DealCmd("set", id)
	c.Forecast, c.HasForecast = category, true
	return c
}

// LostCmd is /deal lost D-n <reason> (the lost-reason modal). Line breaks
// in the reason become spaces, as the one-line command has none.
func LostCmd(id sales.DealID, reason string) Cmd {
	c := DealCmd("lost", id)
	c.Text = strings.TrimSpace(strings.ReplaceAll(reason, "\n", " "))
	return c
}

// ForecastSubmitCmd is /forecast submit <commit> best <best> <period>
// (the weekly forecast call's modal).
func ForecastSubmitCmd(commit, best sales.Money, p sales.Period) Cmd {
	return Cmd{Command: "forecast", Verb: "submit", Amount: commit, HasAmount: true, Best: best, HasBest: true, Period: p}
}

// SnoozeCmd is /deal snooze D-n <days>d: nudges about the deal are quiet
// for that many days from today in the configured zone.
func (s *Service) SnoozeCmd(id sales.DealID, days int) Cmd {
	c := DealCmd("snooze", id)
	c.Until = s.today().AddDate(0, 0, days)
	return c
}

// PushCmd is /deal close D-n +<days>d: the expected close date moves to
// that many days from today.
func (s *Service) PushCmd(id sales.DealID, days int) Cmd {
	c := DealCmd("close", id)
	c.Close = s.today().AddDate(0, 0, days)
	return c
}

// today is the configured zone's date, as the parser reads relative
// dates ("+7d").
func (s *Service) today() time.Time { return civil(s.clock.Now(), s.loc) }

// Run runs a built command for the Slack user in req, as Handle runs
// typed text: it resolves the actor, then runs c as Exec does, and logs
// the result.
func (s *Service) Run(ctx context.Context, req Request, c Cmd) (*Result, error) {
	start := time.Now()
	res, err := s.run(ctx, req, c)
	s.logResult(ctx, c.Name(), req.UserID, start, err)
	return res, err
}

func (s *Service) run(ctx context.Context, req Request, c Cmd) (*Result, error) {
	stages, err := s.store.Stages(ctx)
	if err != nil {
		return nil, fmt.Errorf("stages: %w", err)
	}
	if c, err = s.reread(c, stages); err != nil {
		return nil, err
	}
	actor, err := s.Actor(ctx, req.UserID, req.UserName, req.RealName, req.Email)
	if err != nil {
		return nil, err
	}
	return s.exec(ctx, actor, c, stages)
}

// reread reads a built command back through the parser from its
// canonical text, so it gets exactly the checks and the canonical values
// (stage names, lengths, dates in the future) typed text gets.
func (s *Service) reread(c Cmd, stages sales.StageSet) (Cmd, error) {
	if c.Currency.Code == "" {
		c.Currency = s.cur
	}
	text := strings.TrimPrefix(c.String(), "/"+c.Command)
	out, err := s.Parser(stages).Parse(c.Command, text)
	// An activity's outcome has no typed form (only the modal sets it):
	// carried over as given; storage checks it like every activity text.
	out.Outcome = c.Outcome
	return out, err
}
