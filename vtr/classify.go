package vtr

import (
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/vtr/tracking"
)

// Classify decides how package p of order o counts (docs/rules.md "Valid Tracking Rate" with
// the readings of docs/rules.md). o may be nil: a confirmation for an order
// missing from the orders import is never eligible.
func Classify(o *Order, p *Package, ev Evidence, rules Rules) Verdict {
	v := Verdict{Carrier: CarrierDisplay(p.CarrierCode, p.CarrierName), WindowDate: p.ShipDate}
	if o == nil {
		v.Ineligible = NoOrder
		return v
	}
	v.Category = o.Category()
	v.Marketplace = o.Marketplace
	if !o.PromisedDelivery.IsZero() {
		v.WindowDate = o.PromisedDelivery
	}
	switch {
	case o.Marketplace == "":
		v.Ineligible = NonAmazonStore
		return v
	case !o.IsMFN():
		v.Ineligible = NotMFN
		return v
	case o.IsCancelled():
		v.Ineligible = Cancelled
		return v
	case v.WindowDate.IsZero():
		v.Ineligible = NoWindowDate
		return v
	}
	ex := rules.Exemptions
	if ex == nil {
		ex = DefaultExemptions()
	}
	for _, e := range ex {
		if e.Applies(o, p, v.WindowDate) {
			v.Ineligible, v.Exemption = Exempt, e.ID
			return v
		}
	}
	lists := rules.Integrated
	if lists == nil {
		lists = tracking.DefaultLists()
	}
	v.Reason, v.Hint = reason(lists, o.Marketplace, v.WindowDate, p, ev)
	return v
}

// TrackingReason is the reason code package p of order o gets when no
// exemption applies: an exempt package's tracking judged as if it counted.
// On-Time Delivery Rate needs it, since VTR's exemptions do not reach it (an
// exempt letter with valid tracking is delivered late or on time like any
// other package; docs/rules.md "Sibling metrics"). "" when the package is
// out of the rate for another cause (no order, FBA, cancelled, ...).
func TrackingReason(o *Order, p *Package, ev Evidence, rules Rules) Reason {
	rules.Exemptions = []Exemption{} // none (nil would mean the defaults)
	return Classify(o, p, ev, rules).Reason
}

// reason applies the reason table, first match wins.
func reason(lists tracking.Lists, market string, on Date, p *Package, ev Evidence) (Reason, string) {
	if p.TrackingNumber == "" {
		return NoTracking, ""
	}
	day := on.Time(time.UTC)
	code, name := strings.TrimSpace(p.CarrierCode), strings.TrimSpace(p.CarrierName)
	isOther := strings.EqualFold(code, "Other")
	written := code
	if isOther || code == "" {
		written = name
	}
	c, known := tracking.Lookup(written)
	// A marketplace with no integrated-carrier list on record: every carrier
	// vtrbot knows counts as integrated, and nothing is flagged for it.
	_, haveList := lists.In(market, day)
	integrated := known && (!haveList || lists.Integrated(market, c.Code, day))
	if isOther && known && integrated {
		return CarrierOtherIntegrated, ""
	}
	if haveList && !integrated {
		return CarrierNotIntegrated, ""
	}
	// The built-in format subset of docs/rules.md. Outside the US "DHL"
	// usually names DHL Paket, whose numbers are not DHL Express's, so
	// DHL numbers are checked in the US only.
	if known && tracking.CoreFormats(c.Code) && (c.Code != "dhl" || market == "US") {
		if ok, fitsOther := tracking.CoreCheck(c.Code, p.TrackingNumber); !ok {
			if fitsOther {
				return CarrierMismatch, ""
			}
			return BadFormat, ""
		}
	}
	var hint string
	if !known || !tracking.CoreFormats(c.Code) {
		if other := coreFits(p.TrackingNumber); other != "" {
			name := c.Name
			if !known {
				name = written
			}
			hint = "the number looks like " + other + "'s, not " + name + "'s: check that the carrier named is the one that delivers (the last leg)"
		}
	}
	delivered := earliest(p.DeliveredAt, ev.DeliveredAt)
	if !p.ConfirmedAt.IsZero() && !delivered.IsZero() && p.ConfirmedAt.After(delivered) {
		return UploadedAfterDelivery, hint
	}
	if ev.NoScan {
		return NoScan, hint
	}
	if !p.FirstScanAt.IsZero() || !delivered.IsZero() || ev.ScanSeen {
		return Verified, hint
	}
	return Unverified, hint
}

// CarrierDisplay is the carrier a package names: the carrier-code, or the
// carrier-name when the code is Other or empty; shown by its canonical name
// when vtrbot knows it, else as written.
func CarrierDisplay(code, name string) string {
	code, name = strings.TrimSpace(code), strings.TrimSpace(name)
	w := code
	if strings.EqualFold(code, "Other") || code == "" {
		w = name
	}
	if c, ok := tracking.Lookup(w); ok {
		return c.Name
	}
	return w
}

func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}

// coreFits returns the name of the first carrier with built-in formats whose
// formats accept n, or "".
func coreFits(n string) string {
	for _, code := range []string{"usps", "ups", "fedex", "dhl"} {
		if ok, _ := tracking.CoreCheck(code, n); ok {
			c, _ := tracking.Lookup(code)
			return c.Name
		}
	}
	return ""
}
