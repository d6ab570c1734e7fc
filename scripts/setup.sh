#!/usr/bin/env bash
# Installs what BaoXue needs to build and test, only what is missing, from crates.io, npm and
# Debian. Sourced by scripts/run and scripts/test; quick when everything is there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TRUNK_VERSION=0.21.14
say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# Rust's wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Chromium, its driver, a CJK font, and Node from Debian.
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need_apt+=(fonts-wqy-microhei)
# A real .xls writer for the 学籍 import's end-to-end test (Debian's python3).
dpkg -s python3-xlwt >/dev/null 2>&1 || need_apt+=(python3-xlwt)
command -v node >/dev/null || need_apt+=(nodejs npm)
# The age CLI, to prove files sealed to an office's key open outside BaoXue too.
command -v age >/dev/null || need_apt+=(age)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "installing from Debian: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# wasm-bindgen CLI at exactly the version in Cargo.lock (without --locked: a locked
# dependency of it is missing from the registry index here).
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  say "installing wasm-bindgen-cli $WB_VERSION (about 2 minutes)"
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

# Trunk, pinned: newer versions need a newer rustc.
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (about 7 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --force
fi

# npm tools: wasm-opt (binaryen), playwright-core, and the division data.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.baoxue-lock 2>/dev/null)" != "$lock_sum" ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.baoxue-lock
fi

export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
WASM_OPT_VERSION=$(wasm-opt --version | awk '{print $3}')
if [ "$WASM_OPT_VERSION" != "132" ]; then
  echo "wasm-opt $WASM_OPT_VERSION found first on PATH; Trunk.toml pins version_132" >&2
  exit 1
fi
