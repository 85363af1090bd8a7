package vtr

import (
	"fmt"
	"strings"
	"time"
)

// Amount is money in ten-thousandths of the order's currency unit, so that
// amounts as written in Amazon's files ("12.99", "1000") add up exactly.
type Amount int64

// AmountScale is the number of Amount units in one currency unit.
const AmountScale = 10000

// ParseAmount reads a plain decimal ("12.99", "-1.5", "1000"); "" is 0.
// Currency signs, thousands separators and more than four decimals are errors.
func ParseAmount(s string) (Amount, error) {
	if s == "" {
		return 0, nil
	}
	neg := false
	t := s
	if t[0] == '-' || t[0] == '+' {
		neg = t[0] == '-'
		t = t[1:]
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" && frac == "" || len(frac) > 4 || (hasDot && frac == "" && whole == "") {
		return 0, fmt.Errorf("%q is not an amount (want a plain decimal such as 12.99)", s)
	}
	var v int64
	for _, c := range whole {
		if c < '0' || c > '9' || v > 1e13 {
			return 0, fmt.Errorf("%q is not an amount (want a plain decimal such as 12.99)", s)
		}
		v = v*10 + int64(c-'0')
	}
	v *= AmountScale
	scale := int64(AmountScale / 10)
	for _, c := range frac {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not an amount (want a plain decimal such as 12.99)", s)
		}
		v += int64(c-'0') * scale
		scale /= 10
	}
	if neg {
		v = -v
	}
	return Amount(v), nil
}

// String formats a as a decimal with two places (more when needed).
func (a Amount) String() string {
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	s := fmt.Sprintf("%s%d.%04d", sign, a/AmountScale, a%AmountScale)
	return strings.TrimSuffix(strings.TrimSuffix(s, "0"), "0")
}

// Order is one Amazon order as the All Orders report describes it, with the
// optional columns vtrbot reads (promised delivery date, latest ship date).
// An order's own fields come from its first report row.
type Order struct {
	ID                 string
	SalesChannel       string // as written: Amazon.com, Amazon.de, Non-Amazon
	Marketplace        string // code mapped from SalesChannel; "" when not an Amazon store
	Status             string // order-status as written: Shipped, Unshipped, Cancelled, ...
	FulfillmentChannel string // Merchant/MFN or Amazon/AFN
	PurchaseDate       Date   // date part of purchase-date as written
	PurchasedAt        time.Time
	PromisedDelivery   Date      // promised-delivery-date (Amazon's LatestDeliveryDate); zero if unknown
	LatestShipDate     Date      // latest-ship-date's date; zero if unknown
	LatestShipAt       time.Time // latest-ship-date when written with a time and zone
	Currency           string
	ShipCountry        string
	BuyerCancelled     bool // the cancellation was requested by the buyer (optional column)
	Items              []Item
}

// Item is one row of the All Orders report.
type Item struct {
	SKU      string
	Category string // the row's category column, else the categories import; "" unknown
	Quantity int
	Price    Amount // item-price as written: the row's total for its quantity
	Shipping Amount
	Status   string
	Name     string
}

// Uncategorized is the category of packages whose items have none.
const Uncategorized = "Uncategorized"

// IsMFN reports whether the seller fulfils the order (merchant-fulfilled).
func (o *Order) IsMFN() bool {
	return strings.EqualFold(o.FulfillmentChannel, "Merchant") || strings.EqualFold(o.FulfillmentChannel, "MFN")
}

// IsCancelled reports whether the order was cancelled.
func (o *Order) IsCancelled() bool {
	return strings.EqualFold(o.Status, "Cancelled") || strings.EqualFold(o.Status, "Canceled")
}

// Value is the order's value for exemptions: item-price plus shipping-price
// over all its rows; tax, gift wrap and promotions are ignored.
func (o *Order) Value() Amount {
	var v Amount
	for _, it := range o.Items {
		v += it.Price + it.Shipping
	}
	return v
}

// Category is the category of the order's most expensive item (item-price as
// written); ties go to the name that sorts first; no category is
// Uncategorized.
func (o *Order) Category() string {
	best, cat := Amount(0), ""
	for i, it := range o.Items {
		c := it.Category
		if c == "" {
			c = Uncategorized
		}
		if i == 0 || it.Price > best || (it.Price == best && c < cat) {
			best, cat = it.Price, c
		}
	}
	if cat == "" {
		return Uncategorized
	}
	return cat
}

// Package is one shipment confirmation with at most one tracking number:
// the unit Valid Tracking Rate counts (docs/rules.md "Package").
type Package struct {
	OrderID        string
	TrackingNumber string // normalised; "" when confirmed without one
	CarrierCode    string // carrier-code as written
	CarrierName    string // carrier-name as written (used with code Other or empty)
	ShipMethod     string
	ShipDate       Date
	ConfirmedAt    time.Time // when the confirmation was uploaded or last edited
	DeliveredAt    time.Time
	FirstScanAt    time.Time
	// FirstConfirmedAt is when the package was first confirmed: the
	// earliest confirmed-at of its rows, which a re-upload never moves
	// (Late Shipment Rate counts it; docs/rules.md). Zero means the same
	// as ConfirmedAt, as for a package read from one row: see
	// FirstConfirmed.
	FirstConfirmedAt time.Time
}

// FirstConfirmed is when p was first confirmed: FirstConfirmedAt, else
// ConfirmedAt; zero when no row gave a confirmation time.
func (p *Package) FirstConfirmed() time.Time {
	if !p.FirstConfirmedAt.IsZero() {
		return p.FirstConfirmedAt
	}
	return p.ConfirmedAt
}
