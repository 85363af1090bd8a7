#!/usr/bin/env bash
# Times `bot parse` against Python's standard email package on the same
# generated mbox (default 10,000 mixed notices), and checks that bot parse's
# memory stays flat when the mbox grows (a second run on 4x the messages).
#
#   bash bench/parse/run.sh            # N=10000
#   N=2000 bash bench/parse/run.sh
#
# Goal (issue 5): bot parse at least 5x faster than Python, peak RSS flat.
set -euo pipefail
N=${N:-10000}
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/bot" ./cmd/bot
go run ./bench/parse/gen -n "$N" -o "$work/notices.mbox"
go run ./bench/parse/gen -n $((N * 4)) -o "$work/big.mbox"
echo "mbox: $N messages, $(du -h "$work/notices.mbox" | cut -f1); 4x: $(du -h "$work/big.mbox" | cut -f1)"

# measure NAME CMD...: wall seconds and peak RSS (KB) of CMD, stdout discarded.
measure() {
	local name=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err"
		secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/$name.time")
		rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")
		cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$work/$name.time")
	else
		read -r secs rss cpu < <(python3 - "$@" 2>"$work/$name.err" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{time.monotonic() - t:.3f} {r.ru_maxrss} {r.ru_utime + r.ru_stime:.2f}")
PY
)
	fi
	echo "$name: ${secs}s wall, ${cpu}s CPU, peak RSS ${rss} KB"
	eval "${name}_secs=$secs ${name}_rss=$rss ${name}_cpu=$cpu"
}

measure bot "$work/bot" parse "$work/notices.mbox"
measure python python3 bench/parse/py_decode.py "$work/notices.mbox"
measure bot4x "$work/bot" parse "$work/big.mbox"

# Same messages, same count: one JSON object per message.
lines=$("$work/bot" parse "$work/notices.mbox" | wc -l)
[ "$lines" -eq "$N" ] || { echo "bot parse printed $lines objects for $N messages" >&2; exit 1; }

echo "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (2 cores: other work skews wall time)"
awk -v b="$bot_secs" -v p="$python_secs" -v bc="$bot_cpu" -v pc="$python_cpu" -v r1="$bot_rss" -v r4="$bot4x_rss" -v n="$N" 'BEGIN {
	printf "ratio: bot parse is %.1fx faster than python email in wall time (%.0f vs %.0f messages/s)\n", p / b, n / b, n / p
	printf "       and uses %.1fx less CPU time (%.0f vs %.0f us of CPU per message)\n", pc / bc, bc / n * 1e6, pc / n * 1e6
	printf "memory: peak RSS %d KB for %d messages, %d KB for %d (x%.2f)\n", r1, n, r4, 4 * n, r4 / r1
	if (p / b < 5) print "WARNING: below the 5x goal"
	if (r4 / r1 > 1.5) print "WARNING: memory grows with the mbox"
}'
