// The 集约化 platform (第十条): `govpress build --platform` on a copy of examples/platform where one site
// breaks a rule publishes the other two, keeps the broken site's previous output byte for byte and exits 1;
// its report renders in Chromium (screenshot for docs/), one site is archived, verified, and a flipped byte
// of the archive is caught (第十二条); `govpress serve --platform` serves every site under /<site>/, with
// links and site search inside it.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";

import { env, govpress, launchChromium, localOnlyContext, startDestinationServer, startServe, stopServe } from "./lib.js";

const demo = fileURLToPath(new URL("../../examples/platform", import.meta.url));
const SITES = ["portal", "fgw", "jyj"];

let root;
let out;

function snapshot(directory) {
  const files = {};
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(directory, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(directory);
  return files;
}

function build(...extra) {
  return govpress(["build", "--platform", join(root, "platform.toml"), "--out", out, ...extra]);
}

before(() => {
  root = join(env.work, "platform");
  out = join(env.work, "platform-public");
  cpSync(demo, root, { recursive: true });
  for (const site of SITES) rmSync(join(root, "sites", site, ".govpress"), { recursive: true, force: true });
  const first = build("--quiet");
  assert.equal(first.status, 0, `the signed demo platform builds:\n${first.stdout}${first.stderr}`);
});

test("one site breaks a rule: the others publish, it keeps its previous output, exit 1", () => {
  const jyjBefore = snapshot(join(out, "jyj"));
  // An edit that needs no new sign-off: the portal's contact line, which every page's footer shows.
  const portalConfig = join(root, "sites/portal/govpress.toml");
  writeFileSync(portalConfig, readFileSync(portalConfig, "utf8").replace("12345（青岚市政务服务便民热线）", "12345（市民热线）"));
  const notice = join(root, "sites/jyj/content/notices/2026-11-20-enrolment.md");
  const original = readFileSync(notice);
  writeFileSync(notice, original + "\n联系人身份证号：11010519491231002X\n");
  let result;
  try {
    result = build("--format", "json");
  } finally {
    writeFileSync(notice, original);
  }
  assert.equal(result.status, 1, `exit 1 expected:\n${result.stdout}${result.stderr}`);
  const report = JSON.parse(result.stdout);
  const errors = report.diagnostics.filter((d) => d.severity === "error");
  assert.ok(errors.length > 0);
  for (const diagnostic of errors) {
    assert.equal(diagnostic.file, "sites/jyj/content/notices/2026-11-20-enrolment.md", JSON.stringify(diagnostic));
  }
  assert.ok(errors.some((d) => d.article === 22), "article 22 (personal data) is cited");
  assert.deepEqual(snapshot(join(out, "jyj")), jyjBefore, "the broken site's previous output stands");
  assert.match(readFileSync(join(out, "portal/index.html"), "utf8"), /12345（市民热线）/, "the portal published");
  assert.match(result.stderr, /sites\/jyj：未通过检查/);
});

test("the platform's report renders in Chromium, a site archives, verifies, and a flipped byte is caught", async () => {
  // One report, a section per site (SPEC §11), rendered from the file alone.
  const report = join(env.work, "platform-report.html");
  const made = govpress(["report", "--platform", join(root, "platform.toml"), "--out", report, "--now", env.now]);
  assert.equal(made.status, 0, made.stderr);
  const reportBrowser = await launchChromium();
  try {
    const context = await reportBrowser.newContext({ viewport: { width: 1100, height: 900 } });
    const requests = [];
    await context.route("**/*", (route) => {
      requests.push(route.request().url());
      return route.request().url().startsWith("file://") ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    await page.goto(`file://${report}`);
    assert.deepEqual(requests, [`file://${report}`], "the report needs nothing but itself");
    assert.equal(await page.locator("h1").innerText(), "网站安全与合规年度报告");
    assert.match(await page.title(), /^青岚市政府网站集约化平台/);
    const sites = await page.locator("nav ol li").allInnerTexts();
    assert.equal(sites.length, SITES.length, sites.join(" | "));
    for (const site of SITES) assert.ok(sites.some((text) => text.includes(`sites/${site}`)), `${site} in ${sites}`);
    const sections = page.locator("section.site");
    assert.equal(await sections.count(), SITES.length, "a section per site");
    for (let index = 0; index < SITES.length; index += 1) {
      assert.ok(await sections.nth(index).locator("svg.chart").count() >= 1, `charts in the section of site ${index}`);
    }
    const shots = process.env.GOVPRESS_E2E_SCREENSHOT_DIR;
    if (shots) await page.screenshot({ path: join(shots, "screenshot-platform-report.png"), fullPage: false });
  } finally {
    await reportBrowser.close();
  }

  // The development and reform commission's site closes (第十二条): archived with what the platform
  // shares with it, verified, and one flipped byte of the file is caught.
  const key = join(env.work, "platform-publisher.pem");
  const keygen = govpress(["keygen", "--out", key]);
  assert.equal(keygen.status, 0, keygen.stderr);
  const publicKey = join(env.work, "platform-publisher.pub");
  writeFileSync(publicKey, keygen.stdout);
  const archive = join(env.work, "fgw.tar.gz");
  // The site's own pinned clock (its govpress.toml), as the platform builds above used.
  const archived = govpress(["archive", join(root, "sites/fgw"), "--out", archive, "--publisher-key", key]);
  assert.equal(archived.status, 0, archived.stdout + archived.stderr);
  const verify = () => govpress(["archive", "verify", archive, "--public-key", publicKey, "--format", "json"]);
  const verified = verify();
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  assert.deepEqual(JSON.parse(verified.stdout).diagnostics, []);
  const bytes = readFileSync(archive);
  bytes[Math.floor(bytes.length / 3)] ^= 0x01;
  writeFileSync(archive, bytes);
  const caught = verify();
  assert.equal(caught.status, 1, caught.stdout + caught.stderr);
  const findings = JSON.parse(caught.stdout).diagnostics;
  assert.ok(findings.length > 0 && findings.every((d) => d.rule.startsWith("archive.")), JSON.stringify(findings));
});

let browser;
let destination;
let served;

after(async () => {
  if (served) await stopServe(served);
  await browser?.close();
  destination?.close();
});

test("serve --platform serves each site under /<site>/ with its links and search inside it", async () => {
  served = await startServe(["--platform", join(root, "platform.toml"), "--port", "0"], {
    env: { ...process.env, GOVPRESS_LOG: "govpress::commands::serve=debug" },
  });
  const index = await (await fetch(served.url)).text();
  for (const site of SITES) assert.match(index, new RegExp(`href="/${site}/"`));

  const fgw = await (await fetch(`${served.url}fgw/`)).text();
  assert.match(fgw, /href="\/fgw\/news\/2026-11-26-projects\/"/);
  assert.match(fgw, /action="\/fgw\/search\/"/);
  assert.match(fgw, /data-platform>青岚市政府网站集约化平台</);
  const article = await fetch(`${served.url}fgw/news/2026-11-26-projects/`);
  assert.equal(article.status, 200);
  assert.match(await article.text(), /全市重点项目推进会召开/);
  const portal = await fetch(`${served.url}portal/news/2026-11-28-platform/`);
  assert.equal(portal.status, 200);
  const missing = await fetch(`${served.url}jyj/no-such-page/`);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /青岚市教育局/, "the site's own 404 page");

  browser = await launchChromium();
  destination = await startDestinationServer();
  const { context, intercepted } = await localOnlyContext(browser, destination);
  const page = await context.newPage();
  // What the page saw, for the message if the search never answers.
  const seen = [];
  page.on("console", (message) => seen.push(`console ${message.type()}: ${message.text()}`));
  page.on("requestfailed", (request) => seen.push(`failed ${request.url()}: ${request.failure()?.errorText}`));
  page.on("request", (request) => seen.push(`asked ${request.url()}`));
  page.on("response", (response) => seen.push(`${response.status()} ${response.url()}`));
  page.on("requestfinished", (request) => seen.push(`done ${request.url()}`));
  try {
    await page.goto(`${served.url}fgw/`, { waitUntil: "load" });
    await page.fill('form.site-search input[name="q"]', "重点项目");
    await page.press('form.site-search input[name="q"]', "Enter");
    // The URL once the navigation commits; the results below prove the page works. (The load event
    // sometimes did not come within 30 s under `serve`, the page already at this URL and no rebuild:
    // not explained yet.)
    await page.waitForURL(/\/fgw\/search\/\?q=/, { waitUntil: "commit" }).catch((error) => {
      throw new Error(`${error.message}\nat ${page.url()}\nserve said:\n${served.output()}`);
    });
    const results = await page
      .waitForSelector('#search-results[data-total="1"]', { timeout: 30000 })
      .catch(async (error) => {
        const status = await page.textContent("#search-status").catch(() => "(no status)");
        throw new Error(`${error.message}\nat ${page.url()}, status: ${status}\n${seen.join("\n")}\nserve said:\n${served.output()}`);
      });
    const link = await results.$eval("li a", (a) => a.getAttribute("href"));
    assert.match(link, /^\/fgw\/news\/2026-11-26-projects\/$/);
  } finally {
    await context.close();
  }
  assert.deepEqual(intercepted, []);
});
