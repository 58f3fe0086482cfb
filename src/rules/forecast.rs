//! The forecast at the deadline (R5): run rate of the completed months, the projection, what
//! is still needed per month for each target, and when each target would be reached.
//! Computed exactly, rounded once at the end (2 decimals, half away from zero).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::figures::{Figures, MonthFigures, Requirement};
use super::window::{Month, RenewalDates};
use crate::import::values::cents;
use crate::profile::Level;

/// A planned purchase of the scenario, already valued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedFigures {
    /// When it is planned.
    pub date: NaiveDate,
    /// KPI units it would add.
    pub kpi_units: Decimal,
    /// USD revenue it would add.
    pub revenue_usd: Decimal,
}

/// One target of one level, projected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetForecast {
    /// Level id.
    pub level: String,
    /// KPI units or revenue.
    pub requirement: Requirement,
    /// The target.
    pub target: Decimal,
    /// What is still needed per month in which purchases can still be made and count
    /// ([`Forecast::buying_months`]).
    pub needed_per_month: Decimal,
    /// Last day of the month in which the run rate reaches the target (None: already met,
    /// no run rate, or after the deadline).
    pub reached_on: Option<NaiveDate>,
    /// What the projection at the run rate, without the planned purchases, still leaves short
    /// of the target at the deadline (0 when it reaches it), rounded once from the exact figures.
    pub short_at_run_rate: Decimal,
    /// The same with the planned purchases (0 when they reach it).
    pub short_with_plans: Decimal,
}

/// The forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forecast {
    /// Months of the window that ended before the as-of date.
    pub completed_months: u32,
    /// Months of the window after the as-of date's month.
    pub open_months: u32,
    /// The months the still-needed figures are spread over: the open months and the as-of
    /// date's own month when it is in the window (before the window opens, its 12 months;
    /// 1 at the deadline's month and after: the whole gap).
    pub buying_months: u32,
    /// Average of the completed months.
    pub run_rate: Figures,
    /// Actual so far + run rate × open months + planned purchases.
    pub at_deadline: Figures,
    /// The planned purchases included in `at_deadline`.
    pub planned: Figures,
    /// How many planned purchases those are.
    pub plans_counted: u32,
    /// Each level target.
    pub targets: Vec<TargetForecast>,
}

/// Whether the forecast as of `as_of` counts a purchase planned on `date`: one still to come,
/// inside the window.
pub fn counts_plan(date: NaiveDate, as_of: NaiveDate, dates: &RenewalDates) -> bool {
    date > as_of && dates.contains(date)
}

fn round(f: Figures) -> Figures {
    Figures {
        kpi_units: cents(f.kpi_units),
        revenue_usd: cents(f.revenue_usd),
    }
}

