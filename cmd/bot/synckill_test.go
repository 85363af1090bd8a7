package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/spapi"
	"github.com/vtrbot/vtrbot/spapi/spapifake"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
)

// Sizes of the killed-sync test: 30 pages of 20 orders, the first process
// killed after it committed at least killAfter pages, and never allowed
// past page holdAt (so a fast child cannot finish before the kill).
const (
	killOrders = 600
	killPage   = 20
	killAfter  = 4
	holdAt     = 25
)

// killOrdersList is a seller's orders of the month before testEnv's clock,
// each with an item and a package.
func killOrdersList() []spapi.Order {
	var orders []spapi.Order
	start := time.Date(2019, 11, 4, 0, 0, 0, 0, time.UTC)
	for i := range killOrders {
		at := start.Add(time.Duration(i) * time.Hour).Format(time.RFC3339)
		shipped := start.Add(time.Duration(i)*time.Hour + 20*time.Hour).Format(time.RFC3339)
		orders = append(orders, spapi.Order{OrderID: fmt.Sprintf("112-%07d-7654321", i), CreatedTime: at, LastUpdatedTime: shipped,
			SalesChannel: spapi.SalesChannel{ChannelName: "AMAZON", MarketplaceID: "ATVPDKIKX0DER"},
			Fulfillment: &spapi.OrderFulfillment{FulfillmentStatus: "SHIPPED", FulfilledBy: "MERCHANT",
				DeliverByWindow: &spapi.DateTimeRange{LatestDateTime: start.Add(time.Duration(i)*time.Hour + 96*time.Hour).Format(time.RFC3339)}},
			OrderItems: []spapi.OrderItem{{OrderItemID: "1", QuantityOrdered: 1 + i%2, Product: spapi.ItemProduct{SellerSKU: fmt.Sprint("SKU-", i%9),
				Price: &spapi.ItemPrice{UnitPrice: &spapi.Money{Amount: "9.50", CurrencyCode: "USD"}}}}},
			Packages: []spapi.OrderPackage{{PackageReferenceID: "1", CreatedTime: shipped, ShipTime: shipped, Carrier: []string{"USPS", "UPS", "Other Courier"}[i%3],
				TrackingNumber: fmt.Sprintf("9400111899224%09d", i), PackageStatus: &spapi.PackageStatus{Status: []string{"DELIVERED", "IN_TRANSIT", "SHIPPED"}[i%3]}}}})
	}
	return orders
}

// killFake is the stand-in of the killed-sync test: small pages, a rate
// limit that lets 30 pages through in seconds (the default one would wait
// three minutes after page 20).
func killFake(t *testing.T, orders []spapi.Order) *spapifake.Server {
	f := newFakeAmazon(t, orders)
	f.PageSize = killPage
	f.SetRateLimit("searchOrders", "1000")
	return f
}

