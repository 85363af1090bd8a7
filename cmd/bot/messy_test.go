package main

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/sample"
)

// messySeller writes a generated messy seller (split shipments, FBA rows,
// cancellations, "Other" carriers, typos, missing PDDs, late uploads,
// duplicate rows, non-Amazon channels) to dir and returns the three paths.
// The generator sells on Amazon.com only; a fixed share of orders is moved
// to other stores here so that marketplaces, currencies, the default
// marketplace (empty channel) and the EU letter exemption are exercised too.
func messySeller(t *testing.T, dir string) (orders, shipments, categories string) {
	t.Helper()
	var o, s, c bytes.Buffer
	opt := sample.Options{Seed: 20250115, Orders: 3000, End: vtr.MustDate("2025-03-31"), Days: 180, Messy: true}
	if err := sample.Generate(opt, sample.Files{Orders: &o, Shipments: &s, Categories: &c}); err != nil {
		t.Fatal(err)
	}
	moved := map[string]string{} // order id → its new store
	ol := strings.Split(o.String(), "\n")
	col := columns(ol[0])
	for i := 1; i < len(ol); i++ {
		f := strings.Split(ol[i], "\t")
		if len(f) < len(col) {
			continue
		}
		id := f[col["amazon-order-id"]]
		switch bucket(id, 10) {
		case 0: // Germany, shipped across the border to France half the time
			f[col["sales-channel"]], f[col["currency"]] = "Amazon.de", "EUR"
			f[col["ship-country"]] = []string{"DE", "FR"}[bucket(id+"c", 2)]
			moved[id] = "DE"
		case 1: // an empty channel is the default marketplace (US)
			f[col["sales-channel"]] = ""
		case 2:
			f[col["sales-channel"]], f[col["currency"]], f[col["ship-country"]] = "amazon.co.uk", "GBP", "GB"
			moved[id] = "UK"
		}
		ol[i] = strings.Join(f, "\t")
	}
	sl := strings.Split(s.String(), "\n")
	scol := columns(sl[0])
	for i := 1; i < len(sl); i++ {
		f := strings.Split(sl[i], "\t")
		if len(f) < len(scol) || moved[f[scol["order-id"]]] != "DE" {
			continue
		}
		// German letters: Deutsche Post is not on the DE list, DHL is.
		if strings.Contains(f[scol["ship-method"]], "Envelope") {
			f[scol["ship-method"]], f[scol["carrier-code"]] = "Deutsche Post Brief", "DHL"
		}
		sl[i] = strings.Join(f, "\t")
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return write("orders.tsv", strings.Join(ol, "\n")), write("shipments.tsv", strings.Join(sl, "\n")), write("categories.tsv", c.String())
}

func columns(header string) map[string]int {
	m := map[string]int{}
	for i, h := range strings.Split(header, "\t") {
		m[h] = i
	}
	return m
}

func bucket(s string, n uint32) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32() % n
}

// messyQueries are the status and untracked calls compared across databases.
func messyQueries() [][]string {
	windows := [][]string{
		{"--from", "2025-01-01", "--to", "2025-01-30"}, // across the EU rule's first day
		{"--from", "2025-01-15", "--to", "2025-01-15"}, // one day
		{"--from", "2024-10-01", "--to", "2025-03-31"}, // everything
		{"--as-of", "2025-02-28", "--days", "30"},      // rolling
		{"--from", "2025-04-01", "--to", "2025-06-30"}, // after the data: N/A
		{"--from", "2024-12-01", "--to", "2024-12-31"}, // a month
		{"--from", "2025-03-20", "--to", "2025-04-15"}, // the end of the data
		{"--from", "2024-09-01", "--to", "2024-10-15"}, // the start of the data
		{"--as-of", "2025-03-31", "--days", "7"},       //
		{"--as-of", "2025-01-14", "--days", "1"},       // the day before the EU rule
		{"--from", "2019-10-15", "--to", "2019-11-14"}, // nothing at all
		{"--from", "2025-02-01", "--to", "2025-02-28"}, //
		{"--from", "2024-11-15", "--to", "2025-02-14"}, //
		{"--as-of", "2025-03-15", "--days", "90"},      //
		{"--as-of", "2025-01-31", "--days", "30"},      //
		{"--from", "2025-03-01", "--to", "2025-03-31"}, //
		{"--from", "2024-10-01", "--to", "2024-10-31"}, //
		{"--as-of", "2024-12-24", "--days", "30"},      //
		{"--from", "2025-01-16", "--to", "2025-01-16"}, //
		{"--from", "2025-01-10", "--to", "2025-01-20"}, //
		{"--as-of", "2025-02-14", "--days", "45"},      //
		{"--from", "2024-12-15", "--to", "2025-01-15"}, //
		{"--from", "2025-02-15", "--to", "2025-03-16"}, //
		{"--as-of", "2025-03-01", "--days", "14"},      //
		{"--from", "2024-11-01", "--to", "2024-11-30"}, //
		{"--from", "2025-01-01", "--to", "2025-03-31"}, //
		{"--as-of", "2025-01-05", "--days", "30"},      //
		{"--from", "2024-09-15", "--to", "2025-04-30"}, //
		{"--from", "2025-02-10", "--to", "2025-02-12"}, //
		{"--as-of", "2025-03-25", "--days", "30"},      //
	}
	var out [][]string
	for i, w := range windows {
		// Every window for the US; the others rotate through marketplaces
		// and categories so that each combination appears.
		sel := [][]string{{"--marketplace", "US"}}
		switch i % 3 {
		case 0:
			sel = append(sel, []string{"--marketplace", "DE"}, []string{"--marketplace", "US", "--category", "Books"})
		case 1:
			sel = append(sel, []string{"--marketplace", "UK"}, []string{"--marketplace", "US", "--category", "Uncategorized"},
				[]string{"--marketplace", "DE", "--category", "Music"})
		case 2:
			sel = append(sel, []string{"--marketplace", "JP"}, []string{"--marketplace", "US", "--category", "Movies & TV"},
				[]string{"--marketplace", "US", "--category", "Music"}, []string{"--marketplace", "US", "--category", "No Such Category"})
		}
		for _, s := range sel {
			for _, cmd := range []string{"status", "untracked"} {
				args := append([]string{"vtr", cmd}, w...)
				out = append(out, append(append(args, s...), "--json"))
			}
		}
	}
	return out
}

