package vtr

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// AmazonVTR is Amazon's own Valid Tracking Rate for a marketplace, from
// its seller-performance report (GET_V2_SELLER_PERFORMANCE_REPORT):
// Valid of Eligible packages over From..To, the dates as Amazon writes
// them (docs/amazon.md).
type AmazonVTR struct {
	Marketplace string
	Rate        *float64 // nil when Amazon gives none
	Valid       int      // validTrackingCount
	Eligible    int      // shipmentCount
	Status      string   // Amazon's: GOOD, FAIR, POOR, NONE, ...
	From, To    Date
	FetchedAt   time.Time
	ReportID    string
}

// MarshalJSON writes the contract's "amazon" object of `vtr status --json`.
func (a AmazonVTR) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Rate      *float64 `json:"rate"`
		Valid     int      `json:"valid"`
		Eligible  int      `json:"eligible"`
		Status    string   `json:"status"`
		From      Date     `json:"from"`
		To        Date     `json:"to"`
		FetchedAt string   `json:"fetched_at"`
	}{a.Rate, a.Valid, a.Eligible, a.Status, a.From, a.To, a.FetchedAt.UTC().Format(time.RFC3339)})
}

// Window is the reporting window Amazon's figure covers.
func (a AmazonVTR) Window() Window { return Window{From: a.From, To: a.To} }

// FindAmazonGap is the finding that compares Amazon's rate with the
// recomputed one.
const FindAmazonGap FindingCode = "AMAZON_RATE_DIFFERS"

// AmazonGapFacts are what explains a gap between Amazon's figure and the
// recomputed one over Amazon's own window.
type AmazonGapFacts struct {
	Amazon AmazonVTR
	// Local is the recomputed status over Amazon's window (a.Window()).
	Local Status
	// Asked is the window the user asked about, when it is not Amazon's.
	Asked *Window
	// Unverified is how many of Local's valid packages have no scan on
	// record: Amazon counts them only once a carrier scanned them.
	Unverified int
	Today      Date
}

// AmazonFindings says whether Amazon's figure agrees with the records and,
// when not, what explains the gap: a different window, Amazon's reporting
// lag, exemptions Amazon applies differently, or packages Amazon has not
// seen scanned.
func AmazonFindings(f AmazonGapFacts) []Finding {
	a, l := f.Amazon, f.Local.Overall
	var out []Finding
	add := func(sev, format string, args ...any) {
		out = append(out, Finding{FindAmazonGap, sev, fmt.Sprintf(format, args...)})
	}
	amazon := "N/A"
	if a.Rate != nil {
		amazon = RatePercent(a.Rate)
	}
	local := "N/A"
	if r := l.Rate(); r != nil {
		local = RatePercent(r)
	}
	if f.Asked != nil && *f.Asked != a.Window() {
		add(SevInfo, "Amazon's figure covers %s to %s, not the window asked about (%s to %s): compare like with like.",
			a.From, a.To, f.Asked.From, f.Asked.To)
	}
	if a.Valid == l.Valid && a.Eligible == l.Eligible {
		add(SevInfo, "Amazon says %s (%d of %d) for %s to %s; your records say the same.", amazon, a.Valid, a.Eligible, a.From, a.To)
		return out
	}
	sev := SevInfo
	if a.Rate != nil && *a.Rate < Target && l.Status() == StatusOK {
		sev = SevWarning
	}
	add(sev, "Amazon says %s (%d of %d packages valid) for %s to %s; your records say %s (%d of %d).",
		amazon, a.Valid, a.Eligible, a.From, a.To, local, l.Valid, l.Eligible)
	if d := a.To.DaysUntil(f.Today); d >= 0 && d < 14 {
		add(SevInfo, "The window ended %s ago: Amazon reports with a lag of about two weeks and refreshes within 72 hours of an edit, so recent scans and fixes may not be in its figure yet.", Plural(d, "day"))
	}
	switch {
	case l.Exempt > 0 && a.Eligible == l.Eligible+l.Exempt:
		add(SevWarning, "Amazon counts %d shipments: your %d eligible plus the %d your records exempt. Amazon did not apply the exemption; ask Seller Support to.", a.Eligible, l.Eligible, l.Exempt)
	case l.Exempt > 0 && a.Eligible != l.Eligible:
		add(SevInfo, "Your records exempt %s (e.g. letters under $10); Amazon may count some of them among its %d shipments.", Plural(l.Exempt, "package"), a.Eligible)
	}
	if a.Valid < l.Valid && f.Unverified > 0 {
		add(SevInfo, "%s of your valid packages %s no scan on record; Amazon counts a package valid only once the carrier scanned it, so these may be the ones it has not seen scanned.", strconv.Itoa(f.Unverified), verb(f.Unverified, "has", "have"))
	}
	if a.Eligible > l.Eligible+l.Exempt {
		add(SevWarning, "Amazon counts %d more %s than your records hold for that window: import or sync the missing orders and shipments.", a.Eligible-l.Eligible-l.Exempt, verb(a.Eligible-l.Eligible-l.Exempt, "shipment", "shipments"))
	}
	return out
}
