//! The 集约化 platform (第十条, SPEC §10) end to end on a copy of `examples/platform`: config errors,
//! `check/build --platform`, sharing, the CI matrix and the workflows of docs/platform.md.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{govpress, repo_root, run, write, Run};
use serde_yaml_ng::Value;

/// A copy of the demo platform (signed, its clock pinned) in a temporary directory.
fn demo_platform() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("platform");
    let source = repo_root().join("examples/platform");
    for entry in walkdir::WalkDir::new(&source).into_iter().filter_entry(|entry| {
        let name = entry.file_name().to_string_lossy();
        !(name == ".govpress" || name == "public")
    }) {
        let entry = entry.unwrap();
        let target = root.join(entry.path().strip_prefix(&source).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    (dir, root)
}

fn platform(root: &Path, args: &[&str]) -> Run {
    run(govpress().current_dir(root).args(args))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            (
                entry.path().strip_prefix(root).unwrap().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

/// A page of the education bureau's site that breaks article 16 (a classification marking); unsigned too.
fn break_jyj(root: &Path) {
    write(
        &root.join("sites/jyj/content/notices/2026-11-30-secret.md"),
        "+++\ntitle = \"内部通知\"\ndate = 2026-11-30\n+++\n\n机密★1年\n\n青兰市教育局正文。\n",
    );
}

#[test]
fn config_errors_name_platform_toml_line_and_column_in_both_languages() {
    let (_dir, root) = demo_platform();
    let file = root.join("platform.toml");
    write(&file, "[platform]\nname = \"p\"\n[[site]]\ndir = \"sites/portal\"\n[[site]]\ndir = \"other/portal\"\n");
    let checked = platform(&root, &["check", "--platform"]);
    assert_eq!(checked.code, 2, "{}", checked.stderr);
    assert!(checked.stderr.contains("platform.toml:6:7: 配置错误"), "{}", checked.stderr);
    assert!(checked.stderr.contains("同名"), "{}", checked.stderr);
    let english = platform(&root, &["--lang", "en", "build", "--platform", "platform.toml"]);
    assert_eq!(english.code, 2);
    assert!(
        english.stderr.contains("platform.toml:6:7: config error") && english.stderr.contains("same name"),
        "{}",
        english.stderr
    );

    write(&file, "[platform]\nname = \"p\"\n[[site]]\ndir = \"sites/portal\"\n[[site]]\ndir = \"sites/portal/\"\n");
    let duplicate = platform(&root, &["check", "--platform", "."]);
    assert_eq!(duplicate.code, 2);
    assert!(
        duplicate.stderr.contains("platform.toml:6:7") && duplicate.stderr.contains("重复"),
        "{}",
        duplicate.stderr
    );

    write(&file, "[platform]\nname = \"p\"\n\n[[site]]\ndir = \"sites/portal\"\n\n[[site]]\ndir = \"sites/gone\"\n");
    let missing = platform(&root, &["build", "--platform", "platform.toml", "--out", "out"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("platform.toml:8:7") && missing.stderr.contains("\"sites/gone\" 不存在"),
        "{}",
        missing.stderr
    );
    assert!(!root.join("out").exists(), "a config error builds nothing");
}

#[test]
fn check_covers_every_site_in_one_report_relative_to_the_platform_root() {
    let (_dir, root) = demo_platform();
    let clean = platform(&root, &["check", "--platform", "--format", "json"]);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
    let report: serde_json::Value = serde_json::from_str(&clean.stdout).unwrap();
    assert_eq!(report["errors"], 0);
    assert_eq!(report["files_checked"], 9);

    break_jyj(&root);
    let broken = platform(&root, &["check", "--platform", "platform.toml", "--format", "json"]);
    assert_eq!(broken.code, 1, "{}", broken.stderr);
    let report: serde_json::Value = serde_json::from_str(&broken.stdout).unwrap();
    let files: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert!(!files.is_empty());
    assert!(files.iter().all(|file| *file == "sites/jyj/content/notices/2026-11-30-secret.md"), "{files:?}");
    let rules: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"secrets.classification"), "{rules:?}");
    // The platform's shared terms apply to every site.
    let shared_term = report["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "terms.wording").unwrap();
    assert!(shared_term["message"].as_str().unwrap().contains("青岚市"), "{shared_term}");

    // Every format names the file from the platform root.
    for format in ["human", "sarif", "github", "junit"] {
        let rendered = platform(&root, &["check", "--platform", "--format", format]);
        assert_eq!(rendered.code, 1, "{format}");
        assert!(
            rendered.stdout.contains("sites/jyj/content/notices/2026-11-30-secret.md"),
            "{format}: {}",
            rendered.stdout
        );
    }
    // One site alone (a CI matrix job): the broken one is not in it.
    let portal = platform(&root, &["check", "--platform", "--site", "portal"]);
    assert_eq!(portal.code, 0, "{}{}", portal.stdout, portal.stderr);
    let unknown = platform(&root, &["check", "--platform", "--site", "nope"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("portal、fgw、jyj"), "{}", unknown.stderr);
}

#[test]
fn a_failing_site_keeps_its_previous_output_and_the_others_publish() {
    let (dir, root) = demo_platform();
    let out = dir.path().join("out");
    let out_arg = out.to_str().unwrap();
    let first = platform(&root, &["build", "--platform", "--out", out_arg, "--quiet"]);
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    for site in ["portal", "fgw", "jyj"] {
        assert!(out.join(site).join("index.html").is_file(), "{site}");
        assert!(out.join(site).join(".govpress-manifest.json").is_file(), "{site}");
    }
    // The shared theme: its template and its static file in every site; fgw's links under /fgw/.
    let fgw = read(&out.join("fgw/index.html"));
    assert!(fgw.contains("data-platform>青岚市政府网站集约化平台<"), "{fgw}");
    assert!(fgw.contains("href=\"/fgw/assets/platform.css\"") && fgw.contains("action=\"/fgw/search/\""));
    assert!(out.join("jyj/assets/platform.css").is_file());
    let jyj_before = tree(&out.join("jyj"));

    // fgw changes (re-signed: its review log grows), jyj breaks a rule.
    let page = root.join("sites/fgw/content/news/2026-11-26-projects.md");
    std::fs::write(&page, read(&page).replace("94%", "95%")).unwrap();
    let signed = run(std::process::Command::new(repo_root().join("scripts/sign-platform-demo.sh"))
        .env("GOVPRESS_BIN", env!("CARGO_BIN_EXE_govpress"))
        .env("GOVPRESS_PLATFORM_DIR", &root));
    assert_eq!(signed.code, 0, "{}{}", signed.stdout, signed.stderr);
    break_jyj(&root);
    let second = platform(&root, &["build", "--platform", "platform.toml", "--out", out_arg, "--format", "json"]);
    assert_eq!(second.code, 1, "{}{}", second.stdout, second.stderr);
    let report: serde_json::Value = serde_json::from_str(&second.stdout).unwrap();
    assert!(report["errors"].as_u64().unwrap() > 0);
    assert!(second.stderr.contains("sites/jyj：未通过检查"), "{}", second.stderr);
    assert_eq!(tree(&out.join("jyj")), jyj_before, "the failing site's output is byte for byte the previous one");
    assert!(read(&out.join("fgw/news/2026-11-26-projects/index.html")).contains("95%"), "the others publish");
    // Beside each site's output, only the directories kept for its next build (`.NAME.recycle`).
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with(".recycle"))
        .collect();
    assert_eq!(leftovers.len(), 3, "no staging directory is left: {leftovers:?}");
}

#[test]
fn the_shared_roster_signs_and_a_site_roster_may_not_repeat_it() {
    let (_dir, root) = demo_platform();
    // The demo sites have no roster of their own: the shared one signs them.
    assert!(!root.join("sites/portal/reviewers.toml").exists());
    let shared = read(&root.join("reviewers.toml"));
    let first = shared.find("[[reviewer]]").unwrap();
    let second = shared[first + 1..].find("[[reviewer]]").unwrap() + first + 1;
    write(&root.join("sites/portal/reviewers.toml"), &format!("# 本站名册\n{}", &shared[first..second]));
    let clash = platform(&root, &["check", "--platform"]);
    assert_eq!(clash.code, 2, "{}{}", clash.stdout, clash.stderr);
    assert!(clash.stderr.contains("reviewers.toml:3:1") && clash.stderr.contains("共享名册"), "{}", clash.stderr);
    // The other sites still report.
    assert!(clash.stderr.contains("sites/portal："), "{}", clash.stderr);
}

/// The ```yaml blocks of docs/platform.md that start with `# <path>`, by path.
fn documented_files() -> BTreeMap<String, Value> {
    let docs = read(&repo_root().join("docs/platform.md"));
    docs.split("```yaml\n")
        .skip(1)
        .filter_map(|block| {
            let block = block.split("```").next()?;
            let path = block.lines().next()?.strip_prefix("# ")?.trim().to_string();
            let value: Value = serde_yaml_ng::from_str(block).unwrap_or_else(|error| panic!("{path}: {error}"));
            Some((path, value))
        })
        .collect()
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(text) => vec![text.clone()],
        Value::Sequence(items) => items.iter().flat_map(strings).collect(),
        Value::Mapping(map) => map.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn the_documented_workflows_expand_to_one_job_per_site() {
    let (_dir, root) = demo_platform();
    let files = documented_files();
    let sites = ["portal", "fgw", "jyj"];

    // GitHub Actions: a plan job prints the matrix, the site job expands it.
    let workflow = &files[".github/workflows/platform.yml"];
    let jobs = &workflow["jobs"];
    let plan = strings(&jobs["plan"]["steps"]).join("\n");
    assert!(plan.contains("govpress platform matrix platform.toml --format github"), "{plan}");
    assert_eq!(jobs["plan"]["outputs"]["matrix"].as_str(), Some("${{ steps.matrix.outputs.matrix }}"));
    assert_eq!(jobs["site"]["strategy"]["matrix"].as_str(), Some("${{ fromJSON(needs.plan.outputs.matrix) }}"));
    assert_eq!(jobs["site"]["strategy"]["fail-fast"].as_bool(), Some(false));
    let steps = strings(&jobs["site"]["steps"]).join("\n");
    assert!(steps.contains("govpress build --platform platform.toml --site ${{ matrix.site }}"), "{steps}");
    let matrix = platform(&root, &["platform", "matrix", "platform.toml", "--format", "github"]);
    assert_eq!(matrix.code, 0, "{}", matrix.stderr);
    let matrix: serde_json::Value = serde_json::from_str(&matrix.stdout).unwrap();
    let jobs: Vec<(&str, &str)> = matrix["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|job| (job["site"].as_str().unwrap(), job["dir"].as_str().unwrap()))
        .collect();
    assert_eq!(jobs, [("portal", "sites/portal"), ("fgw", "sites/fgw"), ("jyj", "sites/jyj")]);

    // GitLab: the plan job writes the child pipeline, the trigger runs it; its jobs extend the template.
    let pipeline = &files[".gitlab-ci.yml"];
    assert!(strings(&pipeline["plan"]["script"]).join("\n").contains("--format gitlab > sites.yml"));
    assert_eq!(pipeline["plan"]["artifacts"]["paths"][0].as_str(), Some("sites.yml"));
    assert_eq!(pipeline["sites"]["trigger"]["include"][0]["artifact"].as_str(), Some("sites.yml"));
    assert_eq!(pipeline["sites"]["trigger"]["include"][0]["job"].as_str(), Some("plan"));
    let template = &files[".gitlab/govpress-site.yml"][".govpress-site"];
    assert!(strings(&template["script"]).join("\n").contains("--site \"$SITE\""));
    let child = platform(&root, &["platform", "matrix", "--format", "gitlab"]);
    assert_eq!(child.code, 0, "{}", child.stderr);
    let child: Value = serde_yaml_ng::from_str(&child.stdout).unwrap();
    assert_eq!(child["include"][0]["local"].as_str(), Some(".gitlab/govpress-site.yml"));
    let Value::Mapping(child) = child else { panic!("a mapping") };
    let jobs: Vec<(String, String)> = child
        .iter()
        .filter(|(name, _)| name.as_str() != Some("include"))
        .map(|(name, job)| {
            assert_eq!(job["extends"].as_str(), Some(".govpress-site"));
            (name.as_str().unwrap().to_string(), job["variables"]["SITE"].as_str().unwrap().to_string())
        })
        .collect();
    let expected: Vec<(String, String)> = sites.iter().map(|site| (format!("site:{site}"), site.to_string())).collect();
    assert_eq!(jobs, expected);
}

#[test]
fn a_platform_site_archives_with_what_the_platform_shares_and_verifies() {
    let (dir, root) = demo_platform();
    let (key, public) = common::keypair(dir.path(), "publisher");
    let archive = dir.path().join("fgw.tar.gz");
    let archived = run(govpress()
        .env_remove("GOVPRESS_PUBLISHER_KEY")
        .arg("archive")
        .arg(root.join("sites/fgw"))
        .arg("--out")
        .arg(&archive)
        .arg("--publisher-key")
        .arg(&key));
    assert_eq!(archived.code, 0, "{}", archived.stderr);
    let bytes = std::fs::read(&archive).unwrap();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    let mut names = Vec::new();
    let mut manifest = String::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        if name == govpress::archive::MANIFEST_MEMBER {
            std::io::Read::read_to_string(&mut entry, &mut manifest).unwrap();
        }
        names.push(name);
    }
    // The roster that signed the site's log, the terms and theme it was built with: the archive alone
    // holds everything needed to read and check the site again.
    for must in [
        "site/govpress.toml",
        "site/reviews/log.jsonl",
        "platform/platform.toml",
        "platform/reviewers.toml",
        "platform/terms.toml",
        "platform/theme/static/assets/platform.css",
        "output/index.html",
    ] {
        assert!(names.iter().any(|name| name == must), "{must} is archived: {names:?}");
    }
    assert!(!names.iter().any(|name| name.contains("demo-keys") || name.starts_with("platform/sites/")), "{names:?}");
    let manifest = govpress::archive::ArchiveManifest::from_json(&manifest).unwrap();
    assert!(manifest.review_log_head.is_some(), "the log verified against the shared roster");
    let verified = run(govpress().arg("archive").arg("verify").arg(&archive).arg("--public-key").arg(&public));
    assert_eq!(verified.code, 0, "{}{}", verified.stdout, verified.stderr);
}
