package notice

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/vtrbot/vtrbot/vtr"
)

// claimAt is a claim and where in the flat text it first appears.
type claimAt struct {
	pos   int
	claim vtr.Claim
}

// claims reads the checkable statements of the own text (docs/notices.md "claims"),
// in order of first appearance, each once.
func (d *doc) claims() []vtr.Claim {
	var all []claimAt
	all = append(all, d.orderCounts()...)
	all = append(all, d.orderStatuses()...)
	all = append(all, d.metricValues()...)
	all = append(all, d.ignoreNotice()...)
	all = append(all, d.exemptions()...)
	slices.SortStableFunc(all, func(a, b claimAt) int { return a.pos - b.pos })
	var out []vtr.Claim
	seen := map[vtr.Claim]bool{}
	for _, c := range all {
		if !seen[c.claim] {
			seen[c.claim] = true
			out = append(out, c.claim)
		}
	}
	return out
}

var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
	"eighteen": 18, "nineteen": 19, "twenty": 20, "a single": 1, "single": 1,
	"zero": 0, "null": 0, "zéro": 0, "cero": 0,
	"ein": 1, "eine": 1, "einer": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
	"neun": 9, "zehn": 10, "elf": 11, "zwölf": 12,
	"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
	"uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10,
	"dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
}

// Counts as digits: plain, or grouped in thousands the way each language
// writes them ("1,234", "1.234", "1 234"). Zero is a count.
const (
	digitsEN = `\d{1,3}(?:,\d{3})+|\d{1,6}`
	digitsEU = `\d{1,3}(?:\.\d{3})+|\d{1,6}`
	digitsFR = `\d{1,3}(?:[ .]\d{3})+|\d{1,6}`
)

// orderCountRes read "N order(s) ... (for|in|over|during) the (past|last) D
// days" and its translations; groups: count, words between count and
// "orders", words between "orders" and the span, days.
var orderCountRes = []*regexp.Regexp{
	regexp.MustCompile(`\b(` + digitsEN + `|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|a single)((?: [a-z\-]+){0,3}?) orders?\b([^.!?]{0,80}?)\b(?:for|in|over|during|within) the (?:past|last|previous|preceding) (\d{1,4}) days?\b`),
	regexp.MustCompile(`\b(` + digitsEU + `|null|eine?|einer|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf)((?: [\p{L}\-]+){0,2}?) bestellung(?:en)?\b([^.!?]{0,80}?)\b(?:in|während|innerhalb) (?:den|der) (?:letzten|vergangenen) (\d{1,4}) tage?n?\b`),
	regexp.MustCompile(`\b(` + digitsFR + `|zéro|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix)((?: [\p{L}\-]+){0,2}?) commandes?\b([^.!?]{0,80}?)\b(?:au cours des|pendant les|sur les|dans les|durant les) (\d{1,4}) derniers jours\b`),
	regexp.MustCompile(`\b(` + digitsEU + `|zero|un|uno|una|due|tre|quattro|cinque|sei|sette|otto|nove|dieci)((?: [\p{L}\-]+){0,2}?) ordin[ei]\b([^.!?]{0,80}?)\b(?:negli|nei|durante gli) ultimi (\d{1,4}) giorni\b`),
	regexp.MustCompile(`\b(` + digitsEU + `|cero|un|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez)((?: [\p{L}\-]+){0,2}?) pedidos?\b([^.!?]{0,80}?)\b(?:en|durante) los (?:últimos|pasados) (\d{1,4}) días\b`),
}

// Japanese counts: "過去365日間に1件の注文" and "過去365日間の注文は0件", with
// digits (full-width ones are folded before) or kanji numerals.
var orderCountJA = []*regexp.Regexp{
	regexp.MustCompile(`過去 ?(\d{1,4}) ?日間?[^。]{0,40}?(` + digitsEN + `|[〇零一二三四五六七八九十]{1,3}) ?件の注文`),
	regexp.MustCompile(`過去 ?(\d{1,4}) ?日間?の ?注文(?:数|件数)? ?(?:は|が) ?(` + digitsEN + `|[〇零一二三四五六七八九十]{1,3}) ?件`),
}

// parseCount reads a count as orderCountRes match it: digits, grouped or
// not, a number word, or a kanji numeral up to 99.
func parseCount(s string) (int, bool) {
	if s != "" && isDigit(s[0]) {
		n, err := strconv.Atoi(strings.NewReplacer(",", "", ".", "", " ", "").Replace(s))
		return n, err == nil
	}
	if n, ok := numberWords[s]; ok {
		return n, true
	}
	return kanjiNumber(s)
}

