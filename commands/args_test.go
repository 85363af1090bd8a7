package commands

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/vtr"
)

func TestParseArgs(t *testing.T) {
	today := vtr.MustDate("2019-12-04")
	tests := []struct {
		text string
		want Args
	}{
		{"", Args{Window: vtr.LastDays(today, 30), Days: 30}},
		{"7d", Args{Window: vtr.LastDays(today, 7), WindowSet: true, Days: 30}},
		{"2019-10-15..2019-11-14", Args{Window: vtr.Window{From: vtr.MustDate("2019-10-15"), To: vtr.MustDate("2019-11-14")}, WindowSet: true, Days: 30}},
		{`category "Movies & TV" marketplace de`, Args{Window: vtr.LastDays(today, 30), Days: 30, Category: "Movies & TV", Marketplace: "DE"}},
		{"113-5230057-8103661", Args{Window: vtr.LastDays(today, 30), Days: 30, Rest: []string{"113-5230057-8103661"}}},
		{"days 14 60d", Args{Window: vtr.LastDays(today, 60), WindowSet: true, Days: 14}},
		{"730d", Args{Window: vtr.LastDays(today, 730), WindowSet: true, Days: 30}},
		{"2018-01-01..2019-12-31", Args{Window: vtr.Window{From: vtr.MustDate("2018-01-01"), To: vtr.MustDate("2019-12-31")}, WindowSet: true, Days: 30}},
	}
	for _, tt := range tests {
		got, err := parseArgs(splitArgs(tt.text), today)
		if err != nil {
			t.Errorf("parseArgs(%q): %v", tt.text, err)
			continue
		}
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("parseArgs(%q) = %+v, want %+v", tt.text, *got, tt.want)
		}
	}
	for _, bad := range []string{"category", "0d", "999d", "2019-11-14..2019-10-15", "2019-1-1..2019-2-2", "days x", "marketplace ZZ"} {
		if _, err := parseArgs(splitArgs(bad), today); err == nil {
			t.Errorf("parseArgs(%q): no error", bad)
		}
	}
}

// Every window a user can type is at most vtr.MaxWindowDays long, however
// it is written: "Nd" and "FROM..TO" alike (docs/rules.md "Windows").
func TestParseArgs_windowBound(t *testing.T) {
	today := vtr.MustDate("2019-12-04")
	tests := []struct {
		text string
		want string // in the error; "" = accepted
	}{
		{"0001-01-01..9999-12-31", "is 3652059 days long; at most 730 days"},
		{"2018-01-01..2020-01-01", "is 731 days long; at most 730 days"},
		{"2000-01-01..2019-12-31", "at most 730 days"},
		{"731d", "want 1d to 730d"},
		{"99999999999999999999d", "want 1d to 730d"},
		{"2018-01-01..2019-12-31", ""},
		{"730d", ""},
	}
	for _, tt := range tests {
		_, err := parseArgs(splitArgs(tt.text), today)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("parseArgs(%q): %v, want it accepted", tt.text, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("parseArgs(%q) error = %v, want %q", tt.text, err, tt.want)
		}
	}
}

// FuzzParseArgs: command text from chat is hostile; reading it never panics.
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{"status 30d", `status category "Movies & TV"`, "2019-10-15..2019-11-14", "order 113-1", "“x”", "days 9999999999999999999", "\x00..\xff"} {
		f.Add(s)
	}
	today := vtr.MustDate("2024-01-01")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseArgs(splitArgs(s), today)
		if err == nil && a.Window.To.Before(a.Window.From) {
			t.Errorf("window ends before it starts: %v", a.Window)
		}
		if err == nil && a.Window.Days() > vtr.MaxWindowDays {
			t.Errorf("window %v is %d days long", a.Window, a.Window.Days())
		}
	})
}
