//! Schools under the county's townships: list with their children, add and edit.

use std::collections::HashMap;

use baoxue_core::model::{AuditAction, AuditEntry, Labelled, Localized, School, SchoolKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::browser::now;
use crate::components::select::EnumSelect;
use crate::i18n::text;
use crate::route::Route;
use crate::state::{Database, Language, Ledgers, Notices, Office};
use crate::store;
use baoxue_core::model::format_count;

#[component]
pub fn SchoolsPage() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let database = expect_context::<Database>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let rows = Memo::new(move |_| {
        ledgers.with_ledger(|l| {
            let mut counts: HashMap<Uuid, usize> = HashMap::new();
            for c in l.children() {
                if let Some(s) = c.school_id {
                    *counts.entry(s).or_default() += 1;
                }
            }
            let mut rows: Vec<(School, String, usize)> = l
                .schools()
                .iter()
                .map(|s| {
                    (
                        s.clone(),
                        l.township_name(&s.township_code).to_string(),
                        counts.get(&s.id).copied().unwrap_or(0),
                    )
                })
                .collect();
            rows.sort_by(|a, b| {
                (&a.0.township_code, a.0.kind, &a.0.name).cmp(&(
                    &b.0.township_code,
                    b.0.kind,
                    &b.0.name,
                ))
            });
            rows
        })
    });

    let is_school_installation = move || {
        office
            .installation
            .with(|i| i.as_ref().is_some_and(|i| i.school_id.is_some()))
    };
    // The form: a new school, or the one being edited.
    let editing = RwSignal::new(None::<Uuid>);
    let name = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let kind = RwSignal::new(Some(SchoolKind::Primary));
    let township = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let start_edit = move |s: School| {
        editing.set(Some(s.id));
        name.set(s.name);
        code.set(s.code.unwrap_or_default());
        kind.set(Some(s.kind));
        township.set(s.township_code);
    };
    let clear = move || {
        editing.set(None);
        name.set(String::new());
        code.set(String::new());
        error.set(None);
    };
    let save = move |_| {
        let school = School {
            id: editing.get_untracked().unwrap_or_else(Uuid::new_v4),
            name: name.get_untracked().trim().to_string(),
            code: Some(code.get_untracked().trim().to_string()).filter(|c| !c.is_empty()),
            kind: kind.get_untracked().unwrap_or(SchoolKind::Primary),
            township_code: township.get_untracked(),
        };
        let others = ledgers.ledger.with_untracked(|l| l.schools().to_vec());
        if let Err(e) = school.validate(&others) {
            error.set(Some(e.say(language.get_untracked())));
            return;
        }
        let is_new = editing.get_untracked().is_none();
        if is_new && is_school_installation() {
            error.set(Some(text(language.get_untracked()).sc_school_only.into()));
            return;
        }
        let audit = AuditEntry {
            at: now(),
            operator: office.operator(),
            action: if is_new {
                AuditAction::Create
            } else {
                AuditAction::Update
            },
            subject: school.id.to_string(),
            summary: format!(
                "{}学校：{}（{}）",
                if is_new { "新增" } else { "修改" },
                school.name,
                school.kind.zh()
            ),
            changes: Vec::new(),
            lines: Vec::new(),
        };
        spawn_local(async move {
            let Some(db) = database.db() else { return };
            match store::save_school(&db, &school, &audit).await {
                Ok(()) => {
                    ledgers.update_ledger(|l| {
                        let mut all = l.schools().to_vec();
                        match all.iter_mut().find(|s| s.id == school.id) {
                            Some(s) => *s = school,
                            None => all.push(school),
                        }
                        l.set_schools(all);
                    });
                    notices.info(text(language.get_untracked()).saved);
                    clear();
                }
                Err(e) => error.set(Some(e.say(language.get_untracked()))),
            }
        });
    };

    view! {
        <h1>{move || t().schools_title}</h1>
        <section class="card">
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="empty">{move || t().no_schools}</p>
            </Show>
            <table class="grid" id="schools-table">
                <thead><tr>
                    <th>{move || t().township}</th><th>{move || t().school_name}</th><th>{move || t().school_kind}</th>
                    <th>{move || t().school_code_short}</th><th class="num">{move || t().school_children}</th><th></th>
                </tr></thead>
                <tbody>
                    {move || rows.get().into_iter().map(|(s, town, n)| {
                        let lang = language.get();
                        let id = s.id;
                        let for_edit = s.clone();
                        view! {
                            <tr>
                                <td>{town}</td>
                                <td><a href=Route::Children.href() on:click=move |_| {
                                    ledgers.filters.reset();
                                    ledgers.filters.school.set(Some(id));
                                }>{s.name.clone()}</a></td>
                                <td>{s.kind.label(lang)}</td>
                                <td class="mono">{s.code.clone().unwrap_or_default()}</td>
                                <td class="num">{format_count(n)}</td>
                                <td><button class="link" on:click=move |_| start_edit(for_edit.clone())>{text(lang).edit}</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <Show when=move || editing.get().is_some() || !is_school_installation()>
        <section class="card" id="school-form">
            <h2>{move || if editing.get().is_some() { t().edit } else { t().add_school }}</h2>
            <div class="form-grid">
                <label class="field">
                    <span>{move || t().township}</span>
                    <select id="school-township" on:change=move |ev| township.set(event_target_value(&ev))>
                        <option value="">{move || t().choose}</option>
                        {move || office.installation.with(|i| i.as_ref().map(|i| i.townships.clone()).unwrap_or_default())
                            .into_iter().map(|d| {
                                let c = d.code.clone();
                                view! { <option value=d.code selected=move || township.get() == c>{d.name}</option> }
                            }).collect_view()}
                    </select>
                </label>
                <label class="field"><span>{move || t().school_name}</span><input id="school-name" bind:value=name/></label>
                <label class="field"><span>{move || t().school_code}</span><input id="school-code" inputmode="numeric" maxlength="10" bind:value=code/></label>
                <label class="field"><span>{move || t().school_kind}</span><EnumSelect value=kind id="school-kind".to_string()/></label>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <div class="actions">
                <button id="save-school" class="primary" on:click=save>{move || t().save}</button>
                <Show when=move || editing.get().is_some()>
                    <button on:click=move |_| clear()>{move || t().cancel}</button>
                </Show>
            </div>
        </section>
        </Show>
        <Show when=move || !is_school_installation()>
            <super::school_setup::SchoolList/>
        </Show>
        <Show when=move || !is_school_installation() && !rows.with(Vec::is_empty)>
            <super::school_setup::MakeSetupFiles/>
        </Show>
    }
}
