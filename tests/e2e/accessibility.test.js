// Accessibility of the theme in headless Chromium: axe-core (npm, injected from node_modules) finds
// zero violations on every page type of the demo portal, at 1280 and 375 px, in the standard mode and
// in 长辈版 (where the AAA rule color-contrast-enhanced, 7:1, is enabled too). Also: the 长辈版 switch
// is on every page and remembered across pages, under a CSP that allows only same-origin scripts; the
// focus ring has ≥ 3:1 contrast against whatever is behind it; sizes follow the reader's own text-size
// setting; 长辈版 targets and text reach the figures of docs/accessibility.md. Every request to a host
// other than 127.0.0.1 is blocked and recorded.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { env, launchChromium } from "./lib.js";

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve("axe-core");

// Set by run.sh: where the screenshots of both modes go (copied to docs/ with --update-screenshot).
const SCREENSHOT_DIR = process.env.GOVPRESS_E2E_SCREENSHOT_DIR;
const WIDTHS = [1280, 375];
const MODES = ["standard", "elder"];
// 长辈版 figures (docs/accessibility.md) at the browser's default text size (16 px).
const ELDER_BODY_PX = 20;
const ELDER_MIN_TEXT_PX = 18;
const ELDER_TARGET_PX = 60;
const FOCUS_CONTRAST = 3;
// 政府信息公开 (SPEC §9) in the demo portal: the 政策文件 directory, a repealed document and the one
// that replaced it, an amended document and the one that amended it.
const DIRECTORY = "/policies/";
const REPEALED = "/policies/2024-04-admin-review-old/";
const REPLACEMENT = "/policies/2026-06-admin-review/";
const AMENDED = "/policies/2026-07-childcare-subsidy/";
const AMENDMENT = "/policies/2026-11-childcare-amendment/";

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/// One page of each type the demo portal has.
function pageTypes() {
  const leave = readdirSync(join(env.publicDir, "leave")).filter((name) => name.endsWith(".html")).sort();
  assert.ok(leave.length > 0, "the demo portal has leave pages");
  return {
    home: "/",
    "section list": "/news/",
    article: "/news/2026-11-24-winter-heating/",
    reprint: "/interpretations/2026-09-disclosure-regulation/",
    "disclosure document": REPEALED,
    "disclosure index": DIRECTORY,
    search: "/search/?q=%E6%94%BF%E7%AD%96",
    "leave page": `/leave/${leave[0]}`,
    404: "/no-such-page/",
  };
}

/// A page whose requests to any host but 127.0.0.1 are aborted; returns the blocked URLs.
async function localPage(options = {}) {
  const context = await browser.newContext(options);
  const blocked = [];
  const page = await context.newPage();
  await page.route(
    (url) => url.hostname !== "127.0.0.1",
    (route) => {
      blocked.push(route.request().url());
      return route.abort();
    },
  );
  return { context, page, blocked };
}

async function switchToElder(page) {
  const toggle = page.locator("button[data-govpress-reading]");
  assert.equal(await toggle.isVisible(), true, "the 长辈版 switch is visible");
  assert.equal((await toggle.textContent()).trim(), "长辈版");
  await toggle.click();
  assert.equal(await page.getAttribute("html", "data-reading"), "elder");
  assert.equal((await toggle.textContent()).trim(), "退出长辈版");
}

async function axeViolations(page, mode) {
  await page.addScriptTag({ path: AXE_PATH });
  const rules = mode === "elder" ? { "color-contrast-enhanced": { enabled: true } } : {};
  return page.evaluate(async (rules) => {
    const result = await window.axe.run(document, { rules, resultTypes: ["violations"] });
    return result.violations.map((violation) => ({
      id: violation.id,
      help: violation.help,
      targets: violation.nodes.map((node) => `${node.target.join(" ")}: ${node.failureSummary}`),
    }));
  }, rules);
}

