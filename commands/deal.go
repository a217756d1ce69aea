package commands

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

// maxNotes bounds a deal's accumulated notes; the oldest lines go first.
const maxNotes = sales.MaxNotes

// dealNewForm opens the deal modal for a new deal ("/deal").
func (r *run) dealNewForm(Cmd) (*Result, error) { return r.dealForm(sales.Deal{}) }

// dealEdit opens the deal modal prefilled with a deal the actor may change.
func (r *run) dealEdit(c Cmd) (*Result, error) {
	d, err := r.findDeal(c.Deal)
	if err != nil {
		return nil, err
	}
	if err := sales.Authorize(r.actor, sales.ActDealEdit, d.Owner); err != nil {
		return nil, err
	}
	return r.dealForm(d)
}

// dealForm asks the bot to open the deal modal, prefilled from d (a new
// deal when d.ID is 0).
func (r *run) dealForm(d sales.Deal) (*Result, error) {
	f := &DealForm{
		DealID:    d.ID,
		Account:   d.Account,
		ShowOwner: sales.Authorize(r.actor, sales.ActDealCreate, 0) == nil,
	}
	for _, s := range r.stages.Stages {
		f.Stages = append(f.Stages, s.Name)
	}
	ts, err := r.store.Territories(r.ctx)
	if err != nil {
		return nil, fmt.Errorf("territories: %w", err)
	}
	for _, t := range ts {
		f.Territories = append(f.Territories, t.Name)
	}
	f.Forecast, f.ShowForecast = "default", d.ID == 0 || r.stages.Kind(d.Stage) == sales.StageOpen
	if d.Forecast != 0 {
		f.Forecast = d.Forecast.String()
		if d.Forecast == sales.ForecastBestCase {
			f.Forecast = "best"
		}
	}
	stage := r.stages.First().ID
	if d.ID != 0 {
		stage = d.Stage
	}
	f.ForecastDefault = forecast.NewCategorizer(r.stages).Default(stage).String()
	f.NextStep, f.NextDue, f.ShowNext = d.NextStep, d.NextDue.String(), d.ID != 0 && r.stages.Kind(d.Stage) == sales.StageOpen
	if d.ID == 0 {
		f.Stage = r.stages.First().Name
		f.OwnerSlack = r.actor.Person.SlackID
		f.Territory = r.territoryName(r.actor.Person.Territory)
	} else {
		f.Stage = r.stages.Name(d.Stage)
		f.OwnerSlack = r.person(d.Owner).SlackID
		f.Territory = r.territoryName(d.Territory)
		if d.Amount != 0 {
			f.Amount = FormatAmount(d.Amount, r.cur.Decimals)
		}
		if !d.CloseDate.IsZero() {
			f.CloseDate = FormatDate(d.CloseDate)
		}
	}
	title := "Log a deal"
	if d.ID != 0 {
		title = "Edit " + d.ID.String()
	}
	return &Result{Kind: KindDealForm, Title: title, Form: f}, nil
}

// dealAdd logs a new deal. The reply says "Logged" only after the store
// committed it.
func (r *run) dealAdd(c Cmd) (*Result, error) {
	owner := r.actor.Person
	known := true
	if !c.Owner.IsZero() {
		var err error
		if owner, known, err = r.findUser(c.Owner); err != nil {
			return nil, err
		}
	}
	if err := sales.Authorize(r.actor, sales.ActDealCreate, owner.ID); err != nil {
		return nil, err
	}
	stage := r.stages.First()
	if c.Stage != "" {
		s, err := r.stages.Lookup(c.Stage)
		if err != nil {
			return nil, err
		}
		stage = s
	}
	var terr sales.TerritoryID
	if c.Territory != "" && !isNone(c.Territory) {
		t, err := r.findTerritory(c.Territory)
		if err != nil {
			return nil, err
		}
		terr = t.ID
	}
	if err := r.futureClose(c.Close, stage); err != nil {
		return nil, err
	}
	if c.HasForecast && stage.Kind != sales.StageOpen {
		return nil, sales.Errorf(sales.EINVALID, "a %s deal has no forecast category: forecast:%s is for open deals", stage.Name, c.Forecast)
	}
	owner, err := r.ensureUser(owner, known)
	if err != nil {
		return nil, err
	}
	if c.Territory == "" {
		terr = owner.Territory
	}
	d := sales.Deal{
		Account: c.Account, Amount: c.Amount, Stage: stage.ID, Owner: owner.ID, Territory: terr,
		Product: c.Product, CloseDate: c.Close, Forecast: c.Forecast,
	}
	if c.Note != "" {
		d.Notes = r.noteLine(c.Note)
	}
	r.remember(owner)
	created, err := r.store.CreateDeal(r.ctx, d, r.actor.Person.ID)
	if err != nil {
		return nil, fmt.Errorf("deal add: %w", err)
	}
	card := r.card(created)
	res := &Result{Kind: KindDeal, Title: "Logged " + created.ID.String(), Deal: &card}
	res.Lines = []string{fmt.Sprintf("Logged %s: %s, %s, %s%s.", created.ID, created.Account, amountText(card.Amount), card.StageName, ownerNote(r.actor, owner))}
	if stage.Kind == sales.StageWon {
		res.Win = r.winNotice(created)
	}
	return res, nil
}

