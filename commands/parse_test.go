package commands_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/commands"
	"github.com/salesbot/salesbot/sales"
)

// now is Thursday 2026-11-26 15:00 UTC in every parser test.
var now = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

func parser() commands.Parser {
	return commands.Parser{Now: now, Loc: time.UTC, Currency: sales.DefaultCurrency, Stages: sales.DefaultStages()}
}

func date(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// roundTrip checks Parse(c.String()) == c.
func roundTrip(t *testing.T, p commands.Parser, c commands.Cmd) {
	t.Helper()
	s := c.String()
	cmd, text, _ := strings.Cut(s, " ")
	back, err := p.Parse(cmd, text)
	if err != nil {
		t.Fatalf("canonical %q does not parse: %v", s, err)
	}
	if !reflect.DeepEqual(back, c) {
		t.Fatalf("round trip of %q:\n got %#v\nwant %#v", s, back, c)
	}
}

func TestParseGood(t *testing.T) {
	tests := []struct {
		cmd, text string
		want      string                  // canonical form
		check     func(commands.Cmd) bool // extra field checks
	}{
		// /deal add: every spec amount form, quoting, options.
		{"/deal", `add Acme 12000`, `/deal add "Acme" 12000`, func(c commands.Cmd) bool { return c.Amount == 1200000 && c.HasAmount }},
		{"/deal", `add Acme 12,000`, `/deal add "Acme" 12000`, nil},
		{"/salesbot", `stage add Demo 30% after:qualified stale:4`, `/salesbot stage add "Demo" 30% stale:4 after:Qualified`,
			func(c commands.Cmd) bool {
				return c.Text == "Demo" && c.Probability == 3000 && c.Stale == 4 && c.After == "Qualified"
			}},
		{"/salesbot", `stage add "Legal review" 12.5 after:START`, `/salesbot stage add "Legal review" 12.5% after:start`,
			func(c commands.Cmd) bool { return c.Probability == 1250 && c.After == "start" }},
		{"/salesbot", `stage set proposal probability:0% name:"Deal desk" stale:21d`, `/salesbot stage set Proposal name:"Deal desk" probability:0% stale:21`,
			func(c commands.Cmd) bool {
				return c.HasProbability && c.Probability == 0 && c.NewName == "Deal desk" && c.Stale == 21
			}},
		{"/salesbot", `stage delete negotiation`, `/salesbot stage remove Negotiation`, nil},
		{"/salesbot", `stage`, `/salesbot stages`, nil},
		{"/deal", `add Acme $12,000`, `/deal add "Acme" 12000`, nil},
		{"/deal", `add Acme 12k`, `/deal add "Acme" 12000`, nil},
		{"/deal", `add Acme 12.5k`, `/deal add "Acme" 12500`, nil},
		{"/deal", `add Acme 1.2m`, `/deal add "Acme" 1200000`, func(c commands.Cmd) bool { return c.Amount == 120000000 }},
		{"/deal", `add Acme 0.1`, `/deal add "Acme" 0.1`, func(c commands.Cmd) bool { return c.Amount == 10 }},
		{"/deal", `add Acme 1,234,567.89`, `/deal add "Acme" 1234567.89`, func(c commands.Cmd) bool { return c.Amount == 123456789 }},
		{"deal", `ADD Acme 5K`, `/deal add "Acme" 5000`, nil},
		{"/deal", `add "Acme Corp" 12k stage:proposal close:2026-12-31`, `/deal add "Acme Corp" 12000 stage:Proposal close:2026-12-31`,
			func(c commands.Cmd) bool {
				return c.Account == "Acme Corp" && c.Stage == "Proposal" && c.Close.Equal(date("2026-12-31"))
			}},
		{"/deal", `add Acme Corp 12k`, `/deal add "Acme Corp" 12000`, nil},                                                     // unquoted words before the amount
		{"/deal", `add “Acme  Corp” 12k`, `/deal add "Acme Corp" 12000`, nil},                                                  // curly quotes, spaces folded
		{"/deal", `add "3M" 50k`, `/deal add "3M" 50000`, nil},                                                                 // a quoted number-like name
		{"/deal", `add Studio "54" 9k`, `/deal add "Studio 54" 9000`, nil},                                                     // partly quoted
		{"/deal", `add AT&amp;T 1m`, `/deal add "AT&amp;T" 1000000`, func(c commands.Cmd) bool { return c.Account == "AT&T" }}, // Slack escapes &
		{"/deal", `add "&lt;!channel&gt; Inc" 5k`, `/deal add "&lt;!channel&gt; Inc" 5000`, func(c commands.Cmd) bool { return c.Account == "<!channel> Inc" }},
		{"/deal", `add "<!channel> Inc" 5k`, `/deal add "@channel Inc" 5000`, func(c commands.Cmd) bool { return c.Account == "@channel Inc" }}, // a live ref becomes words
		{"/deal", `add "Say \"hi\"" 5k`, `/deal add "Say \"hi\"" 5000`, func(c commands.Cmd) bool { return c.Account == `Say "hi"` }},
		{"/deal", `add שלום 5k`, `/deal add "שלום" 5000`, nil},
		{"/deal", `add Acme 5k owner:<@U123|alice> territory:"North America" product:CRM`,
			`/deal add "Acme" 5000 owner:<@U123|alice> territory:"North America" product:"CRM"`,
			func(c commands.Cmd) bool {
				return c.Owner == commands.UserRef{ID: "U123", Name: "alice"} && c.Territory == "North America"
			}},
		{"/deal", `add Acme 5k owner:<@U123>`, `/deal add "Acme" 5000 owner:<@U123>`, nil},
		{"/deal", `add Acme 5k owner:@alice`, `/deal add "Acme" 5000 owner:@alice`, func(c commands.Cmd) bool { return c.Owner.Name == "alice" && c.Owner.ID == "" }},
		{"/deal", `add Acme 5k owner:me`, `/deal add "Acme" 5000 owner:me`, nil},
		{"/deal", `add Acme stage: won 5k`, `/deal add "Acme" 5000 stage:Won`, nil}, // a space after the colon
		{"/deal", `add Acme 5k stage:NEGO`, `/deal add "Acme" 5000 stage:Negotiation`, nil},
		{"/deal", `add "Zeta Corp" 7.5k stage=proposal close=2026-12-20`, `/deal add "Zeta Corp" 7500 stage:Proposal close:2026-12-20`, nil}, // key=value, as typed after web forms
		{"/deal", `add Acme 5k STAGE= won`, `/deal add "Acme" 5000 stage:Won`, nil},
		{"/deal", `add x=y 5k`, `/deal add "x=y" 5000`, nil}, // "=" after a word that names no option stays in the word
		{"/deal", `add Acme 5k note:met at the expo`, `/deal add "Acme" 5000 note:"met at the expo"`, nil},
		{"/deal", `add Acme 5k note:"x" stage:won`, `/deal add "Acme" 5000 stage:Won note:"x"`, nil},
		{"/deal", `add Acme 5k note:call re: pricing close:friday`, `/deal add "Acme" 5000 close:2026-11-27 note:"call re: pricing"`, nil},
		// relative dates (Thursday 2026-11-26)
		{"/deal", `add Acme 5k close:today`, `/deal add "Acme" 5000 close:2026-11-26`, nil},
		{"/deal", `add Acme 5k close:tomorrow`, `/deal add "Acme" 5000 close:2026-11-27`, nil},
		{"/deal", `add Acme 5k close:friday`, `/deal add "Acme" 5000 close:2026-11-27`, nil},
		{"/deal", `add Acme 5k close:thursday`, `/deal add "Acme" 5000 close:2026-11-26`, nil},
		{"/deal", `add Acme 5k close:monday`, `/deal add "Acme" 5000 close:2026-11-30`, nil},
		{"/deal", `add Acme 5k close:next friday`, `/deal add "Acme" 5000 close:2026-12-04`, nil},
		{"/deal", `add Acme 5k close:+3d`, `/deal add "Acme" 5000 close:2026-11-29`, nil},
		{"/deal", `add Acme 5k close:+2w`, `/deal add "Acme" 5000 close:2026-12-10`, nil},
		{"/deal", `add Acme 5k close:+1m`, `/deal add "Acme" 5000 close:2026-12-26`, nil},
		{"/deal", `add Acme 5k close:eom`, `/deal add "Acme" 5000 close:2026-11-30`, nil},
		{"/deal", `add Acme 5k close:end of month`, `/deal add "Acme" 5000 close:2026-11-30`, nil},
		{"/deal", `add Acme 5k close:eoq`, `/deal add "Acme" 5000 close:2026-12-31`, nil},
		{"/deal", `add Acme 5k close:"end of quarter"`, `/deal add "Acme" 5000 close:2026-12-31`, nil},

		// /deal with no text opens the form; an id alone shows it.
		{"/deal", ``, `/deal`, nil},
		{"/deal", `D-42`, `/deal show D-42`, func(c commands.Cmd) bool { return c.Deal.ID == 42 }},
		{"/deal", `show #42`, `/deal show D-42`, nil},
		{"/deal", `show d42`, `/deal show D-42`, nil},
		{"/deal", `show Acme Corp`, `/deal show "Acme Corp"`, func(c commands.Cmd) bool { return c.Deal.Name == "Acme Corp" }},
		{"/deal", `show "D-42"`, `/deal show "D-42"`, func(c commands.Cmd) bool { return c.Deal.ID == 0 && c.Deal.Name == "D-42" }},
		{"/deal", `stage D-42 negotiation`, `/deal stage D-42 Negotiation`, nil},
		{"/deal", `stage Acme Corp proposal`, `/deal stage "Acme Corp" Proposal`, nil},
		{"/deal", `move D-42 won`, `/deal stage D-42 Won`, nil},
		{"/deal", `advance D-42`, `/deal advance D-42`, nil},
		{"/deal", `won D-42`, `/deal won D-42`, nil},
		{"/deal", `won Acme Corp 13,500`, `/deal won "Acme Corp" 13500`, func(c commands.Cmd) bool { return c.Amount == 1350000 }},
		{"/deal", `won 3M`, `/deal won "3M"`, nil}, // the deal comes first, so 3M is its name
		{"/deal", `lost D-42`, `/deal lost D-42`, nil},
		{"/deal", `lost D-42 went with a competitor`, `/deal lost D-42 "went with a competitor"`, func(c commands.Cmd) bool { return c.Text == "went with a competitor" }},
		{"/deal", `lost D-42 price: too "high" & slow`, `/deal lost D-42 "price: too \"high\" &amp; slow"`, func(c commands.Cmd) bool { return c.Text == `price: too "high" & slow` }},
		{"/deal", `lost D-42 6" screen`, `/deal lost D-42 "6\" screen"`, nil}, // a lone quote in free text is kept
		{"/deal", `lost D-42 ask <@U1|bob>`, `/deal lost D-42 "ask @bob"`, nil},
		{"/deal", `lost "Acme Corp" no budget`, `/deal lost "Acme Corp" "no budget"`, nil},
		{"/deal", `close D-42 2026-12-15`, `/deal close D-42 2026-12-15`, nil},
		{"/deal", `push Acme Corp next friday`, `/deal close "Acme Corp" 2026-12-04`, nil},
		{"/deal", `close D-42 end of month`, `/deal close D-42 2026-11-30`, nil},
		{"/deal", `snooze D-42`, `/deal snooze D-42`, func(c commands.Cmd) bool { return c.Until.IsZero() }},
		{"/deal", `snooze D-42 7d`, `/deal snooze D-42 2026-12-03`, nil},
		{"/deal", `snooze Acme Corp 2w`, `/deal snooze "Acme Corp" 2026-12-10`, nil},
		{"/deal", `snooze D-42 2026-12-24`, `/deal snooze D-42 2026-12-24`, nil},
		{"/deal", `note D-42 CFO wants a 3-year price`, `/deal note D-42 "CFO wants a 3-year price"`, nil},
		{"/deal", `note D-42 close=next week`, `/deal note D-42 "close=next week"`, nil}, // "=" after a word that is not this form's option stays text
		{"/deal", `set D-42 amount:15k close:eoq`, `/deal set D-42 amount:15000 close:2026-12-31`, nil},
		{"/deal", `set Acme owner:<@U2|bob> territory:EMEA account:"Acme Inc"`, `/deal set "Acme" account:"Acme Inc" owner:<@U2|bob> territory:"EMEA"`, nil},
		{"/deal", `set D-1 territory:none`, `/deal set D-1 territory:"none"`, nil},
		{"/deal", `edit D-42`, `/deal edit D-42`, nil},
		{"/deal", `reopen D-42`, `/deal reopen D-42`, nil},
		{"/deal", `list`, `/deal list`, func(c commands.Cmd) bool { return c.Scope == commands.ScopeSelf }},
		{"/deal", `list all`, `/deal list all`, func(c commands.Cmd) bool { return c.Scope == commands.ScopeAll }},
		{"/deal", `list team page:2`, `/deal list team page:2`, nil},
		{"/deal", `list <@U1|alice> stage:prop`, `/deal list <@U1|alice> stage:Proposal`, func(c commands.Cmd) bool { return c.Scope == commands.ScopeUser }},
		{"/deal", `ls @alice`, `/deal list @alice`, nil},

		// /goal and /pipeline
		{"/goal", ``, `/goal`, nil},
		{"/goal", `<@U1|alice>`, `/goal <@U1|alice>`, func(c commands.Cmd) bool { return c.Scope == commands.ScopeUser }},
		{"/goal", `@alice quarter`, `/goal @alice 2026-Q4`, nil},
		{"/goal", `month`, `/goal 2026-11`, func(c commands.Cmd) bool { return c.Period == sales.Period{Kind: sales.Month, Year: 2026, Index: 11} }},
		{"/goal", `2027`, `/goal 2027`, nil},
		{"/leaderboard", ``, `/leaderboard`, func(c commands.Cmd) bool { return !c.HasBoard && c.Period.Kind == 0 }},
		{"/leaderboard", `deals`, `/leaderboard deals`, func(c commands.Cmd) bool { return c.HasBoard && c.Board == sales.BoardDeals }},
		{"/leaderboard", `quarter`, `/leaderboard 2026-Q4`, nil},
		{"/leaderboard", `2026-Q4 Attainment`, `/leaderboard 2026-Q4 attainment`, func(c commands.Cmd) bool { return c.Board == sales.BoardAttainment }},
		{"/leaderboard", `month won`, `/leaderboard 2026-11 won`, nil},
		{"/leaderboard", `week activities`, `/leaderboard 2026-W48 activities`, func(c commands.Cmd) bool { return c.Board == sales.BoardActivities && c.Period.Kind == sales.Week }},
		{"/goal", `team`, `/goal team`, func(c commands.Cmd) bool { return c.Scope == commands.ScopeTeam }},
		{"/goal", `company year`, `/goal all 2026`, nil},
		{"/goal", `territory North America 2026-Q4`, `/goal territory "North America" 2026-Q4`, nil},
		{"/goal", `set <@U1|alice> 50k`, `/goal set <@U1|alice> 50000`, nil},
		{"/goal", `set @alice 150k quarter`, `/goal set @alice 150000 2026-Q4`, nil},
		{"/goal", `set @alice $1.5m 2027-q1`, `/goal set @alice 1500000 2027-Q1`, nil},
		{"/goal", `set team 400k`, `/goal set team 400000`, func(c commands.Cmd) bool { return c.Scope == commands.ScopeTeam }},
		{"/goal", `set company 2m 2026`, `/goal set all 2000000 2026`, nil},
		{"/goal", `set territory EMEA 250k quarter`, `/goal set territory "EMEA" 250000 2026-Q4`, nil},
		{"/pipeline", ``, `/pipeline`, nil},
		{"/pipeline", `@alice`, `/pipeline @alice`, nil},
		{"/pipeline", `team`, `/pipeline team`, nil},
		{"/pipeline", `territory EMEA quarter`, `/pipeline territory "EMEA" 2026-Q4`, nil},
		{"/pipeline", `all`, `/pipeline all`, nil},

		// /territory
		{"/territory", ``, `/territory list`, nil},
		{"/territory", `add North America`, `/territory add "North America"`, nil},
		{"/territory", `assign EMEA <@U1|a> <@U2|b>`, `/territory assign "EMEA" <@U1|a> <@U2|b>`, func(c commands.Cmd) bool { return len(c.Users) == 2 }},
		{"/territory", `assign EMEA <@U1|a>, <@U2|b>, <@U1|a>`, `/territory assign "EMEA" <@U1|a> <@U2|b>`, nil},
		{"/territory", `unassign @bob`, `/territory unassign @bob`, nil},
		{"/territory", `route EMEA <#C0123ABCD|sales-emea>`, `/territory route "EMEA" <#C0123ABCD|sales-emea>`, nil},
		{"/territory", `route EMEA none`, `/territory route "EMEA" none`, nil},
		{"/territory", `route EMEA #sales-emea`, `/territory route "EMEA" #sales-emea`, nil},

		// /salesbot and help
		{"/salesbot", ``, `/salesbot help`, nil},
		{"/salesbot", `help`, `/salesbot help`, nil},
		{"/salesbot", `help deal`, `/salesbot help /deal`, func(c commands.Cmd) bool { return c.Topic == "deal" }},
		{"/salesbot", `help deal new`, `/salesbot help /deal add`, func(c commands.Cmd) bool { return c.Topic == "deal add" }},
		{"/salesbot", `help role`, `/salesbot help role`, nil},
		{"/deal", `help`, `/deal help`, nil},
		{"/deal", `help stage`, `/deal help stage`, nil},
		{"/deal", `add help`, `/deal help add`, nil},
		{"/goal", `help set team`, `/goal help set team`, nil},
		{"/goal", `help territory`, `/goal help territory`, func(c commands.Cmd) bool { return c.Topic == "goal territory" }},
		{"/goal", `help /territory`, `/goal help /territory`, func(c commands.Cmd) bool { return c.Topic == "territory" }},
		{"/salesbot", `role <@U1|carol> manager`, `/salesbot role <@U1|carol> manager`, func(c commands.Cmd) bool { return c.Role == sales.RoleManager }},
		{"/salesbot", `manager @alice @carol`, `/salesbot manager @alice @carol`, nil},
		{"/salesbot", `manager @alice none`, `/salesbot manager @alice none`, func(c commands.Cmd) bool { return c.NoManager }},
		{"/salesbot", `link "Alice Smith" <@U9>`, `/salesbot link "Alice Smith" <@U9>`, nil},
		{"/salesbot", `link Alice Smith <@U9|alice>`, `/salesbot link "Alice Smith" <@U9|alice>`, nil},
		{"/salesbot", `nudges off`, `/salesbot nudges off`, func(c commands.Cmd) bool { return !c.On }},
		{"/salesbot", `nudge on`, `/salesbot nudges on`, func(c commands.Cmd) bool { return c.On }},
		{"/salesbot", `digest now`, `/salesbot digest now`, nil},
		{"/salesbot", `digest route <#C0123ABCD>`, `/salesbot digest route <#C0123ABCD>`, nil},
		{"/salesbot", `digest route none`, `/salesbot digest route none`, nil},
		{"/salesbot", `digest route <#C0WINS|wins>`, `/salesbot digest route <#C0WINS|wins>`, nil}, // the demo's short ids
		{"/salesbot", `stages`, `/salesbot stages`, nil},
		{"/salesbot", `whoami`, `/salesbot whoami`, nil},
	}
	p := parser()
	for _, tt := range tests {
		t.Run(tt.cmd+" "+tt.text, func(t *testing.T) {
			c, err := p.Parse(tt.cmd, tt.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := c.String(); got != tt.want {
				t.Errorf("String() = %s, want %s", got, tt.want)
			}
			if tt.check != nil && !tt.check(c) {
				t.Errorf("field check failed: %#v", c)
			}
			if sales.ErrorCode(err) != "" {
				t.Errorf("code %s", sales.ErrorCode(err))
			}
			roundTrip(t, p, c)
		})
	}
}

func TestParseBad(t *testing.T) {
	tests := []struct {
		cmd, text string
		want      string // substring of the error
	}{
		{"/deal", `add Acme 12,5k`, "amount '12,5k' is not a number: try 12.5k or 12500"},
		{"/deal", `add Acme 12,50`, "amount '12,50' is not a number: try 12.5"},
		{"/deal", `add Acme 1,2,3`, "amount '1,2,3' is not a number"},
		{"/deal", `add Acme 12.000`, "has 3 decimals but USD has 2: write 12000 or 12.00"},
		{"/deal", `add Acme 1.234567k`, "more precise"},
		{"/deal", `add Acme -5k`, "is negative"},
		{"/deal", `add Acme €5k`, "is in € but deals here are in USD"},
		{"/deal", `add Acme 99999999999999k`, "too large"},
		{"/deal", `add Acme Corp`, "the amount is missing — usage: /deal add <account> <amount>"},
		{"/deal", `add Acme 12kk`, "amount '12kk' is not a number"},
		{"/deal", `won D-3 abc`, "amount 'abc' is not a number"},
		{"/deal", `won D-3 5k extra`, "unexpected 'extra'"},
		{"/deal", `snooze D-4 xx`, "snooze 'xx' is not a length or a date"},
		{"/deal", `add Acme 5k stage:foo`, "unknown stage 'foo': use one of"},
		{"/deal", `add`, "the account name is missing — usage: /deal add"},
		{"/deal", `add 5k`, "the account name is missing"},
		{"/deal", `add <@U1|bob> 5k`, "'@bob' is a person, not part of the account name: for someone else's deal add owner:@bob"},
		{"/deal", `add Acme 5k stage:Negotation`, "unknown stage 'Negotation' (did you mean Negotiation?): use one of Prospecting, Qualified, Proposal, Negotiation, Won, Lost"},
		{"/deal", `add Acme 5k stgae:won`, "unknown option 'stgae:' for /deal add (did you mean stage:?)"},
		{"/deal", `add Acme 5k stage=bogus`, "unknown stage 'bogus'"},
		{"/deal", `add Acme 5k stage=won stage:lost`, "stage: is given twice"},
		{"/deal", `add Acme 5k stage:won stage:lost`, "stage: is given twice"},
		{"/deal", `add Acme 5k stage:`, "stage: has no value"},
		{"/deal", `add Acme 5k close:someday`, "date 'someday' is not valid: use YYYY-MM-DD"},
		{"/deal", `add Acme 5k close:2026-02-30`, "is not a real date"},
		{"/deal", `add Acme 5k close:+99999d`, "too far"},
		{"/deal", `add Acme 5k owner:bob`, "'bob' is not a person"},
		{"/deal", `add "Acme 5k`, "is never closed"},
		{"/deal", `add Acme 5k page:2`, "unknown option 'page:' for /deal add"},
		{"/deal", "add Acme\x00 5k", "control character"},
		{"/deal", "add Acme \xff 5k", "not valid UTF-8"},
		{"/deal", "add " + strings.Repeat("x", 5000) + " 5k", "too long"},
		{"/deal", "add " + strings.Repeat("x", 300) + " 5k", "the account name is too long (300 characters)"},
		{"/deal", `stage D-42 Negotation`, "unknown stage 'Negotation'"},
		{"/deal", `stage D-42`, "usage: /deal stage <deal> <stage>"},
		{"/deal", `stage`, "usage: /deal stage <deal> <stage>"},
		{"/deal", `won D-42 12,5k`, "amount '12,5k' is not a number"},
		{"/goal", `set <@U1|bob> 2026-Q4 50k`, "'2026-Q4' is a period, not an amount: the amount comes first — usage: /goal set @user <amount> [period]"},
		{"/goal", `set team quarter 400k`, "'quarter' is a period, not an amount"},
		{"/deal", `won D-42 0`, "more than zero"},
		{"/deal", `close D-42`, "usage: /deal close <deal> <date>"},
		{"/deal", `close D-42 fridy`, "date 'fridy' is not valid"},
		{"/deal", `snooze D-42 0d`, "not in the future"},
		{"/deal", `note D-42`, "the text is missing — usage: /deal note <deal> <text>"},
		{"/deal", `set D-42`, "nothing to change — usage: /deal set <deal>"},
		{"/deal", `list nobody`, "'nobody' is not @someone, all or team"},
		{"/deal", `list page:0`, "page '0' is not a page number"},
		{"/deal", `ad Acme 5k`, "/deal has no action 'ad' (did you mean add?)"},
		{"/deal", `frobnicate`, "/deal has no action 'frobnicate'"},
		{"/goal", `set @bob 50k quartr`, "period 'quartr' is not valid"},
		{"/goal", `quartr`, "'quartr' is not a person (@name), a period"},
		{"/goal", `2026-13`, "period '2026-13' is not valid"},
		{"/goal", `set @bob`, "the amount is missing — usage: /goal set @user <amount> [period]"},
		{"/goal", `set 50k`, "the person (@name) is missing"},
		{"/goal", `set @bob 0`, "a quota must be more than zero"},
		{"/goal", `set bob 50k`, "'bob' is not a person"},
		{"/goal", `@a,b`, "'@a,b' is not a person"}, // found by FuzzParse: it could not be written back
		{"/goal", `@alice extra`, "period 'extra' is not valid"},
		{"/goal", `@alice month extra`, "unexpected 'extra' — usage: /goal [@user] [period]"},
		{"/deal", `stage won`, "the deal (its id like D-42, or its account name) is missing — usage: /deal stage <deal> <stage>"},
		{"/deal", `close D-42`, "the date is missing"},
		{"/pipeline", `territory`, "the territory name is missing"},
		{"/territory", `assign EMEA`, "the people (@name ...) are missing"},
		{"/territory", `assign EMEA bob`, "'bob' is not a person"},
		{"/territory", `route EMEA "#sales"`, "is not a channel Slack linked"},
		{"/territory", `route EMEA #Sales!`, "is not a channel Slack linked"},
		{"/territory", `add`, "the territory name is missing — usage: /territory add <territory>"},
		{"/salesbot", `role @bob boss`, "unknown role 'boss': use admin, manager or rep"},
		{"/salesbot", `role admin`, "the person (@name) is missing"},
		{"/salesbot", `nudges maybe`, "'maybe' is not on or off"},
		{"/salesbot", `help frob`, "no help for 'frob'"},
		{"/salesbot", `digest later`, "'later' is not something /salesbot digest does: use /salesbot digest, /salesbot digest now or /salesbot digest route [@manager] <#channel>|none"},
		{"/salesbot", `manager @a`, "the manager (@name or none) is missing"},
		{"/sales", `help`, "unknown command '/sales'"},
		{"/leaderboard", `wins2`, "'wins2' is neither a period (month, quarter, year, YYYY-MM (2026-11), YYYY-Qn (2026-Q4) or YYYY) nor a ranking (won, deals, attainment, activities) — usage: /leaderboard [period] [won|deals|attainment|activities]"},
		{"/leaderboard", `2026-W60 activities`, "period '2026-W60' is not valid"},
		{"/leaderboard", `2026-13`, "period '2026-13' is not valid"},
		{"/leaderboard", `won quarter`, "unexpected 'quarter' — usage: /leaderboard [period] [won|deals|attainment|activities]"},
		{"/leaderboard", `quarter won deals`, "unexpected 'deals'"},
	}
	p := parser()
	for _, tt := range tests {
		t.Run(tt.cmd+" "+clip(tt.text), func(t *testing.T) {
			c, err := p.Parse(tt.cmd, tt.text)
			if err == nil {
				t.Fatalf("Parse succeeded: %s", c)
			}
			if sales.ErrorCode(err) != sales.EINVALID {
				t.Errorf("code = %s, want %s (%v)", sales.ErrorCode(err), sales.EINVALID, err)
			}
			if !strings.Contains(sales.ErrorMessage(err), tt.want) {
				t.Errorf("error %q\ndoes not contain %q", sales.ErrorMessage(err), tt.want)
			}
		})
	}
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40]
	}
	return s
}

