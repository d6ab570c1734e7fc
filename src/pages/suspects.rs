//! 疑似辍学学生台账: every suspect and its verification, the Pingdu counts, and the checks
//! that find suspects (小升初, transfers not received).

use baoxue_core::casework::{SuspectTrigger, Verdict};
use baoxue_core::model::{Labelled, Lang};
use baoxue_core::rules::school_age::school_year_of;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::common::{child_line, run};
use crate::browser::today;
use crate::components::download::ExportButtons;
use crate::components::filter_stat::FilterStat;
use crate::components::pager::Pager;
use crate::i18n::text;
use crate::route::Route;
use crate::state::{Language, Ledgers, Notices, Office};
use baoxue_core::model::format_count;

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    All,
    Pending,
    Confirmed,
    NotReal,
}

#[derive(Clone, PartialEq)]
struct Row {
    id: Uuid,
    child: Uuid,
    name: String,
    school: String,
    grade: String,
    trigger: String,
    flagged_on: String,
    flagged_by: String,
    verdict: Option<String>,
}

#[component]
pub fn SuspectsPage() -> impl IntoView {
    let language = expect_context::<Language>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let show = RwSignal::new(Tab::Pending);
    let kind = RwSignal::new(String::new());
    let page = RwSignal::new(0usize);
    let counts = Memo::new(move |_| ledgers.with_cases(|_, b| b.verification_counts()));
    let rows = Memo::new(move |_| {
        let show = show.get();
        let kind = kind.get();
        let lang = language.get();
        ledgers.with_cases(|l, b| {
            let mut v: Vec<_> = b
                .suspects()
                .filter(|s| kind.is_empty() || s.trigger.kind_zh() == kind)
                .filter(|s| match (show, &s.verification) {
                    (Tab::All, _) => true,
                    (Tab::Pending, None) => true,
                    (Tab::Confirmed, Some(v)) => v.verdict == Verdict::Confirmed,
                    (Tab::NotReal, Some(v)) => v.verdict != Verdict::Confirmed,
                    _ => false,
                })
                .collect();
            v.sort_by(|a, b| b.flagged_on.cmp(&a.flagged_on).then(a.id.cmp(&b.id)));
            v.into_iter()
                .map(|s| {
                    let (name, school, grade) = child_line(l, s.child_id, lang);
                    Row {
                        id: s.id,
                        child: s.child_id,
                        name,
                        school,
                        grade,
                        trigger: s.trigger.say(lang),
                        flagged_on: s.flagged_on.to_string(),
                        flagged_by: s.flagged_by.clone(),
                        verdict: s.verification.as_ref().map(|v| match (&v.verdict, lang) {
                            (Verdict::Confirmed, Lang::Zh) => format!("{} 确认辍学", v.date),
                            (Verdict::Confirmed, Lang::En) => {
                                format!("{} confirmed a dropout", v.date)
                            }
                            (Verdict::NotReal { reason, school }, _) => {
                                let school = match (school.is_empty(), lang) {
                                    (true, _) => String::new(),
                                    (false, Lang::Zh) => format!("（{school}）"),
                                    (false, Lang::En) => format!(" ({school})"),
                                };
                                let not_real = match lang {
                                    Lang::Zh => "非真实辍学：",
                                    Lang::En => " not a dropout: ",
                                };
                                format!("{}{not_real}{}{school}", v.date, reason.label(lang))
                            }
                        }),
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    Effect::watch(
        move || (show.get(), kind.get()),
        move |_, _, _| page.set(0),
        false,
    );
    let total = Signal::derive(move || rows.with(Vec::len));
    view! {
        <div class="title-row">
            <h1>{move || t().suspects_title}</h1>
            <ExportButtons id="export-suspects" print=Route::Print(crate::route::PrintLedger::Suspects) table=move || {
                let title = format!("{}疑似辍学学生台账", office.unit_short_name());
                ledgers.ledger.with_untracked(|l| ledgers.casebook.with_untracked(|b| baoxue_core::export::suspects_table(l, b, &title)))
            }/>
        </div>
        <div class="cards">
            <FilterStat id="count-flagged" value=Tab::All chosen=show label=Signal::derive(move || t().flagged) count=Signal::derive(move || counts.get().flagged)/>
            <FilterStat id="count-pending" value=Tab::Pending chosen=show label=Signal::derive(move || t().pending) count=Signal::derive(move || counts.get().pending)/>
            <FilterStat id="count-confirmed" value=Tab::Confirmed chosen=show label=Signal::derive(move || t().confirmed) count=Signal::derive(move || counts.get().confirmed)/>
            <FilterStat id="count-not-real" value=Tab::NotReal chosen=show label=Signal::derive(move || t().not_real) count=Signal::derive(move || counts.get().not_real)/>
        </div>
        <Checks/>
        <div class="list-meta">
            <span>
                {move || format!("{} {}", format_count(total.get()), t().results)}" "
                <select id="trigger-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="">{move || format!("{}{}{}", t().trigger, t().colon, t().all)}</option>
                    {SuspectTrigger::KINDS.into_iter().map(|(zh, en)| view! { <option value=zh>{move || if language.get() == Lang::En { en } else { zh }}</option> }).collect_view()}
                </select>
            </span>
            <Pager page=page total=total size=Signal::derive(|| 50)/>
        </div>
        <div class="table-wrap">
            <table class="grid" id="suspects-table">
                <thead><tr>
                    <th>{move || t().col_name}</th><th>{move || t().school}</th><th>{move || t().grade}</th>
                    <th>{move || t().trigger}</th><th>{move || t().flagged_on}</th><th>{move || t().flagged_by}</th>
                    <th>{move || t().verification}</th>
                </tr></thead>
                <tbody>
                    {move || rows.with(|r| r.iter().skip(page.get() * 50).take(50).cloned().collect::<Vec<_>>()).into_iter().map(|r| {
                        let verify = Route::Suspect(r.id).href();
                        view! {
                            <tr>
                                <td><a href=Route::Child(r.child).href()>{r.name}</a></td>
                                <td>{r.school}</td>
                                <td>{r.grade}</td>
                                <td>{r.trigger}</td>
                                <td class="nowrap">{r.flagged_on}</td>
                                <td>{r.flagged_by}</td>
                                <td>{match r.verdict {
                                    Some(v) => view! { <span>{v}</span> }.into_any(),
                                    None => view! { <a class="button primary small" href=verify>{t().verify}</a> }.into_any(),
                                }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <Show when=move || total.get() == 0><p class="empty">{move || t().no_match}</p></Show>
        </div>
    }
}

/// The 小升初 check and transfers not received.
#[component]
fn Checks() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let gaps = RwSignal::new(None::<Vec<Uuid>>);
    let run_p2j = move |_| {
        gaps.set(Some(
            ledgers.with_cases(|l, b| b.primary_to_junior_gaps(l, today())),
        ))
    };
    let flag_gaps = move |_| {
        let ids = gaps.get_untracked().unwrap_or_default();
        let year = school_year_of(today()) - 1;
        spawn_local(async move {
            let found = ids
                .iter()
                .map(|id| (*id, SuspectTrigger::PrimaryToJunior { school_year: year }))
                .collect();
            let r = run(ledgers, office, language, |l, b, a| {
                Ok::<_, baoxue_core::casework::CaseworkError>(
                    b.flag_many(l, found, a, Uuid::new_v4).0,
                )
            })
            .await;
            match r {
                Ok(()) => {
                    gaps.set(Some(
                        ledgers.with_cases(|l, b| b.primary_to_junior_gaps(l, today())),
                    ));
                    notices.info(format!(
                        "{} {}",
                        ids.len(),
                        text(language.get_untracked()).newly_flagged
                    ));
                }
                Err(e) => notices.error(e),
            }
        });
    };
    let transfers = Memo::new(move |_| {
        ledgers.with_cases(|l, b| {
            b.unconfirmed_transfers(today())
                .into_iter()
                .filter(|tr| b.open_suspect_of(tr.child_id).is_none())
                .map(|tr| {
                    (
                        tr.id,
                        tr.child_id,
                        child_line(l, tr.child_id, language.get()).0,
                        tr.to_school.clone(),
                        tr.date,
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let confirm = move |id: Uuid| {
        spawn_local(async move {
            if let Err(e) = run(ledgers, office, language, |_, b, a| {
                b.confirm_transfer(id, today(), a)
            })
            .await
            {
                notices.error(e);
            }
        });
    };
    let flag_transfer = move |tid: Uuid, child: Uuid| {
        spawn_local(async move {
            let r = run(ledgers, office, language, |l, b, a| {
                let tr = b
                    .transfers()
                    .find(|x| x.id == tid)
                    .cloned()
                    .ok_or(baoxue_core::casework::CaseworkError::NotFound)?;
                let trigger = SuspectTrigger::TransferUnconfirmed {
                    transfer_id: tid,
                    date: tr.date,
                    to_school: tr.to_school,
                };
                let (set, skipped) = b.flag_many(l, vec![(child, trigger)], a, Uuid::new_v4);
                match skipped.into_iter().next() {
                    Some((_, e)) => Err(e),
                    None => Ok(set),
                }
            })
            .await;
            if let Err(e) = r {
                notices.error(e);
            }
        });
    };
    view! {
        <div class="columns two">
            <section class="card">
                <h2>{move || t().check_p2j}</h2>
                <p class="muted">{move || t().check_p2j_hint}</p>
                <button id="run-p2j" on:click=run_p2j>{move || t().run_check}</button>
                {move || gaps.get().map(|ids| {
                    let names = ledgers.with_ledger(|l| ids.iter().map(|id| child_line(l, *id, language.get())).collect::<Vec<_>>());
                    if ids.is_empty() {
                        return view! { <p id="p2j-result">{t().none_found}</p> }.into_any();
                    }
                    view! {
                        <div id="p2j-result">
                            <p><strong>{ids.len()}</strong>" — "{names.iter().map(|n| format!("{}{}", n.0, crate::i18n::paren(language.get(), &n.1))).collect::<Vec<_>>().join(crate::i18n::sep(language.get(), false))}</p>
                            <button id="flag-p2j" class="primary" on:click=flag_gaps>{t().flag_all}</button>
                        </div>
                    }.into_any()
                })}
            </section>
            <section class="card">
                <h2>{move || t().check_transfers}</h2>
                <p class="muted">{move || crate::i18n::fill(t().check_transfers_hint, &[&ledgers.casebook.with_untracked(|b| b.settings.transfer_confirm_days).to_string()])}</p>
                <Show when=move || transfers.with(Vec::is_empty)><p>{move || t().none_found}</p></Show>
                <table class="grid compact">
                    <tbody>
                        {move || transfers.get().into_iter().map(|(tid, child, name, to, date)| view! {
                            <tr>
                                <td><a href=Route::Child(child).href()>{name}</a></td>
                                <td>{to}</td>
                                <td class="nowrap">{date.to_string()}</td>
                                <td class="nowrap">
                                    <button class="small" on:click=move |_| confirm(tid)>{t().confirm_received}</button>" "
                                    <button class="small primary" on:click=move |_| flag_transfer(tid, child)>{t().flag}</button>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </div>
    }
}
