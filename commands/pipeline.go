package commands

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
	"github.com/vtrbot/vtrbot/vtr/notice"
)

// Pipeline takes every received mail through store → parse → reconcile →
// outbox, recording each step in the store, so that a crash at any point
// followed by a restart finishes the work with no duplicate and no loss
// (docs/architecture.md). The IMAP watcher and `bot import mail` both feed it.
type Pipeline struct {
	Cmds *Commands
	// Parse reads a raw mail; nil means notice.ParseBytes.
	Parse func(raw []byte) *vtr.Notice
	// Channel receives triage posts; "" queues none (e.g. `bot import mail`
	// without --post).
	Channel string
	// Queued is called after a post was queued (to wake the outbox sender).
	Queued func()
}

// Relevant reports whether a mail may concern the seller's performance: it
// mentions Amazon anywhere, comes from a carrier (notice.CarrierSender: the
// parser's own list, domains matched on label boundaries), or the parser
// reads it as a notice or carrier update (a forwarded one included). Other
// mail in the seller's inbox is neither stored nor read further
// (docs/notices.md, "Which mail is kept").
func Relevant(raw []byte) bool {
	env, err := notice.ReadEnvelope(raw)
	return relevant(raw, env, err)
}

// relevant is Relevant over the envelope of raw, read once by the caller
// (err: the header could not be read).
func relevant(raw []byte, env notice.Envelope, err error) bool {
	head := raw[:min(len(raw), 2<<20)]
	if bytes.Contains(bytes.ToLower(head), []byte("amazon")) {
		return true
	}
	if err != nil {
		return true // unreadable headers: store it, the parser will report it
	}
	if _, ok := notice.CarrierSender(env.From, env.DisplayName); ok {
		return true
	}
	n, err := notice.Parse(bytes.NewReader(raw))
	return err != nil || n.Kind != vtr.KindOther
}

// MessageID reads the Message-ID header of a raw mail ("" when absent or
// when the header block cannot be read), as the parser reads it.
func MessageID(raw []byte) string {
	env, _ := notice.ReadEnvelope(raw)
	return env.MessageID
}

// Receive stores one mail (advancing its mailbox checkpoint in the same
// transaction) and runs the rest of its pipeline. Irrelevant mail only
// advances the checkpoint (id is then ""). created is false for a mail
// already stored. Only a failure to store returns an error: later steps that
// fail are logged and retried by Drain. The header block is read once, for
// both the relevance test and the store key.
func (p *Pipeline) Receive(ctx context.Context, m store.Mail) (id string, created bool, err error) {
	s := p.Cmds.Store
	env, envErr := notice.ReadEnvelope(m.Raw)
	if !relevant(m.Raw, env, envErr) {
		if m.Mailbox != "" {
			return "", false, s.AdvanceCheckpoint(ctx, m.Account, m.Mailbox, m.UIDValidity, m.UID)
		}
		return "", false, nil
	}
	m.MessageID = env.MessageID
	id, created, err = s.SaveMail(ctx, m)
	if err != nil {
		return "", false, err
	}
	p.run(ctx, id)
	return id, created, nil
}

// MaxNoticeAttempts is how many times the pipeline of one mail may fail
// before the mail is marked failed (store.NoticeFailed): kept, logged and
// listed by /vtr notices, but no longer retried, so that a mail that can
// never be finished neither loops forever nor delays the others.
const MaxNoticeAttempts = 5

// drainPage is how many pending mails Drain reads at a time.
const drainPage = 100

// Drain runs the pipeline of every stored mail that is neither done nor
// given up, oldest first. It walks the pending mails by position, so mails
// that fail again do not hide the ones after them.
func (p *Pipeline) Drain(ctx context.Context) error {
	var after *store.StoredNotice
	for {
		list, err := p.Cmds.Store.PendingNotices(ctx, after, drainPage)
		if err != nil {
			return err
		}
		for _, sn := range list {
			if ctx.Err() != nil {
				return nil
			}
			p.run(ctx, sn.ID)
		}
		if len(list) < drainPage {
			return nil
		}
		after = &list[len(list)-1]
	}
}

// run runs the rest of one stored mail's pipeline. A failure is logged
// and counted in the store (not when ctx ended: that is a stop, not a
// failure); the MaxNoticeAttempts-th marks the mail failed.
func (p *Pipeline) run(ctx context.Context, id string) {
	err := p.Process(ctx, id)
	if err == nil || ctx.Err() != nil {
		return
	}
	log := p.Cmds.Logger
	n, failed, rerr := p.Cmds.Store.RecordNoticeFailure(ctx, id, errorLine(err), MaxNoticeAttempts)
	switch {
	case rerr != nil:
		log.Error("notice pipeline step failed; will retry", "notice_id", id, "error", err, "record_error", rerr)
	case failed:
		log.Error("notice pipeline gave up; the mail is kept and listed by /vtr notices", "notice_id", id, "attempts", n, "error", err)
	case n == 0:
		log.Warn("notice pipeline step failed, but the notice is no longer pending", "notice_id", id, "error", err)
	default:
		log.Error("notice pipeline step failed; will retry", "notice_id", id, "attempt", n, "max_attempts", MaxNoticeAttempts, "error", err)
	}
}

