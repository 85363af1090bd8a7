package commands_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/sample"
)

func TestPipeline_story(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := seeded(t, s)
		p := &commands.Pipeline{Cmds: c, Channel: "C1"}
		story := sample.Story{Today: vtr.MustDate("2024-07-01"), Verify: "9400111899400435497211"}
		mails := sample.StoryMails(story)
		for _, m := range mails {
			if _, _, err := p.Receive(ctx, store.Mail{Raw: m.Raw, Source: "test"}); err != nil {
				t.Fatal(err)
			}
		}
		// Everything again: nothing changes.
		for _, m := range mails {
			if _, created, err := p.Receive(ctx, store.Mail{Raw: m.Raw, Source: "test"}); err != nil || created {
				t.Fatalf("second receive: created=%v err=%v", created, err)
			}
		}
		out, err := s.OutboxEntries(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []store.OutboxKind
		for _, e := range out {
			kinds = append(kinds, e.Kind)
		}
		// The warning at top level; Support's reply and the USPS mail in its
		// thread; the newsletter nowhere.
		if len(out) != 3 || out[0].Kind != store.OutboxTriage || out[1].Kind != store.OutboxThread || out[2].Kind != store.OutboxThread {
			t.Fatalf("outbox kinds = %v, want triage, thread, thread", kinds)
		}
		if out[1].ThreadOf != out[0].ID || out[2].ThreadOf != out[0].ID {
			t.Errorf("thread replies point at %q and %q, want %q", out[1].ThreadOf, out[2].ThreadOf, out[0].ID)
		}

		// The sender posts the parent first, then the replies in its thread;
		// a failing Slack leaves everything queued, and nothing posts twice.
		var posts []string
		fail := true
		snd := commands.NewSender(&commands.Sender{Store: s, Backoff: func(int) time.Duration { return 0 }, Post: func(_ context.Context, ch, thread string, r commands.Reply) (string, error) {
			if fail {
				return "", errors.New("slack is down")
			}
			posts = append(posts, thread+"|"+r.Text)
			return "1700000000.00000" + string(rune('1'+len(posts))), nil
		}})
		if n, _ := snd.SendDue(ctx); n != 0 {
			t.Fatalf("sent %d while Slack fails", n)
		}
		fail = false
		// The retries are due on the database's clock at the next whole
		// second (no backoff here): the sender posts them then.
		sent := 0
		for deadline := time.Now().Add(5 * time.Second); sent < 3 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			n, err := snd.SendDue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sent += n
		}
		if sent != 3 {
			t.Fatalf("sent %d once Slack is back, want 3", sent)
		}
		if posts[0][0] != '|' || posts[1][0] == '|' {
			t.Errorf("posting order/threads wrong: %q", posts)
		}
		if n, _ := snd.SendDue(ctx); n != 0 {
			t.Errorf("a second pass posted %d again", n)
		}
	})
}

func TestPipeline_spoofAndOtherAreNotPosted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := seeded(t, s)
		p := &commands.Pipeline{Cmds: c, Channel: "C1"}
		spoof := "From: \"Amazon Seller Performance\" <alerts@amaz0n-seller.example>\r\nSubject: Your Valid Tracking Rate is Below 95%\r\n" +
			"Date: Mon, 01 Jul 2024 09:00:00 +0000\r\nMessage-ID: <spoof-1@example>\r\n\r\nYour Valid Tracking Rate for merchant-fulfilled orders in select categories is below the 95% requirement.\r\n"
		garbage := "\x00\x01\x02 amazon \xff\xfe not a mail"
		for _, raw := range []string{spoof, garbage} {
			if _, _, err := p.Receive(ctx, store.Mail{Raw: []byte(raw)}); err != nil {
				t.Fatal(err)
			}
		}
		out, _ := s.OutboxEntries(ctx)
		if len(out) != 0 {
			t.Errorf("queued %d posts for a spoof and garbage, want 0", len(out))
		}
		all, _ := s.Counts(ctx)
		if all["notices"] != 2 {
			t.Errorf("stored %d mails, want both kept", all["notices"])
		}
	})
}

// TestPipeline_storeErrorIsNoTopLevelPost: when the store fails to say
// whether a reply's case has a post (here: the outbox cannot be read, yet
// can still be written), the reply is not posted at top level as if its
// case had none; the step fails, and once the store reads again the reply
// goes in its case's thread (docs/architecture.md, "A mail's way").
func TestPipeline_storeErrorIsNoTopLevelPost(t *testing.T) {
	ctx := context.Background()
	path := storetest.URL(t, "sqlite")
	s, err := store.Open(ctx, path, store.Options{Rules: vtr.DefaultRules("US")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	alter := func(from, to string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, "ALTER TABLE outbox RENAME COLUMN "+from+" TO "+to); err != nil {
			t.Fatal(err)
		}
	}
	p := &commands.Pipeline{Cmds: seeded(t, s), Channel: "C1"}
	mails := sample.StoryMails(sample.Story{Today: vtr.MustDate("2024-07-01"), Verify: "9400111899400435497211"})
	warning, reply := mails[0].Raw, mails[1].Raw
	root, _, err := p.Receive(ctx, store.Mail{Raw: warning, Source: "test"})
	if err != nil {
		t.Fatal(err)
	}

	alter("claim_until", "claim_until_hidden") // reads of outbox entries fail; queuing works
	id, _, err := p.Receive(ctx, store.Mail{Raw: reply, Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	alter("claim_until_hidden", "claim_until")
	sn, err := s.StoredNotice(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if sn.State != store.NoticeReconciled || sn.Attempts != 1 || sn.LastError == "" {
		t.Errorf("reply after the store error: state %s, %d attempts, last error %q; want reconciled, 1 attempt, the error",
			sn.State, sn.Attempts, sn.LastError)
	}
	out, err := s.OutboxEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].NoticeID != root {
		t.Fatalf("outbox after the store error = %v, want only the warning's post", entries(out))
	}

	if err := p.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	out, err = s.OutboxEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[1].NoticeID != id || out[1].Kind != store.OutboxThread || out[1].ThreadOf != out[0].ID {
		t.Fatalf("outbox after the retry = %v, want the warning's post and the reply in its thread", entries(out))
	}
}

// entries lists outbox entries by kind, ID and parent, without payloads.
func entries(out []store.OutboxEntry) []string {
	var l []string
	for _, e := range out {
		l = append(l, string(e.Kind)+" "+e.ID+" in "+e.ThreadOf)
	}
	return l
}

func TestRelevant(t *testing.T) {
	tests := []struct {
		raw  string
		want bool
	}{
		{"From: a@amazon.com\r\n\r\nhi", true},
		{"From: auto-reply@usps.com\r\nSubject: Delivered\r\n\r\nhi", true},
		{"From: friend@example.com\r\nSubject: lunch\r\n\r\nsee you", false},
		{"From: me@example.com\r\nSubject: Fwd: notice\r\n\r\n---------- Forwarded message ---------\r\nFrom: seller-performance@amazon.com", true},
	}
	for _, tt := range tests {
		if got := commands.Relevant([]byte(tt.raw)); got != tt.want {
			t.Errorf("Relevant(%q) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}
