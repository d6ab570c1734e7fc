//! 指标: where the county stands on the enrolment rates today, by township and school, down
//! to the named children behind each shortfall.

use baoxue_core::indicators::history::Unit;
use baoxue_core::indicators::{
    children_behind, dropouts_on_ledger, Census, CensusDefinition, CensusTable, Definition, Figure,
    Indicator, Shortfall, Targets,
};
use baoxue_core::model::{Labelled, Lang, Localized};
use leptos::prelude::*;
use uuid::Uuid;

use crate::browser::today;
use crate::browser::{mark, measure};
use crate::components::pager::Pager;
use crate::i18n::text;
use crate::route::Route;
use crate::state::{Language, Ledgers, Office};
use baoxue_core::model::format_count;

const PAGE: usize = 50;

/// Which children a list shows.
#[derive(Clone, Copy, PartialEq)]
enum Behind {
    Shortfall(Shortfall),
    /// Out of school as dropouts today, in one grade or all.
    Dropouts(Option<u8>),
}

/// What the list below the table shows.
#[derive(Clone, PartialEq)]
struct Scope {
    behind: Behind,
    township: Option<String>,
    school: Option<Uuid>,
    label: String,
}

impl Scope {
    fn title(&self, lang: baoxue_core::model::Lang) -> String {
        let what = match self.behind {
            Behind::Shortfall(s) => s.label(lang).to_string(),
            Behind::Dropouts(g) => {
                let grade = g.map(|g| format!(" · {g}年级")).unwrap_or_default();
                format!("{}{grade}", text(lang).ind_on_ledger)
            }
        };
        format!("{} · {what}", self.label)
    }
}

/// The settings' targets; reactive on settings changes.
fn targets(ledgers: Ledgers) -> Targets {
    ledgers.casebook.with(|b| b.settings.targets.clone())
}

fn census_definition(ledgers: Ledgers) -> CensusDefinition {
    ledgers.casebook.with(|b| b.settings.census_definition)
}

