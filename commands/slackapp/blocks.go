package slackapp

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/vtrbot/vtrbot/commands"
)

// Block Kit limits (docs.slack.dev "Reference: blocks" and "Composition
// objects"). Slack refuses a whole message with invalid_blocks when one is
// exceeded, so the conversion truncates instead.
const (
	maxBlocks        = 50   // blocks per message
	maxTextChars     = 3000 // section text, context element text
	maxFallbackChars = 3000 // top-level text: only the notification fallback once blocks exist
	maxHeaderChars   = 150
	maxFields        = 10
	maxFieldChars    = 2000
	maxButtons       = 25 // elements per actions block
	maxButtonChars   = 75
	maxValueChars    = 2000
	maxIDChars       = 255 // block_id, action_id
)

// message is a Reply ready for Slack: the fallback text and the blocks.
type message struct {
	text   string
	blocks []slack.Block
}

// toMessage converts a Reply to Block Kit. A Reply without blocks becomes
// sections of its text (split at line breaks), so every message goes out as
// blocks with verbatim mrkdwn: Slack then does not auto-link bare URLs or turn
// "@channel" into a mention (the text object's "verbatim" field), which
// escaping alone does not prevent. Text is always set: it is the
// notification and screen-reader fallback.
func toMessage(r commands.Reply) message {
	var blocks []slack.Block
	if len(r.Blocks) == 0 {
		for _, part := range chunk(r.Text, maxTextChars) {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(part), nil, nil))
		}
	} else {
		ids := map[string]bool{}
		for _, b := range r.Blocks {
			if sb := toBlock(b, ids); sb != nil {
				blocks = append(blocks, sb)
			}
		}
	}
	if len(blocks) > maxBlocks {
		more := len(blocks) - (maxBlocks - 1)
		blocks = append(blocks[:maxBlocks-1], slack.NewContextBlock("",
			mrkdwn("_… "+strconv.Itoa(more)+" more blocks not shown._")))
	}
	text := r.Text
	if strings.TrimSpace(text) == "" {
		text = fallbackText(r.Blocks)
	}
	if strings.TrimSpace(text) == "" {
		text = "(empty reply)"
	}
	if len(blocks) == 0 {
		blocks = []slack.Block{slack.NewSectionBlock(mrkdwn(truncate(text, maxTextChars)), nil, nil)}
	}
	return message{text: truncate(text, maxFallbackChars), blocks: blocks}
}

// toBlock converts one block, or returns nil for a block that would be
// empty (Slack refuses empty text). ids tracks block_ids, which must be
// unique within a message.
func toBlock(b commands.Block, ids map[string]bool) slack.Block {
	id := truncateID(b.ID)
	if id != "" && ids[id] {
		id = ""
	}
	if id != "" {
		ids[id] = true
	}
	switch b.Kind {
	case commands.BlockHeader:
		if strings.TrimSpace(b.Text) == "" {
			return nil
		}
		return slack.NewHeaderBlock(plain(truncate(oneLine(b.Text), maxHeaderChars)), slack.HeaderBlockOptionBlockID(id))
	case commands.BlockDivider:
		d := slack.NewDividerBlock()
		d.BlockID = id
		return d
	case commands.BlockContext:
		if strings.TrimSpace(b.Text) == "" {
			return nil
		}
		return slack.NewContextBlock(id, mrkdwn(truncate(b.Text, maxTextChars)))
	case commands.BlockActions:
		return actionsBlock(id, b.Buttons)
	default: // BlockSection, and a kind this code does not know shown as text
		var text *slack.TextBlockObject
		if strings.TrimSpace(b.Text) != "" {
			text = mrkdwn(truncate(b.Text, maxTextChars))
		}
		var fields []*slack.TextBlockObject
		for _, f := range b.Fields {
			if strings.TrimSpace(f) != "" && len(fields) < maxFields {
				fields = append(fields, mrkdwn(truncate(f, maxFieldChars)))
			}
		}
		if text == nil && len(fields) == 0 {
			return nil
		}
		return slack.NewSectionBlock(text, fields, nil, slack.SectionBlockOptionBlockID(id))
	}
}

