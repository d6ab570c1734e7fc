//! 辍学学生台账: every case, open, reopened and closed (动态销号).

use baoxue_core::casework::CaseState;
use baoxue_core::model::Labelled;
use leptos::prelude::*;
use uuid::Uuid;

use super::common::child_line;
use crate::browser::today;
use crate::components::download::ExportButtons;
use crate::components::filter_stat::FilterStat;
use crate::i18n::text;
use crate::route::Route;
use crate::state::{Language, Ledgers, Office};

#[derive(Clone, PartialEq)]
struct Row {
    id: Uuid,
    child: Uuid,
    name: String,
    school: String,
    grade: String,
    left_on: String,
    cause: String,
    responsible: String,
    deadline: String,
    overdue: bool,
    attempts: usize,
    last_step: String,
    state: CaseState,
}

#[component]
pub fn CasesPage() -> impl IntoView {
    let language = expect_context::<Language>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let filter = RwSignal::new(None::<CaseState>);
    let rows = Memo::new(move |_| {
        let lang = language.get();
        ledgers.with_cases(|l, b| {
            let mut v: Vec<Row> = b
                .cases()
                .map(|c| {
                    let (name, school, grade) = child_line(l, c.child_id, lang);
                    Row {
                        id: c.id,
                        child: c.child_id,
                        name,
                        school,
                        grade,
                        left_on: c.left_on.to_string(),
                        cause: c.cause.label(lang).to_string(),
                        responsible: c
                            .responsible
                            .iter()
                            .map(|p| p.name.clone())
                            .collect::<Vec<_>>()
                            .join(crate::i18n::sep(lang, false)),
                        deadline: c.deadline.to_string(),
                        overdue: c.closure.is_none() && c.deadline < today(),
                        attempts: c.attempts.len(),
                        last_step: c
                            .legal_steps
                            .last()
                            .map(|s| format!("{} {}", s.kind.label(lang), s.date))
                            .unwrap_or_default(),
                        state: c.state(),
                    }
                })
                .collect();
            v.sort_by(|a, b| {
                (a.state == CaseState::Closed, &b.left_on, a.id).cmp(&(
                    b.state == CaseState::Closed,
                    &a.left_on,
                    b.id,
                ))
            });
            v
        })
    });
    let count = move |s: CaseState| rows.with(|r| r.iter().filter(|x| x.state == s).count());
    view! {
        <div class="title-row">
            <h1>{move || t().cases_title}</h1>
            <ExportButtons id="export-cases" print=Route::Print(crate::route::PrintLedger::Cases) table=move || {
                let title = format!("{}辍学学生台账", office.unit_short_name());
                ledgers.ledger.with_untracked(|l| ledgers.casebook.with_untracked(|b| baoxue_core::export::cases_table(l, b, &title)))
            }/>
        </div>
        <div class="cards">
            <FilterStat id="cases-all" value=None chosen=filter label=Signal::derive(move || t().all) count=Signal::derive(move || rows.with(Vec::len))/>
            <FilterStat id="cases-open" value=Some(CaseState::Open) chosen=filter label=Signal::derive(move || CaseState::Open.label(language.get())) count=Signal::derive(move || count(CaseState::Open))/>
            <FilterStat id="cases-reopened" value=Some(CaseState::Reopened) chosen=filter label=Signal::derive(move || CaseState::Reopened.label(language.get())) count=Signal::derive(move || count(CaseState::Reopened))/>
            <FilterStat id="cases-closed" value=Some(CaseState::Closed) chosen=filter label=Signal::derive(move || CaseState::Closed.label(language.get())) count=Signal::derive(move || count(CaseState::Closed))/>
        </div>
        <div class="table-wrap">
            <table class="grid" id="cases-table">
                <thead><tr>
                    <th>{move || t().col_name}</th><th>{move || t().school}</th><th>{move || t().grade}</th>
                    <th>{move || t().left_on}</th><th>{move || t().cause}</th><th>{move || t().responsible}</th>
                    <th>{move || t().deadline}</th><th class="num">{move || t().attempts}</th>
                    <th>{move || t().last_step}</th><th>{move || t().case_state}</th>
                </tr></thead>
                <tbody>
                    {move || {
                        let lang = language.get();
                        let f = filter.get();
                        rows.get().into_iter().filter(|r| f.is_none_or(|s| r.state == s)).map(|r| view! {
                            <tr>
                                <td><a href=Route::Case(r.id).href()>{r.name}</a></td>
                                <td>{r.school}</td>
                                <td>{r.grade}</td>
                                <td class="nowrap">{r.left_on}</td>
                                <td>{r.cause}</td>
                                <td>{r.responsible}</td>
                                <td class="nowrap" class:alert-text=r.overdue>{r.deadline}{r.overdue.then(|| format!("（{}）", text(lang).overdue))}</td>
                                <td class="num">{r.attempts}</td>
                                <td>{r.last_step}</td>
                                <td><span class=format!("status case-{}", r.state.key())>{r.state.label(lang)}</span>
                                    <a class="sr" href=Route::Child(r.child).href()></a></td>
                            </tr>
                        }).collect_view()
                    }}
                </tbody>
            </table>
            <Show when=move || rows.with(Vec::is_empty)><p class="empty">{move || t().no_match}</p></Show>
        </div>
    }
}
