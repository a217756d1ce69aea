package commands_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/report"
	"github.com/salesbot/salesbot/sales"
)

func TestDealLifecycle(t *testing.T) {
	e := newEnv(t)
	e.team()

	res := e.must(alice, "/deal", `add "Acme Corp" 12k close:eom product:CRM`)
	id := res.Deal.Deal.ID
	if res.Kind != commands.KindDeal || !strings.Contains(res.Lines[0], "Logged "+id.String()) {
		t.Fatalf("add reply: %+v", res)
	}
	d := e.deal(id)
	if d.Account != "Acme Corp" || d.Amount != 1200000 || d.Owner != e.person(alice).ID || d.Stage != 1 ||
		!d.CloseDate.Equal(date("2026-11-30")) || d.Product != "CRM" {
		t.Fatalf("stored deal: %+v", d)
	}
	if c := res.Deal; c.StageName != "Prospecting" || c.Amount != "$12,000.00" || c.NextStage != "Qualified" || !c.CanEdit || c.OwnerSlackID != alice {
		t.Errorf("card: %+v", c)
	}

	// By id, by #n, by account name in any case.
	for _, ref := range []string{id.String(), fmt.Sprintf("#%d", id), "acme corp", "ACME"} {
		res := e.must(bob, "/deal", "show "+ref)
		if res.Deal.Deal.ID != id || res.Deal.CanEdit {
			t.Errorf("show %s: %+v", ref, res.Deal)
		}
		if len(res.Deal.History) == 0 || res.Deal.History[0].Text != "created in Prospecting" || res.Deal.History[0].Actor != "alice" {
			t.Errorf("history: %+v", res.Deal.History)
		}
	}

	e.must(alice, "/deal", "stage Acme Corp proposal")
	if d := e.deal(id); d.Stage != 3 {
		t.Errorf("stage: %+v", d)
	}
	res = e.must(alice, "/deal", "advance "+id.String())
	if res.Deal.StageName != "Negotiation" || !strings.HasPrefix(res.Lines[0], "Logged") {
		t.Errorf("advance: %+v", res)
	}
	e.fail(alice, "/deal", "advance "+id.String(), sales.EINVALID, "the last open stage: mark it won with /deal won "+id.String())
	res = e.must(alice, "/deal", "stage "+id.String()+" negotiation")
	if !strings.Contains(res.Lines[0], "already in Negotiation") {
		t.Errorf("same stage: %+v", res.Lines)
	}

	e.must(alice, "/deal", "close Acme next friday")
	if d := e.deal(id); !d.CloseDate.Equal(date("2026-12-04")) {
		t.Errorf("close: %v", d.CloseDate)
	}
	e.fail(alice, "/deal", "close Acme 2026-01-01", sales.EINVALID, "is in the past")
	e.must(alice, "/deal", "snooze Acme")
	if d := e.deal(id); !d.SnoozedUntil.Equal(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("snooze: %v", d.SnoozedUntil)
	}
	e.must(alice, "/deal", "note Acme Corp CFO wants a 3-year price")
	if d := e.deal(id); d.Notes != "2026-11-26 alice: CFO wants a 3-year price" {
		t.Errorf("note: %q", d.Notes)
	}
	e.must(alice, "/deal", `set Acme amount:13.5k product:"CRM Plus"`)
	if d := e.deal(id); d.Amount != 1350000 || d.Product != "CRM Plus" {
		t.Errorf("set: %+v", d)
	}
	res = e.must(alice, "/deal", "edit "+id.String())
	if res.Kind != commands.KindDealForm || res.Form.DealID != id || res.Form.Amount != "13500" || res.Form.Stage != "Negotiation" ||
		res.Form.CloseDate != "2026-12-04" || res.Form.ShowOwner || len(res.Form.Stages) != 6 {
		t.Errorf("edit form: %+v", res.Form)
	}

	e.clock.Add(2 * time.Hour)
	res = e.must(alice, "/deal", "won Acme 14k")
	if res.Win == nil || res.Win.OwnerSlackID != alice || res.Win.Amount != "$14,000.00" || !res.Win.FirstWin || res.Win.QuotaReached {
		t.Fatalf("win notice: %+v", res.Win)
	}
	if d := e.deal(id); d.Stage != 5 || d.Amount != 1400000 || d.ClosedAt.IsZero() {
		t.Errorf("won: %+v", d)
	}
	res = e.must(alice, "/deal", "won Acme")
	if res.Win != nil || !strings.Contains(res.Lines[0], "already won") {
		t.Errorf("second win: %+v", res)
	}
	e.must(alice, "/deal", "reopen "+id.String())
	if d := e.deal(id); d.Stage != 4 || !d.ClosedAt.IsZero() {
		t.Errorf("reopen should return to Negotiation: %+v", d)
	}
	res = e.must(alice, "/deal", "lost Acme Corp went with a competitor")
	if d := e.deal(id); d.Stage != 6 || d.LostReason != "went with a competitor" {
		t.Errorf("lost: %+v (%v)", d, res.Lines)
	}

	hist := e.must(alice, "/deal", "show "+id.String()).Deal.History
	var texts []string
	for _, h := range hist {
		texts = append(texts, h.Text)
	}
	joined := strings.Join(texts, "\n")
	for _, want := range []string{"stage Prospecting → Proposal", "amount $12,000.00 → $13,500.00", "close date 2026-11-30 → 2026-12-04", "lost reason: went with a competitor", "added a note"} {
		if !strings.Contains(joined, want) {
			t.Errorf("history lacks %q:\n%s", want, joined)
		}
	}
}