/// A figure's cell: red when it misses its target; above 100% it meets nothing and says why.
fn figure_cell(f: Option<&Figure>, lang: Lang) -> impl IntoView {
    let miss = f.and_then(Figure::meets_target) == Some(false);
    let warning = f.and_then(|f| f.warning.as_ref()).map(|w| w.say(lang));
    let text = f.map(percent).unwrap_or_else(|| "—".into());
    let over = warning.is_some();
    view! {
        <td class="num" class:miss=miss class:over=over>
            {text}
            {warning.map(|w| view! { <span class="figure-warning">{w}</span> })}
        </td>
    }
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
    let language = expect_context::<Language>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let table = Memo::new(move |_| {
        mark("baoxue-indicators-start");
        let def = census_definition(ledgers);
        let t = ledgers.with_ledger(|l| CensusTable::of(l, today(), def));
        measure("baoxue-indicators", "baoxue-indicators-start");
        t
    });
    let open_town = RwSignal::new(None::<String>);
    let scope = RwSignal::new(None::<Scope>);
    let page = RwSignal::new(0usize);
    let drill = RwSignal::new(None::<Drill>);

    let cards = {
        move || {
            let lang = language.get();
            let targets = targets(ledgers);
            let def = census_definition(ledgers);
            table.with(|tb| tb.county.figures(&targets, def)).into_iter().map(|f| {
                let meets = f.meets_target();
                let over = f.warning.is_some();
                view! {
                    <div class="stat figure" class:ok=meets == Some(true) class:miss=meets == Some(false) class:over=over>
                        <span class="label">{f.indicator.label(lang)}</span>
                        <span class="value">{percent(&f)}</span>
                        <span class="muted small">{format!("{} / {} · {} {}{}%", format_count(f.numerator as usize), format_count(f.denominator as usize), t().target, if f.indicator.higher_is_better() { "≥" } else { "≤" }, f.target)}</span>
                        <span class="muted small">{f.variant.say(lang)}</span>
                        {f.warning.as_ref().map(|w| view! { <span class="figure-warning">{w.say(lang)}</span> })}
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
        let figures = census.figures(&targets(ledgers), census_definition(ledgers));
        let lang = language.get();
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
                    let town = town_for_click.clone();
                    let label = name.clone();
                    view! {
                        {figure_cell(Some(&f), lang)}
                        <td class="num">
                            {if n == 0 { view! { <span class="muted">"0"</span> }.into_any() } else {
                                view! { <button class="link shortfall" on:click=move |_| { page.set(0); scope.set(Some(Scope { behind: Behind::Shortfall(s), township: town.clone(), school, label: label.clone() })); }>{format_count(n as usize)}</button> }.into_any()
                            }}
                        </td>
                    }
                }).collect_view()}
            </tr>
        }
    };

    let rows = move || {
        let open = open_town.get();
        let county = office.unit_short_name();
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
                ledgers.with_ledger(|l| match s.behind {
                    Behind::Shortfall(f) => children_behind(
                        l,
                        today(),
                        census_definition(ledgers),
                        f,
                        s.township.as_deref(),
                        s.school,
                    ),
                    Behind::Dropouts(grade) => {
                        dropouts_on_ledger(l, s.township.as_deref(), s.school, grade)
                    }
                })
            })
            .unwrap_or_default()
    });
    let total = Signal::derive(move || names.with(Vec::len));
    let list = move || {
        let at = page.get() * PAGE;
        let lang = language.get();
        names.with(|n| {
            ledgers.ledger.with(|l| {
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
        <YearlyFigures drill=drill/>
        <DropoutDrill drill=drill scope=scope page=page/>
        <super::charts::IndicatorCharts census=table/>
        <FlowBalance/>
        <Show when=move || scope.with(Option::is_some)>
            <section class="panel" id="indicator-names">
                <h2>{move || scope.get().map(|s| s.title(language.get())).unwrap_or_default()}</h2>
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
fn YearlyFigures(drill: RwSignal<Option<Drill>>) -> impl IntoView {
    use baoxue_core::indicators::history::school_year_of_month;
    use baoxue_core::model::Stage;
    let language = expect_context::<Language>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let rows = move || {
        let lang = language.get();
        let targets = targets(ledgers);
        let def = ledgers.casebook.with(|b| b.settings.dropout_definition);
        mark("baoxue-yearly-start");
        let out = ledgers.history.with(|h| {
            let Some(last) = h.periods().last().copied() else {
                return Vec::new();
            };
            let current = school_year_of_month(last);
            ((current - 4)..=current)
                .rev()
                .map(|year| {
                    let cell = |f: Option<Figure>| figure_cell(f.as_ref(), lang);
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
                    let open = move |_| drill.set(Some(Drill { year, current: year == current, at: Unit::County }));
                    view! {
                        <tr class:selected=move || drill.with(|d| d.as_ref().map(|d| d.year) == Some(year))>
                            <td><button class="link year" on:click=open>{label}</button></td>
                            {cell(primary)}{cell(junior)}{cell(consolidation)}
                        </tr>
                    }
                })
                .collect::<Vec<_>>()
        });
        measure("baoxue-yearly", "baoxue-yearly-start");
        out
    };
    view! {
        <section class="panel" id="yearly-figures">
            <h2>{move || t().ind_yearly}</h2>
            <p class="muted small">{move || {
                let tg = targets(ledgers);
                let def = ledgers.casebook.with(|b| b.settings.dropout_definition);
                let lang = language.get();
                let (semi, stop, comma) = if lang == Lang::Zh { ("；", "。", "，") } else { ("; ", ". ", ", ") };
                format!("{}{semi}{}{stop}{} {} ≤{}%{comma}{} ≤{}%{comma}{} ≥{}%", Definition::Dropout(def).say(lang), t().ind_consolidation_note, t().target,
                    Indicator::PrimaryDropout.label(language.get()), tg.primary_dropout,
                    Indicator::JuniorDropout.label(language.get()), tg.junior_dropout,
                    Indicator::Consolidation.label(language.get()), tg.consolidation)
            }}</p>
            <div class="table-wrap">
                <table class="grid compact">
                    <thead><tr>
                        <th>{move || t().ind_school_year}</th>
                        <th>{move || Indicator::PrimaryDropout.label(language.get())}</th>
                        <th>{move || Indicator::JuniorDropout.label(language.get())}</th>
                        <th>{move || Indicator::Consolidation.label(language.get())}</th>
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
    let language = expect_context::<Language>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let off = Memo::new(move |_| ledgers.history.with(|h| h.imbalances(None)));
    let rows = move || {
        let lang = language.get();
        let off = off.get();
        ledgers.ledger.with(|l| {
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

/// Where the dropout drill-down stands: a school year, and the county, a township or a school.
#[derive(Clone, PartialEq)]
struct Drill {
    year: i32,
    /// The school year still running: its counts open today's names.
    current: bool,
    at: Unit,
}

/// One row of the drill-down: a township, school or grade with its dropouts.
struct DrillRow {
    name: String,
    next: Option<Unit>,
    primary: Option<Figure>,
    junior: Option<Figure>,
    dropouts: u32,
    enrolled: u32,
    township: Option<String>,
    school: Option<Uuid>,
    grade: Option<u8>,
}

/// 逐级查看辍学: a school year's dropouts by township, then school, then grade, and today's
/// names behind them.
#[component]
fn DropoutDrill(
    drill: RwSignal<Option<Drill>>,
    scope: RwSignal<Option<Scope>>,
    page: RwSignal<usize>,
) -> impl IntoView {
    use baoxue_core::model::Stage;
    let language = expect_context::<Language>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let rows = move || {
        let Some(d) = drill.get() else {
            return Vec::new();
        };
        let tg = targets(ledgers);
        let def = ledgers.casebook.with(|b| b.settings.dropout_definition);
        ledgers.history.with(|h| {
            ledgers.ledger.with(|l| {
                let of_unit = |unit: &Unit| {
                    let (by, base) = h.dropouts_by_grade(unit, d.year, def);
                    (by.iter().sum::<u32>(), base.iter().sum::<u32>())
                };
                let unit_row =
                    |name: String, unit: Unit, township: Option<String>, school: Option<Uuid>| {
                        let (dropouts, enrolled) = of_unit(&unit);
                        DrillRow {
                            name,
                            primary: h.dropout_rate(&unit, Stage::Primary, d.year, def, &tg),
                            junior: h.dropout_rate(&unit, Stage::Junior, d.year, def, &tg),
                            next: Some(unit),
                            dropouts,
                            enrolled,
                            township,
                            school,
                            grade: None,
                        }
                    };
                match &d.at {
                    Unit::County => {
                        let mut codes: Vec<&str> = l
                            .schools()
                            .iter()
                            .map(|s| s.township_code.as_str())
                            .collect();
                        codes.sort_by_key(|c| l.township_rank(c));
                        codes.dedup();
                        codes
                            .into_iter()
                            .map(|c| {
                                unit_row(
                                    l.township_name(c).to_string(),
                                    Unit::Township(c.to_string()),
                                    Some(c.to_string()),
                                    None,
                                )
                            })
                            .collect()
                    }
                    Unit::Township(code) => l
                        .schools()
                        .iter()
                        .filter(|s| &s.township_code == code)
                        .map(|s| {
                            unit_row(
                                s.name.clone(),
                                Unit::School(s.id),
                                Some(code.clone()),
                                Some(s.id),
                            )
                        })
                        .collect(),
                    Unit::School(id) => {
                        let (by, base) = h.dropouts_by_grade(&Unit::School(*id), d.year, def);
                        (1..=9u8)
                            .filter(|g| base[usize::from(g - 1)] > 0 || by[usize::from(g - 1)] > 0)
                            .map(|g| {
                                let i = usize::from(g - 1);
                                let stage = if g <= 6 {
                                    Stage::Primary
                                } else {
                                    Stage::Junior
                                };
                                let figure = Some(
                                    baoxue_core::indicators::Flow {
                                        start: base[i],
                                        dropped_out: by[i],
                                        ..Default::default()
                                    }
                                    .dropout_rate(stage, def, &tg),
                                );
                                let (primary, junior) = if g <= 6 {
                                    (figure, None)
                                } else {
                                    (None, figure)
                                };
                                DrillRow {
                                    name: format!("{g}年级"),
                                    next: None,
                                    primary,
                                    junior,
                                    dropouts: by[i],
                                    enrolled: base[i],
                                    township: l.school(*id).map(|s| s.township_code.clone()),
                                    school: Some(*id),
                                    grade: Some(g),
                                }
                            })
                            .collect()
                    }
                }
            })
        })
    };
    let crumbs = move || {
        let Some(d) = drill.get() else {
            return Vec::new();
        };
        let year = d.year;
        let current = d.current;
        let mut out = vec![(format!("{year}–{}", year + 1), Unit::County)];
        ledgers.ledger.with(|l| match &d.at {
            Unit::County => {}
            Unit::Township(c) => out.push((l.township_name(c).to_string(), d.at.clone())),
            Unit::School(id) => {
                if let Some(s) = l.school(*id) {
                    out.push((
                        l.township_name(&s.township_code).to_string(),
                        Unit::Township(s.township_code.clone()),
                    ));
                    out.push((s.name.clone(), d.at.clone()));
                }
            }
        });
        out.into_iter()
            .map(|(name, at)| view! {
                <button class="link crumb" on:click=move |_| drill.set(Some(Drill { year, current, at: at.clone() }))>{name}</button>
            })
            .collect::<Vec<_>>()
    };
    let body = move || {
        let lang = language.get();
        let current = drill.with(|d| d.as_ref().is_some_and(|d| d.current));
        rows()
            .into_iter()
            .map(|r| {
                let cell = |f: Option<Figure>| figure_cell(f.as_ref(), lang);
                let name = match r.next.clone() {
                    Some(next) => {
                        let name = r.name.clone();
                        view! { <button class="link drill-into" on:click=move |_| drill.update(|d| if let Some(d) = d { d.at = next.clone() })>{name}</button> }.into_any()
                    }
                    None => view! { <span>{r.name.clone()}</span> }.into_any(),
                };
                let on_ledger = current.then(|| {
                    let n = ledgers.ledger.with_untracked(|l| {
                        dropouts_on_ledger(l, r.township.as_deref(), r.school, r.grade).len()
                    });
                    let label = r.name.clone();
                    let (township, school, grade) = (r.township.clone(), r.school, r.grade);
                    view! {
                        <td class="num">
                            {if n == 0 { view! { <span class="muted">"0"</span> }.into_any() } else {
                                view! { <button class="link ledger-dropouts" on:click=move |_| {
                                    page.set(0);
                                    scope.set(Some(Scope { behind: Behind::Dropouts(grade), township: township.clone(), school, label: label.clone() }));
                                }>{format_count(n)}</button> }.into_any()
                            }}
                        </td>
                    }
                });
                let _ = lang;
                view! {
                    <tr>
                        <td>{name}</td>
                        {cell(r.primary)}{cell(r.junior)}
                        <td class="num">{format_count(r.enrolled as usize)}</td>
                        <td class="num">{format_count(r.dropouts as usize)}</td>
                        {on_ledger}
                    </tr>
                }
            })
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || drill.with(Option::is_some)>
            <section class="panel" id="dropout-drill">
                <h2>{move || t().ind_drill}</h2>
                <p class="muted small">{move || t().ind_drill_hint}</p>
                <nav class="crumbs">{crumbs}</nav>
                <div class="table-wrap">
                    <table class="grid compact" id="drill-table">
                        <thead><tr>
                            <th>{move || t().ind_unit}</th>
                            <th>{move || Indicator::PrimaryDropout.label(language.get())}</th>
                            <th>{move || Indicator::JuniorDropout.label(language.get())}</th>
                            <th>{move || t().ind_enrolled_start}</th>
                            <th>{move || t().ind_dropouts}</th>
                            <Show when=move || drill.with(|d| d.as_ref().is_some_and(|d| d.current))>
                                <th>{move || t().ind_on_ledger}</th>
                            </Show>
                        </tr></thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
            </section>
        </Show>
    }
}
