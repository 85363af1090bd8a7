package flatfile

import (
	"strconv"

	"github.com/vtrbot/vtrbot/vtr"
)

// ShipmentRow is one row of a shipping-confirmation file.
type ShipmentRow struct {
	Line    int
	Package vtr.Package
}

var shipmentColumns = []string{"order-id", "ship-date", "carrier-code", "tracking-number"}

// ReadShipments calls fn for each row of a shipping-confirmation file (plus
// the optional columns confirmed-at, delivered-at, first-scan-at). The
// tracking number is normalised.
func ReadShipments(r *Reader, fn func(ShipmentRow) error) error {
	if err := r.Require(shipmentColumns...); err != nil {
		return err
	}
	for {
		row, err := r.Next()
		if err != nil {
			return eofNil(err)
		}
		s, err := DecodeShipment(row)
		if err != nil {
			return err
		}
		if err := fn(s); err != nil {
			return err
		}
	}
}

// Packages checks the columns of a shipping-confirmation file and returns
// a function that decodes its next row, as store.ImportShipments streams
// them: the package (valid until the next call) or io.EOF after the last
// row. Nothing is read ahead, so a million-row file is never in memory.
func Packages(r *Reader) (next func() (*vtr.Package, error), err error) {
	if err := r.Require(shipmentColumns...); err != nil {
		return nil, err
	}
	var p vtr.Package
	return func() (*vtr.Package, error) {
		row, err := r.Next()
		if err != nil {
			return nil, err
		}
		s, err := DecodeShipment(row)
		if err != nil {
			return nil, err
		}
		p = s.Package
		return &p, nil
	}, nil
}

// DecodeShipment decodes one row of a reader whose columns were checked
// with Require; ReadShipments is the simple way.
func DecodeShipment(row *Row) (ShipmentRow, error) {
	s := ShipmentRow{Line: row.Line}
	p := &s.Package
	if p.OrderID = row.Get("order-id"); p.OrderID == "" {
		return s, row.Errorf("order-id is empty")
	}
	sd := row.Get("ship-date")
	if sd == "" {
		return s, row.Errorf("ship-date is empty (want YYYY-MM-DD)")
	}
	d, err := vtr.ParseDate(sd)
	if err != nil {
		return s, row.Errorf("ship-date %q is not a date (want YYYY-MM-DD)", sd)
	}
	p.ShipDate = d
	p.CarrierCode = row.Get("carrier-code")
	p.CarrierName = row.Get("carrier-name")
	p.ShipMethod = row.Get("ship-method")
	p.TrackingNumber = vtr.NormalizeTracking(row.Get("tracking-number"))
	if q := row.Get("quantity"); q != "" {
		if n, err := strconv.Atoi(q); err != nil || n < 1 {
			return s, row.Errorf("quantity %q is not a whole number of at least 1", q)
		}
	}
	if p.ConfirmedAt, err = timestamp(row, "confirmed-at"); err != nil {
		return s, err
	}
	if p.DeliveredAt, err = timestamp(row, "delivered-at"); err != nil {
		return s, err
	}
	if p.FirstScanAt, err = timestamp(row, "first-scan-at"); err != nil {
		return s, err
	}
	return s, nil
}
