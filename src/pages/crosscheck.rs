//! 四查三比对: a department's roster against the children's ledger. The roster stays in
//! memory for the session (it is another department's data); the column choices and the
//! decisions are stored.

use baoxue_core::casework::{Actor, ChangeSet};
use baoxue_core::crosscheck::{
    read_table, Action, Department, FindingKind, FindingState, RosterField, Session, SessionError,
};
use baoxue_core::ledger::Ledger;
use baoxue_core::model::{Labelled, Localized};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::common::read_file;
use crate::browser::today;
use crate::browser::{mark, measure};
use crate::components::column_table::{table_summary, ColumnTable};
use crate::components::download::ExportButtons;
use crate::components::filter_stat::FilterStat;
use crate::i18n::text;
use crate::route::Route;
use crate::state::{CrossCheck, Database, Language, Ledgers, Notices, Office, Progress};
use crate::store;
use baoxue_core::model::format_count;

const PAGE: usize = 50;

/// Lets the browser paint (the progress bar) before long work.
async fn yield_frame() {
    gloo_timers::future::TimeoutFuture::new(16).await;
}

fn busy(notices: Notices, label: &str) {
    notices.progress.set(Some(Progress {
        label: label.to_string(),
        done: 1,
        total: 2,
    }));
}

/// Checks the session's roster again (after the ledger or decisions changed).
fn recheck(checking: CrossCheck, ledgers: Ledgers) {
    checking.session.update(|s| {
        if let Some(s) = s.as_mut() {
            ledgers.ledger.with_untracked(|l| {
                ledgers
                    .casebook
                    .with_untracked(|b| s.recheck(l, b.decisions(), today()))
            });
        }
    });
}

/// A roster already read belongs to the department now chosen.
fn change_department(checking: CrossCheck, department: Department) {
    let changes = checking
        .session
        .with_untracked(|s| s.as_ref().is_some_and(|s| s.department != department));
    if changes {
        checking.session.update(|s| {
            if let Some(s) = s.as_mut() {
                checking
                    .mappings
                    .with_untracked(|m| s.change_department(department, m));
            }
        });
    }
}

