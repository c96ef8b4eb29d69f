// Runs the wasm benchmark in headless Chromium (www/bench/index.html served on 127.0.0.1) and in node,
// and prints the .wasm size raw and gzipped. Needs www/build.sh and `npm ci` in www/tests first:
//   bash www/build.sh && (cd www/tests && npm ci) && node www/bench/run.mjs
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';

import { repoRoot } from '../tests/corpus-cases.mjs';
import { CHROMIUM, serveDirectory } from '../tests/static-server.mjs';
import { makeDraft } from './draft.js';

const { chromium } = createRequire(join(repoRoot, 'www/tests/package.json'))('playwright-core');
const wasmPath = join(repoRoot, 'www/pkg/govpress_wasm_bg.wasm');

const wasmBytes = readFileSync(wasmPath);
const previewBytes = readFileSync(join(repoRoot, 'www/pkg/govpress_preview_bg.wasm'));
const sizes = {
  wasm_raw_bytes: wasmBytes.length,
  wasm_gzip9_bytes: gzipSync(wasmBytes, { level: 9 }).length,
  glue_js_bytes: readFileSync(join(repoRoot, 'www/pkg/govpress_wasm.js')).length,
  preview_wasm_raw_bytes: previewBytes.length,
  preview_wasm_gzip9_bytes: gzipSync(previewBytes, { level: 9 }).length,
};

const server = await serveDirectory(join(repoRoot, 'www'));
const browser = await chromium.launch(CHROMIUM);
let chromiumResults;
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/`);
  await page.waitForSelector('html[data-done]', { timeout: 120_000 });
  chromiumResults = JSON.parse(await page.textContent('#results'));
} finally {
  await browser.close();
  await server.close();
}

// The same module in node (V8 too, no fetch): a cross-check of the browser figures.
const started = performance.now();
const wasm = await import(join(repoRoot, 'www/pkg/govpress_wasm.js'));
wasm.initSync({ module: wasmBytes });
const checker = new wasm.Checker(undefined, 'zh');
const ready = performance.now();
const draft = makeDraft();
const samples = [];
for (let i = 0; i < 43; i++) {
  const t0 = performance.now();
  checker.check(draft, 'content/bench.md');
  if (i >= 3) samples.push(performance.now() - t0);
}
samples.sort((a, b) => a - b);
const nodeResults = {
  node: process.version,
  compile_init_construct_ms: +(ready - started).toFixed(1),
  check_100kb_median_ms: +samples[samples.length >> 1].toFixed(2),
};

console.log(JSON.stringify({ sizes, chromium: chromiumResults, node: nodeResults }, null, 2));
