package vtr

import (
	"encoding/json"
	"sort"
	"time"
)

// OrderFacts is an order with its packages' first confirmations, for the
// order-based sibling metrics.
type OrderFacts struct {
	Order    Order          // Items may be empty
	Packages []Confirmation // one per package of the order; none when it was never confirmed
}

// Confirmation is what Late Shipment Rate reads of one package.
type Confirmation struct {
	ShipDate Date      // the ship date as typed
	At       time.Time // when it was first confirmed (Package.FirstConfirmed); zero when no row said
}

// FirstConfirmation is when the order was first confirmed: the earliest of
// its packages' first confirmations, where a package without a confirmation
// time counts at the end of its ship date in loc (docs/rules.md "Sibling
// metrics"). timed tells whether that time was a confirmation time; ok is
// false when no package is on record.
func (f *OrderFacts) FirstConfirmation(loc *time.Location) (at time.Time, timed, ok bool) {
	for _, c := range f.Packages {
		t, ct := c.At, true
		if t.IsZero() {
			if c.ShipDate.IsZero() {
				continue
			}
			t, ct = c.ShipDate.End(loc), false
		}
		if !ok || t.Before(at) {
			at, timed, ok = t, ct, true
		}
	}
	return at, timed, ok
}

// PackageFacts is a package with its verdict and delivery, for On-Time
// Delivery Rate.
type PackageFacts struct {
	OrderID          string
	TrackingNumber   string
	PromisedDelivery Date
	DeliveredAt      time.Time // zero: no delivery on record
	// Verdict is the package's VTR verdict, except that an exempt package's
	// Reason is filled too (TrackingReason): VTR's exemptions do not reach
	// On-Time Delivery Rate.
	Verdict Verdict
}

// MetricResult is one sibling metric (docs/rules.md "Sibling metrics") for one window.
type MetricResult struct {
	Metric      Metric
	Name        string
	Window      Window
	Numerator   int
	Denominator int
	Target      float64
	AtMost      bool // the rate must stay under Target (late, cancel); else at least (on time)
	Note        string
	// NotDelivered counts the packages On-Time Delivery Rate left out
	// because no delivery is on record yet (JSON not_delivered).
	NotDelivered int
	Offenders    []Offender
}

// Offender is an order or package that counts against a metric.
type Offender struct {
	OrderID        string `json:"order_id"`
	TrackingNumber string `json:"tracking_number,omitempty"`
	Why            string `json:"why"`
}

// Rate is Numerator / Denominator, nil when the denominator is 0.
func (m MetricResult) Rate() *float64 {
	if m.Denominator == 0 {
		return nil
	}
	r := float64(m.Numerator) / float64(m.Denominator)
	return &r
}

// Status is ok, below_target (the metric misses its target, whichever side
// that is) or n/a.
func (m MetricResult) Status() string {
	r := m.Rate()
	switch {
	case r == nil:
		return StatusNA
	case m.AtMost && *r < m.Target, !m.AtMost && *r >= m.Target:
		return StatusOK
	}
	return StatusBelowTarget
}

// MarshalJSON writes the metric with its rate and status.
func (m MetricResult) MarshalJSON() ([]byte, error) {
	off := m.Offenders
	if off == nil {
		off = []Offender{}
	}
	cmp := "at_least"
	if m.AtMost {
		cmp = "under"
	}
	var notDelivered *int // On-Time Delivery Rate's alone, 0 included
	if m.Metric == MetricOnTime {
		notDelivered = &m.NotDelivered
	}
	return json.Marshal(struct {
		Metric       Metric     `json:"metric"`
		Name         string     `json:"name"`
		From         Date       `json:"from"`
		To           Date       `json:"to"`
		Days         int        `json:"days"`
		Numerator    int        `json:"numerator"`
		Denominator  int        `json:"denominator"`
		Rate         *float64   `json:"rate"`
		Target       float64    `json:"target"`
		Compare      string     `json:"target_is"`
		Status       string     `json:"status"`
		Note         string     `json:"note,omitempty"`
		NotDelivered *int       `json:"not_delivered,omitempty"`
		Offenders    []Offender `json:"offenders"`
	}{m.Metric, m.Name, m.Window.From, m.Window.To, m.Window.Days(), m.Numerator, m.Denominator, m.Rate(),
		m.Target, cmp, m.Status(), m.Note, notDelivered, off})
}

