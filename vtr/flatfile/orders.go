package flatfile

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
)

// OrderRow is one row of the All Orders report: the order's own fields (an
// order's first row is the one that counts) and one item.
type OrderRow struct {
	Line            int
	Order           vtr.Order // Items is empty; the row's item is Item
	Item            vtr.Item
	ItemCategorySet bool
}

// OrderColumns are the columns an orders file must have.
var orderColumns = []string{"amazon-order-id", "order-status", "fulfillment-channel", "sku", "item-price"}

// orderAliases are other names Amazon's All Orders report gives the same
// columns in some stores (docs/files.md "Other Amazon reports"): the
// Spanish and Dutch reports write quantity-purchased, the Australian one
// fulfilment-channel.
var orderAliases = map[string][]string{
	"quantity":            {"quantity-purchased"},
	"fulfillment-channel": {"fulfilment-channel"},
}

// requireOrderColumns reads the aliases of an orders file, then checks its
// columns.
func requireOrderColumns(r *Reader) error {
	for canonical, names := range orderAliases {
		r.Alias(canonical, names...)
	}
	return r.Require(orderColumns...)
}

// Orders reads a whole All Orders report as orders with their items, in
// the order they first appear: a report has one row per item, and an
// order's own fields come from its first row. defMarket is as for
// ReadOrders.
func Orders(r *Reader, defMarket string) ([]*vtr.Order, error) {
	byID := map[string]*vtr.Order{}
	var list []*vtr.Order
	err := ReadOrders(r, defMarket, func(row OrderRow) error {
		o := byID[row.Order.ID]
		if o == nil {
			o = &row.Order
			byID[o.ID] = o
			list = append(list, o)
		}
		o.Items = append(o.Items, row.Item)
		return nil
	})
	return list, err
}

// OrderRows streams an All Orders report a row at a time: each call of next
// returns the row's order with the row's one item (an order of several
// items comes again for each of its rows), and io.EOF at the end. It is
// the input of store.ImportOrderRows, which groups the rows without holding
// the whole file. defMarket is as for ReadOrders.
func OrderRows(r *Reader, defMarket string) (next func() (*vtr.Order, error), err error) {
	if err := requireOrderColumns(r); err != nil {
		return nil, err
	}
	return func() (*vtr.Order, error) {
		row, err := r.Next()
		if err != nil {
			return nil, err
		}
		o, err := decodeOrderRow(row, defMarket)
		if err != nil {
			return nil, err
		}
		o.Order.Items = []vtr.Item{o.Item}
		return &o.Order, nil
	}, nil
}

// ReadOrders calls fn for each row of an All Orders report (plus the
// optional columns promised-delivery-date, latest-ship-date, category).
// defMarket is the marketplace of rows with an empty sales-channel.
func ReadOrders(r *Reader, defMarket string, fn func(OrderRow) error) error {
	if err := requireOrderColumns(r); err != nil {
		return err
	}
	for {
		row, err := r.Next()
		if err != nil {
			return eofNil(err)
		}
		o, err := decodeOrderRow(row, defMarket)
		if err != nil {
			return err
		}
		if err := fn(o); err != nil {
			return err
		}
	}
}

func decodeOrderRow(row *Row, defMarket string) (OrderRow, error) {
	var o OrderRow
	o.Line = row.Line
	id := row.Get("amazon-order-id")
	if id == "" {
		return o, row.Errorf("amazon-order-id is empty")
	}
	o.Order = vtr.Order{
		ID:                 id,
		SalesChannel:       row.Get("sales-channel"),
		Status:             row.Get("order-status"),
		FulfillmentChannel: row.Get("fulfillment-channel"),
		Currency:           strings.ToUpper(row.Get("currency")),
		ShipCountry:        strings.ToUpper(row.Get("ship-country")),
	}
	o.Order.Marketplace = vtr.MarketplaceOfChannel(o.Order.SalesChannel, defMarket)
	if o.Order.Status == "" {
		return o, row.Errorf("order-status is empty")
	}
	if o.Order.FulfillmentChannel == "" {
		return o, row.Errorf("fulfillment-channel is empty")
	}
	var err error
	if o.Order.PurchaseDate, o.Order.PurchasedAt, err = dateAndTime(row, "purchase-date"); err != nil {
		return o, err
	}
	if o.Order.PromisedDelivery, _, err = dateAndTime(row, "promised-delivery-date"); err != nil {
		return o, err
	}
	if o.Order.LatestShipDate, o.Order.LatestShipAt, err = dateAndTime(row, "latest-ship-date"); err != nil {
		return o, err
	}
	o.Order.BuyerCancelled = isTrue(row.Get("is-buyer-requested-cancellation")) ||
		strings.Contains(strings.ToLower(row.Get("cancellation-reason")), "buyer")
	o.Item = vtr.Item{SKU: row.Get("sku"), Category: row.Get("category"), Status: row.Get("item-status"), Name: row.Get("product-name"), Quantity: 1}
	o.ItemCategorySet = o.Item.Category != ""
	if o.Item.Price, err = amount(row, "item-price"); err != nil {
		return o, err
	}
	if o.Item.Shipping, err = amount(row, "shipping-price"); err != nil {
		return o, err
	}
	if q := row.Get("quantity"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 {
			return o, row.Errorf("quantity %q is not a whole number of at least 1", q)
		}
		o.Item.Quantity = n
	}
	return o, nil
}

// dateAndTime reads a column holding YYYY-MM-DD or a timestamp: the date is
// the timestamp's own date part as written (no zone conversion); the time
// is set when the value is an RFC 3339 timestamp.
func dateAndTime(row *Row, col string) (vtr.Date, time.Time, error) {
	s := row.Get(col)
	if s == "" {
		return vtr.Date{}, time.Time{}, nil
	}
	d, err := vtr.ParseDate(s)
	if err != nil {
		return d, time.Time{}, row.Errorf("%s %q is not a date (want YYYY-MM-DD)", col, s)
	}
	var t time.Time
	if len(s) > 10 {
		if t, err = parseInstant(strings.Replace(s, " ", "T", 1)); err != nil {
			t = time.Time{} // a date with a time but no zone: the date part is enough
		}
	}
	return d, t, nil
}

// timestamp reads an RFC 3339 timestamp with a zone ("" is zero).
func timestamp(row *Row, col string) (time.Time, error) {
	s := row.Get(col)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := parseInstant(s)
	if err != nil {
		return t, row.Errorf("%s %q is not a timestamp (want RFC 3339 with a zone, e.g. 2019-10-11T19:00:00-05:00)", col, s)
	}
	return t, nil
}

// parseInstant reads an RFC 3339 timestamp whose UTC time is within years
// 1..9999: time.Parse accepts a zone offset of +24:00 on 0000-01-01, whose
// UTC form (year -1) no longer sorts or marshals as a timestamp.
func parseInstant(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, err
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return time.Time{}, errors.New("year out of range")
	}
	return t, nil
}

func amount(row *Row, col string) (vtr.Amount, error) {
	s := row.Get(col)
	a, err := vtr.ParseAmount(s)
	if err != nil {
		return 0, row.Errorf("%s %q is not an amount (want a plain decimal such as 12.99)", col, s)
	}
	return a, nil
}

func isTrue(s string) bool {
	switch strings.ToLower(s) {
	case "true", "yes", "y", "1":
		return true
	}
	return false
}

func eofNil(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}
