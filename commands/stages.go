package commands

import (
	"fmt"
	"strings"

	"github.com/salesbot/salesbot/sales"
)

func (r *run) stageAdd(c Cmd) (*Result, error)    { return r.changeStages(c, addStage) }
func (r *run) stageSet(c Cmd) (*Result, error)    { return r.changeStages(c, setStage) }
func (r *run) stageRemove(c Cmd) (*Result, error) { return r.changeStages(c, removeStage) }

// changeStages runs /salesbot stage add|set|remove (Service has checked
// sales.ActStagesEdit). The change is made on the stored stages inside
// one transaction (Store.ModifyStages), so the checks see what is on
// disk, not what this command read.
func (r *run) changeStages(c Cmd, edit func(*sales.StageSet, Cmd) (string, error)) (*Result, error) {
	var done string
	ss, err := r.store.ModifyStages(r.ctx, func(ss *sales.StageSet) error {
		var err error
		done, err = edit(ss, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	r.stages = ss
	res := msg("Stages", "Logged: "+done+".", "The pipeline now: "+stageLine(ss)+".")
	res.StagesChanged = true
	return res, nil
}

// stageLine is "Prospecting 10% → Qualified 25% → … · closed: Won, Lost".
func stageLine(ss sales.StageSet) string {
	var open, closed []string
	for _, s := range ss.Stages {
		if s.Kind == sales.StageOpen {
			open = append(open, s.Name+" "+s.Percent())
		} else {
			closed = append(closed, s.Name)
		}
	}
	return strings.Join(open, " → ") + " · closed: " + strings.Join(closed, ", ")
}

func addStage(ss *sales.StageSet, c Cmd) (string, error) {
	if _, err := ss.Lookup(c.Text); err == nil {
		return "", sales.Errorf(sales.ECONFLICT, "there is already a stage called %s", c.Text)
	}
	var id sales.StageID
	for _, s := range ss.Stages {
		id = max(id, s.ID)
	}
	if int(id)+1 > 255 { // ids are one byte
		return "", sales.Errorf(sales.EINVALID, "no room for another stage: at most 255 can ever be made")
	}
	st := sales.Stage{ID: id + 1, Name: c.Text, Probability: c.Probability, Kind: sales.StageOpen, StaleDays: c.Stale}
	after := c.After
	if after == "" {
		open := ss.Open()
		after = open[len(open)-1].Name
	}
	if err := place(ss, st, after); err != nil {
		return "", err
	}
	where := "after " + after
	if after == "start" {
		where = "as the first stage"
	}
	return fmt.Sprintf("added %s (%s) %s", st.Name, st.Percent(), where), nil
}

func setStage(ss *sales.StageSet, c Cmd) (string, error) {
	st, err := ss.Lookup(c.Stage)
	if err != nil {
		return "", err
	}
	if c.NewName == "" && !c.HasProbability && c.Stale == 0 && c.After == "" {
		return "", sales.Errorf(sales.EINVALID, "nothing to change — usage: %s", lookupForm("salesbot", "stage set").Usage())
	}
	var changes []string
	if c.NewName != "" && c.NewName != st.Name {
		if other, err := ss.Lookup(c.NewName); err == nil && other.ID != st.ID {
			return "", sales.Errorf(sales.ECONFLICT, "there is already a stage called %s", other.Name)
		}
		changes = append(changes, "renamed "+st.Name+" to "+c.NewName)
		st.Name = c.NewName
	}
	if c.HasProbability {
		if st.Kind != sales.StageOpen {
			return "", sales.Errorf(sales.EINVALID, "%s is a closed stage: its probability is always %s", st.Name, st.Percent())
		}
		st.Probability = c.Probability
		changes = append(changes, st.Name+" is now "+st.Percent())
	}
	if c.Stale > 0 {
		if st.Kind != sales.StageOpen {
			return "", sales.Errorf(sales.EINVALID, "%s is a closed stage: its deals are never stale", st.Name)
		}
		st.StaleDays = c.Stale
		changes = append(changes, fmt.Sprintf("%s deals are stale after %d days", st.Name, c.Stale))
	}
	if c.After != "" {
		if st.Kind != sales.StageOpen {
			return "", sales.Errorf(sales.EINVALID, "%s is a closed stage: only open stages can move", st.Name)
		}
		if strings.EqualFold(c.After, c.Stage) {
			return "", sales.Errorf(sales.EINVALID, "a stage cannot go after itself")
		}
		changes = append(changes, "moved "+st.Name+" "+placeWords(c.After))
	}
	i := index(ss, st.ID)
	ss.Stages = append(ss.Stages[:i:i], ss.Stages[i+1:]...)
	after := c.After
	if after == "" {
		// Stays where it was: after the stage before it.
		after = "start"
		if i > 0 {
			after = ss.Stages[i-1].Name
		}
	}
	if err := place(ss, st, after); err != nil {
		return "", err
	}
	return strings.Join(changes, "; "), nil
}

func removeStage(ss *sales.StageSet, c Cmd) (string, error) {
	st, err := ss.Lookup(c.Stage)
	if err != nil {
		return "", err
	}
	if st.Kind != sales.StageOpen {
		return "", sales.Errorf(sales.EINVALID, "%s cannot be removed: every pipeline needs its won and lost stage (rename it with /salesbot stage set %s name:<new name>)", st.Name, st.Name)
	}
	if len(ss.Open()) == 1 {
		return "", sales.Errorf(sales.EINVALID, "%s is the only open stage: add another before removing it", st.Name)
	}
	i := index(ss, st.ID)
	ss.Stages = append(ss.Stages[:i:i], ss.Stages[i+1:]...)
	return "removed " + st.Name, nil
}

// place inserts st after the stage named after ("start": first). Open
// stages stay before the closed ones, so the funnel reads in order.
func place(ss *sales.StageSet, st sales.Stage, after string) error {
	at := 0
	if after != "start" {
		prev, err := ss.Lookup(after)
		if err != nil {
			return err
		}
		if prev.Kind != sales.StageOpen {
			return sales.Errorf(sales.EINVALID, "stages go before %s: name an open stage in after:, or after:start", prev.Name)
		}
		at = index(ss, prev.ID) + 1
	}
	ss.Stages = append(ss.Stages[:at:at], append([]sales.Stage{st}, ss.Stages[at:]...)...)
	return nil
}

func index(ss *sales.StageSet, id sales.StageID) int {
	for i, s := range ss.Stages {
		if s.ID == id {
			return i
		}
	}
	return -1
}

func placeWords(after string) string {
	if after == "start" {
		return "to the start"
	}
	return "after " + after
}
