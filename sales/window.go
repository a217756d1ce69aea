package sales

import (
	"math"
	"strings"
	"time"
)

// WindowOfDates is the window of whole days from..to, both included.
// Contract: "A window --from D --to D includes both days."
func WindowOfDates(from, to Date, loc *time.Location) Window {
	var w Window
	if !from.IsZero() {
		w.From = from.Start(loc).Unix()
	}
	if !to.IsZero() {
		w.To = to.End(loc).Unix()
	}
	return w
}

// ParseWindow reads --from and --to ("" = unbounded). Each is a civil date
// YYYY-MM-DD (whole days, both included) or an RFC 3339 instant; an
// instant --to is inclusive at that instant, whatever its time of day.
func ParseWindow(from, to string, loc *time.Location) (Window, error) {
	var w Window
	if s := strings.TrimSpace(from); s != "" {
		t, date, err := parseBound("--from", s)
		if err != nil {
			return Window{}, err
		}
		if !date.IsZero() {
			t = date.Start(loc)
		}
		w.From = t.Unix()
	}
	if s := strings.TrimSpace(to); s != "" {
		t, date, err := parseBound("--to", s)
		if err != nil {
			return Window{}, err
		}
		if !date.IsZero() {
			w.To = date.End(loc).Unix()
		} else {
			// Window ends are exclusive whole seconds: the second after t.
			w.To = t.Unix() + 1
		}
	}
	if w.From != 0 && w.To != 0 && w.To <= w.From {
		return Window{}, Errorf(EINVALID, "--to %s is before --from %s", strings.TrimSpace(to), strings.TrimSpace(from))
	}
	return w, nil
}

func parseBound(flag, s string) (time.Time, Date, error) {
	if d, err := ParseDate(s); err == nil {
		return time.Time{}, d, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, Date{}, nil
	}
	return time.Time{}, Date{}, Errorf(EINVALID, "%s %q is not a date: use %s or RFC 3339 (2026-11-30T17:00:00Z)", flag, s, DateForms)
}

// ContainsDate reports whether civil date d falls in w: a day is in the
// window when it starts inside it.
func (w Window) ContainsDate(d Date, loc *time.Location) bool {
	return !d.IsZero() && w.ClosedIn(d.Start(loc).Unix())
}

// DayRange is the civil days w contains (ContainsDate), as unix days
// [lo, hi), so a scan over many deals compares integers. An open end is
// math.MinInt64 or math.MaxInt64.
func (w Window) DayRange(loc *time.Location) (lo, hi int64) {
	lo, hi = math.MinInt64, math.MaxInt64
	if w.From != 0 {
		lo = firstDayFrom(w.From, loc)
	}
	if w.To != 0 {
		hi = firstDayFrom(w.To, loc)
	}
	return lo, hi
}

// firstDayFrom is the first civil day whose start in loc is at or after t.
func firstDayFrom(t int64, loc *time.Location) int64 {
	d := DateIn(time.Unix(t, 0), loc)
	if d.Start(loc).Unix() < t {
		d = d.AddDays(1)
	}
	return d.UnixDays()
}

// Moment is the instant whose state "open deals of a window" describes.
// Contract: "deals open at the window's end ... (for a window that ends now
// or later: open now)."
func (w Window) Moment(now time.Time) time.Time {
	if w.To == 0 || w.To > now.Unix() {
		return now
	}
	return time.Unix(w.To, 0)
}

// Past reports whether w ended before now, so views say "as of" its end.
func (w Window) Past(now time.Time) bool { return w.To != 0 && w.To <= now.Unix() }
