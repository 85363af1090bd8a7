package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// Leases decide which bot run replica handles an account's mailbox and
// Amazon sync (docs/accounts.md). A lease is a row (table leases, in the
// registry's database) claimed or renewed by one statement that reads the
// database's clock, never the replica's: a replica whose clock is off can
// neither keep a lease past its end nor take one before it. Every change of
// holder adds one to the lease's epoch, the fencing token: the new holder
// raises the account's fence to it (TakeFence) before it writes, and every
// fenced write of the account's data (mailbox checkpoint, Amazon watermark,
// outbox insert) is refused for a lower epoch, so a paused old holder's late
// write cannot land after the new holder started.
//
// Session advisory locks are not used: they belong to one connection, leak
// through pools and poolers and carry no token to fence writes with.

// Lease is one account's lease as the database sees it.
type Lease struct {
	Account    string `db:"account"`
	Holder     string `db:"holder"` // "" = released
	Epoch      int64  `db:"epoch"`
	AcquiredMS int64  `db:"acquired_ms"` // database clock, ms since 1970
	ExpiresMS  int64  `db:"expires_ms"`
	NowMS      int64  `db:"now_ms"` // the database's clock when read
}

// Live reports whether the lease is held at the database's time of reading.
func (l Lease) Live() bool { return l.Holder != "" && l.ExpiresMS > l.NowMS }

// ErrFenced is returned by a fenced write whose epoch is no longer the
// account's: another replica holds the account now.
var ErrFenced = vtr.Errorf(vtr.ECONFLICT, "the account's lease moved to another replica: write refused")

// dbNowMS is the SQL for the database's clock in milliseconds since 1970:
// each lease statement sees one instant (sqlite.go, postgres.go).
func (s *Store) dbNowMS() string { return s.dialect.nowMS() }

// ClaimLease claims account's lease for holder for ttl, or renews it if
// holder has it, in one statement on the database's clock. It succeeds
// (ok) when the lease is free, released, expired, or still holder's; a
// lease that changes hands, or that holder lets expire, gets the next
// epoch. The caller must stop using the account ttl after it SENT the
// statement (a deadline on its own monotonic clock taken before the call),
// whatever the database answered later.
func (s *Store) ClaimLease(ctx context.Context, account, holder string, ttl time.Duration) (Lease, bool, error) {
	if holder == "" {
		return Lease{}, false, errors.New("claim lease: empty holder")
	}
	now := s.dbNowMS()
	var l Lease
	err := s.db.GetContext(ctx, &l, s.q(`INSERT INTO leases AS l (account, holder, epoch, acquired_ms, expires_ms)
		VALUES (?, ?, 1, `+now+`, `+now+` + ?)
		ON CONFLICT (account) DO UPDATE SET
			epoch = CASE WHEN l.holder = excluded.holder AND l.expires_ms > `+now+` THEN l.epoch ELSE l.epoch + 1 END,
			acquired_ms = CASE WHEN l.holder = excluded.holder AND l.expires_ms > `+now+` THEN l.acquired_ms ELSE `+now+` END,
			holder = excluded.holder,
			expires_ms = excluded.expires_ms
		WHERE l.holder = excluded.holder OR l.holder = '' OR l.expires_ms <= `+now+`
		RETURNING account, holder, epoch, acquired_ms, expires_ms, `+now+` AS now_ms`),
		account, holder, ttl.Milliseconds())
	if errors.Is(err, sql.ErrNoRows) {
		return Lease{}, false, nil
	}
	if err != nil {
		return Lease{}, false, fmt.Errorf("claim lease of %s: %w", account, err)
	}
	return l, true, nil
}

