#!/usr/bin/env bash
# Re-signs the demo platform (examples/platform): 初审, 复审 and 终审 of every site by the three fictional
# staff reviewers of the platform's shared roster (reviewers.toml at the platform root), one
# `govpress review sign` record per stage and site. Run it whenever a site's content changes.
#
#   scripts/sign-platform-demo.sh           sign the current content (appends three records per site)
#   scripts/sign-platform-demo.sh --fresh   start new logs (only for the demo: a real archive is never reset)
#   GOVPRESS_PLATFORM_DIR=DIR ...           sign a copy of the demo platform elsewhere (tests)
#
# The keys in examples/platform/demo-keys/ are 演示密钥 DEMO KEYS, public in this repository: never use
# them for a real site. Missing keys are generated (govpress keygen) and the shared roster rewritten.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
platform="${GOVPRESS_PLATFORM_DIR:-$repo/examples/platform}"
keys="$platform/demo-keys"
sites=(portal fgw jyj)

if [ -z "${GOVPRESS_BIN:-}" ]; then
  (cd "$repo" && cargo build --quiet -p govpress-cli)
  GOVPRESS_BIN="$repo/target/debug/govpress"
fi
govpress() { "$GOVPRESS_BIN" "$@"; }

# id | name | department | stage
reviewers=(
  "sun-mingyu|孙明宇|青岚市大数据发展管理局|初审"
  "he-jing|何静|青岚市人民政府办公室政务公开科|复审"
  "zhou-weimin|周伟民|青岚市人民政府办公室|终审"
)

source "$repo/scripts/demo-roster.sh"
if demo_keys_missing "$keys" "${reviewers[@]}"; then
  echo "generating demo keys and the shared roster (reviewers.toml)" >&2
  {
    echo "# 集约化平台共享审核人员名册（演示）：平台各站点都可由这些人员审核；站点自己的 reviewers.toml 追加在后。"
    echo "# 人员均为虚构；私钥见 demo-keys/（演示密钥，切勿用于生产）。"
    echo "# The platform's shared roster (demo). Fictional reviewers; their keys in demo-keys/ are public DEMO KEYS."
    demo_roster "$keys" "${reviewers[@]}"
  } >"$platform/reviewers.toml.new"
  mv "$platform/reviewers.toml.new" "$platform/reviewers.toml"
  for site in "${sites[@]}"; do rm -f "$platform/sites/$site/reviews/log.jsonl"; done
fi

if [ "${1:-}" = "--fresh" ]; then
  for site in "${sites[@]}"; do rm -f "$platform/sites/$site/reviews/log.jsonl"; done
fi

chmod 600 "$keys"/*.pem
comments=("内容准确，同意报送复审" "符合发布规定，同意报送终审" "同意发布")
for site in "${sites[@]}"; do
  index=0
  for entry in "${reviewers[@]}"; do
    IFS='|' read -r id _ _ stage <<<"$entry"
    (cd "$platform/sites/$site" && govpress --quiet review sign content --stage "$stage" --reviewer "$id" \
      --key "$keys/$id.pem" --comment "${comments[$index]}")
    index=$((index + 1))
  done
  govpress review verify "$platform/sites/$site"
done

govpress check --platform "$platform"
