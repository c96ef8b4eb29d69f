// Shared helpers of the end-to-end tests. Every server they talk to listens on 127.0.0.1.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { chromium } from "playwright-core";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests/e2e/run.sh`);
  return value;
}

export const env = {
  get base() { return required("GOVPRESS_E2E_BASE"); },
  get site() { return required("GOVPRESS_E2E_SITE"); },
  get publicDir() { return required("GOVPRESS_E2E_PUBLIC"); },
  get work() { return required("GOVPRESS_E2E_WORK"); },
  get bin() { return required("GOVPRESS_BIN"); },
  get now() { return process.env.GOVPRESS_NOW || "2026-11-25T10:00:00+08:00"; },
  get screenshot() { return process.env.GOVPRESS_E2E_SCREENSHOT; },
};

// The flags TOOLCHAIN.md requires; Playwright adds a fresh profile directory itself.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function launchChromium() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/// A context whose requests to any host but 127.0.0.1 are answered by `destination` (a local
/// server) instead of the network, so no traffic leaves the machine. Returns the hosts asked for.
export async function localOnlyContext(browser, destination, options = {}) {
  const context = await browser.newContext(options);
  const intercepted = [];
  await context.route(
    (url) => url.hostname !== "127.0.0.1",
    async (route) => {
      const url = new URL(route.request().url());
      intercepted.push(url.href);
      const response = await fetch(`${destination.url}${url.pathname}${url.search}`, {
        headers: { "x-original-host": url.host },
      });
      await route.fulfill({
        status: response.status,
        headers: { "content-type": response.headers.get("content-type") || "text/plain" },
        body: Buffer.from(await response.arrayBuffer()),
      });
    },
  );
  return { context, intercepted };
}

/// A local stand-in for external destinations: answers every path with a page naming it.
export function startDestinationServer() {
  return new Promise((resolve) => {
    const server = createServer((request, response) => {
      const host = request.headers["x-original-host"] || request.headers.host;
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(`<!doctype html><title>destination</title><h1 id="destination">${host}${request.url}</h1>`);
    });
    server.listen(0, "127.0.0.1", () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() });
    });
  });
}

/// Runs the govpress binary; returns { status, stdout, stderr }.
export function govpress(args, options = {}) {
  const result = spawnSync(env.bin, args, { encoding: "utf8", ...options });
  if (result.error) throw result.error;
  return result;
}

/// Starts `govpress serve`, resolves with { url, process, output() } once it prints its address.
export function startServe(args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(env.bin, ["serve", ...args], { stdio: ["ignore", "pipe", "pipe"], ...options });
    let output = "";
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 60000);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[0], process: child, output: () => output });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => { output += chunk; });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`serve exited ${code}:\n${output}`)); });
  });
}

export async function stopServe(served) {
  if (served.process.exitCode !== null) return;
  const exited = new Promise((resolve) => served.process.once("exit", resolve));
  served.process.kill("SIGTERM");
  await exited;
}
