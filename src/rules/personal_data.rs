//! 第二十二条: no unmasked personal data in what is published: resident ID numbers (GB 11643),
//! mainland mobile numbers and bank card numbers.
//!
//! Text is read folded (`crate::normalise`): full-width digits and letters, ideographic spaces and
//! full-width hyphens and dots count as their ASCII forms, and diagnostics point at the text as written.
//! Numbers are read as whole digit runs, optionally joined by single spaces, hyphens or dots
//! (`139 1234 5678`, `6222 0202 0000 1234`, `139.1234.5678`); a run glued to letters or `_` (hashes, article ids)
//! or part of a decimal (`3.14159…`) is not a number a person owns, and neither is anything inside a
//! URL. Masked forms (`110101********1234`, `139****5678`) never match because `*` ends a run.
//!
//! Bank cards: 16–19 digits passing Luhn AND starting with an issuer prefix seen on cards used in
//! China — 62 (UnionPay), 4 (Visa), 51–55 and 2221–2720 (Mastercard), 35 (JCB), 6011 and 65 (Discover).
//! Without the prefix one long number in ten would pass Luhn by chance (file numbers, order numbers).
//! A number its label names as something else (编号, 文号, 统一社会信用代码 passing GB 32100) is not
//! personal data.

use std::ops::Range;

use chrono::NaiveDate;

use crate::diagnostic::{Diagnostic, Severity, Text};
use crate::normalise::{Normalised, Stretch};
use crate::rules::{PageContext, RuleInfo};
use crate::text_scan::{inside, next_ascii_digit, text_spans, url_ranges};

pub const RESIDENT_ID: RuleInfo = RuleInfo {
    id: "personal-data.resident-id",
    article: 22,
    severity: Severity::Error,
    summary_zh: "不得公开未脱敏的居民身份证号码（校验位有效的 18 位号码）",
    summary_en: "No unmasked resident ID numbers (18 digits with a valid GB 11643 check digit)",
};

pub const MOBILE: RuleInfo = RuleInfo {
    id: "personal-data.mobile",
    article: 22,
    severity: Severity::Error,
    summary_zh: "不得公开未脱敏的手机号码",
    summary_en: "No unmasked mainland mobile numbers",
};

pub const BANK_CARD: RuleInfo = RuleInfo {
    id: "personal-data.bank-card",
    article: 22,
    severity: Severity::Error,
    summary_zh: "不得公开未脱敏的银行卡号（通过 Luhn 校验）",
    summary_en: "No unmasked bank card numbers (passing the Luhn check)",
};

pub const RULES: &[RuleInfo] = &[RESIDENT_ID, MOBILE, BANK_CARD];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalNumber {
    ResidentId,
    Mobile,
    BankCard,
}

/// One personal number found: where it was written and its digits (for the masked message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: PersonalNumber,
    pub range: Range<usize>,
    pub digits: String,
}

pub fn check(context: &PageContext<'_, '_>, out: &mut Vec<Diagnostic>) {
    let page = context.page;
    let folded = page.folded();
    // Most spans hold no chain of digits long enough for a personal number: one scan of the whole page
    // finds the few that do, and only the spans they reach are read (`long_chains`).
    let chains = long_chains(folded.text());
    if chains.is_empty() {
        return;
    }
    for span in text_spans(page) {
        let folded_span = folded.range_to_folded(span.clone());
        let first = chains.partition_point(|chain| chain.end <= folded_span.start);
        if chains.get(first).is_none_or(|chain| chain.start >= folded_span.end) {
            continue;
        }
        for finding in findings_in(page.source, folded, span) {
            let clear = &page.source[finding.range.clone()];
            out.push(page.diagnostic_at(finding.range.clone(), diagnostic(&finding)).redacting(clear));
        }
    }
}

