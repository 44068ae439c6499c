#!/usr/bin/env bash
# calendar due for 1 000 000 random (date, N) pairs in one process, against a Mon–Fri baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p fazhi-core --bench calendar_due
