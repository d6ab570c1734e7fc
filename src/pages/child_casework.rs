//! The 控辍保学 panel of a child's page: suspect and case links, flag by hand, transfer out,
//! recent absences, and 送教上门 (plan and visits).

use baoxue_core::casework::{HomeTeachingPlan, HomeVisit};
use baoxue_core::model::{Labelled, SpecialGroup};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::common::{parse_date, run};
use crate::browser::today;
use crate::i18n::text;
use crate::route::Route;
use crate::state::{Language, Ledgers, Office};

#[component]
pub fn CaseworkPanel(child_id: Uuid) -> impl IntoView {
    let language = expect_context::<Language>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let info = Memo::new(move |_| {
        ledgers.with_cases(|l, b| {
            let c = l.child(child_id)?;
            Some((
                c.status,
                c.groups.contains(&SpecialGroup::Disabled),
                b.open_suspect_of(child_id).map(|s| s.id),
                b.case_of(child_id).map(|k| (k.id, k.state())),
                b.watched_until(child_id, today()).map(|w| w.2),
                b.absences_of(child_id)
                    .iter()
                    .rev()
                    .take(10)
                    .map(|a| format!("{} {}", a.date, a.kind.label(language.get())))
                    .collect::<Vec<_>>(),
            ))
        })
    });
    let reason = RwSignal::new(String::new());
    let to_school = RwSignal::new(String::new());
    let transfer_date = RwSignal::new(today().to_string());
    let error = RwSignal::new(None::<String>);
    let flag = move |_| {
        let r = reason.get_untracked();
        spawn_local(async move {
            match run(ledgers, office, language, |l, b, a| {
                b.flag_manual(l, child_id, &r, a, Uuid::new_v4())
            })
            .await
            {
                Ok(()) => {
                    error.set(None);
                    reason.set(String::new());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let transfer = move |_| {
        let to = to_school.get_untracked();
        let Some(d) = parse_date(&transfer_date.get_untracked()) else {
            return;
        };
        spawn_local(async move {
            match run(ledgers, office, language, |l, b, a| {
                b.transfer_out(l, child_id, &to, d, a, Uuid::new_v4())
            })
            .await
            {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    move || {
        let Some((status, disabled, suspect, case, watch, absences)) = info.get() else {
            return ().into_any();
        };
        let lang = language.get();
        let flaggable = status.counts_as_enrolled() && suspect.is_none();
        view! {
            <section class="card casework-panel" id="casework-panel">
                <h2>{t().casework_panel}</h2>
                <div class="row">
                    {suspect.map(|s| view! { <a class="button primary" id="go-verify" href=Route::Suspect(s).href()>{t().open_suspect}</a> })}
                    {case.map(|(id, st)| view! {
                        <a class="button" id="go-case" href=Route::Case(id).href()>{t().open_case}" · "{st.label(lang)}</a>
                    })}
                    {watch.map(|w| view! { <span class="badge watch">{format!("{} {}", t().watch_until, w)}</span> })}
                </div>
                <p class="muted">{t().recent_absences}{t().colon}{if absences.is_empty() { "—".to_string() } else { absences.join("；") }}</p>
                {flaggable.then(|| view! {
                    <div class="form-grid">
                        <label class="field"><span>{t().flag_reason}</span><input id="flag-reason" bind:value=reason/></label>
                        <div class="field"><span>"\u{a0}"</span><button id="flag-child" on:click=flag>{t().flag_by_hand}</button></div>
                        <label class="field"><span>{t().to_school}</span><input id="transfer-to" bind:value=to_school/></label>
                        <label class="field"><span>{t().date}</span><input type="date" id="transfer-date" bind:value=transfer_date/></label>
                        <div class="field"><span>"\u{a0}"</span><button id="transfer-out" on:click=transfer>{t().transfer_out}</button></div>
                    </div>
                })}
                {move || error.get().map(|e| view! { <div class="errors" role="alert" id="casework-error">{e}</div> })}
                {(disabled && !status.is_concern() && status.is_active()).then(|| view! { <HomeTeachingPanel child_id=child_id/> })}
            </section>
        }
        .into_any()
    }
}

/// 送教上门: the plan and its visit log.
#[component]
fn HomeTeachingPanel(child_id: Uuid) -> impl IntoView {
    let language = expect_context::<Language>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let plan = Memo::new(move |_| ledgers.with_cases(|_, b| b.plan_of(child_id).cloned()));
    let existing = plan.get_untracked();
    let teacher = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.teacher.clone())
            .unwrap_or_default(),
    );
    let interval = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.interval_days)
            .unwrap_or(7)
            .to_string(),
    );
    let started = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.started_on)
            .unwrap_or_else(today)
            .to_string(),
    );
    let v_date = RwSignal::new(today().to_string());
    let v_teacher = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.teacher.clone())
            .unwrap_or_default(),
    );
    let v_hours = RwSignal::new("2".to_string());
    let v_content = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let save_plan = move |_| {
        let (Ok(days), Some(start)) = (
            interval.get_untracked().parse::<u32>(),
            parse_date(&started.get_untracked()),
        ) else {
            error.set(Some(text(language.get_untracked()).ht_need_plan.into()));
            return;
        };
        let p = HomeTeachingPlan {
            child_id,
            teacher: teacher.get_untracked(),
            interval_days: days,
            started_on: start,
            visits: Vec::new(),
        };
        spawn_local(async move {
            match run(ledgers, office, language, |l, b, a| b.save_plan(l, p, a)).await {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let add_visit = move |_| {
        let (Some(d), Ok(h)) = (
            parse_date(&v_date.get_untracked()),
            v_hours.get_untracked().parse::<f32>(),
        ) else {
            error.set(Some(text(language.get_untracked()).ht_need_visit.into()));
            return;
        };
        let v = HomeVisit {
            date: d,
            teacher: v_teacher.get_untracked(),
            hours: h,
            content: v_content.get_untracked(),
        };
        spawn_local(async move {
            match run(ledgers, office, language, |_, b, a| {
                b.add_home_visit(child_id, v, a)
            })
            .await
            {
                Ok(()) => {
                    error.set(None);
                    v_content.set(String::new());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <h3>{move || t().home_teaching}</h3>
        <div class="form-grid">
            <label class="field"><span>{move || t().teacher}</span><input id="plan-teacher" bind:value=teacher/></label>
            <label class="field"><span>{move || t().interval}</span><input id="plan-interval" type="number" min="1" max="90" bind:value=interval/></label>
            <label class="field"><span>{move || t().started_on}</span><input id="plan-start" type="date" bind:value=started/></label>
            <div class="field"><span>"\u{a0}"</span><button id="save-plan" on:click=save_plan>{move || t().save_plan}</button></div>
        </div>
        {move || plan.get().map(|p| view! {
            <p class:alert-text=p.next_due() < today()>{t().next_due}{t().colon}{p.next_due().to_string()}</p>
            <table class="grid compact" id="visits">
                <thead><tr><th>{t().date}</th><th>{t().teacher}</th><th class="num">{t().hours}</th><th>{t().content}</th></tr></thead>
                <tbody>{p.visits.iter().rev().map(|v| view! {
                    <tr><td class="nowrap">{v.date.to_string()}</td><td>{v.teacher.clone()}</td><td class="num">{v.hours}</td><td>{v.content.clone()}</td></tr>
                }).collect_view()}</tbody>
            </table>
            <div class="form-grid">
                <label class="field"><span>{t().date}</span><input type="date" id="visit-date" bind:value=v_date/></label>
                <label class="field"><span>{t().teacher}</span><input id="visit-teacher" bind:value=v_teacher/></label>
                <label class="field"><span>{t().hours}</span><input id="visit-hours" type="number" step="0.5" bind:value=v_hours/></label>
                <label class="field"><span>{t().content}</span><input id="visit-content" bind:value=v_content/></label>
                <div class="field"><span>"\u{a0}"</span><button id="add-visit" on:click=add_visit>{t().add_visit}</button></div>
            </div>
        })}
        {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
    }
}
