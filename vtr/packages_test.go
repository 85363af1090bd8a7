package vtr

import (
	"reflect"
	"testing"
	"time"
)

// pkg is a classified package of order id: eligible with reason r, or out
// of the rate for cause ine (then r is "").
func pkg(id string, ine Ineligible, r Reason) ClassifiedPackage {
	return ClassifiedPackage{
		Package:          Package{OrderID: id, TrackingNumber: "T" + id, ShipMethod: "Priority Mail", ShipDate: MustDate("2019-10-20")},
		Verdict:          Verdict{Category: "Books", Carrier: "USPS", Ineligible: ine, Reason: r},
		PromisedDelivery: MustDate("2019-10-25"),
	}
}

func letter(p ClassifiedPackage, method string) ClassifiedPackage { p.ShipMethod = method; return p }
func undated(p ClassifiedPackage) ClassifiedPackage               { p.PromisedDelivery = Date{}; return p }
func exemptBy(p ClassifiedPackage, id string) ClassifiedPackage   { p.Exemption = id; return p }

// GroupPackages sorts a window's packages the way Reconcile reports them
// (docs/rules.md "Valid Tracking Rate", "Exemptions").
func TestGroupPackages(t *testing.T) {
	tests := []struct {
		name    string
		pkgs    []ClassifiedPackage
		invalid []string // order IDs
		exempt  []string
		unverif int
		noPromd int
		missed  map[string]string // order ID -> Exemption of its invalid ref
	}{
		{name: "no packages: empty groups"},
		{name: "a verified package is in no group", pkgs: []ClassifiedPackage{pkg("1", Eligible, Verified)}},
		{name: "a valid package with no scan is counted as unverified, not listed",
			pkgs: []ClassifiedPackage{pkg("1", Eligible, Unverified), pkg("2", Eligible, Unverified)}, unverif: 2},
		{name: "every invalid reason is listed as invalid",
			pkgs: []ClassifiedPackage{pkg("1", Eligible, NoTracking), pkg("2", Eligible, CarrierOtherIntegrated), pkg("3", Eligible, CarrierNotIntegrated),
				pkg("4", Eligible, CarrierMismatch), pkg("5", Eligible, BadFormat), pkg("6", Eligible, UploadedAfterDelivery), pkg("7", Eligible, NoScan)},
			invalid: []string{"1", "2", "3", "4", "5", "6", "7"}},
		{name: "an exempt package is listed as exempt, whatever its reason",
			pkgs: []ClassifiedPackage{exemptBy(pkg("1", Exempt, ""), USLetterFlatUnder10)}, exempt: []string{"1"}},
		{name: "packages out of the rate for another cause are in no group",
			pkgs: []ClassifiedPackage{pkg("1", NoOrder, ""), pkg("2", NotMFN, NoTracking), pkg("3", Cancelled, NoTracking), pkg("4", NonAmazonStore, ""), pkg("5", NoWindowDate, "")}},
		{name: "eligible and exempt packages without a promised date are placed by ship date; others are not counted",
			pkgs:    []ClassifiedPackage{undated(pkg("1", Eligible, Verified)), undated(pkg("2", Exempt, "")), undated(pkg("3", NotMFN, "")), undated(pkg("4", Eligible, NoTracking)), pkg("5", Eligible, Verified)},
			invalid: []string{"4"}, exempt: []string{"2"}, noPromd: 3},
		{name: "a letter or flat without tracking that was not exempt says which exemption it missed",
			pkgs: []ClassifiedPackage{letter(pkg("1", Eligible, NoTracking), "USPS First Class Letter"), letter(pkg("2", Eligible, NoTracking), "Standard Mail"),
				letter(pkg("3", Eligible, NoTracking), "First-Class Package"), letter(pkg("4", Eligible, BadFormat), "Standard Mail")},
			invalid: []string{"1", "2", "3", "4"},
			missed:  map[string]string{"1": "letter/flat (but not under $10)", "2": "letter/flat (but not under $10)", "3": "", "4": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := GroupPackages(tt.pkgs)
			if got := orderIDs(g.Invalid); !reflect.DeepEqual(got, tt.invalid) {
				t.Errorf("Invalid = %v, want %v", got, tt.invalid)
			}
			if got := orderIDs(g.Exempt); !reflect.DeepEqual(got, tt.exempt) {
				t.Errorf("Exempt = %v, want %v", got, tt.exempt)
			}
			if g.Unverified != tt.unverif || g.NoPromisedDate != tt.noPromd {
				t.Errorf("Unverified, NoPromisedDate = %d, %d; want %d, %d", g.Unverified, g.NoPromisedDate, tt.unverif, tt.noPromd)
			}
			for _, r := range g.Invalid {
				if want := tt.missed[r.OrderID]; r.Exemption != want {
					t.Errorf("invalid %s: Exemption = %q, want %q", r.OrderID, r.Exemption, want)
				}
			}
		})
	}
}

