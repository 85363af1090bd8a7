package notice

import (
	"fmt"
	"strings"

	"github.com/emersion/go-msgauth/authres"
)

// Trust says whose forwards of a notice are believed (docs/notices.md,
// "Forwarded notices"). Anyone can write an Amazon header block into a mail
// or attach a made-up notice, so a forward is judged as the notice it
// carries only when the forwarder is the seller's own and its own mail
// proves its sender. The zero value trusts no forward.
type Trust struct {
	// Forwarders are addresses ("owner@shop.example") and domains
	// ("@shop.example"), as ParseForwarders returns them
	// (TRUSTED_FORWARDERS); they compare case-insensitively.
	Forwarders []string
	// Mailbox is the watched mailbox's login (IMAP_USERNAME). When it is an
	// address, that address is trusted, and so is every address on its
	// domain unless that is a public mail service (gmail.com, outlook.com,
	// ...), where anyone can have an address.
	Mailbox string
}

// ParseForwarders reads a comma-separated TRUSTED_FORWARDERS value: each
// entry is an address or an @domain (a bare domain is read as @domain).
// Entries are lower-cased; empty entries are skipped. An entry that is
// neither is an error naming it.
func ParseForwarders(list string) ([]string, error) {
	var out []string
	for _, e := range strings.Split(list, ",") {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" {
			continue
		}
		local, domain, hasAt := strings.Cut(e, "@")
		if !hasAt {
			local, domain = "", e
		}
		if strings.Contains(domain, "@") || !validDomain(domain) || hasAt && local != "" && !validLocal(local) {
			return nil, fmt.Errorf("%q is not an address or @domain", e)
		}
		if local == "" {
			out = append(out, "@"+domain)
		} else {
			out = append(out, local+"@"+domain)
		}
	}
	return out, nil
}

// validDomain accepts a host name with at least two labels.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 || len(d) > 253 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !isAlnum(c) && c != '-' && c < 0x80 {
				return false
			}
		}
	}
	return true
}

// validLocal accepts the local part of an ordinary address.
func validLocal(l string) bool {
	for i := 0; i < len(l); i++ {
		c := l[i]
		if c <= ' ' || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' || c == ':' || c == '"' || c == '\\' || c == '[' || c == ']' {
			return false
		}
	}
	return l != ""
}

// publicMailDomains are mail services where anyone can open an address:
// sharing the mailbox's domain with a forwarder proves nothing there.
var publicMailDomains = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true, "hotmail.co.uk": true,
	"hotmail.de": true, "hotmail.fr": true, "hotmail.it": true, "hotmail.es": true, "live.com": true, "msn.com": true,
	"yahoo.com": true, "yahoo.co.uk": true, "yahoo.de": true, "yahoo.fr": true, "yahoo.it": true, "yahoo.es": true,
	"yahoo.co.jp": true, "ymail.com": true, "icloud.com": true, "me.com": true, "mac.com": true, "aol.com": true,
	"gmx.com": true, "gmx.de": true, "gmx.net": true, "web.de": true, "t-online.de": true, "mail.com": true,
	"proton.me": true, "protonmail.com": true, "zoho.com": true, "yandex.com": true, "orange.fr": true,
	"free.fr": true, "laposte.net": true, "libero.it": true, "virgilio.it": true, "docomo.ne.jp": true,
	"ezweb.ne.jp": true, "softbank.ne.jp": true, "fastmail.com": true, "hey.com": true,
}

// configured reports whether any forwarder can be trusted at all.
func (t Trust) configured() bool {
	return len(t.Forwarders) > 0 || strings.Contains(t.Mailbox, "@")
}

// listed reports whether addr is one of the seller's own forwarders, and why.
func (t Trust) listed(addr string) (bool, string) {
	addr = strings.ToLower(addr)
	domain := domainOf(addr)
	if domain == "" {
		return false, "the forwarding mail has no sender address"
	}
	for _, f := range t.Forwarders {
		f = strings.ToLower(strings.TrimSpace(f))
		if !strings.Contains(f, "@") {
			f = "@" + f
		}
		if f == addr {
			return true, addr + " is in TRUSTED_FORWARDERS"
		}
		if f == "@"+domain {
			return true, "@" + domain + " is in TRUSTED_FORWARDERS"
		}
	}
	mbox := strings.ToLower(strings.TrimSpace(t.Mailbox))
	if mbox != "" && mbox == addr {
		return true, addr + " is the mailbox's own address (IMAP_USERNAME)"
	}
	if md := domainOf(mbox); md != "" && md == domain && !publicMailDomains[md] {
		return true, addr + " is on the mailbox's domain (" + domain + ", IMAP_USERNAME)"
	}
	return false, addr + " is neither in TRUSTED_FORWARDERS nor on the mailbox's own domain"
}

// hop is one forwarding step: the mail that carried the notice (or the next
// forward) onwards.
type hop struct {
	from       string
	authRes    string
	hasAuthRes bool
	inline     bool // an inline block: no header of its own to check
}

// judgeForward decides whether a chain of forwards is believed (docs/notices.md
// "Forwarded notices: whose forward is believed").
// The outermost forward must be from a trusted forwarder and its topmost
// Authentication-Results must prove that sender: dkim=pass for its From
// domain (header.d=, or an header.i= on that domain) or dmarc=pass, and no
// failure. A forward inside it must be from a trusted forwarder too; it is
// judged on its address alone (an inline block carries no results), and an
// attached one must not report a failure.
func (t Trust) judgeForward(hops []hop) (bool, string) {
	if !t.configured() {
		return false, "neither TRUSTED_FORWARDERS nor an IMAP_USERNAME address is set, so no forward is trusted"
	}
	var why []string
	for i, h := range hops {
		ok, reason := t.listed(h.from)
		if !ok {
			return false, reason
		}
		why = append(why, reason)
		if i == 0 {
			ok, reason = provesSender(h)
		} else if h.hasAuthRes && !h.inline {
			if _, fail := authResults(h.authRes); fail {
				ok, reason = false, "the forward by "+h.from+" inside it reports an authentication failure"
			}
		}
		if !ok {
			return false, reason
		}
		if i == 0 {
			why = append(why, reason)
		}
	}
	return true, strings.Join(why, "; ")
}

// provesSender reports whether the forwarding mail's own topmost
// Authentication-Results prove its From address.
func provesSender(h hop) (bool, string) {
	domain := domainOf(h.from)
	if !h.hasAuthRes {
		return false, "the forwarding mail has no Authentication-Results, so nothing proves it came from " + orNone(h.from)
	}
	summary, fail := authResults(h.authRes)
	if fail {
		return false, "the forwarding mail's Authentication-Results report a failure (" + summary + ")"
	}
	if _, results, err := authres.Parse(h.authRes); err == nil {
		for _, r := range results {
			switch r := r.(type) {
			case *authres.DKIMResult:
				if r.Value == authres.ResultPass && domain != "" &&
					(strings.EqualFold(r.Domain, domain) || r.Domain == "" && strings.EqualFold(domainOf(r.Identifier), domain)) {
					return true, "dkim=pass for " + domain
				}
			case *authres.DMARCResult:
				if r.Value == authres.ResultPass && (r.From == "" || strings.EqualFold(r.From, domain)) {
					return true, "dmarc=pass for " + domain
				}
			}
		}
	}
	if summary == "" {
		summary = "no dkim or dmarc result"
	}
	return false, "the forwarding mail's Authentication-Results (" + summary + ") show no dkim=pass for " + orNone(domain) + " and no dmarc=pass"
}
