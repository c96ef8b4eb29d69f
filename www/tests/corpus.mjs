// The wasm build's runner of the shared corpus, in node: every single-file case must report exactly its
// expected diagnostics, and exactly what the native `govpress check --format json` prints for that file.
// Loads the very files the browser loads (www/pkg/, built by www/build.sh) with initSync. The page's first
// module (govpress_first) must answer every draft it claims exactly as the full module does, and the
// full module's answers are the ones checked against expected.json and the CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import { attachmentCases, corpusNow, project, repoRoot, siteCases, singleFileCases } from './corpus-cases.mjs';

const pkgDir = join(repoRoot, 'www/pkg');
const cli = join(repoRoot, 'target/debug/govpress');

let wasm;
let first;
before(async () => {
  assert.ok(existsSync(join(pkgDir, 'govpress_wasm.js')), 'www/pkg/ is missing: run www/build.sh first');
  wasm = await import(join(pkgDir, 'govpress_wasm.js'));
  wasm.initSync({ module: readFileSync(join(pkgDir, 'govpress_wasm_bg.wasm')) });
  first = await import(join(pkgDir, 'govpress_first.js'));
  first.initSync({ module: readFileSync(join(pkgDir, 'govpress_first_bg.wasm')) });
  if (!existsSync(cli)) {
    const built = spawnSync('cargo', ['build', '--quiet', '-p', 'govpress-cli'], { cwd: repoRoot, stdio: 'inherit' });
    assert.equal(built.status, 0, 'cargo build -p govpress-cli failed');
  }
});

