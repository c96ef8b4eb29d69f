#!/usr/bin/env bash
# Benchmark: a 集约化 platform of SITES sites × PAGES pages (`govpress build --platform`) against one site
# of SITES × PAGES pages (`govpress build`), the same generated Markdown, both signed (the platform by its
# shared roster), built fresh into an empty output, alternately, RUNS times each. Prints the medians of
# wall time, CPU time and peak RSS (/usr/bin/time -v) and the ratio platform / single site. Not a test:
# nothing here asserts a time.
#
#   scripts/bench/platform.sh [SITES] [PAGES] [RUNS]   (defaults 50 1000 3; on a loaded machine try
#                                                       20 500 3; GOVPRESS_BENCH_DIR to keep the sites)
#
# Target (issue 14): the platform builds in <= 1.1x the time of the single site.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

sites="${1:-50}"
pages="${2:-1000}"
runs="${3:-3}"
sections=10
ensure_apt time

log "cargo build --release -p govpress-cli"
cargo build --release --quiet -p govpress-cli
govpress="$PWD/target/release/govpress"

work="${GOVPRESS_BENCH_DIR:-$(mktemp -d)}"
[ -n "${GOVPRESS_BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT

# config DIR NAME PATH: a site's govpress.toml (base_url path PATH, "" for the root).
config() {
  cat >"$1/govpress.toml" <<EOF
[site]
name = "$2"
base_url = "https://www.bench.gov.cn/$3"
org_kind = "party-government"

[identity]
conac_id = "0123456789ABCDEF0123456789ABCDEF"
site_code = "9999000001"
icp = "浙ICP备99000001号-1"
psb = "浙公网安备99990002000001号"
sponsor = "$2"
contact = "12345"

[review]
stages = ["初审", "复审", "终审"]
date_tolerance_days = 0

[checks]
now = "2026-11-25T12:00:00+08:00"
EOF
}

# content DIR COUNT: COUNT pages in 10 sections (the pages of scripts/bench/build.sh), linked relatively.
content() {
  awk -v pages="$2" -v sections="$sections" -v root="$1/content" -v links="../../" -f scripts/bench/pages.awk
}

# roster FILE KEYS: three reviewers, one per stage, keys made by govpress keygen.
roster() {
  mkdir -p "$2"
  : >"$1"
  for stage in 初审 复审 终审; do
    public_key="$("$govpress" --quiet keygen --out "$2/bench-$stage.pem")"
    printf '[[reviewer]]\nid = "bench-%s"\nname = "基准%s"\nstaff = true\nstages = ["%s"]\npublic_key = """\n%s\n"""\nvalid_from = 2026-01-01\nvalid_until = 2030-12-31\n\n' \
      "$stage" "$stage" "$stage" "$public_key" >>"$1"
  done
}

sign() {
  for stage in 初审 复审 终审; do
    (cd "$1" && "$govpress" --quiet review sign content --stage "$stage" --reviewer "bench-$stage" --key "$2/bench-$stage.pem" >/dev/null 2>&1)
  done
}

total=$((sites * pages))
single="$work/single"
platform="$work/platform"
rm -rf "$single" "$platform" && mkdir -p "$single" "$platform/sites"

log "one site of $total pages"
config "$single" "基准测试市人民政府" ""
content "$single" "$total"
roster "$single/reviewers.toml" "$work/keys-single"
sign "$single" "$work/keys-single"

log "a platform of $sites sites × $pages pages (shared roster)"
roster "$platform/reviewers.toml" "$work/keys-platform"
printf '[platform]\nname = "基准测试市政府网站集约化平台"\nroster = "reviewers.toml"\n' >"$platform/platform.toml"
for index in $(seq -w 1 "$sites"); do
  site="$platform/sites/site-$index"
  mkdir -p "$site"
  config "$site" "基准测试部门$index" "site-$index/"
  content "$site" "$pages"
  printf '\n[[site]]\ndir = "sites/site-%s"\n' "$index" >>"$platform/platform.toml"
  sign "$site" "$work/keys-platform"
done

source scripts/bench/measure.sh

# Warm the page cache for both.
find "$single" "$platform" -name '*.md' -exec cat {} + >/dev/null
rm -f "$work"/*.runs
for run in $(seq "$runs"); do
  log "run $run of $runs"
  rm -rf "$work/out-single" "$work/out-platform"
  sync
  measure single "$govpress" --quiet build "$single" --out "$work/out-single"
  sync
  measure platform "$govpress" --quiet build --platform "$platform/platform.toml" --out "$work/out-platform"
done

single_files="$(find "$work/out-single" -type f 2>/dev/null | wc -l)"
platform_files="$(find "$work/out-platform" -type f | wc -l)"
base="$(column_median single 1)"
printf '\n%s pages: one site vs %s sites × %s pages; %s runs each, medians\n' "$total" "$sites" "$pages" "$runs"
printf '%-10s %9s %9s %9s %12s\n' case "wall (s)" "CPU (s)" "RSS (MB)" "/ single"
for name in single platform; do
  awk -v n="$name" -v w="$(column_median "$name" 1)" -v r="$(column_median "$name" 2)" -v c="$(column_median "$name" 3)" -v b="$base" \
    'BEGIN { printf "%-10s %9.2f %9.2f %9.1f %11.2fx\n", n, w, c, r, w / b }'
done
echo "(target: platform <= 1.10x single; files written: single site $single_files, platform $platform_files)"
