package vtr

import (
	"strings"
	"testing"
)

func TestDate_DaysUntil(t *testing.T) {
	tests := []struct {
		from, to string
		want     int
	}{
		{"2019-10-15", "2019-11-14", 30},
		{"2019-11-14", "2019-10-15", -30},
		{"2020-02-28", "2020-03-01", 2},
		// Beyond time.Duration's 292 years: still exact.
		{"0001-01-01", "9999-12-31", 3652058},
		{"9999-12-31", "0001-01-01", -3652058},
	}
	for _, tt := range tests {
		if got := MustDate(tt.from).DaysUntil(MustDate(tt.to)); got != tt.want {
			t.Errorf("%s.DaysUntil(%s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestWindow_Validate(t *testing.T) {
	tests := []struct {
		from, to string
		want     string // in the error; "" = valid
	}{
		{"2019-10-15", "2019-11-14", ""},
		{"2018-01-01", "2019-12-31", ""}, // 730 days
		{"2018-01-01", "2020-01-01", "is 731 days long; at most 730 days"},
		{"0001-01-01", "9999-12-31", "window 0001-01-01..9999-12-31 is 3652059 days long; at most 730 days"},
		{"2019-11-14", "2019-10-15", "before it starts"},
		{"", "2019-10-15", "needs both"},
	}
	for _, tt := range tests {
		var w Window
		if tt.from != "" {
			w.From = MustDate(tt.from)
		}
		w.To = MustDate(tt.to)
		err := w.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s..%s: %v, want valid", tt.from, tt.to, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s..%s: error %v, want %q", tt.from, tt.to, err, tt.want)
		}
	}
}
