package spapi

import (
	"encoding/json"
	"fmt"
	"time"
)

// PerformanceReport is the JSON of GET_V2_SELLER_PERFORMANCE_REPORT
// (Amazon's schema accountHealthReport-2020-11-18), typed for what vtrbot
// reads: per marketplace, Amazon's own Valid Tracking Rate. Read leniently:
// real reports carry extra or missing fields.
type PerformanceReport struct {
	AccountStatuses []struct {
		MarketplaceID string `json:"marketplaceId"`
		Status        string `json:"status"`
	} `json:"accountStatuses"`
	PerformanceMetrics []PerformanceMetrics `json:"performanceMetrics"`
}

// PerformanceMetrics are one marketplace's metrics.
type PerformanceMetrics struct {
	MarketplaceID     string             `json:"marketplaceId"`
	ValidTrackingRate *ValidTrackingRate `json:"validTrackingRate,omitempty"`
}

// ValidTrackingRate is Amazon's figure: validTrackingCount of
// shipmentCount packages over reportingDateRange.
type ValidTrackingRate struct {
	ReportingDateRange struct {
		From string `json:"reportingDateFrom"` // "2020-10-11T00:00Z", as Amazon writes it
		To   string `json:"reportingDateTo"`
	} `json:"reportingDateRange"`
	ShipmentCount      int      `json:"shipmentCount"`
	ValidTrackingCount int      `json:"validTrackingCount"`
	Status             string   `json:"status"` // GOOD, FAIR, POOR, NONE
	Rate               *float64 `json:"rate"`
	TargetValue        *float64 `json:"targetValue,omitempty"`
	TargetCondition    string   `json:"targetCondition,omitempty"`
}

// ParsePerformanceReport reads a seller-performance report document.
func ParsePerformanceReport(b []byte) (*PerformanceReport, error) {
	var r PerformanceReport
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("seller performance report: %w", err)
	}
	return &r, nil
}

// ValidTracking returns the Valid Tracking Rate the report gives for a
// marketplace ID, or nil.
func (r *PerformanceReport) ValidTracking(marketplaceID string) *ValidTrackingRate {
	for i := range r.PerformanceMetrics {
		if m := &r.PerformanceMetrics[i]; m.MarketplaceID == marketplaceID {
			return m.ValidTrackingRate
		}
	}
	return nil
}

// ParseTime reads the ISO 8601 forms Amazon writes: RFC 3339 with or
// without fractions, and without seconds ("2020-10-11T00:00Z", as the
// performance report does).
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 time", s)
}
