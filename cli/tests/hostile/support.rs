//! Building a clean site with one hostile addition.

use std::path::{Path, PathBuf};

use crate::common::{clean_site, govpress, run, Run, NOW};

/// A clean, signed-off site; `add` puts the hostile file in before the build.
pub fn site_with(add: impl FnOnce(&Path)) -> (tempfile::TempDir, PathBuf) {
    let dir = clean_site();
    add(dir.path());
    let out = dir.path().join("public");
    (dir, out)
}

/// `govpress build --format json` of `site` into `out`.
pub fn build(site: &Path, out: &Path) -> Run {
    run(govpress().arg("build").arg(site).arg("--out").arg(out).args(["--now", NOW, "--quiet", "--format", "json"]))
}

/// The rule ids of a JSON report.
pub fn rules(built: &Run) -> Vec<String> {
    let report: serde_json::Value =
        serde_json::from_str(&built.stdout).unwrap_or_else(|error| panic!("{error}: {}{}", built.stdout, built.stderr));
    report["diagnostics"]
        .as_array()
        .map(|diagnostics| {
            diagnostics.iter().filter_map(|diagnostic| diagnostic["rule"].as_str().map(str::to_string)).collect()
        })
        .unwrap_or_default()
}
