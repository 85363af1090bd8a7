// Command sync measures `bot sync` against the stand-in (spapifake):
// N orders (default 20,000) of one package each, synced into a fresh
// database with a generous x-amzn-RateLimit-Limit, as one first pass.
// It prints the wall time, the peak RSS and the share of the time spent
// waiting on the rate limiter (docs/benchmarks.md).
//
//	go run ./bench/sync [-orders 20000] [-limit 50] [-db postgres://...]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/spapi"
	"github.com/vtrbot/vtrbot/spapi/spapifake"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

func main() {
	n := flag.Int("orders", 20000, "orders the stand-in holds")
	limit := flag.String("limit", "50", "x-amzn-RateLimit-Limit the stand-in sends for searchOrders (requests per second)")
	db := flag.String("db", "", "database (default: a SQLite file in a temporary directory)")
	flag.Parse()
	if err := run(*n, *limit, *db); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(n int, limit, db string) error {
	ctx := context.Background()
	if db == "" {
		dir, err := os.MkdirTemp("", "vtrbot-bench-sync")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		db = filepath.Join(dir, "vtrbot.db")
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f := spapifake.New(nil)
	defer f.Close()
	f.Now = func() time.Time { return now }
	f.SetRateLimit("searchOrders", limit)
	f.ReportPlan(spapi.ReportDone)
	f.SetPerformanceReport(spapifake.PerformanceDoc("ATVPDKIKX0DER", "2026-01-15T00:00Z", "2026-02-14T23:59Z", 9500, 10000, 0.95, "GOOD"))
	f.PutOrders(orders(n, now)...)

	s, err := store.Open(ctx, db, store.Options{Rules: vtr.DefaultRules("US")})
	if err != nil {
		return err
	}
	defer s.Close()
	c := &spapi.Client{Endpoint: f.URL, RefreshToken: f.RefreshToken(),
		Auth: &spapi.LWA{URL: f.LWAURL(), ClientID: f.ClientID, ClientSecret: f.ClientSecret, Now: func() time.Time { return now }}}
	sy := &commands.Syncer{Store: s, Clients: map[string]*spapi.Client{"US": c}, Markets: []string{"US"}, Since: 60,
		Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)}
	start := time.Now()
	res, err := sy.Run(ctx, commands.SyncOptions{})
	wall := time.Since(start)
	if err != nil {
		return err
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	st := c.Stats()
	m := res[0]
	fmt.Printf("database        %s\n", store.Redacted(db))
	fmt.Printf("orders synced   %d (%d new), packages %d, pages %d, API calls %d\n", m.Orders, m.NewOrders, m.NewPackages, m.Pages, st.Calls)
	fmt.Printf("wall time       %.2f s (%.0f orders/s)\n", wall.Seconds(), float64(m.Orders)/wall.Seconds())
	fmt.Printf("limiter wait    %.2f s = %.0f%% of the wall time (rate %s/s, burst 20)\n", st.LimiterWait.Seconds(),
		100*st.LimiterWait.Seconds()/wall.Seconds(), limit)
	fmt.Printf("peak RSS        %.0f MB (stand-in and its %d orders included)\n", float64(ru.Maxrss)/1024, n)
	return nil
}

// orders are n shipped US merchant orders of the last 50 days, each with
// two items and one delivered USPS package.
func orders(n int, now time.Time) []spapi.Order {
	out := make([]spapi.Order, n)
	for i := range out {
		at := now.Add(-50 * 24 * time.Hour).Add(time.Duration(i) * 50 * 24 * time.Hour / time.Duration(n)).Format(time.RFC3339)
		due := now.Add(-45 * 24 * time.Hour).Add(time.Duration(i) * 50 * 24 * time.Hour / time.Duration(n)).Format(time.RFC3339)
		out[i] = spapi.Order{OrderID: fmt.Sprintf("113-%07d-%07d", i, i*7%9999991), CreatedTime: at, LastUpdatedTime: at,
			SalesChannel: spapi.SalesChannel{ChannelName: "AMAZON", MarketplaceID: "ATVPDKIKX0DER"},
			Fulfillment: &spapi.OrderFulfillment{FulfillmentStatus: "SHIPPED", FulfilledBy: "MERCHANT",
				ShipByWindow: &spapi.DateTimeRange{LatestDateTime: at}, DeliverByWindow: &spapi.DateTimeRange{LatestDateTime: due}},
			OrderItems: []spapi.OrderItem{
				{OrderItemID: "1", QuantityOrdered: 1, Product: spapi.ItemProduct{SellerSKU: fmt.Sprint("CD-", i%300), Title: "A record",
					Price: &spapi.ItemPrice{UnitPrice: &spapi.Money{Amount: "12.99", CurrencyCode: "USD"}}},
					Proceeds: &spapi.ItemProceeds{Breakdowns: []spapi.ItemProceedsBreakdown{{Type: "SHIPPING", Subtotal: spapi.Money{Amount: "3.99", CurrencyCode: "USD"}}}}},
				{OrderItemID: "2", QuantityOrdered: 2, Product: spapi.ItemProduct{SellerSKU: fmt.Sprint("BK-", i%50), Title: "A book",
					Price: &spapi.ItemPrice{UnitPrice: &spapi.Money{Amount: "4.50", CurrencyCode: "USD"}}}},
			},
			Packages: []spapi.OrderPackage{{PackageReferenceID: "1", CreatedTime: at, ShipTime: at, Carrier: "USPS",
				ShippingService: "First-Class Package Service", TrackingNumber: fmt.Sprintf("9400111899223%09d", i),
				PackageStatus: &spapi.PackageStatus{Status: "DELIVERED"}}}}
	}
	return out
}
