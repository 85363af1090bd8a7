package commands

import "strings"

// Request is one chat command, whatever carried it (Slack HTTP, Socket Mode,
// an app mention, `bot shell`, `bot demo`).
type Request struct {
	User    string // Slack user ID, or the local user name in the shell
	Channel string // Slack channel ID ("" in the shell)
	Text    string // the command text after "/vtr", e.g. "status 30d category Music"
}

// Reply is what a command answers: a plain-text fallback plus Block-Kit-shaped
// blocks. It is our own small structure so that only commands/slackapp imports
// slack-go; `bot shell` renders the same blocks as plain text (Render).
//
// Every string in a Reply is Slack mrkdwn that is already safe: text that came
// from mail or files has gone through Escape.
type Reply struct {
	Text      string  // notification fallback, mrkdwn-safe
	Blocks    []Block // may be empty: then Text is the message
	Ephemeral bool    // only the asking user sees it (Slack)
	Files     []File  // e.g. the /vtr history chart
	// Key names a post so that it can be found again (Slack: message
	// metadata): the outbox sets it to the entry's ID, and looks for it
	// before posting again after an attempt whose outcome it did not learn.
	Key string `json:",omitempty"`
}

// BlockKind is the kind of a Block.
type BlockKind string

// The block kinds vtrbot uses; they map one to one onto Block Kit.
const (
	BlockHeader  BlockKind = "header"  // Text is plain text
	BlockSection BlockKind = "section" // Text and/or Fields, mrkdwn
	BlockDivider BlockKind = "divider"
	BlockContext BlockKind = "context" // Text, small grey mrkdwn
	BlockActions BlockKind = "actions" // Buttons
)

// Block is one block of a Reply.
type Block struct {
	Kind    BlockKind
	ID      string // block_id, optional
	Text    string
	Fields  []string
	Buttons []Button
}

// Button is an interactive button; ActionID says what it does and Value
// carries its argument (a notice ID, a window).
type Button struct {
	ActionID string
	Text     string
	Value    string
	Style    string // "", "primary" or "danger"
}

// File is an attachment to upload with the reply (a PNG chart).
type File struct {
	Name  string
	Title string
	Data  []byte
}

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape makes hostile text (from mail or files) safe inside Slack mrkdwn:
// with &, < and > escaped, text can never become a link, a user mention or
// @channel (Slack's "Formatting text for app surfaces", escaping section).
func Escape(s string) string { return mrkdwnEscaper.Replace(s) }

// Action is a click on a Button of a posted message.
type Action struct {
	User      string // who clicked (Slack user ID)
	Channel   string // where the message is
	MessageTS string // the clicked message's ts
	ActionID  string // Button.ActionID
	Value     string // Button.Value
}

// ActionResult says what to do after an Action: Update replaces the clicked
// message (nil keeps it); Respond is shown to the clicking user only (nil:
// nothing); Thread is posted in the message's thread (nil: nothing).
type ActionResult struct {
	Update  *Reply
	Respond *Reply
	Thread  *Reply
}
