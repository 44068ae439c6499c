#!/usr/bin/env bash
# Runs the whole test suite on SQLite and on a throwaway PostgreSQL 15 started here and stopped on
# exit. Extra arguments go to cargo nextest (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PGBIN/initdb" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test.sh: installing PostgreSQL 15 (Debian package postgresql-15)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi
if ! command -v cargo-nextest >/dev/null; then
  echo "test.sh: installing cargo-nextest"
  cargo install --locked cargo-nextest
fi

PGTMP=""
cleanup() {
  if [ -n "$PGTMP" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PGTMP"
  fi
}
trap cleanup EXIT

start_postgres() {
  PGTMP=$(mktemp -d)
  chown postgres:postgres "$PGTMP"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w \
    -o "-k $PGTMP -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
  export FAZHI_TEST_PG_URL="postgres://postgres@localhost/postgres?host=$PGTMP"
  echo "test.sh: PostgreSQL running on socket $PGTMP"
}

if [ -n "${FAZHI_TEST_PG_URL:-}" ]; then
  echo "test.sh: using the PostgreSQL given in FAZHI_TEST_PG_URL"
elif [ -x "$PGBIN/initdb" ] && [ "$(id -u)" = 0 ]; then
  start_postgres
elif [ "${CI:-}" = "true" ]; then
  echo "test.sh: CI needs PostgreSQL 15 at $PGBIN (run as root)" >&2
  exit 1
else
  echo "test.sh: PostgreSQL 15 not available; running the SQLite half only" >&2
fi

cargo nextest run --workspace --no-fail-fast "$@"

bash scripts/browser-test.sh
