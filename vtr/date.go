package vtr

import (
	"fmt"
	"time"
)

// Date is a civil calendar date with no zone: a window end, a ship date, a
// promised delivery date. Amazon's windows are whole calendar dates, so dates
// are never converted between zones (docs/rules.md "Window date").
// The zero Date means "unknown".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date part of t, read in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD, or the date part of a longer timestamp that
// starts with it ("2019-10-15T17:40:00+00:00", "2019-10-15 17:40:00").
func ParseDate(s string) (Date, error) {
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ' || s[10] == 't') {
		s = s[:10]
	}
	if len(s) != 10 {
		return Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	return DateOf(t), nil
}

// MustDate is ParseDate for constant inputs; it panics on a bad date.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is unknown.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD ("" when zero).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Time returns midnight of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// End returns the last second of d in loc, 23:59:59: when a latest ship
// date or promised delivery date of a marketplace ends (docs/rules.md
// "Dates are the marketplace's"). Built from the clock time, not from the
// next midnight, which a daylight-saving change may skip.
func (d Date) End(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, loc)
}

// DateIn returns the civil date of instant t in loc: the day a confirmation
// or delivery happened in a marketplace's zone.
func DateIn(t time.Time, loc *time.Location) Date { return DateOf(t.In(loc)) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.Time(time.UTC).AddDate(0, 0, n)) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

// DaysUntil returns the number of days from d to e (negative when e is before d).
// Seconds since 1970, not time.Duration: a Duration saturates after 292
// years, and a hostile window spans thousands.
func (d Date) DaysUntil(e Date) int {
	return int((e.Time(time.UTC).Unix() - d.Time(time.UTC).Unix()) / 86400)
}

// MarshalText formats d as YYYY-MM-DD; the zero Date marshals as "".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Window is a range of whole calendar dates, both ends included.
type Window struct {
	From Date `json:"from"`
	To   Date `json:"to"`
}

// LastDays returns the n days ending at asOf (both included).
func LastDays(asOf Date, n int) Window {
	if n < 1 {
		n = 1
	}
	return Window{From: asOf.AddDays(-(n - 1)), To: asOf}
}

// Contains reports whether d lies inside w, both ends included.
func (w Window) Contains(d Date) bool {
	return !d.IsZero() && !d.Before(w.From) && !d.After(w.To)
}

// MaxWindowDays is the longest window a user may ask for (two years): a
// window costs memory per day (history keeps a point per day), so an
// unbounded one such as 0001-01-01..9999-12-31 is a way to exhaust the
// bot's memory from chat (docs/rules.md "Windows").
const MaxWindowDays = 730

// Validate checks that both ends are set, in order, and at most
// MaxWindowDays apart.
func (w Window) Validate() error {
	if w.From.IsZero() || w.To.IsZero() {
		return Errorf(EINVALID, "a window needs both --from and --to")
	}
	if w.To.Before(w.From) {
		return Errorf(EINVALID, "window ends (%s) before it starts (%s)", w.To, w.From)
	}
	if n := w.Days(); n > MaxWindowDays {
		return Errorf(EINVALID, "window %s is %d days long; at most %d days (ask for several shorter windows)", w, n, MaxWindowDays)
	}
	return nil
}

// Days returns the number of days in w.
func (w Window) Days() int { return w.From.DaysUntil(w.To) + 1 }

func (w Window) String() string { return w.From.String() + ".." + w.To.String() }
