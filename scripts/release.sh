#!/usr/bin/env bash
# Builds the release archives into dist/ (or $DIST): one static binary per platform
# (scripts/build.sh, so the same flags as the Dockerfile; COMMIT as there), packed with the
# README, .env.example, the Slack manifest and the deploy files, plus
# SHA256SUMS. Usage:
#
#   VERSION=v1.2.0 scripts/release.sh      # default VERSION: git describe
#
# It follows goreleaser's archive naming (vtrbot_VERSION_OS_ARCH.tar.gz,
# .zip for Windows) without needing goreleaser.
set -euo pipefail
cd "$(dirname "$0")/.."
export VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo devel)}
platforms=${PLATFORMS:-"linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64"}
dist=${DIST:-dist}
rm -rf "$dist"
mkdir -p "$dist"
for p in $platforms; do
  os=${p%/*} arch=${p#*/}
  name="vtrbot_${VERSION#v}_${os}_${arch}"
  dir="$dist/$name"
  mkdir -p "$dir"
  exe=bot
  [ "$os" = windows ] && exe=bot.exe
  echo "building $name"
  GOOS=$os GOARCH=$arch scripts/build.sh "$dir/$exe"
  cp README.md .env.example slack-manifest.yml "$dir/"
  mkdir "$dir/deploy" && cp deploy/compose.yaml deploy/vtrbot.service "$dir/deploy/"
  if [ "$os" = windows ]; then
    (cd "$dist" && zip -qr "$name.zip" "$name")
  else
    tar -C "$dist" -czf "$dist/$name.tar.gz" "$name"
  fi
  rm -rf "$dir"
done
(cd "$dist" && shopt -s nullglob && sha256sum -- *.tar.gz *.zip > SHA256SUMS)
echo "$dist/: $(ls "$dist" | tr '\n' ' ')"
