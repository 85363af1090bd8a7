package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/imapwatch/memserver"
)

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// bot run with METRICS_ADDR (no Slack HTTP mode) and LOG_FORMAT=json: the
// metrics cover the whole bot, /readyz follows the mailbox and Socket Mode
// connections, and every log line is a JSON object.
func TestRun_observability(t *testing.T) {
	mem, err := memserver.StartWith(memserver.Options{Username: "seller@traxtar.example", Password: "app-password"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mem.Close() })
	srv := &mailServer{addr: mem.Addr(), user: "seller@traxtar.example", pass: "app-password"}
	deliver := func(raw []byte) {
		if _, err := mem.Deliver("INBOX", raw); err != nil {
			t.Fatal(err)
		}
	}
	fake := newFakeSlack(t)
	db := filepath.Join(t.TempDir(), "vtrbot.db")
	importTraxtar(t, db)
	s := openTestStore(t, db)
	addr := freeAddr(t)
	vars := botVars(db, srv, fake, "METRICS_ADDR", addr, "LOG_FORMAT", "json", "SLACK_APP_TOKEN", "xapp-test")
	b := startBot(t, vars)
	base := "http://" + addr

	ready := func(code int, body string) func() bool {
		return func() bool { c, got := httpGet(t, base+"/readyz"); return c == code && got == body }
	}
	eventually(t, 30*time.Second, func() string { c, body := httpGet(t, base+"/readyz"); return fmt.Sprintf("/readyz = %d %q", c, body) },
		ready(200, "mailbox: ready\nslack: ready\nok\n"))
	// Ready comes before the first IDLE; imapmemserver drops a wake-up
	// that arrives in between (idleAgain).
	time.Sleep(300 * time.Millisecond)

	deliver([]byte("From: Friend <friend@example.com>\r\nSubject: lunch?\r\nMessage-ID: <lunch@example.com>\r\n\r\nTomorrow?\r\n"))
	// As idleAgain does: imapmemserver drops a wake-up that arrives between
	// a search and the next IDLE.
	waitLog(t, b, 1, 30*time.Second, `"msg":"handled"`, `"uid":1,`)
	time.Sleep(200 * time.Millisecond)
	deliver(readNotice(t, "vtr-below-95-us.eml"))
	waitPosts(t, fake, 1, 30*time.Second)
	waitSent(t, s, 1, 10*time.Second)

	_, metrics := httpGet(t, base+"/metrics")
	for _, want := range []string{
		`vtrbot_mail_received_total{result="stored"} 1`,
		`vtrbot_mail_received_total{result="ignored"} 1`,
		`vtrbot_notices{kind="performance_warning",state="done"} 1`,
		`vtrbot_outbox_pending 0`,
		`vtrbot_outbox_oldest_pending_seconds 0`,
		`vtrbot_slack_posts_total{result="ok"} 1`,
		`vtrbot_slack_api_calls_total{method="chat.postMessage",result="ok"} 1`,
		`vtrbot_imap_sessions_total 1`,
		`vtrbot_mailbox_connected 1`,
		`vtrbot_slack_socket_connects_total 1`,
		`vtrbot_sync_pages_total 0`,
		`vtrbot_sync_throttled_total 0`,
		`vtrbot_lease_holder_changes_total 0`,
		`vtrbot_metrics_collect_errors_total 0`,
		"# TYPE vtrbot_build_info gauge",
	} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if c, body := httpGet(t, base+"/healthz"); c != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", c, body)
	}

	// The mailbox goes away: not ready; it comes back: ready again.
	if err := mem.Stop(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() string { c, body := httpGet(t, base+"/readyz"); return fmt.Sprintf("/readyz = %d %q", c, body) },
		ready(503, "mailbox: not ready\nslack: ready\n"))
	if _, metrics = httpGet(t, base+"/metrics"); !strings.Contains(metrics, "vtrbot_mailbox_connected 0\n") {
		t.Errorf("/metrics lacks vtrbot_mailbox_connected 0 while the mailbox is down")
	}
	if err := mem.Restart(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() string { c, body := httpGet(t, base+"/readyz"); return fmt.Sprintf("/readyz = %d %q", c, body) },
		ready(200, "mailbox: ready\nslack: ready\nok\n"))
	if _, metrics = httpGet(t, base+"/metrics"); !strings.Contains(metrics, "vtrbot_imap_sessions_total 2\n") {
		t.Errorf("/metrics after a reconnect lacks vtrbot_imap_sessions_total 2")
	}

	if code := b.stop(t); code != exitOK {
		t.Errorf("bot run exit %d", code)
	}
	sc := bufio.NewScanner(strings.NewReader(b.out.String()))
	lines := 0
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec["msg"] == nil || rec["level"] == nil {
			t.Errorf("LOG_FORMAT=json wrote a line that is not a JSON log record: %q", sc.Text())
			break
		}
		lines++
	}
	if lines < 5 {
		t.Errorf("%d log lines, want the bot's log", lines)
	}
}
