package notice

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // every charset but UTF-8 and ASCII (without it go-message leaves windows-1252, ISO-2022-JP, ... undecoded)
	gomail "github.com/emersion/go-message/mail"
	"golang.org/x/text/encoding/charmap"
)

// Bounds on hostile structure.
const (
	maxMIMEDepth = 8       // nested multiparts
	maxParts     = 256     // parts in one message
	maxTextBytes = 1 << 20 // one text part; notices are a few KB
	maxFwdDepth  = 4       // forwards of forwards
)

// mailMsg is one message (or a notice forwarded inside one) as read.
type mailMsg struct {
	messageID  string
	from       string // bare address, lower-cased
	fromName   string // display name: reported, never judged
	subject    string
	date       time.Time
	authRes    string // topmost Authentication-Results value; "" when none
	hasAuthRes bool
	inReplyTo  string
	references []string

	text    string // the body text (plain, else HTML converted), prepared
	fwdRaw  []byte // the first message/rfc822 part, if any
	bodyErr error  // the body could not be read whole
	inline  bool   // read from an inline "Forwarded message" block
	own     string // own text, set once forwards are resolved
}

// readMessage reads the header and body of raw. An error means the header
// block itself is unreadable.
func readMessage(raw []byte, depth int) (*mailMsg, error) {
	if looksBinary(raw) {
		return nil, errors.New("binary data, not a mail message")
	}
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil, headerError(err)
	}
	m := &mailMsg{}
	h := gomail.Header{Header: e.Header}
	if !h.Has("From") && !h.Has("Date") && !h.Has("Subject") && !h.Has("Message-Id") {
		return nil, errors.New("no From, Date, Subject or Message-ID header: not a mail message")
	}
	m.messageID = strings.TrimSpace(h.Get("Message-Id"))
	m.from, m.fromName = fromAddress(&h)
	m.subject = headerText(&h, "Subject")
	m.date = headerDate(h.Get("Date"))
	if v := h.Values("Authentication-Results"); len(v) > 0 {
		m.authRes, m.hasAuthRes = v[0], true // topmost: the receiving server's own
	}
	if ids, err := h.MsgIDList("In-Reply-To"); err == nil && len(ids) > 0 {
		m.inReplyTo = "<" + ids[0] + ">"
	}
	if ids, err := h.MsgIDList("References"); err == nil {
		for _, id := range ids {
			m.references = append(m.references, "<"+id+">")
		}
	}
	w := &walker{}
	w.walk(e, depth)
	m.fwdRaw, m.bodyErr = w.fwd, w.err
	text := w.plain
	if strings.TrimSpace(text) == "" && w.html != "" {
		text = htmlToText(w.html)
	}
	m.text = prepText(text)
	return m, nil
}

// looksBinary reports whether the start of raw is binary data rather than a
// header block: a NUL, or many control bytes.
func looksBinary(raw []byte) bool {
	head := raw[:min(len(raw), 4096)]
	if end := headerEnd(head); end > 0 {
		head = head[:end]
	}
	ctl := 0
	for _, c := range head {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\r' && c != '\n' && c != '\t':
			ctl++
		}
	}
	return ctl > 8
}

// headerEnd returns the offset just past the blank line ending the header
// block of raw, or -1.
func headerEnd(raw []byte) int {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		if j := bytes.Index(raw, []byte("\n\n")); j >= 0 && j < i {
			return j + 2
		}
		return i + 4
	}
	if j := bytes.Index(raw, []byte("\n\n")); j >= 0 {
		return j + 2
	}
	return -1
}

func headerError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "message: ")
	return fmt.Errorf("unreadable mail header: %s", clip(msg, 80))
}

// clip shortens s to at most n bytes of printable text for an error message.
func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == utf8.RuneError {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "..."
	}
	return s
}

// fromAddress returns the bare, lower-cased address of From and its display
// name. A From the address parser rejects is searched for anything shaped
// like an address.
func fromAddress(h *gomail.Header) (addr, name string) {
	if l, err := h.AddressList("From"); err == nil && len(l) > 0 {
		return strings.ToLower(l[0].Address), l[0].Name
	}
	v := headerText(h, "From")
	addr = findAddress(v)
	if i := strings.IndexAny(v, "<["); i > 0 {
		name = strings.Trim(strings.TrimSpace(v[:i]), `"`)
	}
	return addr, name
}

// headerText decodes an RFC 2047 header (adjacent encoded words join without
// the space between them); raw 8-bit bytes are read as UTF-8.
func headerText(h *gomail.Header, key string) string {
	v, err := h.Text(key)
	if err != nil {
		v = h.Get(key)
	}
	v = strings.ToValidUTF8(v, "\uFFFD")
	v = strings.NewReplacer("\r", "", "\n", "").Replace(v)
	return strings.Trim(v, " \t") // no-break spaces are kept (docs/notices.md "subject")
}

// headerDate reads a Date header; RFC 5322 first, then looser forms.
func headerDate(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	t, _ := looseDateTime(v, time.UTC, true)
	return t
}

