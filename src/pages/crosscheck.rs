//! 四查三比对: a department's roster against the children's ledger. The roster stays in
//! memory for the session (it is another department's data); the column choices and the
//! decisions are stored.

use baoxue_core::casework::{Actor, ChangeSet};
use baoxue_core::crosscheck::actions::{add_group, flag_registered, record_decision};
use baoxue_core::crosscheck::{
    build_roster, cross_check, read_table, ColumnMapping, CrossCheckResult, Department, Finding,
    FindingKind, FindingState, RawTable, Roster, RosterField, Verdict,
};
use baoxue_core::model::Labelled;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::common::read_file;
use crate::app::{mark, measure, AppState, Progress, Route};
use crate::browser::today;
use crate::components::column_table::{table_summary, ColumnTable};
use crate::components::download::ExportButtons;
use crate::components::filter_stat::FilterStat;
use crate::i18n::text;
use crate::store;
use baoxue_core::model::format_count;

/// A roster being checked, kept while the user looks at children and comes back.
pub struct Session {
    pub department: Department,
    pub file_name: String,
    pub table: RawTable,
    pub mapping: ColumnMapping,
    pub roster: Option<Roster>,
    pub result: Option<CrossCheckResult>,
}

const PAGE: usize = 50;

/// Lets the browser paint (the progress bar) before long work.
async fn yield_frame() {
    gloo_timers::future::TimeoutFuture::new(16).await;
}

fn busy(state: AppState, label: &str) {
    state.progress.set(Some(Progress {
        label: label.to_string(),
        done: 1,
        total: 2,
    }));
}

/// Runs the check of the session's roster again (after the ledger or decisions changed).
fn rerun(state: AppState) {
    let mut session = state.crosscheck.write_value();
    let Some(s) = session.as_mut() else { return };
    if let Some(roster) = &s.roster {
        let result = state.ledger.with_value(|l| {
            state
                .casebook
                .with_value(|b| cross_check(l, roster, b.decisions(), today()))
        });
        s.result = Some(result);
    }
}

/// A roster already read belongs to the department now chosen: its remembered columns
/// apply and the results of the other department's rules go.
fn change_department(state: AppState, department: Department) {
    let remembered = state
        .mappings
        .with_value(|m| m.get(department.key()).cloned().unwrap_or_default());
    let mut changed = false;
    state.crosscheck.update_value(|s| {
        if let Some(s) = s.as_mut().filter(|s| s.department != department) {
            s.department = department;
            s.mapping = ColumnMapping::detect(&s.table, &remembered);
            s.roster = None;
            s.result = None;
            changed = true;
        }
    });
    if changed {
        state.crosscheck_rev.update(|r| *r += 1);
    }
}