func isNone(s string) bool {
	switch strings.ToLower(s) {
	case "none", "-", "no", "clear":
		return true
	}
	return false
}

func amountText(s string) string {
	if s == "" {
		return "no amount yet"
	}
	return s
}

func ownerNote(actor sales.Actor, owner sales.Person) string {
	if owner.ID == actor.Person.ID {
		return ""
	}
	return ", owner " + owner.Label()
}

// futureClose rejects an expected close date in the past on an open deal.
func (r *run) futureClose(d time.Time, st sales.Stage) error {
	if d.IsZero() || st.Kind != sales.StageOpen {
		return nil
	}
	if today := civil(r.now, r.loc); d.Before(today) {
		return sales.Errorf(sales.EINVALID, "close date %s is in the past: an expected close date is today or later, e.g. %s or +2w",
			FormatDate(d), FormatDate(today.AddDate(0, 0, 14)))
	}
	return nil
}

func (r *run) noteLine(text string) string {
	return r.now.In(r.loc).Format("2006-01-02") + " " + r.actor.Person.Label() + ": " + text
}

func appendNote(notes, line string) string {
	if notes != "" {
		notes += "\n"
	}
	notes += line
	for len(notes) > maxNotes {
		i := strings.IndexByte(notes, '\n')
		if i < 0 {
			return notes[len(notes)-maxNotes:]
		}
		notes = notes[i+1:]
	}
	return notes
}

func (r *run) dealShow(c Cmd) (*Result, error) {
	d, err := r.findDeal(c.Deal)
	if err != nil {
		return nil, err
	}
	if err := sales.Authorize(r.actor, sales.ActDealView, d.Owner); err != nil {
		return nil, err
	}
	card := r.card(d)
	card.History = r.history(d)
	card.Activities, card.ActivityTotal = r.activityLines(d)
	return &Result{Kind: KindDeal, Title: d.ID.String() + " " + d.Account, Deal: &card}, nil
}

// The forms that edit one deal (stage, advance, won, lost, close, snooze,
// note, set, reopen) each resolve what needs a read first, then change
// the deal through updateDeal. The permission check runs again inside
// the update, against the deal as stored in that transaction.

// editable finds the deal a command edits and checks the actor may
// change it. text is the command's free text with any words that turned
// out to continue an unquoted account name taken off.
func (r *run) editable(c Cmd) (d sales.Deal, text string, err error) {
	d, text, err = r.findDealText(c.Deal, c.Text)
	if err != nil {
		return sales.Deal{}, "", err
	}
	if err := sales.Authorize(r.actor, sales.ActDealEdit, d.Owner); err != nil {
		return sales.Deal{}, "", err
	}
	return d, text, nil
}

// change edits x inside the store's transaction. A non-empty already
// means the deal is as asked already: nothing is written and already is
// the reply.
type change func(x *sales.Deal, name string, open bool) (already string, err error)

// updateDeal applies fn to the stored deal and replies with line.
func (r *run) updateDeal(c Cmd, d sales.Deal, fn change, line func(d sales.Deal, card DealCard) string) (*Result, error) {
	var already string
	var wasKind sales.StageKind
	nd, err := r.store.UpdateDeal(r.ctx, d.ID, r.actor.Person.ID, func(x *sales.Deal) error {
		wasKind = r.stages.Kind(x.Stage)
		if err := sales.Authorize(r.actor, sales.ActDealEdit, x.Owner); err != nil {
			return err
		}
		old := *x
		var err error
		if already, err = fn(x, r.stages.Name(x.Stage), wasKind == sales.StageOpen); err == nil && already != "" {
			err = errNoChange
		}
		if err != nil {
			return err
		}
		// A close records its day as the close date: "deals closed in the
		// window" are counted by it.
		return sales.ApplyStageChange(&old, x, r.stages, r.now, r.loc)
	})
	if errors.Is(err, errNoChange) {
		cur, err := r.store.Deal(r.ctx, d.ID)
		if err != nil {
			return nil, err
		}
		card := r.card(cur)
		return &Result{Kind: KindDeal, Title: cur.ID.String() + " " + cur.Account, Lines: []string{already}, Deal: &card}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("deal %s: %w", c.Verb, err)
	}
	card := r.card(nd)
	res := &Result{Kind: KindDeal, Title: nd.ID.String() + " " + nd.Account, Deal: &card}
	res.Lines = []string{line(nd, card)}
	if r.stages.Kind(nd.Stage) == sales.StageWon && wasKind != sales.StageWon {
		res.Win = r.winNotice(nd)
	}
	return res, nil
}

