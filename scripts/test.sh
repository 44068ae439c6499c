#!/usr/bin/env bash
# Runs the whole test suite on SQLite and on a throwaway PostgreSQL 15 started here and stopped on
# exit. Extra arguments go to cargo nextest (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/pg.sh
pg_install_if_missing
if ! command -v cargo-nextest >/dev/null; then
  echo "test.sh: installing cargo-nextest"
  cargo install --locked cargo-nextest
fi
trap pg_stop EXIT

if [ -n "${FAZHI_TEST_PG_URL:-}" ]; then
  echo "test.sh: using the PostgreSQL given in FAZHI_TEST_PG_URL"
elif pg_available; then
  pg_start
  export FAZHI_TEST_PG_URL="$PG_URL"
elif [ "${CI:-}" = "true" ]; then
  echo "test.sh: CI needs PostgreSQL 15 at $PGBIN (run as root)" >&2
  exit 1
else
  echo "test.sh: PostgreSQL 15 not available; running the SQLite half only" >&2
fi

# The tests' SQLite files and the browser tests' demo databases go in a folder of this run,
# removed at the end (they came to tens of gigabytes over many runs in the shared temp folder).
RUN_TMP=$(mktemp -d)
chmod 755 "$RUN_TMP"
trap 'pg_stop; rm -rf "$RUN_TMP"' EXIT
export TMPDIR="$RUN_TMP"

cargo nextest run --workspace --no-fail-fast "$@"

bash scripts/browser-test.sh
