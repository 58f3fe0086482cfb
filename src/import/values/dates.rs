//! Dates as exports write them: ISO, numeric with either day/month order, month names,
//! two-digit years, and an optional valid time of day after the date.

use chrono::NaiveDate;

use super::{DayMonth, is_space};

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month's number from its English name or three-letter abbreviation ("October", "oct.",
/// "Sept").
pub fn month_from_name(name: &str) -> Option<u32> {
    if name.len() < 3 || !name.is_ascii() {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let lower = lower.trim_end_matches('.');
    if lower == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| *m == lower || (lower.len() == 3 && m.starts_with(lower)))
        .map(|i| i as u32 + 1)
}

/// The pieces of a date text, before day/month order is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateParts {
    /// Year, month, day: unambiguous.
    Ymd(i32, u32, u32),
    /// Two numbers and a year whose order depends on the file.
    Ambiguous(u32, u32, i32),
}

fn year_of(digits: &str) -> Option<i32> {
    match digits.len() {
        2 => Some(2000 + digits.parse::<i32>().ok()?),
        4 => digits.parse().ok(),
        _ => None,
    }
}

/// Split `s` into leading runs: returns (run, rest).
fn take_while(s: &str, f: impl Fn(char) -> bool) -> (&str, &str) {
    let end = s
        .char_indices()
        .find(|&(_, c)| !f(c))
        .map_or(s.len(), |(i, _)| i);
    s.split_at(end)
}

/// Two digits at most, as a number.
fn small_number(digits: &str) -> Option<u32> {
    (!digits.is_empty() && digits.len() <= 2)
        .then(|| digits.parse().ok())
        .flatten()
}

/// Whether `s` is a valid time of day: `13:45`, `13:45:00`, `13:45:00.123`, optionally with
/// `AM`/`PM` (hour 1 to 12), `Z` or an offset (`+02:00`, `-0500`).
fn is_time_of_day(s: &str) -> bool {
    let (hour, rest) = take_while(s, |c| c.is_ascii_digit());
    let Some(rest) = rest.strip_prefix(':') else {
        return false;
    };
    let (minute, mut rest) = take_while(rest, |c| c.is_ascii_digit());
    let (Some(hour), Some(minute)) = (
        small_number(hour),
        small_number(minute).filter(|_| minute.len() == 2),
    ) else {
        return false;
    };
    let mut second = 0;
    if let Some(after) = rest.strip_prefix(':') {
        let (sec, after) = take_while(after, |c| c.is_ascii_digit());
        let Some(sec) = small_number(sec).filter(|_| sec.len() == 2) else {
            return false;
        };
        second = sec;
        rest = after;
        if let Some(frac) = rest.strip_prefix(['.', ',']) {
            let (digits, after) = take_while(frac, |c| c.is_ascii_digit());
            if digits.is_empty() {
                return false;
            }
            rest = after;
        }
    }
    if minute > 59 || second > 59 {
        return false;
    }
    let zone = rest.trim_start_matches(is_space);
    let twelve_hour = ["AM", "PM", "A.M.", "P.M."]
        .iter()
        .any(|m| zone.eq_ignore_ascii_case(m));
    if twelve_hour {
        return (1..=12).contains(&hour);
    }
    if hour > 23 {
        return false;
    }
    if rest.is_empty() || rest == "Z" || rest == "z" {
        return true;
    }
    // an offset: +HH, +HHMM or +HH:MM
    let Some(offset) = rest.strip_prefix(['+', '-']) else {
        return false;
    };
    let (hh, after) = take_while(offset, |c| c.is_ascii_digit());
    let (hh, mm) = match (hh.len(), after.strip_prefix(':')) {
        (2, None) if after.is_empty() => (hh, "00"),
        (2, Some(mm)) => (hh, mm),
        (4, None) if after.is_empty() => hh.split_at(2),
        _ => return false,
    };
    matches!((hh.parse::<u32>(), mm.parse::<u32>()), (Ok(h), Ok(m)) if h <= 23 && m <= 59 && mm.len() == 2)
}

/// Only a valid time of day may follow a date, after spaces or a `T`.
fn rest_is_time(rest: &str) -> bool {
    if rest.is_empty() {
        return true;
    }
    let time = if let Some(t) = rest.strip_prefix(['T', 't']) {
        t
    } else if rest.starts_with(is_space) {
        rest.trim_start_matches(is_space)
    } else {
        return false;
    };
    is_time_of_day(time)
}

