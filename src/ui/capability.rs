//! Capability (R4): the MCT roster with membership expiries (a badge when one lapses before the
//! deadline), the competency's exam rules, people and their exam passes. The evaluation updates
//! as soon as an edit is applied.

use chrono::NaiveDate;
use eframe::egui::{self, RichText, Ui};

use super::command::Command;
use super::state::AppState;
use super::widgets::{self, status, status_color};
use crate::rules::capability::{Competency, ExamPass, ExamRule, Person, Trainer};
use crate::workspace::{Edit, ListEdit};

/// Drafts of the forms.
#[derive(Debug, Clone, Default)]
pub struct CapabilityView {
    /// Trainer being added or edited.
    pub trainer_name: String,
    /// Its MCT ID.
    pub trainer_id: String,
    /// Its expiry, as typed.
    pub trainer_expiry: String,
    /// The trainer being edited, as it was (None: adding).
    pub editing: Option<(usize, Trainer)>,
    /// Person to add.
    pub person: String,
    /// Person receiving a pass.
    pub pass_person: Option<usize>,
    /// Exam code of the pass.
    pub pass_exam: String,
    /// Date passed, as typed.
    pub pass_date: String,
    /// Expiry of the pass, as typed.
    pub pass_expiry: String,
    /// Competency name for a new rule.
    pub competency: String,
    /// Level of the new rule.
    pub rule_level: String,
    /// K of the new rule.
    pub rule_people: String,
    /// Exams of the new rule, comma-separated.
    pub rule_exams: String,
    /// Form error.
    pub error: Option<String>,
}

fn parse_day(s: &str) -> Result<Option<NaiveDate>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("'{s}' is not a date (YYYY-MM-DD)"))
}