func TestParseAmount(t *testing.T) {
	eur, _ := sales.LookupCurrency("EUR")
	gbp, _ := sales.LookupCurrency("GBP")
	jpy, _ := sales.LookupCurrency("JPY")
	tests := []struct {
		in   string
		cur  sales.Currency
		want sales.Money
		err  string
	}{
		{"12000", sales.DefaultCurrency, 1200000, ""},
		{"12,000", sales.DefaultCurrency, 1200000, ""},
		{"$12,000", sales.DefaultCurrency, 1200000, ""},
		{"USD12k", sales.DefaultCurrency, 1200000, ""},
		{"12k", sales.DefaultCurrency, 1200000, ""},
		{"12.5k", sales.DefaultCurrency, 1250000, ""},
		{"1.2m", sales.DefaultCurrency, 120000000, ""},
		{"1.2M", sales.DefaultCurrency, 120000000, ""},
		{"0.29", sales.DefaultCurrency, 29, ""}, // 0.29*100 is 28.999… as a float
		{"1.005k", sales.DefaultCurrency, 100500, ""},
		{"4.35", sales.DefaultCurrency, 435, ""},
		{"2b", sales.DefaultCurrency, 200000000000, ""},
		{"€12k", eur, 1200000, ""},
		{"12k€", eur, 1200000, ""},
		{"£1.5m", gbp, 150000000, ""},
		{"¥1200", jpy, 1200, ""},
		{"12.5k", jpy, 12500, ""},
		{"12.5", jpy, 0, "has 1 decimals but JPY has 0"},
		{"£5", sales.DefaultCurrency, 0, "is in £ but deals here are in USD"},
		{"12,5k", eur, 0, "try 12.5k or 12500"},
		{"abc", sales.DefaultCurrency, 0, "is not a number: try 12000, 12,000, $12,000, 12k, 12.5k or 1.2m"},
		{"", sales.DefaultCurrency, 0, "is not a number"},
		{"k", sales.DefaultCurrency, 0, "is not a number"},
		{"1.2.3", sales.DefaultCurrency, 0, "is not a number"},
		{"9223372036854775807", sales.DefaultCurrency, 0, "too large"},
	}
	for _, tt := range tests {
		got, err := commands.ParseAmount(tt.in, tt.cur)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("ParseAmount(%q, %s): %v", tt.in, tt.cur.Code, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseAmount(%q, %s) error = %v, want %q", tt.in, tt.cur.Code, err, tt.err)
		case got != tt.want:
			t.Errorf("ParseAmount(%q, %s) = %d, want %d", tt.in, tt.cur.Code, got, tt.want)
		}
		if err == nil {
			back, err := commands.ParseAmount(commands.FormatAmount(got, tt.cur.Decimals), tt.cur)
			if err != nil || back != got {
				t.Errorf("FormatAmount(%d) = %q reads back as %d, %v", got, commands.FormatAmount(got, tt.cur.Decimals), back, err)
			}
		}
	}
}

