package slackapp

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/commands/slackapp/slackfake"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json")

// goldenReplies are the Replies whose Block Kit JSON is kept in testdata.
func goldenReplies() map[string]commands.Reply {
	long := strings.Repeat("Package 113-0000000-00000 shipped with USPS 9400 1000 0000 0000 0000 00 & was scanned.\n", 60)
	var many []commands.Block
	for range 60 {
		many = append(many, commands.Block{Kind: commands.BlockSection, Text: "row"})
	}
	return map[string]commands.Reply{
		"triage": {
			Text: "VTR notice: Amazon says 93.9% &lt; 95%",
			Blocks: []commands.Block{
				{Kind: commands.BlockHeader, Text: "VTR notice: Amazon says 93.9% &lt; 95%"},
				{Kind: commands.BlockSection, ID: "says", Text: "*Amazon says:* your Valid Tracking Rate is 93.9% for 2019-10-15..2019-11-14."},
				{Kind: commands.BlockSection, Fields: []string{"*Eligible*\n84", "*Valid*\n84", "*Rate*\n100%", "*Status*\nok"}},
				{Kind: commands.BlockDivider},
				{Kind: commands.BlockContext, Text: "notice &lt;abc@amazon.com&gt; · dkim=pass"},
				{Kind: commands.BlockActions, ID: "triage_actions", Buttons: []commands.Button{
					{ActionID: "show_untracked", Text: "Show untracked packages", Value: "2019-10-15/2019-11-14", Style: "primary"},
					{ActionID: "draft_reply", Text: "Draft reply", Value: "vtr-1"},
					{ActionID: "snooze", Text: "Snooze 1 day", Value: "1d"},
					{ActionID: "snooze", Text: "Snooze 7 days", Value: "7d"},
					{ActionID: "mark_handled", Text: "Mark handled", Value: "vtr-1", Style: "danger"},
				}},
			},
		},
		"plain-long": {Text: long},
		"limits": {
			Blocks: append([]commands.Block{
				{Kind: commands.BlockHeader, ID: "h", Text: strings.Repeat("Header ", 40)},
				{Kind: commands.BlockSection, ID: "h", Text: strings.Repeat("x", 2990) + " &amp; <https://example.com|link>"},
				{Kind: commands.BlockSection, Text: "   "},
				{Kind: commands.BlockContext},
				{Kind: commands.BlockActions},
			}, many...),
		},
		"empty": {},
	}
}

func TestToMessage_golden(t *testing.T) {
	for name, r := range goldenReplies() {
		t.Run(name, func(t *testing.T) {
			m := toMessage(r)
			blocks, err := json.MarshalIndent(m.blocks, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if err := slackfake.ValidateBlocks(blocks); err != nil {
				t.Errorf("Slack would refuse these blocks: %v", err)
			}
			if m.text == "" || utf8.RuneCountInString(m.text) > maxFallbackChars {
				t.Errorf("fallback text has %d characters", utf8.RuneCountInString(m.text))
			}
			got := append([]byte(`{"text": `+string(must(json.Marshal(m.text)))+`, "blocks": `), blocks...)
			got = append(got, "}\n"...)
			path := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"short", "abc", 3, "abc"},
		{"cut", "abcdef", 4, "abc…"},
		{"runes not bytes", "ééééé", 3, "éé…"},
		{"not inside an entity", "ab&amp;cd", 6, "ab…"},
		{"after a whole entity", "ab&amp;cd", 8, "ab&amp;…"},
		{"not inside a link", "see <https://x.example|x> now", 12, "see …"},
		{"not inside a mention", "hi <@U123> there", 8, "hi …"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := truncate(tt.in, tt.max); got != tt.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

func TestChunk(t *testing.T) {
	text := strings.Repeat("line of text\n", 1000) // 13,000 characters
	parts := chunk(text, maxTextChars)
	if len(parts) < 5 {
		t.Fatalf("%d parts, want at least 5", len(parts))
	}
	joined := 0
	for i, p := range parts {
		if n := utf8.RuneCountInString(p); n > maxTextChars || n == 0 {
			t.Errorf("part %d has %d characters", i, n)
		}
		if !strings.HasSuffix(p, "line of text") {
			t.Errorf("part %d does not end at a line break: %q", i, p[len(p)-20:])
		}
		joined += strings.Count(p, "line of text")
	}
	if joined != 1000 {
		t.Errorf("parts hold %d lines, want 1000", joined)
	}
}

func TestActionID(t *testing.T) {
	for in, want := range map[string]string{"snooze": "snooze", "snooze#1": "snooze", "a#b": "a#b", "#1": "#1", "x#": "x#"} {
		if got := actionID(in); got != want {
			t.Errorf("actionID(%q) = %q, want %q", in, got, want)
		}
	}
}
