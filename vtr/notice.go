package vtr

import (
	"encoding/json"
	"time"
)

// Kind classifies a mail (docs/interface.md, "bot parse").
type Kind string

// The kinds of mail vtrbot tells apart.
const (
	KindPerformanceWarning Kind = "performance_warning"
	KindDeactivation       Kind = "deactivation"
	KindSupportReply       Kind = "support_reply"
	KindCarrierUpdate      Kind = "carrier_update"
	KindOther              Kind = "other"
)

// Metric names a seller-performance metric.
type Metric string

// The metrics notices talk about.
const (
	MetricVTR           Metric = "valid_tracking_rate"
	MetricLateShipment  Metric = "late_shipment_rate"
	MetricCancel        Metric = "pre_fulfillment_cancel_rate"
	MetricOrderDefect   Metric = "order_defect_rate"
	MetricOnTime        Metric = "on_time_delivery_rate"
	MetricAccountHealth Metric = "account_health"
)

// ClaimType names what a claim in a notice or Support reply asserts.
type ClaimType string

// The claim types of docs/interface.md.
const (
	ClaimOrderCount   ClaimType = "order_count"
	ClaimMetricValue  ClaimType = "metric_value"
	ClaimOrderStatus  ClaimType = "order_status"
	ClaimIgnoreNotice ClaimType = "ignore_notice"
	ClaimExemption    ClaimType = "exemption"
)

// Claim is one checkable statement Amazon made. Which fields are used depends
// on Type: order_count uses Count and Days; metric_value, order_status and
// exemption use Text; ignore_notice has no fields (its JSON value is true).
type Claim struct {
	Type  ClaimType
	Count int
	Days  int
	Text  string
}

// MarshalJSON writes the contract's shape: {"type", "value"[, "days"]}.
func (c Claim) MarshalJSON() ([]byte, error) {
	switch c.Type {
	case ClaimOrderCount:
		return json.Marshal(struct {
			Type  ClaimType `json:"type"`
			Value int       `json:"value"`
			Days  int       `json:"days"`
		}{c.Type, c.Count, c.Days})
	case ClaimIgnoreNotice:
		return json.Marshal(struct {
			Type  ClaimType `json:"type"`
			Value bool      `json:"value"`
		}{c.Type, true})
	default:
		return json.Marshal(struct {
			Type  ClaimType `json:"type"`
			Value string    `json:"value"`
		}{c.Type, c.Text})
	}
}

