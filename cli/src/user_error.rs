//! Errors the user reads, in both languages: `main` prints the one `--lang` asks for.

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
            (None, _) => cause.to_string(),
        })
        .collect();
    parts.join(": ")
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
}