func stageLineOf(d sales.Deal, card DealCard) string {
	return fmt.Sprintf("Logged: %s %s is now in %s (%s).", d.ID, d.Account, card.StageName, card.Probability)
}

func updatedLine(d sales.Deal, _ DealCard) string {
	return fmt.Sprintf("Logged: %s %s updated.", d.ID, d.Account)
}

// moveTo puts x in stage st; only a lost deal keeps a lost reason.
func moveTo(x *sales.Deal, st sales.Stage) {
	x.Stage = st.ID
	if st.Kind != sales.StageLost {
		x.LostReason = ""
	}
}

func (r *run) dealStage(c Cmd) (*Result, error) {
	d, _, err := r.editable(c)
	if err != nil {
		return nil, err
	}
	target, err := r.stages.Lookup(c.Stage)
	if err != nil {
		return nil, err
	}
	return r.updateDeal(c, d, func(x *sales.Deal, name string, _ bool) (string, error) {
		if x.Stage == target.ID {
			return fmt.Sprintf("%s is already in %s.", x.ID, name), nil
		}
		moveTo(x, target)
		return "", nil
	}, stageLineOf)
}

func (r *run) dealAdvance(c Cmd) (*Result, error) {
	d, _, err := r.editable(c)
	if err != nil {
		return nil, err
	}
	return r.updateDeal(c, d, func(x *sales.Deal, name string, open bool) (string, error) {
		if !open {
			return "", sales.Errorf(sales.EINVALID, "%s is %s: reopen it first with /deal reopen %s", x.ID, name, x.ID)
		}
		next, ok := r.stages.Next(x.Stage)
		if !ok {
			return "", sales.Errorf(sales.EINVALID, "%s is in %s, the last open stage: mark it won with /deal won %s", x.ID, name, x.ID)
		}
		x.Stage = next.ID
		return "", nil
	}, stageLineOf)
}

func (r *run) dealWon(c Cmd) (*Result, error) {
	d, _, err := r.editable(c)
	if err != nil {
		return nil, err
	}
	won := r.stages.Won()
	return r.updateDeal(c, d, func(x *sales.Deal, _ string, _ bool) (string, error) {
		if x.Stage == won.ID {
			return fmt.Sprintf("%s is already won.", x.ID), nil
		}
		x.Stage = won.ID
		x.LostReason = ""
		if c.HasAmount {
			x.Amount = c.Amount
		}
		return "", nil
	}, func(d sales.Deal, card DealCard) string {
		return fmt.Sprintf("Logged: %s %s won, %s. :tada:", d.ID, d.Account, amountText(card.Amount))
	})
}

func (r *run) dealLost(c Cmd) (*Result, error) {
	d, reason, err := r.editable(c)
	if err != nil {
		return nil, err
	}
	lost := r.stages.Lost()
	return r.updateDeal(c, d, func(x *sales.Deal, _ string, _ bool) (string, error) {
		if x.Stage == lost.ID && (reason == "" || reason == x.LostReason) {
			return fmt.Sprintf("%s is already lost.", x.ID), nil
		}
		x.Stage = lost.ID
		if reason != "" {
			x.LostReason = reason
		}
		return "", nil
	}, func(d sales.Deal, _ DealCard) string {
		if d.LostReason != "" {
			return fmt.Sprintf("Logged: %s %s lost (%s).", d.ID, d.Account, d.LostReason)
		}
		return fmt.Sprintf("Logged: %s %s lost.", d.ID, d.Account)
	})
}

func (r *run) dealReopen(c Cmd) (*Result, error) {
	d, _, err := r.editable(c)
	if err != nil {
		return nil, err
	}
	target := r.reopenStage(d)
	return r.updateDeal(c, d, func(x *sales.Deal, name string, open bool) (string, error) {
		if open {
			return fmt.Sprintf("%s is already open (%s).", x.ID, name), nil
		}
		x.Stage = target.ID
		x.LostReason = ""
		return "", nil
	}, stageLineOf)
}

