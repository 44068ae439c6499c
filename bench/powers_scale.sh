#!/usr/bin/env bash
# Province-scale 权责清单 (issue 3, "Speed"): all 21 Guangdong cities × ~5 000 items × six years
# of adjustments (about 1 M ledger rows), generated through the application's own record_batch
# by crates/fazhi/examples/powers_scale.rs, on SQLite and on a throwaway PostgreSQL. Reports:
#   - generation time and ledger row count;
#   - import of a 50 000-row xlsx with `fazhi powers import` (new items), and its re-import
#     (same file, nothing to write: the baseline);
#   - "holder on date" lookups per second in-process, against item-by-code lookups (baseline);
#   - the full as-of catalogue of one county (ms) and its first page of 50;
#   - the as-of catalogue page over HTTP (wrk) for a county and for a whole city, against /healthz.
# Usage: bash bench/powers_scale.sh [PATH_TO_shared/data/divisions]   (ITEMS=5000 DURATION=5s)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
command -v wrk >/dev/null || { echo "powers_scale.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
DIVISIONS=${1:-../shared/data/divisions}
ITEMS=${ITEMS:-5000}
DURATION=${DURATION:-5s}
cargo build --release --locked --bin fazhi --example powers_scale
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
BIN=$TARGET/release/fazhi
GEN=$TARGET/release/examples/powers_scale
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; pg_stop; rm -rf "$WORK"; }
trap cleanup EXIT

seconds() { local start=$SECONDS; "$@" >/dev/null; echo $((SECONDS - start)); }

wrk_line() { # label url -> "label req/s p50"
  wrk -t2 -c8 -d"$DURATION" --latency "$2" > "$WORK/wrk.txt"
  if grep -q "Non-2xx" "$WORK/wrk.txt"; then echo "powers_scale.sh: $1 answered non-2xx" >&2; cat "$WORK/wrk.txt" >&2; exit 1; fi
  printf '  %-44s %8s req/s   p50 %s\n' "$1" "$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")" "$(awk '$1 == "50%" {print $2}' "$WORK/wrk.txt")"
}

run() { # label url
  echo "== $1"
  "$BIN" --database-url "$2" migrate >/dev/null
  "$BIN" --database-url "$2" org import "$DIVISIONS/china-towns-2023.csv.gz" >/dev/null
  "$GEN" generate "$2" "$ITEMS" 2>/dev/null | sed 's/^/  /'
  "$GEN" xlsx "$WORK/list.xlsx" 50000 441400
  local first again
  first=$(seconds "$BIN" --database-url "$2" powers import "$WORK/list.xlsx" --decision "梅州市权责清单（规模测试）" --decided 2025-11-20)
  again=$(seconds "$BIN" --database-url "$2" powers import "$WORK/list.xlsx" --decision "梅州市权责清单（规模测试）" --decided 2025-11-20)
  printf '  xlsx import of 50 000 rows: %s s   re-import (nothing to write, baseline): %s s   ratio %s\n' "$first" "$again" \
    "$(python3 -c "print(f'{max($first,1)/max($again,1):.1f}x')")"
  "$GEN" measure "$2" 441402 | sed 's/^/  /'
  "$BIN" --database-url "$2" serve --listen 127.0.0.1:0 > "$WORK/serve.out" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do grep -q "http://127.0.0.1" "$WORK/serve.out" 2>/dev/null && break; sleep 0.2; done
  local base
  base=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/serve.out" | head -1)
  wrk_line "/healthz (baseline)" "$base/healthz"
  wrk_line "as-of page, county 441402" "$base/powers?division=441402&on=2025-08-01"
  wrk_line "as-of page, city 440100 (广州)" "$base/powers?division=440100&on=2025-08-01"
  wrk_line "as-of page 100 (OFFSET 4950), city 440100" "$base/powers?division=440100&on=2025-08-01&page=100"
  wrk_line "search '取水 许可', city 440100" "$base/powers?division=440100&on=2025-08-01&q=%E5%8F%96%E6%B0%B4+%E8%AE%B8%E5%8F%AF"
  wrk_line "search '取水 许可', province 440000" "$base/powers?division=440000&on=2025-08-01&q=%E5%8F%96%E6%B0%B4+%E8%AE%B8%E5%8F%AF"
  wrk_line "holder API, 441402 on 2025-08-01" "$base/api/v1/powers/items/441400-XK-00006/holder?division=441402&on=2025-08-01"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

run sqlite "sqlite://$WORK/scale.db"
if pg_available; then
  pg_start
  run postgres "$PG_URL"
else
  echo "postgres: skipped (PostgreSQL 15 not available)"
fi