func TestDealAddOptions(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.must(manager, "/territory", "add EMEA")
	e.must(manager, "/territory", "assign EMEA <@UBOB|bob>")

	// A manager logs a deal for bob: bob owns it, in bob's territory.
	res := e.must(manager, "/deal", "add Globex $48,500 owner:<@UBOB|bob> stage:qualified")
	d := e.deal(res.Deal.Deal.ID)
	if d.Owner != e.person(bob).ID || d.Territory == 0 || d.Stage != 2 || d.Amount != 4850000 {
		t.Errorf("deal for bob: %+v", d)
	}
	if !strings.Contains(res.Lines[0], "owner bob") {
		t.Errorf("reply: %v", res.Lines)
	}
	// A mentioned Slack user new to salesbot becomes a rep on first use.
	res = e.must(manager, "/deal", "add Initech 5k owner:<@UNEW|newbie> territory:emea")
	if p := e.person("UNEW"); p.Name != "newbie" || p.Role != sales.RoleRep || res.Deal.Deal.Owner != p.ID {
		t.Errorf("new owner: %+v", p)
	}
	// By plain name.
	res = e.must(manager, "/deal", "add Hooli 7k owner:@alice")
	if res.Deal.Deal.Owner != e.person(alice).ID {
		t.Errorf("owner by name: %+v", res.Deal.Deal)
	}
	e.fail(manager, "/deal", "add Hooli 7k owner:@nobody", sales.ENOTFOUND, "no one is called @nobody")
	e.fail(manager, "/deal", "add Hooli 7k territory:Mars", sales.ENOTFOUND, "no territory 'Mars': use one of EMEA")
	// Logged straight into Won: a win.
	res = e.must(alice, "/deal", "add Umbrella 3k stage:won")
	if res.Win == nil || !res.Win.FirstWin {
		t.Errorf("add as won: %+v", res.Win)
	}
	// The idempotency key makes a redelivered command a no-op.
	ctx := sales.WithIdempotencyKey(context.Background(), "env-1")
	r1, err := e.svc.Handle(ctx, e.req(alice, "/deal", "add Soylent 1k"))
	if err != nil {
		t.Fatal(err)
	}
	before := e.snapshot()
	r2, err := e.svc.Handle(ctx, e.req(alice, "/deal", "add Soylent 1k"))
	if err != nil || r2.Deal.Deal.ID != r1.Deal.Deal.ID {
		t.Fatalf("redelivery: %v %+v", err, r2)
	}
	e.unchanged(before, "redelivered /deal add")
}

func TestDealResolution(t *testing.T) {
	e := newEnv(t)
	e.team()
	a1 := e.add(alice, `"Acme Corp" 1k`)
	a2 := e.add(bob, `"Acme Ltd" 2k`)
	a3 := e.add(bob, `"Acme Corp" 3k`)
	e.add(alice, `Globex 4k`)

	// alice's own "Acme Corp" wins over bob's.
	if got := e.must(alice, "/deal", "show acme corp").Deal.Deal.ID; got != a1 {
		t.Errorf("alice's acme corp = %s, want %s", got, a1)
	}
	// For carol (no own deals), "Acme Corp" is two deals.
	e.fail(carol, "/deal", "show Acme Corp", sales.ECONFLICT, fmt.Sprintf("'Acme Corp' matches 2 deals: %s Acme Corp, %s Acme Corp", a3, a1))
	e.fail(carol, "/deal", "show acme", sales.ECONFLICT, a2.String()+" Acme Ltd")
	if got := e.must(carol, "/deal", "show Ltd").Deal.Deal.ID; got != a2 {
		t.Errorf("partial match = %s, want %s", got, a2)
	}
	e.fail(carol, "/deal", "show Nowhere", sales.ENOTFOUND, "no deal matches 'Nowhere'")
	e.fail(carol, "/deal", "show D-999", sales.ENOTFOUND, "deal D-999 not found")
	// A closed deal with the same name gives way to the open one.
	e.must(bob, "/deal", "lost "+a3.String())
	if got := e.must(carol, "/deal", "show Acme Corp").Deal.Deal.ID; got != a1 {
		t.Errorf("open acme corp = %s, want %s", got, a1)
	}
	// An unquoted multi-word account before free text.
	e.must(alice, "/deal", "note Acme Corp follow up Monday")
	if d := e.deal(a1); !strings.HasSuffix(d.Notes, "alice: follow up Monday") {
		t.Errorf("note split: %q", d.Notes)
	}
}

func TestDealList(t *testing.T) {
	e := newEnv(t)
	e.team()
	var ids []sales.DealID
	for i := 0; i < 45; i++ {
		ids = append(ids, e.add(alice, fmt.Sprintf("Account%02d %dk", i, i+1)))
	}
	e.add(bob, "Bobco 1k")
	e.add(carol, "Carolco 1k stage:proposal")

	res := e.must(alice, "/deal", "list")
	if len(res.Deals) != commands.PageSize || res.Deals[0].Deal.ID != ids[44] || res.NextPage != "/deal list page:2" {
		t.Fatalf("page 1: %d deals, first %v, next %q", len(res.Deals), res.Deals[0].Deal.ID, res.NextPage)
	}
	res = e.must(alice, "/deal", "list page:3")
	if len(res.Deals) != 5 || res.NextPage != "" || res.Deals[4].Deal.ID != ids[0] {
		t.Errorf("page 3: %d deals, next %q", len(res.Deals), res.NextPage)
	}
	res = e.must(manager, "/deal", "list team page:3")
	if len(res.Deals) != 6 || res.Deals[0].Deal.ID != ids[5] {
		t.Errorf("team page 3: %d deals", len(res.Deals))
	}
	res = e.must(carol, "/deal", "list all stage:proposal")
	if len(res.Deals) != 1 || res.Deals[0].Deal.Account != "Carolco" || res.Deals[0].CanEdit != true {
		t.Errorf("stage filter: %+v", res.Deals)
	}
	if got := strings.Join(res.Lines, " "); got != "1 deal, $1,000.00" {
		t.Errorf("one deal's summary: %q", got)
	}
	res = e.must(alice, "/deal", "list page:9")
	if got := strings.Join(res.Lines, " "); len(res.Deals) != 0 || got != "Page 9 is past the end: the 45 deals fill 3 pages." {
		t.Errorf("past the last page: %d deals, %q", len(res.Deals), got)
	}
	res = e.must(bob, "/deal", "list page:2")
	if got := strings.Join(res.Lines, " "); got != "Page 2 is past the end: the one deal is on page 1." {
		t.Errorf("bob's page 2: %q", got)
	}
	res = e.must(carol, "/deal", "list <@UALICE|alice>")
	if len(res.Deals) != commands.PageSize || res.Deals[0].CanEdit {
		t.Errorf("alice's deals for carol: %d, CanEdit %v", len(res.Deals), res.Deals[0].CanEdit)
	}
	res = e.must(carol, "/deal", "list <@UNOBODY>")
	if len(res.Deals) != 0 {
		t.Errorf("nobody's deals: %+v", res)
	}
}

