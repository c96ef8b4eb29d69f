//! Errors the user reads, in both languages: `main` prints the one `--lang` asks for.

use std::borrow::Cow;
use std::fmt;

use govpress::Lang;

#[derive(Debug)]
pub struct Bilingual {
    zh: String,
    en: String,
}

impl fmt::Display for Bilingual {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.zh)
    }
}

impl std::error::Error for Bilingual {}

/// An error worded in Chinese and English.
pub fn bilingual(zh: impl Into<String>, en: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Bilingual { zh: zh.into(), en: en.into() })
}

/// The error and its causes as `--lang` reads them, joined by `: `. Causes that were worded once (library
/// errors, mostly English) are shown as they are.
pub fn describe(error: &anyhow::Error, lang: Lang) -> String {
    let parts: Vec<String> = error
        .chain()
        .map(|cause| match (cause.downcast_ref::<Bilingual>(), lang) {
            (Some(message), Lang::Zh) => message.zh.clone(),
            (Some(message), Lang::En) => message.en.clone(),
            (None, _) => pick(&cause.to_string(), lang).into_owned(),
        })
        .collect();
    parts.join(": ")
}

/// A message written as `中文 / English` (the short form for contexts, which anyhow cannot downcast):
/// the half `--lang` asks for. Anything else is shown as it is.
/// A location written before the Chinese (`path:3: 中文 / English`) is kept for the English too.
fn pick(message: &str, lang: Lang) -> Cow<'_, str> {
    let is_chinese = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let Some((zh, en)) =
        message.rsplit_once(" / ").filter(|(zh, en)| zh.contains(is_chinese) && !en.contains(is_chinese))
    else {
        return Cow::Borrowed(message);
    };
    match lang {
        Lang::Zh => Cow::Borrowed(zh),
        Lang::En => {
            let location = zh.find(is_chinese).map_or("", |start| &zh[..start]);
            match location.strip_suffix('：').or_else(|| location.trim_end().strip_suffix(':')) {
                Some(location) if !location.is_empty() && !en.starts_with(location) => {
                    Cow::Owned(format!("{location}: {en}"))
                }
                _ => Cow::Borrowed(en),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_asked_for_is_printed_with_its_causes() {
        let error = bilingual("无法创建 a.pem", "cannot create a.pem").context("初始化失败");
        assert_eq!(describe(&error, Lang::En), "初始化失败: cannot create a.pem");
        let error = bilingual("无法创建 a.pem", "cannot create a.pem");
        assert_eq!(describe(&error, Lang::Zh), "无法创建 a.pem");
        assert_eq!(describe(&error, Lang::En), "cannot create a.pem");
    }

    #[test]
    fn short_bilingual_contexts_are_split_by_language() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let error = anyhow::Error::new(io).context("无法读取 a/b.md / cannot read a/b.md");
        assert_eq!(describe(&error, Lang::Zh), "无法读取 a/b.md: No such file");
        assert_eq!(describe(&error, Lang::En), "cannot read a/b.md: No such file");
        // Not the convention: shown as written.
        let error =
            anyhow::anyhow!("content/a.md：作者 张三 不得审核本人撰写的页面 / authors may not review their own page");
        assert_eq!(describe(&error, Lang::En), "content/a.md: authors may not review their own page");
        let error = anyhow::anyhow!("x/y: 文件或目录不存在 / no such file or directory");
        assert_eq!(describe(&error, Lang::En), "x/y: no such file or directory");
        assert_eq!(describe(&error, Lang::Zh), "x/y: 文件或目录不存在");
        let error = anyhow::anyhow!("a / b");
        assert_eq!(describe(&error, Lang::En), "a / b");
    }
}
