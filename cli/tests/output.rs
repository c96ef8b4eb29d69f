//! The build's output directory: incremental and atomic, never reusing a tampered file, and `static/`
//! held to the rules (symlinks, secrets, one owner per output path).

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use common::{clean_site, govpress, run, write, Run, NOW};
use govpress::audit::manifest::MANIFEST_FILE;

struct Site {
    _site: tempfile::TempDir,
    root: PathBuf,
    /// Holds only the output and whatever the build leaves beside it.
    parent: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let site = clean_site();
        let root = site.path().to_path_buf();
        Site { _site: site, root, parent: tempfile::tempdir().unwrap() }
    }

    fn out(&self) -> PathBuf {
        self.parent.path().join("public")
    }

    fn build(&self) -> Run {
        run(govpress().arg("build").arg(&self.root).arg("--out").arg(self.out()).args(["--now", NOW, "--quiet"]))
    }

    fn build_json(&self) -> (Run, Vec<(String, String)>) {
        let built = run(govpress()
            .arg("build")
            .arg(&self.root)
            .arg("--out")
            .arg(self.out())
            .args(["--now", NOW, "--quiet", "--format", "json"]));
        let report: serde_json::Value = serde_json::from_str(&built.stdout)
            .unwrap_or_else(|error| panic!("{error}: {}{}", built.stdout, built.stderr));
        let found = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|diagnostic| {
                let message = diagnostic["message"].as_str().unwrap_or_default().to_string();
                (diagnostic["rule"].as_str().unwrap().to_string(), format!("{} {message}", diagnostic["file"]))
            })
            .collect();
        (built, found)
    }

    /// Names beside the output other than the output itself and the previous output's directories kept
    /// for the next build (`.public.recycle`), and anything but a directory in those, once the
    /// background removals are done.
    fn leftovers(&self) -> Vec<String> {
        let kept = self.parent.path().join(".public.recycle");
        let list = || -> Vec<String> {
            let beside = std::fs::read_dir(self.parent.path())
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name != "public" && name != ".public.recycle");
            let in_kept = walkdir::WalkDir::new(&kept)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|entry| !entry.file_type().is_dir())
                .map(|entry| entry.path().display().to_string());
            beside.chain(in_kept).collect()
        };
        // The previous tree's files are removed in the background; wait for it, bounded (not a timing assertion).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !list().is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        list()
    }
}

/// Every file of the output (not the manifest) → (inode, bytes).
fn files(root: &Path) -> BTreeMap<String, (u64, Vec<u8>)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file() && entry.file_name() != MANIFEST_FILE)
        .map(|entry| {
            let relative = entry.path().strip_prefix(root).unwrap().to_string_lossy().into_owned();
            (relative, (entry.metadata().unwrap().ino(), std::fs::read(entry.path()).unwrap()))
        })
        .collect()
}

fn verify(out: &Path) -> Run {
    run(govpress().arg("verify").arg(out).arg("--quiet"))
}

#[test]
fn an_unchanged_rebuild_writes_no_file_again_and_leaves_nothing_behind() {
    let site = Site::new();
    assert_eq!(site.build().code, 0);
    let first = files(&site.out());
    assert!(first.len() > 5, "{first:?}");
    let built = site.build();
    assert_eq!(built.code, 0, "{}", built.stderr);
    let second = files(&site.out());
    assert_eq!(second, first, "an unchanged rebuild kept every file, inode and bytes");
    assert_eq!(site.leftovers(), Vec::<String>::new(), "the previous tree's files are removed");
    // Published files have exactly one name: the previous tree is gone, nothing else links them.
    let page = std::fs::metadata(site.out().join("news/week/index.html")).unwrap();
    assert_eq!(page.nlink(), 1);
    assert_eq!(std::fs::metadata(site.out()).unwrap().mode() & 0o777, 0o755, "the web server can read the output");
    assert_eq!(verify(&site.out()).code, 0);

    // One page changed: that page (and what lists it) is new, the rest is reused.
    let page = site.root.join("content/news/week.md");
    let text = std::fs::read_to_string(&page).unwrap().replace("今日启动", "今天启动");
    write(&page, &text);
    common::sign_off(&site.root);
    assert_eq!(site.build().code, 0);
    let third = files(&site.out());
    assert_ne!(third["news/week/index.html"], second["news/week/index.html"]);
    assert!(String::from_utf8_lossy(&third["news/week/index.html"].1).contains("今天启动"));
    assert_eq!(third["robots.txt"], second["robots.txt"], "an unchanged file is reused");
    assert_eq!(verify(&site.out()).code, 0);
}

