package spapi

import (
	"fmt"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/tracking"
)

// fulfillmentStatuses maps the API's fulfilment status to the All Orders
// report's order-status (docs/amazon.md).
var fulfillmentStatuses = map[string]string{
	"PENDING":              "Pending",
	"PENDING_AVAILABILITY": "PendingAvailability",
	"UNSHIPPED":            "Unshipped",
	"PARTIALLY_SHIPPED":    "PartiallyShipped",
	"SHIPPED":              "Shipped",
	"CANCELLED":            "Cancelled",
	"UNFULFILLABLE":        "Unfulfillable",
}

// scanStatuses are the detailed package statuses only a carrier's physical
// scan can give; PENDING_SCHEDULE, PENDING_PICK_UP, PENDING_DROP_OFF,
// LABEL_CANCELLED and LOST are not scans.
var scanStatuses = map[string]bool{
	"PICKED_UP": true, "DROPPED_OFF": true, "AT_ORIGIN_FC": true, "AT_DESTINATION_FC": true,
	"OUT_FOR_DELIVERY": true, "DELIVERED": true, "REJECTED_BY_BUYER": true, "UNDELIVERABLE": true,
	"RETURNING_TO_SELLER": true, "RETURNED_TO_SELLER": true, "DAMAGED": true,
}

// MapOrder turns an API order into the values the flat files carry
// (docs/amazon.md "From an API order to vtrbot's data"), so that an order
// synced and the same order imported from files reach the same verdict.
// Civil dates (purchase, ship-by, deliver-by, ship date) are taken in loc,
// the marketplace's zone; nil means the zone of the order's marketplace.
// A package whose label was cancelled, or that has neither a ship time nor
// a creation time, is not a shipment and is left out.
func MapOrder(o *Order, loc *time.Location) (*vtr.Order, []vtr.Package, error) {
	if o.OrderID == "" {
		return nil, nil, fmt.Errorf("an order has no orderId")
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("order %s: %s", o.OrderID, fmt.Sprintf(format, args...))
	}
	code := ""
	if !strings.EqualFold(o.SalesChannel.ChannelName, "NON_AMAZON") {
		code = MarketplaceCode(o.SalesChannel.MarketplaceID)
	}
	if loc == nil {
		var err error
		if loc, err = Zone(code); err != nil {
			loc = time.UTC // no marketplace: dates as Amazon writes them
		}
	}
	out := &vtr.Order{ID: o.OrderID}
	if m, ok := vtr.MarketplaceByCode(code); ok {
		out.Marketplace, out.SalesChannel = m.Code, m.Channel
	} else {
		out.SalesChannel = o.SalesChannel.MarketplaceName
		if out.SalesChannel == "" {
			out.SalesChannel = "Non-Amazon"
		}
	}
	created, err := ParseTime(o.CreatedTime)
	if err != nil {
		return nil, nil, bad("createdTime: %v", err)
	}
	out.PurchasedAt = created
	out.PurchaseDate = vtr.DateOf(created.In(loc))
	f := o.Fulfillment
	if f == nil {
		return nil, nil, bad("no fulfillment data (includedData FULFILLMENT)")
	}
	out.Status = fulfillmentStatuses[f.FulfillmentStatus]
	if out.Status == "" {
		out.Status = f.FulfillmentStatus
	}
	switch strings.ToUpper(f.FulfilledBy) {
	case "MERCHANT":
		out.FulfillmentChannel = "Merchant"
	case "AMAZON":
		out.FulfillmentChannel = "Amazon"
	default:
		out.FulfillmentChannel = f.FulfilledBy
	}
	if out.Status == "" || out.FulfillmentChannel == "" {
		return nil, nil, bad("no fulfillment status or fulfilledBy")
	}
	if w := f.DeliverByWindow; w != nil && w.LatestDateTime != "" {
		t, err := ParseTime(w.LatestDateTime)
		if err != nil {
			return nil, nil, bad("deliverByWindow: %v", err)
		}
		out.PromisedDelivery = vtr.DateOf(t.In(loc))
	}
	if w := f.ShipByWindow; w != nil && w.LatestDateTime != "" {
		t, err := ParseTime(w.LatestDateTime)
		if err != nil {
			return nil, nil, bad("shipByWindow: %v", err)
		}
		out.LatestShipAt = t
		out.LatestShipDate = vtr.DateOf(t.In(loc))
	}
	for _, it := range o.OrderItems {
		item := vtr.Item{SKU: it.Product.SellerSKU, Quantity: it.QuantityOrdered, Name: it.Product.Title}
		if p := it.Product.Price; p != nil && p.UnitPrice != nil {
			unit, err := vtr.ParseAmount(string(p.UnitPrice.Amount))
			if err != nil {
				return nil, nil, bad("item %s price: %v", it.OrderItemID, err)
			}
			item.Price = unit * vtr.Amount(max(it.QuantityOrdered, 0))
			if out.Currency == "" {
				out.Currency = strings.ToUpper(p.UnitPrice.CurrencyCode)
			}
		}
		// Shipping is the SHIPPING part of the item's proceeds; never
		// proceedsTotal, which includes tax.
		if it.Proceeds != nil {
			for _, b := range it.Proceeds.Breakdowns {
				if !strings.EqualFold(b.Type, "SHIPPING") {
					continue
				}
				a, err := vtr.ParseAmount(string(b.Subtotal.Amount))
				if err != nil {
					return nil, nil, bad("item %s shipping: %v", it.OrderItemID, err)
				}
				item.Shipping += a
				if out.Currency == "" {
					out.Currency = strings.ToUpper(b.Subtotal.CurrencyCode)
				}
			}
		}
		out.Items = append(out.Items, item)
	}
	var pkgs []vtr.Package
	for _, p := range o.Packages {
		pk, ok, err := mapPackage(o.OrderID, &p, loc)
		if err != nil {
			return nil, nil, bad("package %s: %v", p.PackageReferenceID, err)
		}
		if ok {
			pkgs = append(pkgs, pk)
		}
	}
	return out, pkgs, nil
}

