#!/usr/bin/env bash
# Benchmark: a generated site (default 10,000 pages) built side by side in one run:
#   - govpress fresh build (empty output) vs Hugo (Debian's hugo, a minimal theme, the same Markdown);
#   - govpress rebuild over its existing output, nothing changed;
#   - govpress rebuild with one page changed (edited and signed again);
#   - Hugo rebuild over its existing output, for reference;
#   - `govpress serve`: from the save of one edited page to the first response showing it
#     (scripts/bench/serve-edit.py, SERVE_EDITS edits, default 9; 0 skips it).
# Each is run RUNS times; medians of wall time, CPU time and peak RSS (/usr/bin/time -v), and ratios
# (to Hugo for the fresh build, to govpress's fresh build for the rebuilds). Not a test: nothing here
# asserts a time.
#
#   scripts/bench/build.sh [PAGES] [RUNS]   (defaults 10000 and 5; try 100000 3 for the large site;
#                                            GOVPRESS_BENCH_DIR to keep the site, RUNS 0 to only make it;
#                                            GOVPRESS_BIN to measure another govpress executable)
#
# Targets (issue 9): fresh <= 0.45x Hugo, peak RSS <= 150 MB; rebuilds <= 0.5x the fresh build; serve: an
# edited page served within 50 ms of the save.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

pages="${1:-10000}"
runs="${2:-5}"
sections=10
ensure_apt hugo time

if [ -n "${GOVPRESS_BIN:-}" ]; then
  govpress="$GOVPRESS_BIN" # another build of govpress (a before/after comparison)
else
  log "cargo build --release -p govpress-cli"
  cargo build --release --quiet -p govpress-cli
  govpress="$PWD/target/release/govpress"
fi

