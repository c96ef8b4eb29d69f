// `govpress report` (SPEC §11): the demo portal with a year of run history, rendered in Chromium from
// the file alone (no request leaves it), screenshot for docs/, printed to PDF and read back with
// pdftotext (poppler-utils): the printed report carries every section in Chinese. Then the portal is
// archived (第十二条), verified, and one flipped byte of the archive file is caught.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { env, govpress, launchChromium } from "./lib.js";

/// A year of runs: a daily build whose findings fall over the year, a weekly link check.
function yearOfHistory(file) {
  const end = new Date(env.now);
  const lines = [];
  for (let day = 364; day >= 1; day -= 1) {
    const at = new Date(end.getTime() - day * 86400000);
    const time = at.toISOString().replace(/\.\d{3}Z$/, "+00:00");
    const errors = Math.max(0, Math.round(day / 60) - 2);
    const warnings = Math.round(day / 30);
    lines.push(JSON.stringify({
      v: 1, time, command: "build", duration_ms: 900, pages: 40, errors, warnings,
      articles: { 13: warnings, 14: errors, 22: day % 90 === 0 ? 1 : 0 },
      rules: { "timeliness.stale-section": warnings }, published: errors === 0,
    }));
    if (day % 7 === 0) {
      lines.push(JSON.stringify({
        v: 1, time, command: "links", duration_ms: 30000, pages: 40, errors: day % 28 === 0 ? 2 : 0, warnings: 1,
        articles: { 15: 1 }, rules: { "links.broken": 0 }, links: { checked: 120, broken: day % 28 === 0 ? 2 : 0, warnings: 1 },
      }));
    }
  }
  mkdirSync(join(file, ".."), { recursive: true });
  appendFileSync(file, lines.join("\n") + "\n");
}

test("the report renders without any request, prints to PDF and reads back in Chinese", async () => {
  const site = join(env.work, "report-site");
  cpSync(env.site, site, { recursive: true });
  yearOfHistory(join(site, ".govpress/history.jsonl"));
  const out = join(env.work, "report.html");
  const made = govpress(["report", site, "--out", out, "--now", env.now]);
  assert.equal(made.status, 0, made.stderr);
  const html = readFileSync(out, "utf8");
  assert.doesNotMatch(html, /<script/i);
  assert.ok((html.match(/<svg/g) || []).length >= 3, "charts are inline SVG");

  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const requests = [];
    await context.route("**/*", (route) => {
      requests.push(route.request().url());
      return route.request().url().startsWith("file://") ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    await page.goto(`file://${out}`);
    assert.deepEqual(requests, [`file://${out}`], "the report needs nothing but itself");
    assert.equal(await page.locator("h1").innerText(), "网站安全与合规年度报告");
    assert.ok(await page.locator("svg.chart").count() >= 3);
    const shots = process.env.GOVPRESS_E2E_SCREENSHOT_DIR;
    if (shots) await page.screenshot({ path: join(shots, "screenshot-report.png"), fullPage: false });

    await page.emulateMedia({ media: "print" });
    const pdf = join(env.work, "report.pdf");
    await page.pdf({ path: pdf, format: "A4", printBackground: true });
    assert.ok(existsSync(pdf));
    const text = spawnSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    assert.equal(text.status, 0, text.stderr);
    for (const expected of [
      "网站安全与合规年度报告",
      "网站标识",
      "各栏目每月发布的页面",
      "三审周转时间",
      "问题数随时间的变化",
      "链接状况随时间的变化",
      "日志留存设置",
      "rotate 400",
    ]) {
      assert.ok(text.stdout.replace(/\s+/g, "").includes(expected.replace(/\s+/g, "")), `the PDF reads ${expected}`);
    }
    const pages = spawnSync("pdfinfo", [pdf], { encoding: "utf8" }).stdout.match(/Pages:\s+(\d+)/);
    assert.ok(pages && Number(pages[1]) >= 2, "an A4 print over several pages");
  } finally {
    await browser.close();
  }
});

test("the demo portal archives, verifies, and one flipped byte is caught (第十二条)", () => {
  const keys = join(env.work, "archive-keys");
  mkdirSync(keys, { recursive: true });
  const key = join(keys, "publisher.pem");
  const made = govpress(["keygen", "--out", key]);
  assert.equal(made.status, 0, made.stderr);
  const publicKey = join(keys, "publisher.pub");
  writeFileSync(publicKey, made.stdout);
  const archive = join(env.work, "portal.tar.gz");
  const archived = govpress(["archive", env.site, "--out", archive, "--publisher-key", key, "--now", env.now]);
  assert.equal(archived.status, 0, archived.stderr);
  assert.match(archived.stderr, /demo-keys/, "the demo keys are named as left out");

  const verified = govpress(["archive", "verify", archive, "--public-key", publicKey, "--format", "json"]);
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  assert.equal(JSON.parse(verified.stdout).diagnostics.length, 0);

  const bytes = readFileSync(archive);
  bytes[Math.floor(bytes.length / 2)] ^= 0x20;
  writeFileSync(archive, bytes);
  const caught = govpress(["archive", "verify", archive, "--public-key", publicKey, "--format", "json"]);
  assert.equal(caught.status, 1, caught.stdout + caught.stderr);
  const findings = JSON.parse(caught.stdout).diagnostics;
  assert.ok(findings.length > 0 && findings.every((d) => d.rule.startsWith("archive.") && d.file), JSON.stringify(findings));
});
