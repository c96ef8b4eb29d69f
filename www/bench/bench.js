// Benchmark of the browser checker's core: module load + init, checker construction, and checking /
// previewing a ~100 KB draft. Results go to #results as JSON (www/bench/run.mjs collects them).
import { makeDraft } from './draft.js';

const RUNS = 40;

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median_ms: +at(0.5).toFixed(2), p95_ms: +at(0.95).toFixed(2), min_ms: +sorted[0].toFixed(2) };
}

function time(run) {
  const started = performance.now();
  run();
  return performance.now() - started;
}

async function main() {
  const started = performance.now();
  const wasm = await import('../pkg/govpress_wasm.js');
  const imported = performance.now();
  await wasm.default();
  const initialised = performance.now();
  const checker = new wasm.Checker(undefined, 'zh');
  const constructed = performance.now();
  // The preview module, fetched on first use of the preview in the page.
  const previewModule = await import('../pkg/govpress_preview.js');
  await previewModule.default();
  const previewer = new previewModule.Previewer(undefined);
  const previewReady = performance.now();

  const draft = makeDraft();
  const bytes = new TextEncoder().encode(draft).length;
  const report = JSON.parse(checker.check(draft, 'content/bench.md'));
  for (let i = 0; i < 3; i++) previewer.preview(draft);
  const check = [];
  const preview = [];
  for (let i = 0; i < RUNS; i++) {
    check.push(time(() => checker.check(draft, 'content/bench.md')));
    preview.push(time(() => previewer.preview(draft)));
  }
  const results = {
    user_agent: navigator.userAgent,
    draft_bytes: bytes,
    diagnostics: report.diagnostics.length,
    glue_import_ms: +(imported - started).toFixed(1),
    wasm_fetch_compile_init_ms: +(initialised - imported).toFixed(1),
    checker_new_ms: +(constructed - initialised).toFixed(1),
    first_check_plus_construct_ms: +(constructed - started).toFixed(1),
    preview_module_load_ms: +(previewReady - constructed).toFixed(1),
    check_100kb: stats(check),
    preview_100kb: stats(preview),
    runs: RUNS,
  };
  document.getElementById('results').textContent = JSON.stringify(results, null, 2);
  document.documentElement.dataset.done = 'true';
}

main().catch((error) => {
  document.getElementById('results').textContent = `failed: ${error}`;
  document.documentElement.dataset.done = 'error';
});