// errorLine is err as kept with a failed mail: one line, at most 500 bytes.
func errorLine(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 500 {
		s = strings.ToValidUTF8(s[:500], "") + "…"
	}
	return s
}

// Process runs the remaining steps of one stored mail. It reads the
// notice's row once and walks forward from its state, keeping what each step
// recorded (docs/architecture.md, "A mail's way"): a mail parsed here goes
// on as the store keeps it (vtr.Notice.Canonical), so it is reconciled alike
// whether its pipeline runs at once or resumes after a crash.
func (p *Pipeline) Process(ctx context.Context, id string) error {
	s := p.Cmds.Store
	sn, err := s.StoredNotice(ctx, id)
	if err != nil {
		return err
	}
	var n *vtr.Notice
	switch sn.State {
	case store.NoticeStored:
		if n, err = p.parseStored(ctx, sn); n == nil || err != nil {
			return err
		}
	case store.NoticeParseFailed, store.NoticeDone, store.NoticeFailed:
		return nil
	default: // parsed or reconciled
		if n = sn.Notice(); n == nil {
			return fmt.Errorf("notice %s: parsed JSON unreadable", id)
		}
	}
	if sn.State == store.NoticeParsed {
		caseKey, err := p.caseOf(ctx, sn.ID, n)
		if err != nil {
			return err
		}
		var events []vtr.Event
		if n.Kind == vtr.KindCarrierUpdate && n.Authentic {
			events = n.Events // carrier scans are evidence for VERIFIED
		}
		if err := s.SaveReconciled(ctx, id, caseKey, n.CaseID, events); err != nil {
			return err
		}
		sn.State, sn.CaseKey = store.NoticeReconciled, caseKey
	}
	return p.finish(ctx, sn, n)
}

// parseStored runs the parse step of a stored mail and records it. It returns
// the notice as stored, with sn moved to parsed; nil (and no error) for a
// mail that could not be parsed at all, which is recorded as such.
func (p *Pipeline) parseStored(ctx context.Context, sn *store.StoredNotice) (*vtr.Notice, error) {
	s, id := p.Cmds.Store, sn.ID
	parse := p.Parse
	if parse == nil {
		parse = notice.ParseBytes
	}
	n := parse(sn.Raw)
	if n == nil {
		if err := s.SaveParsed(ctx, id, nil, "unreadable mail"); err != nil {
			return nil, err
		}
		p.Cmds.Logger.Warn("mail could not be parsed; kept", "notice_id", id)
		return nil, nil
	}
	if n.Error != "" {
		p.Cmds.Logger.Warn("mail read with an error; kept", "notice_id", id, "parse_error", n.Error)
	}
	if untrustedForward(n) && n.Kind != vtr.KindOther {
		p.Cmds.Logger.Warn("forwarded mail not believed: kept, never posted as Amazon's word nor used as evidence",
			"notice_id", id, "forwarded_by", n.ForwardedBy, "why", n.ForwardWhy)
	}
	if err := s.SaveParsed(ctx, id, n, n.Error); err != nil {
		return nil, err
	}
	stored, err := n.Canonical()
	if err != nil {
		return nil, fmt.Errorf("notice %s: parsed JSON unreadable", id)
	}
	sn.State = store.NoticeParsed
	return stored, nil
}

// finish reconciles (against the evidence now stored), queues the post and
// marks the notice done.
func (p *Pipeline) finish(ctx context.Context, sn *store.StoredNotice, n *vtr.Notice) error {
	s := p.Cmds.Store
	e, err := p.Cmds.Explain(ctx, n, p.Cmds.caseWindow(ctx, sn))
	if err != nil {
		return err
	}
	result, err := json.Marshal(e)
	if err != nil {
		return err
	}
	post, err := p.post(ctx, sn, n, e)
	if err != nil {
		return err
	}
	if err := s.FinishNotice(ctx, sn.ID, result, post); err != nil {
		return err
	}
	if post != nil && p.Queued != nil {
		p.Queued()
	}
	return nil
}

