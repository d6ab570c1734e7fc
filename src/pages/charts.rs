//! 图表: the indicator charts of the county or one township, each savable as SVG or PNG to
//! paste into a report.

use baoxue_core::charts::{self, YearRates};
use baoxue_core::indicators::history::Unit;
use baoxue_core::indicators::{CensusTable, Indicator};
use baoxue_core::model::{Lang, Stage};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::browser::{mark, measure};
use crate::components::download::{safe_file_name, save_file};
use crate::i18n::{fill, text};
use crate::state::{Language, Ledgers, Notices, Office};

/// How many months the trend shows, and how many school years the dropout chart.
const TREND_MONTHS: usize = 60;
const RATE_YEARS: usize = 8;

/// One drawn chart: an id for the page and the file name, its title, and the SVG (or why not).
#[derive(Clone, PartialEq)]
struct Drawn {
    id: &'static str,
    title: String,
    svg: Result<String, String>,
}

fn draw_all(
    ledgers: Ledgers,
    office: Office,
    lang: Lang,
    town: Option<(String, String)>,
    census: &CensusTable,
) -> Vec<Drawn> {
    let (settings_targets, def, census_def) = ledgers.casebook.with_untracked(|b| {
        (
            b.settings.targets.clone(),
            b.settings.dropout_definition,
            b.settings.census_definition,
        )
    });
    let (unit, unit_name) = match &town {
        Some((code, name)) => (Unit::Township(code.clone()), name.clone()),
        None => (Unit::County, office.unit_short_name()),
    };
    let en = lang == Lang::En;
    ledgers
        .history
        .with_untracked(|h| {
            let mut out = Vec::new();
            let months = h.monthly(&unit);
            let recent = &months[months.len().saturating_sub(TREND_MONTHS)..];
            let title = charts::trend_title(&unit_name, recent, lang);
            out.push(Drawn {
                id: "chart-trend",
                svg: timed("chart-trend", || {
                    charts::monthly_trend(&title, recent, lang)
                }),
                title,
            });

            let years = h.school_years();
            // A year still running has only some of its dropouts: the chart shows finished years.
            let running = h
                .periods()
                .last()
                .is_some_and(|m| chrono::Datelike::month(m) != 8);
            let finished = &years[..years.len() - usize::from(running && years.len() > 1)];
            let rates: Vec<YearRates> = finished[finished.len().saturating_sub(RATE_YEARS)..]
                .iter()
                .map(|&year| {
                    let rate = |stage| {
                        h.dropout_rate(&unit, stage, year, def, &settings_targets)
                            .and_then(|f| f.percent())
                    };
                    YearRates {
                        year,
                        primary: rate(Stage::Primary),
                        junior: rate(Stage::Junior),
                    }
                })
                .collect();
            let title = if en {
                format!(
                    "{unit_name}: dropout rate of each finished school year against the targets"
                )
            } else {
                format!("{unit_name}历年辍学率与目标（已结束学年；{}）", def.label())
            };
            out.push(Drawn {
                id: "chart-dropout",
                svg: timed("chart-dropout", || {
                    charts::dropout_rates(
                        &title,
                        &rates,
                        settings_targets.of(Indicator::PrimaryDropout),
                        settings_targets.of(Indicator::JuniorDropout),
                        lang,
                    )
                }),
                title,
            });

            if let Some(&current) = years.last() {
                let entry = current - 8;
                let path = h.cohort_path(&unit, entry);
                let title = if en {
                    format!(
                        "{unit_name}: the cohort that entered grade 1 in {entry}, grade by grade"
                    )
                } else {
                    format!("{unit_name}{entry}级（今年九年级）各年级在校人数")
                };
                out.push(Drawn {
                    id: "chart-cohort",
                    svg: timed("chart-cohort", || charts::cohort_flow(&title, &path, lang)),
                    title,
                });
            }

            let cohorts: Vec<(i32, f64)> = h
                .consolidation_by_year(&unit, true, &settings_targets)
                .into_iter()
                .filter_map(|(y, f)| f.percent().map(|p| (y, p)))
                .collect();
            let title = if en {
                format!("{unit_name}: consolidation rate by cohort (year of grade 9)")
            } else {
                format!("{unit_name}九年义务教育巩固率（按九年级学年）")
            };
            out.push(Drawn {
                id: "chart-consolidation",
                svg: timed("chart-consolidation", || {
                    charts::consolidation_by_cohort(
                        &title,
                        &cohorts,
                        settings_targets.of(Indicator::Consolidation),
                        lang,
                    )
                }),
                title,
            });
            out
        })
        .into_iter()
        .chain(std::iter::once({
            // Where the children out of school live: one bar per township, as today's ledger has it.
            let towns: Vec<(String, u32)> = census
                .townships
                .iter()
                .map(|(_, name, c)| {
                    let out = (c.primary_age - c.primary_age_enrolled)
                        + (c.junior_age - c.junior_age_enrolled);
                    (name.clone(), out)
                })
                .collect();
            let title = if en {
                format!(
                    "{}: not enrolled by township (with primary-to-junior leavers; deferrals {})",
                    office.unit_short_name(),
                    if census_def.deferred_excluded {
                        "left out"
                    } else {
                        "in"
                    }
                )
            } else {
                format!(
                    "{}各乡镇适龄未在籍人数（含小升初未衔接{}）",
                    office.unit_short_name(),
                    if census_def.deferred_excluded {
                        "，不含延缓入学"
                    } else {
                        "、延缓入学"
                    }
                )
            };
            Drawn {
                id: "chart-townships",
                svg: timed("chart-townships", || {
                    charts::by_township(&title, &towns, lang)
                }),
                title,
            }
        }))
        .collect()
}

