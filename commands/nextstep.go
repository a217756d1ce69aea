package commands

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// A deal's next step: "/deal next D-4 send proposal due:fri" sets it,
// "/deal next D-4 done" marks it done, "push:1w" moves its due date and
// "/deal next D-4" shows it. The rules are sales/nextstep.go's.

// nextDone is the text that marks a next step done.
const nextDone = "done"

func nextStepForm() *Form {
	return &Form{Command: "deal", Verb: "next", Action: sales.ActDealEdit, Writes: true, handle: (*run).dealNext,
		Aliases: []string{"nextstep", "next-step"}, rawText: true, readsAlone: true,
		args: []arg{aDealOne, {kind: argText, opt: true, label: "<text>|done"}}, options: []string{optDue, optPush},
		Summary: "Set a deal's next step, with an optional due date (forms as for /deal close); done marks it done, push: moves its due date later, and with no text it shows the next step.",
		Who:     whoOwner,
		Examples: []string{`/deal next D-42 "send proposal" due:fri`, "/deal next D-42 call the CFO due:2026-12-15",
			"/deal next D-42 push:1w", "/deal next D-42 done"}}
}

func nextDueKind() *valueKind {
	return &valueKind{
		what: "the due date", span: spanDate,
		option: func(p Parser, f *Form, key, raw string, c *Cmd) error {
			d, err := ParseDate(freeText(raw), p.Now, p.Loc)
			if err != nil {
				return sales.Errorf(sales.EINVALID, "%s — usage: %s", sales.ErrorMessage(err), f.Usage())
			}
			c.Due = d
			return nil
		},
		write: func(c Cmd) string {
			if c.Due.IsZero() {
				return ""
			}
			return FormatDate(c.Due)
		},
	}
}

// maxPushDays keeps a push within a year.
const maxPushDays = 366

func nextPushKind() *valueKind {
	return &valueKind{
		what: "how far to push",
		option: single(func(p Parser, f *Form, t token, c *Cmd) error {
			s := strings.ToLower(strings.TrimPrefix(t.text, "+"))
			mult := 1
			switch {
			case strings.HasSuffix(s, "w"):
				s, mult = strings.TrimSuffix(s, "w"), 7
			case strings.HasSuffix(s, "d"):
				s = strings.TrimSuffix(s, "d")
			}
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n*mult > maxPushDays || t.quoted {
				return sales.Errorf(sales.EINVALID, "push '%s' is not a number of days or weeks: e.g. push:7d or push:2w — usage: %s", clip(t.text, 20), f.Usage())
			}
			c.Push = n * mult
			return nil
		}),
		write: func(c Cmd) string {
			if c.Push <= 0 {
				return ""
			}
			return strconv.Itoa(c.Push) + "d"
		},
	}
}

// NextDoneCmd is /deal next D-n done (the Done buttons).
func NextDoneCmd(id sales.DealID) Cmd {
	c := DealCmd("next", id)
	c.Text = nextDone
	return c
}

// NextPushCmd is /deal next D-n push:<days>d (the Push buttons): the due
// date moves that many days after the later of itself and today.
func NextPushCmd(id sales.DealID, days int) Cmd {
	c := DealCmd("next", id)
	c.Push = days
	return c
}

func (r *run) dealNext(c Cmd) (*Result, error) {
	f := lookupForm("deal", "next")
	d, text, err := r.findDealText(c.Deal, c.Text)
	if err != nil {
		return nil, err
	}
	done := strings.EqualFold(text, nextDone)
	if text == "" && c.Due.IsZero() && c.Push == 0 {
		return r.showNext(d, f)
	}
	// Bad input is reported before the permission check, as for notes.
	today := sales.DateIn(r.now, r.loc)
	due := sales.DateIn(c.Due, time.UTC)
	switch {
	case done && (c.Push != 0 || !due.IsZero()):
		return nil, sales.Errorf(sales.EINVALID, "done marks the next step done: give it alone — usage: %s", f.Usage())
	case c.Push != 0 && (text != "" || !due.IsZero()):
		return nil, sales.Errorf(sales.EINVALID, "push: moves the current next step's due date: give it alone, or set a new step with due: — usage: %s", f.Usage())
	case !done && text != "":
		if err := sales.ValidateNextStep(text, due, today); err != nil {
			return nil, sales.Errorf(sales.EINVALID, "%s — usage: %s", sales.ErrorMessage(err), f.Usage())
		}
	default:
		if err := sales.ValidateNextDue(due, today); err != nil {
			return nil, sales.Errorf(sales.EINVALID, "%s — usage: %s", sales.ErrorMessage(err), f.Usage())
		}
	}
	if err := sales.Authorize(r.actor, sales.ActDealEdit, d.Owner); err != nil {
		return nil, err
	}
	var was string
	return r.updateDeal(c, d, func(x *sales.Deal, name string, open bool) (string, error) {
		was = x.NextStep
		switch {
		case done:
			if x.NextStep == "" {
				return fmt.Sprintf("%s has no next step to mark done.", x.ID), nil
			}
			x.NextStep, x.NextDue = "", sales.Date{}
		case text != "":
			if !open {
				return "", sales.Errorf(sales.EINVALID, "%s is %s: a closed deal has no next step; reopen it first with /deal reopen %s", x.ID, name, x.ID)
			}
			x.NextStep, x.NextDue = text, due
		default: // a new due date for the current step
			if x.NextStep == "" {
				return "", sales.Errorf(sales.EINVALID, "%s has no next step to move: set one with /deal next %s <text> due:<date>", x.ID, x.ID)
			}
			if c.Push != 0 {
				due = sales.PushNextDue(x.NextDue, today, c.Push)
			}
			x.NextDue = due
		}
		return "", nil
	}, func(d sales.Deal, _ DealCard) string {
		if done {
			return fmt.Sprintf("Logged: next step on %s %s done: %s.", d.ID, d.Account, was)
		}
		return fmt.Sprintf("Logged: next step on %s %s: %s.", d.ID, d.Account, NextStepText(d))
	})
}

