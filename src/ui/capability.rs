//! Capability (R4): one list of people, each a trainer when they hold an MCT membership and
//! with the exams they passed (recorded once, on the person), and the competency's exam rules.
//! Trainers read valid / lapsing / lapsed; a row is selected, then edited or removed once; the
//! forms reflow in a narrow window and say what is wrong beside the field. The evaluation
//! updates as soon as an edit is applied.

use chrono::NaiveDate;
use eframe::egui::{self, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::command::Command;
use super::state::AppState;
use super::widgets::{self, status, status_color};
use crate::rules::capability::{
    CapabilityStatus, Competency, ExamPass, ExamRule, Membership, Person, TrainerStatus,
};
use crate::workspace::{Edit, ListEdit};

/// Drafts of the forms and the selected rows.
#[derive(Debug, Clone, Default)]
pub struct CapabilityView {
    /// The person being added or edited: name.
    pub name: String,
    /// Their MCT ID (empty: not a trainer).
    pub mct_id: String,
    /// Their membership expiry, as typed.
    pub expiry: String,
    /// Their exam passes (the draft's).
    pub passes: Vec<ExamPass>,
    /// The person being edited, as it was (None: adding).
    pub editing: Option<(usize, Person)>,
    /// The selected person, as it was when selected.
    pub selected: Option<(usize, Person)>,
    /// Exam code of the pass being added to the draft.
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
    /// The selected rule (competency index, rule index).
    pub selected_rule: Option<(usize, usize)>,
    /// Errors, each shown beside its field.
    pub errors: FormErrors,
}

impl CapabilityView {
    /// Fill the person form with `person`, to be saved over it.
    fn edit_person(&mut self, person: &(usize, Person)) {
        let p = &person.1;
        self.editing = Some(person.clone());
        self.name = p.name.clone();
        self.mct_id = p.mct.as_ref().map_or(String::new(), |m| m.id.clone());
        self.expiry = p
            .mct
            .as_ref()
            .and_then(|m| m.expiry)
            .map_or(String::new(), |d| d.to_string());
        self.passes = p.passes.clone();
        self.errors = FormErrors::default();
    }

    /// The person being edited, when the form says something else than they do: the edit
    /// that saves it (what Save person would do), or the error that stops it (shown beside
    /// its field too). A save, a close or an export taken with the form open applies it first
    /// ([`super::app::LpkpiApp::commit_drafts`]), so no typing is lost.
    pub fn pending_person(&mut self, people: &[Person]) -> Option<Result<Command, String>> {
        let (at, original) = self.editing.clone()?;
        let mut as_was = CapabilityView::default();
        as_was.edit_person(&(at, original.clone()));
        let typed = [&self.pass_exam, &self.pass_date, &self.pass_expiry]
            .iter()
            .any(|f| !f.trim().is_empty());
        if !typed
            && (&self.name, &self.mct_id, &self.expiry, &self.passes)
                == (&as_was.name, &as_was.mct_id, &as_was.expiry, &as_was.passes)
        {
            return None;
        }
        let mut cmds = Vec::new();
        submit_person(people, self, &mut cmds);
        Some(cmds.pop().ok_or_else(|| match &self.errors.person {
            // they changed meanwhile (an undo): the form says so, and is kept
            Some(e) if self.editing.is_none() => format!("In Capability: {e}"),
            _ => format!(
                "The edit of {} in Capability has an error: correct it, or Cancel editing",
                original.name
            ),
        }))
    }
}

/// What is wrong with a form, per field (shown beside it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    /// The person's name.
    pub name: Option<String>,
    /// The membership expiry.
    pub expiry: Option<String>,
    /// The exam code of a pass.
    pub exam: Option<String>,
    /// The date passed.
    pub pass_date: Option<String>,
    /// The pass's expiry.
    pub pass_expiry: Option<String>,
    /// The person as a whole (changed meanwhile, refused).
    pub person: Option<String>,
    /// The rule's competency.
    pub competency: Option<String>,
    /// The rule's level.
    pub rule_level: Option<String>,
    /// The rule's number of people.
    pub rule_people: Option<String>,
    /// The rule's exams.
    pub rule_exams: Option<String>,
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

/// A trainer's standing in words: valid at the deadline, lapsing before it, or already lapsed
/// at the as-of date (with the colour-blind-safe status colour).
fn trainer_word(s: &TrainerStatus) -> (String, Option<bool>) {
    // the summary's words ([`crate::report::summary::trainer_state`]), with what the window
    // adds: the day a membership lapses, and an expiry not recorded
    let words = crate::report::summary::trainer_state(s);
    if s.lapses_before_deadline {
        let on = s.expiry.map_or(String::new(), |d| format!(" ({d})"));
        (format!("{words}{on}"), Some(false))
    } else if s.valid_at_deadline && s.expiry.is_none() {
        (format!("{words} (expiry not recorded)"), None)
    } else {
        (words.to_string(), Some(s.valid_at_deadline))
    }
}

fn passes_text(passes: &[ExamPass]) -> String {
    passes
        .iter()
        .map(|p| {
            let when = p.date.map_or(String::new(), |d| format!(" {d}"));
            let until = p.expiry.map_or(String::new(), |d| format!(" until {d}"));
            format!("{}{when}{until}", p.exam)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where `kept` is now in `people` (it may have moved or gone since it was selected).
fn position(people: &[Person], kept: &(usize, Person)) -> Option<usize> {
    if people.get(kept.0) == Some(&kept.1) {
        return Some(kept.0);
    }
    people.iter().position(|p| *p == kept.1)
}

/// The capability panel.
pub fn capability_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut CapabilityView,
    cmds: &mut Vec<Command>,
) {
    let cap = state.outcome().map(|o| &o.capability);
    egui::ScrollArea::vertical()
        .id_salt("capability")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            people_section(ui, state, cap, view, cmds);
            ui.separator();
            rules_section(ui, state, cap, view, cmds);
        });
}

fn people_section(
    ui: &mut Ui,
    state: &AppState,
    cap: Option<&CapabilityStatus>,
    view: &mut CapabilityView,
    cmds: &mut Vec<Command>,
) {
    let people = &state.workspace.people;
    widgets::heading(ui, "People: trainers and exam passes");
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
        // no trainer recorded leaves the MCT requirement unknown, as every summary says it
        if let Some(o) = state.outcome() {
            ui.label(format!(
                "{} {}.",
                crate::report::summary::mct_sentence(c, &o.eval),
                needs.join(", ")
            ));
        }
    }
    widgets::hint(
        ui,
        "A person is a trainer when they hold an MCT ID. Select a row to edit or remove it.",
    );
    if view
        .selected
        .as_ref()
        .is_some_and(|s| position(people, s).is_none())
    {
        view.selected = None;
    }
    people_table(ui, people, cap, view);
    let selected = view.selected.clone();
    ui.horizontal_wrapped(|ui| {
        let name = selected.as_ref().map(|(_, p)| p.name.clone());
        let label = name
            .as_ref()
            .map_or("Edit".to_string(), |n| format!("Edit {n}"));
        if ui
            .add_enabled(selected.is_some(), egui::Button::new(label))
            .clicked()
            && let Some(s) = &selected
        {
            view.edit_person(s);
        }
        let label = name
            .as_ref()
            .map_or("Remove".to_string(), |n| format!("Remove {n}"));
        if ui
            .add_enabled(selected.is_some(), egui::Button::new(label))
            .clicked()
            && let Some(i) = selected.as_ref().and_then(|s| position(people, s))
        {
            cmds.push(Command::Edit(Edit::People(ListEdit::Remove(i))));
            view.selected = None;
        }
    });
    person_form(ui, state, view, cmds);
}