fn split_date(s: &str) -> Option<DateParts> {
    let s = s.trim_matches(is_space);
    let first = s.chars().next()?;
    if first.is_ascii_digit() {
        let (n1, rest) = take_while(s, |c| c.is_ascii_digit());
        let sep = rest.chars().next()?;
        if !matches!(sep, '-' | '/' | '.') {
            return None;
        }
        let rest = &rest[1..];
        let (mid, rest2) = if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            take_while(rest, |c| c.is_ascii_alphabetic())
        } else {
            take_while(rest, |c| c.is_ascii_digit())
        };
        if mid.is_empty() || !rest2.starts_with(sep) {
            return None;
        }
        let (n3, tail) = take_while(&rest2[1..], |c| c.is_ascii_digit());
        if !rest_is_time(tail) {
            return None;
        }
        let month_name = mid.starts_with(|c: char| c.is_ascii_alphabetic());
        if n1.len() == 4 {
            // 2026-03-15, 2026/03/15
            if sep == '.' || month_name || mid.len() > 2 || n3.is_empty() || n3.len() > 2 {
                return None;
            }
            return Some(DateParts::Ymd(
                n1.parse().ok()?,
                mid.parse().ok()?,
                n3.parse().ok()?,
            ));
        }
        if n1.is_empty() || n1.len() > 2 {
            return None;
        }
        let year = year_of(n3)?;
        match (sep, month_name) {
            // 15-Mar-2026
            ('-', true) => Some(DateParts::Ymd(
                year,
                month_from_name(mid)?,
                n1.parse().ok()?,
            )),
            // 15.03.2026 is always day first
            ('.', false) if mid.len() <= 2 => {
                Some(DateParts::Ymd(year, mid.parse().ok()?, n1.parse().ok()?))
            }
            // 03/15/2026 or 15/03/2026: the file decides
            ('/', false) if mid.len() <= 2 => Some(DateParts::Ambiguous(
                n1.parse().ok()?,
                mid.parse().ok()?,
                year,
            )),
            _ => None,
        }
    } else if first.is_ascii_alphabetic() {
        // Mar 15, 2026 / March 15, 2026
        let (name, rest) = take_while(s, |c| c.is_ascii_alphabetic() || c == '.');
        let month = month_from_name(name)?;
        let rest = rest.trim_start_matches(is_space);
        let (day, rest) = take_while(rest, |c| c.is_ascii_digit());
        if day.is_empty() || day.len() > 2 {
            return None;
        }
        let rest = rest.strip_prefix(',').unwrap_or(rest);
        if !rest.starts_with(is_space) {
            return None;
        }
        let (y, tail) = take_while(rest.trim_start_matches(is_space), |c| c.is_ascii_digit());
        if !rest_is_time(tail) {
            return None;
        }
        Some(DateParts::Ymd(year_of(y)?, month, day.parse().ok()?))
    } else {
        None
    }
}

/// What a date value says about the file's day/month order: Some when one part is above 12.
pub fn date_order_hint(s: &str) -> Option<DayMonth> {
    match split_date(s)? {
        DateParts::Ambiguous(a, b, _) if (13..=31).contains(&a) && (1..=12).contains(&b) => {
            Some(DayMonth::DayFirst)
        }
        DateParts::Ambiguous(a, b, _) if (1..=12).contains(&a) && (13..=31).contains(&b) => {
            Some(DayMonth::MonthFirst)
        }
        _ => None,
    }
}

/// Whether a date value is numeric with day and month both 12 or below (03/04/2026): its
/// meaning depends on the file's order.
pub fn date_is_ambiguous(s: &str) -> bool {
    matches!(split_date(s), Some(DateParts::Ambiguous(a, b, _)) if a <= 12 && b <= 12 && a != b)
}

/// Whether a date value is written the ISO way, `YYYY-MM-DD` (a valid date, optionally followed
/// by a valid time of day): its meaning depends on no order.
pub fn is_iso_date(s: &str) -> bool {
    let t = s.trim_matches(is_space);
    let b = t.as_bytes();
    b.len() >= 8
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && matches!(split_date(t), Some(DateParts::Ymd(..)))
        && parse_date(t, DayMonth::MonthFirst).is_some()
}

/// Parse a date in any supported form, with the file's day/month order for numeric forms.
pub fn parse_date(s: &str, order: DayMonth) -> Option<NaiveDate> {
    let (y, m, d) = match split_date(s)? {
        DateParts::Ymd(y, m, d) => (y, m, d),
        DateParts::Ambiguous(a, b, y) => match order {
            DayMonth::MonthFirst => (y, a, b),
            DayMonth::DayFirst => (y, b, a),
        },
    };
    NaiveDate::from_ymd_opt(y, m, d)
}
