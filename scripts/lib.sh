# Shared install helpers for scripts/test and scripts/test.d/*.sh. Each installs only what is missing.
# Caches live under ${GOVPRESS_CACHE:-$HOME/.cache/govpress} so reruns skip them.

GOVPRESS_CACHE="${GOVPRESS_CACHE:-$HOME/.cache/govpress}"
mkdir -p "$GOVPRESS_CACHE"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# ensure_apt PKG... : installs Debian packages that are not installed yet.
ensure_apt() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  if [ ! -f "$GOVPRESS_CACHE/apt-updated" ]; then
    as_root apt-get update -qq && touch "$GOVPRESS_CACHE/apt-updated"
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_wasm_target() {
  rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
}

# The wasm-bindgen version pinned in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$(git rev-parse --show-toplevel)/Cargo.lock"
}

# ensure_wasm_bindgen : wasm-bindgen-cli matching Cargo.lock, installed under the cache; prints its bin dir.
ensure_wasm_bindgen() {
  local version root
  version="$(wasm_bindgen_version)"
  [ -n "$version" ] || { echo "wasm-bindgen not in Cargo.lock" >&2; return 1; }
  root="$GOVPRESS_CACHE/wasm-bindgen-$version"
  if [ ! -x "$root/bin/wasm-bindgen" ]; then
    log "installing wasm-bindgen-cli $version (a few minutes, once)"
    # Not --locked: its lockfile wants a webpki-roots version the registry lacks (TOOLCHAIN.md).
    cargo install -q wasm-bindgen-cli --version "$version" --root "$root"
  fi
  echo "$root/bin"
}

# ensure_npm_deps DIR : npm ci (or install) in DIR when node_modules is missing or stale.
ensure_npm_deps() {
  local dir="$1"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package.json" -nt "$dir/node_modules" ]; then
    log "installing npm packages in $dir"
    if [ -f "$dir/package-lock.json" ]; then (cd "$dir" && npm ci --no-audit --no-fund --silent); else (cd "$dir" && npm install --no-audit --no-fund --silent); fi
    touch "$dir/node_modules"
  fi
}