/// The diagnostic of one finding, its number masked (also used for the text of static HTML).
pub fn diagnostic(finding: &Finding) -> Diagnostic {
    let masked = mask(finding);
    match finding.kind {
        PersonalNumber::ResidentId => RESIDENT_ID.diagnostic(
            Text::new(
                format!("发布内容含未脱敏的居民身份证号码 {masked}（第二十二条：不得公开个人信息）"),
                format!("The content shows an unmasked resident ID number {masked} (article 22: do not publish personal information)"),
            ),
            Text::new(
                "删除该号码，或脱敏后发布，例如只保留前 6 位和后 4 位：110101********1234",
                "Remove the number, or mask it, e.g. keep the first 6 and last 4 digits: 110101********1234",
            ),
        ),
        PersonalNumber::Mobile => MOBILE.diagnostic(
            Text::new(
                format!("发布内容含未脱敏的手机号码 {masked}（第二十二条：不得公开个人信息）"),
                format!("The content shows an unmasked mobile number {masked} (article 22: do not publish personal information)"),
            ),
            Text::new(
                "改用单位办公电话，或脱敏为 139****5678 的形式",
                "Give an office number instead, or mask it like 139****5678",
            ),
        ),
        PersonalNumber::BankCard => BANK_CARD.diagnostic(
            Text::new(
                format!("发布内容含未脱敏的银行卡号 {masked}（第二十二条：不得公开个人信息）"),
                format!("The content shows an unmasked bank card number {masked} (article 22: do not publish personal information)"),
            ),
            Text::new(
                "删除卡号，或只保留前 4 位和后 4 位：6222 **** **** 1234",
                "Remove the card number, or keep only the first and last 4 digits: 6222 **** **** 1234",
            ),
        ),
    }
}

/// The number as a message may show it: never the whole of it.
pub fn mask(finding: &Finding) -> String {
    let digits = &finding.digits;
    let (head, tail) = match finding.kind {
        PersonalNumber::ResidentId => (6, 4),
        PersonalNumber::Mobile => (3, 4),
        PersonalNumber::BankCard => (4, 4),
    };
    let hidden = digits.len().saturating_sub(head + tail);
    format!(
        "{}{}{}",
        &digits[..head.min(digits.len())],
        "*".repeat(hidden),
        &digits[digits.len().saturating_sub(tail)..]
    )
}

/// Personal numbers in `source[span]`, read in its folded form ([`Normalised`]: full-width digits,
/// ideographic spaces, full-width hyphens and dots), with ranges in the original source. Boundaries are
/// judged on the whole source, so a run cut by markup at the span's edge is not taken for a whole number.
pub fn find_in(source: &str, span: Range<usize>) -> Vec<Finding> {
    let window = widen(source, span.clone(), CONTEXT_CHARS);
    let normalised = Normalised::new(&source[window.clone()]);
    let mut findings =
        in_window(&normalised.stretch(0..window.len()), span.start - window.start..span.end - window.start);
    for finding in &mut findings {
        finding.range = finding.range.start + window.start..finding.range.end + window.start;
    }
    findings.retain(|finding| !labelled_as_not_personal(source, finding));
    findings
}

/// `find_in` on a page whose whole source is folded already (`Page::folded`).
fn findings_in(source: &str, folded: &Normalised<'_>, span: Range<usize>) -> Vec<Finding> {
    let window = widen(source, span.clone(), CONTEXT_CHARS);
    let mut findings = in_window(&folded.stretch(window), span);
    findings.retain(|finding| !labelled_as_not_personal(source, finding));
    findings
}

/// Personal numbers in `span`, read in the folded `window` around it (`span` and the ranges found are in
/// the text the window was folded from).
fn in_window(window: &Stretch<'_>, span: Range<usize>) -> Vec<Finding> {
    let folded_span = window.to_folded(span.start)..window.to_folded(span.end);
    let mut findings = find_in_folded(window.text, folded_span);
    for finding in &mut findings {
        finding.range = window.range_to_original(finding.range.clone());
    }
    findings
}

/// Characters of context read on each side of a span: a digit, a letter, a `+` or a decimal point
/// there decides whether a number stands alone.
const CONTEXT_CHARS: usize = 2;

fn widen(source: &str, span: Range<usize>, chars: usize) -> Range<usize> {
    let start = source[..span.start].char_indices().rev().nth(chars - 1).map_or(0, |(index, _)| index);
    let end = source[span.end..].char_indices().nth(chars).map_or(source.len(), |(index, _)| span.end + index);
    start..end
}

/// Labels that name a number as something other than a person's: a 编号, a 文号, a 统一社会信用代码.
/// Mobile and card shapes are weak (any 11 digits starting 13–19), so a number so labelled is not one;
/// a resident ID's date and check digit are strong, so only a 代码 that also passes the GB 32100 check
/// (a 统一社会信用代码 that happens to pass GB 11643 too) is let go.
const NUMBER_LABELS: [&str; 12] =
    ["编号", "代码", "文号", "批准号", "登记号", "流水号", "订单号", "案号", "许可证号", "证书号", "备案号", "识别号"];

