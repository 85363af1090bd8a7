package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// Notice states: every mail moves stored → parsed → reconciled → done, each
// step recorded, so a crash anywhere resumes where it stopped. A mail that
// cannot be parsed is kept as parse_failed (and reported), never dropped. A
// mail whose pipeline failed too often (RecordNoticeFailure) is kept as
// failed, with its last error, and no longer tried (docs/architecture.md).
// The values are those of the notices table's state column.
type NoticeState string

// The notice states.
const (
	NoticeStored      NoticeState = "stored"
	NoticeParsed      NoticeState = "parsed"
	NoticeParseFailed NoticeState = "parse_failed"
	NoticeReconciled  NoticeState = "reconciled"
	NoticeDone        NoticeState = "done"
	NoticeFailed      NoticeState = "failed"
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
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO notices (account, notice_id, imap_account, mailbox, uidvalidity, uid, raw, raw_sha256, received_at, source)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
			s.account, id, m.Account, m.Mailbox, int64(m.UIDValidity), int64(m.UID), m.Raw, hex.EncodeToString(h[:]), fmtTime(s.Now()), m.Source)
		if err != nil {
			return fmt.Errorf("store mail: %w", err)
		}
		n, _ := res.RowsAffected()
		created = n > 0
		if !created {
			// Same bytes under another Message-ID key: report the stored one.
			var have string
			if err := tx.GetContext(ctx, &have, s.q(`SELECT notice_id FROM notices WHERE account = ? AND (notice_id = ? OR raw_sha256 = ?)`),
				s.account, id, hex.EncodeToString(h[:])); err == nil {
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
	ID         string      `db:"notice_id"`
	Account    string      `db:"imap_account"`
	Mailbox    string      `db:"mailbox"`
	UID        int64       `db:"uid"`
	Raw        []byte      `db:"raw"`
	State      NoticeState `db:"state"`
	Kind       string      `db:"kind"`
	Parsed     string      `db:"parsed"`
	ParseError string      `db:"parse_error"`
	CaseKey    string      `db:"case_key"`
	Result     string      `db:"result"`
	ReceivedAt string      `db:"received_at"`
	NoticeDate string      `db:"notice_date"`
	Source     string      `db:"source"`
	Attempts   int         `db:"attempts"`   // failed runs of the pipeline
	LastError  string      `db:"last_error"` // the last failure's error
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

// noticeColumns are a StoredNotice's columns but the raw bytes.
const noticeColumns = `notice_id, imap_account, mailbox, uid, state, kind, parsed, parse_error, case_key, result,
	received_at, notice_date, source, attempts, last_error`

const noticeSelect = `SELECT raw, ` + noticeColumns + ` FROM notices`

// PendingNotices returns up to limit notices whose pipeline is neither done
// nor given up, oldest first, after the notice after (nil: from the first),
// without their raw bytes. Paging by position, not by state, lets a caller
// walk past notices that keep failing.
func (s *Store) PendingNotices(ctx context.Context, after *StoredNotice, limit int) ([]StoredNotice, error) {
	var afterAt, afterID string
	if after != nil {
		afterAt, afterID = after.ReceivedAt, after.ID
	}
	var out []StoredNotice
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT `+noticeColumns+` FROM notices WHERE account = ? AND state IN (?, ?, ?)
		AND (received_at > ? OR (received_at = ? AND notice_id > ?)) ORDER BY received_at, notice_id LIMIT ?`),
		s.account, NoticeStored, NoticeParsed, NoticeReconciled, afterAt, afterAt, afterID, limit)
	if err != nil {
		return out, fmt.Errorf("pending notices: %w", err)
	}
	return out, nil
}

// StoredNotice returns one notice by ID. ENOTFOUND when unknown.
func (s *Store) StoredNotice(ctx context.Context, id string) (*StoredNotice, error) {
	var n StoredNotice
	if err := s.db.GetContext(ctx, &n, s.q(noticeSelect+` WHERE account = ? AND notice_id = ?`), s.account, id); err != nil {
		return nil, notFound(err, "notice %s not found", id)
	}
	return &n, nil
}

// Notices lists the latest notices (newest first), without raw bytes.
func (s *Store) Notices(ctx context.Context, limit int) ([]StoredNotice, error) {
	var out []StoredNotice
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT `+noticeColumns+` FROM notices WHERE account = ?
		ORDER BY notice_date DESC, received_at DESC, notice_id LIMIT ?`), s.account, limit)
	if err != nil {
		return out, fmt.Errorf("list notices: %w", err)
	}
	return out, nil
}

