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

// NoticeTallies counts the account's notices by kind and state, for
// /metrics: one small GROUP BY over the notices (a seller gets a few a
// week). NoticeTalliesAll counts every account's: the /metrics of a
// replica serving several accounts.
func (s *Store) NoticeTallies(ctx context.Context) ([]NoticeTally, error) {
	return s.noticeTallies(ctx, false)
}

// NoticeTalliesAll is NoticeTallies over every account.
func (s *Store) NoticeTalliesAll(ctx context.Context) ([]NoticeTally, error) {
	return s.noticeTallies(ctx, true)
}

func (s *Store) noticeTallies(ctx context.Context, all bool) ([]NoticeTally, error) {
	where, args := s.scope(all)
	var out []NoticeTally
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT kind, state, count(*) AS n FROM notices WHERE `+where+`
		GROUP BY kind, state ORDER BY kind, state`), args...)
	if err != nil {
		return out, fmt.Errorf("count notices: %w", err)
	}
	return out, nil
}

// scope is the condition of a count over the store's account, or (all)
// over every account.
func (s *Store) scope(all bool) (string, []any) {
	if all {
		return `1 = 1`, nil
	}
	return `account = ?`, []any{s.account}
}

// OutboxDepth returns how many of the account's posts are not sent yet and
// when the oldest of them was queued (zero when none), for /metrics.
func (s *Store) OutboxDepth(ctx context.Context) (int, time.Time, error) {
	return s.outboxDepth(ctx, false)
}

// OutboxDepthAll is OutboxDepth over every account's outbox: the posts a
// replica's sender drains (ClaimOutboxAll).
func (s *Store) OutboxDepthAll(ctx context.Context) (int, time.Time, error) {
	return s.outboxDepth(ctx, true)
}

func (s *Store) outboxDepth(ctx context.Context, all bool) (int, time.Time, error) {
	where, args := s.scope(all)
	var row struct {
		N      int            `db:"n"`
		Oldest sql.NullString `db:"oldest"`
	}
	if err := s.db.GetContext(ctx, &row, s.q(`SELECT count(*) AS n, min(created_at) AS oldest FROM outbox WHERE `+where+` AND state <> 'sent'`), args...); err != nil {
		return 0, time.Time{}, fmt.Errorf("read the outbox backlog: %w", err)
	}
	var oldest time.Time
	if row.Oldest.Valid {
		oldest, _ = time.Parse(time.RFC3339Nano, row.Oldest.String)
	}
	return row.N, oldest, nil
}
