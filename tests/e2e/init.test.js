// `govpress init DIR`: a site that checks, builds and verifies at once, signed by demo reviewers
// whose private keys stay outside content/; a non-empty DIR is refused.
import assert from "node:assert/strict";
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { env, govpress } from "./lib.js";

test("init makes a signed site that builds; an edit makes it unsigned", () => {
  const site = join(env.work, "init-site");
  const made = govpress(["init", site]);
  assert.equal(made.status, 0, made.stderr);
  for (const key of ["demo-first", "demo-second", "demo-final"]) {
    const path = join(site, ".govpress/demo-keys", `${key}.pem`);
    assert.match(readFileSync(path, "utf8"), /BEGIN PRIVATE KEY/);
    assert.equal(statSync(path).mode & 0o077, 0, `${key}.pem is owner-only`);
  }
  assert.match(readFileSync(join(site, ".govpress/demo-keys/README.md"), "utf8"), /DEMO KEYS/);
  assert.match(readFileSync(join(site, ".gitignore"), "utf8"), /\/\.govpress\//);
  assert.equal(govpress(["review", "verify", site]).status, 0);
  const built = govpress(["build", site, "--out", join(env.work, "init-public")]);
  assert.equal(built.status, 0, built.stdout + built.stderr);
  assert.ok(existsSync(join(env.work, "init-public/index.html")));

  appendFileSync(join(site, "content/news/welcome.md"), "\n补充一句。\n");
  const checked = govpress(["check", site, "--format", "json"]);
  assert.equal(checked.status, 1);
  const report = JSON.parse(checked.stdout);
  assert.ok(report.diagnostics.some((d) => d.article === 13 && d.file === "content/news/welcome.md"));
});

test("init refuses a non-empty directory and changes nothing in it", () => {
  const dir = join(env.work, "init-occupied");
  mkdirSync(dir);
  writeFileSync(join(dir, "notes.txt"), "mine");
  const refused = govpress(["init", dir]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /不是空目录/);
  assert.equal(readFileSync(join(dir, "notes.txt"), "utf8"), "mine");
  assert.ok(!existsSync(join(dir, "govpress.toml")));
});
