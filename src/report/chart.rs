//! The readiness chart for reports people print and forward: the cumulative KPI units or revenue
//! over the renewal window against each level's target, with the monthly bars, the forecast to
//! the deadline and the deadline itself. Written as standalone SVG text (no drawing dependency,
//! no egui) so every report format can embed the same picture.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::summary::month_reached;
use super::{grouped_units, usd};
use crate::rules::Month;
use crate::rules::evaluate::Evaluation;
use crate::rules::figures::{Figures, Requirement};

/// Which figure the chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// KPI units.
    KpiUnits,
    /// Revenue in USD.
    Revenue,
}

impl Metric {
    fn pick(self, f: &Figures) -> Decimal {
        match self {
            Metric::KpiUnits => f.kpi_units,
            Metric::Revenue => f.revenue_usd,
        }
    }

    fn requirement(self) -> Requirement {
        match self {
            Metric::KpiUnits => Requirement::KpiUnits,
            Metric::Revenue => Requirement::Revenue,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Metric::KpiUnits => "Cumulative KPI units",
            Metric::Revenue => "Cumulative revenue (USD)",
        }
    }

    /// A figure as the summary's text prints it (the same function): KPI units with their
    /// decimals, revenue in dollars and cents. Only the axis' ticks are rounded.
    fn figure(self, d: Decimal) -> String {
        match self {
            Metric::KpiUnits => grouped_units(d),
            Metric::Revenue => usd(d),
        }
    }
}

const FONT: &str = "DejaVu Sans, sans-serif";
const ACTUAL: &str = "#005EB8";
const FORECAST: &str = "#BE5000";
const BAR: &str = "#B3CEEB";
const TEXT: &str = "#1F1F1F";
const MUTED: &str = "#595959";
const GRID: &str = "#E1E1E1";
const BASELINE: &str = "#8C8C8C";
const DEADLINE: &str = "#404040";
/// Target lines: greys (each at least 4.5:1 on white) told apart by their dash pattern.
const TARGETS: [(&str, &str); 4] = [
    ("#1F1F1F", "10 4"),
    ("#4D4D4D", "5 3"),
    ("#6E6E6E", "1.5 3"),
    ("#3A3A3A", "12 3 2 3"),
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A coordinate: at most one decimal, never NaN or infinite, no "-0".
fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".into()
    } else if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Text from data, safe inside an element or an attribute.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // control characters, U+FFFE and U+FFFF are not allowed in XML 1.0 (a parser
            // refuses the whole chart), though a Rust string may hold them
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Rough width of a text in DejaVu Sans (a wide face: about 0.58 em a character).
fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| if is_wide(c) { 1.0 } else { 0.58 })
        .sum::<f64>()
        * size
}

/// Whether `c` is drawn about as wide as it is high (Chinese, Japanese and Korean characters,
/// full-width forms, emoji), not like a Latin letter.
fn is_wide(c: char) -> bool {
    matches!(
        u32::from(c),
        0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1FAFF
            | 0x20000..=0x3FFFD
    )
}

/// `s` cut with an ellipsis to fit `width` at `size` (by [`text_width`]).
fn fit(s: &str, size: f64, width: f64) -> String {
    if text_width(s, size) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = text_width("…", size);
    for c in s.chars() {
        used += text_width(c.encode_utf8(&mut [0; 4]), size);
        if used > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// `s` cut to `max` characters with an ellipsis.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

fn f(d: Decimal) -> f64 {
    d.to_f64().filter(|v| v.is_finite()).unwrap_or(0.0)
}

/// The y axis: gridlines every `step` from `-below` steps to `above` steps.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scale {
    step: f64,
    /// The step is `tenths` / 10 × 10^`exp` (kept exact for the labels).
    tenths: u32,
    exp: i32,
    below: u32,
    above: u32,
}

impl Scale {
    /// The smallest nice scale (steps of 1, 2, 2.5 or 5 × 10^k, at least 1) covering `lo..=hi`
    /// with 4 to 6 steps (more only when the range straddles 0).
    fn new(lo: f64, hi: f64) -> Scale {
        let lo = if lo.is_finite() { lo.min(0.0) } else { 0.0 };
        let hi = if hi.is_finite() { hi.max(0.0) } else { 0.0 };
        let span = hi - lo;
        let steps = |step: f64| {
            let n = |v: f64| (v / step - 1e-9).ceil().max(0.0);
            (n(-lo), n(hi))
        };
        let (mut step, mut tenths, mut exp) = (1.0, 10, 0);
        if span > 0.0 && span.is_finite() {
            let from = (span / 6.0).log10().floor().clamp(0.0, 300.0) as i32;
            (step, exp) = (10f64.powi(from + 2), from + 2);
            'search: for e in from..from + 3 {
                let power = 10f64.powi(e);
                for t in [10, 20, 25, 50] {
                    if e == 0 && t == 25 {
                        continue; // no fractional labels
                    }
                    let (b, a) = steps(f64::from(t) / 10.0 * power);
                    if a + b <= 6.0 {
                        (step, tenths, exp) = (f64::from(t) / 10.0 * power, t, e);
                        break 'search;
                    }
                }
            }
        }
        let (below, above) = steps(step);
        let above = above.max(4.0 - below);
        Scale {
            step,
            tenths,
            exp,
            below: below as u32,
            above: above as u32,
        }
    }

    fn min(&self) -> f64 {
        -f64::from(self.below) * self.step
    }

    fn max(&self) -> f64 {
        f64::from(self.above) * self.step
    }

    /// The value of gridline `i` (`i` steps from 0), exact, with thousands separators
    /// ("12,000", "-2,500").
    fn label(&self, i: i64) -> String {
        let n = i.unsigned_abs() * u64::from(self.tenths);
        let digits = if self.exp == 0 {
            (n / 10).to_string()
        } else {
            let zeros = usize::try_from(self.exp - 1).unwrap_or(0);
            format!("{n}{}", "0".repeat(zeros))
        };
        let digits = digits.trim_start_matches('0');
        let mut out = String::new();
        for (k, c) in digits.chars().enumerate() {
            if k > 0 && (digits.len() - k) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        match (out.is_empty(), i < 0) {
            (true, _) => "0".into(),
            (false, true) => format!("-{out}"),
            (false, false) => out,
        }
    }
}

/// A label in the column right of the plot, next to the value it names.
struct SideLabel {
    value: f64,
    want: f64,
    y: f64,
    text: String,
    colour: &'static str,
}

/// Spread labels at least `gap` apart, as close as possible to where they want to be, inside
/// `top..=bottom` when they fit.
fn spread(labels: &mut [SideLabel], gap: f64, top: f64, bottom: f64) {
    labels.sort_by(|a, b| a.want.total_cmp(&b.want));
    let mut prev = f64::NEG_INFINITY;
    for l in labels.iter_mut() {
        l.y = l.want.max(prev + gap).max(top);
        prev = l.y;
    }
    let mut next = f64::INFINITY;
    for l in labels.iter_mut().rev() {
        l.y = l.y.min(next - gap).min(bottom);
        next = l.y;
    }
}

/// DejaVu Sans, embedded: the chart's text renders the same on every machine, and the window
/// uses it for its symbols. Only characters it lacks are drawn with a system font
/// ([`super::fonts`]).
pub const FONT_DATA: &[u8] = super::fonts::DEJAVU;

/// A chart that could not be rendered as PNG.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The SVG did not parse (a bug: the renderer writes it).
    #[error("the chart cannot be drawn: {0}")]
    Svg(#[from] resvg::usvg::Error),
    /// The picture is empty or too large to allocate.
    #[error("the chart cannot be drawn at {0}x{1} pixels")]
    Size(u32, u32),
    /// PNG encoding failed.
    #[error("the chart cannot be encoded as PNG: {0}")]
    Encode(String),
}

/// The chart `svg` (as [`svg`] writes it) parsed for drawing, its text set in the embedded font
/// (the PNG and the PDF draw this tree).
pub fn tree(svg: &str) -> Result<resvg::usvg::Tree, ChartError> {
    let mut options = resvg::usvg::Options::default();
    options.fontdb_mut().load_font_data(FONT_DATA.to_vec());
    options.fontdb_mut().set_sans_serif_family("DejaVu Sans");
    // the system's fonts for characters DejaVu Sans lacks: usvg falls back to them by glyph
    for f in super::fonts::fallbacks(svg) {
        options
            .fontdb_mut()
            .load_font_source(resvg::usvg::fontdb::Source::Binary(std::sync::Arc::new(
                f.data,
            )));
    }
    Ok(resvg::usvg::Tree::from_str(svg, &options)?)
}

/// The chart `svg` (as [`svg`] writes it) as a PNG at `scale` pixels per SVG unit, white
/// background, with the embedded font.
pub fn png(svg: &str, scale: f32) -> Result<Vec<u8>, ChartError> {
    let tree = tree(svg)?;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).ok_or(ChartError::Size(w, h))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ChartError::Encode(e.to_string()))
}

