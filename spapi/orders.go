package spapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// IncludedData is what vtrbot asks searchOrders and getOrder to add to each
// order: fulfilment (status, windows), packages (carrier, tracking, ship
// time, status) and proceeds (item shipping).
var IncludedData = []string{"FULFILLMENT", "PACKAGES", "PROCEEDS"}

// Order is an order of the Orders API v2026-01-01, typed for the fields
// vtrbot reads. Times are kept as Amazon writes them (ISO 8601) and read
// by the mapping, so that one odd value names its order instead of
// failing a whole page.
type Order struct {
	OrderID         string            `json:"orderId"`
	CreatedTime     string            `json:"createdTime"`
	LastUpdatedTime string            `json:"lastUpdatedTime"`
	SalesChannel    SalesChannel      `json:"salesChannel"`
	Fulfillment     *OrderFulfillment `json:"fulfillment,omitempty"`
	OrderItems      []OrderItem       `json:"orderItems"`
	Packages        []OrderPackage    `json:"packages,omitempty"`
}

// SalesChannel says where an order was placed.
type SalesChannel struct {
	ChannelName     string `json:"channelName"` // AMAZON, NON_AMAZON
	MarketplaceID   string `json:"marketplaceId,omitempty"`
	MarketplaceName string `json:"marketplaceName,omitempty"`
}

// OrderFulfillment is how an order is being fulfilled.
type OrderFulfillment struct {
	FulfillmentStatus string         `json:"fulfillmentStatus"`     // PENDING, UNSHIPPED, SHIPPED, CANCELLED, ...
	FulfilledBy       string         `json:"fulfilledBy,omitempty"` // MERCHANT, AMAZON
	ShipByWindow      *DateTimeRange `json:"shipByWindow,omitempty"`
	DeliverByWindow   *DateTimeRange `json:"deliverByWindow,omitempty"`
}

// DateTimeRange is a window of time.
type DateTimeRange struct {
	EarliestDateTime string `json:"earliestDateTime,omitempty"`
	LatestDateTime   string `json:"latestDateTime,omitempty"`
}

// OrderItem is one line of an order.
type OrderItem struct {
	OrderItemID     string        `json:"orderItemId"`
	QuantityOrdered int           `json:"quantityOrdered"`
	Product         ItemProduct   `json:"product"`
	Proceeds        *ItemProceeds `json:"proceeds,omitempty"`
}

// ItemProduct is the product of an order item.
type ItemProduct struct {
	ASIN      string     `json:"asin,omitempty"`
	Title     string     `json:"title,omitempty"`
	SellerSKU string     `json:"sellerSku,omitempty"`
	Price     *ItemPrice `json:"price,omitempty"`
}

// ItemPrice is an item's price per unit.
type ItemPrice struct {
	UnitPrice *Money `json:"unitPrice,omitempty"`
}

// ItemProceeds is what the seller receives for an item (with PROCEEDS).
type ItemProceeds struct {
	ProceedsTotal *Money                  `json:"proceedsTotal,omitempty"`
	Breakdowns    []ItemProceedsBreakdown `json:"breakdowns,omitempty"`
}

// ItemProceedsBreakdown is one part of an item's proceeds: ITEM, SHIPPING,
// GIFT_WRAP, TAX, ...
type ItemProceedsBreakdown struct {
	Type     string `json:"type"`
	Subtotal Money  `json:"subtotal"`
}

// Money is an amount with its currency. The model types amounts as decimal
// strings; a JSON number is accepted too.
type Money struct {
	Amount       Decimal `json:"amount"`
	CurrencyCode string  `json:"currencyCode"`
}

// Decimal is a decimal amount as text ("12.99").
type Decimal string

// UnmarshalJSON accepts "12.99" and 12.99.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = Decimal(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*d = Decimal(n.String())
	return nil
}

// OrderPackage is one package of a merchant-fulfilled order.
type OrderPackage struct {
	PackageReferenceID string         `json:"packageReferenceId"`
	CreatedTime        string         `json:"createdTime,omitempty"`
	PackageStatus      *PackageStatus `json:"packageStatus,omitempty"`
	Carrier            string         `json:"carrier,omitempty"`
	ShipTime           string         `json:"shipTime,omitempty"`
	ShippingService    string         `json:"shippingService,omitempty"`
	TrackingNumber     string         `json:"trackingNumber,omitempty"`
	PackageItems       []PackageItem  `json:"packageItems,omitempty"`
}

