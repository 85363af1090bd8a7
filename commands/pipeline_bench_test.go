package commands_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/vtrbot/vtrbot/commands"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
)

// BenchmarkPipeline_receive: one Amazon warning received, stored, parsed,
// reconciled against the demo seller and queued for Slack, on a SQLite file
// (docs/architecture.md, "A mail's way"). Each round gets a new Message-ID,
// so each is a new mail that walks the whole pipeline.
func BenchmarkPipeline_receive(b *testing.B) {
	raw, err := os.ReadFile("../vtr/notice/testdata/vtr-html-only-base64.eml")
	if err != nil {
		b.Fatal(err)
	}
	s, err := store.Open(b.Context(), b.TempDir()+"/vtrbot.db", store.Options{Rules: vtr.DefaultRules("US")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	p := &commands.Pipeline{Cmds: seeded(b, s), Channel: "C1"}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		m := store.Mail{Raw: setHeader(raw, "Message-ID", fmt.Sprintf("<bench-%d@amazon.com>", i)), Source: "bench"}
		if _, created, err := p.Receive(ctx, m); err != nil || !created {
			b.Fatalf("receive: created=%v err=%v", created, err)
		}
	}
	if n, err := s.CountNotices(ctx, store.NoticeDone); err != nil || n != i {
		b.Fatalf("%d notices done (err %v), want %d", n, err, i)
	}
}
