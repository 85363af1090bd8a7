// Package vtrbench holds the in-process halves of bench/vtr/run.sh: Go
// benchmarks of the store's window queries against a database the script
// filled with about a million packages. They are skipped unless
// VTRBOT_BENCH_DB names that database (a SQLite path or a postgres:// URL).
//
//	VTRBOT_BENCH_DB=$PWD/bench/out/vtr/vtr.db go test -run '^$' -bench . -benchtime 300x ./bench/vtr
package vtrbench

import (
	"context"
	"database/sql"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/vtrbot/vtrbot/store"
	"github.com/vtrbot/vtrbot/vtr"
	_ "modernc.org/sqlite"
)

// The windows the script uses; the generated data ends on 2025-06-30.
var (
	window30 = vtr.Window{From: vtr.MustDate("2025-05-01"), To: vtr.MustDate("2025-05-30")}
	year     = vtr.Window{From: vtr.MustDate("2024-06-01"), To: vtr.MustDate("2025-05-31")}
)

func dsn() string { return os.Getenv("VTRBOT_BENCH_DB") }

func open(b *testing.B) *store.Store {
	b.Helper()
	if dsn() == "" {
		b.Skip("VTRBOT_BENCH_DB not set: run bench/vtr/run.sh")
	}
	// Never create a database here: a relative path is read from this
	// package's directory, not from where go test was started.
	if d, path := store.ParseURL(dsn()); d == store.SQLite {
		if _, err := os.Stat(path); err != nil {
			b.Fatalf("VTRBOT_BENCH_DB: %v (give an absolute path)", err)
		}
	}
	s, err := store.Open(context.Background(), dsn(), store.Options{Rules: vtr.DefaultRules("US")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// timed runs fn once per b.Loop iteration and reports the median and the
// 99th percentile of its duration, in milliseconds.
func timed(b *testing.B, fn func() error) {
	b.Helper()
	b.ReportAllocs()
	var d []time.Duration
	for b.Loop() {
		t := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(t))
	}
	slices.Sort(d)
	pct := func(p float64) float64 {
		return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(d[len(d)-1].Microseconds())/1000, "max-ms")
}

// BenchmarkStatus is `bot vtr status` for a 30-day window, in process:
// the same window again and again, as a team asks for it (the store's
// status cache answers all but the first).
func BenchmarkStatus(b *testing.B) {
	s := open(b)
	ctx := context.Background()
	st, err := s.Status(ctx, "US", window30, "")
	if err != nil {
		b.Fatal(err)
	}
	if st.Overall.Eligible < 10_000 {
		b.Fatalf("%s: %d eligible packages in %s: not the benchmark's database", dsn(), st.Overall.Eligible, window30)
	}
	b.Logf("%s: %d eligible, %d exempt, rate %.4f", window30, st.Overall.Eligible, st.Overall.Exempt, *st.Overall.Rate())
	timed(b, func() error {
		_, err := s.Status(ctx, "US", window30, "")
		return err
	})
}

// BenchmarkStatusUncached asks for a different 30-day window each time
// (365 windows in turn: more than the status cache keeps), so every call
// reads package_tallies.
func BenchmarkStatusUncached(b *testing.B) {
	s := open(b)
	ctx := context.Background()
	i := 0
	timed(b, func() error {
		from := year.From.AddDays(i % 365)
		i++
		_, err := s.Status(ctx, "US", vtr.Window{From: from, To: from.AddDays(29)}, "")
		return err
	})
}

// BenchmarkGroupPackages is what Status cost before package_tallies: the
// same counts grouped from the packages_window index. The benchmark checks
// that both give the same tallies.
func BenchmarkGroupPackages(b *testing.B) {
	s := open(b)
	driver, source, from, to := "pgx", dsn(), "$1", "$2"
	if d, path := store.ParseURL(dsn()); d == store.SQLite {
		driver, source, from, to = "sqlite", "file:"+path+"?mode=ro", "?", "?"
	}
	q := `SELECT category, ineligible, reason, count(*) FROM packages
		WHERE marketplace = 'US' AND window_date >= ` + from + ` AND window_date <= ` + to + `
		GROUP BY category, ineligible, reason ORDER BY category, ineligible, reason`
	db, err := sql.Open(driver, source)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	group := func() ([]vtr.Tally, error) {
		rows, err := db.QueryContext(ctx, q, window30.From.String(), window30.To.String())
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []vtr.Tally
		for rows.Next() {
			var t vtr.Tally
			var inel, reason string
			if err := rows.Scan(&t.Category, &inel, &reason, &t.N); err != nil {
				return nil, err
			}
			t.Ineligible, t.Reason = vtr.Ineligible(inel), vtr.Reason(reason)
			out = append(out, t)
		}
		return out, rows.Err()
	}
	want, err := s.Tallies(ctx, "US", window30, "")
	if err != nil {
		b.Fatal(err)
	}
	if got, err := group(); err != nil || !reflect.DeepEqual(got, want) {
		b.Fatalf("GROUP BY packages: %+v, %v\npackage_tallies: %+v", got, err, want)
	}
	timed(b, func() error {
		_, err := group()
		return err
	})
}

// BenchmarkStatusCategory is the same window for one category.
func BenchmarkStatusCategory(b *testing.B) {
	s := open(b)
	ctx := context.Background()
	timed(b, func() error {
		_, err := s.Status(ctx, "US", window30, "Books")
		return err
	})
}

// BenchmarkHistory365 is `bot vtr history` over a year of 30-day windows:
// one per-day tally query over the year plus 29 days, then vtr.History.
func BenchmarkHistory365(b *testing.B) {
	s := open(b)
	ctx := context.Background()
	timed(b, func() error {
		t, err := s.DayTallies(ctx, "US", vtr.Window{From: year.From.AddDays(-29), To: year.To}, "")
		if err != nil {
			return err
		}
		if pts := vtr.History(30, year, t); len(pts) != year.Days() {
			b.Fatalf("%d points, want %d", len(pts), year.Days())
		}
		return nil
	})
}
