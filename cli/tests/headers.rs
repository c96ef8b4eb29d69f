//! The security headers the build writes (docs/deploy.md): `_headers` in the output (in the signed
//! manifest), the nginx includes in the site's `.govpress/nginx/` (never served); a config value that
//! would weaken the policy or break the header fails the build at its line, before anything is written.

mod common;

use common::{clean_site, govpress, run, write, NOW};

#[test]
fn the_build_writes_the_headers_file_and_the_nginx_includes() {
    let site = clean_site();
    let out = site.path().join("public");
    let built = run(govpress().arg("build").arg(site.path()).arg("--out").arg(&out).args(["--now", NOW, "--quiet"]));
    assert_eq!(built.code, 0, "{}", built.stderr);
    let headers = std::fs::read_to_string(out.join("_headers")).unwrap();
    assert!(headers.contains("  Content-Security-Policy: default-src 'none'; script-src 'self';"), "{headers}");
    let manifest = std::fs::read_to_string(out.join(".govpress-manifest.json")).unwrap();
    assert!(manifest.contains("\"_headers\""));
    let nginx = site.path().join(".govpress/nginx");
    let include = std::fs::read_to_string(nginx.join("govpress-headers.conf")).unwrap();
    assert!(include.contains("add_header Content-Security-Policy $govpress_csp always;"), "{include}");
    assert!(include.contains("add_header Strict-Transport-Security \"max-age=31536000\" always;"), "{include}");
    let redirect = std::fs::read_to_string(nginx.join("govpress-redirect.conf")).unwrap();
    assert!(redirect.contains("return 301 https://"), "{redirect}");
    // Not in the output: nothing of the server's configuration is served.
    assert!(!walkdir::WalkDir::new(&out)
        .into_iter()
        .any(|entry| entry.unwrap().file_name() == "govpress-headers.conf"));
}

#[test]
fn a_header_value_that_would_weaken_the_policy_fails_the_build_at_its_line() {
    let site = clean_site();
    let config = site.path().join("govpress.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    write(&config, &format!("{text}\n[headers]\nframe_hosts = [\"*\"]\n"));
    let line = text.lines().count() + 3;
    let out = site.path().join("public");
    let built = run(govpress().arg("build").arg(site.path()).arg("--out").arg(&out).args(["--now", NOW, "--quiet"]));
    assert_eq!(built.code, 2, "{}", built.stderr);
    assert!(built.stderr.contains(&format!("govpress.toml:{line}:")), "{}", built.stderr);
    assert!(built.stderr.contains("headers.frame_hosts"), "{}", built.stderr);
    assert!(!out.exists());
}
