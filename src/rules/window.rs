//! Anniversary → deadline → window (R3), and the calendar arithmetic the rest of the rules use.

use chrono::NaiveDate;
use serde::Serialize;

pub use crate::money::Month;

/// The dates that decide a renewal: anniversary, deadline and the 12-month window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RenewalDates {
    /// The upcoming anniversary, as stored (never rolled forward).
    pub anniversary: NaiveDate,
    /// Last day of the month before the anniversary's month.
    pub deadline: NaiveDate,
    /// First day of the window: 12 calendar months ending with the deadline's month.
    pub window_start: NaiveDate,
}

impl RenewalDates {
    /// Dates for the anniversary `anniversary`.
    pub fn new(anniversary: NaiveDate) -> RenewalDates {
        let deadline_month = Month::of(anniversary).plus(-1);
        RenewalDates {
            anniversary,
            deadline: deadline_month.last_day(),
            window_start: deadline_month.plus(-11).first_day(),
        }
    }

    /// Last day of the window (the deadline).
    pub fn window_end(&self) -> NaiveDate {
        self.deadline
    }

    /// The first month of the window.
    pub fn first_month(&self) -> Month {
        Month::of(self.window_start)
    }

    /// The 12 months of the window, in order.
    pub fn months(&self) -> impl Iterator<Item = Month> + use<> {
        let first = self.first_month();
        (0..12).map(move |i| first.plus(i))
    }

    /// Whether a purchase on `date` counts (inside the window, edges included).
    pub fn contains(&self, date: NaiveDate) -> bool {
        date >= self.window_start && date <= self.deadline
    }

    /// Position 0-11 of `date`'s month in the window, if inside it.
    pub fn month_index(&self, date: NaiveDate) -> Option<usize> {
        if self.contains(date) {
            usize::try_from(self.first_month().until(Month::of(date))).ok()
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn window_edges() {
        // (anniversary, deadline, window start)
        let cases = [
            ("2027-03-15", "2027-02-28", "2026-03-01"),
            ("2026-10-01", "2026-09-30", "2025-10-01"),
            ("2026-10-31", "2026-09-30", "2025-10-01"),
            ("2027-01-01", "2026-12-31", "2026-01-01"),
            ("2027-01-31", "2026-12-31", "2026-01-01"),
            ("2028-03-01", "2028-02-29", "2027-03-01"), // leap year
            ("2028-02-29", "2028-01-31", "2027-02-01"), // anniversary on a leap day
            ("2026-12-31", "2026-11-30", "2025-12-01"),
        ];
        for (a, dl, ws) in cases {
            let r = RenewalDates::new(d(a));
            assert_eq!(r.deadline, d(dl), "deadline for {a}");
            assert_eq!(r.window_start, d(ws), "window start for {a}");
            assert_eq!(r.months().count(), 12);
            assert_eq!(r.months().last().unwrap(), Month::of(d(dl)));
        }
    }

    #[test]
    fn contains_and_month_index() {
        let r = RenewalDates::new(d("2027-03-15"));
        assert!(!r.contains(d("2026-02-28")));
        assert_eq!(r.month_index(d("2026-03-01")), Some(0));
        assert_eq!(r.month_index(d("2027-02-28")), Some(11));
        assert_eq!(r.month_index(d("2027-03-01")), None);
    }

    #[test]
    fn month_arithmetic() {
        let m = Month::of(d("2026-01-15"));
        assert_eq!(m.plus(-1).label(), "2025-12");
        assert_eq!(m.plus(11).label(), "2026-12");
        assert_eq!(m.last_day(), d("2026-01-31"));
        assert_eq!(Month::of(d("2024-02-10")).last_day(), d("2024-02-29"));
    }
}
