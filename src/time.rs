//! Dates in front matter. The core never reads a clock: callers pass "now".

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

/// China Standard Time, the zone a date without an offset is read in.
pub fn china_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// A front-matter date: a day, or a moment with or without an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timestamp {
    Date(NaiveDate),
    Local(NaiveDateTime),
    Zoned(DateTime<FixedOffset>),
}

/// `YYYY-MM-DD` written with ASCII digits, when it is a real day: what `text.parse::<NaiveDate>()` reads
/// it as (proptested).
fn plain_day(text: &str) -> Option<NaiveDate> {
    let bytes: &[u8; 10] = text.as_bytes().try_into().ok()?;
    let shape = bytes
        .iter()
        .enumerate()
        .all(|(at, byte)| if at == 4 || at == 7 { *byte == b'-' } else { byte.is_ascii_digit() });
    if !shape {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        bytes[range].iter().fold(0u32, |value, digit| value * 10 + u32::from(digit - b'0'))
    };
    NaiveDate::from_ymd_opt(i32::try_from(number(0..4)).ok()?, number(5..7), number(8..10))
}

impl Timestamp {
    /// Reads `2024-05-15`, `2024-05-16T09:00:00`, `2024-05-16 09:00:00+08:00` and RFC 3339.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        // The common case, a plain day, read digit by digit (chrono's parsers cost ten times more).
        if let Some(date) = plain_day(text) {
            return Some(Timestamp::Date(date));
        }
        if text.len() == 10 {
            if let Ok(date) = text.parse::<NaiveDate>() {
                return Some(Timestamp::Date(date));
            }
        }
        if let Ok(zoned) = DateTime::parse_from_rfc3339(text) {
            return Some(Timestamp::Zoned(zoned));
        }
        if let Ok(zoned) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%:z") {
            return Some(Timestamp::Zoned(zoned));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
            if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
                return Some(Timestamp::Local(local));
            }
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(Timestamp::Date)
    }

    /// The moment, reading dates as midnight and offset-less times as China time.
    pub fn instant(&self) -> DateTime<FixedOffset> {
        let local = match *self {
            Timestamp::Zoned(zoned) => return zoned,
            Timestamp::Local(local) => local,
            Timestamp::Date(date) => date.and_time(NaiveTime::MIN),
        };
        china_offset().from_local_datetime(&local).single().unwrap_or_else(|| china_offset().from_utc_datetime(&local))
    }

    /// The calendar day in China time.
    pub fn china_date(&self) -> NaiveDate {
        match *self {
            Timestamp::Date(date) => date,
            Timestamp::Local(local) => local.date(),
            Timestamp::Zoned(zoned) => zoned.with_timezone(&china_offset()).date_naive(),
        }
    }

    /// `2024-05-16 09:00`-style display for pages and messages.
    pub fn display(&self) -> String {
        match *self {
            Timestamp::Date(date) => date.format("%Y-%m-%d").to_string(),
            _ => self.instant().with_timezone(&china_offset()).format("%Y-%m-%d %H:%M").to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A plain day read digit by digit is what chrono reads (and a shape it refuses is left to chrono).
        #[test]
        fn plain_days_read_like_chrono(text in "[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9-]{10}|20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])") {
            if let Some(date) = plain_day(&text) {
                prop_assert_eq!(Some(date), text.parse::<NaiveDate>().ok());
            } else if text.len() == 10 && text.bytes().enumerate().all(|(at, byte)| (at == 4 || at == 7) == (byte == b'-')) {
                prop_assert_eq!(text.parse::<NaiveDate>().ok(), None);
            }
        }
    }

    #[test]
    fn reads_the_forms_front_matter_uses() {
        assert!(matches!(Timestamp::parse("2024-05-15"), Some(Timestamp::Date(_))));
        assert!(matches!(Timestamp::parse("2024-05-16T09:00:00+08:00"), Some(Timestamp::Zoned(_))));
        assert!(matches!(Timestamp::parse("2024-05-16 09:00"), Some(Timestamp::Local(_))));
        assert_eq!(Timestamp::parse("2024-02-30"), None);
        assert_eq!(Timestamp::parse("yesterday"), None);
    }

    #[test]
    fn a_late_utc_time_is_the_next_day_in_china() {
        let stamp = Timestamp::parse("2024-05-15T20:00:00Z").unwrap();
        assert_eq!(stamp.china_date(), NaiveDate::from_ymd_opt(2024, 5, 16).unwrap());
    }
}
