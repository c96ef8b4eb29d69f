// The reviewers' view (三审签核, SPEC §4 and §7): for a dropped site folder with its roster and review
// archive, each page's stages signed (who, when), pending and stale, and the archive's full audit —
// the same answers as `govpress review status` and `govpress review verify`, from the same core
// (the wasm module's `reviewStatus` / `reviewVerify`, SM2 included). Nothing is decided here: this
// file reads the files the core names, passes them in and shows the JSON it gets back.

const STRINGS = {
  zh: {
    title: '三审签核',
    intro: '与 govpress review status / verify 相同的结论：每个页面已签环节、待签环节、签核后是否被修改，以及审核记录档案的完整校验（SM3 链条与每一个 SM2 签名）。',
    trustRoot: '信任根指纹（可选）',
    trustRootHint: '单位管理员公钥的 SM3 指纹，即 CI 的 GOVPRESS_TRUST_ROOT；填写后校验名册认证文件 reviewers.toml.sig。',
    base: '基线档案（可选）',
    baseHint: '基线版本中的 reviews/log.jsonl（即 --base 文件）：当前档案须以其为前缀。',
    chooseBase: '选择文件…',
    clearBase: '清除基线',
    onlyOpen: '只看未签核的页面',
    verifying: '正在校验审核记录档案……',
    counts: (total, signed) => `共 ${total} 个页面，已签核 ${signed} 个`,
    byState: (label, count) => `${label} ${count}`,
    verified: '档案校验通过',
    failed: '档案校验失败',
    page: '页面',
    state: '状态',
    note: '说明',
    pending: '待签',
    olderVersion: (stage, name, time) => `${stage}：${name} 于 ${time} 签核的是旧版本`,
    rejectedBy: (stage, name, time) => `${stage}：${name} 于 ${time} 退回`,
    openPage: (path) => `在编辑器中打开 ${path}`,
    ms: (ms) => `用时 ${ms} 毫秒`,
    error: '无法校验：',
  },
  en: {
    title: 'Review sign-off',
    intro: 'The same answers as govpress review status / verify: the stages each page has, those it still needs, whether it changed after signing, and the full audit of the review archive (the SM3 chain and every SM2 signature).',
    trustRoot: 'Trust root fingerprint (optional)',
    trustRootHint: "The SM3 fingerprint of the unit administrator's key, CI's GOVPRESS_TRUST_ROOT; with it the roster's certificate reviewers.toml.sig is checked.",
    base: 'Base archive (optional)',
    baseHint: 'reviews/log.jsonl as the base revision had it (the --base file): the current archive must extend it.',
    chooseBase: 'Choose file…',
    clearBase: 'Clear base',
    onlyOpen: 'Only pages not signed off',
    verifying: 'Verifying the review archive…',
    counts: (total, signed) => `${total} pages, ${signed} signed off`,
    byState: (label, count) => `${label} ${count}`,
    verified: 'Archive verified',
    failed: 'Archive fails verification',
    page: 'Page',
    state: 'State',
    note: 'Note',
    pending: 'pending',
    olderVersion: (stage, name, time) => `${stage}: ${name} signed an older version at ${time}`,
    rejectedBy: (stage, name, time) => `${stage}: ${name} rejected it at ${time}`,
    openPage: (path) => `Open ${path} in the editor`,
    ms: (ms) => `${ms} ms`,
    error: 'Cannot verify: ',
  },
};

// The full audit's SM2 checks are spread over Web Workers (review-worker.js), each with its own instance
// of the review module, while the page reads and checks the site; the page's core takes their answers
// (`reviewSeed`) and decides (`reviewVerify`). `?review-workers=N` in the page's address sets how many
// (0: none, everything verified on the page, as before).
const MAX_WORKERS = 8;
const SHARES_PER_WORKER = 3; // smaller shares than workers: a worker slowed by other work takes fewer

/**
 * The review module's compiled WebAssembly.Module: the page instantiates it and hands the same module to
 * its workers, so nothing is fetched or compiled twice.
 */
