package vtr

// Reason says why an eligible package does or does not count as valid
// (docs/rules.md: exactly one per package, first match wins).
type Reason string

// Reason codes, in the order they are tested.
const (
	NoTracking             Reason = "NO_TRACKING"
	CarrierOtherIntegrated Reason = "CARRIER_OTHER_INTEGRATED"
	CarrierNotIntegrated   Reason = "CARRIER_NOT_INTEGRATED"
	CarrierMismatch        Reason = "CARRIER_MISMATCH"
	BadFormat              Reason = "BAD_FORMAT"
	UploadedAfterDelivery  Reason = "UPLOADED_AFTER_DELIVERY"
	NoScan                 Reason = "NO_SCAN"
	Verified               Reason = "VERIFIED"
	Unverified             Reason = "UNVERIFIED"
)

// Reasons lists every reason code in test order.
func Reasons() []Reason {
	return []Reason{NoTracking, CarrierOtherIntegrated, CarrierNotIntegrated, CarrierMismatch,
		BadFormat, UploadedAfterDelivery, NoScan, Verified, Unverified}
}

// Valid reports whether a package with this reason counts as valid.
func (r Reason) Valid() bool { return r == Verified || r == Unverified }

// Fix says, for an invalid reason, what the seller can do about it.
func (r Reason) Fix() string {
	switch r {
	case NoTracking:
		return "add the tracking number before delivery; buy tracked postage (e.g. Buy Shipping)"
	case CarrierOtherIntegrated:
		return "re-confirm with the carrier picked from Amazon's list, not typed under Other"
	case CarrierNotIntegrated:
		return "use a carrier Amazon integrates, or add a tracking number from one"
	case CarrierMismatch:
		return "the number belongs to another carrier: correct the carrier (or the number) before delivery"
	case BadFormat:
		return "the number fails the carrier's format or check digit: correct the typo before delivery"
	case UploadedAfterDelivery:
		return "nothing now (fixes after delivery never count); confirm with tracking before delivery"
	case NoScan:
		return "the carrier never scanned it: hand packages over with a scan (acceptance scan / SCAN form)"
	}
	return ""
}

// Ineligible says why a package is outside the VTR denominator.
type Ineligible string

// Causes of ineligibility, reported when a rate is N/A.
const (
	Eligible       Ineligible = ""
	NoOrder        Ineligible = "NO_ORDER"       // confirmation for an order not in the orders import
	NotMFN         Ineligible = "NOT_MFN"        // fulfilled by Amazon (FBA): never counted
	Cancelled      Ineligible = "CANCELLED"      // the order was cancelled
	NonAmazonStore Ineligible = "NON_AMAZON"     // sales channel is not an Amazon store
	Exempt         Ineligible = "EXEMPT"         // an exemption applies (out of the rate altogether)
	NoWindowDate   Ineligible = "NO_WINDOW_DATE" // neither a promised delivery date nor a ship date
)
