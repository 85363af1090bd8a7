package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// Notice states: every mail moves stored → parsed → reconciled → done, each
// step recorded, so a crash anywhere resumes where it stopped. A mail that
// cannot be parsed is kept as parse_failed (and reported), never dropped.
const (
	NoticeStored      = "stored"
	NoticeParsed      = "parsed"
	NoticeParseFailed = "parse_failed"
	NoticeReconciled  = "reconciled"
	NoticeDone        = "done"
)

// Mail is one received message.
type Mail struct {
	MessageID   string // the Message-ID header; "" when it has none
	Account     string // IMAP account, "" for imported files
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	Raw         []byte
	Source      string // "imap", or the imported file's name
}

// NoticeID is the key of a mail: its Message-ID, else a hash of its bytes.
func NoticeID(messageID string, raw []byte) string {
	if messageID != "" {
		return messageID
	}
	h := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(h[:])
}

// SaveMail stores a raw message and, for mailbox messages, advances the
// mailbox checkpoint to its UID, in one transaction: the checkpoint never
// moves past a message that is not stored. A message already stored (same
// Message-ID or same bytes) is not stored again; created reports which.
func (s *Store) SaveMail(ctx context.Context, m Mail) (id string, created bool, err error) {
	id = NoticeID(m.MessageID, m.Raw)
	h := sha256.Sum256(m.Raw)
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO notices (notice_id, account, mailbox, uidvalidity, uid, raw, raw_sha256, received_at, source)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
			id, m.Account, m.Mailbox, int64(m.UIDValidity), int64(m.UID), m.Raw, hex.EncodeToString(h[:]), fmtTime(s.Now()), m.Source)
		if err != nil {
			return fmt.Errorf("store mail: %w", err)
		}
		n, _ := res.RowsAffected()
		created = n > 0
		if !created {
			// Same bytes under another Message-ID key: report the stored one.
			var have string
			if err := tx.GetContext(ctx, &have, s.q(`SELECT notice_id FROM notices WHERE notice_id = ? OR raw_sha256 = ?`), id, hex.EncodeToString(h[:])); err == nil {
				id = have
			}
		}
		if m.Account != "" || m.Mailbox != "" {
			return s.advanceCheckpoint(ctx, tx, m.Account, m.Mailbox, m.UIDValidity, m.UID)
		}
		return nil
	})
	return id, created, err
}

// StoredNotice is a stored mail with its pipeline state.
type StoredNotice struct {
	ID         string `db:"notice_id"`
	Account    string `db:"account"`
	Mailbox    string `db:"mailbox"`
	UID        int64  `db:"uid"`
	Raw        []byte `db:"raw"`
	State      string `db:"state"`
	Kind       string `db:"kind"`
	Parsed     string `db:"parsed"`
	ParseError string `db:"parse_error"`
	CaseKey    string `db:"case_key"`
	Result     string `db:"result"`
	ReceivedAt string `db:"received_at"`
	NoticeDate string `db:"notice_date"`
	Source     string `db:"source"`
}

// Notice decodes the parsed notice (nil if not parsed yet).
func (n *StoredNotice) Notice() *vtr.Notice {
	if n.Parsed == "" {
		return nil
	}
	var v vtr.Notice
	if json.Unmarshal([]byte(n.Parsed), &v) != nil {
		return nil
	}
	return &v
}

const noticeSelect = `SELECT notice_id, account, mailbox, uid, raw, state, kind, parsed, parse_error, case_key, result,
	received_at, notice_date, source FROM notices`

// PendingNotices returns the notices whose pipeline is not done, oldest first.
func (s *Store) PendingNotices(ctx context.Context, limit int) ([]StoredNotice, error) {
	var out []StoredNotice
	err := s.db.SelectContext(ctx, &out, s.q(noticeSelect+` WHERE state <> ? AND state <> ? ORDER BY received_at, notice_id LIMIT ?`),
		NoticeDone, NoticeParseFailed, limit)
	return out, err
}

// StoredNotice returns one notice by ID. ENOTFOUND when unknown.
func (s *Store) StoredNotice(ctx context.Context, id string) (*StoredNotice, error) {
	var n StoredNotice
	if err := s.db.GetContext(ctx, &n, s.q(noticeSelect+` WHERE notice_id = ?`), id); err != nil {
		return nil, notFound(err, "notice %s not found", id)
	}
	return &n, nil
}