// kanjiNumber reads 〇, 零 and 一 ... 九十九.
func kanjiNumber(s string) (int, bool) {
	digit := func(r rune) (int, bool) {
		i := strings.IndexRune("〇一二三四五六七八九", r)
		if r == '零' {
			return 0, true
		}
		if i < 0 {
			return 0, false
		}
		return i / len("〇"), true
	}
	rs := []rune(s)
	ten := slices.Index(rs, '十')
	switch {
	case len(rs) == 1 && ten < 0:
		return digit(rs[0])
	case ten < 0 || ten > 1 || len(rs)-ten > 2:
		return 0, false
	}
	tens, ones := 1, 0
	if ten == 1 {
		d, ok := digit(rs[0])
		if !ok || d == 0 {
			return 0, false
		}
		tens = d
	}
	if ten+1 < len(rs) {
		d, ok := digit(rs[ten+1])
		if !ok || d == 0 {
			return 0, false
		}
		ones = d
	}
	return tens*10 + ones, true
}

// Words a sentence needs before orderCountRes[i] is tried on it.
var orderCountWords = [][2]string{{"order", "day"}, {"bestellung", "tage"}, {"commande", "jours"}, {"ordin", "giorni"}, {"pedido", "días"}}

func (d *doc) orderCounts() []claimAt {
	var out []claimAt
	for si, s := range d.sents {
		_, low := d.sentence(si)
		for ri, re := range orderCountRes {
			if strings.Contains(low, orderCountWords[ri][0]) && strings.Contains(low, orderCountWords[ri][1]) {
				out = append(out, d.orderCountsIn(re, low, s.start)...)
			}
		}
		if strings.Contains(low, "注文") {
			for _, re := range orderCountJA {
				for _, m := range re.FindAllStringSubmatchIndex(low, -1) {
					days, _ := strconv.Atoi(low[m[2]:m[3]])
					n, ok := parseCount(low[m[4]:m[5]])
					if ok && days > 0 {
						out = append(out, claimAt{s.start + m[0], vtr.Claim{Type: vtr.ClaimOrderCount, Count: n, Days: days}})
					}
				}
			}
		}
	}
	return out
}

func (d *doc) orderCountsIn(re *regexp.Regexp, low string, base int) []claimAt {
	var out []claimAt
	{
		for _, m := range re.FindAllStringSubmatchIndex(low, -1) {
			count, adj, mid := low[m[2]:m[3]], low[m[4]:m[5]], low[m[6]:m[7]]
			// "one of your orders", "orders with 'complete' status", "orders
			// between <dates>" count something else.
			if strings.Contains(adj, " of") || strings.Contains(adj, " de") || strings.Contains(adj, " di") ||
				containsAny(mid, []string{"status", "statut", "stato", "estado", "between", "zwischen", "entre", "tra "}) {
				continue
			}
			n, ok := parseCount(count)
			days, _ := strconv.Atoi(low[m[8]:m[9]])
			if !ok || days <= 0 {
				continue // zero is a count (docs/notices.md "order_count": N is digits); zero days is no span
			}
			out = append(out, claimAt{base + m[0], vtr.Claim{Type: vtr.ClaimOrderCount, Count: n, Days: days}})
		}
	}
	return out
}

// The Orders API statuses (docs/notices.md "order_status"), as a text may write them.
const statusWords = `(pending ?availability|partially ?shipped|invoice ?unconfirmed|unshipped|unfulfillable|shipped|canceled|cancelled|pending)`

const quoteChars = `'"‘’“”„«»「『`

var (
	quotedStatusRe = regexp.MustCompile(`['"‘’“”„«»「『] ?` + statusWords + ` ?['"‘’“”„«»」』]`)
	afterStatusRe  = regexp.MustCompile(`\b(?:status|statut|stato|estado)\b[^.!?;]{0,40}?\b` + statusWords + `\b`)
	beforeStatusRe = regexp.MustCompile(`\b` + statusWords + ` (?:status|state)\b`)
)

