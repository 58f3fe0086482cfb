//! Every row in a virtualized table: sort, filter, totals of what is shown; reclassify a
//! product (a catalog override) or give a packaged set its component count right from a row;
//! the review queue one click away.

use eframe::egui::{self, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use rust_decimal::Decimal;

use super::command::Command;
use super::state::{AppState, RowView, SearchText};
use super::widgets::{self, count, len, right, units, usd};
use crate::import::classify::CatalogEntry;
use crate::rules::figures::RowFate;
use crate::rules::{Month, ProductLine};
use crate::workspace::Edit;

/// Sortable columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// File order.
    #[default]
    Source,
    /// Purchase date.
    Date,
    /// Product name.
    Product,
    /// KPI units.
    Kpi,
    /// Revenue.
    Revenue,
}

/// The rows shown and their totals, cached until the data or the filters change.
#[derive(Debug, Clone, Default)]
struct Visible {
    generation: u64,
    key: String,
    rows: Vec<usize>,
    kits: i64,
    kpi_units: Decimal,
    revenue_usd: Decimal,
}

/// The table's filters and sort, and the selected row's draft.
#[derive(Debug, Clone, Default)]
pub struct PurchasesView {
    /// Text in any column.
    pub text: String,
    /// One product line.
    pub line: Option<ProductLine>,
    /// One fate.
    pub fate: Option<RowFate>,
    /// One month.
    pub month: Option<Month>,
    /// Only rows to review.
    pub review_only: bool,
    /// Sort column and direction.
    pub sort: (SortKey, bool),
    /// Components draft for the selected row.
    pub components: String,
    /// Why the components draft was refused.
    pub components_error: Option<String>,
    cache: Option<Visible>,
}

fn fate_label(f: RowFate) -> &'static str {
    match f {
        RowFate::Counted => "counted",
        RowFate::OutsideWindow => "outside window",
        RowFate::Duplicate => "duplicate",
        RowFate::Summary => "total row",
        RowFate::NotInvoiced => "not invoiced",
        RowFate::Rejected => "rejected",
    }
}

const FATES: [RowFate; 6] = [
    RowFate::Counted,
    RowFate::OutsideWindow,
    RowFate::Duplicate,
    RowFate::Summary,
    RowFate::NotInvoiced,
    RowFate::Rejected,
];

impl PurchasesView {
    fn key(&self) -> String {
        format!(
            "{}|{:?}|{:?}|{:?}|{}|{:?}",
            self.text, self.line, self.fate, self.month, self.review_only, self.sort
        )
    }

    /// The rows shown, in order, and their totals (cached until the data or the filters change).
    fn visible(&mut self, rows: &[RowView], search: &SearchText, generation: u64) -> &Visible {
        let key = self.key();
        let fresh = matches!(&self.cache, Some(v) if v.generation == generation && v.key == key);
        if !fresh {
            let needle = self.text.to_lowercase();
            let matcher = search.matcher(&needle);
            let mut idx: Vec<usize> = rows
                .iter()
                .enumerate()
                .filter(|&(i, r)| {
                    (!self.review_only || r.review)
                        && self.line.is_none_or(|l| r.line == Some(l))
                        && self.fate.is_none_or(|f| r.fate == f)
                        && self
                            .month
                            .is_none_or(|m| r.date.is_some_and(|d| Month::of(d) == m))
                        && (needle.is_empty() || matcher.matches(i, r))
                })
                .map(|(i, _)| i)
                .collect();
            let (key_col, desc) = self.sort;
            match key_col {
                SortKey::Source => {}
                SortKey::Date => idx.sort_by_key(|&i| rows[i].date),
                SortKey::Product => idx.sort_by(|&a, &b| rows[a].product.cmp(&rows[b].product)),
                SortKey::Kpi => idx.sort_by_key(|&i| rows[i].kpi_units),
                SortKey::Revenue => idx.sort_by_key(|&i| rows[i].revenue_usd),
            }
            if desc {
                idx.reverse();
            }
            let mut v = Visible {
                generation,
                key,
                ..Visible::default()
            };
            for &i in &idx {
                v.kits = v.kits.saturating_add(rows[i].kits);
                v.kpi_units += rows[i].kpi_units;
                v.revenue_usd += rows[i].revenue_usd;
            }
            v.rows = idx;
            self.cache = Some(v);
        }
        self.cache.get_or_insert_with(Visible::default)
    }
}

/// A table cell's text: not selectable, so a click selects the row.
fn cell(ui: &mut Ui, text: impl Into<egui::WidgetText>) {
    ui.add(egui::Label::new(text).selectable(false));
}

