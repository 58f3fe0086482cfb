//! Charts (egui_plot): the cumulative KPI units or revenue over the window against the level
//! targets, the deadline, a dashed forecast to it, and the monthly bars; hover shows exact
//! values; the chart can be saved as PNG.

use chrono::Datelike;
use eframe::egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, HLine, Legend, Line, LineStyle, Plot, PlotPoints, VLine};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::command::Command;
use super::state::AppState;
use super::widgets::{units, usd};

/// What the chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChartView {
    /// Revenue instead of KPI units.
    pub revenue: bool,
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// The charts panel.
pub fn charts_ui(ui: &mut Ui, state: &AppState, view: &mut ChartView, cmds: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.label("Show");
        ui.selectable_value(&mut view.revenue, false, "KPI units");
        ui.selectable_value(&mut view.revenue, true, "Revenue (USD)");
    });
    let Some(out) = state.outcome() else {
        ui.add_space(20.0);
        ui.label("No chart yet: enter the anniversary in Settings, then import purchase exports.");
        return;
    };
    let e = &out.eval;
    let revenue = view.revenue;
    let pick = |fig: &crate::rules::figures::Figures| {
        if revenue {
            fig.revenue_usd
        } else {
            fig.kpi_units
        }
    };
    let fmt = move |v: f64| {
        let d = Decimal::from_f64_retain(v).unwrap_or_default().round_dp(2);
        if revenue { usd(d) } else { units(d) }
    };
    let labels: Vec<String> = e.monthly.iter().map(|m| m.month.label()).collect();

    // x: 0 = the window's first day, i + 1 = the end of month i, 12 = the deadline.
    let mut cumulative: Vec<[f64; 2]> = vec![[0.0, 0.0]];
    // the exact figures behind the points, for the hover label
    let mut exact: Vec<(String, Decimal)> = vec![(String::new(), Decimal::ZERO)];
    let t = e.as_of;
    let t_x = e
        .monthly
        .iter()
        .position(|m| m.month == crate::rules::Month::of(t))
        .map(|i| i as f64 + f64::from(t.day()) / f64::from(m_days(t)))
        .unwrap_or(if t < e.dates.window_start { 0.0 } else { 12.0 });
    let last_with_data = e
        .monthly
        .iter()
        .rposition(|m| !pick(&m.month_total).is_zero())
        .map_or(0, |i| i + 1);
    let shown = last_with_data.max(t_x.ceil() as usize).min(12);
    for (i, m) in e.monthly.iter().enumerate().take(shown) {
        cumulative.push([i as f64 + 1.0, f(pick(&m.cumulative))]);
        exact.push((m.month.label(), pick(&m.cumulative)));
    }
    let actual_exact = pick(&e.totals);
    let forecast_exact = pick(&e.forecast.at_deadline);
    let actual = f(actual_exact);
    let at_deadline = f(forecast_exact);
    let exact_fmt = move |d: Decimal| if revenue { usd(d) } else { units(d) };
    let bars: Vec<Bar> = e
        .monthly
        .iter()
        .enumerate()
        .map(|(i, m)| {
            Bar::new(i as f64 + 0.5, f(pick(&m.month_total)))
                .width(0.7)
                .name(&labels[i])
        })
        .collect();
    let targets: Vec<(String, f64)> = e
        .levels
        .iter()
        .filter_map(|l| {
            l.checks
                .iter()
                .find(|c| {
                    c.requirement
                        == if revenue {
                            crate::rules::figures::Requirement::Revenue
                        } else {
                            crate::rules::figures::Requirement::KpiUnits
                        }
                })
                .and_then(|c| c.target)
                .map(|t| (format!("{} target", l.name), f(t)))
        })
        .collect();

    let dark = ui.visuals().dark_mode;
    let actual_color = if dark {
        Color32::from_rgb(110, 176, 255)
    } else {
        Color32::from_rgb(0, 94, 184)
    };
    let forecast_color = if dark {
        Color32::from_rgb(255, 160, 80)
    } else {
        Color32::from_rgb(190, 80, 0)
    };
    let bar_color = if dark {
        Color32::from_gray(90)
    } else {
        Color32::from_gray(190)
    };
    let target_colors = [
        Color32::from_rgb(212, 160, 0),
        Color32::from_rgb(128, 128, 128),
        Color32::from_rgb(90, 90, 160),
    ];

    let labels_for_axis = labels.clone();
    let labels_for_hover = labels.clone();
    let max_y = targets
        .iter()
        .map(|t| t.1)
        .fold(at_deadline.max(actual), f64::max)
        * 1.08;
    Plot::new("cumulative")
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .height((ui.available_height() - 40.0).max(240.0))
        .allow_scroll(false)
        .include_x(0.0)
        .include_x(12.4)
        .include_y(0.0)
        .include_y(max_y.max(1.0))
        .x_axis_formatter(move |mark, _range| {
            let i = mark.value.floor();
            if (mark.value - i - 0.5).abs() < 1e-6 && (0.0..12.0).contains(&i) {
                labels_for_axis.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_grid_spacer(|_input| {
            (0..12)
                .map(|i| egui_plot::GridMark {
                    value: i as f64 + 0.5,
                    step_size: 1.0,
                })
                .collect()
        })
        .label_formatter(move |pos| match pos {
            egui_plot::HoverPosition::NearDataPoint {
                plot_name, index, ..
            } if *plot_name == "Cumulative (actual)" => exact.get(*index).map(|(month, v)| {
                let at = if month.is_empty() {
                    "start".to_string()
                } else {
                    format!("end of {month}")
                };
                format!("Cumulative, {at}: {}", exact_fmt(*v))
            }),
            egui_plot::HoverPosition::NearDataPoint {
                plot_name, index, ..
            } if *plot_name == "Forecast" => Some(format!(
                "{}: {}",
                if *index == 0 {
                    "Actual so far"
                } else {
                    "Forecast at the deadline"
                },
                exact_fmt(if *index == 0 {
                    actual_exact
                } else {
                    forecast_exact
                })
            )),
            egui_plot::HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!("{plot_name}: {}", fmt(position.y))),
            egui_plot::HoverPosition::Elsewhere { position } => {
                let i = (position.x.floor() as i64).clamp(0, 11) as usize;
                Some(format!(
                    "{}\n{}",
                    labels_for_hover.get(i).cloned().unwrap_or_default(),
                    fmt(position.y)
                ))
            }
        })
        .show(ui, |plot_ui| {
            plot_ui.bar_chart(BarChart::new("Month", bars).color(bar_color));
            for (i, (name, y)) in targets.iter().enumerate() {
                plot_ui.hline(
                    HLine::new(name.clone(), *y)
                        .color(target_colors[i % target_colors.len()])
                        .width(1.5)
                        .style(LineStyle::dashed_dense()),
                );
            }
            plot_ui.vline(
                VLine::new(format!("Deadline {}", e.dates.deadline), 12.0)
                    .color(Color32::from_rgb(200, 60, 60))
                    .width(1.5),
            );
            plot_ui.line(
                Line::new("Cumulative (actual)", PlotPoints::from(cumulative.clone()))
                    .color(actual_color)
                    .width(2.5),
            );
            if t_x < 12.0 {
                plot_ui.line(
                    Line::new(
                        "Forecast",
                        PlotPoints::from(vec![[t_x.max(0.0), actual], [12.0, at_deadline]]),
                    )
                    .color(forecast_color)
                    .width(2.0)
                    .style(LineStyle::dashed_loose()),
                );
            }
        });
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!(
            "Actual {} · forecast at the deadline {} · as of {}",
            fmt(actual),
            fmt(at_deadline),
            e.as_of
        )));
        if ui.button("Save chart as PNG…").clicked() {
            cmds.push(Command::SaveChart);
        }
    });
}

fn m_days(d: chrono::NaiveDate) -> u32 {
    crate::rules::Month::of(d).last_day().day()
}
