package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/spapi"
	"github.com/vtrbot/vtrbot/spapi/spapifake"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
)

// readTSV reads a tab-separated file with a header into one map per row.
func readTSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var head []string
	var rows []map[string]string
	for sc.Scan() {
		cells := strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t")
		if head == nil {
			head = cells
			continue
		}
		row := map[string]string{}
		for i, h := range head {
			if i < len(cells) {
				row[h] = strings.TrimSpace(cells[i])
			}
		}
		rows = append(rows, row)
	}
	return rows
}

var losAngeles = func() *time.Location { l, _ := time.LoadLocation("America/Los_Angeles"); return l }()

// endOfDay is the last second of a US civil date, as Amazon writes a window's
// latestDateTime.
func endOfDay(t *testing.T, date string) string {
	d, err := time.ParseInLocation(time.DateOnly, date, losAngeles)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(24*time.Hour - time.Second).UTC().Format(time.RFC3339)
}

// noonOf is noon of a US civil date: the ship time of a shipments row.
func noonOf(t *testing.T, date string) string {
	d, err := time.ParseInLocation(time.DateOnly, date, losAngeles)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(12 * time.Hour).UTC().Format(time.RFC3339)
}

func utc(t *testing.T, s string) string {
	if s == "" {
		return ""
	}
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC().Format(time.RFC3339)
}

