package commands

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/vtrbot/vtrbot/vtr"
)

var (
	mrkdwnBold = regexp.MustCompile(`\*([^*\n]+)\*`)
	mrkdwnCode = regexp.MustCompile("`([^`\n]+)`")
	mrkdwnItal = regexp.MustCompile(`(^|\s)_([^_\n]+)_`)
	mrkdwnUser = regexp.MustCompile(`<@([UW][A-Z0-9]+)>`)
)

// Render turns a reply into plain text for a terminal (`bot shell`, `bot
// demo`): headers underlined, fields in two columns, buttons listed, mrkdwn
// markers removed and entities decoded.
func Render(r Reply) string {
	if len(r.Blocks) == 0 {
		return plain(r.Text) + "\n"
	}
	var b strings.Builder
	for _, bl := range r.Blocks {
		switch bl.Kind {
		case BlockHeader:
			t := plain(bl.Text)
			fmt.Fprintf(&b, "%s\n%s\n", t, strings.Repeat("=", min(len([]rune(t)), 78)))
		case BlockSection:
			if t := strings.TrimRight(plain(bl.Text), "\n"); t != "" {
				b.WriteString(t) // a trailing line break would leave a stray blank line
				b.WriteString("\n")
			}
			for i := 0; i < len(bl.Fields); i += 2 {
				left := strings.ReplaceAll(plain(bl.Fields[i]), "\n", ": ")
				right := ""
				if i+1 < len(bl.Fields) {
					right = strings.ReplaceAll(plain(bl.Fields[i+1]), "\n", ": ")
				}
				// An odd last field pads nothing after it.
				b.WriteString(strings.TrimRight(fmt.Sprintf("  %-38s %s", left, right), " ") + "\n")
			}
		case BlockDivider:
			b.WriteString(strings.Repeat("-", 40) + "\n")
		case BlockContext:
			b.WriteString("  (" + plain(bl.Text) + ")\n")
		case BlockActions:
			var names []string
			for _, btn := range bl.Buttons {
				names = append(names, "["+btn.Text+"]")
			}
			b.WriteString(strings.Join(names, " ") + "\n")
		}
		if bl.Kind != BlockHeader {
			b.WriteString("\n")
		}
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

var entities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func plain(s string) string {
	s = strings.ReplaceAll(s, "```", "")
	s = mrkdwnUser.ReplaceAllString(s, "@$1")
	s = mrkdwnBold.ReplaceAllString(s, "$1")
	s = mrkdwnCode.ReplaceAllString(s, "$1")
	s = mrkdwnItal.ReplaceAllString(s, "$1$2")
	return entities.Replace(s)
}

// plural is noun, or its plural when n is not 1 (vtr.Plurals).
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return vtr.Plurals(noun)
}
