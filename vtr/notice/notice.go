// Package notice reads one e-mail (or an mbox of them) into a vtr.Notice: the
// facts and claims of an Amazon performance notice, a Seller Support reply or
// a carrier's tracking update, following the reading rules of
// docs/notices.md.
//
// Every mail is hostile input written by someone else. The package is pure
// over an io.Reader: it does no other I/O, never follows a link, bounds every
// read (message size, text size, MIME depth, forward depth) and turns
// unreadable input into a Notice whose Error says why, never a panic.
package notice

import (
	"bytes"
	"fmt"
	"io"

	"github.com/vtrbot/vtrbot/vtr"
)

// DefaultMaxSize is the largest message read by default (25 MB). Amazon's
// notices are a few kilobytes; anything beyond this is not one.
const DefaultMaxSize = 25 << 20

// Options bound what is read. The zero value means the defaults.
type Options struct {
	// MaxSize is the largest message read, in bytes (0: DefaultMaxSize).
	// A larger message yields a Notice with Error set.
	MaxSize int64
	// Trust says whose forwards are believed; the zero value believes none
	// (docs/notices.md, "Forwarded notices").
	Trust Trust
}

func (o Options) maxSize() int64 {
	if o.MaxSize <= 0 {
		return DefaultMaxSize
	}
	return o.MaxSize
}

// Parse reads one RFC 5322 message from r with the default options.
func Parse(r io.Reader) (*vtr.Notice, error) { return Options{}.Parse(r) }

// Parse reads one RFC 5322 message from r. It always returns a Notice when
// the error is nil; a message that cannot be understood (malformed header,
// cut short, binary, larger than MaxSize) is a Notice of kind other with
// Error set. The error is non-nil only when r itself fails.
func (o Options) Parse(r io.Reader) (*vtr.Notice, error) {
	max := o.maxSize()
	raw, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read message: %w", err)
	}
	m := Message{Raw: raw, Size: int64(len(raw))}
	if int64(len(raw)) > max {
		m.Raw = raw[:max]
		m.Truncated = true
	}
	return o.ParseMessage(m), nil
}

// ParseBytes reads one message held in memory with the default options (no
// forward is trusted). It never fails: problems are reported in the
// Notice's Error field.
func ParseBytes(raw []byte) *vtr.Notice { return Options{}.ParseBytes(raw) }

// ParseBytes reads one message held in memory. It never fails: problems are
// reported in the Notice's Error field. Unlike Parse it applies no MaxSize:
// the caller already holds the bytes.
func (o Options) ParseBytes(raw []byte) *vtr.Notice {
	return o.ParseMessage(Message{Raw: raw, Size: int64(len(raw))})
}

// ParseMessage reads a message yielded by Messages with the default options.
func ParseMessage(m Message) *vtr.Notice { return Options{}.ParseMessage(m) }

// ParseMessage reads a message yielded by Messages. A message cut at MaxSize
// yields its header fields and an Error.
func (o Options) ParseMessage(m Message) *vtr.Notice {
	if m.Truncated {
		n := &vtr.Notice{Kind: vtr.KindOther}
		// Salvage the header fields for the triage post; the body is not read.
		if end := headerEnd(m.Raw); end > 0 {
			if hm, err := readMessage(m.Raw[:end], 0); err == nil {
				fillHeader(n, hm)
				judgeAuth(n, hm, nil)
			}
		}
		n.Error = fmt.Sprintf("message is larger than %s (the limit): not read", sizeString(o.maxSize()))
		return n
	}
	return o.read(m.Raw)
}

// read turns raw message bytes into a Notice.
func (o Options) read(raw []byte) *vtr.Notice {
	n := &vtr.Notice{Kind: vtr.KindOther}
	if len(bytes.TrimSpace(raw)) == 0 {
		n.Error = "empty message"
		return n
	}
	outer, err := readMessage(raw, 0)
	if err != nil {
		n.Error = err.Error()
		return n
	}
	src, fwd := resolveForward(outer)
	fillHeader(n, src)
	if fwd != nil {
		n.ForwardedBy = fwd.by
		fwd.trusted, fwd.why = o.Trust.judgeForward(fwd.hops)
		n.ForwardTrusted, n.ForwardWhy = fwd.trusted, fwd.why
		if n.MessageID == "" || !fwd.trusted {
			// Only a trusted forward takes the notice's Message-ID: a
			// stranger's forward must never stand in for the real notice
			// (its post and its store key are keyed by it).
			n.MessageID = outer.messageID
		}
		if n.Date.IsZero() {
			n.Date = outer.date
		}
	}
	if src.bodyErr != nil {
		// The header is fine, the body is not: say so and claim nothing.
		n.Error = src.bodyErr.Error()
		n.Language = detectLanguage(src.subject, "")
	} else {
		extract(n, src)
	}
	judgeAuth(n, src, fwd) // after extract: a carrier's domain counts for carrier updates only
	return n
}

// fillHeader copies the header fields of m into n.
func fillHeader(n *vtr.Notice, m *mailMsg) {
	n.MessageID = m.messageID
	n.From = m.from
	n.Subject = m.subject
	n.Date = m.date
	n.InReplyTo = m.inReplyTo
	n.References = m.references
	n.CaseID = caseID(m.subject)
}

func sizeString(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