// answers runs every query against db and returns the outputs by query.
func answers(t *testing.T, db string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, q := range messyQueries() {
		out[strings.Join(q, " ")] = runOK(t, db, q...)
	}
	return out
}

// TestMessy_sameAnswersOnSQLiteAndPostgreSQL imports a generated messy
// seller into SQLite and into PostgreSQL and requires byte-identical
// `vtr status --json` and `vtr untracked --json` for many windows,
// marketplaces and categories. A third database, SQLite fed the files in
// the reverse order (shipments before the orders they belong to), must agree
// too: the stored classification may not depend on import order.
func TestMessy_sameAnswersOnSQLiteAndPostgreSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 3000 orders into each database")
	}
	orders, shipments, categories := messySeller(t, t.TempDir())
	lite, pg := storetest.URL(t, "sqlite"), storetest.URL(t, "postgres")
	for _, db := range []string{lite, pg} {
		runOK(t, db, "import", "orders", orders)
		runOK(t, db, "import", "categories", categories)
		runOK(t, db, "import", "shipments", shipments)
	}
	reversed := storetest.URL(t, "sqlite")
	runOK(t, reversed, "import", "shipments", shipments)
	runOK(t, reversed, "import", "categories", categories)
	runOK(t, reversed, "import", "orders", orders)

	want := answers(t, lite)
	checkMessyAnswers(t, want)
	for name, db := range map[string]string{"postgres": pg, "sqlite, reverse import order": reversed} {
		got := answers(t, db)
		for _, q := range messyQueries() {
			k := strings.Join(q, " ")
			if got[k] != want[k] {
				t.Errorf("%s: bot %s\n got  %s\n want %s (sqlite)", name, k, got[k], want[k])
			}
		}
	}
}

// checkMessyAnswers makes sure the comparison compares something: the
// answers cover eligible, invalid, exempt and N/A results in more than one
// marketplace, and every reason the mess can produce.
func checkMessyAnswers(t *testing.T, answers map[string]string) {
	t.Helper()
	reasons := map[string]int{}
	exempt := map[string]int{}
	na, eligible := 0, map[string]int{}
	for k, out := range answers {
		market := "US"
		if i := strings.Index(k, "--marketplace "); i >= 0 {
			market = k[i+len("--marketplace ") : i+len("--marketplace ")+2]
		}
		if strings.HasPrefix(k, "vtr untracked") {
			var u struct {
				Packages []struct{ Reason string } `json:"packages"`
			}
			if err := json.Unmarshal([]byte(out), &u); err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			for _, p := range u.Packages {
				reasons[p.Reason]++
			}
			continue
		}
		var st struct {
			Overall struct {
				Eligible, Exempt int
				Status           string
			} `json:"overall"`
		}
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		eligible[market] += st.Overall.Eligible
		exempt[market] += st.Overall.Exempt
		if st.Overall.Status == vtr.StatusNA {
			na++
		}
	}
	for _, r := range []vtr.Reason{vtr.NoTracking, vtr.CarrierOtherIntegrated, vtr.CarrierNotIntegrated,
		vtr.CarrierMismatch, vtr.BadFormat, vtr.UploadedAfterDelivery} {
		if reasons[string(r)] == 0 {
			t.Errorf("no %s package in any untracked list: the messy data no longer covers it", r)
		}
	}
	for _, m := range []string{"US", "DE", "UK"} {
		if eligible[m] == 0 {
			t.Errorf("no eligible package in %s in any window", m)
		}
	}
	if exempt["US"] == 0 || exempt["DE"] == 0 {
		t.Errorf("exempt packages: US %d, DE %d; want both above 0", exempt["US"], exempt["DE"])
	}
	if na == 0 {
		t.Errorf("no N/A answer among %d", len(answers))
	}
}

// TestMessy_importTwiceChangesNothing: re-importing the messy files leaves
// every table's row count and every answer as it was, on both databases.
func TestMessy_importTwiceChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 3000 orders twice")
	}
	orders, shipments, categories := messySeller(t, t.TempDir())
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			db := storetest.URL(t, kind)
			imp := func() {
				runOK(t, db, "import", "orders", orders)
				runOK(t, db, "import", "categories", categories)
				runOK(t, db, "import", "shipments", shipments)
			}
			imp()
			first, firstStatus := counts(t, db), runOK(t, db, "vtr", "status", "--from", "2024-10-01", "--to", "2025-03-31", "--json")
			imp()
			if again := counts(t, db); !reflect.DeepEqual(first, again) {
				t.Errorf("second import changed row counts:\n first %v\n again %v", first, again)
			}
			if again := runOK(t, db, "vtr", "status", "--from", "2024-10-01", "--to", "2025-03-31", "--json"); again != firstStatus {
				t.Errorf("second import changed the status:\n first %s\n again %s", firstStatus, again)
			}
		})
	}
}
