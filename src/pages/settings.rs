//! Settings: the unit, the operator, the language, the demo county and erasing the data.

use baoxue_core::casework::{attendance::SchoolCalendar, CaseworkSettings};
use baoxue_core::model::{AuditAction, AuditEntry, FieldChange, Labelled, Lang, Localized};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::demo::DemoPanel;
use crate::browser::save_lang;
use crate::browser::{confirm, now, today};
use crate::i18n::text;
use crate::state::{Database, Installer, Language, Ledgers, Navigation, Notices, Office};
use crate::store;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let database = expect_context::<Database>();
    let office = expect_context::<Office>();
    let nav = expect_context::<Navigation>();
    let installer = expect_context::<Installer>();
    let t = move || text(language.get());
    let operator = RwSignal::new(office.operator());
    let save_operator = move |_| {
        let Some(mut inst) = office.installation.get_untracked() else {
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
            lines: Vec::new(),
        };
        inst.operator = new;
        spawn_local(async move {
            let Some(db) = database.db() else { return };
            match store::save_installation(&db, &inst, &audit).await {
                Ok(()) => {
                    office.installation.set(Some(inst));
                    notices.info(text(language.get_untracked()).saved);
                }
                Err(e) => notices.error(e.say(language.get_untracked())),
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
                        <tr><th>{move || t().level}</th><td>{move || office.installation.with(|i| i.as_ref().map(|i| i.level.label(language.get())))}</td></tr>
                        <tr><th>{move || t().unit}</th><td>{move || office.installation.with(|i| i.as_ref().map(|i| i.unit_name()))}</td></tr>
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
                            <input type="radio" name="lang" prop:checked=move || language.get() == l
                                on:change=move |_| { save_lang(l); language.set(l); }/>
                            <span>{if l == Lang::Zh { "简体中文" } else { "English" }}</span>
                        </label>
                    }).collect_view()}
                </div>
            </section>
            <section class="card">
                <h2>{move || t().data_section}</h2>
                <p class="warning">{move || t().data_warning}</p>
                <button id="reset-all" class="danger" on:click=move |_| super::demo::erase_all(installer, notices, nav, language.get_untracked())>{move || t().reset}</button>
                <h2>{move || t().about}</h2>
                <p class="muted">{move || t().licence_note}</p>
            </section>
        </div>
        <div class="columns two">
            <super::backup::BackupPanel/>
            <super::backup::RestorePanel/>
        </div>
        <OfficeKeyPanel/>
        <CaseworkSettingsForm/>
        <TargetsForm/>
        <DemoPanel/>
    }
}

