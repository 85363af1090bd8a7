package store_test

import (
	"io"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
)

func syncedOrder() (*vtr.Order, []vtr.Package) {
	o := &vtr.Order{ID: "113-5302739-0532286", SalesChannel: "Amazon.com", Marketplace: "US", Status: "Shipped",
		FulfillmentChannel: "Merchant", PurchaseDate: vtr.MustDate("2019-10-10"), PurchasedAt: time.Date(2019, 10, 10, 17, 40, 0, 0, time.UTC),
		PromisedDelivery: vtr.MustDate("2019-10-15"), LatestShipDate: vtr.MustDate("2019-10-12"), Currency: "USD",
		Items: []vtr.Item{{SKU: "TX-CD-0101", Quantity: 1, Price: 129900, Shipping: 39900, Name: "Jazz"}}}
	confirmed := time.Date(2019, 10, 12, 0, 0, 0, 0, time.UTC)
	p := vtr.Package{OrderID: o.ID, TrackingNumber: "9400111899223535510723", CarrierCode: "USPS", ShipMethod: "First-Class Package Service",
		ShipDate: vtr.MustDate("2019-10-11"), ConfirmedAt: confirmed}
	q := p // the same package twice in one answer: merged, the scan kept
	q.FirstScanAt = confirmed.Add(time.Hour)
	return o, []vtr.Package{p, q}
}

func TestStore_WriteSyncPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		after, before := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC)
		o, pkgs := syncedOrder()
		if _, err := s.WriteSyncPage(ctx, store.SyncPage{Marketplace: "US", Orders: []*vtr.Order{o}, Packages: pkgs}); vtr.ErrorCode(err) != vtr.ECONFLICT {
			t.Fatalf("a page with no pass started: %v, want ECONFLICT", err)
		}
		if n, _ := s.Counts(ctx); n["orders"] != 0 {
			t.Fatalf("the refused page left %d orders", n["orders"])
		}
		if err := s.StartSync(ctx, "US", after, before); err != nil {
			t.Fatal(err)
		}
		sum, err := s.WriteSyncPage(ctx, store.SyncPage{Marketplace: "US", Orders: []*vtr.Order{o}, Packages: pkgs,
			NextToken: "tok-2", TokenAt: before})
		if err != nil {
			t.Fatal(err)
		}
		if want := (store.SyncSummary{Orders: 1, NewOrders: 1, Packages: 1, NewPackages: 1}); sum != want {
			t.Errorf("first page: %+v, want %+v", sum, want)
		}
		st, err := s.SyncState(ctx, "US")
		if err != nil {
			t.Fatal(err)
		}
		if !st.InProgress() || st.NextToken != "tok-2" || st.Pages != 1 || !st.Watermark.IsZero() || !st.RunAfter.Equal(after) {
			t.Errorf("after a page: %+v", st)
		}
		// The last page, with the same order again: nothing changes, the
		// pass ends and the watermark moves to its lastUpdatedBefore.
		o2, pkgs2 := syncedOrder()
		sum, err = s.WriteSyncPage(ctx, store.SyncPage{Marketplace: "US", Orders: []*vtr.Order{o2}, Packages: pkgs2})
		if err != nil {
			t.Fatal(err)
		}
		if want := (store.SyncSummary{Orders: 1, Packages: 1}); sum != want {
			t.Errorf("same order again: %+v, want %+v (no change)", sum, want)
		}
		st, _ = s.SyncState(ctx, "US")
		if st.InProgress() || !st.Watermark.Equal(before) || st.Pages != 2 || st.Orders != 2 {
			t.Errorf("after the last page: %+v", st)
		}
		infos, err := s.OrderPackages(ctx, o.ID)
		if err != nil || len(infos) != 1 || infos[0].Reason != vtr.Verified {
			t.Fatalf("packages = %+v, %v; want one VERIFIED (the merged scan)", infos, err)
		}
	})
}

