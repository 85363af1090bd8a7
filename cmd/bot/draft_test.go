package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/store/storetest"
)

// explainJSON runs bot explain --json with extra environment variables and
// flags, and returns its finding codes and draft.
func explainJSON(t *testing.T, db, mail string, vars []string, flags ...string) (map[string]string, string) {
	t.Helper()
	env, out, errb := testEnv(t, db, vars...)
	if code := run(context.Background(), append([]string{"explain", mail, "--json"}, flags...), env); code != 0 {
		t.Fatalf("bot explain: exit %d: %s", code, errb)
	}
	var e struct {
		Findings []struct{ Code, Text string }
		Reply    string
	}
	if err := json.Unmarshal(out.Bytes(), &e); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	codes := map[string]string{}
	for _, f := range e.Findings {
		codes[f.Code] = f.Text
	}
	return codes, e.Reply
}

// The draft's closing and attachment line follow what was configured and
// written: SELLER_NAME signs it, --evidence attaches the list.
func TestExplain_draftSignatureAndAttachment(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "v.db")
	importTraxtar(t, db)
	mail := filepath.Join(sharedPath(t, "testdata/notices"), "vtr-below-95-us.eml")

	_, plain := explainJSON(t, db, mail, nil)
	if strings.Contains(plain, "Kind regards") || strings.Contains(plain, "attached") {
		t.Errorf("no SELLER_NAME and no --evidence, yet:\n%s", plain)
	}
	ev := filepath.Join(dir, "books-appeal.csv")
	_, signed := explainJSON(t, db, mail, []string{"SELLER_NAME", "Traxtar Media"}, "--evidence", ev)
	if !strings.HasSuffix(signed, "\nKind regards,\nTraxtar Media\n") {
		t.Errorf("SELLER_NAME set, draft ends:\n%s", signed[max(0, len(signed)-120):])
	}
	if !strings.Contains(signed, "with their tracking numbers is attached (books-appeal.csv)") {
		t.Errorf("--evidence written, draft does not say so:\n%s", signed)
	}
	if _, err := os.Stat(ev); err != nil {
		t.Errorf("the draft says attached, but: %v", err)
	}
}

func TestConfig_sellerName(t *testing.T) {
	for _, bad := range []string{"Traxtar\nMedia", strings.Repeat("x", 101)} {
		env, _, errb := testEnv(t, filepath.Join(t.TempDir(), "v.db"), "SELLER_NAME", bad)
		if code := run(context.Background(), []string{"run"}, env); code != exitConfig {
			t.Errorf("SELLER_NAME=%q: exit %d, want %d", bad, code, exitConfig)
		}
		if got := strings.TrimSpace(errb.String()); !strings.HasPrefix(got, "SELLER_NAME: want one line of at most 100 characters") || strings.Contains(got, "\n") {
			t.Errorf("SELLER_NAME=%q: stderr = %q", bad, got)
		}
	}
}

// An orders file without purchase-date is missing data, not a
// contradiction: Support's "1 order in 365 days" is not disputed with "0
// orders", and the findings say which column is missing. On both databases.
func TestExplain_ordersWithoutPurchaseDate(t *testing.T) {
	traxtar := sharedPath(t, "testdata/traxtar")
	raw, err := os.ReadFile(filepath.Join(traxtar, "orders.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	orders := filepath.Join(t.TempDir(), "orders-no-purchase-date.tsv")
	if err := os.WriteFile(orders, dropColumn(t, string(raw), "purchase-date"), 0o644); err != nil {
		t.Fatal(err)
	}
	mail := filepath.Join(sharedPath(t, "testdata/notices"), "support-reply-na.eml")
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			db := storetest.URL(t, kind)
			runOK(t, db, "import", "orders", orders)
			runOK(t, db, "import", "categories", filepath.Join(traxtar, "categories.tsv"))
			runOK(t, db, "import", "shipments", filepath.Join(traxtar, "shipments.tsv"))
			codes, reply := explainJSON(t, db, mail, nil)
			for _, c := range []string{"CONTRADICTS_ORDER_COUNT", "CONTRADICTS_ORDER_STATUS"} {
				if text, ok := codes[c]; ok {
					t.Errorf("missing purchase dates reported as a contradiction: %s %s", c, text)
				}
			}
			want := "vtrbot cannot check Amazon's order count (1 in 365 days) and order status (\"Unshipped\"): 107 of your orders have no purchase date"
			if !strings.HasPrefix(codes["CLAIM_NOT_CHECKED"], want) || !strings.Contains(codes["CLAIM_NOT_CHECKED"], "purchase-date column") {
				t.Errorf("CLAIM_NOT_CHECKED = %q, want it to start %q and name the column", codes["CLAIM_NOT_CHECKED"], want)
			}
			for _, never := range []string{"0 orders", "Our order reports list", "are: .", "check the account again"} {
				if strings.Contains(reply, never) {
					t.Errorf("draft says %q:\n%s", never, reply)
				}
			}
			// What the records do support stays: the N/A claim and Books.
			for _, still := range []string{"The dashboard shows N/A", "Books (75.0%, 3 of 4 valid) is below 95%"} {
				if !strings.Contains(reply, still) {
					t.Errorf("draft lost %q:\n%s", still, reply)
				}
			}
		})
	}
}

