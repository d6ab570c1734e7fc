//! 考勤登记: a teacher marks a class's absences for a day in a few clicks.

use std::collections::HashMap;

use baoxue_core::casework::AbsenceKind;
use baoxue_core::model::{Labelled, Status};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::common::{parse_date, run};
use crate::browser::today;
use crate::i18n::text;
use crate::route::Route;
use crate::state::{Language, Ledgers, Notices, Office};

/// A row of the register.
#[derive(Clone, PartialEq)]
struct Pupil {
    id: Uuid,
    name: String,
    status: Status,
    run_before: u32,
    watched: bool,
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let school = RwSignal::new(None::<Uuid>);
    let grade = RwSignal::new(None::<u8>);
    let class = RwSignal::new(String::new());
    let default_day = ledgers
        .casebook
        .with_untracked(|b| b.settings.calendar.school_day_on_or_before(today()));
    let date = RwSignal::new(default_day.to_string());
    // Child → mark ("" = present, else an AbsenceKind key) and reason.
    let marks = RwSignal::new(HashMap::<Uuid, (String, String)>::new());
    let saving = RwSignal::new(false);

    let schools = move || {
        ledgers.with_ledger(|l| {
            l.schools()
                .iter()
                .map(|s| (s.id, s.name.clone(), s.kind.grades()))
                .collect::<Vec<_>>()
        })
    };
    let classes = Memo::new(move |_| {
        let (Some(s), Some(g)) = (school.get(), grade.get()) else {
            return Vec::new();
        };
        let mut v: Vec<String> = ledgers.with_ledger(|l| {
            l.children()
                .iter()
                .filter(|c| c.school_id == Some(s) && c.grade == Some(g))
                .map(|c| c.class_name.clone())
                .collect()
        });
        v.sort();
        v.dedup();
        v
    });
    let pupils = Memo::new(move |_| {
        let (Some(s), Some(g), cls, day) = (
            school.get(),
            grade.get(),
            class.get(),
            parse_date(&date.get()),
        ) else {
            return Vec::new();
        };
        let Some(day) = day else { return Vec::new() };
        ledgers.with_cases(|l, b| {
            let mut v: Vec<Pupil> = l
                .children()
                .iter()
                .filter(|c| c.school_id == Some(s) && c.grade == Some(g) && c.class_name == cls)
                .filter(|c| c.status.counts_as_enrolled() || c.status == Status::SuspectedDropout)
                .map(|c| {
                    let days: Vec<_> = b
                        .absences_of(c.id)
                        .iter()
                        .filter(|a| a.is_unexcused() && a.date < day)
                        .map(|a| a.date)
                        .collect();
                    Pupil {
                        id: c.id,
                        name: c.name.clone(),
                        status: c.status,
                        run_before: b
                            .settings
                            .calendar
                            .unexcused_run(&days, b.settings.calendar.previous_school_day(day))
                            .0,
                        watched: b.watched_until(c.id, day).is_some(),
                    }
                })
                .collect();
            v.sort_by_cached_key(|r| baoxue_core::rules::name_order::name_key(&r.name));
            v
        })
    });
    // What is already recorded for the day.
    Effect::new(move |_| {
        let day = parse_date(&date.get());
        let ids: Vec<Uuid> = pupils.with(|p| p.iter().map(|x| x.id).collect());
        let recorded = ledgers.with_cases(|_, b| {
            ids.iter()
                .filter_map(|id| {
                    day.and_then(|d| b.absence_on(*id, d))
                        .map(|a| (*id, (a.kind.key().to_string(), a.reason.clone())))
                })
                .collect::<HashMap<_, _>>()
        });
        marks.set(recorded);
    });

    let save = move |_| {
        let Some(day) = parse_date(&date.get_untracked()) else {
            return;
        };
        let list: Vec<(Uuid, Option<(AbsenceKind, String)>)> = pupils.with_untracked(|p| {
            marks.with_untracked(|m| {
                p.iter()
                    .map(|x| {
                        let mark = m
                            .get(&x.id)
                            .and_then(|(k, r)| AbsenceKind::from_key(k).map(|k| (k, r.clone())));
                        (x.id, mark)
                    })
                    .collect()
            })
        });
        saving.set(true);
        spawn_local(async move {
            let before: Vec<Uuid> = ledgers
                .casebook
                .with_untracked(|b| b.suspects().map(|s| s.id).collect());
            let result = run(ledgers, office, language, |l, b, actor| {
                b.record_register(l, day, &list, actor, Uuid::new_v4)
            })
            .await;
            saving.set(false);
            match result {
                Ok(()) => {
                    let t = text(language.get_untracked());
                    let flagged: Vec<String> = ledgers.with_cases(|l, b| {
                        b.suspects()
                            .filter(|s| !before.contains(&s.id))
                            .filter_map(|s| l.child(s.child_id).map(|c| c.name.clone()))
                            .collect()
                    });
                    if flagged.is_empty() {
                        notices.info(t.register_saved);
                    } else {
                        notices.info(format!(
                            "{}{}{}{}{}",
                            t.register_saved,
                            t.full_stop,
                            t.newly_flagged,
                            t.colon,
                            flagged.join(crate::i18n::sep(language.get_untracked(), false))
                        ));
                    }
                }
                Err(e) => notices.error(e),
            }
        });
    };

