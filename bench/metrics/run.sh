#!/usr/bin/env bash
# Sibling metrics before and after issue 20 (docs/rules.md "Sibling
# metrics"), on the same generated seller. Generates a messy seller
# (bench/import/gen), and a copy of its shipments file with the edges the
# generator never writes (bench/metrics/edges: confirmations around midnight
# Pacific, evening deliveries, re-uploads, split shipments without a time,
# exempt letters with tracking). Imports each into SQLite with the binary of
# OLD (a git revision, default the merge-base with main) and with this
# checkout's, then:
#   - `bot metrics --as-of D --json` for every STEP-th day of the last DAYS
#     days, old against new (bench/metrics/compare): which figures moved;
#   - `bot vtr status --json` for the same days: VTR must not move at all;
#   - the time of one `bot metrics` process, old and new (median of RUNS).
#
#   bash bench/metrics/run.sh
#   ORDERS=20000 bash bench/metrics/run.sh   # smaller
#   REBUILD=1 bash bench/metrics/run.sh      # generate and import again
#
# Data, databases and answers stay in bench/out/metrics (gitignored).
set -euo pipefail
ORDERS=${ORDERS:-100000}
DAYS=${DAYS:-120}
STEP=${STEP:-3}
RUNS=${RUNS:-5}
END=2025-06-30
cd "$(dirname "$0")/../.."
OLD=${OLD:-$(git merge-base HEAD main)}
out=bench/out/metrics
[ -z "${REBUILD:-}" ] || rm -rf "$out"
mkdir -p "$out"

go build -o "$out/bot-new" ./cmd/bot
if [ ! -x "$out/bot-old" ] || [ "$(cat "$out/old-rev" 2>/dev/null)" != "$OLD" ]; then
	rm -rf "$out/old-src" && mkdir -p "$out/old-src"
	git archive "$OLD" | tar -x -C "$out/old-src"
	(cd "$out/old-src" && go build -o ../bot-old ./cmd/bot)
	echo "$OLD" >"$out/old-rev"
fi
echo "old: $(git log -1 --format='%h %s' "$OLD" | cut -c1-72)"
echo "new: $(git log -1 --format='%h %s' HEAD | cut -c1-72)$(git diff --quiet HEAD || echo ' + changes')"

if [ ! -s "$out/messy.tsv" ]; then
	go run ./bench/import/gen -orders "$ORDERS" -days "$DAYS" -end "$END" -messy \
		-shipments "$out/messy.tsv" -orders-out "$out/orders"
	go run ./bench/metrics/edges <"$out/messy.tsv" >"$out/edges.tsv"
fi

# load SET BIN: the orders and the SET shipments file into SET-BIN.db.
load() {
	local db=$out/$1-$2.db
	[ -e "$db.done" ] && return
	rm -f "$db" "$db"-wal "$db"-shm
	local t0=$SECONDS
	"$out/bot-$2" import orders --db "$db" "$out"/orders/orders-*.tsv >/dev/null
	"$out/bot-$2" import categories --db "$db" "$out/orders/categories.tsv" >/dev/null
	"$out/bot-$2" import shipments --db "$db" "$out/$1.tsv" >/dev/null
	echo "imported $1 with bot-$2 in $((SECONDS - t0)) s"
	touch "$db.done"
}

days=()
for ((i = DAYS - 1; i >= 0; i -= STEP)); do days+=("$(date -u -d "$END - $i days" +%F)"); done

for set in messy edges; do
	for bin in old new; do
		load "$set" "$bin"
		mkdir -p "$out/answers/$set-$bin/metrics" "$out/answers/$set-$bin/status"
		for d in "${days[@]}"; do
			"$out/bot-$bin" metrics --db "$out/$set-$bin.db" --as-of "$d" --json >"$out/answers/$set-$bin/metrics/$d.json"
			"$out/bot-$bin" vtr status --db "$out/$set-$bin.db" --as-of "$d" --days 30 --json >"$out/answers/$set-$bin/status/$d.json"
		done
	done
	echo
	echo "== $set: metrics that moved (old -> new), ${#days[@]} as-of days from ${days[0]} to ${days[-1]}"
	go run ./bench/metrics/compare "$out/answers/$set-old/metrics" "$out/answers/$set-new/metrics"
	if diff -rq "$out/answers/$set-old/status" "$out/answers/$set-new/status" >/dev/null; then
		echo "VTR status: identical on all ${#days[@]} days"
	else
		echo "VTR status: DIFFERS"
		diff -r "$out/answers/$set-old/status" "$out/answers/$set-new/status" | head -20
	fi
done

# median N...: the middle value. The machine may be shared: old and new
# run in turn, and CPU time (GNU time) moves less than wall time.
median() { printf '%s\n' "$@" | sort -n | sed -n "$(((${#} + 1) / 2))p"; }
echo
echo "== one \`bot metrics --as-of $END\` process, $ORDERS orders: median of $RUNS (wall ms, CPU ms)"
for set in messy edges; do
	declare -A wall=() cpu=()
	for ((r = 0; r < RUNS; r++)); do
		for bin in old new; do
			t0=$(date +%s%N)
			if [ -x /usr/bin/time ]; then
				c=$(/usr/bin/time -f '%U %S' "$out/bot-$bin" metrics --db "$out/$set-$bin.db" --as-of "$END" --json 2>&1 >/dev/null |
					awk '{printf "%d", ($1 + $2) * 1000}')
			else
				"$out/bot-$bin" metrics --db "$out/$set-$bin.db" --as-of "$END" --json >/dev/null
				c=0
			fi
			wall[$bin]+=" $((($(date +%s%N) - t0) / 1000000))"
			cpu[$bin]+=" $c"
		done
	done
	for bin in old new; do
		# shellcheck disable=SC2086
		echo "$set $bin: wall $(median ${wall[$bin]}) ms, cpu $(median ${cpu[$bin]}) ms"
	done
done
