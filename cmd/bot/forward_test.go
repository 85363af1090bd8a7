package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/store"
)

// Issue 13, forwarded mail: a forward is believed only from the seller's
// own forwarders (TRUSTED_FORWARDERS, IMAP_USERNAME's domain) when the
// forwarding mail proves its sender, through bot parse, bot import mail and
// the watcher. The fixtures are in vtr/notice/testdata (forward-*.eml).

// realID is the Message-ID of the seed's VTR warning
// (vtr-below-95-us.eml of the reference fixtures), which the forwards below
// carry inside them.
const realID = "<0100016e6e3c2a1f-seller-perf-vtr-20191115@email.amazonses.com>"

// envWith returns an Env for run with exactly vars as its environment, a
// .env file holding dotenv (if not empty) and captured output.
func envWith(t *testing.T, dotenv string, vars ...string) (*Env, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errb bytes.Buffer
	m := map[string]string{}
	for i := 0; i+1 < len(vars); i += 2 {
		m[vars[i]] = vars[i+1]
	}
	dir := t.TempDir()
	if dotenv != "" {
		if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(dotenv), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return &Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) (string, bool) { v, ok := m[k]; return v, ok },
		Now:    func() time.Time { return time.Date(2019, 12, 4, 12, 0, 0, 0, time.UTC) },
		Dir:    dir,
	}, &out, &errb
}

func TestParse_forwardTrust(t *testing.T) {
	own := []string{"IMAP_USERNAME", "orders@traxtar.example"}
	tests := []struct {
		name      string
		file      string
		vars      []string
		dotenv    string
		kind      string
		authentic bool
		messageID string
	}{
		{"attached, no setting", "forward-rfc822.eml", nil, "", "performance_warning", false, "<fwd-1@traxtar.example>"},
		{"attached, mailbox's domain", "forward-rfc822.eml", own, "", "performance_warning", true, realID},
		{"attached, listed address", "forward-rfc822.eml", []string{"TRUSTED_FORWARDERS", "Owner@Traxtar.Example"}, "", "performance_warning", true, realID},
		{"attached, listed in .env", "forward-rfc822.eml", nil, "TRUSTED_FORWARDERS=@traxtar.example\n", "performance_warning", true, realID},
		{"attached, someone else listed", "forward-rfc822.eml", []string{"TRUSTED_FORWARDERS", "ops@elsewhere.example", "IMAP_USERNAME", "seller"}, "", "performance_warning", false, "<fwd-1@traxtar.example>"},
		{"attached, the seller's address forged", "forward-forged-owner-rfc822.eml", own, "", "performance_warning", false, "<forged-owner-1@mailer.stranger.example>"},
		{"inline, listed domain", "forward-gmail-inline.eml", []string{"TRUSTED_FORWARDERS", "@traxtar.example"}, "", "performance_warning", true, "<CAFwd-gmail-1@mail.gmail.com>"},
		{"inline, stranger's own domain", "forward-stranger-inline.eml", own, "", "performance_warning", false, "<stranger-inline-1@stranger.example>"},
		{"attached carrier mail, trusted", "forward-usps-rfc822.eml", own, "", "carrier_update", true, "<20191028232205.owner.9400111899223408617511@usps.com>"},
		{"attached carrier mail, forged", "forward-forged-owner-usps-rfc822.eml", own, "", "carrier_update", false, "<forged-owner-usps-1@mailer.stranger.example>"},
		{"inline carrier mail, trusted", "forward-usps-inline.eml", own, "", "carrier_update", true, "<owner-usps-inline-1@traxtar.example>"},
		{"inline carrier mail, stranger", "forward-stranger-usps-inline.eml", own, "", "carrier_update", false, "<stranger-usps-1@stranger.example>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, out, errb := envWith(t, tt.dotenv, tt.vars...)
			if code := run(t.Context(), []string{"parse", filepath.Join(noticeTestdata, tt.file)}, env); code != exitOK {
				t.Fatalf("exit %d: %s", code, errb)
			}
			objs := parseLines(t, out.String())
			if len(objs) != 1 {
				t.Fatalf("%d objects, want 1: %s", len(objs), out)
			}
			o := objs[0]
			if o["kind"] != tt.kind || o["authentic"] != tt.authentic || o["message_id"] != tt.messageID {
				t.Errorf("kind %v authentic %v message_id %v; want %s %v %s\n%s", o["kind"], o["authentic"], o["message_id"],
					tt.kind, tt.authentic, tt.messageID, out)
			}
			if o["forwarded_by"] == nil || o["forward_trusted"] != tt.authentic || o["forward_why"] == nil {
				t.Errorf("forwarded_by %v forward_trusted %v forward_why %v: who forwarded it and why it is (not) believed",
					o["forwarded_by"], o["forward_trusted"], o["forward_why"])
			}
		})
	}
}