/// The capability panel.
pub fn capability_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut CapabilityView,
    cmds: &mut Vec<Command>,
) {
    let ws = &state.workspace;
    let cap = state.outcome().map(|o| &o.capability);
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        widgets::heading(ui, "Microsoft Certified Trainers");
        if let Some(c) = cap {
            let needs: Vec<String> = state
                .derived
                .as_ref()
                .map(|d| {
                    d.session
                        .profile
                        .levels
                        .iter()
                        .filter_map(|l| l.mcts.map(|n| format!("{} needs {n}", l.name)))
                        .collect()
                })
                .unwrap_or_default();
            ui.label(format!(
                "{} valid at the deadline, {} today. {}.",
                c.mcts_at_deadline,
                c.mcts_today,
                needs.join(", ")
            ));
        }
        egui::Grid::new("trainers").striped(true).num_columns(5).show(ui, |ui| {
            for h in ["Name", "MCT ID", "Valid until", "At the deadline", ""] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for (i, t) in ws.trainers.iter().enumerate() {
                ui.label(&t.name);
                ui.label(&t.mct_id);
                ui.label(t.expiry.map_or("not recorded".to_string(), |d| d.to_string()));
                let st = cap.and_then(|c| c.trainers.get(i));
                match st {
                    Some(s) if s.lapses_before_deadline => {
                        ui.label(RichText::new("⚠ Lapses before the deadline").color(status_color(ui, Some(false))).strong());
                    }
                    Some(s) => {
                        status(ui, Some(s.valid_at_deadline));
                    }
                    None => {
                        ui.label("");
                    }
                }
                ui.horizontal(|ui| {
                    if ui.button(format!("Edit {}", t.name)).clicked() {
                        view.editing = Some((i, t.clone()));
                        view.trainer_name = t.name.clone();
                        view.trainer_id = t.mct_id.clone();
                        view.trainer_expiry = t.expiry.map_or(String::new(), |d| d.to_string());
                    }
                    if ui.button(format!("Remove {}", t.name)).clicked() {
                        cmds.push(Command::Edit(Edit::Trainers(ListEdit::Remove(i))));
                    }
                });
                ui.end_row();
            }
        });
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            widgets::labelled_text(ui, "Trainer name", &mut view.trainer_name, 160.0);
            widgets::labelled_text(ui, "Trainer MCT ID", &mut view.trainer_id, 110.0);
            let current = parse_day(&view.trainer_expiry).ok().flatten();
            let mut text = view.trainer_expiry.clone();
            if let Some(d) = widgets::date_field(ui, "Membership until", "trainer-expiry", &mut text, current) {
                text = d.map_or(String::new(), |d| d.to_string());
            }
            view.trainer_expiry = text;
            let label = if view.editing.is_some() { "Save trainer" } else { "Add trainer" };
            if ui.button(label).clicked() {
                match parse_day(&view.trainer_expiry) {
                    Ok(expiry) if !view.trainer_name.trim().is_empty() => {
                        // the roster may have changed since editing began (undo, removal)
                        let at = match view.editing.take() {
                            Some((_, original)) => match ws.trainers.iter().position(|t| *t == original) {
                                Some(now) => Some(now),
                                None => {
                                    view.error = Some(format!("{} changed meanwhile: edit again", original.name));
                                    return;
                                }
                            },
                            None => None,
                        };
                        let trainer = Trainer {
                            name: view.trainer_name.trim().to_string(),
                            mct_id: view.trainer_id.trim().to_string(),
                            expiry,
                        };
                        cmds.push(Command::Edit(Edit::Trainers(match at {
                            Some(i) => ListEdit::Replace(i, trainer),
                            None => ListEdit::Add(trainer),
                        })));
                        view.trainer_name.clear();
                        view.trainer_id.clear();
                        view.trainer_expiry.clear();
                        view.error = None;
                    }
                    Ok(_) => view.error = Some("a trainer needs a name".into()),
                    Err(e) => view.error = Some(e),
                }
            }
            if view.editing.is_some() && ui.button("Cancel editing").clicked() {
                view.editing = None;
                view.trainer_name.clear();
                view.trainer_id.clear();
                view.trainer_expiry.clear();
            }
        });
        if let Some(e) = &view.error {
            ui.label(RichText::new(e).color(status_color(ui, Some(false))));
        }

        widgets::heading(ui, "Competency exam rules");
        widgets::hint(ui, "Each rule: K distinct people who each passed one of these exams, by the deadline.");
        for (ci, c) in ws.competencies.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.label(RichText::new(&c.name).strong());
                if ui.button(format!("Remove competency {}", c.name)).clicked() {
                    cmds.push(Command::Edit(Edit::Competencies(ListEdit::Remove(ci))));
                }
            });
            for (ri, r) in c.rules.iter().enumerate() {
                let st = cap.and_then(|cap| cap.exam_rules.iter().filter(|s| s.competency == c.name).nth(ri));
                ui.horizontal_wrapped(|ui| {
                    status(ui, st.map(|s| s.met));
                    ui.label(format!("{}: {} people with {}", r.level, r.people, r.exams.join(" or ")));
                    if let Some(s) = st {
                        ui.label(RichText::new(if s.people.is_empty() { "nobody yet".into() } else { format!("({})", s.people.join(", ")) }).weak());
                    }
                    if ui.small_button("Remove rule").clicked() {
                        let mut c2 = c.clone();
                        c2.rules.remove(ri);
                        cmds.push(Command::Edit(Edit::Competencies(ListEdit::Replace(ci, c2))));
                    }
                });
            }
        }
        ui.horizontal_wrapped(|ui| {
            widgets::labelled_text(ui, "Competency", &mut view.competency, 140.0);
            egui::ComboBox::from_label("Rule level")
                .selected_text(if view.rule_level.is_empty() { "choose" } else { view.rule_level.as_str() })
                .show_ui(ui, |ui| {
                    if let Ok(d) = &state.derived {
                        for l in d.session.profile.levels.iter().filter(|l| l.exams) {
                            ui.selectable_value(&mut view.rule_level, l.id.clone(), &l.name);
                        }
                    }
                });
            widgets::labelled_text(ui, "People needed", &mut view.rule_people, 36.0);
            widgets::labelled_text(ui, "Exams (comma-separated)", &mut view.rule_exams, 160.0);
            if ui.button("Add rule").clicked() {
                let people = view.rule_people.trim().parse::<u32>();
                let exams: Vec<String> = view.rule_exams.split(',').map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect();
                match (people, view.competency.trim().is_empty(), view.rule_level.is_empty(), exams.is_empty()) {
                    (Ok(k), false, false, false) => {
                        let name = view.competency.trim().to_string();
                        let rule = ExamRule { level: view.rule_level.clone(), people: k, exams };
                        let existing = ws.competencies.iter().position(|c| c.name == name);
                        let mut c = existing.map_or_else(|| Competency { name, rules: vec![] }, |i| ws.competencies[i].clone());
                        c.rules.push(rule);
                        cmds.push(Command::Edit(Edit::Competencies(match existing { Some(i) => ListEdit::Replace(i, c), None => ListEdit::Add(c) })));
                        view.rule_exams.clear();
                        view.rule_people.clear();
                        view.error = None;
                    }
                    _ => view.error = Some("a rule needs a competency, a level, a number of people and at least one exam".into()),
                }
            }
        });

        widgets::heading(ui, "People and exam passes");
        for (pi, p) in ws.people.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(&p.name).strong());
                for (xi, pass) in p.passes.iter().enumerate() {
                    let when = pass.date.map_or(String::new(), |d| format!(" {d}"));
                    let until = pass.expiry.map_or(String::new(), |d| format!(" until {d}"));
                    ui.label(format!("{}{when}{until}", pass.exam));
                    if ui.small_button(format!("✖ Remove {} pass", pass.exam)).clicked() {
                        let mut p2 = p.clone();
                        p2.passes.remove(xi);
                        cmds.push(Command::Edit(Edit::People(ListEdit::Replace(pi, p2))));
                    }
                }
                if ui.small_button(format!("Remove {}", p.name)).clicked() {
                    cmds.push(Command::Edit(Edit::People(ListEdit::Remove(pi))));
                }
            });
        }
        ui.horizontal_wrapped(|ui| {
            widgets::labelled_text(ui, "Person", &mut view.person, 160.0);
            if ui.button("Add person").clicked() && !view.person.trim().is_empty() {
                cmds.push(Command::Edit(Edit::People(ListEdit::Add(Person { name: view.person.trim().to_string(), passes: vec![] }))));
                view.person.clear();
            }
        });
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::from_label("Passed by")
                .selected_text(view.pass_person.and_then(|i| ws.people.get(i)).map_or("choose", |p| p.name.as_str()))
                .show_ui(ui, |ui| {
                    for (i, p) in ws.people.iter().enumerate() {
                        ui.selectable_value(&mut view.pass_person, Some(i), &p.name);
                    }
                });
            widgets::labelled_text(ui, "Exam", &mut view.pass_exam, 80.0);
            widgets::labelled_text(ui, "Passed on", &mut view.pass_date, 96.0);
            widgets::labelled_text(ui, "Expires", &mut view.pass_expiry, 96.0);
            if ui.button("Add pass").clicked() {
                match (view.pass_person.and_then(|i| ws.people.get(i).map(|p| (i, p))), parse_day(&view.pass_date), parse_day(&view.pass_expiry)) {
                    (Some((i, p)), Ok(Some(date)), Ok(expiry)) if !view.pass_exam.trim().is_empty() => {
                        let mut p2 = p.clone();
                        p2.passes.push(ExamPass { exam: view.pass_exam.trim().to_string(), date: Some(date), expiry });
                        cmds.push(Command::Edit(Edit::People(ListEdit::Replace(i, p2))));
                        view.pass_exam.clear();
                        view.pass_date.clear();
                        view.pass_expiry.clear();
                        view.error = None;
                    }
                    (_, Err(e), _) | (_, _, Err(e)) => view.error = Some(e),
                    _ => view.error = Some("a pass needs a person, an exam and the date passed".into()),
                }
            }
        });
    });
}
