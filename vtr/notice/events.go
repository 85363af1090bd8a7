package notice

import (
	"slices"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
)

// Carrier status phrases (docs/notices.md "events"), lower case, most specific
// first: "out for delivery" before "delivered", label phrases before all.
var statusPhrases = []struct {
	phrase string
	status vtr.EventStatus
}{
	{"label created", vtr.EventLabelCreated},
	{"shipping label created", vtr.EventLabelCreated},
	{"shipment information sent", vtr.EventLabelCreated},
	{"pre-shipment", vtr.EventLabelCreated},
	{"preshipment", vtr.EventLabelCreated},
	{"order processed: ready for", vtr.EventLabelCreated},
	{"out for delivery", vtr.EventOutForDelivery},
	{"on fedex vehicle for delivery", vtr.EventOutForDelivery},
	{"delivered", vtr.EventDelivered},
	{"accepted", vtr.EventInTransit},
	{"picked up", vtr.EventInTransit},
	{"arrived", vtr.EventInTransit},
	{"departed", vtr.EventInTransit},
	{"in transit", vtr.EventInTransit},
	{"at local facility", vtr.EventInTransit},
	{"at local fedex facility", vtr.EventInTransit},
	{"origin scan", vtr.EventInTransit},
	{"arrival scan", vtr.EventInTransit},
	{"departure scan", vtr.EventInTransit},
}

// lineStatus returns the status a line reports, if any.
func lineStatus(low string) (vtr.EventStatus, bool) {
	best, pos := vtr.EventStatus(""), -1
	for _, p := range statusPhrases {
		i := indexWord(low, p.phrase, 0)
		if i < 0 {
			continue
		}
		// Label phrases win over the words inside them ("Shipping Label
		// Created, USPS Awaiting Item"); otherwise the first status written.
		if p.status == vtr.EventLabelCreated {
			return p.status, true
		}
		if pos < 0 || i < pos {
			best, pos = p.status, i
		}
	}
	return best, pos >= 0
}

// reportsStatus reports whether low names any carrier status.
func reportsStatus(low string) bool {
	_, ok := lineStatus(low)
	return ok
}

// maxEvents bounds the status lines read: a real tracking history has a
// few dozen.
const maxEvents = 200

// events reads one event per dated status line, oldest first, the same
// (number, status, time) once. A time without zone is read in loc; a line
// without time is local midnight, and is dropped when the same status of
// the same number has a timed line that day (a headline repeating a row).
func (d *doc) events(nums []labelledNumber, monthFirst bool, loc *time.Location) []vtr.Event {
	if len(nums) == 0 {
		return nil
	}
	type ev struct {
		e     vtr.Event
		timed bool
	}
	var evs []ev
	for li, low := range d.lowLines {
		if len(evs) == maxEvents {
			break
		}
		st, ok := lineStatus(low)
		if !ok {
			continue
		}
		cl := collapse(low)
		dates := findDates(cl, monthFirst)
		if len(dates) == 0 || dates[0].date.Year == 0 {
			continue
		}
		dt := dates[0].date
		c := findClock(cl)
		l := loc
		if c.loc != nil {
			l = c.loc
		}
		at := time.Date(dt.Year, dt.Month, dt.Day, c.h, c.m, c.s, 0, l).UTC()
		evs = append(evs, ev{vtr.Event{TrackingNumber: numberFor(nums, d.lines[li], li), Status: st, At: at}, c.ok})
	}
	var out []vtr.Event
	for _, e := range evs {
		if !e.timed && slices.ContainsFunc(evs, func(o ev) bool {
			return o.timed && o.e.TrackingNumber == e.e.TrackingNumber && o.e.Status == e.e.Status &&
				vtr.DateOf(o.e.At.In(loc)) == vtr.DateOf(e.e.At.In(loc))
		}) {
			continue
		}
		if !slices.Contains(out, e.e) {
			out = append(out, e.e)
		}
	}
	slices.SortStableFunc(out, func(a, b vtr.Event) int { return a.At.Compare(b.At) })
	return out
}

// numberFor picks the tracking number an event line belongs to: one the
// line itself names, else the last one labelled above it, else the first.
func numberFor(nums []labelledNumber, line string, li int) string {
	norm := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(line))
	for _, n := range nums {
		if n.line >= 0 && strings.Contains(norm, n.num) {
			return n.num
		}
	}
	best := ""
	for _, n := range nums {
		if n.line >= 0 && n.line <= li {
			best = n.num
		}
	}
	if best == "" {
		best = nums[0].num
	}
	return best
}
