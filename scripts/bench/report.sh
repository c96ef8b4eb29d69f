#!/usr/bin/env bash
# The compliance report at portal scale (issue 14 target: 10,000 pages and a year of history in
# <= 2 s plus the log verification the build already does). Not a test: nothing here asserts a time.
#
# A signed site of PAGES pages (every page signed one by one at each stage: PAGES × 3 records, written
# by `cargo bench --bench review_site`), a year of hourly build entries and weekly link checks in its
# history; then RUNS times each: `govpress report` and `govpress review verify` (the log verification
# alone). Medians of wall and CPU time, and the report minus the verification.
#
#   scripts/bench/report.sh            PAGES=10000 RUNS=5
set -euo pipefail
cd "$(dirname "$0")/../.."
pages="${PAGES:-10000}"
runs="${RUNS:-5}"
cargo build --release -q -p govpress-cli
govpress="$PWD/target/release/govpress"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
cargo bench -q --bench review_site -- "$work" "$pages" > /dev/null
site="$work/one-by-one"
python3 - "$site/.govpress/history.jsonl" <<'PY'
import json, sys, datetime, os
path = sys.argv[1]
os.makedirs(os.path.dirname(path), exist_ok=True)
end = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
with open(path, "w") as out:
    for hour in range(365 * 24, 0, -1):
        at = end - datetime.timedelta(hours=hour)
        errors = (hour // 500) % 4
        entry = {"v": 1, "time": at.isoformat(), "command": "build", "duration_ms": 40000, "pages": 10000,
                 "errors": errors, "warnings": 12, "articles": {"13": 12, "14": errors},
                 "rules": {"timeliness.stale-section": 12, "reprint.source-url": errors}, "published": errors == 0}
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        if hour % (24 * 7) == 0:
            links = {"v": 1, "time": at.isoformat(), "command": "links", "duration_ms": 60000, "pages": 10000,
                     "errors": 1, "warnings": 3, "articles": {"15": 4}, "rules": {"links.broken": 1, "links.abnormal": 3},
                     "links": {"checked": 2400, "broken": 1, "warnings": 3}}
            out.write(json.dumps(links, ensure_ascii=False) + "\n")
PY
echo "site: $(find "$site/content" -name '*.md' | wc -l) pages, $(wc -l < "$site/reviews/log.jsonl") review records, $(wc -l < "$site/.govpress/history.jsonl") history entries ($(du -h "$site/.govpress/history.jsonl" | cut -f1))"

# median_of COMMAND... : "median-wall median-cpu" over $runs runs.
median_of() {
  local walls=() cpus=() line
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S' -o "$work/time.txt" "$@" > /dev/null 2>&1 || true
    line="$(cat "$work/time.txt")"
    walls+=("$(awk '{print $1}' <<< "$line")")
    cpus+=("$(awk '{print $2 + $3}' <<< "$line")")
  done
  printf '%s %s\n' \
    "$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
    "$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}

read -r report_wall report_cpu < <(median_of "$govpress" --quiet report "$site" --out "$work/report.html" --now 2026-11-25T12:00:00+08:00)
read -r verify_wall verify_cpu < <(cd "$site" && median_of "$govpress" --quiet review verify)
printf '%-28s %8s %8s\n' "" "wall s" "cpu s"
printf '%-28s %8s %8s\n' "govpress report" "$report_wall" "$report_cpu"
printf '%-28s %8s %8s\n' "govpress review verify" "$verify_wall" "$verify_cpu"
printf '%-28s %8.2f %8.2f   (target <= 2 s)\n' "report - verify" \
  "$(awk -v a="$report_wall" -v b="$verify_wall" 'BEGIN {print a - b}')" \
  "$(awk -v a="$report_cpu" -v b="$verify_cpu" 'BEGIN {print a - b}')"
echo "report: $(du -h "$work/report.html" | cut -f1), $(grep -o '<svg' "$work/report.html" | wc -l) charts"
