package tracking

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestCoreCheck pins the VTR subset to the rule of docs/tracking.md "Two levels"
// with numbers of testdata/core.tsv, including where the subset and Check
// deliberately differ (no Mailer-ID rule, no 420 routing, no FedEx 34, no
// UPS waybills, no DHL eCommerce).
func TestCoreCheck(t *testing.T) {
	f, err := os.Open("testdata/core.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	rows := 0
	for line := 1; sc.Scan(); line++ {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 5 {
			t.Fatalf("core.tsv:%d: %d columns, want 5", line, len(cols))
		}
		rows++
		carrier, number, wantOK, wantOther, note := cols[0], cols[1], cols[2] == "yes", cols[3] == "yes", cols[4]
		ok, other := CoreCheck(carrier, number)
		if ok != wantOK || other != wantOther {
			t.Errorf("core.tsv:%d: CoreCheck(%q, %q) = %v, %v; want %v, %v (%s)", line, carrier, number, ok, other, wantOK, wantOther, note)
		}
	}
	if rows == 0 {
		t.Fatal("core.tsv: no rows")
	}
}

func TestCoreFormats(t *testing.T) {
	for _, name := range []string{"usps", "ups", "fedex", "dhl", "U.S.P.S.", "United Parcel Service", "Federal Express", "DHL Express"} {
		if !CoreFormats(name) {
			t.Errorf("CoreFormats(%q) = false, want true", name)
		}
	}
	// Carriers without subset formats get no format check, even those with
	// fuller formats for Check (docs/tracking.md "Two levels": carriers
	// without subset formats (China Post, ...) get no format check).
	for _, name := range []string{"china_post", "China Post", "dhl_ecommerce", "fedex_smartpost", "ups_mi", "amazon", "ontrac", "s10", "Other", ""} {
		if CoreFormats(name) {
			t.Errorf("CoreFormats(%q) = true, want false", name)
		}
	}
}

// TestCoreCheck_traxtar: every tracking number of the seed seller's
// shipments passes the subset under the carrier it was confirmed with
// (the expected answers have no CARRIER_MISMATCH or BAD_FORMAT).
func TestCoreCheck_traxtar(t *testing.T) {
	const path = "../../../shared/testdata/traxtar/shipments.tsv"
	f, err := os.Open(path)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skipf("traxtar shipments not found at %s: %v", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var col map[string]int
	checked := 0
	for line := 1; sc.Scan(); line++ {
		cols := strings.Split(sc.Text(), "\t")
		if line == 1 {
			col = map[string]int{}
			for i, name := range cols {
				col[name] = i
			}
			continue
		}
		number := cols[col["tracking-number"]]
		carrier := cols[col["carrier-code"]]
		if strings.EqualFold(carrier, "other") {
			carrier = cols[col["carrier-name"]]
		}
		if number == "" || !CoreFormats(carrier) {
			continue
		}
		checked++
		if ok, _ := CoreCheck(carrier, number); !ok {
			t.Errorf("shipments.tsv:%d: CoreCheck(%q, %q) = false, want true", line, carrier, number)
		}
		if r := Check(carrier, number); !r.OK {
			t.Errorf("shipments.tsv:%d: Check(%q, %q) = %s", line, carrier, number, r.Why())
		}
	}
	if checked == 0 {
		t.Fatal("shipments.tsv: no numbers checked")
	}
}

// TestCoreCheck_vectors: on the shapes the subset has, it agrees with the
// shared vectors, except for the one row the subset reads differently
// (a 92 number whose 6-digit Mailer ID breaks an IMpb rule the subset
// leaves out).
func TestCoreCheck_vectors(t *testing.T) {
	f, err := os.Open(sharedVectors)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared vectors not found at %s: %v", sharedVectors, err)
		}
		t.Skipf("shared vectors not found at %s: %v (CI makes this fatal)", sharedVectors, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		carrier, number, valid := cols[0], cols[1], cols[2] == "yes"
		if !CoreFormats(carrier) {
			continue
		}
		ok, _ := CoreCheck(carrier, number)
		switch {
		case ok && !valid && Normalize(number) == "9200000000000000000000":
			// the known difference
		case ok != valid && ok:
			t.Errorf("CoreCheck(%q, %q) = true, vectors say invalid", carrier, number)
		case ok != valid && coreShape(Normalize(number)):
			t.Errorf("CoreCheck(%q, %q) = false on a subset shape, vectors say valid", carrier, number)
		}
	}
}

// coreShape reports whether n has one of the subset's shapes (lengths and
// prefixes, ignoring check digits).
func coreShape(n string) bool {
	digits := isDigits([]byte(n))
	switch {
	case len(n) == 18 && strings.HasPrefix(n, "1Z"):
		return true
	case len(n) == 13:
		return strings.HasSuffix(n, "US")
	case !digits:
		return false
	case len(n) == 22:
		return n[0] == '9' && (n[1] >= '1' && n[1] <= '6')
	case len(n) == 20:
		return true
	}
	return len(n) == 10 || len(n) == 11 || len(n) == 12 || len(n) == 15 || len(n) == 18
}