export async function compileReviewModule(url) {
  try {
    return await WebAssembly.compileStreaming(fetch(url));
  } catch {
    // A server that does not say application/wasm: compile from the bytes.
    return WebAssembly.compile(await (await fetch(url)).arrayBuffer());
  }
}

function workerCount() {
  const asked = new URLSearchParams(location.search).get('review-workers');
  if (asked !== null && /^\d+$/.test(asked)) return Math.min(Number(asked), MAX_WORKERS);
  if (typeof Worker !== 'function') return 0;
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 2, MAX_WORKERS));
}

/** A worker of the review module, instantiating `compiled` at once (before it has anything to check). */
function spawnWorker(compiled) {
  const worker = new Worker(new URL('./review-worker.js', import.meta.url), { type: 'module' });
  // A worker that fails before it is given a share is not given one.
  worker.addEventListener('error', () => (worker.failed = true));
  worker.postMessage({ module: compiled });
  return worker;
}

// Workers started as soon as the review module is compiled (`warmWorkers`), while the page is still
// reading the folder: by the time the log's shares go out they have instantiated the module.
let warm = { compiled: null, workers: [] };

/** Starts the workers for `compiled` ahead of the audit (app.js calls it as soon as the module is compiled). */
export function warmWorkers(compiled) {
  if (warm.compiled === compiled && warm.workers.length > 0) return;
  for (const worker of warm.workers) worker.terminate();
  warm = { compiled, workers: [] };
  const count = workerCount();
  for (let index = 0; index < count; index++) {
    try {
      warm.workers.push(spawnWorker(compiled));
    } catch (error) {
      console.error(error);
      break;
    }
  }
}

/** Ends the workers started ahead (a folder with nothing to sign off). */
export function releaseWorkers() {
  for (const worker of warm.workers) worker.terminate();
  warm = { compiled: null, workers: [] };
}

/** `count` workers for `compiled`: the warm ones first (those that have not failed), then new ones. */
function takeWorkers(compiled, count) {
  const taken = warm.compiled === compiled ? warm.workers.splice(0, count).filter((worker) => !worker.failed) : [];
  while (taken.length < count) {
    try {
      taken.push(spawnWorker(compiled));
    } catch (error) {
      console.error(error);
      break;
    }
  }
  return taken;
}

/**
 * Checks the signatures of `texts.log` in `count` workers: the log's lines in shares, handed out as
 * workers come free. `compiled` is the review module's WebAssembly.Module. Returns { answers:
 * Promise<string[]>, cancel(), busyMs() }; a share whose worker fails is simply not answered — the
 * page's core verifies every record no answer covers exactly. `busyMs()`: the milliseconds the workers
 * spent on their shares, summed (for the benchmark).
 */
function checkInWorkers(compiled, texts, count) {
  const lines = texts.log.split('\n').filter((line) => line.trim() !== '');
  const shareCount = Math.min(lines.length, count * SHARES_PER_WORKER);
  const size = Math.ceil(lines.length / Math.max(shareCount, 1));
  const shares = [];
  for (let start = 0; start < lines.length; start += size) shares.push(lines.slice(start, start + size).join('\n'));
  const workers = [];
  let finish = () => {};
  let busy = 0;
  const answers = new Promise((resolve) => {
    const collected = [];
    let next = 0;
    let answered = 0;
    finish = () => {
      for (const worker of workers) worker.terminate();
      workers.length = 0;
      resolve(collected);
    };
    const give = (worker) => {
      if (next >= shares.length) return;
      const id = next++;
      worker.postMessage({ id, config: texts.config, roster: texts.roster, lines: shares[id] });
    };
    const done = () => {
      answered += 1;
      if (answered === shares.length || workers.length === 0) finish();
    };
    for (const worker of takeWorkers(compiled, Math.min(count, shares.length))) {
      worker.addEventListener('message', ({ data }) => {
        if (data.answers) collected.push(data.answers);
        else console.error(data.error);
        busy += data.ms ?? 0;
        give(worker);
        done();
      });
      // A worker that cannot run: its share is left to the page's core, and it gets no more.
      worker.addEventListener('error', (event) => {
        console.error(event.message);
        worker.terminate();
        workers.splice(workers.indexOf(worker), 1);
        if (workers.length === 0) finish();
      });
      workers.push(worker);
      give(worker);
    }
    if (workers.length === 0) finish();
  });
  return { answers, cancel: () => finish(), busyMs: () => busy };
}

