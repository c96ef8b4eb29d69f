// A failed build publishes nothing: a page edited after sign-off, or content breaking an article,
// makes `govpress build` exit 1 and leaves the previous output exactly as it was.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { appendFileSync, cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { before, test } from "node:test";

import { env, govpress } from "./lib.js";

/// Every file of a directory with its SM3-free fingerprint (sha256 of content) and mtime.
function snapshot(root) {
  const files = {};
  const walk = (directory) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(root, path)] = `${createHash("sha256").update(readFileSync(path)).digest("hex")} ${statSync(path).mtimeMs}`;
    }
  };
  walk(root);
  return files;
}

let site;
let out;

before(() => {
  site = join(env.work, "gate-site");
  out = join(env.work, "gate-public");
  cpSync(env.site, site, { recursive: true });
  const first = build();
  assert.equal(first.status, 0, `the signed demo portal builds:\n${first.stdout}${first.stderr}`);
});

function build() {
  return govpress(["--lang", "en", "build", site, "--out", out, "--now", env.now, "--format", "json"]);
}

function withChange(file, change, check) {
  const path = join(site, file);
  const original = readFileSync(path);
  try {
    change(path);
    check();
  } finally {
    writeFileSync(path, original);
  }
}

function assertRefused(result, before, articles) {
  assert.equal(result.status, 1, `exit 1 expected:\n${result.stdout}${result.stderr}`);
  const report = JSON.parse(result.stdout);
  const cited = new Set(report.diagnostics.filter((d) => d.severity === "error").map((d) => d.article));
  for (const article of articles) assert.ok(cited.has(article), `article ${article} cited: ${[...cited]}`);
  assert.deepEqual(snapshot(out), before, "the previous output is untouched");
}

test("one byte changed after sign-off: exit 1, article 13, output untouched", () => {
  const before = snapshot(out);
  withChange("content/news/2026-11-24-winter-heating.md", (path) => appendFileSync(path, " "), () => {
    const result = build();
    assertRefused(result, before, [13]);
    const report = JSON.parse(result.stdout);
    assert.ok(report.diagnostics.some((d) => d.article === 13 && d.file === "content/news/2026-11-24-winter-heating.md"));
  });
});

test("a classification marking and an ID number: exit 1, articles 16 and 22, output untouched", () => {
  const before = snapshot(out);
  withChange("content/notices/2026-11-12-heating-hotline.md", (path) => {
    appendFileSync(path, "\n机密★1年\n\n联系人身份证号：11010519491231002X\n");
  }, () => assertRefused(build(), before, [16, 22]));
});

test("a config that loses the ICP number: exit 1, article 9, output untouched", () => {
  const before = snapshot(out);
  withChange("govpress.toml", (path) => {
    writeFileSync(path, readFileSync(path, "utf8").replace(/^icp = .*$/m, ""));
  }, () => assertRefused(build(), before, [9]));
});

test("after the failures, the unchanged site builds again", () => {
  const result = build();
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
});
