//! 指标: where the county stands on the enrolment rates today, by township and school, down
//! to the named children behind each shortfall.

use baoxue_core::indicators::{
    children_behind, Census, CensusTable, Figure, Indicator, Shortfall, Targets,
};
use baoxue_core::model::Labelled;
use leptos::prelude::*;
use uuid::Uuid;

use super::demo::{format_count, today};
use crate::app::{mark, measure, AppState, Route};
use crate::components::pager::Pager;
use crate::i18n::text;

const PAGE: usize = 50;

/// What the list below the table shows.
#[derive(Clone, PartialEq)]
struct Scope {
    shortfall: Shortfall,
    township: Option<String>,
    school: Option<Uuid>,
    label: String,
}

fn percent(f: &Figure) -> String {
    f.percent()
        .map(|p| format!("{p:.2}%"))
        .unwrap_or_else(|| "—".into())
}

const SHORTFALLS: [Shortfall; 3] = [
    Shortfall::PrimaryNotEnrolled,
    Shortfall::JuniorNotEnrolled,
    Shortfall::DisabledNotEnrolled,
];

fn shortfall_count(c: &Census, s: Shortfall) -> u32 {
    match s {
        Shortfall::PrimaryNotEnrolled => c.primary_age - c.primary_age_enrolled,
        Shortfall::JuniorNotEnrolled => c.junior_age - c.junior_age_enrolled,
        Shortfall::DisabledNotEnrolled => c.disabled_three - c.disabled_three_enrolled,
    }
}

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let t = move || text(state.lang.get());
    let targets = Targets::default();
    let table = Memo::new(move |_| {
        mark("baoxue-indicators-start");
        let t = state.with_ledger(|l| CensusTable::of(l, today()));
        measure("baoxue-indicators", "baoxue-indicators-start");
        t
    });
    let open_town = RwSignal::new(None::<String>);
    let scope = RwSignal::new(None::<Scope>);
    let page = RwSignal::new(0usize);

    let cards = {
        let targets = targets.clone();
        move || {
            let lang = state.lang.get();
            table.with(|tb| tb.county.figures(&targets)).into_iter().map(|f| {
                let meets = f.meets_target();
                view! {
                    <div class="stat figure" class:ok=meets == Some(true) class:miss=meets == Some(false)>
                        <span class="label">{f.indicator.label(lang)}</span>
                        <span class="value">{percent(&f)}</span>
                        <span class="muted small">{format!("{} / {} · {} {}{}%", format_count(f.numerator as usize), format_count(f.denominator as usize), t().target, if f.indicator.higher_is_better() { "≥" } else { "≤" }, f.target)}</span>
                        <span class="muted small">{f.variant.clone()}</span>
                    </div>
                }
            }).collect_view()
        }
    };

    // One row of the table: a unit's three rates, each with its shortfall as a link to the names.
    let row = move |name: String,
                    census: Census,
                    township: Option<String>,
                    school: Option<Uuid>,
                    class: &'static str| {
        let figures = census.figures(&Targets::default());
        let town_for_click = township.clone();
        let expandable = school.is_none() && township.is_some();
        view! {
            <tr class=class>
                <td>
                    {if expandable {
                        let code = township.clone();
                        view! { <button class="link expand" on:click=move |_| open_town.update(|o| *o = if *o == code { None } else { code.clone() })>{name.clone()}</button> }.into_any()
                    } else {
                        view! { <span>{name.clone()}</span> }.into_any()
                    }}
                </td>
                {figures.into_iter().zip(SHORTFALLS).map(|(f, s)| {
                    let n = shortfall_count(&census, s);
                    let meets = f.meets_target();
                    let town = town_for_click.clone();
                    let label = name.clone();
                    view! {
                        <td class="num" class:miss=meets == Some(false)>{percent(&f)}</td>
                        <td class="num">
                            {if n == 0 { view! { <span class="muted">"0"</span> }.into_any() } else {
                                view! { <button class="link shortfall" on:click=move |_| { page.set(0); scope.set(Some(Scope { shortfall: s, township: town.clone(), school, label: label.clone() })); }>{format_count(n as usize)}</button> }.into_any()
                            }}
                        </td>
                    }
                }).collect_view()}
            </tr>
        }
    };

    let rows = move || {
        let open = open_town.get();
        let county = state.unit_short_name();
        table.with(|tb| {
            let mut out = vec![row(county, tb.county, None, None, "total")];
            for (code, name, c) in &tb.townships {
                out.push(row(name.clone(), *c, Some(code.clone()), None, "township"));
                if open.as_deref() == Some(code.as_str()) {
                    for (id, school, town, sc) in tb.schools.iter().filter(|s| &s.2 == code) {
                        out.push(row(
                            school.clone(),
                            *sc,
                            Some(town.clone()),
                            Some(*id),
                            "school",
                        ));
                    }
                }
            }
            out
        })
    };

    let names = Memo::new(move |_| {
        scope
            .get()
            .map(|s| {
                state.with_ledger(|l| {
                    children_behind(l, today(), s.shortfall, s.township.as_deref(), s.school)
                })
            })
            .unwrap_or_default()
    });
    let total = Signal::derive(move || names.with(Vec::len));
    let list = move || {
        let at = page.get() * PAGE;
        let lang = state.lang.get();
        names.with(|n| {
            state.ledger.with_value(|l| {
                l.page(n, at / PAGE, PAGE)
                    .into_iter()
                    .map(|c| {
                        let school = l.names_for(c).school;
                        let town = l
                            .township_of(c)
                            .map(|t| l.township_name(t).to_string())
                            .unwrap_or_default();
                        view! {
                            <tr>
                                <td><a href=Route::Child(c.id).href()>{c.name.clone()}</a></td>
                                <td class="nowrap">{c.birth_date.to_string()}</td>
                                <td>{town}</td>
                                <td>{school}</td>
                                <td>{c.grade.map(|g| g.to_string()).unwrap_or_default()}</td>
                                <td>{c.status.label(lang)}</td>
                            </tr>
                        }
                    })
                    .collect_view()
            })
        })
    };

    view! {
        <h1>{move || t().ind_title}</h1>
        <p class="muted intro">{move || format!("{}：{}。{}", t().ind_as_of, today(), t().ind_intro)}</p>
        <div class="cards">{cards}</div>
        <div class="table-wrap">
            <table class="grid" id="indicator-table">
                <thead>
                    <tr>
                        <th rowspan="2">{move || t().ind_unit}</th>
                        {SHORTFALLS.iter().map(|s| {
                            let ind = match s { Shortfall::PrimaryNotEnrolled => 0, Shortfall::JuniorNotEnrolled => 1, _ => 2 };
                            view! { <th colspan="2">{move || [t().ind_primary, t().ind_junior, t().ind_disabled][ind]}</th> }
                        }).collect_view()}
                    </tr>
                    <tr>
                        {SHORTFALLS.iter().map(|_| view! { <th>{move || t().ind_rate}</th><th>{move || t().ind_out}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <YearlyFigures/>
        <FlowBalance/>
        <Show when=move || scope.with(Option::is_some)>
            <section class="panel" id="indicator-names">
                <h2>{move || scope.get().map(|s| format!("{} · {}", s.label, s.shortfall.label(state.lang.get()))).unwrap_or_default()}</h2>
                <div class="list-meta">
                    <span>{move || format!("{} {}", format_count(total.get()), t().results)}</span>
                    <Pager page=page total=total size=Signal::derive(|| PAGE)/>
                </div>
                <div class="table-wrap">
                    <table class="grid">
                        <thead><tr>
                            <th>{move || t().col_name}</th><th>{move || t().birth_date}</th><th>{move || t().township}</th>
                            <th>{move || t().school}</th><th>{move || t().grade}</th><th>{move || t().status}</th>
                        </tr></thead>
                        <tbody>{list}</tbody>
                    </table>
                </div>
            </section>
        </Show>
    }
}

/// Dropout rates per school year and the consolidation rate of each cohort, from the history.
#[component]
fn YearlyFigures() -> impl IntoView {
    use baoxue_core::indicators::history::{school_year_of_month, Unit};
    use baoxue_core::indicators::DropoutDefinition;
    use baoxue_core::model::Stage;
    let state = expect_context::<AppState>();
    let t = move || text(state.lang.get());
    let rows = move || {
        state.ledger_rev.track();
        let targets = Targets::default();
        let def = DropoutDefinition::default();
        state.history.with_value(|h| {
            let Some(last) = h.periods().last().copied() else {
                return Vec::new();
            };
            let current = school_year_of_month(last);
            ((current - 4)..=current)
                .rev()
                .map(|year| {
                    let cell = |f: Option<Figure>| {
                        let miss = f.as_ref().and_then(Figure::meets_target) == Some(false);
                        let text = f.as_ref().map(percent).unwrap_or_else(|| "—".into());
                        view! { <td class="num" class:miss=miss>{text}</td> }
                    };
                    let primary =
                        h.dropout_rate(&Unit::County, Stage::Primary, year, def, &targets);
                    let junior = h.dropout_rate(&Unit::County, Stage::Junior, year, def, &targets);
                    let consolidation = h
                        .cohort(&Unit::County, year)
                        .map(|c| c.consolidation_rate(true, &targets));
                    let label = if year == current {
                        format!("{year}–{}（{}）", year + 1, t().ind_so_far)
                    } else {
                        format!("{year}–{}", year + 1)
                    };
                    view! {
                        <tr><td>{label}</td>{cell(primary)}{cell(junior)}{cell(consolidation)}</tr>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="panel" id="yearly-figures">
            <h2>{move || t().ind_yearly}</h2>
            <p class="muted small">{move || format!("{}；{}。{} {}", DropoutDefinition::default().label(), t().ind_consolidation_note, t().target, t().ind_targets)}</p>
            <div class="table-wrap">
                <table class="grid compact">
                    <thead><tr>
                        <th>{move || t().ind_school_year}</th>
                        <th>{move || Indicator::PrimaryDropout.label(state.lang.get())}</th>
                        <th>{move || Indicator::JuniorDropout.label(state.lang.get())}</th>
                        <th>{move || Indicator::Consolidation.label(state.lang.get())}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// 人账相符: every school-month whose figures do not add up, before any report leaves.
#[component]
fn FlowBalance() -> impl IntoView {
    let state = expect_context::<AppState>();
    let t = move || text(state.lang.get());
    let off = Memo::new(move |_| {
        state.ledger_rev.track();
        state.history.with_value(|h| h.imbalances(None))
    });
    let rows = move || {
        let lang = state.lang.get();
        let off = off.get();
        state.ledger.with_value(|l| {
            off.into_iter()
                .map(|o| {
                    let school = l.school(o.school_id).map(|s| s.name.clone()).unwrap_or_default();
                    let f = o.flow;
                    view! {
                        <tr>
                            <td>{school}</td>
                            <td class="nowrap">{o.month.format("%Y-%m").to_string()}</td>
                            <td>{o.stage.label(lang)}</td>
                            <td class="muted small">{format!("{} + {} + {} + {} − {} − {} − {} − {} = {}", f.start, f.entered, f.transferred_in, f.returned, f.transferred_out, f.graduated, f.died, f.dropped_out, f.expected_end())}</td>
                            <td class="num">{f.end}</td>
                            <td class="num miss">{format!("{:+}", f.difference())}</td>
                        </tr>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let count = move || off.with(Vec::len);
    view! {
        <section class="panel" id="flow-balance">
            <h2>{move || t().ind_balance}</h2>
            <p class="muted small">{move || t().ind_balance_note}</p>
            <Show when=move || count() == 0>
                <p class="empty">{move || t().ind_balanced}</p>
            </Show>
            <Show when=move || count() != 0>
                <div class="table-wrap">
                    <table class="grid compact" id="imbalance-table">
                        <thead><tr>
                            <th>{move || t().school}</th><th>{move || t().ind_month}</th><th>{move || t().ind_stage}</th>
                            <th>{move || t().ind_expected}</th><th>{move || t().ind_end}</th><th>{move || t().ind_difference}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}