fn labelled_as_not_personal(source: &str, finding: &Finding) -> bool {
    let credit_code = finding.digits.len() == 18 && is_credit_code(&finding.digits);
    if finding.kind == PersonalNumber::BankCard && credit_code {
        return true;
    }
    if finding.kind != PersonalNumber::ResidentId && serial_number(source, &finding.range) {
        return true;
    }
    let labels = [label_before(source, finding.range.start), table_header(source, finding.range.start)];
    labels.into_iter().flatten().any(|label| match finding.kind {
        PersonalNumber::ResidentId => credit_code && label.ends_with("代码"),
        PersonalNumber::Mobile | PersonalNumber::BankCard => NUMBER_LABELS.iter().any(|word| label.ends_with(word)),
    })
}

/// `第13702000045号`, `〔2024〕13912345678号`: a number directly followed by 号 is a serial number.
fn serial_number(source: &str, range: &Range<usize>) -> bool {
    source[range.end..].trim_start_matches([' ', '\u{3000}']).starts_with('号')
}

/// The header of the Markdown table column a number stands in (`| 统一社会信用代码 |`), read at most
/// `TABLE_REACH` lines up, so a long table costs a constant per finding.
fn table_header(source: &str, start: usize) -> Option<&str> {
    let line_start = source[..start].rfind('\n').map_or(0, |newline| newline + 1);
    let row = &source[line_start..start];
    if !row.trim_start().starts_with('|') {
        return None;
    }
    let column = row.matches('|').count();
    let mut end = line_start.checked_sub(1)?;
    let mut below: Option<&str> = None;
    for _ in 0..TABLE_REACH {
        let begin = source[..end].rfind('\n').map_or(0, |newline| newline + 1);
        let line = &source[begin..end];
        if !line.trim_start().starts_with('|') {
            return None;
        }
        if below.is_some_and(is_delimiter_row) {
            return line.split('|').nth(column).map(str::trim);
        }
        below = Some(line);
        end = begin.checked_sub(1)?;
    }
    None
}

const TABLE_REACH: usize = 200;

/// `|---|:---:|`: the row between a table's header and its body.
fn is_delimiter_row(line: &str) -> bool {
    let cells = line.trim().trim_matches('|');
    !cells.is_empty()
        && cells.split('|').all(|cell| {
            let cell = cell.trim().trim_matches(':');
            !cell.is_empty() && cell.bytes().all(|byte| byte == b'-')
        })
}

/// The words just before a number on its line, without the colon, spaces and 为/是 between them.
fn label_before(source: &str, start: usize) -> Option<&str> {
    let mut from = start.saturating_sub(48);
    while !source.is_char_boundary(from) {
        from += 1;
    }
    let before = &source[from..start];
    let line = before.rsplit('\n').next().unwrap_or(before);
    let label = line.trim_end_matches([':', '：', ' ', '\u{3000}', '\t', '为', '是', '（', '(', '+', '＋']);
    (!label.is_empty()).then_some(label)
}

/// GB 32100-2015 统一社会信用代码: 18 characters of `0-9A-HJ-NP-RTUWXY`, the last a MOD 31 check.
pub fn is_credit_code(code: &str) -> bool {
    const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let bytes = code.as_bytes();
    if bytes.len() != 18 {
        return false;
    }
    let value = |byte: u8| CHARSET.iter().position(|&c| c == byte.to_ascii_uppercase());
    let mut sum = 0;
    for (byte, weight) in bytes[..17].iter().zip(WEIGHTS) {
        let Some(value) = value(*byte) else { return false };
        sum += value * weight;
    }
    let check = (31 - sum % 31) % 31;
    value(bytes[17]) == Some(check)
}

fn find_in_folded(source: &str, span: Range<usize>) -> Vec<Finding> {
    let bytes = source.as_bytes();
    let mut findings = Vec::new();
    // Most digit runs are dates and counts: the URL scan is paid only when a long number turns up.
    let mut urls: Option<Vec<Range<usize>>> = None;
    let mut cursor = span.start;
    while let Some(start) = next_ascii_digit(bytes, cursor, span.end) {
        let (end, digits) = chain_extent(bytes, start, span.end);
        cursor = end;
        let continues_a_run = start > 0 && bytes[start - 1].is_ascii_digit();
        if digits < SHORTEST || continues_a_run {
            continue;
        }
        let chain = Chain::read(bytes, start, span.end);
        cursor = chain.end();
        let urls = urls.get_or_insert_with(|| {
            let text = &source[span.clone()];
            url_ranges(text).into_iter().map(|range| range.start + span.start..range.end + span.start).collect()
        });
        if !inside(urls, chain.start()) && chain.stands_alone(bytes) {
            chain.findings(bytes, &mut findings);
        }
    }
    findings
}