#[test]
fn a_file_tampered_with_in_the_output_is_not_carried_into_the_next_build() {
    let site = Site::new();
    assert_eq!(site.build().code, 0);
    let good = files(&site.out());
    let out = site.out();
    // Same length, so only the bytes tell: the manifest beside it still has the old digest.
    let page = out.join("news/week/index.html");
    let tampered =
        String::from_utf8(good["news/week/index.html"].1.clone()).unwrap().replacen("网络安全", "网络安仝", 1);
    assert_eq!(tampered.len(), good["news/week/index.html"].1.len());
    std::fs::write(&page, &tampered).unwrap();
    // A file replaced by a symlink to identical bytes elsewhere, and one made world-writable.
    let elsewhere = site.parent.path().join("robots.copy");
    std::fs::write(&elsewhere, &good["robots.txt"].1).unwrap();
    std::fs::remove_file(out.join("robots.txt")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("robots.txt")).unwrap();
    let sitemap = out.join("sitemap.xml");
    std::fs::set_permissions(&sitemap, std::os::unix::fs::PermissionsExt::from_mode(0o666)).unwrap();
    // The search index is reused as a whole when no page changed: a tampered file of it is not.
    let mut index = good["search/index.json"].1.clone();
    let last = index.len() - 1;
    index[last] ^= 0x01;
    std::fs::write(out.join("search/index.json"), &index).unwrap();
    assert_eq!(verify(&out).code, 1, "verify sees the tampering");

    assert_eq!(site.build().code, 0);
    let rebuilt = files(&out);
    for (path, (_, bytes)) in &good {
        assert_eq!(&rebuilt[path].1, bytes, "{path} has the build's bytes");
    }
    assert!(std::fs::symlink_metadata(out.join("robots.txt")).unwrap().file_type().is_file());
    assert_eq!(std::fs::metadata(&sitemap).unwrap().mode() & 0o022, 0, "written afresh with the usual mode");
    assert_ne!(rebuilt["news/week/index.html"].0, good["news/week/index.html"].0, "written afresh");
    assert_ne!(rebuilt["search/index.json"].0, good["search/index.json"].0, "written afresh");
    assert_eq!(verify(&out).code, 0);
    std::fs::remove_file(&elsewhere).unwrap();
}