// TestGoalAndPipeline checks that /goal and /pipeline report exactly what
// report.MeasureSubject computes (the digest's code).
func TestGoalAndPipeline(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.must(manager, "/goal", "set <@UALICE|alice> 50k")
	e.must(manager, "/goal", "set <@UBOB|bob> 20k")
	e.must(admin, "/goal", "set all 100k")
	e.add(alice, "A1 10k stage:proposal")
	e.add(alice, "A2 30k stage:won")
	e.add(bob, "B1 5k stage:negotiation")

	res := e.must(alice, "/goal", "")
	if res.Kind != commands.KindGoals || len(res.Goals) != 1 {
		t.Fatalf("goal: %+v", res)
	}
	pr := res.Goals[0].Progress
	if !pr.HasQuota || pr.Quota != 5000000 || pr.Won != 3000000 || pr.Attainment.Percent() != "60%" || pr.Open != 1000000 {
		t.Errorf("alice's progress: %+v", pr)
	}
	m, err := report.MeasureSubject(e.ctx, e.db, report.Subject{Scope: sales.ScopeRep, Person: e.person(alice).ID}, pr.Period, report.Env{Now: e.clock.Now(), Loc: time.UTC, Cur: sales.DefaultCurrency})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(pr, m.Progress) {
		t.Errorf("/goal %+v differs from MeasureSubject %+v", pr, m.Progress)
	}

	res = e.must(bob, "/pipeline", "<@UALICE|alice>")
	pv := res.Pipeline
	if pv.Subject != "alice" || pv.Funnel != m.Funnel || pv.Progress == nil || !reflect.DeepEqual(*pv.Progress, m.Progress) || len(pv.ByStage) != 4 {
		t.Errorf("pipeline: %+v\nwant funnel %+v", pv, m.Funnel)
	}
	if pv.ByStage[2].Stage != "Proposal" || pv.ByStage[2].Count != 1 || pv.ByStage[2].Weighted != 500000 {
		t.Errorf("by stage: %+v", pv.ByStage)
	}

	// The manager's team: alice and bob, quotas summed when no team quota.
	res = e.must(manager, "/goal", "team")
	if len(res.Goals) != 3 || res.Goals[0].Subject != "maria's team" || res.Goals[0].Progress.Quota != 7000000 ||
		res.Goals[1].Subject != "alice" || res.Goals[2].Subject != "bob" {
		t.Errorf("team goals: %+v", res.Goals)
	}
	res = e.must(carol, "/goal", "all")
	if res.Goals[0].Subject != "Company" || res.Goals[0].Progress.Quota != 10000000 || res.Goals[0].Progress.Won != 3000000 {
		t.Errorf("company goal: %+v", res.Goals[0])
	}
	res = e.must(carol, "/pipeline", "team") // carol has no manager: the company
	if res.Pipeline.Subject != "Company" || res.Pipeline.Funnel.Open != 2 {
		t.Errorf("carol's team pipeline: %+v", res.Pipeline)
	}
	// Another period, and someone without a quota.
	res = e.must(carol, "/goal", "")
	if res.Goals[0].Progress.HasQuota || !strings.Contains(res.Lines[0], "no quota") {
		t.Errorf("carol's goal: %+v", res)
	}
	res = e.must(alice, "/goal", "2026-10")
	if res.Goals[0].Progress.Period.Key() != "2026-10" || res.Goals[0].Progress.HasQuota {
		t.Errorf("october: %+v", res.Goals[0])
	}
	e.must(manager, "/territory", "add EMEA")
	e.must(manager, "/goal", "set territory emea 40k quarter")
	res = e.must(alice, "/goal", "territory EMEA quarter")
	if res.Goals[0].Progress.Quota != 4000000 || res.Goals[0].Subject != "Territory EMEA" {
		t.Errorf("territory goal: %+v", res.Goals[0])
	}
	e.fail(alice, "/goal", "territory Mars", sales.ENOTFOUND, "no territory 'Mars'")
	e.fail(alice, "/goal", "<@UNOBODY>", sales.ENOTFOUND, "has not used salesbot yet")
}

// TestTeamRowsAddUp: /goal team lists every member, the manager too, so
// the rows' wins add up to the team line's won inside and beside the
// quota (issue 9: "61.5% in /goal team and 42% when adding up the rows").
func TestTeamRowsAddUp(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.must(manager, "/goal", "set <@UALICE|alice> 50k")
	e.must(manager, "/goal", "set <@UBOB|bob> 20k")
	e.add(alice, "A1 10k stage:won")
	e.add(bob, "B1 4k stage:won")
	e.add(manager, "M1 30k stage:won") // the manager has no quota: beside

	res := e.must(manager, "/goal", "team")
	team := res.Goals[0].Progress
	if team.Quota != 70_000_00 || team.Won != 14_000_00 || team.WonBeside != 30_000_00 || team.Attainment.Percent() != "20%" {
		t.Fatalf("team line: quota %v won %v beside %v attainment %s", team.Quota, team.Won, team.WonBeside, team.Attainment.Percent())
	}
	var quota, inside, beside sales.Money
	for _, g := range res.Goals[1:] {
		if g.Progress.HasQuota {
			quota += g.Progress.Quota
			inside += g.Progress.Won
		} else {
			beside += g.Progress.Won + g.Progress.WonBeside
		}
	}
	if quota != team.Quota || inside != team.Won || beside != team.WonBeside {
		t.Errorf("rows add up to quota %v, won %v, beside %v; the team line says %v, %v, %v (rows %+v)",
			quota, inside, beside, team.Quota, team.Won, team.WonBeside, res.Goals[1:])
	}
}