/// The chains of digit runs (as `find_in_folded` reads them) holding at least `SHORTEST` digits, over a
/// whole folded text. Every digit lies in exactly one of the text's chains, and a chain read from inside a
/// span (from any of its digits, up to the span's end) is a part of the text's chain through that digit:
/// it holds no more digits. So a span that overlaps none of these ranges has no finding.
///
/// Most of a page's digits are dates, counts and list numbers, too few together for such a chain: the
/// digits are first counted per `CHUNK` bytes (a loop the compiler vectorises), and chains are read only
/// from where they may start. A chain's first `SHORTEST` digits lie within `2 * SHORTEST - 1` bytes (one
/// separator between two digits at most), so inside two neighbouring chunks, which then hold at least
/// `SHORTEST` digits between them: every long chain starts in the first chunk of such a pair.
fn long_chains(text: &str) -> Vec<Range<usize>> {
    const CHUNK: usize = 64;
    const _: () = assert!(2 * SHORTEST - 1 <= CHUNK);
    let bytes = text.as_bytes();
    let count = |chunk: &[u8]| match <&[u8; CHUNK]>::try_from(chunk) {
        Ok(whole) => usize::from(whole.iter().fold(0u8, |sum, byte| sum + u8::from(byte.wrapping_sub(b'0') < 10))),
        Err(_) => chunk.iter().filter(|byte| byte.is_ascii_digit()).count(),
    };
    let counts: Vec<usize> = bytes.chunks(CHUNK).map(count).collect();
    let mut chains = Vec::new();
    // Where the last chain read ends: a digit before it is inside that chain.
    let mut cursor = 0;
    for (number, count) in counts.iter().enumerate() {
        if count + counts.get(number + 1).copied().unwrap_or(0) < SHORTEST {
            continue;
        }
        let chunk_end = ((number + 1) * CHUNK).min(bytes.len());
        let mut at = (number * CHUNK).max(cursor);
        while let Some(digit) = next_ascii_digit(bytes, at, chunk_end) {
            if starts_chain(bytes, digit) {
                let (end, digits) = chain_extent(bytes, digit, bytes.len());
                if digits >= SHORTEST {
                    chains.push(digit..end);
                }
                cursor = end;
                at = end;
            } else {
                at = digit + 1;
            }
        }
    }
    chains
}

/// Whether the digit at `at` starts a chain: `chain_extent` from an earlier digit does not reach it (no
/// digit before it, nor a separator after a digit).
fn starts_chain(bytes: &[u8], at: usize) -> bool {
    let before = |back: usize| at.checked_sub(back).map(|index| bytes[index]);
    let after_digit = before(1).is_some_and(|byte| byte.is_ascii_digit());
    let joined = before(1).is_some_and(is_separator) && before(2).is_some_and(|byte| byte.is_ascii_digit());
    !after_digit && !joined
}

/// The fewest digits any personal number has (a mobile number).
const SHORTEST: usize = 11;

/// The most runs any shape uses: a card number in groups of four (`6222 0212 3456 7890 128`).
const LONGEST_SHAPE: usize = 5;

/// What may join two digit runs of one number: a space, a hyphen, a dot (all after folding).
fn is_separator(byte: u8) -> bool {
    matches!(byte, b' ' | b'-' | b'.')
}

/// Where the chain of digit runs starting at `start` ends, and how many digits it holds.
fn chain_extent(bytes: &[u8], start: usize, limit: usize) -> (usize, usize) {
    let mut end = start;
    let mut digits = 0;
    loop {
        let run = bytes[end..limit].iter().take_while(|byte| byte.is_ascii_digit()).count();
        end += run;
        digits += run;
        let joined = end + 1 < limit && is_separator(bytes[end]) && bytes[end + 1].is_ascii_digit();
        if !joined {
            return (end, digits);
        }
        end += 1;
    }
}

/// Digit runs joined by single spaces, hyphens or dots: `139 1234 5678`, `86-13912345678`, `139.1234.5678`.
struct Chain {
    runs: Vec<Range<usize>>,
    /// A trailing `X`/`x` check character right after the last run (resident IDs).
    check_x: bool,
    /// Some runs are joined by dots: the chain is one number only if one shape covers all of it
    /// (`3.13912345678` is a decimal, `139.1234.5678` a mobile number).
    dotted: bool,
}

