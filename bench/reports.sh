#!/usr/bin/env bash
# Benchmark of issue 4: a county imports the monthly reports of all its schools (the demo
# county of 200,000 children) in headless Chromium — dry run, then apply — with the longest
# task on the page's main thread; and the cost of opening encrypted reports. Prints figures;
# asserts nothing.
#   bench/reports.sh [children]      (default 200000)
set -euo pipefail
source "$(dirname "$0")/../scripts/setup.sh"
N=${1:-200000}
OUT=bench/out
rm -rf "$OUT/reports-$N" "$OUT/reports-$N-encrypted" "$OUT/reports-$N-sealed"
mkdir -p "$OUT"
trunk build --release >/dev/null 2>&1
cargo build --release -q -p baoxue-cli
./target/release/baoxue reports --children "$N" --out-dir "$OUT/reports-$N"
# The same reports encrypted (as schools send them), to measure what the passphrase costs.
BAOXUE_PASSPHRASE=bench-passphrase ./target/release/baoxue reports --children "$N" \
  --out-dir "$OUT/reports-$N-encrypted"
node bench/reports.mjs "$N"
