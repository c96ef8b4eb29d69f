// The browser checker: the govpress core (WebAssembly) checks drafts as you type, with exactly the
// rules `govpress check` applies in CI. Nothing is sent anywhere: the draft never leaves the browser.
// Standard web APIs only (第十一条): no framework, no browser-specific features.
//
// Four WebAssembly modules. The first module (govpress_first: the core's page rules without lol_html, regex
// or YAML) loads with the page and gives the first diagnostic for a Markdown draft; the full checking module
// (govpress_wasm) loads in the background right after and takes over. A draft the first module cannot answer
// for exactly (raw HTML, YAML front matter, words a regex rule reads) waits for the full module, as does any
// config or site folder (docs/checker.md, "Size"). The preview module (govpress_preview: rendering, sanitising, leave-site rewriting) is
// fetched only when the preview is first opened, so checking does not wait for the sanitiser; the review
// module (govpress_review: the reviewers' view, SM2/SM3) only when a site folder is asked for (the "open
// site folder" button, a folder with a govpress.toml): nothing of it before the first diagnostic.
import initFirst, { FirstChecker, articleName as firstArticleName } from './pkg/govpress_first.js';
import init, { Checker, articleName } from './pkg/govpress_wasm.js';
import { compileReviewModule, releaseWorkers, ReviewView, warmWorkers } from './review.js';