func TestWinReachesQuota(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.must(manager, "/goal", "set <@UALICE|alice> 20k")
	a := e.add(alice, "A 15k")
	b := e.add(alice, "B 10k")
	res := e.must(alice, "/deal", "won "+a.String())
	if !res.Win.FirstWin || res.Win.QuotaReached || res.Win.Progress.Attainment.Percent() != "75%" {
		t.Errorf("first win: %+v", res.Win)
	}
	res = e.must(alice, "/deal", "won "+b.String())
	if res.Win.FirstWin || !res.Win.QuotaReached || res.Win.Progress.Attainment.Percent() != "125%" {
		t.Errorf("second win: %+v", res.Win)
	}
	c := e.add(alice, "C 1k")
	res = e.must(alice, "/deal", "stage "+c.String()+" won")
	if res.Win == nil || res.Win.QuotaReached {
		t.Errorf("third win: %+v", res.Win)
	}
}

func TestTerritories(t *testing.T) {
	e := newEnv(t)
	e.team()
	res := e.must(alice, "/territory", "")
	if res.Kind != commands.KindTerritories || len(res.Territories) != 0 || !strings.Contains(res.Lines[0], "No territories") {
		t.Errorf("empty list: %+v", res)
	}
	e.must(manager, "/territory", `add "North America"`)
	e.must(manager, "/territory", "add EMEA")
	e.fail(manager, "/territory", "add emea", sales.ECONFLICT, "")
	e.must(manager, "/territory", "assign North America <@UALICE|alice>, <@UBOB|bob>")
	e.must(manager, "/territory", "assign EMEA <@UBOB|bob>")
	e.add(alice, "Acme 10k")
	e.must(manager, "/territory", "route EMEA <#C0123ABCD|sales-emea>")
	res = e.must(alice, "/territory", "list")
	if len(res.Territories) != 2 {
		t.Fatalf("list: %+v", res.Territories)
	}
	emea, na := res.Territories[0], res.Territories[1]
	if emea.Name != "EMEA" || len(emea.Members) != 1 || emea.Members[0] != "bob" ||
		na.Name != "North America" || len(na.Members) != 1 || na.Open != 1 || na.Value != 1000000 {
		t.Errorf("territories: %+v", res.Territories)
	}
	tr, err := e.db.TerritoryByName(e.ctx, "emea")
	if err != nil || tr.Channel != "C0123ABCD" {
		t.Errorf("route: %+v %v", tr, err)
	}
	e.must(manager, "/territory", "route EMEA none")
	if tr, _ := e.db.TerritoryByName(e.ctx, "emea"); tr.Channel != "" {
		t.Errorf("unroute: %+v", tr)
	}
	e.must(manager, "/territory", "unassign <@UBOB|bob>")
	if p := e.person(bob); p.Territory != 0 {
		t.Errorf("unassign: %+v", p)
	}
	e.fail(manager, "/territory", "assign Mars <@UBOB|bob>", sales.ENOTFOUND, "no territory 'Mars'")
}

