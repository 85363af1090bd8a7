package notice

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vtrbot/vtrbot/vtr"
)

// Month names and abbreviations in en, de, fr, it, es (lower case). Longer
// names come first so the alternation prefers them.
var monthNames = [...][]string{
	1:  {"january", "januar", "jänner", "janvier", "gennaio", "enero", "janv", "jan", "gen", "ene"},
	2:  {"february", "februar", "février", "febbraio", "febrero", "févr", "fév", "feb"},
	3:  {"march", "märz", "mars", "marzo", "mär", "mar", "mrz"},
	4:  {"april", "avril", "aprile", "abril", "apr", "avr", "abr"},
	5:  {"may", "mai", "maggio", "mayo", "mag"},
	6:  {"june", "juni", "juin", "giugno", "junio", "jun", "giu"},
	7:  {"july", "juli", "juillet", "luglio", "julio", "juil", "jul", "lug"},
	8:  {"august", "août", "agosto", "aug", "ago"},
	9:  {"september", "septembre", "settembre", "septiembre", "setiembre", "sept", "sep", "set"},
	10: {"october", "oktober", "octobre", "ottobre", "octubre", "oct", "okt", "ott"},
	11: {"november", "novembre", "noviembre", "nov"},
	12: {"december", "dezember", "décembre", "dicembre", "diciembre", "déc", "dec", "dez", "dic"},
}

var monthByName = func() map[string]time.Month {
	m := map[string]time.Month{}
	for i, names := range monthNames {
		for _, n := range names {
			m[n] = time.Month(i)
		}
	}
	return m
}()

// numericDateRe finds the numeric date forms of docs/notices.md ("period"), in text that
// is lower-cased with white space collapsed. It is kept small so Go runs it
// with its backtracker; dates with month names are read by hand
// (monthDate), since an alternation of every month name is slow.
var numericDateRe = regexp.MustCompile(strings.Join([]string{
	`\b(\d{4})-(\d{2})-(\d{2})\b`,            // 1-3: 2019-10-15
	`(\d{4}) ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?日`, // 4-6: 2019年10月15日
	`\b(\d{4})/(\d{1,2})/(\d{1,2})\b`,        // 7-9: 2019/10/15
	`\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b`,  // 10-12: 10/15/2019
	`\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b`,      // 13-15: 15.10.2019
}, "|"))

// dateHit is one date found in a text.
type dateHit struct {
	start, end int
	date       vtr.Date // year 0 when the text gave none
}

// findDates returns the dates in low (lower case, white space collapsed), in
// text order and never overlapping.
// Slash dates are month first when monthFirst, else day first.
func findDates(low string, monthFirst bool) []dateHit {
	var out []dateHit
	for _, w := range digitWindows(low) {
		out = appendDates(out, low[w.start:w.end], w.start, monthFirst)
	}
	return out
}

// digitWindows returns the stretches of low where a date can be: every
// date form has digits, with at most a month name (and "de") between them
// and the date's ends. Running dateRe only there keeps it off the prose.
func digitWindows(low string) []span {
	const reach = 24 // "septiembre de " before a day, " de 2024" after it, with room
	var out []span
	for i := 0; i < len(low); i++ {
		if !isDigit(low[i]) {
			continue
		}
		j := i
		for j < len(low) && isDigit(low[j]) {
			j++
		}
		lo, hi := max(0, i-reach), min(len(low), j+reach)
		// Widen to spaces so \b and words at the edges read as in the text.
		for lo > 0 && low[lo-1] != ' ' {
			lo--
		}
		for hi < len(low) && low[hi] != ' ' {
			hi++
		}
		if n := len(out); n > 0 && lo <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, hi)
		} else {
			out = append(out, span{lo, hi})
		}
		i = j
	}
	return out
}