impl Chain {
    fn read(bytes: &[u8], start: usize, limit: usize) -> Chain {
        let digits_from = |at: usize| at + bytes[at..limit].iter().take_while(|byte| byte.is_ascii_digit()).count();
        let mut runs = Vec::with_capacity(4);
        runs.push(start..digits_from(start));
        let mut dotted = false;
        loop {
            let end = runs[runs.len() - 1].end;
            let joined = end + 1 < limit && is_separator(bytes[end]) && bytes[end + 1].is_ascii_digit();
            if !joined {
                break;
            }
            dotted |= bytes[end] == b'.';
            runs.push(end + 1..digits_from(end + 1));
        }
        let end = runs[runs.len() - 1].end;
        let check_x = end < limit
            && matches!(bytes[end], b'X' | b'x')
            && bytes.get(end + 1).is_none_or(|byte| !byte.is_ascii_alphanumeric() && *byte != b'_');
        Chain { runs, check_x, dotted }
    }

    fn start(&self) -> usize {
        self.runs[0].start
    }

    fn end(&self) -> usize {
        self.runs[self.runs.len() - 1].end + usize::from(self.check_x)
    }

    /// Not glued to letters (hashes, identifiers) and not the digits of a decimal or version number.
    fn stands_alone(&self, bytes: &[u8]) -> bool {
        let start = self.start();
        let end = self.end();
        let glued = |byte: u8| byte.is_ascii_alphabetic() || byte == b'_';
        let before_ok = start == 0 || {
            let before = bytes[start - 1];
            let decimal = before == b'.' && start >= 2 && bytes[start - 2].is_ascii_digit();
            !glued(before) && !decimal
        };
        let after_ok = bytes.get(end).is_none_or(|&after| {
            let decimal = after == b'.' && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
            !glued(after) && !decimal
        });
        before_ok && after_ok
    }

    /// Tries the known shapes at each run, left to right; a match consumes its runs. Returns how
    /// many runs the shapes looked at (at most five per run: the work is linear in the chain).
    fn findings(&self, bytes: &[u8], out: &mut Vec<Finding>) -> usize {
        if self.dotted {
            // One number written with dots, or none: a dotted chain is not read piece by piece.
            if let Some((finding, used)) = self.match_at(bytes, 0) {
                if used == self.runs.len() {
                    out.push(finding);
                }
            }
            return self.runs.len().min(LONGEST_SHAPE);
        }
        let mut index = 0;
        let mut examined = 0;
        while index < self.runs.len() {
            examined += (self.runs.len() - index).min(LONGEST_SHAPE);
            match self.match_at(bytes, index) {
                Some((finding, used)) => {
                    out.push(finding);
                    index += used;
                }
                None => index += 1,
            }
        }
        examined
    }

