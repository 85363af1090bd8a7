package vtr

import (
	"encoding/json"
	"sort"
	"time"
)

// OrderFacts is an order with what its shipment confirmations say, for the
// order-based sibling metrics.
type OrderFacts struct {
	Order          Order     // Items may be empty
	FirstConfirmed time.Time // earliest confirmed-at of its packages; zero if none recorded
	FirstShipDate  Date      // earliest ship-date of its packages; zero if never confirmed
}

// PackageFacts is a package with its verdict, for On-Time Delivery Rate.
type PackageFacts struct {
	OrderID          string
	TrackingNumber   string
	PromisedDelivery Date
	DeliveredAt      time.Time
	Verdict          Verdict
}

// MetricResult is one sibling metric (docs/domain.md §2) for one window.
type MetricResult struct {
	Metric      Metric
	Name        string
	Window      Window
	Numerator   int
	Denominator int
	Target      float64
	AtMost      bool // the rate must stay under Target (late, cancel); else at least (on time)
	Note        string
	Offenders   []Offender
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
	return json.Marshal(struct {
		Metric      Metric     `json:"metric"`
		Name        string     `json:"name"`
		From        Date       `json:"from"`
		To          Date       `json:"to"`
		Days        int        `json:"days"`
		Numerator   int        `json:"numerator"`
		Denominator int        `json:"denominator"`
		Rate        *float64   `json:"rate"`
		Target      float64    `json:"target"`
		Compare     string     `json:"target_is"`
		Status      string     `json:"status"`
		Note        string     `json:"note,omitempty"`
		Offenders   []Offender `json:"offenders"`
	}{m.Metric, m.Name, m.Window.From, m.Window.To, m.Window.Days(), m.Numerator, m.Denominator, m.Rate(),
		m.Target, cmp, m.Status(), m.Note, off})
}

// LateShipmentRate: MFN orders confirmed after their latest ship date / MFN
// orders, over orders whose latest ship date is in w (docs/rules.md). The
// confirmation time counts, not the typed ship date; an order never
// confirmed whose latest ship date is before asOf is late too. Cancelled
// orders are left out.
func LateShipmentRate(orders []OrderFacts, w Window, asOf Date) MetricResult {
	m := MetricResult{Metric: MetricLateShipment, Name: "Late Shipment Rate", Window: w, Target: 0.04, AtMost: true}
	for _, f := range orders {
		o := &f.Order
		if !o.IsMFN() || o.IsCancelled() || !w.Contains(o.LatestShipDate) {
			continue
		}
		m.Denominator++
		late, why := false, ""
		switch {
		case !f.FirstConfirmed.IsZero() && !o.LatestShipAt.IsZero():
			late = f.FirstConfirmed.After(o.LatestShipAt)
			why = "confirmed " + f.FirstConfirmed.UTC().Format(time.RFC3339) + ", ship by " + o.LatestShipAt.UTC().Format(time.RFC3339)
		case !f.FirstConfirmed.IsZero():
			// A latest ship date without a time: on time until that day ends
			// anywhere on earth (23:59:59 at UTC-12), since the file does not
			// say whose midnight Amazon meant.
			deadline := o.LatestShipDate.AddDays(1).Time(lastZone).Add(-time.Second)
			late = f.FirstConfirmed.After(deadline)
			why = "confirmed " + f.FirstConfirmed.UTC().Format(time.RFC3339) + ", ship by " + o.LatestShipDate.String()
		case !f.FirstShipDate.IsZero():
			late = f.FirstShipDate.After(o.LatestShipDate)
			why = "shipped " + f.FirstShipDate.String() + ", ship by " + o.LatestShipDate.String()
		default:
			late = o.LatestShipDate.Before(asOf)
			why = "not confirmed, ship by " + o.LatestShipDate.String()
		}
		if late {
			m.Numerator++
			m.Offenders = append(m.Offenders, Offender{OrderID: o.ID, Why: why})
		}
	}
	sortOffenders(m.Offenders)
	return m
}

// lastZone is the last time zone on earth to finish a day.
var lastZone = time.FixedZone("UTC-12", -12*3600)

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

// OnTimeDeliveryRate: tracked packages delivered by their promised delivery
// date / packages with valid tracking, over packages promised in w. Packages
// whose delivery vtrbot has not seen are left out and counted in Note.
func OnTimeDeliveryRate(pkgs []PackageFacts, w Window) MetricResult {
	m := MetricResult{Metric: MetricOnTime, Name: "On-Time Delivery Rate", Window: w, Target: 0.97}
	unknown := 0
	for _, p := range pkgs {
		if !p.Verdict.Counted() || !p.Verdict.Reason.Valid() || p.PromisedDelivery.IsZero() || !w.Contains(p.PromisedDelivery) {
			continue
		}
		if p.DeliveredAt.IsZero() {
			unknown++
			continue
		}
		m.Denominator++
		if d := DateOf(p.DeliveredAt.UTC()); d.After(p.PromisedDelivery) {
			m.Offenders = append(m.Offenders, Offender{OrderID: p.OrderID, TrackingNumber: p.TrackingNumber,
				Why: "delivered " + d.String() + ", promised " + p.PromisedDelivery.String()})
		} else {
			m.Numerator++
		}
	}
	if unknown > 0 {
		m.Note = Plural(unknown, "tracked package") + " in the window " + verb(unknown, "has", "have") + " no delivery date on record and " + verb(unknown, "is", "are") + " left out"
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
