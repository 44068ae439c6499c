#!/usr/bin/env bash
# HTTP throughput under wrk on 127.0.0.1, 10 s per endpoint, on SQLite and on PostgreSQL.
# For each backend: /healthz (baseline: routing + one trivial query), the calendar due-date API,
# and a logged-in admin page (session, user, grants and the organisation tree). Prints requests/s,
# p99 latency and each endpoint's time per request relative to the baseline in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
command -v wrk >/dev/null || { echo "http.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked --bin fazhi
BIN=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/fazhi
DURATION=${DURATION:-10s}
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; pg_stop; rm -rf "$WORK"; }
trap cleanup EXIT

measure() { # name url [cookie] -> "rps p99"
  local args=(-t2 -c16 -d"$DURATION" --latency)
  [ -n "${3:-}" ] && args+=(-H "Cookie: $3")
  wrk "${args[@]}" "$2" > "$WORK/wrk.txt"
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
  if grep -q "Non-2xx" "$WORK/wrk.txt"; then echo "http.sh: $1 answered non-2xx" >&2; cat "$WORK/wrk.txt" >&2; exit 1; fi
  echo "$rps $p99"
}

run_backend() { # label database
  "$BIN" demo --db "$2" --port 0 > "$WORK/demo.out" 2>/dev/null &
  SERVER_PID=$!
  for _ in $(seq 1 100); do grep -q "http://127.0.0.1" "$WORK/demo.out" 2>/dev/null && break; sleep 0.2; done
  local base
  base=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/demo.out" | head -1)
  local csrf
  csrf=$(curl -s -c "$WORK/cookies" "$base/login" | grep -o 'name="csrf_token" value="[a-f0-9]*"' | head -1 | sed 's/.*value="//;s/"//')
  curl -s -b "$WORK/cookies" -c "$WORK/cookies" -o /dev/null -H "Origin: $base" \
    --data "csrf_token=$csrf&username=admin&password=fazhi-demo-2026&next=/admin" "$base/login"
  local cookie
  cookie="fazhi_session=$(awk '$6 == "fazhi_session" {print $7}' "$WORK/cookies")"
  read -r b_rps b_p99 < <(measure healthz "$base/healthz")
  read -r d_rps d_p99 < <(measure due "$base/api/v1/calendar/due?from=2024-09-20&working_days=20")
  read -r p_rps p_p99 < <(measure page "$base/admin/org?division=441400" "$cookie")
  printf '%-10s %-36s %10s %8s %8s\n' "$1" "/healthz (baseline)" "$b_rps" "$b_p99" "1.0x"
  printf '%-10s %-36s %10s %8s %8s\n' "$1" "/api/v1/calendar/due (20 wd)" "$d_rps" "$d_p99" "$(python3 -c "print(f'{$b_rps/$d_rps:.1f}x')")"
  printf '%-10s %-36s %10s %8s %8s\n' "$1" "/admin/org?division=441400 (login)" "$p_rps" "$p_p99" "$(python3 -c "print(f'{$b_rps/$p_rps:.1f}x')")"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

printf '%-10s %-36s %10s %8s %8s\n' backend endpoint "req/s" p99 "time/req vs baseline"
run_backend sqlite "$WORK/bench.db"
if pg_available; then
  pg_start
  run_backend postgres "$PG_URL"
else
  echo "postgres: skipped (PostgreSQL 15 not available)"
fi