    fn match_at(&self, bytes: &[u8], index: usize) -> Option<(Finding, usize)> {
        // No shape spans more than five runs (a card in groups of four): look no further, so a long
        // chain of short groups costs a constant per run instead of its whole remaining length.
        let remaining = self.runs.get(index..).unwrap_or_default();
        let runs = &remaining[..remaining.len().min(LONGEST_SHAPE)];
        let text = |range: &Range<usize>| std::str::from_utf8(&bytes[range.clone()]).unwrap_or_default();
        let mut length_slots = [0; LONGEST_SHAPE];
        for (slot, run) in length_slots.iter_mut().zip(runs) {
            *slot = run.len();
        }
        let lengths = &length_slots[..runs.len()];
        let same_separator =
            |count: usize| runs[..count].windows(2).all(|pair| bytes[pair[0].end] == bytes[runs[0].end]);
        let found = |kind, count: usize, digits: String, start: usize, x: bool| {
            let end = runs[count - 1].end + usize::from(x);
            Some((Finding { kind, range: start..end, digits }, count))
        };
        let first = text(&runs[0]);
        let last_of_chain = remaining.len() == 1;

        // Resident ID: 18 digits, or 17 and X; or in groups with one separator (6-8-4, 6-4-4-4,
        // 4-4-4-4-2, 6-8-3 and X …).
        if first.len() == 18 || (first.len() == 17 && self.check_x && last_of_chain) {
            let x = first.len() == 17;
            let digits = if x { format!("{first}X") } else { first.to_string() };
            if is_resident_id(&digits) {
                return found(PersonalNumber::ResidentId, 1, digits, runs[0].start, x);
            }
        }
        let mut total = lengths[0];
        for count in 2..=runs.len() {
            total += lengths[count - 1];
            if total > 18 {
                break;
            }
            let x = total == 17 && self.check_x && count == remaining.len();
            if (total == 18 || x) && same_separator(count) {
                let mut digits: String = runs[..count].iter().map(text).collect();
                if x {
                    digits.push('X');
                }
                if is_resident_id(&digits) {
                    return found(PersonalNumber::ResidentId, count, digits, runs[0].start, x);
                }
            }
        }

        // Mobile: 11 digits, with or without 86 / +86, whole or 3-4-4 (or 3-8).
        let plus = usize::from(runs[0].start > 0 && bytes[runs[0].start - 1] == b'+');
        if is_mobile(first) {
            return found(PersonalNumber::Mobile, 1, first.to_string(), runs[0].start, false);
        }
        if first.len() == 13 && first.starts_with("86") && is_mobile(&first[2..]) {
            return found(PersonalNumber::Mobile, 1, first[2..].to_string(), runs[0].start - plus, false);
        }
        let grouped_mobile = |from: usize| -> Option<usize> {
            let shape = |count: usize, lengths_wanted: &[usize]| {
                lengths.len() >= from + count && lengths[from..from + count] == *lengths_wanted && {
                    let digits: String = runs[from..from + count].iter().map(text).collect();
                    is_mobile(&digits)
                }
            };
            if shape(3, &[3, 4, 4]) {
                Some(3)
            } else if shape(2, &[3, 8]) {
                Some(2)
            } else {
                None
            }
        };
        if let Some(count) = grouped_mobile(0).filter(|&count| same_separator(count)) {
            let digits: String = runs[..count].iter().map(text).collect();
            return found(PersonalNumber::Mobile, count, digits, runs[0].start, false);
        }
        if first == "86" && runs.len() >= 2 {
            if is_mobile(text(&runs[1])) {
                return found(PersonalNumber::Mobile, 2, text(&runs[1]).to_string(), runs[0].start - plus, false);
            }
            if let Some(count) = grouped_mobile(1).filter(|&count| same_separator(count + 1)) {
                let digits: String = runs[1..=count].iter().map(text).collect();
                return found(PersonalNumber::Mobile, count + 1, digits, runs[0].start - plus, false);
            }
        }

        // Bank card: 16-19 digits whole, or in groups of four (the last may be shorter).
        if is_bank_card(first) {
            return found(PersonalNumber::BankCard, 1, first.to_string(), runs[0].start, false);
        }
        for count in (4..=runs.len()).rev() {
            let groups_ok =
                lengths[..count - 1].iter().all(|&length| length == 4) && (1..=4).contains(&lengths[count - 1]);
            if groups_ok && same_separator(count) && bytes[runs[0].end] == b' ' {
                let digits: String = runs[..count].iter().map(text).collect();
                if is_bank_card(&digits) {
                    return found(PersonalNumber::BankCard, count, digits, runs[0].start, false);
                }
            }
        }
        None
    }
}

/// GB 11643-1999: region (first digit 1–8), a real birth date between 1900 and 2100, ISO 7064 MOD 11-2.
pub fn is_resident_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) || !matches!(bytes[0], b'1'..=b'8') {
        return false;
    }
    let number = |range: Range<usize>| id[range].parse::<u32>().ok();
    let birth = match (number(6..10), number(10..12), number(12..14)) {
        (Some(year), Some(month), Some(day)) if (1900..=2100).contains(&year) => {
            NaiveDate::from_ymd_opt(year as i32, month, day)
        }
        _ => None,
    };
    if birth.is_none() {
        return false;
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = bytes[..17].iter().zip(WEIGHTS).map(|(digit, weight)| u32::from(digit - b'0') * weight).sum();
    bytes[17].to_ascii_uppercase() == CHECK[(sum % 11) as usize]
}

/// Mainland mobile numbers: 1[3-9] and nine more digits.
pub fn is_mobile(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    bytes.len() == 11 && bytes[0] == b'1' && matches!(bytes[1], b'3'..=b'9') && bytes.iter().all(u8::is_ascii_digit)
}

pub fn is_bank_card(digits: &str) -> bool {
    (16..=19).contains(&digits.len())
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && has_card_prefix(digits)
        && luhn(digits)
}

fn has_card_prefix(digits: &str) -> bool {
    let prefix = |length: usize| digits[..length].parse::<u32>().unwrap_or(0);
    digits.starts_with('4')
        || matches!(prefix(2), 35 | 51..=55 | 62 | 65)
        || prefix(4) == 6011
        || (2221..=2720).contains(&prefix(4))
}