fn sort_button(ui: &mut Ui, view: &mut PurchasesView, key: SortKey, label: &str) {
    let arrow = match view.sort {
        (k, false) if k == key => " ▲",
        (k, true) if k == key => " ▼",
        _ => "",
    };
    if ui
        .button(RichText::new(format!("{label}{arrow}")).strong())
        .clicked()
    {
        view.sort = if view.sort.0 == key {
            (key, !view.sort.1)
        } else {
            (key, false)
        };
    }
}

/// The purchases panel.
pub fn purchases_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut PurchasesView,
    cmds: &mut Vec<Command>,
) {
    let Ok(derived) = &state.derived else { return };
    let rows = &derived.rows;
    if rows.is_empty() {
        ui.label(if state.outcome().is_none() {
            "Enter the anniversary in Settings first."
        } else {
            "No purchases yet: drop exports on the window, or File ▸ Import…"
        });
        return;
    }
    ui.horizontal_wrapped(|ui| {
        widgets::labelled_text(ui, "Filter", &mut view.text, 160.0);
        ui.label("Line");
        egui::ComboBox::from_id_salt("line-filter")
            .selected_text(view.line.map_or("all lines", |l| l.key()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut view.line, None, "all lines");
                for l in ProductLine::ALL {
                    ui.selectable_value(&mut view.line, Some(l), l.key());
                }
            });
        ui.label("Fate");
        egui::ComboBox::from_id_salt("fate-filter")
            .selected_text(view.fate.map_or("all fates", fate_label))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut view.fate, None, "all fates");
                for f in FATES {
                    ui.selectable_value(&mut view.fate, Some(f), fate_label(f));
                }
            });
        let months: Vec<Month> = state
            .outcome()
            .map(|o| o.eval.monthly.iter().map(|m| m.month).collect())
            .unwrap_or_default();
        ui.label("Month");
        egui::ComboBox::from_id_salt("month-filter")
            .selected_text(view.month.map_or("all months".to_string(), |m| m.label()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut view.month, None, "all months");
                for m in months {
                    ui.selectable_value(&mut view.month, Some(m), m.label());
                }
            });
        ui.checkbox(&mut view.review_only, "Needs review only");
    });

    let shown = view.visible(rows, &derived.search, state.derived_gen);
    let (kits, kpi, revenue) = (shown.kits, shown.kpi_units, shown.revenue_usd);
    // borrowed out of the cache for this frame (no copy), put back after the table
    let visible = view
        .cache
        .as_mut()
        .map(|v| std::mem::take(&mut v.rows))
        .unwrap_or_default();
    ui.label(format!(
        "{} of {} rows · {} kits · {} KPI units · {} counted revenue",
        count(len(visible.len())),
        count(len(rows.len())),
        count(kits),
        units(kpi),
        usd(revenue)
    ));

    // the selected row's details, with reclassification, in a side panel: the table does not
    // move under the pointer when a row is selected
    if let Some(sel) = state.selected_row.and_then(|i| rows.get(i)) {
        egui::Panel::right("row-details")
            .resizable(true)
            .default_size(320.0)
            .min_size(220.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("row-details-scroll")
                    .show(ui, |ui| row_details(ui, state, sel, view, cmds));
            });
    }

    let row_height = 22.0;
    let selected = state.selected_row;
    // both ways: the table scrolls sideways in a narrow window, its header stays on top
    egui::ScrollArea::horizontal()
        .id_salt("purchases-sideways")
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .id_salt("purchases")
                .striped(true)
                .sense(egui::Sense::click())
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(Column::auto().at_least(86.0))
                .column(Column::auto().at_least(70.0))
                .column(Column::auto().at_least(90.0))
                .column(
                    Column::initial(300.0)
                        .at_least(180.0)
                        .clip(true)
                        .resizable(true),
                )
                .column(Column::auto().at_least(80.0))
                .column(Column::auto().at_least(48.0))
                .column(Column::auto().at_least(64.0))
                .column(Column::auto().at_least(96.0))
                .column(Column::auto().at_least(96.0))
                .column(Column::auto().at_least(140.0))
                .header(24.0, |mut h| {
                    h.col(|ui| sort_button(ui, view, SortKey::Date, "Date"));
                    h.col(|ui| {
                        ui.strong("Order");
                    });
                    h.col(|ui| {
                        ui.strong("Part");
                    });
                    h.col(|ui| sort_button(ui, view, SortKey::Product, "Product"));
                    h.col(|ui| {
                        ui.strong("Line");
                    });
                    h.col(|ui| {
                        ui.strong("Kits");
                    });
                    h.col(|ui| sort_button(ui, view, SortKey::Kpi, "KPI"));
                    h.col(|ui| sort_button(ui, view, SortKey::Revenue, "Revenue"));
                    h.col(|ui| {
                        ui.strong("Fate");
                    });
                    h.col(|ui| sort_button(ui, view, SortKey::Source, "Source"));
                })
                .body(|body| {
                    body.rows(row_height, visible.len(), |mut row| {
                        let i = visible[row.index()];
                        let r = &rows[i];
                        row.set_selected(selected == Some(i));
                        row.col(|ui| {
                            cell(ui, r.date.map_or(String::new(), |d| d.to_string()));
                        });
                        row.col(|ui| {
                            cell(ui, &r.order);
                        });
                        row.col(|ui| {
                            cell(ui, &*r.part);
                        });
                        row.col(|ui| {
                            let text = if r.product.is_empty() {
                                &r.why
                            } else {
                                &r.product
                            };
                            // the product is the row's focusable handle: click or Enter selects the row
                            let marker = if r.review { "⚠ " } else { "" };
                            if ui
                                .selectable_label(selected == Some(i), format!("{marker}{text}"))
                                .clicked()
                            {
                                cmds.push(Command::SelectRow(if selected == Some(i) {
                                    None
                                } else {
                                    Some(i)
                                }));
                            }
                        });
                        row.col(|ui| {
                            cell(ui, r.line.map_or("", |l| l.key()));
                        });
                        let counted = r.fate == RowFate::Counted;
                        for figure in [count(r.kits), units(r.kpi_units), usd(r.revenue_usd)] {
                            row.col(|ui| {
                                right(ui, if counted { figure } else { String::new() });
                            });
                        }
                        row.col(|ui| {
                            cell(ui, fate_label(r.fate));
                        });
                        row.col(|ui| {
                            cell(ui, format!("line {} · {}", r.line_no, r.file));
                        });
                        if row.response().clicked() {
                            cmds.push(Command::SelectRow(if selected == Some(i) {
                                None
                            } else {
                                Some(i)
                            }));
                        }
                    });
                });
        });
    if let Some(v) = view.cache.as_mut() {
        v.rows = visible;
    }
}

