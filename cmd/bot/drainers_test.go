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
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
)

// crashGate stands between the drainers and the fake Slack, each drainer
// under its own path prefix (/NAME/api/). The crashAt-th post of the
// first drainer to make that many (the victim: drainers start seconds
// apart on a loaded machine, so whichever came first) reaches Slack, and
// its answer never comes back: the gate reports it on crashed, and the
// test kills the victim, which dies between Slack's answer and the store's
// update.
type crashGate struct {
	srv     *httptest.Server
	crashed chan lostPost

	mu     sync.Mutex
	posts  map[string]int // chat.postMessage calls by drainer
	victim string
}

// lostPost is the post whose answer was lost: the drainer that made it and
// its outbox key.
type lostPost struct{ drainer, key string }

func newCrashGate(t *testing.T, fake *slackfake.Server, crashAt int) *crashGate {
	t.Helper()
	g := &crashGate{crashed: make(chan lostPost, 1), posts: map[string]int{}}
	fakeBase := strings.TrimSuffix(fake.URL(), "/api/")
	hang := make(chan struct{})
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		name, path, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		crash := false
		if strings.HasSuffix(path, "/chat.postMessage") {
			g.mu.Lock()
			g.posts[name]++
			if g.victim == "" && g.posts[name] == crashAt {
				g.victim, crash = name, true
			}
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
		if crash {
			form, _ := url.ParseQuery(string(body))
			var md struct {
				Payload struct {
					Key string `json:"key"`
				} `json:"event_payload"`
			}
			json.Unmarshal([]byte(form.Get("metadata")), &md)
			g.crashed <- lostPost{drainer: name, key: md.Payload.Key}
			select { // Slack has the post; its answer never leaves
			case <-hang:
			case <-r.Context().Done():
			}
			return
		}
		maps.Copy(w.Header(), resp.Header)
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(func() { close(hang); g.srv.Close() })
	return g
}

func (g *crashGate) url(name string) string { return g.srv.URL + "/" + name + "/api/" }

func (g *crashGate) report() map[string]int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return maps.Clone(g.posts)
}

// Test 5 of issue 15: four drainers (bot run processes on one PostgreSQL
// outbox), 1,000 queued posts: 1,000 distinct posts, each once. One
// drainer is killed between Slack accepting a post and the store
// recording it; the entry is resolved by the lost-answer look-up (found
// in the channel), not by posting it again.
func TestRun_fourDrainers(t *testing.T) {
	const n = 1000
	db := storetest.URL(t, "postgres")
	s := openTestStore(t, db)
	fake := newFakeSlack(t)
	ctx := t.Context()
	for i := range n {
		r, _ := json.Marshal(commands.Reply{Text: fmt.Sprintf("entry %d", i)})
		id := fmt.Sprintf("<entry-%04d@test>", i)
		if err := s.Enqueue(ctx, store.OutboxEntry{ID: "triage:" + id, NoticeID: id, Kind: store.OutboxTriage,
			Channel: "C123", Payload: string(r)}); err != nil {
			t.Fatal(err)
		}
	}
	g := newCrashGate(t, fake, 20)
	type drainer struct {
		cmd *exec.Cmd
		out *syncBuffer
	}
	procs := map[string]*drainer{}
	for _, name := range []string{"d1", "d2", "d3", "d4"} {
		cmd, out := startBotProcess(t, botVars(db, nil, fake, "SLACK_API_URL", g.url(name)))
		procs[name] = &drainer{cmd: cmd, out: out}
	}
	var crash lostPost
	select {
	case crash = <-g.crashed:
	case <-time.After(time.Minute):
		t.Fatal("no drainer made 20 posts within a minute")
	}
	lost := crash.key
	if err := procs[crash.drainer].cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	procs[crash.drainer].cmd.Wait()
	var others []string
	for _, name := range []string{"d1", "d2", "d3", "d4"} {
		if name != crash.drainer {
			others = append(others, name)
		}
	}
	waitSent(t, s, n, 55*time.Second)

	keys := postKeys(t, fake)
	if len(fake.Posts()) != n || len(keys) != n {
		t.Errorf("Slack holds %d posts of %d entries, want %d of %d", len(fake.Posts()), len(keys), n, n)
	}
	for k, c := range keys {
		if c != 1 {
			t.Errorf("%s posted %d times", k, c)
		}
	}
	entries, err := s.OutboxEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.State != "sent" || e.SlackTS == "" {
			t.Errorf("outbox %s: %s, ts %q; want sent with its ts", e.ID, e.State, e.SlackTS)
		}
		if e.ID == lost && e.Attempts != 1 {
			t.Errorf("the entry whose answer was lost (%s): %d attempts, want 1 (found by the look-up, not posted again)", e.ID, e.Attempts)
		}
	}
	found := false
	for _, name := range others {
		found = found || strings.Contains(procs[name].out.String(), "an earlier attempt had reached slack")
	}
	if !found {
		t.Errorf("no drainer found the post whose answer was lost (%s)", lost)
	}
	posts := g.report()
	t.Logf("posts by drainer: %v (%s killed)", posts, crash.drainer)
	sharing := 0
	for _, name := range others {
		if posts[name] > 0 {
			sharing++
		}
	}
	// A drainer that starts late on a loaded machine may find the work
	// done; at least two must have shared it.
	if sharing < 2 {
		t.Errorf("the drainers did not share the work: %v", posts)
	}
}
