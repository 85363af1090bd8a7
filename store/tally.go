package store

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/jmoiron/sqlx"
	"github.com/vtrbot/vtrbot/vtr"
)

// Package tallies (migration 00002): package_tallies holds, per account,
// marketplace, window date, category and verdict, how many packages there
// are. Status and History read it instead of grouping packages: a 30-day
// window is a few hundred rows however many packages it holds.
//
// It stays exact because verdicts change in one place. Shipment imports
// write new packages with no marketplace (no known order yet), which the
// table does not count, and leave the verdict of stored packages alone;
// reclassify is the only statement that gives a package a marketplace or
// changes its verdict, and it adds the difference here in the same
// transaction. Tests compare the table with a GROUP BY of packages after
// every kind of write (tally_test.go).

// tallyKey is one row of package_tallies.
type tallyKey struct {
	market, day, category, ineligible, reason string
}

func verdictKey(v vtr.Verdict) tallyKey {
	return tallyKey{v.Marketplace, v.WindowDate.String(), v.Category, string(v.Ineligible), string(v.Reason)}
}

// tallyDelta collects the changes of one reclassify round.
type tallyDelta map[tallyKey]int

// move records a package leaving verdict from for verdict to.
func (d tallyDelta) move(from, to vtr.Verdict) {
	if from.Marketplace != "" {
		d[verdictKey(from)]--
	}
	if to.Marketplace != "" {
		d[verdictKey(to)]++
	}
}

// apply adds the delta to package_tallies and removes the rows it brings to
// zero. Keys go in sorted order, so concurrent transactions on PostgreSQL
// lock tally rows in the same order.
func (s *Store) applyTallies(ctx context.Context, tx *sqlx.Tx, d tallyDelta) error {
	keys := make([]tallyKey, 0, len(d))
	for k, n := range d {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.market != b.market {
			return a.market < b.market
		}
		if a.day != b.day {
			return a.day < b.day
		}
		if a.category != b.category {
			return a.category < b.category
		}
		if a.ineligible != b.ineligible {
			return a.ineligible < b.ineligible
		}
		return a.reason < b.reason
	})
	if len(keys) == 0 {
		return nil
	}
	if err := s.newTallyGen(ctx, tx); err != nil {
		return fmt.Errorf("package tallies: %w", err)
	}
	// A batch of keys a statement: a shipments import of a two-year
	// seller moves thousands of keys, and one statement each took seconds
	// of round trips on PostgreSQL.
	for batch := range slices.Chunk(keys, tallyBatch) {
		args := make([]any, 0, len(batch)*7)
		var gone []any
		for _, k := range batch {
			n := d[k]
			args = append(args, s.account, k.market, k.day, k.category, k.ineligible, k.reason, n)
			if n < 0 {
				gone = append(gone, k.market, k.day, k.category, k.ineligible, k.reason)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO package_tallies (account, marketplace, window_date, category, ineligible, reason, n)
			VALUES `+valueRows(len(batch), 7)+` ON CONFLICT (account, marketplace, window_date, category, ineligible, reason)
			DO UPDATE SET n = package_tallies.n + excluded.n`), args...); err != nil {
			return fmt.Errorf("package tallies: %w", err)
		}
		if len(gone) == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM package_tallies WHERE account = ? AND n = 0
			AND (marketplace, window_date, category, ineligible, reason) IN (VALUES `+valueRows(len(gone)/5, 5)+`)`), append([]any{s.account}, gone...)...); err != nil {
			return fmt.Errorf("package tallies: %w", err)
		}
	}
	return nil
}

// tallyBatch is how many package_tallies keys one statement writes.
const tallyBatch = 200

// tallyRows reads package_tallies for a window; byDay keeps the window
// date, else the counts of all days are summed.
func (s *Store) tallyRows(ctx context.Context, market string, w vtr.Window, category string, byDay bool) ([]vtr.DayTally, error) {
	cols := `category, ineligible, reason`
	if byDay {
		cols = `window_date, ` + cols
	}
	q := `SELECT ` + cols + `, sum(n) FROM package_tallies WHERE account = ? AND marketplace = ? AND window_date >= ? AND window_date <= ?`
	args := []any{s.account, market, w.From.String(), w.To.String()}
	if category != "" {
		q += ` AND category = ?`
		args = append(args, category)
	}
	q += ` GROUP BY ` + cols + ` ORDER BY ` + cols
	rows, err := s.db.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("tallies: %w", err)
	}
	defer rows.Close()
	var out []vtr.DayTally
	for rows.Next() {
		var t vtr.DayTally
		var day, inel, reason string
		dest := []any{&t.Category, &inel, &reason, &t.N}
		if byDay {
			dest = append([]any{&day}, dest...)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("tallies: %w", err)
		}
		t.Ineligible, t.Reason = vtr.Ineligible(inel), vtr.Reason(reason)
		if byDay {
			t.Date = parseDate(day)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("tallies: %w", err)
	}
	return out, nil
}
