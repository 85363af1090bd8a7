package slackfake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func post(t *testing.T, s *Server, method string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(s.URL()+method, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestServer_chat(t *testing.T) {
	s := New()
	defer s.Close()
	if !strings.HasSuffix(s.URL(), "/") {
		t.Errorf("URL %q does not end in /", s.URL())
	}
	tests := []struct {
		name   string
		method string
		form   url.Values
		want   string // error code, "" for ok
	}{
		{"ok", "chat.postMessage", url.Values{"token": {"xoxb-1"}, "channel": {"C1"}, "text": {"hi"}}, ""},
		{"no token", "chat.postMessage", url.Values{"channel": {"C1"}, "text": {"hi"}}, "not_authed"},
		{"no channel", "chat.postMessage", url.Values{"token": {"xoxb-1"}, "text": {"hi"}}, "channel_not_found"},
		{"no text", "chat.postMessage", url.Values{"token": {"xoxb-1"}, "channel": {"C1"}}, "no_text"},
		{"bad blocks", "chat.postMessage", url.Values{"token": {"xoxb-1"}, "channel": {"C1"}, "text": {"x"},
			"blocks": {`[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]`}}, "invalid_blocks"},
		{"update unknown", "chat.update", url.Values{"token": {"xoxb-1"}, "channel": {"C1"}, "ts": {"9.9"}, "text": {"x"}}, "message_not_found"},
		{"unknown method", "chat.meMessage", url.Values{"token": {"xoxb-1"}}, "unknown_method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, s, tt.method, tt.form)
			if status != 200 {
				t.Fatalf("status %d", status)
			}
			got, _ := body["error"].(string)
			if got != tt.want || (tt.want == "") != (body["ok"] == true) {
				t.Errorf("answer %v, want error %q", body, tt.want)
			}
		})
	}
	if n := len(s.Posts()); n != 1 {
		t.Errorf("%d posts recorded, want only the accepted one", n)
	}
	if p := s.Posts()[0]; p.Form.Get("token") != "" {
		t.Error("recorded form keeps the token")
	}
}

func TestServer_fail(t *testing.T) {
	s := New()
	defer s.Close()
	ok := url.Values{"token": {"xoxb-1"}, "channel": {"C1"}, "text": {"hi"}}

	s.FailNext(2, 429, 3*time.Second)
	resp, err := http.PostForm(s.URL()+"chat.postMessage", ok)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" {
		t.Errorf("got %d Retry-After %q, want 429 and 3", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if status, _ := post(t, s, "chat.postMessage", ok); status != 429 {
		t.Errorf("second call: %d, want 429", status)
	}
	if status, _ := post(t, s, "chat.postMessage", ok); status != 200 {
		t.Errorf("third call: %d, want 200", status)
	}

	s.Fail(Failure{Status: 500, For: 200 * time.Millisecond, Methods: []string{"chat.update"}})
	if status, _ := post(t, s, "chat.postMessage", ok); status != 200 {
		t.Errorf("other method failed: %d", status)
	}
	up := url.Values{"token": {"xoxb-1"}, "channel": {"C1"}, "ts": {s.Posts()[0].TS}, "text": {"x"}}
	if status, _ := post(t, s, "chat.update", up); status != 500 {
		t.Errorf("during the failure: %d, want 500", status)
	}
	time.Sleep(250 * time.Millisecond)
	if status, _ := post(t, s, "chat.update", up); status != 200 {
		t.Errorf("after the failure: %d, want 200", status)
	}
	if n := len(s.Calls()); n != 6 {
		t.Errorf("%d calls recorded, want 6", n)
	}
}

func TestValidateBlocks(t *testing.T) {
	long := strings.Repeat("x", 3001)
	tests := []struct {
		name, blocks string
		ok           bool
	}{
		{"empty", ``, true},
		{"section", `[{"type":"section","text":{"type":"mrkdwn","text":"hi"}}]`, true},
		{"context", `[{"type":"context","elements":[{"type":"mrkdwn","text":"hi"}]}]`, true},
		{"button", `[{"type":"actions","elements":[{"type":"button","action_id":"a","text":{"type":"plain_text","text":"A"}}]}]`, true},
		{"section too long", `[{"type":"section","text":{"type":"mrkdwn","text":"` + long + `"}}]`, false},
		{"empty section", `[{"type":"section"}]`, false},
		{"header mrkdwn", `[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]`, false},
		{"repeated block_id", `[{"type":"divider","block_id":"a"},{"type":"divider","block_id":"a"}]`, false},
		{"repeated action_id", `[{"type":"actions","elements":[` +
			`{"type":"button","action_id":"a","text":{"type":"plain_text","text":"A"}},` +
			`{"type":"button","action_id":"a","text":{"type":"plain_text","text":"B"}}]}]`, false},
		{"51 blocks", "[" + strings.Repeat(`{"type":"divider"},`, 50) + `{"type":"divider"}]`, false},
		{"not JSON", `[{`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateBlocks(json.RawMessage(tt.blocks))
			if (err == nil) != tt.ok {
				t.Errorf("ValidateBlocks = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestSign(t *testing.T) {
	// The example from Slack's "Verifying requests from Slack".
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	got := Sign("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, []byte(body))
	if want := "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestServer_PostedTS(t *testing.T) {
	s := New()
	defer s.Close()
	s.PostedTS("C1", "1.5")
	if status, body := post(t, s, "chat.update", url.Values{"token": {"xoxb-1"}, "channel": {"C1"}, "ts": {"1.5"}, "text": {"x"}}); status != 200 || body["ok"] != true {
		t.Errorf("update of a seeded message: %d %v", status, body)
	}
	if n := len(s.Posts()); n != 0 {
		t.Errorf("seeding recorded %d posts", n)
	}
}