pub fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(position, byte)| {
            let digit = u32::from(byte - b'0');
            if position % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                digit
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A span with a finding always overlaps one of the page's long chains, so `check` skipping the
        /// spans that overlap none loses nothing.
        #[test]
        fn every_finding_lies_in_a_span_that_reaches_a_long_chain(
            pieces in prop::collection::vec(r"[0-9]{1,12}|[ .\-－x\u{3000}]|[号a０-９]{1,3}|13912345678", 0..12),
            cut in (0.0f64..=1.0, 0.0f64..=1.0),
        ) {
            let text = pieces.concat();
            let snap = |fraction: f64| {
                let mut at = (text.len() as f64 * fraction) as usize;
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                at
            };
            let (a, b) = (snap(cut.0), snap(cut.1));
            let span = a.min(b)..a.max(b);
            let folded = Normalised::new(&text);
            let chains = long_chains(folded.text());
            let folded_span = folded.range_to_folded(span.clone());
            let reached = chains.iter().any(|chain| chain.start < folded_span.end && folded_span.start < chain.end);
            prop_assert!(reached || findings_in(&text, &folded, span).is_empty(), "{:?}", text);
        }
    }

    /// `long_chains` as it was: every chain of the text read, from its first digit.
    fn long_chains_walked(text: &str) -> Vec<Range<usize>> {
        let bytes = text.as_bytes();
        let mut chains = Vec::new();
        let mut cursor = 0;
        while let Some(start) = next_ascii_digit(bytes, cursor, bytes.len()) {
            let (end, digits) = chain_extent(bytes, start, bytes.len());
            if digits >= SHORTEST {
                chains.push(start..end);
            }
            cursor = end;
        }
        chains
    }

    proptest! {
        /// Reading chains only where the digit counts allow one finds every long chain.
        #[test]
        fn long_chains_are_those_of_the_full_walk(
            pieces in prop::collection::vec(r"[0-9]{1,12}|[ .\-x_]|[号a年，]{1,3}|[0-9]([ .\-][0-9]){1,12}|13912345678|\n{1,3}|[a-z]{1,40}", 0..40),
        ) {
            let text = pieces.concat();
            prop_assert_eq!(long_chains(&text), long_chains_walked(&text), "{:?}", text);
        }
    }

    #[test]
    fn long_chains_across_chunk_edges() {
        for offset in 0..70 {
            for chain in
                ["13912345678", "1 3 9 1 2 3 4 5 6 7 8", "139-1234-5678", "1391234567", "2024-05-15 12345678901"]
            {
                let text =
                    format!("{}{chain}{}", "年".repeat(offset / 3) + &"a".repeat(offset % 3), "x".repeat(offset));
                assert_eq!(long_chains(&text), long_chains_walked(&text), "{text}");
            }
        }
    }

    fn kinds(text: &str) -> Vec<(PersonalNumber, String)> {
        find_in(text, 0..text.len()).into_iter().map(|finding| (finding.kind, finding.digits)).collect()
    }

    #[test]
    fn resident_ids_need_a_real_date_and_check_digit() {
        assert!(is_resident_id("11010519491231002X"));
        assert!(is_resident_id("11010519491231002x"));
        assert!(is_resident_id("110101199003074258"));
        assert!(!is_resident_id("110101199003074259"), "wrong check digit");
        assert!(!is_resident_id("110101199002304250"), "30 February, check digit right");
        assert!(!is_resident_id("910101199003074258"), "region starts with 9");
        assert!(!is_resident_id("110101180003074258"), "born before 1900");
    }

    #[test]
    fn luhn_and_prefixes() {
        assert!(is_bank_card("6222021234567890128"));
        assert!(!is_bank_card("6222021234567890127"));
        assert!(is_bank_card("4111111111111111"));
        assert!(!is_bank_card("1111111111111117"), "passes Luhn but no issuer starts with 1");
    }

    #[test]
    fn numbers_are_whole_runs() {
        assert_eq!(kinds("电话13912345678。"), [(PersonalNumber::Mobile, "13912345678".into())]);
        assert!(kinds("编号013912345678").is_empty());
        assert!(kinds("139****5678").is_empty());
        assert!(kinds("a13912345678").is_empty());
        assert!(kinds("3.13912345678").is_empty());
        assert!(kinds("https://www.gov.cn/13912345678").is_empty());
        assert_eq!(kinds("+86 139-1234-5678").len(), 1);
        assert_eq!(kinds("8613912345678").len(), 1);
        assert_eq!(kinds("13912345678 13812345678").len(), 2);
        assert_eq!(kinds("身份证11010519491231002X，"), [(PersonalNumber::ResidentId, "11010519491231002X".into())]);
        assert_eq!(kinds("卡号 6222 0212 3456 7890 128"), [(PersonalNumber::BankCard, "6222021234567890128".into())]);
        assert!(kinds("卡号 6222 0212 3456 7890 127").is_empty());
    }

    fn ranges(text: &str) -> Vec<&str> {
        find_in(text, 0..text.len()).into_iter().map(|finding| &text[finding.range]).collect()
    }

    #[test]
    fn pasted_forms_are_read_folded_and_located_as_written() {
        assert_eq!(ranges("手机：１３９１２３４５６７８。"), ["１３９１２３４５６７８"]);
        assert_eq!(ranges("手机：１３９　１２３４　５６７８。"), ["１３９　１２３４　５６７８"]);
        assert_eq!(ranges("手机：139.1234.5678。"), ["139.1234.5678"]);
        assert_eq!(ranges("手机：１３９．１２３４．５６７８"), ["１３９．１２３４．５６７８"]);
        assert_eq!(ranges("手机：139－1234－5678"), ["139－1234－5678"]);
        assert_eq!(ranges("手机：139-12345678"), ["139-12345678"]);
        assert_eq!(ranges("身份证：110105 19491231 002X，"), ["110105 19491231 002X"]);
        assert_eq!(
            ranges("身份证：１１０１０５　１９４９１２３１　００２ｘ。"),
            ["１１０１０５　１９４９１２３１　００２ｘ"]
        );
        assert_eq!(ranges("身份证：110105-1949-1231-002X"), ["110105-1949-1231-002X"]);
        assert_eq!(ranges("身份证：1101 0519 4912 3100 2X"), ["1101 0519 4912 3100 2X"]);
        assert_eq!(ranges("身份证：110101 19900307 4258"), ["110101 19900307 4258"]);
        assert_eq!(ranges("身份证号１１０１０１１９９００３０７４２５８"), ["１１０１０１１９９００３０７４２５８"]);
        assert_eq!(ranges("＋８６　１３９　１２３４　５６７８"), ["＋８６　１３９　１２３４　５６７８"]);
    }

    #[test]
    fn look_alikes_stay_quiet() {
        for text in [
            "２０２４年３月１５日",
            "青政办发〔２０２４〕１３号",
            "2024.05.15",
            "3.13912345678",
            "版本 1.13912345678",
            "192.168.100.200",
            "政务服务便民热线１２３４５，或 400-888-8888，或 0532-88886666，或（０５３２）８８８８６６６６",
            "010 8888 8888",
            "+86 10 8888 8888",
            "项目编号：13912345678",
            "统一社会信用代码：91370200MA3C5EXY1A",
            "ＡＢ１３９１２３４５６７８",
            "１３９＊＊＊＊５６７８",
            "139.1234.5678.1",
            "民证字第１３７０２０００４５号",
            "| 单位 | 统一社会信用代码 | 项目编号 |\n|---|:---:|---|\n| 甲 | 123702198506120278 | 13912345678 |",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn table_columns_are_read_by_their_header() {
        let table = "| 姓名 | 身份证号码 | 联系电话 |\n|---|---|---|\n| 张三 | 123702198506120278 | 13912345678 |";
        assert_eq!(kinds(table).len(), 2, "an ID and a mobile number under their own headers");
    }

    #[test]
    fn credit_codes_follow_gb_32100() {
        assert!(is_credit_code("91350100M000100Y43"));
        assert!(!is_credit_code("91350100M000100Y44"));
        assert!(!is_credit_code("91350100M000100Y4"));
        // A digits-only code that also passes GB 11643 is a code when its label says so.
        let both = (0..10_000u32)
            .map(|serial| format!("11010519491231{serial:04}"))
            .find(|code| is_resident_id(code) && is_credit_code(code));
        if let Some(code) = both {
            assert!(kinds(&format!("统一社会信用代码：{code}")).is_empty());
            assert_eq!(kinds(&format!("身份证号：{code}")).len(), 1);
        }
    }

    #[test]
    fn a_long_chain_of_short_groups_is_read_in_linear_work() {
        let groups = 20_000;
        let text = "12 ".repeat(groups) + "13912345678";
        let chain = Chain::read(text.as_bytes(), 0, text.len());
        assert_eq!(chain.runs.len(), groups + 1);
        let mut findings = Vec::new();
        let examined = chain.findings(text.as_bytes(), &mut findings);
        // Reading every remaining run at each index took groups²/2 (200 million) steps.
        assert!(examined <= LONGEST_SHAPE * (groups + 1), "{examined} runs examined");
        assert_eq!(findings.len(), 1, "the mobile number at the end of the chain is still found");
        assert_eq!(findings[0].digits, "13912345678");
    }

    #[test]
    fn masks_hide_the_middle() {
        let finding = Finding { kind: PersonalNumber::ResidentId, range: 0..18, digits: "110101199003074258".into() };
        assert_eq!(mask(&finding), "110101********4258");
        let finding = Finding { kind: PersonalNumber::Mobile, range: 0..11, digits: "13912345678".into() };
        assert_eq!(mask(&finding), "139****5678");
    }
}
