package slackfake

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// ValidateBlocks checks a blocks JSON array against the Block Kit limits
// Slack enforces for the block types vtrbot sends (docs.slack.dev
// "Reference: blocks"), so a test fails where Slack would answer
// invalid_blocks. Empty input is valid (no blocks).
func ValidateBlocks(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var blocks []struct {
		Type     string            `json:"type"`
		BlockID  string            `json:"block_id"`
		Text     *textObject       `json:"text"`
		Fields   []textObject      `json:"fields"`
		Elements []json.RawMessage `json:"elements"`
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return fmt.Errorf("blocks: %w", err)
	}
	if len(blocks) > 50 {
		return fmt.Errorf("%d blocks, at most 50", len(blocks))
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		if b.BlockID != "" {
			if ids[b.BlockID] || len(b.BlockID) > 255 {
				return fmt.Errorf("block %d: block_id %q repeated or too long", i, b.BlockID)
			}
			ids[b.BlockID] = true
		}
		var err error
		switch b.Type {
		case "header":
			err = b.Text.check("plain_text", 150)
		case "section":
			if b.Text == nil && len(b.Fields) == 0 {
				err = fmt.Errorf("section without text or fields")
			}
			if b.Text != nil && err == nil {
				err = b.Text.check("", 3000)
			}
			if len(b.Fields) > 10 {
				err = fmt.Errorf("%d fields, at most 10", len(b.Fields))
			}
			for _, f := range b.Fields {
				if err == nil {
					err = f.check("", 2000)
				}
			}
		case "divider":
		case "context":
			if len(b.Elements) == 0 || len(b.Elements) > 10 {
				err = fmt.Errorf("context with %d elements", len(b.Elements))
			}
			for _, raw := range b.Elements {
				var e textObject
				if err == nil {
					err = json.Unmarshal(raw, &e)
				}
				if err == nil {
					err = e.check("", 3000)
				}
			}
		case "actions":
			if len(b.Elements) == 0 || len(b.Elements) > 25 {
				err = fmt.Errorf("actions with %d elements", len(b.Elements))
			}
			actionIDs := map[string]bool{}
			for _, raw := range b.Elements {
				var e button
				if err == nil {
					err = json.Unmarshal(raw, &e)
				}
				switch {
				case err != nil:
				case e.Type != "button":
					err = fmt.Errorf("element type %q", e.Type)
				case e.ActionID == "" || len(e.ActionID) > 255 || actionIDs[e.ActionID]:
					err = fmt.Errorf("action_id %q empty, too long or repeated", e.ActionID)
				case utf8.RuneCountInString(e.Value) > 2000:
					err = fmt.Errorf("button value over 2000 characters")
				case e.Style != "" && e.Style != "primary" && e.Style != "danger":
					err = fmt.Errorf("button style %q", e.Style)
				default:
					err = e.Text.check("plain_text", 75)
				}
				actionIDs[e.ActionID] = true
			}
		default:
			err = fmt.Errorf("block type %q not expected from vtrbot", b.Type)
		}
		if err != nil {
			return fmt.Errorf("block %d (%s): %w", i, b.Type, err)
		}
	}
	return nil
}

type button struct {
	Type     string      `json:"type"`
	ActionID string      `json:"action_id"`
	Value    string      `json:"value"`
	Style    string      `json:"style"`
	Text     *textObject `json:"text"`
}

type textObject struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// check requires a text object of type typ ("" for plain_text or mrkdwn)
// with 1 to max characters.
func (t *textObject) check(typ string, max int) error {
	switch {
	case t == nil:
		return fmt.Errorf("missing text")
	case typ != "" && t.Type != typ, t.Type != "plain_text" && t.Type != "mrkdwn":
		return fmt.Errorf("text type %q", t.Type)
	case t.Text == "":
		return fmt.Errorf("empty text")
	case utf8.RuneCountInString(t.Text) > max:
		return fmt.Errorf("text of %d characters, at most %d", utf8.RuneCountInString(t.Text), max)
	}
	return nil
}
