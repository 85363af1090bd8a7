package tracking

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"time"
)

// ownVector is one row of testdata/numbers.tsv: numbers computed from the
// carriers' specifications by an independent implementation.
type ownVector struct {
	line              int
	carrier, number   string
	valid             bool
	whyContains, note string
}

func readOwnVectors(t testing.TB) []ownVector {
	t.Helper()
	f, err := os.Open("testdata/numbers.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var vs []ownVector
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 5 {
			t.Fatalf("numbers.tsv:%d: %d columns, want 5", line, len(cols))
		}
		vs = append(vs, ownVector{line, cols[0], cols[1], cols[2] == "yes", cols[3], cols[4]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestCheck(t *testing.T) {
	for _, v := range readOwnVectors(t) {
		r := Check(v.carrier, v.number)
		if r.OK != v.valid {
			t.Errorf("numbers.tsv:%d: Check(%q, %q).OK = %v (%s), want %v (%s)", v.line, v.carrier, v.number, r.OK, r.Why(), v.valid, v.note)
		}
		if !strings.Contains(r.Why(), v.whyContains) {
			t.Errorf("numbers.tsv:%d: Check(%q, %q).Why() = %q, want it to contain %q", v.line, v.carrier, v.number, r.Why(), v.whyContains)
		}
		if strings.ContainsAny(r.Why(), "\n\r") {
			t.Errorf("numbers.tsv:%d: Why() has a line break: %q", v.line, r.Why())
		}
		// A checked answer agrees with Detect.
		if c, ok := Lookup(v.carrier); ok && r.Checked && Detect(v.number).Has(c) != r.OK {
			t.Errorf("numbers.tsv:%d: Detect(%q).Has(%s) = %v, Check OK = %v", v.line, v.number, c.Code, !r.OK, r.OK)
		}
	}
}

func TestCheck_why(t *testing.T) {
	tests := []struct {
		carrier, number, want string
	}{
		{"usps", "9400 1123 4567 8901 2345 67", "check digit is 7, expected 6 (USPS IMpb)"},
		{"usps", "0312 3456 7890 1234 5670", "check digit is 0, expected 2 or 4 (USPS 20-digit)"},
		{"USPS", "1Z A1B2C3 03 9876543 3", "fits UPS, not USPS"},
		{"usps", "940011234567890123456", "no USPS format has 21 digits"},
		{"ups", "1ZA1B2C3039876543", "no UPS format has 17 characters"},
		{"ups", "123456789012345678", "UPS 18-character numbers start 1Z"},
		{"lasership", "LZ21234567", "fits no Lasership format of that length (L + A, E, H, I, N or X + 1-3 + 7 digits)"},
		{"nope", "1234", "unknown carrier"},
		{"estes", "1234", "not checked: no Estes number formats are known"},
		{"china post", "9400112345678901234566", "not checked: fits none of the China Post formats known (UPU S10 ending CN); it fits USPS, "},
		{"usps", strings.Repeat("9", MaxLen+1), "too long"},
		{"usps", strings.Repeat(" ", MaxInput+1), "too long"},
	}
	for _, tt := range tests {
		got := Check(tt.carrier, tt.number).Why()
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("Check(%q, %q).Why() = %q, want %q...", tt.carrier, tt.number, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"9400111899223408617511", "9400111899223408617511"},
		{"9400 1118 9922 3408 6175 11", "9400111899223408617511"},
		{" 1z-a1b2c3\t03 ", "1ZA1B2C303"},
		{"1LS7119013618127-1", "1LS71190136181271"},
		{"9400\u00a01118\u2009\u20139922", "940011189922"}, // no-break space, thin space, en dash
		{"９４００ｔｂａ", "9400TBA"},                             // full width
		{"RB123°", "RB123°"},                               // kept as written
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct{ name, code string }{
		{"USPS", "usps"}, {"U.S.P.S.", "usps"}, {"usps ", "usps"}, {"US Postal Service", "usps"},
		{"United States Postal Service", "usps"}, {"u.s. postal service", "usps"},
		{"UPS", "ups"}, {"United Parcel Service", "ups"},
		{"FedEx", "fedex"}, {"Fed Ex", "fedex"}, {"Federal Express", "fedex"}, {"FEDEX", "fedex"},
		{"FedEx SmartPost", "fedex_smartpost"}, {"UPS Mail Innovations", "ups_mi"},
		{"DHL", "dhl"}, {"DHL Express", "dhl"}, {"DHL eCommerce", "dhl_ecommerce"},
		{"DHL Paket", "deutsche_post"}, {"Deutsche Post", "deutsche_post"},
		{"chinapost", "china_post"}, {"China Post", "china_post"}, {"china-post", "china_post"},
		{"Amazon Shipping", "amazon"}, {"amazon", "amazon"}, {"Canada Post", "canada_post"},
		{"canada_post", "canada_post"}, {"Royal Mail", "royal_mail"}, {"Evri", "evri"},
		{"Hermes UK", "evri"}, {"Hermes", "hermes"}, {"Colissimo", "la_poste"}, {"La Poste", "la_poste"},
		{"R+L", "rl"}, {"R&L Carriers", "rl"}, {"A-1", "a1"}, {"4PX", "4px"},
		{"Watkins & Shepard", "watkins_shepard"}, {"Watkins and Shepard", "watkins_shepard"},
		{"Yun Express", "yunexpress"}, {"YunExpress", "yunexpress"}, {"Lasership", "lasership"},
		{"LaserShip", "lasership"}, {"s10", "s10"}, {"Spee-Dee", "speedee"}, {"ヤマト運輸", "yamato"},
		{"Japan Post", "japan_post"}, {"Sagawa Express", "sagawa"}, {"Poste Italiane", "poste_italiane"},
		{"Correos", "correos"}, {"GLS", "gls"}, {"DPD", "dpd"},
	}
	for _, tt := range tests {
		c, ok := Lookup(tt.name)
		if !ok || c.Code != tt.code {
			t.Errorf("Lookup(%q) = %q, %v; want %q", tt.name, c.Code, ok, tt.code)
		}
	}
	for _, name := range []string{"", "Other", "other", "USPS Priority", "Hermes Paket", "EMS International", strings.Repeat("a", 1000)} {
		if c, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) = %q, want no carrier", name, c.Code)
		}
	}
}

func TestLookup_names(t *testing.T) {
	// Every code and display name finds its own carrier, and the US list's
	// names are the display names.
	for _, c := range Carriers() {
		for _, name := range append([]string{c.Code, c.Name}, c.Aliases()...) {
			if got, ok := Lookup(name); !ok || got != c {
				t.Errorf("Lookup(%q) = %q, %v; want %q", name, got.Code, ok, c.Code)
			}
		}
	}
	us, _ := DefaultLists().In("US", day("2019-11-15"))
	want := "4PX, A-1, AAA Cooper, ABF, Amazon Shipping, Asendia, Best Buy, Blue Package, Cainiao, " +
		"Canada Post, CEVA, China Post, Conway, CyberSavings, DHL, DHL eCommerce, Estes, FedEx, FedEx " +
		"Freight, FedEx SmartPost, First Mile, Hongkong Post, Hunter Logistics, India Post, JCEX, Landmark, " +
		"Lasership, Letian, Newgistics, Old Dominion, OnTrac, OSM, Pilot Freight, PTT Kargo, R+L, " +
		"Roadrunner, Royal Mail, Saia, SF Express, SFC, ShipEntegra, South Eastern Freight Lines, " +
		"StreamLite, UPS, UPS Freight, UPS Mail Innovations, Urban Express, USPS, Watkins and Shepard, XPO " +
		"Freight, Yanwen, Yellow Freight, YF Logistics, YHT, Yun Express"
	var names []string
	for _, code := range us.Carriers {
		c, ok := Lookup(code)
		if !ok || c.Code != code {
			t.Fatalf("US list code %q is not a carrier code", code)
		}
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ", "); got != want {
		t.Errorf("US list names:\n got %s\nwant %s", got, want)
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"U.S.P.S.", "usps"}, {"  US  Postal   Service ", "us postal service"}, {"R+L Carriers", "r l carriers"},
		{"Macy's", "macys"}, {"A-1", "a 1"}, {"Watkins & Shepard", "watkins shepard"}, {"DHL_eCommerce", "dhl ecommerce"},
		{"ÉMS", "éms"},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct{ number, want string }{
		{"1ZA1B2C30398765433", "ups"},
		{"9400 1123 4567 8901 2345 66", "usps, dhl_ecommerce, fedex_smartpost, ups_mi"},
		{"EA876543216US", "usps, s10"},
		{"RR246813576GB", "s10, royal_mail"},
		{"LX246813576GB", "dhl, s10, dhl_ecommerce, royal_mail"}, // DHL eCommerce also prints LX + 11
		{"RR135724682CN", "s10, china_post"},
		{"TBA123456789012", "amazon"},
		{"hello", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Detect(tt.number).String(); got != tt.want {
			t.Errorf("Detect(%q) = %q, want %q", tt.number, got, tt.want)
		}
	}
}

func TestAllocs(t *testing.T) {
	numbers := []string{"9400 1123 4567 8901 2345 67", "1ZA1B2C30398765433", "LX246813576GB", "RB123456785XX", "junk!"}
	for _, n := range numbers {
		if a := testing.AllocsPerRun(100, func() {
			Detect(n)
			Check("U.S.P.S.", n)
			Check("china post", n)
			CoreCheck("fedex", n)
		}); a != 0 {
			t.Errorf("%q: %v allocations, want 0", n, a)
		}
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestIsCountry(t *testing.T) {
	if len(countries) != 2*249 {
		t.Errorf("%d country codes, want ISO 3166-1's 249", len(countries)/2)
	}
	for i := 2; i < len(countries); i += 2 {
		if countries[i-2:i] >= countries[i:i+2] {
			t.Fatalf("countries not sorted at %s, %s", countries[i-2:i], countries[i:i+2])
		}
	}
	for _, c := range []string{"AD", "GB", "US", "CN", "MO", "ZW"} {
		if !isCountry(c[0], c[1]) {
			t.Errorf("isCountry(%s) = false", c)
		}
	}
	for _, c := range []string{"XX", "UK", "EU", "AA", "ZZ"} {
		if isCountry(c[0], c[1]) {
			t.Errorf("isCountry(%s) = true", c)
		}
	}
}
