package notice

import (
	"regexp"
	"strings"
	"time"
)

var (
	timeRe = regexp.MustCompile(`\b(\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?(a\.?m\.?|p\.?m\.?)(?:[^a-z]|$))?`)
	zoneRe = regexp.MustCompile(`^ ?\(?(?:([+-])(\d{2}):?(\d{2})|(utc|gmt|ut|est|edt|cst|cdt|mst|mdt|pst|pdt|akst|akdt|hst|bst|cet|cest|met|mez|mesz|jst|ist|aest|aedt|z))\b`)
)

var zoneOffsets = map[string]int{
	"utc": 0, "gmt": 0, "ut": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
	"pst": -8, "pdt": -7, "akst": -9, "akdt": -8, "hst": -10, "bst": 1, "cet": 1, "cest": 2, "met": 1,
	"mez": 1, "mesz": 2, "jst": 9, "ist": 5, "aest": 10, "aedt": 11,
}

// clock is a time of day read from text.
type clock struct {
	h, m, s int
	loc     *time.Location // nil: not written
	ok      bool
}

// findClock reads the first time of day in low ("3:58 pm", "15:58",
// "7:45:00 AM PDT").
func findClock(low string) clock {
	m := timeRe.FindStringSubmatchIndex(low)
	if m == nil {
		return clock{}
	}
	c := clock{h: atoi(low[m[2]:m[3]]), m: atoi(low[m[4]:m[5]]), ok: true}
	if m[6] >= 0 {
		c.s = atoi(low[m[6]:m[7]])
	}
	end := m[5]
	if m[6] >= 0 {
		end = m[7]
	}
	if m[8] >= 0 {
		ap := low[m[8]]
		if c.h == 12 {
			c.h = 0
		}
		if ap == 'p' {
			c.h += 12
		}
		end = m[9]
	}
	if c.h > 23 || c.m > 59 || c.s > 60 {
		return clock{}
	}
	if z := zoneRe.FindStringSubmatch(low[end:]); z != nil {
		if z[1] != "" {
			off := (atoi(z[2])*60 + atoi(z[3])) * 60
			if z[1] == "-" {
				off = -off
			}
			c.loc = time.FixedZone("", off)
		} else {
			c.loc = time.FixedZone(strings.ToUpper(z[4]), zoneOffsets[z[4]]*3600)
		}
	}
	return c
}

// looseDateTime reads a date and time written the way mail clients write
// them in forwarded headers ("Mon, Apr 1, 2024 at 7:45 AM", "April 1, 2024
// at 7:45:00 AM PDT", "Mo., 1. Apr. 2024 um 07:45"). A time without zone
// is read in loc.
func looseDateTime(s string, loc *time.Location, monthFirst bool) (time.Time, bool) {
	low := lowerSameLen(collapse(s))
	hits := findDates(low, monthFirst)
	if len(hits) == 0 || hits[0].date.Year == 0 {
		return time.Time{}, false
	}
	d := hits[0].date
	c := findClock(low[hits[0].end:])
	if !c.ok {
		c = findClock(low)
	}
	if c.loc != nil {
		loc = c.loc
	}
	return time.Date(d.Year, d.Month, d.Day, c.h, c.m, c.s, 0, loc), true
}