// An order imported from the All Orders report and then synced is one
// order: what the API does not carry (ship country, item category and
// status) stays, and an order the API says nothing new about is not
// written at all.
func TestStore_WriteSyncPage_AfterFileImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		file, pkgs := syncedOrder()
		file.ShipCountry = "US"
		file.Items[0].Category, file.Items[0].Status = "Music", "Shipped"
		if _, err := s.ImportOrders(ctx, []*vtr.Order{file}); err != nil {
			t.Fatal(err)
		}
		i := 0
		if _, err := s.ImportShipments(ctx, func() (*vtr.Package, error) {
			if i == len(pkgs) {
				return nil, io.EOF
			}
			i++
			return &pkgs[i-1], nil
		}); err != nil {
			t.Fatal(err)
		}
		before, _ := s.Counts(ctx)
		api, apiPkgs := syncedOrder()
		s.StartSync(ctx, "US", time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC))
		sum, err := s.WriteSyncPage(ctx, store.SyncPage{Marketplace: "US", Orders: []*vtr.Order{api}, Packages: apiPkgs})
		if err != nil {
			t.Fatal(err)
		}
		if sum.NewOrders+sum.ChangedOrders+sum.NewPackages+sum.ChangedPackages != 0 {
			t.Errorf("syncing what the files gave changed %+v", sum)
		}
		after, _ := s.Counts(ctx)
		if after["orders"] != before["orders"] || after["packages"] != before["packages"] || after["order_items"] != before["order_items"] {
			t.Errorf("counts %v → %v", before, after)
		}
		got, err := s.Order(ctx, file.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ShipCountry != "US" || got.Items[0].Category != "Music" || got.Items[0].Status != "Shipped" {
			t.Errorf("stored order lost what the API does not carry: %+v", got)
		}
	})
}

func TestStore_AmazonVTR(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if _, err := s.AmazonVTR(ctx, "US"); vtr.ErrorCode(err) != vtr.ENOTFOUND {
			t.Fatalf("before any report: %v, want ENOTFOUND", err)
		}
		w := vtr.Window{From: vtr.MustDate("2019-10-15"), To: vtr.MustDate("2019-11-14")}
		if st, err := s.Status(ctx, "US", w, ""); err != nil || st.Amazon != nil {
			t.Fatalf("status before any report: %+v, %v", st.Amazon, err)
		}
		at := time.Date(2019, 12, 4, 12, 0, 0, 0, time.UTC)
		for i, id := range []string{"50001", "50002"} {
			if err := s.AddReportRequest(ctx, "US", "GET_V2_SELLER_PERFORMANCE_REPORT", id, at.Add(time.Duration(i)*time.Hour)); err != nil {
				t.Fatal(err)
			}
			rate := 0.9 + float64(i)/100
			snap := &vtr.AmazonVTR{Marketplace: "US", Rate: &rate, Valid: 90 + i, Eligible: 100, Status: "POOR", From: w.From, To: w.To,
				FetchedAt: at.Add(time.Duration(i) * time.Hour)}
			if err := s.FinishReport(ctx, id, "DONE", "", snap); err != nil {
				t.Fatal(err)
			}
		}
		last, err := s.LastReportRequest(ctx, "US", "GET_V2_SELLER_PERFORMANCE_REPORT")
		if err != nil || last.ReportID != "50002" || last.Status != "DONE" || !last.Finished() {
			t.Errorf("last request = %+v, %v", last, err)
		}
		if n, _ := s.AmazonVTRCount(ctx, "US"); n != 2 {
			t.Errorf("%d snapshots kept, want 2", n)
		}
		st, err := s.Status(ctx, "US", w, "")
		if err != nil || st.Amazon == nil || st.Amazon.Valid != 91 || *st.Amazon.Rate != 0.91 || st.Amazon.From != w.From {
			t.Errorf("status amazon = %+v, %v; want the latest snapshot", st.Amazon, err)
		}
	})
}
