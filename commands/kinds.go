package commands

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/salesbot/salesbot/sales"
)

// This file is the one table of value kinds. A kind knows its field in
// Cmd: how it reads from positional words, how it reads as a key:value
// option, how Cmd.String writes it back, whether a word looks like it and
// what to call it when it is missing. The form table (forms.go) says
// which kinds a form takes; the parser (parse.go, args.go, options.go)
// and the writer (format.go) only walk the table.

// argKind is a kind of value a command holds.
type argKind uint8

const (
	argDeal        argKind = iota + 1 // <deal>: an id, or an account name of any number of words
	argDealOne                        // <deal> as one word (quote multi-word names): before free text
	argAccount                        // <account>, any number of words; account: option
	argAmount                         // <amount>; amount: option
	argStage                          // <stage>; stage: option
	argDate                           // <date>, one to three words ("next friday", "end of month"); close: option
	argUntil                          // snooze length (7d, 2w) or a date
	argText                           // free text to the end, kept as typed
	argUser                           // @user
	argUsers                          // @user @user ...
	argManager                        // @manager or none
	argTerritory                      // <territory>, any number of words; territory: option
	argName                           // "Imported Name", any number of words
	argChannel                        // <#channel> or none
	argPeriod                         // month|quarter|year|YYYY-MM|YYYY-Qn|YYYY
	argRole                           // admin|manager|rep
	argOnOff                          // on|off
	argWho                            // @user|all|team
	argTopic                          // help topic: a command and verb (read by parseHelp)
	argStageName                      // a new stage's name, any number of words
	argPercent                        // a win probability: 40%, 12.5%; probability: option
	argBest                           // "best <amount>": a best-case call after a commit
	argBoard                          // won|deals|attainment|activities: what /leaderboard ranks by
	argBoardPeriod                    // /leaderboard's period: argPeriod's forms plus week and YYYY-Www
	argActType                        // an activity type: one word
	argDays                           // a number of days: 21 or 21d
	argCount                          // an activity goal's count: a whole number
	argGoalType                       // an activity goal's type: calls, meetings, emails, activities
	argActPeriod                      // an activity goal's period: week|month|YYYY-Www|YYYY-MM

	// Kinds only options take.
	kindOwner    // owner:@user
	kindProduct  // product:<name>
	kindNote     // note:<text>, to the next option
	kindPage     // page:<n>
	kindNewName  // name:<new name> of a stage
	kindStale    // stale:<days>
	kindAfter    // after:<stage>|start
	kindForecast // forecast:<category>
	kindDue      // due:<date> of a next step
	kindPush     // push:<days> of a next step's due date
)

// optionSpan is how far an option's value runs.
type optionSpan uint8

const (
	spanOne    optionSpan = iota // one token (quote values with spaces)
	spanToNext                   // to the next option of the form or the end ("note:call re: pricing")
	spanDate                     // up to three words that read as a date ("close:next friday")
)

// valueKind is one row of the table.
type valueKind struct {
	what string // what a missing one is: "the amount"
	run  bool   // takes a run of words whose length is known only once the arguments around it are matched
	wide bool   // a positional value of one to three words ("next friday", an unquoted "Closed Won")
	span optionSpan

	// looks says whether a span is plausibly meant as this kind, so
	// optional arguments take only what is theirs; nil: anything.
	looks func(p Parser, span []token) bool
	// read sets the kind's field from positional words; nil: not read
	// positionally (help topics, free text).
	read func(p Parser, f *Form, a arg, span []token, c *Cmd) error
	// option sets the field from a key:value option's raw value; nil:
	// not an option.
	option func(p Parser, f *Form, key, raw string, c *Cmd) error
	// write renders the field for Cmd.String; "" when not given.
	write func(c Cmd) string
}

// kinds is the table, built in init because its readers report errors
// with the forms' usage, which reads the table back.
var kinds map[argKind]*valueKind

