//! The dashboard: one card per level with every requirement met or not and its gap, the
//! deadline, the verdict and what it means, and what needs attention.

use eframe::egui::{self, RichText, Ui};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::command::Command;
use super::state::{AppState, Panel};
use super::theme;
use super::widgets::{self, count, len, status, status_color};
use crate::rules::figures::{Check, Requirement};
use crate::rules::verdict::{Outcome, benefits_at_stake};

/// A requirement's name: the summary's, so the window and every export say the same.
fn requirement_name(c: &Check) -> &'static str {
    crate::report::document::requirement_label(c.requirement)
}

/// "4,984.5 of 5,000 KPI units, 15.5 short".
pub fn gap_text(c: &Check) -> String {
    let fmt = |d: Decimal| crate::report::summary::figure(c, d);
    let unit = match c.requirement {
        Requirement::KpiUnits => " KPI units",
        Requirement::Mct if c.target == Some(Decimal::ONE) => " MCT",
        Requirement::Mct => " MCTs",
        _ => "",
    };
    match (c.actual, c.target) {
        (Some(a), Some(t)) => match crate::report::summary::shortfall(c) {
            Some(short) => format!("{} of {}{unit}, {short}", fmt(a), fmt(t)),
            None => format!("{} of {}{unit}", fmt(a), fmt(t)),
        },
        (None, Some(t)) => format!("{}{unit} needed; none recorded", fmt(t)),
        _ => match c.met {
            Some(true) => "the competency's rule is met".into(),
            Some(false) => "the competency's rule is not met".into(),
            None => "no competency with exam rules recorded".into(),
        },
    }
}

/// A bar with the share of the target reached ("73% of target"), when both are known.
fn progress(ui: &mut Ui, c: &Check, width: f32) {
    let (Some(actual), Some(target)) = (c.actual, c.target) else {
        return;
    };
    if target <= Decimal::ZERO {
        return;
    }
    let share = (actual / target).to_f32().unwrap_or(0.0).clamp(0.0, 1.0);
    let percent = (actual * Decimal::from(100) / target)
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::ToZero);
    let colour = status_color(ui, c.met);
    ui.add(
        egui::ProgressBar::new(share)
            .desired_width(width.min(300.0))
            .desired_height(8.0)
            .fill(colour),
    )
    .on_hover_text(format!("{}% of target", crate::report::grouped(percent, 0)));
    ui.label(
        RichText::new(format!("{}% of target", crate::report::grouped(percent, 0)))
            .small()
            .weak(),
    );
}

/// What a verdict means, in a sentence.
pub fn verdict_text(state: &AppState) -> (String, Option<bool>) {
    let Some(out) = state.outcome() else {
        return (
            "Enter the anniversary in Settings to see where the partner stands.".into(),
            None,
        );
    };
    // the summary's sentence: every export says the same
    let v = crate::report::summary::verdict(&out.eval);
    (v.sentence, v.good)
}

/// A rates phrase whose rates ("1 EUR = 1.08 USD", "1.08 USD in 2026-03") keep their words on
/// one line: the spaces inside a rate become non-breaking, those between rates stay.
fn keep_rates_whole(phrase: &str) -> String {
    const NBSP: &str = "\u{a0}";
    phrase
        .replace(" = ", &format!("{NBSP}={NBSP}"))
        .replace(" USD", &format!("{NBSP}USD"))
        .replace("1 ", &format!("1{NBSP}"))
        .replace(" in ", &format!("{NBSP}in{NBSP}"))
}

/// The dashboard's drafts.
#[derive(Debug, Default)]
pub struct DashboardView {
    /// The as-of field as typed.
    as_of: String,
    /// The date the field was last filled from.
    shown: Option<chrono::NaiveDate>,
    /// Why the text typed last is not a date (said until it is one, or the field is refilled).
    error: Option<String>,
}

