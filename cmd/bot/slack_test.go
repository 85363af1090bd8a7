package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
	"github.com/vtrbot/vtrbot/store/storetest"
)

// statusNumbers runs `bot vtr status --json` for the traxtar window and
// returns what a /vtr status reply must show: the overall rate and counts,
// and each category's rate and counts. Category names come back raw;
// Slack shows them escaped for mrkdwn (&amp;).
func statusNumbers(t *testing.T, db string) (overall []string, categories map[string]string) {
	t.Helper()
	out := runOK(t, db, "vtr", "status", "--from", "2019-10-15", "--to", "2019-11-14", "--json")
	type tally struct {
		Category                          string
		Eligible, Valid, Verified, Exempt int
		Rate                              *float64
	}
	var st struct {
		Overall    tally
		Categories []tally
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("bot vtr status --json: %v\n%s", err, out)
	}
	o := st.Overall
	if o.Eligible == 0 {
		t.Fatalf("bot vtr status: no eligible packages, the import failed?\n%s", out)
	}
	overall = []string{commands.Rate(o.Rate), fmt.Sprintf("%d of %d eligible", o.Valid, o.Eligible),
		fmt.Sprintf("%d verified", o.Verified), fmt.Sprintf("%d exempt", o.Exempt)}
	categories = map[string]string{}
	for _, c := range st.Categories {
		categories[c.Category] = fmt.Sprintf("%s · %d/%d valid", commands.Rate(c.Rate), c.Valid, c.Eligible)
	}
	return overall, categories
}

// checkStatusNumbers checks that text shows the numbers of bot vtr status.
func checkStatusNumbers(t *testing.T, text string, overall []string, categories map[string]string) {
	t.Helper()
	for _, want := range overall {
		if !strings.Contains(text, want) {
			t.Errorf("reply lacks %q (bot vtr status):\n%s", want, text)
		}
	}
	for cat, want := range categories {
		ok := false
		for _, line := range strings.Split(text, "\n") {
			if (strings.Contains(line, cat) || strings.Contains(line, commands.Escape(cat))) && strings.Contains(line, want) {
				ok = true
			}
		}
		// The Slack field puts the name and the numbers on two lines.
		if !ok && !strings.Contains(text, "*"+commands.Escape(cat)+"*\n"+want) {
			t.Errorf("reply lacks %s: %q (bot vtr status):\n%s", cat, want, text)
		}
	}
}

// TestRun_httpEndpoints drives the Slack HTTP endpoints of `bot run`
// (SLACK_SIGNING_SECRET + HTTP_ADDR) with signed, badly signed and stale
// requests, on SQLite and PostgreSQL.
func TestRun_httpEndpoints(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			db := storetest.URL(t, kind)
			importTraxtar(t, db)
			overall, categories := statusNumbers(t, db)

			const secret = "test-signing-secret"
			fake := newFakeSlack(t)
			addr := freeAddr(t)
			bot := startBot(t, botVars(db, nil, fake, "SLACK_SIGNING_SECRET", secret, "HTTP_ADDR", addr))
			base := "http://" + addr
			eventually(t, 30*time.Second, func() string { return "GET /healthz never answered 200" }, func() bool {
				resp, err := http.Get(base + "/healthz")
				if err != nil {
					return false
				}
				resp.Body.Close()
				return resp.StatusCode == http.StatusOK
			})

			trigger := 0
			send := func(t *testing.T, secret string, at time.Time, text string) (int, string) {
				t.Helper()
				trigger++
				body := slackfake.SlashCommand{Text: text, UserID: "U0TEST", ChannelID: "C0OTHER",
					TriggerID: fmt.Sprintf("trigger-%d", trigger), ResponseURL: fake.ResponseURL()}.Form()
				req, err := slackfake.NewSignedRequest(t.Context(), base+"/slack/commands", secret, at, slackfake.FormContent, body)
				if err != nil {
					t.Fatal(err)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}

			t.Run("signed status", func(t *testing.T) {
				code, body := send(t, secret, time.Now(), "status 2019-10-15..2019-11-14")
				if code != http.StatusOK {
					t.Fatalf("status %d, want 200: %s", code, body)
				}
				var msg slackfake.Message
				var answer struct {
					Text   string          `json:"text"`
					Blocks json.RawMessage `json:"blocks"`
				}
				if err := json.Unmarshal([]byte(body), &answer); err != nil {
					t.Fatalf("answer is not JSON: %v\n%s", err, body)
				}
				if err := slackfake.ValidateBlocks(answer.Blocks); err != nil {
					t.Errorf("answer blocks: %v", err)
				}
				msg.Text, msg.Blocks = answer.Text, answer.Blocks
				checkStatusNumbers(t, joinTexts(msg), overall, categories)
			})
			t.Run("wrong secret", func(t *testing.T) {
				if code, body := send(t, "not-the-secret", time.Now(), "status"); code != http.StatusUnauthorized {
					t.Errorf("status %d, want 401: %s", code, body)
				}
			})
			t.Run("six minutes old", func(t *testing.T) {
				if code, body := send(t, secret, time.Now().Add(-6*time.Minute), "status"); code != http.StatusUnauthorized {
					t.Errorf("status %d, want 401: %s", code, body)
				}
			})
			t.Run("healthz", func(t *testing.T) {
				resp, err := http.Get(base + "/healthz")
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("GET /healthz: %d, want 200", resp.StatusCode)
				}
			})
			// The refused requests did nothing: no answer went anywhere, and
			// the daemon posted nothing (no start-up chatter either).
			time.Sleep(200 * time.Millisecond)
			if r, p := fake.Responses(), fake.Posts(); len(r) != 0 || len(p) != 0 {
				t.Errorf("Slack got %d response_url posts and %d messages, want none", len(r), len(p))
			}
			if code := bot.stop(t); code != 0 {
				t.Errorf("bot run exited %d", code)
			}
		})
	}
}

// TestShell_statusMatchesVTRStatus: /vtr status in bot shell shows the
// numbers of bot vtr status.
func TestShell_statusMatchesVTRStatus(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			db := storetest.URL(t, kind)
			importTraxtar(t, db)
			overall, categories := statusNumbers(t, db)
			for _, line := range []string{"status 2019-10-15..2019-11-14", "/vtr status 2019-10-15..2019-11-14"} {
				env, out, errb := testEnv(t, db)
				env.Stdin = strings.NewReader(line + "\n")
				if code := run(t.Context(), []string{"shell"}, env); code != 0 {
					t.Fatalf("bot shell: exit %d: %s", code, errb)
				}
				checkStatusNumbers(t, out.String(), overall, categories)
			}
		})
	}
}
