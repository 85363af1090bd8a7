package vtr

import (
	"time"

	"github.com/vtrbot/vtrbot/vtr/tracking"
)

// Evidence is what vtrbot knows of a package's scans beyond the shipments
// file: Amazon's Valid Tracking report rows and carrier mails.
type Evidence struct {
	ScanSeen    bool      // a physical scan or delivery was reported
	NoScan      bool      // Amazon's Valid Tracking report marks it not valid
	DeliveredAt time.Time // earliest delivery time reported (zero: none)
}

// Rules are the readings classification follows where a seller may differ.
type Rules struct {
	// DefaultMarketplace is the marketplace of orders with an empty sales channel.
	DefaultMarketplace string
	// Exemptions; nil means DefaultExemptions.
	Exemptions []Exemption
	// Integrated are the integrated-carrier lists per marketplace; nil means
	// tracking.DefaultLists.
	Integrated tracking.Lists
}

// DefaultRules returns the rules of docs/rules.md for a default marketplace.
func DefaultRules(market string) Rules {
	return Rules{DefaultMarketplace: market, Exemptions: DefaultExemptions(), Integrated: tracking.DefaultLists()}
}

// Verdict is how one package counts: its marketplace, window date and
// category, whether it is eligible, and its reason code.
type Verdict struct {
	Marketplace string     // "" when the order is unknown or not from an Amazon store
	WindowDate  Date       // promised delivery date, else ship date
	Category    string     // category of the order's most expensive item
	Carrier     string     // canonical carrier name, or the name as written
	Ineligible  Ineligible // Eligible (""), or why the package is not in the rate
	Exemption   string     // the exemption's ID when Ineligible is Exempt
	Reason      Reason     // set for eligible packages
	Hint        string     // an extra warning that is not a reason code (e.g. "wrong leg")
}

// Counted reports whether the package is in the rate's denominator.
func (v Verdict) Counted() bool { return v.Ineligible == Eligible }