// traxtarAPI turns the traxtar files into the orders searchOrders would
// return (docs/amazon.md's mapping read backwards), and writes beside them
// the shipments file the API's answers amount to: a carrier typed Other
// becomes its name, and a delivery becomes a scan of unknown time (at the
// ship time). That file, imported, is what the sync must match.
func traxtarAPI(t *testing.T) ([]spapi.Order, string) {
	t.Helper()
	dir := sharedPath(t, "testdata/traxtar")
	statuses := map[string]string{"Shipped": "SHIPPED", "Cancelled": "CANCELLED", "Unshipped": "UNSHIPPED"}
	var list []*spapi.Order
	byID := map[string]*spapi.Order{}
	for _, r := range readTSV(t, filepath.Join(dir, "orders.tsv")) {
		o := byID[r["amazon-order-id"]]
		if o == nil {
			if r["sales-channel"] != "Amazon.com" {
				t.Fatalf("order %s: sales channel %q", r["amazon-order-id"], r["sales-channel"])
			}
			o = &spapi.Order{OrderID: r["amazon-order-id"], CreatedTime: utc(t, r["purchase-date"]), LastUpdatedTime: utc(t, r["last-updated-date"]),
				SalesChannel: spapi.SalesChannel{ChannelName: "AMAZON", MarketplaceID: "ATVPDKIKX0DER", MarketplaceName: "Amazon.com"},
				Fulfillment:  &spapi.OrderFulfillment{FulfillmentStatus: statuses[r["order-status"]], FulfilledBy: strings.ToUpper(r["fulfillment-channel"])}}
			if d := r["promised-delivery-date"]; d != "" {
				o.Fulfillment.DeliverByWindow = &spapi.DateTimeRange{LatestDateTime: endOfDay(t, d)}
			}
			if d := r["latest-ship-date"]; d != "" {
				o.Fulfillment.ShipByWindow = &spapi.DateTimeRange{LatestDateTime: endOfDay(t, d)}
			}
			byID[o.OrderID] = o
			list = append(list, o)
		}
		if r["quantity"] != "1" {
			t.Fatalf("order %s: quantity %s (the conversion assumes 1)", o.OrderID, r["quantity"])
		}
		it := spapi.OrderItem{OrderItemID: fmt.Sprintf("%s-%d", o.OrderID, len(o.OrderItems)+1), QuantityOrdered: 1,
			Product: spapi.ItemProduct{SellerSKU: r["sku"], Title: r["product-name"],
				Price: &spapi.ItemPrice{UnitPrice: &spapi.Money{Amount: spapi.Decimal(r["item-price"]), CurrencyCode: r["currency"]}}}}
		it.Proceeds = &spapi.ItemProceeds{Breakdowns: []spapi.ItemProceedsBreakdown{{Type: "ITEM",
			Subtotal: spapi.Money{Amount: spapi.Decimal(r["item-price"]), CurrencyCode: r["currency"]}}}}
		if s := r["shipping-price"]; s != "" {
			it.Proceeds.Breakdowns = append(it.Proceeds.Breakdowns, spapi.ItemProceedsBreakdown{Type: "SHIPPING",
				Subtotal: spapi.Money{Amount: spapi.Decimal(s), CurrencyCode: r["currency"]}})
		}
		o.OrderItems = append(o.OrderItems, it)
	}
	var lossy strings.Builder
	lossy.WriteString("order-id\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method\tconfirmed-at\tfirst-scan-at\n")
	for i, r := range readTSV(t, filepath.Join(dir, "shipments.tsv")) {
		o := byID[r["order-id"]]
		if o == nil {
			continue // a confirmation for an order Amazon does not have
		}
		carrier := r["carrier-code"]
		if strings.EqualFold(carrier, "Other") {
			carrier = r["carrier-name"]
		}
		p := spapi.OrderPackage{PackageReferenceID: fmt.Sprint(i + 1), CreatedTime: utc(t, r["confirmed-at"]),
			Carrier: carrier, ShipTime: noonOf(t, r["ship-date"]), ShippingService: r["ship-method"], TrackingNumber: r["tracking-number"],
			PackageStatus: &spapi.PackageStatus{Status: "SHIPPED"},
			PackageItems:  []spapi.PackageItem{{OrderItemID: r["order-item-id"], Quantity: 1}}}
		scan := ""
		switch {
		case r["delivered-at"] != "":
			p.PackageStatus = &spapi.PackageStatus{Status: "DELIVERED", DetailedStatus: "DELIVERED"}
			scan = p.ShipTime
		case r["first-scan-at"] != "":
			p.PackageStatus = &spapi.PackageStatus{Status: "IN_TRANSIT", DetailedStatus: "PICKED_UP"}
			scan = p.ShipTime
		}
		o.Packages = append(o.Packages, p)
		fmt.Fprintf(&lossy, "%s\t%s\t%s\t\t%s\t%s\t%s\t%s\n", r["order-id"], r["ship-date"], carrier, r["tracking-number"],
			r["ship-method"], r["confirmed-at"], scan)
	}
	path := filepath.Join(t.TempDir(), "shipments-as-the-api-says.tsv")
	if err := os.WriteFile(path, []byte(lossy.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := make([]spapi.Order, len(list))
	for i, o := range list {
		out[i] = *o
	}
	return out, path
}

// newFakeAmazon starts the stand-in serving orders, with Amazon's figure
// for the traxtar window and reports that are done at the first poll.
func newFakeAmazon(t *testing.T, orders []spapi.Order) *spapifake.Server {
	f := spapifake.New(t.Cleanup)
	f.Now = func() time.Time { return time.Date(2019, 12, 4, 12, 0, 0, 0, time.UTC) }
	f.PutOrders(orders...)
	f.ReportPlan(spapi.ReportDone)
	f.GzipDocuments(true)
	f.SetPerformanceReport(spapifake.PerformanceDoc("ATVPDKIKX0DER", "2019-10-15T00:00Z", "2019-11-14T23:59Z", 54, 58, 0.931, "POOR"))
	return f
}

func spapiVars(f *spapifake.Server, extra ...string) []string {
	return append([]string{"SPAPI_REFRESH_TOKEN", f.RefreshToken(), "SPAPI_CLIENT_ID", f.ClientID, "SPAPI_CLIENT_SECRET", f.ClientSecret,
		"SPAPI_ENDPOINT", f.URL, "SPAPI_LWA_URL", f.LWAURL()}, extra...)
}

// runBot runs bot with env vars and returns exit code, stdout, stderr.
func runBot(t *testing.T, db string, vars []string, args ...string) (int, string, string) {
	t.Helper()
	env, out, errb := testEnv(t, db, vars...)
	code := run(context.Background(), args, env)
	return code, out.String(), errb.String()
}

// statusJSON returns `vtr status --json` for the traxtar window as a value.
func statusJSON(t *testing.T, db string, what string) map[string]any {
	t.Helper()
	var v map[string]any
	out := runOK(t, db, "vtr", what, "--from", "2019-10-15", "--to", "2019-11-14", "--json")
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// The traxtar seller's orders synced from the stand-in give what the same
// data imported as files gives, on SQLite and PostgreSQL; a second sync
// changes nothing; Amazon's figure appears in the status.
func TestSync_Traxtar(t *testing.T) {
	orders, lossy := traxtarAPI(t)
	dir := sharedPath(t, "testdata/traxtar")
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			f := newFakeAmazon(t, orders)
			files := storetest.URL(t, kind)
			runOK(t, files, "import", "orders", filepath.Join(dir, "orders.tsv"))
			runOK(t, files, "import", "categories", filepath.Join(dir, "categories.tsv"))
			runOK(t, files, "import", "shipments", lossy)

			synced := storetest.URL(t, kind)
			runOK(t, synced, "import", "categories", filepath.Join(dir, "categories.tsv"))
			code, out, errs := runBot(t, synced, spapiVars(f), "sync", "--since", "400")
			if code != 0 {
				t.Fatalf("bot sync: exit %d\n%s%s", code, out, errs)
			}
			// 107 orders in the files: 2 are FBA (not asked for:
			// fulfilledBy=MERCHANT) and one was last updated on 2019-12-05,
			// after the sync's "now" (2019-12-04).
			for _, want := range []string{"US: 104 orders (104 new, 0 changed), 104 packages (104 new, 0 changed) in 2 page(s)",
				"US: Amazon's Valid Tracking Rate 93.1% (54 of 58), 2019-10-15 to 2019-11-14, status POOR"} {
				if !strings.Contains(out, want) {
					t.Errorf("bot sync said:\n%s\nwant a line %q", out, want)
				}
			}
			for _, what := range []string{"status", "untracked"} {
				got, want := statusJSON(t, synced, what), statusJSON(t, files, what)
				amazon := got["amazon"]
				delete(got, "amazon")
				if !reflect.DeepEqual(got, want) {
					t.Errorf("vtr %s after sync:\n%v\nafter importing the same data:\n%v", what, got, want)
				}
				if what == "status" {
					wantA := map[string]any{"rate": 0.931, "valid": 54.0, "eligible": 58.0, "status": "POOR", "from": "2019-10-15",
						"to": "2019-11-14", "fetched_at": "2019-12-04T12:00:00Z"}
					if !reflect.DeepEqual(amazon, wantA) {
						t.Errorf("amazon = %v, want %v", amazon, wantA)
					}
				}
			}
			// The one documented difference from the original files: the
			// Books package typed "Other" + "USPS" reaches the API as USPS.
			st := statusJSON(t, synced, "status")
			overall := st["overall"].(map[string]any)
			if overall["eligible"] != 84.0 || overall["valid"] != 83.0 || overall["verified"] != 79.0 || overall["exempt"] != 3.0 {
				t.Errorf("overall = %v, want 84 eligible, 83 valid (82 + the Other package), 79 verified, 3 exempt", overall)
			}

			// Amazon's figure beside the recomputed one: the CLI table, and
			// a VTR notice's explanation says what explains the gap.
			table := runOK(t, synced, "vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14")
			if !strings.Contains(table, "Amazon says: 93.1% (54 of 58 valid), 2019-10-15 to 2019-11-14, status POOR") {
				t.Errorf("vtr status:\n%s\nwant Amazon's figure", table)
			}
			expl := runOK(t, synced, "explain", filepath.Join(sharedPath(t, "testdata/notices"), "vtr-below-95-us.eml"), "--json")
			for _, want := range []string{`"AMAZON_RATE_DIFFERS"`, `Amazon says 93.1% (54 of 58 packages valid) for 2019-10-15 to 2019-11-14; your records say 98.8% (83 of 84)`,
				`have no scan on record`} {
				if !strings.Contains(expl, want) {
					t.Errorf("explain --json lacks %s:\n%s", want, expl)
				}
			}

			before := dumpTables(t, synced)
			code, out, errs = runBot(t, synced, spapiVars(f), "sync")
			if code != 0 {
				t.Fatalf("second bot sync: exit %d\n%s%s", code, out, errs)
			}
			if !strings.Contains(out, "(0 new, 0 changed)") || strings.Contains(out, "new, 1") || !strings.Contains(out, "once a day") {
				t.Errorf("second sync said:\n%s\nwant no change and no new report", out)
			}
			after := dumpTables(t, synced)
			delete(before, "spapi_sync") // the pass's own bookkeeping
			delete(after, "spapi_sync")
			if !reflect.DeepEqual(before, after) {
				t.Error("a second sync changed rows")
			}
		})
	}
}

