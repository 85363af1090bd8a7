package notice

import (
	"strings"
	"testing"
)

func TestReadEnvelope(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    Envelope
		wantErr bool
	}{
		{name: "notice", raw: "From: \"Amazon\" <Seller-Performance@Amazon.com>\r\nMessage-ID:  <a@amazon.com> \r\n\r\nbody\r\n",
			want: Envelope{MessageID: "<a@amazon.com>", From: "seller-performance@amazon.com", DisplayName: "Amazon"}},
		{name: "encoded display name", raw: "From: =?UTF-8?Q?UPS_M=C3=BCnchen?= <pkginfo@ups.com>\r\n\r\nbody",
			want: Envelope{From: "pkginfo@ups.com", DisplayName: "UPS München"}},
		{name: "header only", raw: "Message-ID: <b@x>\r\nFrom: a@x.example\r\n",
			want: Envelope{MessageID: "<b@x>", From: "a@x.example"}},
		{name: "From the address parser rejects", raw: "From: Shop <shop@x.example\r\n\r\nbody",
			want: Envelope{From: "shop@x.example", DisplayName: "Shop"}},
		{name: "unknown charset", raw: "From: a@x.example\r\nMessage-ID: <c@x>\r\nContent-Type: text/plain; charset=x-bogus\r\n\r\nbody",
			want: Envelope{MessageID: "<c@x>", From: "a@x.example"}},
		{name: "malformed header line", raw: "Message-ID: <d@x>\r\nBad Key: x\r\n\r\nbody", wantErr: true},
		{name: "header block beyond 1 MB", raw: "Message-ID: <e@x>\r\nX: " + strings.Repeat("y", 1<<20) + "\r\n\r\nbody", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadEnvelope([]byte(tt.raw))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ReadEnvelope() error = %v, want error: %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ReadEnvelope() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestReadEnvelope_asTheParserReads: on every fixture the envelope says
// what the parser says of the outer mail (a forward's own Message-ID is
// the outer one unless the forward is believed).
func TestReadEnvelope_asTheParserReads(t *testing.T) {
	for _, f := range fixtures(t) {
		env, err := ReadEnvelope(f.raw)
		n := ParseBytes(f.raw)
		if err != nil || n.ForwardedBy != "" || n.Error != "" {
			continue
		}
		if env.MessageID != n.MessageID || env.From != n.From {
			t.Errorf("%s: envelope %+v, parser read Message-ID %q from %q", f.name, env, n.MessageID, n.From)
		}
	}
}
