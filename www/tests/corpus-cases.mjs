// The shared corpus (tests/corpus/, format in its README.md) as data, for the node and Chromium runners.
// Mirrors tests/corpus.rs: every single-file case `<rule>/<case>.md`, its optional `<case>.toml` config
// and its `<case>.expected.json`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const corpusDir = join(repoRoot, 'tests/corpus');

/** "Now" for the corpus: cases avoid dates near it, so any clock agrees (same as tests/corpus.rs). */
export const corpusNow = '2026-11-25T12:00:00+08:00';

export function singleFileCases() {
  const cases = [];
  for (const rule of readdirSync(corpusDir).sort()) {
    const ruleDir = join(corpusDir, rule);
    if (!statSync(ruleDir).isDirectory()) continue;
    for (const name of readdirSync(ruleDir).sort()) {
      if (!name.endsWith('.md') || !statSync(join(ruleDir, name)).isFile()) continue;
      const base = join(ruleDir, name.slice(0, -'.md'.length));
      const configPath = `${base}.toml`;
      cases.push({
        // The path as the CLI is given it from the repository root; the report's `file` field.
        path: `tests/corpus/${rule}/${name}`,
        bytes: readFileSync(join(ruleDir, name)),
        configPath: existsSync(configPath) ? configPath : null,
        config: existsSync(configPath) ? readFileSync(configPath, 'utf8') : undefined,
        expected: sortDiagnostics(JSON.parse(readFileSync(`${base}.expected.json`, 'utf8'))),
      });
    }
  }
  return cases;
}

/** Every site case `<rule>/<case>/` (a directory with govpress.toml): its config, its `content/` pages
 * (paths relative to the site root, as `govpress check DIR` names them) and its `expected.json`. */
export function siteCases() {
  const cases = [];
  for (const rule of readdirSync(corpusDir).sort()) {
    const ruleDir = join(corpusDir, rule);
    if (!statSync(ruleDir).isDirectory()) continue;
    for (const name of readdirSync(ruleDir).sort()) {
      const root = join(ruleDir, name);
      if (!existsSync(join(root, 'govpress.toml'))) continue;
      const pages = [];
      collectPages(root, 'content', pages);
      cases.push({
        dir: `tests/corpus/${rule}/${name}`,
        config: readFileSync(join(root, 'govpress.toml'), 'utf8'),
        terms: existsSync(join(root, 'terms.toml')) ? readFileSync(join(root, 'terms.toml'), 'utf8') : undefined,
        pages,
        expected: sortDiagnostics(JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')), true),
      });
    }
  }
  return cases;
}

/** Attachment cases (`attachments/<file>` with `<file>.expected.json`): read by `govpress build` through
 * crates/attachments (spreadsheets, documents, PDFs); the core and CLI runners run them. The wasm checker
 * has no extractor, so the wasm runners list them and skip each one by name, never silently. */
export function attachmentCases() {
  const dir = join(corpusDir, 'attachments');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.endsWith('.expected.json'))
    .sort()
    .map((name) => `tests/corpus/attachments/${name}`);
}

function collectPages(root, relative, pages) {
  const dir = join(root, relative);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const path = `${relative}/${name}`;
    if (statSync(join(root, path)).isDirectory()) collectPages(root, path, pages);
    else if (name.endsWith('.md')) pages.push({ path, bytes: readFileSync(join(root, path)) });
  }
}

/** The fields the corpus fixes, sorted by line, column, rule (the README's order). */
export function project(diagnostics, withFile = false) {
  return sortDiagnostics(diagnostics, withFile);
}

function sortDiagnostics(list, withFile = false) {
  const key = (d) => [d.file ?? '', d.line, d.column, d.rule, d.article, d.severity];
  return [...list]
    .map(({ file, rule, article, severity, line, column }) =>
      withFile ? { file, rule, article, severity, line, column } : { rule, article, severity, line, column },
    )
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
      return 0;
    });
}
