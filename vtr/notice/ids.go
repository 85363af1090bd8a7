package notice

import (
	"regexp"
	"slices"
	"strings"
)

var (
	orderIDRe = regexp.MustCompile(`\b\d{3}-\d{7}-\d{7}\b`)
	caseRe    = regexp.MustCompile(`(?i)\[\s*case\s*#?\s*:?\s*(\d{4,})\s*\]`)
)

// orderIDs returns every Amazon order ID (123-1234567-1234567) in flat,
// once each, sorted.
func orderIDs(flat string) []string {
	var out []string
	for i := 0; i+17 <= len(flat); {
		k := strings.IndexByte(flat[i:], '-')
		if k < 0 {
			break
		}
		k += i // the first dash of a candidate: ddd-ddddddd-ddddddd
		i = k + 1
		s := k - 3
		if s < 0 || s+19 > len(flat) || !allDigits(flat[s:k]) || !allDigits(flat[k+1:k+8]) || flat[k+8] != '-' || !allDigits(flat[k+9:s+19]) {
			continue
		}
		e := s + 19
		if s > 0 && isAlnum(flat[s-1]) || e < len(flat) && isAlnum(flat[e]) {
			continue
		}
		// Not part of a longer dash-joined run of digits.
		if s > 1 && flat[s-1] == '-' && isDigit(flat[s-2]) || e+1 < len(flat) && flat[e] == '-' && isDigit(flat[e+1]) {
			continue
		}
		out = append(out, flat[s:e])
		i = e
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// caseID returns the case number of a "[CASE 6578123451]" subject.
func caseID(subject string) string {
	if m := caseRe.FindStringSubmatch(subject); m != nil {
		return m[1]
	}
	return ""
}

// trackingLabels introduce a tracking number (docs/notices.md
// "tracking_numbers"), lower case, in every language the package reads.
var trackingLabels = []string{
	"tracking number", "tracking no.", "tracking no", "tracking #", "tracking id",
	"sendungsnummer", "numéro de suivi", "numero di tracciamento", "número de seguimiento",
	"追跡番号", "お問い合わせ伝票番号", "問い合わせ番号",
}

// minTrackingLen is the shortest number taken after a label: "Tracking
// number 2 of 3" names no number.
const minTrackingLen = 6

// labelledNumber is a tracking number and where its label stands.
type labelledNumber struct {
	line int // line index of the label (-1: the subject)
	num  string
}

// trackingNumbers returns the numbers the lines label as tracking numbers,
// normalised (spaces and dashes removed, upper case), in text order.
func trackingNumbers(lines, lowLines []string, line0 int) []labelledNumber {
	var out []labelledNumber
	for li, low := range lowLines {
		if !strings.Contains(low, "tracking") && !strings.Contains(low, "sendungsnummer") &&
			!strings.Contains(low, "suivi") && !strings.Contains(low, "tracciamento") &&
			!strings.Contains(low, "seguimiento") && !strings.Contains(low, "番号") {
			continue
		}
		for _, label := range trackingLabels {
			for from := 0; from < len(low); {
				i := strings.Index(low[from:], label)
				if i < 0 {
					break
				}
				i += from
				from = i + len(label)
				if i > 0 && isAlnum(low[i-1]) {
					continue
				}
				n := numberAfter(lines[li], low, from)
				if n == "" && li+1 < len(lines) && strings.TrimSpace(low[from:]) == ":" {
					// "Tracking Number:" closing its line: the number opens the next.
					next := strings.TrimLeft(lines[li+1], " \t")
					n = numberAfter(next, lowerSameLen(next), 0)
				}
				if len(n) >= minTrackingLen {
					out = append(out, labelledNumber{line0 + li, n})
				}
			}
		}
	}
	return out
}

// numberAfter reads the number that follows a label ending at i: optional
// "s", ":" or "is", then letter-and-digit groups, each with a digit, joined
// by single spaces or dashes, on this line only. A run stops before an
// order ID, which a table row often puts right after the number.
func numberAfter(line, low string, i int) string {
	i = skipSpaces(low, i)
	if strings.HasPrefix(low[i:], "s") && (i+1 == len(low) || !isAlnum(low[i+1])) {
		i = skipSpaces(low, i+1) // "Tracking numbers:"
	}
	switch {
	case strings.HasPrefix(low[i:], ":"), strings.HasPrefix(low[i:], "#"), strings.HasPrefix(low[i:], "は"):
		_, size := firstRune(low[i:])
		i = skipSpaces(low, i+size)
	case strings.HasPrefix(low[i:], "is "):
		i = skipSpaces(low, i+3)
	}
	var b strings.Builder
	for {
		j := i
		digit := false
		for j < len(line) && isAlnum(line[j]) {
			digit = digit || isDigit(line[j])
			j++
		}
		if j == i || !digit {
			break
		}
		b.WriteString(strings.ToUpper(line[i:j]))
		if j+1 >= len(line) || (line[j] != ' ' && line[j] != '-') || !isAlnum(line[j+1]) {
			break
		}
		if line[j] == ' ' && orderIDRe.MatchString(line[j+1:min(len(line), j+20)]) && strings.HasPrefix(line[j+1:], orderIDRe.FindString(line[j+1:min(len(line), j+20)])) {
			break
		}
		i = j + 1
	}
	return b.String()
}

func skipSpaces(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// uniqueSorted returns the numbers once each, sorted.
func uniqueSorted(l []labelledNumber) []string {
	var out []string
	for _, n := range l {
		out = append(out, n.num)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