func TestParse_badTrustedForwarders(t *testing.T) {
	env, out, errb := envWith(t, "", "TRUSTED_FORWARDERS", "owner@traxtar.example, owner")
	code := run(t.Context(), []string{"parse", filepath.Join(noticeTestdata, "forward-rfc822.eml")}, env)
	if code != exitConfig || out.Len() != 0 {
		t.Errorf("exit %d with output %q, want %d and nothing parsed", code, out, exitConfig)
	}
	if want := "TRUSTED_FORWARDERS: \"owner\" is not an address or @domain\n"; errb.String() != want {
		t.Errorf("stderr = %q, want %q", errb, want)
	}
	// Settings bot parse does not use are not its business.
	env, _, errb = envWith(t, "", "IMAP_TLS", "bogus", "SLACK_BOT_TOKEN", "nope")
	if code := run(t.Context(), []string{"parse", filepath.Join(noticeTestdata, "forward-rfc822.eml")}, env); code != exitOK {
		t.Errorf("exit %d (%s): bot parse refused over a setting it does not use", code, errb)
	}
	// bot run names the variable too.
	env, _, errb = envWith(t, "", "DATABASE_URL", filepath.Join(t.TempDir(), "v.db"), "TRUSTED_FORWARDERS", "a@b@c.example")
	if code := run(t.Context(), []string{"run", "--once"}, env); code != exitConfig || !strings.HasPrefix(errb.String(), "TRUSTED_FORWARDERS: ") {
		t.Errorf("bot run: exit %d, stderr %q", code, errb)
	}
}

// verified is the traxtar seed's count of VERIFIED packages in the window
// of its VTR warning.
func verified(t *testing.T, db string) float64 {
	t.Helper()
	var st map[string]any
	if err := json.Unmarshal([]byte(runOK(t, db, "vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14", "--json")), &st); err != nil {
		t.Fatal(err)
	}
	return st["overall"].(map[string]any)["verified"].(float64)
}

// importMailFiles runs bot import mail with vars and fails unless it exits 0.
func importMailFiles(t *testing.T, db string, files []string, vars ...string) string {
	t.Helper()
	env, out, errb := envWith(t, "", append([]string{"DATABASE_URL", db}, vars...)...)
	if code := run(context.Background(), append([]string{"import", "mail"}, files...), env); code != 0 {
		t.Fatalf("import mail: exit %d: %s", code, errb)
	}
	return out.String()
}

