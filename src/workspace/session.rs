//! A workspace turned into what the rules need: the profile compiled, the rows rebuilt as an
//! import set, rates, catalog, scenario and capability. The command line and the window both
//! evaluate through this, so they cannot disagree.

use std::sync::Arc;

use chrono::NaiveDate;

use super::model::Workspace;
use crate::import::classify::{Catalog, Classifier};
use crate::import::{ImportRules, ImportSet};
use crate::money::Rates;
use crate::profile::{Profile, ProfileError};
use crate::rules::capability::{CapabilityStatus, capability};
use crate::rules::evaluate::{Evaluation, Inputs, evaluate};
use crate::rules::forecast::PlannedFigures;
use crate::rules::window::RenewalDates;

/// Everything derived from a workspace that an evaluation needs. Rebuild it when the
/// workspace changes (not per frame).
#[derive(Debug, Clone)]
pub struct Session {
    /// The program profile.
    pub profile: Profile,
    /// Its rulebook, compiled.
    pub classifier: Classifier,
    /// Its import rules.
    pub import_rules: ImportRules,
    /// The imported rows (shared: figures worked out again after an edit that leaves the rows
    /// as they are reuse them without a copy).
    pub set: Arc<ImportSet>,
    /// Catalog overrides.
    pub catalog: Catalog,
    /// Exchange rates.
    pub rates: Rates,
    /// The scenario, valued.
    pub planned: Vec<PlannedFigures>,
}

/// An evaluation with the capability it used.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The figures.
    pub eval: Evaluation,
    /// Trainers and exam rules at the deadline.
    pub capability: CapabilityStatus,
    /// lpkpi's months beside the official dashboard's (empty without official figures).
    pub reconciliation: super::reconcile::Reconciliation,
}

impl Session {
    /// Derive from a workspace.
    pub fn new(ws: &Workspace) -> Result<Session, ProfileError> {
        Session::reusing(ws, None)
    }

    /// Derive from a workspace, taking `set` as its rows when the caller knows they did not
    /// change (rebuilding the set is the costly part; sharing it costs nothing).
    pub fn reusing(ws: &Workspace, set: Option<Arc<ImportSet>>) -> Result<Session, ProfileError> {
        let profile = ws.profile()?;
        let classifier = Classifier::new(&profile.rulebook)?;
        let import_rules = ImportRules::new(&profile);
        let planned = ws.planned_figures(&profile);
        Ok(Session {
            classifier,
            import_rules,
            set: set.unwrap_or_else(|| Arc::new(ws.import_set())),
            catalog: ws.catalog(),
            rates: ws.rates(),
            planned,
            profile,
        })
    }

    /// The same session over another import set (an import preview).
    pub fn with_set(&self, set: Arc<ImportSet>) -> Session {
        Session {
            profile: self.profile.clone(),
            classifier: self.classifier.clone(),
            import_rules: self.import_rules.clone(),
            set,
            catalog: self.catalog.clone(),
            rates: self.rates.clone(),
            planned: self.planned.clone(),
        }
    }

    /// Evaluate for `anniversary` as of `as_of`, with the workspace's roster and level.
    pub fn evaluate(
        &self,
        ws: &Workspace,
        anniversary: NaiveDate,
        as_of: NaiveDate,
        level: Option<&str>,
    ) -> Outcome {
        let dates = RenewalDates::new(anniversary);
        let capability = capability(
            &self.profile,
            &ws.people,
            &ws.competencies,
            dates.deadline,
            as_of,
        );
        let inputs = Inputs {
            profile: &self.profile,
            classifier: &self.classifier,
            catalog: &self.catalog,
            rates: &self.rates,
            dates,
            as_of,
            current_level: level.or(ws.partner.level.as_deref()),
            capability: Some(&capability.facts),
            planned: &self.planned,
        };
        let mut eval = evaluate(&self.set, &inputs);
        eval.warnings.extend(capability.warnings.iter().cloned());
        let reconciliation = if ws.official.is_empty() && ws.dashboard.is_empty() {
            super::reconcile::Reconciliation::default()
        } else {
            super::reconcile::reconcile(
                &eval,
                &self.invoices(&eval, &inputs),
                &ws.official,
                &ws.dashboard,
            )
        };
        Outcome {
            eval,
            capability,
            reconciliation,
        }
    }

    /// lpkpi's counted purchases as (month, invoice, figures), one entry a row, for
    /// reconciliation (the order number stands for the invoice).
    fn invoices(
        &self,
        eval: &Evaluation,
        inputs: &Inputs<'_>,
    ) -> Vec<(crate::rules::Month, String, crate::rules::figures::Figures)> {
        use crate::rules::evaluate::contribution;
        use crate::rules::figures::RowFate;
        self.set
            .rows
            .iter()
            .zip(&eval.row_fates)
            .filter(|(_, fate)| **fate == RowFate::Counted)
            .filter_map(|(row, _)| {
                let p = row.purchase.as_ref()?;
                let class = eval.classes.get(p.product as usize)?;
                let c = contribution(p, class, inputs);
                Some((
                    crate::rules::Month::of(p.date),
                    self.set.parsed(p).order_id.into_owned(),
                    crate::rules::figures::Figures {
                        kpi_units: c.kpi_units,
                        revenue_usd: c.revenue_usd,
                    },
                ))
            })
            .collect()
    }
}