// UnmarshalJSON reads what MarshalJSON writes.
func (c *Claim) UnmarshalJSON(b []byte) error {
	var raw struct {
		Type  ClaimType       `json:"type"`
		Value json.RawMessage `json:"value"`
		Days  int             `json:"days"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*c = Claim{Type: raw.Type, Days: raw.Days}
	switch raw.Type {
	case ClaimOrderCount:
		return json.Unmarshal(raw.Value, &c.Count)
	case ClaimIgnoreNotice:
		return nil
	default:
		return json.Unmarshal(raw.Value, &c.Text)
	}
}

// EventStatus is a carrier's tracking status.
type EventStatus string

// Carrier statuses; all but label_created are physical scans.
const (
	EventDelivered      EventStatus = "delivered"
	EventInTransit      EventStatus = "in_transit"
	EventOutForDelivery EventStatus = "out_for_delivery"
	EventLabelCreated   EventStatus = "label_created"
)

// IsScan reports whether the status means the carrier physically had the package.
func (s EventStatus) IsScan() bool { return s != EventLabelCreated && s != "" }

// Event is one dated status line of a carrier update.
type Event struct {
	TrackingNumber string      `json:"tracking_number"`
	Status         EventStatus `json:"status"`
	At             time.Time   `json:"at"`
}

// Notice is what vtrbot reads from one mail: the contract's "bot parse"
// object. Empty strings, zero times and nil pointers marshal as null where
// the contract allows null.
type Notice struct {
	MessageID       string
	From            string
	Subject         string
	Date            time.Time
	Authentic       bool
	Kind            Kind
	Metric          Metric
	Target          *float64
	Marketplace     string
	Language        string
	Period          *Window
	OrderIDs        []string
	TrackingNumbers []string
	Claims          []Claim
	Events          []Event // carrier updates only

	// Beyond the contract's fixed fields (it allows more).
	InReplyTo   string   // Message-ID this mail answers, for linking cases
	References  []string // earlier Message-IDs of the thread
	CaseID      string   // "6578123451" from a "[CASE 6578123451]" subject
	ForwardedBy string   // the address that forwarded the notice, if any
	AuthSummary string   // how authenticity was judged, for the triage post
	Error       string   // why the message could not be read, if it could not

	// ForwardTrusted says whether the forward is believed (only with
	// ForwardedBy): an untrusted forward is never authentic, whatever the
	// notice inside says. ForwardWhy says why, for the triage post.
	ForwardTrusted bool
	ForwardWhy     string
}

type noticeJSON struct {
	MessageID       string   `json:"message_id"`
	From            string   `json:"from"`
	Subject         string   `json:"subject"`
	Date            *string  `json:"date"`
	Authentic       bool     `json:"authentic"`
	Kind            Kind     `json:"kind"`
	Metric          *Metric  `json:"metric"`
	Target          *float64 `json:"target"`
	Marketplace     *string  `json:"marketplace"`
	Language        string   `json:"language"`
	Period          *Window  `json:"period"`
	OrderIDs        []string `json:"order_ids"`
	TrackingNumbers []string `json:"tracking_numbers"`
	Claims          []Claim  `json:"claims"`
	Events          []Event  `json:"events,omitempty"`
	InReplyTo       string   `json:"in_reply_to,omitempty"`
	References      []string `json:"references,omitempty"`
	CaseID          string   `json:"case_id,omitempty"`
	ForwardedBy     string   `json:"forwarded_by,omitempty"`
	ForwardTrusted  *bool    `json:"forward_trusted,omitempty"`
	ForwardWhy      string   `json:"forward_why,omitempty"`
	AuthSummary     string   `json:"auth,omitempty"`
	Error           string   `json:"error,omitempty"`
}

// MarshalJSON writes the contract's shape.
func (n Notice) MarshalJSON() ([]byte, error) {
	j := noticeJSON{
		MessageID: n.MessageID, From: n.From, Subject: n.Subject, Authentic: n.Authentic,
		Kind: n.Kind, Target: n.Target, Language: n.Language, Period: n.Period,
		OrderIDs: nonNil(n.OrderIDs), TrackingNumbers: nonNil(n.TrackingNumbers),
		Claims: n.Claims, InReplyTo: n.InReplyTo, References: n.References, CaseID: n.CaseID,
		ForwardedBy: n.ForwardedBy, ForwardWhy: n.ForwardWhy, AuthSummary: n.AuthSummary, Error: n.Error,
	}
	if n.ForwardedBy != "" {
		j.ForwardTrusted = &n.ForwardTrusted
	}
	if j.Kind == "" {
		j.Kind = KindOther
	}
	if j.Claims == nil {
		j.Claims = []Claim{}
	}
	if !n.Date.IsZero() {
		s := n.Date.UTC().Format("2006-01-02T15:04:05Z")
		j.Date = &s
	}
	if n.Metric != "" {
		j.Metric = &n.Metric
	}
	if n.Marketplace != "" {
		j.Marketplace = &n.Marketplace
	}
	if n.Kind == KindCarrierUpdate {
		j.Events = n.Events
		if j.Events == nil {
			j.Events = []Event{}
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (n *Notice) UnmarshalJSON(b []byte) error {
	var j noticeJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*n = Notice{
		MessageID: j.MessageID, From: j.From, Subject: j.Subject, Authentic: j.Authentic,
		Kind: j.Kind, Target: j.Target, Language: j.Language, Period: j.Period,
		OrderIDs: j.OrderIDs, TrackingNumbers: j.TrackingNumbers, Claims: j.Claims,
		Events: j.Events, InReplyTo: j.InReplyTo, References: j.References, CaseID: j.CaseID,
		ForwardedBy: j.ForwardedBy, ForwardWhy: j.ForwardWhy, AuthSummary: j.AuthSummary, Error: j.Error,
	}
	if j.ForwardTrusted != nil {
		n.ForwardTrusted = *j.ForwardTrusted
	}
	if j.Date != nil {
		t, err := time.Parse(time.RFC3339, *j.Date)
		if err != nil {
			return err
		}
		n.Date = t
	}
	if j.Metric != nil {
		n.Metric = *j.Metric
	}
	if j.Marketplace != nil {
		n.Marketplace = *j.Marketplace
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
