// The security headers the build writes (第二十九条, 第三条), under a real nginx with TLS: the include
// from the site's .govpress/nginx/ in an HTTPS server on 127.0.0.1 (a certificate made here with the
// openssl CLI), the redirect include in a plain-HTTP server. Every header on every page type, and each
// page type loaded in headless Chromium under the site's own hostname (mapped to 127.0.0.1: HSTS
// ignores IP hosts) with zero CSP violations.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import https from "node:https";
import http from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";

import { CHROMIUM_ARGS, env } from "./lib.js";

const HOST = "www.qinglan.gov.cn";

// One path of every kind of response the build writes.
const PAGE_TYPES = {
  home: "/",
  section: "/news/",
  article: "/news/2026-11-24-winter-heating/",
  about: "/about/",
  // 政府信息公开: the filterable directory (its own script) and a repealed document.
  disclosureDirectory: "/policies/",
  disclosureDocument: "/policies/2024-04-admin-review-old/",
  // The search page: a same-origin module script and a same-origin index, no wasm (no path CSP needed).
  search: "/search/?q=%E4%BE%9B%E6%9A%96",
  leave: null, // found on /services/housing-fund/
  notFound: "/no-such-page/",
};
const OTHER_TYPES = {
  stylesheet: "/assets/govpress.css",
  script: "/assets/govpress-reading.js",
  image: "/images/banner.svg",
  feed: "/news/atom.xml",
  sitemap: "/sitemap.xml",
};

let work;
let nginx;
let tlsPort;
let httpPort;
let cert;

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function request(port, path, { tls = true } = {}) {
  const client = tls ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(
      { host: "127.0.0.1", port, path, servername: HOST, ca: cert, headers: { host: HOST } },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, body }));
      },
    );
    req.on("error", reject);
  });
}

before(async () => {
  work = join(env.work, "headers");
  mkdirSync(work, { recursive: true });
  // A test certificate for the site's hostname, made here.
  const made = spawnSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-subj", `/CN=${HOST}`, "-addext", `subjectAltName=DNS:${HOST}`,
    "-keyout", join(work, "key.pem"), "-out", join(work, "cert.pem"),
  ], { encoding: "utf8" });
  assert.equal(made.status, 0, made.stderr);
  cert = readFileSync(join(work, "cert.pem"));
  tlsPort = await freePort();
  httpPort = await freePort();
  const includes = join(env.site, ".govpress/nginx");
  const conf = `worker_processes 1;
daemon off;
pid ${work}/nginx.pid;
error_log ${work}/error.log warn;
events { worker_connections 128; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  charset utf-8;
  access_log ${work}/access.log;
  client_body_temp_path ${work}/body;
  proxy_temp_path ${work}/proxy;
  fastcgi_temp_path ${work}/fastcgi;
  uwsgi_temp_path ${work}/uwsgi;
  scgi_temp_path ${work}/scgi;
  server {
    listen 127.0.0.1:${tlsPort} ssl;
    server_name ${HOST};
    ssl_certificate ${work}/cert.pem;
    ssl_certificate_key ${work}/key.pem;
    root ${env.publicDir};
    index index.html;
    error_page 404 /404.html;
    include ${includes}/govpress-headers.conf;
    location / { try_files $uri $uri/ =404; }
  }
  server {
    listen 127.0.0.1:${httpPort};
    server_name ${HOST};
    include ${includes}/govpress-redirect.conf;
  }
}
`;
  writeFileSync(join(work, "nginx.conf"), conf);
  nginx = spawn("/usr/sbin/nginx", ["-c", join(work, "nginx.conf"), "-p", work, "-e", join(work, "error.log")], {
    stdio: "inherit",
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await request(tlsPort, "/");
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`nginx did not start: ${readFileSync(join(work, "error.log"), "utf8")}`);
});

after(() => {
  if (nginx) nginx.kill();
});

async function leavePath() {
  const page = await request(tlsPort, "/services/housing-fund/");
  const match = page.body.match(/href="(\/leave\/[0-9a-f]+\.html)"/);
  assert.ok(match, "the housing-fund page links to a leave page");
  return match[1];
}

async function allPaths() {
  return { ...PAGE_TYPES, leave: await leavePath(), ...OTHER_TYPES };
}

function expectedCsp() {
  // What the include sets for every path: read back from the generated file, so the test checks that
  // nginx sends exactly what the build generated.
  const include = readFileSync(join(env.site, ".govpress/nginx/govpress-headers.conf"), "utf8");
  return include.match(/set \$govpress_csp "([^"]+)";/)[1];
}

