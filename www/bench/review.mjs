// The reviewers' view at archive scale in headless Chromium: a site whose review archive holds ~5,000
// records (every page signed on its own at each stage, as a daily 三审 flow produces; written by
// `cargo bench --bench review_site`), opened as a folder in a fresh browser context (no cache) each run.
// Prints medians; asserts nothing. Needs www/build.sh and `npm ci` in www/tests first:
//   bash www/build.sh && (cd www/tests && npm ci) && node www/bench/review.mjs [RECORDS] [RUNS]
// (GOVPRESS_BENCH_SITE=DIR: a site `cargo bench --bench review_site -- DIR PAGES` wrote, reused as is.)
// Where the time goes: `phases` are wall-clock marks seen in the page (files listed, the verdict's
// "verifying" notice, the verdict), `cpu` the inclusive time of the page's own functions from Chromium's
// sampling profiler (1 ms; GOVPRESS_BENCH_PROFILE=0 turns it off), a function counted once per sample
// however deep it recurses. The audit's signatures are checked in Web Workers (navigator.hardwareConcurrency
// of them); GOVPRESS_BENCH_WORKERS=N opens the page with `?review-workers=N` (0: all on the page).
// The folder is opened as a reviewer does, by clicking "open site folder" and choosing it in the dialog
// (at once: no time spent in the dialog), unless GOVPRESS_BENCH_OPEN=set. `phases_ms_after_open` holds
// the page's own marks too (`review:*`: files chosen, module compiled, review files read, workers'
// answers in, pages read, site checked, verdict, status); `panel_ms` the panel's timings (`workersBusyMs`:
// the time the workers spent on their shares, summed; `verifyMs`: the page's audit; `seedMs`, `statusMs`).
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
const workers = process.env.GOVPRESS_BENCH_WORKERS;
const query = workers === undefined ? '' : `?review-workers=${Number(workers)}`;
// GOVPRESS_BENCH_OPEN=set: the folder set on the input directly (no click on the button: what the bench
// did before the page started the review module on that click); default `click`.
const openBy = process.env.GOVPRESS_BENCH_OPEN === 'set' ? 'set' : 'click';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return +sorted[sorted.length >> 1].toFixed(1);
};

/** In the page: when the file list fills, the verdict shows "verifying", and the verdict lands. */
function watchPhases() {
  const marks = (window.benchPhases = {});
  const mark = (name) => (marks[name] ??= performance.now());
  new MutationObserver(() => {
    if (document.querySelector('#file-list li')) mark('files_listed');
    const verdict = document.querySelector('#review-verdict');
    if (verdict?.classList.contains('busy')) mark('verifying_shown');
    if (document.querySelector('#review-table tbody tr')) mark('table_rendered');
    if (verdict?.dataset.kind) mark('verdict');
  }).observe(document.body, { subtree: true, childList: true, attributes: true });
}

