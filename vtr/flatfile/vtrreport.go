package flatfile

import (
	"strings"

	"github.com/vtrbot/vtrbot/vtr"
)

// ReportRow is one row of Amazon's Valid Tracking report: Amazon's own
// verdict on one package, used as scan evidence.
type ReportRow struct {
	Line             int
	OrderID          string
	TrackingNumber   string // normalised
	CarrierName      string
	ShipMethod       string
	PromisedDelivery vtr.Date
	Category         string
	Value            string // package value as written
	Valid            bool   // Amazon counted the tracking as valid (a scan was seen)
}

// ReadVTRReport calls fn for each row of a Valid Tracking report (CSV or
// TSV). Headers are matched leniently (case, spaces, dashes and underscores
// ignored): Order ID, Tracking ID, Carrier Name, Promised Delivery Date, Ship
// Method, Package Value, Product Category, and the verdict, either "No Valid
// Tracking" (X marks a failure; older files) or "Has Valid Tracking Number"
// (Yes/No; newer files).
func ReadVTRReport(r *Reader, fn func(ReportRow) error) error {
	col := func(names ...string) string {
		for _, n := range names {
			for h := range r.cols {
				if squash(h) == n {
					return h
				}
			}
		}
		return ""
	}
	orderCol := col("orderid", "amazonorderid")
	trackCol := col("trackingid", "trackingnumber", "trackingno")
	noValid := col("novalidtracking")
	hasValid := col("hasvalidtrackingnumber", "hasvalidtracking", "validtracking")
	switch {
	case orderCol == "":
		return &Error{r.name, 1, `missing column "Order ID"`}
	case noValid == "" && hasValid == "":
		return &Error{r.name, 1, `missing column "Has Valid Tracking Number" (or "No Valid Tracking")`}
	}
	carrierCol, methodCol := col("carriername", "carrier"), col("shipmethod", "shippingmethod")
	pddCol, catCol, valCol := col("promiseddeliverydate", "pdd"), col("productcategory", "category"), col("packagevalue")
	for {
		row, err := r.Next()
		if err != nil {
			return eofNil(err)
		}
		rr := ReportRow{Line: row.Line, OrderID: row.Get(orderCol), TrackingNumber: vtr.NormalizeTracking(row.Get(trackCol)),
			CarrierName: row.Get(carrierCol), ShipMethod: row.Get(methodCol), Category: row.Get(catCol), Value: row.Get(valCol)}
		if rr.OrderID == "" {
			return row.Errorf("Order ID is empty")
		}
		if s := row.Get(pddCol); s != "" {
			d, err := vtr.ParseDate(s)
			if err != nil {
				d, err = parseSlashDate(s)
			}
			if err != nil {
				return row.Errorf("Promised Delivery Date %q is not a date (want YYYY-MM-DD or MM/DD/YYYY)", s)
			}
			rr.PromisedDelivery = d
		}
		if hasValid != "" {
			v := strings.ToLower(row.Get(hasValid))
			switch v {
			case "yes", "y", "true", "1":
				rr.Valid = true
			case "no", "n", "false", "0":
			default:
				return row.Errorf("Has Valid Tracking Number %q: want Yes or No", row.Get(hasValid))
			}
		} else {
			rr.Valid = strings.TrimSpace(row.Get(noValid)) == ""
		}
		if err := fn(rr); err != nil {
			return err
		}
	}
}

func squash(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// parseSlashDate reads the US form MM/DD/YYYY that Seller Central downloads use.
func parseSlashDate(s string) (vtr.Date, error) {
	var m, d, y int
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return vtr.Date{}, errBadDate
	}
	for i, p := range parts {
		n := 0
		for _, c := range p {
			if c < '0' || c > '9' {
				return vtr.Date{}, errBadDate
			}
			n = n*10 + int(c-'0')
		}
		switch i {
		case 0:
			m = n
		case 1:
			d = n
		case 2:
			y = n
		}
	}
	return vtr.ParseDate(formatYMD(y, m, d))
}
