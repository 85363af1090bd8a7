package store_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"testing"

	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/store/storetest"
	"github.com/vtrbot/vtrbot/vtr"
)

// An account that an older vtrbot (versions 6-9) kept in a schema or file of
// its own is moved into rows when it is next opened: every row comes over
// under the account's name (the old place migrated first if it was older),
// the old schema is dropped and the old file kept as NAME.db.moved, and a
// second open moves nothing again.
func TestOpenAccount_movesLegacyData(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			ctx := t.Context()
			dsn := storetest.URL(t, kind)
			reg, err := store.Open(ctx, dsn, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer reg.Close()
			if err := reg.PutAccount(ctx, store.Account{Name: "brand_a", Marketplaces: "US"}); err != nil {
				t.Fatal(err)
			}
			// The old place, at version 8 (one migration behind the last
			// of the old way), holding an order, its package, a stored
			// mail, a checkpoint, an outbox entry and the fence.
			legacyURL := "sqlite:" + store.LegacyFile(dsn, "brand_a")
			if kind == "postgres" {
				if _, err := reg.DB().ExecContext(ctx, `CREATE SCHEMA `+store.LegacySchema("brand_a")); err != nil {
					t.Fatal(err)
				}
				u, _ := url.Parse(dsn)
				q := u.Query()
				q.Set("search_path", store.LegacySchema("brand_a"))
				u.RawQuery = q.Encode()
				legacyURL = u.String()
			}
			old, err := store.MigrateTo(ctx, legacyURL, 8)
			if err != nil {
				t.Fatal(err)
			}
			seedVersion9(t, old)
			old.Close()

			a, err := reg.OpenAccount(ctx, "brand_a", store.Options{Rules: vtr.DefaultRules("US")})
			if err != nil {
				t.Fatal(err)
			}
			checkSeeded(t, a)
			if def, err := reg.Counts(ctx); err != nil || def["orders"] != 0 || def["notices"] != 0 {
				t.Errorf("the default account got the moved rows: %v %v", def, err)
			}

			if kind == "postgres" {
				var n int
				reg.DB().GetContext(ctx, &n, `SELECT count(*) FROM pg_namespace WHERE nspname = $1`, store.LegacySchema("brand_a"))
				if n != 0 {
					t.Errorf("the old schema is still there")
				}
			} else {
				f := store.LegacyFile(dsn, "brand_a")
				if _, err := os.Stat(f); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("the old file %s is still there (%v)", f, err)
				}
				if _, err := os.Stat(f + ".moved"); err != nil {
					t.Errorf("the old file is not kept as .moved: %v", err)
				}
				for _, side := range []string{"-wal", "-shm"} {
					if _, err := os.Stat(f + side); !errors.Is(err, fs.ErrNotExist) {
						t.Errorf("the old file's %s is left behind (%v)", side, err)
					}
				}
			}
			again, err := reg.OpenAccount(ctx, "brand_a", store.Options{Rules: vtr.DefaultRules("US")})
			if err != nil {
				t.Fatal(err)
			}
			if c, _ := again.Counts(ctx); c["orders"] != 1 {
				t.Errorf("a second open: %d orders, want 1", c["orders"])
			}
		})
	}
}

// seedVersion9 writes a little of everything into a database of schema
// version 8 or 9 (the single-account shape): an order with its item and
// package, a stored mail, a mailbox checkpoint, an outbox entry, fence 5.
func seedVersion9(t *testing.T, db interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}) {
	t.Helper()
	for _, q := range []string{
		`INSERT INTO orders (order_id, marketplace, status, fulfillment, purchase_date) VALUES ('111-1', 'US', 'Shipped', 'Merchant', '2026-01-02')`,
		`INSERT INTO order_items (order_id, line, sku, quantity) VALUES ('111-1', 1, 'S1', 1)`,
		`INSERT INTO packages (order_id, tracking_number, ship_date, marketplace) VALUES ('111-1', '9400100000000000000000', '2026-01-03', 'US')`,
		`INSERT INTO notices (notice_id, account, mailbox, raw, raw_sha256, received_at) VALUES ('<n@x>', 'seller@example.com', 'INBOX', 'raw', 'h1', '2026-01-04T00:00:00Z')`,
		`INSERT INTO mailbox_checkpoints (account, mailbox, uidvalidity, last_uid, updated_at) VALUES ('seller@example.com', 'INBOX', 7, 42, '2026-01-04T00:00:00Z')`,
		`INSERT INTO outbox (outbox_id, kind, payload, created_at) VALUES ('triage:<n@x>', 'triage', '{}', '2026-01-04T00:00:00Z')`,
		`INSERT INTO fence (id, epoch) VALUES (1, 5)`,
	} {
		if _, err := db.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// checkSeeded checks that s holds what seedVersion9 wrote.
func checkSeeded(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := t.Context()
	got, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int{"orders": 1, "order_items": 1, "packages": 1, "notices": 1, "mailbox_checkpoints": 1, "outbox": 1} {
		if got[table] != want {
			t.Errorf("account %s: %s has %d rows, want %d", s.Account(), table, got[table], want)
		}
	}
	if cp, ok, err := s.Checkpoint(ctx, "seller@example.com", "INBOX"); err != nil || !ok || cp.LastUID != 42 || cp.UIDValidity != 7 {
		t.Errorf("account %s: checkpoint = %+v %v %v", s.Account(), cp, ok, err)
	}
	if err := s.TakeFence(ctx, 4); !errors.Is(err, store.ErrFenced) {
		t.Errorf("account %s: TakeFence(4) under fence 5 = %v, want ErrFenced", s.Account(), err)
	}
}

// Migration 10 on a database of the single-account shape: every row is
// the account default's, the IMAP login columns are read as before, the
// fence is default's; down again keeps default's rows, up again too.
func TestMigration10_rowsAreDefaults(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			ctx := t.Context()
			dsn := storetest.URL(t, kind)
			old, err := store.MigrateTo(ctx, dsn, 9)
			if err != nil {
				t.Fatal(err)
			}
			seedVersion9(t, old)
			old.Close()
			for round := range 2 {
				s, err := store.Open(ctx, dsn, store.Options{})
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				checkSeeded(t, s)
				s.Close()
				down, err := store.MigrateTo(ctx, dsn, 9)
				if err != nil {
					t.Fatalf("round %d: down to 9: %v", round, err)
				}
				var n int
				if err := down.GetContext(ctx, &n, `SELECT count(*) FROM orders o JOIN packages p ON p.order_id = o.order_id`); err != nil || n != 1 {
					t.Errorf("round %d: down to 9 kept %d packages (%v), want 1", round, n, err)
				}
				down.Close()
			}
		})
	}
}