func init() { kinds = kindTable() }

// kindOf returns k's row; every kind has one (TestKindTable).
func kindOf(k argKind) *valueKind {
	if v := kinds[k]; v != nil {
		return v
	}
	return &valueKind{what: "a value"}
}

func quoteIf(s string) string {
	if s == "" {
		return ""
	}
	return quote(s)
}

func kindTable() map[argKind]*valueKind {
	deal := &valueKind{
		what: "the deal (its id like D-42, or its account name)",
		read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
			if t := span[0]; len(span) == 1 && isDealID(t) {
				id, _ := sales.ParseDealID(t.text)
				c.Deal = DealRef{ID: id}
				return nil
			}
			if err := notPerson(f, span, "deal"); err != nil {
				return err
			}
			name := joinText(span)
			if name == "" {
				return missing(f, a)
			}
			c.Deal = DealRef{Name: name}
			return checkLen("deal name", name, maxAccount)
		},
		write: func(c Cmd) string {
			if c.Deal.IsZero() {
				return ""
			}
			return c.Deal.String()
		},
	}
	dealRun := *deal
	dealRun.run = true
	return map[argKind]*valueKind{
		argDeal:    &dealRun,
		argDealOne: deal,
		argAccount: {
			what: "the account name", run: true,
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				if err := notPerson(f, span, "account name"); err != nil {
					return err
				}
				c.Account = joinText(span)
				if c.Account == "" {
					return missing(f, a)
				}
				return checkLen("account name", c.Account, maxAccount)
			},
			option: single(func(p Parser, f *Form, t token, c *Cmd) error {
				c.Account = normName(t.text)
				return nonEmpty("account", c.Account, maxAccount, f)
			}),
			write: func(c Cmd) string { return quoteIf(c.Account) },
		},
		argBest: {
			what: "the best case (best <amount>)",
			wide: true,
			looks: func(p Parser, span []token) bool {
				return len(span) == 2 && strings.EqualFold(span[0].text, "best") && looksLikeAmount(span[1])
			},
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				if len(span) != 2 || !strings.EqualFold(span[0].text, "best") {
					return sales.Errorf(sales.EINVALID, "write the best case as best <amount>, e.g. best 150k — usage: %s", f.Usage())
				}
				m, err := ParseAmount(span[1].text, p.Currency)
				if err != nil {
					return err
				}
				c.Best, c.HasBest = m, true
				return nil
			},
			write: func(c Cmd) string {
				if !c.HasBest {
					return ""
				}
				return "best " + c.Currency.Plain(c.Best)
			},
		},
		argAmount: {
			what:  "the amount",
			looks: func(p Parser, span []token) bool { return looksLikeAmount(span[0]) },
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				m, err := ParseAmount(span[0].text, p.Currency)
				if err != nil {
					if perr := p.periodForAmount(f, span[0]); perr != nil {
						return perr
					}
					return err
				}
				c.Amount, c.HasAmount = m, true
				return nil
			},
			option: single(func(p Parser, f *Form, t token, c *Cmd) error {
				m, err := ParseAmount(t.text, p.Currency)
				if err != nil {
					return err
				}
				c.Amount, c.HasAmount = m, true
				return nil
			}),
			write: func(c Cmd) string {
				if !c.HasAmount {
					return ""
				}
				return FormatAmount(c.Amount, c.Currency.Decimals)
			},
		},
		argStage: {
			what: "the stage", wide: true,
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				s, err := p.lookupStage(joinText(span))
				if err != nil {
					return err
				}
				c.Stage = s.Name
				return nil
			},
			option: single(func(p Parser, f *Form, t token, c *Cmd) error {
				s, err := p.lookupStage(t.text)
				if err != nil {
					return err
				}
				c.Stage = s.Name
				return nil
			}),
			write: func(c Cmd) string {
				if c.Stage == "" {
					return ""
				}
				return word(c.Stage)
			},
		},
		argDate: {
			what: "the date", wide: true, span: spanDate,
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				d, err := ParseDate(joinText(span), p.Now, p.Loc)
				if err != nil {
					return err
				}
				c.Close = d
				return nil
			},
			option: func(p Parser, f *Form, key, raw string, c *Cmd) error {
				d, err := ParseDate(freeText(raw), p.Now, p.Loc)
				if err != nil {
					return err
				}
				c.Close = d
				return nil
			},
			write: func(c Cmd) string {
				if c.Close.IsZero() {
					return ""
				}
				return FormatDate(c.Close)
			},
		},
		argUntil: {
			what: "the snooze length", wide: true,
			looks: func(p Parser, span []token) bool {
				t := span[0]
				return p.parses(argUntil, span) || len(span) == 1 && !t.quoted && t.text != "" && strings.ContainsRune("+0123456789", rune(t.text[0]))
			},
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				d, err := p.parseUntil(joinText(span))
				if err != nil {
					return err
				}
				c.Until = d
				return nil
			},
			write: func(c Cmd) string {
				if c.Until.IsZero() {
					return ""
				}
				return FormatDate(c.Until)
			},
		},
		argText: {what: "the text", write: func(c Cmd) string { return quoteIf(c.Text) }},
		argUser: {
			what:  "the person (@name)",
			looks: func(p Parser, span []token) bool { return looksLikeUser(span[0]) },
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				u, err := parseUser(span[0])
				if err != nil {
					return err
				}
				c.User = u
				if f.Verb == "" && (f.Command == "goal" || f.Command == "pipeline" || f.Command == "forecast") {
					c.Scope = ScopeUser
				}
				return nil
			},
			write: func(c Cmd) string { return c.User.String() },
		},
		argUsers: {
			what:  "the people (@name ...)",
			looks: func(p Parser, span []token) bool { return looksLikeUser(span[0]) },
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				for _, t := range span {
					u, err := parseUser(t)
					if err != nil {
						return err
					}
					if !slices.Contains(c.Users, u) {
						c.Users = append(c.Users, u)
					}
				}
				return nil
			},
			write: func(c Cmd) string {
				us := make([]string, len(c.Users))
				for i, u := range c.Users {
					us[i] = u.String()
				}
				return strings.Join(us, " ")
			},
		},
		argManager: {
			what: "the manager (@name or none)",
			looks: func(p Parser, span []token) bool {
				t := span[0]
				return looksLikeUser(t) || !t.quoted && strings.EqualFold(t.raw, "none")
			},
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				if t := span[0]; !t.quoted && strings.EqualFold(t.raw, "none") {
					c.NoManager = true
					return nil
				}
				u, err := parseUser(span[0])
				if err != nil {
					return err
				}
				c.Manager = u
				return nil
			},
			write: func(c Cmd) string {
				if c.NoManager {
					return "none"
				}
				return c.Manager.String()
			},
		},
		argTerritory: {
			what: "the territory name", run: true,
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				if err := notPerson(f, span, "territory name"); err != nil {
					return err
				}
				c.Territory = joinText(span)
				if c.Territory == "" {
					return missing(f, a)
				}
				return checkLen("territory name", c.Territory, maxName)
			},
			option: single(func(p Parser, f *Form, t token, c *Cmd) error {
				c.Territory = normName(t.text)
				return nonEmpty("territory", c.Territory, maxName, f)
			}),
			write: func(c Cmd) string { return quoteIf(c.Territory) },
		},
		argName: {
			what: "the imported name", run: true,
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				c.Text = joinText(span)
				if c.Text == "" {
					return missing(f, a)
				}
				return checkLen("name", c.Text, maxName)
			},
			write: func(c Cmd) string { return quoteIf(c.Text) },
		},
		argChannel: {
			what: "the channel",
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				ch, err := parseChannel(span[0])
				if err != nil {
					return err
				}
				c.Channel = ch
				return nil
			},
			write: func(c Cmd) string { return c.Channel.String() },
		},
		argPeriod: {
			what: "the period",
			looks: func(p Parser, span []token) bool {
				t := span[0]
				return p.parses(argPeriod, span) || !t.quoted && len(t.text) > 0 && t.text[0] >= '0' && t.text[0] <= '9'
			},
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				per, err := parsePeriod(span[0].text, p.Now, p.Loc)
				if err != nil {
					return err
				}
				c.Period = per
				return nil
			},
			write: writePeriod,
		},
		argBoardPeriod: {
			what: "the period",
			looks: func(p Parser, span []token) bool {
				t := span[0]
				_, err := sales.ParseActivityPeriod(t.text, p.Now, p.Loc)
				return !t.quoted && (err == nil || len(t.text) > 0 && t.text[0] >= '0' && t.text[0] <= '9')
			},
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				per, err := sales.ParseActivityPeriod(span[0].text, p.Now, p.Loc)
				if err != nil {
					return sales.Errorf(sales.EINVALID, "period '%s' is not valid: use %s, week or YYYY-Www — usage: %s", clip(span[0].text, 40), sales.PeriodForms, f.Usage())
				}
				c.Period = per
				return nil
			},
			write: writePeriod,
		},
		argBoard: {
			what: "the ranking (" + boardModeList() + ")",
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				t := span[0]
				m, ok := sales.ParseBoardMode(t.text)
				if !ok || t.quoted {
					return sales.Errorf(sales.EINVALID, "'%s' is neither a period (%s) nor a ranking (%s) — usage: %s", clip(t.text, 30), sales.PeriodForms, boardModeList(), f.Usage())
				}
				c.Board, c.HasBoard = m, true
				return nil
			},
			write: func(c Cmd) string {
				if !c.HasBoard {
					return ""
				}
				return c.Board.String()
			},
		},
		argRole: {
			what: "the role",
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				t := span[0]
				r, err := sales.ParseRole(t.text)
				if err != nil || t.quoted {
					return sales.Errorf(sales.EINVALID, "unknown role '%s': use admin, manager or rep — usage: %s", clip(t.text, 30), f.Usage())
				}
				c.Role = r
				return nil
			},
			write: func(c Cmd) string { return c.Role.String() },
		},
		argActType: {
			what: "the activity type",
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				c.Activity = strings.ToLower(span[0].text)
				return nil
			},
			write: func(c Cmd) string { return c.Activity },
		},
		argCount: {
			what: "the number of activities",
			looks: func(p Parser, span []token) bool {
				_, err := strconv.Atoi(span[0].text)
				return !span[0].quoted && err == nil
			},
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				n, err := sales.ParseActivityGoalTarget(span[0].text)
				if err != nil {
					return sales.Errorf(sales.EINVALID, "%s — usage: %s", sales.ErrorMessage(err), f.Usage())
				}
				c.Count = n
				return nil
			},
			write: func(c Cmd) string {
				if c.Count <= 0 {
					return ""
				}
				return strconv.Itoa(c.Count)
			},
		},
		argGoalType: {
			what: "the activity type (" + sales.ActivityGoalForms + ")",
			looks: func(p Parser, span []token) bool {
				_, err := strconv.Atoi(span[0].text)
				return !span[0].quoted && err != nil
			},
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				c.Activity = strings.ToLower(span[0].text)
				return nil
			},
			write: func(c Cmd) string { return c.Activity },
		},
		argActPeriod: {
			what: "the period (" + sales.ActivityPeriodForms + ")",
			looks: func(p Parser, span []token) bool {
				_, err := sales.ParseActivityPeriod(span[0].text, p.Now, p.Loc)
				return !span[0].quoted && err == nil
			},
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				per, err := parseActivityGoalPeriod(span[0].text, p.Now, p.Loc)
				if err != nil {
					return sales.Errorf(sales.EINVALID, "%s — usage: %s", sales.ErrorMessage(err), f.Usage())
				}
				c.Period, c.Recurs = per, isRecurringWord(span[0].text)
				return nil
			},
			write: func(c Cmd) string {
				switch {
				case c.Period.Kind == 0:
					return ""
				case c.Recurs:
					return c.Period.Kind.Noun()
				}
				return c.Period.Key()
			},
		},
		argDays: {
			what: "the number of days",
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				n, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(span[0].text), "d"))
				if err != nil || n < 1 || n > 365 {
					return sales.Errorf(sales.EINVALID, "'%s' is not a number of days from 1 to 365 — usage: %s", clip(span[0].text, 20), f.Usage())
				}
				c.Stale = n
				return nil
			},
			write: func(c Cmd) string {
				if c.Stale <= 0 {
					return ""
				}
				return strconv.Itoa(c.Stale)
			},
		},
		argOnOff: {
			what: "on or off",
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				switch t := span[0]; strings.ToLower(t.text) {
				case "on", "yes", "true", "enable", "enabled":
					c.On = true
				case "off", "no", "false", "disable", "disabled":
					c.On = false
				default:
					return sales.Errorf(sales.EINVALID, "'%s' is not on or off — usage: %s", clip(t.text, 30), f.Usage())
				}
				return nil
			},
			write: func(c Cmd) string {
				if c.On {
					return "on"
				}
				return "off"
			},
		},
		argWho: {
			what: "whose deals",
			looks: func(p Parser, span []token) bool {
				t := span[0]
				if looksLikeUser(t) {
					return true
				}
				_, ok := whoWords[strings.ToLower(t.raw)]
				return !t.quoted && ok
			},
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				t := span[0]
				if looksLikeUser(t) && !strings.EqualFold(t.raw, "me") {
					u, err := parseUser(t)
					if err != nil {
						return err
					}
					c.User, c.Scope = u, ScopeUser
					return nil
				}
				s, ok := whoWords[strings.ToLower(t.raw)]
				if !ok || t.quoted {
					return sales.Errorf(sales.EINVALID, "'%s' is not @someone, all or team — usage: %s", clip(t.text, 30), f.Usage())
				}
				c.Scope = s
				return nil
			},
			write: func(c Cmd) string {
				switch c.Scope {
				case ScopeUser:
					return c.User.String()
				case ScopeAll:
					return "all"
				case ScopeTeam:
					return "team"
				}
				return ""
			},
		},
		argTopic: {what: "the help topic", write: func(Cmd) string { return "" }},
		argStageName: {
			what: "the new stage's name", run: true,
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				name, err := p.newStageName(joinText(span), f)
				if err != nil {
					return err
				}
				c.Text = name
				return nil
			},
			write: func(c Cmd) string { return quoteIf(c.Text) },
		},
		argPercent: {
			what: "the win probability (like 40%)",
			looks: func(p Parser, span []token) bool {
				t := span[0]
				return !t.quoted && t.text != "" && strings.ContainsRune("0123456789.", rune(t.text[0]))
			},
			read: func(p Parser, f *Form, a arg, span []token, c *Cmd) error {
				return setPercent(span[0], c)
			},
			option: single(func(p Parser, f *Form, t token, c *Cmd) error { return setPercent(t, c) }),
			write: func(c Cmd) string {
				if !c.HasProbability {
					return ""
				}
				return FormatPercent(c.Probability)
			},
		},

		kindOwner: {
			what: "the owner",
			option: single(func(p Parser, f *Form, t token, c *Cmd) error {
				u, err := parseUser(t)
				if err != nil {
					return err
				}
				c.Owner = u
				return nil
			}),
			write: func(c Cmd) string { return c.Owner.String() },
		},
		kindProduct: {
			what: "the product",
			option: single(func(p Parser, f *Form, t token, c *Cmd) error {
				c.Product = normName(t.text)
				return nonEmpty("product", c.Product, maxName, f)
			}),
			write: func(c Cmd) string { return quoteIf(c.Product) },
		},
		kindForecast: {
			what: "the forecast category",
			option: single(func(p Parser, f *Form, t token, c *Cmd) error {
				cat, err := sales.ParseForecastCategory(t.text)
				if err != nil {
					return sales.Errorf(sales.EINVALID, "%s — usage: %s", sales.ErrorMessage(err), f.Usage())
				}
				c.Forecast, c.HasForecast = cat, true
				return nil
			}),
			write: func(c Cmd) string {
				if !c.HasForecast {
					return ""
				}
				if c.Forecast == sales.ForecastBestCase {
					return "best"
				}
				return c.Forecast.String()
			},
		},
		kindDue:  nextDueKind(),
		kindPush: nextPushKind(),
		kindNote: {
			what: "the note", span: spanToNext,
			option: func(p Parser, f *Form, key, raw string, c *Cmd) error {
				c.Note = freeText(raw)
				return checkLen("note", c.Note, maxText)
			},
			write: func(c Cmd) string { return quoteIf(c.Note) },
		},
		kindPage: {
			what: "the page",
			option: single(func(p Parser, f *Form, t token, c *Cmd) error {
				n, err := strconv.Atoi(t.text)
				if err != nil || n < 1 || n > maxPage {
					return sales.Errorf(sales.EINVALID, "page '%s' is not a page number: use page:2", clip(t.text, 20))
				}
				c.Page = n
				return nil
			}),
			write: func(c Cmd) string {
				if c.Page <= 0 {
					return ""
				}
				return strconv.Itoa(c.Page)
			},
		},
		kindNewName: {
			what: "the new name",
			option: single(func(p Parser, f *Form, t token, c *Cmd) error {
				name, err := p.newStageName(t.text, f)
				if err != nil {
					return err
				}
				c.NewName = name
				return nil
			}),
			write: func(c Cmd) string { return quoteIf(c.NewName) },
		},
		kindStale: {
			what: "the stale threshold",
			option: single(func(p Parser, f *Form, t token, c *Cmd) error {
				n, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(t.text), "d"))
				if err != nil || n < 1 || n > maxStaleDays {
					return sales.Errorf(sales.EINVALID, "stale '%s' is not a number of days from 1 to %d: e.g. stale:21", clip(t.text, 20), maxStaleDays)
				}
				c.Stale = n
				return nil
			}),
			write: func(c Cmd) string {
				if c.Stale <= 0 {
					return ""
				}
				return strconv.Itoa(c.Stale)
			},
		},
		kindAfter: {
			what: "the stage to follow",
			option: single(func(p Parser, f *Form, t token, c *Cmd) error {
				if !t.quoted && strings.EqualFold(t.text, "start") {
					c.After = "start"
					return nil
				}
				st, err := p.lookupStage(t.text)
				if err != nil {
					return err
				}
				c.After = st.Name
				return nil
			}),
			write: func(c Cmd) string {
				if c.After == "" {
					return ""
				}
				return word(c.After)
			},
		},
	}
}

