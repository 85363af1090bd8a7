package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// NoticeTally is how many stored notices have one kind and pipeline state.
type NoticeTally struct {
	Kind  string      `db:"kind"`
	State NoticeState `db:"state"`
	N     int         `db:"n"`
}

// NoticeTallies counts notices by kind and state, for /metrics: one small
// GROUP BY over the notices (a seller gets a few a week).
func (s *Store) NoticeTallies(ctx context.Context) ([]NoticeTally, error) {
	var out []NoticeTally
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT kind, state, count(*) AS n FROM notices WHERE account = ?
		GROUP BY kind, state ORDER BY kind, state`), s.account)
	if err != nil {
		return out, fmt.Errorf("count notices: %w", err)
	}
	return out, nil
}

// OutboxDepth returns how many posts are not sent yet and when the oldest
// of them was queued (zero when none), for /metrics.
func (s *Store) OutboxDepth(ctx context.Context) (int, time.Time, error) {
	var row struct {
		N      int            `db:"n"`
		Oldest sql.NullString `db:"oldest"`
	}
	if err := s.db.GetContext(ctx, &row, s.q(`SELECT count(*) AS n, min(created_at) AS oldest FROM outbox
		WHERE account = ? AND state <> 'sent'`), s.account); err != nil {
		return 0, time.Time{}, fmt.Errorf("read the outbox backlog: %w", err)
	}
	var oldest time.Time
	if row.Oldest.Valid {
		oldest, _ = time.Parse(time.RFC3339Nano, row.Oldest.String)
	}
	return row.N, oldest, nil
}