#[component]
pub fn CrossCheckPage() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let checking = expect_context::<CrossCheck>();
    let t = move || text(language.get());
    let initial = checking
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.department))
        .unwrap_or(Department::Police);
    let department = RwSignal::new(initial);
    let has_table = move || checking.session.with(Option::is_some);
    let has_result = move || {
        checking
            .session
            .with(|s| s.as_ref().is_some_and(|s| s.result.is_some()))
    };

    let read = move |_| {
        spawn_local(async move {
            let lang = language.get_untracked();
            busy(notices, text(lang).cc_reading);
            yield_frame().await;
            mark("baoxue-cc-read-start");
            let (name, bytes) = match read_file("cc-file", text(lang).cc_choose_file, lang).await {
                Ok(f) => f,
                Err(e) => {
                    notices.progress.set(None);
                    return notices.error(e);
                }
            };
            let dept = department.get_untracked();
            let read = read_table(&bytes);
            notices.progress.set(None);
            match read {
                Ok(table) => {
                    let session = checking
                        .mappings
                        .with_untracked(|m| Session::read(dept, name, table, m));
                    checking.session.set(Some(session));
                    measure("baoxue-cc-read", "baoxue-cc-read-start");
                }
                Err(e) => notices.error(match lang {
                    baoxue_core::model::Lang::Zh => format!("“{name}”无法读取：{e}"),
                    baoxue_core::model::Lang::En => format!("“{name}” cannot be read: {}", e.en()),
                }),
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
                            change_department(checking, d);
                        }
                    }>
                        {Department::ALL.iter().map(|d| {
                            let d = *d;
                            view! { <option value=d.key() selected=move || department.get() == d>{move || d.label(language.get())}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || t().cc_file}
                    <input type="file" id="cc-file" accept=".xlsx,.xls,.csv,.txt"/>
                </label>
                <button class="primary" id="cc-read" on:click=read>{move || t().cc_read}</button>
            </div>
        </section>
        <Show when=move || office.installation.with(|i| i.as_ref().is_some_and(|i| i.demo))>
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
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let database = expect_context::<Database>();
    let ledgers = expect_context::<Ledgers>();
    let checking = expect_context::<CrossCheck>();
    let t = move || text(language.get());
    let summary = move || {
        checking.session.with(|s| {
            s.as_ref().map(|s| {
                table_summary(
                    &s.file_name,
                    &s.table,
                    s.table.rows.len(),
                    &s.mapping,
                    language.get(),
                )
            })
        })
    };
    let columns = move || {
        checking.session.with(|s| {
            s.as_ref()
                .map(|s| s.mapping.preview(&s.table, 2))
                .unwrap_or_default()
        })
    };
    let missing = move || {
        checking
            .session
            .with(|s| s.as_ref().and_then(|s| s.mapping.missing()))
    };
    let set_field = move |column: usize, field: Option<RosterField>| {
        checking.session.update(|s| {
            if let Some(s) = s.as_mut() {
                s.set_field(column, field);
            }
        });
    };
    let run = move |_| {
        spawn_local(async move {
            let lang = language.get_untracked();
            busy(notices, text(lang).cc_matching);
            yield_frame().await;
            mark("baoxue-cc-match-start");
            let mut mappings = checking.mappings.get_untracked();
            let mut checked = false;
            checking.session.update(|s| {
                if let Some(s) = s.as_mut() {
                    ledgers.ledger.with_untracked(|l| {
                        ledgers
                            .casebook
                            .with_untracked(|b| s.check(l, b.decisions(), today(), &mut mappings))
                    });
                    checked = true;
                }
            });
            measure("baoxue-cc-match", "baoxue-cc-match-start");
            notices.progress.set(None);
            yield_frame().await;
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("cc-results"))
            {
                el.scroll_into_view();
            }
            if let (true, Some(db)) = (checked, database.db()) {
                checking.mappings.set(mappings.clone());
                if let Err(e) = store::save_mappings(&db, &mappings).await {
                    notices.error(e.say(language.get_untracked()));
                }
            }
        });
    };
    view! {
        <section class="panel" id="cc-mapping">
            <h2>{move || t().cc_mapping}</h2>
            <p class="muted" id="cc-summary">{summary}</p>
            <details id="cc-columns" prop:open=move || { checking.session.with(|s| s.as_ref().is_none_or(|s| s.result.is_none())) }>
            <summary>{move || t().cc_columns}</summary>
            <ColumnTable columns=columns select_class="cc-field" on_change=set_field/>
            </details>
            {move || missing().map(|m| view! { <p class="error-text">{m}</p> })}
            <button class="primary" id="cc-run" disabled=move || missing().is_some() on:click=run>{move || t().cc_run}</button>
        </section>
    }
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

/// Does what `step` makes of the session and stores it in one transaction, then checks
/// the roster again; returns how many children it changed.
async fn act(
    checking: CrossCheck,
    ledgers: Ledgers,
    office: Office,
    language: Language,
    step: impl FnOnce(&Session, &Ledger, &Actor) -> Result<ChangeSet, SessionError>,
) -> Result<usize, String> {
    let name = office.operator();
    let actor = Actor {
        name: &name,
        now: chrono::Local::now().naive_local(),
    };
    let set = checking
        .session
        .with_untracked(|s| {
            let s = s.as_ref().ok_or(SessionError::NotChecked)?;
            ledgers.ledger.with_untracked(|l| step(s, l, &actor))
        })
        .map_err(|e| e.say(language.get_untracked()))?;
    let n = set.children.len();
    ledgers
        .commit(set)
        .await
        .map_err(|e| e.say(language.get_untracked()))?;
    recheck(checking, ledgers);
    Ok(n)
}

#[component]
fn Results() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let checking = expect_context::<CrossCheck>();
    let t = move || text(language.get());
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
        checking
            .session
            .with(|s| s.as_ref().map(Session::open_counts).unwrap_or_default())
    });
    let summary = move || {
        checking.session.track();
        let lang = language.get();
        checking
            .session
            .with_untracked(|s| s.as_ref()?.summary())
            .map(|s| s.say(lang))
    };
    let chosen = Memo::new(move |_| {
        checking.session.track();
        let (k, all) = (kind.get(), show_done.get());
        checking
            .session
            .with_untracked(|s| s.as_ref().map(|s| s.listed(k, all)).unwrap_or_default())
    });
    let total = Signal::derive(move || chosen.with(Vec::len));
    let lines = move || {
        let lang = language.get();
        let at = page.get() * PAGE;
        let ids: Vec<usize> = chosen.with(|c| c.iter().skip(at).take(PAGE).copied().collect());
        checking.session.with_untracked(|s| {
            let Some(s) = s.as_ref() else {
                return Vec::new();
            };
            let (Some(roster), Some(result)) = (&s.roster, &s.result) else {
                return Vec::new();
            };
            ledgers.ledger.with_untracked(|l| {
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
                                    format!("{} {}", names.school, c.status.label(lang)),
                                )
                            }),
                            confidence: f.confidence.map(|p| format!("{p}%")).unwrap_or_default(),
                            detail: f.detail.say(lang),
                            state: f.state,
                            kind: f.kind,
                            can_add_group: f.missing_group.is_some(),
                        }
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let run_act = move |index: usize, what: Action| {
        spawn_local(async move {
            let note_text = note.get_untracked();
            let step = |s: &Session, l: &Ledger, a: &Actor| {
                s.act(
                    l,
                    index,
                    what,
                    &note_text,
                    a,
                    (Uuid::new_v4(), Uuid::new_v4()),
                )
            };
            match act(checking, ledgers, office, language, step).await {
                Ok(_) if what == Action::Checked => note.set(String::new()),
                Ok(_) => {}
                Err(e) => notices.error(e),
            }
        });
    };
    let can_add_all = move || {
        checking.session.track();
        kind.get() == FindingKind::Group
            && checking
                .session
                .with_untracked(|s| s.as_ref().is_some_and(Session::can_add_all_groups))
    };
    let add_all = move |_| {
        spawn_local(async move {
            match act(checking, ledgers, office, language, |s, l, a| {
                s.add_all_groups(l, a)
            })
            .await
            {
                Ok(n) => notices.info(match language.get_untracked() {
                    baoxue_core::model::Lang::Zh => format!("已为{n}名儿童添加重点群体标记"),
                    baoxue_core::model::Lang::En => {
                        format!("Special group added to {n} children")
                    }
                }),
                Err(e) => notices.error(e),
            }
        });
    };
    let export = move || {
        checking.session.with_untracked(|s| {
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
                let title = format!(
                    "{}{}名册问题行",
                    office.unit_short_name(),
                    s.department.zh()
                );
                return baoxue_core::export::roster_problems_table(roster, &title);
            }
            let ids = chosen.get_untracked();
            let Some(result) = &s.result else {
                return empty;
            };
            let found: Vec<&baoxue_core::crosscheck::Finding> =
                ids.iter().filter_map(|i| result.findings.get(*i)).collect();
            let title = format!(
                "{}四查三比对_{}_{}",
                office.unit_short_name(),
                s.department.zh(),
                kind.get_untracked().zh()
            );
            ledgers.ledger.with_untracked(|l| {
                baoxue_core::export::crosscheck_table(l, roster, &found, &title)
            })
        })
    };
    let problem_rows = move || {
        checking
            .session
            .with(|s| s.as_ref().map_or(0, Session::problem_rows))
    };
    let problem_list = move || {
        checking.session.with_untracked(|s| {
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
                            <FilterStat id=k.key() value=k chosen=kind label=Signal::derive(move || k.label(language.get())) count=Signal::derive(move || counts.with(|c| c.get(i).copied().unwrap_or(0)))/>
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
                                    FindingState::Changed(v) => format!("{}（{}）", t().cc_changed, v.label(language.get_untracked())),
                                    FindingState::Decided(v) => v.label(language.get_untracked()).to_string(),
                                };
                                let open = l.state.is_open();
                                let button = move |label: &'static str, what: Action, class: &'static str| view! {
                                    <button class=format!("small {class}") on:click=move |_| run_act(i, what)>{label}</button>
                                };
                                let actions = if !open {
                                    ().into_any()
                                } else {
                                    match l.kind {
                                        FindingKind::NotInSchool => view! { {button(t().cc_flag, Action::Flag, "primary cc-flag")}{button(t().cc_checked, Action::Checked, "cc-checked")} }.into_any(),
                                        FindingKind::Group if l.can_add_group => view! { {button(t().cc_add_group, Action::AddGroup, "primary cc-add-group")}{button(t().cc_checked, Action::Checked, "cc-checked")} }.into_any(),
                                        FindingKind::PossibleMatch => view! { {button(t().cc_same, Action::Same, "primary cc-same")}{button(t().cc_different, Action::Different, "cc-different")} }.into_any(),
                                        _ => button(t().cc_checked, Action::Checked, "cc-checked").into_any(),
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
                                        <td>{l.detail}{(!l.confidence.is_empty()).then(|| crate::i18n::paren(language.get(), &format!("{}{}", t().cc_confidence, l.confidence)))}</td>
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
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let make = move |department: Department| {
        spawn_local(async move {
            let result = async {
                let table = crate::divisions::table().await?;
                let Some(inst) = office.installation.get_untracked() else {
                    return Err(text(language.get_untracked()).unit_not_set.to_string());
                };
                // The demo's own day and size, so the planted children are the same each time.
                let mut params = baoxue_core::demo::DemoParams::new(inst.created_at.date());
                let roster = ledgers
                    .ledger
                    .with_untracked(|l| {
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
                    .map_err(|e| e.say(language.get_untracked()))?;
                let bytes = roster.to_xlsx().map_err(|e| e.to_string())?;
                crate::components::download::save_file(
                    &roster.file_name(today(), "xlsx"),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    &bytes,
                )
            }
            .await;
            if let Err(e) = result {
                notices.error(e);
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