// ReleaseLease gives up holder's lease of epoch at once (a clean shutdown
// hands over without waiting for it to expire). A lease that is no longer
// holder's at that epoch is left alone.
func (s *Store) ReleaseLease(ctx context.Context, account, holder string, epoch int64) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE leases SET holder = '', expires_ms = `+s.dbNowMS()+`
		WHERE account = ? AND holder = ? AND epoch = ?`), account, holder, epoch)
	if err != nil {
		return fmt.Errorf("release the lease of %s: %w", account, err)
	}
	return nil
}

// Leases returns every lease by account, each with the database's clock.
func (s *Store) Leases(ctx context.Context) ([]Lease, error) {
	var ls []Lease
	err := s.db.SelectContext(ctx, &ls, `SELECT account, holder, epoch, acquired_ms, expires_ms, `+s.dbNowMS()+` AS now_ms
		FROM leases ORDER BY account`)
	if err != nil {
		return ls, fmt.Errorf("list leases: %w", err)
	}
	return ls, nil
}

// Heartbeat records that replica is alive, on the database's clock.
func (s *Store) Heartbeat(ctx context.Context, replica string) error {
	now := s.dbNowMS()
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO replicas (replica_id, started_ms, seen_ms) VALUES (?, `+now+`, `+now+`)
		ON CONFLICT (replica_id) DO UPDATE SET seen_ms = excluded.seen_ms`), replica)
	if err != nil {
		return fmt.Errorf("record replica %s: %w", replica, err)
	}
	return nil
}

// LiveReplicas returns the replicas that sent a heartbeat within the last
// within (database clock), by ID, and forgets those silent for ten times
// as long.
func (s *Store) LiveReplicas(ctx context.Context, within time.Duration) ([]string, error) {
	now := s.dbNowMS()
	if _, err := s.db.ExecContext(ctx, s.q(`DELETE FROM replicas WHERE seen_ms < `+now+` - ?`), 10*within.Milliseconds()); err != nil {
		return nil, fmt.Errorf("forget stale replicas: %w", err)
	}
	var ids []string
	err := s.db.SelectContext(ctx, &ids, s.q(`SELECT replica_id FROM replicas WHERE seen_ms > `+now+` - ? ORDER BY replica_id`), within.Milliseconds())
	if err != nil {
		return ids, fmt.Errorf("list live replicas: %w", err)
	}
	return ids, nil
}

// RemoveReplica forgets a replica that stops cleanly.
func (s *Store) RemoveReplica(ctx context.Context, replica string) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM replicas WHERE replica_id = ?`), replica)
	if err != nil {
		return fmt.Errorf("remove replica %s: %w", replica, err)
	}
	return nil
}

// TakeFence makes epoch this store's fencing token: it raises the
// account's fence to epoch (never lowers it) and from then on every fenced
// write of this *Store carries it. ErrFenced when the fence is already
// higher (a newer holder exists).
func (s *Store) TakeFence(ctx context.Context, epoch int64) error {
	if epoch <= 0 {
		return errors.New("take fence: epoch must be positive")
	}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO fence (account, epoch) VALUES (?, ?)
			ON CONFLICT (account) DO UPDATE SET epoch = excluded.epoch WHERE fence.epoch < excluded.epoch`), s.account, epoch); err != nil {
			return fmt.Errorf("raise the fence to %d: %w", epoch, err)
		}
		var have int64
		if err := tx.GetContext(ctx, &have, s.q(`SELECT epoch FROM fence WHERE account = ?`), s.account); err != nil {
			return fmt.Errorf("read the fence: %w", err)
		}
		if have != epoch {
			return ErrFenced
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.epoch.Store(epoch)
	return nil
}

// Epoch is the fencing token this store's writes carry (0: not fenced).
func (s *Store) Epoch() int64 { return s.epoch.Load() }

// checkFence refuses a write of a fenced store whose epoch is no longer
// the account's. It locks the fence row until tx ends (PostgreSQL: a row
// lock; SQLite: the write lock is already held), so a new holder's
// TakeFence waits for this transaction or this transaction sees its epoch.
func (s *Store) checkFence(ctx context.Context, tx *sqlx.Tx) error {
	e := s.epoch.Load()
	if e == 0 {
		return nil
	}
	res, err := tx.ExecContext(ctx, s.q(`UPDATE fence SET epoch = epoch WHERE account = ? AND epoch = ?`), s.account, e)
	if err != nil {
		return fmt.Errorf("fence: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrFenced
	}
	return nil
}
