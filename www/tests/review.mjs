// The reviewers' view (三审签核, SPEC §7) in headless Chromium against the native CLI: a copy of the demo
// portal with a stale page (edited after sign-off), a pending page (初审 only) and a new page nobody
// signed, then the same site with a tampered log line. The page's panel must give exactly what
// `govpress review status --format json` and `govpress review verify --format json` give, in Chinese
// and in English, with and without a trust root.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chromium } from 'playwright-core';

import { repoRoot } from './corpus-cases.mjs';
import { CHROMIUM, serveDirectory } from './static-server.mjs';

const govpressBin = process.env.GOVPRESS_BIN ?? join(repoRoot, 'target/debug/govpress');
const STALE = 'content/news/2026-11-24-winter-heating.md';
const PENDING = 'content/notices/2026-12-01-heating-hotline.md';
const UNSIGNED = 'content/notices/2026-12-02-snow-clearing.md';

/** Runs the CLI in the site; returns { code, stdout, stderr }. */
function govpress(site, ...args) {
  const result = spawnSync(govpressBin, args, { cwd: site, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const cliJson = (site, ...args) => JSON.parse(govpress(site, ...args, '--format', 'json').stdout);

/** A copy of the demo portal with one stale, one pending and one unsigned page. */
function makeSite() {
  const temp = mkdtempSync(join(tmpdir(), 'govpress-review-view-'));
  const site = join(temp, 'portal');
  cpSync(join(repoRoot, 'examples/portal'), site, { recursive: true });
  // The demo reviewers' terms end in 2028; the copy keeps them signing whatever the year (records keep
  // their own times, so the earlier signatures stay valid).
  const rosterPath = join(site, 'reviewers.toml');
  writeFileSync(rosterPath, readFileSync(rosterPath, 'utf8').replaceAll('valid_until = 2028-12-31', 'valid_until = 2099-12-31'));
  appendFileSync(join(site, STALE), '\n（本文已更新）\n');
  const page = (title) => `+++\ntitle = "${title}"\ndate = 2026-12-01\n+++\n${title}。\n`;
  writeFileSync(join(site, PENDING), page('关于开通供暖服务热线的通知'));
  writeFileSync(join(site, UNSIGNED), page('关于做好道路除雪工作的通知'));
  const sign = govpress(site, 'review', 'sign', PENDING, '--stage', '初审', '--reviewer', 'chen-siyuan', '--key', 'demo-keys/chen-siyuan.pem');
  assert.equal(sign.code, 0, sign.stderr);
  return { temp, site };
}

let server;
let browser;
let page;
let made;
const consoleErrors = [];
const pageRequests = [];

before(async () => {
  made = makeSite();
  server = await serveDirectory(join(repoRoot, 'www'));
  browser = await chromium.launch(CHROMIUM);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  page.on('request', (request) => pageRequests.push(request.url()));
  page.on('response', (response) => response.status() >= 400 && consoleErrors.push(`${response.status()} ${response.url()}`));
  await page.goto(`${server.origin}/`);
  await page.waitForSelector('html[data-ready="true"]');
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (made) rmSync(made.temp, { recursive: true, force: true });
});

/** Opens the site folder in the page and waits until the finished panel holds `selector` (what this
 * folder, not the one before, must show). */
async function openSite(dir, selector) {
  await page.setInputFiles('#open-folder', dir);
  await page.waitForSelector(`#review-panel[data-ready="true"] ${selector}`, { timeout: 60_000 });
}

const waitForVerdict = () => page.waitForSelector('#review-panel[data-ready="true"]', { timeout: 60_000 });

/** What the panel shows, in the CLI's terms. */
const shown = () =>
  page.evaluate(() => {
    const verdict = document.getElementById('review-verdict');
    const rows = [...document.querySelectorAll('#review-table tbody tr')].map((row) => ({
      path: row.dataset.path,
      state: row.dataset.state,
      label: row.querySelector('td.state').textContent,
      signed: [...row.querySelectorAll('td.stage[data-signed="true"]')].map((cell) => `${cell.dataset.stage} ${cell.dataset.reviewer}`),
      pending: [...row.querySelectorAll('td.stage[data-signed="false"]')].map((cell) => cell.dataset.stage),
      outdated: row.querySelector('.outdated')?.textContent ?? '',
      reason: row.querySelector('.reason')?.textContent ?? null,
    }));
    return {
      verified: verdict.dataset.verified,
      kind: verdict.dataset.kind,
      message: verdict.querySelector('.message')?.textContent ?? verdict.textContent,
      summary: document.getElementById('review-summary').textContent,
      problems: [...document.querySelectorAll('#review-problems li')].map((item) => item.textContent),
      rows,
    };
  });

/** The CLI's status projected onto what the panel shows. */
const expectedRows = (status) =>
  status.pages.map((p) => ({
    path: p.path,
    state: p.state,
    label: p.label,
    signed: p.approvals.map((a) => `${a.stage} ${a.reviewer}`),
    pending: p.missing,
    outdated: p.outdated ? `${p.outdated.stage} ${p.outdated.name}` : '',
    reason: p.reason,
  }));

function assertSameAnswer(view, status, verify) {
  // The outdated signature is shown in a sentence: its stage and reviewer's name must be in it.
  const expected = expectedRows(status);
  const rows = view.rows.map((row, index) => {
    const want = expected[index]?.outdated ?? '';
    const holds = want.split(' ').every((part) => row.outdated.includes(part)) && Boolean(want) === Boolean(row.outdated);
    return { ...row, outdated: holds ? want : row.outdated };
  });
  assert.deepEqual(rows, expected);
  assert.equal(view.verified, String(verify.verified));
  assert.equal(view.kind, verify.kind);
  assert.equal(view.message, verify.message);
  assert.deepEqual(view.problems, status.problems.map((p) => `${p.file}:${p.line}: ${p.message}`));
}

/** The panel's worker path: how many workers checked signatures, and how many answers the core took. */
const workerPath = () =>
  page.$eval('#review-panel', (panel) => ({ workers: Number(panel.dataset.workers), seeded: Number(panel.dataset.seeded) }));

const logRecords = (dir) => readFileSync(join(dir, 'reviews/log.jsonl'), 'utf8').split('\n').filter((line) => line.trim()).length;

/**
 * The core's JSON straight from the page's own module, given the site's files as the panel reads them:
 * no workers. With `seedLog`, a fresh checker first takes the answers a real worker (review-worker.js)
 * gave for the archive `seedLog` (the worker path by hand; answers for other bytes when `seedLog` is
 * not the site's archive).
 */
function browserJson(dir, trustRoot, seedLog) {
  const files = [];
  const walk = (path) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push({ path: relative(dir, full).split('\\').join('/'), bytes: [...readFileSync(full)] });
    }
  };
  walk(dir);
  return page.evaluate(
    async ({ files, trustRoot, seedLog }) => {
      // The review module (the page fetches it for a site with a roster or a log).
      const module = await import('./pkg/govpress_review.js');
      const compiled = await WebAssembly.compileStreaming(fetch('./pkg/govpress_review_bg.wasm'));
      await module.default({ module_or_path: compiled });
      const { Checker } = module;
      const text = (path) => {
        const file = files.find((f) => f.path === path);
        return file ? new TextDecoder().decode(new Uint8Array(file.bytes)) : undefined;
      };
      const checker = new Checker(text('govpress.toml'), 'zh', text('terms.toml'));
      const [roster, log, certificate] = checker.reviewFiles().map(text);
      let seeded;
      if (seedLog !== undefined) {
        const worker = new Worker('./review-worker.js', { type: 'module' });
        worker.postMessage({ module: compiled });
        const answer = new Promise((resolve, reject) => {
          worker.onmessage = ({ data }) => (data.answers ? resolve(data.answers) : reject(new Error(data.error)));
          worker.onerror = (event) => reject(new Error(event.message));
        });
        worker.postMessage({ id: 0, config: text('govpress.toml'), terms: text('terms.toml'), roster, lines: seedLog });
        seeded = checker.reviewSeed(await answer);
        worker.terminate();
      }
      const pages = files.filter((f) => f.path.startsWith('content/'));
      const args = [roster, log, certificate, trustRoot, undefined];
      const status = JSON.parse(checker.reviewStatus(pages.map((f) => f.path), pages.map((f) => new Uint8Array(f.bytes)), ...args));
      const verify = JSON.parse(checker.reviewVerify(...args));
      checker.free();
      return { status, verify, seeded };
    },
    { files, trustRoot, seedLog },
  );
}

describe("the reviewers' view agrees with govpress review status / verify", () => {
  test('a signed site with a stale, a pending and an unsigned page', async () => {
    const { site } = made;
    const status = cliJson(site, 'review', 'status');
    const verify = cliJson(site, 'review', 'verify');
    const state = (path) => status.pages.find((p) => p.path === path)?.state;
    assert.deepEqual([state(STALE), state(PENDING), state(UNSIGNED)], ['stale', 'pending', 'unsigned'], 'the fixture');
    assert.ok(status.signed_off > 10 && verify.verified, 'the rest of the portal is signed off and the archive holds');

    await openSite(site, `#review-table tr[data-path="${STALE}"][data-state="stale"]`);
    assert.equal(await page.isVisible('#review-panel'), true);
    // The review module comes with the site's roster and log, not with the page.
    assert.ok(server.requests.includes('/pkg/govpress_review_bg.wasm'), server.requests.join(' '));
    const view = await shown();
    assertSameAnswer(view, status, verify);
    assert.match(view.summary, new RegExp(`共 ${status.total} 个页面，已签核 ${status.signed_off} 个`));
    const stale = view.rows.find((row) => row.path === STALE);
    assert.match(stale.outdated, /旧版本/);
    assert.deepEqual(view.rows.find((row) => row.path === PENDING).pending, ['复审', '终审']);

    // The panel took the workers' answers for every record (so the page verified none itself)...
    assert.ok((await workerPath()).workers >= 1);
    assert.equal((await workerPath()).seeded, logRecords(site));
    // ...and gives what the page's module gives without workers: exactly the CLI's JSON.
    const json = await browserJson(site);
    assert.deepEqual(json.status, status);
    assert.deepEqual(json.verify, verify);
  });

  test('the page without workers (?review-workers=0) shows the same verdict and states', async () => {
    const { site } = made;
    const status = cliJson(site, 'review', 'status');
    const verify = cliJson(site, 'review', 'verify');
    await page.goto(`${server.origin}/?review-workers=0`);
    await page.waitForSelector('html[data-ready="true"]');
    await openSite(site, `#review-table tr[data-path="${STALE}"][data-state="stale"]`);
    assert.equal((await workerPath()).workers, 0);
    assert.ok(!(await workerPath()).seeded);
    assertSameAnswer(await shown(), status, verify);
    await page.goto(`${server.origin}/`);
    await page.waitForSelector('html[data-ready="true"]');
    await openSite(site, `#review-table tr[data-path="${STALE}"][data-state="stale"]`);
    assert.equal((await workerPath()).seeded, logRecords(site));
    assertSameAnswer(await shown(), status, verify);
  });

  test('editing a signed page in the editor makes it stale in the panel at once', async () => {
    const target = 'content/about.md';
    await page.click(`#review-table button[data-path="${target}"]`);
    assert.equal(await page.textContent('#path-label'), target);
    await page.focus('#editor');
    await page.keyboard.press('End');
    await page.keyboard.type('改');
    await page.waitForSelector(`#review-table tr[data-path="${target}"][data-state="stale"]`);
  });

  test('in English, as govpress --lang en says it', async () => {
    const { site } = made;
    await openSite(site, '#review-table tr[data-path="content/about.md"][data-state="signed-off"]');
    await page.click('#lang-switch');
    await page.waitForSelector('html[lang="en"]');
    await waitForVerdict();
    await page.waitForFunction(() => /signed off/.test(document.getElementById('review-summary').textContent));
    const status = cliJson(site, '--lang', 'en', 'review', 'status');
    const verify = cliJson(site, '--lang', 'en', 'review', 'verify');
    const view = await shown();
    assertSameAnswer(view, status, verify);
    assert.match(await page.textContent('#review-title'), /Review sign-off/);
    await page.click('#lang-switch');
    await page.waitForSelector('html[lang="zh-CN"]');
    await waitForVerdict();
  });

  test('a trust root in the fingerprint field: the uncertified roster fails as with --trust-root', async () => {
    const { site } = made;
    const fingerprint = execFileSync(govpressBin, ['review', 'fingerprint', join(site, 'demo-keys/zhao-guohua.pem')], { encoding: 'utf8' })
      .trim()
      .split(/\s+/)
      .find((word) => /^[0-9a-f]{64}$/.test(word));
    assert.ok(fingerprint);
    const status = cliJson(site, 'review', 'status', '--trust-root', fingerprint);
    const verify = cliJson(site, 'review', 'verify', '--trust-root', fingerprint);
    assert.equal(verify.kind, 'roster-uncertified');
    await page.evaluate(() => (document.getElementById('review-panel').dataset.ready = 'false'));
    await page.fill('#review-trust-root', fingerprint);
    await waitForVerdict();
    assertSameAnswer(await shown(), status, verify);
    await page.evaluate(() => (document.getElementById('review-panel').dataset.ready = 'false'));
    await page.fill('#review-trust-root', '');
    await waitForVerdict();
  });

  test('a base archive chosen in the page is checked as with --base FILE', async () => {
    const { site } = made;
    // The demo portal's own log: the copy's log extends it by the one record the fixture signed.
    const base = join(repoRoot, 'examples/portal/reviews/log.jsonl');
    const status = cliJson(site, 'review', 'status', '--base', base);
    const verify = cliJson(site, 'review', 'verify', '--base', base);
    assert.deepEqual([verify.verified, verify.anchored], [true, true]);
    await page.evaluate(() => (document.getElementById('review-panel').dataset.ready = 'false'));
    await page.setInputFiles('#review-base', base);
    await waitForVerdict();
    assertSameAnswer(await shown(), status, verify);
    assert.match(await page.textContent('#review-base-name'), /log\.jsonl/);
    await page.evaluate(() => (document.getElementById('review-panel').dataset.ready = 'false'));
    await page.click('#review-panel .clear-base');
    await waitForVerdict();
  });

  test('a tampered log line: the audit fails at that line and no page is signed off', async () => {
    const { site } = made;
    const logPath = join(site, 'reviews/log.jsonl');
    const lines = readFileSync(logPath, 'utf8').split('\n');
    lines[1] = lines[1].replace('"comment":"', '"comment":"（改）');
    writeFileSync(logPath, lines.join('\n'));
    const status = cliJson(site, 'review', 'status');
    const verify = cliJson(site, 'review', 'verify');
    assert.equal(govpress(site, 'review', 'verify').code, 1);
    assert.deepEqual([verify.verified, verify.kind, verify.line], [false, 'log-invalid', 2]);
    assert.ok(status.pages.every((p) => p.state === 'invalid'));

    await openSite(site, '#review-verdict[data-kind="log-invalid"]');
    const view = await shown();
    assertSameAnswer(view, status, verify);
    assert.match(view.message, /reviews\/log\.jsonl:2: /);
    const json = await browserJson(site);
    assert.deepEqual(json.status, status);
    assert.deepEqual(json.verify, verify);
    // A worker's answers for the intact archive (every line holds) answer nothing about the tampered
    // line's bytes: taken first, they leave the verdict the CLI's.
    const intact = [...lines];
    intact[1] = lines[1].replace('"comment":"（改）', '"comment":"');
    const seeded = await browserJson(site, undefined, intact.join('\n'));
    assert.equal(seeded.seeded, logRecords(site));
    assert.deepEqual(seeded.status, status);
    assert.deepEqual(seeded.verify, verify);
  });

  test('keyboard: the page buttons and the fields are reachable with Tab', async () => {
    await page.focus('#review-trust-root');
    const reached = new Set();
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => document.activeElement.id || document.activeElement.dataset.path || document.activeElement.tagName));
    }
    assert.ok(reached.has('review-base-choose') && reached.has('review-only-open'), [...reached].join(' '));
    assert.ok([...reached].some((item) => item.startsWith('content/')), [...reached].join(' '));
  });

  test('screenshot for the README', async () => {
    // The intact site again (stale, pending, unsigned; the archive holds), only pages not signed off first.
    rmSync(made.temp, { recursive: true, force: true });
    made = makeSite();
    await page.setViewportSize({ width: 1280, height: 900 });
    await openSite(made.site, '#review-verdict[data-kind="ok"]');
    await page.check('#review-only-open');
    await page.waitForFunction(() => document.querySelectorAll('#review-table tbody tr').length === 3);
    const out = process.env.GOVPRESS_UPDATE_SCREENSHOT
      ? join(repoRoot, 'docs/screenshot-review-view.png')
      : join(repoRoot, 'target/screenshot-review-view.png');
    mkdirSync(join(out, '..'), { recursive: true });
    const panel = await page.$('#review-panel');
    await panel.screenshot({ path: out });
    assert.ok(readFileSync(out).length > 10_000);
  });

  test('no errors in the console, and every request stayed on the page\'s own server', () => {
    // The preview of the portal's home page asks for its /images/ on the checker's server (a 404 there):
    // the preview's business, not the panel's.
    let imageMisses = consoleErrors.filter((text) => /^404 .*\/images\//.test(text)).length;
    const errors = consoleErrors.filter((text) => {
      if (/^404 .*\/images\//.test(text)) return false;
      // Chromium's console line for each of those misses names no URL.
      if (imageMisses > 0 && /status of 404/.test(text)) return (imageMisses -= 1) < 0;
      return true;
    });
    assert.deepEqual(errors, []);
    for (const url of pageRequests) assert.ok(url.startsWith(`${server.origin}/`) || url.startsWith('data:'), `fetched ${url}`);
  });
});