/// Compute the forecast from the monthly series.
///
/// `monthly` is the window's series, `as_of` "today", `levels` the profile's targets and
/// `plans` the scenario (only plans after `as_of` inside the window count).
pub fn forecast(
    monthly: &[MonthFigures],
    as_of: NaiveDate,
    dates: RenewalDates,
    levels: &[Level],
    plans: &[PlannedFigures],
) -> Forecast {
    let t = as_of;
    let t_month = Month::of(t);
    let actual = monthly.last().map(|m| m.cumulative).unwrap_or_default();
    let completed: Vec<&MonthFigures> = monthly.iter().filter(|m| m.month.last_day() < t).collect();
    let completed_months = completed.len() as u32;
    let open_months = monthly.iter().filter(|m| m.month > t_month).count() as u32;

    let run_rate = if completed.is_empty() {
        Figures::default()
    } else {
        let n = Decimal::from(completed_months);
        let mut sum = Figures::default();
        for m in &completed {
            sum.add(m.month_total);
        }
        Figures {
            kpi_units: sum.kpi_units / n,
            revenue_usd: sum.revenue_usd / n,
        }
    };
    let mut planned = Figures::default();
    let mut plans_counted = 0u32;
    for p in plans.iter().filter(|p| counts_plan(p.date, t, &dates)) {
        plans_counted = plans_counted.saturating_add(1);
        planned.add(Figures {
            kpi_units: p.kpi_units,
            revenue_usd: p.revenue_usd,
        });
    }
    // Saturating sums: the limits keep every figure far from overflow, and a figure that
    // still got there stays huge rather than panicking.
    let open = Decimal::from(open_months);
    let run_rate_only = Figures {
        kpi_units: actual
            .kpi_units
            .saturating_add(run_rate.kpi_units.saturating_mul(open)),
        revenue_usd: actual
            .revenue_usd
            .saturating_add(run_rate.revenue_usd.saturating_mul(open)),
    };
    let at_deadline = Figures {
        kpi_units: run_rate_only.kpi_units.saturating_add(planned.kpi_units),
        revenue_usd: run_rate_only
            .revenue_usd
            .saturating_add(planned.revenue_usd),
    };
    // R5: the open months + 1, the + 1 being T's month, in which purchases can still be made.
    // Before the window opens, T's month is not one whose purchases count: the window's own
    // months are the ones left (README, interpretation 11).
    let buying_months = (open_months + u32::from(dates.contains(t))).max(1);
    let months_left = Decimal::from(buying_months);

    let mut targets = Vec::new();
    for level in levels {
        let pairs = [
            (
                Requirement::KpiUnits,
                level.kpi_units,
                actual.kpi_units,
                run_rate.kpi_units,
            ),
            (
                Requirement::Revenue,
                level.revenue_usd,
                actual.revenue_usd,
                run_rate.revenue_usd,
            ),
        ];
        let ends = [
            (run_rate_only.kpi_units, at_deadline.kpi_units),
            (run_rate_only.revenue_usd, at_deadline.revenue_usd),
        ];
        for ((requirement, target, have, rate), (without, with)) in pairs.into_iter().zip(ends) {
            let Some(target) = target else { continue };
            let short = target.saturating_sub(have).max(Decimal::ZERO);
            let reached_on = if short.is_zero() || rate <= Decimal::ZERO {
                None
            } else {
                (1..=open_months).find_map(|k| {
                    (have.saturating_add(rate.saturating_mul(Decimal::from(k))) >= target)
                        .then(|| t_month.plus(k as i32).last_day())
                })
            };
            targets.push(TargetForecast {
                level: level.id.clone(),
                requirement,
                target,
                needed_per_month: cents(short / months_left),
                reached_on,
                short_at_run_rate: cents(target.saturating_sub(without).max(Decimal::ZERO)),
                short_with_plans: cents(target.saturating_sub(with).max(Decimal::ZERO)),
            });
        }
    }
    Forecast {
        completed_months,
        open_months,
        buying_months,
        run_rate: round(run_rate),
        at_deadline: round(at_deadline),
        planned: round(planned),
        plans_counted,
        targets,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail by panicking")]
mod tests {
    use super::*;

    /// The window of the 2027-03-01 anniversary, with nothing bought, and a level of 120 KPI
    /// units: what is needed a month, seen from before, inside and after the window.
    fn needed(as_of: &str) -> (u32, Decimal) {
        let dates = RenewalDates::new(NaiveDate::from_ymd_opt(2027, 3, 1).unwrap());
        let start = Month::of(dates.window_start);
        let monthly: Vec<MonthFigures> = (0..12)
            .map(|i| MonthFigures {
                month: start.plus(i),
                month_total: Figures::default(),
                cumulative: Figures::default(),
            })
            .collect();
        let level = Level {
            id: "silver".into(),
            name: "Silver".into(),
            mcts: None,
            exams: false,
            kpi_units: Some(Decimal::from(120)),
            revenue_usd: None,
        };
        let as_of = NaiveDate::parse_from_str(as_of, "%Y-%m-%d").unwrap();
        let f = forecast(&monthly, as_of, dates, &[level], &[]);
        (f.buying_months, f.targets[0].needed_per_month)
    }

    #[test]
    fn the_gap_is_spread_over_the_months_whose_purchases_can_still_count() {
        // before the window opens (2026-03-01): its 12 months, not the as-of month too
        assert_eq!(needed("2026-01-20"), (12, Decimal::from(10)));
        assert_eq!(needed("2026-02-28"), (12, Decimal::from(10)));
        // inside it: the open months and the as-of month (R5's + 1)
        assert_eq!(needed("2026-03-01"), (12, Decimal::from(10)));
        assert_eq!(needed("2026-11-26"), (4, Decimal::from(30)));
        // the deadline's month and after: the whole gap
        assert_eq!(needed("2027-02-10"), (1, Decimal::from(120)));
        assert_eq!(needed("2027-03-15"), (1, Decimal::from(120)));
    }

    /// The demo on 2026-11-26: 3,668 KPI units, 3,501 of them in the 8 completed months (a
    /// run rate of 437.625), 3 open months: 4,980.875 at the deadline, 19.125 short of 5,000,
    /// rounded once to 19.13. The rounded 4,980.88 subtracted from 5,000 would say 19.12.
    #[test]
    fn what_the_forecast_leaves_short_is_rounded_once_from_the_exact_figures() {
        let dates = RenewalDates::new(NaiveDate::from_ymd_opt(2027, 3, 1).unwrap());
        let start = Month::of(dates.window_start);
        let units = |k: &str| Figures {
            kpi_units: k.parse().unwrap(),
            revenue_usd: Decimal::ZERO,
        };
        // 8 completed months whose total is 3,501, then November's 167
        let mut cumulative = Figures::default();
        let monthly: Vec<MonthFigures> = (0..12)
            .map(|i| {
                let total = match i {
                    0 => units("3501"),
                    8 => units("167"),
                    _ => Figures::default(),
                };
                cumulative.add(total);
                MonthFigures {
                    month: start.plus(i),
                    month_total: total,
                    cumulative,
                }
            })
            .collect();
        let gold = Level {
            id: "gold".into(),
            name: "Gold".into(),
            mcts: None,
            exams: false,
            kpi_units: Some(Decimal::from(5000)),
            revenue_usd: None,
        };
        let plan = PlannedFigures {
            date: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
            kpi_units: Decimal::from(10),
            revenue_usd: Decimal::ZERO,
        };
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let f = forecast(&monthly, as_of, dates, &[gold], &[plan]);
        assert_eq!(f.run_rate.kpi_units, "437.63".parse::<Decimal>().unwrap());
        assert_eq!(
            f.at_deadline.kpi_units,
            "4990.88".parse::<Decimal>().unwrap()
        );
        let t = &f.targets[0];
        assert_eq!(t.short_at_run_rate, "19.13".parse::<Decimal>().unwrap());
        // with a plan of 10: 9.125 short, 9.13 (not 5,000 - 4,990.88 = 9.12)
        assert_eq!(t.short_with_plans, "9.13".parse::<Decimal>().unwrap());
    }
}
