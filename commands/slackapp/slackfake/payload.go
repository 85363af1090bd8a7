package slackfake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Sign returns Slack's request signature for body sent at Unix time ts:
// "v0=" + hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body))
// (docs.slack.dev "Verifying requests from Slack").
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + strconv.FormatInt(ts, 10) + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// NewSignedRequest builds a POST to url as Slack sends it: body with
// contentType, X-Slack-Request-Timestamp set to at, and X-Slack-Signature
// made with secret.
func NewSignedRequest(ctx context.Context, url, secret string, at time.Time, contentType string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(at.Unix(), 10))
	req.Header.Set("X-Slack-Signature", Sign(secret, at.Unix(), body))
	return req, nil
}

// Content types of Slack's requests.
const (
	FormContent = "application/x-www-form-urlencoded"
	JSONContent = "application/json"
)

// SlashCommand is a slash command invocation, as Slack sends it.
type SlashCommand struct {
	Command     string `json:"command"` // "/vtr" when empty
	Text        string `json:"text"`
	UserID      string `json:"user_id"`
	ChannelID   string `json:"channel_id"`
	ResponseURL string `json:"response_url"`
	TriggerID   string `json:"trigger_id"` // unique per invocation
	TeamID      string `json:"team_id"`
}

func (c SlashCommand) withDefaults() SlashCommand {
	if c.Command == "" {
		c.Command = "/vtr"
	}
	if c.TeamID == "" {
		c.TeamID = "T0FAKE"
	}
	return c
}

// Form is the body of POST /slack/commands.
func (c SlashCommand) Form() []byte {
	c = c.withDefaults()
	return []byte(url.Values{"command": {c.Command}, "text": {c.Text}, "user_id": {c.UserID},
		"channel_id": {c.ChannelID}, "response_url": {c.ResponseURL}, "trigger_id": {c.TriggerID},
		"team_id": {c.TeamID}, "token": {"legacy-verification-token"}}.Encode())
}

// JSON is the payload of a Socket Mode slash_commands envelope.
func (c SlashCommand) JSON() json.RawMessage { return mustJSON(c.withDefaults()) }

// BlockAction is a click on a button of a message.
type BlockAction struct {
	UserID      string
	ChannelID   string
	MessageTS   string // the clicked message
	ThreadTS    string // set when the message is a thread reply
	Ephemeral   bool   // the clicked message is ephemeral
	BlockID     string
	ActionID    string
	Value       string
	ResponseURL string
	TriggerID   string // unique per click
}

// JSON is the interaction payload (block_actions).
func (a BlockAction) JSON() json.RawMessage {
	container := map[string]any{"type": "message", "message_ts": a.MessageTS, "channel_id": a.ChannelID,
		"is_ephemeral": a.Ephemeral}
	if a.ThreadTS != "" {
		container["thread_ts"] = a.ThreadTS
	}
	return mustJSON(map[string]any{
		"type":         "block_actions",
		"user":         map[string]string{"id": a.UserID, "username": "someone"},
		"team":         map[string]string{"id": "T0FAKE"},
		"api_app_id":   "A0FAKE",
		"channel":      map[string]string{"id": a.ChannelID},
		"container":    container,
		"message":      map[string]string{"ts": a.MessageTS, "type": "message"},
		"trigger_id":   a.TriggerID,
		"response_url": a.ResponseURL,
		"actions": []map[string]any{{"type": "button", "block_id": a.BlockID, "action_id": a.ActionID,
			"value": a.Value, "action_ts": "1700000000.000100",
			"text": map[string]string{"type": "plain_text", "text": "button"}}},
	})
}

// Form is the body of POST /slack/interactions: the payload in a form field.
func (a BlockAction) Form() []byte {
	return []byte(url.Values{"payload": {string(a.JSON())}}.Encode())
}

// AppMention is an app_mention event: someone wrote "@vtrbot ...".
type AppMention struct {
	EventID   string // unique per event; Slack's retries repeat it
	UserID    string
	ChannelID string
	Text      string // as Slack sends it: "<@U0BOT> status"
	TS        string
	ThreadTS  string
	BotID     string // set when a bot wrote it
}

// JSON is the event_callback body, for POST /slack/events or an events_api
// envelope.
func (m AppMention) JSON() json.RawMessage {
	ev := map[string]any{"type": "app_mention", "user": m.UserID, "text": m.Text, "ts": m.TS,
		"channel": m.ChannelID, "event_ts": m.TS}
	if m.ThreadTS != "" {
		ev["thread_ts"] = m.ThreadTS
	}
	if m.BotID != "" {
		ev["bot_id"] = m.BotID
	}
	return mustJSON(map[string]any{"token": "legacy-verification-token", "team_id": "T0FAKE",
		"api_app_id": "A0FAKE", "type": "event_callback", "event_id": m.EventID, "event_time": 1700000000,
		"event": ev, "authorizations": []map[string]any{{"team_id": "T0FAKE", "user_id": "U0BOT", "is_bot": true}}})
}

// URLVerification is the body Slack sends when the events URL is set up.
func URLVerification(challenge string) []byte {
	return mustJSON(map[string]string{"token": "legacy-verification-token", "challenge": challenge,
		"type": "url_verification"})
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps and structs of strings: cannot happen
	}
	return b
}
