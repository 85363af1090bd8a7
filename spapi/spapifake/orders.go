package spapifake

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/spapi"
)

// cursor is a search in progress: the ids it found, served a page at a
// time, valid 24 hours as Amazon's nextToken is (docs/amazon.md).
type cursor struct {
	ids     []string
	offset  int
	size    int
	include []string
	expires time.Time
}

// PutOrders adds or replaces orders (by orderId).
func (s *Server) PutOrders(orders ...spapi.Order) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range orders {
		s.orders[o.OrderID] = o
	}
}

// Orders returns the orders held, by id.
func (s *Server) Orders() map[string]spapi.Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]spapi.Order, len(s.orders))
	for k, v := range s.orders {
		out[k] = v
	}
	return out
}

func (s *Server) searchOrders(r *http.Request) (int, any) {
	q := r.URL.Query()
	if tok := q.Get("paginationToken"); tok != "" {
		c := s.cursors[tok]
		if c == nil || !s.Now().Before(c.expires) {
			return badInput("Invalid or expired paginationToken")
		}
		// A token stays valid for its 24 hours, used or not: a client
		// that died before it wrote the page asks for it again.
		return s.page(c)
	}
	created, updated := q.Get("createdAfter"), q.Get("lastUpdatedAfter")
	if (created == "") == (updated == "") {
		return badInput("Exactly one of createdAfter and lastUpdatedAfter must be specified")
	}
	after, err := time.Parse(time.RFC3339, created+updated)
	if err != nil {
		return badInput("createdAfter/lastUpdatedAfter is not ISO 8601")
	}
	var before time.Time
	if b := q.Get("createdBefore") + q.Get("lastUpdatedBefore"); b != "" {
		if before, err = time.Parse(time.RFC3339, b); err != nil {
			return badInput("createdBefore/lastUpdatedBefore is not ISO 8601")
		}
		if before.After(s.Now().Add(-2 * time.Minute)) {
			return badInput("createdBefore/lastUpdatedBefore must be at least 2 minutes before the request time")
		}
	}
	size := 100
	if v := q.Get("maxResultsPerPage"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return badInput("maxResultsPerPage must be 1 to 100")
		}
		size = n
	}
	if s.PageSize > 0 {
		size = min(size, s.PageSize)
	}
	markets, by, statuses := splitList(q.Get("marketplaceIds")), splitList(q.Get("fulfilledBy")), splitList(q.Get("fulfillmentStatuses"))
	type hit struct {
		at time.Time
		id string
	}
	var hits []hit
	for id, o := range s.orders {
		field := o.LastUpdatedTime
		if created != "" {
			field = o.CreatedTime
		}
		t, err := spapi.ParseTime(field)
		if err != nil || t.Before(after) || (!before.IsZero() && !t.Before(before)) {
			continue
		}
		if len(markets) > 0 && !contains(markets, o.SalesChannel.MarketplaceID) {
			continue
		}
		f := o.Fulfillment
		if len(by) > 0 && (f == nil || !contains(by, f.FulfilledBy)) {
			continue
		}
		if len(statuses) > 0 && (f == nil || !contains(statuses, f.FulfillmentStatus)) {
			continue
		}
		hits = append(hits, hit{t, id})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	c := &cursor{size: size, include: splitList(q.Get("includedData")), expires: s.Now().Add(24 * time.Hour)}
	for _, h := range hits {
		c.ids = append(c.ids, h.id)
	}
	status, body := s.page(c)
	if resp, ok := body.(spapi.SearchOrdersResponse); ok {
		if created != "" {
			resp.CreatedBefore = q.Get("createdBefore")
		} else {
			resp.LastUpdatedBefore = q.Get("lastUpdatedBefore")
		}
		body = resp
	}
	return status, body
}

// page serves the next page of a cursor and keeps the rest under a new token.
func (s *Server) page(c *cursor) (int, any) {
	end := min(c.offset+c.size, len(c.ids))
	resp := spapi.SearchOrdersResponse{Orders: []spapi.Order{}}
	for _, id := range c.ids[c.offset:end] {
		if o, ok := s.orders[id]; ok {
			resp.Orders = append(resp.Orders, included(o, c.include))
		}
	}
	if end < len(c.ids) {
		tok := randomHex(24)
		next := *c
		next.offset = end
		s.cursors[tok] = &next
		resp.Pagination = &spapi.Pagination{NextToken: tok}
	}
	return http.StatusOK, resp
}

// included drops what includedData did not ask for.
func included(o spapi.Order, include []string) spapi.Order {
	if !contains(include, "FULFILLMENT") {
		o.Fulfillment = nil
	}
	if !contains(include, "PACKAGES") {
		o.Packages = nil
	}
	if !contains(include, "PROCEEDS") {
		items := slices.Clone(o.OrderItems)
		for i := range items {
			items[i].Proceeds = nil
		}
		o.OrderItems = items
	}
	return o
}

func (s *Server) getOrder(r *http.Request) (int, any) {
	o, ok := s.orders[r.PathValue("orderId")]
	if !ok {
		return http.StatusNotFound, errList("NotFound", "The requested order was not found.", "")
	}
	return http.StatusOK, map[string]any{"order": included(o, splitList(r.URL.Query().Get("includedData")))}
}
