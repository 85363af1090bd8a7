package slackapp

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
)

// runSocket starts RunSocketMode and waits for the fake to see the client;
// the returned stop ends it and checks it returned nil.
func runSocket(t *testing.T, h *harness) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- h.app.RunSocketMode(ctx) }()
	if err := h.fake.WaitConnected(10 * time.Second); err != nil {
		cancel()
		t.Fatalf("socket mode client did not connect: %v", err)
	}
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("RunSocketMode = %v, want nil after ctx ends", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("RunSocketMode did not return after ctx ended")
		}
	}
	t.Cleanup(stop)
	return stop
}

type ackMessage struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
	Blocks       []any  `json:"blocks"`
}

func TestRunSocketMode_slashCommand(t *testing.T) {
	tests := []struct {
		name, text string
		wantAck    string // text of the ack payload
		wantType   string
		wantLater  string // text posted to response_url afterwards, if any
	}{
		{"fast", "status", "you said: status", "in_channel", ""},
		{"ephemeral", "private", "just for you", "ephemeral", ""},
		{"slow", "slow", workingText, "ephemeral", "slow answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			runSocket(t, h)
			env, err := h.fake.SendSlashCommand(slackfake.SlashCommand{Text: tt.text, UserID: "U1", ChannelID: "C1",
				TriggerID: h.id("t"), ResponseURL: h.fake.ResponseURL()})
			if err != nil {
				t.Fatal(err)
			}
			ack, err := h.fake.WaitForAck(env, 3*time.Second) // Slack's limit
			if err != nil {
				t.Fatal(err)
			}
			var got ackMessage
			if err := json.Unmarshal(ack.Payload, &got); err != nil {
				t.Fatalf("ack payload %s: %v", ack.Payload, err)
			}
			if got.Text != tt.wantAck || got.ResponseType != tt.wantType || len(got.Blocks) == 0 {
				t.Errorf("ack = %+v, want %s %q with blocks", got, tt.wantType, tt.wantAck)
			}
			if tt.wantLater != "" {
				resps, err := h.fake.WaitForResponses(1, 5*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				if resps[0].Text != tt.wantLater {
					t.Errorf("response_url got %q, want %q", resps[0].Text, tt.wantLater)
				}
			}
		})
	}
}

func TestRunSocketMode_interaction(t *testing.T) {
	h := newHarness(t, nil)
	runSocket(t, h)
	ts, err := h.app.Post(t.Context(), "", "", commands.Reply{Text: "notice"})
	if err != nil {
		t.Fatal(err)
	}
	h.result = commands.ActionResult{Update: &commands.Reply{Text: "handled by <@U1>"}}
	env, err := h.fake.SendBlockAction(slackfake.BlockAction{UserID: "U1", ChannelID: testChannel, MessageTS: ts,
		ActionID: "mark_handled", Value: "n1", ResponseURL: h.fake.ResponseURL(), TriggerID: h.id("c")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.WaitForAck(env, 3*time.Second); err != nil {
		t.Fatal(err)
	}
	ups, err := h.fake.WaitForUpdates(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if ups[0].TS != ts || ups[0].Text != "handled by <@U1>" {
		t.Errorf("update = %+v", ups[0])
	}
}

func TestRunSocketMode_appMention(t *testing.T) {
	h := newHarness(t, nil)
	stop := runSocket(t, h)
	m := slackfake.AppMention{EventID: "EvS1", UserID: "U1", ChannelID: "C1", Text: "<@U0BOT> help", TS: "1700000000.000400"}
	for retry := range 2 { // the second delivery is Slack's retry of the same event
		env, err := h.fake.SendAppMention(m, retry)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.fake.WaitForAck(env, 3*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	posts, err := h.fake.WaitForPosts(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if posts[0].ThreadTS != m.TS || posts[0].Text != "you said: help" {
		t.Errorf("post = %+v", posts[0])
	}
	stop() // waits for background work
	if n := len(h.fake.Posts()); n != 1 {
		t.Errorf("%d posts for one event delivered twice, want 1", n)
	}
}

func TestRunSocketMode_badToken(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.AppToken = "not-an-app-token" })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := h.app.RunSocketMode(ctx); err == nil || ctx.Err() != nil {
		t.Errorf("RunSocketMode with a refused token = %v, want an error before the timeout", err)
	}
}
