package flatfile

import (
	"fmt"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
)

// OrdersKind is which Amazon report an orders file is, told by its header
// (docs/files.md "Other Amazon reports with the same dates").
type OrdersKind int

const (
	// AllOrders is the All Orders report (amazon-order-id): it creates
	// and updates orders.
	AllOrders OrdersKind = iota
	// OrderReport is the Order Report of seller-fulfilled orders
	// (order-id with latest-ship-date or latest-delivery-date): it only
	// fills the dates of orders already imported.
	OrderReport
)

// Refused is a file vtrbot will not read because what one of its columns
// means is not documented by any source the project could read: reading
// it would be a guess. It prints as FILE:LINE: why, like Error; a command
// answers it as a usage error (exit 2), since no row of the file is wrong.
type Refused struct {
	File string
	Line int
	Msg  string
}

func (e *Refused) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// refusedColumns are columns of Amazon reports whose meaning no Amazon
// page this project could read documents, by the report they mark: the
// Unshipped Orders report lists promise-date and days-past-promise
// (developer-docs.amazon.com/sp-api/docs/order-reports-attributes,
// GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING) but says nowhere whether
// the promise is a ship-by or a deliver-by date.
var refusedColumns = []struct{ column, report string }{
	{"promise-date", "the Unshipped Orders report"},
	{"days-past-promise", "the Unshipped Orders report"},
}

// OrderReportDates are the Order Report's date columns and what they are
// read as: latest-ship-date is the order's ship-by date, latest-delivery-
// date its promised delivery date, the ends of the order's shipping and
// delivery windows that the Orders API calls LatestShipDate and
// LatestDeliveryDate (docs/files.md).
var OrderReportDates = []Optional{
	{[]string{"latest-delivery-date"}, "the promised delivery dates of these orders are not filled"},
	{[]string{"latest-ship-date"}, "the ship-by dates of these orders are not filled"},
}

// KindOfOrders tells an orders file's report by its header: the All Orders
// report, the Order Report, or a report vtrbot refuses (*Refused at line
// 1). A header that is none of them is read as the All Orders report, whose
// required columns then name what is missing.
func KindOfOrders(r *Reader) (OrdersKind, error) {
	if r.Has("amazon-order-id") {
		return AllOrders, nil
	}
	for _, c := range refusedColumns {
		if r.Has(c.column) {
			return 0, &Refused{r.name, 1, fmt.Sprintf("this looks like %s (column %s): Amazon's pages do not say what its %s means "+
				"(a ship-by or a deliver-by date), so vtrbot does not read the file; import the Order Report or the All Orders report "+
				"(docs/files.md)", c.report, c.column, c.column)}
		}
	}
	if r.Has("order-id") {
		if len(r.Missing(OrderReportDates)) == len(OrderReportDates) {
			return 0, &Refused{r.name, 1, "an Order Report (order-id) without latest-ship-date or latest-delivery-date " +
				"has no dates for vtrbot and no order status: import the All Orders report for orders (docs/files.md)"}
		}
		return OrderReport, nil
	}
	return AllOrders, nil
}

// OrderDates are one order's dates from the Order Report.
type OrderDates struct {
	Line             int // the first row of the order with a date
	OrderID          string
	PromisedDelivery vtr.Date  // latest-delivery-date
	LatestShipDate   vtr.Date  // latest-ship-date
	LatestShipAt     time.Time // latest-ship-date, when a timestamp with a zone
}

// ReadOrderDates reads an Order Report as the dates of its orders, one
// OrderDates per order in the order they first appear. A report has a
// row per item, and rows that continue an order leave most columns blank:
// an order's dates are those of its first row that has any, and a row
// without an order-id continues the order before it. A timestamp with a
// zone is read as the date it is in zone (the marketplace's time zone, as
// bot sync reads the same dates); a date alone as written.
func ReadOrderDates(r *Reader, zone *time.Location) ([]OrderDates, error) {
	if err := r.Require("order-id"); err != nil {
		return nil, err
	}
	byID := map[string]int{}
	var out []OrderDates
	for {
		row, err := r.Next()
		if err != nil {
			return out, eofNil(err)
		}
		id := row.Get("order-id")
		if id == "" {
			continue // a continuation row
		}
		var d OrderDates
		d.Line, d.OrderID = row.Line, id
		if d.PromisedDelivery, err = zonedDate(row, "latest-delivery-date", zone, nil); err != nil {
			return nil, err
		}
		if d.LatestShipDate, err = zonedDate(row, "latest-ship-date", zone, &d.LatestShipAt); err != nil {
			return nil, err
		}
		i, seen := byID[id]
		if !seen {
			byID[id] = len(out)
			out = append(out, d)
			continue
		}
		o := &out[i]
		if o.PromisedDelivery.IsZero() {
			o.PromisedDelivery = d.PromisedDelivery
		}
		if o.LatestShipDate.IsZero() {
			o.LatestShipDate, o.LatestShipAt = d.LatestShipDate, d.LatestShipAt
		}
	}
}

// zonedDate reads col as a date: a timestamp with a zone is the date it is
// in zone (and *at is set to it when at is not nil); YYYY-MM-DD, or a
// timestamp without a zone, is the date as written.
func zonedDate(row *Row, col string, zone *time.Location, at *time.Time) (vtr.Date, error) {
	d, t, err := dateAndTime(row, col)
	if err != nil || t.IsZero() {
		return d, err
	}
	if at != nil {
		*at = t
	}
	if zone == nil {
		return d, nil
	}
	return vtr.DateOf(t.In(zone)), nil
}
