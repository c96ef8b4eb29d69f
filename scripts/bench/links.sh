#!/usr/bin/env bash
# Link checking speed and behaviour: `govpress links` against lychee on the same URLs.
#
# A local server (links-fault-server, 127.0.0.1 only) answers every request after 100 ms and
# serves 1,000 good URLs plus the fault paths (404, 500, loop, hang, reset, 429, HEAD refused,
# off-site redirect). Both tools get concurrency 64, a 10 s timeout and 2 retries, per-host limits
# off; each run gets a fresh server (the flaky paths fail only on their first request).
# Prints wall time and peak memory (/usr/bin/time -v) and the ratio govpress/lychee (goal ≤ 1.0),
# then how each tool classified each fault.
#
# lychee: LYCHEE=/path/to/lychee, else /work/.cache/lychee/bin/lychee or PATH. Install with
#   nice cargo install lychee --locked --root /work/.cache/lychee      (≈ 10 min on 2 cores)
# Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/../.."

GOOD=${GOOD:-1000}
LATENCY_MS=${LATENCY_MS:-100}
LYCHEE=${LYCHEE:-$(command -v lychee || echo /work/.cache/lychee/bin/lychee)}
[ -x "$LYCHEE" ] || { echo "lychee not found (set LYCHEE=…)" >&2; exit 2; }

cargo build --release -q -p govpress-cli
cargo build --release -q -p govpress-link-checker --features fault-server --bin links-fault-server
GOVPRESS=$PWD/target/release/govpress
SERVER=$PWD/target/release/links-fault-server

work=$(mktemp -d)
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    exec 3>&-
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT

# start_server: a fresh server; sets $BASE (http://127.0.0.1:PORT).
start_server() {
  stop_server
  rm -f "$work/fifo" && mkfifo "$work/fifo"
  "$SERVER" --latency-ms "$LATENCY_MS" <"$work/fifo" >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  exec 3>"$work/fifo"
  for _ in $(seq 100); do [ -s "$work/server.out" ] && break; sleep 0.05; done
  BASE=$(cut -d' ' -f1 "$work/server.out")
}

FAULTS=(/status/404 /status/500 /loop/a /chain/15 /hang /reset /close /rate-limited/once
  /rate-limited-always /rate-limited-long /flaky-500/once /flaky-reset/once /no-head /offsite /redirect/x)

# write_inputs WITH_FAULTS: a site (for govpress) and a Markdown file (for lychee) with the same URLs.
write_inputs() {
  local with_faults=$1 site="$work/site"
  rm -rf "$site" && mkdir -p "$site/content"
  printf '[site]\nname = "bench"\nbase_url = "https://www.example.gov.cn"\n' >"$site/govpress.toml"
  {
    printf '+++\ntitle = "links"\n+++\n'
    for i in $(seq 1 "$GOOD"); do printf -- '- [ok %d](%s/ok/%d)\n' "$i" "$BASE" "$i"; done
    if [ "$with_faults" = 1 ]; then for path in "${FAULTS[@]}"; do printf -- '- [fault](%s%s)\n' "$BASE" "$path"; done; fi
  } >"$site/content/links.md"
  tail -n +4 "$site/content/links.md" >"$work/links.md"
}

# timed NAME CMD...: runs CMD under /usr/bin/time -v; sets WALL (s) and RSS (MB).
timed() {
  local name=$1; shift
  /usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.time" || true
  WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/$name.time")
  RSS=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$work/$name.time")
}

run_govpress() {
  timed "govpress-$1" "$GOVPRESS" links "$work/site" --quiet --no-cache --format json \
    --max-concurrency 64 --per-host-concurrency 64 --per-host-interval-ms 0 --timeout 10s --retries 2
}

run_lychee() {
  # Per-host limits off: as many per host as overall, no interval. No cache, no progress.
  timed "lychee-$1" "$LYCHEE" --no-progress --format json --max-concurrency 64 --host-concurrency 64 \
    --host-request-interval 0s --timeout 10 --max-retries 2 "$work/links.md"
}

report() {
  local label=$1
  start_server; write_inputs "$2"; run_govpress "$label"; local gw=$WALL gr=$RSS
  start_server; write_inputs "$2"; run_lychee "$label"; local lw=$WALL lr=$RSS
  printf '%-28s govpress %7.2f s %7.1f MB | lychee %7.2f s %7.1f MB | ratio %.2f\n' \
    "$label ($3)" "$gw" "$gr" "$lw" "$lr" "$(echo "$gw / $lw" | bc -l)"
}

echo "lychee: $("$LYCHEE" --version)  ·  $GOOD good URLs, ${LATENCY_MS} ms latency, concurrency 64, timeout 10 s, 2 retries"
echo "floor for the good URLs alone: $GOOD × ${LATENCY_MS} ms / 64 = $(echo "$GOOD * $LATENCY_MS / 64 / 1000" | bc -l | cut -c1-4) s"
report good 0 "$GOOD good URLs"
report faults 1 "$GOOD good + ${#FAULTS[@]} faults"

echo
echo "How each fault was reported (from the runs with faults):"
python3 - "$work/govpress-faults.out" "$work/lychee-faults.out" "${FAULTS[@]}" <<'EOF'
import json, sys
ours = json.load(open(sys.argv[1]))
try:
    theirs = json.load(open(sys.argv[2]))
except Exception as error:
    theirs = {}
def lychee_status(path):
    # error_map, timeout_map, …: every map of input → entries.
    maps = [value for key, value in theirs.items() if key.endswith("_map") and key not in ("success_map", "excluded_map")]
    for entries in (entry for mapping in maps if isinstance(mapping, dict) for entry in mapping.values()):
        for entry in entries:
            if entry.get("url", "").endswith(path):
                status = entry.get("status", {})
                return (status.get("text") or status.get("details") or json.dumps(status))[:70]
    return "ok"
for path in sys.argv[3:]:
    mine = [d for d in ours["diagnostics"] if d["url"].endswith(path)]
    text = "; ".join(f'{d["severity"]}: {d["message"]}' for d in mine) or "ok"
    print(f"  {path:22} govpress: {text[:90]}")
    print(f"  {'':22} lychee:   {lychee_status(path)}")
EOF
