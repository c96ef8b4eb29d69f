#!/usr/bin/env bash
# End-to-end: the demo portal built by govpress, served by a real nginx on 127.0.0.1, checked with
# fetch and headless Chromium (Playwright via playwright-core); govpress serve's live reload; the
# build gate; the compliance report printed to PDF (pdftotext). Installs nginx, chromium, CJK fonts,
# poppler-utils and the node packages when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

ensure_apt nginx chromium fonts-noto-cjk poppler-utils
ensure_npm_deps tests/e2e
tests/e2e/run.sh
