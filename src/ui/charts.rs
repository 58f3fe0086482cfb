//! Charts (egui_plot): the cumulative KPI units or revenue over the window against the level
//! targets (each labelled on the chart), the deadline, the forecast dashed to it with and
//! without planned purchases, and the monthly totals in a strip below on their own scale (so
//! small months stay readable); hover shows exact values for real points only; the chart can be
//! saved (the core's SVG renderer, as PNG or SVG). The dashboard shows the same plot small.

use chrono::Datelike;
use eframe::egui::{self, Align2, Color32, RichText, Ui};
use egui_plot::{
    Bar, BarChart, HLine, Line, LineStyle, Plot, PlotPoint, PlotPoints, Points, Text, VLine,
};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::command::Command;
use super::state::AppState;
use super::widgets::{units, usd};
use crate::report::summary::{FORECAST_LINE, PLAN_LINE};
use crate::rules::evaluate::Evaluation;
use crate::rules::figures::{Figures, Requirement};

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
    // worked out with the figures, not in each frame
    let footer = state.derived.as_ref().map_or_else(
        |_| String::new(),
        |d| d.chart_footers[usize::from(view.revenue)].clone(),
    );
    // the chart takes the height the footer leaves: a narrow window wraps the footer's
    // figures onto more lines, and they stay in view
    let button = 110.0;
    let lines = ui
        .painter()
        .layout(
            footer.clone(),
            egui::TextStyle::Body.resolve(ui.style()),
            ui.visuals().text_color(),
            (ui.available_width() - button).max(100.0),
        )
        .size()
        .y;
    let height =
        (ui.available_height() - lines.max(ui.spacing().interact_size.y) - 16.0).max(300.0);
    cumulative_plot(ui, e, view.revenue, height, "charts");
    // the button first: it is never pushed out of the window
    ui.horizontal(|ui| {
        if ui.button("Save chart…").clicked() {
            cmds.push(Command::SaveChart);
        }
        ui.add(egui::Label::new(footer).wrap());
    });
}

/// Colours that stay apart in both themes: the actual line, the forecast, the monthly bars and
/// one per level target (none of them grey, so no target reads as a bar).
struct Palette {
    actual: Color32,
    forecast: Color32,
    plan: Color32,
    bars: Color32,
    targets: [Color32; 3],
    deadline: Color32,
}

fn palette(dark: bool) -> Palette {
    if dark {
        Palette {
            actual: Color32::from_rgb(110, 176, 255),
            forecast: Color32::from_rgb(255, 160, 80),
            plan: Color32::from_rgb(120, 210, 130),
            bars: Color32::from_rgb(70, 110, 150),
            targets: [
                Color32::from_rgb(230, 190, 60),
                Color32::from_rgb(200, 140, 230),
                Color32::from_rgb(110, 210, 180),
            ],
            deadline: Color32::from_rgb(230, 90, 90),
        }
    } else {
        Palette {
            actual: Color32::from_rgb(0, 94, 184),
            forecast: Color32::from_rgb(200, 40, 130),
            plan: Color32::from_rgb(30, 130, 60),
            bars: Color32::from_rgb(160, 190, 225),
            targets: [
                Color32::from_rgb(160, 110, 0),
                Color32::from_rgb(120, 60, 160),
                Color32::from_rgb(0, 120, 100),
            ],
            deadline: Color32::from_rgb(190, 40, 40),
        }
    }
}