const STRINGS = {
  zh: {
    title: '政务网站稿件预检 · govpress',
    tagline: '按《互联网政务应用安全管理规定》检查稿件，规则与 CI 完全一致；稿件不离开本机。',
    openFiles: '打开文件',
    openFolder: '打开站点文件夹',
    loadConfig: '载入 govpress.toml',
    clearConfig: '使用默认配置',
    files: '文件',
    draft: '稿件',
    placeholder: '在此粘贴或输入 Markdown 稿件，或把文件、文件夹拖到页面上',
    dropHint: '可把 .md 文件或整个站点文件夹拖到页面上（含 govpress.toml 时自动采用其配置）。',
    preview: '预览',
    previewLoading: '（正在加载预览模块……）',
    previewFailed: '（预览模块加载失败）',
    emptyTitle: '还没有稿件',
    emptyBody:
      '在左侧输入或粘贴 Markdown 稿件，或把文件、站点文件夹拖到页面上，检查结果会随输入显示在这里。稿件以前置信息（标题、日期、发布部门）开头。',
    emptySummary: '等待稿件',
    insertFrontMatter: '插入前置信息模板',
    loadExample: '载入示例稿件',
    skeletonTitle: '在此填写标题',
    skeletonDepartment: '在此填写发布部门',
    skeletonBody: '在此撰写正文。',
    dropHere: '松开以载入文件',
    footer: 'govpress 浏览器预检：WebAssembly 本地运行，与 govpress check 使用同一规则内核。',
    switchTo: 'English',
    loading: '正在加载检查内核……',
    loadFailed: '检查内核加载失败：',
    fullLoading: '正在加载完整检查模块……',
    clean: '未发现问题',
    counts: (errors, warnings) => `${errors} 个错误，${warnings} 个警告`,
    error: '错误',
    warning: '警告',
    line: (line, column) => `第 ${line} 行第 ${column} 列`,
    help: '修改建议：',
    configDefault: '默认配置',
    configLoaded: (name) => `配置：${name}`,
    configError: '配置文件有误，无法检查：',
    noMarkdown: '没有找到 Markdown 文件（.md）',
    previewLink: (href) => `预览中不跳转。链接目标：${href}`,
    jumpTitle: '点击跳到编辑器中的该行',
    configFindings: '站点与配置',
  },
  en: {
    title: 'Government site draft checker · govpress',
    tagline:
      'Checks drafts against the Provisions on the Security Management of Internet Government Applications, with exactly the rules CI applies. Your draft never leaves this machine.',
    openFiles: 'Open files',
    openFolder: 'Open site folder',
    loadConfig: 'Load govpress.toml',
    clearConfig: 'Use default config',
    files: 'Files',
    draft: 'Draft',
    placeholder: 'Paste or type a Markdown draft here, or drop files or a folder onto the page',
    dropHint: 'Drop .md files or a whole site folder onto the page (its govpress.toml is used when present).',
    preview: 'Preview',
    previewLoading: '(loading the preview module…)',
    previewFailed: '(the preview module failed to load)',
    emptyTitle: 'No draft yet',
    emptyBody:
      'Type or paste a Markdown draft on the left, or drop files or a site folder onto the page; the findings appear here as you type. A draft starts with its front matter (title, date, department).',
    emptySummary: 'Waiting for a draft',
    insertFrontMatter: 'Insert front-matter template',
    loadExample: 'Load an example draft',
    skeletonTitle: 'Title of the page',
    skeletonDepartment: 'Publishing department',
    skeletonBody: 'Write the body here.',
    dropHere: 'Drop to load the files',
    footer: 'govpress browser checker: runs locally in WebAssembly, with the same rule core as govpress check.',
    switchTo: '中文',
    loading: 'Loading the checker…',
    loadFailed: 'The checker failed to load: ',
    fullLoading: 'Loading the full checking module…',
    clean: 'No problems found',
    counts: (errors, warnings) =>
      `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
    error: 'error',
    warning: 'warning',
    line: (line, column) => `line ${line}, column ${column}`,
    help: 'Fix: ',
    configDefault: 'default config',
    configLoaded: (name) => `Config: ${name}`,
    configError: 'The config file is invalid, nothing can be checked: ',
    noMarkdown: 'No Markdown files (.md) found',
    previewLink: (href) => `Links do not navigate in the preview. Target: ${href}`,
    jumpTitle: 'Click to jump to this line in the editor',
    configFindings: 'Site and config',
  },
};

const DEFAULT_PATH = 'content/draft.md';

/** A short clean draft: what a page looks like when it passes (the checker greets with ✓, not an error). */
const EXAMPLE_DRAFT = `+++
title = "关于开展2024年网络安全宣传周活动的通知"
date = 2024-09-02
department = "青岚市委网信办"
+++

各区人民政府，市政府各部门：

为提升全社会网络安全意识和防护技能，定于 2024 年 9 月 9 日至 15 日开展网络安全宣传周活动。

## 活动内容

1. 网络安全知识进社区、进校园；
2. 个人信息保护专题讲座。

详见[中央网信办网站](https://www.cac.gov.cn/)。
`;
const DEBOUNCE_MS = 150;
const $ = (id) => document.getElementById(id);
const ui = {
  editor: $('editor'),
  pathLabel: $('path-label'),
  summary: $('summary'),
  diagnostics: $('diagnostics'),
  configFindings: $('config-findings'),
  configDiagnostics: $('config-diagnostics'),
  preview: $('preview'),
  configError: $('config-error'),
  configName: $('config-name'),
  clearConfig: $('clear-config'),
  files: $('files'),
  fileList: $('file-list'),
  overlay: $('drop-overlay'),
  langSwitch: $('lang-switch'),
  emptyState: $('empty-state'),
  insertFrontMatter: $('insert-front-matter'),
  previewPane: $('preview-pane'),
  previewStatus: $('preview-status'),
};

// The reviewers' view (三审签核) of an opened site folder: review.js.
const review = new ReviewView($('review-panel'), { openPage: (path) => showFile(path) });

const state = {
  lang: readSavedLang(),
  // The first module's checker, until the full module has loaded (then null).
  first: null,
  // The full checking module's Checker (null until it has loaded in the background).
  checker: null,
  fullReady: false,
  fullLoad: null, // the pending fetch of the full module
  // The preview module, once fetched: { module, previewer } (null until the preview is first opened).
  preview: null,
  previewLoad: null, // the pending fetch
  // The review module, once fetched: { module, checker } (its Checker answers the reviewers' view).
  review: null,
  reviewLoad: null, // the pending fetch
  config: null, // { name, text }
  files: new Map(), // path -> { bytes: Uint8Array | null, text }
  site: false, // a dropped site folder: checked as a whole, as `govpress check DIR` does
  current: DEFAULT_PATH,
  timer: 0,
};
state.files.set(DEFAULT_PATH, { bytes: null, text: '' });

function readSavedLang() {
  try {
    return localStorage.getItem('govpress-lang') === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

const t = (key, ...args) => {
  const value = STRINGS[state.lang][key];
  return typeof value === 'function' ? value(...args) : value;
};

function applyLanguage() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  for (const element of document.querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
  for (const element of document.querySelectorAll('[data-i18n-placeholder]')) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
  }
  document.title = t('title');
  ui.langSwitch.textContent = t('switchTo');
  ui.langSwitch.lang = state.lang === 'zh' ? 'en' : 'zh-CN';
  ui.configName.textContent = state.config ? t('configLoaded', state.config.name) : t('configDefault');
}

// ---- checking -------------------------------------------------------------------------------------

function rebuildChecker() {
  // Before the full module has loaded, its load builds the checker with whatever config is set by then.
  if (!state.fullReady) return;
  state.checker?.free();
  // A site folder's terms.toml (规范表述, SPEC §12) goes with its config.
  state.checker = new Checker(state.config?.text, state.lang, state.config?.terms);
  if (state.preview) {
    state.preview.previewer.free();
    state.preview.previewer = new state.preview.module.Previewer(state.config?.text);
  }
  if (state.review) {
    state.review.checker.free();
    state.review.checker = new state.review.module.Checker(state.config?.text, state.lang, state.config?.terms);
  }
}

// ---- the full checking module (loaded in the background after the first module) ---------------------------

/** Fetches and starts the full checking module once; later calls share the same load. */
function loadFull() {
  state.fullLoad ??= (async () => {
    try {
      await init();
      state.fullReady = true;
      rebuildChecker();
      state.first?.free();
      state.first = null;
      checkNow();
    } catch (error) {
      ui.summary.textContent = t('loadFailed') + error;
      state.fullLoad = null;
      throw error;
    }
  })();
  return state.fullLoad;
}

/** The current draft through the first module; a draft it refuses waits for the full module. */
function checkWithFirst() {
  ui.configError.hidden = true;
  renderSiteFindings([]);
  const file = state.files.get(state.current);
  let json;
  try {
    json = updateEmptyState() || file.bytes ? undefined : state.first.check(file.text, state.current);
  } catch (error) {
    console.error(error); // the full module answers instead
  }
  if (json === undefined) {
    renderDiagnostics([]);
    ui.summary.className = 'summary';
    ui.summary.textContent = isBlankDraft() ? t('emptySummary') : t('fullLoading');
    ui.preview.replaceChildren();
    if (!isBlankDraft()) loadFull().catch((error) => console.error(error));
    return;
  }
  const report = JSON.parse(json);
  updateFileBadge(state.current, report);
  renderSummary(report);
  renderDiagnostics(report.diagnostics);
  renderPreview();
}

const articleLabel = (article) => (state.fullReady ? articleName : firstArticleName)(article, state.lang);

// ---- preview (second module, fetched on first use) ---------------------------------------------------

/** Fetches and starts the preview module once; later calls share the same load. */
function loadPreview() {
  state.previewLoad ??= (async () => {
    ui.previewStatus.textContent = t('previewLoading');
    try {
      const module = await import('./pkg/govpress_preview.js');
      await module.default();
      state.preview = { module, previewer: new module.Previewer(state.config?.text) };
      ui.previewStatus.textContent = '';
      renderPreview();
    } catch (error) {
      ui.previewStatus.textContent = t('previewFailed');
      state.previewLoad = null;
      throw error;
    }
  })();
  return state.previewLoad;
}

// ---- reviewers' view (third module, fetched for a site with a roster or a review log) -----------------

/**
 * Fetches and starts the review module once; later calls share the same load. Started as soon as a site
 * folder is asked for (the "open site folder" button, or a dropped or chosen folder with a
 * govpress.toml), before its files are read: the module compiles, and the reviewers' view's workers
 * instantiate it, while the page reads and checks the site.
 */
function loadReview() {
  state.reviewLoad ??= (async () => {
    try {
      const compiling = compileReviewModule(new URL('./pkg/govpress_review_bg.wasm', import.meta.url)).then((compiled) => {
        performance.mark('review:compiled');
        warmWorkers(compiled);
        return compiled;
      });
      const [module, compiled] = await Promise.all([import('./pkg/govpress_review.js'), compiling]);
      await module.default({ module_or_path: compiled });
      // `compiled` goes to the reviewers' view's workers too (review.js).
      state.review = { module, compiled, checker: new module.Checker(state.config?.text, state.lang, state.config?.terms) };
    } catch (error) {
      state.reviewLoad = null;
      throw error;
    }
  })();
  return state.reviewLoad;
}

/**
 * Whether a chosen folder has the roster or the log where `[review]` puts them by default, beside a
 * govpress.toml: the review module can start before the config is read (a site that names other files
 * starts it once its config is read, `hasReviewFiles`).
 */
function hasDefaultReviewFiles(found) {
  const paths = new Set(found.map(({ path }) => path));
  return found.some(({ path }) => {
    if (path.split('/').pop() !== 'govpress.toml') return false;
    const root = path.slice(0, -'govpress.toml'.length);
    return paths.has(`${root}reviewers.toml`) || paths.has(`${root}reviews/log.jsonl`);
  });
}

/** A site folder on its way: its reviewers' view is likely (`govpress init` writes a roster and a log). */
function prepareReview() {
  loadReview().catch((error) => console.error(error));
}

/** Whether an opened site folder has the review's roster or log (the files `govpress review` reads). */
function hasReviewFiles(found, siteRoot) {
  if (siteRoot === null) return false;
  const [roster, log] = state.checker.reviewFiles();
  return found.some(({ path }) => path === `${siteRoot}${roster}` || path === `${siteRoot}${log}`);
}

/** The open preview shows the current draft; a closed one costs nothing. */
function renderPreview() {
  if (!ui.previewPane.open || !state.preview) return;
  const file = state.files.get(state.current);
  const broken = state.checker?.configError();
  ui.preview.innerHTML = broken || !file ? '' : state.preview.previewer.preview(file.text);
}

// ---- first impression: an empty draft is not an error ------------------------------------------------

/** The draft the page starts with, still untouched: it gets the empty state, not front-matter.missing. */
function isBlankDraft() {
  const file = state.files.get(state.current);
  return !state.site && file && file.bytes === null && file.text.trim() === '';
}

const hasFrontMatter = (text) => /^\uFEFF?(\+\+\+|---)[ \t]*\r?\n/.test(text);

/** Today in China Standard Time, as a TOML date (the skeleton's `date`). */
function todayInChina() {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date())
    .reduce((found, part) => ({ ...found, [part.type]: part.value }), {});
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function frontMatterSkeleton() {
  return `+++\ntitle = "${t('skeletonTitle')}"\ndate = ${todayInChina()}\ndepartment = "${t('skeletonDepartment')}"\n+++\n\n`;
}

/** Puts the skeleton before the draft (an empty draft gets a body line too) and selects the title. */
function insertFrontMatter() {
  const text = state.files.get(state.current).text;
  if (hasFrontMatter(text)) return;
  const skeleton = frontMatterSkeleton();
  setEditorText(skeleton + (text.trim() === '' ? `${t('skeletonBody')}\n` : text));
  const title = t('skeletonTitle');
  const start = skeleton.indexOf(title);
  ui.editor.focus();
  ui.editor.setSelectionRange(start, start + title.length);
}

function setEditorText(text) {
  ui.editor.value = text;
  state.files.set(state.current, { bytes: null, text });
  checkNow();
}

/** The empty state in the results pane, and the skeleton button while the draft has no front matter. */
function updateEmptyState() {
  const blank = isBlankDraft();
  ui.emptyState.hidden = !blank;
  const file = state.files.get(state.current);
  ui.insertFrontMatter.hidden = blank || !file || hasFrontMatter(file.text);
  return blank;
}

/** The report for one file: raw bytes until edited (so a non-UTF-8 file is reported as the CLI does). */
function reportFor(path) {
  const file = state.files.get(path);
  const json = file.bytes ? state.checker.checkBytes(file.bytes, path) : state.checker.check(file.text, path);
  return JSON.parse(json);
}

/** The whole site's report: config, every page, then sections (blank or stale 栏目). */
function siteReport() {
  const paths = [...state.files.keys()].sort();
  const encoder = new TextEncoder();
  const contents = paths.map((path) => {
    const file = state.files.get(path);
    return file.bytes ?? encoder.encode(file.text);
  });
  return JSON.parse(state.checker.checkSite(paths, contents));
}

function tally(diagnostics) {
  const count = (severity) => diagnostics.filter((diagnostic) => diagnostic.severity === severity).length;
  return { errors: count('error'), warnings: count('warning'), diagnostics };
}

function checkNow() {
  clearTimeout(state.timer);
  if (!state.checker) {
    checkWithFirst();
    return;
  }
  const blank = updateEmptyState();
  const configError = state.checker.configError();
  ui.configError.hidden = !configError;
  if (configError) {
    ui.configError.textContent = t('configError') + JSON.parse(configError).error.message;
    renderDiagnostics([]);
    ui.configFindings.hidden = true;
    ui.summary.textContent = '';
    ui.preview.replaceChildren();
    return;
  }
  if (blank) {
    // Nothing typed yet: no report (an empty file would be front-matter.missing), only the config's findings.
    renderDiagnostics([]);
    renderSiteFindings(state.config ? JSON.parse(state.checker.checkConfig()).diagnostics : []);
    ui.summary.className = 'summary';
    ui.summary.textContent = t('emptySummary');
    ui.preview.replaceChildren();
    return;
  }
  let report;
  let siteFindings;
  if (state.site) {
    const site = siteReport();
    // Grouped once: a site of thousands of pages must not filter every diagnostic for every page.
    const byFile = new Map([...state.files.keys()].map((path) => [path, []]));
    for (const diagnostic of site.diagnostics) byFile.get(diagnostic.file)?.push(diagnostic);
    report = tally(byFile.get(state.current) ?? []);
    siteFindings = site.diagnostics.filter((diagnostic) => !state.files.has(diagnostic.file));
    updateFileBadges(new Map([...byFile].map(([path, diagnostics]) => [path, tally(diagnostics)])));
  } else {
    report = reportFor(state.current);
    siteFindings = state.config ? JSON.parse(state.checker.checkConfig()).diagnostics : [];
    updateFileBadge(state.current, report);
  }
  renderSummary(report);
  renderDiagnostics(report.diagnostics);
  renderSiteFindings(siteFindings);
  renderPreview();
  // Before the review module is here (it loads for a site with a roster or a log) the panel waits for it.
  review.update(state.review?.checker, state.lang, state.site ? state.files : null);
}

function scheduleCheck() {
  clearTimeout(state.timer);
  state.timer = setTimeout(checkNow, DEBOUNCE_MS);
}

function renderSummary(report) {
  ui.summary.className = `summary ${report.errors ? 'has-errors' : report.warnings ? 'has-warnings' : 'clean'}`;
  ui.summary.textContent =
    report.errors || report.warnings ? t('counts', report.errors, report.warnings) : `✓ ${t('clean')}`;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Findings outside the open pages: the loaded govpress.toml (articles 5, 8, 9) and, for a site, its sections. */
function renderSiteFindings(findings) {
  ui.configFindings.hidden = findings.length === 0;
  ui.configDiagnostics.replaceChildren(
    ...findings.map((diagnostic) => {
      const item = diagnosticItem(diagnostic);
      item.querySelector('.where').textContent = `${diagnostic.file} · ${t('line', diagnostic.line, diagnostic.column)}`;
      return item;
    }),
  );
}

/** The draft's diagnostics: each one jumps to its line in the editor. */
function renderDiagnostics(diagnostics) {
  const items = diagnostics.map((diagnostic) => {
    const item = diagnosticItem(diagnostic);
    item.tabIndex = 0;
    item.title = t('jumpTitle');
    return item;
  });
  ui.diagnostics.replaceChildren(...items);
}

function diagnosticItem(diagnostic) {
  const item = element('li', `diagnostic ${diagnostic.severity}`);
  item.dataset.line = diagnostic.line;
  item.dataset.rule = diagnostic.rule;
  item.dataset.article = diagnostic.article;
  item.dataset.file = diagnostic.file;
  const head = element('div', 'head');
  head.append(
    element('span', 'badge', t(diagnostic.severity)),
    element('span', 'where', t('line', diagnostic.line, diagnostic.column)),
    element('span', 'article', articleLabel(diagnostic.article)),
    element('code', 'rule', diagnostic.rule),
  );
  item.append(head, element('p', 'message', diagnostic.message));
  if (diagnostic.help) item.append(element('p', 'help', t('help') + diagnostic.help));
  return item;
}

/** Selects a whole line of the editor and scrolls it into view. */
function selectLine(line) {
  const text = ui.editor.value;
  let start = 0;
  for (let current = 1; current < line; current++) {
    const newline = text.indexOf('\n', start);
    if (newline < 0) break;
    start = newline + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  const lineHeight = parseFloat(getComputedStyle(ui.editor).lineHeight) || 20;
  ui.editor.focus();
  ui.editor.setSelectionRange(start, end);
  ui.editor.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

// ---- files --------------------------------------------------------------------------------------

function showFile(path) {
  state.current = path;
  ui.editor.value = state.files.get(path).text;
  ui.pathLabel.textContent = path;
  for (const item of ui.fileList.children) item.classList.toggle('current', item.dataset.path === path);
  checkNow();
}

function renderFileList() {
  const paths = [...state.files.keys()].sort();
  ui.files.hidden = paths.length < 2;
  $('drop-zone').classList.toggle('with-files', paths.length >= 2);
  ui.fileList.replaceChildren(
    ...paths.map((path) => {
      const item = element('li', path === state.current ? 'current' : '');
      item.dataset.path = path;
      const button = element('button', 'file', path);
      button.type = 'button';
      item.append(button, element('span', 'count'));
      return item;
    }),
  );
  // A site's badges come with its report (checkNow); single files are checked one by one here.
  if (!state.site) updateFileBadges(new Map(paths.map((path) => [path, reportFor(path)])));
}

function updateFileBadge(path, report) {
  updateFileBadges(new Map([[path, report]]));
}

/** `reports`: path → tally; one pass over the list, however many files. */
function updateFileBadges(reports) {
  for (const item of ui.fileList.children) {
    const report = reports.get(item.dataset.path);
    if (!report) continue;
    const count = item.querySelector('.count');
    count.textContent = report.errors || report.warnings ? `${report.errors}/${report.warnings}` : '✓';
    count.className = `count ${report.errors ? 'has-errors' : report.warnings ? 'has-warnings' : 'clean'}`;
  }
}

// Pages are `.md` files, as `govpress check` reads them.
const isMarkdown = (path) => path.endsWith('.md');

/** Loads dropped or opened files; a folder with govpress.toml is read as a site (its config, its content/). */
async function loadFiles(found) {
  performance.mark('review:files-chosen');
  if (hasDefaultReviewFiles(found)) prepareReview();
  // Files, folders and configs are the full module's (checkBytes, checkSite, the config's own findings).
  await loadFull();
  const configEntry = found
    .filter(({ path }) => path.split('/').pop() === 'govpress.toml')
    .sort((a, b) => a.path.split('/').length - b.path.split('/').length)[0];
  const siteRoot = configEntry ? configEntry.path.slice(0, -'govpress.toml'.length) : null;
  const termsEntry = configEntry && found.find(({ path }) => path === `${siteRoot}terms.toml`);
  if (configEntry) await loadConfig(configEntry.file, 'govpress.toml', termsEntry ? await termsEntry.file.text() : undefined);
  await review.load(found, siteRoot, state.checker);
  // The review module and the archive's audit (in workers) start now, while the pages are read and checked.
  if (hasReviewFiles(found, siteRoot)) review.start(loadReview().then(() => state.review));
  else releaseWorkers(); // nothing to sign off: the workers started for it are not needed
  performance.mark('review:review-files-read');
  const pages = found.filter(
    ({ path }) => isMarkdown(path) && (siteRoot === null || path.startsWith(`${siteRoot}content/`)),
  );
  if (pages.length === 0) {
    if (!configEntry) ui.summary.textContent = t('noMarkdown');
    return;
  }
  // Read everything first, then switch at once: a pending check must never see a half-loaded set.
  // All reads in flight at once: one after another, a site of thousands of pages waits on each.
  const contents = await Promise.all(pages.map(({ file }) => file.arrayBuffer()));
  const files = new Map();
  const decoder = new TextDecoder();
  pages.forEach(({ path }, index) => {
    const bytes = new Uint8Array(contents[index]);
    const relative = siteRoot === null ? path : path.slice(siteRoot.length);
    files.set(relative, { bytes, text: decoder.decode(bytes) });
  });
  clearTimeout(state.timer);
  state.files = files;
  state.site = siteRoot !== null;
  state.current = [...files.keys()].sort()[0];
  performance.mark('review:pages-read');
  renderFileList();
  showFile(state.current);
  performance.mark('review:site-checked');
}

/** Files of a drop, walking dropped folders (File and Directory Entries API, in every modern browser). */
async function filesFromDrop(dataTransfer) {
  // Entries and files must be taken during the drop event itself; they are read afterwards.
  const items = [...(dataTransfer.items ?? [])]
    .filter((item) => item.kind === 'file')
    .map((item) => ({ entry: item.webkitGetAsEntry?.() ?? null, file: item.getAsFile() }));
  const found = [];
  for (const { entry, file } of items) {
    if (entry) await walkEntry(entry, found);
    else if (file) found.push({ path: file.name, file });
  }
  if (found.length === 0) for (const file of dataTransfer.files ?? []) found.push({ path: file.name, file });
  return found;
}

async function walkEntry(entry, found) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    found.push({ path: entry.fullPath.replace(/^\/+/, ''), file });
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walkEntry(child, found);
    }
  }
}

async function loadConfig(file, name, terms) {
  await loadFull();
  state.config = { name: name ?? file.name, text: await file.text(), terms };
  ui.clearConfig.hidden = false;
  rebuildChecker();
  applyLanguage();
  checkNow();
}

// ---- wiring -------------------------------------------------------------------------------------

function wire() {
  ui.editor.addEventListener('input', () => {
    state.files.set(state.current, { bytes: null, text: ui.editor.value });
    scheduleCheck();
  });
  ui.diagnostics.addEventListener('click', (event) => {
    const item = event.target.closest('.diagnostic');
    if (item) selectLine(Number(item.dataset.line));
  });
  ui.diagnostics.addEventListener('keydown', (event) => {
    const item = event.target.closest('.diagnostic');
    if (item && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      selectLine(Number(item.dataset.line));
    }
  });
  ui.fileList.addEventListener('click', (event) => {
    const item = event.target.closest('li');
    if (item) showFile(item.dataset.path);
  });
  ui.preview.addEventListener('click', (event) => {
    const link = event.target.closest('a[href]');
    if (!link) return;
    event.preventDefault();
    ui.preview.title = t('previewLink', link.getAttribute('href'));
  });
  $('open-files').addEventListener('change', async (event) => {
    const files = [...event.target.files].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
    event.target.value = '';
    await loadFiles(files);
  });
  // Asking for a site folder starts the review module, while the user chooses it (prepareReview).
  $('open-folder').addEventListener('click', prepareReview);
  $('open-folder').addEventListener('change', async (event) => {
    const files = [...event.target.files].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
    event.target.value = '';
    await loadFiles(files);
  });
  $('open-config').addEventListener('change', async (event) => {
    const [file] = event.target.files;
    event.target.value = '';
    if (file) await loadConfig(file);
  });
  ui.clearConfig.addEventListener('click', () => {
    state.config = null;
    state.site = false;
    ui.clearConfig.hidden = true;
    rebuildChecker();
    applyLanguage();
    checkNow();
  });
  ui.insertFrontMatter.addEventListener('click', insertFrontMatter);
  $('empty-insert').addEventListener('click', insertFrontMatter);
  $('load-example').addEventListener('click', () => setEditorText(EXAMPLE_DRAFT));
  ui.previewPane.addEventListener('toggle', () => {
    if (!ui.previewPane.open) return;
    if (state.preview) renderPreview();
    else loadPreview().catch((error) => console.error(error));
  });
  ui.langSwitch.addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    try {
      localStorage.setItem('govpress-lang', state.lang);
    } catch {
      // Storage may be disabled; the switch still works for this visit.
    }
    state.checker?.setLang(state.lang);
    state.first?.setLang(state.lang);
    state.review?.checker.setLang(state.lang);
    applyLanguage();
    checkNow();
  });

  let dragDepth = 0;
  document.addEventListener('dragenter', (event) => {
    event.preventDefault();
    dragDepth += 1;
    ui.overlay.hidden = false;
  });
  document.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) ui.overlay.hidden = true;
  });
  document.addEventListener('dragover', (event) => event.preventDefault());
  document.addEventListener('drop', async (event) => {
    event.preventDefault();
    dragDepth = 0;
    ui.overlay.hidden = true;
    await loadFiles(await filesFromDrop(event.dataTransfer));
  });
}

async function main() {
  applyLanguage();
  ui.summary.textContent = t('loading');
  const started = performance.now();
  try {
    await initFirst();
    state.first = new FirstChecker(state.lang);
  } catch (error) {
    // Without the first module the page still works: it waits for the full one.
    console.error(error);
    await loadFull().catch(() => {});
    if (!state.checker) throw error;
  }
  const loadMs = performance.now() - started;
  wire();
  ui.editor.disabled = false;
  checkNow();
  // The full module takes over as soon as it has loaded (configs, folders, every draft).
  loadFull().catch((error) => console.error(error));
  // For tests and benchmarks: the page is ready and how long the core took to load.
  document.documentElement.dataset.ready = 'true';
  document.documentElement.dataset.loadMs = loadMs.toFixed(1);
}

main();
