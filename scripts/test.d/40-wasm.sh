#!/usr/bin/env bash
# The browser checker: builds the core to WebAssembly (www/build.sh), runs the whole corpus through it
# in node against expected.json and the native CLI's JSON, then drives www/ in headless Chromium.
# review.mjs: the reviewers' view against `govpress review status/verify --format json`.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

command -v node >/dev/null || ensure_apt nodejs npm
ensure_apt chromium fonts-noto-cjk
bash www/build.sh
cargo build --quiet -p govpress-cli
ensure_npm_deps www/tests
cd www/tests
log "node --test (wasm corpus in node, page in Chromium)"
node --test --test-reporter=spec corpus.mjs browser.mjs review.mjs