func TestSalesbotAdmin(t *testing.T) {
	e := newEnv(t)
	e.team()
	res := e.must(admin, "/salesbot", "whoami")
	if !strings.Contains(strings.Join(res.Lines, " "), "admin") {
		t.Errorf("whoami: %v", res.Lines)
	}
	if p := e.person(manager); p.Role != sales.RoleManager {
		t.Errorf("role: %+v", p)
	}
	if p := e.person(alice); p.Manager != e.person(manager).ID {
		t.Errorf("manager: %+v", p)
	}
	res = e.must(alice, "/salesbot", "whoami")
	if !strings.Contains(strings.Join(res.Lines, " "), "Reports to maria") {
		t.Errorf("alice whoami: %v", res.Lines)
	}
	e.fail(admin, "/salesbot", "manager <@UMGR|maria> <@UALICE|alice>", sales.EINVALID, "loop")
	e.fail(admin, "/salesbot", "manager <@UALICE|alice> <@UALICE|alice>", sales.EINVALID, "their own manager")
	e.must(admin, "/salesbot", "manager <@UALICE|alice> none")
	if p := e.person(alice); p.Manager != 0 {
		t.Errorf("no manager: %+v", p)
	}

	e.must(alice, "/salesbot", "nudges off")
	if p := e.person(alice); !p.NudgesOff {
		t.Error("nudges off not stored")
	}
	e.must(alice, "/salesbot", "nudges on")
	if p := e.person(alice); p.NudgesOff {
		t.Error("nudges on not stored")
	}

	res = e.must(manager, "/salesbot", "digest now")
	if e.dg.posts != 1 || len(res.Lines) != 1 || res.Lines[0] != "Posting the digest now." {
		t.Errorf("digest now: %d posts, %+v", e.dg.posts, res)
	}
	// A digest that cannot be queued says why instead of "Posting".
	e.dg.postErr = sales.Errorf(sales.EINVALID, "no digest channel is set")
	e.fail(manager, "/salesbot", "digest now", sales.EINVALID, "no digest channel")
	e.dg.postErr = nil
	e.must(manager, "/salesbot", "digest route <#C0999ZZZZ|leads>")
	if v := e.routes().Company; v != "C0999ZZZZ" {
		t.Errorf("digest route: %q", v)
	}
	e.must(manager, "/salesbot", "digest route none")
	if v := e.routes().Company; v != "" {
		t.Errorf("digest unroute: %q", v)
	}

	// "/salesbot digest" shows what the digest service reports.
	wired := e.svc
	e.svc = commands.New(e.db, commands.Config{Locale: sales.Locale{Clock: e.clock, Loc: time.UTC}, Admins: []string{admin}})
	e.fail(manager, "/salesbot", "digest", sales.ENOTFOUND, "not running")
	e.fail(manager, "/salesbot", "digest now", sales.ENOTFOUND, "not running")
	e.svc = wired
	want := sales.DigestStatus{Schedule: "0 8 * * 1-5", Zone: "UTC", Routes: []sales.DigestRoute{{Kind: "company", Channel: "C0DIGEST"}}}
	e.dg.status = want
	res = e.must(manager, "/salesbot", "digest")
	if res.Kind != commands.KindDigest || res.Digest == nil || res.Digest.Schedule != want.Schedule || len(res.Digest.Routes) != 1 {
		t.Errorf("digest status: %+v", res)
	}
	e.fail(alice, "/salesbot", "digest status", sales.EFORBIDDEN, "")

	// A manager's team digest gets its own channel; the main route stays.
	mgrID := e.person(manager).ID
	res = e.must(manager, "/salesbot", "digest route <@"+manager+"> <#C0TEAMAAA|team-a>")
	if v := e.routes().Managers[mgrID]; v != "C0TEAMAAA" {
		t.Errorf("manager digest route: %q", v)
	}
	if len(res.Lines) != 1 || !strings.Contains(res.Lines[0], "team digest goes to #team-a") {
		t.Errorf("manager route reply: %v", res.Lines)
	}
	res = e.must(manager, "/salesbot", "digest route me <#C0TEAMBBB|team-b>")
	if v := e.routes().Managers[mgrID]; v != "C0TEAMBBB" {
		t.Errorf("manager digest reroute: %q %v", v, res.Lines)
	}
	res = e.must(manager, "/salesbot", "digest route <@"+carol+"|carol> <#C0TEAMCCC|team-c>")
	if len(res.Lines) != 2 || !strings.Contains(res.Lines[1], "Nobody reports to carol") {
		t.Errorf("route to a manager without reports: %v", res.Lines)
	}
	if v := e.routes().Company; v != "" {
		t.Errorf("a manager route changed the main route: %q", v)
	}
	e.fail(alice, "/salesbot", "digest route <@"+manager+"> <#C0TEAMAAA|team-a>", sales.EFORBIDDEN, "")
	e.fail(manager, "/salesbot", "digest route @nobody-here <#C0TEAMAAA|team-a>", sales.ENOTFOUND, "no one is called")
	e.must(manager, "/salesbot", "digest route <@"+manager+"> none")
	if v := e.routes().Managers[mgrID]; v != "" {
		t.Errorf("manager digest unroute: %q", v)
	}

	res = e.must(carol, "/salesbot", "stages")
	if len(res.Lines) != 6 || !strings.HasPrefix(res.Lines[0], "Prospecting: 10%") {
		t.Errorf("stages: %v", res.Lines)
	}

	// SALESBOT_ADMINS always wins; the last stored admin cannot step down.
	e.must(admin, "/salesbot", "role <@UADMIN|root> rep")
	if a, _ := e.svc.Actor(e.ctx, admin, "", "", ""); a.Role != sales.RoleAdmin {
		t.Errorf("env admin demoted: %+v", a)
	}
	e.must(admin, "/salesbot", "role <@UCAROL|carol> admin")
	e.must(carol, "/salesbot", "role <@UALICE|alice> manager")
	if p := e.person(alice); p.Role != sales.RoleManager {
		t.Errorf("appointed admin: %+v", p)
	}
}

func TestLastAdmin(t *testing.T) {
	e := newEnv(t)
	e.must(admin, "/salesbot", "role <@UCAROL|carol> admin")
	// carol is the only stored admin and SALESBOT_ADMINS is set, so she may
	// step down; without env admins she may not.
	noEnv := commands.New(e.db, commands.Config{Locale: sales.Locale{Clock: e.clock, Loc: time.UTC}})
	_, err := noEnv.Handle(e.ctx, e.req(carol, "/salesbot", "role <@UCAROL|carol> rep"))
	if sales.ErrorCode(err) != sales.ECONFLICT {
		t.Errorf("last admin stepping down: %v", err)
	}
	e.must(carol, "/salesbot", "role <@UCAROL|carol> rep")
}

func TestLink(t *testing.T) {
	e := newEnv(t)
	imported, err := e.db.CreatePerson(e.ctx, sales.Person{Name: "Alice Smith", Role: sales.RoleRep})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateDeal(e.ctx, sales.Deal{Account: "Imported", Amount: 100, Owner: imported.ID}, 0); err != nil {
		t.Fatal(err)
	}
	// alice used salesbot before the link: she has an empty record.
	e.must(alice, "/salesbot", "whoami")
	e.must(admin, "/salesbot", "role <@UALICE|alice> manager")
	e.must(bob, "/salesbot", "whoami") // first contact creates bob's record
	e.fail(bob, "/salesbot", `link "Alice Smith" <@UALICE|alice>`, sales.EFORBIDDEN, "only a manager or admin")
	e.fail(admin, "/salesbot", `link "Alice Smith" @alice`, sales.EINVALID, "Slack's @ picker")
	e.fail(admin, "/salesbot", `link "Nobody" <@UALICE|alice>`, sales.ENOTFOUND, "")
	res := e.must(admin, "/salesbot", `link alice smith <@UALICE|alice>`)
	if !strings.Contains(res.Lines[0], "Logged") {
		t.Errorf("link: %v", res.Lines)
	}
	p := e.person(alice)
	if p.ID != imported.ID || p.Role != sales.RoleManager {
		t.Errorf("linked person: %+v", p)
	}
	list := e.must(alice, "/deal", "list")
	if len(list.Deals) != 1 || list.Deals[0].Deal.Account != "Imported" {
		t.Errorf("alice's deals after link: %+v", list.Deals)
	}
	// A Slack user who already owns deals is not merged silently.
	e.add(bob, "Bobco 1k")
	if _, err := e.db.CreatePerson(e.ctx, sales.Person{Name: "Robert"}); err != nil {
		t.Fatal(err)
	}
	e.fail(admin, "/salesbot", `link Robert <@UBOB|bob>`, sales.ECONFLICT, "already has 1 deals")
}