function nativeReport(testCase, lang) {
  const args = ['--lang', lang, 'check', '--format', 'json', '--now', corpusNow];
  if (testCase.configPath) args.push('--config', testCase.configPath);
  args.push(testCase.path ?? testCase.dir);
  const run = spawnSync(cli, args, { cwd: repoRoot, encoding: 'utf8' });
  assert.ok(run.status === 0 || run.status === 1, `govpress ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

function wasmReport(testCase, lang) {
  const checker = new wasm.Checker(testCase.config, lang);
  try {
    assert.equal(checker.configError(), undefined, `${testCase.path}: config error`);
    checker.setNow(corpusNow);
    return JSON.parse(checker.checkBytes(testCase.bytes, testCase.path));
  } finally {
    checker.free();
  }
}

/** The first module's report for a draft typed in the editor (default config), or undefined when it leaves
 * the draft to the full module. */
function firstReport(text, path, lang) {
  const checker = new first.FirstChecker(lang);
  try {
    checker.setNow(corpusNow);
    const json = checker.check(text, path);
    return json === undefined ? undefined : JSON.parse(json);
  } finally {
    checker.free();
  }
}

/** The full module's report for the same draft, as the page asks it (`check`, default config). */
function fullReport(text, path, lang) {
  const checker = new wasm.Checker(undefined, lang);
  try {
    checker.setNow(corpusNow);
    return JSON.parse(checker.check(text, path));
  } finally {
    checker.free();
  }
}

/** SPEC §7: the browser has no roster or review log, so article 13 sign-off (`review.*`) is the CLI's alone. */
function withoutReviewSignOff(report) {
  const diagnostics = report.diagnostics.filter((diagnostic) => !diagnostic.rule.startsWith('review.'));
  const count = (severity) => diagnostics.filter((diagnostic) => diagnostic.severity === severity).length;
  return { ...report, errors: count('error'), warnings: count('warning'), diagnostics };
}

function wasmSiteReport(siteCase, lang) {
  const checker = new wasm.Checker(siteCase.config, lang, siteCase.terms);
  try {
    checker.setNow(corpusNow);
    const paths = siteCase.pages.map((page) => page.path);
    return JSON.parse(checker.checkSite(paths, siteCase.pages.map((page) => page.bytes)));
  } finally {
    checker.free();
  }
}

const cases = singleFileCases();
const sites = siteCases();

describe('tests/corpus/ in the wasm build (node)', () => {
  test('the corpus is there', () => assert.ok(cases.length >= 4, `only ${cases.length} cases`));

  for (const testCase of cases) {
    test(testCase.path, () => {
      const report = wasmReport(testCase, 'zh');
      assert.equal(report.version, 1);
      assert.equal(report.files_checked, 1);
      assert.deepEqual(project(report.diagnostics), testCase.expected, 'wasm vs expected.json');
      assert.deepEqual(report, nativeReport(testCase, 'zh'), 'wasm vs native CLI (zh)');
      assert.deepEqual(wasmReport(testCase, 'en'), nativeReport(testCase, 'en'), 'wasm vs native CLI (en)');
    });
  }

  test('the site cases are there', () => assert.ok(sites.length >= 3, `only ${sites.length} site cases`));

  for (const siteCase of sites) {
    test(`${siteCase.dir}/ (whole site)`, () => {
      const report = wasmSiteReport(siteCase, 'zh');
      assert.equal(report.files_checked, siteCase.pages.length);
      assert.deepEqual(project(report.diagnostics, true), siteCase.expected, 'wasm vs expected.json');
      assert.deepEqual(report, withoutReviewSignOff(nativeReport(siteCase, 'zh')), 'wasm vs native CLI (zh)');
      const english = withoutReviewSignOff(nativeReport(siteCase, 'en'));
      assert.deepEqual(wasmSiteReport(siteCase, 'en'), english, 'wasm vs native CLI (en)');
    });
  }

  // Attachments are read by the build's extractors (crates/attachments), which the wasm build leaves out:
  // these cases run in the core and CLI runners only (tests/corpus/README.md).
  test('the attachment cases are there', () => assert.ok(attachmentCases().length >= 6));
  for (const path of attachmentCases()) {
    test(path, { skip: 'attachment: read by govpress build only (no extractor in the wasm checker)' }, () => {});
  }

  test('the first module answers a draft only with the full module\'s report (every corpus page, zh and en)', (t) => {
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    const drafts = [];
    for (const testCase of cases) {
      try {
        drafts.push({ path: testCase.path, text: utf8.decode(testCase.bytes) });
      } catch {
        // Not UTF-8: an opened file, which the page gives the full module (checkBytes).
      }
    }
    for (const site of sites) for (const page of site.pages) drafts.push({ path: page.path, text: page.bytes.toString('utf8') });
    let claimed = 0;
    for (const { path, text } of drafts) {
      for (const lang of ['zh', 'en']) {
        const report = firstReport(text, path, lang);
        if (report === undefined) continue;
        if (lang === 'zh') claimed += 1;
        assert.deepEqual(report, fullReport(text, path, lang), `${path} (${lang})`);
      }
    }
    t.diagnostic(`the first module answered for ${claimed} of ${drafts.length} corpus pages`);
    assert.ok(claimed * 3 > drafts.length, `only ${claimed} of ${drafts.length} pages answered`);
  });

  test('the first module leaves raw HTML, YAML front matter and regex-rule words to the full module', () => {
    const head = '+++\ntitle = "通知"\ndate = 2024-05-15\n+++\n';
    const path = 'content/draft.md';
    assert.notEqual(firstReport(`${head}正文。\n`, path, 'zh'), undefined);
    assert.equal(firstReport(`${head}<img src="http://example.com/a.png">\n`, path, 'zh'), undefined);
    assert.equal(firstReport(`${head}正文<!-- 注释 -->。\n`, path, 'zh'), undefined);
    assert.equal(firstReport('---\ntitle: 通知\n---\n正文。\n', path, 'zh'), undefined);
    assert.equal(firstReport(`${head}请使用IE浏览器访问。\n`, path, 'zh'), undefined);
    assert.equal(firstReport(`${head}机密★1年\n`, path, 'zh'), undefined);
    assert.equal(firstReport(`${head}根据国办发[2024]12号。\n`, path, 'zh'), undefined);
    // 号 alone (身份证号) is not a document number: answered, and the same as the full module.
    const id = `${head}身份证号 11010519491231002X。\n`;
    assert.deepEqual(firstReport(id, path, 'zh'), fullReport(id, path, 'zh'));
    assert.equal(firstReport(id, path, 'zh').diagnostics[0].article, 22);
  });

  test('the free function check() agrees with the Checker class', () => {
    const testCase = cases.find((c) => c.expected.length > 0);
    const viaClass = wasmReport(testCase, 'zh');
    const viaFunction = JSON.parse(wasm.check(testCase.bytes.toString('utf8'), testCase.path, testCase.config));
    // The free function reads the clock; the corpus avoids dates near now, so the diagnostics agree.
    assert.deepEqual(project(viaFunction.diagnostics), project(viaClass.diagnostics));
  });

  test('a broken config is a JSON error naming govpress.toml and its line', () => {
    const error = JSON.parse(wasm.check('# t\n', 'a.md', '[site]\nbase_url = 3\n'));
    assert.equal(error.error.kind, 'config');
    assert.equal(error.error.file, 'govpress.toml');
    assert.equal(error.error.line, 2);
  });
});
