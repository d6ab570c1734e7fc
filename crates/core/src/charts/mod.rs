//! 图表: the indicator charts, drawn with plotters as SVG text. The browser renders the
//! text (so Chinese needs no font of ours), shows the SVG inline, prints it, and turns it into
//! a PNG when asked; native tests read the SVG.

#[cfg(test)]
mod tests;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::indicators::history::MonthTotals;
use crate::model::Lang;
use chrono::Datelike;

/// Size of every chart, in SVG pixels (fits an A4 page's width when printed).
pub const WIDTH: u32 = 760;
pub const HEIGHT: u32 = 360;

const FONT: &str = "sans-serif";
/// Text sizes: the charts are shown at about half to full width, and printed.
const TITLE: u32 = 22;
const LABEL: u32 = 15;
const BLUE: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);
const ORANGE: RGBColor = RGBColor(0xd9, 0x73, 0x0d);
const RED: RGBColor = RGBColor(0xc0, 0x2b, 0x2b);
const GREEN: RGBColor = RGBColor(0x2e, 0x8b, 0x57);
const GREY: RGBColor = RGBColor(0x66, 0x66, 0x66);

/// Why a chart could not be drawn (a plotters error, in words).
#[derive(Debug, thiserror::Error)]
#[error("图表无法绘制：{0}")]
pub struct ChartError(String);

fn err<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError(format!("{e:?}"))
}

fn words(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Draws into a fresh white SVG and returns its text.
fn svg(
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(out)
}

/// A line: its name in Chinese and English, its colour, and its value at a data point.
type Series<T, V> = (&'static str, &'static str, RGBColor, fn(&T) -> V);

/// A legend entry: a short line in the series' colour.
fn legend(color: RGBColor) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
}

/// The trend chart's title, naming the months shown — and no empty brackets when there
/// are none yet (a new county).
pub fn trend_title(unit_name: &str, months: &[MonthTotals], lang: Lang) -> String {
    let span = match (months.first(), months.last()) {
        (Some(a), Some(b)) => Some(format!(
            "{}—{}",
            a.month.format("%Y-%m"),
            b.month.format("%Y-%m")
        )),
        _ => None,
    };
    match (lang, span) {
        (Lang::En, Some(s)) => {
            format!("{unit_name}: new suspects, dropouts and returns by month ({s})")
        }
        (Lang::En, None) => format!("{unit_name}: new suspects, dropouts and returns by month"),
        (Lang::Zh, Some(s)) => format!("{unit_name}每月新增疑似辍学、辍学与劝返复学人数（{s}）"),
        (Lang::Zh, None) => format!("{unit_name}每月新增疑似辍学、辍学与劝返复学人数"),
    }
}

/// Monthly trend of new suspects, dropouts and returns.
pub fn monthly_trend(
    title: &str,
    months: &[MonthTotals],
    lang: Lang,
) -> Result<String, ChartError> {
    svg(|root| {
        let n = months.len().max(2) as i32;
        let top = months
            .iter()
            .map(|m| m.suspected.max(m.dropped_out).max(m.returned))
            .max()
            .unwrap_or(0)
            .max(4);
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, TITLE))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(48)
            .build_cartesian_2d(
                (0..n - 1).with_key_points(
                    months
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| m.month.month() == 1)
                        .map(|(i, _)| i as i32)
                        .collect(),
                ),
                // Headroom above the lines for the legend.
                0u32..top + top / 2 + 1,
            )
            .map_err(err)?;
        let label = |i: &i32| {
            usize::try_from(*i)
                .ok()
                .and_then(|i| months.get(i))
                .map(|m| m.month.format("%Y-%m").to_string())
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_label_formatter(&label)
            .y_desc(words(lang, "人数", "Children"))
            .label_style((FONT, LABEL))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        let series: [Series<MonthTotals, u32>; 3] = [
            ("新增疑似辍学", "New suspects", ORANGE, |m| {
                m.suspected
            }),
            ("辍学", "Dropouts", RED, |m| m.dropped_out),
            ("劝返复学", "Returned", GREEN, |m| m.returned),
        ];
        for (zh, en, color, value) in series {
            chart
                .draw_series(LineSeries::new(
                    months.iter().enumerate().map(|(i, m)| (i as i32, value(m))),
                    color.stroke_width(2),
                ))
                .map_err(err)?
                .label(words(lang, zh, en))
                .legend(legend(color));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font((FONT, LABEL))
            .background_style(WHITE.mix(0.85))
            .border_style(GREY)
            .draw()
            .map_err(err)
    })
}

