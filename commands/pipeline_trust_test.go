package commands_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/notice"
	"github.com/vtrbot/vtrbot/vtr/sample"
)

// setHeader returns raw with the header name set to value: the first such
// line replaced, or a new line at the end of the header block.
func setHeader(raw []byte, name, value string) []byte {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	lines := strings.Split(string(raw[:end]), "\r\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.ToLower(l), strings.ToLower(name)+":") {
			lines[i] = name + ": " + value
			return append([]byte(strings.Join(lines, "\r\n")), raw[end:]...)
		}
	}
	return append([]byte(string(raw[:end])+"\r\n"+name+": "+value), raw[end:]...)
}

// unrelatedMail is the i-th of a run of Amazon mails that belong to no VTR
// case: newsletters, and every tenth a late shipment warning (a case of
// its own, about another metric).
func unrelatedMail(i int, date time.Time) []byte {
	if i%10 == 9 {
		return []byte(strings.ReplaceAll(fmt.Sprintf(`Authentication-Results: mx.demo.example; dkim=pass header.d=amazon.com; spf=pass smtp.mailfrom=amazon.com; dmarc=pass header.from=amazon.com
From: "Amazon Seller Performance" <seller-performance@amazon.com>
Subject: Action required: your late shipment rate
Date: %s
Message-ID: <lsr-%03d@amazon.com>
To: orders@demo-seller.example
Content-Type: text/plain; charset=UTF-8

Hello,

Recently, there have been some problems with your orders. Your late shipment rate is higher than the goal of less than 4%%.

Seller Performance Team
`, date.Format(time.RFC1123Z), i), "\n", "\r\n"))
	}
	return []byte(strings.ReplaceAll(fmt.Sprintf(`Authentication-Results: mx.demo.example; dkim=pass header.d=amazon.com; spf=pass smtp.mailfrom=amazon.com
From: "Amazon Selling Partner News" <news@amazon.com>
Subject: Selling Partner News no. %d
Date: %s
Message-ID: <news-%03d@amazon.com>
To: orders@demo-seller.example
Content-Type: text/plain; charset=UTF-8

Tips for the season, issue %d.
`, i, date.Format(time.RFC1123Z), i, i), "\n", "\r\n"))
}

func receive(t *testing.T, p *commands.Pipeline, raw []byte) string {
	t.Helper()
	id, _, err := p.Receive(context.Background(), store.Mail{Raw: raw, Source: "test"})
	if err != nil || id == "" {
		t.Fatalf("receive: id %q, %v", id, err)
	}
	return id
}

// checkThreaded checks that the notice id is done, in the case opened by
// root, and queued as a reply in the thread of root's triage post.
func checkThreaded(t *testing.T, s *store.Store, id, root string) {
	t.Helper()
	ctx := context.Background()
	sn, err := s.StoredNotice(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if sn.State != store.NoticeDone || sn.CaseKey != root {
		t.Fatalf("notice %s: state %q, case %q; want done, in the case of %s", id, sn.State, sn.CaseKey, root)
	}
	e, err := s.OutboxEntry(ctx, "thread:"+id)
	if err != nil {
		t.Fatalf("no thread reply queued for %s: %v", id, err)
	}
	if e.ThreadOf != "triage:"+root {
		t.Errorf("thread reply of %s is in the thread of %q, want triage:%s", id, e.ThreadOf, root)
	}
}

// A Support reply with no link but its metric joins the latest warning
// about that metric, however many other mails came in between (case
// linking once looked at the last 100 stored notices only).
func TestPipeline_linksReplyPast500UnrelatedMails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := seeded(t, s)
		p := &commands.Pipeline{Cmds: c, Channel: "C1"}
		mails := sample.StoryMails(sample.Story{Today: vtr.MustDate("2024-07-01"), Verify: "9400111899400435497211"})
		warning, reply := mails[0].Raw, mails[1].Raw
		if n := notice.ParseBytes(reply); n.Kind != vtr.KindSupportReply || n.Metric != vtr.MetricVTR || n.InReplyTo != "" || len(n.References) > 0 {
			t.Fatalf("the story's reply: kind %s, metric %s, links %q %q; want an unlinked Support reply about VTR", n.Kind, n.Metric, n.InReplyTo, n.References)
		}

		wid := receive(t, p, warning)
		first := time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC) // after the warning (09:12), before the reply (16:40)
		for i := range 500 {
			receive(t, p, unrelatedMail(i, first.Add(time.Duration(i)*30*time.Second)))
		}
		rid := receive(t, p, reply)
		checkThreaded(t, s, rid, wid)
	})
}

