//! The verdict (R1) and what it puts at stake (R6): each level's requirements checked against
//! the totals and the partner's capability, the highest level met, the outcome against the
//! current level, and the benefits whose value changes.

use rust_decimal::Decimal;
use serde::Serialize;

use super::figures::{CapabilityFacts, Check, Figures, LevelStatus, Requirement};
use crate::profile::Profile;
/// The verdict outcome against the current level (R1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A level above the current one is met (an upgrade is a separate application).
    Qualifies,
    /// The current level is met.
    Keeps,
    /// Drops to the next level down that is met.
    Drops,
    /// No level is met.
    Removed,
}

/// The renewal verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Current level id.
    pub current: String,
    /// What happens.
    pub outcome: Outcome,
    /// The level it leads to (None when removed).
    pub to: Option<String>,
}

/// Combine requirement results: any false → false; else any unknown → unknown; else true.
fn all_met(checks: &[Check]) -> Option<bool> {
    if checks.iter().any(|c| c.met == Some(false)) {
        Some(false)
    } else if checks.iter().any(|c| c.met.is_none()) {
        None
    } else {
        Some(true)
    }
}

/// Revenue waiting for an exchange rate (import.md: the row's revenue is held back): whether
/// it may raise the revenue (an amount to come) or lower it (a return to come), whatever rate
/// is entered. A revenue target its figure could cross either way is not known yet
/// (cli.md: null, never a guess).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeldBack {
    /// A row waiting for a rate would add revenue.
    pub may_raise: bool,
    /// A row waiting for a rate would take revenue away (a return).
    pub may_lower: bool,
}

impl HeldBack {
    /// What the rows waiting for a rate may do to the revenue (only rows whose product line's
    /// revenue counts).
    pub fn of(needs_rate: &[super::figures::NeedsRate]) -> HeldBack {
        // one rate converts a currency's rows of one month: their sum decides the direction
        // (an invoice and a smaller return in one month can only add)
        let mut net: std::collections::BTreeMap<(&str, super::Month), Decimal> =
            std::collections::BTreeMap::new();
        for n in needs_rate.iter().filter(|n| n.revenue) {
            let sum = net.entry((n.currency.as_str(), n.month)).or_default();
            *sum = sum.saturating_add(n.amount);
        }
        let mut held = HeldBack::default();
        for amount in net.values() {
            held.may_raise |= *amount > Decimal::ZERO;
            held.may_lower |= *amount < Decimal::ZERO;
        }
        held
    }

    /// Whether `revenue` meets `target` once every rate is in: None when the rows waiting for
    /// a rate could change the answer.
    fn meets(self, revenue: Decimal, target: Decimal) -> Option<bool> {
        let met = revenue >= target;
        let could_change = if met { self.may_lower } else { self.may_raise };
        (!could_change).then_some(met)
    }
}

/// Each level of `profile`, highest first, with its requirements checked against `totals`
/// (revenue not known while rows waiting for a rate could change whether it is met) and what
/// is known of the capability.
pub fn level_statuses(
    profile: &Profile,
    capability: Option<&CapabilityFacts>,
    totals: Figures,
    held_back: HeldBack,
) -> Vec<LevelStatus> {
    profile
        .levels
        .iter()
        .map(|level| {
            let mut checks = Vec::new();
            if let Some(t) = level.kpi_units {
                checks.push(Check {
                    requirement: Requirement::KpiUnits,
                    met: Some(totals.kpi_units >= t),
                    actual: Some(totals.kpi_units),
                    target: Some(t),
                });
            }
            if let Some(t) = level.revenue_usd {
                checks.push(Check {
                    requirement: Requirement::Revenue,
                    met: held_back.meets(totals.revenue_usd, t),
                    actual: Some(totals.revenue_usd),
                    target: Some(t),
                });
            }
            if let Some(n) = level.mcts {
                let active = capability.and_then(|c| c.active_mcts);
                checks.push(Check {
                    requirement: Requirement::Mct,
                    met: active.map(|a| a >= n),
                    actual: active.map(Decimal::from),
                    target: Some(Decimal::from(n)),
                });
            }
            if level.exams {
                checks.push(Check {
                    requirement: Requirement::Exams,
                    met: capability.and_then(|c| c.exam_rules.get(&level.id).copied()),
                    actual: None,
                    target: None,
                });
            }
            let met = all_met(&checks);
            LevelStatus {
                id: level.id.clone(),
                name: level.name.clone(),
                checks,
                met,
            }
        })
        .collect()
}

/// Highest level met, "none" when none is, None when an unknown stands in the way.
pub fn readiness(levels: &[LevelStatus]) -> Option<String> {
    for level in levels {
        match level.met {
            Some(true) => return Some(level.id.clone()),
            None => return None,
            Some(false) => {}
        }
    }
    Some("none".into())
}

/// The verdict against `current` (R1: the first outcome that applies).
pub fn verdict(levels: &[LevelStatus], current: &str) -> Option<Verdict> {
    let at = levels.iter().position(|l| l.id == current)?;
    let make = |outcome, to: Option<&LevelStatus>| {
        Some(Verdict {
            current: current.to_string(),
            outcome,
            to: to.map(|l| l.id.clone()),
        })
    };
    // A level above the current one met: qualifies (for the highest such level).
    for level in &levels[..at] {
        match level.met {
            Some(true) => return make(Outcome::Qualifies, Some(level)),
            None => return None,
            Some(false) => {}
        }
    }
    match levels[at].met {
        Some(true) => return make(Outcome::Keeps, Some(&levels[at])),
        None => return None,
        Some(false) => {}
    }
    for level in &levels[at + 1..] {
        match level.met {
            Some(true) => return make(Outcome::Drops, Some(level)),
            None => return None,
            Some(false) => {}
        }
    }
    make(Outcome::Removed, None)
}