/// One school year's dropout rates, in percent (none when there is no data).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearRates {
    pub year: i32,
    pub primary: Option<f64>,
    pub junior: Option<f64>,
}

fn year_label(y: i32) -> String {
    format!("{y}–{:02}", (y + 1) % 100)
}

/// Dropout rate per school year and stage, each against its target line (dashed).
pub fn dropout_rates(
    title: &str,
    years: &[YearRates],
    primary_target: f64,
    junior_target: f64,
    lang: Lang,
) -> Result<String, ChartError> {
    svg(|root| {
        let (first, last) = match (years.first(), years.last()) {
            (Some(a), Some(b)) => (a.year, b.year.max(a.year + 1)),
            _ => (2020, 2021),
        };
        let top = years
            .iter()
            .flat_map(|y| [y.primary, y.junior])
            .flatten()
            .chain([primary_target, junior_target])
            .fold(0.0f64, f64::max)
            // Headroom above the lines for the legend.
            * 1.6;
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, TITLE))
            .margin(12)
            .margin_right(36)
            .x_label_area_size(32)
            .y_label_area_size(52)
            .build_cartesian_2d(first..last, 0.0..top.max(0.5))
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_labels(years.len().max(2))
            .x_label_formatter(&|y| year_label(*y))
            .y_label_formatter(&|v| format!("{v:.1}%"))
            .y_desc(words(lang, "辍学率", "Dropout rate"))
            .label_style((FONT, LABEL))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        let lines: [(Series<YearRates, Option<f64>>, f64); 2] = [
            (
                ("小学辍学率", "Primary", BLUE, |y| y.primary),
                primary_target,
            ),
            (
                ("初中辍学率", "Junior", ORANGE, |y| y.junior),
                junior_target,
            ),
        ];
        for ((zh, en, color, value), target) in lines {
            let points: Vec<(i32, f64)> = years
                .iter()
                .filter_map(|y| value(y).map(|v| (y.year, v)))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
                .map_err(err)?
                .label(words(lang, zh, en))
                .legend(legend(color));
            chart
                .draw_series(points.iter().map(|p| Circle::new(*p, 3, color.filled())))
                .map_err(err)?;
            chart
                .draw_series(DashedLineSeries::new(
                    [(first, target), (last, target)],
                    6,
                    4,
                    color.mix(0.7).stroke_width(1),
                ))
                .map_err(err)?
                .label(format!("{}{target}%", words(lang, "目标 ≤", "target ≤ ")))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.mix(0.7).stroke_width(1))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, LABEL))
            .background_style(WHITE.mix(0.85))
            .border_style(GREY)
            .draw()
            .map_err(err)
    })
}

