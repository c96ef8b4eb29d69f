//! The demo portal (`examples/portal`) compiled into the binary, so `govpress serve` shows a
//! working site from anywhere. Only what a build reads is embedded: not the demo keys, not `public/`.

use std::path::Path;

use anyhow::Context;
use include_dir::{include_dir, Dir};

static CONTENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../examples/portal/content");
static STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../examples/portal/static");
const FILES: &[(&str, &[u8])] = &[
    ("govpress.toml", include_bytes!("../../../../examples/portal/govpress.toml")),
    ("reviewers.toml", include_bytes!("../../../../examples/portal/reviewers.toml")),
    ("reviews/log.jsonl", include_bytes!("../../../../examples/portal/reviews/log.jsonl")),
];

/// Writes the demo portal into `root` (an empty directory).
pub fn extract_demo_portal(root: &Path) -> anyhow::Result<()> {
    for (directory, name) in [(&CONTENT, "content"), (&STATIC, "static")] {
        let target = root.join(name);
        std::fs::create_dir_all(&target)
            .with_context(|| format!("无法创建 {0} / cannot create {0}", target.display()))?;
        directory.extract(&target).with_context(|| format!("无法写入 {0} / cannot write {0}", target.display()))?;
    }
    for (relative, bytes) in FILES {
        let path = root.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("无法创建 {0} / cannot create {0}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("无法写入 {0} / cannot write {0}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extracted_portal_is_a_site_with_pages_and_images() {
        let root = tempfile::tempdir().unwrap();
        extract_demo_portal(root.path()).unwrap();
        assert!(root.path().join("govpress.toml").is_file());
        assert!(root.path().join("content/_index.md").is_file());
        assert!(root.path().join("static/images/banner.svg").is_file());
        let pages = walkdir::WalkDir::new(root.path().join("content"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.path().extension().is_some_and(|extension| extension == "md"))
            .count();
        assert!(pages >= 40, "{pages} pages");
        assert!(!root.path().join("demo-keys").exists());
    }
}