// walker walks a MIME tree, keeping the first body text and the first
// forwarded message.
type walker struct {
	plain, html string
	haveBody    bool
	fwd         []byte
	parts       int
	err         error
}

func (w *walker) walk(e *message.Entity, depth int) {
	plain, html := w.entity(e, depth)
	if !w.haveBody {
		w.plain, w.html = plain, html
	}
}

// entity returns the text alternatives e offers as a body.
func (w *walker) entity(e *message.Entity, depth int) (plain, html string) {
	if w.err != nil {
		return "", ""
	}
	if w.parts++; w.parts > maxParts {
		w.err = fmt.Errorf("more than %d MIME parts", maxParts)
		return "", ""
	}
	if depth > maxMIMEDepth {
		w.err = fmt.Errorf("MIME parts nested deeper than %d levels", maxMIMEDepth)
		return "", ""
	}
	typ, params, _ := e.Header.ContentType()
	if typ == "" {
		typ = "text/plain"
	}
	disp, _, _ := e.Header.ContentDisposition()
	switch {
	case typ == "message/rfc822" || typ == "message/global":
		if w.fwd == nil {
			b, err := io.ReadAll(io.LimitReader(e.Body, DefaultMaxSize))
			if err = bodyError(err, typ); err != nil {
				w.err = err
				return "", ""
			}
			w.fwd = b
		}
		return "", ""
	case strings.HasPrefix(typ, "multipart/"):
		return w.multipart(e, typ, depth)
	case disp == "attachment":
		return "", ""
	case typ == "text/plain" || typ == "text/html":
		s, err := readText(e.Body, typ)
		if err != nil {
			w.err = err
			return "", ""
		}
		if typ == "text/html" {
			return "", s
		}
		if strings.EqualFold(params["format"], "flowed") {
			s = unflow(s, strings.EqualFold(params["delsp"], "yes"))
		}
		return s, ""
	}
	return "", ""
}

func (w *walker) multipart(e *message.Entity, typ string, depth int) (plain, html string) {
	mr := e.MultipartReader()
	alt := typ == "multipart/alternative"
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
			w.err = bodyError(err, typ)
			break
		}
		pp, ph := w.entity(p, depth+1)
		if w.err != nil {
			break
		}
		switch {
		case alt:
			// The text/plain alternative when there is one, else the HTML.
			if strings.TrimSpace(plain) == "" {
				plain = pp
			}
			if strings.TrimSpace(html) == "" {
				html = ph
			}
		case strings.TrimSpace(plain) == "" && strings.TrimSpace(html) == "":
			// mixed, related, ...: the first body part that is not an attachment.
			plain, html = pp, ph
		}
	}
	return plain, html
}

// readText reads a decoded text part, at most maxTextBytes of it. Text in an
// unknown or undeclared charset that is not UTF-8 is read as windows-1252.
func readText(r io.Reader, typ string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxTextBytes+1))
	if err = bodyError(err, typ); err != nil {
		return "", err
	}
	if len(b) > maxTextBytes {
		return "", fmt.Errorf("%s part is larger than %d MB (the limit for a notice's text)", typ, maxTextBytes>>20)
	}
	if !utf8.Valid(b) {
		if d, err := charmap.Windows1252.NewDecoder().Bytes(b); err == nil {
			b = d
		}
	}
	return string(b), nil
}

// bodyError turns a body read error into a message a person understands.
// Errors a lenient reader can live with (bad quoted-printable) are dropped:
// the text read so far is kept.
func bodyError(err error, typ string) error {
	var b64 base64.CorruptInputError
	switch {
	case err == nil:
		return nil
	case strings.Contains(err.Error(), "NextPart: EOF"):
		return fmt.Errorf("message is cut short: the %s body ends without its closing boundary", typ)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("message is cut short inside a %s part", typ)
	case errors.As(err, &b64):
		return fmt.Errorf("%s part has broken base64 at byte %d", typ, int64(b64))
	case strings.Contains(err.Error(), "quotedprintable"):
		return nil
	}
	return fmt.Errorf("unreadable %s part: %s", typ, clip(err.Error(), 80))
}

// unflow undoes format=flowed (RFC 3676): a line ending in a space continues
// on the next line of the same quote depth; space-stuffing is removed.
func unflow(s string, delsp bool) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	prevFlowed, prevDepth := false, 0
	for line := range strings.SplitSeq(s, "\n") {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		body := line[depth:]
		body = strings.TrimPrefix(body, " ") // space-stuffing
		if prevFlowed && depth != prevDepth {
			b.WriteByte('\n')
		} else if !prevFlowed && b.Len() > 0 {
			b.WriteByte('\n')
		}
		if !prevFlowed || depth != prevDepth {
			b.WriteString(strings.Repeat(">", depth))
			if depth > 0 {
				b.WriteByte(' ')
			}
		}
		flowed := strings.HasSuffix(body, " ") && body != "-- "
		if flowed && delsp {
			body = body[:len(body)-1]
		}
		b.WriteString(body)
		prevFlowed, prevDepth = flowed, depth
	}
	return b.String()
}
