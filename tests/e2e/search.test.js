// 站内搜索 (SPEC §8): the search page of the built demo portal in headless Chromium behind nginx,
// and its script in node against `govpress search` over the same index files (parity).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

import { env, govpress, launchChromium, localOnlyContext, startDestinationServer } from "./lib.js";

const QUERIES = ["政府", "人民政府", "青政办发〔2026〕", "通知 实施", "GOVPRESS", "供暖", "的", "不存在的词语组合", "<script>"];

function cli(query) {
  const result = govpress(["search", env.publicDir, query, "--format", "json", "--limit", "0"]);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

test("the page's script answers exactly as govpress search (node/CLI parity)", async () => {
  const { openIndex } = await import(pathToFileURL(join(env.publicDir, "search", "search.js")).href);
  const index = await openIndex("", (path) => readFile(join(env.publicDir, "search", path)));
  let found = 0;
  for (const query of QUERIES) {
    const expected = cli(query);
    const docs = await index.search(query);
    const results = await index.results(query, docs);
    assert.equal(docs.length, expected.total, query);
    assert.deepEqual(results, expected.results, query);
    found += expected.total;
  }
  assert.ok(found > 20, "the queries find pages of the demo portal");
});

test("the search page runs ?q= on load: data-total, links, dates, sections, snippets with <mark>, nothing third-party", async () => {
  const destination = await startDestinationServer();
  const browser = await launchChromium();
  try {
    const { context, intercepted } = await localOnlyContext(browser, destination);
    const page = await context.newPage();
    const requests = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(`${env.base}/search/?q=${encodeURIComponent("人民政府")}`);
    const list = page.locator("#search-results");
    await page.waitForFunction(() => document.getElementById("search-results").children.length > 0);
    const expected = cli("人民政府");
    assert.equal(await list.getAttribute("data-total"), String(expected.total));
    const items = await page.$$eval("#search-results > li", (lis) =>
      lis.map((li) => ({
        href: li.querySelector("a")?.getAttribute("href"),
        title: li.querySelector("a")?.textContent,
        date: li.querySelector("time")?.textContent,
        section: li.querySelector(".search-section")?.textContent,
        marks: [...li.querySelectorAll(".search-snippet mark")].map((mark) => mark.textContent),
      })),
    );
    assert.equal(items.length, Math.min(expected.total, 20));
    items.forEach((item, index) => {
      assert.equal(item.href, expected.results[index].url);
      assert.equal(item.title, expected.results[index].title);
      assert.ok(item.section, `section of ${item.href}`);
      if (expected.results[index].date) assert.equal(item.date, expected.results[index].date);
    });
    assert.ok(items.some((item) => item.marks.includes("人民政府")), "hits are marked");
    assert.equal(await page.inputValue("#search-q"), "人民政府");
    assert.match(await page.textContent("#search-status"), /找到 \d+ 个/);
    assert.deepEqual(intercepted, [], "no request leaves 127.0.0.1");
    assert.ok(requests.every((url) => url.startsWith(env.base)), requests.join("\n"));
    assert.ok(requests.some((url) => url.includes("/search/s/")), "postings shards fetched");
    // The README's screenshot (docs/screenshot-search.png with tests/e2e/run.sh --update-screenshot).
    if (process.env.GOVPRESS_E2E_SCREENSHOT_DIR) {
      await page.screenshot({ path: join(process.env.GOVPRESS_E2E_SCREENSHOT_DIR, "screenshot-search.png") });
    }

    // Keyboard: a new query typed and sent with Enter, no mouse.
    await page.focus("#search-q");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("供暖");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("q") === "供暖");
    await page.waitForFunction(
      (total) => document.getElementById("search-results").dataset.total === String(total) &&
        document.getElementById("search-results").children.length === Math.min(total, 20),
      cli("供暖").total,
    );
    const marks = await page.$$eval("#search-results mark", (all) => all.map((mark) => mark.textContent));
    assert.ok(marks.length > 0 && marks.every((mark) => mark === "供暖"), marks.join(","));

    // A query that finds nothing says so; markup in a query stays text.
    await page.fill("#search-q", "<img src=x>");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => /没有找到/.test(document.getElementById("search-status").textContent));
    assert.equal(await list.getAttribute("data-total"), "0");
    assert.equal(await page.locator("img[src=x]").count(), 0);

    // The header's search form on any page leads to the search page with q.
    await page.goto(`${env.base}/news/`);
    await page.fill(".site-search input[name=q]", "政府");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/search\/\?q=/);
    await page.waitForFunction(() => document.getElementById("search-results").children.length > 0);
    assert.equal(await list.getAttribute("data-total"), String(cli("政府").total));
    assert.deepEqual(intercepted, []);
    await context.close();
  } finally {
    await browser.close();
    destination.close();
  }
});