/// The as-of date, typed or picked, and the way back to today.
fn as_of_ui(ui: &mut Ui, state: &AppState, view: &mut DashboardView, cmds: &mut Vec<Command>) {
    let day = state.as_of_date();
    if view.shown != Some(day) {
        view.as_of = day.to_string();
        view.shown = Some(day);
        view.error = None;
    }
    let (changed, field) = widgets::date_field_from(
        ui,
        "As of",
        "as-of",
        &mut view.as_of,
        Some(day),
        state.today,
    );
    if let Some(changed) = changed {
        // an empty field means today
        cmds.push(Command::AsOf(changed.filter(|d| *d != state.today)));
    }
    // a date typed that is not one stays in the field, with why beside it: the figures are
    // still those of the date shown before
    let typed = view.as_of.trim();
    if typed.is_empty() || chrono::NaiveDate::parse_from_str(typed, "%Y-%m-%d").is_ok() {
        view.error = None;
    } else if field.lost_focus() {
        view.error = Some(format!(
            "'{typed}' is not a date (YYYY-MM-DD): the figures are still as of {day}"
        ));
    }
    if let Some(e) = &view.error {
        ui.label(RichText::new(format!("⚠ {e}")).color(status_color(ui, Some(false))));
    }
    if state.as_of.is_some() {
        if ui
            .button("Back to today")
            .on_hover_text(format!("Evaluate as of {} again", state.today))
            .clicked()
        {
            cmds.push(Command::AsOf(None));
        }
    } else {
        ui.label(RichText::new("(today)").weak());
    }
}

/// One level's card: its status, then every requirement with its gap and share of target.
fn level_card(
    ui: &mut Ui,
    level: &crate::rules::figures::LevelStatus,
    rules: &[crate::rules::capability::ExamRuleStatus],
    width: f32,
) {
    egui::Frame::group(ui.style())
        .inner_margin(12.0)
        .show(ui, |ui| {
            ui.set_width(width);
            ui.set_min_height(200.0);
            ui.vertical(|ui| {
                ui.horizontal(|ui| {
                    ui.label(RichText::new(&level.name).font(theme::figure()));
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        status(ui, level.met);
                    });
                });
                ui.separator();
                for c in &level.checks {
                    ui.horizontal_wrapped(|ui| {
                        status(ui, c.met);
                        ui.label(RichText::new(requirement_name(c)).strong());
                    });
                    // the exam rule names its competencies and their people, as the
                    // Capability panel does
                    let rules: Vec<String> = rules
                        .iter()
                        .filter(|r| c.requirement == Requirement::Exams && r.level == level.id)
                        .map(|r| {
                            format!(
                                "{}: {} of {} with {}",
                                r.competency,
                                r.people.len(),
                                crate::report::summary::count_of(r.needed, "person", "people"),
                                r.exams.join(" / ")
                            )
                        })
                        .collect();
                    if rules.is_empty() {
                        ui.label(gap_text(c));
                    } else {
                        for r in rules {
                            ui.label(r);
                        }
                    }
                    progress(ui, c, width);
                    ui.add_space(4.0);
                }
            });
        });
}

/// What to do first in a new workspace, each step ticked once done.
fn getting_started(ui: &mut Ui, state: &AppState, cmds: &mut Vec<Command>) {
    let ws = &state.workspace;
    widgets::heading(ui, "Getting started");
    let trainers = ws.people.iter().any(|p| p.mct.is_some());
    let steps = [
        (
            false,
            "Import the purchase exports of the 12 months before the deadline (drop the files here, or File ▸ Import…)",
            "Import…",
            Command::Dialog(super::command::Pick::Import),
        ),
        (
            trainers,
            "Record the Certified Trainers (MCT ID and membership expiry)",
            "Add people",
            Command::Show(Panel::Capability),
        ),
        (
            !ws.competencies.is_empty(),
            "Add the competency's exam rules and who passed them",
            "Open Capability",
            Command::Show(Panel::Capability),
        ),
    ];
    for (done, text, button, command) in steps {
        ui.horizontal_wrapped(|ui| {
            // a step to do reads as text (not greyed, which looks disabled); a step done is
            // ticked
            let icon = if done { "✔" } else { "•" };
            let text = RichText::new(format!("{icon} {text}"));
            ui.label(if done {
                text.color(status_color(ui, Some(true)))
            } else {
                text
            });
            if ui.button(button).clicked() {
                cmds.push(command);
            }
        });
    }
    ui.label(RichText::new("The forecast fills in once purchases are imported.").weak());
}

