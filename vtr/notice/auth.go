package notice

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/emersion/go-msgauth/authres"
	"github.com/vtrbot/vtrbot/vtr"
)

// judgeAuth sets Authentic and AuthSummary (docs/notices.md "authentic"): the From
// address is on an Amazon domain, or for a carrier update on a carrier's,
// and the topmost Authentication-Results header reports no dkim, spf or
// dmarc failure. Display names never count. A forward is authentic only
// when it is trusted (fwd.trusted, Trust.judgeForward) and the notice is;
// an inline forward carries no results of the notice, so its notice is
// judged on the forwarded address alone.
func judgeAuth(n *vtr.Notice, m *mailMsg, fwd *forwardInfo) {
	domain := domainOf(m.from)
	var parts []string
	if fwd != nil {
		how := "as an attachment"
		if fwd.inline {
			how = "inline"
		}
		parts = append(parts, fmt.Sprintf("forwarded %s by %s", how, orNone(fwd.by)))
		if !fwd.trusted {
			parts = append(parts, "forward NOT trusted: "+fwd.why)
		}
	}
	_, amazon := amazonStore(domain)
	c, isCarrier := carrierByDomain(domain)
	okDomain := amazon || isCarrier && n.Kind == vtr.KindCarrierUpdate
	switch {
	case domain == "":
		parts = append(parts, "no sender address")
	case amazon:
		parts = append(parts, "from "+domain)
	case isCarrier:
		parts = append(parts, fmt.Sprintf("from %s (%s)", domain, c.name))
		if !okDomain {
			parts[len(parts)-1] += ": a carrier, but this is no carrier update"
		}
	default:
		parts = append(parts, "from "+domain+": not an Amazon domain")
	}
	failed := false
	switch {
	case m.inline:
		parts = append(parts, "judged on the address alone")
	case !m.hasAuthRes:
		parts = append(parts, "no Authentication-Results, judged on the address")
	default:
		res, fail := authResults(m.authRes)
		failed = fail
		if res == "" {
			res = "Authentication-Results without dkim, spf or dmarc"
		}
		parts = append(parts, res)
	}
	n.Authentic = okDomain && !failed && (fwd == nil || fwd.trusted)
	n.AuthSummary = strings.Join(parts, "; ")
}

var authFailRe = regexp.MustCompile(`(?i)\b(dkim|spf|dmarc)\s*=\s*(fail)\b`)

// authResults summarises one Authentication-Results value ("dkim=pass
// spf=pass dmarc=pass") and reports whether dkim, spf or dmarc failed.
// softfail is no failure (docs/notices.md "Authentic").
func authResults(v string) (summary string, fail bool) {
	var out []string
	if _, results, err := authres.Parse(v); err == nil {
		for _, r := range results {
			var method string
			var val authres.ResultValue
			switch r := r.(type) {
			case *authres.DKIMResult:
				method, val = "dkim", r.Value
			case *authres.SPFResult:
				method, val = "spf", r.Value
			case *authres.DMARCResult:
				method, val = "dmarc", r.Value
			default:
				continue
			}
			out = append(out, method+"="+string(val))
			if val == authres.ResultFail {
				fail = true
			}
		}
	}
	// A header authres cannot parse is still searched for a failure.
	if strings.Contains(strings.ToLower(v), "fail") && authFailRe.MatchString(v) {
		fail = true
		if len(out) == 0 {
			for _, m := range authFailRe.FindAllStringSubmatch(v, 3) {
				out = append(out, strings.ToLower(m[1])+"=fail")
			}
		}
	}
	return strings.Join(out, " "), fail
}

func orNone(s string) string {
	if s == "" {
		return "(no address)"
	}
	return s
}