for (const width of WIDTHS) {
  for (const mode of MODES) {
    test(`axe-core: zero violations on every page type at ${width} px, ${mode === "elder" ? "长辈版" : "standard mode"}`, async () => {
      // axe is injected as a script tag, which a CSP would rightly refuse: these contexts bypass it
      // (the CSP itself is tested below).
      const { context, page, blocked } = await localPage({ viewport: { width, height: 900 }, bypassCSP: true });
      await page.goto(`${env.base}/`, { waitUntil: "load" });
      if (mode === "elder") await switchToElder(page);
      for (const [type, path] of Object.entries(pageTypes())) {
        await page.goto(`${env.base}${path}`, { waitUntil: "load" });
        const reading = await page.getAttribute("html", "data-reading");
        assert.equal(reading, mode === "elder" ? "elder" : null, `${type} ${path}: mode not kept across pages`);
        const violations = await axeViolations(page, mode);
        assert.deepEqual(violations, [], `${type} ${path}: ${JSON.stringify(violations, null, 2)}`);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scrollWidth <= width, `${type} ${path}: the page scrolls sideways (${scrollWidth} > ${width})`);
        if (SCREENSHOT_DIR && width === 1280 && type === "home") {
          await page.screenshot({ path: join(SCREENSHOT_DIR, `screenshot-${mode}.png`) });
        }
        if (SCREENSHOT_DIR && width === 375 && type === "article") {
          await page.screenshot({ path: join(SCREENSHOT_DIR, `screenshot-${mode}-375.png`) });
        }
        if (SCREENSHOT_DIR && width === 1280 && type.startsWith("disclosure")) {
          const name = type === "disclosure index" ? "disclosure-index" : "disclosure-document";
          await page.screenshot({ path: join(SCREENSHOT_DIR, `screenshot-${name}-${mode}.png`) });
        }
      }
      assert.deepEqual(blocked, [], "the pages asked for nothing outside the site");
      await context.close();
    });
  }
}

test("the 长辈版 switch works under a same-origin-only CSP, and is remembered across pages and reloads", async () => {
  const { context, page, blocked } = await localPage({ viewport: { width: 1280, height: 900 } });
  const violations = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto(`${env.base}/news/`, { waitUntil: "load" });
  assert.match(response.headers()["content-security-policy"] || "", /script-src 'self'/, "nginx sends the CSP");
  assert.equal(await page.getAttribute("html", "data-reading"), null, "standard mode by default");
  await switchToElder(page);
  assert.equal(await page.evaluate(() => localStorage.getItem("govpress-reading")), "elder");
  await page.click("main .item-list a");
  await page.waitForLoadState("load");
  assert.equal(await page.getAttribute("html", "data-reading"), "elder", "kept on the next page");
  await page.reload({ waitUntil: "load" });
  assert.equal(await page.getAttribute("html", "data-reading"), "elder", "kept after a reload");
  await page.click("button[data-govpress-reading]");
  assert.equal(await page.getAttribute("html", "data-reading"), null, "switched back");
  await page.goto(`${env.base}/`, { waitUntil: "load" });
  assert.equal(await page.getAttribute("html", "data-reading"), null, "standard mode remembered too");
  const inline = await page.evaluate(() => [...document.scripts].filter((script) => !script.src).length);
  assert.equal(inline, 0, "no inline script");
  const scripts = await page.evaluate(() => [...document.scripts].map((script) => new URL(script.src).origin));
  assert.ok(scripts.length > 0 && scripts.every((origin) => origin === new URL(env.base).origin), `same-origin scripts only: ${scripts}`);
  assert.deepEqual(violations, [], "no CSP violation");
  assert.deepEqual(blocked, []);
  await context.close();
});

/// Tabs through the page; for every focus stop returns the outline and the colour behind it.
async function focusStops(page, limit = 80) {
  const stops = [];
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return null;
      const parse = (text) => {
        const match = text.match(/rgba?\(([^)]+)\)/);
        if (!match) return null;
        const [r, g, b, a = 1] = match[1].split(/[\s,/]+/).filter(Boolean).map(Number);
        return { r, g, b, a };
      };
      const opaqueBackground = (start) => {
        for (let node = start; node && node.nodeType === 1; node = node.parentElement) {
          const colour = parse(getComputedStyle(node).backgroundColor);
          if (colour && colour.a > 0.5) return colour;
        }
        return { r: 255, g: 255, b: 255, a: 1 };
      };
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      // The ring is drawn just outside the element: look at what is painted there.
      const gap = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) + 2;
      const x = Math.max(0, box.left - gap);
      const y = Math.min(window.innerHeight - 1, Math.max(0, box.top + box.height / 2));
      const behind = document.elementsFromPoint(x, y).find((node) => node !== element && !element.contains(node));
      return {
        name: `${element.tagName.toLowerCase()}${element.className ? "." + element.className : ""} "${(element.textContent || element.getAttribute("alt") || "").trim().slice(0, 20)}"`,
        style: style.outlineStyle,
        width: parseFloat(style.outlineWidth),
        outline: parse(style.outlineColor),
        background: opaqueBackground(behind || element.parentElement),
      };
    });
    if (!stop) break;
    if (stops.length && stops[0].name === stop.name) break;
    stops.push(stop);
  }
  return stops;
}