    let kinds = move || {
        let lang = language.get();
        let mut v = vec![(String::new(), text(lang).present.to_string())];
        v.extend(
            AbsenceKind::ALL
                .iter()
                .map(|k| (k.key().to_string(), k.label(lang).to_string())),
        );
        v
    };

    view! {
        <h1>{move || t().register_title}</h1>
        <p class="muted">{move || crate::i18n::fill(t().register_hint, &[&ledgers.casebook.with(|b| b.settings.absence_threshold).to_string()])}</p>
        <div class="filters">
            <label>
                <span>{move || t().school}</span>
                <select id="reg-school" on:change=move |ev| { school.set(Uuid::parse_str(&event_target_value(&ev)).ok()); grade.set(None); class.set(String::new()); }>
                    <option value="">{move || t().choose}</option>
                    {move || schools().into_iter().map(|(id, name, _)| view! { <option value=id.to_string() selected=move || school.get() == Some(id)>{name}</option> }).collect_view()}
                </select>
            </label>
            <label>
                <span>{move || t().grade}</span>
                <select id="reg-grade" on:change=move |ev| { grade.set(event_target_value(&ev).parse().ok()); class.set(String::new()); }>
                    <option value="">{move || t().choose}</option>
                    {move || {
                        let range = school.get().and_then(|s| schools().into_iter().find(|x| x.0 == s)).map(|x| x.2).unwrap_or(1..=9);
                        range.map(|g| view! { <option value=g.to_string() selected=move || grade.get() == Some(g)>{g}</option> }).collect_view()
                    }}
                </select>
            </label>
            <label>
                <span>{move || t().class_name}</span>
                <select id="reg-class" on:change=move |ev| class.set(event_target_value(&ev))>
                    <option value="">{move || t().choose}</option>
                    {move || classes.get().into_iter().map(|c| { let v = c.clone(); let label = c.clone(); view! { <option value=c selected=move || class.get() == v>{label}</option> } }).collect_view()}
                </select>
            </label>
            <label>
                <span>{move || t().date}</span>
                <input id="reg-date" type="date" bind:value=date/>
            </label>
            <button class="link" on:click=move |_| marks.set(HashMap::new())>{move || t().all_present}</button>
        </div>
        {move || {
            if class.get().is_empty() {
                return view! { <p class="card empty">{t().choose_class}</p> }.into_any();
            }
            if pupils.with(Vec::is_empty) {
                return view! { <p class="card empty">{t().no_pupils}</p> }.into_any();
            }
            let threshold = ledgers.casebook.with(|b| b.settings.absence_threshold);
            view! {
                <div class="table-wrap">
                    <table class="grid register" id="register">
                        <thead><tr>
                            <th>{t().col_name}</th><th>{t().status}</th><th class="num">{t().run_so_far}</th>
                            <th>{t().present}" / "{t().reason}</th>
                        </tr></thead>
                        <tbody>
                            {pupils.get().into_iter().map(|p| {
                                let id = p.id;
                                let lang = language.get();
                                let mark = move || marks.with(|m| m.get(&id).map(|x| x.0.clone()).unwrap_or_default());
                                let reason = move || marks.with(|m| m.get(&id).map(|x| x.1.clone()).unwrap_or_default());
                                let warn = p.run_before + 1 >= threshold;
                                view! {
                                    <tr data-child=id.to_string()>
                                        <td><a href=Route::Child(id).href()>{p.name.clone()}</a>
                                            {p.watched.then(|| view! { " " <span class="badge watch">{text(lang).watched}</span> })}
                                        </td>
                                        <td><span class=format!("status s-{}", p.status.key())>{p.status.label(lang)}</span></td>
                                        <td class="num" class:warn-text=warn>{(p.run_before > 0).then(|| format!("{} {}", p.run_before, text(lang).days))}</td>
                                        <td><div class="marks">
                                            {kinds().into_iter().map(|(key, label)| {
                                                let k = key.clone();
                                                let k2 = key.clone();
                                                view! {
                                                    <label class="check">
                                                        <input type="radio" name=format!("m-{id}") value=key.clone()
                                                            prop:checked=move || mark() == k
                                                            on:change=move |_| marks.update(|m| {
                                                                if k2.is_empty() { m.remove(&id); } else {
                                                                    let r = m.get(&id).map(|x| x.1.clone()).unwrap_or_default();
                                                                    m.insert(id, (k2.clone(), r));
                                                                }
                                                            })/>
                                                        <span>{label}</span>
                                                    </label>
                                                }
                                            }).collect_view()}
                                            <input class="reason" placeholder=text(lang).reason prop:value=reason
                                                disabled=move || mark().is_empty()
                                                on:input=move |ev| { let v = event_target_value(&ev); marks.update(|m| { if let Some(x) = m.get_mut(&id) { x.1 = v; } }); }/>
                                        </div></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <div class="actions" style="margin-top:0.8rem">
                    <button id="save-register" class="primary" disabled=saving on:click=save>{t().save_register}</button>
                    <span class="muted">{move || format!("{} / {}", marks.with(|m| m.len()), pupils.with(Vec::len))}</span>
                </div>
            }.into_any()
        }}
    }
}
