//! 一人一案: one dropout case — persons, persuasion, the legal ladder, closing, history.

use baoxue_core::casework::{
    AttemptResult, AttemptWay, Closure, ClosureOutcome, DropoutCase, LegalStep, LegalStepKind,
    ReturnAttempt,
};
use baoxue_core::model::{Labelled, Status};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::common::{child_line, parse_date, run};
use crate::browser::today;
use crate::components::select::EnumSelect;
use crate::i18n::{paren, sep, text};
use crate::route::Route;
use crate::state::{Language, Ledgers, Notices, Office};

#[component]
pub fn CasePage(id: Uuid) -> impl IntoView {
    let language = expect_context::<Language>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let case = Memo::new(move |_| ledgers.with_cases(|_, b| b.case(id).cloned()));
    move || {
        let Some(c) = case.get() else {
            return view! { <p class="card error">{t().child_not_found}</p> }.into_any();
        };
        let lang = language.get();
        let (name, school, grade) =
            ledgers.with_ledger(|l| child_line(l, c.child_id, language.get()));
        let watch = c.closure.as_ref().map(|cl| {
            baoxue_core::casework::watch_until(cl, ledgers.casebook.with(|b| b.settings.watch_days))
        });
        let open = c.closure.is_none();
        view! {
            <div class="title-row">
                <h1>{t().case_title}{t().colon} <a href=Route::Child(c.child_id).href() id="case-child">{name}</a>
                    " " <span class=format!("status case-{}", c.state().key()) id="case-state">{c.state().label(lang)}</span></h1>
                <a class="button" href=Route::Cases.href()>{t().back_to_list}</a>
            </div>
            <p class="muted">{school}" · "{grade}</p>
            <div class="columns two">
                <section class="card">
                    <table class="fields"><tbody>
                        <tr><th>{t().left_on}</th><td>{c.left_on.to_string()}</td></tr>
                        <tr><th>{t().cause}</th><td>{c.cause.label(lang)}{(!c.cause_note.is_empty()).then(|| format!("{}{}", t().colon, c.cause_note))}</td></tr>
                        <tr><th>{t().responsible}</th><td id="case-persons">{c.responsible.iter().map(|p| {
                            let role = if p.phone.is_empty() { p.role.label(lang).to_string() } else { format!("{}{}{}", p.role.label(lang), sep(lang, false), p.phone) };
                            format!("{}{}", p.name, paren(lang, &role))
                        }).collect::<Vec<_>>().join(sep(lang, true))}</td></tr>
                        <tr><th>{t().deadline}</th><td class:alert-text=open && c.deadline < today()>{c.deadline.to_string()}</td></tr>
                        <tr><th>{t().support}</th><td>{c.support.iter().map(|s| s.label(lang)).collect::<Vec<_>>().join(sep(lang, false))}</td></tr>
                        {c.closure.as_ref().map(|cl| view! {
                            <tr><th>{t().closed_on}</th><td id="case-closure">{format!("{} {}{}", cl.date, &cl.outcome.label(lang), paren(lang, &cl.evidence))}</td></tr>
                            <tr><th>{t().watch_until}</th><td>{watch.map(|w| w.to_string())}</td></tr>
                        })}
                    </tbody></table>
                </section>
                <section class="card">
                    <h2>{t().attempts_title}" ("{c.attempts.len()}")"</h2>
                    <AttemptList attempts=c.attempts.clone()/>
                    {open.then(|| view! { <AttemptForm case_id=id/> })}
                </section>
            </div>
            <section class="card">
                <h2>{t().legal_title}</h2>
                <p class="muted">{t().legal_hint}</p>
                <LegalSteps case=c.clone()/>
                {open.then(|| view! { <LegalStepForm case=c.clone()/> })}
            </section>
            {open.then(|| view! { <CloseForm case=c.clone()/> })}
            {(!c.history.is_empty()).then(|| view! {
                <section class="card" id="case-history">
                    <h2>{t().history_episodes}</h2>
                    <ol class="history">
                        {c.history.iter().map(|e| view! {
                            <li>
                                <div class="when"><strong>{format!("{} — {}", e.opened_on, e.closure.date)}</strong></div>
                                <div>{[format!("{}{}{}", t().cause, t().colon, e.cause.label(lang)), crate::i18n::fill(t().attempts_n, &[&e.attempts.len().to_string()]), e.closure.outcome.label(lang)].join(sep(lang, true))}</div>
                                <AttemptList attempts=e.attempts.clone()/>
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
            })}
        }
        .into_any()
    }
}

/// Persuasion attempts, oldest first.
#[component]
fn AttemptList(attempts: Vec<ReturnAttempt>) -> impl IntoView {
    let language = expect_context::<Language>();
    let lang = language.get_untracked();
    let t = text(lang);
    view! {
        <table class="grid compact attempts">
            <thead><tr><th>{t.date}</th><th>{t.way}</th><th>{t.persons}</th><th>{t.guardian_said}</th><th>{t.result}</th></tr></thead>
            <tbody>
                {attempts.into_iter().map(|a| view! {
                    <tr><td class="nowrap">{a.date.to_string()}</td><td>{a.way.label(lang)}</td><td>{a.persons}</td><td>{a.guardian_said}</td><td>{a.result.label(lang)}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn AttemptForm(case_id: Uuid) -> impl IntoView {
    let language = expect_context::<Language>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let date = RwSignal::new(today().to_string());
    let way = RwSignal::new(Some(AttemptWay::HomeVisit));
    let persons = RwSignal::new(String::new());
    let said = RwSignal::new(String::new());
    let result = RwSignal::new(Some(AttemptResult::Considering));
    let error = RwSignal::new(None::<String>);
    // A 家访 before any legal step is offered as the ladder's first step too.
    let as_step = RwSignal::new(true);
    let offers = move || {
        way.get() == Some(AttemptWay::HomeVisit)
            && ledgers.with_cases(|_, b| b.offers_home_visit_step(case_id))
    };
    let save = move |_| {
        let Some(d) = parse_date(&date.get_untracked()) else {
            return;
        };
        let attempt = ReturnAttempt {
            date: d,
            way: way.get_untracked().unwrap_or(AttemptWay::HomeVisit),
            persons: persons.get_untracked(),
            guardian_said: said.get_untracked(),
            result: result.get_untracked().unwrap_or(AttemptResult::Considering),
            recorded_by: office.operator(),
        };
        spawn_local(async move {
            let step = as_step.get_untracked();
            match run(ledgers, office, language, |_, b, a| {
                if step {
                    b.add_home_visit_as_step(case_id, attempt, a)
                } else {
                    b.add_attempt(case_id, attempt, a)
                }
            })
            .await
            {
                Ok(()) => {
                    error.set(None);
                    persons.set(String::new());
                    said.set(String::new());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <h3>{move || t().add_attempt}</h3>
        <div class="form-grid">
            <label class="field"><span>{move || t().date}</span><input type="date" id="a-date" bind:value=date/></label>
            <label class="field"><span>{move || t().way}</span><EnumSelect value=way id="a-way".to_string()/></label>
            <label class="field"><span>{move || t().persons}</span><input id="a-persons" bind:value=persons/></label>
            <label class="field"><span>{move || t().result}</span><EnumSelect value=result id="a-result".to_string()/></label>
            <label class="field wide"><span>{move || t().guardian_said}</span><input id="a-said" bind:value=said/></label>
        </div>
        <Show when=offers>
            <label class="check"><input type="checkbox" id="a-as-step" bind:checked=as_step/>{move || t().attempt_as_step}</label>
        </Show>
        {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
        <button id="add-attempt" on:click=save>{move || t().add_attempt}</button>
    }
}

#[component]
fn LegalSteps(case: DropoutCase) -> impl IntoView {
    let language = expect_context::<Language>();
    let lang = language.get_untracked();
    let t = text(lang);
    let id = case.id;
    view! {
        <table class="grid compact" id="legal-steps">
            <thead><tr><th>{t.date}</th><th>{t.step}</th><th>{t.issuer}</th><th>{t.note}</th><th></th></tr></thead>
            <tbody>
                {case.legal_steps.iter().enumerate().map(|(i, s)| view! {
                    <tr>
                        <td class="nowrap">{s.date.to_string()}</td>
                        <td>{s.kind.label(lang)}{s.serial.as_ref().map(|x| format!("（{x}）"))}</td>
                        <td>{s.issuer.clone()}</td>
                        <td>{s.note.clone()}{s.deadline.map(|d| format!(" {}：{d}", t.notice_deadline))}</td>
                        <td>{(s.kind == LegalStepKind::ReturnNotice).then(|| view! {
                            <a class="button small" id=format!("print-notice-{i}") href=Route::Notice(id, i).href()>{t.print_notice}</a>
                        })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn LegalStepForm(case: DropoutCase) -> impl IntoView {
    let language = expect_context::<Language>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let highest = case
        .legal_steps
        .iter()
        .map(|s| s.kind.rung())
        .max()
        .unwrap_or(0);
    let next = LegalStepKind::ALL
        .iter()
        .copied()
        .find(|k| k.rung() == (highest + 1).min(4))
        .unwrap_or(LegalStepKind::HomeVisit);
    let kind = RwSignal::new(Some(next));
    let date = RwSignal::new(today().to_string());
    let issuer = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let id = case.id;
    let save = move |_| {
        let Some(d) = parse_date(&date.get_untracked()) else {
            return;
        };
        let step = LegalStep {
            kind: kind.get_untracked().unwrap_or(LegalStepKind::HomeVisit),
            date: d,
            issuer: issuer.get_untracked(),
            note: note.get_untracked(),
            serial: None,
            deadline: None,
            recorded_by: office.operator(),
        };
        spawn_local(async move {
            match run(ledgers, office, language, |_, b, a| {
                b.add_legal_step(id, step, a)
            })
            .await
            {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="form-grid">
            <label class="field"><span>{move || t().step}</span><EnumSelect value=kind id="l-kind".to_string()/></label>
            <label class="field"><span>{move || t().date}</span><input type="date" id="l-date" bind:value=date/></label>
            <label class="field"><span>{move || t().issuer}</span><input id="l-issuer" bind:value=issuer placeholder=move || t().issuer_example/></label>
            <label class="field"><span>{move || t().note}</span><input id="l-note" bind:value=note/></label>
        </div>
        {move || error.get().map(|e| view! { <div class="errors" role="alert" id="legal-error">{e}</div> })}
        <button id="add-step" on:click=save>{move || t().add_step}</button>
    }
}

#[component]
fn CloseForm(case: DropoutCase) -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let (child_school, child_grade, child_class) = ledgers.ledger.with_untracked(|l| {
        l.child(case.child_id)
            .map(|c| (c.school_id, c.grade, c.class_name.clone()))
            .unwrap_or_default()
    });
    let outcome = RwSignal::new("returned".to_string());
    let school = RwSignal::new(child_school.map(|s| s.to_string()).unwrap_or_default());
    let grade = RwSignal::new(child_grade.map(|g| g.to_string()).unwrap_or_default());
    let class = RwSignal::new(child_class);
    let date = RwSignal::new(today().to_string());
    let vocational = RwSignal::new(String::new());
    let other = RwSignal::new(String::new());
    let other_status = RwSignal::new(Some(Status::InSchool));
    let evidence = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let id = case.id;
    let schools = move || {
        ledgers.with_ledger(|l| {
            l.schools()
                .iter()
                .map(|s| (s.id.to_string(), s.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    let save = move |_| {
        let Some(d) = parse_date(&date.get_untracked()) else {
            return;
        };
        let outcome = match outcome.get_untracked().as_str() {
            "returned" => match (
                Uuid::parse_str(&school.get_untracked()),
                grade.get_untracked().parse::<u8>(),
            ) {
                (Ok(s), Ok(g)) => ClosureOutcome::Returned {
                    school_id: s,
                    grade: g,
                    class_name: class.get_untracked(),
                    date: d,
                },
                _ => {
                    error.set(Some(
                        text(language.get_untracked()).x_need_school_grade.into(),
                    ));
                    return;
                }
            },
            "home" => ClosureOutcome::HomeTeaching,
            "vocational" => ClosureOutcome::Vocational {
                school: vocational.get_untracked(),
            },
            _ => ClosureOutcome::Other {
                description: other.get_untracked(),
                status: other_status.get_untracked().unwrap_or(Status::InSchool),
            },
        };
        let closure = Closure {
            date: d,
            outcome,
            evidence: evidence.get_untracked(),
            by: office.operator(),
        };
        spawn_local(async move {
            match run(ledgers, office, language, |l, b, a| {
                b.close_case(l, id, closure, a)
            })
            .await
            {
                Ok(()) => notices.info(text(language.get_untracked()).saved),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" id="close-case">
            <h2>{move || t().close_title}</h2>
            <div class="form-grid">
                <label class="field"><span>{move || t().outcome}</span>
                    <select id="x-outcome" on:change=move |ev| outcome.set(event_target_value(&ev))>
                        <option value="returned">{move || t().outcome_returned}</option>
                        <option value="home">{move || t().outcome_home}</option>
                        <option value="vocational">{move || t().outcome_vocational}</option>
                        <option value="other">{move || t().outcome_other}</option>
                    </select>
                </label>
                <label class="field"><span>{move || t().closed_on}</span><input type="date" id="x-date" bind:value=date/></label>
            </div>
            <Show when=move || outcome.get() == "returned">
                <div class="form-grid">
                    <label class="field"><span>{move || t().school}</span>
                        <select id="x-school" on:change=move |ev| school.set(event_target_value(&ev))>
                            <option value="">{move || t().choose}</option>
                            {move || schools().into_iter().map(|(id, name)| { let v = id.clone(); view! { <option value=id selected=move || school.get() == v>{name}</option> } }).collect_view()}
                        </select>
                    </label>
                    <label class="field"><span>{move || t().grade}</span>
                        <select id="x-grade" on:change=move |ev| grade.set(event_target_value(&ev))>
                            <option value="">{move || t().choose}</option>
                            {(1..=9u8).map(|g| view! { <option value=g.to_string() selected=move || grade.get() == g.to_string()>{g}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="field"><span>{move || t().class_name}</span><input id="x-class" bind:value=class/></label>
                </div>
            </Show>
            <Show when=move || outcome.get() == "vocational">
                <label class="field"><span>{move || t().x_vocational_school}</span><input id="x-vocational" bind:value=vocational/></label>
            </Show>
            <Show when=move || outcome.get() == "other">
                <div class="form-grid">
                    <label class="field"><span>{move || t().outcome}</span><input id="x-other" bind:value=other/></label>
                    <label class="field"><span>{move || t().status}</span><EnumSelect value=other_status/></label>
                </div>
            </Show>
            <label class="field wide"><span>{move || t().closure_evidence}</span><textarea id="x-evidence" bind:value=evidence></textarea></label>
            {move || error.get().map(|e| view! { <div class="errors" role="alert" id="close-error">{e}</div> })}
            <button class="primary" id="close-case-btn" on:click=save>{move || t().close_case}</button>
        </section>
    }
}