// SaveParsed records the parse step: the notice as JSON, or why it failed.
// Its kind, date, metric and authenticity are kept in columns too, for
// LatestWarningCase.
func (s *Store) SaveParsed(ctx context.Context, id string, n *vtr.Notice, parseErr string) error {
	state, parsed, kind, date, metric, authentic := NoticeParsed, "", "", "", "", false
	if n != nil {
		b, err := json.Marshal(n)
		if err != nil {
			return err
		}
		parsed, kind = string(b), string(n.Kind)
		date, metric, authentic = fmtTime(n.Date), string(n.Metric), n.Authentic
	}
	if parseErr != "" && n == nil {
		state = NoticeParseFailed
	}
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE notices SET state = ?, parsed = ?, kind = ?, parse_error = ?, notice_date = ?,
		metric = ?, authentic = ? WHERE account = ? AND notice_id = ?`),
		state, parsed, kind, parseErr, date, metric, authentic, s.account, id)
	if err != nil {
		return fmt.Errorf("record the parse of notice %s: %w", id, err)
	}
	return nil
}

// SaveReconciled records the reconcile step: the case the notice belongs to
// (and the "[CASE n]" reference it carries) and carrier events as evidence,
// in one transaction. The result comes with FinishNotice.
func (s *Store) SaveReconciled(ctx context.Context, id, caseKey, caseRef string, events []vtr.Event) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		if len(events) > 0 {
			if _, err := s.addCarrierEvents(ctx, tx, id, events); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, s.q(`UPDATE notices SET state = ?, case_key = ?, case_ref = ? WHERE account = ? AND notice_id = ?`),
			NoticeReconciled, caseKey, caseRef, s.account, id)
		if err != nil {
			return fmt.Errorf("record the reconciliation of notice %s: %w", id, err)
		}
		return nil
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
		_, err := tx.ExecContext(ctx, s.q(`UPDATE notices SET state = ?, result = ? WHERE account = ? AND notice_id = ?`),
			NoticeDone, string(result), s.account, id)
		if err != nil {
			return fmt.Errorf("finish notice %s: %w", id, err)
		}
		return nil
	})
}

// FindCase returns the case key of the first stored notice (by the time
// it was received) among ids (a reply's In-Reply-To and References), or "".
// A hostile mail may list more IDs than a statement takes parameters
// (SQLite 32,766, PostgreSQL 65,535): they are looked up findCaseChunk at
// a time.
func (s *Store) FindCase(ctx context.Context, ids []string) (string, error) {
	type hit struct {
		CaseKey    string `db:"case_key"`
		ReceivedAt string `db:"received_at"`
		ID         string `db:"notice_id"`
	}
	var first *hit
	for _, c := range chunks(unique(ids), findCaseChunk) {
		q, args, err := sqlx.In(`SELECT case_key, received_at, notice_id FROM notices WHERE account = ? AND notice_id IN (?) AND case_key <> ''
			ORDER BY received_at, notice_id LIMIT 1`, s.account, c)
		if err != nil {
			return "", err
		}
		var h []hit
		if err := s.db.SelectContext(ctx, &h, s.q(q), args...); err != nil {
			return "", fmt.Errorf("cases of notices: %w", err)
		}
		if len(h) > 0 && (first == nil || h[0].ReceivedAt < first.ReceivedAt || h[0].ReceivedAt == first.ReceivedAt && h[0].ID < first.ID) {
			first = &h[0]
		}
	}
	if first == nil {
		return "", nil
	}
	return first.CaseKey, nil
}

// findCaseChunk is how many Message-IDs one FindCase statement looks up.
const findCaseChunk = 500

// unique returns ids without repeats, in their first order.
func unique(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// LatestWarningCase returns the case key of the latest authentic
// performance warning or deactivation (other than the notice except) about
// metric ("": any), dated from from to to (both zero: any date), or "". It
// is one range read of the index notices_warnings (account, kind,
// notice_date), however many other mails are stored.
func (s *Store) LatestWarningCase(ctx context.Context, except string, metric vtr.Metric, from, to time.Time) (string, error) {
	q, args := latestWarningQuery(s.account, except, metric, from, to)
	var keys []string
	if err := s.db.SelectContext(ctx, &keys, s.q(q), args...); err != nil {
		return "", fmt.Errorf("latest warning: %w", err)
	} else if len(keys) == 0 {
		return "", nil
	}
	return keys[0], nil
}

// latestWarningQuery is LatestWarningCase's statement on account's notices.
func latestWarningQuery(account, except string, metric vtr.Metric, from, to time.Time) (string, []any) {
	q := `SELECT case_key FROM notices WHERE account = ? AND kind IN (?, ?) AND authentic = ? AND case_key <> '' AND notice_id <> ?`
	args := []any{account, string(vtr.KindPerformanceWarning), string(vtr.KindDeactivation), true, except}
	if !from.IsZero() || !to.IsZero() {
		q += ` AND notice_date >= ? AND notice_date <= ?`
		args = append(args, fmtTime(from), fmtTime(to))
	}
	if metric != "" {
		q += ` AND metric = ?`
		args = append(args, string(metric))
	}
	return q + ` ORDER BY notice_date DESC, received_at DESC, notice_id LIMIT 1`, args
}

// RecordNoticeFailure counts a failed run of a notice's pipeline and keeps
// its error; at the max-th failure the notice is marked failed and no
// longer pending. It returns the count and whether the notice is now
// failed. A notice that is done, unreadable or already failed is left as
// it is (a run that failed after another finished it).
func (s *Store) RecordNoticeFailure(ctx context.Context, id, errText string, max int) (attempts int, failed bool, err error) {
	var row struct {
		Attempts int         `db:"attempts"`
		State    NoticeState `db:"state"`
	}
	err = s.db.GetContext(ctx, &row, s.q(`UPDATE notices SET attempts = attempts + 1, last_error = ?,
		state = CASE WHEN attempts + 1 >= ? THEN ? ELSE state END
		WHERE account = ? AND notice_id = ? AND state IN (?, ?, ?) RETURNING attempts, state`),
		errText, max, NoticeFailed, s.account, id, NoticeStored, NoticeParsed, NoticeReconciled)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return row.Attempts, row.State == NoticeFailed, fmt.Errorf("record a failure of notice %s: %w", id, err)
	}
	return row.Attempts, row.State == NoticeFailed, nil
}

// NoticesInState lists up to limit notices in a state, newest first,
// without raw bytes (e.g. the failed ones for /vtr notices).
func (s *Store) NoticesInState(ctx context.Context, state NoticeState, limit int) ([]StoredNotice, error) {
	var out []StoredNotice
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT `+noticeColumns+` FROM notices WHERE account = ? AND state = ?
		ORDER BY received_at DESC, notice_id LIMIT ?`), s.account, state, limit)
	if err != nil {
		return out, fmt.Errorf("notices in state %s: %w", state, err)
	}
	return out, nil
}

