#!/usr/bin/env bash
# Builds the bot binary the way every release and the Dockerfile do: static
# (CGO_ENABLED=0; the SQLite driver is pure Go), reproducible paths
# (-trimpath), symbols stripped, and the version and commit stamped in
# (bot version). Usage:
#
#   scripts/build.sh [OUT]          # default OUT: ./bot
#   GOOS=linux GOARCH=arm64 scripts/build.sh dist/bot-linux-arm64
#
# VERSION and COMMIT default to `git describe` and the HEAD commit when run
# in a git checkout ("devel" and "unknown" without one, e.g. in a Docker
# build context without .git: pass them as build arguments there).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bot}
if [ -z "${VERSION:-}" ]; then
  VERSION=$(git describe --tags --always --dirty 2>/dev/null || echo devel)
fi
if [ -z "${COMMIT:-}" ]; then
  COMMIT=$(git rev-parse HEAD 2>/dev/null || echo unknown)
  if [ "$COMMIT" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    COMMIT="$COMMIT+dirty"
  fi
fi
case "$VERSION$COMMIT" in
  *[!A-Za-z0-9._+-]*) echo "scripts/build.sh: VERSION and COMMIT may hold only letters, digits and . _ + -" >&2; exit 2 ;;
esac
CGO_ENABLED=0 go build -trimpath -buildvcs=false \
  -ldflags "-s -w -X main.version=$VERSION -X main.commit=$COMMIT" \
  -o "$out" ./cmd/bot