func TestParseDate(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	// 2026-11-27 02:00 UTC is still Thursday the 26th in New York.
	late := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		now  time.Time
		loc  *time.Location
		want string
	}{
		{"today", now, time.UTC, "2026-11-26"},
		{"today", late, ny, "2026-11-26"},
		{"tomorrow", late, ny, "2026-11-27"},
		{"Tomorrow", now, time.UTC, "2026-11-27"},
		{"sunday", now, time.UTC, "2026-11-29"},
		{"sun", now, time.UTC, "2026-11-29"},
		{"next thursday", now, time.UTC, "2026-12-03"},
		{"+0d", now, time.UTC, "2026-11-26"},
		{"3 days", now, time.UTC, "2026-11-29"},
		{"in 2 weeks", now, time.UTC, "2026-12-10"},
		{"+1m", time.Date(2027, 1, 31, 12, 0, 0, 0, time.UTC), time.UTC, "2027-02-28"}, // clamped to the month's end
		{"eom", time.Date(2028, 2, 10, 12, 0, 0, 0, time.UTC), time.UTC, "2028-02-29"},
		{"eoq", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.UTC, "2026-06-30"},
		{"eoy", now, time.UTC, "2026-12-31"},
		{"2027-01-15", now, time.UTC, "2027-01-15"},
		{"end of the month", now, time.UTC, "2026-11-30"},
		{"next month", now, time.UTC, "2026-12-01"},
	}
	for _, tt := range tests {
		got, err := commands.ParseDate(tt.in, tt.now, tt.loc)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", tt.in, err)
			continue
		}
		if s := commands.FormatDate(got); s != tt.want {
			t.Errorf("ParseDate(%q) = %s, want %s", tt.in, s, tt.want)
		}
		if got.Location() != time.UTC || got.Hour() != 0 {
			t.Errorf("ParseDate(%q) = %v, want UTC midnight", tt.in, got)
		}
	}
}

