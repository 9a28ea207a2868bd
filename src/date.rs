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

    /// The date `n` days later (earlier when negative), when it lies within the years 0001 to
    /// 9999; `None` otherwise.
    pub(crate) fn add_days(self, n: i64) -> Option<Date> {
        let date = Date {
            days: self.days.checked_add(n)?,
        };
        (1..=9999).contains(&date.ymd().0).then_some(date)
    }

    /// Add calendar months, clamping the day to the end of the month; `None` when the result
    /// lies outside the years 0001 to 9999.
    pub(crate) fn add_months(self, n: i64) -> Option<Date> {
        let (y, m, d) = self.ymd();
        let total = (y * 12 + (m - 1)).checked_add(n)?;
        let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
        let nd = d.min(days_in_month(ny, nm));
        Date::from_ymd(ny, nm, nd)
    }
}

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
        assert_eq!(d.add_days(1).unwrap().to_string(), "2024-03-01");
        assert_eq!(
            Date::parse("2024-01-31")
                .unwrap()
                .add_months(1)
                .unwrap()
                .to_string(),
            "2024-02-29"
        );
    }

    /// Huge counts used to clamp silently to dates such as 2739877-01-03.
    #[test]
    fn arithmetic_outside_years_1_to_9999_is_none() {
        let d = Date::parse("2024-02-29").unwrap();
        for n in [i64::MAX, i64::MIN, 10_000_000, -1_000_000] {
            assert_eq!(d.add_days(n), None, "{n} days");
        }
        for n in [i64::MAX, i64::MIN, 100_000, -30_000] {
            assert_eq!(d.add_months(n), None, "{n} months");
        }
        assert_eq!(
            d.add_days(-738_944).map(|x| x.to_string()),
            Some("0001-01-01".into())
        );
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
