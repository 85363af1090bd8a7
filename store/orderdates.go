package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// OrderDates are dates another Amazon report carries for an order already
// imported (the Order Report's latest-ship-date and latest-delivery-date,
// docs/files.md "Other Amazon reports with the same dates"). A zero field
// leaves the stored value as it is.
type OrderDates struct {
	OrderID          string
	PromisedDelivery vtr.Date
	LatestShipDate   vtr.Date
	LatestShipAt     time.Time
}

// DatesSummary says what SetOrderDates did.
type DatesSummary struct {
	Orders  int // orders of the file
	Changed int // stored orders whose dates changed
	Unknown int // orders not in the database (import the All Orders report first)
}

// SetOrderDates fills the promised delivery and ship-by dates of stored
// orders in one transaction, and reclassifies the packages of the orders
// it changed: with a promised delivery date a package's window is the day
// it was due, as Amazon keys it, not its ship date. Orders the database
// does not hold are counted, not created: these reports carry no order
// status nor fulfillment channel. An All Orders import afterwards keeps
// the dates (ImportOrderRows keeps a stored date its file leaves empty).
func (s *Store) SetOrderDates(ctx context.Context, dates []OrderDates) (DatesSummary, error) {
	sum := DatesSummary{Orders: len(dates)}
	for _, d := range dates {
		if err := textError(fmt.Sprintf("order %q", d.OrderID), "order-id", d.OrderID); err != nil {
			return sum, err
		}
	}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		ids := make([]string, len(dates))
		for i, d := range dates {
			ids[i] = d.OrderID
		}
		stored, err := s.rawOrders(ctx, tx, ids)
		if err != nil {
			return err
		}
		var touched []string
		for _, d := range dates {
			old := stored[d.OrderID]
			if old == nil {
				sum.Unknown++
				continue
			}
			o := *old
			if !d.PromisedDelivery.IsZero() {
				o.PromisedDelivery = d.PromisedDelivery
			}
			if !d.LatestShipDate.IsZero() {
				o.LatestShipDate, o.LatestShipAt = d.LatestShipDate, d.LatestShipAt
			}
			if o.PromisedDelivery == old.PromisedDelivery && o.LatestShipDate == old.LatestShipDate &&
				fmtTime(o.LatestShipAt) == fmtTime(old.LatestShipAt) {
				continue
			}
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE orders SET promised_delivery = ?, latest_ship_date = ?, latest_ship_at = ?
				WHERE account = ? AND order_id = ?`), dateString(o.PromisedDelivery), dateString(o.LatestShipDate), fmtTime(o.LatestShipAt),
				s.account, o.ID); err != nil {
				return fmt.Errorf("set the dates of order %s: %w", o.ID, err)
			}
			sum.Changed++
			touched = append(touched, o.ID)
			stored[o.ID] = &o // an order named twice is compared with its new dates
		}
		return s.reclassify(ctx, tx, touched)
	})
	return sum, err
}

// keepDates copies into o, an order of an All Orders file, the dates of
// the stored old that the file leaves empty: the All Orders report has no
// promised delivery nor ship-by date (docs/files.md), and a re-import must
// not wipe the ones SetOrderDates or bot sync stored.
func keepDates(o, old *vtr.Order) {
	if o.PromisedDelivery.IsZero() {
		o.PromisedDelivery = old.PromisedDelivery
	}
	if o.LatestShipDate.IsZero() {
		o.LatestShipDate, o.LatestShipAt = old.LatestShipDate, old.LatestShipAt
	}
}