// Notices lists the latest notices (newest first), without raw bytes.
func (s *Store) Notices(ctx context.Context, limit int) ([]StoredNotice, error) {
	var out []StoredNotice
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT notice_id, account, mailbox, uid, state, kind, parsed, parse_error,
		case_key, result, received_at, notice_date, source FROM notices ORDER BY notice_date DESC, received_at DESC, notice_id LIMIT ?`), limit)
	return out, err
}

// CaseNotices lists the notices of one case, oldest first.
func (s *Store) CaseNotices(ctx context.Context, caseKey string) ([]StoredNotice, error) {
	var out []StoredNotice
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT notice_id, account, mailbox, uid, state, kind, parsed, parse_error,
		case_key, result, received_at, notice_date, source FROM notices WHERE case_key = ? ORDER BY notice_date, received_at`), caseKey)
	return out, err
}

// SaveParsed records the parse step: the notice as JSON, or why it failed.
func (s *Store) SaveParsed(ctx context.Context, id string, n *vtr.Notice, parseErr string) error {
	state, parsed, kind, date := NoticeParsed, "", "", ""
	if n != nil {
		b, err := json.Marshal(n)
		if err != nil {
			return err
		}
		parsed, kind = string(b), string(n.Kind)
		date = fmtTime(n.Date)
	}
	if parseErr != "" && n == nil {
		state = NoticeParseFailed
	}
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE notices SET state = ?, parsed = ?, kind = ?, parse_error = ?, notice_date = ? WHERE notice_id = ?`),
		state, parsed, kind, parseErr, date, id)
	return err
}

// SaveReconciled records the reconcile step: the case the notice belongs to
// (and the "[CASE n]" reference it carries), the result so far, and carrier
// events as evidence, in one transaction.
func (s *Store) SaveReconciled(ctx context.Context, id, caseKey, caseRef string, result []byte, events []vtr.Event) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		if len(events) > 0 {
			if _, err := s.addCarrierEvents(ctx, tx, id, events); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, s.q(`UPDATE notices SET state = ?, case_key = ?, case_ref = ?, result = ? WHERE notice_id = ?`),
			NoticeReconciled, caseKey, caseRef, string(result), id)
		return err
	})
}

// FinishNotice records the reconciliation result, queues the notice's
// outbox entry (if any) and marks it done, in one transaction.
func (s *Store) FinishNotice(ctx context.Context, id string, result []byte, post *OutboxEntry) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		if post != nil {
			if err := s.enqueue(ctx, tx, *post); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, s.q(`UPDATE notices SET state = ?, result = ? WHERE notice_id = ?`), NoticeDone, string(result), id)
		return err
	})
}

// FindCase returns the case key of the first stored notice among ids (a
// reply's In-Reply-To and References), or "".
func (s *Store) FindCase(ctx context.Context, ids []string) (string, error) {
	if len(ids) == 0 {
		return "", nil
	}
	q, args, err := sqlx.In(`SELECT case_key FROM notices WHERE notice_id IN (?) AND case_key <> '' ORDER BY received_at LIMIT 1`, ids)
	if err != nil {
		return "", err
	}
	var keys []string
	if err := s.db.SelectContext(ctx, &keys, s.q(q), args...); err != nil || len(keys) == 0 {
		return "", err
	}
	return keys[0], nil
}

// FailedNotices lists mails that could not be parsed.
func (s *Store) FailedNotices(ctx context.Context) ([]StoredNotice, error) {
	var out []StoredNotice
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT notice_id, account, mailbox, uid, state, kind, parsed, parse_error,
		case_key, result, received_at, notice_date, source FROM notices WHERE state = ? ORDER BY received_at`), NoticeParseFailed)
	return out, err
}

// FindCaseByRef returns the case key of a stored notice (other than
// except) that carries the same "[CASE n]" reference, or "".
func (s *Store) FindCaseByRef(ctx context.Context, ref, except string) (string, error) {
	var keys []string
	err := s.db.SelectContext(ctx, &keys, s.q(`SELECT case_key FROM notices WHERE case_ref = ? AND notice_id <> ? AND case_key <> ''
		ORDER BY received_at LIMIT 1`), ref, except)
	if err != nil || len(keys) == 0 {
		return "", err
	}
	return keys[0], nil
}
