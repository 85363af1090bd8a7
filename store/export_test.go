package store

import "github.com/jmoiron/sqlx"

// Hooks for the external tests of package store.

// ImportShipmentsBatch is the multi-row INSERT path, which SQLite always
// takes, so that tests can run it on PostgreSQL too.
var ImportShipmentsBatch = (*Store).importShipmentsBatch

// DB exposes the database handle for tests that compare whole tables.
func (s *Store) DB() *sqlx.DB { return s.db }

// SetOrdersPending sets how many orders ImportOrderRows holds before
// writing, until the test ends.
func SetOrdersPending(t interface{ Cleanup(func()) }, n int) {
	old := ordersPending
	ordersPending = n
	t.Cleanup(func() { ordersPending = old })
}
