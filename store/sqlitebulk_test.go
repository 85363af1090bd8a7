package store

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
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

// Which of a big file's packages are new is the account's own matter,
// but the secondary indexes a SQLite bulk load drops and builds again hold
// every account's rows: a file is big next to the whole table.
func TestSQLiteBulk_accounts(t *testing.T) {
	ctx := t.Context()
	rules := Options{Rules: vtr.DefaultRules("US")}
	s, err := Open(ctx, filepath.Join(t.TempDir(), "vtrbot.db"), rules)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	day := vtr.MustDate("2025-01-01")
	file := func(n int) func() (*vtr.Package, error) {
		i := 0
		return func() (*vtr.Package, error) {
			if i == n {
				return nil, io.EOF
			}
			i++
			return &vtr.Package{OrderID: fmt.Sprint("O-", i), TrackingNumber: "T", CarrierCode: "UPS", ShipDate: day}, nil
		}
	}
	if _, err := s.ImportShipments(ctx, file(1000)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAccount(ctx, Account{Name: "b", Marketplaces: "US"}); err != nil {
		t.Fatal(err)
	}
	b, err := s.OpenAccount(ctx, "b", rules)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rollBack := errors.New("roll back")
	for _, c := range []struct {
		s       *Store
		newRows int
		drop    bool
		share   float64 // of the sample O-1/T, O-2/T, X/T
	}{
		{b, 200, false, 1}, // 800 next to the 1000 rows of default
		{b, 250, true, 1},  // a quarter of the whole table
		{s, 200, false, 1.0 / 3},
		{s, 250, true, 1.0 / 3},
	} {
		err := c.s.sqliteBulkTx(ctx, "packages", func(tx *sqlx.Tx, bl *sqliteBulk) error {
			bl.minRows = 100
			share, err := bl.newShare(ctx, []pkgKey{{"O-1", "T"}, {"O-2", "T"}, {"X", "T"}})
			if err != nil {
				return err
			}
			if share != c.share {
				t.Errorf("account %s: new share %v, want %v", c.s.Account(), share, c.share)
			}
			all, err := count(ctx, tx, "packages")
			if err != nil {
				return err
			}
			if err := bl.expect(ctx, c.newRows, all); err != nil {
				return err
			}
			if bl.dropped != c.drop {
				t.Errorf("account %s, %d new rows next to %d: indexes dropped %v, want %v",
					c.s.Account(), c.newRows, all, bl.dropped, c.drop)
			}
			return rollBack
		})
		if err != rollBack {
			t.Fatal(err)
		}
	}
	// The second account's first file, as big as the first's: new
	// packages all, and a quarter of the whole table at least.
	b.SetBulkMinRows(500)
	if sum, err := b.ImportShipments(ctx, file(1000)); err != nil || sum.New != 1000 {
		t.Fatalf("account b: %+v, %v; want 1000 new packages", sum, err)
	}
	if sum, err := s.ImportShipments(ctx, file(1000)); err != nil || sum.New != 0 {
		t.Fatalf("account default again: %+v, %v; want no new package", sum, err)
	}
}
