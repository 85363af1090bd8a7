package commands

import (
	"strconv"
	"strings"

	"github.com/vtrbot/vtrbot/vtr"
)

// Args are the window and filters a command was given:
// "30d", "2019-10-15..2019-11-14", "category Music", "category \"Movies & TV\"",
// "marketplace DE", "days 7", plus positional words (an order ID).
type Args struct {
	Window      vtr.Window
	WindowSet   bool
	Days        int // history: the rolling window's length
	Category    string
	Marketplace string
	Rest        []string
}

// parseArgs reads command arguments; today anchors relative windows.
func parseArgs(words []string, today vtr.Date) (*Args, error) {
	a := &Args{Window: vtr.LastDays(today, 30), Days: 30}
	for i := 0; i < len(words); i++ {
		w := words[i]
		lw := strings.ToLower(w)
		switch {
		case lw == "category" || lw == "marketplace" || lw == "days":
			if i+1 >= len(words) {
				return nil, vtr.Errorf(vtr.EINVALID, "%s needs a value", lw)
			}
			i++
			switch lw {
			case "category":
				a.Category = words[i]
			case "marketplace":
				m, ok := vtr.MarketplaceByCode(words[i])
				if !ok {
					return nil, vtr.Errorf(vtr.EINVALID, "unknown marketplace %q (want US, UK, DE, ...)", words[i])
				}
				a.Marketplace = m.Code
			case "days":
				n, err := strconv.Atoi(words[i])
				if err != nil || n < 1 || n > 365 {
					return nil, vtr.Errorf(vtr.EINVALID, "days: want 1 to 365, got %q", words[i])
				}
				a.Days = n
			}
		case strings.Contains(w, ".."):
			win, err := parseWindow(w)
			if err != nil {
				return nil, err
			}
			a.Window, a.WindowSet = win, true
		case len(lw) > 1 && lw[len(lw)-1] == 'd' && isDigits(lw[:len(lw)-1]):
			n, _ := strconv.Atoi(lw[:len(lw)-1])
			if n < 1 || n > vtr.MaxWindowDays {
				return nil, vtr.Errorf(vtr.EINVALID, "%q: want 1d to %dd", w, vtr.MaxWindowDays)
			}
			a.Window, a.WindowSet = vtr.LastDays(today, n), true
		default:
			a.Rest = append(a.Rest, w)
		}
	}
	return a, nil
}

// parseWindow reads "YYYY-MM-DD..YYYY-MM-DD" (both ends included): in
// order and at most vtr.MaxWindowDays long, like "Nd" (docs/rules.md
// "Windows").
func parseWindow(s string) (vtr.Window, error) {
	from, to, _ := strings.Cut(s, "..")
	f, err1 := vtr.ParseDate(from)
	t, err2 := vtr.ParseDate(to)
	if err1 != nil || err2 != nil || len(from) != 10 || len(to) != 10 {
		return vtr.Window{}, vtr.Errorf(vtr.EINVALID, "%q is not a window (want YYYY-MM-DD..YYYY-MM-DD)", s)
	}
	w := vtr.Window{From: f, To: t}
	if err := w.Validate(); err != nil {
		return vtr.Window{}, err
	}
	return w, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// splitArgs splits command text on spaces, keeping "quoted words" together
// and reading Slack's smart quotes as quotes.
func splitArgs(s string) []string {
	s = strings.NewReplacer("“", `"`, "”", `"`, "‘", "'", "’", "'").Replace(s)
	var out []string
	var cur strings.Builder
	inQuote, has := false, false
	for _, r := range s {
		switch {
		case r == '"':
			inQuote, has = !inQuote, true
		case (r == ' ' || r == '\t' || r == '\n') && !inQuote:
			if has {
				out = append(out, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	if has {
		out = append(out, cur.String())
	}
	return out
}
