#!/usr/bin/env bash
# End-to-end tests: builds the demo portal with govpress, serves it with a real nginx on 127.0.0.1
# (a user process with its own config on a free port), and runs the node tests (node --test) that
# fetch it and drive headless Chromium against it. Everything listens on 127.0.0.1 only.
#
#   tests/e2e/run.sh [--update-screenshot]   (GOVPRESS_BIN to test another binary,
#                                             GOVPRESS_E2E_TESTS to run only some test files)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

update_screenshot=0
[ "${1:-}" = "--update-screenshot" ] && update_screenshot=1

if [ -z "${GOVPRESS_BIN:-}" ]; then
  (cd "$repo" && cargo build --quiet -p govpress-cli)
  GOVPRESS_BIN="$repo/target/debug/govpress"
fi
export GOVPRESS_BIN

work="$(mktemp -d -t govpress-e2e-XXXXXX)"
nginx_pid=""
cleanup() {
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
# nginx workers may run as another user: let them read the output.
chmod 755 "$work"

# The demo portal, copied so the tests may edit it; "now" fixed so its dates stay fresh.
export GOVPRESS_NOW="${GOVPRESS_NOW:-2026-11-25T10:00:00+08:00}"
cp -r "$repo/examples/portal" "$work/site"
rm -rf "$work/site/public"
"$GOVPRESS_BIN" --quiet build "$work/site" --out "$work/public" --now "$GOVPRESS_NOW"
chmod -R a+rX "$work/public"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port="$(free_port)"
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 128; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  charset utf-8;
  access_log $work/nginx/access.log;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    server_name localhost;
    root $work/public;
    index index.html;
    error_page 404 /404.html;
    # Same-origin scripts only, no inline script: the theme must work under it (accessibility.test.js).
    add_header Content-Security-Policy "script-src 'self'; object-src 'none'; base-uri 'self'" always;
    location / { try_files \$uri \$uri/ =404; }
  }
}
CONF
/usr/sbin/nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -e "$work/nginx/error.log" &
nginx_pid=$!
for _ in $(seq 50); do
  if node -e "require('http').get('http://127.0.0.1:$port/',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"; then break; fi
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$work/nginx/error.log" >&2; exit 1; }
  sleep 0.1
done

export GOVPRESS_E2E_BASE="http://127.0.0.1:$port"
export GOVPRESS_E2E_SITE="$work/site"
export GOVPRESS_E2E_PUBLIC="$work/public"
export GOVPRESS_E2E_WORK="$work"
export GOVPRESS_E2E_SCREENSHOT="$work/screenshot-portal.png"
mkdir -p "$work/screenshots"
export GOVPRESS_E2E_SCREENSHOT_DIR="$work/screenshots"
status=0
# GOVPRESS_E2E_TESTS="accessibility.test.js" runs only some test files.
(cd "$here" && node --test --test-concurrency=1 ${GOVPRESS_E2E_TESTS:-./*.test.js}) || status=$?
if [ "$update_screenshot" = 1 ] && [ -f "$work/screenshot-portal.png" ]; then
  mkdir -p "$repo/docs"
  cp "$work/screenshot-portal.png" "$repo/docs/screenshot-portal.png"
  echo "updated docs/screenshot-portal.png"
fi
if [ "$update_screenshot" = 1 ]; then
  for shot in "$work"/screenshots/*.png; do
    [ -f "$shot" ] && cp "$shot" "$repo/docs/" && echo "updated docs/$(basename "$shot")"
  done
fi
exit "$status"
