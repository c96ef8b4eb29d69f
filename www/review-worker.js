// A Web Worker of the reviewers' view (review.js): checks the SM2 signatures of a share of the review
// archive's lines with its own instance of the review module, and hands back plain results. It judges
// nothing: the chain, the roster, the order and the verdict are the page's core's (`reviewVerify`),
// whose memo takes these results only for the exact key, signature and bytes each was computed for.
//
// Messages in: { module } once (the page's compiled WebAssembly.Module: nothing fetched or compiled
// again; the worker instantiates it at once, before any share comes), then { id, config, roster, lines }
// per share (one `SignatureChecker` of the config, which keeps the parsed roster from share to share).
// Out: { id, answers, ms } (JSON for `reviewSeed`, and the milliseconds the share took in this worker,
// for the benchmark) or { id, error }.
import init, { SignatureChecker } from './pkg/govpress_review.js';

let ready = null;
let checker = null;
let built = null; // the config the checker was built from

self.addEventListener('message', async ({ data }) => {
  if (data.module) {
    ready = init({ module_or_path: data.module });
    return;
  }
  const { id, config, roster, lines } = data;
  try {
    await ready;
    const started = performance.now();
    if (!checker || built !== config) {
      checker?.free();
      checker = new SignatureChecker(config); // the config's [review] stages: nothing else is needed here
      built = config;
    }
    const answers = checker.check(roster ?? '', lines);
    self.postMessage({ id, answers, ms: performance.now() - started });
  } catch (error) {
    self.postMessage({ id, error: String(error) });
  }
});
