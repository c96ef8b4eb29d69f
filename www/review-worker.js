// A Web Worker of the reviewers' view (review.js): checks the SM2 signatures of a share of the review
// archive's lines with its own instance of the review module, and hands back plain results. It judges
// nothing: the chain, the roster, the order and the verdict are the page's core's (`reviewVerify`),
// whose memo takes these results only for the exact key, signature and bytes each was computed for.
//
// Messages in: { module } once (the page's compiled WebAssembly.Module: nothing fetched or compiled
// again), then { id, config, terms, roster, lines } per share. Out: { id, answers } (JSON for
// `reviewSeed`) or { id, error }.
import init, { Checker } from './pkg/govpress_review.js';

let ready = null;
let checker = null;
let built = null; // the [config, terms] the checker was built from

self.addEventListener('message', async ({ data }) => {
  if (data.module) {
    ready = init({ module_or_path: data.module });
    return;
  }
  const { id, config, terms, roster, lines } = data;
  try {
    await ready;
    if (!checker || built[0] !== config || built[1] !== terms) {
      checker?.free();
      checker = new Checker(config, 'zh', terms);
      built = [config, terms];
    }
    self.postMessage({ id, answers: checker.reviewSignatures(roster ?? '', lines) });
  } catch (error) {
    self.postMessage({ id, error: String(error) });
  }
});
