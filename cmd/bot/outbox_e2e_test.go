package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
)

// slackGate stands between the bots and the fake Slack. Each bot reaches
// it under its own path prefix (/NAME/api/), so the gate knows who posted
// what. The first two chat.postMessage calls are held until both have
// arrived (or 20 s have passed): two senders are then sure to be posting
// at the same time, whatever the machine's load.
type slackGate struct {
	srv  *httptest.Server
	open chan struct{}

	mu      sync.Mutex
	arrived int
	met     bool
	posts   map[string]int // chat.postMessage calls forwarded, by bot
}

func newSlackGate(t *testing.T, fake *slackfake.Server) *slackGate {
	t.Helper()
	g := &slackGate{open: make(chan struct{}), posts: map[string]int{}}
	fakeBase := strings.TrimSuffix(fake.URL(), "/api/")
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		name, path, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if strings.HasSuffix(path, "/chat.postMessage") {
			g.hold()
			g.mu.Lock()
			g.posts[name]++
			g.mu.Unlock()
		}
		out, _ := http.NewRequestWithContext(context.WithoutCancel(r.Context()), r.Method, fakeBase+"/"+path, bytes.NewReader(body))
		out.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		maps.Copy(w.Header(), resp.Header)
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

// hold makes the first two posts wait for each other.
func (g *slackGate) hold() {
	g.mu.Lock()
	g.arrived++
	if g.arrived == 2 {
		g.met = true
		close(g.open)
	}
	first := g.arrived <= 2
	g.mu.Unlock()
	if first {
		select {
		case <-g.open:
		case <-time.After(20 * time.Second):
		}
	}
}

// url is the Slack API base for the bot called name.
func (g *slackGate) url(name string) string { return g.srv.URL + "/" + name + "/api/" }

func (g *slackGate) report() (met bool, posts map[string]int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.met, maps.Clone(g.posts)
}

// postKeys counts Slack's accepted posts by the outbox key in their
// metadata.
func postKeys(t *testing.T, fake *slackfake.Server) map[string]int {
	t.Helper()
	keys := map[string]int{}
	for _, p := range fake.Posts() {
		var md struct {
			Payload struct {
				Key string `json:"key"`
			} `json:"event_payload"`
		}
		if err := json.Unmarshal([]byte(p.Form.Get("metadata")), &md); err != nil || md.Payload.Key == "" {
			t.Errorf("post %s carries no outbox key: %q", p.TS, p.Form.Get("metadata"))
			continue
		}
		keys[md.Payload.Key]++
	}
	return keys
}

func waitExit(t *testing.T, name string, cmd *exec.Cmd, out *syncBuffer, timeout time.Duration) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s: %v\n%s", name, err, tail(out.String(), 30))
		}
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not exit within %v\n%s", name, timeout, tail(out.String(), 30))
	}
}

// TestRun_twoSendersPostEachEntryOnce is issue 13's outbox test: two real
// processes send the same outbox at the same time, against the Slack
// stand-in, on SQLite and PostgreSQL, and every entry is posted exactly
// once. The senders are two overlapping `bot run --once` (cron), or `bot
// import mail --post` beside a running `bot run`.
func TestRun_twoSendersPostEachEntryOnce(t *testing.T) {
	tests := []struct {
		name string
		// start starts both senders and waits until they are done.
		start func(t *testing.T, db string, g *slackGate, fake *slackfake.Server, s *store.Store) (want int)
	}{
		{"two bot run --once", func(t *testing.T, db string, g *slackGate, fake *slackfake.Server, s *store.Store) int {
			const n = 40
			for i := range n {
				r, _ := json.Marshal(commands.Reply{Text: fmt.Sprintf("entry %d", i)})
				id := fmt.Sprintf("<entry-%02d@test>", i)
				if err := s.Enqueue(t.Context(), store.OutboxEntry{ID: "triage:" + id, NoticeID: id, Kind: store.OutboxTriage,
					Channel: "C123", Payload: string(r)}); err != nil {
					t.Fatal(err)
				}
			}
			a, aout := startBotProcess(t, botVars(db, nil, fake, "SLACK_API_URL", g.url("a")), "run", "--once")
			b, bout := startBotProcess(t, botVars(db, nil, fake, "SLACK_API_URL", g.url("b")), "run", "--once")
			waitExit(t, "bot run --once (a)", a, aout, 2*time.Minute)
			waitExit(t, "bot run --once (b)", b, bout, 2*time.Minute)
			return n
		}},
		{"bot import mail --post beside bot run", func(t *testing.T, db string, g *slackGate, fake *slackfake.Server, s *store.Store) int {
			const n = 20
			dir := t.TempDir()
			files := []string{"import", "mail", "--post"}
			for i := 1; i <= n; i++ {
				f := filepath.Join(dir, fmt.Sprintf("warning-%02d.eml", i))
				if err := os.WriteFile(f, warningMail(i), 0o644); err != nil {
					t.Fatal(err)
				}
				files = append(files, f)
			}
			a, aout := startBotProcess(t, botVars(db, nil, fake, "SLACK_API_URL", g.url("a")), "run")
			b, bout := startBotProcess(t, botVars(db, nil, fake, "SLACK_API_URL", g.url("b")), files...)
			waitExit(t, "bot import mail --post (b)", b, bout, 2*time.Minute)
			waitSent(t, s, n, time.Minute)
			time.Sleep(3 * time.Second) // a sender round or two more: nothing more may come
			if err := a.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			waitExit(t, "bot run (a)", a, aout, time.Minute)
			return n
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, kind := range []string{"sqlite", "postgres"} {
				t.Run(kind, func(t *testing.T) {
					db := storetest.URL(t, kind)
					s := openTestStore(t, db)
					fake := newFakeSlack(t)
					g := newSlackGate(t, fake)
					want := tt.start(t, db, g, fake, s)

					keys := postKeys(t, fake)
					if len(fake.Posts()) != want || len(keys) != want {
						t.Errorf("Slack holds %d posts of %d entries, want %d of %d", len(fake.Posts()), len(keys), want, want)
					}
					for k, c := range keys {
						if c != 1 {
							t.Errorf("%s posted %d times", k, c)
						}
					}
					entries, err := s.OutboxEntries(t.Context())
					if err != nil {
						t.Fatal(err)
					}
					for _, e := range entries {
						if e.State != "sent" || e.SlackTS == "" || keys[e.ID] != 1 {
							t.Errorf("outbox %s: %s, ts %q, posted %d times; want sent once with its ts", e.ID, e.State, e.SlackTS, keys[e.ID])
						}
					}
					met, posts := g.report()
					if !met || posts["a"] == 0 || posts["b"] == 0 {
						t.Errorf("the senders did not overlap (posts by bot: %v): the test proved nothing", posts)
					}
					t.Logf("posts by bot: %v", posts)
				})
			}
		})
	}
}
