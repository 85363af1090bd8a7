package notice

import (
	"bytes"
	"strings"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/vtrbot/vtrbot/vtr"
)

// amazonDomains are the domains genuine notices come from (docs/notices.md
// "Authentic"), with the store each one stands for ("" for none).
// Subdomains count too. amazonses.com is not here: anyone can send through
// Amazon SES.
var amazonDomains = map[string]string{
	"amazon.com": "US", "amazon.co.uk": "UK", "amazon.de": "DE", "amazon.fr": "FR", "amazon.it": "IT",
	"amazon.es": "ES", "amazon.co.jp": "JP", "amazon.ca": "CA", "amazon.com.mx": "MX", "amazon.com.au": "AU",
	"amazon.ae": "AE", "amazon.in": "IN", "amazon.nl": "NL", "amazon.se": "SE", "amazon.pl": "PL",
	"amazon.com.be": "BE", "amazon.com.tr": "TR", "amazon.sa": "SA", "amazon.sg": "SG", "amazon.com.br": "BR",
	"amazon.eg": "EG", "amazonsellerservices.com": "",
}

// carrier is a carrier whose tracking mail is evidence of scans.
type carrier struct {
	name       string
	domains    []string
	names      []string // display-name words, lower case
	monthFirst bool     // writes slash dates month first (a US carrier)
}

var carriers = []carrier{
	{"USPS", []string{"usps.com", "usps.gov"}, []string{"usps", "u.s. postal service", "united states postal service"}, true},
	{"UPS", []string{"ups.com"}, []string{"ups"}, true},
	{"FedEx", []string{"fedex.com"}, []string{"fedex"}, true},
	{"DHL", []string{"dhl.com", "dhl.de", "dhl.co.uk", "dhl-news.com", "dhl.fr", "dhl.it", "dhl.es"}, []string{"dhl"}, true},
	{"OnTrac", []string{"ontrac.com"}, []string{"ontrac"}, true},
	{"LaserShip", []string{"lasership.com"}, []string{"lasership"}, true},
	{"Canada Post", []string{"canadapost.ca", "postescanada.ca"}, []string{"canada post", "postes canada"}, false},
	{"Royal Mail", []string{"royalmail.com"}, []string{"royal mail"}, false},
	{"Deutsche Post", []string{"deutschepost.de"}, []string{"deutsche post"}, false},
	{"DPD", []string{"dpd.com", "dpd.de", "dpd.co.uk", "dpd.fr"}, []string{"dpd"}, false},
	{"GLS", []string{"gls-group.eu", "gls-group.com"}, []string{"gls"}, false},
	{"Hermes", []string{"myhermes.de", "hermesworld.com", "evri.com"}, []string{"hermes", "evri"}, false},
	{"La Poste", []string{"laposte.fr", "colissimo.fr"}, []string{"la poste", "colissimo"}, false},
	{"Poste Italiane", []string{"poste.it"}, []string{"poste italiane"}, false},
	{"Correos", []string{"correos.es"}, []string{"correos"}, false},
	{"Yamato", []string{"kuronekoyamato.co.jp"}, []string{"yamato", "ヤマト運輸", "クロネコ"}, false},
	{"Sagawa", []string{"sagawa-exp.co.jp"}, []string{"sagawa", "佐川急便"}, false},
	{"Japan Post", []string{"japanpost.jp", "post.japanpost.jp"}, []string{"japan post", "日本郵便"}, false},
}

// domainOf returns the lower-case domain of an address.
func domainOf(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(addr[i+1:]), ".")
}

// onDomain reports whether domain is d or one of its subdomains.
func onDomain(domain, d string) bool {
	return domain == d || strings.HasSuffix(domain, "."+d)
}