work="${GOVPRESS_BENCH_DIR:-$(mktemp -d)}"
[ -n "${GOVPRESS_BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
site="$work/site"
rm -rf "$site" && mkdir -p "$site/content" "$site/static"

log "generating $pages pages in $site"
cat >"$site/govpress.toml" <<'EOF'
[site]
name = "基准测试市人民政府"
base_url = "https://www.bench.gov.cn"
org_kind = "party-government"

[identity]
conac_id = "0123456789ABCDEF0123456789ABCDEF"
site_code = "9999000001"
icp = "浙ICP备99000001号-1"
psb = "浙公网安备99990002000001号"
sponsor = "基准测试市人民政府办公室"
contact = "12345"

[review]
stages = ["初审", "复审", "终审"]
EOF
# Every page: headings, a list, a table, a footnote and links (scripts/bench/pages.awk).
awk -v pages="$pages" -v sections="$sections" -v root="$site/content" -v links="/" -f scripts/bench/pages.awk

keys="$work/keys"
if "$govpress" --help | grep -q "review"; then
  log "signing all pages (three stages, one record each)"
  rm -rf "$keys" && mkdir -p "$keys"
  : >"$site/reviewers.toml"
  for stage in 初审 复审 终审; do
    id="bench-$stage"
    public_key="$("$govpress" --quiet keygen --out "$keys/$id.pem")"
    cat >>"$site/reviewers.toml" <<EOF
[[reviewer]]
id = "$id"
name = "基准$stage"
department = "基准测试市人民政府办公室"
staff = true
stages = ["$stage"]
public_key = """
$public_key
"""
valid_from = 2026-01-01
valid_until = 2030-12-31

EOF
  done
  rm -rf "$site/reviews"
  for stage in 初审 复审 终审; do
    (cd "$site" && "$govpress" --quiet review sign content --stage "$stage" --reviewer "bench-$stage" --key "$keys/bench-$stage.pem" >/dev/null)
  done
fi

log "Hugo site (minimal theme, same Markdown)"
hugo_site="$work/hugo"
rm -rf "$hugo_site" && mkdir -p "$hugo_site/layouts/_default"
cp -r "$site/content" "$hugo_site/content"
cat >"$hugo_site/config.toml" <<'EOF'
baseURL = "https://www.bench.gov.cn/"
languageCode = "zh-cn"
title = "基准测试市人民政府"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
[markup.goldmark.renderer]
unsafe = false
EOF
cat >"$hugo_site/layouts/_default/baseof.html" <<'EOF'
<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title></head>
<body><header><a href="/">{{ .Site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main>
<footer><p>主办单位：基准测试市人民政府办公室</p></footer></body></html>
EOF
cat >"$hugo_site/layouts/_default/single.html" <<'EOF'
{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>{{ .Content }}</article>{{ end }}
EOF
cat >"$hugo_site/layouts/_default/list.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
EOF

if [ "$runs" = 0 ]; then
  log "site generated in $site (RUNS 0: nothing measured)"
  exit 0
fi
source scripts/bench/measure.sh

# After a govpress build the previous output's files are removed in the background (its directories are
# kept for the next build as .NAME.recycle; an output that cannot be kept is removed whole): wait until
# that is done so that one run does not pay for the last one's removal (the wait is reported, not hidden).
settle() {
  local parent="$1" name="$2" waited=0
  while compgen -G "$parent/.$name.tmp-*" >/dev/null || compgen -G "$parent/.$name.old-*" >/dev/null \
    || pgrep -f -- "find $parent/.$name.recycle" >/dev/null; do
    sleep 0.05
    waited=$((waited + 1))
  done
  echo "$waited" >>"$work/settle.runs"
}


changed_page="$site/content/section-00/page-00000.md"
edit_one_page() {
  printf '\n本页于第 %s 次修改。\n' "$1" >>"$changed_page"
  for stage in 初审 复审 终审; do
    (cd "$site" && "$govpress" --quiet review sign "$changed_page" --stage "$stage" --reviewer "bench-$stage" --key "$keys/bench-$stage.pem" >/dev/null)
  done
}

# Warm the page cache for both.
cat "$site"/content/*/*.md >/dev/null
rm -f "$work"/*.runs
for run in $(seq "$runs"); do
  log "run $run of $runs"
  rm -rf "$work/out-govpress" "$work/.out-govpress.recycle" "$work/out-hugo"
  # A fresh build follows no deletion in real use (a CI job's empty directory). Here it follows the
  # removal of ~50,000 inodes, and ext4 without a journal (this VM's /tmp) skips every inode freed in
  # the last 60 s (360 s while its inode table block is dirty: fs/ext4/ialloc.c, RECENTCY_MIN and
  # RECENTCY_DIRTY) on each create: up to a third of a fresh build's samples, in system time. So both
  # fresh builds start after a sync and the 60 s window (FRESH_COOLDOWN=0 to skip). It is not enough: the
  # build dirties the inode table blocks it allocates in, which stretches their window to 360 s (a profile of
  # a 100,000-page build 66 s after its predecessor's removal: 28 % of samples in recently_deleted and the
  # lookups it makes). Only the first run on a quiet file system is clean; compare it, as the notes do.
  sync && sleep "${FRESH_COOLDOWN:-65}"
  measure fresh "$govpress" --quiet build "$site" --out "$work/out-govpress"
  settle "$work" out-govpress
  measure hugo hugo --quiet -s "$hugo_site" -d "$work/out-hugo"
  measure unchanged "$govpress" --quiet build "$site" --out "$work/out-govpress"
  settle "$work" out-govpress
  edit_one_page "$run"
  measure one-changed "$govpress" --quiet build "$site" --out "$work/out-govpress"
  settle "$work" out-govpress
  measure hugo-rebuild hugo --quiet -s "$hugo_site" -d "$work/out-hugo"
done

gp_files="$(find "$work/out-govpress" -type f | wc -l)"
hugo_files="$(find "$work/out-hugo" -type f | wc -l)"
fresh="$(column_median fresh 1)"
hugo="$(column_median hugo 1)"
printf '\n%s pages, %s runs each, medians; govpress wrote %s files, Hugo %s\n' "$pages" "$runs" "$gp_files" "$hugo_files"
printf '%-26s %9s %9s %9s %12s %12s\n' case "wall (s)" "CPU (s)" "RSS (MB)" "/ hugo" "/ gp fresh"
for name in fresh unchanged one-changed hugo hugo-rebuild; do
  wall="$(column_median "$name" 1)"
  awk -v n="$name" -v w="$wall" -v r="$(column_median "$name" 2)" -v c="$(column_median "$name" 3)" -v h="$hugo" -v f="$fresh" \
    'BEGIN { printf "%-26s %9.3f %9.2f %9.1f %11.2fx %11.2fx\n", n, w, c, r, w / h, w / f }'
done
serve_edits="${SERVE_EDITS:-9}"
if [ "$serve_edits" -gt 0 ]; then
  log "serve: $serve_edits edits of one page"
  python3 scripts/bench/serve-edit.py "$govpress" "$site" "$site/content/section-07/page-00017.md" /section-07/page-00017/ "$serve_edits" | tee "$work/serve.log"
fi
echo "background removal of the previous output, waited after each govpress run (median, 50 ms steps): $(median <"$work/settle.runs")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (wall times grow with load; CPU times less so)"
echo "targets: fresh <= 0.45x hugo, RSS <= 150 MB (10,000 pages); rebuilds <= 0.50x govpress fresh; serve edit <= 50 ms"