/// The render cache (`.govpress/render-cache/`) is keyed by everything a page's HTML depends on: a changed
/// template or config is seen on the next build, though the pages' sources did not change.
#[test]
fn an_edited_template_or_config_is_not_hidden_by_the_render_cache() {
    let site = Site::new();
    // A link leaving government sites: how the HTML pass writes it depends on the config alone.
    write(
        &site.root.join("content/news/bank.md"),
        "+++\ntitle = \"便民服务\"\ndate = 2026-11-20\ndepartment = \"办公室\"\n+++\n\n可通过[合作银行](https://www.bank.example.com/service)查询。\n",
    );
    common::sign_off(&site.root);
    assert_eq!(site.build().code, 0);
    let bank = site.out().join("news/bank/index.html");
    let interstitial = std::fs::read_to_string(&bank).unwrap();
    assert!(!interstitial.contains("href=\"https://www.bank.example.com/service\""), "{interstitial}");
    let page = site.out().join("news/week/index.html");
    let before = std::fs::read_to_string(&page).unwrap();
    assert!(site.root.join(".govpress/render-cache").is_dir(), "the cache is in the site's private area");
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../site-template/templates/page.html");
    let template = std::fs::read_to_string(theme).unwrap();
    write(
        &site.root.join("templates/page.html"),
        &template.replace("{% block content %}", "{% block content %}<p class=\"edited-template\">模板已改</p>"),
    );
    assert_eq!(site.build().code, 0);
    let templated = std::fs::read_to_string(&page).unwrap();
    assert!(templated.contains("edited-template") && !before.contains("edited-template"), "{templated}");

    // The HTML pass reads the config too: links that leave the site keep their target in confirm mode.
    let config = std::fs::read_to_string(site.root.join("govpress.toml")).unwrap();
    write(&site.root.join("govpress.toml"), &format!("{config}\n[links]\nmode = \"confirm\"\n"));
    assert_eq!(site.build().code, 0);
    let confirmed = std::fs::read_to_string(&bank).unwrap();
    assert!(confirmed.contains("href=\"https://www.bank.example.com/service\""), "{confirmed}");
    assert!(confirmed.contains("data-govpress-leave") && confirmed.contains("edited-template"), "{confirmed}");
    assert_eq!(verify(&site.out()).code, 0);

    // Unchanged since: every file is reused, inode and bytes.
    let settled = files(&site.out());
    assert_eq!(site.build().code, 0);
    assert_eq!(files(&site.out()), settled);
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte_and_no_temporary_directory() {
    let site = Site::new();
    assert_eq!(site.build().code, 0);
    let before = files(&site.out());
    write(&site.root.join("static/.env"), "DATABASE_PASSWORD=hunter2\n");
    let failed = site.build();
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    assert_eq!(files(&site.out()), before, "the previous output changed");
    assert_eq!(site.leftovers(), Vec::<String>::new());
    assert_eq!(std::fs::metadata(site.out().join("index.html")).unwrap().nlink(), 1, "no link left in a staging dir");
    assert_eq!(verify(&site.out()).code, 0);
}

#[test]
fn secrets_in_static_are_refused_by_content_and_certificates_are_published() {
    let site = Site::new();
    let root = &site.root;
    write(
        &root.join("static/certs/ca.pem"),
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n",
    );
    write(
        &root.join("static/certs/pub.pem"),
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYI\n-----END PUBLIC KEY-----\n",
    );
    let built = site.build();
    assert_eq!(built.code, 0, "{}{}", built.stdout, built.stderr);
    assert!(site.out().join("certs/ca.pem").is_file() && site.out().join("certs/pub.pem").is_file());

    write(
        &root.join("static/certs/server.pem"),
        "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n",
    );
    write(
        &root.join("static/img/logo.png"),
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
    );
    write(&root.join("static/.env"), "SECRET=1\n");
    write(&root.join("static/.git/config"), "[core]\n");
    write(&root.join("static/about.html~"), "<p>旧稿</p>\n");
    write(&root.join("static/.notice.html.swp"), "b0VIM\n");
    let (failed, found) = site.build_json();
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    let mut refused: Vec<_> =
        found.iter().map(|(rule, file)| format!("{rule} {}", file.split(' ').next().unwrap())).collect();
    refused.sort();
    assert_eq!(
        refused,
        [
            "static.backup \"static/.notice.html.swp\"",
            "static.backup \"static/about.html~\"",
            "static.secret \"static/.env\"",
            "static.secret \"static/.git/config\"",
            "static.secret \"static/certs/server.pem\"",
            "static.secret \"static/img/logo.png\"",
        ]
    );
    assert!(!site.out().join("certs/server.pem").exists() && !site.out().join(".env").exists());
    let rules = run(govpress().arg("rules"));
    for rule in ["static.secret", "static.backup", "output.collision"] {
        assert!(rules.stdout.contains(rule), "`govpress rules` lists {rule}");
    }
}

#[test]
fn a_symlinked_static_is_followed_only_inside_the_site() {
    let site = Site::new();
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("passwd"), "root:x:0:0\n");
    // Inside the site: a shared asset linked into static/ is published.
    write(&site.root.join("assets/logo.txt"), "标识\n");
    std::fs::create_dir_all(site.root.join("static")).unwrap();
    std::os::unix::fs::symlink(site.root.join("assets/logo.txt"), site.root.join("static/logo.txt")).unwrap();
    assert_eq!(site.build().code, 0);
    assert_eq!(std::fs::read_to_string(site.out().join("logo.txt")).unwrap(), "标识\n");

    // A link inside static/ to a directory outside the site.
    std::os::unix::fs::symlink(outside.path(), site.root.join("static/etc")).unwrap();
    let (failed, found) = site.build_json();
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "file.outside-site");
    assert!(found[0].1.starts_with("\"static/etc\""), "{found:?}");
    assert!(!site.out().join("etc").exists());

    // static/ itself a link out of the site.
    std::fs::remove_dir_all(site.root.join("static")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root.join("static")).unwrap();
    let (failed, found) = site.build_json();
    assert_eq!(failed.code, 1);
    assert_eq!(found.iter().map(|(rule, file)| format!("{rule} {file}")).collect::<Vec<_>>().len(), 1, "{found:?}");
    assert!(found[0].1.starts_with("\"static\""), "{found:?}");
    assert!(!site.out().join("passwd").exists());
}