/// A benefit whose value changes with the verdict (R6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BenefitChange {
    /// Benefit name.
    pub benefit: String,
    /// Its value at the current level.
    pub now: String,
    /// Its value after (None when the partner is removed or the level does not list it).
    pub after: Option<String>,
}

/// The benefits at stake: those whose value changes when the verdict drops the partner a
/// level or removes it (empty when it keeps or qualifies).
pub fn benefits_at_stake(profile: &Profile, verdict: &Verdict) -> Vec<BenefitChange> {
    if !matches!(verdict.outcome, Outcome::Drops | Outcome::Removed) {
        return Vec::new();
    }
    profile
        .benefits
        .iter()
        .filter_map(|b| {
            let now = b.values.get(&verdict.current)?;
            let after = verdict.to.as_ref().and_then(|to| b.values.get(to));
            (Some(now) != after).then(|| BenefitChange {
                benefit: b.name.clone(),
                now: now.clone(),
                after: after.cloned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(id: &str, met: Option<bool>) -> LevelStatus {
        LevelStatus {
            id: id.into(),
            name: id.into(),
            checks: vec![],
            met,
        }
    }

    fn levels(g: Option<bool>, s: Option<bool>, l: Option<bool>) -> Vec<LevelStatus> {
        vec![status("gold", g), status("silver", s), status("lap", l)]
    }

    fn v(levels: &[LevelStatus], current: &str) -> Option<(Outcome, Option<String>)> {
        verdict(levels, current).map(|v| (v.outcome, v.to))
    }

    /// Revenue waiting for a rate leaves a revenue target unknown only when it could cross it:
    /// an amount to come below the target, a return to come above it.
    #[test]
    fn revenue_waiting_for_a_rate_is_unknown_only_where_it_could_cross_the_target() {
        use crate::import::values::Currency;
        let month = |m| {
            super::super::Month::of(chrono::NaiveDate::from_ymd_opt(2026, m, 1).unwrap_or_default())
        };
        let row_in = |m, amount: i64, revenue: bool| super::super::figures::NeedsRate {
            file: "a.csv".into(),
            line: 2,
            currency: Currency::EUR,
            amount: Decimal::from(amount),
            month: month(m),
            revenue,
        };
        let row = |amount, revenue| row_in(3, amount, revenue);
        let (below, above, target) = (Decimal::from(90), Decimal::from(110), Decimal::from(100));
        let none = HeldBack::of(&[]);
        assert_eq!(none.meets(below, target), Some(false));
        assert_eq!(none.meets(above, target), Some(true));
        let to_come = HeldBack::of(&[row(500, true)]);
        assert_eq!(to_come.meets(below, target), None, "a rate could meet it");
        assert_eq!(
            to_come.meets(above, target),
            Some(true),
            "no rate can undo it"
        );
        let a_return = HeldBack::of(&[row(-500, true)]);
        assert_eq!(a_return.meets(below, target), Some(false));
        assert_eq!(a_return.meets(above, target), None, "a rate could undo it");
        // a line whose revenue does not count (an unknown product) changes nothing
        assert_eq!(
            HeldBack::of(&[row(500, false)]).meets(below, target),
            Some(false)
        );
        // an invoice and a smaller return of one month can only add; of two months (two
        // rates, maybe), either way
        let same_month = HeldBack::of(&[row(1000, true), row(-200, true)]);
        assert_eq!(same_month.meets(above, target), Some(true));
        let two_months = HeldBack::of(&[row_in(3, 1000, true), row_in(4, -200, true)]);
        assert_eq!(two_months.meets(above, target), None);
    }

    #[test]
    fn verdicts() {
        use Outcome::*;
        let t = Some(true);
        let f = Some(false);
        let s = |x: &str| Some(x.to_string());
        assert_eq!(v(&levels(t, t, t), "gold"), Some((Keeps, s("gold"))));
        assert_eq!(v(&levels(f, t, t), "gold"), Some((Drops, s("silver"))));
        assert_eq!(v(&levels(f, f, t), "gold"), Some((Drops, s("lap"))));
        assert_eq!(v(&levels(f, f, f), "gold"), Some((Removed, None)));
        assert_eq!(v(&levels(t, t, t), "silver"), Some((Qualifies, s("gold"))));
        assert_eq!(v(&levels(f, t, t), "lap"), Some((Qualifies, s("silver"))));
        assert_eq!(v(&levels(f, f, t), "lap"), Some((Keeps, s("lap"))));
        assert_eq!(
            v(&levels(None, t, t), "silver"),
            None,
            "an unknown level above"
        );
        assert_eq!(
            v(&levels(f, None, t), "gold"),
            None,
            "unknown next level down"
        );
        assert_eq!(v(&levels(t, t, t), "platinum"), None);
    }

    #[test]
    fn readiness_is_the_highest_level_met() {
        assert_eq!(
            readiness(&levels(Some(false), Some(true), None)),
            Some("silver".into())
        );
        assert_eq!(readiness(&levels(Some(false), None, Some(true))), None);
        assert_eq!(
            readiness(&levels(Some(false), Some(false), Some(false))),
            Some("none".into())
        );
    }
}
