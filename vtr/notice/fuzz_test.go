package notice

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzParse feeds the reader mutated mail: it must never panic, every
// result must marshal to JSON, and its Canonical form must be what the
// JSON reads back.
func FuzzParse(f *testing.F) {
	for _, fx := range fixtures(f) {
		f.Add(fx.raw)
	}
	f.Add([]byte("From x@y Sat Jan  3 01:05:34 1996\nFrom: a@amazon.com\n\nhi\n\nFrom x@y Sat Jan  3 01:05:34 1996\n\n"))
	trust := Options{Trust: Trust{Forwarders: []string{"@traxtar.example"}, Mailbox: "orders@traxtar.example"}}
	f.Fuzz(func(t *testing.T, raw []byte) {
		n := ParseBytes(raw)
		if _, err := json.Marshal(n); err != nil {
			t.Fatalf("marshal: %v", err)
		}
		checkCanonical(t, n)
		if n.ForwardedBy != "" && (n.ForwardTrusted || n.Authentic) {
			t.Fatalf("with no trust settings a forward was believed: %s", n.AuthSummary)
		}
		if tn := trust.ParseBytes(raw); tn.ForwardedBy != "" && !tn.ForwardTrusted && tn.Authentic {
			t.Fatalf("an untrusted forward is authentic: %s", tn.AuthSummary)
		}
		for m, err := range (Options{MaxSize: 1 << 20}).Messages(bytes.NewReader(raw)) {
			if err != nil {
				t.Fatalf("Messages: %v", err)
			}
			if _, err := json.Marshal(ParseMessage(m)); err != nil {
				t.Fatalf("marshal: %v", err)
			}
		}
	})
}
