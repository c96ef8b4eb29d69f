// The browser checker in headless Chromium (Playwright, Debian's chromium): the page as an editor uses
// it (paste, type, click a diagnostic, drop files, switch language, load a config, preview) and the
// whole corpus through the page's own wasm module, which must agree with node and the native CLI.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chromium } from 'playwright-core';

import { attachmentCases, corpusNow, project, repoRoot, siteCases, singleFileCases } from './corpus-cases.mjs';
import { CHROMIUM, serveDirectory } from './static-server.mjs';

// 11010519491231002X: a resident ID number with a valid GB 11643 check digit.
const DRAFT = `+++
title = "关于开展网络安全宣传周活动的通知"
date = 2024-05-15
+++

# 活动安排

请联系张三，身份证号 11010519491231002X。

详见[中国网信网](https://www.cac.gov.cn/2024-05/15/c_1.htm)与[某商业网站](https://www.example.com/page)。
`;
const ID_LINE = DRAFT.split('\n').findIndex((line) => line.includes('11010519491231002X')) + 1;

/**
 * WebAssembly sent (gzip) before the first diagnostic: the first module, govpress_first (378,889 bytes from this
 * server's zlib level 9 when it was introduced; docs/checker.md, "Size"), guarded with 3 % for rules added later and
 * under issue 12's goal of 400 KB. It was 1,219,904 bytes for the single module before the split, and 876,638 for the
 * checking module alone before the first module.
 */
const WASM_BUDGET = 390_000;

let server;
let browser;
let page;
const consoleErrors = [];
const pageRequests = [];

before(async () => {
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
});

const diagnostics = () =>
  page.$$eval('#diagnostics .diagnostic', (items) =>
    items.map((item) => ({
      rule: item.dataset.rule,
      article: Number(item.dataset.article),
      line: Number(item.dataset.line),
      text: item.textContent,
    })),
  );

async function setDraft(text) {
  // fill() replaces the value and fires `input`, as a paste does.
  await page.fill('#editor', text);
}

/** Opens the preview pane (its first opening fetches the preview module). */
async function openPreview(target = page) {
  if (!(await target.$eval('#preview-pane', (details) => details.open))) await target.click('#preview-pane summary');
}

async function waitForArticle(article) {
  await page.waitForSelector(`#diagnostics .diagnostic[data-article="${article}"]`);
}

