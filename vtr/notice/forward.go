package notice

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// forwardInfo says how the notice reached the seller when it was forwarded.
type forwardInfo struct {
	by      string // the outermost forwarding mail's From address
	inline  bool   // an inline "Forwarded message" block, not an attached message
	hops    []hop  // each forward, outermost first
	outerID string // the outermost forwarding mail's own Message-ID

	trusted bool   // the forward is believed (Trust.judgeForward)
	why     string // why it is, or is not
}

// resolveForward finds the notice inside outer: the message itself, or the
// notice it forwards (an attached message/rfc822 part, or an inline
// "Forwarded message" block), following forwards of forwards a few levels
// deep. It also sets the own text of the result.
func resolveForward(outer *mailMsg) (*mailMsg, *forwardInfo) {
	src := outer
	var fwd *forwardInfo
	addHop := func(m *mailMsg) {
		if fwd == nil {
			fwd = &forwardInfo{by: outer.from, outerID: outer.messageID}
		}
		fwd.hops = append(fwd.hops, hop{from: m.from, authRes: m.authRes, hasAuthRes: m.hasAuthRes, inline: m.inline})
	}
	for depth := 0; depth <= maxFwdDepth; depth++ {
		if src.fwdRaw != nil && depth < maxFwdDepth {
			inner, err := readMessage(src.fwdRaw, depth+1)
			if err == nil {
				addHop(src)
				if inner.messageID == "" {
					inner.messageID = src.messageID
				}
				if inner.date.IsZero() {
					inner.date = src.date
				}
				src = inner
				continue
			}
		}
		own, blk := splitOwn(src.text, src.subject)
		if blk == nil || depth == maxFwdDepth {
			src.own = own
			break
		}
		addHop(src)
		fwd.inline = true
		src = blk.message(src)
	}
	return src, fwd
}

// block is an inline forwarded message: its header lines and its text.
type block struct {
	from, date, subject, messageID string
	body                           string
}

// message turns an inline block into the notice it carries. Its date, when
// written without a zone, is read in the forwarding mail's offset.
func (b *block) message(fwd *mailMsg) *mailMsg {
	m := &mailMsg{inline: true, text: b.body, messageID: b.messageID}
	if m.messageID == "" {
		m.messageID = fwd.messageID
	}
	m.from = findAddress(b.from)
	if i := strings.IndexAny(b.from, "<["); i > 0 {
		m.fromName = strings.Trim(strings.TrimSpace(b.from[:i]), `"'*`)
	}
	m.subject = strings.TrimSpace(b.subject)
	if m.subject == "" {
		m.subject = stripForwardPrefix(fwd.subject)
	}
	loc := time.UTC
	if !fwd.date.IsZero() {
		loc = fwd.date.Location()
	}
	if t, err := mail.ParseDate(strings.TrimSpace(b.date)); err == nil {
		m.date = t
	} else {
		m.date, _ = looseDateTime(b.date, loc, true)
	}
	if m.date.IsZero() {
		m.date = fwd.date
	}
	return m
}

var forwardPrefix = regexp.MustCompile(`(?i)^\s*(fwd?|fw|wg|tr|i|rv|enc|転送)\s*:\s*`)

func stripForwardPrefix(s string) string {
	for i := 0; i < 4; i++ {
		t := forwardPrefix.ReplaceAllString(s, "")
		if t == s {
			break
		}
		s = t
	}
	return s
}

var (
	// Forwarded-message separators (docs/notices.md "Forwards": Thunderbird, Gmail, Apple Mail)
	// and their translations.
	forwardSep = regexp.MustCompile(`^(-{2,} ?(forwarded message|weitergeleitete nachricht|message transféré|messaggio inoltrato|mensaje reenviado|転送されたメッセージ) ?-{2,}|(begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié|inizio messaggio inoltrato|inicio del mensaje reenviado|転送されたメッセージ) ?:)$`)
	// Outlook's separators: the start of quoted history in a reply, of the
	// forwarded mail in a forward.
	originalSep = regexp.MustCompile(`^(-{3,} ?(original message|ursprüngliche nachricht|message d'origine|messaggio originale|mensaje original|元のメッセージ) ?-{3,}|_{10,})$`)
	// Attribution lines opening quoted history ("On ... wrote:").
	attribution = regexp.MustCompile(`^(on .{4,250} wrote:|am .{4,250} schrieb .{0,250}:|le .{4,250} a écrit ?:|il .{4,250} ha scritto:|el .{4,250} escribió:|.{0,250}\S+@\S+>? wrote:|.{0,250}(に書きました|のメッセージ) ?:|\d{4}年\d{1,2}月\d{1,2}日.{0,200}<\S+@\S+> ?:)$`)
)

// Words that must be on a line before the regular expressions above are tried.
var (
	forwardWords     = []string{"forward", "weitergeleitet", "transféré", "réexpédié", "inoltrato", "reenviado", "転送"}
	attributionWords = []string{"wrote:", "schrieb", "écrit", "scritto:", "escribió:", "書きました", "メッセージ", ">:", "> :"}
)