// PackageStatus is where a package is.
type PackageStatus struct {
	Status         string `json:"status"` // PENDING, IN_TRANSIT, SHIPPED, DELIVERED, CANCELLED, UNDELIVERABLE
	DetailedStatus string `json:"detailedStatus,omitempty"`
}

// PackageItem is an order item in a package.
type PackageItem struct {
	OrderItemID string `json:"orderItemId"`
	Quantity    int    `json:"quantity"`
}

// SearchOrdersResponse is one page of searchOrders.
type SearchOrdersResponse struct {
	Orders            []Order     `json:"orders"`
	Pagination        *Pagination `json:"pagination,omitempty"`
	LastUpdatedBefore string      `json:"lastUpdatedBefore,omitempty"`
	CreatedBefore     string      `json:"createdBefore,omitempty"`
}

// Pagination holds the token of the next page.
type Pagination struct {
	NextToken string `json:"nextToken,omitempty"`
}

// NextToken returns the next page's token, "" on the last page.
func (r *SearchOrdersResponse) NextToken() string {
	if r.Pagination == nil {
		return ""
	}
	return r.Pagination.NextToken
}

// SearchOrdersQuery selects orders. Exactly one of CreatedAfter and
// LastUpdatedAfter must be set; a "before" must be at least two minutes
// before the request. PaginationToken, when set, continues an earlier
// search (Amazon wants the same filters with it).
type SearchOrdersQuery struct {
	CreatedAfter, CreatedBefore         time.Time
	LastUpdatedAfter, LastUpdatedBefore time.Time
	MarketplaceIDs                      []string
	FulfilledBy                         []string // MERCHANT, AMAZON
	FulfillmentStatuses                 []string
	MaxResultsPerPage                   int // up to 100
	PaginationToken                     string
	IncludedData                        []string // IncludedData when nil
}

func (q SearchOrdersQuery) values() url.Values {
	v := url.Values{}
	ts := func(name string, t time.Time) {
		if !t.IsZero() {
			v.Set(name, t.UTC().Format(time.RFC3339))
		}
	}
	list := func(name string, s []string) {
		if len(s) > 0 {
			v.Set(name, strings.Join(s, ","))
		}
	}
	ts("createdAfter", q.CreatedAfter)
	ts("createdBefore", q.CreatedBefore)
	ts("lastUpdatedAfter", q.LastUpdatedAfter)
	ts("lastUpdatedBefore", q.LastUpdatedBefore)
	list("marketplaceIds", q.MarketplaceIDs)
	list("fulfilledBy", q.FulfilledBy)
	list("fulfillmentStatuses", q.FulfillmentStatuses)
	if q.MaxResultsPerPage > 0 {
		v.Set("maxResultsPerPage", strconv.Itoa(q.MaxResultsPerPage))
	}
	if q.PaginationToken != "" {
		v.Set("paginationToken", q.PaginationToken)
	}
	inc := q.IncludedData
	if inc == nil {
		inc = IncludedData
	}
	list("includedData", inc)
	return v
}

// SearchOrders returns one page of orders.
func (c *Client) SearchOrders(ctx context.Context, q SearchOrdersQuery) (*SearchOrdersResponse, error) {
	var out SearchOrdersResponse
	if err := c.do(ctx, opSearchOrders, http.MethodGet, "/orders/2026-01-01/orders", q.values(), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetOrder returns one order with IncludedData (or what included names).
func (c *Client) GetOrder(ctx context.Context, orderID string, included ...string) (*Order, error) {
	if included == nil {
		included = IncludedData
	}
	var out struct {
		Order Order `json:"order"`
	}
	q := url.Values{"includedData": {strings.Join(included, ",")}}
	if err := c.do(ctx, opGetOrder, http.MethodGet, "/orders/2026-01-01/orders/"+url.PathEscape(orderID), q, nil, &out); err != nil {
		return nil, err
	}
	return &out.Order, nil
}
