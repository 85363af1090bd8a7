package notice

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/vtr"
)

func TestParseForwarders(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{"", nil, ""},
		{" , ,", nil, ""},
		{"Owner@Traxtar.Example", []string{"owner@traxtar.example"}, ""},
		{"owner@traxtar.example, @Shop.Example ,ops.example", []string{"owner@traxtar.example", "@shop.example", "@ops.example"}, ""},
		{"owner", nil, `"owner" is not an address or @domain`},
		{"owner@localhost", nil, `"owner@localhost" is not an address or @domain`},
		{"a@b@c.example", nil, `"a@b@c.example" is not an address or @domain`},
		{"owner@traxtar..example", nil, `"owner@traxtar..example" is not an address or @domain`},
		{"<owner@traxtar.example>", nil, `"<owner@traxtar.example>" is not an address or @domain`},
		{"owner @traxtar.example", nil, `"owner @traxtar.example" is not an address or @domain`},
	}
	for _, tt := range tests {
		got, err := ParseForwarders(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseForwarders(%q) error = %v, want %s", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseForwarders(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// The real notice's Message-ID, which a stranger's forward must never take.
const realID = "<0100016e6e3c2a1f-real@email.amazonses.com>"

// Notices the forwards below carry, with their own passing results (anyone
// can write those into an attached message).
var (
	amazonWarning = "Authentication-Results: mx.example.net; dkim=pass header.d=amazon.com; spf=pass smtp.mailfrom=amazon.com; dmarc=pass header.from=amazon.com\r\n" +
		"From: Amazon Seller Performance <seller-performance@amazon.com>\r\nSubject: Your Valid Tracking Rate is Below 95%\r\n" +
		"Date: Fri, 15 Nov 2019 09:12:44 +0000\r\nMessage-ID: " + realID + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" +
		"Your Valid Tracking Rate is below the 95% requirement.\r\n"
	uspsDelivered = "Authentication-Results: mx.example.net; dkim=pass header.d=usps.com; spf=pass smtp.mailfrom=usps.com\r\n" +
		"From: USPS Tracking <auto-reply@usps.com>\r\nSubject: USPS Tracking Number 9400111899223408617511 Delivered\r\n" +
		"Date: Mon, 28 Oct 2019 18:22:05 -0500\r\nMessage-ID: " + realID + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" +
		"Tracking Number: 9400111899223408617511\r\n\r\nOctober 28, 2019, 3:58 pm   Delivered, In/At Mailbox   SPRINGFIELD, IL\r\n"
)

// forwardMail wraps notice (a whole message) in a forward by from whose
// topmost Authentication-Results is authRes ("" for none): attached as
// message/rfc822, or inline under Gmail's separator.
func forwardMail(from, authRes, notice string, inline bool) []byte {
	var b strings.Builder
	if authRes != "" {
		b.WriteString("Authentication-Results: " + authRes + "\r\n")
	}
	b.WriteString("From: Someone <" + from + ">\r\nTo: seller@traxtar.example\r\nDelivered-To: seller@traxtar.example\r\n" +
		"Subject: Fwd: notice\r\nDate: Sat, 16 Nov 2019 10:00:00 -0500\r\nMessage-ID: <fwd-own-id@forwarder.example>\r\n")
	if !inline {
		bd := fmt.Sprintf("b%d", len(notice)) // a forward of a forward needs its own boundary
		b.WriteString("Content-Type: multipart/mixed; boundary=\"" + bd + "\"\r\n\r\n--" + bd + "\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n" +
			"--" + bd + "\r\nContent-Type: message/rfc822\r\n\r\n" + notice + "\r\n--" + bd + "--\r\n")
		return []byte(b.String())
	}
	head, body, _ := strings.Cut(notice, "\r\n\r\n")
	b.WriteString("Content-Type: text/plain; charset=UTF-8\r\n\r\nFYI\r\n\r\n---------- Forwarded message ---------\r\n")
	for _, l := range strings.Split(head, "\r\n") {
		if k, _, _ := strings.Cut(l, ":"); k == "From" || k == "Date" || k == "Subject" || k == "Message-ID" {
			b.WriteString(l + "\r\n")
		}
	}
	b.WriteString("\r\n" + body)
	return []byte(b.String())
}

// TestParse_forwardTrust is the forwarding rule (docs/notices.md,
// "Forwarded notices"): a forward is authentic only when both the forward
// and the notice are, and only a trusted forward takes the notice's
// Message-ID. Each case runs on both forward shapes.
func TestParse_forwardTrust(t *testing.T) {
	const (
		pass      = "mx.traxtar.example; dkim=pass header.d=traxtar.example; spf=pass smtp.mailfrom=traxtar.example"
		dmarcOnly = "mx.traxtar.example; dkim=none; spf=softfail smtp.mailfrom=traxtar.example; dmarc=pass header.from=traxtar.example"
		gmailI    = "mx.google.com; dkim=pass header.i=@traxtar.example header.s=s1; spf=pass smtp.mailfrom=owner@traxtar.example"
	)
	mailbox := Trust{Mailbox: "seller@traxtar.example"}
	tests := []struct {
		name    string
		trust   Trust
		from    string
		authRes string
		notice  string
		trusted bool
		why     string // in ForwardWhy
	}{
		{"forwarder on the mailbox's domain, dkim=pass", mailbox, "owner@traxtar.example", pass, amazonWarning, true, "on the mailbox's domain"},
		{"listed address, any case", Trust{Forwarders: []string{"Owner@TraxTar.Example"}}, "OWNER@traxtar.example", pass, amazonWarning, true, "in TRUSTED_FORWARDERS"},
		{"listed @domain, dmarc=pass only", Trust{Forwarders: []string{"@traxtar.example"}}, "owner@traxtar.example", dmarcOnly, amazonWarning, true, "dmarc=pass"},
		{"dkim header.i on the forwarder's domain", mailbox, "owner@traxtar.example", gmailI, amazonWarning, true, "dkim=pass"},
		{"trusted carrier mail", mailbox, "owner@traxtar.example", pass, uspsDelivered, true, ""},

		{"no setting trusts nobody", Trust{}, "owner@traxtar.example", pass, amazonWarning, false, "neither TRUSTED_FORWARDERS nor an IMAP_USERNAME"},
		{"IMAP_USERNAME without a domain", Trust{Mailbox: "seller"}, "owner@traxtar.example", pass, amazonWarning, false, "neither TRUSTED_FORWARDERS"},
		{"stranger with passing results", mailbox, "mallory@stranger.example", "mx; dkim=pass header.d=stranger.example; dmarc=pass header.from=stranger.example", amazonWarning, false, "mallory@stranger.example is neither"},
		{"stranger's forged carrier mail", mailbox, "mallory@stranger.example", "mx; dkim=pass header.d=stranger.example", uspsDelivered, false, "neither"},
		{"look-alike subdomain is not the domain", mailbox, "owner@traxtar.example.stranger.example", "mx; dkim=pass header.d=traxtar.example.stranger.example", amazonWarning, false, "neither"},
		{"seller's address forged: dkim=fail", mailbox, "owner@traxtar.example", "mx; dkim=fail header.d=traxtar.example; spf=pass smtp.mailfrom=traxtar.example", amazonWarning, false, "report a failure"},
		{"seller's address forged: spf=fail beside dkim=pass", mailbox, "owner@traxtar.example", "mx; dkim=pass header.d=traxtar.example; spf=fail smtp.mailfrom=traxtar.example", uspsDelivered, false, "report a failure"},
		{"no Authentication-Results", mailbox, "owner@traxtar.example", "", amazonWarning, false, "no Authentication-Results"},
		{"dkim=pass for another domain", mailbox, "owner@traxtar.example", "mx; dkim=pass header.d=mailer.example; spf=pass smtp.mailfrom=mailer.example", amazonWarning, false, "no dkim=pass for traxtar.example"},
		{"dmarc=pass for another From", mailbox, "owner@traxtar.example", "mx; dmarc=pass header.from=stranger.example", amazonWarning, false, "no dkim=pass"},
		{"only spf=pass", mailbox, "owner@traxtar.example", "mx; spf=pass smtp.mailfrom=traxtar.example", amazonWarning, false, "no dkim=pass"},
		{"public mail domain: the mailbox address itself", Trust{Mailbox: "seller@gmail.com"}, "seller@gmail.com", "mx.google.com; dkim=pass header.i=@gmail.com; dmarc=pass header.from=gmail.com", amazonWarning, true, "mailbox's own address"},
		{"public mail domain: anyone else on it", Trust{Mailbox: "seller@gmail.com"}, "mallory@gmail.com", "mx.google.com; dkim=pass header.i=@gmail.com; dmarc=pass header.from=gmail.com", amazonWarning, false, "neither"},
	}
	for _, tt := range tests {
		for _, inline := range []bool{false, true} {
			shape := "attached"
			if inline {
				shape = "inline"
			}
			t.Run(tt.name+"/"+shape, func(t *testing.T) {
				n := Options{Trust: tt.trust}.ParseBytes(forwardMail(tt.from, tt.authRes, tt.notice, inline))
				wantKind := vtr.KindPerformanceWarning
				if tt.notice == uspsDelivered {
					wantKind = vtr.KindCarrierUpdate
				}
				if n.Kind != wantKind || n.ForwardedBy != strings.ToLower(tt.from) {
					t.Fatalf("kind %s forwarded_by %q: not read as a forward of a %s", n.Kind, n.ForwardedBy, wantKind)
				}
				if n.ForwardTrusted != tt.trusted || !strings.Contains(n.ForwardWhy, tt.why) {
					t.Errorf("forward_trusted = %v (%s), want %v (%q)", n.ForwardTrusted, n.ForwardWhy, tt.trusted, tt.why)
				}
				// The notices inside pass on their own: only the forward decides.
				if n.Authentic != tt.trusted {
					t.Errorf("authentic = %v, want %v (%s)", n.Authentic, tt.trusted, n.AuthSummary)
				}
				wantID := "<fwd-own-id@forwarder.example>"
				if tt.trusted {
					wantID = realID
				}
				if n.MessageID != wantID {
					t.Errorf("message_id = %s, want %s", n.MessageID, wantID)
				}
				if !tt.trusted && !strings.Contains(n.AuthSummary, "forward NOT trusted: "+n.ForwardWhy) {
					t.Errorf("auth = %q: does not say why the forward is not believed", n.AuthSummary)
				}
				b, _ := json.Marshal(n)
				var j map[string]any
				json.Unmarshal(b, &j)
				if j["forward_trusted"] != tt.trusted || j["forward_why"] != n.ForwardWhy {
					t.Errorf("JSON forward_trusted = %v, forward_why = %v", j["forward_trusted"], j["forward_why"])
				}
			})
		}
	}
}

// A trusted forward is judged as the notice: an attached notice that fails
// its own checks stays unauthentic.
func TestParse_trustedForwardOfAFailingNotice(t *testing.T) {
	bad := strings.Replace(amazonWarning, "dkim=pass header.d=amazon.com", "dkim=fail header.d=amazon.com", 1)
	n := Options{Trust: Trust{Mailbox: "seller@traxtar.example"}}.ParseBytes(
		forwardMail("owner@traxtar.example", "mx; dkim=pass header.d=traxtar.example", bad, false))
	if !n.ForwardTrusted || n.Authentic {
		t.Errorf("forward_trusted %v authentic %v, want true false (%s)", n.ForwardTrusted, n.Authentic, n.AuthSummary)
	}
}

// Every forward on the way must be trusted: the seller forwarding what a
// stranger forwarded proves nothing about the notice.
func TestParse_forwardOfAStrangersForward(t *testing.T) {
	trust := Options{Trust: Trust{Mailbox: "seller@traxtar.example"}}
	ownPass := "mx; dkim=pass header.d=traxtar.example"
	tests := []struct {
		name    string
		middle  []byte
		trusted bool
	}{
		{"stranger in the middle", forwardMail("mallory@stranger.example", "mx; dkim=pass header.d=stranger.example", amazonWarning, false), false},
		{"seller's colleague in the middle", forwardMail("ops@traxtar.example", "mx; dkim=pass header.d=traxtar.example", amazonWarning, false), true},
		{"colleague in the middle with a failure", forwardMail("ops@traxtar.example", "mx; dkim=fail header.d=traxtar.example", amazonWarning, false), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outer := forwardMail("owner@traxtar.example", ownPass, string(tt.middle), false)
			n := trust.ParseBytes(outer)
			if n.ForwardedBy != "owner@traxtar.example" || n.From != "seller-performance@amazon.com" {
				t.Fatalf("forwarded_by %q from %q: the chain was not followed", n.ForwardedBy, n.From)
			}
			if n.ForwardTrusted != tt.trusted || n.Authentic != tt.trusted {
				t.Errorf("forward_trusted %v authentic %v, want %v (%s)", n.ForwardTrusted, n.Authentic, tt.trusted, n.AuthSummary)
			}
			if !tt.trusted && n.MessageID == realID {
				t.Errorf("an untrusted chain took the notice's Message-ID")
			}
		})
	}
}
