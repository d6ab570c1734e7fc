#!/usr/bin/env bash
# Benchmark of issue 6: a 200,000-child ledger against a ~220,000-row police roster
# (GB18030 CSV, and the same as xlsx), parsed and matched in headless Chromium, beside a
# pandas script doing read_csv + merge on the same CSV files. Prints figures; asserts nothing.
#   bench/crosscheck.sh [children]      (default 200000)
set -euo pipefail
source "$(dirname "$0")/../scripts/setup.sh"
N=${1:-200000}
OUT=bench/out
mkdir -p "$OUT"
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q pandas
fi
trunk build --release >/dev/null 2>&1
cargo build --release -q -p baoxue-cli
# Police rosters list children by birth year: about one row in ten is just outside school age.
OLDER=$((N * 33 / 100))
./target/release/baoxue roster --children "$N" --older "$OLDER" --out "$OUT/police-$N.csv" \
  --ledger-csv "$OUT/ledger-$N.csv"
./target/release/baoxue roster --children "$N" --older "$OLDER" --format xlsx --out "$OUT/police-$N.xlsx"
PANDAS=$(bench/.venv/bin/python bench/pandas_merge.py "$OUT/ledger-$N.csv" "$OUT/police-$N.csv")
node bench/crosscheck.mjs "$N" "$PANDAS"