// dumpTables reads the synced data of a database, every column as text.
func dumpTables(t *testing.T, db string) map[string][]string {
	t.Helper()
	d, target := store.ParseURL(db)
	driver := "sqlite"
	if d == store.Postgres {
		driver = "pgx"
	}
	conn, err := sql.Open(driver, target)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	out := map[string][]string{}
	for table, order := range map[string]string{"orders": "order_id", "order_items": "order_id, line",
		"packages": "order_id, tracking_number", "package_tallies": "marketplace, window_date, category, ineligible, reason",
		"amazon_vtr": "marketplace, report_id", "spapi_sync": "marketplace"} {
		rows, err := conn.Query("SELECT * FROM " + table + " ORDER BY " + order)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			if i := slices.Index(cols, "updated_at"); i >= 0 && table == "spapi_sync" {
				vals[i] = nil
			}
			out[table] = append(out[table], fmt.Sprint(vals...))
		}
		rows.Close()
	}
	return out
}

// A refresh token Amazon refuses: exit 1, one line naming the setting, and
// no secret anywhere in the output.
func TestSync_RejectedCredentials(t *testing.T) {
	tests := []struct {
		name string
		vars []string
		want string
	}{
		{"wrong refresh token", []string{"SPAPI_REFRESH_TOKEN", "Atzr|IwEBIwrong-and-secret"}, "SPAPI_REFRESH_TOKEN: Login with Amazon refused the refresh token (invalid_grant)"},
		{"wrong client secret", []string{"SPAPI_CLIENT_SECRET", "amzn1.oa2-cs.v1.secret-secret"}, "SPAPI_CLIENT_SECRET: Login with Amazon refused the app's credentials (invalid_client)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAmazon(t, nil)
			db := storetest.URL(t, "sqlite")
			code, out, errs := runBot(t, db, spapiVars(f, tt.vars...), "sync")
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
			}
			lines := strings.Split(strings.TrimSpace(errs), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], tt.want) {
				t.Errorf("stderr:\n%s\nwant one line starting %q", errs, tt.want)
			}
			for _, secret := range []string{tt.vars[1], f.ClientSecret, f.RefreshToken()} {
				if strings.Contains(out+errs, secret) {
					t.Errorf("output shows a secret: %s%s", out, errs)
				}
			}
			if f.Calls("searchOrders") != 0 {
				t.Error("called the API without a token")
			}
		})
	}
}

