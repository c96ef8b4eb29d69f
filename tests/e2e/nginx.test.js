// The built demo portal behind a real nginx: pages, static files, leave pages and 404 handling.
import assert from "node:assert/strict";
import { test } from "node:test";

import { env } from "./lib.js";

async function get(path) {
  const response = await fetch(`${env.base}${path}`, { redirect: "manual" });
  return { status: response.status, type: response.headers.get("content-type") || "", body: await response.text() };
}

const PAGES = [
  "/",
  "/about/",
  "/news/",
  "/news/2026-11-24-winter-heating/",
  "/notices/2026-11-20-budget-disclosure/",
  "/policies/2026-10-business-environment/",
  "/interpretations/2026-11-cac-regulation/",
  "/services/housing-fund/",
];

test("every section and sample page is served as HTML with the site's footer", async () => {
  for (const path of PAGES) {
    const page = await get(path);
    assert.equal(page.status, 200, path);
    assert.match(page.type, /text\/html/, path);
    assert.match(page.body, /<footer[\s>]/, path);
    assert.match(page.body, /bszs\.conac\.cn\/sitename\?method=show&(amp;)?id=3F2A9C4E7B1D4E0A8C6B5D3F1A2E9C70/, path);
    assert.match(page.body, /浙ICP备26000001号-1/, path);
    assert.match(page.body, /3399000001/, path);
  }
});

test("images from static/ are served with their types", async () => {
  const svg = await get("/images/banner.svg");
  assert.equal(svg.status, 200);
  assert.match(svg.type, /image\/svg\+xml/);
  const png = await fetch(`${env.base}/images/service-hall.png`);
  assert.equal(png.status, 200);
  assert.equal(png.headers.get("content-type"), "image/png");
  assert.deepEqual([...new Uint8Array(await png.arrayBuffer()).slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
});

test("a reprint shows its source box with source name, time and original link", async () => {
  const page = await get("/interpretations/2026-11-cac-regulation/");
  assert.match(page.body, /中国网信网/);
  assert.match(page.body, /2026-11-19/);
  assert.match(page.body, /href="https:\/\/www\.cac\.gov\.cn\/2024-05\/22\/c_1718045373962236\.htm"/);
});

test("links to non-government sites go to leave pages that nginx serves", async () => {
  const page = await get("/services/housing-fund/");
  // Government links stay direct; the banks' links are rewritten.
  assert.match(page.body, /href="https:\/\/www\.mohurd\.gov\.cn\/"/);
  assert.doesNotMatch(page.body, /href="https:\/\/www\.icbc\.com\.cn\/"/);
  assert.match(page.body, /href="tel:12329"/);
  const leavePaths = [...page.body.matchAll(/href="(\/leave\/[0-9a-f]+\.html)"/g)].map((match) => match[1]);
  assert.equal(new Set(leavePaths).size, 2, `two bank leave pages: ${leavePaths}`);
  const destinations = [];
  for (const path of new Set(leavePaths)) {
    const leave = await get(path);
    assert.equal(leave.status, 200, path);
    assert.match(leave.body, /即将离开/);
    assert.match(leave.body, /继续访问/);
    destinations.push(...[...leave.body.matchAll(/href="(https:\/\/[^"]+)"[^>]*data-govpress-continue|data-govpress-continue[^>]*href="(https:\/\/[^"]+)"/g)]
      .map((match) => match[1] || match[2]));
  }
  assert.deepEqual(destinations.sort(), ["https://www.ccb.com/cn/home/indexv3.html", "https://www.icbc.com.cn/"]);
});

test("mailto and tel links are left alone", async () => {
  const page = await get("/services/hotline/");
  assert.match(page.body, /href="mailto:12345@qinglan\.gov\.cn"/);
  assert.match(page.body, /href="tel:12345"/);
});

test("a missing page is a 404 with the site's own 404 page", async () => {
  for (const path of ["/no-such-page/", "/news/no-such-article/", "/leave/0000000000000000.html"]) {
    const page = await get(path);
    assert.equal(page.status, 404, path);
    assert.match(page.type, /text\/html/, path);
    assert.match(page.body, /青岚市人民政府/, path);
    assert.match(page.body, /<footer[\s>]/, path);
  }
});
