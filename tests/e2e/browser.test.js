// Headless Chromium against the nginx-served portal: the 网上标识 is in the footer, centred and
// below all content (第九条); an external link leads to the leave page, whose 继续访问 reaches
// the destination (a local stand-in: no traffic leaves the machine).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { env, launchChromium, localOnlyContext, startDestinationServer } from "./lib.js";

let browser;
let destination;

before(async () => {
  browser = await launchChromium();
  destination = await startDestinationServer();
});

after(async () => {
  await browser?.close();
  destination?.close();
});

const MARK = 'footer a[href*="bszs.conac.cn"]';
const TOLERANCE_PX = 3;

/// Where the 网上标识 sits and the lowest bottom edge of everything outside the footer.
async function markGeometry(page) {
  return page.evaluate((selector) => {
    const mark = document.querySelector(selector);
    if (!mark) return null;
    const footer = mark.closest("footer");
    const image = mark.querySelector("img") || mark;
    const box = image.getBoundingClientRect();
    let contentBottom = 0;
    for (const element of document.body.querySelectorAll("*")) {
      if (footer.contains(element) || element.contains(footer)) continue;
      const style = getComputedStyle(element);
      if (style.display === "none" || style.visibility === "hidden" || style.position === "fixed") continue;
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      contentBottom = Math.max(contentBottom, rect.bottom + window.scrollY);
    }
    return {
      centre: box.left + box.width / 2,
      top: box.top + window.scrollY,
      width: box.width,
      height: box.height,
      viewport: document.documentElement.clientWidth,
      contentBottom,
      markIsImage: image.tagName === "IMG",
      imageLoaded: image.tagName !== "IMG" || (image.complete && image.naturalWidth > 0),
    };
  }, MARK);
}

test("the home page renders (screenshot for the README)", async () => {
  const { context, intercepted } = await localOnlyContext(browser, destination, { viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const response = await page.goto(`${env.base}/`, { waitUntil: "load" });
  assert.equal(response.status(), 200);
  assert.equal(await page.title(), "青岚市人民政府");
  const banner = await page.evaluate(() => document.querySelector('img[src="/images/banner.svg"]')?.naturalWidth);
  assert.ok(banner > 0, "the banner image from static/ loaded");
  if (env.screenshot) await page.screenshot({ path: env.screenshot, fullPage: true });
  assert.deepEqual(intercepted, []);
  await context.close();
});

for (const width of [1280, 375]) {
  test(`the 网上标识 is in the footer, centred and below all content at ${width} px`, async () => {
    const { context, intercepted } = await localOnlyContext(browser, destination, { viewport: { width, height: 900 } });
    const page = await context.newPage();
    for (const path of ["/", "/news/2026-11-24-winter-heating/", "/services/housing-fund/", "/no-such-page/"]) {
      await page.goto(`${env.base}${path}`, { waitUntil: "load" });
      const geometry = await markGeometry(page);
      assert.ok(geometry, `${path}: no 网上标识 link in <footer>`);
      assert.ok(geometry.markIsImage && geometry.imageLoaded, `${path}: the 网上标识 image did not load`);
      assert.ok(geometry.width > 0 && geometry.height > 0, `${path}: the 网上标识 has no size`);
      assert.ok(
        Math.abs(geometry.centre - geometry.viewport / 2) <= TOLERANCE_PX,
        `${path}: 网上标识 centre ${geometry.centre} is not the viewport centre ${geometry.viewport / 2}`,
      );
      assert.ok(
        geometry.top >= geometry.contentBottom - 0.5,
        `${path}: 网上标识 top ${geometry.top} is above content ending at ${geometry.contentBottom}`,
      );
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollWidth <= width, `${path}: the page scrolls sideways (${scrollWidth} > ${width})`);
    }
    assert.deepEqual(intercepted, [], "the pages load nothing from outside the site");
    await context.close();
  });
}

test("an external link goes through the leave page, and 继续访问 reaches the destination", async () => {
  const { context, intercepted } = await localOnlyContext(browser, destination);
  const page = await context.newPage();
  await page.goto(`${env.base}/services/housing-fund/`, { waitUntil: "load" });
  await page.click('main a:has-text("中国工商银行")');
  await page.waitForURL(/\/leave\/[0-9a-f]+\.html$/);
  assert.ok(page.url().startsWith(env.base), `the leave page is on the site: ${page.url()}`);
  const text = await page.textContent("body");
  assert.match(text, /即将离开/);
  assert.match(text, /https:\/\/www\.icbc\.com\.cn\//);
  assert.deepEqual(intercepted, [], "nothing was fetched from the destination before 继续访问");
  await page.click("text=继续访问");
  await page.waitForURL("https://www.icbc.com.cn/");
  assert.equal(await page.textContent("#destination"), "www.icbc.com.cn/");
  assert.deepEqual(intercepted, ["https://www.icbc.com.cn/"]);
  await context.close();
});

test("a government link is followed directly, without a leave page", async () => {
  const { context, intercepted } = await localOnlyContext(browser, destination);
  const page = await context.newPage();
  await page.goto(`${env.base}/services/housing-fund/`, { waitUntil: "load" });
  await page.click('main a[href="https://www.mohurd.gov.cn/"]');
  await page.waitForURL("https://www.mohurd.gov.cn/");
  assert.deepEqual(intercepted, ["https://www.mohurd.gov.cn/"]);
  await context.close();
});
