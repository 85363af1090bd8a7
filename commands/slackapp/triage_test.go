package slackapp

import (
	"testing"

	"github.com/vtrbot/vtrbot/commands"
)

// With several accounts (TriageChannel), every account's triage channel
// gets private answers without files, and other channels public ones.
func TestForChannel_triageChannels(t *testing.T) {
	accounts := map[string]bool{"CA": true, "CB": true}
	a := &App{cfg: Config{Channel: "CA", TriageChannel: func(c string) bool { return accounts[c] }}}
	reply := commands.Reply{Text: "chart", Files: []commands.File{{Name: "h.png"}}}
	for _, tt := range []struct {
		channel   string
		ephemeral bool
	}{{"CA", true}, {"CB", true}, {"COTHER", false}} {
		r := a.forChannel(tt.channel, reply)
		if r.Ephemeral != tt.ephemeral || (len(r.Files) == 0) != tt.ephemeral {
			t.Errorf("%s: ephemeral %v with %d files, want ephemeral %v (files only outside triage channels)", tt.channel, r.Ephemeral, len(r.Files), tt.ephemeral)
		}
	}
}