/// The chart as a standalone SVG document (width x height in px), light print-friendly theme.
pub fn svg(
    eval: &Evaluation,
    partner: Option<&str>,
    metric: Metric,
    width: u32,
    height: u32,
) -> String {
    draw(
        eval,
        partner,
        metric,
        width,
        height,
        Margins::default(),
        true,
    )
    .0
}

/// The KPI-units chart and the revenue chart, in that order, each width x height, with the
/// same plot width: the wider of the two axes' ticks on the left and of the two label columns
/// on the right, so that their months line up where the summary shows them side by side (PDF)
/// or one above the other (HTML). Without the subtitle (the partner, the as-of day and the
/// window), which the summary's header says above them, nor "Level targets" in the legend
/// (each target's line is named beside it): the height goes to the plot.
pub fn pair(eval: &Evaluation, partner: Option<&str>, width: u32, height: u32) -> [String; 2] {
    let metrics = [Metric::KpiUnits, Metric::Revenue];
    let own = metrics.map(|m| draw(eval, partner, m, width, height, Margins::default(), false).1);
    let both = Margins {
        left: own[0].left.max(own[1].left),
        right: own[0].right.max(own[1].right),
    };
    metrics.map(|m| draw(eval, partner, m, width, height, both, false).0)
}

/// The space left of the plot (the axis' ticks) and right of it (the labels), in px.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Margins {
    left: f64,
    right: f64,
}

