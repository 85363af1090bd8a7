package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// orderReport writes, from traxtar's orders.tsv, the Order Report Amazon
// would give for its seller-fulfilled orders (Orders → Order Reports; the
// columns as docs/files.md "Other Amazon reports with the same dates"
// sources them): order-id, one row per item, the dates as latest-ship-date
// and latest-delivery-date, earliest-* left empty.
func orderReport(t *testing.T, dir, out string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "orders.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	col := map[string]int{}
	for i, h := range strings.Split(lines[0], "\t") {
		col[h] = i
	}
	var b strings.Builder
	b.WriteString("order-id\torder-item-id\tpurchase-date\tpayments-date\tsku\tproduct-name\tquantity-purchased\tcurrency\titem-price\t" +
		"ship-service-level\tearliest-ship-date\tlatest-ship-date\tearliest-delivery-date\tlatest-delivery-date\tis-business-order\n")
	for i, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if f[col["fulfillment-channel"]] != "Merchant" {
			continue // the Order Report is of seller-fulfilled orders
		}
		fmt.Fprintf(&b, "%s\t%014d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\tStandard\t\t%s\t\t%s\tfalse\n", f[col["amazon-order-id"]], i+1,
			f[col["purchase-date"]], f[col["purchase-date"]], f[col["sku"]], f[col["product-name"]], f[col["quantity"]],
			f[col["currency"]], f[col["item-price"]], f[col["latest-ship-date"]], f[col["promised-delivery-date"]])
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// eligibleIn runs bot vtr status --json on traxtar's notice window and
// returns the overall eligible count.
func eligibleIn(t *testing.T, s *session) int {
	t.Helper()
	env, out, errb := testEnv(t, s.db, s.vars...)
	env.Now = func() time.Time { return s.now }
	if code := run(t.Context(), []string{"vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14", "--json"}, env); code != exitOK {
		t.Fatalf("vtr status: exit %d: %s", code, errb)
	}
	var st struct {
		Overall struct{ Eligible int } `json:"overall"`
	}
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	return st.Overall.Eligible
}

// TestImport_orderReport: an All Orders file without promised-delivery-date
// and latest-ship-date puts 76 eligible packages in traxtar's notice
// window (by ship date); the Order Report imported after it fills both
// dates (its latest-delivery-date is the promised delivery date) and the
// window holds 84, as with the dates in the orders file; re-importing the
// All Orders file keeps them; importing the Order Report again changes
// nothing (issue 16, docs/files.md "Other Amazon reports with the same
// dates").
func TestImport_orderReport(t *testing.T) {
	s := newSession(t)
	dir := sharedPath(t, "testdata/traxtar")
	raw, err := os.ReadFile(filepath.Join(dir, "orders.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	orders := filepath.Join(s.tmp, "all-orders.txt")
	if err := os.WriteFile(orders, dropColumn(t, string(dropColumn(t, string(raw), "promised-delivery-date")), "latest-ship-date"), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(s.tmp, "order-report.txt")
	orderReport(t, dir, report)

	s.expect(exitOK, "import", "orders", orders)
	s.expect(exitOK, "import", "categories", filepath.Join(dir, "categories.tsv"))
	s.expect(exitOK, "import", "shipments", filepath.Join(dir, "shipments.tsv"))
	if got := eligibleIn(t, s); got != 76 {
		t.Fatalf("before the Order Report: %d eligible, want 76", got)
	}
	s.expect(exitOK, "import", "orders", report)
	s.expect(exitOK, "vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14")
	if got := eligibleIn(t, s); got != 84 {
		t.Fatalf("after the Order Report: %d eligible, want 84", got)
	}
	s.expect(exitOK, "import", "orders", orders)
	if got := eligibleIn(t, s); got != 84 {
		t.Errorf("the All Orders file again: %d eligible, want the Order Report's dates kept (84)", got)
	}
	s.expect(exitOK, "import", "orders", report)
	s.golden("order-report")
	if !strings.Contains(s.b.String(), "Order Report: dates of 105 orders, 0 changed") {
		t.Error("the Order Report imported twice changed dates the second time")
	}
}

// TestImport_orderReportRefused: a file whose date column no Amazon page
// defines is refused in one FILE:LINE line with exit 2, before anything is
// read (the Unshipped Orders report's promise-date may be a ship-by or a
// deliver-by date); an Order Report without date columns is refused the
// same way; a bad date in an Order Report is a bad row (exit 1, its line);
// an order the database does not hold is counted, not created.
func TestImport_orderReportRefused(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		code       int
		want       string
	}{
		{"unshipped orders report",
			"order-id\torder-item-id\tpurchase-date\tpayments-date\treporting-date\tpromise-date\tdays-past-promise\tsku\n" +
				"113-5302739-0532286\t1\t2019-10-10\t2019-10-10\t2019-10-10\t2019-10-12\t0\tTX-CD-0101\n",
			exitConfig, "FILE:1: this looks like the Unshipped Orders report (column promise-date): Amazon's pages do not say what its promise-date means"},
		{"order report without dates",
			"order-id\torder-item-id\tpurchase-date\tsku\n113-5302739-0532286\t1\t2019-10-10\tTX-CD-0101\n",
			exitConfig, "FILE:1: an Order Report (order-id) without latest-ship-date or latest-delivery-date has no dates"},
		{"bad date",
			"order-id\tlatest-ship-date\tlatest-delivery-date\n113-5302739-0532286\t2019-10-12\t15/10/2019\n",
			exitFail, `FILE:2: latest-delivery-date "15/10/2019" is not a date`},
		{"unknown order",
			"order-id\tlatest-ship-date\tlatest-delivery-date\n999-0000000-0000000\t2019-10-12\t2019-10-15\n",
			exitOK, "1 order not imported yet: import the All Orders report first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "v.db")
			file := filepath.Join(t.TempDir(), "report.txt")
			if err := os.WriteFile(file, []byte(tc.file), 0o644); err != nil {
				t.Fatal(err)
			}
			runOK(t, db, "import", "orders", sharedPath(t, "testdata/traxtar/orders.tsv"))
			env, out, errb := testEnv(t, db)
			code := run(t.Context(), []string{"import", "orders", file}, env)
			got := strings.ReplaceAll(out.String()+errb.String(), file, "FILE")
			if code != tc.code || !strings.Contains(got, tc.want) {
				t.Errorf("exit %d, want %d; output:\n%s\nwant it to hold %q", code, tc.code, got, tc.want)
			}
			if tc.code == exitConfig && strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 {
				t.Errorf("a refusal is one line, got:\n%s", errb)
			}
		})
	}
}

// TestCLI_historyCategory: bot vtr history --category prints that
// category's rows without a BELOW TARGET column, which would only repeat
// the category on every row (issue 16).
func TestCLI_historyCategory(t *testing.T) {
	s := newSession(t)
	importTraxtar(t, s.db)
	s.expect(exitOK, "vtr", "history", "--category", "Books", "--from", "2019-11-12", "--to", "2019-11-14")
	s.expect(exitOK, "vtr", "history", "--from", "2019-11-13", "--to", "2019-11-14")
	s.golden("history-category")
	if first, _, _ := strings.Cut(s.b.String(), "$ bot vtr history --from"); strings.Contains(first, "BELOW TARGET") || strings.Contains(first, "Books 6") {
		t.Error("the category is repeated in its own rows")
	}
}

// TestShipDateNote: the by-ship-date note has real plurals (issue 16
// "Words for people"), names the Order Report, and is empty when every
// package has a promised delivery date.
func TestShipDateNote(t *testing.T) {
	for _, tc := range []struct {
		byShip, eligible int
		want             string
	}{
		{0, 84, ""},
		{1, 9, "1 of the 9 eligible packages has no promised delivery date, so this window holds it by ship date,\n" +
			"not by the day it was due as Amazon does; import orders with promised-delivery-date, or Amazon's Order Report\n" +
			"(bot import orders, after the All Orders report), to place it as Amazon does."},
		{4, 84, "4 of the 84 eligible packages have no promised delivery date, so this window holds them by ship date,\n" +
			"not by the day they were due as Amazon does; import orders with promised-delivery-date, or Amazon's Order Report\n" +
			"(bot import orders, after the All Orders report), to place them as Amazon does."},
	} {
		if got := shipDateNote(tc.byShip, tc.eligible); got != tc.want {
			t.Errorf("shipDateNote(%d, %d) =\n%s\nwant\n%s", tc.byShip, tc.eligible, got, tc.want)
		}
	}
}
