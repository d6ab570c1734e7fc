use chrono::NaiveDate;

use super::*;
use crate::indicators::history::{History, MonthTotals, Unit};

fn month(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default()
}

/// The texts of the SVG's <text> elements, in order.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

/// The points of each <polyline>, as pixel pairs.
fn polylines(svg: &str) -> Vec<Vec<(i32, i32)>> {
    svg.split("<polyline")
        .skip(1)
        .filter_map(|p| {
            let at = p.find("points=\"")? + 8;
            let pts = &p[at..at + p[at..].find('"')?];
            Some(
                pts.split_whitespace()
                    .filter_map(|xy| {
                        let (x, y) = xy.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    })
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn monthly_trend_draws_three_series_over_every_month_with_chinese_labels() {
    let months: Vec<MonthTotals> = (1..=12)
        .map(|m| MonthTotals {
            month: month(2026, m),
            suspected: m * 3,
            dropped_out: m,
            returned: 12 - m,
            enrolled: 1000,
        })
        .collect();
    let svg = monthly_trend("泸溪县 月度趋势", &months, Lang::Zh).unwrap_or_default();
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    let t = texts(&svg);
    for label in [
        "泸溪县 月度趋势",
        "新增疑似辍学",
        "辍学",
        "劝返复学",
        "人数",
        "2026-01",
    ] {
        assert!(t.iter().any(|x| x == label), "{label} missing from {t:?}");
    }
    let lines = polylines(&svg);
    // Three series, one point per month each; the suspect line rises left to right (SVG y
    // grows downward) and the return line falls.
    let series: Vec<&Vec<(i32, i32)>> = lines.iter().filter(|l| l.len() == 12).collect();
    assert_eq!(series.len(), 3, "{lines:?}");
    assert!(series[0][11].1 < series[0][0].1);
    assert!(series[2][11].1 > series[2][0].1);
    let en = monthly_trend("Trend", &months, Lang::En).unwrap_or_default();
    assert!(texts(&en).iter().any(|x| x == "New suspects"));
}

#[test]
fn dropout_rates_draw_each_stage_against_its_dashed_target() {
    let years = [
        YearRates {
            year: 2022,
            primary: Some(0.3),
            junior: Some(1.2),
        },
        YearRates {
            year: 2023,
            primary: Some(0.4),
            junior: Some(2.4),
        },
        YearRates {
            year: 2024,
            primary: None,
            junior: Some(1.0),
        },
    ];
    let svg = dropout_rates("辍学率", &years, 0.6, 1.8, Lang::Zh).unwrap_or_default();
    let t = texts(&svg);
    for label in [
        "小学辍学率",
        "初中辍学率",
        "目标 ≤0.6%",
        "目标 ≤1.8%",
        "2022–23",
        "2024–25",
    ] {
        assert!(t.iter().any(|x| x == label), "{label} missing from {t:?}");
    }
    let lines = polylines(&svg);
    // A year without data leaves a gap: the primary line has two points, the junior three.
    assert!(lines.iter().any(|l| l.len() == 2 && l[0].0 < l[1].0));
    assert!(lines.iter().any(|l| l.len() == 3));
    // The junior line's 2023 point (2.4%) lies above its target (1.8%).
    assert!(svg.contains("stroke-dasharray") || svg.matches("<line").count() > 4);
}

#[test]
fn bar_charts_write_each_value_and_escape_names() {
    let towns = vec![
        ("浦市镇".to_string(), 12),
        ("<script>x</script>".to_string(), 3),
        ("=HYPERLINK(1)".to_string(), 0),
    ];
    let svg = by_township("各乡镇适龄未在籍", &towns, Lang::Zh).unwrap_or_default();
    assert!(!svg.contains("<script>"), "names are escaped");
    assert!(svg.contains("&lt;script&gt;"));
    let t = texts(&svg);
    for label in ["浦市镇", "12", "3", "0", "=HYPERLINK(1)"] {
        assert!(t.iter().any(|x| x == label), "{label} missing from {t:?}");
    }
    assert_eq!(
        svg.matches("<rect").count(),
        1 + 3,
        "background and one bar each"
    );

    let cohort =
        cohort_flow("2018级", &[(1, 980), (2, 975), (9, 940)], Lang::Zh).unwrap_or_default();
    let t = texts(&cohort);
    for label in ["1年级", "2年级", "9年级", "980", "940", "在校人数"] {
        assert!(t.iter().any(|x| x == label), "{label} missing from {t:?}");
    }
    let c = consolidation_by_cohort("巩固率", &[(2024, 96.5), (2025, 94.25)], 95.0, Lang::Zh)
        .unwrap_or_default();
    let t = texts(&c);
    for label in ["96.50%", "94.25%", "2025–26", "巩固率 · 虚线为目标≥95%"] {
        assert!(t.iter().any(|x| x == label), "{label} missing from {t:?}");
    }
    // The target line is drawn dashed across the chart.
    assert!(c.contains("<polyline") || c.contains("<line"));
}

#[test]
fn charts_of_the_demo_history_have_data() {
    use crate::divisions::DivisionTable;
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let mut p = crate::demo::DemoParams::new(month(2026, 11));
    p.children = 3_000;
    let d = crate::demo::generate(&p, &table).unwrap();
    let h = History::new(d.casework.history.clone());
    let months = h.monthly(&Unit::County);
    assert!(months.len() >= 60, "five years of months: {}", months.len());
    assert!(
        months.iter().map(|m| m.suspected).sum::<u32>()
            > months.iter().map(|m| m.dropped_out).sum::<u32>()
    );
    let consolidation = h.consolidation_by_year(&Unit::County, true, &Default::default());
    assert!(consolidation.len() >= 5, "{consolidation:?}");
    let last = h.school_years().last().copied().unwrap_or_default();
    let path = h.cohort_path(&Unit::County, last - 8);
    assert_eq!(
        path.iter().map(|p| p.0).collect::<Vec<_>>(),
        (1..=9).collect::<Vec<_>>()
    );
    let svg = monthly_trend("趋势", &months, Lang::Zh).unwrap_or_default();
    assert!(polylines(&svg).iter().any(|l| l.len() == months.len()));
}

#[test]
fn a_small_unit_gets_whole_child_ticks_on_the_township_chart() {
    let towns = vec![("甲乡".to_string(), 1), ("乙镇".to_string(), 4)];
    let svg = by_township("各乡镇", &towns, Lang::Zh).unwrap();
    let numbers: Vec<String> = texts(&svg)
        .into_iter()
        .filter(|t| t.parse::<u32>().is_ok())
        .collect();
    for n in &numbers {
        // Once as a tick, at most once more as a bar's value.
        let times = numbers.iter().filter(|x| *x == n).count();
        assert!(times <= 2, "{n} appears {times} times: {numbers:?}");
    }
    assert!(numbers.contains(&"3".to_string()), "ticks run 0, 1, 2, 3 …");
}

/// The y of the <text> element that reads `label`.
fn text_y(svg: &str, label: &str) -> Option<i32> {
    svg.split("<text").skip(1).find_map(|t| {
        let body = &t[t.find('>')? + 1..];
        if body[..body.find("</text>")?].trim() != label {
            return None;
        }
        let at = t.find(" y=\"")? + 4;
        t[at..at + t[at..].find('"')?]
            .parse::<f64>()
            .ok()
            .map(|y| y as i32)
    })
}

#[test]
fn the_trend_legend_sits_above_the_lines_even_where_they_peak_under_it() {
    // The highest month is the first: right under the legend in the upper left corner.
    let months: Vec<MonthTotals> = (1..=12)
        .map(|m| MonthTotals {
            month: month(2026, m),
            suspected: 40 - m,
            dropped_out: 30 - m,
            returned: 20 - m,
            enrolled: 1000,
        })
        .collect();
    let svg = monthly_trend("趋势", &months, Lang::Zh).unwrap_or_default();
    let legend_bottom = ["新增疑似辍学", "辍学", "劝返复学"]
        .iter()
        .filter_map(|l| text_y(&svg, l))
        .max()
        .expect("legend labels drawn");
    let peak = polylines(&svg)
        .into_iter()
        .filter(|l| l.len() == 12)
        .map(|l| l[0].1)
        .min()
        .expect("series drawn");
    assert!(
        legend_bottom + 8 < peak,
        "legend down to y={legend_bottom}, the lines' peak at y={peak}"
    );
}

#[test]
fn a_trend_title_has_no_empty_brackets_when_there_are_no_months() {
    assert_eq!(
        trend_title("惠来县", &[], Lang::Zh),
        "惠来县每月新增疑似辍学、辍学与劝返复学人数"
    );
    assert!(!trend_title("Huilai", &[], Lang::En).contains("()"));
    let months: Vec<MonthTotals> = [month(2025, 9), month(2026, 11)]
        .iter()
        .map(|&m| MonthTotals {
            month: m,
            suspected: 0,
            dropped_out: 0,
            returned: 0,
            enrolled: 0,
        })
        .collect();
    assert_eq!(
        trend_title("惠来县", &months, Lang::Zh),
        "惠来县每月新增疑似辍学、辍学与劝返复学人数（2025-09—2026-11）"
    );
    assert!(trend_title("Huilai", &months, Lang::En).ends_with(" (2025-09—2026-11)"));
}
