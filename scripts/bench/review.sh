#!/usr/bin/env bash
# Review at portal scale through the real binary: one `review sign` over 10,000 pages, three stages,
# then `review verify`, `review status` and the article-13 part of `check` over those pages.
# Wall and CPU time from /usr/bin/time -v. Core figures (30,000-record verify): cargo bench --bench review.
set -euo pipefail
cd "$(dirname "$0")/../.."
pages="${PAGES:-10000}"
cargo build --release -q -p govpress-cli
govpress="$PWD/target/release/govpress"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
site="$work/site"
mkdir -p "$site/content/news"
printf '[site]\nname = "示例市人民政府"\nbase_url = "https://www.example.gov.cn"\n' > "$site/govpress.toml"
body="$(printf '示例市人民政府关于开展网络安全宣传周活动的通知。%.0s' $(seq 20))"
for index in $(seq -w 1 "$pages"); do
  printf '+++\ntitle = "通知%s"\ndate = 2024-05-15\n+++\n%s\n' "$index" "$body" > "$site/content/news/$index.md"
done
cd "$site"
for entry in zhang:张三:初审 li:李四:复审 wang:王五:终审; do
  IFS=: read -r id name stage <<< "$entry"
  public="$("$govpress" --quiet keygen --out "$work/$id.pem")"
  printf '[[reviewer]]\nid = "%s"\nname = "%s"\nstaff = true\nstages = ["%s"]\npublic_key = """\n%s\n"""\nvalid_from = 2024-01-01\nvalid_until = 2099-12-31\n\n' \
    "$id" "$name" "$stage" "$public" >> reviewers.toml
done

measure() {
  local label="$1"; shift
  /usr/bin/time -v "$@" > /dev/null 2> "$work/time.txt" || true
  local wall cpu_user cpu_sys rss
  wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")"
  cpu_user="$(awk -F': ' '/User time/ {print $2}' "$work/time.txt")"
  cpu_sys="$(awk -F': ' '/System time/ {print $2}' "$work/time.txt")"
  rss="$(awk -F': ' '/Maximum resident/ {print $2}' "$work/time.txt")"
  printf '%-52s wall %8s  user %6ss  sys %5ss  max RSS %7s KB\n' "$label" "$wall" "$cpu_user" "$cpu_sys" "$rss"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
measure "review sign: $pages pages, one record (初审)" "$govpress" review sign content --stage 初审 --reviewer zhang --key "$work/zhang.pem"
measure "review sign: $pages pages, one record (复审)" "$govpress" review sign content --stage 复审 --reviewer li --key "$work/li.pem"
measure "review sign: $pages pages, one record (终审)" "$govpress" review sign content --stage 终审 --reviewer wang --key "$work/wang.pem"
echo "log: $(wc -c < reviews/log.jsonl) bytes, $(wc -l < reviews/log.jsonl) records"
measure "review verify (3 records, $((pages * 3)) page entries)" "$govpress" review verify
measure "review status --format json ($pages pages)" "$govpress" review status --format json
measure "check ($pages pages, every rule incl. article 13)" "$govpress" check --format json .
"$govpress" check --format json . | python3 -c 'import json,sys; r=json.load(sys.stdin); print("check:", r["files_checked"], "files,", sum(d["rule"].startswith("review.") for d in r["diagnostics"]), "review findings")'
