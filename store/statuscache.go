package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// A team asks for the same status again and again (`/vtr status` is the
// last 30 days for everyone). A status with a rate depends on the
// account's rows of package_tallies alone, and the account's meta row
// "tallies" holds a new random generation whenever they change, in the
// same transaction (applyTallies). So Status keeps the statuses it computed for the
// generation it read before computing them, and answers a repeat with one
// primary-key read, whichever process wrote last. N/A statuses also count
// orders and are never kept.

const (
	tallyGenKey    = "tallies"
	statusCacheMax = 256 // windows kept per generation
)

type statusKey struct {
	market, category string
	window           vtr.Window
}

type statusCache struct {
	mu  sync.Mutex
	gen string
	m   map[statusKey]vtr.Status
}

func (c *statusCache) get(gen string, k statusKey) (vtr.Status, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return vtr.Status{}, false
	}
	st, ok := c.m[k]
	st.Categories = slices.Clone(st.Categories) // the caller may change its copy
	return st, ok
}

func (c *statusCache) put(gen string, k statusKey, st vtr.Status) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.m == nil || len(c.m) >= statusCacheMax {
		c.gen, c.m = gen, map[statusKey]vtr.Status{}
	}
	st.Categories = slices.Clone(st.Categories)
	c.m[k] = st
}

// tallyGen reads the generation of package_tallies ("" before any change).
func (s *Store) tallyGen(ctx context.Context) (string, error) {
	var gen string
	err := s.db.GetContext(ctx, &gen, s.q(`SELECT value FROM meta WHERE account = ? AND key = ?`), s.account, tallyGenKey)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return gen, fmt.Errorf("read the tally generation: %w", err)
	}
	return gen, nil
}

// newTallyGen gives package_tallies a new generation, inside the
// transaction that changes it.
func (s *Store) newTallyGen(ctx context.Context, tx *sqlx.Tx) error {
	var b [12]byte
	rand.Read(b[:])
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO meta (account, key, value) VALUES (?, ?, ?)
		ON CONFLICT (account, key) DO UPDATE SET value = excluded.value`), s.account, tallyGenKey, hex.EncodeToString(b[:]))
	if err != nil {
		return fmt.Errorf("write the tally generation: %w", err)
	}
	return nil
}