// TestHelpFromTable checks that help is generated from the same table the
// parser uses: every form has usage, a summary, who may use it and
// examples, and every example parses to that form.
func TestHelpFromTable(t *testing.T) {
	p := parser()
	seen := map[string]bool{}
	for _, f := range commands.Forms() {
		h := f.HelpTopic()
		if h.Usage == "" || h.Summary == "" || h.Who == "" || len(h.Examples) == 0 {
			t.Errorf("%s: incomplete help %+v", f.Name(), h)
		}
		if seen[h.Usage] {
			t.Errorf("%s appears twice", h.Usage)
		}
		seen[h.Usage] = true
		for _, ex := range h.Examples {
			cmd, text, _ := strings.Cut(ex, " ")
			c, err := p.Parse(cmd, text)
			if err != nil {
				t.Errorf("%s: example %q: %v", f.Name(), ex, err)
				continue
			}
			if c.Verb != "help" && (c.Command != f.Command || c.Verb != f.Verb) {
				t.Errorf("%s: example %q parses as /%s %s", f.Name(), ex, c.Command, c.Verb)
			}
			roundTrip(t, p, c)
		}
	}
	for _, topic := range []string{"", "deal", "/deal", "deal add", "deal new", "goal set team", "salesbot digest route", "territory"} {
		hs, err := commands.Help(topic)
		if err != nil || len(hs) == 0 {
			t.Errorf("Help(%q) = %d topics, %v", topic, len(hs), err)
		}
	}
	if hs, _ := commands.Help("deal add"); len(hs) != 1 || !strings.HasPrefix(hs[0].Usage, "/deal add <account> <amount> [stage:<stage>] [close:<date>] [owner:@user]") {
		t.Errorf("Help(deal add) = %+v", hs)
	}
	if _, err := commands.Help("nope"); err == nil {
		t.Error("Help(nope) succeeded")
	}
}