/// The cumulative chart of `e` in `height` points: the plot, then the monthly strip below it
/// (x axes linked). `id` keeps two of them (dashboard, charts panel) apart.
pub fn cumulative_plot(ui: &mut Ui, e: &Evaluation, revenue: bool, height: f32, id: &str) {
    let pick = move |fig: &Figures| {
        if revenue {
            fig.revenue_usd
        } else {
            fig.kpi_units
        }
    };
    let exact = move |d: Decimal| if revenue { usd(d) } else { units(d) };
    // axis ticks: separators, "$" for revenue, no cents
    let tick = move |v: f64| {
        let d = Decimal::from_f64_retain(v.round()).unwrap_or_default();
        let text = crate::report::grouped(d, 0);
        match (revenue, text.strip_prefix('-')) {
            (false, _) => text,
            (true, Some(rest)) => format!("-${rest}"),
            (true, None) => format!("${text}"),
        }
    };
    let labels: Vec<String> = e.monthly.iter().map(|m| m.month.label()).collect();

    // x: 0 = the window's first day, i + 1 = the end of month i, 12 = the deadline
    let t = e.as_of;
    let t_x = e
        .monthly
        .iter()
        .position(|m| m.month == crate::rules::Month::of(t))
        .map(|i| i as f64 + f64::from(t.day()) / f64::from(m_days(t)))
        .unwrap_or(if t < e.dates.window_start { 0.0 } else { 12.0 });
    let reached: Vec<bool> = e
        .monthly
        .iter()
        .map(|m| crate::report::summary::month_reached(e, m))
        .collect();
    let shown = reached.iter().rposition(|r| *r).map_or(0, |i| i + 1);
    let mut cumulative: Vec<[f64; 2]> = vec![[0.0, 0.0]];
    let mut points: Vec<(String, Decimal)> = vec![("start of the window".into(), Decimal::ZERO)];
    for (i, m) in e.monthly.iter().enumerate().take(shown) {
        cumulative.push([i as f64 + 1.0, f(pick(&m.cumulative))]);
        points.push((format!("end of {}", m.month.label()), pick(&m.cumulative)));
    }
    let actual = pick(&e.totals);
    let with_plan = pick(&e.forecast.at_deadline);
    let planned = pick(&e.forecast.planned);
    let without_plan = with_plan.saturating_sub(planned);
    // the run rate's line only where the summary projects one (no completed month yet, the
    // deadline's month and a closed window have none); the plan's while the window is open
    let show_forecast =
        t_x < 12.0 && shown < 12 && e.days_to_deadline >= 0 && crate::report::summary::projects(e);
    let show_plan = e.days_to_deadline >= 0 && !planned.is_zero();
    let requirement = if revenue {
        Requirement::Revenue
    } else {
        Requirement::KpiUnits
    };
    let targets = e.targets(requirement);
    let p = palette(ui.visuals().dark_mode);
    let max_y = targets
        .iter()
        .map(|t| f(t.1))
        .fold(f(with_plan).max(f(actual)), f64::max)
        .max(1.0)
        * 1.08;

    let group = egui::Id::unique(("chart-x", id));
    let strip = (height * 0.24).clamp(60.0, 140.0);
    // short month names fit a narrow window ("Mar 26" would read as a day); the years are in
    // the axis title
    let labels_axis: Vec<String> = e
        .monthly
        .iter()
        .map(|m| m.month.first_day().format("%b").to_string())
        .collect();
    let span = match (e.monthly.first(), e.monthly.last()) {
        (Some(a), Some(b)) => format!(
            "{} – {}",
            a.month.first_day().format("%b %Y"),
            b.month.first_day().format("%b %Y")
        ),
        _ => String::new(),
    };
    let month_axis = move |mark: egui_plot::GridMark, _range: &std::ops::RangeInclusive<f64>| {
        let i = mark.value.floor();
        if (mark.value - i - 0.5).abs() < 1e-6 && (0.0..12.0).contains(&i) {
            labels_axis.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    let month_marks = |_input: egui_plot::GridInput| {
        (0..12)
            .map(|i| egui_plot::GridMark {
                value: i as f64 + 0.5,
                step_size: 1.0,
            })
            .collect()
    };
    let forecast_points = [
        ("Actual so far".to_string(), actual),
        ("Forecast at the deadline".to_string(), without_plan),
    ];
    let plan_points = [
        ("Actual so far".to_string(), actual),
        (PLAN_LINE.to_string(), with_plan),
    ];
    // the legend would cover a small plot (the dashboard's): there the labels on the lines say
    // enough
    let legend = (height >= 320.0)
        .then(|| egui_plot::Legend::default().position(egui_plot::Corner::LeftTop));
    let mut plot = Plot::new(("cumulative", id));
    if let Some(legend) = legend {
        plot = plot.legend(legend);
    }
    plot.height(height - strip)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .link_axis(group, [true, false])
        .link_cursor(group, [true, false])
        .include_x(0.0)
        .include_x(13.6)
        .include_y(0.0)
        .include_y(max_y)
        .y_axis_min_width(AXIS_WIDTH)
        .custom_x_axes(vec![
            egui_plot::AxisHints::new_x()
                .formatter(month_axis.clone())
                .label_spacing(24.0..=32.0),
        ])
        .x_grid_spacer(month_marks)
        .y_axis_formatter(move |mark, _range| tick(mark.value))
        .label_formatter(move |pos| match pos {
            // only real points: the cursor over empty space is no figure
            egui_plot::HoverPosition::NearDataPoint {
                plot_name, index, ..
            } => {
                let (what, v) = match *plot_name {
                    "Cumulative actual" => points.get(*index)?.clone(),
                    FORECAST_LINE => forecast_points.get(*index)?.clone(),
                    PLAN_LINE => plan_points.get(*index)?.clone(),
                    _ => return None,
                };
                Some(format!("{what}: {}", exact(v)))
            }
            egui_plot::HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |plot_ui| {
            // the targets' names stacked apart when their lines are close (Silver's 200 under
            // Gold's 5,000 on a scale of a million): a line's height in plot units
            let gap = 16.0 * max_y / f64::from((height - strip).max(1.0));
            let mut order: Vec<usize> = (0..targets.len()).collect();
            order.sort_by(|&a, &b| f(targets[a].1).total_cmp(&f(targets[b].1)));
            let mut label_at = vec![0.0; targets.len()];
            let mut floor = f64::NEG_INFINITY;
            for i in order {
                let y = f(targets[i].1).max(floor);
                label_at[i] = y;
                floor = y + gap;
            }
            for (i, (name, y)) in targets.iter().enumerate() {
                let colour = p.targets[i % p.targets.len()];
                plot_ui.hline(
                    HLine::new(format!("{name} target"), f(*y))
                        .color(colour)
                        .width(1.5)
                        .style(LineStyle::dashed_dense()),
                );
                // the target named on the chart itself, right of the deadline
                plot_ui.text(
                    Text::new(
                        "",
                        PlotPoint::new(12.1, label_at[i]),
                        RichText::new(format!("{name} {}", exact(*y))).color(colour),
                    )
                    .anchor(Align2::LEFT_BOTTOM),
                );
            }
            plot_ui.vline(
                VLine::new(format!("Deadline {}", e.dates.deadline), 12.0)
                    .color(p.deadline)
                    .width(1.5),
            );
            plot_ui.text(
                Text::new(
                    "",
                    PlotPoint::new(12.0, max_y),
                    RichText::new(format!("deadline {}", e.dates.deadline))
                        .color(p.deadline)
                        .small(),
                )
                .anchor(Align2::RIGHT_TOP),
            );
            plot_ui.line(
                Line::new("Cumulative actual", PlotPoints::from(cumulative.clone()))
                    .color(p.actual)
                    .width(2.5),
            );
            plot_ui.points(
                Points::new("Cumulative actual", PlotPoints::from(cumulative.clone()))
                    .color(p.actual)
                    .radius(2.5),
            );
            // from where the actual line ends (the end of the as-of month at the earliest), as
            // the summary's chart draws it: R5 projects the months after the as-of day's own,
            // whose purchases so far are in the actual
            let from = [t_x.max(shown as f64), f(actual)];
            if show_forecast {
                plot_ui.line(
                    Line::new(
                        FORECAST_LINE,
                        PlotPoints::from(vec![from, [12.0, f(without_plan)]]),
                    )
                    .color(p.forecast)
                    .width(2.0)
                    .style(LineStyle::dashed_loose()),
                );
            }
            if show_plan {
                plot_ui.line(
                    Line::new(
                        PLAN_LINE,
                        PlotPoints::from(vec![from, [12.0, f(with_plan)]]),
                    )
                    .color(p.plan)
                    .width(1.0)
                    .style(LineStyle::dotted_dense()),
                );
            }
        });

    // the monthly totals on their own scale
    let fmt_bar = exact;
    let bars: Vec<Bar> = e
        .monthly
        .iter()
        .enumerate()
        .filter(|(i, _)| reached.get(*i).copied().unwrap_or(false))
        .map(|(i, m)| {
            Bar::new(i as f64 + 0.5, f(pick(&m.month_total)))
                .width(0.7)
                .name(format!("{}: {}", labels[i], fmt_bar(pick(&m.month_total))))
        })
        .collect();
    let biggest = e
        .monthly
        .iter()
        .map(|m| f(pick(&m.month_total)))
        .fold(1.0, f64::max);
    Plot::new(("monthly", id))
        .height(strip)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .link_axis(group, [true, false])
        .link_cursor(group, [true, false])
        .include_x(0.0)
        .include_x(13.6)
        .include_y(0.0)
        // headroom for the hover label of the tallest bar
        .include_y(biggest * 1.3)
        .y_axis_min_width(AXIS_WIDTH)
        .custom_x_axes(vec![
            egui_plot::AxisHints::new_x()
                .formatter(month_axis)
                .label_spacing(24.0..=32.0)
                .label(span),
        ])
        .x_grid_spacer(month_marks)
        .y_grid_spacer(two_marks)
        .y_axis_formatter(move |mark, _range| tick(mark.value))
        .y_axis_label("monthly")
        .label_formatter(|_pos| None)
        .show(ui, |plot_ui| {
            plot_ui.bar_chart(
                BarChart::new("Monthly total", bars)
                    .color(p.bars)
                    .element_formatter(Box::new(|bar, _| bar.name.clone())),
            );
        });
}

/// The monthly strip's scale: 0 and a round value or two above it (a step of 1, 2 or 5 times
/// a power of ten, about half the range), so that a strip 60 points high still labels its
/// bars' scale (the default spacer's powers of ten left only 0 readable).
fn two_marks(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    // the plot's default grid spacing (8 points) over the value a point is worth: labels
    // closer than 26 points would run into each other
    let points_per_unit = 8.0 / input.base_step_size;
    let fits = if points_per_unit.is_finite() && points_per_unit > 0.0 {
        26.0 / points_per_unit
    } else {
        0.0
    };
    let half = ((hi - lo.max(0.0)) / 2.0).max(fits);
    if !(half.is_finite() && half > 0.0) {
        return Vec::new();
    }
    let power = 10f64.powf(half.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= half)
        .unwrap_or(10.0 * power);
    let marks: Vec<egui_plot::GridMark> = (0..=3)
        .map(|k| f64::from(k) * step)
        .filter(|v| *v >= lo && *v <= hi)
        .map(|value| egui_plot::GridMark {
            value,
            step_size: step,
        })
        .collect();
    if marks.iter().any(|m| m.value > 0.0) || hi.is_nan() || hi <= 0.0 {
        return marks;
    }
    // a strip too low for two labels (the dashboard's) shows one: the round value nearest
    // below its top, so its bars still have a scale (0 alone said nothing)
    let top = hi * 0.95;
    let power = 10f64.powf(top.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * power)
        .find(|v| *v <= top && *v >= lo)
        .map(|value| {
            vec![egui_plot::GridMark {
                value,
                step_size: value,
            }]
        })
        .unwrap_or(marks)
}

/// The y axis width of the chart and of its monthly strip, the same for both so their months
/// line up: room for "$600,000" on the chart, and for "$100,000" beside the strip's rotated
/// "monthly" (the axis grows past its minimum when its labels need more, and the plots then
/// shift apart).
const AXIS_WIDTH: f32 = 88.0;

fn m_days(d: chrono::NaiveDate) -> u32 {
    crate::rules::Month::of(d).last_day().day()
}

#[cfg(test)]
mod tests {
    use super::two_marks;

    fn marks(bounds: (f64, f64), points: f64) -> Vec<f64> {
        // the plot's base step: 8 points' worth of value, as egui_plot computes it
        let base_step_size = 8.0 * (bounds.1 - bounds.0) / points;
        two_marks(egui_plot::GridInput {
            bounds,
            base_step_size,
        })
        .iter()
        .map(|m| m.value)
        .collect()
    }

    #[test]
    fn the_monthly_strip_always_has_a_scale() {
        // the Charts panel's strip: 0 and a round value or two
        assert_eq!(marks((0.0, 1000.0), 120.0), [0.0, 500.0, 1000.0]);
        // the dashboard's, too low for two labels: one round value below its top, not 0 alone
        assert_eq!(marks((0.0, 999.7), 38.0), [500.0]);
        assert_eq!(marks((0.0, 1.3), 38.0), [0.0, 1.0], "two labels fit");
    }
}
