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

impl Timestamp {
    /// Reads `2024-05-15`, `2024-05-16T09:00:00`, `2024-05-16 09:00:00+08:00` and RFC 3339.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        // The common case, a plain day, without the format-string parsers below.
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
