#!/usr/bin/env bash
# Builds the browser checker's four WebAssembly modules into www/pkg/, each bound with wasm-bindgen
# (--target web) and shrunk with binaryen's wasm-opt from npm (Debian's binaryen 108 corrupts
# wasm-bindgen output: TOOLCHAIN.md):
#   govpress_first    the first module (wasm-first/), loaded with the page: checks a Markdown draft with
#                     the default config through the core's `check_markdown_draft` (no lol_html, regex or
#                     YAML linked) and gives the first diagnostic;
#   govpress_wasm     the full checking module (wasm/ with its `check` feature), fetched right after the
#                     first one and taking over: the core without `render`, and without the review (SM2/SM3,
#                     the log);
#   govpress_preview  the preview module (wasm-preview/): rendering, sanitising, leave-site rewriting,
#                     fetched by the page on first use of the preview;
#   govpress_review   the reviewers' view (wasm/ with its `review` feature): review status and the full
#                     audit, fetched by the page only for a site folder with a roster or a review log.
# Installs what it needs when missing. Prints each module's raw and gzip sizes, and the wasm bytes
# the page transfers before its first diagnostic (the first module, gzip -9).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

BINARYEN_VERSION=132.0.0
out=www/pkg
cargo_out=target/wasm32-unknown-unknown

ensure_wasm_target
bindgen_dir="$(ensure_wasm_bindgen)"

binaryen_dir="$GOVPRESS_CACHE/binaryen-$BINARYEN_VERSION"
if [ ! -x "$binaryen_dir/node_modules/.bin/wasm-opt" ]; then
  log "installing binaryen $BINARYEN_VERSION from npm (wasm-opt)"
  mkdir -p "$binaryen_dir"
  npm install --prefix "$binaryen_dir" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
fi

rm -rf "$out.tmp" && mkdir -p "$out.tmp"

# One cargo run per module: built together, cargo would unify the core's features and the checking
# module would link the sanitiser too.
# build_module PACKAGE CARGO_NAME MODULE_NAME PROFILE WASM_OPT_FLAG [CARGO_ARGS...]
build_module() {
  local package=$1 cargo_name=$2 name=$3 profile=$4 wasm_opt=$5
  shift 5
  log "cargo build -p $package $* ($profile)"
  cargo build --quiet -p "$package" "$@" --profile "$profile" --target wasm32-unknown-unknown
  log "wasm-bindgen --target web $name -> $out/"
  "$bindgen_dir/wasm-bindgen" --target web --no-typescript --out-dir "$out.tmp" --out-name "$name" \
    "$cargo_out/$profile/$cargo_name.wasm"
  log "wasm-opt $wasm_opt $name"
  "$binaryen_dir/node_modules/.bin/wasm-opt" "$wasm_opt" "$out.tmp/${name}_bg.wasm" -o "$out.tmp/${name}_bg.opt.wasm"
  mv "$out.tmp/${name}_bg.opt.wasm" "$out.tmp/${name}_bg.wasm"
}
build_module govpress-wasm-first govpress_first govpress_first wasm-release -Oz
build_module govpress-wasm govpress_wasm govpress_wasm wasm-release -Oz --no-default-features --features check
build_module govpress-wasm-preview govpress_preview govpress_preview wasm-release -Oz
# The reviewers' view verifies every SM2 signature of the archive: built for speed (docs/checker.md).
build_module govpress-wasm govpress_wasm govpress_review wasm-review -O3 --no-default-features --features review

# Replace the previous build only once the new one is complete.
rm -rf "$out" && mv "$out.tmp" "$out"

size() { wc -c <"$1" | tr -d ' '; }
gzipped() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
for name in govpress_first govpress_wasm govpress_preview govpress_review; do
  raw=$(size "$out/${name}_bg.wasm")
  gz=$(gzipped "$out/${name}_bg.wasm")
  printf '%s_bg.wasm: %s bytes raw (%s KB), %s bytes gzip -9 (%s KB); glue JS %s bytes\n' \
    "$name" "$raw" "$((raw / 1024))" "$gz" "$((gz / 1024))" "$(size "$out/$name.js")"
done
gz=$(gzipped "$out/govpress_first_bg.wasm")
printf 'wasm transferred before the first diagnostic: %s bytes gzip -9 (%s KB; the first module only)\n' \
  "$gz" "$((gz / 1024))"
full=$(gzipped "$out/govpress_wasm_bg.wasm")
printf 'and for a draft the first module leaves to the full one: %s bytes gzip -9 (%s KB; both modules)\n' \
  "$((gz + full))" "$(((gz + full) / 1024))"