// Bad settings: one line naming the variable, exit 2.
func TestSync_Config(t *testing.T) {
	tests := []struct {
		vars []string
		want string
	}{
		{[]string{"SPAPI_REFRESH_TOKEN", ""}, "SPAPI_REFRESH_TOKEN: not set"},
		{[]string{"SPAPI_REFRESH_TOKEN", "not-a-token"}, "SPAPI_REFRESH_TOKEN: want"},
		{[]string{"SPAPI_CLIENT_ID", ""}, "SPAPI_CLIENT_ID: not set"},
		{[]string{"SPAPI_ENDPOINT", "http://sellingpartnerapi-na.amazon.com"}, "SPAPI_ENDPOINT: want https://"},
		{[]string{"SPAPI_LWA_URL", "ftp://127.0.0.1/"}, "SPAPI_LWA_URL: want an https:// URL"},
		{[]string{"SPAPI_MARKETPLACES", "US,XX"}, "SPAPI_MARKETPLACES: want marketplace codes"},
		{[]string{"SPAPI_POLL", "10s"}, "SPAPI_POLL: want a duration of at least 1m"},
		{[]string{"SPAPI_SINCE", "0"}, "SPAPI_SINCE: want a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.vars[0], func(t *testing.T) {
			f := newFakeAmazon(t, nil)
			code, _, errs := runBot(t, storetest.URL(t, "sqlite"), spapiVars(f, tt.vars...), "sync")
			if code != 2 || !strings.HasPrefix(errs, tt.want) || strings.Count(errs, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want 2 and one line starting %q", code, errs, tt.want)
			}
		})
	}
}