func setPercent(t token, c *Cmd) error {
	bp, err := ParsePercent(t.text)
	if err != nil {
		return err
	}
	c.Probability, c.HasProbability = bp, true
	return nil
}

var whoWords = map[string]Scope{
	"all": ScopeAll, "everyone": ScopeAll, "company": ScopeAll, "team": ScopeTeam, "mine": ScopeSelf, "me": ScopeSelf,
}

func checkLen(what, s string, max int) error { return sales.CheckLength(what, s, max) }

func nonEmpty(what, s string, max int, f *Form) error {
	if s == "" {
		return sales.Errorf(sales.EINVALID, "the %s is empty — usage: %s", what, f.Usage())
	}
	return checkLen(what, s, max)
}

// lookupStage finds a stage by name with an error in this package's words.
func (p Parser) lookupStage(name string) (sales.Stage, error) {
	s, err := p.Stages.Lookup(name)
	if err == nil {
		return s, nil
	}
	hint := ""
	// Suggest only a near miss: "negotation" → Negotiation, but not "foo" → Won.
	best := min(4, max(2, utf8.RuneCountInString(name)/3+1))
	for _, st := range p.Stages.Stages {
		if d := sales.EditDistance(strings.ToLower(name), strings.ToLower(st.Name)); d < best {
			best, hint = d, " (did you mean "+st.Name+"?)"
		}
	}
	if strings.TrimSpace(name) == "" {
		return sales.Stage{}, sales.Errorf(sales.EINVALID, "the stage is missing: use one of %s", p.Stages.NameList())
	}
	return sales.Stage{}, sales.Errorf(sales.EINVALID, "unknown stage '%s'%s: use one of %s", clip(name, 40), hint, p.Stages.NameList())
}

