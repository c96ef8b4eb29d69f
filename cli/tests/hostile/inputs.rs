//! Hostile files end to end (issue 15): each refused with an error naming the file, or published only
//! in a safe form; never a panic or a hang, never a byte outside the output directory and the site's
//! `.govpress/`, never a half-written output.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::{sign_off, write};
use crate::support::{build, rules, site_with};

/// Every path under `root` except the output and `.govpress/`, to prove a build wrote nothing else.
fn tree(root: &Path, out: &Path) -> BTreeSet<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|entry| entry.path() != out && entry.file_name() != ".govpress")
        .map(|entry| entry.unwrap().into_path())
        .collect()
}

/// Builds `root`; the report names `file` with `rule`, the build fails, nothing is written anywhere.
fn refused(root: &Path, out: &Path, file: &str, rule: &str) {
    let before = tree(root, out);
    let built = build(root, out);
    assert_eq!(built.code, 1, "{}{}", built.stdout, built.stderr);
    let report: serde_json::Value = serde_json::from_str(&built.stdout).unwrap();
    let named = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|diagnostic| diagnostic["rule"] == rule && diagnostic["file"] == file);
    assert!(named, "{rule} on {file}: {}", built.stdout);
    assert!(!out.exists(), "a failed build wrote its output");
    assert_eq!(tree(root, out), before, "the build wrote outside the output and .govpress/");
}

#[test]
fn a_file_over_the_size_limit_is_refused_by_its_size() {
    let (dir, out) = site_with(|root| {
        let config = std::fs::read_to_string(root.join("govpress.toml")).unwrap();
        write(&root.join("govpress.toml"), &format!("{config}\n[limits]\nmax_file_bytes = 4096\n"));
        let body = "正文。".repeat(1000);
        write(
            &root.join("content/news/big.md"),
            &format!("+++\ntitle = \"大文件\"\ndate = 2026-11-20\n+++\n\n{body}\n"),
        );
        sign_off(root);
    });
    refused(dir.path(), &out, "content/news/big.md", "file.too-large");
    let built = build(dir.path(), &out);
    assert!(built.stdout.contains("4096"), "{}", built.stdout);
}

#[cfg(unix)]
#[test]
fn a_fifo_behind_a_symlink_is_not_opened() {
    // Opening a FIFO blocks until a writer comes: the build must not hang on one.
    let (dir, out) = site_with(|root| {
        let fifo = root.join("content/pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        std::os::unix::fs::symlink(&fifo, root.join("content/news/pipe.md")).unwrap();
    });
    refused(dir.path(), &out, "content/news/pipe.md", "file.unreadable");
}

#[test]
fn nul_bytes_in_a_page_are_refused_or_published_without_them() {
    let (dir, out) = site_with(|root| {
        write(
            &root.join("content/news/nul.md"),
            "+++\ntitle = \"空\u{0}字符\"\ndate = 2026-11-20\n+++\n\n正文\u{0}<scr\u{0}ipt>alert(1)</script>\u{0}\n",
        );
        sign_off(root);
    });
    let built = build(dir.path(), &out);
    if built.code == 0 {
        for entry in walkdir::WalkDir::new(&out) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let bytes = std::fs::read(entry.path()).unwrap();
                assert!(!bytes.contains(&0), "{} holds a NUL byte", entry.path().display());
                assert!(!String::from_utf8_lossy(&bytes).contains("<script>alert"), "{}", entry.path().display());
            }
        }
    } else {
        assert_eq!(built.code, 1, "{}{}", built.stdout, built.stderr);
        assert!(built.stdout.contains("content/news/nul.md"), "{}", built.stdout);
    }
}

#[test]
fn absolute_and_windows_paths_in_path_or_slug_are_refused() {
    for (key, value) in [
        ("path", "/etc/cron.d/govpress"),
        ("path", "C:\\\\Windows\\\\System32\\\\x"),
        ("path", "C:/Windows/x"),
        ("path", "\\\\\\\\server\\\\share\\\\x"),
        ("slug", "..\\\\..\\\\x"),
        ("slug", "%2e%2e/%2e%2e/x"),
        ("path", "news/../../../x"),
    ] {
        let (dir, out) = site_with(|root| {
            write(
                &root.join("content/news/escape.md"),
                &format!("+++\ntitle = \"越界\"\ndate = 2026-11-20\n{key} = \"{value}\"\n+++\n\n正文\n"),
            );
            sign_off(root);
        });
        refused(dir.path(), &out, "content/news/escape.md", "paths.outside-site");
    }
}

#[test]
fn a_ten_megabyte_line_is_built_to_its_end() {
    let (dir, out) = site_with(|root| {
        let line = "很长的一行".repeat(10 * 1024 * 1024 / 15);
        write(
            &root.join("content/news/long.md"),
            &format!("+++\ntitle = \"长行\"\ndate = 2026-11-20\n+++\n\n{line}结尾标记\n"),
        );
        sign_off(root);
    });
    let built = build(dir.path(), &out);
    assert_eq!(built.code, 0, "{}{}", built.stdout, built.stderr);
    let page = std::fs::read_to_string(out.join("news/long/index.html")).unwrap();
    assert!(page.contains("结尾标记"));
}

#[test]
fn meta_refresh_base_and_vbscript_in_a_page_are_not_published() {
    let (dir, out) = site_with(|root| {
        write(
            &root.join("content/news/tricks.md"),
            "+++\ntitle = \"花招\"\ndate = 2026-11-20\n+++\n\n<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example.com/\">\n\n\
             <base href=\"https://evil.example.com/\">\n\n<a href=\"vbscript:msgbox(1)\">a</a> <a href=\"VBScript&#58;x\">b</a> \
             <img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">\n",
        );
        sign_off(root);
    });
    let built = build(dir.path(), &out);
    let found = rules(&built);
    if built.code == 0 {
        let page = std::fs::read_to_string(out.join("news/tricks/index.html")).unwrap().to_ascii_lowercase();
        let body = page.split("<main").nth(1).unwrap_or(&page);
        for needle in ["http-equiv", "<base", "vbscript", "data:image"] {
            assert!(!body.contains(needle), "{needle} published: {body}");
        }
    } else {
        assert!(!found.is_empty(), "{}{}", built.stdout, built.stderr);
        assert!(!out.exists());
    }
}
