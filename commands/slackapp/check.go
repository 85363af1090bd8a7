package slackapp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"
)

// Scopes are the bot token scopes vtrbot uses, as slack-manifest.yml asks
// for them (a test keeps the two equal); docs/slack.md says why each.
func Scopes() []string {
	return []string{"commands", "chat:write", "files:write", "app_mentions:read", "channels:history", "groups:history"}
}

// Identity is what Slack says about the bot token (auth.test).
type Identity struct {
	Team, User, BotID string
	// Scopes are the token's scopes from the X-OAuth-Scopes header; nil
	// when Slack did not send it.
	Scopes []string
}

// Missing returns the scopes vtrbot uses that the token lacks, in the
// manifest's order (nil when Slack did not report scopes).
func (id Identity) Missing() []string {
	if id.Scopes == nil {
		return nil
	}
	var miss []string
	for _, s := range Scopes() {
		if !slices.Contains(id.Scopes, s) {
			miss = append(miss, s)
		}
	}
	return miss
}

// AuthTest asks Slack who the bot token belongs to and what it may do
// (bot doctor). A refused token is an error whose text is Slack's code,
// such as "invalid_auth".
func (a *App) AuthTest(ctx context.Context) (Identity, error) {
	r, err := a.api.AuthTestContext(ctx)
	a.count("auth.test", err)
	if err != nil {
		return Identity{}, err
	}
	id := Identity{Team: r.Team, User: r.User, BotID: r.BotID}
	if h, ok := r.Header["X-Oauth-Scopes"]; ok {
		id.Scopes = []string{}
		for _, s := range strings.Split(strings.Join(h, ","), ",") {
			if s = strings.TrimSpace(s); s != "" {
				id.Scopes = append(id.Scopes, s)
			}
		}
	}
	return id, nil
}

// CheckChannel reads one message of channel's history, which is what the
// bot needs there besides posting (finding a post whose answer was lost),
// and works with the manifest's scopes (conversations.info would need
// channels:read). A wrong ID is "channel_not_found"; a channel the bot was
// not invited to, "not_in_channel".
func (a *App) CheckChannel(ctx context.Context, channel string) error {
	_, err := a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: channel, Limit: 1})
	a.count("conversations.history", err)
	if err != nil {
		return fmt.Errorf("%s: %w", channel, err)
	}
	return nil
}

// ErrorCode is the error code Slack answered with ("channel_not_found",
// "not_in_channel", "invalid_auth", ...), or "" when err is no Slack
// answer (a network error, a timeout), so callers outside this package
// need not import slack-go.
func ErrorCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}