// orderStatuses finds statuses the text presents as an order's status: in
// quotes, after "status", or before "status". A status word after "status"
// must be written capitalised, as Seller Central shows it: "once you have
// shipped" is a verb.
func (d *doc) orderStatuses() []claimAt {
	if !containsAny(d.low, []string{"pend", "ship", "cancel", "unfulfil", "unconfirmed"}) {
		return nil
	}
	var out []claimAt
	for si, s := range d.sents {
		flat, low := d.sentence(si)
		if !containsAny(low, []string{"pend", "ship", "cancel", "unfulfil", "unconfirmed"}) {
			continue
		}
		add := func(re *regexp.Regexp, capital bool) {
			for _, m := range re.FindAllStringSubmatchIndex(low, -1) {
				v := flat[m[2]:m[3]]
				if capital && (v[0] < 'A' || v[0] > 'Z') {
					continue
				}
				out = append(out, claimAt{s.start + m[2], vtr.Claim{Type: vtr.ClaimOrderStatus, Text: v}})
			}
		}
		if strings.ContainsAny(low, quoteChars) {
			add(quotedStatusRe, false)
		}
		if strings.Contains(low, "stat") || strings.Contains(low, "estado") {
			add(afterStatusRe, true)
			add(beforeStatusRe, false)
		}
	}
	return out
}

var (
	ignoreRes = []*regexp.Regexp{
		regexp.MustCompile(`\b(?:ignore|disregard)\b[^.!?]{0,60}?\b(?:e-?mails?|mails?|notices?|notifications?|messages?|warnings?|letters?|alerts?|it|this|them)\b`),
		regexp.MustCompile(`\b(?:e-mail|email|nachricht|benachrichtigung|mitteilung|warnung)\b[^.!?]{0,40}?\bignorieren\b|\bignorieren sie\b`),
		regexp.MustCompile(`\b(?:ignorer|ne pas tenir compte)\b[^.!?]{0,40}?\b(?:e-mail|email|message|notification|avertissement|courriel)`),
		regexp.MustCompile(`\bignorare\b[^.!?]{0,40}?\b(?:e-mail|email|mail|messaggio|notifica|comunicazione|avviso)`),
		regexp.MustCompile(`\b(?:ignorar|ignore|omitir|haga caso omiso)\b[^.!?]{0,40}?\b(?:correo|mensaje|notificación|aviso|e-mail|email)`),
		regexp.MustCompile(`(?:メール|通知|お知らせ|メッセージ)[^。]{0,30}?(?:無視して|破棄して)`),
	}
	ignoreWords = []string{"ignor", "disregard", "tenir compte", "omitir", "caso omiso", "無視", "破棄"}
	negations   = []string{"not ", "n't ", "never ", "nicht ", "keinesfalls ", "ne pas ", "non ", "no ", "nunca "}
)

// ignoreNotice finds an instruction to ignore or disregard a notice, mail
// or notification; "do not ignore this notice" is none.
func (d *doc) ignoreNotice() []claimAt {
	if !containsAny(d.low, ignoreWords) {
		return nil
	}
	var out []claimAt
	for si, s := range d.sents {
		_, low := d.sentence(si)
		if !containsAny(low, ignoreWords) {
			continue
		}
		for _, re := range ignoreRes {
			for _, m := range re.FindAllStringIndex(low, -1) {
				before := low[max(0, m[0]-24):m[0]]
				if containsAny(before, negations) || conditional(low[:m[1]], m[0]) {
					continue
				}
				out = append(out, claimAt{s.start + m[0], vtr.Claim{Type: vtr.ClaimIgnoreNotice}})
			}
		}
	}
	return out
}

var (
	underTen   = regexp.MustCompile(`(?:under|less than|below|lower than|up to|<) ?(?:us)?\$ ?10(?:\.00)?\b|\$ ?10(?:\.00)? or less`)
	letterFlat = []string{"envelope", "letter", "flat"}
	noTracking = []string{"do not require", "does not require", "don't require", "doesn't require", "not required",
		"no tracking", "need no", "needn't", "without tracking", "exempt", "excluded", "not need", "do not need",
		"does not need", "not count", "not be counted"}
)

// exemptions finds the US letter/flat rule: packages in a USPS envelope,
// letter or flat under $10 need no tracking.
func (d *doc) exemptions() []claimAt {
	if !strings.Contains(d.low, "$") {
		return nil
	}
	var out []claimAt
	for si := range d.sents {
		_, low := d.sentence(si)
		if containsAny(low, letterFlat) && containsAny(low, noTracking) && underTen.MatchString(low) {
			out = append(out, claimAt{d.sents[si].start, vtr.Claim{Type: vtr.ClaimExemption, Text: "letter_flat_under_10"}})
		}
	}
	return out
}
