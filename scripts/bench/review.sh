#!/usr/bin/env bash
# Review at portal scale through the real binary. Not a test: nothing here asserts a time.
#
# 1. History (issue 9): one site written twice by `cargo bench --bench review_site` — every page signed
#    one by one at each stage (PAGES × 3 records) and the same pages signed in 3 batch records — then
#    `govpress check` and `govpress build` (fresh output, no cache: as CI sees a fresh clone) on each,
#    RUNS times; medians and the ratio one-by-one / batch. Also `review verify` (the full audit).
# 2. Scale (SIGN_PAGES > 0): one `review sign` over SIGN_PAGES pages per stage, then verify/status/check.
#
#   scripts/bench/review.sh            PAGES=1500 RUNS=5 SIGN_PAGES=0
set -euo pipefail
cd "$(dirname "$0")/../.."
pages="${PAGES:-1500}"
runs="${RUNS:-5}"
sign_pages="${SIGN_PAGES:-0}"
cargo build --release -q -p govpress-cli
govpress="$PWD/target/release/govpress"
# On tmpfs when there is one: on this VM's /tmp (ext4 without a journal) a build right after the previous
# output was deleted pays the recently-deleted inode window, and the medians swung 0.77x-2.09x between runs.
tmp="${TMPDIR:-}"
[ -n "$tmp" ] || { [ -d /dev/shm ] && [ -w /dev/shm ] && tmp=/dev/shm; } || tmp=/tmp
work="$(mktemp -d -p "$tmp")"
trap 'rm -rf "$work"' EXIT

# seconds NAME COMMAND... : wall seconds of one run (exit status ignored: the verdict is printed apart).
seconds() {
  /usr/bin/time -f '%e %U %S' -o "$work/time.txt" "$@" > /dev/null 2>&1 || true
  cat "$work/time.txt"
}

# median_of COMMAND... : "median-wall median-cpu" over $runs runs; each build gets a fresh output directory.
median_of() {
  local walls=() cpus=() run line
  for run in $(seq "$runs"); do
    line="$(seconds "${@//@OUT@/$work/out-$RANDOM-$run}")"
    walls+=("$(awk '{print $1}' <<< "$line")")
    cpus+=("$(awk '{print $2 + $3}' <<< "$line")")
  done
  printf '%s %s\n' \
    "$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
    "$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
cargo bench -q --bench review_site -- "$work" "$pages"
for kind in one-by-one batch; do
  "$govpress" --quiet check "$work/$kind" > /dev/null 2>&1 \
    && echo "$kind: check passes ($(wc -l < "$work/$kind/reviews/log.jsonl") records)" \
    || echo "$kind: check reports findings ($(wc -l < "$work/$kind/reviews/log.jsonl") records)"
done
declare -A wall cpu
for kind in one-by-one batch; do
  for command in check build verify; do
    case "$command" in
      check) read -r w c < <(median_of "$govpress" --quiet check "$work/$kind") ;;
      build) read -r w c < <(median_of "$govpress" --quiet build "$work/$kind" --out @OUT@) ;;
      verify) read -r w c < <(cd "$work/$kind" && median_of "$govpress" --quiet review verify) ;;
    esac
    wall[$kind-$command]="$w"; cpu[$kind-$command]="$c"
  done
done
printf '%-8s %22s %22s %8s\n' "" "one-by-one wall/cpu" "batch wall/cpu" "ratio"
for command in check build verify; do
  printf '%-8s %13ss / %5ss %13ss / %5ss %7.2fx\n' "$command" \
    "${wall[one-by-one-$command]}" "${cpu[one-by-one-$command]}" "${wall[batch-$command]}" "${cpu[batch-$command]}" \
    "$(awk -v a="${wall[one-by-one-$command]}" -v b="${wall[batch-$command]}" 'BEGIN {print (b > 0 ? a / b : 0)}')"
done
echo "($pages pages; medians of $runs runs; build = check + render into a fresh output directory; verify = every signature)"

[ "$sign_pages" -gt 0 ] || exit 0
site="$work/site"
mkdir -p "$site/content/news"
printf '[site]\nname = "示例市人民政府"\nbase_url = "https://www.example.gov.cn"\n' > "$site/govpress.toml"
body="$(printf '示例市人民政府关于开展网络安全宣传周活动的通知。%.0s' $(seq 20))"
for index in $(seq -w 1 "$sign_pages"); do
  printf '+++\ntitle = "通知%s"\ndate = 2024-05-15\n+++\n%s\n' "$index" "$body" > "$site/content/news/$index.md"
done
cd "$site"
for entry in zhang:张三:初审 li:李四:复审 wang:王五:终审; do
  IFS=: read -r id name stage <<< "$entry"
  public="$("$govpress" --quiet keygen --out "$work/$id.pem")"
  printf '[[reviewer]]\nid = "%s"\nname = "%s"\nstaff = true\nstages = ["%s"]\npublic_key = """\n%s\n"""\nvalid_from = 2024-01-01\nvalid_until = 2099-12-31\n\n' \
    "$id" "$name" "$stage" "$public" >> reviewers.toml
done
for entry in zhang:初审 li:复审 wang:终审; do
  IFS=: read -r id stage <<< "$entry"
  echo "review sign: $sign_pages pages, one record ($stage): $(seconds "$govpress" --quiet review sign content --stage "$stage" --reviewer "$id" --key "$work/$id.pem") (wall user sys)"
done
echo "review verify: $(seconds "$govpress" --quiet review verify)"
echo "review status --format json: $(seconds "$govpress" --quiet review status --format json)"
echo "check: $(seconds "$govpress" --quiet check .)"