// splitOwn returns a message's own text: lines starting with '>' are
// dropped, and the text ends where quoted history starts (an attribution
// line, an Outlook "Original Message" line). When a forwarded-message
// separator followed by a header block comes first, that block is returned:
// the forwarder's note above it is not the notice.
func splitOwn(text, subject string) (string, *block) {
	lines := strings.Split(text, "\n")
	var own []string
	isFwd := forwardPrefix.MatchString(subject)
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if strings.HasPrefix(t, ">") {
			continue
		}
		if t == "" || len(t) > 600 {
			own = append(own, lines[i])
			continue
		}
		low := strings.ToLower(collapse(t))
		if containsAny(low, forwardWords) && forwardSep.MatchString(low) {
			if b := headerBlock(lines[i+1:]); b != nil {
				return strings.Join(own, "\n"), b
			}
		}
		if (low[0] == '-' || low[0] == '_') && originalSep.MatchString(low) {
			// An Outlook forward ("FW:" subject) carries the notice below its
			// separator; in a reply the same lines start the quoted history.
			b := headerBlock(lines[i+1:])
			if b != nil && isFwd {
				return strings.Join(own, "\n"), b
			}
			if b != nil || low[0] == '-' {
				break
			}
		}
		if containsAny(low, attributionWords) && attribution.MatchString(low) {
			break
		}
		if i+1 < len(lines) && strings.HasPrefix(low, "on ") && !strings.Contains(low, "wrote:") {
			// Gmail wraps a long attribution line over two.
			joined := low + " " + strings.ToLower(collapse(lines[i+1]))
			if len(joined) < 400 && attribution.MatchString(joined) {
				break
			}
		}
		own = append(own, lines[i])
	}
	return strings.Join(own, "\n"), nil
}

var headerKey = map[string]string{
	"from": "from", "von": "from", "de": "from", "da": "from", "差出人": "from", "送信者": "from", "expéditeur": "from",
	"date": "date", "sent": "date", "datum": "date", "gesendet": "date", "envoyé": "date", "fecha": "date",
	"enviado": "date", "data": "date", "inviato": "date", "日付": "date", "送信日時": "date", "日時": "date",
	"subject": "subject", "betreff": "subject", "objet": "subject", "oggetto": "subject", "asunto": "subject", "件名": "subject",
	"to": "to", "an": "to", "à": "to", "a": "to", "para": "to", "宛先": "to", "cc": "to", "bcc": "to", "kopie": "to",
	"reply-to": "to", "antwort an": "to", "répondre à": "to", "rispondi a": "to", "responder a": "to",
	"message-id": "message-id",
}

var headerLine = regexp.MustCompile(`^([\p{L}][\p{L}\-]*(?: [\p{L}]+)?) ?: ?(.*)$`)

// headerBlock reads the header lines of an inline forwarded message (the
// value may follow a tab; some clients quote them with '>'). It needs at
// least From and Date (or a translation, or Outlook's "Sent").
func headerBlock(lines []string) *block {
	i := 0
	for i < len(lines) && i < 3 && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	quoted := i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), ">")
	unquote := func(s string) string {
		if quoted {
			s = strings.TrimSpace(s)
			s = strings.TrimPrefix(s, ">")
			s = strings.TrimPrefix(s, " ")
		}
		return s
	}
	b := &block{}
	fields, last := 0, ""
	for ; i < len(lines) && fields < 20; i++ {
		l := unquote(lines[i])
		t := strings.TrimSpace(strings.ReplaceAll(l, "*", ""))
		if t == "" {
			break
		}
		m := headerLine.FindStringSubmatch(collapse(t))
		key := ""
		if m != nil {
			key = headerKey[strings.ToLower(m[1])]
		}
		if key == "" {
			if last != "" && (l[0] == ' ' || l[0] == '\t') {
				continue // a folded value
			}
			break
		}
		v := strings.TrimSpace(m[2])
		switch key {
		case "from":
			if b.from == "" {
				b.from = v
			}
		case "date":
			if b.date == "" {
				b.date = v
			}
		case "subject":
			if b.subject == "" {
				b.subject = v
			}
		case "message-id":
			b.messageID = v
		}
		fields++
		last = key
	}
	if b.from == "" || b.date == "" {
		return nil
	}
	var body []string
	for ; i < len(lines); i++ {
		body = append(body, unquote(lines[i]))
	}
	b.body = strings.Join(body, "\n")
	return b
}

var addressRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)

// findAddress returns the first thing shaped like an e-mail address in s,
// lower-cased.
func findAddress(s string) string {
	if i := strings.IndexByte(s, '<'); i >= 0 {
		if a := addressRe.FindString(s[i:]); a != "" {
			return strings.ToLower(a)
		}
	}
	return strings.ToLower(addressRe.FindString(s))
}