// mapPackage turns one API package into a shipment confirmation. ok is
// false for a package that is not a shipment (label cancelled, no time).
func mapPackage(orderID string, p *OrderPackage, loc *time.Location) (vtr.Package, bool, error) {
	var status, detail string
	if p.PackageStatus != nil {
		status, detail = strings.ToUpper(p.PackageStatus.Status), strings.ToUpper(p.PackageStatus.DetailedStatus)
	}
	if status == "CANCELLED" || detail == "LABEL_CANCELLED" {
		return vtr.Package{}, false, nil
	}
	pk := vtr.Package{OrderID: orderID, TrackingNumber: vtr.NormalizeTracking(strings.TrimSpace(p.TrackingNumber)),
		ShipMethod: strings.TrimSpace(p.ShippingService)}
	// A carrier the registry knows is a carrier-code; any other text is a
	// carrier-name typed with the code Other.
	if c := strings.TrimSpace(p.Carrier); c != "" {
		if _, known := tracking.Lookup(c); known {
			pk.CarrierCode = c
		} else {
			pk.CarrierCode, pk.CarrierName = "Other", c
		}
	}
	var created, shipped time.Time
	var err error
	if p.CreatedTime != "" {
		if created, err = ParseTime(p.CreatedTime); err != nil {
			return pk, false, fmt.Errorf("createdTime: %v", err)
		}
	}
	if p.ShipTime != "" {
		if shipped, err = ParseTime(p.ShipTime); err != nil {
			return pk, false, fmt.Errorf("shipTime: %v", err)
		}
	}
	when := shipped
	if when.IsZero() {
		when = created
	}
	if when.IsZero() {
		return pk, false, nil
	}
	pk.ShipDate = vtr.DateOf(when.In(loc))
	pk.ConfirmedAt = created
	// A scan or a delivery is known but not its time: it is recorded as a
	// first scan at the ship time, the earliest it can have been. The
	// delivery time stays unknown (no delivered-at), so nothing is judged
	// delivered on time or uploaded after delivery on a guess.
	if status == "IN_TRANSIT" || status == "DELIVERED" || scanStatuses[detail] {
		pk.FirstScanAt = when
	}
	return pk, true, nil
}
