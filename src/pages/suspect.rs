//! 核查: verify one suspect. Confirming opens the case (一人一案), or reopens the child's
//! closed one.

use baoxue_core::casework::{
    DropoutCause, NewCase, NotRealReason, ResponsiblePerson, ResponsibleRole, SupportMeasure,
    Verdict, Verification, VerifyMethod,
};
use baoxue_core::model::Labelled;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::common::{child_line, parse_date, run};
use crate::browser::today;
use crate::components::select::EnumSelect;
use crate::i18n::{paren, text};
use crate::route::Route;
use crate::state::{Language, Ledgers, Navigation, Notices, Office};

/// Checkboxes over a closed vocabulary.
#[component]
pub fn EnumChecks<T>(
    /// The chosen values.
    value: RwSignal<Vec<T>>,
    /// Prefix of each checkbox's id.
    id: &'static str,
) -> impl IntoView
where
    T: Labelled + PartialEq + Send + Sync,
{
    let language = expect_context::<Language>();
    view! {
        <div class="checks">
            {T::ALL.iter().map(|v| {
                let v = *v;
                view! {
                    <label class="check">
                        <input type="checkbox" id=format!("{id}-{}", v.key())
                            prop:checked=move || value.with(|x| x.contains(&v))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                value.update(|x| { x.retain(|y| *y != v); if on { x.push(v); } });
                            }/>
                        <span>{move || v.label(language.get())}</span>
                    </label>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
pub fn SuspectPage(id: Uuid) -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let nav = expect_context::<Navigation>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let suspect = ledgers.casebook.with_untracked(|b| b.suspect(id).cloned());
    let Some(suspect) = suspect else {
        return view! { <p class="card error">{move || t().child_not_found}</p> }.into_any();
    };
    let (name, school, grade) = ledgers
        .ledger
        .with_untracked(|l| child_line(l, suspect.child_id, language.get_untracked()));
    let lang = language.get_untracked();
    let absences = ledgers.casebook.with_untracked(|b| {
        b.absences_of(suspect.child_id)
            .iter()
            .rev()
            .take(15)
            .map(|a| {
                format!(
                    "{} {}{}",
                    a.date,
                    a.kind.label(lang),
                    if a.reason.is_empty() {
                        String::new()
                    } else {
                        paren(lang, &a.reason)
                    }
                )
            })
            .collect::<Vec<_>>()
    });
    let reopening = ledgers.casebook.with_untracked(|b| {
        b.case_of(suspect.child_id)
            .is_some_and(|c| c.closure.is_some())
    });

    let date = RwSignal::new(today().to_string());
    let methods = RwSignal::new(vec![VerifyMethod::HomeVisit]);
    let confirmed = RwSignal::new(true);
    let reason = RwSignal::new(Some(NotRealReason::AlreadyBack));
    let school_elsewhere = RwSignal::new(String::new());
    let evidence = RwSignal::new(String::new());
    let settings = ledgers.casebook.with_untracked(|b| b.settings.clone());
    let left_on = RwSignal::new(match &suspect.trigger {
        baoxue_core::casework::SuspectTrigger::Absence { first_day, .. } => first_day.to_string(),
        _ => suspect.flagged_on.to_string(),
    });
    let cause = RwSignal::new(Some(DropoutCause::Learning));
    let cause_note = RwSignal::new(String::new());
    let persons = RwSignal::new(vec![
        (
            RwSignal::new(String::new()),
            RwSignal::new(Some(ResponsibleRole::TownshipCadre)),
            RwSignal::new(String::new()),
        ),
        (
            RwSignal::new(String::new()),
            RwSignal::new(Some(ResponsibleRole::Teacher)),
            RwSignal::new(String::new()),
        ),
    ]);
    let deadline = RwSignal::new(
        baoxue_core::casework::days_after(today(), settings.case_deadline_days).to_string(),
    );
    let support = RwSignal::new(Vec::<SupportMeasure>::new());
    let error = RwSignal::new(None::<String>);

    let save = move |_| {
        let Some(day) = parse_date(&date.get_untracked()) else {
            error.set(Some(text(language.get_untracked()).sv_need_date.into()));
            return;
        };
        let verdict = if confirmed.get_untracked() {
            Verdict::Confirmed
        } else {
            Verdict::NotReal {
                reason: reason.get_untracked().unwrap_or(NotRealReason::AlreadyBack),
                school: school_elsewhere.get_untracked(),
            }
        };
        let verification = Verification {
            date: day,
            by: office.operator(),
            methods: methods.get_untracked(),
            verdict,
            evidence: evidence.get_untracked(),
        };
        let new_case = if confirmed.get_untracked() {
            let (Some(left), Some(dl)) = (
                parse_date(&left_on.get_untracked()),
                parse_date(&deadline.get_untracked()),
            ) else {
                error.set(Some(
                    text(language.get_untracked()).sv_need_left_deadline.into(),
                ));
                return;
            };
            Some(NewCase {
                left_on: left,
                cause: cause.get_untracked().unwrap_or(DropoutCause::Other),
                cause_note: cause_note.get_untracked(),
                responsible: persons
                    .get_untracked()
                    .iter()
                    .map(|(n, r, p)| ResponsiblePerson {
                        name: n.get_untracked().trim().to_string(),
                        role: r.get_untracked().unwrap_or(ResponsibleRole::Other),
                        phone: p.get_untracked().trim().to_string(),
                    })
                    .filter(|p| !(p.name.is_empty() && p.phone.is_empty()))
                    .collect(),
                deadline: dl,
                support: support.get_untracked(),
            })
        } else {
            None
        };
        let is_confirmed = confirmed.get_untracked();
        spawn_local(async move {
            let r = run(ledgers, office, language, |l, b, a| {
                b.verify(l, id, verification, new_case, a, Uuid::new_v4())
            })
            .await;
            match r {
                Ok(()) => {
                    notices.info(text(language.get_untracked()).saved);
                    let case = ledgers
                        .casebook
                        .with_untracked(|b| b.case_of(suspect.child_id).map(|c| c.id));
                    match (is_confirmed, case) {
                        (true, Some(case)) => nav.navigate(Route::Case(case)),
                        _ => nav.navigate(Route::Suspects),
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let done = suspect.verification.is_some();
    let done_text = suspect.verification.as_ref().map(|v| {
        let verdict = match &v.verdict {
            Verdict::Confirmed => text(lang).confirmed_dropout.to_string(),
            Verdict::NotReal { reason, school } => format!(
                "{}{}{}",
                text(lang).not_real_dropout,
                reason.label(lang),
                if school.is_empty() {
                    String::new()
                } else {
                    format!("（{school}）")
                }
            ),
        };
        format!("{} {} · {} · {}", v.date, v.by, verdict, v.evidence)
    });
    view! {
        <h1>{move || t().verify_title}{move || t().colon}{name.clone()}</h1>
        <p class="muted">{school}" · "{grade}</p>
        <section class="card">
            <table class="fields"><tbody>
                <tr><th>{move || t().trigger}</th><td id="suspect-trigger">{move || suspect.trigger.say(language.get())}</td></tr>
                <tr><th>{move || t().flagged_on}</th><td>{suspect.flagged_on.to_string()}" · "{suspect.flagged_by.clone()}</td></tr>
                <tr><th>{move || t().absence_evidence}</th><td>{if absences.is_empty() { "—".to_string() } else { absences.join("；") }}</td></tr>
            </tbody></table>
        </section>
        {reopening.then(|| view! { <div class="warning">{move || t().sv_reopening}</div> })}
        <Show when=move || !done fallback=move || view! { <p class="card" id="verified">{t().verification}{t().colon}{done_text.clone()}</p> }>
            <fieldset>
                <legend>{move || t().verification}</legend>
                <div class="form-grid">
                    <label class="field"><span>{move || t().date}</span><input type="date" id="v-date" bind:value=date/></label>
                </div>
                <div class="field"><span>{move || t().methods}</span><EnumChecks value=methods id="v-method"/></div>
                <div class="field">
                    <span>{move || t().verdict}</span>
                    <div class="checks">
                        <label class="check"><input type="radio" name="verdict" id="v-confirmed" prop:checked=move || confirmed.get() on:change=move |_| confirmed.set(true)/><span>{move || t().confirmed}</span></label>
                        <label class="check"><input type="radio" name="verdict" id="v-not-real" prop:checked=move || !confirmed.get() on:change=move |_| confirmed.set(false)/><span>{move || t().not_real}</span></label>
                    </div>
                </div>
                <Show when=move || !confirmed.get()>
                    <div class="form-grid">
                        <label class="field"><span>{move || t().not_real_reason}</span><EnumSelect value=reason id="v-reason".to_string()/></label>
                        <label class="field"><span>{move || t().school_elsewhere}</span><input id="v-school" bind:value=school_elsewhere/></label>
                    </div>
                </Show>
                <label class="field wide"><span>{move || t().evidence}</span><textarea id="v-evidence" bind:value=evidence></textarea></label>
            </fieldset>
            <Show when=move || confirmed.get()>
                <fieldset>
                    <legend>{move || t().case_section}</legend>
                    <div class="form-grid">
                        <label class="field"><span>{move || t().left_on}</span><input type="date" id="c-left-on" bind:value=left_on/></label>
                        <label class="field"><span>{move || t().cause}</span><EnumSelect value=cause id="c-cause".to_string()/></label>
                        <label class="field"><span>{move || t().deadline}</span><input type="date" id="c-deadline" bind:value=deadline/></label>
                        <label class="field wide"><span>{move || t().cause_note}</span><input id="c-cause-note" bind:value=cause_note/></label>
                    </div>
                    <div class="field">
                        <span>{move || t().responsible}</span>
                        <table class="grid compact" id="c-persons">
                            <thead><tr><th>{move || t().name}</th><th>{move || t().role}</th><th>{move || t().phone}</th></tr></thead>
                            <tbody>
                                {move || persons.get().into_iter().enumerate().map(|(i, (n, r, p))| view! {
                                    <tr>
                                        <td><input class=format!("person-name p{i}") bind:value=n/></td>
                                        <td><EnumSelect value=r/></td>
                                        <td><input class="person-phone" type="tel" bind:value=p/></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <button class="link" id="c-add-person" on:click=move |_| persons.update(|v| v.push((RwSignal::new(String::new()), RwSignal::new(Some(ResponsibleRole::VillageCadre)), RwSignal::new(String::new())))) >{move || t().add_person}</button>
                    </div>
                    <div class="field"><span>{move || t().support}</span><EnumChecks value=support id="c-support"/></div>
                </fieldset>
            </Show>
            {move || error.get().map(|e| view! { <div class="errors" role="alert" id="verify-error">{e}</div> })}
            <div class="actions">
                <button class="primary" id="save-verification" on:click=save>{move || t().save_verification}</button>
                <a class="button" href=Route::Suspects.href()>{move || t().cancel}</a>
            </div>
        </Show>
    }
    .into_any()
}
