#!/usr/bin/env bash
# Real-browser tests: builds fazhi, then drives Debian's chromium with playwright-core (npm)
# against `fazhi demo` on 127.0.0.1. Screenshots go to $FAZHI_SCREENSHOTS (default /tmp/fazhi-shots).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "browser-test.sh: installing chromium and CJK fonts (Debian packages)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "browser-test.sh: chromium is not installed (apt-get install chromium)" >&2
    exit 1
  fi
fi
cargo build --locked --bin fazhi
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
export FAZHI_BIN="$target_dir/debug/fazhi"
cd browser-tests
npm ci --no-audit --no-fund --silent
node --test
