package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/store/storetest"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

// The same files give the same result on SQLite and PostgreSQL: a
// Windows-1252 file stops at its first non-UTF-8 byte until --encoding names
// it, a Shift_JIS one imports with --encoding shift_jis, Excel's UTF-16
// "Unicode text" (with its byte-order mark) imports as it is, and a NUL
// byte is an error at its line. Nothing of a refused file is kept.
func TestImport_encodingsSameOnBothDatabases(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, enc encoding.Encoding, text string) string {
		b, err := enc.NewEncoder().Bytes([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	cats := write("categories.csv", charmap.Windows1252, "sku,category\r\nCD-1,Musique café\r\n")
	orders := write("orders.tsv", japanese.ShiftJIS, "amazon-order-id\torder-status\tfulfillment-channel\tsales-channel\tsku\tproduct-name\titem-price\tpromised-delivery-date\tcategory\n"+
		"111-0000000-0000001\tShipped\tMerchant\tAmazon.com\tCD-1\tCafe Jazz\t12.00\t2024-05-10\t\n"+
		"111-0000000-0000002\tShipped\tMerchant\tAmazon.com\tJP-1\t日本のジャズ\t15.00\t2024-05-11\t日本の音楽\n")
	ships := write("shipments.txt", unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "order-id\tcarrier-code\tship-date\ttracking-number\r\n"+
		"111-0000000-0000001\tUSPS\t2024-05-07\t9400 1118 9922 3408 6175 11\r\n"+
		"111-0000000-0000002\tUSPS\t2024-05-08\t9400 1118 9922 3408 6175 28\r\n")
	nul := filepath.Join(dir, "nul.tsv")
	os.WriteFile(nul, []byte("sku\tcategory\nCD-2\tMusic\nCD-3\tMu\x00sic\n"), 0o644)

	steps := []struct {
		args []string
		code int
		want string // stdout or stderr, as the exit code says
	}{
		{[]string{"import", "categories", cats}, 1, cats + ":2: byte 0xE9 at byte 17 of the line is not UTF-8; if the file is Windows-1252 or Shift_JIS, pass --encoding windows-1252 or --encoding shift_jis\n"},
		{[]string{"import", "categories", cats, "--encoding", "windows-1252"}, 0, "imported 1 categories"},
		{[]string{"import", "orders", orders}, 1, orders + ":3: byte 0x93 at byte 54 of the line is not UTF-8"},
		{[]string{"import", "orders", orders, "--encoding", "shift_jis"}, 0, "imported 2 orders, 2 items"},
		{[]string{"import", "shipments", ships}, 0, "imported 2 shipment rows"},
		{[]string{"import", "categories", nul}, 1, nul + ":3: a NUL byte (0x00) at byte 8 of the line: not text\n"},
		{[]string{"import", "categories", cats, "--encoding", "klingon"}, 2, `--encoding: unknown encoding "klingon"`},
		{[]string{"vtr", "status", "--from", "2024-05-01", "--to", "2024-05-31", "--json"}, 0, `"categories":[{"category":"Musique café",`},
	}
	results := map[string][]string{}
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			db := storetest.URL(t, kind)
			for _, st := range steps {
				env, out, errb := testEnv(t, db)
				code := run(context.Background(), st.args, env)
				got := out.String()
				if code != 0 {
					got = errb.String()
				}
				if code != st.code || !strings.Contains(got, st.want) {
					t.Errorf("bot %s: exit %d, %q\nwant exit %d, %q", strings.Join(st.args, " "), code, got, st.code, st.want)
				}
				results[kind] = append(results[kind], got)
			}
			status := results[kind][len(results[kind])-1]
			for _, want := range []string{`"category":"日本の音楽"`, `"eligible":2`} {
				if !strings.Contains(status, want) {
					t.Errorf("status lacks %s: %s", want, status)
				}
			}
			if c := counts(t, db); c["sku_categories"] != 1 {
				t.Errorf("%d sku categories, want 1: the NUL file added none", c["sku_categories"])
			}
		})
	}
	if a, b := results["sqlite"], results["postgres"]; len(b) > 0 && strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("SQLite and PostgreSQL differ:\n%q\n%q", a, b)
	}
}
