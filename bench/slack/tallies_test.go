package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

// BenchmarkTallies times the query behind /vtr status (store.Tallies) on
// the database the load test built, against the same counts grouped in the
// order of the packages_window index (window_date first: no sort, about 30
// × 10 rows to add up in Go). Run the load test once first:
//
//	go run ./bench/slack -n 1 -warmup 0 && go test ./bench/slack -run '^$' -bench Tallies
func BenchmarkTallies(b *testing.B) {
	path := os.Getenv("VTRBOT_BENCH_SLACK_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), "vtrbot-bench-slack.db")
	}
	if _, err := os.Stat(path); err != nil {
		b.Skipf("%s missing (VTRBOT_BENCH_SLACK_DB names another): run go run ./bench/slack first", path)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const where = ` FROM packages WHERE marketplace = 'US' AND window_date >= '2019-10-15' AND window_date <= '2019-11-14'`
	for _, q := range []struct{ name, sql string }{
		{"store.Tallies", `SELECT category, ineligible, reason, count(*)` + where + ` GROUP BY category, ineligible, reason`},
		{"index-order", `SELECT window_date, category, ineligible, reason, count(*)` + where + ` GROUP BY window_date, category, ineligible, reason`},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				rows, err := db.Query(q.sql)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for rows.Next() {
					n++
				}
				rows.Close()
				if n == 0 {
					b.Fatal("no rows")
				}
			}
		})
	}
}
