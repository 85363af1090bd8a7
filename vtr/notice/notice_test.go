package notice

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-mbox"
	"github.com/google/go-cmp/cmp"
	"github.com/vtrbot/vtrbot/vtr"
)

// The seed's Support answer (the story that started vtrbot).
func TestParse_seedSupportReplyClaims(t *testing.T) {
	n := mustParseFile(t, filepath.Join(sharedDir, "support-reply-na.eml"))
	want := []vtr.Claim{
		{Type: vtr.ClaimOrderCount, Count: 1, Days: 365},
		{Type: vtr.ClaimOrderStatus, Text: "Unshipped"},
		{Type: vtr.ClaimMetricValue, Text: "N/A"},
		{Type: vtr.ClaimIgnoreNotice},
	}
	if diff := cmp.Diff(want, n.Claims); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	if n.CaseID != "6578123451" || n.InReplyTo != "<traxtar-vtr-question-1@traxtar.example>" {
		t.Errorf("CaseID = %q, InReplyTo = %q", n.CaseID, n.InReplyTo)
	}
}

func TestParse_spoofDisplayName(t *testing.T) {
	n := mustParseFile(t, "testdata/spoof-display-name.eml")
	if n.Authentic {
		t.Errorf("Authentic = true for %s (%s)", n.From, n.AuthSummary)
	}
	if !strings.Contains(n.AuthSummary, "not an Amazon domain") {
		t.Errorf("AuthSummary = %q", n.AuthSummary)
	}
}

func mustParseFile(t *testing.T, path string) *vtr.Notice {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) && os.Getenv("CI") == "" && strings.HasPrefix(path, sharedDir) {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	return ParseBytes(b)
}

// bigMessage builds a notice whose text part has size bytes.
func bigMessage(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: seller-performance@amazon.com\r\nSubject: Your Valid Tracking Rate is Below 95%\r\n" +
		"Date: Fri, 15 Nov 2019 09:12:44 +0000\r\nMessage-ID: <big@amazon.com>\r\nContent-Type: text/plain\r\n\r\n")
	line := "Your Valid Tracking Rate is below the 95% requirement. Order 112-1234567-1234567.\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return b.Bytes()
}

// Hostile input gives a per-message error, never a crash.
func TestParse_errors(t *testing.T) {
	big := bigMessage(20 << 20)
	tests := []struct {
		name    string
		raw     []byte
		opts    Options
		wantErr string
		wantID  string
	}{
		{"empty", nil, Options{}, "empty message", ""},
		{"binary", bytes.Repeat([]byte{0, 1, 2, 0xff}, 1000), Options{}, "binary data", ""},
		{"no header", []byte("just some words\nand more\n"), Options{}, "unreadable mail header", ""},
		{"20 MB text part", big, Options{}, "larger than 1 MB", "<big@amazon.com>"},
		{"20 MB over a 16 MB limit", big, Options{MaxSize: 16 << 20}, "larger than 16 MB", "<big@amazon.com>"},
		{"cut short", mustRead(t, "testdata/truncated.eml"), Options{}, "cut short", "<truncated-1@amazon.com>"},
		{"no closing boundary", []byte("From: a@amazon.com\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n"), Options{}, "cut short", ""},
		{"deep nesting", deepMultipart(50), Options{}, "nested deeper", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := tt.opts.Parse(bytes.NewReader(tt.raw))
			if err != nil {
				t.Fatalf("Parse error = %v, want a Notice", err)
			}
			if !strings.Contains(n.Error, tt.wantErr) {
				t.Errorf("Error = %q, want it to contain %q", n.Error, tt.wantErr)
			}
			if n.Kind != vtr.KindOther || len(n.Claims) > 0 || n.MessageID != tt.wantID {
				t.Errorf("Kind = %s, Claims = %v, MessageID = %q", n.Kind, n.Claims, n.MessageID)
			}
			if _, err := json.Marshal(n); err != nil {
				t.Errorf("marshal: %v", err)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func deepMultipart(depth int) []byte {
	var b strings.Builder
	b.WriteString("From: a@amazon.com\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n")
	for i := 1; i <= depth; i++ {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i-1, i)
	}
	fmt.Fprintf(&b, "--b%d\r\nContent-Type: text/plain\r\n\r\nhi\r\n", depth)
	for i := depth; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\r\n", i)
	}
	return []byte(b.String())
}

// Messages reads an mbox message by message; a message over the limit is
// yielded cut and the next ones still come.
func TestMessages_mbox(t *testing.T) {
	var buf bytes.Buffer
	w := mbox.NewWriter(&buf)
	var want []string
	for i, name := range []string{"lsr-de-qp", "forward-rfc822", "truncated", "ups-out-for-delivery"} {
		mw, err := w.CreateMessage("MAILER-DAEMON", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		mw.Write(mustRead(t, "testdata/"+name+".eml"))
		want = append(want, ParseBytes(mustRead(t, "testdata/"+name+".eml")).MessageID)
		if i == 1 {
			mw, _ = w.CreateMessage("MAILER-DAEMON", time.Time{})
			mw.Write(bigMessage(100 << 10))
			want = append(want, "<big@amazon.com>")
		}
	}
	w.Close()

	var got []string
	var errs []string
	for m, err := range (Options{MaxSize: 64 << 10}).Messages(&buf) {
		if err != nil {
			t.Fatal(err)
		}
		n := Options{MaxSize: 64 << 10}.ParseMessage(m)
		got = append(got, n.MessageID)
		errs = append(errs, n.Error)
		if m.Truncated != (n.MessageID == "<big@amazon.com>") {
			t.Errorf("%s: Truncated = %v", n.MessageID, m.Truncated)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("message IDs = %v, want %v", got, want)
	}
	if !strings.Contains(errs[2], "larger than") || !strings.Contains(errs[3], "cut short") {
		t.Errorf("errors = %q", errs)
	}
}

func TestMessages_singleAndEmpty(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"From: a@amazon.com\r\nSubject: x\r\n\r\nhi\r\n", 1},
		{"\r\n\r\nFrom a@b Sat Jan  3 01:05:34 1996\r\nFrom: a@amazon.com\r\n\r\nhi\r\n\r\nFrom b@c Sat Jan  3 01:05:34 1996\r\nFrom: b@amazon.com\r\n\r\nho\r\n", 2},
		{"", 1},
	} {
		n := 0
		for _, err := range Messages(strings.NewReader(tt.in)) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != tt.want {
			t.Errorf("Messages(%q) yielded %d, want %d", tt.in, n, tt.want)
		}
	}
}

// Hostile bodies near the 1 MB text limit must be read in time linear in
// their size: each of these was quadratic once.
func TestParse_hostileTextStaysLinear(t *testing.T) {
	bodies := map[string]string{
		"store names in URLs": strings.Repeat("/(amazon.com(", 70000),
		"date pairs":          strings.Repeat("1.1.2000 and 2.1.2000 and ", 36000),
		"status lines":        strings.Repeat("Delivered 10/28/2019\n", 45000),
		"quoted statuses":     strings.Repeat("'Unshipped' ", 80000),
		"one long sentence":   strings.Repeat("your valid tracking rate is below 95% and ", 22000),
		"forward separators":  strings.Repeat("---------- Forwarded message ---------\nFrom: x\n\n", 18000),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			raw := testMail("\"USPS\" <auto-reply@usps.com>", "Tracking Number 9400111899223408617511", body)
			start := time.Now()
			n := ParseBytes(raw)
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
			if _, err := json.Marshal(n); err != nil {
				t.Error(err)
			}
			t.Logf("%d bytes in %v", len(raw), time.Since(start))
		})
	}
}