// A pass stopped after some pages (here by an error Amazon gives on the
// third page) and run again resumes at the page it had not written, and
// ends with the same data as one uninterrupted pass.
func TestSync_StoppedMidwayResumes(t *testing.T) {
	var orders []spapi.Order
	start := time.Date(2019, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range 450 {
		at := start.Add(time.Duration(i) * time.Hour).Format(time.RFC3339)
		orders = append(orders, spapi.Order{OrderID: fmt.Sprintf("114-%07d-1234567", i), CreatedTime: at, LastUpdatedTime: at,
			SalesChannel: spapi.SalesChannel{ChannelName: "AMAZON", MarketplaceID: "ATVPDKIKX0DER"},
			Fulfillment: &spapi.OrderFulfillment{FulfillmentStatus: "SHIPPED", FulfilledBy: "MERCHANT",
				DeliverByWindow: &spapi.DateTimeRange{LatestDateTime: start.Add(time.Duration(i)*time.Hour + 96*time.Hour).Format(time.RFC3339)}},
			OrderItems: []spapi.OrderItem{{OrderItemID: "1", QuantityOrdered: 1, Product: spapi.ItemProduct{SellerSKU: fmt.Sprint("SKU-", i%7),
				Price: &spapi.ItemPrice{UnitPrice: &spapi.Money{Amount: "12.99", CurrencyCode: "USD"}}}}},
			Packages: []spapi.OrderPackage{{PackageReferenceID: "1", CreatedTime: at, ShipTime: at, Carrier: "USPS",
				TrackingNumber: fmt.Sprintf("9400111899223%09d", i), PackageStatus: &spapi.PackageStatus{Status: "DELIVERED"}}}})
	}
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			whole := storetest.URL(t, kind)
			f := newFakeAmazon(t, orders)
			if code, out, errs := runBot(t, whole, spapiVars(f), "sync"); code != 0 {
				t.Fatalf("uninterrupted sync: exit %d\n%s%s", code, out, errs)
			}

			stopped := storetest.URL(t, kind)
			f2 := newFakeAmazon(t, orders)
			// Pages 1 and 2 are answered, page 3 is refused (403: not retried).
			f2.InjectAt("searchOrders", 3, spapifake.Fault{Status: 403})
			code, out, errs := runBot(t, stopped, spapiVars(f2), "sync")
			if code != 1 || !strings.Contains(out, "200 orders (200 new, 0 changed)") {
				t.Fatalf("stopped sync: exit %d\n%s%s", code, out, errs)
			}
			code, out, errs = runBot(t, stopped, spapiVars(f2), "sync")
			if code != 0 || !strings.Contains(out, "250 orders (250 new, 0 changed), 250 packages (250 new, 0 changed) in 3 page(s), resuming") {
				t.Fatalf("resumed sync: exit %d\n%s%s", code, out, errs)
			}
			if got, want := dumpTables(t, stopped), dumpTables(t, whole); !reflect.DeepEqual(got, want) {
				for k := range want {
					if !reflect.DeepEqual(got[k], want[k]) {
						t.Errorf("table %s differs: %d rows vs %d uninterrupted", k, len(got[k]), len(want[k]))
					}
				}
			}
		})
	}
}