/// Draws one chart, measured under `baoxue-<id>` for the benchmark.
fn timed(
    id: &'static str,
    draw: impl FnOnce() -> Result<String, charts::ChartError>,
) -> Result<String, String> {
    let start = format!("baoxue-{id}-start");
    mark(&start);
    let out = draw().map_err(|e| e.to_string());
    measure(&format!("baoxue-{id}"), &start);
    out
}

/// Saves an SVG as a PNG at twice its size, drawn by the browser (so its Chinese text is
/// rendered by the system's fonts).
fn save_png(name: String, svg: &str) -> Result<(), String> {
    let fail = |e: JsValue| {
        fill(
            text(crate::browser::saved_lang()).png_failed,
            &[&format!("{e:?}")],
        )
    };
    let img = web_sys::HtmlImageElement::new().map_err(fail)?;
    let url = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(svg)
    );
    let loaded = img.clone();
    let onload = Closure::once(move || {
        let draw = || -> Result<(), JsValue> {
            let document = web_sys::window()
                .and_then(|w| w.document())
                .ok_or("no document")?;
            let canvas: web_sys::HtmlCanvasElement =
                document.create_element("canvas")?.dyn_into()?;
            let (w, h) = (charts::WIDTH * 2, charts::HEIGHT * 2);
            canvas.set_width(w);
            canvas.set_height(h);
            let ctx: web_sys::CanvasRenderingContext2d =
                canvas.get_context("2d")?.ok_or("no 2d")?.dyn_into()?;
            ctx.set_fill_style_str("#fff");
            ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
            ctx.draw_image_with_html_image_element_and_dw_and_dh(
                &loaded,
                0.0,
                0.0,
                f64::from(w),
                f64::from(h),
            )?;
            let data = canvas.to_data_url_with_type("image/png")?;
            let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
            a.set_href(&data);
            a.set_download(&name);
            a.click();
            Ok(())
        };
        if let Err(e) = draw() {
            web_sys::console::error_1(&e);
        }
    });
    img.set_onload(Some(onload.as_ref().unchecked_ref()));
    onload.forget();
    img.set_src(&url);
    Ok(())
}

#[component]
pub fn IndicatorCharts(census: Memo<CensusTable>) -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let town = RwSignal::new(String::new());
    let drawn = Memo::new(move |_| {
        ledgers.track_ledgers();
        language.track();
        let code = town.get();
        let named = (!code.is_empty()).then(|| {
            ledgers
                .ledger
                .with_untracked(|l| (code.clone(), l.township_name(&code).to_string()))
        });
        mark("baoxue-charts-start");
        let out = census.with(|c| draw_all(ledgers, office, language.get_untracked(), named, c));
        measure("baoxue-charts", "baoxue-charts-start");
        out
    });
    let towns = move || {
        census.with(|c| {
            c.townships
                .iter()
                .map(|(code, name, _)| (code.clone(), name.clone()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="panel" id="indicator-charts">
            <div class="row spread no-print">
                <h2>{move || t().ind_charts}</h2>
                <label class="inline">
                    <span>{move || t().ind_chart_unit}</span>
                    <select id="chart-unit" on:change=move |e| town.set(event_target_value(&e))>
                        <option value="">{move || office.unit_short_name()}</option>
                        {move || towns().into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <div class="charts">
                {move || drawn.get().into_iter().map(|d| view! {
                    <figure class="chart" id=d.id>
                        {match d.svg {
                            Ok(svg) => {
                                let png_svg = svg.clone();
                                let (svg_svg, svg_title, png_title) = (svg.clone(), d.title.clone(), d.title.clone());
                                view! {
                                    <div class="svg" inner_html=svg></div>
                                    <figcaption class="no-print">
                                        <button class="secondary save-svg" on:click=move |_| {
                                            if let Err(e) = save_file(&safe_file_name(&svg_title, "svg"), "image/svg+xml", svg_svg.as_bytes()) { notices.error(e) }
                                        }>{move || t().ind_save_svg}</button>
                                        <button class="secondary save-png" on:click=move |_| {
                                            if let Err(e) = save_png(safe_file_name(&png_title, "png"), &png_svg) { notices.error(e) }
                                        }>{move || t().ind_save_png}</button>
                                    </figcaption>
                                }.into_any()
                            }
                            Err(e) => view! { <p class="errors">{e}</p> }.into_any(),
                        }}
                    </figure>
                }).collect_view()}
            </div>
        </section>
    }
}