/// The chart with margins at least `at_least`, and the margins it took.
fn draw(
    eval: &Evaluation,
    partner: Option<&str>,
    metric: Metric,
    width: u32,
    height: u32,
    at_least: Margins,
    standalone: bool,
) -> (String, Margins) {
    let w = f64::from(width.max(1));
    let h = f64::from(height.max(1));
    let axis_size = 11.0;
    let label_size = 11.0;

    // the figures, per month of the window
    let first = eval.dates.first_month();
    let months: Vec<Month> = eval.dates.months().collect();
    let n = months.len().max(1);
    let mut reached: Vec<Option<(f64, f64)>> = vec![None; n];
    for m in &eval.monthly {
        let Ok(i) = usize::try_from(first.until(m.month)) else {
            continue;
        };
        if let Some(slot) = reached.get_mut(i)
            && month_reached(eval, m)
        {
            *slot = Some((
                f(metric.pick(&m.month_total)),
                f(metric.pick(&m.cumulative)),
            ));
        }
    }
    let last = reached.iter().rposition(Option::is_some);
    let actual = last
        .and_then(|i| {
            eval.monthly
                .iter()
                .find(|m| first.until(m.month) == i as i32)
        })
        .map(|m| metric.pick(&m.cumulative));

    let fc = &eval.forecast;
    let with_plan = metric.pick(&fc.at_deadline);
    let planned = metric.pick(&fc.planned);
    let without_plan = with_plan.saturating_sub(planned);
    let open = last.is_none_or(|i| i + 1 < n);
    // a run rate projected (the sentence beside the chart says when there is none); the
    // planned purchases drawn whenever the window is open to them
    let show_forecast = open && super::summary::projects(eval) && last.is_some();
    let show_plan = eval.days_to_deadline >= 0 && !planned.is_zero();

    let requirement = metric.requirement();
    let targets = eval.targets(requirement);

    // the y range covers everything drawn
    let mut values: Vec<f64> = reached
        .iter()
        .flatten()
        .flat_map(|&(t, c)| [t, c])
        .collect();
    if show_forecast {
        values.push(f(without_plan));
    }
    if show_plan {
        values.push(f(with_plan));
    }
    values.extend(targets.iter().map(|(_, t)| f(*t)));
    let lo = values.iter().copied().fold(0.0, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    // a little headroom, so the highest line does not sit on the frame
    let scale = Scale::new(lo * 1.04, hi * 1.04);
    let tick = |i: i64| {
        let text = scale.label(i);
        match (metric, text.strip_prefix('-')) {
            (Metric::KpiUnits, _) => text,
            (Metric::Revenue, Some(rest)) => format!("-${rest}"),
            (Metric::Revenue, None) => format!("${text}"),
        }
    };
    let ticks: Vec<(f64, String)> = (-i64::from(scale.below)..=i64::from(scale.above))
        .map(|i| (i as f64 * scale.step, tick(i)))
        .collect();

    // the labels right of the plot
    let mut side: Vec<SideLabel> = Vec::new();
    for (i, (name, t)) in targets.iter().enumerate() {
        let text = format!("{} {}", clip(name, 32), metric.figure(*t));
        side.push(SideLabel {
            value: f(*t),
            want: 0.0,
            y: 0.0,
            text,
            colour: TARGETS[i % TARGETS.len()].0,
        });
    }
    if show_forecast {
        side.push(SideLabel {
            value: f(without_plan),
            want: 0.0,
            y: 0.0,
            text: format!("forecast {}", metric.figure(without_plan)),
            colour: FORECAST,
        });
    }
    if show_plan {
        side.push(SideLabel {
            value: f(with_plan),
            want: 0.0,
            y: 0.0,
            text: format!("with plan {}", metric.figure(with_plan)),
            colour: FORECAST,
        });
    }

    // layout
    let pad = 16.0;
    let widest_tick = ticks
        .iter()
        .map(|(_, t)| text_width(t, axis_size))
        .fold(0.0, f64::max);
    let widest_side = side
        .iter()
        .map(|l| text_width(&l.text, label_size))
        .fold(0.0, f64::max);
    let right_cap = (w * 0.4).max(64.0);
    let margins = Margins {
        left: (pad + widest_tick + 8.0).max(44.0).max(at_least.left),
        right: (widest_side + 12.0 + pad)
            .max(at_least.right)
            .clamp(64.0, right_cap),
    };
    let (left, right_space) = (margins.left, margins.right);
    let plot_left = left;
    let plot_right = (w - right_space).max(plot_left + 10.0);
    let plot_w = plot_right - plot_left;
    let band = plot_w / n as f64;

    let mut legend: Vec<(Swatch, String)> = vec![(Swatch::Bar, "Monthly total".into())];
    legend.push((
        Swatch::Line,
        match actual {
            Some(a) => format!("Cumulative actual ({})", metric.figure(a)),
            None => "Cumulative actual".into(),
        },
    ));
    if show_forecast {
        legend.push((Swatch::Forecast, super::summary::FORECAST_LINE.into()));
    }
    if show_plan {
        legend.push((Swatch::Plan, super::summary::PLAN_LINE.into()));
    }
    // in a summary the target lines are known by the names beside them: the legend keeps
    // to two rows, and the plot the height
    if !targets.is_empty() && standalone {
        legend.push((Swatch::Target, "Level targets".into()));
    }
    let mut rows: Vec<Vec<(f64, Swatch, String)>> = vec![Vec::new()];
    let mut x = pad;
    for (swatch, text) in legend {
        let item = 26.0 + text_width(&text, label_size);
        if x + item > w - pad && x > pad {
            rows.push(Vec::new());
            x = pad;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, swatch, text));
        }
        x += item + 16.0;
    }
    let title = metric.title();
    let as_of = eval.as_of.format("%Y-%m-%d").to_string();
    let window = match (months.first(), months.last()) {
        (Some(a), Some(b)) => format!(
            " · window {} {} – {} {}",
            month_name(*a),
            a.year(),
            month_name(*b),
            b.year()
        ),
        _ => String::new(),
    };
    // the partner, the as-of day and the window, on one line when they fit, else the
    // partner's name (cut to the width if it must be) above the rest
    let when = format!("as of {as_of}{window}");
    let subtitle_size = 12.0;
    let room = w - 2.0 * pad;
    let subtitle: Vec<String> = match partner.map(str::trim).filter(|p| !p.is_empty()) {
        _ if !standalone => Vec::new(),
        Some(p) => {
            let one = format!("{p} · {when}");
            if text_width(&one, subtitle_size) <= room {
                vec![one]
            } else {
                vec![fit(p, subtitle_size, room), fit(&when, subtitle_size, room)]
            }
        }
        None => vec![fit(&when, subtitle_size, room)],
    };
    let plot_top = 63.0 + 15.0 * subtitle.len() as f64;
    let plot_bottom = (h - 34.0 - 18.0 * rows.len() as f64).max(plot_top + 10.0);
    let plot_h = plot_bottom - plot_top;
    let (y_min, y_max) = (scale.min(), scale.max());
    let y = |v: f64| {
        let v = if v.is_finite() { v } else { 0.0 };
        let t = ((v - y_min) / (y_max - y_min)).clamp(0.0, 1.0);
        plot_bottom - t * plot_h
    };
    let x_end = |i: usize| plot_left + (i + 1) as f64 * band;
    let y0 = y(0.0);

    let mut s = String::new();
    let text = |s: &mut String, x: f64, y: f64, size: f64, anchor: &str, fill: &str, body: &str| {
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" font-family="{FONT}" font-size="{}" text-anchor="{anchor}" fill="{fill}">{body}</text>"#,
            num(x),
            num(y),
            num(size)
        );
    };
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" role="img">"#,
        num(w),
        num(h),
        num(w),
        num(h)
    );
    let _ = writeln!(
        s,
        "<title>{title} · {}</title>",
        esc(&match partner.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => format!("{p} · {when}"),
            None => when.clone(),
        })
    );
    let _ = writeln!(
        s,
        r##"<rect x="0" y="0" width="{}" height="{}" fill="#FFFFFF"/>"##,
        num(w),
        num(h)
    );
    let _ = writeln!(
        s,
        r#"<text x="{}" y="26" font-family="{FONT}" font-size="17" font-weight="bold" fill="{TEXT}">{title}</text>"#,
        num(pad)
    );
    for (i, line) in subtitle.iter().enumerate() {
        let y = 46.0 + 15.0 * i as f64;
        text(&mut s, pad, y, subtitle_size, "start", MUTED, &esc(line));
    }

    // gridlines and y labels
    for (v, label) in &ticks {
        let gy = y(*v);
        let colour = if *v == 0.0 { BASELINE } else { GRID };
        let _ = writeln!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="1"/>"#,
            num(plot_left),
            num(gy),
            num(plot_right),
            num(gy)
        );
        text(
            &mut s,
            plot_left - 8.0,
            gy + 4.0,
            axis_size,
            "end",
            MUTED,
            &esc(label),
        );
    }

    // month labels, thinned when they would touch; the names only, as in the window's chart
    // ("Mar 26" would read as a day): the years are in the subtitle's window. Counted from
    // the window's end, so the deadline's month keeps its name when they are thinned.
    let label_w = text_width("May", axis_size) + 8.0;
    let every = ((label_w / band).ceil() as usize).max(1);
    for (i, m) in months.iter().enumerate() {
        if (months.len() - 1 - i).is_multiple_of(every) {
            let label = month_name(*m);
            text(
                &mut s,
                plot_left + (i as f64 + 0.5) * band,
                plot_bottom + 17.0,
                axis_size,
                "middle",
                MUTED,
                label,
            );
        }
    }

    // monthly bars, readable however small
    let bar_w = band * 0.56;
    for (i, slot) in reached.iter().enumerate() {
        let Some((total, _)) = slot else { continue };
        if *total == 0.0 {
            continue;
        }
        let top = y(*total);
        let bar_h = (top - y0).abs().max(2.0);
        let bar_y = if *total > 0.0 { y0 - bar_h } else { y0 };
        let _ = writeln!(
            s,
            r#"<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{BAR}"/>"#,
            num(plot_left + (i as f64 + 0.5) * band - bar_w / 2.0),
            num(bar_y),
            num(bar_w),
            num(bar_h)
        );
    }

    // level targets
    for (i, (_, t)) in targets.iter().enumerate() {
        let (colour, dash) = TARGETS[i % TARGETS.len()];
        let ty = y(f(*t));
        let _ = writeln!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="{dash}"/>"#,
            num(plot_left),
            num(ty),
            num(plot_right),
            num(ty)
        );
    }

    // the deadline: the end of the window
    let deadline = format!("deadline {}", eval.dates.deadline.format("%Y-%m-%d"));
    let _ = writeln!(
        s,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{DEADLINE}" stroke-width="1.5"/>"#,
        num(plot_right),
        num(plot_top - 8.0),
        num(plot_right),
        num(plot_bottom)
    );
    let dw = text_width(&deadline, label_size);
    text(
        &mut s,
        (plot_right - dw / 2.0).min(w - pad - dw).max(pad),
        plot_top - 13.0,
        label_size,
        "start",
        DEADLINE,
        &deadline,
    );

    // the cumulative line, from 0 at the window's start
    let mut points = vec![(plot_left, y0)];
    points.extend(
        reached
            .iter()
            .enumerate()
            .filter_map(|(i, slot)| slot.map(|(_, c)| (x_end(i), y(c)))),
    );
    let start = points.last().copied().unwrap_or((plot_left, y0));

    // the forecast: dashed from the last month reached to the deadline, without the plan
    if show_forecast {
        let fy = y(f(without_plan));
        let _ = writeln!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{FORECAST}" stroke-width="2" stroke-dasharray="6 4"/>"#,
            num(start.0),
            num(start.1),
            num(plot_right),
            num(fy)
        );
    }
    if points.len() > 1 {
        let list: Vec<String> = points
            .iter()
            .map(|(px, py)| format!("{},{}", num(*px), num(*py)))
            .collect();
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{ACTUAL}" stroke-width="2.5" stroke-linejoin="round"/>"#,
            list.join(" ")
        );
        for (px, py) in points.iter().skip(1) {
            let _ = writeln!(
                s,
                r##"<circle cx="{}" cy="{}" r="3.5" fill="{ACTUAL}" stroke="#FFFFFF" stroke-width="1.5"/>"##,
                num(*px),
                num(*py)
            );
        }
    }
    if show_forecast {
        let _ = writeln!(
            s,
            r##"<circle cx="{}" cy="{}" r="4.5" fill="#FFFFFF" stroke="{FORECAST}" stroke-width="2"/>"##,
            num(plot_right),
            num(y(f(without_plan)))
        );
    }
    if show_plan {
        let _ = writeln!(s, "{}", diamond(plot_right, y(f(with_plan)), 5.5));
    }

    // the side labels, each next to its value, never on top of another
    for l in &mut side {
        l.want = y(l.value);
    }
    spread(&mut side, 14.0, plot_top - 2.0, plot_bottom + 4.0);
    let side_x = plot_right + 12.0;
    let max_chars = ((w - pad - side_x) / (label_size * 0.58) + 0.01)
        .floor()
        .max(4.0) as usize;
    for l in &side {
        let (want, ly) = (l.want, l.y);
        let _ = writeln!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>"#,
            num(plot_right + 5.0),
            num(want),
            num(side_x - 3.0),
            num(ly),
            l.colour
        );
        text(
            &mut s,
            side_x,
            ly + 4.0,
            label_size,
            "start",
            l.colour,
            &esc(&clip(&l.text, max_chars)),
        );
    }

    // the legend
    for (r, row) in rows.iter().enumerate() {
        let ly = plot_bottom + 42.0 + 18.0 * r as f64;
        for (lx, swatch, label) in row {
            let _ = writeln!(s, "{}", swatch.svg(*lx, ly - 4.0));
            text(
                &mut s,
                lx + 26.0,
                ly,
                label_size,
                "start",
                TEXT,
                &esc(label),
            );
        }
    }
    s.push_str("</svg>\n");
    (s, margins)
}

