package vtr_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/vtrbot/vtrbot/vtr"
)

// randomDayTallies spreads random verdicts over the days of w, as a store
// would return them (one row per day, category and verdict).
func randomDayTallies(r *rand.Rand, w vtr.Window) []vtr.DayTally {
	cats := []string{"Books", "Music", "", "Movies & TV"}
	verdicts := []struct {
		in vtr.Ineligible
		r  vtr.Reason
	}{
		{"", vtr.Verified}, {"", vtr.Unverified}, {"", vtr.NoTracking}, {"", vtr.BadFormat},
		{vtr.Exempt, ""}, {vtr.NotMFN, ""}, {vtr.Cancelled, ""},
	}
	var out []vtr.DayTally
	for d := w.From; !d.After(w.To); d = d.AddDays(1) {
		for _, c := range cats {
			if r.IntN(3) == 0 {
				continue // gaps: days and categories with nothing
			}
			for _, v := range verdicts {
				if r.IntN(2) == 0 {
					out = append(out, vtr.DayTally{Date: d, Tally: vtr.Tally{Category: c, Ineligible: v.in, Reason: v.r, N: 1 + r.IntN(9)}})
				}
			}
		}
	}
	return out
}

// naiveHistory recomputes every day's window from scratch with NewStatus.
func naiveHistory(days int, r vtr.Window, tallies []vtr.DayTally) []vtr.HistoryPoint {
	var out []vtr.HistoryPoint
	for d := r.From; !d.After(r.To); d = d.AddDays(1) {
		w := vtr.LastDays(d, days)
		var in []vtr.Tally
		for _, t := range tallies {
			if w.Contains(t.Date) {
				in = append(in, t.Tally)
			}
		}
		st := vtr.NewStatus("US", w, in)
		out = append(out, vtr.HistoryPoint{Date: d, Overall: st.Overall, Categories: st.Categories})
	}
	return out
}

func TestHistory_matchesNaiveRecomputation(t *testing.T) {
	tests := []struct {
		name     string
		days     int
		from, to string
	}{
		{"30-day windows over a quarter", 30, "2024-01-01", "2024-03-31"},
		{"7-day windows over a leap February", 7, "2024-02-01", "2024-03-05"},
		{"1-day windows", 1, "2024-05-01", "2024-05-20"},
		{"one day", 30, "2024-06-15", "2024-06-15"},
		{"windows longer than the data", 90, "2024-01-10", "2024-02-10"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := vtr.Window{From: vtr.MustDate(tt.from), To: vtr.MustDate(tt.to)}
			// Data from before the first window to after the range: History
			// must ignore what lies outside.
			data := vtr.Window{From: r.From.AddDays(-tt.days - 5), To: r.To.AddDays(5)}
			tallies := randomDayTallies(rand.New(rand.NewPCG(uint64(i), 7)), data)
			got := vtr.History(tt.days, r, tallies)
			want := naiveHistory(tt.days, r, tallies)
			if len(got) != len(want) {
				t.Fatalf("History returned %d points, want %d (one per day of %s)", len(got), len(want), r)
			}
			for j := range want {
				if !reflect.DeepEqual(got[j], want[j]) {
					t.Fatalf("day %s:\n got  %+v\n want %+v", want[j].Date, got[j], want[j])
				}
			}
		})
	}
}

func TestHistory_emptyDaysAreNA(t *testing.T) {
	r := vtr.Window{From: vtr.MustDate("2024-01-01"), To: vtr.MustDate("2024-01-03")}
	got := vtr.History(30, r, nil)
	if len(got) != 3 {
		t.Fatalf("History returned %d points, want 3", len(got))
	}
	for _, p := range got {
		if p.Overall.Status() != vtr.StatusNA || p.Overall.Rate() != nil || len(p.Categories) != 0 {
			t.Errorf("%s: %+v, want an empty N/A point", p.Date, p)
		}
	}
}