#[test]
fn a_static_file_cannot_take_a_page_or_a_generated_file() {
    let site = Site::new();
    let root = &site.root;
    write(&root.join("static/news/week/index.html"), "<p>冒充已审核页面</p>\n");
    let (failed, found) = site.build_json();
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "output.collision");
    assert!(found[0].1.contains("static/news/week/index.html") && found[0].1.contains("news/week/index.html"));
    assert!(!site.out().exists(), "nothing published");

    std::fs::remove_dir_all(root.join("static/news")).unwrap();
    write(&root.join("static/sitemap.xml"), "<urlset/>\n");
    // A file where the build needs a directory: a diagnostic, not a raw I/O error.
    write(&root.join("static/news"), "not a directory\n");
    let (failed, found) = site.build_json();
    assert_eq!(failed.code, 1, "{}{}", failed.stdout, failed.stderr);
    let rules: Vec<_> =
        found.iter().map(|(rule, file)| format!("{rule} {}", file.split(' ').next().unwrap())).collect();
    assert_eq!(rules, ["output.collision \"static/news\"", "output.collision \"static/sitemap.xml\""], "{found:?}");
    assert!(found.iter().any(|(_, message)| message.contains("生成的 sitemap.xml")), "{found:?}");
}

/// A rebuild takes the previous output's directories (kept beside it as `.public.recycle`) instead of
/// creating them again, but nothing in them is trusted: a symlink, a stray file or a directory others
/// may write is removed, and a directory the new output does not need is not published.
#[test]
fn the_kept_directories_of_the_previous_output_carry_nothing_into_the_next_build() {
    let site = Site::new();
    assert_eq!(site.build().code, 0);
    assert_eq!(site.build().code, 0);
    assert_eq!(site.leftovers(), Vec::<String>::new());
    let kept = site.parent.path().join(".public.recycle");
    assert!(kept.join("news/week").is_dir(), "the previous output's directories are kept");

    // Planted while the kept tree sat beside the output.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::remove_dir_all(kept.join("news/week")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), kept.join("news/week")).unwrap();
    write(&kept.join("news/stray.html"), "<script src=http://evil.example.com/x.js></script>");
    std::fs::create_dir_all(kept.join("open/door")).unwrap();
    std::fs::set_permissions(kept.join("open"), std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    write(&kept.join("open/door/index.html"), "planted");
    std::fs::create_dir_all(kept.join("gone/page")).unwrap();

    // A page taken down: its directory must not stay behind empty.
    std::fs::remove_file(site.root.join("content/news/week.md")).unwrap();
    common::sign_off(&site.root);
    let rebuilt = site.build();
    assert_eq!(rebuilt.code, 0, "{}{}", rebuilt.stdout, rebuilt.stderr);
    let out = site.out();
    assert!(!out.join("news/week").exists(), "a page taken down leaves no directory");
    for planted in ["news/stray.html", "open", "gone"] {
        assert!(!out.join(planted).exists(), "{planted} was carried into the output");
    }
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0, "nothing written through a symlink");

    // The same as a build into a fresh directory, file for file.
    let fresh = tempfile::tempdir().unwrap();
    let fresh_out = fresh.path().join("public");
    let built =
        run(govpress().arg("build").arg(&site.root).arg("--out").arg(&fresh_out).args(["--now", NOW, "--quiet"]));
    assert_eq!(built.code, 0);
    let bytes =
        |root: &Path| files(root).into_iter().map(|(path, (_, bytes))| (path, bytes)).collect::<BTreeMap<_, _>>();
    assert_eq!(bytes(&out), bytes(&fresh_out));
    let directories = |root: &Path| {
        walkdir::WalkDir::new(root)
            .into_iter()
            .map(Result::unwrap)
            .filter(|entry| entry.file_type().is_dir())
            .map(|entry| entry.path().strip_prefix(root).unwrap().to_path_buf())
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(directories(&out), directories(&fresh_out), "the same directories, no empty one left");
    assert_eq!(verify(&out).code, 0);
}
