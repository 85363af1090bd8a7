package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Triage is the state of a notice's triage message in Slack.
type Triage struct {
	NoticeID     string `db:"notice_id"`
	Channel      string `db:"channel"`
	SlackTS      string `db:"slack_ts"`
	Assignee     string `db:"assignee"`
	SnoozedUntil string `db:"snoozed_until"`
	HandledBy    string `db:"handled_by"`
	HandledAt    string `db:"handled_at"`
}

// Triage actions recorded by RecordAction.
const (
	ActionAssign  = "assign"
	ActionSnooze  = "snooze"
	ActionHandled = "handled"
	ActionReopen  = "reopen"
)

// Triage returns the triage state of a notice (empty when none recorded).
func (s *Store) Triage(ctx context.Context, noticeID string) (Triage, error) {
	var t Triage
	err := s.db.GetContext(ctx, &t, s.q(`SELECT notice_id, channel, slack_ts, assignee, snoozed_until, handled_by, handled_at
		FROM triage WHERE account = ? AND notice_id = ?`), s.account, noticeID)
	if errors.Is(err, sql.ErrNoRows) {
		return Triage{NoticeID: noticeID}, nil
	}
	if err != nil {
		return t, fmt.Errorf("read triage of notice %s: %w", noticeID, err)
	}
	return t, nil
}

// RecordAction applies a triage button click and logs it, in one
// transaction, returning the new state. until is used by snooze.
func (s *Store) RecordAction(ctx context.Context, noticeID, user, action string, until time.Time) (Triage, error) {
	now := s.Now()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO triage (account, notice_id) VALUES (?, ?) ON CONFLICT (account, notice_id) DO NOTHING`),
			s.account, noticeID); err != nil {
			return fmt.Errorf("create triage of notice %s: %w", noticeID, err)
		}
		var q string
		var args []any
		switch action {
		case ActionAssign:
			q, args = `UPDATE triage SET assignee = ? WHERE account = ? AND notice_id = ?`, []any{user, s.account, noticeID}
		case ActionSnooze:
			q, args = `UPDATE triage SET snoozed_until = ? WHERE account = ? AND notice_id = ?`, []any{fmtTime(until), s.account, noticeID}
		case ActionHandled:
			q, args = `UPDATE triage SET handled_by = ?, handled_at = ? WHERE account = ? AND notice_id = ?`,
				[]any{user, fmtTime(now), s.account, noticeID}
		case ActionReopen:
			q, args = `UPDATE triage SET handled_by = '', handled_at = '', snoozed_until = '' WHERE account = ? AND notice_id = ?`,
				[]any{s.account, noticeID}
		}
		if q != "" {
			if _, err := tx.ExecContext(ctx, s.q(q), args...); err != nil {
				return fmt.Errorf("update triage of notice %s: %w", noticeID, err)
			}
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO triage_actions (account, notice_id, at, user_id, action, value) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`), s.account, noticeID, now.UTC().Format(time.RFC3339Nano), user, action, fmtTime(until))
		if err != nil {
			return fmt.Errorf("record a triage action on notice %s: %w", noticeID, err)
		}
		return nil
	})
	if err != nil {
		return Triage{}, err
	}
	return s.Triage(ctx, noticeID)
}

// SetTriagePosted records where a notice's triage message is.
func (s *Store) SetTriagePosted(ctx context.Context, noticeID, channel, ts string) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO triage (account, notice_id, channel, slack_ts) VALUES (?, ?, ?, ?)
		ON CONFLICT (account, notice_id) DO UPDATE SET channel = excluded.channel, slack_ts = excluded.slack_ts`),
		s.account, noticeID, channel, ts)
	if err != nil {
		return fmt.Errorf("record the triage post of notice %s: %w", noticeID, err)
	}
	return nil
}