const shortTime = (time) => (time.length >= 16 ? time.slice(0, 16).replace('T', ' ') : time);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The panel in `container`; `openPage(path)` shows a page in the editor. */
export class ReviewView {
  constructor(container, { openPage }) {
    this.container = container;
    this.openPage = openPage;
    this.lang = 'zh';
    this.files = null; // { roster, log, certificate } texts (undefined when missing), or null: no site
    this.names = null; // [roster, log, certificate] as the config names them
    this.baseLog = undefined;
    this.audit = null; // { key, report, ms }
    this.status = null;
    this.checker = null;
    this.pages = null;
    this.signatures = null; // the workers' job for this folder: { answers, cancel }
    this.seeded = new WeakSet(); // checkers that took its answers
    this.build();
  }

  t(key, ...args) {
    const value = STRINGS[this.lang][key];
    return typeof value === 'function' ? value(...args) : value;
  }

  build() {
    const c = this.container;
    c.replaceChildren();
    this.heading = element('h2', 'review-title');
    this.heading.id = 'review-title';
    c.setAttribute('aria-labelledby', 'review-title');
    this.intro = element('p', 'review-intro');
    const options = element('div', 'review-options');
    this.trustLabel = element('label', 'field');
    this.trustInput = element('input');
    this.trustInput.id = 'review-trust-root';
    this.trustInput.type = 'text';
    this.trustInput.spellcheck = false;
    this.trustInput.autocomplete = 'off';
    this.trustInput.setAttribute('aria-describedby', 'review-trust-hint');
    this.trustText = element('span');
    this.trustLabel.append(this.trustText, this.trustInput);
    this.trustHint = element('small', 'hint');
    this.trustHint.id = 'review-trust-hint';
    // A button opens the (hidden) file input: keyboard-reachable, and labelled in the page's language
    // rather than the browser's.
    this.baseText = element('span', 'field-label');
    this.baseText.id = 'review-base-label';
    this.baseInput = element('input');
    this.baseInput.id = 'review-base';
    this.baseInput.type = 'file';
    this.baseInput.hidden = true;
    this.baseInput.accept = '.jsonl,application/json,text/plain';
    this.baseChoose = element('button', 'choose-base');
    this.baseChoose.type = 'button';
    this.baseChoose.id = 'review-base-choose';
    this.baseChoose.setAttribute('aria-describedby', 'review-base-label review-base-hint');
    this.baseName = element('span', 'base-name');
    this.baseName.id = 'review-base-name';
    this.baseHint = element('small', 'hint');
    this.baseHint.id = 'review-base-hint';
    this.clearBase = element('button', 'clear-base');
    this.clearBase.type = 'button';
    this.clearBase.hidden = true;
    this.onlyOpenLabel = element('label', 'only-open');
    this.onlyOpen = element('input');
    this.onlyOpen.type = 'checkbox';
    this.onlyOpen.id = 'review-only-open';
    this.onlyOpenText = element('span');
    this.onlyOpenLabel.append(this.onlyOpen, this.onlyOpenText);
    const trust = element('div', 'option');
    trust.append(this.trustLabel, this.trustHint);
    const base = element('div', 'option');
    const baseRow = element('div', 'base-row');
    baseRow.append(this.baseChoose, this.baseName, this.clearBase, this.baseInput);
    base.append(this.baseText, baseRow, this.baseHint);
    options.append(trust, base, this.onlyOpenLabel);
    this.verdict = element('div', 'review-verdict');
    this.verdict.id = 'review-verdict';
    this.verdict.setAttribute('role', 'status');
    this.summary = element('p', 'review-summary');
    this.summary.id = 'review-summary';
    this.problems = element('ul', 'review-problems');
    this.problems.id = 'review-problems';
    this.tableWrap = element('div', 'review-table-wrap');
    c.append(this.heading, this.intro, options, this.verdict, this.summary, this.problems, this.tableWrap);

    let timer = 0;
    this.trustInput.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.changed(), 300);
    });
    this.baseChoose.addEventListener('click', () => this.baseInput.click());
    this.baseInput.addEventListener('change', async () => {
      const [file] = this.baseInput.files;
      this.baseLog = file ? await file.text() : undefined;
      this.baseName.textContent = file ? file.name : '';
      this.clearBase.hidden = this.baseLog === undefined;
      this.changed();
    });
    this.clearBase.addEventListener('click', () => {
      this.baseInput.value = '';
      this.baseLog = undefined;
      this.baseName.textContent = '';
      this.clearBase.hidden = true;
      this.changed();
      this.baseChoose.focus();
    });
    this.onlyOpen.addEventListener('change', () => this.renderTable());
    this.tableWrap.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-path]');
      if (button) this.openPage(button.dataset.path);
    });
    this.applyLanguage();
  }

  applyLanguage() {
    this.heading.textContent = this.t('title');
    this.intro.textContent = this.t('intro');
    this.trustText.textContent = this.t('trustRoot');
    this.trustHint.textContent = this.t('trustRootHint');
    this.baseText.textContent = this.t('base');
    this.baseChoose.textContent = this.t('chooseBase');
    this.baseHint.textContent = this.t('baseHint');
    this.clearBase.textContent = this.t('clearBase');
    this.onlyOpenText.textContent = this.t('onlyOpen');
  }

  /**
   * A dropped or opened folder: `found` are its { path, file } entries, `siteRoot` the prefix of its
   * govpress.toml (null: not a site), `checker` the wasm Checker built from that config.
   */
  async load(found, siteRoot, checker) {
    this.audit = null;
    this.status = null;
    this.checker = null;
    this.pages = null;
    this.signatures?.cancel();
    this.signatures = null;
    this.seeded = new WeakSet();
    this.generation = (this.generation ?? 0) + 1;
    if (siteRoot === null) {
      this.files = null;
      return;
    }
    this.names = checker.reviewFiles();
    const read = async (name) => {
      const entry = found.find(({ path }) => path === `${siteRoot}${name}`);
      return entry ? entry.file.text() : undefined;
    };
    // The config too: the workers read its [review] stages.
    const [roster, log, certificate, config] = await Promise.all([...this.names, 'govpress.toml'].map(read));
    // A site without a roster or an archive has nothing to sign off yet: `govpress check` says so per page.
    this.files = { roster, log, certificate, config };
  }

  /**
   * Starts the full audit as soon as the folder's roster and log are read, before its pages are read
   * and checked: `ready` resolves to the review module once loaded ({ compiled, checker }). The workers
   * check the signatures, then the verdict is shown; the pages' states follow with `update`.
   */
  start(ready) {
    const files = this.files;
    if (!files || (files.roster === undefined && files.log === undefined)) return;
    this.container.hidden = false;
    this.container.dataset.ready = 'false';
    this.busy();
    // The previous folder's pages are not this one's.
    this.summary.textContent = '';
    this.problems.replaceChildren();
    this.tableWrap.replaceChildren();
    const started = performance.now();
    const count = workerCount();
    this.container.dataset.workers = String(count);
    performance.mark('review:start');
    const job = (this.signatures = { cancel: () => {}, answers: null });
    job.answers = ready.then(({ compiled }) => {
      if (job !== this.signatures || count === 0 || !files.log) return [];
      const running = checkInWorkers(compiled, files, count);
      job.cancel = running.cancel;
      return running.answers.then((answers) => {
        // For the benchmark: the workers' part, from the folder's roster and log read to their answers,
        // and the time they spent on their shares (summed over the workers).
        this.container.dataset.workersMs = (performance.now() - started).toFixed(1);
        this.container.dataset.workersBusyMs = running.busyMs().toFixed(1);
        performance.mark('review:answers-in');
        return answers;
      });
    }).catch(() => []);
    ready.then(
      ({ checker }) => {
        if (files !== this.files) return;
        this.checker ??= checker;
        this.run();
      },
      (error) => {
        console.error(error);
        if (files === this.files) this.container.hidden = true;
      },
    );
  }

  /**
   * Recomputes for the current pages and language. `files`: the site's pages (path → { bytes, text },
   * as the page holds them, edits included), or null when no site is open (the panel hides).
   */
  update(checker, lang, files) {
    if (this.lang !== lang) {
      this.lang = lang;
      this.applyLanguage();
    }
    if (!files || !this.files) {
      this.container.hidden = true;
      return;
    }
    this.container.hidden = this.files.roster === undefined && this.files.log === undefined;
    if (this.container.hidden) return;
    const encoder = new TextEncoder();
    const paths = [...files.keys()].sort();
    const contents = paths.map((path) => files.get(path).bytes ?? encoder.encode(files.get(path).text));
    this.pages = { paths, contents };
    // Without the checker the review module is still loading: `start` runs the panel once it is here.
    if (checker) this.checker = checker;
    if (this.checker) this.run();
  }

  changed() {
    if (this.checker) this.run();
  }

  /** The workers' answers for this folder, taken once by each checker (a new one comes with another config). */
  async seed(checker) {
    const answers = this.signatures ? await this.signatures.answers : [];
    if (this.seeded.has(checker)) return;
    this.seeded.add(checker);
    const started = performance.now();
    let taken = 0;
    for (const answer of answers) taken += checker.reviewSeed(answer);
    this.container.dataset.seeded = String(taken);
    this.container.dataset.seedMs = (performance.now() - started).toFixed(1);
  }

  /**
   * The full audit when its inputs or the language changed (the verdict is shown as soon as it is known),
   * then the pages' states once the pages are here (they follow every edit).
   */
  async run() {
    const generation = (this.generation = (this.generation ?? 0) + 1);
    this.container.dataset.ready = 'false';
    const checker = this.checker;
    const { roster, log, certificate } = this.files;
    const trustRoot = this.trustInput.value.trim() || undefined;
    const args = [roster, log, certificate, trustRoot, this.baseLog];
    const key = JSON.stringify([this.lang, ...args]);
    const started = performance.now();
    if (this.audit?.key !== key) {
      this.busy();
      // Let the browser paint the notice (and the workers finish) before the core decides.
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      await this.seed(checker);
      if (generation !== this.generation) return;
      const auditStarted = performance.now();
      this.audit = { key, report: JSON.parse(checker.reviewVerify(...args)) };
      // For the benchmark (www/bench/review.mjs): the page's own part of the full audit.
      this.container.dataset.verifyMs = (performance.now() - auditStarted).toFixed(1);
      if (!this.audit.report.error) this.renderVerdict(this.audit.report);
      performance.mark('review:verdict');
      // Let the verdict paint before the pages' states are computed (half a second for 1,667 pages).
      if (this.pages) await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      if (generation !== this.generation) return;
    }
    if (!this.pages) return; // the pages' states come with `update`
    // A checker built since (another govpress.toml) starts with an empty memo: the answers are still good.
    if (!this.seeded.has(checker)) {
      await this.seed(checker);
      if (generation !== this.generation) return;
    }
    const statusStarted = performance.now();
    const status = JSON.parse(checker.reviewStatus(this.pages.paths, this.pages.contents, ...args));
    this.container.dataset.statusMs = (performance.now() - statusStarted).toFixed(1);
    performance.mark('review:status');
    this.status = status;
    this.render(status, this.audit.report, performance.now() - started);
  }

  busy() {
    this.verdict.className = 'review-verdict busy';
    this.verdict.textContent = this.t('verifying');
    delete this.verdict.dataset.kind;
    delete this.verdict.dataset.verified;
  }

  renderVerdict(audit) {
    this.verdict.replaceChildren();
    this.verdict.className = `review-verdict ${audit.verified ? 'verified' : 'failed'}`;
    this.verdict.dataset.verified = String(audit.verified);
    this.verdict.dataset.kind = audit.kind;
    const head = element('strong', null, `${audit.verified ? '✓' : '✗'} ${this.t(audit.verified ? 'verified' : 'failed')}`);
    const message = element('pre', 'message', audit.message);
    this.verdict.append(head, message);
  }

  render(status, audit, ms) {
    this.container.dataset.ms = ms.toFixed(1);
    const error = status.error ?? audit.error;
    this.verdict.replaceChildren();
    if (error) {
      this.verdict.className = 'review-verdict failed';
      this.verdict.dataset.verified = 'false';
      this.verdict.textContent = this.t('error') + error.message;
      this.summary.textContent = '';
      this.problems.replaceChildren();
      this.tableWrap.replaceChildren();
      this.container.dataset.ready = 'true';
      return;
    }
    this.renderVerdict(audit);

    const byState = new Map();
    for (const page of status.pages) {
      if (page.state !== 'signed-off') byState.set(page.label, (byState.get(page.label) ?? 0) + 1);
    }
    const parts = [this.t('counts', status.total, status.signed_off)];
    for (const [label, count] of byState) parts.push(this.t('byState', label, count));
    this.summary.textContent = `${parts.join(this.lang === 'zh' ? '；' : '; ')} · ${this.t('ms', Math.round(ms))}`;
    this.problems.replaceChildren(
      ...status.problems.map((problem) => {
        const item = element('li', 'problem', `${problem.file}:${problem.line}: ${problem.message}`);
        item.dataset.file = problem.file;
        item.dataset.line = problem.line;
        return item;
      }),
    );
    this.renderTable();
    this.container.dataset.ready = 'true';
  }

  renderTable() {
    const status = this.status;
    if (!status) return;
    const table = element('table', 'review-table');
    table.id = 'review-table';
    const head = element('tr');
    for (const label of [this.t('page'), this.t('state'), ...status.stages, this.t('note')]) {
      const th = element('th', null, label);
      th.scope = 'col';
      head.append(th);
    }
    const thead = element('thead');
    thead.append(head);
    const tbody = element('tbody');
    const pages = this.onlyOpen.checked ? status.pages.filter((page) => page.state !== 'signed-off') : status.pages;
    for (const page of pages) tbody.append(this.row(page, status.stages));
    table.append(thead, tbody);
    this.tableWrap.replaceChildren(table);
  }

  row(page, stages) {
    const tr = element('tr', `state-${page.state}`);
    tr.dataset.path = page.path;
    tr.dataset.state = page.state;
    const th = element('th');
    th.scope = 'row';
    const open = element('button', 'page-link', page.path);
    open.type = 'button';
    open.dataset.path = page.path;
    open.title = this.t('openPage', page.path);
    th.append(open);
    tr.append(th, element('td', 'state', page.label));
    for (const stage of stages) {
      const td = element('td', 'stage');
      td.dataset.stage = stage;
      const approval = page.approvals.find((a) => a.stage === stage);
      if (approval) {
        td.dataset.signed = 'true';
        td.dataset.reviewer = approval.reviewer;
        td.append(element('span', 'who', approval.name), element('time', 'when', shortTime(approval.time)));
        td.querySelector('time').dateTime = approval.time;
      } else if (page.missing.includes(stage)) {
        td.dataset.signed = 'false';
        td.append(element('span', 'pending', this.t('pending')));
      } else {
        td.textContent = '—';
      }
      tr.append(td);
    }
    const note = element('td', 'note');
    if (page.outdated) {
      const { stage, name, time } = page.outdated;
      note.append(element('p', 'outdated', this.t('olderVersion', stage, name, shortTime(time))));
    }
    if (page.rejection) {
      const { stage, name, time } = page.rejection;
      note.append(element('p', 'rejection', this.t('rejectedBy', stage, name, shortTime(time))));
    }
    if (page.reason) note.append(element('p', 'reason', page.reason));
    tr.append(note);
    return tr;
  }
}
