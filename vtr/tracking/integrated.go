package tracking

import (
	"slices"
	"strings"
	"time"
)

// List is one dated revision of a marketplace's integrated-carrier list:
// the carriers whose scans Amazon receives, so that their numbers can count
// as valid (docs/rules.md). Amazon publishes these lists as help pages
// and changes them (the US and EU lists changed on 2025-01-15), so each
// revision carries its first day and its source. They are defaults: a
// seller whose Seller Central shows another list supplies their own Lists.
type List struct {
	Marketplace string    // "US", "UK", "DE", ... (the codes of vtr.Marketplaces)
	From        time.Time // first day the revision applies (a UTC date); zero: since always
	Carriers    []string  // carrier codes (see Carriers)
	Source      string    // where the list was copied from
	Note        string    // what is known to be missing or assumed
}

// Lists is a set of revisions for one or more marketplaces.
type Lists []List

// In returns the revision of the marketplace's list in effect on the day
// on (its calendar date in its own location): the one with the latest From
// not after that day. GB is read as UK.
func (ls Lists) In(marketplace string, on time.Time) (List, bool) {
	day := dayOf(on)
	best := -1
	for i := range ls {
		if !sameMarketplace(ls[i].Marketplace, marketplace) || dayOf(ls[i].From) > day {
			continue
		}
		if best < 0 || dayOf(ls[i].From) > dayOf(ls[best].From) {
			best = i
		}
	}
	if best < 0 {
		return List{}, false
	}
	return ls[best], true
}

// Integrated reports whether the carrier (a code, or any name Lookup
// accepts) is on the marketplace's list in effect on that day. With no list
// for the marketplace it reports false: callers that must not flag every
// package of an unlisted marketplace check In first.
func (ls Lists) Integrated(marketplace, carrier string, on time.Time) bool {
	l, ok := ls.In(marketplace, on)
	if !ok {
		return false
	}
	if slices.Contains(l.Carriers, carrier) {
		return true
	}
	c, ok := Lookup(carrier)
	return ok && slices.Contains(l.Carriers, c.Code)
}

// Integrated reports whether the carrier is integrated in the marketplace
// on that day, by DefaultLists.
func Integrated(marketplace, carrier string, on time.Time) bool {
	return defaults.Integrated(marketplace, carrier, on)
}

// DefaultLists returns the lists vtrbot carries (a new copy each call, so a
// caller may edit it into a seller's own).
func DefaultLists() Lists {
	out := make(Lists, len(defaults))
	for i, l := range defaults {
		l.Carriers = slices.Clone(l.Carriers)
		out[i] = l
	}
	return out
}

func sameMarketplace(a, b string) bool {
	if strings.EqualFold(a, "GB") {
		a = "UK"
	}
	if strings.EqualFold(b, "GB") {
		b = "UK"
	}
	return strings.EqualFold(a, b)
}

// dayOf returns t's calendar date as yyyymmdd; the zero time is day 0.
func dayOf(t time.Time) int {
	if t.IsZero() {
		return 0
	}
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}

// defaults is built once from the table below and never written after.
var defaults = defaultLists()

// defaultLists is the data. What is known of each source, and what is not,
// is in docs/tracking.md ("Integrated carriers").
//
// Amazon changed the US and EU lists on 2025-01-15. We have no copy of the
// lists before and after that change, so no revision starts that day: the
// lists below apply to every date until a sourced revision is added (a List
// with From 2025-01-15 and its own Source). Nothing here is invented to
// fill that gap.
func defaultLists() Lists {
	const (
		usSource = "a seller tool's copy of Amazon's US integrated-carrier table " +
			"(testdata/traxtar/README.md, \"US integrated carriers\")"
		euSource = "Amazon Seller Central Europe help page 202068180 \"Tracking Number FAQ\" " +
			"(UK edition), \"Which carriers provide tracking information to Amazon?\"; undated, before 2025-01-15"
		euNote = "one list for the UK, DE, FR, IT and ES stores, as the page gave it; its \"Hermes\" is read as " +
			"both Evri (ex-Hermes UK) and Hermes Germany; it names DHL but not Deutsche Post / DHL Paket; " +
			"the 2025-01-15 revision is not known"
		jpSource = "Amazon.co.jp Seller Central help page 201817070 (追跡可能率), carrier table; " +
			"China Post only for numbers ending CN"
	)
	eu := []string{"royal_mail", "yodel", "dhl", "usps", "ups", "ems", "eub", "evri", "hermes", "dpd",
		"china_post", "yunexpress", "la_poste", "4px", "chronopost", "yanwen", "tnt", "fedex", "energo",
		"brt", "sda", "gls", "parcelforce", "sf_express", "seur", "correos", "mrw", "tipsa", "evialia",
		"homelogistics"}
	ls := Lists{{
		Marketplace: "US",
		Carriers: []string{"4px", "a1", "aaa_cooper", "abf", "amazon", "asendia", "best_buy",
			"blue_package", "cainiao", "canada_post", "ceva", "china_post", "conway", "cybersavings",
			"dhl", "dhl_ecommerce", "estes", "fedex", "fedex_freight", "fedex_smartpost", "first_mile",
			"hongkong_post", "hunter_logistics", "india_post", "jcex", "landmark", "lasership", "letian",
			"newgistics", "old_dominion", "ontrac", "osm", "pilot_freight", "ptt_kargo", "rl",
			"roadrunner", "royal_mail", "saia", "sf_express", "sfc", "shipentegra",
			"southeastern_freight", "streamlite", "ups", "ups_freight", "ups_mi", "urban_express",
			"usps", "watkins_shepard", "xpo", "yanwen", "yellow_freight", "yf_logistics", "yht",
			"yunexpress"},
		Source: usSource,
		Note:   "a default, not Amazon's own page; used for every date (the 2025-01-15 revision is not known)",
	}}
	for _, m := range []string{"UK", "DE", "FR", "IT", "ES"} {
		ls = append(ls, List{Marketplace: m, Carriers: slices.Clone(eu), Source: euSource, Note: euNote})
	}
	ls = append(ls, List{
		Marketplace: "JP",
		Carriers:    []string{"yamato", "sagawa", "japan_post", "4px", "china_post", "dhl", "fedex"},
		Source:      jpSource,
		Note:        "partial: the copy we had of the table ends after FedEx; the page lists more carriers",
	})
	return ls
}