func actionsBlock(id string, buttons []commands.Button) slack.Block {
	var elems []slack.BlockElement
	seen := map[string]int{}
	for _, btn := range buttons {
		if len(elems) == maxButtons || btn.ActionID == "" || strings.TrimSpace(btn.Text) == "" {
			continue
		}
		// action_id must be unique within a block; two buttons for one
		// action (Snooze 1d / 7d) get a "#n" suffix that actionID strips.
		aid := truncateID(btn.ActionID)
		if n := seen[btn.ActionID]; n > 0 {
			suffix := "#" + strconv.Itoa(n)
			aid = truncateID(btn.ActionID[:min(len(btn.ActionID), maxIDChars-len(suffix))]) + suffix
		}
		seen[btn.ActionID]++
		e := slack.NewButtonBlockElement(aid, truncate(btn.Value, maxValueChars),
			plain(truncate(oneLine(btn.Text), maxButtonChars)))
		switch btn.Style {
		case "primary":
			e = e.WithStyle(slack.StylePrimary)
		case "danger":
			e = e.WithStyle(slack.StyleDanger)
		}
		elems = append(elems, e)
	}
	if len(elems) == 0 {
		return nil
	}
	return slack.NewActionBlock(id, elems...)
}

// actionID undoes the "#n" suffix actionsBlock adds to repeated action IDs.
func actionID(id string) string {
	i := strings.LastIndexByte(id, '#')
	if i <= 0 || i == len(id)-1 {
		return id
	}
	if _, err := strconv.Atoi(id[i+1:]); err != nil {
		return id
	}
	return id[:i]
}

// mrkdwn is a verbatim mrkdwn text object: Reply strings are already escaped
// mrkdwn, and verbatim stops Slack's own link and mention detection.
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, true)
}

// plain is a plain_text object. Slack still decodes &amp; &lt; &gt; there,
// so escaped Reply text shows as typed.
func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// fallbackText picks the first header or section text of blocks.
func fallbackText(blocks []commands.Block) string {
	for _, b := range blocks {
		if (b.Kind == commands.BlockHeader || b.Kind == commands.BlockSection) && strings.TrimSpace(b.Text) != "" {
			return b.Text
		}
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func truncateID(id string) string {
	if len(id) <= maxIDChars {
		return id
	}
	return strings.ToValidUTF8(id[:maxIDChars], "")
}

// truncate shortens s to at most max characters (Slack counts characters,
// not bytes), ending in "…". It never cuts inside a rune, an entity such as
// &amp; (which would show as "&am"), or a <...> link or mention token.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return safeCut(s, max-1) + "…"
}

// safeCut returns the longest prefix of s with at most n characters that
// does not end inside an entity or a <...> token.
func safeCut(s string, n int) string {
	end := len(s)
	count := 0
	for i := range s {
		if count == n {
			end = i
			break
		}
		count++
	}
	cut := s[:end]
	if i := strings.LastIndexByte(cut, '&'); i >= 0 && !strings.Contains(cut[i:], ";") && end-i <= len("&amp;") {
		cut = cut[:i]
	}
	if i := strings.LastIndexByte(cut, '<'); i >= 0 && !strings.Contains(cut[i:], ">") {
		cut = cut[:i]
	}
	return cut
}

// chunk splits text into parts of at most max characters, preferring to
// break after a newline, so long plain replies become several sections.
func chunk(text string, max int) []string {
	var parts []string
	for strings.TrimSpace(text) != "" {
		if utf8.RuneCountInString(text) <= max {
			parts = append(parts, strings.TrimRight(text, "\n"))
			break
		}
		part := safeCut(text, max)
		if i := strings.LastIndexByte(part, '\n'); i > len(part)/2 {
			part = part[:i+1]
		}
		if part == "" { // a single token longer than max
			part = truncate(text, max)
			parts = append(parts, part)
			break
		}
		if p := strings.TrimRight(part, "\n"); strings.TrimSpace(p) != "" {
			parts = append(parts, p)
		}
		text = text[len(part):]
	}
	return parts
}
