//! The site-level side of 政府信息公开 metadata (SPEC §9, rules in `crate::rules::disclosure`):
//! every page of a section whose `_index.md` says `disclosure = true` carries `[disclosure]`;
//! `repealed_by`/`amended_by` name a published page; no 索引号 is used twice. Checked page by page in
//! step 2 of the pipeline (the page's key lines are at hand there) against an index built once.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Text};
use crate::page::Page;
use crate::rules::disclosure::{key_name, DUPLICATE_INDEX_NO, MISSING, REPLACEMENT};
use crate::site::{SiteModel, SitePage};

/// The site's 索引号, each with the pages (model indices, in source-path order) that use it.
#[derive(Debug, Default)]
pub struct Directory {
    index_numbers: HashMap<String, Vec<usize>>,
}

impl Directory {
    pub fn new(model: &SiteModel) -> Directory {
        let mut index_numbers: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, page) in model.pages.iter().enumerate() {
            if let Some(number) = page.front_matter.disclosure().and_then(|disclosure| disclosure.value("index_no")) {
                index_numbers.entry(number.to_string()).or_default().push(index);
            }
        }
        for pages in index_numbers.values_mut() {
            pages.sort_by(|&a, &b| model.pages[a].source_path.cmp(&model.pages[b].source_path));
        }
        Directory { index_numbers }
    }

    /// The site-level findings on one published page.
    pub fn check_page(&self, model: &SiteModel, page: &Page<'_>, published: &SitePage) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if !page.front_matter_valid || published.is_section_index {
            return out;
        }
        let Some(disclosure) = page.front_matter.disclosure() else {
            if let Some(section) = disclosure_section(model, published) {
                out.push(missing_table(page, section));
            }
            return out;
        };
        for key in ["repealed_by", "amended_by"] {
            let Some(path) = disclosure.value(key) else { continue };
            if replacement_page(model, path).is_none() {
                out.push(page.diagnostic_at_key(
                    &format!("disclosure.{key}"),
                    REPLACEMENT.diagnostic(
                        Text::new(
                            format!("{key} = \"{path}\" 不是本站的页面，{}无从查找（第十三条：准确性）", key_name(key)),
                            format!("{key} = \"{path}\" is not a page of this site (article 13: accuracy)"),
                        ),
                        Text::new(
                            "写 content/ 下的文件路径，例如 \"policies/2026-new.md\"（草稿不发布，不能引用）",
                            "Give the file's path under content/, e.g. \"policies/2026-new.md\" (drafts are not published)",
                        ),
                    ),
                ));
            }
        }
        if let Some(number) = disclosure.value("index_no") {
            let others: Vec<&str> = self
                .index_numbers
                .get(number)
                .into_iter()
                .flatten()
                .map(|&index| model.pages[index].source_path.as_str())
                .filter(|path| *path != published.source_path)
                .collect();
            if !others.is_empty() {
                let others = others.join("、");
                out.push(page.diagnostic_at_key(
                    "disclosure.index_no",
                    DUPLICATE_INDEX_NO.diagnostic(
                        Text::new(
                            format!("索引号“{number}”也用于 {others}（第十三条：准确性）"),
                            format!("index_no \"{number}\" is also used by {others} (article 13: accuracy)"),
                        ),
                        Text::new(
                            "每件政府信息的索引号唯一：核对编号，给其中一件改用新号",
                            "Each document has its own index_no: check the numbers and give one of them a new one",
                        ),
                    ),
                ));
            }
        }
        out
    }
}

/// The `_index.md` of the disclosure section a page is listed in, if it is.
pub fn disclosure_section<'m>(model: &'m SiteModel, page: &SitePage) -> Option<&'m SitePage> {
    let section = model.section(page.section.as_deref()?)?;
    let index_page = &model.pages[section.index_page];
    index_page.front_matter.is_disclosure_section().then_some(index_page)
}

/// The published page a `repealed_by`/`amended_by` value names: a path under `content/`
/// (`policies/new.md`; a leading `/` or `content/` is accepted).
pub fn replacement_page<'m>(model: &'m SiteModel, path: &str) -> Option<&'m SitePage> {
    let path = path.trim().trim_start_matches('/');
    let path = path.strip_prefix("content/").unwrap_or(path);
    model.page_from(&format!("content/{path}"))
}

fn missing_table(page: &Page<'_>, section: &SitePage) -> Diagnostic {
    let name = section.title();
    let diagnostic = MISSING.diagnostic(
        Text::new(
            format!("“{name}”是政府信息公开栏目（disclosure = true），本页缺少 [disclosure] 公开信息（第十三条：准确性）"),
            format!("\"{name}\" is a disclosure section (disclosure = true): this page lacks [disclosure] (article 13: accuracy)"),
        ),
        Text::new(
            "加入 [disclosure]：index_no（索引号）、issuer（发文机关）、doc_no（发文字号，可选）、written_at（成文日期）、topic（主题分类）、status（有效性）",
            "Add [disclosure] with index_no, issuer, doc_no (optional), written_at, topic and status",
        ),
    );
    // At `disclosure = …` if the page has the key (not as a table), else at the front matter's start.
    page.diagnostic_at_key("disclosure", diagnostic)
}
