#!/usr/bin/env bash
# Re-signs the whole demo portal (examples/portal): 初审, 复审 and 终审 by its three fictional staff
# reviewers, one `govpress review sign` record per stage covering every page. Run it whenever the
# portal's content changes. The review log is append-only: new records are added after the old ones.
#
#   scripts/sign-demo.sh           sign the current content (appends three records)
#   scripts/sign-demo.sh --fresh   start a new log (only for the demo: a real archive is never reset)
#
# The keys in examples/portal/demo-keys/ are 演示密钥 DEMO KEYS, public in this repository: never use
# them for a real site. Missing keys are generated (govpress keygen) and the roster rewritten.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
portal="$repo/examples/portal"
keys="$portal/demo-keys"

if [ -z "${GOVPRESS_BIN:-}" ]; then
  (cd "$repo" && cargo build --quiet -p govpress-cli)
  GOVPRESS_BIN="$repo/target/debug/govpress"
fi
govpress() { "$GOVPRESS_BIN" "$@"; }

# id | name | department | stage
reviewers=(
  "chen-siyuan|陈思远|青岚市人民政府办公室政务公开科|初审"
  "lin-yating|林雅婷|青岚市人民政府办公室政务公开科|复审"
  "zhao-guohua|赵国华|青岚市人民政府办公室|终审"
)

source "$repo/scripts/demo-roster.sh"
if demo_keys_missing "$keys" "${reviewers[@]}"; then
  echo "generating demo keys and the roster (reviewers.toml)" >&2
  {
    echo "# 审核人员名册（演示）：青岚市人民政府门户网站。人员均为虚构；私钥见 demo-keys/（演示密钥，切勿用于生产）。"
    echo "# Review roster of the demo portal. The reviewers are fictional; their keys in demo-keys/ are public DEMO KEYS."
    demo_roster "$keys" "${reviewers[@]}"
  } >"$portal/reviewers.toml.new"
  mv "$portal/reviewers.toml.new" "$portal/reviewers.toml"
  rm -f "$portal/reviews/log.jsonl"
fi

if [ "${1:-}" = "--fresh" ]; then
  rm -f "$portal/reviews/log.jsonl"
fi

chmod 600 "$keys"/*.pem
comments=("内容准确，同意报送复审" "符合发布规定，同意报送终审" "同意发布")
index=0
for entry in "${reviewers[@]}"; do
  IFS='|' read -r id _ _ stage <<<"$entry"
  (cd "$portal" && govpress review sign content --stage "$stage" --reviewer "$id" --key "demo-keys/$id.pem" \
    --comment "${comments[$index]}")
  index=$((index + 1))
done

govpress review verify "$portal"
govpress check "$portal"