fn row_details(
    ui: &mut Ui,
    state: &AppState,
    r: &RowView,
    view: &mut PurchasesView,
    cmds: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("{}:{}", r.file, r.line_no)).strong());
        ui.label(if r.product.is_empty() {
            &*r.why
        } else {
            &*r.product
        });
        if ui.button("Close").clicked() {
            cmds.push(Command::SelectRow(None));
        }
    });
    let Some(key) = r.catalog_key() else {
        ui.label(&*r.why);
        return;
    };
    ui.label(format!(
        "Classified as {}: {}",
        r.line.map_or("", |l| l.key()),
        r.why
    ));
    let current = state.workspace.catalog.get(key).cloned();
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("'{key}':"));
        for l in ProductLine::ALL {
            let on = r.line == Some(l);
            if ui
                .selectable_label(on, format!("Classify as {}", l.key()))
                .clicked()
                && !on
            {
                let components = current.as_ref().and_then(|c| c.components);
                cmds.push(Command::Edit(Edit::Catalog(
                    key.to_string(),
                    Some(CatalogEntry {
                        line: l,
                        components,
                    }),
                )));
            }
        }
        if current.is_some() && ui.button("Clear override").clicked() {
            cmds.push(Command::Edit(Edit::Catalog(key.to_string(), None)));
        }
    });
    if r.packaged_set || current.as_ref().is_some_and(|c| c.components.is_some()) {
        ui.horizontal(|ui| {
            let resp = widgets::labelled_text(ui, "Components per kit", &mut view.components, 48.0);
            let apply = ui.button("Set components").clicked()
                || (resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)));
            if apply {
                let parsed = view.components.trim().parse::<u32>().map_err(|_| {
                    crate::money::limits::LimitError(
                        "components: a whole number from 1 to 10,000".into(),
                    )
                });
                view.components_error = match parsed
                    .and_then(|n| crate::money::limits::check_components(n).map(|()| n))
                {
                    Ok(n) => {
                        let line = r.line.unwrap_or(ProductLine::Courseware);
                        cmds.push(Command::Edit(Edit::Catalog(
                            key.to_string(),
                            Some(CatalogEntry {
                                line,
                                components: Some(n),
                            }),
                        )));
                        None
                    }
                    Err(e) => Some(e.to_string()),
                };
            }
            if let Some(e) = &view.components_error {
                ui.label(RichText::new(format!("⚠ {e}")).color(ui.visuals().warn_fg_color));
            }
        });
    }
}