/// The dashboard panel.
pub fn dashboard_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut DashboardView,
    cmds: &mut Vec<Command>,
) {
    let ws = &state.workspace;
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(if ws.partner.name.is_empty() {
                "Unnamed partner"
            } else {
                &ws.partner.name
            })
            .heading(),
        );
        if let Some(level) = &ws.partner.level {
            ui.label(RichText::new(format!("current level: {}", state.level_name(level))).weak());
        }
    });
    let Some(out) = state.outcome() else {
        ui.add_space(12.0);
        ui.label(verdict_text(state).0);
        if ui.button("Open Settings").clicked() {
            cmds.push(Command::Show(Panel::Settings));
        }
        return;
    };
    let e = &out.eval;
    let when = format!(
        "deadline {} ({})",
        e.dates.deadline,
        crate::report::summary::countdown(e)
    );
    ui.horizontal_wrapped(|ui| {
        as_of_ui(ui, state, view, cmds);
        let last = state
            .derived
            .as_ref()
            .ok()
            .and_then(|d| crate::report::summary::last_import(&d.session.set.files));
        ui.label(format!(
            "{}· anniversary {} · {when} · window {} to {}{}",
            last.map_or(String::new(), |l| format!("· {l} ")),
            e.dates.anniversary,
            e.dates.window_start,
            e.dates.window_end(),
            // a rate is not broken across lines ("1 EUR" / "= 1.08 USD"): its spaces do not
            // break (egui wraps at the others)
            crate::report::summary::rates_phrase(e).map_or(String::new(), |r| {
                format!(" · {}", keep_rates_whole(&r))
            })
        ));
    });
    ui.add_space(8.0);

    let (verdict, good) = verdict_text(state);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        // a renewal already decided, above what is said of it
        let files = state
            .derived
            .as_ref()
            .map_or(&[][..], |d| &d.session.set.files[..]);
        if let Some(notice) = crate::report::summary::anniversary_notice(e, files) {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("⚠ {notice}")).color(status_color(ui, Some(false))));
                if ui.small_button("Open Settings").clicked() {
                    cmds.push(Command::Show(Panel::Settings));
                }
            });
        }
        let icon = match good {
            Some(true) => "✔",
            Some(false) => "⚠",
            None => "?",
        };
        // a long verdict (every requirement missed, a long name) wraps, as in the summary
        ui.label(
            RichText::new(format!("{icon} {verdict}"))
                .strong()
                .color(status_color(ui, good)),
        );
        // no current level: where to record it
        if out.eval.current_level.is_none() && ui.small_button("Open Settings").clicked() {
            cmds.push(Command::Show(Panel::Settings));
        }
        for line in crate::report::summary::freshness(e, files) {
            ui.label(RichText::new(format!("⚠ {line}")).color(status_color(ui, Some(false))));
        }
        let held_back = state.derived.as_ref().map_or(&[][..], |d| &d.held_back[..]);
        for (code, line) in held_back {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("⚠ {line}")).color(status_color(ui, Some(false))));
                if ui
                    .small_button(format!("Add the {code} rate in Settings"))
                    .clicked()
                {
                    cmds.push(Command::RateFor(code.clone()));
                }
            });
        }
        let r = &out.reconciliation;
        if let Some(caveat) = crate::report::summary::dashboard_caveat(r) {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("⚠ {caveat}")).color(status_color(ui, Some(false))));
                if ui.small_button("Open Reconciliation").clicked() {
                    cmds.push(Command::Show(Panel::Reconciliation));
                }
            });
        }
        // what could still change the figures, beside the verdict they lead to
        if let Some(caveat) = crate::report::summary::review_caveat(e) {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!("⚠ {caveat}.")).color(status_color(ui, Some(false))),
                );
                if ui.small_button("Review them").clicked() {
                    cmds.push(Command::ShowReview(true));
                }
            });
        }
        if let Some(r) = &e.readiness {
            ui.label(format!(
                // as of the day the figures are for (the date above), as the summary says it
                "Highest level met: {}",
                if r == "none" {
                    "none".to_string()
                } else {
                    state.level_name(r)
                }
            ));
        }
    });
    ui.add_space(8.0);
    if state.workspace.rows.is_empty() {
        getting_started(ui, state, cmds);
        ui.add_space(8.0);
    }

    // as many cards a row as fit (at least one), the rest on the next rows
    let gap = ui.spacing().item_spacing.x;
    let min_card = 300.0;
    let avail = ui.available_width();
    let per_row =
        (((avail + gap) / (min_card + gap)).floor() as usize).clamp(1, e.levels.len().max(1));
    let card = ((avail + gap) / per_row as f32 - gap - 26.0).max(200.0);
    for row in e.levels.chunks(per_row) {
        ui.horizontal_top(|ui| {
            for level in row {
                level_card(ui, level, &out.capability.exam_rules, card);
            }
        });
    }

    if let Some(v) = &e.verdict
        && matches!(v.outcome, Outcome::Drops | Outcome::Removed)
        && let Ok(d) = &state.derived
    {
        widgets::heading(ui, "Benefits at stake");
        let [now, after] = crate::report::summary::benefits_headings(e, v);
        egui::Grid::new("benefits").striped(true).show(ui, |ui| {
            ui.label(RichText::new("Benefit").strong());
            ui.label(RichText::new(now).strong());
            ui.label(RichText::new(after).strong());
            ui.end_row();
            for b in benefits_at_stake(&d.session.profile, v) {
                ui.label(&b.benefit);
                ui.label(&b.now);
                ui.label(b.after.as_deref().unwrap_or("none"));
                ui.end_row();
            }
        });
    }

    if !state.workspace.rows.is_empty() {
        widgets::heading(ui, crate::report::summary::forecast_heading(e));
        ui.label(forecast_sentence(state, e));
        if let Some(said) = crate::report::summary::plans_left_out(e, &state.workspace.planned) {
            ui.label(said);
        }
        for line in crate::report::summary::needed_lines(e) {
            ui.label(line);
        }
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new("Cumulative KPI units against the targets").strong());
            if ui.link("Open Charts").clicked() {
                cmds.push(Command::Show(Panel::Charts));
            }
        });
        super::charts::cumulative_plot(ui, e, false, 260.0, "dashboard");
    }

    widgets::heading(ui, "Needs attention");
    let c = &e.counts;
    ui.label(crate::report::summary::rows_read(c, None));
    ui.horizontal(|ui| {
        // the rows waiting for a rate are on the list too, said apart as the caveats above
        // say them
        let (listed, waiting) = state.derived.as_ref().map_or((0, 0), |d| d.review_rows);
        let rows = crate::report::summary::count_of(listed, "row", "rows");
        let label = match waiting {
            0 => format!("Review {rows}"),
            w => format!("Review {rows} ({} waiting for a rate)", count(len(w))),
        };
        if listed > 0 && ui.button(label).clicked() {
            cmds.push(Command::ShowReview(false));
        }
        if c.rejected > 0
            && ui
                .button(format!(
                    "See {}",
                    crate::report::summary::count_of(c.rejected, "rejected row", "rejected rows")
                ))
                .clicked()
        {
            cmds.push(Command::ShowFate(crate::rules::figures::RowFate::Rejected));
        }
    });
    for w in crate::report::summary::listed_warnings(e).take(8) {
        ui.label(RichText::new(format!("⚠ {w}")).color(status_color(ui, Some(false))));
    }
}

/// The forecast's sentence as the summary says it, naming the one planned purchase it counts.
pub(super) fn forecast_sentence(
    state: &super::state::AppState,
    e: &crate::rules::evaluate::Evaluation,
) -> String {
    use crate::report::summary;
    let named = state
        .derived
        .as_ref()
        .ok()
        .and_then(|d| summary::named_plan(e, &state.workspace.planned, &d.session.profile));
    summary::forecast_sentence(e, named)
}