// TestImportMail_forwardedCarrierMail: a forged forward of a USPS
// "Delivered" (attached or inline) is stored but never evidence; the
// seller's own forward of the same mail is, in either shape.
func TestImportMail_forwardedCarrierMail(t *testing.T) {
	own := []string{"IMAP_USERNAME", "orders@traxtar.example"}
	// Case names are distinct and plain: a "#" that go test adds to a
	// repeated name would end up in the database path.
	tests := []struct {
		name, file string
		vars       []string
		events     int // carrier events recorded
	}{
		{"attached forged", "forward-forged-owner-usps-rfc822.eml", own, 0},
		{"inline stranger", "forward-stranger-usps-inline.eml", own, 0},
		{"inline own without a setting", "forward-usps-inline.eml", nil, 0}, // no forward is believed, the seller's own neither
		{"attached own", "forward-usps-rfc822.eml", own, 3},
		{"inline own listed", "forward-usps-inline.eml", []string{"TRUSTED_FORWARDERS", "owner@traxtar.example"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "v.db")
			importTraxtar(t, db)
			before := verified(t, db)
			if before != 78 {
				t.Fatalf("the seed has %v verified packages, want 78", before)
			}
			if out := importMailFiles(t, db, []string{filepath.Join(noticeTestdata, tt.file)}, tt.vars...); !strings.Contains(out, "1 new") {
				t.Errorf("the forward was not stored:\n%s", out)
			}
			want := before
			if tt.events > 0 {
				want++ // 9400111899223408617511 has no scan in the seed
			}
			if got := verified(t, db); got != want {
				t.Errorf("verified %v -> %v, want %v", before, got, want)
			}
			if c := counts(t, db); c["carrier_events"] != tt.events {
				t.Errorf("%d carrier events recorded, want %d", c["carrier_events"], tt.events)
			}
		})
	}
}

// TestImportMail_strangersForwardKeepsItsOwnID: a stranger's forward of a
// warning, imported and posted first, never occupies the real notice's
// Message-ID: the real notice is stored and posted when it arrives, once,
// even when the seller also forwards it.
func TestImportMail_strangersForwardKeepsItsOwnID(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	importTraxtar(t, db)
	fake := newFakeSlack(t)
	vars := []string{"IMAP_USERNAME", "orders@traxtar.example", "SLACK_BOT_TOKEN", "xoxb-test", "SLACK_CHANNEL", "C123", "SLACK_API_URL", fake.URL()}
	files := []string{
		filepath.Join(noticeTestdata, "forward-forged-owner-rfc822.eml"),
		filepath.Join(sharedPath(t, "testdata/notices"), "vtr-below-95-us.eml"),
		filepath.Join(noticeTestdata, "forward-rfc822.eml"),
	}
	env, out, errb := envWith(t, "", append([]string{"DATABASE_URL", db}, vars...)...)
	if code := run(context.Background(), append([]string{"import", "mail", "--post"}, files...), env); code != 0 {
		t.Fatalf("import mail --post: exit %d: %s", code, errb)
	}
	if strings.Count(out.String(), "1 new") != 3 {
		t.Errorf("want each mail stored:\n%s", out)
	}
	s := openTestStore(t, db)
	for id, want := range map[string]bool{"<forged-owner-1@mailer.stranger.example>": false, realID: true, "<fwd-1@traxtar.example>": true} {
		sn, err := s.StoredNotice(t.Context(), id)
		if err != nil {
			t.Fatalf("notice %s: %v", id, err)
		}
		if n := sn.Notice(); n == nil || n.Authentic != want {
			t.Errorf("notice %s: %+v, want authentic %v", id, n, want)
		}
	}
	posts := fake.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d posts, want the real notice's only", len(posts))
	}
	if text := joinTexts(posts[0]); !strings.Contains(text, "Amazon warning") || strings.Contains(text, "forwarded by") {
		t.Errorf("the post is not the real notice's:\n%s", text)
	}
	entries, err := s.OutboxEntries(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].ID != "triage:"+realID || entries[0].NoticeID != realID {
		t.Errorf("outbox %+v, want one entry triage:%s for the real notice", entries, realID)
	}
}