func TestBadInputWritesNothing(t *testing.T) {
	e := newEnv(t)
	e.team()
	id := e.add(alice, "Acme 5k")
	for _, tt := range []struct{ user, cmd, text, code, want string }{
		{alice, "/deal", "add Acme 12,5k", sales.EINVALID, "try 12.5k or 12500"},
		{alice, "/deal", "stage " + id.String() + " Negotation", sales.EINVALID, "unknown stage 'Negotation'"},
		{alice, "/deal", "stage " + id.String(), sales.EINVALID, "usage: /deal stage <deal> <stage>"},
		{alice, "/deal", "won D-999", sales.ENOTFOUND, "D-999 not found"},
		{alice, "/deal", "add Acme 5k close:2020-01-01", sales.EINVALID, "in the past"},
		{alice, "/deal", "add Acme 5k owner:@ghost", sales.ENOTFOUND, "@ghost"},
		{alice, "/goal", "set <@UBOB|bob> 5k", sales.EFORBIDDEN, "only a manager or admin can set quotas"},
		{"UFRESH", "/deal", "add Acme 12,5k", sales.EINVALID, "12.5k"}, // not even the person is created
		{alice, "/territory", "route Mars none", sales.EFORBIDDEN, ""},
	} {
		e.fail(tt.user, tt.cmd, tt.text, tt.code, tt.want)
	}
}

func TestSubmitDealForm(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.must(manager, "/territory", "add EMEA")

	// The bare command opens the form.
	res := e.must(alice, "/deal", "")
	if res.Kind != commands.KindDealForm || res.Form.DealID != 0 || res.Form.Stage != "Prospecting" || res.Form.ShowOwner ||
		res.Form.OwnerSlack != alice || len(res.Form.Territories) != 1 {
		t.Errorf("form: %+v", res.Form)
	}
	if res := e.must(manager, "/deal", ""); !res.Form.ShowOwner {
		t.Error("managers should see the owner field")
	}

	before := e.snapshot()
	_, errs, err := e.svc.SubmitDealForm(e.ctx, e.req(alice, "", ""), commands.FormInput{
		Account: " ", Amount: "12,5k", Stage: "Negotation", CloseDate: "2020-13-01", OwnerSlack: bob, Territory: "Mars",
	})
	if err != nil {
		t.Fatal(err)
	}
	for field, want := range map[string]string{
		"account": "Enter the account name", "amount": "try 12.5k or 12500", "stage": "unknown stage 'Negotation'",
		"close": "not a real date", "owner": "only a manager or admin", "territory": "no territory 'Mars'",
	} {
		if !strings.Contains(errs[field], want) {
			t.Errorf("field %s: %q, want %q", field, errs[field], want)
		}
	}
	e.unchanged(before, "invalid form")

	res, errs, err = e.svc.SubmitDealForm(e.ctx, e.req(alice, "", ""), commands.FormInput{
		Account: "Acme Corp", Amount: "$12,000", Stage: "Qualified", CloseDate: "2026-12-20", Territory: "emea",
	})
	if err != nil || errs != nil {
		t.Fatalf("submit: %v %v", errs, err)
	}
	id := res.Deal.Deal.ID
	d := e.deal(id)
	if d.Account != "Acme Corp" || d.Amount != 1200000 || d.Stage != 2 || !d.CloseDate.Equal(date("2026-12-20")) || d.Territory == 0 || d.Owner != e.person(alice).ID {
		t.Errorf("created from form: %+v", d)
	}
	if !strings.HasPrefix(res.Lines[0], "Logged "+id.String()) {
		t.Errorf("reply: %v", res.Lines)
	}

	// Edit: the form comes back prefilled and a submission replaces fields.
	form := e.must(alice, "/deal", "edit "+id.String()).Form
	in := commands.FormInput{DealID: id, Account: form.Account, Amount: "15k", Stage: "Won", CloseDate: form.CloseDate, Territory: form.Territory}
	res, errs, err = e.svc.SubmitDealForm(e.ctx, e.req(alice, "", ""), in)
	if err != nil || errs != nil {
		t.Fatalf("edit: %v %v", errs, err)
	}
	if d := e.deal(id); d.Amount != 1500000 || d.Stage != 5 || d.Territory == 0 {
		t.Errorf("edited: %+v", d)
	}
	if res.Win == nil {
		t.Error("editing into Won should celebrate")
	}
	// bob may not edit alice's deal; a manager may reassign it.
	_, _, err = e.svc.SubmitDealForm(e.ctx, e.req(bob, "", ""), in)
	if sales.ErrorCode(err) != sales.EFORBIDDEN {
		t.Errorf("bob editing: %v", err)
	}
	in.OwnerSlack = bob
	if _, errs, err = e.svc.SubmitDealForm(e.ctx, e.req(manager, "", ""), in); err != nil || errs != nil {
		t.Fatalf("manager reassign: %v %v", errs, err)
	}
	if d := e.deal(id); d.Owner != e.person(bob).ID {
		t.Errorf("reassigned: %+v", d)
	}
}