// TriageID is the outbox ID of a notice's top-level message: keyed by the
// notice's own Message-ID, so a notice that arrives both directly and
// forwarded is posted once.
func TriageID(n *vtr.Notice, noticeID string) string {
	if n != nil && n.MessageID != "" {
		return "triage:" + n.MessageID
	}
	return "triage:" + noticeID
}

// post decides what to queue for a notice: a top-level triage message for a
// notice that opens a case; a thread reply for a Support reply or carrier
// update of a case whose notice is posted; nothing for other mail, spoofs,
// or when no channel is configured. Only "not found" (no case notice, or
// nothing queued for it) means the case has no post to reply to; any other
// store error is returned, for the step to be retried, rather than turning
// a reply into a top-level post.
func (p *Pipeline) post(ctx context.Context, sn *store.StoredNotice, n *vtr.Notice, e vtr.Explanation) (*store.OutboxEntry, error) {
	if p.Channel == "" || n.Kind == vtr.KindOther || !n.Authentic {
		return nil, nil
	}
	payload := func(r Reply) string {
		b, _ := json.Marshal(r)
		return string(b)
	}
	if sn.CaseKey != "" && sn.CaseKey != sn.ID {
		parent, err := p.parentPost(ctx, sn.CaseKey)
		if err != nil {
			return nil, err
		}
		if parent != "" {
			r := TriageReply(e, sn.ID, nil)
			if n.Kind == vtr.KindCarrierUpdate {
				r = CarrierReply(e)
			}
			return &store.OutboxEntry{ID: "thread:" + sn.ID, NoticeID: sn.ID, Kind: store.OutboxThread, Channel: p.Channel,
				ThreadOf: parent, Payload: payload(r)}, nil
		}
	}
	if n.Kind == vtr.KindCarrierUpdate {
		return nil, nil // carrier mail is evidence, not a notice: never top level
	}
	return &store.OutboxEntry{ID: TriageID(n, sn.ID), NoticeID: sn.ID, Kind: store.OutboxTriage, Channel: p.Channel,
		Payload: payload(TriageReply(e, sn.ID, nil))}, nil
}

// parentPost returns the outbox ID of the top-level post of the case
// caseKey, or "" when the case's notice or its post is not found.
func (p *Pipeline) parentPost(ctx context.Context, caseKey string) (string, error) {
	s := p.Cmds.Store
	root, err := s.StoredNotice(ctx, caseKey)
	if notFound(err) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	parent := TriageID(root.Notice(), root.ID)
	if _, err := s.OutboxEntry(ctx, parent); notFound(err) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	return parent, nil
}

// notFound reports whether err is the store's "not found".
func notFound(err error) bool {
	return err != nil && (vtr.ErrorCode(err) == vtr.ENOTFOUND || errors.Is(err, sql.ErrNoRows))
}

// CarrierReply is the short thread reply for a carrier update.
func CarrierReply(e vtr.Explanation) Reply {
	var b strings.Builder
	for _, f := range e.Findings {
		b.WriteString(sevIcon(f.Severity) + " " + Escape(f.Text) + "\n")
	}
	if b.Len() == 0 {
		b.WriteString(amazonSays(e.Notice, e.Window))
	}
	return Reply{Text: "📦 Carrier update", Blocks: []Block{{Kind: BlockSection, Text: "📦 *Carrier update* from " + Escape(e.Notice.From) + "\n" + b.String()}}}
}

// caseOf links a notice to a case: by the Message-IDs it answers, by a
// "[CASE n]" reference, or (a Support reply or carrier mail with no link) to
// the latest warning about the same metric in the last 60 days; otherwise
// the notice opens its own case.
func (p *Pipeline) caseOf(ctx context.Context, id string, n *vtr.Notice) (string, error) {
	s := p.Cmds.Store
	refs := append([]string{}, n.References...)
	if n.InReplyTo != "" {
		refs = append(refs, n.InReplyTo)
	}
	if k, err := s.FindCase(ctx, refs); err != nil || k != "" {
		return k, err
	}
	if n.CaseID != "" {
		if k, err := s.FindCaseByRef(ctx, n.CaseID, id); err != nil || k != "" {
			return k, err
		}
	}
	if n.Kind == vtr.KindSupportReply || n.Kind == vtr.KindCarrierUpdate {
		metric := n.Metric // a reply that names no metric may answer any warning
		if n.Kind == vtr.KindCarrierUpdate {
			metric = vtr.MetricVTR // scans matter to the tracking rate only
		}
		var from, to time.Time
		if !n.Date.IsZero() {
			from, to = n.Date.Add(-60*24*time.Hour), n.Date
		}
		if k, err := s.LatestWarningCase(ctx, id, metric, from, to); err != nil || k != "" {
			return k, err
		}
	}
	return id, nil
}
