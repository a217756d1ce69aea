package commands

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/salesbot/salesbot/sales"
)

// ---- amounts ----

// maxMinor bounds amounts (10^15 minor units: ten trillion dollars) so
// sums over a million deals never overflow int64.
const maxMinor = 1_000_000_000_000_000

// amountForms is shown when an amount cannot be read at all.
const amountForms = "12000, 12,000, $12,000, 12k, 12.5k or 1.2m"

// symbols a user may put before (or after) an amount, with the currency
// codes each one can mean.
var symbols = []struct {
	sym   string
	codes string
}{
	{"US$", "USD"}, {"CA$", "CAD"}, {"A$", "AUD"}, {"NZ$", "NZD"}, {"S$", "SGD"}, {"MX$", "MXN"}, {"R$", "BRL"},
	{"CN¥", "CNY"}, {"$", "USD CAD AUD NZD SGD MXN BRL"}, {"€", "EUR"}, {"£", "GBP"}, {"¥", "JPY CNY"},
	{"₹", "INR"}, {"₩", "KRW"},
}

// looksLikeAmount says whether an unquoted token is meant as an amount
// (even a malformed one), so "12,5k" gets an amount error rather than
// being read as part of a name.
func looksLikeAmount(t token) bool {
	if t.quoted || t.ref != nil || t.text == "" {
		return false
	}
	s := t.text
	for _, sy := range symbols {
		if strings.HasPrefix(s, sy.sym) {
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(s)
	if r == '-' || r == '+' || r == '.' {
		if len(s) < 2 {
			return false
		}
		r, _ = utf8.DecodeRuneInString(s[1:])
	}
	return r >= '0' && r <= '9'
}

// ParseAmount reads an amount in cur: 12000, 12,000, $12,000, 12k,
// 12.5k, 1.2m (also €/£ and the currency's own symbol or code). The result
// is exact integer minor units; no float is involved.
func ParseAmount(in string, cur sales.Currency) (sales.Money, error) {
	s := strings.TrimSpace(in)
	q := clip(in, 40)
	// Currency symbol or code, before or after the number.
	for _, sy := range symbols {
		var ok bool
		if rest, found := strings.CutPrefix(s, sy.sym); found {
			s, ok = rest, true
		} else if rest, found := strings.CutSuffix(s, sy.sym); found {
			s, ok = rest, true
		}
		if ok {
			if !strings.Contains(sy.codes, cur.Code) || cur.Code == "" {
				return 0, sales.Errorf(sales.EINVALID, "amount '%s' is in %s but deals here are in %s: write it without the symbol, e.g. %s",
					q, sy.sym, cur.Code, strings.TrimSpace(s))
			}
			break
		}
	}
	if cur.Code != "" && len(s) > 3 && strings.EqualFold(s[:3], cur.Code) {
		s = s[3:]
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") {
		return 0, sales.Errorf(sales.EINVALID, "amount '%s' is negative: amounts are positive, e.g. %s", q, strings.TrimPrefix(s, "-"))
	}
	s = strings.TrimPrefix(s, "+")
	exp := 0
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			exp, s = 3, s[:n-1]
		case 'm', 'M':
			exp, s = 6, s[:n-1]
		case 'b', 'B':
			exp, s = 9, s[:n-1]
		}
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if strings.Contains(intPart, ",") {
		if !groupedThousands(intPart) {
			return 0, notANumber(q, s, exp, cur)
		}
		intPart = strings.ReplaceAll(intPart, ",", "")
	}
	if (intPart == "" && frac == "") || !allDigits(intPart) || !allDigits(frac) || (hasDot && frac == "" && intPart == "") {
		return 0, notANumber(q, s, exp, cur)
	}
	if exp == 0 && len(frac) > cur.Decimals {
		// 12.000 is as likely twelve thousand written the European way as
		// twelve: ask rather than guess.
		if len(frac) == 3 {
			return 0, sales.Errorf(sales.EINVALID, "amount '%s' has 3 decimals but %s has %d: write %s or %s",
				q, codeOr(cur), cur.Decimals, strings.TrimLeft(intPart+frac, "0"), roundHint(intPart, frac, cur.Decimals))
		}
		return 0, sales.Errorf(sales.EINVALID, "amount '%s' has %d decimals but %s has %d: write %s",
			q, len(frac), codeOr(cur), cur.Decimals, roundHint(intPart, frac, cur.Decimals))
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	scale := cur.Decimals + exp - len(frac)
	if scale < 0 {
		// With a k/m suffix, extra digits are fine only when they are zeros.
		cut := len(digits) + scale
		if cut < 0 {
			cut = 0
		}
		if strings.Trim(digits[cut:], "0") != "" {
			return 0, sales.Errorf(sales.EINVALID, "amount '%s' is more precise than a %s minor unit: round it", q, codeOr(cur))
		}
		digits = digits[:cut]
		scale = 0
	}
	if digits == "" {
		return 0, nil
	}
	if len(digits)+scale > 16 {
		return 0, tooLarge(q, cur)
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, tooLarge(q, cur)
	}
	for i := 0; i < scale; i++ {
		v *= 10
	}
	if v > maxMinor {
		return 0, tooLarge(q, cur)
	}
	return sales.Money(v), nil
}

func codeOr(c sales.Currency) string {
	if c.Code == "" {
		return "the currency"
	}
	return c.Code
}

func tooLarge(q string, cur sales.Currency) error {
	return sales.Errorf(sales.EINVALID, "amount '%s' is too large: the most a deal can hold is %s", q, cur.Format(maxMinor))
}

func roundHint(intPart, frac string, dec int) string {
	if intPart == "" {
		intPart = "0"
	}
	if dec == 0 {
		return intPart
	}
	return intPart + "." + (frac + strings.Repeat("0", dec))[:dec]
}

// notANumber builds the error for a malformed number, guessing what was
// meant: a decimal comma (12,5k) suggests 12.5k and its plain value.
func notANumber(q, s string, exp int, cur sales.Currency) error {
	suffix := map[int]string{0: "", 3: "k", 6: "m", 9: "b"}[exp]
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		alt := strings.Replace(s, ",", ".", 1)
		if v, err := ParseAmount(alt+suffix, cur); err == nil {
			plain := cur.Plain(v)
			if cur.Decimals > 0 {
				plain = strings.TrimSuffix(strings.TrimRight(plain, "0"), ".")
			}
			if alt+suffix == plain {
				return sales.Errorf(sales.EINVALID, "amount '%s' is not a number: try %s", q, plain)
			}
			return sales.Errorf(sales.EINVALID, "amount '%s' is not a number: try %s or %s", q, alt+suffix, plain)
		}
	}
	return sales.Errorf(sales.EINVALID, "amount '%s' is not a number: try %s", q, amountForms)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// groupedThousands accepts 12,000 and 1,234,567 but not 12,5 or 1,23.
func groupedThousands(s string) bool {
	parts := strings.Split(s, ",")
	if len(parts[0]) == 0 || len(parts[0]) > 3 || !allDigits(parts[0]) {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 || !allDigits(p) {
			return false
		}
	}
	return true
}

// FormatAmount renders m in major units as ParseAmount reads it back
// exactly: 12000, 12000.5, 0.05.
func FormatAmount(m sales.Money, decimals int) string {
	unit := int64(1)
	for i := 0; i < decimals; i++ {
		unit *= 10
	}
	v := int64(m)
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v/unit, 10)
	if f := v % unit; f != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%0*d", decimals, f), "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ---- dates ----

// DateForms is the help text for dates.
const DateForms = "YYYY-MM-DD, today, tomorrow, monday…sunday, next friday, +3d, +2w, +1m, eom (end of month) or eoq (end of quarter)"

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday,
	"monday": time.Monday, "mon": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday,
	"wednesday": time.Wednesday, "wed": time.Wednesday,
	"thursday": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday,
	"friday": time.Friday, "fri": time.Friday,
	"saturday": time.Saturday, "sat": time.Saturday,
}

// civil is the calendar date of t in loc, as UTC midnight (how deals keep
// dates).
func civil(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func addMonths(d time.Time, n int) time.Time {
	first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	day := d.Day()
	if day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

// ParseDate reads a calendar date relative to now in loc: YYYY-MM-DD,
// today, tomorrow, a weekday (the next one, today included), "next
// friday" (a week after "friday"), +3d, +2w, +1m, +1y, eow, eom, eoq, eoy
// ("end of month" too). The result is the date at UTC midnight.
func ParseDate(in string, now time.Time, loc *time.Location) (time.Time, error) {
	s := strings.ToLower(normName(in))
	today := civil(now, loc)
	bad := sales.Errorf(sales.EINVALID, "date '%s' is not valid: use %s", clip(in, 40), DateForms)
	switch s {
	case "today", "now":
		return today, nil
	case "tomorrow", "tmrw", "tmr":
		return today.AddDate(0, 0, 1), nil
	case "eow", "end of week", "end of the week":
		return nextWeekday(today, time.Friday), nil
	case "eom", "end of month", "end of the month":
		return addMonths(time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC), 1).AddDate(0, 0, -1), nil
	case "eoq", "end of quarter", "end of the quarter":
		qStart := time.Date(today.Year(), time.Month(3*((int(today.Month())-1)/3)+1), 1, 0, 0, 0, 0, time.UTC)
		return qStart.AddDate(0, 3, -1), nil
	case "eoy", "end of year", "end of the year":
		return time.Date(today.Year(), 12, 31, 0, 0, 0, 0, time.UTC), nil
	}
	if wd, ok := weekdays[s]; ok {
		return nextWeekday(today, wd), nil
	}
	if rest, ok := strings.CutPrefix(s, "next "); ok {
		if wd, ok := weekdays[rest]; ok {
			return nextWeekday(today, wd).AddDate(0, 0, 7), nil
		}
		switch rest {
		case "week":
			return nextWeekday(today.AddDate(0, 0, 1), time.Monday), nil
		case "month":
			return addMonths(time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC), 1), nil
		}
		return time.Time{}, bad
	}
	if d, ok, err := parseOffset(s, today, in); ok || err != nil {
		return d, err
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		d, err := time.Parse("2006-01-02", s)
		if err != nil || !sales.ValidDate(d) {
			return time.Time{}, sales.Errorf(sales.EINVALID, "date '%s' is not a real date: use YYYY-MM-DD, e.g. %s", clip(in, 40), today.Format("2006-01-02"))
		}
		return d, nil
	}
	return time.Time{}, bad
}

// parseOffset reads +3d, 2w, +1m, +1y. ok is false when s is not shaped
// like an offset.
func parseOffset(s string, from time.Time, in string) (time.Time, bool, error) {
	s = strings.TrimPrefix(s, "+")
	s = strings.TrimPrefix(s, "in ")
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 2 {
		return time.Time{}, false, nil
	}
	unitStart := len(s)
	for unitStart > 0 && !unicode.IsDigit(rune(s[unitStart-1])) {
		unitStart--
	}
	num, unit := s[:unitStart], s[unitStart:]
	if num == "" || !allDigits(num) {
		return time.Time{}, false, nil
	}
	n, err := strconv.Atoi(num)
	tooFar := sales.Errorf(sales.EINVALID, "date '%s' is too far away: keep it within 10 years", clip(in, 40))
	if err != nil || len(num) > 5 {
		return time.Time{}, true, tooFar
	}
	var d time.Time
	switch unit {
	case "d", "day", "days":
		d = from.AddDate(0, 0, n)
	case "w", "wk", "wks", "week", "weeks":
		d = from.AddDate(0, 0, 7*n)
	case "m", "mo", "mon", "month", "months":
		d = addMonths(from, n)
	case "y", "yr", "year", "years":
		d = addMonths(from, 12*n)
	default:
		return time.Time{}, false, nil
	}
	if d.Sub(from) > 3660*24*time.Hour {
		return time.Time{}, true, tooFar
	}
	return d, true, nil
}

func nextWeekday(from time.Time, wd time.Weekday) time.Time {
	return from.AddDate(0, 0, (int(wd)-int(from.Weekday())+7)%7)
}

// FormatDate is the canonical form of a date: 2026-12-31.
func FormatDate(d time.Time) string { return d.Format("2006-01-02") }

// ---- periods ----

// parsePeriod wraps sales.ParsePeriod with this package's quoting.
func parsePeriod(s string, now time.Time, loc *time.Location) (sales.Period, error) {
	p, err := sales.ParsePeriod(s, now, loc)
	if err != nil {
		return sales.Period{}, sales.Errorf(sales.EINVALID, "period '%s' is not valid: use %s", clip(s, 40), sales.PeriodForms)
	}
	return p, nil
}

// ---- people and channels ----

// UserRef names a person in a command: a Slack mention (<@U123|alice> or
// <@U123>), a plain @name to be found by name, or "me".
type UserRef struct {
	ID   string // Slack user id, "" for a plain @name
	Name string // the mention's label or the plain name
	Me   bool
}

// IsZero reports whether no user was given.
func (u UserRef) IsZero() bool { return u == UserRef{} }

func (u UserRef) String() string {
	switch {
	case u.Me:
		return "me"
	case u.ID != "" && u.Name != "":
		return "<@" + u.ID + "|" + u.Name + ">"
	case u.ID != "":
		return "<@" + u.ID + ">"
	case u.Name == "":
		return ""
	}
	return "@" + word(u.Name)
}

// Label is how to call the user in a reply.
func (u UserRef) Label() string {
	switch {
	case u.Me:
		return "you"
	case u.Name != "":
		return "@" + u.Name
	}
	return "<@" + u.ID + ">"
}

// looksLikeUser says whether a token is meant as a person.
func looksLikeUser(t token) bool {
	if t.ref != nil {
		return t.ref.kind == '@'
	}
	if t.quoted {
		return false
	}
	return strings.HasPrefix(t.raw, "@") || strings.EqualFold(t.raw, "me")
}

func parseUser(t token) (UserRef, error) {
	if t.ref != nil && t.ref.kind == '@' {
		id := t.ref.id
		if id == "" || strings.IndexFunc(id, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') }) >= 0 {
			return UserRef{}, sales.Errorf(sales.EINVALID, "'%s' is not a Slack user: mention someone with @", clip(t.raw, 40))
		}
		return UserRef{ID: id, Name: normName(t.ref.label)}, nil
	}
	if !t.quoted && strings.EqualFold(t.raw, "me") {
		return UserRef{Me: true}, nil
	}
	if !t.quoted && strings.HasPrefix(t.raw, "@") {
		name := normName(strings.TrimSuffix(strings.TrimPrefix(t.text, "@"), ","))
		// A handle is one plain word: "@a,b" or "@x:y" names nobody, and
		// could not be written back as the same command.
		if name == "" || strings.ContainsAny(name, "@") || strings.IndexFunc(name, quotable) >= 0 {
			return UserRef{}, sales.Errorf(sales.EINVALID, "'%s' is not a person: mention someone with @, e.g. @alice", clip(t.raw, 40))
		}
		return UserRef{Name: name}, nil
	}
	return UserRef{}, sales.Errorf(sales.EINVALID, "'%s' is not a person: mention someone with @, e.g. @alice", clip(t.text, 40))
}

// ChannelRef names a Slack channel: <#C123|sales>, a bare id, or none.
type ChannelRef struct {
	ID   string
	Name string
	None bool // "none" or "off": remove the route
}

// IsZero reports whether no channel was given.
func (c ChannelRef) IsZero() bool { return c == ChannelRef{} }

func (c ChannelRef) String() string {
	switch {
	case c.None:
		return "none"
	case c.ID != "" && c.Name != "":
		return "<#" + c.ID + "|" + c.Name + ">"
	case c.ID != "":
		return "<#" + c.ID + ">"
	case c.Name != "":
		return "#" + c.Name
	}
	return ""
}

// Label is how to show the channel in a reply.
func (c ChannelRef) Label() string {
	if c.None {
		return "none"
	}
	if c.Name != "" {
		return "#" + c.Name
	}
	return "<#" + c.ID + ">"
}

func isChannelID(s string) bool {
	if len(s) < 9 || len(s) > 20 || !strings.ContainsRune("CGD", rune(s[0])) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !(s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}

func isLinkedChannelID(s string) bool {
	if len(s) < 2 || len(s) > 40 || !strings.ContainsRune("CGD", rune(s[0])) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !(s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}

// isChannelName accepts Slack's channel name characters.
func isChannelName(s string) bool {
	if s == "" || len(s) > 80 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r >= 0x80 && unicode.IsLetter(r)) {
			return false
		}
	}
	return true
}

// Target is what to store as the destination: the id, else "#name".
func (c ChannelRef) Target() string {
	if c.ID != "" {
		return c.ID
	}
	if c.Name != "" {
		return "#" + c.Name
	}
	return ""
}

func parseChannel(t token) (ChannelRef, error) {
	// A channel Slack linked is trusted whatever its id's length (the
	// demo's and Enterprise Grid's are shorter or longer than the usual 11).
	if t.ref != nil && t.ref.kind == '#' && isLinkedChannelID(t.ref.id) {
		return ChannelRef{ID: t.ref.id, Name: normName(t.ref.label)}, nil
	}
	if !t.quoted && t.ref == nil {
		switch strings.ToLower(t.raw) {
		case "none", "off", "default":
			return ChannelRef{None: true}, nil
		}
		if isChannelID(t.raw) {
			return ChannelRef{ID: t.raw}, nil
		}
		// "#sales" typed where Slack did not link it: chat.postMessage
		// takes channel names too.
		if name, ok := strings.CutPrefix(t.raw, "#"); ok && isChannelName(name) {
			return ChannelRef{Name: name}, nil
		}
	}
	return ChannelRef{}, sales.Errorf(sales.EINVALID,
		"'%s' is not a channel Slack linked: type # and pick the channel from the list (or write none)", clip(t.text, 40))
}

// DealRef names a deal: its id, or an account name to look up.
type DealRef struct {
	ID   sales.DealID
	Name string
}

// IsZero reports whether no deal was given.
func (r DealRef) IsZero() bool { return r == DealRef{} }

func (r DealRef) String() string {
	if r.ID != 0 {
		return r.ID.String()
	}
	return quote(r.Name)
}

// ParsePercent reads a win probability, "40%", "40" or "12.5%", as basis
// points (4000, 1250): 0% to 100%, at most two decimals.
func ParsePercent(s string) (int, error) {
	t := strings.TrimSpace(s)
	num := strings.TrimSpace(strings.TrimSuffix(t, "%"))
	bad := func() (int, error) {
		return 0, sales.Errorf(sales.EINVALID, "probability '%s' is not a percentage from 0%% to 100%%: e.g. 40%% or 12.5%%", clip(t, 20))
	}
	whole, frac, hasFrac := strings.Cut(num, ".")
	if whole == "" && !hasFrac || len(frac) > 2 || hasFrac && frac == "" {
		return bad()
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return bad()
		}
	}
	if len(whole) > 3 {
		return bad()
	}
	w, _ := strconv.Atoi("0" + whole)
	f, _ := strconv.Atoi((frac + "00")[:2])
	bp := w*100 + f
	if bp > 10000 {
		return bad()
	}
	return bp, nil
}