// A package's reference carries what findings and drafts name: order,
// category, carrier, number, dates, reason and exemption.
func TestClassifiedPackage_Ref(t *testing.T) {
	p := exemptBy(pkg("1", Exempt, ""), USLetterFlatUnder10)
	want := PackageRef{OrderID: "1", Category: "Books", Carrier: "USPS", TrackingNumber: "T1", ShipDate: MustDate("2019-10-20"),
		PromisedDelivery: MustDate("2019-10-25"), Exemption: USLetterFlatUnder10}
	if got := p.Ref(); got != want {
		t.Errorf("Ref() = %+v, want %+v", got, want)
	}
}

// The words for a missed exemption come from the exemption's definition:
// its methods decide which packages, its ID which words.
func TestMissedExemption(t *testing.T) {
	e, ok := DefaultExemption(USLetterFlatUnder10)
	if !ok || e.ID != USLetterFlatUnder10 || len(e.Methods) == 0 {
		t.Fatalf("DefaultExemption(%q) = %+v, %v; want the built-in rule with its methods", USLetterFlatUnder10, e, ok)
	}
	if _, ok := DefaultExemption("no_such_rule"); ok {
		t.Errorf("DefaultExemption(no_such_rule) found a rule")
	}
	tests := []struct {
		name string
		p    ClassifiedPackage
		want string
	}{
		{"letter without tracking", letter(pkg("1", Eligible, NoTracking), "First Class Mail Letter"), MissedExemptionWords(USLetterFlatUnder10)},
		{"flat without tracking", letter(pkg("1", Eligible, NoTracking), "first-class flat"), "letter/flat (but not under $10)"},
		{"parcel without tracking", letter(pkg("1", Eligible, NoTracking), "Ground Advantage"), ""},
		{"letter with a mistyped number: not about tracking being needed", letter(pkg("1", Eligible, BadFormat), "Standard Mail"), ""},
		{"exempt letter: it did not miss the exemption", letter(exemptBy(pkg("1", Exempt, ""), USLetterFlatUnder10), "Standard Mail"), ""},
		{"letter of a cancelled order", letter(pkg("1", Cancelled, NoTracking), "Standard Mail"), ""},
	}
	for _, tt := range tests {
		if got := MissedExemption(tt.p); got != tt.want {
			t.Errorf("%s: MissedExemption = %q, want %q", tt.name, got, tt.want)
		}
	}
	if MissedExemptionWords("jp_under_1000") != "" {
		t.Errorf("an exemption with no missed words has some")
	}
}

