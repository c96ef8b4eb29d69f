//! 第三条 (防范攻击致瘫): input the parsers cannot read in time linear in its size is refused with a
//! diagnostic instead of being parsed: nesting deeper than browsers build, in the page's HTML or in
//! its front matter.

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::html_depth::{too_deep, NESTING_LIMIT};
use crate::rules::{PageContext, RuleInfo};

pub const NESTING: RuleInfo = RuleInfo {
    id: "limits.nesting",
    article: 3,
    severity: Severity::Error,
    summary_zh: "页面 HTML 或前置元数据嵌套过深（防范攻击致瘫），拒绝处理",
    summary_en: "HTML or front matter nested too deeply is refused (guards against denial of service)",
};

pub const RULES: &[RuleInfo] = &[NESTING];

pub fn check(context: &PageContext<'_, '_>, out: &mut Vec<Diagnostic>) {
    let page = context.page;
    if let Some(offset) = too_deep(page) {
        out.push(page.diagnostic_at(
            offset..offset,
            NESTING.diagnostic(
                Text::new(
                    format!("页面的 HTML 标签或 Markdown 引用、列表在此嵌套超过 {NESTING_LIMIT} 层，超出浏览器的处理上限；为防攻击致瘫，不予渲染（第三条）"),
                    format!("The page's HTML tags or Markdown quotes and lists nest deeper than {NESTING_LIMIT} levels here, past what browsers build; it is not rendered, to guard against denial of service (article 3)"),
                ),
                Text::new(
                    "检查是否漏写了结束标签（如 </div>），或减少嵌套层级",
                    "Look for missing end tags (such as </div>), or nest less deeply",
                ),
            ),
        ));
    }
}

/// The front-matter side of the same rule: nesting past `limit` levels at `position`.
pub fn front_matter_too_deep(limit: usize) -> (Text, Text) {
    (
        Text::new(
            format!("前置元数据的数组或表嵌套超过 {limit} 层，为防攻击致瘫，不予解析（第三条）"),
            format!("The front matter nests arrays or tables deeper than {limit} levels; it is not parsed, to guard against denial of service (article 3)"),
        ),
        Text::new(
            "前置元数据只需 title、date、department 等简单字段，删除多余的嵌套",
            "Front matter needs only plain keys such as title, date and department: remove the nesting",
        ),
    )
}
