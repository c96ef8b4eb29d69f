// The wasm build's runner of the shared corpus, in node: every single-file case must report exactly its
// expected diagnostics, and exactly what the native `govpress check --format json` prints for that file.
// Loads the very files the browser loads (www/pkg/, built by www/build.sh) with initSync.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import { attachmentCases, corpusNow, project, repoRoot, siteCases, singleFileCases } from './corpus-cases.mjs';

const pkgDir = join(repoRoot, 'www/pkg');
const cli = join(repoRoot, 'target/debug/govpress');

let wasm;
before(async () => {
  assert.ok(existsSync(join(pkgDir, 'govpress_wasm.js')), 'www/pkg/ is missing: run www/build.sh first');
  wasm = await import(join(pkgDir, 'govpress_wasm.js'));
  wasm.initSync({ module: readFileSync(join(pkgDir, 'govpress_wasm_bg.wasm')) });
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