describe('the browser checker in headless Chromium', () => {
  test('Chinese by default, and nothing fetched but its own files', async () => {
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match(await page.textContent('h1'), /政务网站稿件预检/);
    assert.ok(server.requests.includes('/pkg/govpress_wasm_bg.wasm'), server.requests.join(' '));
    assert.ok(!server.requests.some((path) => path.includes('govpress_preview')), 'the preview module waits for the preview');
  });

  test('an empty editor greets with an empty state, not an error, and inserts a front-matter skeleton', async () => {
    await page.waitForSelector('#empty-state:not([hidden])');
    assert.match(await page.textContent('#empty-state'), /还没有稿件/);
    assert.equal(await page.textContent('#summary'), '等待稿件');
    assert.deepEqual(await diagnostics(), []);
    assert.equal(await page.isHidden('#config-error'), true);
    assert.equal(await page.isHidden('#insert-front-matter'), true, 'the empty state offers it instead');

    await page.click('#empty-insert');
    const skeleton = await page.inputValue('#editor');
    assert.match(skeleton, /^\+\+\+\ntitle = "在此填写标题"\ndate = \d{4}-\d{2}-\d{2}\ndepartment = "在此填写发布部门"\n\+\+\+\n/);
    const selected = await page.$eval('#editor', (editor) => editor.value.slice(editor.selectionStart, editor.selectionEnd));
    assert.equal(selected, '在此填写标题', 'the title is selected, ready to be typed over');
    await page.waitForSelector('#empty-state', { state: 'hidden' });
    await page.waitForSelector('#summary.clean');
    assert.deepEqual(await diagnostics(), [], 'the skeleton itself passes the check');
    assert.equal(await page.isHidden('#insert-front-matter'), true, 'no second skeleton over front matter');

    // A draft without front matter gets the error, and the button that fixes it.
    await setDraft('正文第一段。\n');
    await page.waitForSelector('#diagnostics .diagnostic[data-rule="front-matter.missing"]');
    await page.click('#insert-front-matter');
    await page.waitForFunction(() => !document.querySelector('#diagnostics [data-rule="front-matter.missing"]'));
    assert.match(await page.inputValue('#editor'), /^\+\+\+\ntitle = [^]*\+\+\+\n\n正文第一段。\n$/);

    // The example draft passes; clearing the editor brings the empty state back.
    await setDraft('');
    await page.waitForSelector('#empty-state:not([hidden])');
    await page.click('#load-example');
    await page.waitForSelector('#summary.clean');
    assert.match(await page.inputValue('#editor'), /^\+\+\+\ntitle = "关于开展/);

    // In English: the empty state and the skeleton follow the page's language switch.
    await setDraft('');
    await page.click('#lang-switch');
    await page.waitForSelector('html[lang="en"]');
    assert.match(await page.textContent('#empty-state'), /No draft yet/);
    assert.equal(await page.textContent('#summary'), 'Waiting for a draft');
    await page.click('#empty-insert');
    assert.match(await page.inputValue('#editor'), /^\+\+\+\ntitle = "Title of the page"\n/);
    await page.waitForSelector('#summary.clean');
    await page.click('#lang-switch');
    await page.waitForSelector('html[lang="zh-CN"]');
  });

  test('the first diagnostic needs only the first module; the full module takes over; the preview comes with the preview', async (t) => {
    // A fresh browser context (empty cache) on a server that gzips, as a deployed site does.
    const gzipServer = await serveDirectory(join(repoRoot, 'www'), { gzip: true });
    const context = await browser.newContext();
    // The full checking module is held back until the first diagnostic is on screen: it must not need it.
    let releaseFull;
    const fullHeld = new Promise((resolve) => (releaseFull = resolve));
    await context.route('**/pkg/govpress_wasm_bg.wasm', async (route) => {
      await fullHeld;
      await route.continue();
    });
    const fresh = await context.newPage();
    try {
      await fresh.goto(`${gzipServer.origin}/`);
      await fresh.waitForSelector('html[data-ready="true"]');
      await fresh.fill('#editor', DRAFT);
      await fresh.waitForSelector('#diagnostics .diagnostic[data-article="22"]');
      const wasm = () => gzipServer.sent.filter(({ path }) => path.endsWith('.wasm'));
      assert.deepEqual(wasm().map(({ path }) => path), ['/pkg/govpress_first_bg.wasm']);
      assert.ok(!gzipServer.requests.some((path) => path.includes('govpress_preview')), gzipServer.requests.join(' '));
      const first = wasm()[0].bytes;
      t.diagnostic(`wasm transferred before the first diagnostic: ${first} bytes gzip (${(first / 1024).toFixed(0)} KB)`);
      // The budget of issue 12: deterministic for a given build.
      assert.ok(first <= WASM_BUDGET, `${first} bytes of wasm before the first diagnostic (budget ${WASM_BUDGET})`);

      // Raw HTML is the full module's: the page says it is loading it, and shows nothing it is not sure of.
      await fresh.fill('#editor', `${DRAFT}\n<img src="http://img.example.com/a.png">\n`);
      await fresh.waitForSelector('#summary:has-text("正在加载完整检查模块")');
      assert.equal((await fresh.$$('#diagnostics .diagnostic')).length, 0);
      releaseFull();
      await fresh.waitForSelector('#diagnostics .diagnostic[data-article="29"]');
      await fresh.waitForSelector('#diagnostics .diagnostic[data-article="22"]');
      assert.deepEqual(wasm().map(({ path }) => path), ['/pkg/govpress_first_bg.wasm', '/pkg/govpress_wasm_bg.wasm']);
      t.diagnostic(`full checking module, fetched in the background: ${wasm()[1].bytes} bytes gzip`);

      await openPreview(fresh);
      await fresh.waitForSelector('#preview a[href*="/leave/"]');
      assert.equal(wasm()[2].path, '/pkg/govpress_preview_bg.wasm');
      t.diagnostic(`preview module on first use: ${wasm()[2].bytes} bytes gzip`);
      // Typing keeps the open preview current, without fetching anything again.
      await fresh.fill('#editor', `${DRAFT}\n# 新增标题\n`);
      await fresh.waitForSelector('#preview h1:has-text("新增标题")');
      assert.equal(wasm().length, 3);
    } finally {
      releaseFull();
      await context.close();
      await gzipServer.close();
    }
  });

  test('a pasted draft shows the article 22 diagnostic at its line, and clicking it selects the line', async () => {
    await setDraft(DRAFT);
    await waitForArticle(22);
    const found = (await diagnostics()).find((d) => d.article === 22);
    assert.equal(found.line, ID_LINE);
    assert.match(found.text, /第二十二条/);
    assert.match(found.text, new RegExp(`第 ${ID_LINE} 行`));
    await page.click(`#diagnostics .diagnostic[data-article="22"]`);
    const selected = await page.$eval('#editor', (editor) =>
      editor.value.slice(editor.selectionStart, editor.selectionEnd),
    );
    assert.equal(selected, DRAFT.split('\n')[ID_LINE - 1]);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'editor');
  });

  test('diagnostics follow typing', async () => {
    await setDraft(DRAFT.replace('11010519491231002X', '110105********002X'));
    await page.waitForFunction(() => !document.querySelector('#diagnostics [data-article="22"]'));
    await page.focus('#editor');
    await page.keyboard.press('End');
    await page.keyboard.type('\n[x](javascript:alert(1))\n');
    await waitForArticle(15);
  });

  test('the preview is sanitised and warns before leaving government sites', async () => {
    await setDraft(`${DRAFT}\n<script>window.leaked = 1</script>\n<img src="data:," onerror="window.leaked = 2">\n`);
    await openPreview();
    await page.waitForSelector('#preview a[href*="cac.gov.cn"]');
    const links = await page.$$eval('#preview a[href]', (anchors) => anchors.map((a) => a.getAttribute('href')));
    assert.ok(links.includes('https://www.cac.gov.cn/2024-05/15/c_1.htm'), `government link kept: ${links}`);
    // In-page anchors (headings) stay; only links leaving the page are of interest here.
    const external = links.filter((href) => !href.includes('cac.gov.cn') && !href.startsWith('#'));
    assert.equal(external.length, 1, `${links}`);
    assert.notEqual(external[0], 'https://www.example.com/page', 'the external link is rewritten');
    assert.match(external[0], /leave/);
    assert.equal(await page.$('#preview script'), null);
    assert.equal(await page.$('#preview [onerror]'), null);
    assert.equal(await page.evaluate(() => window.leaked), undefined);
  });

  test('dropping files loads and checks them', async () => {
    const reprint = readFileSync(join(repoRoot, 'tests/corpus/reprint/missing-source-url.md'), 'utf8');
    await page.evaluate(
      ([first, second]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([first], 'missing-source-url.md', { type: 'text/markdown' }));
        transfer.items.add(new File([second], 'clean.md', { type: 'text/markdown' }));
        const target = document.getElementById('editor');
        target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: transfer }));
        target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
      },
      [reprint, '+++\ntitle = "t"\ndate = 2024-05-15\n+++\n正文\n'],
    );
    await page.waitForFunction(() => document.querySelectorAll('#file-list li').length === 2);
    assert.equal(await page.textContent('#path-label'), 'clean.md');
    assert.equal(await page.isHidden('#drop-overlay'), true);
    await page.click('#file-list li[data-path="missing-source-url.md"] button');
    await waitForArticle(14);
    assert.equal(await page.inputValue('#editor'), reprint);
  });

  test('an opened site folder is checked as a whole: config, pages and sections', async () => {
    const site = siteCases().find((siteCase) => siteCase.dir.endsWith('identity/missing-keys'));
    await page.setInputFiles('#open-folder', join(repoRoot, site.dir));
    const expectedPaths = site.pages.map((p) => p.path).sort();
    // The previous test leaves two dropped files listed: wait for the folder's own paths, not just a count.
    await page
      .waitForFunction(
        (paths) => JSON.stringify([...document.querySelectorAll('#file-list li')].map((li) => li.dataset.path)) === JSON.stringify(paths),
        expectedPaths,
        { timeout: 10000 },
      )
      .catch(() => {});
    const listed = await page.$$eval('#file-list li', (items) => items.map((item) => item.dataset.path));
    assert.deepEqual(listed, expectedPaths);
    // No roster, no review log: the reviewers' view (its own module) is not fetched.
    assert.ok(!server.requests.some((path) => path.includes('govpress_review')), server.requests.join(' '));
    assert.match(await page.textContent('#config-name'), /govpress\.toml/);
    await page.waitForSelector('#config-findings:not([hidden])');
    const findings = await page.$$eval('#config-diagnostics .diagnostic', (items) =>
      items.map((item) => ({ file: item.dataset.file, article: Number(item.dataset.article), rule: item.dataset.rule })),
    );
    const expected = site.expected.filter((d) => !site.pages.some((p) => p.path === d.file));
    assert.deepEqual(
      findings.map((d) => `${d.file} ${d.rule} ${d.article}`).sort(),
      expected.map((d) => `${d.file} ${d.rule} ${d.article}`).sort(),
    );
    await page.click('#clear-config');
    await page.waitForSelector('#config-findings', { state: 'hidden' });
  });

  test('the language switch turns the page and the core messages to English and back', async () => {
    await setDraft(DRAFT);
    await waitForArticle(22);
    await page.click('#lang-switch');
    await page.waitForSelector('html[lang="en"]');
    const english = (await diagnostics()).find((d) => d.article === 22);
    assert.match(english.text, /Article 22/);
    assert.match(english.text, new RegExp(`line ${ID_LINE}`));
    assert.doesNotMatch(english.text, /[\u4e00-\u9fff]/, 'no Chinese left in an English diagnostic');
    assert.match(await page.textContent('h1'), /checker/);
    await page.click('#lang-switch');
    await page.waitForSelector('html[lang="zh-CN"]');
    assert.match((await diagnostics()).find((d) => d.article === 22).text, /第二十二条/);
  });

  test('a loaded govpress.toml changes the result; a broken one is shown, not thrown', async () => {
    await setDraft('+++\ntitle = "t"\ndate = 2024-05-15\n+++\n[x](javascript:alert(1))\n');
    await waitForArticle(15);
    assert.match(await page.textContent('#diagnostics .diagnostic[data-article="15"] .badge'), /错误/);
    const config = '[site]\nname = "示例市人民政府"\n\n[checks.severity]\n"links.javascript" = "warning"\n';
    await page.setInputFiles('#open-config', { name: 'govpress.toml', mimeType: 'text/plain', buffer: Buffer.from(config) });
    await page.waitForFunction(() => document.querySelector('#diagnostics .diagnostic.warning[data-article="15"]'));
    assert.match(await page.textContent('#config-name'), /govpress\.toml/);

    const broken = '[site]\norg_kind = "company"\n';
    await page.setInputFiles('#open-config', { name: 'govpress.toml', mimeType: 'text/plain', buffer: Buffer.from(broken) });
    await page.waitForSelector('#config-error:not([hidden])');
    assert.match(await page.textContent('#config-error'), /govpress\.toml 第 2 行/);
    assert.equal((await diagnostics()).length, 0);

    await page.click('#clear-config');
    await page.waitForSelector('#config-error', { state: 'hidden' });
    await waitForArticle(15);
  });

  test('every corpus case gives the same report in Chromium as expected (and as in node)', async () => {
    const cases = singleFileCases();
    const reports = await page.evaluate(
      async ({ cases, now }) => {
        const full = await import('./pkg/govpress_wasm.js');
        await full.default();
        const { Checker } = full;
        return cases.map(({ path, bytes, config }) => {
          const checker = new Checker(config, 'zh');
          checker.setNow(now);
          const report = JSON.parse(checker.checkBytes(new Uint8Array(bytes), path));
          checker.free();
          return report;
        });
      },
      { cases: cases.map((c) => ({ path: c.path, bytes: [...c.bytes], config: c.config })), now: corpusNow },
    );
    assert.equal(reports.length, cases.length);
    cases.forEach((testCase, index) => {
      assert.deepEqual(project(reports[index].diagnostics), testCase.expected, testCase.path);
    });
  });

  test('the first module answers corpus drafts in Chromium only as expected (it leaves the rest to the full one)', async (t) => {
    const cases = singleFileCases().filter((testCase) => testCase.config === undefined);
    const reports = await page.evaluate(
      async ({ cases, now }) => {
        const first = await import('./pkg/govpress_first.js');
        await first.default();
        const checker = new first.FirstChecker('zh');
        checker.setNow(now);
        // Only text typed in the editor goes to the first module: a file that is not UTF-8 is opened, and checked
        // by the full module (checkBytes).
        const decoder = new TextDecoder('utf-8', { fatal: true });
        const reports = cases.map(({ path, bytes }) => {
          let text;
          try {
            text = decoder.decode(new Uint8Array(bytes));
          } catch {
            return null;
          }
          return checker.check(text, path) ?? null;
        });
        checker.free();
        return reports;
      },
      { cases: cases.map((c) => ({ path: c.path, bytes: [...c.bytes] })), now: corpusNow },
    );
    let answered = 0;
    cases.forEach((testCase, index) => {
      if (reports[index] === null) return;
      answered += 1;
      assert.deepEqual(project(JSON.parse(reports[index]).diagnostics), testCase.expected, testCase.path);
    });
    t.diagnostic(`the first module answered for ${answered} of ${cases.length} single-file cases`);
    // The first module's path is exercised (the corpus is full of trigger words by design: about half is answered).
    assert.ok(answered * 3 > cases.length, `only ${answered} of ${cases.length} cases answered`);
  });

  test('every corpus site case gives the same report in Chromium as expected', async () => {
    const sites = siteCases();
    const reports = await page.evaluate(
      async ({ sites, now }) => {
        const full = await import('./pkg/govpress_wasm.js');
        await full.default();
        const { Checker } = full;
        return sites.map(({ config, terms, pages }) => {
          const checker = new Checker(config, 'zh', terms);
          checker.setNow(now);
          const paths = pages.map((p) => p.path);
          const report = JSON.parse(checker.checkSite(paths, pages.map((p) => new Uint8Array(p.bytes))));
          checker.free();
          return report;
        });
      },
      {
        sites: sites.map((s) => ({ config: s.config, terms: s.terms, pages: s.pages.map((p) => ({ path: p.path, bytes: [...p.bytes] })) })),
        now: corpusNow,
      },
    );
    assert.ok(sites.length >= 3);
    sites.forEach((site, index) => assert.deepEqual(project(reports[index].diagnostics, true), site.expected, site.dir));
  });

  // The corpus's attachment cases need the build's extractors, which the page does not have.
  test('corpus attachment cases (build only)', { skip: `${attachmentCases().length} attachment cases: read by govpress build only` }, () => {});

  test('screenshot for docs/checker.md', async () => {
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    await setDraft(DRAFT);
    await waitForArticle(22);
    await openPreview();
    await page.waitForSelector('#preview a[href*="/leave/"]');
    const out = process.env.GOVPRESS_UPDATE_SCREENSHOT
      ? join(repoRoot, 'docs/screenshot-checker.png')
      : join(repoRoot, 'target/screenshot-checker.png');
    mkdirSync(join(out, '..'), { recursive: true });
    await page.screenshot({ path: out, fullPage: true });
    assert.ok(readFileSync(out).length > 10_000);
  });

  test('no errors in the console, and every request stayed on the page\'s own server', async () => {
    assert.deepEqual(consoleErrors, []);
    assert.ok(pageRequests.length >= 4, pageRequests.join(' '));
    for (const url of pageRequests) {
      assert.ok(url.startsWith(`${server.origin}/`) || url.startsWith('data:'), `fetched ${url}`);
    }
  });
});