// TestCustomStages parses against a configured stage set, including names
// that need quoting.
func TestCustomStages(t *testing.T) {
	ss := sales.StageSet{Stages: []sales.Stage{
		{ID: 1, Name: "Lead", Probability: 500},
		{ID: 2, Name: "Demo Booked", Probability: 3000},
		{ID: 3, Name: "Help", Probability: 4000},
		{ID: 4, Name: "Closed Won", Probability: 10000, Kind: sales.StageWon},
		{ID: 5, Name: "Closed Lost", Kind: sales.StageLost},
	}}
	p := parser()
	p.Stages = ss
	for text, want := range map[string]string{
		`stage D-1 "demo booked"`:        `/deal stage D-1 "Demo Booked"`,
		`stage D-1 demo`:                 `/deal stage D-1 "Demo Booked"`,
		`stage D-1 "help"`:               `/deal stage D-1 "Help"`,
		`stage D-1 Closed Won`:           `/deal stage D-1 "Closed Won"`,
		`stage Big Deal Co closed lost`:  `/deal stage "Big Deal Co" "Closed Lost"`,
		`stage Big Deal Co lead`:         `/deal stage "Big Deal Co" Lead`,
		`add Acme 5k stage:"closed won"`: `/deal add "Acme" 5000 stage:"Closed Won"`,
	} {
		c, err := p.Parse("/deal", text)
		if err != nil {
			t.Errorf("%s: %v", text, err)
			continue
		}
		if c.String() != want {
			t.Errorf("%s: %s, want %s", text, c.String(), want)
		}
		roundTrip(t, p, c)
	}
	if _, err := p.Parse("/deal", "stage D-1 closed"); err == nil || !strings.Contains(err.Error(), "use one of Lead, Demo Booked, Help, Closed Won, Closed Lost") {
		t.Errorf("ambiguous prefix: %v", err)
	}
}