func TestHome(t *testing.T) {
	e := newEnv(t)
	e.team()
	e.must(manager, "/goal", "set <@UALICE|alice> 50k quarter")
	for i := 0; i < 12; i++ {
		e.add(alice, fmt.Sprintf("P%02d %dk", i, i+1))
	}
	e.add(alice, "Late 9k stage:proposal close:2026-11-27")
	e.add(alice, "Won 20k stage:won")
	e.add(bob, "Bobco 3k")
	e.clock.Add(20 * 24 * time.Hour) // everything goes stale; "Late" is overdue

	v, err := e.svc.Home(e.ctx, e.req(alice, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	if v.Name != "alice" || v.Role != sales.RoleRep || !v.Goal.Progress.HasQuota || v.Goal.Progress.Won != 2000000 {
		t.Errorf("home goal: %+v", v.Goal)
	}
	if len(v.ByStage) != 4 || v.ByStage[0].Count != 12 || len(v.ByStage[0].Deals) != commands.HomeDealsPerStage ||
		v.ByStage[0].Deals[0].Deal.Account != "P11" || v.ByStage[2].Count != 1 {
		t.Errorf("by stage: %+v", v.ByStage)
	}
	if v.StaleCount != 13 || len(v.Stale) != commands.HomeStaleDeals || v.OverdueCount != 1 || v.Overdue[0].Deal.Account != "Late" {
		t.Errorf("stale %d overdue %d %+v", v.StaleCount, v.OverdueCount, v.Overdue)
	}
	if v.Team != nil {
		t.Error("a rep sees no team")
	}
	v, err = e.svc.Home(e.ctx, e.req(manager, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	if v.Team == nil || v.Team.Subject != "maria's team" || v.Team.Funnel.Open != 14 || len(v.TeamGoals) != 2 || v.TeamGoals[0].Subject != "alice" {
		t.Errorf("manager home: team %+v goals %+v", v.Team, v.TeamGoals)
	}
}

func TestHelpResult(t *testing.T) {
	e := newEnv(t)
	res := e.must(carol, "/deal", "help")
	if res.Kind != commands.KindHelp || len(res.Help) != len(commands.FormsOf("deal")) {
		t.Errorf("deal help: %d topics", len(res.Help))
	}
	res = e.must(carol, "/salesbot", "help goal set")
	// The quota form and the activity-goal form share the verb.
	if len(res.Help) != 2 || res.Help[0].Who != "managers and admins" || res.Help[0].Usage != "/goal set @user <amount> [period]" ||
		res.Help[1].Usage != "/goal set @user <N> calls|meetings|emails|activities week|month" {
		t.Errorf("goal set help: %+v", res.Help)
	}
	res = e.must(carol, "/salesbot", "")
	// The overview packs topics into sections, so it stays within Block
	// Kit's limits well past this bound (bot/blocks tests render it).
	if len(res.Help) != len(commands.Forms()) || len(res.Help) > 80 {
		t.Errorf("overview: %d topics", len(res.Help))
	}
}

// TestHostileInputs drives odd and hostile text through Handle: each is
// either a clean user error or a success with the text kept as data.
func TestHostileInputs(t *testing.T) {
	e := newEnv(t)
	e.team()
	id := e.add(alice, "Acme 5k")
	inputs := []struct{ cmd, text string }{
		{"/deal", "add " + strings.Repeat("A", 4001)},
		{"/deal", "add " + strings.Repeat("very long name ", 20) + "5k"},
		{"/deal", "add Acme\x00Corp 5k"},
		{"/deal", "add \x1b[31mred 5k"},
		{"/deal", "add \xc3\x28 5k"},
		{"/deal", "add <!channel> 5k"},
		{"/deal", "add \"<!here> & <!everyone>\" 5k"},
		{"/deal", "add &lt;!channel&gt; 5k"},
		{"/deal", "add <!subteam^S123|@sales> 5k"},
		{"/deal", "add <https://evil.example|Click me> 5k"},
		{"/deal", "add \u202eevil\u202c 5k"},
		{"/deal", "add مرحبا 5k"},
		{"/deal", "add 🚀🚀🚀 5k"},
		{"/deal", "add \"\" 5k"},
		{"/deal", "add \"unclosed 5k"},
		{"/deal", "add Acme 1e9"},
		{"/deal", "add Acme NaN"},
		{"/deal", "add Acme 0x10"},
		{"/deal", "add Acme 99999999999999999999999"},
		{"/deal", "show D-18446744073709551615"},
		{"/deal", "show D-99999999999999999999999"},
		{"/deal", "show <@U0000>"},
		{"/deal", "lost " + id.String() + " " + strings.Repeat("why ", 600)},
		{"/deal", "note " + id.String() + " <!channel> read this"},
		{"/goal", "<@UDOESNOTEXIST>"},
		{"/goal", "set <@U1|x> 5k 1969-01"},
		{"/pipeline", "territory <!channel>"},
		{"/territory", "add <!here>"},
		{"/territory", "route EMEA <#C0123ABCD|x> <#C0123ABCE|y>"},
		{"/salesbot", "role <@U1> <@U2>"},
		{"/salesbot", "help " + strings.Repeat("deal ", 100)},
		{"/salesbot", "link \"\" <@U1>"},
	}
	for _, in := range inputs {
		res, err := e.do(alice, in.cmd, in.text)
		switch code := sales.ErrorCode(err); code {
		case "", sales.EINVALID, sales.ENOTFOUND, sales.EFORBIDDEN, sales.ECONFLICT:
		default:
			t.Errorf("%s %q: %s %v", in.cmd, clip(in.text), code, err)
		}
		if err == nil && res == nil {
			t.Errorf("%s %q: nil result", in.cmd, clip(in.text))
		}
		// A live reference becomes words; text the user typed as "&lt;" is
		// data (renderers escape it).
		if err == nil && res.Deal != nil && !strings.Contains(in.text, "&lt;") && strings.ContainsAny(res.Deal.Deal.Account, "<>") {
			t.Errorf("%s %q: a Slack reference survived into the account: %q", in.cmd, clip(in.text), res.Deal.Deal.Account)
		}
	}
}

// TestConcurrentAdds logs deals from many goroutines at once (the bot
// handles commands concurrently): every reply names a distinct, stored
// deal.
func TestConcurrentAdds(t *testing.T) {
	e := newEnv(t)
	e.team()
	const workers, each = 16, 8
	ids := make(chan sales.DealID, workers*each)
	errs := make(chan error, workers*each)
	users := []string{alice, bob, carol, manager}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				res, err := e.svc.Handle(e.ctx, e.req(users[w%len(users)], "/deal", fmt.Sprintf("add W%dI%d %dk", w, i, i+1)))
				if err != nil {
					errs <- err
					continue
				}
				ids <- res.Deal.Deal.ID
			}
		}(w)
	}
	wg.Wait()
	close(ids)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	seen := map[sales.DealID]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("%s twice", id)
		}
		seen[id] = true
		e.deal(id)
	}
	if len(seen) != workers*each {
		t.Errorf("%d deals, want %d", len(seen), workers*each)
	}
}

