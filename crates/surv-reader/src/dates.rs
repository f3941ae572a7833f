//! Follow-up time from two dates, as a clinical spreadsheet holds it: the date
//! of diagnosis (or entry) and the date of the event or of last contact.
//!
//! Dates are ISO `YYYY-MM-DD` text, or date cells of an Excel workbook (which
//! the workbook reader turns into that text).
//! A month is 365.25 / 12 days and a year 365.25 days, the conventions of
//! survival papers (and of lubridate's `time_length`), so that 12 months make
//! a year.

use std::fmt;
use std::str::FromStr;

/// The unit follow-up times are given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeUnit {
    /// Days (the default).
    #[default]
    Days,
    /// Weeks of 7 days.
    Weeks,
    /// Months of 365.25 / 12 days.
    Months,
    /// Years of 365.25 days.
    Years,
}

impl TimeUnit {
    /// Days in one unit.
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Days => 1.0,
            TimeUnit::Weeks => 7.0,
            TimeUnit::Months => 365.25 / 12.0,
            TimeUnit::Years => 365.25,
        }
    }

    /// The unit's name, plural, as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Days => "days",
            TimeUnit::Weeks => "weeks",
            TimeUnit::Months => "months",
            TimeUnit::Years => "years",
        }
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TimeUnit {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "days" => Ok(TimeUnit::Days),
            "weeks" => Ok(TimeUnit::Weeks),
            "months" => Ok(TimeUnit::Months),
            "years" => Ok(TimeUnit::Years),
            other => Err(format!(
                "unknown time unit `{other}`: expected days, weeks, months or years"
            )),
        }
    }
}

/// Time = `to` − `from`, in `unit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateSpan {
    /// Column of the start dates (diagnosis, entry).
    pub from: String,
    /// Column of the end dates (event or last contact).
    pub to: String,
    /// Unit of the resulting times.
    pub unit: TimeUnit,
}

/// Days from 1970-01-01 to a valid proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Count from 0000-03-01, so that the leap day ends a year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The ISO `YYYY-MM-DD` text of a day counted from 1970-01-01: the inverse,
/// which the tests walk against the calendar, and how a workbook's date cells
/// become the text a date column is read from.
pub(crate) fn format_iso_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 of an ISO `YYYY-MM-DD` date, or `None` if the text is
/// not one (wrong shape, or a day the calendar lacks, such as 2021-02-29).
pub fn parse_iso_date(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<i64>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let valid = (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day);
    valid.then(|| days_from_civil(year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_count_days_from_the_epoch() {
        assert_eq!(parse_iso_date("1970-01-01"), Some(0));
        assert_eq!(parse_iso_date("1970-01-02"), Some(1));
        assert_eq!(parse_iso_date("1969-12-31"), Some(-1));
        assert_eq!(parse_iso_date("2000-03-01"), Some(11_017));
        assert_eq!(parse_iso_date("2024-02-29"), Some(19_782));
        // Walking day by day agrees with the formula across leap years.
        // 1900-01-01 is 25,567 days before the epoch (70 years, 17 leap days).
        let mut expected = -25_568;
        for year in 1900..=2101 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    let text = format!("{year:04}-{month:02}-{day:02}");
                    expected += 1;
                    assert_eq!(parse_iso_date(&text), Some(expected), "{text}");
                    assert_eq!(format_iso_date(expected), text);
                }
            }
        }
    }

    #[test]
    fn what_is_not_a_calendar_day_is_refused() {
        for bad in [
            "2021-02-29",
            "1900-02-29",
            "2020-13-01",
            "2020-00-10",
            "2020-04-31",
            "2020-1-5",
            "05/01/2020",
            "2020-01-01T00:00",
            "",
            "2020-01-0x",
        ] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn units_are_the_papers_conventions() {
        assert_eq!(TimeUnit::Years.days(), 365.25);
        assert_eq!(12.0 * TimeUnit::Months.days(), TimeUnit::Years.days());
        assert_eq!("weeks".parse::<TimeUnit>(), Ok(TimeUnit::Weeks));
        assert!("fortnights".parse::<TimeUnit>().is_err());
    }
}