/// Draws labelled vertical bars (one series) with each value written above its bar.
fn bars(
    root: &DrawingArea<SVGBackend, Shift>,
    title: &str,
    y_desc: &str,
    bars: &[(String, f64, String)],
    y_range: std::ops::Range<f64>,
    y_label: &dyn Fn(&f64) -> String,
    // A dashed target line (named in the title, where no bar hides it).
    target: Option<f64>,
) -> Result<(), ChartError> {
    let n = bars.len().max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, TITLE))
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(52)
        .build_cartesian_2d(0.0..n as f64, y_range.clone())
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .disable_x_axis()
        .x_labels(0)
        .y_label_formatter(y_label)
        .y_desc(y_desc)
        .label_style((FONT, LABEL))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(i, (_, v, _))| {
            let x = i as f64;
            Rectangle::new(
                [(x + 0.18, y_range.start), (x + 0.82, *v)],
                BLUE.mix(0.85).filled(),
            )
        }))
        .map_err(err)?;
    let value_style = TextStyle::from((FONT, LABEL)).pos(Pos::new(HPos::Center, VPos::Bottom));
    let name_style = TextStyle::from((FONT, LABEL)).pos(Pos::new(HPos::Center, VPos::Top));
    for (i, (name, v, shown)) in bars.iter().enumerate() {
        let x = i as f64 + 0.5;
        chart
            .draw_series(std::iter::once(Text::new(
                shown.clone(),
                (x, *v),
                value_style.clone(),
            )))
            .map_err(err)?;
        let (px, py) = chart.backend_coord(&(x, y_range.start));
        root.draw(&Text::new(name.clone(), (px, py + 6), name_style.clone()))
            .map_err(err)?;
    }
    if let Some(t) = target {
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, t), (n as f64, t)],
                6,
                4,
                RED.stroke_width(2),
            ))
            .map_err(err)?;
    }
    Ok(())
}

/// A cohort grade by grade, from grade 1 to where it is now (its enrolment in each grade).
pub fn cohort_flow(title: &str, path: &[(u8, u32)], lang: Lang) -> Result<String, ChartError> {
    svg(|root| {
        let top = path.iter().map(|p| p.1).max().unwrap_or(0).max(1);
        let data: Vec<(String, f64, String)> = path
            .iter()
            .map(|(g, v)| {
                let name = match lang {
                    Lang::Zh => format!("{g}年级"),
                    Lang::En => format!("Grade {g}"),
                };
                (name, f64::from(*v), v.to_string())
            })
            .collect();
        bars(
            root,
            title,
            words(lang, "在校人数", "Enrolled"),
            &data,
            0.0..f64::from(top) * 1.15,
            &|v| format!("{v:.0}"),
            None,
        )
    })
}

/// One bar per township: the children of school age not enrolled there.
pub fn by_township(
    title: &str,
    townships: &[(String, u32)],
    lang: Lang,
) -> Result<String, ChartError> {
    svg(|root| {
        // At least 0–10 so that plotters' steps are whole children.
        let top = townships.iter().map(|t| t.1).max().unwrap_or(0).max(9);
        let data: Vec<(String, f64, String)> = townships
            .iter()
            .map(|(name, v)| (name.clone(), f64::from(*v), v.to_string()))
            .collect();
        bars(
            root,
            title,
            words(lang, "人数", "Children"),
            &data,
            0.0..f64::from(top) * 1.15,
            &|v| format!("{v:.0}"),
            None,
        )
    })
}

/// The consolidation rate of each cohort (by the school year it reached grade 9), against
/// the target.
pub fn consolidation_by_cohort(
    title: &str,
    cohorts: &[(i32, f64)],
    target: f64,
    lang: Lang,
) -> Result<String, ChartError> {
    svg(|root| {
        let low = cohorts
            .iter()
            .map(|c| c.1)
            .chain([target])
            .fold(f64::INFINITY, f64::min);
        let bottom = ((low - 3.0) / 5.0).floor() * 5.0;
        let data: Vec<(String, f64, String)> = cohorts
            .iter()
            .map(|(y, v)| (year_label(*y), *v, format!("{v:.2}%")))
            .collect();
        let title = match lang {
            Lang::Zh => format!("{title} · 虚线为目标≥{target}%"),
            Lang::En => format!("{title} · dashes: target ≥ {target}%"),
        };
        bars(
            root,
            &title,
            words(lang, "巩固率（%）", "Consolidation (%)"),
            &data,
            bottom.clamp(0.0, 90.0)..cohorts.iter().map(|c| c.1).fold(100.0, f64::max) + 0.5,
            &|v| format!("{v:.0}%"),
            Some(target),
        )
    })
}
