package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
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
// mail in the seller's inbox is neither stored nor read further.
func Relevant(raw []byte) bool {
	head := raw[:min(len(raw), 2<<20)]
	if bytes.Contains(bytes.ToLower(head), []byte("amazon")) {
		return true
	}
	addr, name, err := notice.Sender(raw)
	if err != nil {
		return true // unreadable headers: store it, the parser will report it
	}
	if _, ok := notice.CarrierSender(addr, name); ok {
		return true
	}
	n, err := notice.Parse(bytes.NewReader(raw))
	return err != nil || n.Kind != vtr.KindOther
}

// MessageID reads the Message-ID header of a raw mail ("" when absent).
func MessageID(raw []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(raw[:min(len(raw), 256<<10)]))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(m.Header.Get("Message-Id"))
}

// Receive stores one mail (advancing its mailbox checkpoint in the same
// transaction) and runs the rest of its pipeline. Irrelevant mail only
// advances the checkpoint (id is then ""). created is false for a mail
// already stored. Only a failure to store returns an error: later steps that
// fail are logged and retried by Drain.
func (p *Pipeline) Receive(ctx context.Context, m store.Mail) (id string, created bool, err error) {
	s := p.Cmds.Store
	if !Relevant(m.Raw) {
		if m.Mailbox != "" {
			return "", false, s.AdvanceCheckpoint(ctx, m.Account, m.Mailbox, m.UIDValidity, m.UID)
		}
		return "", false, nil
	}
	m.MessageID = MessageID(m.Raw)
	id, created, err = s.SaveMail(ctx, m)
	if err != nil {
		return "", false, err
	}
	if err := p.Process(ctx, id); err != nil {
		p.Cmds.Logger.Error("notice pipeline step failed; will retry", "notice_id", id, "error", err)
	}
	return id, created, nil
}

// Drain runs the pipeline of every stored mail that is not done.
func (p *Pipeline) Drain(ctx context.Context) error {
	for {
		list, err := p.Cmds.Store.PendingNotices(ctx, 100)
		if err != nil {
			return err
		}
		progressed := false
		for _, sn := range list {
			if err := p.Process(ctx, sn.ID); err != nil {
				p.Cmds.Logger.Error("notice pipeline step failed; will retry", "notice_id", sn.ID, "error", err)
				continue
			}
			progressed = true
		}
		if len(list) < 100 || !progressed {
			return nil
		}
	}
}

// Process runs the remaining steps of one stored mail.
func (p *Pipeline) Process(ctx context.Context, id string) error {
	s := p.Cmds.Store
	sn, err := s.StoredNotice(ctx, id)
	if err != nil {
		return err
	}
	if sn.State == store.NoticeStored {
		parse := p.Parse
		if parse == nil {
			parse = notice.ParseBytes
		}
		n := parse(sn.Raw)
		if n == nil {
			if err := s.SaveParsed(ctx, id, nil, "unreadable mail"); err != nil {
				return err
			}
			p.Cmds.Logger.Warn("mail could not be parsed; kept", "notice_id", id)
			return nil
		}
		if n.Error != "" {
			p.Cmds.Logger.Warn("mail read with an error; kept", "notice_id", id, "parse_error", n.Error)
		}
		if untrustedForward(n) && n.Kind != vtr.KindOther {
			p.Cmds.Logger.Warn("forwarded mail not believed: kept, never posted as Amazon's word nor used as evidence",
				"notice_id", id, "forwarded_by", n.ForwardedBy, "why", n.ForwardWhy)
		}
		if err := s.SaveParsed(ctx, id, n, n.Error); err != nil {
			return err
		}
		if sn, err = s.StoredNotice(ctx, id); err != nil {
			return err
		}
	}
	if sn.State == store.NoticeParseFailed || sn.State == store.NoticeDone {
		return nil
	}
	n := sn.Notice()
	if n == nil {
		return fmt.Errorf("notice %s: parsed JSON unreadable", id)
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
		if err := s.SaveReconciled(ctx, id, caseKey, n.CaseID, nil, events); err != nil {
			return err
		}
		if sn, err = s.StoredNotice(ctx, id); err != nil {
			return err
		}
	}
	return p.finish(ctx, sn, n)
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
	post := p.post(ctx, sn, n, e)
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
// or when no channel is configured.
func (p *Pipeline) post(ctx context.Context, sn *store.StoredNotice, n *vtr.Notice, e vtr.Explanation) *store.OutboxEntry {
	if p.Channel == "" || n.Kind == vtr.KindOther || !n.Authentic {
		return nil
	}
	payload := func(r Reply) string {
		b, _ := json.Marshal(r)
		return string(b)
	}
	if sn.CaseKey != "" && sn.CaseKey != sn.ID {
		if root, err := p.Cmds.Store.StoredNotice(ctx, sn.CaseKey); err == nil {
			parent := TriageID(root.Notice(), root.ID)
			if _, err := p.Cmds.Store.OutboxEntry(ctx, parent); err == nil {
				r := TriageReply(e, sn.ID, nil)
				if n.Kind == vtr.KindCarrierUpdate {
					r = CarrierReply(e)
				}
				return &store.OutboxEntry{ID: "thread:" + sn.ID, NoticeID: sn.ID, Kind: store.OutboxThread, Channel: p.Channel,
					ThreadOf: parent, Payload: payload(r)}
			}
		}
	}
	if n.Kind == vtr.KindCarrierUpdate {
		return nil // carrier mail is evidence, not a notice: never top level
	}
	return &store.OutboxEntry{ID: TriageID(n, sn.ID), NoticeID: sn.ID, Kind: store.OutboxTriage, Channel: p.Channel,
		Payload: payload(TriageReply(e, sn.ID, nil))}
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
		list, err := s.Notices(ctx, 100)
		if err != nil {
			return "", err
		}
		since := n.Date.Add(-60 * 24 * time.Hour)
		for _, o := range list {
			on := o.Notice()
			if o.ID == id || on == nil || !on.Authentic || o.CaseKey == "" {
				continue
			}
			if on.Kind != vtr.KindPerformanceWarning && on.Kind != vtr.KindDeactivation {
				continue
			}
			if !n.Date.IsZero() && (on.Date.Before(since) || on.Date.After(n.Date)) {
				continue
			}
			if n.Kind == vtr.KindCarrierUpdate && on.Metric != vtr.MetricVTR {
				continue
			}
			if n.Kind == vtr.KindSupportReply && n.Metric != "" && on.Metric != n.Metric {
				continue
			}
			return o.CaseKey, nil
		}
	}
	return id, nil
}