// `bot sync` killed with SIGKILL mid-way (a real process, no chance to
// clean up: on SQLite a transaction cut anywhere, on PostgreSQL a
// connection dropped) and started again ends with the same rows as one
// uninterrupted sync: orders, items, packages, tallies, Amazon's figure and
// the watermark (issue 14). The second process resumes at the first page
// the first had not committed, and writes each order once.
func TestSync_KilledMidwayResumes(t *testing.T) {
	orders := killOrdersList()
	wantPages := killOrders / killPage
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			whole := storetest.URL(t, kind)
			code, out, errs := runBot(t, whole, spapiVars(killFake(t, orders)), "sync")
			want := fmt.Sprintf("US: %d orders (%d new, 0 changed), %d packages (%d new, 0 changed) in %d page(s)\n",
				killOrders, killOrders, killOrders, killOrders, wantPages)
			if code != 0 || !strings.Contains(out, want) {
				t.Fatalf("uninterrupted sync: exit %d\n%s%s\nwant %q", code, out, errs, want)
			}

			killed := storetest.URL(t, kind)
			s := openTestStore(t, killed) // migrated before the child starts
			f := killFake(t, orders)
			// A page every 30 ms, so the kill lands anywhere in a page's
			// round: waiting for Amazon, mapping, or inside the write.
			// Page holdAt waits until the test lets it through.
			release := make(chan struct{})
			var once sync.Once
			let := func() { once.Do(func() { close(release) }) }
			t.Cleanup(let)
			f.SetPace(func(ctx context.Context, op string, call int) {
				if op != "searchOrders" {
					return
				}
				select {
				case <-release:
					return // the second process: full speed
				default:
				}
				if call >= holdAt {
					select {
					case <-release:
					case <-ctx.Done():
					}
					return
				}
				select {
				case <-time.After(30 * time.Millisecond):
				case <-ctx.Done():
				}
			})
			vars := map[string]string{"DATABASE_URL": killed, "VTRBOT_E2E_NOW": "2019-12-04T12:00:00Z"}
			sv := spapiVars(f)
			for i := 0; i+1 < len(sv); i += 2 {
				vars[sv[i]] = sv[i+1]
			}
			cmd, childOut := startBotProcess(t, vars, "sync")
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			var st store.SyncState
			eventually(t, 20*time.Second, func() string {
				return fmt.Sprintf("the child committed %d page(s), want %d\n%s", st.Pages, killAfter, childOut.String())
			}, func() bool {
				select {
				case err := <-exited:
					t.Fatalf("bot sync ended (%v) before it was killed\n%s", err, childOut.String())
				default:
				}
				var err error
				st, err = s.SyncState(t.Context(), "US")
				return err == nil && st.Pages >= killAfter
			})
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			var ee *exec.ExitError
			if err := <-exited; !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the child ended with %v, want killed by SIGKILL", err)
			}
			let()

			// What the killed process left: a pass in progress, some
			// pages committed, and as many orders as those pages held.
			st, err := s.SyncState(t.Context(), "US")
			if err != nil {
				t.Fatal(err)
			}
			if !st.InProgress() || st.Pages < killAfter || st.Pages >= holdAt || st.NextToken == "" || !st.Watermark.IsZero() {
				t.Fatalf("after the kill: %+v, want a pass in progress after %d to %d pages", st, killAfter, holdAt-1)
			}
			if n := tableCount(t, s, "orders"); n != st.Orders || n != st.Pages*killPage {
				t.Fatalf("after the kill: %d orders stored, the pass says %d in %d page(s)", n, st.Orders, st.Pages)
			}
			t.Logf("killed after %d committed page(s)", st.Pages)

			cmd, childOut = startBotProcess(t, vars, "sync")
			if err := waitProcess(cmd, 30*time.Second); err != nil {
				t.Fatalf("restarted bot sync: %v\n%s", err, childOut.String())
			}
			left := killOrders - st.Orders
			want = fmt.Sprintf("US: %d orders (%d new, 0 changed), %d packages (%d new, 0 changed) in %d page(s), resuming an earlier pass\n",
				left, left, left, left, wantPages-st.Pages)
			if !strings.Contains(childOut.String(), want) {
				t.Errorf("restarted bot sync said:\n%s\nwant %q", childOut.String(), want)
			}
			if got, want := dumpTables(t, killed), dumpTables(t, whole); !reflect.DeepEqual(got, want) {
				for _, k := range []string{"orders", "order_items", "packages", "package_tallies", "amazon_vtr", "spapi_sync"} {
					if !reflect.DeepEqual(got[k], want[k]) {
						t.Errorf("table %s differs: %d rows after kill and restart, %d uninterrupted\nfirst: %v\nwant:  %v",
							k, len(got[k]), len(want[k]), first(got[k]), first(want[k]))
					}
				}
			}
		})
	}
}

// waitProcess waits for a started process to exit 0 within timeout; it is
// killed after that.
func waitProcess(cmd *exec.Cmd, timeout time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-done
		return fmt.Errorf("still running after %v", timeout)
	}
}

func first(rows []string) string {
	if len(rows) == 0 {
		return "(none)"
	}
	return rows[0]
}

// The progress line a new user reads while a long sync runs: the share of
// the period covered, the time left in words (never "0s"), and, when it is
// long, why (Amazon's rate limit as the client now knows it).
func TestSync_ProgressLine(t *testing.T) {
	amazonDefault := 178571 * time.Millisecond // 1/0.0056 per second, searchOrders's default
	tests := []struct {
		name string
		p    commands.SyncProgress
		want string
	}{
		{"under a minute left", commands.SyncProgress{Marketplace: "US", Phase: "orders", Pages: 1, Orders: 20, Fraction: 0.52, Left: 20 * time.Second, PageEvery: time.Millisecond},
			"US: orders: page 1, 20 orders, 52% of the period covered, less than a minute left\n"},
		{"hours under Amazon's default limit", commands.SyncProgress{Marketplace: "US", Phase: "orders", Pages: 25, Orders: 2500, Fraction: 0.1, Left: 9*time.Hour + 12*time.Minute, PageEvery: amazonDefault},
			"US: orders: page 25, 2500 orders, 10% of the period covered, about 9 h 12 min left (Amazon lets one page of up to 100 orders through every 3 min after the first 20)\n"},
		{"days, a faster limit", commands.SyncProgress{Marketplace: "DE", Phase: "orders", Pages: 30, Orders: 3000, Fraction: 0.01, Left: 60 * time.Hour, PageEvery: 30 * time.Second},
			"DE: orders: page 30, 3000 orders, 1% of the period covered, about 2 d 12 h left (Amazon lets one page of up to 100 orders through every 30s after the first 20)\n"},
		{"the last page", commands.SyncProgress{Marketplace: "US", Phase: "orders", Pages: 30, Orders: 600, Fraction: 1, PageEvery: amazonDefault},
			"US: orders: page 30, 600 orders, 100% of the period covered\n"},
		{"the report", commands.SyncProgress{Marketplace: "US", Phase: "report", Report: "IN_QUEUE"},
			"US: waiting for Amazon's seller-performance report: IN_QUEUE\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			progressPrinter(&b)(tt.p)
			if b.String() != tt.want {
				t.Errorf("got  %q\nwant %q", b.String(), tt.want)
			}
		})
	}
}
