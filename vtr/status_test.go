package vtr_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/vtr"
)

func TestCounts_status(t *testing.T) {
	tests := []struct {
		valid, eligible int
		want            string
	}{
		{19, 20, vtr.StatusOK},          // exactly 95%
		{18, 19, vtr.StatusBelowTarget}, // 94.7%
		{95, 100, vtr.StatusOK},         // exactly 95% again
		{94, 99, vtr.StatusBelowTarget}, // 94.9%
		{82, 84, vtr.StatusOK},          // traxtar overall
		{4, 6, vtr.StatusBelowTarget},   // traxtar Books
		{0, 1, vtr.StatusBelowTarget},   //
		{1, 1, vtr.StatusOK},            //
		{0, 0, vtr.StatusNA},            // nothing eligible
		{285, 300, vtr.StatusOK},        // 0.95 exactly, which float64 division rounds below 0.95
		{5700, 6000, vtr.StatusOK},      //
		{5699, 6000, vtr.StatusBelowTarget},
	}
	for _, tt := range tests {
		c := vtr.Counts{Valid: tt.valid, Eligible: tt.eligible}
		if got := c.Status(); got != tt.want {
			t.Errorf("Counts{%d/%d}.Status() = %s, want %s", tt.valid, tt.eligible, got, tt.want)
		}
		r := c.Rate()
		if tt.eligible == 0 {
			if r != nil {
				t.Errorf("Counts{0/0}.Rate() = %v, want nil (N/A)", *r)
			}
			continue
		}
		if r == nil || *r != float64(tt.valid)/float64(tt.eligible) {
			t.Errorf("Counts{%d/%d}.Rate() = %v, want %v", tt.valid, tt.eligible, r, float64(tt.valid)/float64(tt.eligible))
		}
	}
}

func TestNewStatus_traxtarShape(t *testing.T) {
	// The tallies behind expected-status.json of testdata/traxtar.
	ta := func(cat string, in vtr.Ineligible, r vtr.Reason, n int) vtr.Tally {
		return vtr.Tally{Category: cat, Ineligible: in, Reason: r, N: n}
	}
	w := vtr.Window{From: vtr.MustDate("2019-10-15"), To: vtr.MustDate("2019-11-14")}
	st := vtr.NewStatus("US", w, []vtr.Tally{
		ta("Music", "", vtr.Verified, 54), ta("Music", "", vtr.Unverified, 2), ta("Music", vtr.Exempt, "", 3),
		ta("Movies & TV", "", vtr.Verified, 20), ta("Movies & TV", "", vtr.Unverified, 1),
		ta("Books", "", vtr.Verified, 3), ta("Books", "", vtr.Unverified, 1),
		ta("Books", "", vtr.CarrierOtherIntegrated, 1), ta("Books", "", vtr.NoTracking, 1),
		ta("", "", vtr.Verified, 1),
		ta("Music", vtr.NotMFN, "", 2), // FBA: neither counted nor listed
		ta("Toys", vtr.Cancelled, "", 1),
	})
	if want := (vtr.Counts{Eligible: 84, Valid: 82, Verified: 78, Exempt: 3}); st.Overall != want {
		t.Errorf("Overall = %+v, want %+v", st.Overall, want)
	}
	var names []string
	for _, c := range st.Categories {
		names = append(names, c.Category)
	}
	if got, want := strings.Join(names, ","), "Books,Movies & TV,Music,Uncategorized"; got != want {
		t.Errorf("categories = %s, want %s (sorted, only with eligible or exempt packages)", got, want)
	}
	if books := st.Categories[0]; books.Status() != vtr.StatusBelowTarget || books.Eligible != 6 || books.Valid != 4 {
		t.Errorf("Books = %+v %s, want 4/6 below_target", books.Counts, books.Status())
	}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"marketplace":"US"`, `"from":"2019-10-15"`, `"to":"2019-11-14"`, `"target":0.95`,
		`"overall":{"eligible":84,"valid":82,"verified":78,"exempt":3,"rate":0.9761904761904762,"status":"ok"}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s\nlacks %s", b, want)
		}
	}
}

func TestStatus_naJSON(t *testing.T) {
	st := vtr.NewStatus("US", vtr.LastDays(vtr.MustDate("2019-11-14"), 30), nil)
	st.NA = []string{"no orders"}
	b, _ := json.Marshal(st)
	for _, want := range []string{`"rate":null`, `"status":"n/a"`, `"categories":[]`, `"na_reasons":["no orders"]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s\nlacks %s", b, want)
		}
	}
}

func TestExplainNA(t *testing.T) {
	w := vtr.Window{From: vtr.MustDate("2019-10-15"), To: vtr.MustDate("2019-11-14")}
	tests := []struct {
		name  string
		facts vtr.NAFacts
		want  []string // substrings, one per sentence, in order
	}{
		{"nothing at all", vtr.NAFacts{Marketplace: "US", Window: w},
			[]string{"no US orders and no shipments in the window"}},
		{"nothing, no marketplace", vtr.NAFacts{Window: w},
			[]string{"no orders and no shipments in the window"}},
		{"orders but nothing due", vtr.NAFacts{Window: w, Orders: 1},
			[]string{"1 order placed in the window, but no merchant-fulfilled package is due in it"}},
		{"all exempt", vtr.NAFacts{Window: w, Ineligible: map[vtr.Ineligible]int{vtr.Exempt: 3}},
			[]string{"3 packages in the window are exempt"}},
		{"one exempt", vtr.NAFacts{Window: w, Ineligible: map[vtr.Ineligible]int{vtr.Exempt: 1}},
			[]string{"1 package in the window is exempt"}},
		{"FBA and cancelled", vtr.NAFacts{Window: w, Ineligible: map[vtr.Ineligible]int{vtr.NotMFN: 2, vtr.Cancelled: 1}},
			[]string{"2 packages in the window belong to Amazon-fulfilled (FBA) orders", "1 package in the window belongs to cancelled orders"}},
		{"PDDs outside the window", vtr.NAFacts{Window: w, PDDOutside: 4},
			[]string{"4 packages were shipped in the window but promised for delivery outside it"}},
		{"orders not imported", vtr.NAFacts{Window: w, UnknownOrders: 7},
			[]string{"7 shipment confirmations in the window belong to orders that are not imported"}},
		{"nothing confirmed", vtr.NAFacts{Window: w, Unconfirmed: 1},
			[]string{"1 merchant-fulfilled order due in the window has no shipment confirmation"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := vtr.ExplainNA(tt.facts)
			if len(got) != len(tt.want) {
				t.Fatalf("ExplainNA = %q, want %d sentences", got, len(tt.want))
			}
			for i := range got {
				if !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("sentence %d = %q, want it to contain %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}
