//! `govpress check` end to end: exit codes (SPEC §5), languages, and bad input.

mod common;

use common::{check, clean_site, govpress, run, site_with_findings, site_with_warnings, write};
use serde_json::Value;

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|error| panic!("not JSON ({error}):\n{stdout}"))
}

#[test]
fn a_clean_site_exits_0_and_says_so() {
    let site = clean_site();
    let result = check(site.path(), &[]);
    assert_eq!(result.code, 0, "{}{}", result.stdout, result.stderr);
    assert_eq!(result.stdout, "检查了 3 个文件：未发现问题\n");
    let result = check(site.path(), &["--lang", "en"]);
    assert_eq!(result.stdout, "Checked 3 files: no problems found\n");
    // The site as an argument, from elsewhere, gives the same.
    let result = run(govpress().args(["check", site.path().to_str().unwrap(), "--now", common::NOW]));
    assert_eq!(result.code, 0, "{}", result.stdout);
}

#[test]
fn errors_exit_1_warnings_only_with_deny_warnings() {
    let warnings = site_with_warnings();
    let result = check(warnings.path(), &["--format", "json"]);
    let report = json(&result.stdout);
    assert_eq!((report["errors"].as_u64(), report["warnings"].as_u64()), (Some(0), Some(2)));
    assert_eq!(result.code, 0, "warnings alone pass");
    assert_eq!(check(warnings.path(), &["--deny-warnings"]).code, 1);

    let findings = site_with_findings();
    let result = check(findings.path(), &["--format", "json"]);
    assert_eq!(result.code, 1);
    let report = json(&result.stdout);
    assert_eq!(report["version"], 1);
    assert_eq!(report["files_checked"], 6);
    let rules: Vec<(&str, &str, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|diagnostic| {
            (
                diagnostic["file"].as_str().unwrap(),
                diagnostic["rule"].as_str().unwrap(),
                diagnostic["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("content/news/map.md", "subresources.host", 6),
            ("content/news/map.md", "subresources.integrity", 6),
            ("content/news/photo.md", "insecure.http-resource", 6),
            ("content/news/reprint.md", "reprint.source-url", 6),
        ]
    );
}

#[test]
fn every_format_exits_with_the_same_code() {
    let findings = site_with_findings();
    let clean = clean_site();
    for format in ["human", "json", "sarif", "github", "junit"] {
        assert_eq!(check(findings.path(), &["--format", format]).code, 1, "{format}");
        assert_eq!(check(clean.path(), &["--format", format]).code, 0, "{format}");
    }
}

#[test]
fn human_output_quotes_the_line_and_cites_the_article() {
    let site = site_with_findings();
    let result = check(site.path(), &[]);
    let expected_block = "\
错误[insecure.http-resource]：资源“http://img.example.com/week.png”通过不安全的 http:// 加载（第二十九条：应使用安全连接）
 --> content/news/photo.md:6:6
  |
6 | 现场照片：![宣传周](http://img.example.com/week.png)
  |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = 依据：《互联网政务应用安全管理规定》第二十九条
  = 链接：http://img.example.com/week.png
  = 帮助：改用 https:// 地址，或把文件放到本站 static/ 目录
";
    assert!(result.stdout.contains(expected_block), "{}", result.stdout);
    assert!(result.stdout.starts_with("警告[subresources.host]："));
    assert!(result.stdout.ends_with("\n检查了 6 个文件：2 个错误，2 个警告\n"), "{}", result.stdout);
    assert!(!result.stdout.contains('\x1b'), "no colour into a pipe");
}

#[test]
fn english_switches_every_word() {
    let site = site_with_findings();
    let result = check(site.path(), &["--lang", "en"]);
    assert!(result.stdout.contains("error[reprint.source-url]: "), "{}", result.stdout);
    assert!(result.stdout.contains("warning[subresources.integrity]: "));
    assert!(result.stdout.contains("= basis: article 29 of the Provisions"));
    assert!(result.stdout.contains("= help: "));
    assert!(result.stdout.ends_with("Checked 6 files: 2 errors, 2 warnings\n"));
    // Chinese remains only where the source text itself is quoted.
    for line in result.stdout.lines().filter(|line| !line.contains(" | ") && !line.contains("-->")) {
        assert!(line.chars().all(|character| character.is_ascii() || "“”→…".contains(character)), "{line}");
    }
    let json_report = json(&check(site.path(), &["--format", "json", "--lang", "en"]).stdout);
    assert!(json_report["diagnostics"][0]["message"].as_str().unwrap().is_ascii());
}

#[test]
fn colour_is_forced_or_refused_by_the_environment() {
    let site = site_with_findings();
    let coloured =
        run(govpress().current_dir(site.path()).args(["check", "--now", common::NOW]).env("CLICOLOR_FORCE", "1"));
    assert!(coloured.stdout.contains("\x1b[1;31m错误[insecure.http-resource]\x1b[0m"), "{}", coloured.stdout);
    let refused = run(govpress()
        .current_dir(site.path())
        .args(["check", "--now", common::NOW])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1"));
    assert!(!refused.stdout.contains('\x1b'));
}

#[test]
fn config_findings_quote_govpress_toml() {
    let site = clean_site();
    let config = common::CLEAN_CONFIG.replace("icp = \"京ICP备00000000号\"\n", "");
    write(&site.path().join("govpress.toml"), &config);
    let result = check(site.path(), &[]);
    assert_eq!(result.code, 1);
    assert!(
        result.stdout.starts_with(
            "错误[identity.missing]：缺少ICP 备案号 identity.icp，页面底部无法加注（第九条）\n \
         --> govpress.toml:6:1\n  |\n6 | [identity]\n  | ^\n  = 依据：《互联网政务应用安全管理规定》第九条\n"
        ),
        "{}",
        result.stdout
    );
}

#[test]
fn the_demo_portal_renders_in_every_format() {
    let portal = common::repo_root().join("examples/portal");
    let portal = portal.to_str().unwrap();
    let json_run = check(&common::repo_root(), &[portal, "--format", "json"]);
    let report = json(&json_run.stdout);
    assert!(report["files_checked"].as_u64() > Some(10), "{}", json_run.stderr);
    let expected_code = if report["errors"].as_u64() > Some(0) { 1 } else { 0 };
    assert_eq!(json_run.code, expected_code);
    for format in ["human", "sarif", "github", "junit"] {
        let result = check(&common::repo_root(), &[portal, "--format", format]);
        assert_eq!(result.code, expected_code, "{format}: {}", result.stderr);
        assert!(!result.stdout.is_empty(), "{format}");
    }
}

#[test]
fn a_broken_config_exits_2_naming_file_line_and_column() {
    let site = clean_site();
    write(&site.path().join("govpress.toml"), "[site]\nname = \"示例市人民政府\"\nbase_url = \n");
    let result = check(site.path(), &[]);
    assert_eq!(result.code, 2);
    assert!(result.stdout.is_empty(), "nothing is reported on stdout: {}", result.stdout);
    assert!(result.stderr.contains("govpress.toml:3:"), "{}", result.stderr);
    // A wrong type names its line too.
    write(&site.path().join("govpress.toml"), "[site]\nname = 5\n");
    let result = check(site.path(), &[]);
    assert_eq!(result.code, 2);
    assert!(result.stderr.contains("govpress.toml:2:"), "{}", result.stderr);
    assert!(result.stderr.contains("配置错误"), "Chinese by default: {}", result.stderr);
    // `--lang en`: the same place, in English only.
    let english = check(site.path(), &["--lang", "en"]);
    assert_eq!(english.code, 2);
    assert!(
        english.stderr.contains("govpress.toml:2:") && english.stderr.contains("config error"),
        "{}",
        english.stderr
    );
    assert!(!english.stderr.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{}", english.stderr);
    let missing = check(site.path(), &["--lang", "en", "no-such-dir"]);
    assert!(!missing.stderr.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{}", missing.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let site = clean_site();
    let missing = check(site.path(), &["no-such-dir"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("no-such-dir"), "{}", missing.stderr);
    assert_eq!(check(site.path(), &["content/news/gone.md"]).code, 2);
    let unknown = check(site.path(), &["--no-such-flag"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("--no-such-flag"));
    assert_eq!(check(site.path(), &["--format", "xml"]).code, 2);
    assert_eq!(check(site.path(), &["--lang", "fr"]).code, 2);
    assert_eq!(run(govpress().arg("--version")).code, 0);
}

#[test]
fn a_directory_without_config_is_not_a_site() {
    let dir = tempfile::tempdir().unwrap();
    let result = check(dir.path(), &[]);
    assert_eq!(result.code, 2);
    assert!(result.stderr.contains("govpress.toml"), "{}", result.stderr);
}

#[cfg(unix)]
#[test]
fn a_symlink_leaving_the_site_is_refused_with_a_diagnostic() {
    let site = clean_site();
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("secret.md"), "+++\ntitle = \"外部\"\ndate = 2026-11-20\n+++\n");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), site.path().join("content/news/secret.md")).unwrap();
    let result = check(site.path(), &["--format", "json"]);
    assert_eq!(result.code, 1);
    let report = json(&result.stdout);
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(diagnostic["rule"], "file.outside-site");
    assert_eq!(diagnostic["file"], "content/news/secret.md");
    assert_eq!(diagnostic["article"], 3);
    // The human format has no source to quote, and says so plainly rather than failing.
    let human = check(site.path(), &[]);
    assert!(human.stdout.contains("错误[file.outside-site]"));
    assert!(
        human.stdout.contains(" --> content/news/secret.md:1:1\n  = 依据：《互联网政务应用安全管理规定》第三条\n"),
        "{}",
        human.stdout
    );
}

#[test]
fn invalid_utf8_is_a_diagnostic_at_the_bad_byte() {
    let site = clean_site();
    std::fs::write(site.path().join("content/news/gbk.md"), b"+++\ntitle = \"\xb1\xea\xcc\xe2\"\n+++\n").unwrap();
    let result = check(site.path(), &["--format", "json"]);
    assert_eq!(result.code, 1, "{}", result.stderr);
    let report = json(&result.stdout);
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(diagnostic["rule"], "file.encoding");
    assert_eq!((diagnostic["line"].as_u64(), diagnostic["column"].as_u64()), (Some(2), Some(10)));
    // Checked as a single file too, with the file named as given.
    let single = check(site.path(), &["content/news/gbk.md", "--format", "json"]);
    assert_eq!(single.code, 1);
    assert_eq!(json(&single.stdout)["diagnostics"][0]["file"], "content/news/gbk.md");
}

#[test]
fn single_files_without_a_site_use_the_default_config() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("draft.md"),
        "+++\ntitle = \"草稿\"\ndate = 2026-11-20\n+++\n\n![图](http://a.example.com/x.png)\n",
    );
    let result = check(dir.path(), &["draft.md", "--format", "json"]);
    assert_eq!(result.code, 1);
    let report = json(&result.stdout);
    assert_eq!(report["files_checked"], 1);
    assert_eq!(report["diagnostics"][0]["file"], "draft.md");
    assert_eq!(report["diagnostics"][0]["rule"], "insecure.http-resource");
    let broken = tempfile::tempdir().unwrap();
    write(&broken.path().join("bad.toml"), "[links]\nmode = [\n");
    let result = check(dir.path(), &["draft.md", "--config", broken.path().join("bad.toml").to_str().unwrap()]);
    assert_eq!(result.code, 2);
    assert!(result.stderr.contains("bad.toml:2:"), "{}", result.stderr);
}

#[test]
fn json_keeps_the_field_order_of_spec_section_6() {
    let site = site_with_findings();
    let result = check(site.path(), &["--format", "json"]);
    let text = &result.stdout;
    let order = |keys: &[&str], within: &str| {
        let positions: Vec<usize> = keys
            .iter()
            .map(|key| within.find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("{key} missing")))
            .collect();
        assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{keys:?} out of order in {within}");
    };
    order(&["version", "files_checked", "errors", "warnings", "diagnostics"], text);
    let first = &text[text.find('[').unwrap()..text.find('}').unwrap()];
    order(&["rule", "article", "severity", "file", "line", "column", "message", "help"], first);
    let report = json(text);
    for diagnostic in report["diagnostics"].as_array().unwrap() {
        assert!(diagnostic["line"].as_u64() >= Some(1) && diagnostic["column"].as_u64() >= Some(1), "1-based");
        assert!(
            !diagnostic["message"].as_str().unwrap().is_empty() && !diagnostic["help"].as_str().unwrap().is_empty()
        );
    }
}

#[cfg(unix)]
#[test]
fn a_reader_closing_the_pipe_early_does_not_turn_findings_into_a_failure() {
    use std::process::Stdio;
    let site = site_with_findings();
    // Enough output to fill the pipe: many findings.
    for index in 0..400 {
        write(
            &site.path().join(format!("content/news/p{index}.md")),
            "+++\ntitle = \"t\"\ndate = 2026-11-21\n+++\n\n![x](http://a.example.com/x.png)\n",
        );
    }
    let mut child = govpress()
        .current_dir(site.path())
        .args(["check", "--now", common::NOW])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn the_demo_portal_pins_its_now_so_it_is_clean_on_any_day() {
    // No --now: examples/portal/govpress.toml's [checks] now is used, whatever the clock says.
    let portal = common::repo_root().join("examples/portal");
    let result = run(govpress().args(["check", portal.to_str().unwrap(), "--format", "json"]));
    let report = json(&result.stdout);
    assert_eq!((report["errors"].as_u64(), report["warnings"].as_u64()), (Some(0), Some(0)), "{}", result.stdout);
    // --now still wins: years later the home page and the sections are stale.
    let later = run(govpress().args([
        "check",
        portal.to_str().unwrap(),
        "--format",
        "json",
        "--now",
        "2099-01-01T00:00:00+08:00",
    ]));
    let rules: Vec<String> = json(&later.stdout)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(rules.iter().any(|rule| rule == "timeliness.stale-home"), "{rules:?}");
}

#[test]
fn a_page_dated_far_from_its_final_signature_is_a_warning() {
    let site = common::clean_site();
    let root = site.path();
    // The default tolerance (30 days), not the tests' 0.
    write(&root.join("govpress.toml"), &common::CLEAN_CONFIG.replace("date_tolerance_days = 0\n", ""));
    write(&root.join("content/news/old.md"), "+++\ntitle = \"旧闻\"\ndate = 2001-01-01\n+++\n\n补录的旧闻。\n");
    common::sign_off(root);
    let findings = |result: &common::Run| -> Vec<(String, u64)> {
        json(&result.stdout)["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "timeliness.review-date" && d["file"] == "content/news/old.md")
            .map(|d| (d["severity"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap()))
            .collect()
    };
    let result = check(root, &["--format", "json"]);
    assert_eq!(findings(&result), [("warning".to_string(), 3)], "{}", result.stdout);
    // Turned off for a site whose history was entered afterwards.
    write(&root.join("govpress.toml"), common::CLEAN_CONFIG);
    assert!(findings(&check(root, &["--format", "json"])).is_empty());
}
