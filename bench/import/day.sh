#!/usr/bin/env bash
# A big seller's first day (issue 18): `bot import orders` then `bot import
# shipments` of a generated year of a messy seller (ORDERS orders in one All
# Orders file, about 1.09 rows a order, and their shipments file: several
# packages for some orders, cancelled and FBA orders without any), into a
# fresh SQLite database and a fresh PostgreSQL database; then the same two
# files again (nothing changes). The sqlite3 shell's .import of the same two
# files into plain tables is timed in the same run, just before.
#
#   bash bench/import/day.sh                      # ORDERS=1000000
#   ORDERS=100000 bash bench/import/day.sh
#   PG= bash bench/import/day.sh                  # SQLite only
#   BOT=/path/to/old/bot bash bench/import/day.sh # another build (before/after)
#
# Goals: SQLite's two imports together within 8x the sqlite3 shell, peak
# RSS under 250 MB; PostgreSQL's under 60 s; each re-import no slower than
# the first. Generated data goes to bench/out/day-$ORDERS (gitignored).
set -euo pipefail
ORDERS=${ORDERS:-1000000}
PG=${PG-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
cd "$(dirname "$0")/../.."
out=bench/out/day-$ORDERS
mkdir -p "$out"
work=$(mktemp -d)
pgdb=""
cleanup() {
	rm -rf "$work"
	if [ -n "$pgdb" ]; then psql "$PG" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

command -v sqlite3 >/dev/null || { echo "sqlite3 not found: apt-get install -y sqlite3" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found: apt-get install -y time" >&2; exit 1; }

bot=${BOT:-}
if [ -z "$bot" ]; then
	bot=$work/bot
	go build -o "$bot" ./cmd/bot
fi
orders=$out/orders/orders-001.tsv
ships=$out/shipments.tsv
if [ ! -s "$ships" ] || [ ! -s "$orders" ]; then
	go run ./bench/import/gen -orders "$ORDERS" -days 365 -end 2025-06-30 -messy -per-file 100000000 \
		-shipments "$ships" -orders-out "$out/orders"
fi
echo "orders: $(($(wc -l <"$orders") - 1)) rows, $(du -h "$orders" | cut -f1); shipments: $(($(wc -l <"$ships") - 1)) rows, $(du -h "$ships" | cut -f1)"

# measure NAME CMD...: wall seconds, CPU seconds and peak RSS (MB) of CMD,
# set as NAME_secs, NAME_cpu, NAME_rss.
measure() {
	local name=$1
	shift
	/usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
		cat "$work/$name.err" >&2
		exit 1
	}
	local secs rss cpu
	secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/$name.time")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%d", $2 / 1024}' "$work/$name.time")
	cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$work/$name.time")
	printf '  %-22s %7.1f s wall %7.1f s CPU  peak RSS %4d MB\n' "$name" "$secs" "$cpu" "$rss"
	eval "${name}_secs=$secs ${name}_rss=$rss ${name}_cpu=$cpu"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores: other work skews wall time)"
echo "sqlite:"
measure sqlite3 sqlite3 "$work/plain.db" -cmd ".mode tabs" ".import $orders orders" ".import $ships shipments"
measure orders "$bot" import orders "$orders" --db "$work/fresh.db"
measure shipments "$bot" import shipments "$ships" --db "$work/fresh.db"
sqlite3 "$work/fresh.db" "SELECT 'tables: ' || (SELECT count(*) FROM orders) || ' orders, ' || (SELECT count(*) FROM order_items) || ' items, ' || (SELECT count(*) FROM packages) || ' packages'"
sqlite3 "$work/fresh.db" .dump | grep -v '^INSERT INTO meta' | md5sum >"$work/dump1"
measure orders_again "$bot" import orders "$orders" --db "$work/fresh.db"
measure shipments_again "$bot" import shipments "$ships" --db "$work/fresh.db"
sqlite3 "$work/fresh.db" .dump | grep -v '^INSERT INTO meta' | md5sum >"$work/dump2"
cmp -s "$work/dump1" "$work/dump2" && echo "  re-import: tables unchanged" || echo "  WARNING: the re-import changed the tables"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v o="$orders_secs" -v s="$shipments_secs" -v b="$sqlite3_secs" -v oc="$orders_cpu" -v sc="$shipments_cpu" -v bc="$sqlite3_cpu" \
	-v r1="$orders_rss" -v r2="$shipments_rss" -v r3="$orders_again_rss" -v r4="$shipments_again_rss" -v oa="$orders_again_secs" -v sa="$shipments_again_secs" 'BEGIN {
	r = r1 + 0; if (r2 > r) r = r2; if (r3 > r) r = r3; if (r4 > r) r = r4
	printf "sqlite: orders + shipments %.1f s (%.1f s CPU), sqlite3 .import %.1f s: ratio %.1fx wall (%.1fx CPU), peak RSS %d MB; again %.1f s\n",
		o + s, oc + sc, b, (o + s) / b, (oc + sc) / bc, r, oa + sa
	if ((o + s) / b > 8) print "        WARNING: above the 8x goal"
	if (r >= 250) print "        WARNING: peak RSS not under 250 MB"
}'

if [ -z "$PG" ]; then exit 0; fi
if ! command -v psql >/dev/null || ! psql "$PG" -qAtc "SELECT 1" >/dev/null 2>&1; then
	echo "postgres: $PG not reachable, skipped"
	exit 0
fi
pgdb="vtrbot_bench_day_$$"
psql "$PG" -qc "CREATE DATABASE $pgdb" >/dev/null
pgurl=$(echo "$PG" | sed -E "s#(postgres(ql)?://[^/]*)/[^?]*#\1/$pgdb#")
echo "postgres:"
measure pg_orders env DATABASE_URL="$pgurl" "$bot" import orders "$orders"
measure pg_shipments env DATABASE_URL="$pgurl" "$bot" import shipments "$ships"
pgdump() { psql "$pgurl" -qAtc "SELECT md5(string_agg(t, E'\n' ORDER BY t)) FROM (SELECT o::text AS t FROM orders o UNION ALL SELECT i::text FROM order_items i UNION ALL SELECT p::text FROM packages p UNION ALL SELECT k::text FROM package_tallies k) x"; }
d1=$(pgdump)
measure pg_orders_again env DATABASE_URL="$pgurl" "$bot" import orders "$orders"
measure pg_shipments_again env DATABASE_URL="$pgurl" "$bot" import shipments "$ships"
[ "$d1" = "$(pgdump)" ] && echo "  re-import: tables unchanged" || echo "  WARNING: the re-import changed the tables"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v b="$sqlite3_secs" -v o="$pg_orders_secs" -v s="$pg_shipments_secs" -v r1="$pg_orders_rss" -v r2="$pg_shipments_rss" -v r3="$pg_orders_again_rss" -v r4="$pg_shipments_again_rss" \
	-v oa="$pg_orders_again_secs" -v sa="$pg_shipments_again_secs" 'BEGIN {
	r = r1 + 0; if (r2 > r) r = r2; if (r3 > r) r = r3; if (r4 > r) r = r4
	printf "postgres: orders + shipments %.1f s (%.1fx the sqlite3 .import), peak RSS %d MB (client); again %.1f s\n", o + s, (o + s) / b, r, oa + sa
	if (o + s > 60) print "          WARNING: above the 60 s goal"
}'