// showNext answers "/deal next D-4": the next step, or how to set one.
func (r *run) showNext(d sales.Deal, f *Form) (*Result, error) {
	if err := sales.Authorize(r.actor, sales.ActDealView, d.Owner); err != nil {
		return nil, err
	}
	card := r.card(d)
	line := fmt.Sprintf("%s %s has no next step. Set one: /deal next %s <text> [due:<date>] (usage: %s).", d.ID, d.Account, d.ID, f.Usage())
	if d.NextStep != "" {
		line = fmt.Sprintf("Next step on %s %s: %s.", d.ID, d.Account, NextStepText(d))
		if card.NextOverdue {
			line += " It is overdue: /deal next " + d.ID.String() + " done, or push:1w."
		}
	}
	return &Result{Kind: KindDeal, Title: d.ID.String() + " " + d.Account, Lines: []string{line}, Deal: &card}, nil
}

// NextStepText is a next step with its due date: "send proposal (due
// 2026-12-04)"; "" when there is none.
func NextStepText(d sales.Deal) string {
	if d.NextStep == "" {
		return ""
	}
	if d.NextDue.IsZero() {
		return d.NextStep + " (no due date)"
	}
	return d.NextStep + " (due " + d.NextDue.String() + ")"
}

// HomeNextSteps caps the Home tab's next steps (each takes two blocks).
const HomeNextSteps = 6

// homeNextSteps lists the open deals' next steps on v by due date:
// overdue ones come first because they are due earliest; undated last.
func (r *run) homeNextSteps(v *HomeView, deals []sales.Deal) {
	var with []sales.Deal
	for _, d := range deals {
		if d.NextStep != "" {
			with = append(with, d)
		}
	}
	slices.SortStableFunc(with, func(a, b sales.Deal) int {
		switch {
		case a.NextDue.IsZero() != b.NextDue.IsZero():
			if a.NextDue.IsZero() {
				return 1
			}
			return -1
		case a.NextDue != b.NextDue:
			return a.NextDue.Compare(b.NextDue)
		}
		return cmp.Compare(a.ID, b.ID)
	})
	v.NextStepCount = len(with)
	for _, d := range with {
		card := r.card(d)
		if card.NextOverdue {
			v.NextOverdueCount++
		}
		if len(v.NextSteps) < HomeNextSteps {
			v.NextSteps = append(v.NextSteps, card)
		}
	}
}

// Field names of the deal form's next-step inputs.
const (
	FieldNext    = "next"
	FieldNextDue = "next_due"
)

// formNextStep reads an edit form's next-step fields into errs' rules:
// an empty step clears it (done); a due date needs a step; a changed step
// or date must pass ValidateNextStep, while an unchanged overdue one may
// stay as it is while other fields are edited.
func (r *run) formNextStep(in FormInput, old sales.Deal, errs map[string]string) (string, sales.Date) {
	if !in.HasNext || in.DealID == 0 {
		return old.NextStep, old.NextDue
	}
	text := normName(in.NextStep)
	var due sales.Date
	if s := strings.TrimSpace(in.NextDue); s != "" {
		t, err := ParseDate(s, r.now, r.loc)
		if err != nil {
			errs[FieldNextDue] = sales.ErrorMessage(err)
			return "", sales.Date{}
		}
		due = sales.DateIn(t, time.UTC)
	}
	switch {
	case text == "" && !due.IsZero():
		errs[FieldNext] = "Enter the next step, or clear its due date."
	case text == "" || text == old.NextStep && due == old.NextDue:
	default:
		if err := sales.ValidateNextStep(text, due, sales.DateIn(r.now, r.loc)); err != nil {
			field := FieldNext
			if due.Before(sales.DateIn(r.now, r.loc)) && !due.IsZero() {
				field = FieldNextDue
			}
			errs[field] = sales.ErrorMessage(err)
		}
	}
	return text, due
}
