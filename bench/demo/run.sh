#!/usr/bin/env bash
# First-run benchmark (issue 9): the README's first command as a new user
# meets it — empty Go build cache and module cache (modules come from
# GOPROXY as on a fresh machine), no demo database — timed from `go run` to
# the end of the story. The prompt gets one `/vtr status`, then end of input.
#
#   bash bench/demo/run.sh
#
# Goal: under a minute, first build included. The Go toolchain itself is not
# counted (a fresh machine "with Go" has it). Load on a shared machine slows
# the build: the script prints the load average.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
cleanup() { chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export GOCACHE=$work/gocache GOMODCACHE=$work/gomodcache
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
start=$(date +%s.%N)
(cd "$work" && echo "/vtr status" | go -C "$OLDPWD" run ./cmd/bot demo --db "$work/vtrbot-demo.db") >"$work/demo.out" 2>&1 || {
	cat "$work/demo.out" >&2
	exit 1
}
end=$(date +%s.%N)
grep -q "Valid Tracking Rate" "$work/demo.out" || { echo "the demo printed no status" >&2; exit 1; }
mails=$(grep -c "new mail:" "$work/demo.out" || true)
[ "$mails" -ge 4 ] || { echo "the demo showed $mails of the 4 sample mails" >&2; exit 1; }
echo "go run ./cmd/bot demo, from empty caches to the end of the story: $(echo "$end - $start" | bc) s ($mails mails picked up)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