// Support claims are checked over the span they name, ending at the
// reply's date (docs/rules.md "Notices").
func TestClaimSpan(t *testing.T) {
	today := MustDate("2020-01-10")
	dated := time.Date(2019, 12, 4, 23, 30, 0, 0, time.FixedZone("PST", -8*3600)) // 2019-12-05 in UTC
	tests := []struct {
		name   string
		date   time.Time
		claims []Claim
		want   Window
		ok     bool
	}{
		{name: "no claims: nothing to count"},
		{name: "claims about something else: nothing to count", claims: []Claim{{Type: ClaimIgnoreNotice}, {Type: ClaimMetricValue, Text: "N/A"}, {Type: ClaimExemption}}},
		{name: "an order count names its days", date: dated, claims: []Claim{{Type: ClaimOrderCount, Count: 1, Days: 30}},
			want: Window{From: MustDate("2019-11-06"), To: MustDate("2019-12-05")}, ok: true},
		{name: "an order status alone: a year", date: dated, claims: []Claim{{Type: ClaimOrderStatus, Text: "Unshipped"}},
			want: Window{From: MustDate("2018-12-06"), To: MustDate("2019-12-05")}, ok: true},
		{name: "a count without days: a year", date: dated, claims: []Claim{{Type: ClaimOrderCount, Count: 1}},
			want: Window{From: MustDate("2018-12-06"), To: MustDate("2019-12-05")}, ok: true},
		{name: "status and count: the count's days", date: dated, claims: []Claim{{Type: ClaimOrderStatus, Text: "Unshipped"}, {Type: ClaimOrderCount, Count: 1, Days: 7}},
			want: Window{From: MustDate("2019-11-29"), To: MustDate("2019-12-05")}, ok: true},
		{name: "an undated reply: the span ends today", claims: []Claim{{Type: ClaimOrderCount, Count: 3, Days: 10}},
			want: Window{From: MustDate("2020-01-01"), To: today}, ok: true},
		{name: "one day", date: dated, claims: []Claim{{Type: ClaimOrderCount, Count: 3, Days: 1}},
			want: Window{From: MustDate("2019-12-05"), To: MustDate("2019-12-05")}, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ClaimSpan(&Notice{Kind: KindSupportReply, Date: tt.date, Claims: tt.claims}, today)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ClaimSpan = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// A carrier mail's numbers are matched with the packages that have them;
// the rest are kept as unmatched, in the mail's order.
func TestMatchTracking(t *testing.T) {
	a, b, b2 := pkg("1", Eligible, Unverified), pkg("2", Eligible, Verified), pkg("3", Eligible, Verified)
	b2.TrackingNumber = b.TrackingNumber // one number on two packages
	tests := []struct {
		name      string
		numbers   []string
		found     []ClassifiedPackage
		matched   map[string][]string // number -> order IDs
		unmatched []string
	}{
		{name: "no numbers", matched: map[string][]string{}},
		{name: "nothing found: every number unmatched", numbers: []string{"X2", "X1"}, matched: map[string][]string{}, unmatched: []string{"X2", "X1"}},
		{name: "each number with its packages", numbers: []string{"T1", "X9", "T2"}, found: []ClassifiedPackage{a, b, b2},
			matched: map[string][]string{"T1": {"1"}, "T2": {"2", "3"}}, unmatched: []string{"X9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, u := MatchTracking(tt.numbers, tt.found)
			got := map[string][]string{}
			for num, refs := range m {
				got[num] = orderIDs(refs)
			}
			if !reflect.DeepEqual(got, tt.matched) || !reflect.DeepEqual(u, tt.unmatched) {
				t.Errorf("MatchTracking = %v, %v; want %v, %v", got, u, tt.matched, tt.unmatched)
			}
		})
	}
}

func orderIDs(refs []PackageRef) []string {
	var ids []string
	for _, r := range refs {
		ids = append(ids, r.OrderID)
	}
	return ids
}

// An order a notice names is described by its status, ship-by date and
// first package: the first confirmation, which a re-upload never moves
// (docs/rules.md "Sibling metrics"), and why it counts as it does.
func TestDescribeOrder(t *testing.T) {
	first := time.Date(2019, 10, 19, 14, 5, 0, 0, time.UTC)
	confirmed := pkg("1", Eligible, NoTracking)
	confirmed.ConfirmedAt, confirmed.FirstConfirmedAt = first.Add(48*time.Hour), first
	tests := []struct {
		name  string
		order Order
		pkgs  []ClassifiedPackage
		want  string
	}{
		{"no package, no ship-by date", Order{Status: "Unshipped"}, nil, "Unshipped"},
		{"ship-by date", Order{Status: "Unshipped", LatestShipDate: MustDate("2019-10-20")}, nil, "Unshipped, ship by 2019-10-20"},
		{"first confirmation and reason", Order{Status: "Shipped", LatestShipDate: MustDate("2019-10-20")}, []ClassifiedPackage{confirmed, pkg("2", Eligible, Verified)},
			"Shipped, ship by 2019-10-20, confirmed 2019-10-19 14:05Z (no tracking number)"},
		{"no confirmation time: the ship date", Order{Status: "Shipped"}, []ClassifiedPackage{pkg("1", Eligible, Verified)},
			"Shipped, shipped 2019-10-20 (scanned by the carrier)"},
		{"a package out of the rate has no reason", Order{Status: "Shipped"}, []ClassifiedPackage{pkg("1", Exempt, "")},
			"Shipped, shipped 2019-10-20"},
	}
	for _, tt := range tests {
		if got := DescribeOrder(&tt.order, tt.pkgs); got != tt.want {
			t.Errorf("%s: DescribeOrder = %q, want %q", tt.name, got, tt.want)
		}
	}
}