// TestRun_forwards: the watcher. Forged forwards in the mailbox are stored
// and never posted nor evidence; the real notice is posted once although
// the seller forwards it too; the seller's forward of a carrier mail is
// evidence. Trust comes from IMAP_USERNAME's domain on the in-memory
// server and from TRUSTED_FORWARDERS on Dovecot (whose login is no address).
func TestRun_forwards(t *testing.T) {
	eachMailServer(t, func(t *testing.T, srv *mailServer) {
		db := filepath.Join(t.TempDir(), "vtrbot.db")
		importTraxtar(t, db)
		s := openTestStore(t, db)
		fake := newFakeSlack(t)
		var extra []string
		if !strings.Contains(srv.user, "@traxtar.example") {
			extra = []string{"TRUSTED_FORWARDERS", "owner@traxtar.example"}
		}
		bot := startBot(t, botVars(db, srv, fake, extra...))
		idleAgain(t, bot, 0)
		deliver := func(raw []byte) {
			t.Helper()
			idleAgain(t, bot, int(srv.deliver(t, raw)))
		}
		fixture := func(name string) []byte {
			b, err := os.ReadFile(filepath.Join(noticeTestdata, name))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}

		deliver(fixture("forward-stranger-usps-inline.eml"))
		deliver(fixture("forward-forged-owner-usps-rfc822.eml"))
		deliver(fixture("forward-forged-owner-rfc822.eml"))
		deliver(fixture("forward-stranger-inline.eml"))
		waitCount(t, s, "notices", 4, 10*time.Second)
		if n := tableCount(t, s, "carrier_events"); n != 0 {
			t.Errorf("%d carrier events from forged forwards, want 0", n)
		}
		waitLog(t, bot, 4, 10*time.Second, "forwarded mail not believed")

		deliver(readNotice(t, "vtr-below-95-us.eml"))
		deliver(fixture("forward-rfc822.eml"))
		deliver(fixture("forward-usps-rfc822.eml"))
		waitCount(t, s, "notices", 7, 10*time.Second)
		waitSent(t, s, 1, 30*time.Second)
		time.Sleep(500 * time.Millisecond) // a sender round: nothing more may come
		entries := checkPostedOnce(t, s, fake, 1)
		if len(entries) == 1 && entries[0].ID != "triage:"+realID {
			t.Errorf("outbox entry %q, want triage:%s", entries[0].ID, realID)
		}
		if n := tableCount(t, s, "carrier_events"); n != 3 {
			t.Errorf("%d carrier events, want the 3 of the seller's own forward", n)
		}
		for _, id := range []string{"<stranger-usps-1@stranger.example>", "<forged-owner-usps-1@mailer.stranger.example>",
			"<forged-owner-1@mailer.stranger.example>", "<stranger-inline-1@stranger.example>"} {
			sn, err := s.StoredNotice(t.Context(), id)
			if err != nil {
				t.Fatalf("forged forward %s not stored under its own Message-ID: %v", id, err)
			}
			if n := sn.Notice(); sn.State != store.NoticeDone || n == nil || n.Authentic || n.ForwardTrusted {
				t.Errorf("forged forward %s: state %s, %+v", id, sn.State, n)
			}
		}
	})
}

// TestExplain_forwards: bot explain judges a forward with the same
// settings and says who forwarded it and why it is (not) believed.
func TestExplain_forwards(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	importTraxtar(t, db)
	tests := []struct {
		name, file string
		vars       []string
		want       []string
		dontWant   []string
	}{
		{"own forward", "forward-rfc822.eml", []string{"IMAP_USERNAME", "orders@traxtar.example"},
			[]string{"Amazon warning", "forwarded by owner@traxtar.example (trusted:", "[Draft reply]"}, []string{"Untrusted forward"}},
		{"no setting", "forward-rfc822.eml", nil,
			[]string{"Untrusted forward", "Forwarded by owner@traxtar.example, not believed: neither TRUSTED_FORWARDERS nor an IMAP_USERNAME address is set"},
			[]string{"What Amazon says", "[Draft reply]"}},
		{"stranger", "forward-stranger-inline.eml", []string{"TRUSTED_FORWARDERS", "@traxtar.example"},
			[]string{"Untrusted forward", "Forwarded by helper@stranger.example, not believed", "whose forward vtrbot does not believe"},
			[]string{"What Amazon says", "[Draft reply]", "Drafted reply to Seller Support"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, out, errb := envWith(t, "", append([]string{"DATABASE_URL", db}, tt.vars...)...)
			if code := run(t.Context(), []string{"explain", filepath.Join(noticeTestdata, tt.file)}, env); code != 0 {
				t.Fatalf("exit %d: %s", code, errb)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("bot explain lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.dontWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("bot explain has %q:\n%s", w, out)
				}
			}
		})
	}
}
