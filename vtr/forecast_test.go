package vtr

import (
	"reflect"
	"slices"
	"testing"
)

// The windows projected are the 30-day windows ending today and in one
// and two weeks (Amazon's dashboard lags two weeks).
func TestForecastHorizons(t *testing.T) {
	got := ForecastHorizons(MustDate("2025-06-01"), 30)
	want := []Window{
		{From: MustDate("2025-05-03"), To: MustDate("2025-06-01")},
		{From: MustDate("2025-05-10"), To: MustDate("2025-06-08")},
		{From: MustDate("2025-05-17"), To: MustDate("2025-06-15")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ForecastHorizons = %v, want %v", got, want)
	}
}

func tally(day string, r Reason, n int) DayTally {
	return DayTally{Date: MustDate(day), Tally: Tally{Category: "Books", Reason: r, N: n}}
}

// Forecast applies today's verdicts to every package promised in a
// window: the rate it will have, and how many packages in it can still
// change because they are not delivered.
func TestForecast_windows(t *testing.T) {
	early := Window{From: MustDate("2025-06-01"), To: MustDate("2025-06-10")}
	late := Window{From: MustDate("2025-06-08"), To: MustDate("2025-06-17")}
	tests := []struct {
		name    string
		tallies []DayTally
		pending map[Date]int
		want    []ForecastWindow // Window, Counts, Pending and Status; Rate is checked against Counts
	}{
		{
			name: "no data: every window N/A, nothing pending",
			want: []ForecastWindow{{Window: early, Status: StatusNA}, {Window: late, Status: StatusNA}},
		},
		{
			name: "the rate crosses below the target: exactly 95% (19 of 20) meets it, then 3 invalid packages promised later bring the later window below",
			tallies: []DayTally{tally("2025-06-01", Verified, 19), tally("2025-06-02", NoTracking, 1),
				tally("2025-06-11", Verified, 10), tally("2025-06-15", BadFormat, 3)},
			want: []ForecastWindow{
				{Window: early, Counts: Counts{Eligible: 20, Valid: 19, Verified: 19}, Status: StatusOK},
				{Window: late, Counts: Counts{Eligible: 13, Valid: 10, Verified: 10}, Status: StatusBelowTarget},
			},
		},
		{
			name:    "the rate crosses back above the target once the bad days leave the window",
			tallies: []DayTally{tally("2025-06-03", NoScan, 2), tally("2025-06-05", Unverified, 8), tally("2025-06-12", Verified, 40)},
			want: []ForecastWindow{
				{Window: early, Counts: Counts{Eligible: 10, Valid: 8}, Status: StatusBelowTarget},
				{Window: late, Counts: Counts{Eligible: 40, Valid: 40, Verified: 40}, Status: StatusOK},
			},
		},
		{
			name: "both ends of a window are in it; the days just outside are not",
			tallies: []DayTally{tally("2025-05-31", NoTracking, 5), tally("2025-06-01", Verified, 1), tally("2025-06-10", Verified, 1),
				tally("2025-06-11", NoTracking, 7), tally("2025-06-17", Verified, 2), tally("2025-06-18", NoTracking, 9)},
			pending: map[Date]int{MustDate("2025-05-31"): 100, MustDate("2025-06-01"): 1, MustDate("2025-06-10"): 2, MustDate("2025-06-17"): 4, MustDate("2025-06-18"): 200},
			want: []ForecastWindow{
				{Window: early, Counts: Counts{Eligible: 2, Valid: 2, Verified: 2}, Pending: 3, Status: StatusOK},
				{Window: late, Counts: Counts{Eligible: 10, Valid: 3, Verified: 3}, Pending: 6, Status: StatusBelowTarget},
			},
		},
		{
			name: "exempt and ineligible packages do not count; only exempt ones are shown",
			tallies: []DayTally{{Date: MustDate("2025-06-02"), Tally: Tally{Ineligible: Exempt, N: 4}},
				{Date: MustDate("2025-06-02"), Tally: Tally{Ineligible: NotMFN, Reason: NoTracking, N: 6}}},
			want: []ForecastWindow{{Window: early, Counts: Counts{Exempt: 4}, Status: StatusNA}, {Window: late, Status: StatusNA}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := Forecast(MustDate("2025-06-05"), []Window{early, late}, tt.tallies, tt.pending, nil)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d windows, want %d", len(got), len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Window != w.Window || g.Counts != w.Counts || g.Pending != w.Pending || g.Status != w.Status {
					t.Errorf("window %d = %+v, want %+v", i, g, w)
				}
				if r := w.Counts.Rate(); (r == nil) != (g.Rate == nil) || (r != nil && *r != *g.Rate) {
					t.Errorf("window %d: rate %v, want %v", i, g.Rate, r)
				}
			}
		})
	}
}

// The fixable packages come out most urgent first, each with the days
// left before its promised delivery and what to fix.
func TestForecast_urgent(t *testing.T) {
	today := MustDate("2025-06-05")
	u := func(order, tn, promised string, r Reason) Urgent {
		return Urgent{OrderID: order, TrackingNumber: tn, PromisedDelivery: MustDate(promised), Reason: r}
	}
	fixable := []Urgent{
		u("113", "", "2025-06-09", NoTracking),
		u("112", "B", "2025-06-05", CarrierMismatch), // due today: 0 days left
		u("111", "", "2025-06-09", BadFormat),        // same day as 113: order ID decides
		u("112", "A", "2025-06-05", CarrierMismatch), // same order and day: tracking number decides
		u("110", "", "2025-06-04", NoTracking),       // promised yesterday: -1
		u("114", "", "2025-07-05", CarrierOtherIntegrated),
	}
	type row struct {
		order, tn string
		days      int
		fix       string
	}
	want := []row{
		{"110", "", -1, NoTracking.Fix()},
		{"112", "A", 0, CarrierMismatch.Fix()},
		{"112", "B", 0, CarrierMismatch.Fix()},
		{"111", "", 4, BadFormat.Fix()},
		{"113", "", 4, NoTracking.Fix()},
		{"114", "", 30, CarrierOtherIntegrated.Fix()},
	}
	before := slices.Clone(fixable)
	_, got := Forecast(today, nil, nil, nil, fixable)
	if !reflect.DeepEqual(fixable, before) {
		t.Errorf("Forecast changed its caller's slice:\n%v\nwas\n%v", fixable, before)
	}
	var rows []row
	for _, g := range got {
		rows = append(rows, row{g.OrderID, g.TrackingNumber, g.DaysLeft, g.Fix})
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("urgent =\n%v\nwant\n%v", rows, want)
	}
	if _, none := Forecast(today, nil, nil, nil, nil); len(none) != 0 {
		t.Errorf("nothing fixable, yet %v", none)
	}
}

// Only what a seller can still fix before delivery is fixable; each has a
// fix in words.
func TestReason_Fixable(t *testing.T) {
	want := map[Reason]bool{NoTracking: true, CarrierOtherIntegrated: true, CarrierNotIntegrated: true, CarrierMismatch: true, BadFormat: true}
	for _, r := range Reasons() {
		if r.Fixable() != want[r] {
			t.Errorf("%s.Fixable() = %v, want %v", r, r.Fixable(), want[r])
		}
		if r.Fixable() && r.Fix() == "" {
			t.Errorf("%s is fixable but has no fix", r)
		}
	}
}