#[component]
pub fn CrossCheckPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let t = move || text(state.lang.get());
    let rev = state.crosscheck_rev;
    let initial = state
        .crosscheck
        .with_value(|s| s.as_ref().map(|s| s.department))
        .unwrap_or(Department::Police);
    let department = RwSignal::new(initial);
    let has_table = move || {
        rev.track();
        state.crosscheck.with_value(Option::is_some)
    };
    let has_result = move || {
        rev.track();
        state
            .crosscheck
            .with_value(|s| s.as_ref().is_some_and(|s| s.result.is_some()))
    };

    let read = move |_| {
        spawn_local(async move {
            let lang = state.lang.get_untracked();
            busy(state, text(lang).cc_reading);
            yield_frame().await;
            mark("baoxue-cc-read-start");
            let (name, bytes) = match read_file("cc-file", "请先选择名册文件").await {
                Ok(f) => f,
                Err(e) => {
                    state.progress.set(None);
                    return state.error(e);
                }
            };
            let dept = department.get_untracked();
            let read = read_table(&bytes);
            state.progress.set(None);
            match read {
                Ok(table) => {
                    let remembered = state
                        .mappings
                        .with_value(|m| m.get(dept.key()).cloned().unwrap_or_default());
                    let mapping = ColumnMapping::detect(&table, &remembered);
                    state.crosscheck.set_value(Some(Session {
                        department: dept,
                        file_name: name,
                        table,
                        mapping,
                        roster: None,
                        result: None,
                    }));
                    measure("baoxue-cc-read", "baoxue-cc-read-start");
                    rev.update(|r| *r += 1);
                }
                Err(e) => state.error(format!("“{name}”无法读取：{e}")),
            }
        });
    };

    view! {
        <h1>{move || t().cc_title}</h1>
        <p class="muted intro">{move || t().cc_intro}</p>
        <section class="panel">
            <div class="form-row">
                <label>{move || t().cc_department}
                    <select id="cc-department" on:change=move |ev| {
                        if let Some(d) = Department::from_key(&event_target_value(&ev)) {
                            department.set(d);
                            change_department(state, d);
                        }
                    }>
                        {Department::ALL.iter().map(|d| {
                            let d = *d;
                            view! { <option value=d.key() selected=move || department.get() == d>{move || d.label(state.lang.get())}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || t().cc_file}
                    <input type="file" id="cc-file" accept=".xlsx,.xls,.csv,.txt"/>
                </label>
                <button class="primary" id="cc-read" on:click=read>{move || t().cc_read}</button>
            </div>
        </section>
        <Show when=move || state.installation.with(|i| i.as_ref().is_some_and(|i| i.demo))>
            <DemoRosters/>
        </Show>
        <Show when=has_table>
            <MappingPanel/>
        </Show>
        <Show when=has_result>
            <Results/>
        </Show>
    }
}

/// The header row found and the field of each column, changeable by hand.
#[component]
fn MappingPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let t = move || text(state.lang.get());
    let rev = state.crosscheck_rev;
    let summary = move || {
        rev.track();
        state.crosscheck.with_value(|s| {
            s.as_ref()
                .map(|s| table_summary(&s.file_name, &s.table, s.table.rows.len(), &s.mapping))
        })
    };
    let columns = move || {
        rev.track();
        state.crosscheck.with_value(|s| {
            s.as_ref()
                .map(|s| s.mapping.preview(&s.table, 2))
                .unwrap_or_default()
        })
    };
    let missing = move || {
        rev.track();
        state
            .crosscheck
            .with_value(|s| s.as_ref().and_then(|s| s.mapping.missing()))
    };
    let set_field = move |column: usize, field: Option<RosterField>| {
        state.crosscheck.update_value(|s| {
            if let Some(s) = s.as_mut() {
                s.mapping.set(column, field);
                s.roster = None;
                s.result = None;
            }
        });
        rev.update(|r| *r += 1);
    };
    let run = move |_| {
        spawn_local(async move {
            let lang = state.lang.get_untracked();
            busy(state, text(lang).cc_matching);
            yield_frame().await;
            mark("baoxue-cc-match-start");
            let remembered = state.crosscheck.with_value(|s| {
                s.as_ref()
                    .map(|s| (s.department, s.mapping.to_remember(&s.table)))
            });
            state.crosscheck.update_value(|s| {
                if let Some(s) = s.as_mut() {
                    s.roster = Some(build_roster(&s.table, &s.mapping, s.department));
                }
            });
            rerun(state);
            measure("baoxue-cc-match", "baoxue-cc-match-start");
            state.progress.set(None);
            rev.update(|r| *r += 1);
            yield_frame().await;
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("cc-results"))
            {
                el.scroll_into_view();
            }
            if let (Some((dept, choice)), Some(db)) = (remembered, state.db()) {
                let mut all = state.mappings.get_value();
                all.insert(dept.key().to_string(), choice);
                state.mappings.set_value(all.clone());
                if let Err(e) = store::save_mappings(&db, &all).await {
                    state.error(e.to_string());
                }
            }
        });
    };
    view! {
        <section class="panel" id="cc-mapping">
            <h2>{move || t().cc_mapping}</h2>
            <p class="muted" id="cc-summary">{summary}</p>
            <details id="cc-columns" prop:open=move || { rev.track(); state.crosscheck.with_value(|s| s.as_ref().is_none_or(|s| s.result.is_none())) }>
            <summary>{move || t().cc_columns}</summary>
            <ColumnTable columns=columns select_class="cc-field" on_change=set_field/>
            </details>
            {move || missing().map(|m| view! { <p class="error-text">{m}</p> })}
            <button class="primary" id="cc-run" disabled=move || missing().is_some() on:click=run>{move || t().cc_run}</button>
        </section>
    }
}

/// What a reviewer can do with one finding.
#[derive(Clone, Copy, PartialEq)]
enum Act {
    Flag,
    Checked,
    AddGroup,
    Same,
    Different,
}

