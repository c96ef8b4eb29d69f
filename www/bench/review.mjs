// The reviewers' view at archive scale in headless Chromium: a site whose review archive holds ~5,000
// records (every page signed on its own at each stage, as a daily 三审 flow produces; written by
// `cargo bench --bench review_site`), opened as a folder in a fresh browser context (no cache) each run.
// Prints medians; asserts nothing. Needs www/build.sh and `npm ci` in www/tests first:
//   bash www/build.sh && (cd www/tests && npm ci) && node www/bench/review.mjs [RECORDS] [RUNS]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { repoRoot } from '../tests/corpus-cases.mjs';
import { CHROMIUM, serveDirectory } from '../tests/static-server.mjs';

const { chromium } = createRequire(join(repoRoot, 'www/tests/package.json'))('playwright-core');
const records = Number(process.argv[2] ?? 5000);
const runs = Number(process.argv[3] ?? 5);
const pages = Math.ceil(records / 3);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return +sorted[sorted.length >> 1].toFixed(1);
};

const work = mkdtempSync(join(tmpdir(), 'govpress-review-bench-'));
const server = await serveDirectory(join(repoRoot, 'www'));
const browser = await chromium.launch(CHROMIUM);
try {
  execFileSync('cargo', ['bench', '-q', '--bench', 'review_site', '--', work, String(pages)], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const site = join(work, 'one-by-one');
  const logLines = readFileSync(join(site, 'reviews/log.jsonl'), 'utf8').trimEnd().split('\n').length;
  const samples = { open_to_verdict_ms: [], navigation_to_verdict_ms: [], verify_ms: [], status_ms: [] };
  let verdict;
  for (let run = 0; run < runs; run++) {
    // A new context is a new profile: nothing cached, the wasm fetched and compiled again.
    const context = await browser.newContext();
    const page = await context.newPage();
    const navigated = performance.now();
    await page.goto(`${server.origin}/`);
    await page.waitForSelector('html[data-ready="true"]');
    const opened = performance.now();
    await page.setInputFiles('#open-folder', site);
    await page.waitForSelector('#review-panel[data-ready="true"] #review-verdict[data-kind]', { timeout: 300_000 });
    const done = performance.now();
    const panel = await page.$eval('#review-panel', (node) => ({ ...node.dataset }));
    verdict = await page.$eval('#review-summary', (node) => node.textContent);
    samples.open_to_verdict_ms.push(done - opened);
    samples.navigation_to_verdict_ms.push(done - navigated);
    samples.verify_ms.push(Number(panel.verifyMs));
    samples.status_ms.push(Number(panel.statusMs));
    await context.close();
  }
  const result = {
    chromium: browser.version(),
    load_average: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    records: logLines,
    pages,
    runs,
    verdict,
    median: Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)])),
    min: Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, +Math.min(...values).toFixed(1)])),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