function contrast(a, b) {
  const luminance = ({ r, g, b }) => {
    const channel = (value) => {
      const v = value / 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

for (const mode of MODES) {
  test(`every focus stop has a visible ring with ≥ ${FOCUS_CONTRAST}:1 contrast against its background (${mode})`, async () => {
    const { context, page, blocked } = await localPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${env.base}/`, { waitUntil: "load" });
    if (mode === "elder") await switchToElder(page);
    for (const path of ["/", "/services/housing-fund/", "/interpretations/2026-09-disclosure-regulation/", DIRECTORY]) {
      await page.goto(`${env.base}${path}`, { waitUntil: "load" });
      const stops = await focusStops(page);
      assert.ok(stops.length > 10, `${path}: only ${stops.length} focus stops`);
      assert.match(stops[0].name, /skip-link/, `${path}: the first stop is the skip link`);
      assert.match(stops[1].name, /site-name/, `${path}: the second stop is the site name`);
      for (const stop of stops) {
        assert.notEqual(stop.style, "none", `${path}: ${stop.name} has no focus ring`);
        assert.ok(stop.width >= 2, `${path}: ${stop.name} ring is ${stop.width}px`);
        const ratio = contrast(stop.outline, stop.background);
        assert.ok(ratio >= FOCUS_CONTRAST, `${path}: ${stop.name} ring contrast ${ratio.toFixed(2)}:1 < ${FOCUS_CONTRAST}:1`);
      }
    }
    assert.deepEqual(blocked, []);
    await context.close();
  });
}

test("text follows the reader's own text-size setting (rem, no fixed px root)", async () => {
  const { context, page } = await localPage({ viewport: { width: 1280, height: 900 } });
  const session = await context.newCDPSession(page);
  for (const standard of [16, 24]) {
    await session.send("Page.setFontSizes", { fontSizes: { standard, fixed: 13 } });
    await page.goto(`${env.base}/news/`, { waitUntil: "load" });
    const body = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    assert.equal(body, standard, `body text at a ${standard}px setting`);
  }
  await switchToElder(page);
  const elder = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.equal(elder, 24 * 1.25, "长辈版 enlarges the reader's own size by 25%");
  await context.close();
});

for (const width of WIDTHS) {
  test(`长辈版 at ${width} px: text ≥ ${ELDER_MIN_TEXT_PX}px, main controls ≥ ${ELDER_TARGET_PX} × ${ELDER_TARGET_PX}px, extra-large pointer`, async () => {
    const { context, page } = await localPage({ viewport: { width, height: 900 } });
    await page.goto(`${env.base}/`, { waitUntil: "load" });
    const standardBody = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    assert.equal(standardBody, 16);
    await switchToElder(page);
    for (const path of Object.values(pageTypes())) {
      await page.goto(`${env.base}${path}`, { waitUntil: "load" });
      const measured = await page.evaluate(() => {
        const sizes = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const parent = node.parentElement;
          if (!node.textContent.trim() || !parent || parent.closest(".visually-hidden, [hidden]")) continue;
          if (parent.getClientRects().length === 0) continue;
          sizes.push({ size: parseFloat(getComputedStyle(parent).fontSize), text: node.textContent.trim().slice(0, 20) });
        }
        const controls = [...document.querySelectorAll(".site-nav a, .reading-toggle, .button, .pagination a, .item-list a, .disclosure-filter select")]
          .filter((element) => element.getClientRects().length > 0)
          .map((element) => {
            const box = element.getBoundingClientRect();
            return { text: element.textContent.trim().slice(0, 20), width: box.width, height: box.height };
          });
        return { body: parseFloat(getComputedStyle(document.body).fontSize), sizes, controls };
      });
      assert.equal(measured.body, ELDER_BODY_PX, `${path}: body text`);
      const small = measured.sizes.filter((entry) => entry.size < ELDER_MIN_TEXT_PX);
      assert.deepEqual(small, [], `${path}: text below ${ELDER_MIN_TEXT_PX}px`);
      assert.ok(measured.controls.length > 0, `${path}: no controls measured`);
      const tooSmall = measured.controls.filter((c) => c.height < ELDER_TARGET_PX - 0.5 || c.width < ELDER_TARGET_PX - 0.5);
      assert.deepEqual(tooSmall, [], `${path}: controls below ${ELDER_TARGET_PX}px`);
      const cursor = await page.evaluate(() => getComputedStyle(document.querySelector("main a") || document.body).cursor);
      assert.match(cursor, /cursor-large\.svg/, `${path}: the extra-large pointer`);
    }
    const cursorImage = await page.request.get(`${env.base}/assets/cursor-large.svg`);
    assert.equal(cursorImage.status(), 200);
    assert.match(cursorImage.headers()["content-type"], /image\/svg\+xml/);
    await context.close();
  });
}

test("prefers-contrast: more and forced-colors: active keep zero axe violations", async () => {
  const { context, page, blocked } = await localPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  for (const media of [{ contrast: "more" }, { forcedColors: "active" }]) {
    await page.emulateMedia(media);
    for (const path of ["/", "/news/2026-11-24-winter-heating/"]) {
      await page.goto(`${env.base}${path}`, { waitUntil: "load" });
      if (media.contrast) {
        const muted = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--muted").trim());
        assert.equal(muted, "#3d3d3d", "prefers-contrast: more switches to the high-contrast palette");
      }
      const violations = await axeViolations(page, media.contrast ? "elder" : "standard");
      assert.deepEqual(violations, [], `${JSON.stringify(media)} ${path}: ${JSON.stringify(violations, null, 2)}`);
    }
  }
  assert.deepEqual(blocked, []);
  await context.close();
});

/// The directory's rows as the reader sees them: each row's filter data and whether it is shown.
async function directoryRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("table.disclosure-index tbody tr")].map((row) => ({
      year: row.dataset.year,
      status: row.dataset.status,
      topic: row.dataset.topic,
      issuer: row.dataset.issuer,
      shown: row.getClientRects().length > 0,
    })),
  );
}

test("the disclosure directory lists every document with scripts off", async () => {
  const { context, page, blocked } = await localPage({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  await page.goto(`${env.base}${DIRECTORY}`, { waitUntil: "load" });
  const rows = await directoryRows(page);
  assert.ok(rows.length >= 9, `the demo directory has its documents: ${rows.length}`);
  assert.ok(rows.every((row) => row.shown), "every row is shown without a script");
  assert.equal(await page.locator("form[data-govpress-disclosure]").isVisible(), false, "no filter that could not work");
  assert.equal((await page.textContent("#disclosure-count")).trim(), `共 ${rows.length} 件文件`);
  const headers = await page.$$eval("table.disclosure-index thead th", (cells) => cells.map((cell) => [cell.textContent, cell.getAttribute("scope")]));
  assert.deepEqual(headers, ["索引号", "标题", "发文字号", "成文日期", "有效性"].map((text) => [text, "col"]));
  assert.deepEqual(blocked, []);
  await context.close();
});

test("the disclosure directory filters by year and status in the browser (keyboard, URL, announced count, reset)", async () => {
  // Under nginx's same-origin-only CSP: the filter is the theme's own script file.
  const { context, page, blocked } = await localPage({ viewport: { width: 1280, height: 900 } });
  const cspViolations = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(`${env.base}${DIRECTORY}`, { waitUntil: "load" });
  const all = await directoryRows(page);
  const total = all.length;
  const count = page.locator("#disclosure-count");
  assert.equal(await count.getAttribute("role"), "status");
  assert.equal(await count.getAttribute("aria-live"), "polite");
  assert.equal((await count.textContent()).trim(), `共 ${total} 件文件`);
  assert.equal(await page.locator("form[data-govpress-disclosure]").isVisible(), true, "the filter shows with scripts on");

  // Every control has a label and is reached by Tab.
  for (const label of ["主题分类", "发文机关", "成文年份", "有效性"]) {
    assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, `a control labelled ${label}`);
  }
  await page.focus("#filter-topic");
  const order = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press("Tab");
    order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.textContent.trim()));
  }
  assert.deepEqual(order, ["filter-issuer", "filter-year", "filter-status", "清除筛选"]);

  // The year by keyboard: focus it and press the arrow key (a closed select changes value on Linux).
  const year = "2024";
  await page.focus("#filter-year");
  const yearOptions = await page.$$eval("#filter-year option", (options) => options.map((option) => option.value));
  for (let i = 0; i < yearOptions.indexOf(year); i++) await page.keyboard.press("ArrowDown");
  assert.equal(await page.inputValue("#filter-year"), year);
  let rows = await directoryRows(page);
  const inYear = all.filter((row) => row.year === year).length;
  assert.ok(inYear > 0 && inYear < total, `${year} holds some documents but not all: ${inYear}/${total}`);
  assert.deepEqual(rows.filter((row) => row.shown).map((row) => row.year), Array(inYear).fill(year), "only that year's rows are shown");
  assert.equal((await count.textContent()).trim(), `筛选出 ${inYear} 件文件（共 ${total} 件）`);

  // And the status: only repealed documents of that year.
  await page.getByLabel("有效性", { exact: true }).selectOption("repealed");
  rows = await directoryRows(page);
  const shown = rows.filter((row) => row.shown);
  const expected = all.filter((row) => row.year === year && row.status === "repealed").length;
  assert.ok(expected > 0, "the demo has a repealed document of that year");
  assert.equal(shown.length, expected);
  assert.ok(shown.every((row) => row.year === year && row.status === "repealed"));
  assert.equal((await count.textContent()).trim(), `筛选出 ${expected} 件文件（共 ${total} 件）`);
  assert.equal(await page.locator("[data-disclosure-empty]").isVisible(), false);

  // The filter is in the address: a reload (or a shared link) shows the same rows.
  assert.equal(new URL(page.url()).search, `?year=${year}&status=repealed`);
  await page.reload({ waitUntil: "load" });
  assert.equal(await page.inputValue("#filter-year"), year);
  assert.equal((await directoryRows(page)).filter((row) => row.shown).length, expected);

  // Nothing matches: the count says 0 and a message explains it.
  await page.getByLabel("有效性", { exact: true }).selectOption("valid");
  const none = all.filter((row) => row.year === year && row.status === "valid").length;
  assert.equal((await directoryRows(page)).filter((row) => row.shown).length, none);
  if (none === 0) assert.equal(await page.locator("[data-disclosure-empty]").isVisible(), true);

  // Reset by keyboard: every row again, the address clean.
  await page.focus("form[data-govpress-disclosure] button[type=reset]");
  await page.keyboard.press("Enter");
  await page.waitForFunction((total) => document.getElementById("disclosure-count").textContent.trim() === `共 ${total} 件文件`, total);
  assert.ok((await directoryRows(page)).every((row) => row.shown));
  assert.equal(new URL(page.url()).search, "");
  assert.deepEqual(cspViolations, []);
  assert.deepEqual(blocked, []);
  await context.close();
});

test("a repealed document shows 已废止 above its title, linking to the document that replaced it; an amended one 已修订", async () => {
  const { context, page, blocked } = await localPage({ viewport: { width: 375, height: 900 } });
  for (const [path, label, target] of [
    [REPEALED, "已废止", REPLACEMENT],
    [AMENDED, "已修订", AMENDMENT],
  ]) {
    const response = await page.goto(`${env.base}${path}`, { waitUntil: "load" });
    assert.equal(response.status(), 200);
    const notice = page.locator(".disclosure-notice");
    assert.equal(await notice.isVisible(), true, `${path}: the notice is visible`);
    assert.match(await notice.textContent(), new RegExp(label));
    const noticeTop = (await notice.boundingBox()).y;
    const tableTop = (await page.locator("table.disclosure-meta").boundingBox()).y;
    const titleTop = (await page.locator("main h1").boundingBox()).y;
    assert.ok(noticeTop < titleTop && tableTop < titleTop, `${path}: notice and disclosure table above the title`);
    const cells = await page.$$eval("table.disclosure-meta th", (headers) => headers.map((th) => [th.textContent, th.getAttribute("scope")]));
    assert.deepEqual(cells.map(([text]) => text), ["索引号", "发文机关", "发文字号", "成文日期", "主题分类", "有效性"]);
    assert.ok(cells.every(([, scope]) => scope === "row"));
    assert.equal(await page.getAttribute('meta[name="DocStatus"]', "content"), label);
    const link = notice.locator("a");
    const title = (await link.textContent()).trim();
    await Promise.all([page.waitForURL(`${env.base}${target}`), link.click()]);
    assert.equal((await page.locator("main h1").textContent()).trim(), title, `${path}: the link leads to the document it names`);
    assert.equal(await page.locator(".disclosure-notice").count(), 0, `${target} is in force: no notice`);
    assert.equal(await page.getAttribute('meta[name="DocStatus"]', "content"), "有效");
  }
  assert.deepEqual(blocked, []);
  await context.close();
});
