package vtr

import (
	"encoding/json"
	"sort"
)

// DayTally is a Tally of the packages with one window date.
type DayTally struct {
	Date Date
	Tally
}

// HistoryPoint is the rolling rate of the days-long window ending at Date.
type HistoryPoint struct {
	Date       Date
	Overall    Counts
	Categories []CategoryRate
}

// MarshalJSON writes {"date", "eligible", ..., "rate", "status", "categories": [...]}.
func (p HistoryPoint) MarshalJSON() ([]byte, error) {
	cats := p.Categories
	if cats == nil {
		cats = []CategoryRate{}
	}
	return json.Marshal(struct {
		Date Date `json:"date"`
		rateJSON
		Categories []CategoryRate `json:"categories"`
	}{p.Date, rateJSON{Counts: p.Overall, Rate: p.Overall.Rate(), Status: p.Overall.Status()}, cats})
}

// History computes, for every day of r, the rate of the days-long window
// ending that day, from per-day tallies covering r.From-(days-1) .. r.To.
// It is one pass over the tallies plus prefix sums: no per-day rescans.
func History(days int, r Window, tallies []DayTally) []HistoryPoint {
	if days < 1 {
		days = 1
	}
	start := r.From.AddDays(-(days - 1))
	n := start.DaysUntil(r.To) + 1
	if n <= 0 {
		return nil
	}
	// Prefix sums: cum[i] = counts of days start .. start+i-1.
	byCat := map[string][]Counts{}
	daily := make([]Counts, n)
	dailyCat := map[string][]Counts{}
	for _, t := range tallies {
		i := start.DaysUntil(t.Date)
		if i < 0 || i >= n {
			continue
		}
		v := Verdict{Ineligible: t.Ineligible, Reason: t.Reason}
		daily[i].Add(v, t.N)
		if t.Ineligible != Eligible && t.Ineligible != Exempt {
			continue
		}
		cat := t.Category
		if cat == "" {
			cat = Uncategorized
		}
		d := dailyCat[cat]
		if d == nil {
			d = make([]Counts, n)
			dailyCat[cat] = d
		}
		d[i].Add(v, t.N)
	}
	prefix := func(d []Counts) []Counts {
		cum := make([]Counts, n+1)
		for i, c := range d {
			cum[i+1] = Counts{cum[i].Eligible + c.Eligible, cum[i].Valid + c.Valid, cum[i].Verified + c.Verified, cum[i].Exempt + c.Exempt}
		}
		return cum
	}
	overall := prefix(daily)
	names := make([]string, 0, len(dailyCat))
	for c, d := range dailyCat {
		byCat[c] = prefix(d)
		names = append(names, c)
	}
	sort.Strings(names)
	diff := func(cum []Counts, hi, lo int) Counts {
		return Counts{cum[hi].Eligible - cum[lo].Eligible, cum[hi].Valid - cum[lo].Valid,
			cum[hi].Verified - cum[lo].Verified, cum[hi].Exempt - cum[lo].Exempt}
	}
	out := make([]HistoryPoint, 0, r.Days())
	for d := r.From; !d.After(r.To); d = d.AddDays(1) {
		hi := start.DaysUntil(d) + 1
		lo := max(hi-days, 0)
		p := HistoryPoint{Date: d, Overall: diff(overall, hi, lo)}
		for _, c := range names {
			if cc := diff(byCat[c], hi, lo); cc.Eligible > 0 || cc.Exempt > 0 {
				p.Categories = append(p.Categories, CategoryRate{Category: c, Counts: cc})
			}
		}
		out = append(out, p)
	}
	return out
}
