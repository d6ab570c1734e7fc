//! First start: which unit this browser works for, and who operates it.

use std::sync::Arc;

use baoxue_core::divisions::DivisionTable;
use baoxue_core::model::Localized;
use baoxue_core::model::{
    AuditAction, AuditEntry, Division, Installation, Labelled, Level, School, SchoolKind,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::demo::DemoPanel;
use crate::browser::{now, today};
use crate::components::select::EnumSelect;
use crate::i18n::text;
use crate::route::Route;
use crate::state::{Database, Installer, Language, Navigation};
use crate::store;

/// The set-up page shown until an installation exists.
#[component]
pub fn SetupPage() -> impl IntoView {
    let language = expect_context::<Language>();
    let t = move || text(language.get());
    let table = LocalResource::new(crate::divisions::table);

    view! {
        <div class="setup">
            <section class="card">
                <h1>{move || t().setup_title}</h1>
                <p class="muted">{move || t().setup_intro}</p>
                {move || match table.get() {
                    None => view! { <p>{t().divisions_loading}</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
                    Some(Ok(table)) => view! { <SetupForm table=table/> }.into_any(),
                }}
            </section>
            <super::school_setup::InstallFromSetupFile/>
            <DemoPanel/>
            <super::backup::RestorePanel/>
        </div>
    }
}

/// A `<select>` of divisions bound to a code signal.
#[component]
fn DivisionSelect(
    /// Label shown before the select.
    label: Signal<&'static str>,
    /// Options to offer.
    #[prop(into)]
    options: Signal<Vec<Division>>,
    /// The chosen code, empty when none.
    value: RwSignal<String>,
    /// Element id.
    id: &'static str,
) -> impl IntoView {
    let language = expect_context::<Language>();
    view! {
        <label class="field">
            <span>{move || label.get()}</span>
            <select id=id on:change=move |ev| value.set(event_target_value(&ev)) prop:value=move || value.get()>
                <option value="">{move || text(language.get()).choose}</option>
                {move || options.get().into_iter().map(|d| {
                    let code = d.code.clone();
                    view! { <option value=d.code selected=move || value.get() == code>{d.name}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
fn SetupForm(table: Arc<DivisionTable>) -> impl IntoView {
    let language = expect_context::<Language>();
    let nav = expect_context::<Navigation>();
    let database = expect_context::<Database>();
    let installer = expect_context::<Installer>();
    let t = move || text(language.get());
    let level = RwSignal::new(Some(Level::County));
    let province = RwSignal::new(String::new());
    let prefecture = RwSignal::new(String::new());
    let county = RwSignal::new(String::new());
    let township = RwSignal::new(String::new());
    let school_name = RwSignal::new(String::new());
    let school_code = RwSignal::new(String::new());
    let school_kind = RwSignal::new(Some(SchoolKind::Primary));
    let operator = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    // A changed parent clears its children.
    Effect::new(move |_| {
        province.track();
        prefecture.set(String::new());
    });
    Effect::new(move |_| {
        prefecture.track();
        county.set(String::new());
    });
    Effect::new(move |_| {
        county.track();
        township.set(String::new());
    });

    // The divisions under the one chosen in `parent`.
    let below = |parent: RwSignal<String>| {
        let table = table.clone();
        Signal::derive(move || {
            let code = parent.get();
            if code.is_empty() {
                Vec::new()
            } else {
                table.children_of(&code)
            }
        })
    };
    let provinces = table.provinces();
    let (prefectures, counties, townships) = (below(province), below(prefecture), below(county));
    let needs = move |lv: Level| {
        level
            .get()
            .is_some_and(|l| l.division_code_len() >= lv.division_code_len())
    };

    let table_for_save = table.clone();
    let save = move |_| {
        let t = text(language.get_untracked());
        let Some(lv) = level.get_untracked() else {
            return;
        };
        let code = match lv.division_code_len() {
            2 => province.get_untracked(),
            4 => prefecture.get_untracked(),
            6 => county.get_untracked(),
            _ => township.get_untracked(),
        };
        if code.len() != lv.division_code_len() {
            error.set(Some(t.setup_need_division.into()));
            return;
        }
        let op = operator.get_untracked().trim().to_string();
        if op.is_empty() {
            error.set(Some(t.setup_need_operator.into()));
            return;
        }
        let school = (lv == Level::School).then(|| School {
            id: Uuid::new_v4(),
            name: school_name.get_untracked().trim().to_string(),
            code: Some(school_code.get_untracked().trim().to_string()).filter(|c| !c.is_empty()),
            kind: school_kind.get_untracked().unwrap_or(SchoolKind::Primary),
            township_code: code.clone(),
        });
        if let Some(s) = &school {
            if let Err(e) = s.validate(&[]) {
                error.set(Some(e.to_string()));
                return;
            }
        }
        let townships = match lv {
            Level::County => table_for_save.children_of(&code),
            Level::Township | Level::School => {
                table_for_save.get(&code).cloned().into_iter().collect()
            }
            _ => Vec::new(),
        };
        let inst = Installation {
            level: lv,
            divisions: table_for_save.path(&code),
            townships,
            school_id: school.as_ref().map(|s| s.id),
            operator: op.clone(),
            created_at: now(),
            demo: false,
        };
        let audit = AuditEntry {
            at: now(),
            operator: op,
            action: AuditAction::Setup,
            subject: "installation".into(),
            summary: format!("设置本机单位：{}（{}）", inst.unit_name(), lv.zh()),
            changes: Vec::new(),
            lines: Vec::new(),
        };
        error.set(None);
        spawn_local(async move {
            let Some(db) = database.db() else { return };
            // The county's own bureau issues notices; a school or township sets it in Settings.
            let county = inst
                .divisions
                .iter()
                .find(|d| d.code.len() == 6)
                .map(|d| d.name.clone())
                .unwrap_or_default();
            let mut settings = baoxue_core::casework::CaseworkSettings::for_unit(&county);
            // A calendar to adjust, not an empty one that counts every holiday as absence.
            settings.calendar =
                baoxue_core::casework::attendance::SchoolCalendar::usual_around(today());
            let whole = baoxue_core::installation::WholeInstallation::new(
                inst,
                settings,
                school.into_iter().collect(),
            );
            match store::replace_all(&db, &whole, &[], &[audit], None).await {
                Ok(()) => {
                    installer.install(Some(whole));
                    nav.navigate(Route::Home);
                }
                Err(e) => error.set(Some(e.say(language.get_untracked()))),
            }
        });
    };

    view! {
        <div class="form-grid">
            <label class="field">
                <span>{move || t().level}</span>
                <EnumSelect value=level id="setup-level".to_string()/>
            </label>
            <DivisionSelect id="setup-province" label=Signal::derive(move || t().province) options=provinces value=province/>
            <Show when=move || needs(Level::Prefecture)>
                <DivisionSelect id="setup-prefecture" label=Signal::derive(move || t().prefecture)
                    options=prefectures value=prefecture/>
            </Show>
            <Show when=move || needs(Level::County)>
                <DivisionSelect id="setup-county" label=Signal::derive(move || t().county)
                    options=counties value=county/>
            </Show>
            <Show when=move || needs(Level::Township)>
                <DivisionSelect id="setup-township" label=Signal::derive(move || t().township)
                    options=townships value=township/>
            </Show>
            <Show when=move || level.get() == Some(Level::School)>
                <label class="field">
                    <span>{move || t().school_name}</span>
                    <input id="setup-school-name" bind:value=school_name/>
                </label>
                <label class="field">
                    <span>{move || t().school_code}</span>
                    <input id="setup-school-code" inputmode="numeric" maxlength="10" bind:value=school_code/>
                </label>
                <label class="field">
                    <span>{move || t().school_kind}</span>
                    <EnumSelect value=school_kind/>
                </label>
            </Show>
            <label class="field">
                <span>{move || t().operator_name}</span>
                <input id="setup-operator" bind:value=operator placeholder=move || t().operator_hint/>
            </label>
        </div>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <button id="setup-save" class="primary" on:click=save>{move || t().setup_save}</button>
    }
}
