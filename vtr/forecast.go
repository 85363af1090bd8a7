package vtr

import (
	"slices"
	"sort"
)

// FixableReasons are the reasons a seller can still fix by editing the
// confirmation before the package is delivered (a fix after delivery never
// counts).
func FixableReasons() []Reason {
	return []Reason{NoTracking, CarrierOtherIntegrated, CarrierNotIntegrated, CarrierMismatch, BadFormat}
}

// Fixable reports whether r can still be fixed before delivery.
func (r Reason) Fixable() bool {
	for _, f := range FixableReasons() {
		if r == f {
			return true
		}
	}
	return false
}

// ForecastWindow is the projected rate of a window Amazon has not reported
// yet: today's verdicts applied to every package promised in it.
type ForecastWindow struct {
	Window  Window   `json:"window"`
	Counts  Counts   `json:"counts"`
	Pending int      `json:"pending"` // packages in it not yet delivered: their verdict can still change
	Rate    *float64 `json:"rate"`
	Status  string   `json:"status"`
}

// Urgent is an invalid package that can still be fixed, with the days left
// before its promised delivery.
type Urgent struct {
	OrderID          string `json:"order_id"`
	Category         string `json:"category"`
	Carrier          string `json:"carrier"`
	TrackingNumber   string `json:"tracking_number"`
	ShipDate         Date   `json:"ship_date"`
	PromisedDelivery Date   `json:"promised_delivery_date"`
	DaysLeft         int    `json:"days_left"`
	Reason           Reason `json:"reason"`
	Fix              string `json:"what_to_fix"`
}

// ForecastHorizons are the windows projected: the 30-day windows ending in
// one and two weeks, which Amazon's dashboard shows after its two-week lag.
func ForecastHorizons(today Date, days int) []Window {
	return []Window{LastDays(today, days), LastDays(today.AddDays(7), days), LastDays(today.AddDays(14), days)}
}

// Forecast projects windows from per-day tallies and pending counts, and
// returns the fixable packages with their days left and fix, by urgency
// (fewest days left first), in a new slice: fixable is left as it is.
func Forecast(today Date, windows []Window, tallies []DayTally, pending map[Date]int, fixable []Urgent) ([]ForecastWindow, []Urgent) {
	fixable = slices.Clone(fixable)
	out := make([]ForecastWindow, len(windows))
	for i, w := range windows {
		f := ForecastWindow{Window: w}
		for _, t := range tallies {
			if w.Contains(t.Date) {
				f.Counts.Add(Verdict{Ineligible: t.Ineligible, Reason: t.Reason}, t.N)
			}
		}
		for d, n := range pending {
			if w.Contains(d) {
				f.Pending += n
			}
		}
		f.Rate, f.Status = f.Counts.Rate(), f.Counts.Status()
		out[i] = f
	}
	for i := range fixable {
		fixable[i].DaysLeft = today.DaysUntil(fixable[i].PromisedDelivery)
		fixable[i].Fix = fixable[i].Reason.Fix()
	}
	sortUrgent(fixable)
	return out, fixable
}

func sortUrgent(u []Urgent) {
	sort.Slice(u, func(i, j int) bool { return urgentLess(u[i], u[j]) })
}

func urgentLess(a, b Urgent) bool {
	if a.DaysLeft != b.DaysLeft {
		return a.DaysLeft < b.DaysLeft
	}
	if a.OrderID != b.OrderID {
		return a.OrderID < b.OrderID
	}
	return a.TrackingNumber < b.TrackingNumber
}