// dropColumn removes a column from a TSV.
func dropColumn(t *testing.T, tsv, name string) []byte {
	t.Helper()
	lines := strings.Split(strings.TrimRight(tsv, "\n"), "\n")
	col := -1
	for i, h := range strings.Split(strings.TrimRight(lines[0], "\r"), "\t") {
		if h == name {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no column %q", name)
	}
	var b strings.Builder
	for _, l := range lines {
		f := strings.Split(strings.TrimRight(l, "\r"), "\t")
		b.WriteString(strings.Join(append(f[:col:col], f[col+1:]...), "\t") + "\n")
	}
	return []byte(b.String())
}

// A sibling metric computed from orders that lack the column it needs is
// not a figure to put to Amazon: the late shipment warning of traxtar's
// window, against an orders file without latest-ship-date, says which
// column is missing instead of "N/A (0 of 0 orders)".
func TestExplain_lateShipmentWithoutLatestShipDate(t *testing.T) {
	traxtar := sharedPath(t, "testdata/traxtar")
	dir := t.TempDir()
	raw, err := os.ReadFile(filepath.Join(sharedPath(t, "testdata/notices"), "lsr-above-4-us.eml"))
	if err != nil {
		t.Fatal(err)
	}
	mail := strings.NewReplacer("December 7, 2019 and January 5, 2020", "October 15, 2019 and November 14, 2019",
		"Mon, 06 Jan 2020", "Fri, 15 Nov 2019", "112-4410987-2210931\n", "", "112-8821004-5561320\n", "", "113-0092871-7765410\n", "").Replace(string(raw))
	lsr := filepath.Join(dir, "lsr-traxtar-window.eml")
	if err := os.WriteFile(lsr, []byte(mail), 0o644); err != nil {
		t.Fatal(err)
	}
	orders, err := os.ReadFile(filepath.Join(traxtar, "orders.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, orders string
		codes        []string
		notCodes     []string
		want         []string
		notWant      []string
	}{
		{"with latest-ship-date", string(orders), []string{"LOCAL_METRIC_MEETS_TARGET"}, []string{"METRIC_DATA_UNAVAILABLE", "METRIC_NA_EXPLAINED"},
			[]string{"Our records give a Late Shipment Rate of", "correct the metric"}, nil},
		{"without latest-ship-date", string(dropColumn(t, string(orders), "latest-ship-date")), []string{"METRIC_DATA_UNAVAILABLE"},
			[]string{"METRIC_NA_EXPLAINED", "LOCAL_METRIC_MEETS_TARGET", "LOCAL_METRIC_MISSES_TARGET"},
			[]string{"We have not yet been able to check the Late Shipment Rate", "tell us which orders count against the Late Shipment Rate"},
			[]string{"N/A", "0 of 0", "correct the metric"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "v.db")
			f := filepath.Join(t.TempDir(), "orders.tsv")
			if err := os.WriteFile(f, []byte(tt.orders), 0o644); err != nil {
				t.Fatal(err)
			}
			runOK(t, db, "import", "orders", f)
			runOK(t, db, "import", "shipments", filepath.Join(traxtar, "shipments.tsv"))
			codes, reply := explainJSON(t, db, lsr, nil)
			for _, c := range tt.codes {
				if _, ok := codes[c]; !ok {
					t.Errorf("no %s finding: %v", c, codes)
				}
			}
			for _, c := range tt.notCodes {
				if text, ok := codes[c]; ok {
					t.Errorf("%s: %s", c, text)
				}
			}
			if tt.name == "without latest-ship-date" && !strings.Contains(codes["METRIC_DATA_UNAVAILABLE"], "have no latest-ship-date in your records, so the Late Shipment Rate cannot be recomputed") {
				t.Errorf("METRIC_DATA_UNAVAILABLE = %q", codes["METRIC_DATA_UNAVAILABLE"])
			}
			for _, w := range tt.want {
				if !strings.Contains(reply, w) {
					t.Errorf("draft lacks %q:\n%s", w, reply)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(reply, w) {
					t.Errorf("draft says %q:\n%s", w, reply)
				}
			}
		})
	}
}