// FormatPercent writes basis points as ParsePercent reads them: "40%",
// "12.5%", "12.34%".
func FormatPercent(bp int) string {
	s := strconv.Itoa(bp/100) + "." + fmt.Sprintf("%02d", bp%100)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// maxStaleDays bounds a stage's stale threshold (a year).
const maxStaleDays = 365

// maxStageName keeps stage names short enough for buttons and menus.
const maxStageName = 30

// newStageName checks a name for a new or renamed stage: short, and not
// a word the commands already give a meaning.
func (p Parser) newStageName(name string, f *Form) (string, error) {
	name = normName(name)
	switch {
	case name == "":
		return "", sales.Errorf(sales.EINVALID, "the stage name is empty — usage: %s", f.Usage())
	case utf8.RuneCountInString(name) > maxStageName:
		return "", sales.Errorf(sales.EINVALID, "the stage name is too long (%d characters): keep it to %d", utf8.RuneCountInString(name), maxStageName)
	case strings.EqualFold(name, "start") || strings.EqualFold(name, "none") || isDealID(token{text: name}):
		return "", sales.Errorf(sales.EINVALID, "'%s' cannot be a stage name: the commands read it as something else", clip(name, 30))
	case strings.ContainsAny(name, ":\n"):
		return "", sales.Errorf(sales.EINVALID, "a stage name cannot contain a colon or a line break: '%s'", clip(name, 30))
	}
	if _, err := ParsePercent(name); err == nil {
		return "", sales.Errorf(sales.EINVALID, "'%s' reads as a probability, not a stage name — usage: %s", clip(name, 30), f.Usage())
	}
	return name, nil
}

// parseUntil reads a snooze length (7d, 2w, 1m) or a date; it must be in
// the future.
func (p Parser) parseUntil(s string) (time.Time, error) {
	today := civil(p.Now, p.Loc)
	d, ok, err := parseOffset(strings.ToLower(s), today, s)
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		d, err = ParseDate(s, p.Now, p.Loc)
		if err != nil {
			return time.Time{}, sales.Errorf(sales.EINVALID, "snooze '%s' is not a length or a date: use 7d, 2w, 1m or a date like %s",
				clip(s, 30), today.AddDate(0, 0, 7).Format("2006-01-02"))
		}
	}
	if !d.After(today) {
		return time.Time{}, sales.Errorf(sales.EINVALID, "snooze until %s is not in the future: use 7d, 2w or a later date", FormatDate(d))
	}
	return d, nil
}