/** Inclusive milliseconds per function (name and file) of a CPU profile, each counted once per sample. */
function inclusive(profile) {
  const parent = new Map();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node) => {
    const { functionName, url } = node.callFrame;
    const file = url ? url.split('/').pop() : '';
    return `${functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
  };
  const totals = {};
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    const seen = new Set();
    for (let node = id; node !== undefined; node = parent.get(node)) seen.add(label(byId.get(node)));
    for (const name of seen) totals[name] = (totals[name] ?? 0) + ms;
  });
  return totals;
}

const work = mkdtempSync(join(tmpdir(), 'govpress-review-bench-'));
// GOVPRESS_BENCH_WWW=DIR: another checkout's www/ with its pkg/ built (comparing page versions back to back).
const server = await serveDirectory(process.env.GOVPRESS_BENCH_WWW ?? join(repoRoot, 'www'));
const browser = await chromium.launch(CHROMIUM);
try {
  // GOVPRESS_BENCH_SITE: a directory `cargo bench --bench review_site` already wrote (comparing builds).
  const written = process.env.GOVPRESS_BENCH_SITE;
  if (!written) {
    execFileSync('cargo', ['bench', '-q', '--bench', 'review_site', '--', work, String(pages)], {
      cwd: repoRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  const site = join(written ?? work, 'one-by-one');
  const logLines = readFileSync(join(site, 'reviews/log.jsonl'), 'utf8').trimEnd().split('\n').length;
  // verdict_shown: the audit's verdict on screen; open_to_verdict: the whole panel (the pages' states too).
  const samples = {
    verdict_shown_ms: [],
    open_to_verdict_ms: [],
    navigation_to_verdict_ms: [],
    workers_ms: [],
    verify_ms: [],
    status_ms: [],
  };
  const phases = {};
  const panelMs = {}; // the panel's own timings (data-*-ms: the workers' CPU, the audit, the status)
  const cpu = {};
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const profiling = process.env.GOVPRESS_BENCH_PROFILE !== '0';
  let verdict;
  let panel;
  for (let run = 0; run < runs; run++) {
    // A new context is a new profile: nothing cached, the wasm fetched and compiled again.
    const context = await browser.newContext();
    const page = await context.newPage();
    const navigated = performance.now();
    await page.goto(`${server.origin}/${query}`);
    await page.waitForSelector('html[data-ready="true"]');
    await page.evaluate(watchPhases);
    const session = profiling ? await context.newCDPSession(page) : null;
    if (session) {
      await session.send('Profiler.enable');
      await session.send('Profiler.setSamplingInterval', { interval: 1000 });
      await session.send('Profiler.start');
    }
    const opened = performance.now();
    await page.evaluate(() => (window.benchPhases.opened = performance.now()));
    if (openBy === 'click') {
      // As a reviewer does: the "open site folder" button, then the folder in the dialog (chosen at once).
      const chooser = page.waitForEvent('filechooser');
      await page.click('label[for="open-folder"]');
      await (await chooser).setFiles(site);
    } else {
      await page.setInputFiles('#open-folder', site);
    }
    await page.waitForSelector('#review-panel[data-ready="true"] #review-verdict[data-kind]', { timeout: 300_000 });
    const done = performance.now();
    if (session) {
      const { profile } = await session.send('Profiler.stop');
      for (const [name, ms] of Object.entries(inclusive(profile))) (cpu[name] ??= []).push(ms);
    }
    const marks = await page.evaluate(() => window.benchPhases);
    for (const [name, at] of Object.entries(marks)) {
      if (name !== 'opened') (phases[name] ??= []).push(at - marks.opened);
    }
    // The page's own marks (app.js, review.js: `performance.mark('review:…')`), after the folder was opened.
    const pageMarks = await page.evaluate(() =>
      performance
        .getEntriesByType('mark')
        .filter((mark) => mark.name.startsWith('review:'))
        .map((mark) => [mark.name, mark.startTime]),
    );
    for (const [name, at] of pageMarks) (phases[name] ??= []).push(at - marks.opened);
    panel = await page.$eval('#review-panel', (node) => ({ ...node.dataset }));
    for (const [name, value] of Object.entries(panel)) {
      if (/Ms$/.test(name) && Number.isFinite(Number(value))) (panelMs[name] ??= []).push(Number(value));
    }
    verdict = await page.$eval('#review-summary', (node) => node.textContent);
    samples.verdict_shown_ms.push(marks.verdict - marks.opened);
    samples.open_to_verdict_ms.push(done - opened);
    samples.workers_ms.push(Number(panel.workersMs ?? 0));
    samples.navigation_to_verdict_ms.push(done - navigated);
    samples.verify_ms.push(Number(panel.verifyMs));
    samples.status_ms.push(Number(panel.statusMs));
    await context.close();
  }
  const result = {
    chromium: browser.version(),
    load_average_before: loadBefore,
    load_average: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    workers: Number(panel.workers),
    opened_by: openBy,
    seeded: Number(panel.seeded ?? 0),
    records: logLines,
    pages,
    runs,
    verdict,
    median: Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)])),
    phases_ms_after_open: Object.fromEntries(
      Object.entries(phases)
        .map(([name, values]) => [name, median(values)])
        .sort((a, b) => a[1] - b[1]),
    ),
    panel_ms: Object.fromEntries(Object.entries(panelMs).map(([name, values]) => [name, median(values)])),
    cpu_ms: Object.fromEntries(
      Object.entries(cpu)
        .map(([name, values]) => [name, median(values)])
        .filter(([, ms]) => ms >= 20)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 40),
    ),
    min: Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, +Math.min(...values).toFixed(1)])),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