// A reply whose References list 70,000 Message-IDs (more than either
// database takes as parameters of one statement, and still less than the
// 1 MB header the parser reads) is linked by them like any other: to the
// referenced warning, not to the latest one.
func TestPipeline_replyWith70000References(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := seeded(t, s)
		p := &commands.Pipeline{Cmds: c, Channel: "C1"}
		mails := sample.StoryMails(sample.Story{Today: vtr.MustDate("2024-07-01"), Verify: "9400111899400435497211"})
		w1 := receive(t, p, mails[0].Raw)
		later := setHeader(setHeader(mails[0].Raw, "Message-ID", "<demo-vtr-warning-later@amazon.com>"),
			"Date", "Mon, 01 Jul 2024 10:12:00 +0000")
		receive(t, p, later) // the latest VTR warning: where an unlinked reply would go

		var refs strings.Builder
		for i := range 70000 {
			id := fmt.Sprintf("<r%05d@x>", i)
			if i == 50000 {
				id = w1
			}
			refs.WriteString("\r\n " + id)
		}
		reply := setHeader(mails[1].Raw, "References", strings.TrimPrefix(refs.String(), "\r\n "))
		if n := notice.ParseBytes(reply); len(n.References) != 70000 || n.Error != "" {
			t.Fatalf("the reply reads as %d References (%q), want 70000", len(n.References), n.Error)
		}
		rid := receive(t, p, reply)
		checkThreaded(t, s, rid, w1)
	})
}

// logBuffer collects a logger's lines for a test.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) lines(words ...string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range strings.Split(l.b.String(), "\n") {
		all := line != ""
		for _, w := range words {
			all = all && strings.Contains(line, w)
		}
		if all {
			n++
		}
	}
	return n
}

// A mail whose pipeline keeps failing is tried a bounded number of times,
// then marked failed: logged, listed by /vtr notices, never tried again. It
// holds up no other mail, even with more such mails than Drain reads at
// once.
func TestPipeline_givesUpOnAMailThatCannotBeFinished(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var logs logBuffer
		c := seeded(t, s)
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
		// The parser reads a "poisoned" mail as a notice the store cannot
		// record (a NaN target has no JSON): the parse step fails every time.
		parses := map[string]int{}
		p := &commands.Pipeline{Cmds: c, Channel: "C1", Parse: func(raw []byte) *vtr.Notice {
			n := notice.ParseBytes(raw)
			if bytes.Contains(raw, []byte("POISON")) {
				parses[n.MessageID]++
				nan := math.NaN()
				n.Target = &nan
			}
			return n
		}}
		const poisoned = 120 // more than one page of Drain
		base := time.Now().UTC().Truncate(time.Second)
		s.Now = func() time.Time { return base }
		for i := range poisoned {
			raw := setHeader(unrelatedMail(i*10, base), "Message-ID", fmt.Sprintf("<poison-%03d@amazon.com>", i))
			raw = append(raw, "POISON body text, never to be logged\r\n"...)
			if _, _, err := s.SaveMail(ctx, store.Mail{MessageID: commands.MessageID(raw), Raw: raw, Source: "test"}); err != nil {
				t.Fatal(err)
			}
		}
		s.Now = func() time.Time { return base.Add(time.Minute) } // stored after every poisoned mail
		mails := sample.StoryMails(sample.Story{Today: vtr.MustDate("2024-07-01"), Verify: "9400111899400435497211"})
		good, _, err := s.SaveMail(ctx, store.Mail{MessageID: commands.MessageID(mails[0].Raw), Raw: mails[0].Raw, Source: "test"})
		if err != nil {
			t.Fatal(err)
		}

		if err := p.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		sn, err := s.StoredNotice(ctx, good)
		if err != nil {
			t.Fatal(err)
		}
		if sn.State != store.NoticeDone {
			t.Fatalf("after one Drain the good mail is %s; want done (not held up by %d failing mails)", sn.State, poisoned)
		}
		for range 10 {
			if err := p.Drain(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for i := range poisoned {
			id := fmt.Sprintf("<poison-%03d@amazon.com>", i)
			if parses[id] != commands.MaxNoticeAttempts {
				t.Fatalf("%s parsed %d times in 11 Drains, want %d", id, parses[id], commands.MaxNoticeAttempts)
			}
			sn, err := s.StoredNotice(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if sn.State != store.NoticeFailed || sn.Attempts != commands.MaxNoticeAttempts || !strings.Contains(sn.LastError, "NaN") {
				t.Fatalf("%s: state %q, %d attempts, last error %q; want failed after %d, with the error", id, sn.State, sn.Attempts, sn.LastError, commands.MaxNoticeAttempts)
			}
		}
		if n := logs.lines("level=ERROR", "gave up", "notice_id=<poison-", "attempts=5", "NaN"); n != poisoned {
			t.Errorf("%d log lines tell that a mail was given up, want %d:\n%s", n, poisoned, logs.b.String())
		}
		if n := logs.lines("will retry", "attempt="); n != poisoned*(commands.MaxNoticeAttempts-1) {
			t.Errorf("%d log lines tell of a retry, want %d", n, poisoned*(commands.MaxNoticeAttempts-1))
		}
		if n := logs.lines("POISON body"); n != 0 {
			t.Errorf("a mail's body reached the log")
		}

		out := commands.Render(c.Dispatch(ctx, commands.Request{User: "U1", Text: "notices"}))
		for _, want := range []string{
			fmt.Sprintf("%d mails could not be finished", poisoned),
			"<poison-000@amazon.com>", "after 5 attempts", "NaN",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("/vtr notices lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "could not be read") {
			t.Errorf("/vtr notices calls a mail it gave up on unreadable:\n%s", out)
		}
	})
}
