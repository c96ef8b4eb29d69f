# Shared by scripts/sign-demo.sh and scripts/sign-platform-demo.sh (sourced; needs a `govpress` function).
# A reviewer is "id|name|department|stage". The keys are 演示密钥 DEMO KEYS: public, never for a real site.

# demo_keys_missing KEYS REVIEWER... : true when a reviewer has no key in KEYS/.
demo_keys_missing() {
  local keys="$1" entry id
  shift
  for entry in "$@"; do
    IFS='|' read -r id _ _ _ <<<"$entry"
    [ -f "$keys/$id.pem" ] || return 0
  done
  return 1
}

# demo_roster KEYS REVIEWER... : a new key per reviewer (KEYS/ID.pem, govpress keygen) and, on standard
# output, their [[reviewer]] entries.
demo_roster() {
  local keys="$1" entry id name department stage public_key
  shift
  mkdir -p "$keys"
  for entry in "$@"; do
    IFS='|' read -r id name department stage <<<"$entry"
    rm -f "$keys/$id.pem"
    public_key="$(govpress --quiet keygen --out "$keys/$id.pem")"
    cat <<ROSTER

[[reviewer]]
id = "$id"
name = "$name"
department = "$department"
staff = true
stages = ["$stage"]
public_key = """
$public_key
"""
valid_from = 2026-01-01
valid_until = 2028-12-31
ROSTER
  done
}
