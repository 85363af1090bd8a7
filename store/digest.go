package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/vtrbot/vtrbot/vtr"
)

// DigestFigures are the counts a daily digest reported, per category ("" =
// all categories), kept so the next digest can show the trend.
type DigestFigures struct {
	Marketplace string
	Date        vtr.Date
	Counts      map[string]vtr.Counts // only Eligible and Valid are kept
}

// DigestKey is the outbox ID of a marketplace's digest of a day: a restart
// that queues the digest again finds it and posts nothing twice.
func DigestKey(market string, d vtr.Date) string { return "digest:" + market + ":" + d.String() }

// QueueDigest records f and queues its posts in one transaction, unless the
// digest of that marketplace and day is queued already; it reports whether
// it queued them. entries[0] is the top-level post (its ID DigestKey), the
// rest replies in its thread.
func (s *Store) QueueDigest(ctx context.Context, f DigestFigures, entries []OutboxEntry) (bool, error) {
	queued := false
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, s.q(`SELECT COUNT(*) FROM outbox WHERE account = ? AND outbox_id = ?`),
			s.account, DigestKey(f.Marketplace, f.Date)); err != nil {
			return fmt.Errorf("look for digest %s: %w", DigestKey(f.Marketplace, f.Date), err)
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM digests WHERE account = ? AND marketplace = ? AND digest_date = ?`),
			s.account, f.Marketplace, f.Date.String()); err != nil {
			return fmt.Errorf("delete the figures of digest %s: %w", DigestKey(f.Marketplace, f.Date), err)
		}
		for cat, c := range f.Counts {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO digests (account, marketplace, digest_date, category, eligible, valid)
				VALUES (?, ?, ?, ?, ?, ?)`), s.account, f.Marketplace, f.Date.String(), cat, c.Eligible, c.Valid); err != nil {
				return fmt.Errorf("save the figures of digest %s: %w", DigestKey(f.Marketplace, f.Date), err)
			}
		}
		for _, e := range entries {
			if err := s.enqueue(ctx, tx, e); err != nil {
				return err
			}
		}
		queued = true
		return nil
	})
	return queued, err
}

// DigestQueued reports whether the digest of market for day d is queued
// (or sent).
func (s *Store) DigestQueued(ctx context.Context, market string, d vtr.Date) (bool, error) {
	var n int
	err := s.db.GetContext(ctx, &n, s.q(`SELECT COUNT(*) FROM outbox WHERE account = ? AND outbox_id = ?`), s.account, DigestKey(market, d))
	if err != nil {
		return n > 0, fmt.Errorf("look for digest %s: %w", DigestKey(market, d), err)
	}
	return n > 0, nil
}

// LastDigest returns the figures of market's latest digest before day d,
// or nil when there is none.
func (s *Store) LastDigest(ctx context.Context, market string, d vtr.Date) (*DigestFigures, error) {
	var last sql.NullString // MAX over no rows is NULL
	if err := s.db.GetContext(ctx, &last, s.q(`SELECT MAX(digest_date) FROM digests WHERE account = ? AND marketplace = ? AND digest_date < ?`),
		s.account, market, d.String()); err != nil {
		return nil, fmt.Errorf("last digest of %s before %s: %w", market, d, err)
	}
	if !last.Valid {
		return nil, nil
	}
	day := last.String
	date, err := vtr.ParseDate(day)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Category string `db:"category"`
		Eligible int    `db:"eligible"`
		Valid    int    `db:"valid"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.q(`SELECT category, eligible, valid FROM digests WHERE account = ? AND marketplace = ? AND digest_date = ?`),
		s.account, market, day); err != nil {
		return nil, fmt.Errorf("figures of the digest of %s on %s: %w", market, day, err)
	}
	f := &DigestFigures{Marketplace: market, Date: date, Counts: map[string]vtr.Counts{}}
	for _, r := range rows {
		f.Counts[r.Category] = vtr.Counts{Eligible: r.Eligible, Valid: r.Valid}
	}
	return f, nil
}