// CountNotices counts the notices in a state.
func (s *Store) CountNotices(ctx context.Context, state NoticeState) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, s.q(`SELECT count(*) FROM notices WHERE account = ? AND state = ?`), s.account, state)
	if err != nil {
		return n, fmt.Errorf("count notices in state %s: %w", state, err)
	}
	return n, nil
}

// FailedNotices lists mails that could not be parsed.
func (s *Store) FailedNotices(ctx context.Context) ([]StoredNotice, error) {
	var out []StoredNotice
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT `+noticeColumns+` FROM notices WHERE account = ? AND state = ? ORDER BY received_at`),
		s.account, NoticeParseFailed)
	if err != nil {
		return out, fmt.Errorf("failed notices: %w", err)
	}
	return out, nil
}

// FindCaseByRef returns the case key of a stored notice (other than
// except) that carries the same "[CASE n]" reference, or "".
func (s *Store) FindCaseByRef(ctx context.Context, ref, except string) (string, error) {
	var keys []string
	err := s.db.SelectContext(ctx, &keys, s.q(`SELECT case_key FROM notices WHERE account = ? AND case_ref = ? AND notice_id <> ? AND case_key <> ''
		ORDER BY received_at LIMIT 1`), s.account, ref, except)
	if err != nil {
		return "", fmt.Errorf("case of reference %s: %w", ref, err)
	} else if len(keys) == 0 {
		return "", nil
	}
	return keys[0], nil
}
