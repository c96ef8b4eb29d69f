// CPU time of the reviewers' view's signature checks in node (the same review module the page and its
// workers run), which the machine's load barely moves, unlike the wall times of review.mjs:
//   node www/bench/review-cpu.mjs SITE [RUNS]
// SITE: a site `cargo bench --bench review_site -- DIR PAGES` wrote (its `one-by-one/`). Prints, median of
// RUNS (min in brackets), the CPU milliseconds of: a worker's whole job over the log in one instance
// (a fresh `SignatureChecker` and its `check`, so the key tables are built as in a fresh worker), the page's
// seeding with that answer (`reviewSeed`) and its full audit (`reviewVerify`, every signature found in
// the memo), and the audit without any answer (every signature verified on one thread).
// GOVPRESS_BENCH_PKG=DIR: another build's www/pkg (comparing builds). `node --cpu-prof` profiles it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { repoRoot } from '../tests/corpus-cases.mjs';

const site = resolve(process.argv[2] ?? '');
const runs = Number(process.argv[3] ?? 5);
const pkg = resolve(process.env.GOVPRESS_BENCH_PKG ?? join(repoRoot, 'www/pkg'));
const review = await import(pathToFileURL(join(pkg, 'govpress_review.js')));
await review.default({ module_or_path: readFileSync(join(pkg, 'govpress_review_bg.wasm')) });

const config = readFileSync(join(site, 'govpress.toml'), 'utf8');
const roster = readFileSync(join(site, 'reviewers.toml'), 'utf8');
const log = readFileSync(join(site, 'reviews/log.jsonl'), 'utf8');
const records = log.trimEnd().split('\n').length;

const cpuMs = (work) => {
  const before = process.cpuUsage();
  const value = work();
  const { user, system } = process.cpuUsage(before);
  return [(user + system) / 1000, value];
};
const samples = { worker_job: [], seed: [], audit_after_seed: [], audit_alone: [] };
let verdict;
for (let run = 0; run < runs; run++) {
  const [workerMs, answers] = cpuMs(() => {
    // Builds before the SignatureChecker: the worker used a Checker's `reviewSignatures`.
    const worker = review.SignatureChecker ? new review.SignatureChecker(config) : new review.Checker(config, 'zh');
    const answers = review.SignatureChecker ? worker.check(roster, log) : worker.reviewSignatures(roster, log);
    worker.free();
    return answers;
  });
  const page = new review.Checker(config, 'zh');
  const [seedMs, taken] = cpuMs(() => page.reviewSeed(answers));
  if (taken !== records) throw new Error(`seeded ${taken} of ${records} records`);
  const [auditMs, report] = cpuMs(() => page.reviewVerify(roster, log));
  page.free();
  const alone = new review.Checker(config, 'zh');
  const [aloneMs, aloneReport] = cpuMs(() => alone.reviewVerify(roster, log));
  alone.free();
  if (report !== aloneReport) throw new Error('the seeded audit differs from the audit alone');
  verdict = JSON.parse(report);
  samples.worker_job.push(workerMs);
  samples.seed.push(seedMs);
  samples.audit_after_seed.push(auditMs);
  samples.audit_alone.push(aloneMs);
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
console.log(
  JSON.stringify(
    {
      pkg,
      records,
      runs,
      verified: verdict.verified,
      cpu_ms_median: Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, +median(values).toFixed(1)])),
      cpu_ms_min: Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, +Math.min(...values).toFixed(1)])),
      per_signature_us: +((median(samples.worker_job) * 1000) / records).toFixed(1),
    },
    null,
    2,
  ),
);