#[derive(Clone, PartialEq)]
struct Line {
    index: usize,
    line: String,
    name: String,
    id_number: String,
    birth: String,
    address: String,
    child: Option<(Uuid, String, String)>,
    confidence: String,
    detail: String,
    state: FindingState,
    kind: FindingKind,
    can_add_group: bool,
}

/// Does one action on a finding and stores it with its decision in one transaction.
async fn act(state: AppState, index: usize, what: Act, note: String) -> Result<(), String> {
    let lang = state.lang.get_untracked();
    if what == Act::Checked && note.trim().is_empty() {
        return Err(text(lang).cc_need_note.to_string());
    }
    let name = state.operator();
    let actor = Actor {
        name: &name,
        now: chrono::Local::now().naive_local(),
    };
    let set: ChangeSet = state.crosscheck.with_value(|s| {
        let s = s.as_ref().ok_or("请重新读取名册")?;
        let (Some(roster), Some(result)) = (&s.roster, &s.result) else {
            return Err("请重新比对".to_string());
        };
        let f = result.findings.get(index).ok_or("请重新比对")?;
        let dept = s.department;
        state.ledger.with_value(|l| match what {
            Act::Flag => {
                let row = f.row.and_then(|r| roster.rows.get(r)).ok_or("请重新比对")?;
                flag_registered(l, f, row, dept, &actor, Uuid::new_v4(), Uuid::new_v4())
                    .map_err(|e| e.to_string())
            }
            Act::AddGroup => {
                let disability = f
                    .row
                    .and_then(|r| roster.rows.get(r))
                    .and_then(|r| r.disability);
                add_group(l, &[(f, disability)], dept, &actor).map_err(|e| e.to_string())
            }
            Act::Checked => Ok(record_decision(f, dept, Verdict::Explained, &note, &actor)),
            Act::Same => Ok(record_decision(f, dept, Verdict::SamePerson, &note, &actor)),
            Act::Different => Ok(record_decision(
                f,
                dept,
                Verdict::DifferentPerson,
                &note,
                &actor,
            )),
        })
    })?;
    state.commit(set).await?;
    rerun(state);
    state.crosscheck_rev.update(|r| *r += 1);
    Ok(())
}

/// Adds every missing group flag of the list at once.
async fn add_all_groups(state: AppState) -> Result<usize, String> {
    let name = state.operator();
    let actor = Actor {
        name: &name,
        now: chrono::Local::now().naive_local(),
    };
    let set = state.crosscheck.with_value(|s| {
        let s = s.as_ref().ok_or("请重新读取名册")?;
        let (Some(roster), Some(result)) = (&s.roster, &s.result) else {
            return Err("请重新比对".to_string());
        };
        let todo: Vec<(&Finding, _)> = result
            .findings
            .iter()
            .filter(|f| f.missing_group.is_some() && f.state.is_open())
            .map(|f| {
                (
                    f,
                    f.row
                        .and_then(|r| roster.rows.get(r))
                        .and_then(|r| r.disability),
                )
            })
            .collect();
        state
            .ledger
            .with_value(|l| add_group(l, &todo, s.department, &actor))
            .map_err(|e| e.to_string())
    })?;
    let n = set.children.len();
    state.commit(set).await?;
    rerun(state);
    state.crosscheck_rev.update(|r| *r += 1);
    Ok(n)
}

