#!/usr/bin/env bash
# The human printer on one long line with many findings, at doubling sizes, beside the JSON printer.
# Each size writes one page whose body is a single line holding N unmasked mobile numbers (N findings of
# 第二十二条 on one line). Linear printing shows as time doubling with N; the old printer re-laid-out and
# re-masked the whole line for every diagnostic (time ×4 per doubling).
#
# usage: scripts/bench/human.sh [GOVPRESS_BINARY] [SIZES...]   (default: target/release/govpress; 1000 … 16000)
set -euo pipefail
binary=${1:-target/release/govpress}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 2000 4000 8000 16000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N); echo "$end - $start" | bc; }
printf '%8s %10s %10s %10s\n' findings line_KB human_s json_s
for n in "${sizes[@]}"; do
  page="$work/long-$n.md"
  {
    printf '+++\ntitle = "长行"\ndate = 2024-05-15\n+++\n'
    for ((i = 0; i < n; i++)); do printf '联系人电话1381234%04d，' $((i % 10000)); done
    printf '\n'
  } >"$page"
  kb=$(( $(wc -c <"$page") / 1024 ))
  human=$(seconds "$binary" check "$page" --format human --now 2026-11-25T12:00:00+08:00)
  json=$(seconds "$binary" check "$page" --format json --now 2026-11-25T12:00:00+08:00)
  printf '%8d %10d %10.2f %10.2f\n' "$n" "$kb" "$human" "$json"
done
