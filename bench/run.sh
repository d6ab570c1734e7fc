#!/usr/bin/env bash
# Benchmark: a 200,000-child county in headless Chromium — store, open to an interactive list,
# filter and search, save one child, download size — beside two plain-JavaScript baselines on
# the same records in the same browser; and the 学籍 import of N students into a county set
# up from scratch (bench/roll-import.mjs). Prints figures; asserts nothing.
#   bench/run.sh [children]      (default 200000)
set -euo pipefail
source "$(dirname "$0")/../scripts/setup.sh"
N=${1:-200000}
mkdir -p bench/out
trunk build --release >/dev/null 2>&1
cargo build --release -q -p baoxue-cli
./target/release/baoxue demo --children "$N" --out "bench/out/county-$N.json"
node bench/bench.mjs "$N"
./target/release/baoxue rolls --schools all --children "$N" --format xlsx --out-dir "bench/out/roll-$N-xlsx"
./target/release/baoxue rolls --schools all --children "$N" --format csv --out-dir "bench/out/roll-$N-csv"
node bench/roll-import.mjs "$N"
