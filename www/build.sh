#!/usr/bin/env bash
# Builds the browser checker: the core compiled to WebAssembly, bound with wasm-bindgen (--target web)
# into www/pkg/, then shrunk with binaryen's wasm-opt from npm (Debian's binaryen 108 corrupts
# wasm-bindgen output: TOOLCHAIN.md). Installs what it needs when missing. Prints raw and gzip sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

BINARYEN_VERSION=132.0.0
out=www/pkg
wasm=target/wasm32-unknown-unknown/wasm-release/govpress_wasm.wasm

ensure_wasm_target
bindgen_dir="$(ensure_wasm_bindgen)"

binaryen_dir="$GOVPRESS_CACHE/binaryen-$BINARYEN_VERSION"
if [ ! -x "$binaryen_dir/node_modules/.bin/wasm-opt" ]; then
  log "installing binaryen $BINARYEN_VERSION from npm (wasm-opt)"
  mkdir -p "$binaryen_dir"
  npm install --prefix "$binaryen_dir" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
fi

log "cargo build -p govpress-wasm (wasm-release)"
cargo build --quiet -p govpress-wasm --profile wasm-release --target wasm32-unknown-unknown

log "wasm-bindgen --target web -> $out/"
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
"$bindgen_dir/wasm-bindgen" --target web --no-typescript --out-dir "$out.tmp" "$wasm"

log "wasm-opt -Oz"
"$binaryen_dir/node_modules/.bin/wasm-opt" -Oz "$out.tmp/govpress_wasm_bg.wasm" -o "$out.tmp/govpress_wasm_bg.opt.wasm"
mv "$out.tmp/govpress_wasm_bg.opt.wasm" "$out.tmp/govpress_wasm_bg.wasm"

# Replace the previous build only once the new one is complete.
rm -rf "$out" && mv "$out.tmp" "$out"

size() { wc -c <"$1" | tr -d ' '; }
raw=$(size "$out/govpress_wasm_bg.wasm")
gz=$(gzip -9 -c "$out/govpress_wasm_bg.wasm" | wc -c | tr -d ' ')
js=$(size "$out/govpress_wasm.js")
printf 'govpress_wasm_bg.wasm: %s bytes raw (%s KB), %s bytes gzip -9 (%s KB); glue JS %s bytes\n' \
  "$raw" "$((raw / 1024))" "$gz" "$((gz / 1024))" "$js"
