package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Checkpoint is how far a mailbox has been handled.
type Checkpoint struct {
	UIDValidity uint32
	LastUID     uint32
}

// Checkpoint returns the checkpoint of an account's mailbox; ok is false
// when there is none yet (the first run).
func (s *Store) Checkpoint(ctx context.Context, account, mailbox string) (Checkpoint, bool, error) {
	var row struct {
		UIDValidity int64 `db:"uidvalidity"`
		LastUID     int64 `db:"last_uid"`
	}
	err := s.db.GetContext(ctx, &row, s.q(`SELECT uidvalidity, last_uid FROM mailbox_checkpoints WHERE account = ? AND imap_account = ? AND mailbox = ?`),
		s.account, account, mailbox)
	if errors.Is(err, sql.ErrNoRows) {
		return Checkpoint{}, false, nil
	} else if err != nil {
		return Checkpoint{}, false, fmt.Errorf("read checkpoint of %s %s: %w", account, mailbox, err)
	}
	return Checkpoint{uint32(row.UIDValidity), uint32(row.LastUID)}, true, nil
}

// advanceCheckpoint moves the checkpoint to uid (never backwards within one
// UIDVALIDITY; a new UIDVALIDITY starts over).
func (s *Store) advanceCheckpoint(ctx context.Context, tx *sqlx.Tx, account, mailbox string, validity, uid uint32) error {
	if err := s.checkFence(ctx, tx); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO mailbox_checkpoints (account, imap_account, mailbox, uidvalidity, last_uid, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, imap_account, mailbox) DO UPDATE SET
		last_uid = CASE WHEN mailbox_checkpoints.uidvalidity = excluded.uidvalidity AND mailbox_checkpoints.last_uid > excluded.last_uid
			THEN mailbox_checkpoints.last_uid ELSE excluded.last_uid END,
		uidvalidity = excluded.uidvalidity, updated_at = excluded.updated_at`),
		s.account, account, mailbox, int64(validity), int64(uid), fmtTime(s.Now()))
	if err != nil {
		return fmt.Errorf("advance checkpoint of %s %s: %w", account, mailbox, err)
	}
	return nil
}

// AdvanceCheckpoint moves the checkpoint past a message that is not stored
// (mail that does not concern the seller's performance).
func (s *Store) AdvanceCheckpoint(ctx context.Context, account, mailbox string, validity, uid uint32) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error { return s.advanceCheckpoint(ctx, tx, account, mailbox, validity, uid) })
}
