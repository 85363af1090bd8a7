package commands_test

import (
	"os"
	"strings"
	"testing"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/notice"
)

// The fixtures' seller: forwards from traxtar.example are its own.
var sellerTrust = notice.Options{Trust: notice.Trust{Mailbox: "orders@traxtar.example"}}

func parseFixture(t *testing.T, name string) *vtr.Notice {
	t.Helper()
	raw, err := os.ReadFile("../vtr/notice/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return sellerTrust.ParseBytes(raw)
}

// TestTriageReply_forwards: the triage of a forward says who forwarded it;
// an untrusted one is not presented as Amazon's word, says why it is not
// believed, and offers none of a real warning's buttons.
func TestTriageReply_forwards(t *testing.T) {
	tests := []struct {
		file     string
		trusted  bool
		want     []string
		dontWant []string
	}{
		{"forward-rfc822.eml", true,
			[]string{"⚠️ Amazon warning", "What Amazon says:", "forwarded by owner@traxtar.example (trusted: owner@traxtar.example is on the mailbox's domain", "[Draft reply]", "[Mark handled]"},
			[]string{"not believed", "whose forward vtrbot does not believe"}},
		{"forward-stranger-inline.eml", false,
			[]string{"🚩 Untrusted forward", "Forwarded by helper@stranger.example, not believed: helper@stranger.example is neither in TRUSTED_FORWARDERS",
				"What the mail claims (not verified):", "Forwarded by helper@stranger.example, whose forward vtrbot does not believe",
				"add that address to TRUSTED_FORWARDERS"},
			[]string{"What Amazon says", "[Draft reply]", "[Mark handled]", "[Show untracked packages]"}},
		{"forward-forged-owner-rfc822.eml", false,
			[]string{"🚩 Untrusted forward", "Forwarded by owner@traxtar.example, not believed: the forwarding mail's Authentication-Results report a failure"},
			[]string{"What Amazon says", "[Draft reply]", "⚠️ Amazon warning"}},
		{"forward-stranger-usps-inline.eml", false,
			[]string{"🚩 Untrusted forward", "Forwarded by desk@stranger.example, not believed:", "its scans are no evidence"},
			[]string{"📦 Carrier update", "[Draft reply]"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			n := parseFixture(t, tt.file)
			if n.ForwardTrusted != tt.trusted {
				t.Fatalf("forward_trusted = %v, want %v (%s)", n.ForwardTrusted, tt.trusted, n.ForwardWhy)
			}
			e := vtr.Reconcile(vtr.ReconcileInput{Notice: n, Window: vtr.NoticeWindow(n, vtr.MustDate("2024-04-05")), Market: "US", HasData: true})
			got := commands.Render(commands.TriageReply(e, "N1", nil))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("triage lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.dontWant {
				if strings.Contains(got, w) {
					t.Errorf("triage has %q:\n%s", w, got)
				}
			}
		})
	}
}

// A forward stored before forwards were judged (its JSON has no
// forward_trusted) keeps the authenticity it was stored with.
func TestTriageReply_forwardStoredBeforeTrust(t *testing.T) {
	var n vtr.Notice
	legacy := `{"message_id":"<m@amazon.com>","from":"seller-performance@amazon.com","subject":"VTR","authentic":true,
		"kind":"performance_warning","metric":"valid_tracking_rate","forwarded_by":"owner@traxtar.example"}`
	if err := n.UnmarshalJSON([]byte(legacy)); err != nil {
		t.Fatal(err)
	}
	e := vtr.Reconcile(vtr.ReconcileInput{Notice: &n, Window: vtr.NoticeWindow(&n, vtr.MustDate("2024-04-05")), Market: "US", HasData: true})
	got := commands.Render(commands.TriageReply(e, "N1", nil))
	for _, w := range []string{"⚠️ Amazon warning", "What Amazon says:", "· forwarded by owner@traxtar.example", "[Draft reply]"} {
		if !strings.Contains(got, w) {
			t.Errorf("triage lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "not believed") || strings.Contains(got, "Untrusted") {
		t.Errorf("a forward stored before the rule is shown as untrusted:\n%s", got)
	}
}
