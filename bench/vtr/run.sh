#!/usr/bin/env bash
# VTR query benchmark (issue 4). Generates a messy seller of about a million
# packages over two years (orders too, so that packages are eligible),
# imports it into SQLite and PostgreSQL through `bot import`, then times:
#   - `bot vtr status --json` for a 30-day window as a whole process
#     (hyperfine when installed, else a loop), with its peak RSS;
#   - the in-process (*store.Store).Status call: Go benchmark, p50/p99;
#   - history: one per-day tally query over 365+29 days plus vtr.History
#     (Go benchmark), and `bot vtr history` for 365 days as a process;
#   - the query plan of store.Tallies (package_tallies, store/tally.go).
#
#   bash bench/vtr/run.sh
#   PG= bash bench/vtr/run.sh        # SQLite only
#   REBUILD=1 bash bench/vtr/run.sh  # generate and import again
#
# Goals: whole process under 150 ms, in-process p99 under 30 ms (SQLite) and
# 60 ms (PostgreSQL), RSS under 100 MB, history for 365 days under 1 s.
# Data and databases stay in bench/out/vtr (gitignored) and the PostgreSQL
# database vtrbot_bench_vtr, and are reused: the imports take minutes.
set -euo pipefail
ORDERS=${ORDERS:-1090000}
PG=${PG-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
FROM=2025-05-01
TO=2025-05-30
cd "$(dirname "$0")/../.."
out=bench/out/vtr
mkdir -p "$out"
bot=$out/bot
go build -o "$bot" ./cmd/bot
lite=$PWD/$out/vtr.db
pgdb=vtrbot_bench_vtr
pgurl=""
if [ -n "$PG" ] && command -v psql >/dev/null && psql "$PG" -qAtc "SELECT 1" >/dev/null 2>&1; then
	pgurl=$(echo "$PG" | sed -E "s#(postgres(ql)?://[^/]*)/[^?]*#\1/$pgdb#")
else
	echo "postgres: ${PG:-not configured}: skipped"
fi

if [ -n "${REBUILD:-}" ]; then
	rm -rf "$out/orders" "$out/shipments.tsv" "$lite" "$lite"-wal "$lite"-shm "$out/imported-"*
	[ -z "$pgurl" ] || psql "$PG" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null
fi
if [ ! -s "$out/shipments.tsv" ]; then
	go run ./bench/import/gen -orders "$ORDERS" -days 730 -end 2025-06-30 -messy \
		-shipments "$out/shipments.tsv" -orders-out "$out/orders"
fi

# load NAME DATABASE_URL: import the seller once, timing each step.
load() {
	local name=$1 db=$2
	[ -e "$out/imported-$name" ] && return
	echo "importing into $name (once; minutes) ..."
	local t0=$SECONDS
	DATABASE_URL=$db "$bot" import orders "$out"/orders/orders-*.tsv | tail -1
	DATABASE_URL=$db "$bot" import categories "$out/orders/categories.tsv"
	local t1=$SECONDS
	DATABASE_URL=$db "$bot" import shipments "$out/shipments.tsv"
	echo "$name import: orders + categories $((t1 - t0)) s, shipments $((SECONDS - t1)) s" | tee "$out/imported-$name"
}
load sqlite "$lite"
if [ -n "$pgurl" ]; then
	psql "$PG" -qAtc "SELECT 1 FROM pg_database WHERE datname = '$pgdb'" | grep -q 1 ||
		psql "$PG" -qc "CREATE DATABASE $pgdb" >/dev/null
	load postgres "$pgurl"
	# A freshly loaded table has no visibility map: VACUUM lets PostgreSQL
	# answer from the covering index alone (index-only scans).
	psql "$pgurl" -qc "VACUUM ANALYZE packages" >/dev/null
fi
cat "$out"/imported-* 2>/dev/null || true
echo "packages: $(sqlite3 "$lite" "SELECT count(*) FROM packages") (sqlite)" \
	"$([ -z "$pgurl" ] || psql "$pgurl" -qAtc "SELECT count(*) FROM packages") (postgres)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores: other work skews wall time)"

status_args=(vtr status --from "$FROM" --to "$TO" --json)
history_args=(vtr history --from 2024-06-01 --to 2025-05-31 --days 30 --json)
for kind in sqlite postgres; do
	db=$lite
	if [ "$kind" = postgres ]; then
		[ -n "$pgurl" ] || continue
		db=$pgurl
	fi
	echo
	echo "== $kind"
	DATABASE_URL=$db "$bot" "${status_args[@]}" | cut -c1-200
	if command -v hyperfine >/dev/null; then
		DATABASE_URL=$db hyperfine -N --warmup 3 --runs 30 --style basic \
			"$bot ${status_args[*]}" "$bot ${history_args[*]}" 2>&1 | grep -E "Time|Range|Benchmark"
	else
		for args in "${status_args[*]}" "${history_args[*]}"; do
			s=$(date +%s.%N)
			for _ in $(seq 20); do DATABASE_URL=$db "$bot" $args >/dev/null; done
			echo "bot $args: $(echo "($(date +%s.%N) - $s) * 50" | bc) ms per run (mean of 20)"
		done
	fi
	DATABASE_URL=$db /usr/bin/time -f "peak RSS of bot vtr status: %M KB" "$bot" "${status_args[@]}" >/dev/null
	DATABASE_URL=$db /usr/bin/time -f "peak RSS of bot vtr history (365 days): %M KB" "$bot" "${history_args[@]}" >/dev/null
	VTRBOT_BENCH_DB=$db go test -run '^$' -bench . -benchtime 300x ./bench/vtr | grep -E "^Benchmark|status_test"
done

q="SELECT category, ineligible, reason, sum(n) FROM package_tallies WHERE marketplace = 'US' AND window_date >= '$FROM' AND window_date <= '$TO' GROUP BY category, ineligible, reason ORDER BY category, ineligible, reason"
echo
echo "== query plans (store.Tallies)"
echo "sqlite: $(sqlite3 "$lite" "EXPLAIN QUERY PLAN $q" | tr '\n' ' ')"
[ -z "$pgurl" ] || psql "$pgurl" -qAtc "EXPLAIN (ANALYZE, COSTS OFF) $q" | sed 's/^/postgres: /'
