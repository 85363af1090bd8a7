package slackapp

import (
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"

	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
)

// Scopes is what bot doctor compares the token with: it must be the
// manifest's list.
func TestScopes_manifest(t *testing.T) {
	b, err := os.ReadFile("../../slack-manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
	}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if got := Scopes(); !slices.Equal(got, m.OAuth.Scopes.Bot) {
		t.Errorf("Scopes() = %q, slack-manifest.yml asks for %q", got, m.OAuth.Scopes.Bot)
	}
}

func TestApp_AuthTestAndCheckChannel(t *testing.T) {
	h := newHarness(t, nil)
	h.fake.SetWorkspace(slackfake.Workspace{
		BotTokens: []string{"xoxb-test"},
		Scopes:    []string{"commands", "chat:write", "app_mentions:read", "channels:history", "groups:history"},
		Channels:  map[string]slackfake.Channel{testChannel: {Name: "triage", Member: true}, "COUT": {Name: "general"}},
	})
	id, err := h.app.AuthTest(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if id.User != "vtrbot" || !slices.Equal(id.Missing(), []string{"files:write"}) {
		t.Errorf("AuthTest = %+v, missing %q; want user vtrbot missing files:write", id, id.Missing())
	}
	for _, tt := range []struct{ channel, code string }{{testChannel, ""}, {"COUT", "not_in_channel"}, {"CNOPE", "channel_not_found"}} {
		err := h.app.CheckChannel(t.Context(), tt.channel)
		var se slack.SlackErrorResponse
		if (err == nil) != (tt.code == "") || (err != nil && (!errors.As(err, &se) || se.Err != tt.code)) {
			t.Errorf("CheckChannel(%s) = %v, want error code %q", tt.channel, err, tt.code)
		}
	}

	bad := newHarness(t, func(c *Config) { c.BotToken = "xoxb-revoked" })
	bad.fake.SetWorkspace(slackfake.Workspace{BotTokens: []string{"xoxb-test"}})
	if _, err := bad.app.AuthTest(t.Context()); err == nil || err.Error() != "invalid_auth" {
		t.Errorf("AuthTest with a wrong token = %v, want invalid_auth", err)
	}
}
