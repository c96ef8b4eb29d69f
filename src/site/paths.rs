//! One output path, one owner: two pages claiming one URL, or a page whose output would land on (or
//! inside) a file the build generates itself, are errors on the page, naming the other claimant.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostic::{Diagnostic, Position, Severity, Text};
use crate::leave_site::LEAVE_DIR;
use crate::rules::RuleInfo;

use super::model::SiteModel;

pub const OUTPUT_CONFLICT: RuleInfo = RuleInfo {
    id: "build.output-conflict",
    article: 13,
    severity: Severity::Error,
    summary_zh: "每个输出路径只能属于一个页面（两个页面不得占用同一网址，页面不得覆盖生成的文件）",
    summary_en: "Each output path has one owner: no two pages share a URL, no page takes a generated file's place",
};

pub const RULES: &[RuleInfo] = &[OUTPUT_CONFLICT];

/// Files every build writes besides the pages (theme assets come from the caller).
pub const GENERATED_FILES: [&str; 7] = [
    "sitemap.xml",
    "robots.txt",
    "404.html",
    ".govpress-manifest.json",
    "search/index.html",
    "search/search.js",
    crate::headers::HEADERS_FILE,
];

/// Every output path claimed twice. `reserved` are further files the build writes (theme assets).
/// Static files are not judged here: the build's staging refuses a static file that takes a
/// page's or a generated file's place (`output.collision`, reported on the static file).
pub fn conflicts(model: &SiteModel, reserved: &[&str]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut by_output: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, page) in model.pages.iter().enumerate() {
        by_output.entry(page.output_path()).or_default().push(index);
    }
    for claimants in by_output.values().filter(|claimants| claimants.len() > 1) {
        for &index in claimants {
            let page = &model.pages[index];
            let others: Vec<&str> = claimants
                .iter()
                .filter(|&&other| other != index)
                .map(|&other| model.pages[other].source_path.as_str())
                .collect();
            out.push(duplicate(&page.source_path, &page.url, &others.join("、")));
        }
    }
    let generated = generated_files(model, reserved);
    for page in &model.pages {
        let output = page.output_path();
        // The page's file, or any directory on its way, is a file the build writes.
        let mut prefixes = output.match_indices('/').map(|(end, _)| &output[..end]).collect::<Vec<_>>();
        prefixes.push(&output);
        let taken = prefixes.iter().find_map(|prefix| generated.get(*prefix).map(|what| (*prefix, what)));
        let under_leave = output.strip_prefix(LEAVE_DIR).is_some_and(|rest| rest.starts_with('/'));
        if let Some((path, what)) = taken {
            out.push(generated_conflict(&page.source_path, &page.url, path, what));
        } else if under_leave {
            out.push(generated_conflict(&page.source_path, &page.url, &format!("{LEAVE_DIR}/"), &Owner::LeavePages));
        }
    }
    out
}

/// What writes a generated file.
enum Owner {
    Build,
    SectionList(String),
    SectionFeed(String),
    LeavePages,
}

fn generated_files(model: &SiteModel, reserved: &[&str]) -> HashMap<String, Owner> {
    let mut files: HashMap<String, Owner> = HashMap::new();
    for path in GENERATED_FILES.iter().chain(reserved) {
        files.insert(path.to_string(), Owner::Build);
    }
    for section in model.sections.iter().filter(|section| !section.key.is_empty()) {
        let index_page = &model.pages[section.index_page];
        let base = index_page.url.trim_start_matches('/');
        files.insert(format!("{base}atom.xml"), Owner::SectionFeed(index_page.source_path.clone()));
        for number in 2..=section.list_pages() {
            files.insert(format!("{base}page/{number}/index.html"), Owner::SectionList(index_page.source_path.clone()));
        }
    }
    files
}

fn duplicate(source: &str, url: &str, others: &str) -> Diagnostic {
    OUTPUT_CONFLICT
        .diagnostic(
            Text::new(
                format!("页面与 {others} 生成同一网址 {url}，只能保留一个（第十三条：发布内容须唯一确定、经审核）"),
                format!("The page and {others} both publish {url}; only one can own it (article 13: what is published must be the reviewed page)"),
            ),
            Text::new(
                "修改其中一个页面的文件名、slug 或 path",
                "Change the file name, slug or path of one of the pages",
            ),
        )
        .at(Position::START, Position::START)
        .in_file(source)
}

fn generated_conflict(source: &str, url: &str, path: &str, owner: &Owner) -> Diagnostic {
    let (zh, en) = match owner {
        Owner::Build => ("构建生成的文件".to_string(), "a file the build generates".to_string()),
        Owner::SectionList(section) => {
            (format!("栏目 {section} 的分页"), format!("a list page of the section {section}"))
        }
        Owner::SectionFeed(section) => {
            (format!("栏目 {section} 的订阅源"), format!("the feed of the section {section}"))
        }
        Owner::LeavePages => ("离站提示页目录".to_string(), "the leave-page directory".to_string()),
    };
    OUTPUT_CONFLICT
        .diagnostic(
            Text::new(
                format!("页面的网址 {url} 与{zh} {path} 冲突，页面无法发布（第十三条）"),
                format!("The page's URL {url} collides with {en} {path}; it cannot be published (article 13)"),
            ),
            Text::new("修改页面的文件名、slug 或 path", "Change the page's file name, slug or path"),
        )
        .at(Position::START, Position::START)
        .in_file(source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::model::tests::model;

    #[test]
    fn two_pages_on_one_url_are_both_named() {
        let model = model(&[
            ("content/news/_index.md", "+++\ntitle = \"新闻\"\n+++\n"),
            ("content/news/a.md", "+++\ntitle = \"甲\"\n+++\n"),
            ("content/news/b.md", "+++\ntitle = \"乙\"\nslug = \"a\"\n+++\n"),
            ("content/c.md", "+++\ntitle = \"丙\"\npath = \"news/a\"\n+++\n"),
        ]);
        let found: Vec<_> = conflicts(&model, &[]).into_iter().map(|d| (d.file, d.message.en)).collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found.iter().any(|(file, message)| file == "content/news/a.md"
            && message.contains("content/news/b.md")
            && message.contains("content/c.md")));
    }

    #[test]
    fn pages_on_generated_files_are_refused() {
        let model = model(&[
            ("content/news/_index.md", "+++\ntitle = \"新闻\"\npaginate_by = 1\n+++\n"),
            ("content/news/a.md", "+++\ntitle = \"甲\"\n+++\n"),
            ("content/news/b.md", "+++\ntitle = \"乙\"\nslug = \"atom.xml\"\n+++\n"),
            ("content/x.md", "+++\ntitle = \"丙\"\npath = \"news/page/2\"\n+++\n"),
            ("content/sitemap.xml.md", "+++\ntitle = \"丁\"\n+++\n"),
            ("content/y.md", "+++\ntitle = \"戊\"\npath = \"leave/x\"\n+++\n"),
            ("content/z.md", "+++\ntitle = \"己\"\npath = \"assets/govpress.css\"\n+++\n"),
        ]);
        let mut files: Vec<_> = conflicts(&model, &["assets/govpress.css"]).into_iter().map(|d| d.file).collect();
        files.sort();
        assert_eq!(
            files,
            ["content/news/b.md", "content/sitemap.xml.md", "content/x.md", "content/y.md", "content/z.md"]
        );
    }
}