/// 本单位密钥: the office's public key, for others to seal files to; its secret key to export
/// for safekeeping (and for `age --decrypt -i`); and the key of the office it reports to.
#[component]
fn OfficeKeyPanel() -> impl IntoView {
    let language = expect_context::<Language>();
    let office = expect_context::<Office>();
    let exchange = expect_context::<crate::state::Exchange>();
    let t = move || text(language.get());
    let error = RwSignal::new(None::<String>);
    let public = move || {
        exchange
            .inbox
            .with(|i| i.office_key.as_ref().map(|k| k.public.clone()))
    };
    let export = move |_| {
        error.set(None);
        spawn_local(async move {
            let made = exchange.office_key(&office.operator()).await;
            let key = match made {
                Ok(k) => k,
                Err(e) => return error.set(Some(e.say(language.get_untracked()))),
            };
            let unit = office.unit_short_name();
            let file = key.identity_file(&unit, crate::browser::now());
            let name = format!("{unit}_本单位密钥.txt");
            if let Err(e) =
                crate::components::download::save_file(&name, "text/plain", file.as_bytes())
            {
                error.set(Some(e));
            }
        });
    };
    view! {
        <section class="card" id="office-key">
            <h2>{move || t().key_title}</h2>
            <p class="warning">{move || t().key_warning}</p>
            <table class="fields">
                <tbody>
                    <tr><th>{move || t().key_public}</th><td><code id="office-public-key" class="break">{move || public().unwrap_or_else(|| t().key_not_made.into())}</code></td></tr>
                    <tr><th>{move || t().key_upper}</th><td id="upper-key">{move || exchange.outbox.with(|o| match &o.upper_key {
                        Some(k) => format!("{}（{}）：{}", k.unit, k.source, k.public),
                        None => t().key_upper_none.into(),
                    })}</td></tr>
                </tbody>
            </table>
            <button id="export-office-key" on:click=export>{move || t().key_export}</button>
            {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
        </section>
    }
}

/// The 控辍保学 settings: thresholds, periods and the notice's issuer.
#[component]
fn CaseworkSettingsForm() -> impl IntoView {
    let language = expect_context::<Language>();
    let ledgers = expect_context::<Ledgers>();
    let office = expect_context::<Office>();
    let notices = expect_context::<Notices>();
    let t = move || text(language.get());
    let s = ledgers.casebook.with_untracked(|b| b.settings.clone());
    let threshold = RwSignal::new(s.absence_threshold.to_string());
    let transfer = RwSignal::new(s.transfer_confirm_days.to_string());
    let watch = RwSignal::new(s.watch_days.to_string());
    let notice = RwSignal::new(s.notice_deadline_days.to_string());
    let case_days = RwSignal::new(s.case_deadline_days.to_string());
    let issuer = RwSignal::new(s.notice_issuer.clone());
    let prefix = RwSignal::new(s.notice_prefix.clone());
    let reminder = RwSignal::new(s.backup_reminder_days.to_string());
    let (closed_text, make_up_text) = s.calendar.to_text();
    let closed = RwSignal::new(closed_text);
    let make_up = RwSignal::new(make_up_text);
    let error = RwSignal::new(None::<String>);
    // The school year in course: its usual closed days, to start from.
    let year = baoxue_core::rules::school_age::school_year_of(today());
    let usual = move |_| {
        let has = !closed.get_untracked().trim().is_empty();
        if !has || confirm(text(language.get_untracked()).set_replace_calendar) {
            closed.set(SchoolCalendar::usual(year).to_text().0);
        }
    };
    let save = move |_| {
        let lang = language.get_untracked();
        let t = text(lang);
        let num = |sig: RwSignal<String>, lo: u32, hi: u32, what: &str| {
            sig.get_untracked()
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (lo..=hi).contains(n))
                .ok_or_else(|| {
                    crate::i18n::fill(
                        t.set_whole_number,
                        &[what, &lo.to_string(), &hi.to_string()],
                    )
                })
        };
        let parsed = (|| -> Result<CaseworkSettings, String> {
            Ok(CaseworkSettings {
                absence_threshold: num(threshold, 1, 30, t.set_threshold)?,
                transfer_confirm_days: num(transfer, 1, 365, t.set_transfer)?,
                watch_days: num(watch, 1, 730, t.set_watch)?,
                notice_deadline_days: num(notice, 1, 90, t.set_notice_days)?,
                case_deadline_days: num(case_days, 1, 365, t.set_case_days)?,
                notice_issuer: issuer.get_untracked().trim().to_string(),
                notice_prefix: prefix.get_untracked().trim().to_string(),
                backup_reminder_days: num(reminder, 1, 365, t.set_reminder)?,
                calendar: SchoolCalendar::parse(&closed.get_untracked(), &make_up.get_untracked())
                    .map_err(|e| format!("{}{}", t.set_calendar_error, e.say(lang)))?,
                ..ledgers.casebook.with_untracked(|b| b.settings.clone())
            })
        })();
        let new = match parsed {
            Ok(n) => n,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        save_changed(
            ledgers,
            office,
            notices,
            language,
            new,
            "修改控辍保学设置",
            error,
        );
    };
    view! {
        <section class="card">
            <h2>{move || t().casework_settings}</h2>
            <div class="form-grid">
                <label class="field"><span>{move || t().set_threshold}</span><input id="set-threshold" type="number" bind:value=threshold/></label>
                <label class="field"><span>{move || t().set_transfer}</span><input id="set-transfer" type="number" bind:value=transfer/></label>
                <label class="field"><span>{move || t().set_watch}</span><input id="set-watch" type="number" bind:value=watch/></label>
                <label class="field"><span>{move || t().set_notice_days}</span><input id="set-notice" type="number" bind:value=notice/></label>
                <label class="field"><span>{move || t().set_case_days}</span><input id="set-case-days" type="number" bind:value=case_days/></label>
                <label class="field"><span>{move || t().set_issuer}</span><input id="set-issuer" bind:value=issuer/></label>
                <label class="field"><span>{move || t().set_prefix}</span><input id="set-prefix" bind:value=prefix/></label>
                <label class="field"><span>{move || t().set_reminder}</span><input id="set-reminder" type="number" bind:value=reminder/></label>
            </div>
            <div class="form-grid">
                <label class="field wide"><span>{move || t().set_closed}</span><textarea id="set-closed" rows="8" bind:value=closed></textarea></label>
                <label class="field"><span>{move || t().set_make_up}</span><textarea id="set-make-up" rows="8" bind:value=make_up></textarea></label>
            </div>
            <p class="muted small">
                <button class="secondary" id="usual-calendar" on:click=usual>{move || crate::i18n::fill(t().set_usual, &[&format!("{year}—{}", year + 1)])}</button>
                " " {move || t().set_usual_note}
                {move || (!SchoolCalendar::knows_lunar_holidays(year)).then_some(t().set_no_lunar)}
            </p>
            {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
            <button id="save-settings" on:click=save>{move || t().save}</button>
        </section>
    }
}

/// Saves changed settings with an audit entry saying what changed.
fn save_changed(
    ledgers: Ledgers,
    office: Office,
    notices: Notices,
    language: Language,
    new: CaseworkSettings,
    summary: &'static str,
    error: RwSignal<Option<String>>,
) {
    // The core's ranges are the last word (the same are checked on restore and on load).
    let problems = new.problems();
    if !problems.is_empty() {
        error.set(Some(problems.join("；")));
        return;
    }
    let old = ledgers.casebook.with_untracked(|b| b.settings.clone());
    let audit = AuditEntry {
        at: now(),
        operator: office.operator(),
        action: AuditAction::Update,
        subject: "installation".into(),
        summary: summary.into(),
        changes: vec![FieldChange {
            field: "设置".into(),
            before: format!("{old:?}"),
            after: format!("{new:?}"),
        }],
        lines: Vec::new(),
    };
    spawn_local(async move {
        match ledgers.save_settings(new, &audit).await {
            Ok(()) => {
                error.set(None);
                notices.info(text(language.get_untracked()).saved);
            }
            Err(e) => error.set(Some(e.say(language.get_untracked()))),
        }
    });
}

/// 指标目标与辍学口径: the targets each figure is held to and which decreases count as dropouts.
#[component]
fn TargetsForm() -> impl IntoView {
    use baoxue_core::indicators::{CensusDefinition, DropoutDefinition, Indicator, Targets};
    let language = expect_context::<Language>();
    let ledgers = expect_context::<Ledgers>();
    let office = expect_context::<Office>();
    let notices = expect_context::<Notices>();
    let t = move || text(language.get());
    let s = ledgers.casebook.with_untracked(|b| b.settings.clone());
    let fields: Vec<(Indicator, RwSignal<String>)> = Indicator::ALL
        .iter()
        .map(|&i| (i, RwSignal::new(s.targets.of(i).to_string())))
        .collect();
    let suspended = RwSignal::new(s.dropout_definition.suspended_count);
    let deaths = RwSignal::new(s.dropout_definition.deaths_count);
    let exclude_deferred = RwSignal::new(s.census_definition.deferred_excluded);
    let disabled_from = RwSignal::new(s.census_definition.disabled_from().to_string());
    let error = RwSignal::new(None::<String>);
    let read = fields.clone();
    let save = move |_| {
        let mut targets = Targets::default();
        for (i, sig) in &read {
            let value = sig
                .get_untracked()
                .trim()
                .trim_end_matches('%')
                .parse::<f64>();
            let Some(v) = value.ok().filter(|v| (0.0..=100.0).contains(v)) else {
                error.set(Some(crate::i18n::fill(
                    text(language.get_untracked()).set_target_percent,
                    &[i.label(language.get_untracked())],
                )));
                return;
            };
            match i {
                Indicator::PrimaryEnrolment => targets.primary_enrolment = v,
                Indicator::JuniorEnrolment => targets.junior_enrolment = v,
                Indicator::PrimaryDropout => targets.primary_dropout = v,
                Indicator::JuniorDropout => targets.junior_dropout = v,
                Indicator::Consolidation => targets.consolidation = v,
                Indicator::DisabledEnrolment => targets.disabled_enrolment = v,
            }
        }
        let new = CaseworkSettings {
            targets,
            dropout_definition: DropoutDefinition {
                suspended_count: suspended.get_untracked(),
                deaths_count: deaths.get_untracked(),
            },
            census_definition: CensusDefinition {
                deferred_excluded: exclude_deferred.get_untracked(),
                disabled_from_age: if disabled_from.get_untracked() == "6" {
                    6
                } else {
                    7
                },
            },
            ..ledgers.casebook.with_untracked(|b| b.settings.clone())
        };
        save_changed(
            ledgers,
            office,
            notices,
            language,
            new,
            "修改指标目标或统计口径",
            error,
        );
    };
    view! {
        <section class="card" id="targets-form">
            <h2>{move || t().set_targets}</h2>
            <p class="muted small">{move || t().set_targets_note}</p>
            <div class="form-grid">
                {fields.into_iter().map(|(i, sig)| view! {
                    <label class="field">
                        <span>{move || format!("{}（%）{}", i.label(language.get()), if i.higher_is_better() { "≥" } else { "≤" })}</span>
                        <input id=format!("target-{}", i.key()) inputmode="decimal" bind:value=sig/>
                    </label>
                }).collect_view()}
            </div>
            <div class="row">
                <label class="check"><input type="checkbox" id="def-suspended" bind:checked=suspended/><span>{move || t().set_count_suspended}</span></label>
                <label class="check"><input type="checkbox" id="def-deaths" bind:checked=deaths/><span>{move || t().set_count_deaths}</span></label>
                <label class="check"><input type="checkbox" id="def-exclude-deferred" bind:checked=exclude_deferred/><span>{move || t().set_exclude_deferred}</span></label>
                <label class="field">
                    <span>{move || t().set_disabled_ages}</span>
                    <select id="def-disabled-ages" prop:value=move || disabled_from.get() on:change=move |ev| disabled_from.set(event_target_value(&ev))>
                        <option value="7">{move || t().set_disabled_ages_7}</option>
                        <option value="6">{move || t().set_disabled_ages_6}</option>
                    </select>
                </label>
            </div>
            {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
            <button id="save-targets" on:click=save>{move || t().save}</button>
        </section>
    }
}