fn month_name(m: Month) -> &'static str {
    MONTHS
        .get(m.number().saturating_sub(1) as usize)
        .copied()
        .unwrap_or("")
}

fn diamond(cx: f64, cy: f64, r: f64) -> String {
    format!(
        r##"<path d="M{} {}L{} {}L{} {}L{} {}Z" fill="{FORECAST}" stroke="#FFFFFF" stroke-width="1"/>"##,
        num(cx),
        num(cy - r),
        num(cx + r),
        num(cy),
        num(cx),
        num(cy + r),
        num(cx - r),
        num(cy)
    )
}

/// What a legend entry looks like.
#[derive(Debug, Clone, Copy)]
enum Swatch {
    Bar,
    Line,
    Forecast,
    Plan,
    Target,
}

impl Swatch {
    /// The swatch, 20 px wide, centred on `cy`.
    fn svg(self, x: f64, cy: f64) -> String {
        let line = |colour: &str, width: &str, dash: Option<&str>| {
            format!(
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="{width}"{}/>"#,
                num(x),
                num(cy),
                num(x + 20.0),
                num(cy),
                dash.map(|d| format!(r#" stroke-dasharray="{d}""#))
                    .unwrap_or_default()
            )
        };
        match self {
            Swatch::Bar => format!(
                r#"<rect x="{}" y="{}" width="12" height="10" fill="{BAR}"/>"#,
                num(x + 4.0),
                num(cy - 5.0)
            ),
            Swatch::Line => format!(
                r##"{}<circle cx="{}" cy="{}" r="3.5" fill="{ACTUAL}" stroke="#FFFFFF" stroke-width="1.5"/>"##,
                line(ACTUAL, "2.5", None),
                num(x + 10.0),
                num(cy)
            ),
            Swatch::Forecast => line(FORECAST, "2", Some("6 4")),
            Swatch::Plan => diamond(x + 10.0, cy, 5.5),
            Swatch::Target => line(TARGETS[0].0, "1.5", Some(TARGETS[0].1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::figures::{Check, LevelStatus, MonthFigures};
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn level(id: &str, name: &str, kpi: Option<i64>, revenue: Option<i64>) -> LevelStatus {
        let mut checks = Vec::new();
        for (requirement, target) in [
            (Requirement::KpiUnits, kpi),
            (Requirement::Revenue, revenue),
        ] {
            if let Some(t) = target {
                checks.push(Check {
                    requirement,
                    met: Some(false),
                    actual: None,
                    target: Some(Decimal::from(t)),
                });
            }
        }
        checks.push(Check {
            requirement: Requirement::Mct,
            met: None,
            actual: None,
            target: Some(Decimal::from(4)),
        });
        LevelStatus {
            id: id.into(),
            name: name.into(),
            checks,
            met: Some(false),
        }
    }

    fn levels() -> Vec<LevelStatus> {
        vec![
            level("gold", "Gold", Some(5000), Some(500_000)),
            level("silver", "Silver", Some(200), None),
            level("lap", "Learning Action Pack", Some(1000), None),
            level("none", "No Target", None, None),
        ]
    }

    /// An evaluation with anniversary 2027-03-01 (window March 2026 – February 2027), as of
    /// `as_of`, with the given month totals (units, dollars) from March 2026 on.
    fn evaluation(totals: &[(i64, i64)], as_of: NaiveDate) -> Evaluation {
        let dates = crate::rules::RenewalDates::new(day(2027, 3, 1));
        let mut cumulative = Figures::default();
        let monthly: Vec<MonthFigures> = dates
            .months()
            .enumerate()
            .map(|(i, month)| {
                let (u, r) = totals.get(i).copied().unwrap_or((0, 0));
                let month_total = Figures {
                    kpi_units: Decimal::from(u),
                    revenue_usd: Decimal::from(r),
                };
                cumulative.add(month_total);
                MonthFigures {
                    month,
                    month_total,
                    cumulative,
                }
            })
            .collect();
        let completed = monthly
            .iter()
            .filter(|m| m.month.last_day() < as_of)
            .count() as u32;
        let open = monthly
            .iter()
            .filter(|m| m.month > Month::of(as_of))
            .count() as u32;
        let run = |pick: fn(&Figures) -> Decimal| {
            if completed == 0 {
                Decimal::ZERO
            } else {
                monthly
                    .iter()
                    .take(completed as usize)
                    .map(|m| pick(&m.month_total))
                    .sum::<Decimal>()
                    / Decimal::from(completed)
            }
        };
        let run_rate = Figures {
            kpi_units: run(|f| f.kpi_units).round_dp(2),
            revenue_usd: run(|f| f.revenue_usd).round_dp(2),
        };
        let at_deadline = Figures {
            kpi_units: cumulative.kpi_units + run_rate.kpi_units * Decimal::from(open),
            revenue_usd: cumulative.revenue_usd + run_rate.revenue_usd * Decimal::from(open),
        };
        Evaluation {
            dates,
            as_of,
            days_to_deadline: (dates.deadline - as_of).num_days(),
            monthly,
            totals: cumulative,
            by_line: Default::default(),
            counts: Default::default(),
            rejected: Vec::new(),
            needs_rate: Vec::new(),
            review: Vec::new(),
            readiness: None,
            verdict: None,
            current_level: None,
            levels: levels(),
            forecast: crate::rules::forecast::Forecast {
                completed_months: completed,
                open_months: open,
                buying_months: open + 1,
                run_rate,
                at_deadline,
                planned: Default::default(),
                plans_counted: 0,
                targets: Vec::new(),
            },
            warnings: Vec::new(),
            classes: Vec::new(),
            row_fates: Vec::new(),
            rates_used: Vec::new(),
        }
    }

    fn typical() -> Evaluation {
        let totals = [
            (418, 35_255),
            (346, 39_243),
            (252, 25_788),
            (245, 31_607),
            (769, 60_517),
            (441, 45_356),
            (350, 26_869),
            (300, 20_000),
            (120, 9_000),
        ];
        evaluation(&totals, day(2026, 11, 26))
    }

    /// Every tag closed in order, attributes quoted, no stray `<` or `&` in text.
    fn well_formed(svg: &str) -> Result<(), String> {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            check_text(&rest[..open])?;
            let close = rest[open..]
                .find('>')
                .ok_or_else(|| "unclosed tag".to_string())?;
            let tag = &rest[open + 1..open + close];
            rest = &rest[open + close + 1..];
            if tag.starts_with('?') || tag.starts_with('!') {
                continue;
            }
            if !tag.matches('"').count().is_multiple_of(2) || tag.contains('<') {
                return Err(format!("bad attributes in <{tag}>"));
            }
            if let Some(name) = tag.strip_prefix('/') {
                match stack.pop() {
                    Some(top) if top == name.trim() => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
            } else {
                let name = tag
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches('/');
                if name.is_empty() {
                    return Err("empty tag".into());
                }
                if !tag.ends_with('/') {
                    stack.push(name.to_string());
                }
            }
            if stack.is_empty() && !rest.trim().is_empty() {
                return Err(format!("content after the root: {rest:?}"));
            }
        }
        check_text(rest)?;
        if stack.is_empty() {
            Ok(())
        } else {
            Err(format!("unclosed {stack:?}"))
        }
    }

    fn check_text(text: &str) -> Result<(), String> {
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            if !["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| entity.starts_with(e))
            {
                return Err(format!("bare & in {text:?}"));
            }
        }
        Ok(())
    }

    fn sane(svg: &str) {
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.ends_with("</svg>\n"));
        well_formed(svg).unwrap();
        for bad in ["NaN", "inf", "<script", "href", "url("] {
            assert!(!svg.contains(bad), "{bad} in {svg}");
        }
        assert_eq!(
            svg.matches("<text").count(),
            svg.matches(r#"<text x="#).count()
        );
        for t in svg.split("<text").skip(1) {
            assert!(t.contains(r#"font-family="DejaVu Sans, sans-serif""#));
        }
        // inside tags, numbers carry at most one decimal
        for tag in svg.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or("");
            let bytes = tag.as_bytes();
            for (i, _) in tag.match_indices('.') {
                let digits = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                assert!(digits <= 1, "too many decimals in <{tag}>");
            }
        }
    }

    #[test]
    fn png_is_drawn_with_the_embedded_font() {
        let e = typical();
        let chart = svg(&e, Some("Contoso"), Metric::KpiUnits, 900, 480);
        let bytes = png(&chart, 1.0).unwrap();
        let pixmap = resvg::tiny_skia::Pixmap::decode_png(&bytes).unwrap();
        assert_eq!((pixmap.width(), pixmap.height()), (900, 480));
        // the title's text is drawn: dark pixels in its band at the top left (labels vanish
        // without a font, and the title's letters are all the embedded one's)
        let dark = (0..40u32)
            .flat_map(|y| (0..300u32).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                pixmap
                    .pixel(x, y)
                    .is_some_and(|p| p.red() < 100 && p.green() < 100 && p.blue() < 100)
            })
            .count();
        assert!(dark > 200, "{dark} dark pixels in the title band");
        let twice = resvg::tiny_skia::Pixmap::decode_png(&png(&chart, 2.0).unwrap()).unwrap();
        assert_eq!((twice.width(), twice.height()), (1800, 960));
    }

    /// Needs a system font with Japanese glyphs (`.ci/run` installs Debian's
    /// fonts-droid-fallback).
    #[test]
    fn a_japanese_name_is_drawn_with_a_system_font_that_has_it() {
        let e = typical();
        let latin = tree(&svg(&e, Some("Contoso"), Metric::KpiUnits, 900, 480)).unwrap();
        assert_eq!(latin.fontdb().len(), 1, "DejaVu Sans alone");
        let chart = svg(
            &e,
            Some("株式会社ノースウィンド"),
            Metric::KpiUnits,
            900,
            480,
        );
        let japanese = tree(&chart).unwrap();
        let has = |c: char| {
            japanese.fontdb().faces().any(|f| {
                japanese
                    .fontdb()
                    .with_face_data(f.id, |data, index| {
                        ttf_parser::Face::parse(data, index)
                            .is_ok_and(|face| face.glyph_index(c).is_some())
                    })
                    .unwrap_or(false)
            })
        };
        assert!(
            "株式会社ノースウィンド".chars().all(has),
            "no system font has Japanese glyphs: install one (Debian: fonts-droid-fallback)"
        );
        assert!(png(&chart, 1.0).is_ok());
    }

    #[test]
    fn a_name_with_characters_xml_forbids_still_draws() {
        // U+FFFE and U+FFFF are valid in a Rust string (and so in a workspace or an export)
        // but not in XML 1.0: the chart (and with it the PNG and the PDF) must still draw
        let e = typical();
        for metric in [Metric::KpiUnits, Metric::Revenue] {
            let out = svg(
                &e,
                Some("North\u{FFFF}wind\u{FFFE} \u{7F}Co"),
                metric,
                900,
                500,
            );
            sane(&out);
            tree(&out).unwrap();
        }
    }

    /// The texts of an SVG's `<text>` elements at `y`.
    fn texts_at(svg: &str, y: &str) -> Vec<String> {
        svg.lines()
            .filter(|l| l.starts_with("<text") && l.contains(&format!(r#"y="{y}""#)))
            .filter_map(|l| Some(l.split_once('>')?.1.strip_suffix("</text>")?.to_string()))
            .collect()
    }

    /// The plot's left and right ends: the x1 and x2 of its baseline (the grid line at 0).
    fn plot_ends(svg: &str) -> (String, String) {
        let line = svg
            .lines()
            .find(|l| l.starts_with("<line") && l.contains(&format!(r#"stroke="{BASELINE}""#)))
            .unwrap();
        let attr = |name: &str| {
            let rest = line.split_once(&format!(r#" {name}=""#)).unwrap().1;
            rest.split_once('"').unwrap().0.to_string()
        };
        (attr("x1"), attr("x2"))
    }

    #[test]
    fn the_pair_of_charts_shares_one_plot_width_so_their_months_line_up() {
        let mut e = typical();
        e.forecast.planned.revenue_usd = Decimal::new(1_500_012, 2);
        e.forecast.at_deadline.revenue_usd += e.forecast.planned.revenue_usd;
        let alone =
            [Metric::KpiUnits, Metric::Revenue].map(|m| svg(&e, Some("Contoso"), m, 440, 272));
        assert_ne!(
            plot_ends(&alone[0]),
            plot_ends(&alone[1]),
            "alone, their ticks and labels differ in width"
        );
        let pair = pair(&e, Some("Contoso"), 440, 272);
        for (one, alone) in pair.iter().zip(&alone) {
            sane(one);
            // the same chart, only its plot moved
            assert_eq!(texts_at(one, "24"), texts_at(alone, "24"));
        }
        assert_eq!(plot_ends(&pair[0]), plot_ends(&pair[1]));
        // each end the nearer to the middle of the two: neither chart's ticks or labels are cut
        let ends = alone.each_ref().map(|a| {
            let (l, r) = plot_ends(a);
            (l.parse::<f64>().unwrap(), r.parse::<f64>().unwrap())
        });
        let (l, r) = plot_ends(&pair[0]);
        assert_eq!(l.parse::<f64>().unwrap(), ends[0].0.max(ends[1].0));
        assert_eq!(r.parse::<f64>().unwrap(), ends[0].1.min(ends[1].1));
        assert!(pair[1].contains(&format!(
            "with plan {}",
            usd(e.forecast.at_deadline.revenue_usd)
        )));
    }

    #[test]
    fn a_subtitle_too_long_for_the_chart_takes_two_lines_and_loses_no_date() {
        let e = typical();
        // one line when it fits
        let out = svg(&e, Some("Northwind"), Metric::KpiUnits, 440, 272);
        assert_eq!(
            texts_at(&out, "46"),
            ["Northwind · as of 2026-11-26 · window Mar 2026 – Feb 2027"]
        );
        assert!(texts_at(&out, "61").is_empty());
        // the name above the dates, each whole
        let name = "Société Générale Formation — Académie numérique";
        let out = svg(&e, Some(name), Metric::Revenue, 440, 272);
        assert_eq!(texts_at(&out, "46"), [name]);
        assert_eq!(
            texts_at(&out, "61"),
            ["as of 2026-11-26 · window Mar 2026 – Feb 2027"]
        );
        // a name wider than the chart is cut to it, with an ellipsis
        let long = "株式会社トレーニングパートナーズ東京".repeat(2);
        let out = svg(&e, Some(&long), Metric::KpiUnits, 440, 272);
        let first = &texts_at(&out, "46")[0];
        assert!(first.ends_with('…') && long.starts_with(first.trim_end_matches('…')));
        assert!(text_width(first, 12.0) <= 440.0 - 32.0, "{first}");
        assert_eq!(
            texts_at(&out, "61"),
            ["as of 2026-11-26 · window Mar 2026 – Feb 2027"]
        );
        // the whole subtitle stays in the title, for screen readers
        assert!(out.contains(&format!("{long} · as of 2026-11-26")));
        tree(&out).unwrap();
    }

    #[test]
    fn units_chart_labels_every_target_the_deadline_and_the_partner() {
        let e = typical();
        let out = svg(
            &e,
            Some("<script>alert('x')</script> & Co"),
            Metric::KpiUnits,
            900,
            500,
        );
        sane(&out);
        assert!(out.contains("Cumulative KPI units"));
        assert!(out.contains("as of 2026-11-26"));
        for label in ["Gold 5,000", "Silver 200", "Learning Action Pack 1,000"] {
            assert!(out.contains(label), "{label}");
        }
        assert!(
            !out.contains("No Target"),
            "a level without a target has no line"
        );
        assert!(out.contains("deadline"));
        assert!(out.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; Co"));
        // month names without a year that could read as a day ("Mar 26"); the years are in the
        // subtitle
        assert!(out.contains(">Mar</text>") && out.contains(">Feb</text>"));
        assert!(!out.contains("Mar 26"));
        assert!(out.contains("window Mar 2026 – Feb 2027"));
        assert!(out.contains("forecast"));
        assert!(!out.contains("with plan"), "no planned purchases");
        // the y axis is labelled with separators and covers Gold
        assert!(out.contains(">5,000</text>"));
        // 9 reached months: 9 markers on the line
        assert_eq!(out.matches(r##"r="3.5" fill="#005EB8""##).count(), 9 + 1);
    }

    #[test]
    fn revenue_axis_in_dollars_and_the_plan_marked() {
        let mut e = typical();
        e.forecast.planned.revenue_usd = Decimal::from(15_000);
        e.forecast.at_deadline.revenue_usd += Decimal::from(15_000);
        let out = svg(&e, None, Metric::Revenue, 800, 450);
        sane(&out);
        assert!(out.contains("Cumulative revenue (USD)"));
        assert!(out.contains(">$0</text>"));
        assert!(out.contains(">$500,000</text>"));
        assert!(
            out.contains("Gold $500,000.00"),
            "the target as the levels' table prints it"
        );
        assert!(!out.contains("Silver"), "Silver has no revenue target");
        assert!(out.contains("with plan $"));
        // the labels and the legend print the figures as the summary's text does, cents and all
        let summary_says = |d: Decimal| crate::report::usd(d);
        assert!(out.contains(&format!(
            "with plan {}",
            summary_says(e.forecast.at_deadline.revenue_usd)
        )));
        assert!(out.contains(&format!(
            "Cumulative actual ({})",
            summary_says(e.totals.revenue_usd)
        )));
        // the axis alone is in whole dollars
        assert!(!out.contains(">$0.00</text>") && !out.contains(">$500,000.00</text>"));
    }

    /// The run rate's line only where the forecast projects one; the planned purchases until
    /// the deadline has passed, its month included (README 35).
    #[test]
    fn the_forecast_line_where_a_run_rate_is_projected_and_plans_until_the_deadline() {
        let with_plan = |mut e: Evaluation| {
            e.forecast.planned.kpi_units = Decimal::from(50);
            e.forecast.at_deadline.kpi_units += Decimal::from(50);
            e
        };
        let lines = |e: &Evaluation| {
            let out = svg(e, None, Metric::KpiUnits, 800, 450);
            sane(&out);
            (
                out.contains("Forecast at the run rate"),
                out.contains("With planned purchases"),
            )
        };
        // mid-window: both
        assert_eq!(
            lines(&with_plan(evaluation(&[(10, 100); 9], day(2026, 11, 26)))),
            (true, true)
        );
        // the window's first month: no run rate yet, the plan drawn
        assert_eq!(
            lines(&with_plan(evaluation(&[(10, 100)], day(2026, 3, 20)))),
            (false, true)
        );
        // the deadline's month: nothing left to project, the plan drawn
        assert_eq!(
            lines(&with_plan(evaluation(&[(10, 100); 12], day(2027, 2, 10)))),
            (false, true)
        );
        // after the deadline: neither
        assert_eq!(
            lines(&with_plan(evaluation(&[(10, 100); 12], day(2027, 3, 5)))),
            (false, false)
        );
    }

    #[test]
    fn months_after_today_without_purchases_are_not_drawn() {
        let mut totals = vec![(10, 100); 5];
        totals.extend([(0, 0), (0, 0), (7, 70)]);
        let e = evaluation(&totals, day(2026, 7, 15)); // July: 5 months up to it
        let out = svg(&e, None, Metric::KpiUnits, 800, 450);
        sane(&out);
        // March–July and the October purchase
        assert_eq!(out.matches(r##"r="3.5" fill="#005EB8""##).count(), 6 + 1);
    }

    #[test]
    fn small_bars_stay_visible() {
        let mut totals = vec![(1_000_000, 0)];
        totals.push((1, 0));
        let e = evaluation(&totals, day(2026, 4, 30));
        let out = svg(&e, None, Metric::KpiUnits, 800, 450);
        sane(&out);
        let heights: Vec<f64> = out
            .split(r#"<rect class="bar""#)
            .skip(1)
            .map(|r| {
                let h = r.split(r#"height=""#).nth(1).unwrap();
                h[..h.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert_eq!(heights.len(), 2);
        assert!(heights.iter().all(|&h| h >= 2.0), "{heights:?}");
    }

    #[test]
    fn edge_cases_neither_panic_nor_produce_nan() {
        let mut cases = Vec::new();
        // no months at all
        let mut empty = evaluation(&[], day(2026, 11, 26));
        empty.monthly.clear();
        cases.push(empty);
        // all zeros
        cases.push(evaluation(&[], day(2026, 11, 26)));
        // returns: negative cumulative
        cases.push(evaluation(
            &[(-50, -4_000), (10, 100), (-30, -900)],
            day(2026, 6, 2),
        ));
        // huge values
        cases.push(evaluation(
            &[(10_000_000_000_000, 10_000_000_000_000)],
            day(2026, 4, 1),
        ));
        // as of before the window and after the deadline
        cases.push(evaluation(&[(5, 5)], day(2025, 1, 1)));
        cases.push(evaluation(&[(5, 5); 12], day(2027, 6, 1)));
        let mut saturated = evaluation(&[(1, 1)], day(2026, 5, 1));
        saturated.forecast.at_deadline = Figures {
            kpi_units: Decimal::MAX,
            revenue_usd: Decimal::MIN,
        };
        cases.push(saturated);
        let mut no_levels = evaluation(&[(1, 1)], day(2026, 5, 1));
        no_levels.levels.clear();
        cases.push(no_levels);
        for e in &cases {
            for metric in [Metric::KpiUnits, Metric::Revenue] {
                for (w, h) in [(800, 450), (320, 200), (0, 0), (1, 1)] {
                    let out = svg(e, Some(""), metric, w, h);
                    sane(&out);
                    assert!(out.contains("deadline"));
                }
            }
        }
        let out = svg(&cases[3], None, Metric::Revenue, 800, 450);
        assert!(out.contains("$10,000,000,000,000"));
    }

    #[test]
    fn scales_are_nice_and_never_empty() {
        for (lo, hi, top) in [
            (0.0, 0.0, 4.0),
            (0.0, 1.0, 4.0),
            (0.0, 5000.0, 5000.0),
            (0.0, 5001.0, 6000.0),
            (0.0, 4120.0, 5000.0),
            (0.0, 500_000.0, 500_000.0),
            (0.0, 1e13, 1e13),
        ] {
            let s = Scale::new(lo, hi);
            assert_eq!(s.max(), top, "{lo}..{hi}: {s:?}");
            assert!((4..=6).contains(&(s.above + s.below)), "{s:?}");
        }
        for hi in [3.0, 17.0, 99.0, 250.0, 1234.0, 98_765.0, 7.3e9, 7.9e28] {
            let s = Scale::new(0.0, hi);
            assert!(s.max() >= hi && s.max() > 0.0);
            assert!((4..=6).contains(&s.above), "{hi}: {s:?}");
            assert!(s.step >= 1.0);
        }
        let s = Scale::new(0.0, 7.9e28);
        assert_eq!(s.label(1), "20,000,000,000,000,000,000,000,000,000");
        let s = Scale::new(0.0, 12_001.0);
        assert_eq!(
            (s.label(-1), s.label(0), s.label(2)),
            ("-2,500".into(), "0".into(), "5,000".into())
        );
        let s = Scale::new(-300.0, 1200.0);
        assert!(s.min() <= -300.0 && s.max() >= 1200.0, "{s:?}");
        let s = Scale::new(f64::NAN, f64::INFINITY);
        assert!(s.max() > 0.0);
    }

    #[test]
    fn formatting_helpers() {
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(40.0), "40");
        assert_eq!(esc(r#"a&b<c>"d'"#), "a&amp;b&lt;c&gt;&quot;d&apos;");
        assert_eq!(Metric::Revenue.figure(Decimal::new(12345, 1)), "$1,234.50");
        assert_eq!(
            Metric::Revenue.figure(Decimal::from(500_000)),
            "$500,000.00"
        );
        assert!(well_formed("<a><b/></a>").is_ok());
        assert!(well_formed("<a><b></a>").is_err());
        assert!(well_formed("<a>x & y</a>").is_err());
    }

    /// Writes the demo workspace's charts to /tmp/chart-demo*.svg to look at: `cargo test --lib report::chart -- --ignored`.
    #[test]
    #[ignore = "writes files to /tmp for a person to look at"]
    fn demo_chart() {
        let bytes =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/demo.ron")).unwrap();
        let ws = crate::workspace::file::parse(&bytes, "demo.ron").unwrap();
        let session = crate::workspace::session::Session::new(&ws).unwrap();
        let anniversary = ws.partner.anniversary.unwrap();
        let eval = session
            .evaluate(&ws, anniversary, day(2026, 11, 26), None)
            .eval;
        let partner = Some(ws.partner.name.as_str());
        for (metric, path, w, h) in [
            (Metric::KpiUnits, "/tmp/chart-demo.svg", 900, 480),
            (Metric::Revenue, "/tmp/chart-demo-revenue.svg", 900, 480),
            (Metric::KpiUnits, "/tmp/chart-demo-small.svg", 480, 300),
        ] {
            let out = svg(&eval, partner, metric, w, h);
            sane(&out);
            std::fs::write(path, out).unwrap();
        }
    }
}