// bot run syncs at start; refused credentials stop the poller with one log
// line and one Slack alert, posted once however often the bot restarts,
// while the rest of the bot keeps running.
func TestRun_SyncRejected(t *testing.T) {
	f := newFakeAmazon(t, nil)
	slack := newFakeSlack(t)
	db := storetest.URL(t, "sqlite")
	s := openTestStore(t, db)
	vars := botVars(db, nil, slack, spapiVars(f, "SPAPI_REFRESH_TOKEN", "Atzr|revoked-token-secret")...)
	for run := 1; run <= 2; run++ {
		b := startBot(t, vars)
		waitLog(t, b, 1, 10*time.Second, "amazon sync stopped")
		waitSent(t, s, 1, 10*time.Second)
		time.Sleep(100 * time.Millisecond) // a retry loop would show by now
		if b.exited {
			t.Fatal("the bot stopped")
		}
		if code := b.stop(t); code != 0 {
			t.Fatalf("run %d: exit %d", run, code)
		}
		log := b.out.String()
		if n := strings.Count(log, "amazon sync stopped"); n != 1 {
			t.Errorf("run %d: %d log lines about it, want 1\n%s", run, n, log)
		}
		if strings.Contains(log, "revoked-token-secret") || strings.Contains(log, f.ClientSecret) {
			t.Errorf("run %d: the log shows a secret:\n%s", run, log)
		}
	}
	posts := slack.Posts()
	if len(posts) != 1 || !strings.Contains(strings.Join(posts[0].Texts(), " "), "Amazon sync stopped") {
		t.Errorf("posts = %+v, want the one alert", posts)
	}
}

func TestRun_Syncs(t *testing.T) {
	// The daemon runs on the real clock: orders of the last days.
	now := time.Now().UTC().Truncate(time.Second)
	var orders []spapi.Order
	for i := range 150 {
		at := now.Add(-time.Duration(150-i) * 10 * time.Minute).Format(time.RFC3339)
		orders = append(orders, spapi.Order{OrderID: fmt.Sprintf("114-%07d-7654321", i), CreatedTime: at, LastUpdatedTime: at,
			SalesChannel: spapi.SalesChannel{ChannelName: "AMAZON", MarketplaceID: "ATVPDKIKX0DER"},
			Fulfillment:  &spapi.OrderFulfillment{FulfillmentStatus: "SHIPPED", FulfilledBy: "MERCHANT"},
			OrderItems:   []spapi.OrderItem{{OrderItemID: "1", QuantityOrdered: 1, Product: spapi.ItemProduct{SellerSKU: "SKU"}}},
			Packages: []spapi.OrderPackage{{PackageReferenceID: "1", CreatedTime: at, ShipTime: at, Carrier: "UPS",
				TrackingNumber: fmt.Sprintf("1Z%016d", i), PackageStatus: &spapi.PackageStatus{Status: "IN_TRANSIT"}}}})
	}
	f := newFakeAmazon(t, orders)
	f.Now = time.Now
	slack := newFakeSlack(t)
	db := storetest.URL(t, "sqlite")
	s := openTestStore(t, db)
	b := startBot(t, botVars(db, nil, slack, spapiVars(f)...))
	waitCount(t, s, "orders", 150, 10*time.Second)
	waitLog(t, b, 1, 10*time.Second, "amazon sync", "report=DONE")
	if a, err := s.AmazonVTR(t.Context(), "US"); err != nil || a.Valid != 54 {
		t.Errorf("Amazon's figure = %+v, %v", a, err)
	}
}
