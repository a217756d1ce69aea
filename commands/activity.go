package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/salesbot/salesbot/sales"
)

// Activities: /deal call|meeting|email|note <deal> [text], /deal activity
// <deal> <type> [text] for any configured type, and the deal card's
// "Log call" and "Log activity…" buttons, which build the same commands.

// activityVerbs are the forms named after a default type.
var activityVerbs = []string{sales.ActivityCall, sales.ActivityMeeting, sales.ActivityEmail, sales.ActivityNote}

// ActivityCmd is the command a button or the activity modal runs: the
// type's own form (/deal call D-4 text) for a default type, else /deal
// activity D-4 <type> text. Line breaks become spaces, as typed commands
// have none.
func ActivityCmd(deal DealRef, typ, outcome, text string) Cmd {
	typ = strings.ToLower(strings.TrimSpace(typ))
	c := Cmd{Command: "deal", Verb: "activity", Deal: deal, Activity: typ}
	if slices.Contains(activityVerbs, typ) {
		c = Cmd{Command: "deal", Verb: typ, Deal: deal}
	}
	c.Text = strings.TrimSpace(strings.ReplaceAll(text, "\n", " "))
	c.Outcome = strings.TrimSpace(outcome)
	return c
}

// DealRefOf reads a deal typed in a form field: an id (D-42, 42) or an
// account name.
func DealRefOf(s string) DealRef {
	s = strings.TrimSpace(s)
	if id, ok := sales.ParseDealID(s); ok {
		return DealRef{ID: id}
	}
	return DealRef{Name: s}
}

// ActivityTypes returns the configured activity types, for the modal.
func (s *Service) ActivityTypes(ctx context.Context) ([]string, error) {
	cfg, err := s.store.ActivityConfig(ctx)
	if err != nil {
		return nil, err
	}
	return cfg.Types, nil
}

// dealActivity logs an activity on a deal. The permission is checked
// again inside the write against the deal as stored; a note is also
// appended to the deal's notes, as /deal note always did.
func (r *run) dealActivity(c Cmd) (*Result, error) {
	typ := c.Verb
	if typ == "activity" {
		typ = c.Activity
	}
	cfg, err := r.store.ActivityConfig(r.ctx)
	if err != nil {
		return nil, fmt.Errorf("activity types: %w", err)
	}
	if typ, err = cfg.LookupType(typ); err != nil {
		return nil, err
	}
	d, text, err := r.findDealText(c.Deal, c.Text)
	if err != nil {
		return nil, err
	}
	isNote := typ == sales.ActivityNote
	if isNote && text == "" {
		return nil, sales.Errorf(sales.EINVALID, "the note is empty — usage: %s", lookupForm("deal", "note").Usage())
	}
	if err := sales.Authorize(r.actor, sales.ActActivityLog, d.Owner); err != nil {
		return nil, err
	}
	a := sales.Activity{Deal: d.ID, Who: r.actor.Person.ID, Type: typ, Outcome: c.Outcome, Text: text}
	line := r.noteLine(text)
	stored, err := r.store.LogActivity(r.ctx, a, func(x *sales.Deal) error {
		if err := sales.Authorize(r.actor, sales.ActActivityLog, x.Owner); err != nil {
			return err
		}
		if isNote {
			x.Notes = appendNote(x.Notes, line)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("deal %s: %w", c.Verb, err)
	}
	if isNote {
		nd, err := r.store.Deal(r.ctx, d.ID)
		if err != nil {
			return nil, err
		}
		card := r.card(nd)
		return &Result{Kind: KindDeal, Title: nd.ID.String() + " " + nd.Account, Deal: &card,
			Lines: []string{fmt.Sprintf("Logged: note added to %s %s.", nd.ID, nd.Account)}}, nil
	}
	done := fmt.Sprintf("Logged: %s on %s %s", stored.Type, d.ID, stored.Account)
	if stored.Outcome != "" {
		done += " (" + stored.Outcome + ")"
	}
	return msg("Activity logged", done+"."), nil
}

// activityLines renders a deal's latest activities for /deal show.
func (r *run) activityLines(d sales.Deal) ([]HistoryLine, int) {
	const shown = 10
	acts, total, err := r.store.DealActivities(r.ctx, d.ID, shown)
	if err != nil {
		r.log.Warn("deal activities", sales.LogKeyDeal, d.ID.String(), sales.LogKeyError, err.Error())
		return nil, 0
	}
	out := make([]HistoryLine, 0, len(acts))
	for _, a := range acts {
		text := a.Type
		if a.Outcome != "" {
			text += " (" + a.Outcome + ")"
		}
		if a.Text != "" {
			text += ": " + clip(a.Text, 200)
		}
		out = append(out, HistoryLine{At: a.At.In(r.loc).Format("2006-01-02 15:04 MST"), Actor: r.person(a.Who).Label(), Text: text})
	}
	return out, total
}

// ---- configuration (admins) ----

func (r *run) listActivityTypes(Cmd) (*Result, error) {
	cfg, err := r.store.ActivityConfig(r.ctx)
	if err != nil {
		return nil, err
	}
	return msg("Activity types", "Activity types: "+cfg.TypeList()+".",
		fmt.Sprintf("An open deal has gone quiet after %d days without one.", cfg.Quiet())), nil
}

func (r *run) activityTypeAdd(c Cmd) (*Result, error) {
	return r.changeActivityConfig(func(cfg *sales.ActivityConfig) (string, error) {
		name := c.Activity
		if err := sales.ValidActivityTypeName(name); err != nil {
			return "", err
		}
		if slices.Contains(cfg.Types, name) {
			return "", sales.Errorf(sales.ECONFLICT, "there is already an activity type called %s", name)
		}
		cfg.Types = append(cfg.Types, name)
		return "added activity type " + name, nil
	})
}

func (r *run) activityTypeRemove(c Cmd) (*Result, error) {
	return r.changeActivityConfig(func(cfg *sales.ActivityConfig) (string, error) {
		name, err := cfg.LookupType(c.Activity)
		if err != nil {
			return "", err
		}
		cfg.Types = slices.DeleteFunc(cfg.Types, func(t string) bool { return t == name })
		return "removed activity type " + name + " (activities already logged keep it)", nil
	})
}

func (r *run) activityQuiet(c Cmd) (*Result, error) {
	return r.changeActivityConfig(func(cfg *sales.ActivityConfig) (string, error) {
		if c.Stale < 1 || c.Stale > 365 {
			return "", sales.Errorf(sales.EINVALID, "quiet days must be 1 to 365 — usage: %s", lookupForm("salesbot", "activity quiet").Usage())
		}
		cfg.QuietDays = c.Stale
		return fmt.Sprintf("an open deal now goes quiet after %d days without an activity", c.Stale), nil
	})
}

func (r *run) changeActivityConfig(edit func(*sales.ActivityConfig) (string, error)) (*Result, error) {
	var done string
	cfg, err := r.store.ModifyActivityConfig(r.ctx, func(cfg *sales.ActivityConfig) error {
		var err error
		done, err = edit(cfg)
		return err
	})
	if err != nil {
		return nil, err
	}
	return msg("Activity types", "Logged: "+done+".", "Activity types: "+cfg.TypeList()+"."), nil
}
