//! Calendar dates as days since 1970-01-01 (proleptic Gregorian), for `start_date` and the
//! dates of a demand history. The conversions are Howard Hinnant's `days_from_civil` and
//! `civil_from_days` algorithms (exact for every date of years 0 to 9999 read here).

use std::fmt;

/// A calendar date: days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Date(pub(crate) i64);

impl Date {
    /// Parses `YYYY-MM-DD` (surrounding spaces allowed); `None` when it is not a real date.
    pub(crate) fn parse(text: &str) -> Option<Date> {
        let t = text.trim().as_bytes();
        if t.len() != 10 || t[4] != b'-' || t[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            t[r].iter().try_fold(0i64, |n, &c| c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0')))
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        ((1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d)).then(|| Date::from_civil(y, m, d))
    }

    /// The date of year `y`, month `m` (1–12), day `d` (1–31).
    pub(crate) fn from_civil(y: i64, m: i64, d: i64) -> Date {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Date(era * 146_097 + doe - 719_468)
    }

    /// Year, month (1–12) and day (1–31).
    pub(crate) fn civil(self) -> (i64, i64, i64) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (yoe + era * 400 + i64::from(m <= 2), m, d)
    }

    /// Day of the week, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    pub(crate) fn weekday(self) -> usize {
        (self.0 + 3).rem_euclid(7) as usize
    }

    /// Month, 0 = January … 11 = December.
    pub(crate) fn month0(self) -> usize {
        (self.civil().1 - 1) as usize
    }

    /// The date `days` later.
    pub(crate) fn plus(self, days: i64) -> Date {
        Date(self.0 + days)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn days_in_month(y: i64, m: i64) -> i64 {
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The names of the weekdays, Monday first.
pub(crate) const WEEKDAYS: [&str; 7] =
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(Date::parse("1970-01-01"), Some(Date(0)));
        assert_eq!(Date::parse("2000-03-01"), Some(Date(11_017)));
        assert_eq!(Date::parse("2026-11-29").map(Date::weekday), Some(6), "a Sunday");
        assert_eq!(Date::parse("2024-02-29").map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
        for bad in ["2023-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026/01/01", "2026-04-31", ""] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn civil_round_trips_over_centuries() {
        // Every day from 1600 to 2400: consecutive, and back to the same text.
        let mut prev = Date::from_civil(1599, 12, 31);
        for y in 1600..2400 {
            for m in 1..=12 {
                for d in 1..=days_in_month(y, m) {
                    let date = Date::from_civil(y, m, d);
                    assert_eq!(date.0, prev.0 + 1);
                    assert_eq!(date.civil(), (y, m, d));
                    prev = date;
                }
            }
        }
    }
}
