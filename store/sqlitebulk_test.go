package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/vtr"
)

// shipmentSorter yields every package once, in key order, its rows merged
// in file order (mergePackage), whether the file fits its arena or spills
// to many sorted runs.
func TestShipmentSorter(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	day := vtr.MustDate("2025-01-01")
	at := func() time.Time {
		if rnd.IntN(3) == 0 {
			return time.Time{}
		}
		return time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("", -5*3600)).Add(time.Duration(rnd.IntN(1e6)) * time.Second)
	}
	var rows []vtr.Package
	for range 5000 {
		// Few keys, so that most packages have rows in several runs.
		rows = append(rows, vtr.Package{
			OrderID:        fmt.Sprintf("11%d-%07d", rnd.IntN(3), rnd.IntN(700)),
			TrackingNumber: strings.Repeat("9", rnd.IntN(2)) + fmt.Sprint(rnd.IntN(3)),
			CarrierCode:    []string{"UPS", "USPS", "Other", ""}[rnd.IntN(4)],
			CarrierName:    []string{"", "U.S.P.S.", "Royal Mail"}[rnd.IntN(3)],
			ShipMethod:     fmt.Sprint("Method ", rnd.IntN(5)),
			ShipDate:       day.AddDays(rnd.IntN(90)),
			ConfirmedAt:    at(), DeliveredAt: at(), FirstScanAt: at(),
		})
	}
	// The reference: merge by key in file order, then sort.
	byKey := map[pkgKey]*vtr.Package{}
	var want []vtr.Package
	for i := range rows {
		k := pkgKey{rows[i].OrderID, rows[i].TrackingNumber}
		if p := byKey[k]; p != nil {
			mergePackage(p, &rows[i])
		} else {
			cp := rows[i]
			byKey[k] = &cp
		}
	}
	for _, p := range byKey {
		want = append(want, *p)
	}
	slices.SortFunc(want, func(a, b vtr.Package) int {
		return strings.Compare(a.OrderID+"\x00"+a.TrackingNumber, b.OrderID+"\x00"+b.TrackingNumber)
	})
	for _, chunk := range []int{1 << 20, 4 << 10, 200} {
		t.Run(fmt.Sprint(chunk), func(t *testing.T) {
			srt := newShipmentSorter(chunk)
			defer srt.close()
			for i := range rows {
				p := rows[i] // the caller may reuse its Package
				if err := srt.add(&p); err != nil {
					t.Fatal(err)
				}
			}
			it, err := srt.sorted()
			if err != nil {
				t.Fatal(err)
			}
			if chunk < 1<<20 && len(srt.runs) < 10 {
				t.Fatalf("%d runs, want many", len(srt.runs))
			}
			var got []vtr.Package
			for {
				var p vtr.Package
				ok, err := it.next(&p)
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					break
				}
				got = append(got, p)
			}
			if len(got) != len(want) {
				t.Fatalf("%d packages, want %d", len(got), len(want))
			}
			for i := range want {
				g, w := got[i], want[i]
				if g.OrderID != w.OrderID || g.TrackingNumber != w.TrackingNumber || g.CarrierCode != w.CarrierCode ||
					g.CarrierName != w.CarrierName || g.ShipMethod != w.ShipMethod || g.ShipDate != w.ShipDate ||
					!g.ConfirmedAt.Equal(w.ConfirmedAt) || !g.DeliveredAt.Equal(w.DeliveredAt) || !g.FirstScanAt.Equal(w.FirstScanAt) ||
					!g.FirstConfirmed().Equal(w.FirstConfirmed()) {
					t.Fatalf("package %d:\n got  %+v\n want %+v", i, g, w)
				}
			}
			if srt.file != nil {
				name := srt.file.Name()
				srt.close()
				if _, err := os.Stat(name); err == nil {
					t.Errorf("runs file %s left behind", name)
				}
			}
		})
	}
}

func TestDateString(t *testing.T) {
	for _, d := range []vtr.Date{{}, vtr.MustDate("2025-01-31"), vtr.MustDate("0999-12-01"), {Year: 12345, Month: 1, Day: 2}} {
		if got, want := dateString(d), d.String(); got != want {
			t.Errorf("dateString(%v) = %q, want %q", d, got, want)
		}
	}
}