// periodForAmount explains "/goal set @bob 2026-Q4 50k": the right words
// in the wrong order. nil when t is not a period of a form that takes one.
func (p Parser) periodForAmount(f *Form, t token) error {
	if t.quoted || !slices.ContainsFunc(f.args, func(a arg) bool { return a.kind == argPeriod }) {
		return nil
	}
	if _, err := parsePeriod(t.text, p.Now, p.Loc); err != nil {
		return nil
	}
	return sales.Errorf(sales.EINVALID, "'%s' is a period, not an amount: the amount comes first — usage: %s", clip(t.text, 30), f.Usage())
}

func joinText(span []token) string {
	parts := make([]string, len(span))
	for i, t := range span {
		parts[i] = t.text
	}
	return normName(strings.Join(parts, " "))
}

// notPerson rejects a mention inside a name, which is nearly always a
// misplaced owner or assignee.
func notPerson(f *Form, span []token, what string) error {
	if len(span) == 1 && span[0].quoted {
		return nil
	}
	for _, t := range span {
		if looksLikeUser(t) && !strings.EqualFold(t.raw, "me") {
			hint := "quote the name if the @ belongs in it"
			if slices.Contains(f.options, optOwner) {
				hint = "for someone else's deal add owner:" + t.text + ", or quote the name if the @ belongs in it"
			}
			return sales.Errorf(sales.EINVALID, "'%s' is a person, not part of the %s: %s — usage: %s", clip(t.text, 40), what, hint, f.Usage())
		}
	}
	return nil
}

