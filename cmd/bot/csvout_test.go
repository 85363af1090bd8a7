package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNeutralise(t *testing.T) {
	tests := []struct{ cell, want string }{
		{"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
		{"+1+2", "'+1+2"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"  =1+1", "'  =1+1"},
		{"Music", "Music"},
		{"Movies & TV", "Movies & TV"},
		{"9400111899223408617511", "9400111899223408617511"},
		{"2019-10-15", "2019-10-15"},
		{"a=b", "a=b"},
		{"  plain", "  plain"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := neutralise(tt.cell); got != tt.want {
			t.Errorf("neutralise(%q) = %q, want %q", tt.cell, got, tt.want)
		}
	}
}

// The CSV exports open in a spreadsheet without running anything: a
// category, carrier or ship method that reads as a formula is written
// with a leading '.
func TestCSVExports_neutraliseFormulas(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "v.db")
	orders := filepath.Join(dir, "o.tsv")
	os.WriteFile(orders, []byte("amazon-order-id\torder-status\tfulfillment-channel\tsales-channel\tsku\titem-price\tpurchase-date\tpromised-delivery-date\tcategory\n"+
		"111-0000000-0000001\tShipped\tMerchant\tAmazon.com\tS-1\t12.00\t2019-10-18\t2019-10-25\t=HYPERLINK(\"http://evil.example\",\"Music\")\n"), 0o644)
	ships := filepath.Join(dir, "s.tsv")
	os.WriteFile(ships, []byte("order-id\tcarrier-code\tcarrier-name\tship-date\ttracking-number\tship-method\n"+
		"111-0000000-0000001\tOther\t@SUM(1+1)*cmd|' /C calc'!A0\t2019-10-20\t\t+Standard\n"), 0o644)
	runOK(t, db, "import", "orders", orders)
	runOK(t, db, "import", "shipments", ships)

	evidence := filepath.Join(dir, "evidence.csv")
	runOK(t, db, "explain", filepath.Join(sharedPath(t, "testdata/notices"), "vtr-below-95-us.eml"), "--evidence", evidence)
	b, err := os.ReadFile(evidence)
	if err != nil {
		t.Fatal(err)
	}
	exports := map[string]string{
		"explain --evidence":  string(b),
		"vtr untracked --csv": runOK(t, db, "vtr", "untracked", "--from", "2019-10-15", "--to", "2019-11-14", "--csv"),
	}
	for name, text := range exports {
		recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, text)
		}
		if len(recs) != 2 {
			t.Fatalf("%s: %d records, want a header and 1 package:\n%s", name, len(recs), text)
		}
		cells := strings.Join(recs[1], "|")
		for _, want := range []string{`'=HYPERLINK("http://evil.example","Music")`, `'@SUM(1+1)*cmd|' /C calc'!A0`} {
			if !strings.Contains(cells, want) {
				t.Errorf("%s: row lacks %s: %q", name, want, recs[1])
			}
		}
		for _, rec := range recs {
			for _, c := range rec {
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Errorf("%s: cell %q starts a formula", name, c)
				}
			}
		}
	}
}
