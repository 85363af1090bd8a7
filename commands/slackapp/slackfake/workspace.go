package slackfake

import (
	"net/http"
	"slices"
	"strings"
)

// Workspace makes the fake answer like one particular installation of the
// app, for settings checks (bot doctor). The zero Workspace, the default,
// accepts any token, reports no scopes and has every channel.
type Workspace struct {
	// BotTokens are the only tokens bot-token methods accept; any other
	// gets invalid_auth. Empty: any token.
	BotTokens []string
	// Scopes are sent in the X-OAuth-Scopes header of every answer, as
	// Slack does. Nil: no header.
	Scopes []string
	// Channels are the channels that exist, by ID. chat.* and
	// conversations.* answer channel_not_found for any other, and
	// not_in_channel for one whose Member is false. Nil: every channel
	// exists and the bot is in it.
	Channels map[string]Channel
}

// Channel is one channel of a Workspace.
type Channel struct {
	Name   string
	Member bool // the bot was invited
}

// SetWorkspace replaces the workspace the fake answers as.
func (s *Server) SetWorkspace(w Workspace) {
	s.mu.Lock()
	s.ws = w
	s.mu.Unlock()
}

// workspaceError applies the workspace to one call: the scopes header, then
// the token and the channel. It returns the Slack error code to answer, or
// "" to carry on.
func (s *Server) workspaceError(w http.ResponseWriter, method, token, channel string) string {
	s.mu.Lock()
	ws := s.ws
	s.mu.Unlock()
	if ws.Scopes != nil {
		w.Header().Set("X-OAuth-Scopes", strings.Join(ws.Scopes, ","))
	}
	if method == "apps.connections.open" {
		return "" // the app-level token: checked on its own
	}
	if len(ws.BotTokens) > 0 && !slices.Contains(ws.BotTokens, token) {
		return "invalid_auth"
	}
	if ws.Channels == nil || channel == "" || !(strings.HasPrefix(method, "chat.") || strings.HasPrefix(method, "conversations.")) {
		return ""
	}
	c, ok := ws.Channels[channel]
	switch {
	case !ok:
		return "channel_not_found"
	case !c.Member:
		return "not_in_channel"
	}
	return ""
}
