//! Calendar dates for exception expiry, without a date library.

use std::fmt;

/// A calendar date (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year: i32 = s[..4].parse().ok()?;
        let month: u32 = s[5..7].parse().ok()?;
        let day: u32 = s[8..].parse().ok()?;
        if !s[..4].bytes().chain(s[5..7].bytes()).chain(s[8..].bytes()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&day).then_some(Date { year, month, day })
    }

    /// Today: `ENVWALL_TODAY=YYYY-MM-DD` when set (for reproducible runs), else
    /// [`Date::now`]. An `ENVWALL_TODAY` that is not a date is an error that says
    /// so: a run must not quietly take another day than the one asked for.
    pub fn today() -> Result<Date, String> {
        match std::env::var_os("ENVWALL_TODAY") {
            None => Ok(Date::now()),
            Some(v) => v.to_str().and_then(Date::parse).ok_or_else(|| {
                format!("ENVWALL_TODAY is {:?}, which is not a date written YYYY-MM-DD", v.to_string_lossy())
            }),
        }
    }

    /// Today in UTC, by the system clock.
    pub fn now() -> Date {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Date::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's civil-from-days).
    fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_validates() {
        assert_eq!(Date::parse("2027-03-31"), Some(Date { year: 2027, month: 3, day: 31 }));
        assert_eq!(Date::parse("2028-02-29").map(|d| d.day), Some(29));
        for bad in ["2027-02-29", "2027-13-01", "2027-04-31", "27-03-31", "2027/03/31", "2027-3-31", "2027-03-3x"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn civil_from_days() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_783).to_string(), "2026-11-26");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
    }
}
