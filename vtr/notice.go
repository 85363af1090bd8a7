package vtr

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"time"
	"unicode/utf8"
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

// Canonical returns a copy of n as its JSON (MarshalJSON, then
// UnmarshalJSON) reads back, without the round trip: the date in UTC to the
// second, empty lists where the JSON has [] and nil where it has none,
// claims with only the fields of their type, events on a carrier update
// only, text coerced to valid UTF-8. The pipeline goes on with it once the
// notice is stored as JSON, so a notice is reconciled alike whether its
// pipeline ran at once or resumed from the store (docs/architecture.md, "A
// mail's way"). An error means the JSON would not marshal or read back (a
// NaN target, a year beyond 9999).
func (n *Notice) Canonical() (*Notice, error) {
	c := &Notice{
		MessageID: validUTF8(n.MessageID), From: validUTF8(n.From), Subject: validUTF8(n.Subject),
		Authentic: n.Authentic, Kind: Kind(validUTF8(string(n.Kind))), Metric: Metric(validUTF8(string(n.Metric))),
		Marketplace: validUTF8(n.Marketplace), Language: validUTF8(n.Language),
		OrderIDs: validList(n.OrderIDs), TrackingNumbers: validList(n.TrackingNumbers),
		InReplyTo: validUTF8(n.InReplyTo), CaseID: validUTF8(n.CaseID), ForwardedBy: validUTF8(n.ForwardedBy),
		ForwardTrusted: n.ForwardTrusted && n.ForwardedBy != "", ForwardWhy: validUTF8(n.ForwardWhy),
		AuthSummary: validUTF8(n.AuthSummary), Error: validUTF8(n.Error),
	}
	if c.Kind == "" {
		c.Kind = KindOther
	}
	if c.OrderIDs == nil {
		c.OrderIDs = []string{}
	}
	if c.TrackingNumbers == nil {
		c.TrackingNumbers = []string{}
	}
	if len(n.References) > 0 {
		c.References = validList(n.References)
	}
	if !n.Date.IsZero() {
		u := n.Date.UTC()
		d := time.Date(u.Year(), u.Month(), u.Day(), u.Hour(), u.Minute(), u.Second(), 0, time.UTC)
		if y := d.Year(); y < 0 || y > 9999 {
			return nil, errors.New("notice date outside of years 0 to 9999")
		}
		c.Date = d
	}
	if n.Target != nil {
		if math.IsNaN(*n.Target) || math.IsInf(*n.Target, 0) {
			return nil, errors.New("notice target is not a number")
		}
		t := *n.Target
		c.Target = &t
	}
	if n.Period != nil {
		var err error
		p := &Window{}
		if p.From, err = canonicalDate(n.Period.From); err != nil {
			return nil, err
		}
		if p.To, err = canonicalDate(n.Period.To); err != nil {
			return nil, err
		}
		c.Period = p
	}
	c.Claims = make([]Claim, len(n.Claims))
	for i, cl := range n.Claims {
		cl.Type = ClaimType(validUTF8(string(cl.Type)))
		switch cl.Type {
		case ClaimOrderCount:
			c.Claims[i] = Claim{Type: cl.Type, Count: cl.Count, Days: cl.Days}
		case ClaimIgnoreNotice:
			c.Claims[i] = Claim{Type: cl.Type}
		default:
			c.Claims[i] = Claim{Type: cl.Type, Text: validUTF8(cl.Text)}
		}
	}
	if n.Kind == KindCarrierUpdate && len(n.Events) > 0 {
		c.Events = make([]Event, len(n.Events))
		for i, e := range n.Events {
			// A time's JSON keeps its offset; reading it back picks the
			// location (UTC, Local or a fixed zone) as time.Parse does.
			b, err := e.At.MarshalText()
			if err != nil {
				return nil, err
			}
			var at time.Time
			if err := at.UnmarshalText(b); err != nil {
				return nil, err
			}
			c.Events[i] = Event{TrackingNumber: validUTF8(e.TrackingNumber), Status: EventStatus(validUTF8(string(e.Status))), At: at}
		}
	}
	return c, nil
}

// canonicalDate returns d as its text reads back; an error when it does
// not (a year beyond 9999, a month 13).
func canonicalDate(d Date) (Date, error) {
	b, _ := d.MarshalText()
	var v Date
	err := v.UnmarshalText(b)
	return v, err
}

// validUTF8 returns s as encoding/json writes it: each byte that is not
// part of valid UTF-8 replaced by U+FFFD.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(b)
}

// validList is a copy of l with each string as validUTF8 makes it; nil
// stays nil.
func validList(l []string) []string {
	if l == nil {
		return nil
	}
	out := slices.Clone(l)
	for i, s := range out {
		out[i] = validUTF8(s)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
