//! Calendar months: the unit of the renewal window's series and of exchange rates given per
//! month.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A calendar month, as a count of months since year 0 (so consecutive months differ by 1).
/// Written as "2026-03".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label())
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Month::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("'{s}' is not a month (YYYY-MM)")))
    }
}

impl Month {
    /// The month holding `date`.
    pub fn of(date: NaiveDate) -> Month {
        Month(date.year() * 12 + date.month0() as i32)
    }

    /// Year of the month.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// Month number, 1-12.
    pub fn number(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Month {
        Month(self.0 + n)
    }

    /// Months from `self` to `later` (negative when `later` is earlier).
    pub fn until(self, later: Month) -> i32 {
        later.0 - self.0
    }

    /// First day of the month.
    pub fn first_day(self) -> NaiveDate {
        // Every month of years chrono supports has a first day.
        NaiveDate::from_ymd_opt(self.year(), self.number(), 1).unwrap_or(NaiveDate::MIN)
    }

    /// Last day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.plus(1)
            .first_day()
            .pred_opt()
            .unwrap_or(NaiveDate::MAX)
    }

    /// Parse "2026-03".
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
        NaiveDate::from_ymd_opt(y, m, 1).map(Month::of)
    }

    /// "2026-03".
    pub fn label(self) -> String {
        format!("{:04}-{:02}", self.year(), self.number())
    }
}
