//! Settings: the unit, the operator, the language, the demo county and erasing the data.

use baoxue_core::model::{AuditAction, AuditEntry, FieldChange, Labelled, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::demo::{now, DemoPanel};
use crate::app::{save_lang, AppState};
use crate::i18n::text;
use crate::store;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let t = move || text(state.lang.get());
    let operator = RwSignal::new(state.operator());
    let save_operator = move |_| {
        let Some(mut inst) = state.installation.get_untracked() else {
            return;
        };
        let new = operator.get_untracked().trim().to_string();
        if new.is_empty() || new == inst.operator {
            return;
        }
        let audit = AuditEntry {
            at: now(),
            operator: new.clone(),
            action: AuditAction::Update,
            subject: "installation".into(),
            summary: "更换经办人".into(),
            changes: vec![FieldChange {
                field: "经办人".into(),
                before: inst.operator.clone(),
                after: new.clone(),
            }],
        };
        inst.operator = new;
        spawn_local(async move {
            let Some(db) = state.db() else { return };
            match store::save_installation(&db, &inst, &audit).await {
                Ok(()) => {
                    state.installation.set(Some(inst));
                    state.info(text(state.lang.get_untracked()).saved);
                }
                Err(e) => state.error(e.to_string()),
            }
        });
    };
    view! {
        <h1>{move || t().settings_title}</h1>
        <div class="columns two">
            <section class="card">
                <h2>{move || t().unit}</h2>
                <table class="fields">
                    <tbody>
                        <tr><th>{move || t().level}</th><td>{move || state.installation.with(|i| i.as_ref().map(|i| i.level.label(state.lang.get())))}</td></tr>
                        <tr><th>{move || t().unit}</th><td>{move || state.installation.with(|i| i.as_ref().map(|i| i.unit_name()))}</td></tr>
                        <tr><th>{move || t().schema_version}</th><td>{store::SCHEMA_VERSION}</td></tr>
                    </tbody>
                </table>
                <div class="form-grid">
                    <label class="field">
                        <span>{move || t().operator_name}</span>
                        <input id="settings-operator" bind:value=operator/>
                    </label>
                </div>
                <button id="save-operator" on:click=save_operator>{move || t().save}</button>
                <h2>{move || t().language}</h2>
                <div class="row">
                    {[Lang::Zh, Lang::En].into_iter().map(|l| view! {
                        <label class="check">
                            <input type="radio" name="lang" prop:checked=move || state.lang.get() == l
                                on:change=move |_| { save_lang(l); state.lang.set(l); }/>
                            <span>{if l == Lang::Zh { "简体中文" } else { "English" }}</span>
                        </label>
                    }).collect_view()}
                </div>
            </section>
            <section class="card">
                <h2>{move || t().data_section}</h2>
                <p class="warning">{move || t().data_warning}</p>
                <button id="reset-all" class="danger" on:click=move |_| super::demo::erase_all(state)>{move || t().reset}</button>
                <h2>{move || t().about}</h2>
                <p class="muted">{move || t().licence_note}</p>
            </section>
        </div>
        <DemoPanel/>
    }
}
