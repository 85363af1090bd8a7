package vtr

// What reconciliation reads from a window's packages, a Support reply's
// claims and a carrier mail's tracking numbers: the domain decisions the
// caller (commands) applies to what it loads before it calls Reconcile
// (docs/architecture.md "Packages and the direction of their imports";
// docs/rules.md "Notices").

// ClassifiedPackage is a package with its verdict and its order's promised
// delivery date, as the store lists the packages of a window.
type ClassifiedPackage struct {
	Package
	Verdict
	PromisedDelivery Date // zero when the order has none: the package is placed by ship date
}

// Ref names p in findings and reply drafts.
func (p ClassifiedPackage) Ref() PackageRef {
	return PackageRef{OrderID: p.OrderID, Category: p.Category, Carrier: p.Carrier, TrackingNumber: p.TrackingNumber,
		ShipDate: p.ShipDate, PromisedDelivery: p.PromisedDelivery, Reason: p.Reason, Exemption: p.Exemption}
}

// PackageGroups are a window's packages as Reconcile reads them
// (ReconcileInput's fields of the same names).
type PackageGroups struct {
	// Invalid are the eligible packages that do not count as valid. A
	// letter or flat confirmed without tracking that the US letter/flat
	// exemption still does not cover carries MissedExemption's words in
	// Exemption.
	Invalid []PackageRef
	// Exempt are the packages an exemption takes out of the rate.
	Exempt []PackageRef
	// Unverified counts the eligible packages that count as valid with no
	// carrier scan on record yet.
	Unverified int
	// NoPromisedDate counts the eligible and exempt packages whose order
	// has no promised delivery date: they are placed by ship date.
	NoPromisedDate int
}

// GroupPackages sorts a window's packages into what Reconcile reports:
// invalid, exempt, valid without a scan, and placed by ship date. Packages
// out of the rate for another cause (no order, FBA, cancelled, ...) and
// verified ones are in no group.
func GroupPackages(pkgs []ClassifiedPackage) PackageGroups {
	var g PackageGroups
	for _, p := range pkgs {
		if p.PromisedDelivery.IsZero() && (p.Ineligible == Eligible || p.Ineligible == Exempt) {
			g.NoPromisedDate++
		}
		switch {
		case p.Ineligible == Exempt:
			g.Exempt = append(g.Exempt, p.Ref())
		case p.Ineligible != Eligible:
		case p.Reason == Unverified:
			g.Unverified++
		case !p.Reason.Valid():
			ref := p.Ref()
			if w := MissedExemption(p); w != "" {
				ref.Exemption = w
			}
			g.Invalid = append(g.Invalid, ref)
		}
	}
	return g
}

// MissedExemption names the exemption Seller Support quotes ("letters and
// flats under $10 need no tracking", the built-in USLetterFlatUnder10) for
// an invalid package it might seem to cover but does not: confirmed without
// tracking and shipped by a method the exemption names, so the order was
// not under its limit. "" for any other package. The words are the
// exemption's own (docs/rules.md "Exemptions").
func MissedExemption(p ClassifiedPackage) string {
	if p.Ineligible != Eligible || p.Reason != NoTracking {
		return ""
	}
	e, _ := DefaultExemption(USLetterFlatUnder10)
	for _, m := range e.Methods {
		if MethodMatches(m, p.ShipMethod) {
			return MissedExemptionWords(e.ID)
		}
	}
	return ""
}

// ClaimSpan is the span a Support reply's order claims are checked over
// (docs/rules.md "Notices", Support claims): the days its order-count
// claim names (365 when it names none), ending on the reply's date (today
// when it has none). ok is false when the notice claims neither an order
// count nor an order status, so that no orders need counting.
func ClaimSpan(n *Notice, today Date) (w Window, ok bool) {
	for _, c := range n.Claims {
		if c.Type == ClaimOrderCount || c.Type == ClaimOrderStatus {
			ok = true
		}
	}
	if !ok {
		return Window{}, false
	}
	days := 365
	for _, c := range n.Claims {
		if c.Type == ClaimOrderCount && c.Days > 0 {
			days = c.Days
		}
	}
	end := today
	if !n.Date.IsZero() {
		end = DateOf(n.Date.UTC())
	}
	return LastDays(end, days), true
}

// MatchTracking pairs the tracking numbers a carrier mail names with the
// packages found for them: matched by number, and the numbers no package
// has, in the mail's order (ReconcileInput.Matched and Unmatched).
func MatchTracking(numbers []string, found []ClassifiedPackage) (matched map[string][]PackageRef, unmatched []string) {
	matched = map[string][]PackageRef{}
	for _, p := range found {
		matched[p.TrackingNumber] = append(matched[p.TrackingNumber], p.Ref())
	}
	for _, num := range numbers {
		if len(matched[num]) == 0 {
			unmatched = append(unmatched, num)
		}
	}
	return matched, unmatched
}

// DescribeOrder says in a few words what the records hold of an order a
// notice names (ReconcileInput.NamedOrders): its status, ship-by date, and
// of its first package the first confirmation (else the ship date) and,
// when it counts, why it is valid or not: "Shipped, ship by 2019-10-20,
// confirmed 2019-10-19 14:05Z (no tracking number)".
func DescribeOrder(o *Order, pkgs []ClassifiedPackage) string {
	s := o.Status
	if !o.LatestShipDate.IsZero() {
		s += ", ship by " + o.LatestShipDate.String()
	}
	if len(pkgs) == 0 {
		return s
	}
	p := pkgs[0]
	// The first confirmation, as Late Shipment Rate counts it: a re-upload
	// never moves it (docs/rules.md "Sibling metrics").
	if at := p.FirstConfirmed(); !at.IsZero() {
		s += ", confirmed " + at.UTC().Format("2006-01-02 15:04Z")
	} else {
		s += ", shipped " + p.ShipDate.String()
	}
	if p.Counted() {
		s += " (" + p.Reason.Words() + ")"
	}
	return s
}
