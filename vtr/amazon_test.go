package vtr

import (
	"strings"
	"testing"
)

func TestAmazonFindings(t *testing.T) {
	r := func(v float64) *float64 { return &v }
	win := Window{From: MustDate("2019-10-15"), To: MustDate("2019-11-14")}
	amazon := func(valid, eligible int, rate float64) AmazonVTR {
		return AmazonVTR{Marketplace: "US", Rate: r(rate), Valid: valid, Eligible: eligible, Status: "POOR", From: win.From, To: win.To}
	}
	local := func(valid, eligible, exempt int) Status {
		return Status{Marketplace: "US", Window: win, Overall: Counts{Eligible: eligible, Valid: valid, Verified: valid, Exempt: exempt}}
	}
	tests := []struct {
		name  string
		facts AmazonGapFacts
		want  []string // a substring of each finding's text, in order
		sev   string   // severity of the gap finding
	}{
		{"same figure", AmazonGapFacts{Amazon: amazon(84, 84, 1), Local: local(84, 84, 0), Today: MustDate("2019-12-04")},
			[]string{"your records say the same"}, SevInfo},
		{"Amazon counted the exempt letters", AmazonGapFacts{Amazon: amazon(82, 87, 0.9425), Local: local(82, 84, 3), Today: MustDate("2019-12-04")},
			[]string{"Amazon says 94.2% (82 of 87", "Amazon did not apply the exemption"}, SevWarning},
		{"not seen scanned", AmazonGapFacts{Amazon: amazon(54, 58, 0.931), Local: local(58, 58, 0), Unverified: 4, Today: MustDate("2019-12-04")},
			[]string{"Amazon says 93.1% (54 of 58", "4 of your valid packages have no scan"}, SevWarning},
		{"Amazon's lag", AmazonGapFacts{Amazon: amazon(50, 58, 0.862), Local: local(58, 58, 0), Today: MustDate("2019-11-20")},
			[]string{"Amazon says 86.2%", "ended 6 days ago"}, SevWarning},
		{"another window", AmazonGapFacts{Amazon: amazon(58, 58, 1), Local: local(58, 58, 0), Today: MustDate("2019-12-04"),
			Asked: &Window{From: MustDate("2019-11-01"), To: MustDate("2019-11-30")}},
			[]string{"not the window asked about", "say the same"}, SevInfo},
		{"missing orders", AmazonGapFacts{Amazon: amazon(90, 100, 0.9), Local: local(58, 58, 0), Today: MustDate("2019-12-04")},
			[]string{"Amazon says 90.0%", "42 more shipments"}, SevWarning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AmazonFindings(tt.facts)
			if len(got) != len(tt.want) {
				t.Fatalf("findings = %+v, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				if got[i].Code != FindAmazonGap || !strings.Contains(got[i].Text, w) {
					t.Errorf("finding %d = %+v, want text with %q", i, got[i], w)
				}
			}
			gap := got[0]
			if tt.facts.Asked != nil {
				gap = got[1]
			}
			if gap.Severity != tt.sev {
				t.Errorf("severity %s, want %s", gap.Severity, tt.sev)
			}
		})
	}
}
