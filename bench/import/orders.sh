#!/usr/bin/env bash
# Orders import benchmark: `bot import orders` of a generated messy seller
# (All Orders report files of 100,000 orders each), into a fresh SQLite
# database and a fresh PostgreSQL database, timing each step:
#   1. the orders files into an empty database (nothing to reclassify);
#   2. the shipments file (its packages now have orders);
#   3. the first orders file again (every order updated, its packages
#      reclassified): the weekly re-upload of a big seller.
#
#   bash bench/import/orders.sh                 # ORDERS=200000
#   ORDERS=1090000 bash bench/import/orders.sh
#   PG= bash bench/import/orders.sh             # SQLite only
#   BOT=/path/to/bot bash bench/import/orders.sh  # another build (before/after)
#
# Generated data goes to bench/out/orders-$ORDERS (gitignored) and is reused.
set -euo pipefail
ORDERS=${ORDERS:-200000}
PG=${PG-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
cd "$(dirname "$0")/../.."
out=bench/out/orders-$ORDERS
mkdir -p "$out"
work=$(mktemp -d)
pgdb=""
cleanup() {
	rm -rf "$work"
	if [ -n "$pgdb" ]; then psql "$PG" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

bot=${BOT:-}
if [ -z "$bot" ]; then
	bot=$work/bot
	go build -o "$bot" ./cmd/bot
fi
if [ ! -s "$out/shipments.tsv" ]; then
	go run ./bench/import/gen -orders "$ORDERS" -days 730 -end 2025-06-30 -messy \
		-shipments "$out/shipments.tsv" -orders-out "$out/orders"
fi
files=("$out"/orders/orders-*.tsv)
echo "$ORDERS orders in ${#files[@]} files, $(($(wc -l <"$out/shipments.tsv") - 1)) shipment rows; load $(cut -d' ' -f1-3 /proc/loadavg)"

# step NAME DATABASE_URL ARGS...: one `bot import`, wall seconds.
step() {
	local name=$1 db=$2
	shift 2
	local t0 t1
	t0=$(date +%s.%N)
	DATABASE_URL=$db "$bot" import "$@" >/dev/null
	t1=$(date +%s.%N)
	printf '  %-34s %7.1f s\n' "$name" "$(echo "$t1 - $t0" | bc)"
}

run() {
	local kind=$1 db=$2
	echo "$kind:"
	local t0=$SECONDS
	for f in "${files[@]}"; do
		step "orders $(basename "$f") (new)" "$db" orders "$f"
	done
	step "categories" "$db" categories "$out/orders/categories.tsv"
	step "shipments" "$db" shipments "$out/shipments.tsv"
	step "orders $(basename "${files[0]}") again" "$db" orders "${files[0]}"
	echo "  total $((SECONDS - t0)) s"
}

run sqlite "$work/vtr.db"
if [ -n "$PG" ] && command -v psql >/dev/null && psql "$PG" -qAtc "SELECT 1" >/dev/null 2>&1; then
	pgdb=vtrbot_bench_orders_$$
	psql "$PG" -qc "CREATE DATABASE $pgdb" >/dev/null
	run postgres "$(echo "$PG" | sed -E "s#(postgres(ql)?://[^/]*)/[^?]*#\1/$pgdb#")"
else
	echo "postgres: ${PG:-not configured}: skipped"
fi
