#!/usr/bin/env bash
# Scale: imports all of China down to village level (44 700 town-level rows, then 620 573
# villages) with the release binary, on SQLite and on a throwaway PostgreSQL, then imports the
# villages again. The second import reads, validates and plans the same rows but writes
# nothing: it is the baseline, and the ratio shows what writing costs.
# Usage: bash bench/import_scale.sh [PATH_TO_shared/data/divisions]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
DIVISIONS=${1:-../shared/data/divisions}
cargo build --release --locked --bin fazhi
BIN=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/fazhi
WORK=$(mktemp -d)
trap 'pg_stop; rm -rf "$WORK"' EXIT

seconds() { local start=$SECONDS; "$@" >/dev/null; echo $((SECONDS - start)); }

run() { # label url
  "$BIN" --database-url "$2" migrate >/dev/null
  local towns villages again
  towns=$(seconds "$BIN" --database-url "$2" org import "$DIVISIONS/china-towns-2023.csv.gz")
  villages=$(seconds "$BIN" --database-url "$2" org import "$DIVISIONS/china-villages-2023.csv.gz")
  again=$(seconds "$BIN" --database-url "$2" org import "$DIVISIONS/china-villages-2023.csv.gz")
  "$BIN" --database-url "$2" audit verify >/dev/null
  printf '%-9s towns %4ss   villages %4ss (%s rows/s)   re-import (no writes) %4ss   ratio %s\n' "$1" "$towns" "$villages" \
    "$(python3 -c "print(round(620573 / max($villages, 1)))")" "$again" "$(python3 -c "print(f'{max($villages,1)/max($again,1):.1f}x')")"
}

run sqlite "sqlite://$WORK/scale.db"
if pg_available; then
  pg_start
  run postgres "$PG_URL"
fi