// appendDates appends the dates of low (found at offset base) to out, in
// text order.
func appendDates(out []dateHit, low string, base int, monthFirst bool) []dateHit {
	n0 := len(out)
	out = appendMonthDates(out, low, base)
	var numeric [][]int
	if maybeNumericDate(low) {
		numeric = numericDateRe.FindAllStringSubmatchIndex(low, -1)
	}
	for _, m := range numeric {
		g := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return low[m[2*i]:m[2*i+1]]
		}
		var y, mo, d int
		switch {
		case m[2] >= 0:
			y, mo, d = atoi(g(1)), atoi(g(2)), atoi(g(3))
		case m[8] >= 0:
			y, mo, d = atoi(g(4)), atoi(g(5)), atoi(g(6))
		case m[14] >= 0:
			y, mo, d = atoi(g(7)), atoi(g(8)), atoi(g(9))
		case m[20] >= 0:
			a, b := atoi(g(10)), atoi(g(11))
			y = atoi(g(12))
			if len(g(12)) == 2 {
				y += 2000
			}
			if monthFirst {
				mo, d = a, b
			} else {
				mo, d = b, a
			}
		case m[26] >= 0:
			d, mo, y = atoi(g(13)), atoi(g(14)), atoi(g(15))
		}
		if !validDate(y, mo, d) {
			continue
		}
		out = append(out, dateHit{base + m[0], base + m[1], vtr.Date{Year: y, Month: time.Month(mo), Day: d}})
	}
	added := out[n0:]
	slices.SortStableFunc(added, func(a, b dateHit) int { return a.start - b.start })
	// Two readings can share characters ("1 oct 2019-10-15", "1st may 1
	// 2000"): keep the first, so hits never overlap and the text between
	// two of them is always low[a.end:b.start].
	kept := n0
	for _, h := range added {
		if kept > n0 && h.start < out[kept-1].end {
			continue
		}
		out[kept] = h
		kept++
	}
	return out[:kept]
}

// maybeNumericDate reports whether low has a digit followed by '/', '.',
// '-' and another digit, or a 年: the only ways a numeric date starts.
func maybeNumericDate(low string) bool {
	for i := 1; i+1 < len(low); i++ {
		if c := low[i]; (c == '/' || c == '.' || c == '-') && isDigit(low[i-1]) && isDigit(low[i+1]) {
			return true
		}
	}
	return strings.Contains(low, "年")
}

// appendMonthDates reads the dates written with a month name around each
// run of one or two digits: "October 15, 2019", "Oct. 15th", "15 October
// 2019", "1er mars 2024", "1. März 2024", "1 de marzo de 2024". The year
// may be missing (year 0): a range's first date often has none.
func appendMonthDates(out []dateHit, low string, base int) []dateHit {
	for i := 0; i < len(low); i++ {
		if !isDigit(low[i]) {
			continue
		}
		j := i
		for j < len(low) && isDigit(low[j]) {
			j++
		}
		if j-i > 2 || i > 0 && (isAlnum(low[i-1]) || low[i-1] == '.' || low[i-1] == '/' || low[i-1] == '-' || low[i-1] == ':') {
			i = j
			continue
		}
		day := atoi(low[i:j])
		// Month, day: the word before the digits is a month.
		if mo, start, ok := monthBefore(low, i); ok {
			end := ordinalEnd(low, j)
			if end < len(low) && isAlnum(low[end]) {
				i = j
				continue
			}
			y, yend := yearAfter(low, end)
			if validDate(y, int(mo), day) {
				out = append(out, dateHit{base + start, base + yend, vtr.Date{Year: y, Month: mo, Day: day}})
				i = yend - 1
				continue
			}
		}
		// Day, month: the word after the digits (and "de") is a month.
		k := j
		for _, suf := range []string{"er", "st", "nd", "rd", "th", ".", "º", "°"} {
			if strings.HasPrefix(low[k:], suf) {
				k += len(suf)
				break
			}
		}
		if k < len(low) && low[k] == ' ' {
			k++
			k += len(prefixWord(low[k:], "de "))
			if mo, mend, ok := monthAt(low, k); ok {
				y, yend := yearAfter(low, mend)
				if validDate(y, int(mo), day) {
					out = append(out, dateHit{base + i, base + yend, vtr.Date{Year: y, Month: mo, Day: day}})
					i = yend - 1
					continue
				}
			}
		}
		i = j
	}
	return out
}

func prefixWord(s, w string) string {
	if strings.HasPrefix(s, w) {
		return w
	}
	return ""
}

// monthAt reads a month name starting at k (an optional dot after it).
func monthAt(low string, k int) (time.Month, int, bool) {
	e := k
	for e < len(low) {
		r, size := utf8.DecodeRuneInString(low[e:])
		if !unicode.IsLetter(r) {
			break
		}
		e += size
	}
	mo, ok := monthByName[low[k:e]]
	if !ok {
		return 0, 0, false
	}
	if e < len(low) && low[e] == '.' {
		e++
	}
	return mo, e, true
}

