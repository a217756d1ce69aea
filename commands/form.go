package commands

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/salesbot/salesbot/sales"
)

// SubmitDealForm validates a submitted deal modal and creates or updates
// the deal. Field errors (keyed "account", "amount", "stage", "close",
// "owner", "territory") come back in the map with nothing written; the
// bot returns them as response_action: errors. Other failures (the deal
// is gone, editing someone else's deal) are the error.
//
// An edit replaces every field the form shows with what it holds (the
// bot prefills the form from DealForm); an empty owner keeps the owner.
func (s *Service) SubmitDealForm(ctx context.Context, req Request, in FormInput) (*Result, map[string]string, error) {
	stages, err := s.store.Stages(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("deal form: %w", err)
	}
	p := s.Parser(stages)
	p = p.withDefaults()
	errs := map[string]string{}

	account := normName(in.Account)
	switch {
	case account == "":
		errs["account"] = "Enter the account name."
	case utf8.RuneCountInString(account) > maxAccount:
		errs["account"] = fmt.Sprintf("Keep the account name under %d characters.", maxAccount)
	}
	var amount sales.Money
	hasAmount := strings.TrimSpace(in.Amount) != ""
	if hasAmount {
		if amount, err = ParseAmount(in.Amount, s.cur); err != nil {
			errs["amount"] = sales.ErrorMessage(err)
		}
	} else if in.DealID == 0 {
		errs["amount"] = "Enter the amount, e.g. " + amountForms + "."
	}
	var stage sales.Stage
	if strings.TrimSpace(in.Stage) != "" {
		if stage, err = p.lookupStage(in.Stage); err != nil {
			errs["stage"] = sales.ErrorMessage(err)
		}
	} else if in.DealID == 0 {
		stage = stages.First()
	}
	var cat sales.ForecastCategory
	hasCat := strings.TrimSpace(in.Forecast) != ""
	if hasCat {
		if cat, err = sales.ParseForecastCategory(in.Forecast); err != nil {
			errs["forecast"] = sales.ErrorMessage(err)
		}
	}
	var closeDate time.Time // zero: none
	if strings.TrimSpace(in.CloseDate) != "" {
		if closeDate, err = ParseDate(in.CloseDate, p.Now, p.Loc); err != nil {
			errs["close"] = sales.ErrorMessage(err)
		}
	}

	actor, err := s.Actor(ctx, req.UserID, req.UserName, req.RealName, req.Email)
	if err != nil {
		return nil, nil, err
	}
	r := s.newRun(ctx, actor, stages)

	if !closeDate.IsZero() {
		st := stage
		if st.ID == 0 {
			st.Kind = sales.StageOpen
		}
		if err := r.futureClose(closeDate, st); err != nil {
			errs["close"] = sales.ErrorMessage(err)
		}
	}
	var terr sales.TerritoryID
	if t := normName(in.Territory); t != "" && !isNone(t) {
		tt, err := r.findTerritory(t)
		if err != nil {
			if sales.ErrorCode(err) != sales.ENOTFOUND {
				return nil, nil, err
			}
			errs["territory"] = sales.ErrorMessage(err)
		}
		terr = tt.ID
	}

	var old sales.Deal
	if in.DealID != 0 {
		if old, err = s.store.Deal(ctx, in.DealID); err != nil {
			return nil, nil, err
		}
		if err := sales.Authorize(actor, sales.ActDealEdit, old.Owner); err != nil {
			return nil, nil, err
		}
	}
	owner, known := actor.Person, true
	switch {
	case strings.TrimSpace(in.OwnerSlack) != "":
		if owner, known, err = r.findUser(UserRef{ID: strings.TrimSpace(in.OwnerSlack)}); err != nil {
			if sales.ErrorCode(err) == sales.EINTERNAL {
				return nil, nil, err
			}
			errs["owner"] = sales.ErrorMessage(err)
		}
	case in.DealID != 0:
		owner = r.person(old.Owner)
	}
	act := sales.ActDealCreate
	if in.DealID != 0 {
		act = sales.ActDealEdit
	}
	if errs["owner"] == "" && (in.DealID == 0 || owner.ID != old.Owner) {
		if err := sales.Authorize(actor, act, owner.ID); err != nil {
			errs["owner"] = sales.ErrorMessage(err)
		}
	}
	nextStep, nextDue := r.formNextStep(in, old, errs)
	if len(errs) > 0 {
		return nil, errs, nil
	}
	if owner, err = r.ensureUser(owner, known); err != nil {
		return nil, nil, err
	}

	if in.DealID == 0 {
		// The same path as /deal add, so both log deals identically.
		c := Cmd{Command: "deal", Verb: "add", Account: account, Amount: amount, HasAmount: true, Stage: stage.Name,
			Close: closeDate, Territory: normName(in.Territory), Currency: s.cur}
		if hasCat && cat != 0 {
			if stage.Kind != sales.StageOpen {
				return nil, map[string]string{"forecast": "A " + stage.Name + " deal has no forecast category: leave it on the stage's default."}, nil
			}
			c.Forecast, c.HasForecast = cat, true
		}
		if owner.ID != actor.Person.ID {
			c.Owner = UserRef{ID: owner.SlackID}
		}
		res, err := r.dealAdd(c)
		return res, nil, err
	}

	wasKind := stages.Kind(old.Stage)
	fn := func(x *sales.Deal) error {
		if err := sales.Authorize(actor, sales.ActDealEdit, x.Owner); err != nil {
			return err
		}
		before := *x
		x.Account = account
		x.Amount = amount
		if stage.ID != 0 && stage.ID != x.Stage {
			x.Stage = stage.ID
			if stage.Kind != sales.StageLost {
				x.LostReason = ""
			}
		}
		x.CloseDate = closeDate
		x.Owner = owner.ID
		x.Territory = terr
		if hasCat && stages.Kind(x.Stage) == sales.StageOpen {
			x.Forecast = cat // a closed deal is closed, whatever was chosen
		}
		if in.HasNext && stages.Kind(x.Stage) == sales.StageOpen {
			x.NextStep, x.NextDue = nextStep, nextDue
		}
		return sales.ApplyStageChange(&before, x, stages, p.Now, p.Loc)
	}
	nd, err := s.store.UpdateDeal(ctx, old.ID, actor.Person.ID, fn)
	if err != nil {
		return nil, nil, fmt.Errorf("deal form: %w", err)
	}
	card := r.card(nd)
	res := &Result{Kind: KindDeal, Title: nd.ID.String() + " " + nd.Account, Deal: &card,
		Lines: []string{fmt.Sprintf("Logged: %s %s updated.", nd.ID, nd.Account)}}
	if stages.Kind(nd.Stage) == sales.StageWon && wasKind != sales.StageWon {
		res.Win = r.winNotice(nd)
	}
	return res, nil, nil
}
