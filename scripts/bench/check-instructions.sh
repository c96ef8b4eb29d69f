#!/usr/bin/env bash
# Benchmark: `check` against a bare pulldown-cmark parse of the same pages (benches/check.rs: 3,000
# generated Chinese pages, 13 MB), counted in instructions by callgrind, so the ratio does not move with
# the machine's load. One pass of each is measured: criterion's routine for the benchmark runs once
# under callgrind (--profile-time 1), and the inclusive cost of that call (`Bencher::iter`) is one pass
# over the whole corpus. Not a test: nothing here asserts a figure.
#
#   scripts/bench/check-instructions.sh [--keep DIR]
#
# --keep DIR keeps callgrind's .out files there (bare_pulldown_cmark.out, page_parse.out, check_page.out):
# `callgrind_annotate --inclusive=yes DIR/check_page.out` shows where a pass goes, function by function.
#
# Target (issue 9): check <= 2x the bare parse.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
ensure_apt valgrind

log "cargo bench --bench check --no-run"
bench="$(cargo bench --bench check --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "check" and m.get("executable"):
        print(m["executable"])')"
if [[ "${1:-}" == "--keep" && -n "${2:-}" ]]; then
  work="$2"
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi

# pass NAME: instructions of one pass of benchmark corpus/NAME.
pass() {
  valgrind --tool=callgrind --callgrind-out-file="$work/$1.out" "$bench" --bench --profile-time 1 "corpus/$1\$" \
    >"$work/$1.log" 2>&1
  callgrind_annotate --inclusive=yes --threshold=100 "$work/$1.out" |
    awk '/criterion::bencher::Bencher<M>::iter / && !found { gsub(",", "", $1); print $1; found = 1 }'
}

bare="$(pass bare_pulldown_cmark)"
parse="$(pass page_parse)"
check="$(pass check_page)"
awk -v b="$bare" -v p="$parse" -v c="$check" 'BEGIN {
  printf "instructions per pass over the corpus (callgrind)\n"
  printf "%-22s %15s %8s\n", "benchmark", "instructions", "/ bare"
  printf "%-22s %15d %7.2fx\n", "bare_pulldown_cmark", b, 1
  printf "%-22s %15d %7.2fx\n", "page_parse", p, p / b
  printf "%-22s %15d %7.2fx\n", "check_page", c, c / b
}'
echo "target: check_page <= 2x bare_pulldown_cmark"
