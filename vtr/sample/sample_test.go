package sample_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/flatfile"
	"github.com/vtrbot/vtrbot/vtr/sample"
)

type files struct{ orders, shipments, categories bytes.Buffer }

func generate(t *testing.T, opt sample.Options) *files {
	t.Helper()
	var f files
	if err := sample.Generate(opt, sample.Files{Orders: &f.orders, Shipments: &f.shipments, Categories: &f.categories}); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return &f
}

func TestGenerate_sameSeedSameBytes(t *testing.T) {
	for _, messy := range []bool{false, true} {
		opt := sample.Options{Seed: 42, Orders: 2000, End: vtr.MustDate("2024-06-30"), Days: 120, Messy: messy}
		a, b := generate(t, opt), generate(t, opt)
		if !bytes.Equal(a.orders.Bytes(), b.orders.Bytes()) || !bytes.Equal(a.shipments.Bytes(), b.shipments.Bytes()) ||
			!bytes.Equal(a.categories.Bytes(), b.categories.Bytes()) {
			t.Errorf("messy=%v: two runs with seed 42 wrote different bytes", messy)
		}
		opt.Seed = 43
		if c := generate(t, opt); bytes.Equal(a.shipments.Bytes(), c.shipments.Bytes()) {
			t.Errorf("messy=%v: seeds 42 and 43 wrote the same shipments", messy)
		}
	}
}

func TestGenerate_filesReadBack(t *testing.T) {
	f := generate(t, sample.Options{Seed: 7, Orders: 3000, End: vtr.MustDate("2024-06-30"), Days: 90, Messy: true})
	or, err := flatfile.NewReader("orders", &f.orders)
	if err != nil {
		t.Fatal(err)
	}
	orders := map[string]bool{}
	channels := map[string]int{}
	err = flatfile.ReadOrders(or, "US", func(o flatfile.OrderRow) error {
		orders[o.Order.ID] = true
		channels[o.Order.FulfillmentChannel+"/"+o.Order.Status+"/"+o.Order.SalesChannel]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) < 2990 {
		t.Errorf("%d distinct orders, want about 3000", len(orders))
	}
	sr, err := flatfile.NewReader("shipments", &f.shipments)
	if err != nil {
		t.Fatal(err)
	}
	var rows, noNumber, other, unknown int
	err = flatfile.ReadShipments(sr, func(s flatfile.ShipmentRow) error {
		rows++
		if s.Package.TrackingNumber == "" {
			noNumber++
		}
		if strings.EqualFold(s.Package.CarrierCode, "Other") {
			other++
		}
		if !orders[s.Package.OrderID] {
			unknown++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The mess the comparison tests rely on is really there.
	for what, n := range map[string]int{"rows without a number": noNumber, `"Other" carriers`: other,
		"FBA orders": channels["Amazon/Shipped/Amazon.com"], "cancelled orders": channels["Merchant/Cancelled/Amazon.com"],
		"non-Amazon orders": channels["Merchant/Shipped/Non-Amazon"]} {
		if n == 0 {
			t.Errorf("no %s in a messy seller of 3000 orders", what)
		}
	}
	if unknown != 0 {
		t.Errorf("%d shipment rows name orders missing from the orders file", unknown)
	}
	if rows <= 2500 {
		t.Errorf("%d shipment rows, want most orders shipped", rows)
	}
}

func TestWriteStory_deterministic(t *testing.T) {
	write := func() (string, sample.Story) {
		var o, s, c bytes.Buffer
		st, err := sample.WriteStory(vtr.MustDate("2019-11-14"), sample.Files{Orders: &o, Shipments: &s, Categories: &c})
		if err != nil {
			t.Fatal(err)
		}
		return o.String() + s.String() + c.String(), st
	}
	a, sa := write()
	b, sb := write()
	if a != b || sa != sb {
		t.Errorf("WriteStory wrote different files or stories on two runs")
	}
}
