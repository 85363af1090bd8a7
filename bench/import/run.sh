#!/usr/bin/env bash
# Import benchmark (issue 2): `bot import shipments` of a generated
# 1,000,000-row shipments file into a fresh SQLite database, against the
# sqlite3 shell loading the same file with .mode tabs + .import into a plain
# table; then the same file into a fresh PostgreSQL database (COPY path).
#
#   bash bench/import/run.sh                  # ROWS=1000000
#   ROWS=200000 bash bench/import/run.sh
#   PG=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable bash bench/import/run.sh
#   PG= bash bench/import/run.sh             # SQLite only
#
# Goals: vtrbot at most 2x the sqlite3 shell; peak RSS under 200 MB (imports
# stream). Generated data goes to bench/out/ (gitignored) and is reused.
set -euo pipefail
ROWS=${ROWS:-1000000}
PG=${PG-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
cd "$(dirname "$0")/../.."
out=bench/out/import
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

go build -o "$work/bot" ./cmd/bot
file="$out/shipments-$ROWS.tsv"
if [ ! -s "$file" ]; then
	go run ./bench/import/gen -orders "$ROWS" -shipments "$file"
fi
echo "file: $file, $(($(wc -l <"$file") - 1)) rows, $(du -h "$file" | cut -f1)"

# measure NAME CMD...: wall seconds, CPU seconds and peak RSS (KB) of CMD.
measure() {
	local name=$1
	shift
	/usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
		cat "$work/$name.err" >&2
		exit 1
	}
	local secs rss cpu
	secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/$name.time")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")
	cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$work/$name.time")
	echo "$name: ${secs}s wall, ${cpu}s CPU, peak RSS $((rss / 1024)) MB"
	eval "${name}_secs=$secs ${name}_rss=$rss ${name}_cpu=$cpu"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores: other work skews wall time)"
measure sqlite3 sqlite3 "$work/plain.db" -cmd ".mode tabs" ".import $file shipments"
measure vtrbot "$work/bot" import shipments "$file" --db "$work/fresh.db"
cat "$work/vtrbot.out"
n=$(sqlite3 "$work/fresh.db" "SELECT count(*) FROM packages")
[ "$n" -gt 0 ] || { echo "no packages imported" >&2; exit 1; }
measure again "$work/bot" import shipments "$file" --db "$work/fresh.db"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

awk -v b="$vtrbot_secs" -v s="$sqlite3_secs" -v bc="$vtrbot_cpu" -v sc="$sqlite3_cpu" -v r="$vtrbot_rss" -v a="$again_secs" -v n="$ROWS" 'BEGIN {
	printf "sqlite: vtrbot %.1fs, sqlite3 .import %.1fs: ratio %.1fx wall (%.1fx CPU), %.0f rows/s\n", b, s, b / s, bc / sc, n / b
	printf "        importing the same file again (every row an upsert conflict): %.1fs\n", a
	printf "        vtrbot peak RSS %.0f MB\n", r / 1024
	if (b / s > 2) print "        WARNING: above the 2x goal"
	if (r / 1024 >= 200) print "        WARNING: peak RSS not under 200 MB"
}'

if [ -z "$PG" ]; then exit 0; fi
if ! command -v psql >/dev/null || ! psql "$PG" -qAtc "SELECT 1" >/dev/null 2>&1; then
	echo "postgres: $PG not reachable, skipped"
	exit 0
fi
pgdb="vtrbot_bench_import_$$"
psql "$PG" -qc "CREATE DATABASE $pgdb" >/dev/null
pgurl=$(echo "$PG" | sed -E "s#(postgres(ql)?://[^/]*)/[^?]*#\1/$pgdb#")
measure pg env DATABASE_URL="$pgurl" "$work/bot" import shipments "$file"
cat "$work/pg.out"
measure pgagain env DATABASE_URL="$pgurl" "$work/bot" import shipments "$file"
awk -v t="$pg_secs" -v a="$pgagain_secs" -v r="$pg_rss" -v n="$ROWS" 'BEGIN {
	printf "postgres (COPY into a staging table, then one upsert): %.1fs, %.0f rows/s, peak RSS %.0f MB\n", t, n / t, r / 1024
	printf "          importing the same file again: %.1fs, %.0f rows/s\n", a, n / a
}'
