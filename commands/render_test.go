package commands_test

import (
	"testing"

	"github.com/vtrbot/vtrbot/commands"
)

// TestRender: the terminal form of a reply (bot shell, bot demo) has
// fields in two columns, mrkdwn markers removed, and no line ending in
// spaces (an odd last field pads nothing after it).
func TestRender(t *testing.T) {
	tests := []struct {
		name string
		r    commands.Reply
		want string
	}{
		{"text only", commands.Reply{Text: "*Books* is at 60.0%"}, "Books is at 60.0%\n"},
		{"even fields", commands.Reply{Blocks: []commands.Block{{Kind: commands.BlockSection,
			Fields: []string{"✅ *Music*\n100.0% · 29/29 valid", "🔴 *Books*\n60.0% · 3/5 valid"}}}},
			"  ✅ Music: 100.0% · 29/29 valid          🔴 Books: 60.0% · 3/5 valid\n"},
		{"odd last field", commands.Reply{Blocks: []commands.Block{{Kind: commands.BlockSection,
			Fields: []string{"a", "b", "✅ *Music*\n100.0% · 29/29 valid"}}}},
			"  a                                      b\n  ✅ Music: 100.0% · 29/29 valid\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := commands.Render(tt.r); got != tt.want {
				t.Errorf("Render:\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