fn people_table(
    ui: &mut Ui,
    people: &[Person],
    cap: Option<&CapabilityStatus>,
    view: &mut CapabilityView,
) {
    if people.is_empty() {
        ui.label(RichText::new("Nobody recorded yet: add a person below.").weak());
        return;
    }
    // a row fits a selectable label; the table adds the item spacing between rows
    let row_height = ui.spacing().interact_size.y;
    let step = row_height + ui.spacing().item_spacing.y;
    // the table keeps its header in view and scrolls inside its own area, both ways
    let rows_shown = people.len().min(8) as f32;
    let height = step * rows_shown + 4.0;
    let selected_at = view.selected.as_ref().and_then(|s| position(people, s));
    let mut clicked = None;
    egui::ScrollArea::horizontal()
        .id_salt("people-h")
        .show(ui, |ui| {
            // a click on a row's text picks the row rather than starting a text selection
            ui.style_mut().interaction.selectable_labels = false;
            TableBuilder::new(ui)
                .id_salt("people")
                .striped(true)
                .sense(egui::Sense::click())
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .max_scroll_height(height)
                .min_scrolled_height(height)
                // as wide as their content: past the window's width, the table scrolls sideways
                .column(Column::auto().at_least(130.0).resizable(true))
                .column(Column::auto().at_least(90.0).resizable(true))
                .column(Column::auto().at_least(150.0).resizable(true))
                .column(Column::auto().at_least(150.0).resizable(true))
                .column(Column::auto().at_least(220.0).resizable(true))
                .header(row_height, |mut h| {
                    for title in [
                        "Name",
                        "MCT ID",
                        "Membership valid until",
                        "Trainer status",
                        "Exam passes",
                    ] {
                        h.col(|ui| {
                            ui.label(RichText::new(title).strong());
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, people.len(), |mut row| {
                        let i = row.index();
                        let Some(p) = people.get(i) else {
                            return;
                        };
                        row.set_selected(selected_at == Some(i));
                        let mut hit = false;
                        let (_, r) = row.col(|ui| {
                            hit |= ui
                                .selectable_label(selected_at == Some(i), &p.name)
                                .clicked();
                        });
                        hit |= r.clicked();
                        let (_, r) = row.col(|ui| {
                            ui.label(p.mct.as_ref().map_or("", |m| m.id.as_str()));
                        });
                        hit |= r.clicked();
                        let (_, r) = row.col(|ui| {
                            ui.label(match &p.mct {
                                Some(m) => {
                                    m.expiry.map_or("not recorded".into(), |d| d.to_string())
                                }
                                None => String::new(),
                            });
                        });
                        hit |= r.clicked();
                        let (_, r) = row.col(|ui| {
                            let st = cap.and_then(|c| c.trainers.iter().find(|t| t.person == i));
                            match (st, &p.mct) {
                                (Some(s), Some(_)) => {
                                    let (word, met) = trainer_word(s);
                                    ui.label(
                                        RichText::new(word).color(status_color(ui, met)).strong(),
                                    );
                                }
                                (_, None) => {
                                    ui.label(RichText::new("not a trainer").weak());
                                }
                                (None, Some(_)) => {
                                    ui.label("");
                                }
                            }
                        });
                        hit |= r.clicked();
                        let (_, r) = row.col(|ui| {
                            ui.label(passes_text(&p.passes));
                        });
                        hit |= r.clicked() || row.response().clicked();
                        if hit {
                            clicked = Some((i, p.clone()));
                        }
                    });
                });
        });
    if let Some((i, p)) = clicked {
        view.selected = if selected_at == Some(i) {
            None
        } else {
            Some((i, p))
        };
    }
}

fn person_form(ui: &mut Ui, state: &AppState, view: &mut CapabilityView, cmds: &mut Vec<Command>) {
    let people = &state.workspace.people;
    let today = state.as_of_date();
    ui.add_space(6.0);
    let title = match &view.editing {
        Some((_, p)) => format!("Edit {}", p.name),
        None => "Add a person".into(),
    };
    ui.label(RichText::new(title).strong());
    // Enter in the person's fields is the form's button
    let entered = ui
        .horizontal_wrapped(|ui| {
            let name = widgets::with_error(ui, view.errors.name.as_deref(), |ui| {
                widgets::labelled_text(ui, "Person name", &mut view.name, 160.0)
            });
            let id = widgets::with_error(ui, None, |ui| {
                widgets::labelled_text(ui, "MCT ID, if a trainer", &mut view.mct_id, 110.0)
            });
            let expiry = widgets::with_error(ui, view.errors.expiry.as_deref(), |ui| {
                let current = parse_day(&view.expiry).ok().flatten();
                widgets::date_field_from(
                    ui,
                    "Membership until",
                    "person-expiry",
                    &mut view.expiry,
                    current,
                    today,
                )
                .1
            });
            widgets::entered(ui, &[&name, &id, &expiry])
        })
        .inner;
    // the draft's exam passes, then a pass to add to them
    ui.horizontal_wrapped(|ui| {
        ui.label("Exam passes:");
        if view.passes.is_empty() {
            ui.label(RichText::new("none yet").weak());
        }
        let mut remove = None;
        for (xi, p) in view.passes.iter().enumerate() {
            ui.label(passes_text(std::slice::from_ref(p)));
            if ui
                .small_button("✖")
                .on_hover_text(format!("Remove the {} pass from this person", p.exam))
                .clicked()
            {
                remove = Some(xi);
            }
        }
        if let Some(xi) = remove {
            view.passes.remove(xi);
        }
    });
    ui.horizontal_wrapped(|ui| {
        widgets::with_error(ui, view.errors.exam.as_deref(), |ui| {
            widgets::labelled_text(ui, "Exam", &mut view.pass_exam, 80.0);
        });
        widgets::with_error(ui, view.errors.pass_date.as_deref(), |ui| {
            let current = parse_day(&view.pass_date).ok().flatten();
            widgets::date_field_from(
                ui,
                "Passed on",
                "pass-date",
                &mut view.pass_date,
                current,
                today,
            );
        });
        widgets::with_error(ui, view.errors.pass_expiry.as_deref(), |ui| {
            let current = parse_day(&view.pass_expiry).ok().flatten();
            widgets::date_field_from(
                ui,
                "Expires",
                "pass-expiry",
                &mut view.pass_expiry,
                current,
                today,
            );
        });
        if ui.button("Add pass").clicked() {
            add_pass(view);
        }
    });
    ui.horizontal_wrapped(|ui| {
        let label = if view.editing.is_some() {
            "Save person"
        } else {
            "Add person"
        };
        if ui.button(label).clicked() || entered {
            submit_person(people, view, cmds);
        }
        if view.editing.is_some() && ui.button("Cancel editing").clicked() {
            clear_person(view);
        }
        if let Some(e) = &view.errors.person {
            ui.label(RichText::new(format!("⚠ {e}")).color(status_color(ui, Some(false))));
        }
    });
    if !view.pass_exam.trim().is_empty() || !view.pass_date.trim().is_empty() {
        widgets::hint(
            ui,
            "Add pass puts the pass on this person; Add person (or Save person) records them, with the pass typed here.",
        );
    }
}

/// Put the pass typed in the pass fields on the person being written; false (the errors
/// beside the fields) when it is incomplete.
fn add_pass(view: &mut CapabilityView) -> bool {
    let date = parse_day(&view.pass_date);
    let expiry = parse_day(&view.pass_expiry);
    view.errors.exam = view
        .pass_exam
        .trim()
        .is_empty()
        .then(|| "the exam code, e.g. AZ-104".to_string());
    view.errors.pass_date = match &date {
        Ok(Some(_)) => None,
        Ok(None) => Some("the day it was passed".into()),
        Err(e) => Some(e.clone()),
    };
    view.errors.pass_expiry = expiry.as_ref().err().cloned();
    let (Ok(Some(date)), Ok(expiry), None) = (date, expiry, &view.errors.exam) else {
        return false;
    };
    view.passes.push(ExamPass {
        exam: view.pass_exam.trim().to_string(),
        date: Some(date),
        expiry,
    });
    view.pass_exam.clear();
    view.pass_date.clear();
    view.pass_expiry.clear();
    true
}

fn clear_person(view: &mut CapabilityView) {
    view.editing = None;
    view.name.clear();
    view.mct_id.clear();
    view.expiry.clear();
    view.passes.clear();
    view.pass_exam.clear();
    view.pass_date.clear();
    view.pass_expiry.clear();
    view.errors = FormErrors::default();
}

fn submit_person(people: &[Person], view: &mut CapabilityView, cmds: &mut Vec<Command>) {
    // a pass typed but not added goes with the person, or stops them with its error: it is
    // not thrown away with the form
    let pending = [&view.pass_exam, &view.pass_date, &view.pass_expiry]
        .iter()
        .any(|f| !f.trim().is_empty());
    if pending && !add_pass(view) {
        return;
    }
    let name = view.name.trim().to_string();
    let expiry = parse_day(&view.expiry);
    view.errors.name = name.is_empty().then(|| "a person needs a name".to_string());
    view.errors.expiry = match &expiry {
        Err(e) => Some(e.clone()),
        Ok(Some(_)) if view.mct_id.trim().is_empty() => {
            Some("a membership needs the MCT ID beside it".into())
        }
        Ok(_) => None,
    };
    view.errors.person = None;
    let (Ok(expiry), None, None) = (expiry, &view.errors.name, &view.errors.expiry) else {
        return;
    };
    // the list may have changed since editing began (undo, removal)
    let at = match &view.editing {
        Some(original) => match position(people, original) {
            Some(i) => Some(i),
            None => {
                view.errors.person =
                    Some(format!("{} changed meanwhile: edit again", original.1.name));
                view.editing = None;
                return;
            }
        },
        None => None,
    };
    let key = name.to_lowercase();
    if let Some(other) = people
        .iter()
        .enumerate()
        .find(|(i, p)| Some(*i) != at && p.key() == key)
    {
        view.errors.name = Some(format!(
            "{} is already recorded: select them and Edit",
            other.1.name
        ));
        return;
    }
    let mct_id = view.mct_id.trim().to_string();
    let person = Person {
        name,
        mct: (!mct_id.is_empty()).then_some(Membership { id: mct_id, expiry }),
        passes: std::mem::take(&mut view.passes),
    };
    cmds.push(Command::Edit(Edit::People(match at {
        Some(i) => ListEdit::Replace(i, person),
        None => ListEdit::Add(person),
    })));
    clear_person(view);
}

fn rules_section(
    ui: &mut Ui,
    state: &AppState,
    cap: Option<&CapabilityStatus>,
    view: &mut CapabilityView,
    cmds: &mut Vec<Command>,
) {
    let ws = &state.workspace;
    widgets::heading(ui, "Competency exam rules");
    widgets::hint(
        ui,
        "Each rule: how many distinct people must each have passed one of its exams by the deadline. Select a rule to remove it.",
    );
    if let Some((ci, ri)) = view.selected_rule
        && ws
            .competencies
            .get(ci)
            .and_then(|c| c.rules.get(ri))
            .is_none()
    {
        view.selected_rule = None;
    }
    let mut clicked = None;
    if ws.competencies.is_empty() {
        ui.label(RichText::new("No exam rule recorded yet: add one below.").weak());
    }
    for (ci, c) in ws.competencies.iter().enumerate() {
        ui.label(RichText::new(&c.name).strong());
        if c.rules.is_empty() {
            ui.label(RichText::new("no rule").weak());
        }
        for (ri, r) in c.rules.iter().enumerate() {
            let st = cap.and_then(|cap| {
                cap.exam_rules
                    .iter()
                    .filter(|s| s.competency == c.name)
                    .nth(ri)
            });
            ui.horizontal_wrapped(|ui| {
                status(ui, st.map(|s| s.met));
                let on = view.selected_rule == Some((ci, ri));
                let text = crate::report::summary::exam_rule_phrase(
                    &state.level_name(&r.level),
                    r.people as usize,
                    &r.exams,
                );
                if ui.selectable_label(on, text).clicked() {
                    clicked = Some(if on { None } else { Some((ci, ri)) });
                }
                if let Some(s) = st {
                    ui.label(
                        RichText::new(if s.people.is_empty() {
                            "nobody yet".into()
                        } else {
                            format!("({})", s.people.join(", "))
                        })
                        .weak(),
                    );
                }
            });
        }
    }
    if let Some(sel) = clicked {
        view.selected_rule = sel;
    }
    let selected = view.selected_rule;
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(selected.is_some(), egui::Button::new("Remove rule"))
            .clicked()
            && let Some((ci, ri)) = selected
            && let Some(c) = ws.competencies.get(ci)
        {
            let mut c2 = c.clone();
            c2.rules.remove(ri);
            // a competency left without rules goes with its last rule
            cmds.push(Command::Edit(Edit::Competencies(if c2.rules.is_empty() {
                ListEdit::Remove(ci)
            } else {
                ListEdit::Replace(ci, c2)
            })));
            view.selected_rule = None;
        }
    });
    ui.add_space(6.0);
    ui.label(RichText::new("Add a rule").strong());
    ui.horizontal_wrapped(|ui| {
        widgets::with_error(ui, view.errors.competency.as_deref(), |ui| {
            widgets::labelled_text(ui, "Competency", &mut view.competency, 140.0);
        });
        widgets::with_error(ui, view.errors.rule_level.as_deref(), |ui| {
            let l = ui.label("Rule level");
            egui::ComboBox::from_id_salt("rule-level")
                .selected_text(if view.rule_level.is_empty() {
                    "choose".to_string()
                } else {
                    state.level_name(&view.rule_level)
                })
                .show_ui(ui, |ui| {
                    if let Ok(d) = &state.derived {
                        for l in d.session.profile.levels.iter().filter(|l| l.exams) {
                            ui.selectable_value(&mut view.rule_level, l.id.clone(), &l.name);
                        }
                    }
                })
                .response
                .labelled_by(l.id);
        });
        widgets::with_error(ui, view.errors.rule_people.as_deref(), |ui| {
            widgets::labelled_text(ui, "People needed", &mut view.rule_people, 36.0);
        });
        widgets::with_error(ui, view.errors.rule_exams.as_deref(), |ui| {
            widgets::labelled_text(ui, "Exams (comma-separated)", &mut view.rule_exams, 160.0);
        });
        if ui.button("Add rule").clicked() {
            let people = view.rule_people.trim().parse::<u32>();
            let exams: Vec<String> = view
                .rule_exams
                .split(',')
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty())
                .collect();
            let name = view.competency.trim().to_string();
            view.errors.competency = name.is_empty().then(|| "the competency's name".to_string());
            view.errors.rule_level = view
                .rule_level
                .is_empty()
                .then(|| "choose a level".to_string());
            view.errors.rule_people = people
                .is_err()
                .then(|| "a whole number of people".to_string());
            view.errors.rule_exams = exams
                .is_empty()
                .then(|| "at least one exam code".to_string());
            if let (Ok(k), false, false, false) = (
                people,
                name.is_empty(),
                view.rule_level.is_empty(),
                exams.is_empty(),
            ) {
                let rule = ExamRule {
                    level: view.rule_level.clone(),
                    people: k,
                    exams,
                };
                let existing = ws.competencies.iter().position(|c| c.name == name);
                let mut c = existing
                    .and_then(|i| ws.competencies.get(i).cloned())
                    .unwrap_or(Competency {
                        name,
                        rules: vec![],
                    });
                c.rules.push(rule);
                cmds.push(Command::Edit(Edit::Competencies(match existing {
                    Some(i) => ListEdit::Replace(i, c),
                    None => ListEdit::Add(c),
                })));
                view.rule_exams.clear();
                view.rule_people.clear();
            }
        }
    });
}
