package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
)

// /vtr status shows Amazon's own figure beside the recomputed one.
func TestStatusReply_Amazon(t *testing.T) {
	rate := 0.931
	st := vtr.Status{Marketplace: "US", Window: vtr.Window{From: vtr.MustDate("2019-10-15"), To: vtr.MustDate("2019-11-14")},
		Overall: vtr.Counts{Eligible: 84, Valid: 82}}
	if strings.Contains(Render(StatusReply(st)), "Amazon says") {
		t.Fatal("Amazon's figure shown without one")
	}
	st.Amazon = &vtr.AmazonVTR{Rate: &rate, Valid: 54, Eligible: 58, Status: "POOR", From: st.Window.From, To: st.Window.To,
		FetchedAt: time.Date(2019, 12, 4, 12, 0, 0, 0, time.UTC)}
	got := Render(StatusReply(st))
	if want := "Amazon says 93.1% (54 of 58 valid) for 2019-10-15 to 2019-11-14, status POOR"; !strings.Contains(got, want) {
		t.Errorf("status reply:\n%s\nwant %q", got, want)
	}
}