func TestStageConfiguration(t *testing.T) {
	e := newEnv(t)
	e.team()
	stageNames := func() string {
		ss, err := e.db.Stages(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range ss.Stages {
			names = append(names, s.Name+" "+s.Percent())
		}
		return strings.Join(names, ", ")
	}

	res := e.must(admin, "/salesbot", "stage add Demo 30% after:qualified stale:4")
	if !strings.Contains(res.Lines[0], "added Demo (30%) after Qualified") || !res.StagesChanged {
		t.Errorf("add: %v", res.Lines)
	}
	if got := stageNames(); got != "Prospecting 10%, Qualified 25%, Demo 30%, Proposal 50%, Negotiation 75%, Won 100%, Lost 0%" {
		t.Fatalf("after add: %s", got)
	}
	// The new stage works at once: in /deal add, and as the step after Qualified.
	id := e.add(alice, "Acme 10k stage:qualified")
	e.must(alice, "/deal", "advance "+id.String())
	if d := e.deal(id); e.stageName(d.Stage) != "Demo" {
		t.Fatalf("advanced to %s", e.stageName(d.Stage))
	}
	e.must(admin, "/salesbot", `stage set demo name:"Product demo" probability:35% stale:6`)
	if got := stageNames(); !strings.Contains(got, "Product demo 35%") {
		t.Fatalf("after set: %s", got)
	}
	if d := e.deal(id); e.stageName(d.Stage) != "Product demo" {
		t.Fatalf("the deal's stage is %q after the rename", e.stageName(d.Stage))
	}
	e.must(admin, "/salesbot", `stage set "product demo" after:start`)
	if got := stageNames(); !strings.HasPrefix(got, "Product demo 35%, Prospecting") {
		t.Fatalf("after move: %s", got)
	}

	bad := []struct{ text, code, want string }{
		{`stage remove "Product demo"`, sales.EINVALID, "still has deals"},
		{"stage remove Won", sales.EINVALID, "every pipeline needs its won and lost stage"},
		{"stage add Proposal 40%", sales.ECONFLICT, "already a stage called Proposal"},
		{"stage add Legal 140%", sales.EINVALID, "probability '140%' is not a percentage from 0% to 100%"},
		{"stage add Legal 12.345%", sales.EINVALID, "is not a percentage"},
		{"stage add D-5 40%", sales.EINVALID, "cannot be a stage name"},
		{`stage add "Legal: review" 40%`, sales.EINVALID, "cannot contain a colon"},
		{"stage add " + strings.Repeat("x", 31) + " 40%", sales.EINVALID, "too long"},
		{"stage add Legal 40% after:Won", sales.EINVALID, "stages go before Won"},
		{"stage add Legal 40% after:Nowhere", sales.EINVALID, "unknown stage 'Nowhere'"},
		{"stage set Won probability:50%", sales.EINVALID, "its probability is always 100%"},
		{"stage set Lost stale:3", sales.EINVALID, "never stale"},
		{"stage set Proposal", sales.EINVALID, "nothing to change"},
		{"stage set Proposal stale:0", sales.EINVALID, "not a number of days"},
		{"stage set Proposal name:Negotiation", sales.ECONFLICT, "already a stage called Negotiation"},
		{"stage set Proposal after:Proposal", sales.EINVALID, "cannot go after itself"},
		{"stage launch Demo", sales.EINVALID, "'launch' is not something /salesbot stages does"},
	}
	for _, b := range bad {
		before := e.snapshot()
		e.fail(admin, "/salesbot", b.text, b.code, b.want)
		e.unchanged(before, b.text)
	}
	e.fail(manager, "/salesbot", "stage add Legal 80%", sales.EFORBIDDEN, "only an admin")

	e.must(alice, "/deal", "stage "+id.String()+" proposal")
	e.must(admin, "/salesbot", `stage remove "Product demo"`)
	if got := stageNames(); strings.Contains(got, "demo") {
		t.Fatalf("after remove: %s", got)
	}
	// Removing down to one open stage is refused.
	for _, s := range []string{"Prospecting", "Qualified", "Negotiation"} {
		e.must(admin, "/salesbot", "stage remove "+s)
	}
	e.must(alice, "/deal", "won "+id.String())
	e.fail(admin, "/salesbot", "stage remove Proposal", sales.EINVALID, "the only open stage")
	res = e.must(admin, "/salesbot", "stages")
	if last := res.Lines[len(res.Lines)-1]; !strings.Contains(last, "/salesbot stage add") {
		t.Errorf("admins are not told how to change stages: %v", res.Lines)
	}
}

// Issue 9, defect 6: stale is time in the current stage; a note, an edit
// or a pushed close date does not make a deal fresh.
func TestCardStaleIsTimeInStage(t *testing.T) {
	e := newEnv(t)
	e.team()
	id := e.add(alice, "Quietco 5k stage:proposal")
	e.clock.Add(20 * 24 * time.Hour) // Proposal's limit is 10 days
	e.must(alice, "/deal", "note Quietco still thinking")
	if c := e.must(alice, "/deal", "show "+id.String()).Deal; !c.Stale {
		t.Fatalf("20 days in Proposal with a note today should be stale: %+v", c.Deal)
	}
	e.must(alice, "/deal", "stage "+id.String()+" negotiation")
	if c := e.must(alice, "/deal", "show "+id.String()).Deal; c.Stale {
		t.Fatal("a stage change starts the clock again")
	}
}
