//! What the browser's checking modules share: this crate's and the first module's (`wasm-first/` includes
//! this file). The language of messages, "now" (the JavaScript clock, or a fixed time for reproducible
//! runs) and how the page names an article.

use chrono::{DateTime, FixedOffset};
use govpress::Lang;
use wasm_bindgen::JsError;

/// `zh` (the default) or `en`.
pub fn parse_lang(code: Option<&str>) -> Lang {
    code.and_then(Lang::parse).unwrap_or_default()
}

/// `setNow`'s argument: an RFC 3339 time, as `govpress check --now` takes it; `None` uses the clock.
pub fn parse_now(rfc3339: Option<String>) -> Result<Option<DateTime<FixedOffset>>, JsError> {
    rfc3339
        .map(|text| {
            DateTime::parse_from_rfc3339(&text)
                .map_err(|error| JsError::new(&format!("not an RFC 3339 time: {text}: {error}")))
        })
        .transpose()
}

/// "Now" in China Standard Time from the JavaScript clock; the core never reads a clock itself. (The review
/// module, `wasm/` without `check`, reads no clock.)
#[allow(dead_code)]
pub fn clock_now() -> DateTime<FixedOffset> {
    let millis = js_sys::Date::now() as i64;
    DateTime::from_timestamp_millis(millis).unwrap_or_default().with_timezone(&govpress::time::china_offset())
}

/// How the page names an article: `第十四条` in Chinese, `Article 14` in English.
pub fn article_name(article: u8, lang: Option<String>) -> String {
    match parse_lang(lang.as_deref()) {
        Lang::Zh => govpress::diagnostic::article_zh(article),
        Lang::En => format!("Article {article}"),
    }
}
