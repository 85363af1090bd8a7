package vtr

import (
	"encoding/json"
	"sort"
)

// Target is the Valid Tracking Rate Amazon requires.
const Target = 0.95

// Rate statuses of docs/interface.md.
const (
	StatusOK          = "ok"
	StatusBelowTarget = "below_target"
	StatusNA          = "n/a"
)

// Counts are the numbers behind a rate.
type Counts struct {
	Eligible int `json:"eligible"`
	Valid    int `json:"valid"`
	Verified int `json:"verified"`
	Exempt   int `json:"exempt"`
}

// Rate is valid / eligible, or nil when nothing is eligible (N/A).
func (c Counts) Rate() *float64 {
	if c.Eligible == 0 {
		return nil
	}
	r := float64(c.Valid) / float64(c.Eligible)
	return &r
}

// Status is ok when valid/eligible >= 95% exactly (compared in integers, so
// 19/20 is ok), below_target otherwise, and n/a when nothing is eligible.
func (c Counts) Status() string {
	switch {
	case c.Eligible == 0:
		return StatusNA
	case 100*c.Valid >= 95*c.Eligible:
		return StatusOK
	}
	return StatusBelowTarget
}

// Add counts one classified package.
func (c *Counts) Add(v Verdict, n int) {
	switch {
	case v.Ineligible == Exempt:
		c.Exempt += n
	case v.Ineligible != Eligible:
	default:
		c.Eligible += n
		if v.Reason.Valid() {
			c.Valid += n
		}
		if v.Reason == Verified {
			c.Verified += n
		}
	}
}

// CategoryRate is the rate of one category.
type CategoryRate struct {
	Category string
	Counts
}

// MarshalJSON writes {"category", "eligible", "valid", "verified", "exempt", "rate", "status"}.
func (c CategoryRate) MarshalJSON() ([]byte, error) {
	return json.Marshal(rateJSON{Category: c.Category, Counts: c.Counts, Rate: c.Rate(), Status: c.Status()})
}

type rateJSON struct {
	Category string `json:"category,omitempty"`
	Counts
	Rate   *float64 `json:"rate"`
	Status string   `json:"status"`
}

// Status is the Valid Tracking Rate of one marketplace and window, overall
// and per category (docs/interface.md "bot vtr status --json").
type Status struct {
	Marketplace string
	Window      Window
	Category    string // set when the status was asked for one category
	Overall     Counts
	Categories  []CategoryRate // sorted by name (code-point order)
	// NA explains an N/A rate: what the window holds that is not eligible.
	NA []string
	// Amazon is Amazon's own latest figure for the marketplace (bot sync),
	// whatever window was asked for; nil when none was synced.
	Amazon *AmazonVTR
}

// MarshalJSON writes the contract's shape.
func (s Status) MarshalJSON() ([]byte, error) {
	cats := s.Categories
	if cats == nil {
		cats = []CategoryRate{}
	}
	return json.Marshal(struct {
		Marketplace string         `json:"marketplace"`
		From        Date           `json:"from"`
		To          Date           `json:"to"`
		Target      float64        `json:"target"`
		Category    string         `json:"category,omitempty"`
		Overall     rateJSON       `json:"overall"`
		Categories  []CategoryRate `json:"categories"`
		NA          []string       `json:"na_reasons,omitempty"`
		Amazon      *AmazonVTR     `json:"amazon,omitempty"`
	}{s.Marketplace, s.Window.From, s.Window.To, Target, s.Category,
		rateJSON{Counts: s.Overall, Rate: s.Overall.Rate(), Status: s.Overall.Status()}, cats, s.NA, s.Amazon})
}

// Tally is one group of classified packages: how many packages of a
// category share a verdict.
type Tally struct {
	Category   string
	Ineligible Ineligible
	Reason     Reason
	N          int
}

// NewStatus builds a Status from tallies of the packages whose window date is
// in w. Categories are listed when they have an eligible or exempt package.
func NewStatus(market string, w Window, tallies []Tally) Status {
	s := Status{Marketplace: market, Window: w}
	by := map[string]*Counts{}
	for _, t := range tallies {
		v := Verdict{Ineligible: t.Ineligible, Reason: t.Reason}
		s.Overall.Add(v, t.N)
		if t.Ineligible != Eligible && t.Ineligible != Exempt {
			continue
		}
		cat := t.Category
		if cat == "" {
			cat = Uncategorized
		}
		c := by[cat]
		if c == nil {
			c = &Counts{}
			by[cat] = c
		}
		c.Add(v, t.N)
	}
	for name, c := range by {
		s.Categories = append(s.Categories, CategoryRate{Category: name, Counts: *c})
	}
	sort.Slice(s.Categories, func(i, j int) bool { return s.Categories[i].Category < s.Categories[j].Category })
	return s
}