// amazonStore returns whether domain is an Amazon domain and the store it
// stands for.
func amazonStore(domain string) (store string, ok bool) {
	for d := domain; d != ""; {
		if s, found := amazonDomains[d]; found {
			return s, true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	return "", false
}

// carrierByDomain returns the carrier that owns domain.
func carrierByDomain(domain string) (carrier, bool) {
	for _, c := range carriers {
		for _, d := range c.domains {
			if onDomain(domain, d) {
				return c, true
			}
		}
	}
	return carrier{}, false
}

// carrierSender returns the carrier that sent m, by its domain or, for
// classification only, its display name.
func carrierSender(m *mailMsg) (carrier, bool) {
	if c, ok := carrierByDomain(domainOf(m.from)); ok {
		return c, true
	}
	name := lowerSameLen(m.fromName)
	for _, c := range carriers {
		for _, n := range c.names {
			if indexWord(name, n, 0) >= 0 {
				return c, true
			}
		}
	}
	return carrier{}, false
}

// CarrierSender reports which carrier a mail comes from: the carrier whose
// domain the From address is on (the domain or a subdomain of it, so
// ups.com is email.ups.com but never googlegroups.com), else a carrier
// named in the display name. It is the one list of carriers: the parser
// classifies carrier updates by it, and the bot keeps every mail it names
// (commands.Relevant). Display names count for that, never for authentic.
func CarrierSender(addr, displayName string) (name string, ok bool) {
	c, ok := carrierSender(&mailMsg{from: strings.ToLower(addr), fromName: displayName})
	return c.name, ok
}

// CarrierDomains lists every carrier domain the parser knows, with the
// carrier's name, in the order of the list.
func CarrierDomains() [][2]string {
	var out [][2]string
	for _, c := range carriers {
		for _, d := range c.domains {
			out = append(out, [2]string{d, c.name})
		}
	}
	return out
}

// Envelope is what the bot needs of a mail before reading it: the key it
// is stored under and who sent it (docs/notices.md, "Which mail is kept").
type Envelope struct {
	MessageID   string // the Message-ID header, trimmed; "" when absent
	From        string // the From address, lower-cased
	DisplayName string // From's display name, RFC 2047 decoded
}

// ReadEnvelope reads raw's header block (its first MB) once, with the
// parser's own MIME library and rules. An error means the header cannot be
// read at all; the Envelope is then empty.
func ReadEnvelope(raw []byte) (Envelope, error) {
	head := raw[:min(len(raw), 1<<20)]
	if end := headerEnd(head); end > 0 {
		head = head[:end]
	}
	e, err := message.Read(bytes.NewReader(head))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return Envelope{}, headerError(err)
	}
	h := gomail.Header{Header: e.Header}
	env := Envelope{MessageID: strings.TrimSpace(h.Get("Message-Id"))}
	env.From, env.DisplayName = fromAddress(&h)
	return env, nil
}

// storeNames maps the names of Amazon's stores, as a text writes them, to
// their codes. Longer names first.
var storeNames = func() []struct{ name, code string } {
	var out []struct{ name, code string }
	for _, m := range vtr.Marketplaces() {
		out = append(out, struct{ name, code string }{strings.ToLower(m.Channel), m.Code})
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j].name) > len(out[j-1].name); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}()

// namedStore returns the first store low names ("Amazon.de"), skipping
// names that are only part of a URL or an address (docs/notices.md "marketplace": a store named
// only inside sellercentral.amazon.de or @amazon.com does not count).
func namedStore(low string) string {
	best, code := -1, ""
	for from := 0; from < len(low); {
		i := strings.Index(low[from:], "amazon.")
		if i < 0 {
			break
		}
		i += from
		from = i + 1
		if i > 0 && (isAlnum(low[i-1]) || strings.IndexByte("./@-_", low[i-1]) >= 0) {
			continue
		}
		for _, s := range storeNames {
			if !strings.HasPrefix(low[i:], s.name) {
				continue
			}
			end := i + len(s.name)
			if end < len(low) && (isAlnum(low[end]) || low[end] == '/' || low[end] == '@' ||
				low[end] == '.' && end+1 < len(low) && isAlnum(low[end+1])) {
				continue
			}
			if inURL(low, i) {
				break
			}
			best, code = i, s.code
			break
		}
		if best >= 0 {
			break
		}
	}
	return code
}

// inURL reports whether position i of low lies in a URL-like token.
func inURL(low string, i int) bool {
	// A token longer than 256 bytes either side is cut: no store name is
	// that far from a space, and the scan stays linear on hostile text.
	lo, hi := max(0, i-256), min(len(low), i+256)
	start := lo + strings.LastIndexByte(low[lo:i], ' ') + 1
	end := strings.IndexByte(low[i:hi], ' ')
	if end < 0 {
		end = hi
	} else {
		end += i
	}
	tok := low[start:end]
	return strings.Contains(tok, "://") || strings.HasPrefix(tok, "www.") || strings.Contains(tok, "@") ||
		strings.Contains(strings.TrimRight(tok, "/.,;:)"), "/")
}