// monthBefore reads a month name ending just before the space before i.
func monthBefore(low string, i int) (time.Month, int, bool) {
	k := i - 1
	if k < 1 || low[k] != ' ' {
		return 0, 0, false
	}
	if low[k-1] == '.' {
		k--
	}
	s := k
	for s > 0 {
		r, size := utf8.DecodeLastRuneInString(low[:s])
		if !unicode.IsLetter(r) {
			break
		}
		s -= size
	}
	mo, ok := monthByName[low[s:k]]
	return mo, s, ok && s < k
}

// ordinalEnd skips an English ordinal suffix after a day.
func ordinalEnd(low string, j int) int {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		if strings.HasPrefix(low[j:], suf) {
			return j + len(suf)
		}
	}
	return j
}

// yearAfter reads ", 2019", " 2019" or " de 2024" at k; year 0 and k when
// there is none.
func yearAfter(low string, k int) (int, int) {
	p := k
	if p < len(low) && low[p] == ',' {
		p++
	}
	if p >= len(low) || low[p] != ' ' {
		return 0, k
	}
	p++
	p += len(prefixWord(low[p:], "de "))
	if p+4 <= len(low) && isDigit(low[p]) && isDigit(low[p+1]) && isDigit(low[p+2]) && isDigit(low[p+3]) &&
		(p+4 == len(low) || !isAlnum(low[p+4])) {
		return atoi(low[p : p+4]), p + 4
	}
	return 0, k
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// validDate checks a calendar date; year 0 stands for "not written".
func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || d > 31 || (y != 0 && (y < 1990 || y > 2200)) {
		return false
	}
	yy := y
	if yy == 0 {
		yy = 2000 // a leap year, so 29 February is allowed
	}
	return time.Date(yy, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() == d
}

// Range connectors (docs/notices.md "period"): the text between two dates, and the
// word that must stand before the first date for the joining ones.
var rangeJoin = map[string]string{
	"to": "", "through": "", "thru": "", "until": "", "till": "", "-": "", "–": "", "—": "",
	"bis": "", "bis zum": "", "〜": "", "~": "", "から": "", "a": "", "hasta": "", "hasta el": "",
	"and": "between", "und": "zwischen", "et": "entre", "y": "entre", "e": "tra", "au": "du", "al": "dal",
}

// findPeriod returns the first date range of low, both ends included.
func findPeriod(low string, monthFirst bool) *vtr.Window {
	hits := findDates(low, monthFirst)
	for i := 0; i+1 < len(hits); i++ {
		a, b := hits[i], hits[i+1]
		gap := strings.Trim(low[a.end:b.start], " ,")
		need, ok := rangeJoin[gap]
		if !ok || b.date.Year == 0 {
			continue
		}
		if need != "" && !precededBy(low[:a.start], need) {
			continue
		}
		if gap == "a" && !precededBy(low[:a.start], "de") && !precededBy(low[:a.start], "da") {
			continue
		}
		from := a.date
		if from.Year == 0 {
			// "October 15 to November 14, 2019": the year of the end date,
			// or the one before when the months wrap.
			from.Year = b.date.Year
			if from.Month > b.date.Month || from.Month == b.date.Month && from.Day > b.date.Day {
				from.Year--
			}
		}
		if b.date.Before(from) {
			continue
		}
		return &vtr.Window{From: from, To: b.date}
	}
	return nil
}

// precededBy reports whether the last words of before end with word ("du",
// "between"), allowing "del"/"dal" and "dall'" spellings for the Romance ones.
func precededBy(before, word string) bool {
	before = strings.TrimRight(before[max(0, len(before)-64):], " ,")
	switch word {
	case "du":
		return hasSuffixWord(before, "du") || hasSuffixWord(before, "depuis le")
	case "dal":
		return hasSuffixWord(before, "dal") || hasSuffixWord(before, "del") || hasSuffixWord(before, "desde el") || strings.HasSuffix(before, "dall'")
	case "between":
		// "between" may be a few words back: "between the dates of".
		i := strings.LastIndex(before, "between")
		return i >= 0 && len(before)-i < 24
	}
	return hasSuffixWord(before, word)
}

func hasSuffixWord(s, w string) bool {
	return strings.HasSuffix(s, w) && (len(s) == len(w) || !isAlnum(s[len(s)-len(w)-1]))
}
