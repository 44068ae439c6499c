# Sourced by scripts/test.sh and bench/http.sh: a throwaway PostgreSQL 15 on a unix socket in a
# temp folder (initdb refuses root, so it runs as the postgres user), stopped on exit.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGTMP=""

pg_available() {
  [ -x "$PGBIN/initdb" ] && [ "$(id -u)" = 0 ]
}

pg_install_if_missing() {
  if [ ! -x "$PGBIN/initdb" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "pg.sh: installing PostgreSQL 15 (Debian package postgresql-15)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  fi
}

pg_stop() {
  if [ -n "$PGTMP" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PGTMP"
    PGTMP=""
  fi
}

# Starts the server and sets PG_URL to its postgres database.
pg_start() {
  PGTMP=$(mktemp -d)
  chown postgres:postgres "$PGTMP"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w \
    -o "-k $PGTMP -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
  PG_URL="postgres://postgres@localhost/postgres?host=$PGTMP"
  echo "pg.sh: PostgreSQL running on socket $PGTMP"
}