func missing(f *Form, a arg) error {
	verb := "is"
	if a.kind == argUsers {
		verb = "are"
	}
	return sales.Errorf(sales.EINVALID, "%s %s missing — usage: %s", kindOf(a.kind).what, verb, f.Usage())
}

// isRecurringWord reports whether an activity goal's period word means
// every such period from now on ("week", "month") rather than one.
func isRecurringWord(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "week", "weekly", "month", "monthly":
		return true
	}
	return false
}

// parseActivityGoalPeriod reads week|month (this one, recurring) or one
// named week or month; quarters and years are refused, as goals of
// activities are counted by the week or month.
func parseActivityGoalPeriod(s string, now time.Time, loc *time.Location) (sales.Period, error) {
	w := strings.ToLower(strings.TrimSpace(s))
	switch w {
	case "weekly":
		w = "week"
	case "monthly":
		w = "month"
	}
	p, err := sales.ParseActivityPeriod(w, now, loc)
	if err != nil {
		return sales.Period{}, err
	}
	if p.Kind != sales.Week && p.Kind != sales.Month {
		return sales.Period{}, sales.Errorf(sales.EINVALID, "an activity goal is per week or month, not %s: use %s", p.Label(), sales.ActivityPeriodForms)
	}
	return p, nil
}

// writePeriod writes a period argument back as its key ("" when none).
func writePeriod(c Cmd) string {
	if c.Period.Kind == 0 {
		return ""
	}
	return c.Period.Key()
}