#[component]
fn Results() -> impl IntoView {
    let state = expect_context::<AppState>();
    let t = move || text(state.lang.get());
    let rev = state.crosscheck_rev;
    let kind = RwSignal::new(FindingKind::NotInSchool);
    let show_done = RwSignal::new(false);
    let problems = RwSignal::new(false);
    let page = RwSignal::new(0usize);
    let note = RwSignal::new(String::new());
    Effect::new(move |_| {
        kind.track();
        show_done.track();
        page.set(0);
    });
    let counts = Memo::new(move |_| {
        rev.track();
        state.crosscheck.with_value(|s| {
            let r = s.as_ref().and_then(|s| s.result.as_ref());
            FindingKind::ALL
                .iter()
                .map(|k| r.map(|r| r.count(*k, true)).unwrap_or(0))
                .collect::<Vec<_>>()
        })
    });
    let summary = move || {
        rev.track();
        state.crosscheck.with_value(|s| {
            let s = s.as_ref()?;
            let (roster, r) = (s.roster.as_ref()?, s.result.as_ref()?);
            let lang = state.lang.get();
            let n = [
                roster.rows.len() + roster.rejected.len(),
                r.matched_by_id,
                r.matched_by_name,
                r.not_school_age,
                roster.rejected.len() + roster.id_problems().count(),
                roster.rejected.len(),
            ]
            .map(format_count);
            Some(match lang {
                baoxue_core::model::Lang::Zh => format!(
                    "{}名册{}行：按身份证号匹配{}人，按姓名和出生日期确认{}人；不在义务教育年龄{}人；问题行{}行（其中{}行未导入）",
                    s.department.zh(), n[0], n[1], n[2], n[3], n[4], n[5]
                ),
                baoxue_core::model::Lang::En => format!(
                    "{} roster, {} rows: {} matched by ID number, {} confirmed by name and birth date; {} not of compulsory-school age; {} problem rows ({} not imported)",
                    s.department.en(), n[0], n[1], n[2], n[3], n[4], n[5]
                ),
            })
        })
    };
    let chosen = Memo::new(move |_| {
        rev.track();
        let k = kind.get();
        let all = show_done.get();
        state.crosscheck.with_value(|s| {
            s.as_ref()
                .and_then(|s| s.result.as_ref())
                .map(|r| {
                    let mut ids: Vec<usize> = r
                        .findings
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| f.kind == k && (all || f.state.is_open()))
                        .map(|(i, _)| i)
                        .collect();
                    // What needs doing first: open before decided, a missing flag first.
                    ids.sort_by_key(|i| {
                        let f = &r.findings[*i];
                        (!f.state.is_open(), f.missing_group.is_none())
                    });
                    ids
                })
                .unwrap_or_default()
        })
    });
    let total = Signal::derive(move || chosen.with(Vec::len));
    let lines = move || {
        let at = page.get() * PAGE;
        let ids: Vec<usize> = chosen.with(|c| c.iter().skip(at).take(PAGE).copied().collect());
        state.crosscheck.with_value(|s| {
            let Some(s) = s.as_ref() else {
                return Vec::new();
            };
            let (Some(roster), Some(result)) = (&s.roster, &s.result) else {
                return Vec::new();
            };
            state.ledger.with_value(|l| {
                ids.iter()
                    .filter_map(|i| result.findings.get(*i).map(|f| (*i, f)))
                    .map(|(index, f)| {
                        let r = f.row.and_then(|i| roster.rows.get(i));
                        let c = f.child_id.and_then(|id| l.child(id));
                        Line {
                            index,
                            line: r.map(|r| r.line.to_string()).unwrap_or_default(),
                            name: r.map(|r| r.name.clone()).unwrap_or_default(),
                            id_number: r
                                .map(|r| {
                                    r.id_number
                                        .as_ref()
                                        .map(|n| n.to_string())
                                        .unwrap_or_else(|| r.id_written.clone())
                                })
                                .unwrap_or_default(),
                            birth: r
                                .and_then(|r| r.birth_date)
                                .map(|d| d.to_string())
                                .unwrap_or_default(),
                            address: r.map(|r| r.hukou.clone()).unwrap_or_default(),
                            child: c.map(|c| {
                                let names = l.names_for(c);
                                (
                                    c.id,
                                    c.name.clone(),
                                    format!("{} {}", names.school, c.status.zh()),
                                )
                            }),
                            confidence: f.confidence.map(|p| format!("{p}%")).unwrap_or_default(),
                            detail: f.detail.clone(),
                            state: f.state,
                            kind: f.kind,
                            can_add_group: f.missing_group.is_some(),
                        }
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let run_act = move |index: usize, what: Act| {
        spawn_local(async move {
            match act(state, index, what, note.get_untracked()).await {
                Ok(()) => {
                    if what == Act::Checked {
                        note.set(String::new());
                    }
                }
                Err(e) => state.error(e),
            }
        });
    };
    let can_add_all = move || {
        rev.track();
        kind.get() == FindingKind::Group
            && state.crosscheck.with_value(|s| {
                s.as_ref().and_then(|s| s.result.as_ref()).is_some_and(|r| {
                    r.findings
                        .iter()
                        .any(|f| f.missing_group.is_some() && f.state.is_open())
                })
            })
    };
    let add_all = move |_| {
        spawn_local(async move {
            match add_all_groups(state).await {
                Ok(n) => state.info(format!("已为{n}名儿童添加重点群体标记")),
                Err(e) => state.error(e),
            }
        });
    };
    let export = move || {
        state.crosscheck.with_value(|s| {
            let empty = baoxue_core::export::Table {
                title: String::new(),
                columns: Vec::new(),
                rows: Vec::new(),
            };
            let Some(s) = s.as_ref() else { return empty };
            let Some(roster) = &s.roster else {
                return empty;
            };
            if problems.get_untracked() {
                let title = format!("{}{}名册问题行", state.unit_short_name(), s.department.zh());
                return baoxue_core::export::roster_problems_table(roster, &title);
            }
            let ids = chosen.get_untracked();
            let Some(result) = &s.result else {
                return empty;
            };
            let found: Vec<&Finding> = ids.iter().filter_map(|i| result.findings.get(*i)).collect();
            let title = format!(
                "{}四查三比对_{}_{}",
                state.unit_short_name(),
                s.department.zh(),
                kind.get_untracked().zh()
            );
            state
                .ledger
                .with_value(|l| baoxue_core::export::crosscheck_table(l, roster, &found, &title))
        })
    };
    let problem_rows = move || {
        rev.track();
        state.crosscheck.with_value(|s| {
            s.as_ref()
                .and_then(|s| s.roster.as_ref())
                .map(|r| r.rejected.len() + r.id_problems().count())
                .unwrap_or(0)
        })
    };
    let problem_list = move || {
        state.crosscheck.with_value(|s| {
            s.as_ref()
                .and_then(|s| s.roster.as_ref())
                .map(|r| {
                    baoxue_core::export::roster_problems_table(r, "")
                        .rows
                        .into_iter()
                        .take(500)
                        .map(|cells| {
                            cells
                                .into_iter()
                                .map(|c| match c {
                                    baoxue_core::export::Cell::Text(t) => t,
                                    baoxue_core::export::Cell::Number(n) => format!("{n}"),
                                    _ => String::new(),
                                })
                                .collect::<Vec<_>>()
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };

    view! {
        <section class="panel" id="cc-results">
            <div class="title-row">
                <h2>{move || t().cc_lists}</h2>
                <ExportButtons id="export-crosscheck" table=export/>
            </div>
            <p id="cc-result-summary">{summary}</p>
            <div class="cards">
                {FindingKind::ALL.iter().enumerate().map(|(i, k)| {
                    let k = *k;
                    view! {
                        <span on:click=move |_| problems.set(false)>
                            <FilterStat id=k.key() value=k chosen=kind label=Signal::derive(move || k.label(state.lang.get())) count=Signal::derive(move || counts.with(|c| c.get(i).copied().unwrap_or(0)))/>
                        </span>
                    }
                }).collect_view()}
                <button id="cc-problems" class="stat" class:selected=move || problems.get() on:click=move |_| problems.set(true)>
                    <span class="label">{move || t().cc_problems}</span>
                    <span class="value">{move || format_count(problem_rows())}</span>
                </button>
            </div>
            <Show when=move || problems.get()>
                <div class="table-wrap">
                    <table class="grid" id="cc-problem-table">
                        <thead><tr><th>{move || t().cc_line}</th><th>{move || t().cc_state}</th><th>{move || t().cc_detail}</th></tr></thead>
                        <tbody>
                            {move || problem_list().into_iter().map(|cells| view! {
                                <tr>{cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </Show>
            <Show when=move || !problems.get()>
                <div class="list-meta">
                    <span>
                        {move || format!("{} {}", format_count(total.get()), t().results)}" "
                        <label class="inline"><input type="checkbox" id="cc-show-done" prop:checked=move || show_done.get() on:change=move |ev| show_done.set(event_target_checked(&ev))/>{move || t().cc_show_done}</label>
                    </span>
                    <crate::components::pager::Pager page=page total=total size=Signal::derive(|| PAGE)/>
                </div>
                <div class="form-row">
                    <label class="grow">{move || t().cc_note}
                        <input type="text" id="cc-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                    </label>
                    <Show when=can_add_all>
                        <button id="cc-add-all" on:click=add_all>{move || t().cc_add_all}</button>
                    </Show>
                </div>
                <div class="table-wrap">
                    <table class="grid" id="cc-table">
                        <thead><tr>
                            <th>{move || t().cc_line}</th><th>{move || t().col_name}</th><th>{move || t().id_number}</th>
                            <th>{move || t().birth_date}</th><th>{move || t().cc_roster}</th><th>{move || t().cc_ledger}</th>
                            <th>{move || t().cc_detail}</th><th>{move || t().cc_state}</th>
                        </tr></thead>
                        <tbody>
                            {move || lines().into_iter().map(|l| {
                                let i = l.index;
                                let state_text = match l.state {
                                    FindingState::New => t().cc_pending.to_string(),
                                    FindingState::Changed(v) => format!("{}（{}）", t().cc_changed, v.label(state.lang.get_untracked())),
                                    FindingState::Decided(v) => v.label(state.lang.get_untracked()).to_string(),
                                };
                                let open = l.state.is_open();
                                let button = move |label: &'static str, what: Act, class: &'static str| view! {
                                    <button class=format!("small {class}") on:click=move |_| run_act(i, what)>{label}</button>
                                };
                                let actions = if !open {
                                    ().into_any()
                                } else {
                                    match l.kind {
                                        FindingKind::NotInSchool => view! { {button(t().cc_flag, Act::Flag, "primary cc-flag")}{button(t().cc_checked, Act::Checked, "cc-checked")} }.into_any(),
                                        FindingKind::Group if l.can_add_group => view! { {button(t().cc_add_group, Act::AddGroup, "primary cc-add-group")}{button(t().cc_checked, Act::Checked, "cc-checked")} }.into_any(),
                                        FindingKind::PossibleMatch => view! { {button(t().cc_same, Act::Same, "primary cc-same")}{button(t().cc_different, Act::Different, "cc-different")} }.into_any(),
                                        _ => button(t().cc_checked, Act::Checked, "cc-checked").into_any(),
                                    }
                                };
                                view! {
                                    <tr class:done=!open>
                                        <td>{l.line}</td>
                                        <td class="nowrap">{l.name}</td>
                                        <td class="nowrap">{l.id_number}</td>
                                        <td class="nowrap">{l.birth}</td>
                                        <td>{l.address}</td>
                                        <td>{l.child.map(|(id, name, place)| view! { <a href=Route::Child(id).href()>{name}</a>" "<span class="muted">{place}</span> })}</td>
                                        <td>{l.detail}{(!l.confidence.is_empty()).then(|| format!("（{}{}）", t().cc_confidence, l.confidence))}</td>
                                        <td><span class="cc-state">{state_text}</span><div class="actions">{actions}</div></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <Show when=move || total.get() == 0><p class="empty">{move || t().cc_none}</p></Show>
                </div>
            </Show>
        </section>
    }
}

/// For training: the demo county's rosters as the police and the 残联 would send them, with
/// out-of-school children planted in them.
#[component]
fn DemoRosters() -> impl IntoView {
    let state = expect_context::<AppState>();
    let t = move || text(state.lang.get());
    let make = move |department: Department| {
        spawn_local(async move {
            let result = async {
                let table = crate::divisions::table().await?;
                let Some(inst) = state.installation.get_untracked() else {
                    return Err("请先设置单位".to_string());
                };
                // The demo's own day and size, so the planted children are the same each time.
                let mut params = baoxue_core::demo::DemoParams::new(inst.created_at.date());
                let roster = state
                    .ledger
                    .with_value(|l| {
                        params.children = l.len();
                        baoxue_core::demo::rosters::roster_for(
                            department,
                            &table,
                            &params,
                            &inst,
                            l.children(),
                            l.len() / 12,
                        )
                    })
                    .map_err(|e| e.to_string())?;
                let bytes = roster.to_xlsx().map_err(|e| e.to_string())?;
                crate::components::download::save_file(
                    &roster.file_name(today(), "xlsx"),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    &bytes,
                )
            }
            .await;
            if let Err(e) = result {
                state.error(e);
            }
        });
    };
    view! {
        <section class="panel demo-rosters">
            <span class="muted">{move || t().cc_demo_rosters}</span>" "
            <button class="small" id="cc-demo-police" on:click=move |_| make(Department::Police)>{move || t().cc_demo_police}</button>
            <button class="small" id="cc-demo-disabled" on:click=move |_| make(Department::DisabledFederation)>{move || t().cc_demo_disabled}</button>
        </section>
    }
}