func (r *run) dealClose(c Cmd) (*Result, error) {
	d, _, err := r.editable(c)
	if err != nil {
		return nil, err
	}
	if err := r.futureClose(c.Close, sales.Stage{Kind: sales.StageOpen}); err != nil {
		return nil, err
	}
	return r.updateDeal(c, d, func(x *sales.Deal, _ string, _ bool) (string, error) {
		x.CloseDate = c.Close
		return "", nil
	}, func(d sales.Deal, _ DealCard) string {
		return fmt.Sprintf("Logged: %s %s now expected to close %s.", d.ID, d.Account, FormatDate(d.CloseDate))
	})
}

func (r *run) dealSnooze(c Cmd) (*Result, error) {
	d, _, err := r.editable(c)
	if err != nil {
		return nil, err
	}
	until := c.Until
	if until.IsZero() {
		until = civil(r.now, r.loc).AddDate(0, 0, 7)
	}
	return r.updateDeal(c, d, func(x *sales.Deal, _ string, _ bool) (string, error) {
		x.SnoozedUntil = time.Date(until.Year(), until.Month(), until.Day(), 0, 0, 0, 0, r.loc)
		return "", nil
	}, func(d sales.Deal, _ DealCard) string {
		return fmt.Sprintf("Logged: nudges about %s %s are quiet until %s.", d.ID, d.Account, d.SnoozedUntil.In(r.loc).Format("2006-01-02"))
	})
}

// dealSet changes the fields the options name. Everything that needs a
// read (stage, owner, territory) is resolved before the write.
func (r *run) dealSet(c Cmd) (*Result, error) {
	d, _, err := r.editable(c)
	if err != nil {
		return nil, err
	}
	var target sales.Stage
	if c.Stage != "" {
		if target, err = r.stages.Lookup(c.Stage); err != nil {
			return nil, err
		}
	}
	if err := r.futureClose(c.Close, sales.Stage{Kind: sales.StageOpen}); err != nil {
		return nil, err
	}
	var newOwner *sales.Person
	if !c.Owner.IsZero() {
		p, known, err := r.findUser(c.Owner)
		if err != nil {
			return nil, err
		}
		if err := sales.Authorize(r.actor, sales.ActDealEdit, p.ID); err != nil {
			return nil, err
		}
		if p, err = r.ensureUser(p, known); err != nil {
			return nil, err
		}
		newOwner = &p
	}
	var terr *sales.TerritoryID
	if c.Territory != "" {
		var id sales.TerritoryID
		if !isNone(c.Territory) {
			t, err := r.findTerritory(c.Territory)
			if err != nil {
				return nil, err
			}
			id = t.ID
		}
		terr = &id
	}
	noteLine := ""
	if c.Note != "" {
		noteLine = r.noteLine(c.Note)
	}
	return r.updateDeal(c, d, func(x *sales.Deal, _ string, _ bool) (string, error) {
		if c.Account != "" {
			x.Account = c.Account
		}
		if c.HasAmount {
			x.Amount = c.Amount
		}
		if !c.Close.IsZero() {
			x.CloseDate = c.Close
		}
		if newOwner != nil {
			x.Owner = newOwner.ID
		}
		if terr != nil {
			x.Territory = *terr
		}
		if c.Product != "" {
			x.Product = c.Product
			if isNone(c.Product) {
				x.Product = ""
			}
		}
		if target.ID != 0 && target.ID != x.Stage {
			moveTo(x, target)
		}
		if c.HasForecast {
			if r.stages.Kind(x.Stage) != sales.StageOpen {
				return "", sales.Errorf(sales.EINVALID, "%s is %s: forecast categories are for open deals", x.ID, r.stages.Name(x.Stage))
			}
			x.Forecast = c.Forecast
		}
		if noteLine != "" {
			x.Notes = appendNote(x.Notes, noteLine)
		}
		return "", nil
	}, updatedLine)
}

// reopenStage is the stage a closed deal closed from, per its history;
// the first open stage when that is unknown.
func (r *run) reopenStage(d sales.Deal) sales.Stage {
	evs, err := r.store.DealHistory(r.ctx, d.ID)
	if err == nil {
		for i := len(evs) - 1; i >= 0; i-- {
			e := evs[i]
			if e.Field != sales.FieldStage {
				continue
			}
			if s, err := r.stages.Lookup(e.From); err == nil && s.Kind == sales.StageOpen && strings.EqualFold(s.Name, e.From) {
				return s
			}
		}
	}
	return r.stages.First()
}

