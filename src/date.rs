//! Calendar dates (`YYYY-MM-DD`), the only kind of time declarations use. A small type of our own:
//! rules need parsing, comparison and day counts, nothing more.

// Public API (re-exported at the crate root): every public item documented.
#![warn(missing_docs)]

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A day in the proleptic Gregorian calendar, stored as days since 1970-01-01: the
/// evaluation date of a run ([`Options::as_of`](crate::Options::as_of)).
///
/// ```
/// let day = roadmap_lint::Date::parse("2025-06-30").expect("a real day");
/// assert_eq!(day.ymd(), (2025, 6, 30));
/// assert_eq!(day.to_string(), "2025-06-30");
/// assert!(roadmap_lint::Date::parse("2025-02-30").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i64,
}

impl Date {
    /// Parse a strict ISO date: four-digit year, two-digit month and day, a real calendar day.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = &s[r];
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        Date::from_ymd(y, m, d)
    }

    /// The date of a year, month and day, when it is a real day of the years 0001 to 9999 (the
    /// years a `YYYY-MM-DD` date can write).
    pub fn from_ymd(y: i64, m: i64, d: i64) -> Option<Date> {
        if !(1..=9999).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        // Days from civil, after Howard Hinnant's well-known algorithm.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date {
            days: era * 146_097 + doe - 719_468,
        })
    }

    /// Its year, month and day.
    pub fn ymd(self) -> (i64, i64, i64) {
        let z = self.days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }

    /// Today in UTC.
    pub(crate) fn today() -> Date {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date {
            days: (secs / 86_400) as i64,
        }
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub(crate) fn days_until(self, later: Date) -> i64 {
        later.days - self.days
    }

    /// The date `n` days later (earlier when negative), saturating: a day before 0001-01-01 is
    /// 0001-01-01 and a day after 9999-12-31 is 9999-12-31, the first and last days a document
    /// can write. A saturated result still compares with any such day as the exact one would,
    /// except that it equals the boundary instead of lying beyond it.
    pub(crate) fn add_days(self, n: i64) -> Date {
        Date {
            days: self.days.saturating_add(n).clamp(FIRST.days, LAST.days),
        }
    }

    /// Add calendar months, clamping the day to the end of the month, and saturating at
    /// 0001-01-01 and 9999-12-31 as [`Date::add_days`] does.
    pub(crate) fn add_months(self, n: i64) -> Date {
        let (y, m, d) = self.ymd();
        let total = (y * 12 + (m - 1)).saturating_add(n);
        let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
        if ny < 1 {
            return FIRST;
        }
        Date::from_ymd(ny, nm, d.min(days_in_month(ny, nm))).unwrap_or(LAST)
    }

    /// The last day of a month, saturating at 9999-12-31 for a month after it (and at
    /// 0001-01-01 for one before).
    pub(crate) fn month_end(y: i64, m: i64) -> Date {
        match Date::from_ymd(y, m, days_in_month(y, m)) {
            Some(date) => date,
            None if y < 1 => FIRST,
            None => LAST,
        }
    }
}

/// The first and last days a `YYYY-MM-DD` date can write: 0001-01-01 and 9999-12-31.
const FIRST: Date = Date { days: -719_162 };
const LAST: Date = Date { days: 2_932_896 };

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl serde::Serialize for Date {
    /// As `YYYY-MM-DD`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not a date: {text}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_round_trips_and_counts_days() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(Date::parse("1970-01-01").unwrap().days, 0);
        assert_eq!(
            Date::parse("2024-03-31")
                .unwrap()
                .days_until(Date::parse("2025-03-31").unwrap()),
            365
        );
        assert_eq!(d.add_days(1).to_string(), "2024-03-01");
        assert_eq!(
            Date::parse("2024-01-31").unwrap().add_months(1).to_string(),
            "2024-02-29"
        );
    }

    /// Huge counts used to clamp silently to dates such as 2739877-01-03, then were errors that
    /// made a rule fail on a schema-valid date near 9999: they saturate at the calendar's ends.
    #[test]
    fn arithmetic_saturates_at_0001_01_01_and_9999_12_31() {
        let (first, last) = (Date::parse("0001-01-01"), Date::parse("9999-12-31"));
        assert_eq!((Some(FIRST), Some(LAST)), (first, last));
        let d = Date::parse("2024-02-29").unwrap();
        for n in [i64::MAX, 10_000_000, 2_913_115] {
            assert_eq!(d.add_days(n), LAST, "{n} days");
            assert_eq!(d.add_days(-n), FIRST, "-{n} days");
        }
        assert_eq!(d.add_days(i64::MIN), FIRST);
        for n in [i64::MAX, 100_000, 95_711] {
            assert_eq!(d.add_months(n), LAST, "{n} months");
            assert_eq!(d.add_months(-n), FIRST, "-{n} months");
        }
        assert_eq!(d.add_months(i64::MIN), FIRST);
        assert_eq!(d.add_days(-738_944).to_string(), "0001-01-01");
        assert_eq!(LAST.add_days(-1).to_string(), "9999-12-30");
        assert_eq!(LAST.add_months(-1).to_string(), "9999-11-30");
        assert_eq!(Date::parse("9999-12-30").unwrap().add_days(180), LAST);
        assert_eq!(Date::month_end(9999, 12), LAST);
        assert_eq!(Date::month_end(10_000, 3), LAST);
        assert_eq!(Date::month_end(0, 12), FIRST);
        assert_eq!(Date::month_end(2024, 2).to_string(), "2024-02-29");
        assert!(Date::parse("0000-12-31").is_none());
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2023-02-29",
            "2023-02-30",
            "2023-13-01",
            "2023-1-01",
            "20230101",
            "2023-04-31",
            "abcd-ef-gh",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }
}
