package store

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vtrbot/vtrbot/vtr"
)

// Text that reaches a TEXT column must be UTF-8 without NUL bytes:
// PostgreSQL refuses anything else (and fails the whole transaction, naming
// no row), while SQLite stores it as it is, so the same file would give a
// database of mojibake on one and an error on the other. The imports check
// every value first, so both give the same EINVALID error naming the
// record. (vtr/flatfile already stops such a file at its line; this is for
// every other caller.)

// textError returns an EINVALID error when one of the field/value pairs is
// not text, naming what (the record) and the field.
func textError(what string, pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		v := pairs[i+1]
		switch {
		case !utf8.ValidString(v):
			return vtr.Errorf(vtr.EINVALID, "%s: %s %s is not UTF-8 text", what, pairs[i], clipQuote(v))
		case strings.IndexByte(v, 0) >= 0:
			return vtr.Errorf(vtr.EINVALID, "%s: %s %s holds a NUL byte", what, pairs[i], clipQuote(v))
		}
	}
	return nil
}

func clipQuote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return fmt.Sprintf("%q", s)
}

func orderText(o *vtr.Order) error {
	what := fmt.Sprintf("order %q", o.ID)
	if err := textError(what, "amazon-order-id", o.ID, "sales-channel", o.SalesChannel, "order-status", o.Status,
		"fulfillment-channel", o.FulfillmentChannel, "currency", o.Currency, "ship-country", o.ShipCountry); err != nil {
		return err
	}
	for _, it := range o.Items {
		if err := textError(what, "sku", it.SKU, "category", it.Category, "item-status", it.Status, "product-name", it.Name); err != nil {
			return err
		}
	}
	return nil
}

func packageText(p *vtr.Package) error {
	return textError(fmt.Sprintf("package of order %q", p.OrderID), "order-id", p.OrderID, "tracking-number", p.TrackingNumber,
		"carrier-code", p.CarrierCode, "carrier-name", p.CarrierName, "ship-method", p.ShipMethod)
}

// checked returns next with every value it returns checked by check.
func checked[T any](next func() (T, error), check func(T) error) func() (T, error) {
	return func() (T, error) {
		v, err := next()
		if err == nil {
			if err = check(v); err != nil {
				var zero T
				return zero, err
			}
		}
		return v, err
	}
}