// dealList lists open deals (or a stage's), newest first, one page at a
// time.
func (r *run) dealList(c Cmd) (*Result, error) {
	page := max(c.Page, 1)
	f := sales.DealFilter{OpenOnly: true}
	stageName := ""
	if c.Stage != "" {
		s, err := r.stages.Lookup(c.Stage)
		if err != nil {
			return nil, err
		}
		f.Stage, stageName = s.ID, s.Name
		f.OpenOnly = s.Kind == sales.StageOpen
	}
	var owners []sales.PersonID // nil = everyone
	title := "Your deals"
	switch c.Scope {
	case ScopeSelf:
		owners = []sales.PersonID{r.actor.Person.ID}
	case ScopeUser:
		p, known, err := r.findUser(c.User)
		if err != nil {
			return nil, err
		}
		if !known {
			return &Result{Kind: KindDealList, Title: "Deals of " + c.User.Label(), Lines: []string{c.User.Label() + " has no deals yet."}}, nil
		}
		owners = []sales.PersonID{p.ID}
		title = p.Label() + "'s deals"
		if p.ID == r.actor.Person.ID {
			title = "Your deals"
		}
	case ScopeTeam:
		m := r.teamManager()
		title = r.teamLabel(m) + " deals"
		if m != 0 {
			people, err := r.allPeople()
			if err != nil {
				return nil, err
			}
			team := sales.TeamOf(people, m)
			owners = make([]sales.PersonID, 0, len(team))
			for id := range team {
				owners = append(owners, id)
			}
			slices.Sort(owners)
		}
	case ScopeAll:
		title = "Everyone's deals"
	}
	if stageName != "" {
		title += " in " + stageName
	} else {
		title = strings.Replace(title, "deals", "open deals", 1)
	}
	if err := sales.Authorize(r.actor, sales.ActDealView, 0); err != nil {
		return nil, err
	}

	want := page*PageSize + 1
	var deals []sales.Deal
	if owners == nil {
		f.Limit = want
		ds, err := r.store.FindDeals(r.ctx, f)
		if err != nil {
			return nil, fmt.Errorf("deal list: %w", err)
		}
		deals = ds
	} else {
		for _, o := range owners {
			f.Owner, f.Limit = o, want
			ds, err := r.store.FindDeals(r.ctx, f)
			if err != nil {
				return nil, fmt.Errorf("deal list: %w", err)
			}
			deals = append(deals, ds...)
		}
		slices.SortFunc(deals, func(a, b sales.Deal) int { return cmpNewest(a, b) })
	}
	from := (page - 1) * PageSize
	more := len(deals) > page*PageSize
	found := len(deals) // all of them when the page is past the end
	if from > len(deals) {
		from = len(deals)
	}
	deals = deals[from:min(len(deals), page*PageSize)]

	res := &Result{Kind: KindDealList, Title: title}
	var total sales.Money
	for _, d := range deals {
		res.Deals = append(res.Deals, r.card(d))
		total += d.Amount
	}
	switch {
	case len(deals) == 0 && page > 1:
		pages := (found + PageSize - 1) / PageSize
		switch pages {
		case 0:
			res.Lines = []string{fmt.Sprintf("Page %d is past the end: there are no deals here.", page)}
		case 1:
			if found == 1 {
				res.Lines = []string{fmt.Sprintf("Page %d is past the end: the one deal is on page 1.", page)}
				break
			}
			res.Lines = []string{fmt.Sprintf("Page %d is past the end: all %d deals fit on page 1.", page, found)}
		default:
			res.Lines = []string{fmt.Sprintf("Page %d is past the end: the %d deals fill %d pages.", page, found, pages)}
		}
	case len(deals) == 0:
		// Nothing to summarise: the renderer says the list is empty.
	default:
		line := fmt.Sprintf("%d deals, %s", len(deals), r.cur.Format(total))
		if len(deals) == 1 {
			line = "1 deal, " + r.cur.Format(total)
		}
		if page > 1 || more {
			line = fmt.Sprintf("Page %d: %s", page, line)
		}
		res.Lines = []string{line}
	}
	if more {
		next := c
		next.Page = page + 1
		res.NextPage = next.String()
	}
	return res, nil
}

// cmpNewest orders deals newest first, as the store does: highest id
// first (ids follow creation order).
func cmpNewest(a, b sales.Deal) int {
	switch {
	case a.ID > b.ID:
		return -1
	case a.ID < b.ID:
		return 1
	}
	return 0
}
