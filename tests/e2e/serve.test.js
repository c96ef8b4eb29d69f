// `govpress serve` in headless Chromium: the page reloads by itself after an edit, a failed build
// shows its diagnostics as an overlay over the last good page, and fixing it clears the overlay.
import assert from "node:assert/strict";
import { appendFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { env, launchChromium, localOnlyContext, startDestinationServer, startServe, stopServe } from "./lib.js";

let browser;
let destination;
let served;
let site;

before(async () => {
  site = join(env.work, "serve-site");
  cpSync(env.site, site, { recursive: true });
  browser = await launchChromium();
  destination = await startDestinationServer();
  served = await startServe([site, "--port", "0", "--now", env.now]);
});

after(async () => {
  if (served) await stopServe(served);
  await browser?.close();
  destination?.close();
});

test("serve listens on 127.0.0.1 and injects the live-reload script into pages only", async () => {
  assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await (await fetch(`${served.url}news/`)).text();
  assert.match(page, /<script src="\/_govpress\/reload\.js"><\/script><\/body>/);
  const svg = await fetch(`${served.url}images/banner.svg`);
  assert.doesNotMatch(await svg.text(), /_govpress/);
  const missing = await fetch(`${served.url}no-such-page/`);
  assert.equal(missing.status, 404);
  const state = await (await fetch(`${served.url}_govpress/wait`)).json();
  assert.equal(state.error, null);
});

test("an edit reloads the page; a failed build shows an overlay; the fix clears it", async () => {
  const file = join(site, "content/news/2026-11-24-winter-heating.md");
  const original = readFileSync(file, "utf8");
  const { context, intercepted } = await localOnlyContext(browser, destination);
  const page = await context.newPage();
  try {
    await page.goto(`${served.url}news/2026-11-24-winter-heating/`, { waitUntil: "load" });
    await page.waitForFunction(() => document.querySelector('script[src="/_govpress/reload.js"]'));

    appendFileSync(file, "\n市住建局将于12月上旬组织供热质量回访。\n");
    // `document.body` is null for a moment while the page reloads: wait through it.
    await page.waitForFunction(() => document.body?.textContent.includes("供热质量回访"), null, { timeout: 30000 });

    appendFileSync(file, "\n[详情](javascript:alert(1))\n");
    const overlay = await page.waitForSelector("#govpress-overlay", { timeout: 30000 });
    const text = await overlay.textContent();
    assert.match(text, /构建失败/);
    assert.match(text, /第十五条/);
    assert.match(text, /2026-11-24-winter-heating\.md/);
    assert.ok(await page.evaluate(() => document.body.textContent.includes("供热质量回访")), "the last good page stays");

    writeFileSync(file, original);
    await page.waitForFunction(
      () => document.body && !document.querySelector("#govpress-overlay") && !document.body.textContent.includes("供热质量回访"),
      null,
      { timeout: 30000 },
    );
  } finally {
    writeFileSync(file, original);
    await context.close();
  }
  assert.deepEqual(intercepted, []);
});

test("a new image under static/ is served without a rebuild", async () => {
  const image = join(site, "static/images/new-chart.svg");
  writeFileSync(image, '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
  let status = 0;
  for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    status = (await fetch(`${served.url}images/new-chart.svg`)).status;
  }
  assert.equal(status, 200);
});

test("outside a site, serve previews the embedded demo portal", async () => {
  const demo = await startServe(["--port", "0", "--now", env.now], { cwd: env.work });
  try {
    assert.match(demo.output(), /演示门户/);
    const home = await fetch(demo.url);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /青岚市人民政府/);
    const state = await (await fetch(`${demo.url}_govpress/wait`)).json();
    assert.equal(state.error, null);
  } finally {
    await stopServe(demo);
  }
});