test("every page type carries every security header", async () => {
  const csp = expectedCsp();
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self';/);
  // Inline script never; inline style attributes only (the sanitiser's layout properties, no URLs).
  assert.doesNotMatch(csp.replace("style-src-attr 'unsafe-inline'", ""), /unsafe-inline|unsafe-eval/);
  assert.match(csp, /style-src 'self';/);
  assert.match(csp, /frame-ancestors 'none'/);
  for (const [kind, path] of Object.entries(await allPaths())) {
    const response = await request(tlsPort, path);
    assert.equal(response.status, kind === "notFound" ? 404 : 200, `${kind} ${path}`);
    const headers = response.headers;
    assert.equal(headers["content-security-policy"], csp, `${kind} ${path}`);
    assert.equal(headers["strict-transport-security"], "max-age=31536000", `${kind} ${path}`);
    assert.equal(headers["x-content-type-options"], "nosniff", `${kind} ${path}`);
    assert.equal(headers["referrer-policy"], "strict-origin-when-cross-origin", `${kind} ${path}`);
    assert.match(headers["permissions-policy"] || "", /camera=\(\), .*geolocation=\(\)/, `${kind} ${path}`);
    assert.equal(headers["x-frame-options"], "DENY", `${kind} ${path}`);
    assert.equal(headers["cross-origin-opener-policy"], "same-origin", `${kind} ${path}`);
  }
});

test("plain HTTP is redirected to HTTPS on the site's own host, path and query kept", async () => {
  for (const path of ["/", "/news/?page=2", "/no-such-page/"]) {
    const response = await request(httpPort, path, { tls: false });
    assert.equal(response.status, 301, path);
    assert.equal(response.headers.location, `https://${HOST}${path}`, path);
  }
});

test("the static hosts' _headers file in the output holds the same policy", () => {
  const file = readFileSync(join(env.publicDir, "_headers"), "utf8");
  assert.match(file, /^\/\*$/m);
  assert.ok(file.includes(`  Content-Security-Policy: ${expectedCsp()}\n`));
  assert.match(file, /  Strict-Transport-Security: max-age=31536000\n/);
});

test("each page type loads in Chromium under the site's hostname with zero CSP violations", async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    // The site's hostname goes to nginx on 127.0.0.1; every other host resolves nowhere (no traffic leaves).
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${HOST} 127.0.0.1:${tlsPort}, MAP * ~NOTFOUND`],
  });
  try {
    // The certificate is the test's own: trusted for this context only.
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    await context.addInitScript(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (event) => {
        window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    const page = await context.newPage();
    const console = [];
    page.on("console", (message) => {
      if (message.type() === "error" || /Content Security Policy|Refused to/i.test(message.text())) {
        console.push(message.text());
      }
    });
    page.on("pageerror", (error) => console.push(String(error)));
    // Which resource a "Failed to load resource" line is about; the browser's own /favicon.ico probe
    // is not the page's.
    const failed = [];
    page.on("response", (response) => {
      if (response.status() >= 400) failed.push(new URL(response.url()).pathname);
    });
    for (const [kind, path] of Object.entries({ ...PAGE_TYPES, leave: await leavePath() })) {
      // networkidle: the search page's index fetch and anything a script loads late are covered too.
      const response = await page.goto(`https://${HOST}${path}`, { waitUntil: "networkidle" });
      assert.equal(response.status(), kind === "notFound" ? 404 : 200, `${kind} ${path}`);
      assert.equal(new URL(page.url()).host, HOST);
      assert.match(await page.content(), /<footer[\s>]/, `${kind} ${path}`);
      // The theme's script ran (same-origin scripts are allowed): it shows the reading-mode switch.
      const scriptRan = await page.evaluate(() =>
        [...document.querySelectorAll("[data-govpress-reading]")].some((button) => !button.hidden));
      assert.ok(scriptRan, `${kind} ${path}: the theme's script ran`);
      const violations = await page.evaluate(() => window.__violations);
      assert.deepEqual(violations, [], `${kind} ${path}`);
      // A 404 logs one resource error per failed response (the 404 page itself, the favicon probe);
      // nothing else may be logged.
      const expectedFailures = failed.filter((failure) => failure === "/favicon.ico" || (kind === "notFound" && failure === path));
      assert.deepEqual(failed, expectedFailures, `${kind} ${path}: failed loads`);
      const errors = console.filter((text) => !/^Failed to load resource: the server responded with a status of 404/.test(text));
      // The favicon probe is not reported as a page response: at most one 404 line more than the page's own.
      assert.ok(console.length - errors.length <= failed.length + 1, `${kind} ${path}: ${console}`);
      assert.deepEqual(errors, [], `${kind} ${path}`);
      console.length = 0;
      failed.length = 0;
    }
    // An inline script, were one ever injected, is refused by the policy: the header is enforced.
    await page.goto(`https://${HOST}/`);
    const blocked = await page.evaluate(async () => {
      const script = document.createElement("script");
      script.textContent = "window.__inline = true";
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { ran: window.__inline === true, violations: window.__violations };
    });
    assert.equal(blocked.ran, false);
    assert.deepEqual(blocked.violations, ["script-src-elem inline"]);
  } finally {
    await browser.close();
  }
});