// LateShipmentRate: MFN orders confirmed after their latest ship date / MFN
// orders, over orders whose latest ship date is in w, as of w's last day
// (docs/rules.md "Sibling metrics"). Cancelled orders are left out. An
// order's time is its first confirmation (OrderFacts.FirstConfirmation): a
// re-upload never moves it. A latest ship date ends at 23:59:59 in the
// marketplace's zone (MarketplaceZone), where the confirmation's day is
// taken; a latest ship date written with a time is that instant. An order
// never confirmed is late when its latest ship date is before w.To, whatever
// day it is asked.
func LateShipmentRate(orders []OrderFacts, w Window) MetricResult {
	m := MetricResult{Metric: MetricLateShipment, Name: "Late Shipment Rate", Window: w, Target: 0.04, AtMost: true}
	for i := range orders {
		f := &orders[i]
		o := &f.Order
		if !o.IsMFN() || o.IsCancelled() || !w.Contains(o.LatestShipDate) {
			continue
		}
		m.Denominator++
		loc := MarketplaceZone(o.Marketplace)
		shipBy := o.LatestShipDate.String()
		if !o.LatestShipAt.IsZero() {
			shipBy = o.LatestShipAt.In(loc).Format(time.RFC3339)
		}
		var late bool
		var why string
		at, timed, ok := f.FirstConfirmation(loc)
		switch {
		case !ok:
			late = o.LatestShipDate.Before(w.To)
			why = "not confirmed, ship by " + shipBy
		case !o.LatestShipAt.IsZero():
			late = at.After(o.LatestShipAt)
		default:
			late = DateIn(at, loc).After(o.LatestShipDate)
		}
		if ok {
			if timed {
				why = "confirmed " + at.In(loc).Format(time.RFC3339) + ", ship by " + shipBy
			} else {
				why = "shipped " + DateIn(at, loc).String() + " (no confirmation time), ship by " + shipBy
			}
		}
		if late {
			m.Numerator++
			m.Offenders = append(m.Offenders, Offender{OrderID: o.ID, Why: why})
		}
	}
	sortOffenders(m.Offenders)
	return m
}

// CancelRate: seller-cancelled MFN orders / MFN orders purchased in w.
// Cancellations the buyer asked for (when the orders file says so) do not
// count; any other cancellation, Amazon's auto-cancels included, does.
func CancelRate(orders []OrderFacts, w Window) MetricResult {
	m := MetricResult{Metric: MetricCancel, Name: "Pre-fulfillment Cancel Rate", Window: w, Target: 0.025, AtMost: true}
	for _, f := range orders {
		o := &f.Order
		if !o.IsMFN() || !w.Contains(o.PurchaseDate) {
			continue
		}
		m.Denominator++
		if o.IsCancelled() && !o.BuyerCancelled {
			m.Numerator++
			m.Offenders = append(m.Offenders, Offender{OrderID: o.ID, Why: "cancelled before shipping (" + o.Status + ")"})
		}
	}
	sortOffenders(m.Offenders)
	return m
}

// OnTimeDeliveryRate: packages with valid tracking delivered by their
// promised delivery date / those with a delivery on record, over packages
// promised in w (docs/rules.md "Sibling metrics"). VTR's exemptions do not
// apply: an exempt package with valid tracking counts. A delivery's day is
// its date in the marketplace's zone (MarketplaceZone). Packages with valid
// tracking but no delivery on record cannot be judged: they are left out and
// counted in NotDelivered.
func OnTimeDeliveryRate(pkgs []PackageFacts, w Window) MetricResult {
	m := MetricResult{Metric: MetricOnTime, Name: "On-Time Delivery Rate", Window: w, Target: 0.97}
	for i := range pkgs {
		p := &pkgs[i]
		v := &p.Verdict
		if (!v.Counted() && v.Ineligible != Exempt) || !v.Reason.Valid() || !w.Contains(p.PromisedDelivery) {
			continue
		}
		if p.DeliveredAt.IsZero() {
			m.NotDelivered++
			continue
		}
		m.Denominator++
		loc := MarketplaceZone(v.Marketplace)
		if d := DateIn(p.DeliveredAt, loc); d.After(p.PromisedDelivery) {
			m.Offenders = append(m.Offenders, Offender{OrderID: p.OrderID, TrackingNumber: p.TrackingNumber,
				Why: "delivered " + p.DeliveredAt.In(loc).Format(time.RFC3339) + ", promised " + p.PromisedDelivery.String()})
		} else {
			m.Numerator++
		}
	}
	if m.NotDelivered > 0 {
		m.Note = Plural(m.NotDelivered, "package") + " with valid tracking promised in the window " + verb(m.NotDelivered, "has", "have") + " no delivery on record yet and " + verb(m.NotDelivered, "is", "are") + " left out"
	}
	sortOffenders(m.Offenders)
	return m
}

func sortOffenders(o []Offender) {
	sort.Slice(o, func(i, j int) bool {
		if o[i].OrderID != o[j].OrderID {
			return o[i].OrderID < o[j].OrderID
		}
		return o[i].TrackingNumber < o[j].TrackingNumber
	})
}
