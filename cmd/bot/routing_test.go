package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
)

// With accounts, /vtr acts on the account whose triage channel it is typed
// in; elsewhere it needs --account NAME, and without it the answer names
// the accounts; each account's allowed users apply to it. bot run on
// SQLite, Slack over signed HTTP.
func TestRun_slackRoutesByAccount(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vtrbot.db")
	openTestStore(t, db)
	if code, _, errb := runBot(t, db, nil, "account", "add", "brand_a", "--marketplaces", "US", "--slack-channel", "C_BRAND_A",
		"--slack-allowed-users", "U_A"); code != 0 {
		t.Fatal(errb)
	}
	dir := sharedPath(t, "testdata/traxtar")
	for _, what := range []string{"orders", "categories", "shipments"} {
		if code, _, errb := runBot(t, db, nil, "import", what, "--account", "brand_a", filepath.Join(dir, what+".tsv")); code != 0 {
			t.Fatalf("import %s --account brand_a: %s", what, errb)
		}
	}
	code, out, errb := runBot(t, db, nil, "vtr", "status", "--account", "brand_a", "--from", "2019-10-15", "--to", "2019-11-14", "--json")
	if code != 0 {
		t.Fatal(errb)
	}
	var st struct{ Overall struct{ Valid, Eligible int } }
	json.Unmarshal([]byte(out), &st)
	brandA := fmt.Sprintf("%d of %d eligible", st.Overall.Valid, st.Overall.Eligible)

	const secret = "test-signing-secret"
	fake := newFakeSlack(t)
	addr := freeAddr(t)
	startBot(t, botVars(db, nil, fake, "SLACK_CHANNEL", "C_DEFAULT", "SLACK_SIGNING_SECRET", secret, "HTTP_ADDR", addr,
		"VTRBOT_LEASE", "3s", "VTRBOT_LEASE_RENEW", "500ms"))
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
	send := func(t *testing.T, user, channel, text string) string {
		t.Helper()
		trigger++
		body := slackfake.SlashCommand{Text: text, UserID: user, ChannelID: channel, TriggerID: fmt.Sprintf("trigger-%d", trigger),
			ResponseURL: fake.ResponseURL()}.Form()
		req, err := slackfake.NewSignedRequest(t.Context(), base+"/slack/commands", secret, time.Now(), slackfake.FormContent, body)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var answer struct {
			Text   string          `json:"text"`
			Blocks json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal(b, &answer); err != nil {
			t.Fatalf("answer is not JSON: %v\n%s", err, b)
		}
		return joinTexts(slackfake.Message{Text: answer.Text, Blocks: answer.Blocks})
	}
	const window = "status 2019-10-15..2019-11-14"
	tests := []struct {
		name, user, channel, text string
		want, not                 string
	}{
		{"the account's channel", "U_A", "C_BRAND_A", window, brandA, ""},
		{"--account elsewhere", "U_A", "C_OTHER", "--account brand_a " + window, brandA, ""},
		{"no account elsewhere", "U_A", "C_OTHER", window, "add --account NAME (brand_a, default)", brandA},
		{"unknown account", "U_A", "C_OTHER", "--account nope " + window, `No account "nope"`, brandA},
		{"not allowed for the account", "U_B", "C_BRAND_A", window, "not enabled for you", brandA},
		{"default's channel", "U_B", "C_DEFAULT", window, "", brandA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := send(t, tt.user, tt.channel, tt.text)
			if tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("answer lacks %q:\n%s", tt.want, got)
			}
			if tt.not != "" && strings.Contains(got, tt.not) {
				t.Errorf("answer shows %q (brand_a's numbers):\n%s", tt.not, got)
			}
		})
	}
}
