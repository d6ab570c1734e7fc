//! 备份与恢复: a full backup file, encrypted with a passphrase, and restoring one into this
//! browser. Also shows whether the browser keeps the data persistently and how much room
//! is used.

use baoxue_core::exchange::{
    compress, encrypt, read_payload, write_bundle, Backup, BundleError, Envelope, UnitRef,
    BACKUP_KIND,
};
use baoxue_core::model::{AuditAction, AuditEntry, Lang, Localized};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::browser::{confirm, now};
use crate::components::download::save_file;
use crate::i18n::text;
use crate::route::Route;
use crate::state::{Database, Installer, Language, Ledgers, Navigation, Notices, Office};
use crate::store;
use crate::worker::{unseal, WorkerSlot};

fn envelope_for(b: &Backup, by: &str) -> Envelope {
    Envelope::new(
        BACKUP_KIND,
        UnitRef::of(&b.installation),
        None,
        None,
        now(),
        by,
        None,
    )
}

/// A backup file's payload and when the file was made, decrypted if needed and checked
/// whole: a backup replaces everything, so one that could not be used is refused before
/// anything is touched.
async fn open_backup(
    lang: Lang,
    worker: WorkerSlot,
    bytes: &[u8],
    passphrase: &str,
) -> Result<(chrono::NaiveDateTime, Backup), String> {
    let json = unseal(worker, bytes, passphrase, lang).await?;
    let (envelope, backup) =
        read_payload::<Backup>(&json, BACKUP_KIND).map_err(|e: BundleError| e.say(lang))?;
    let problems = backup.problems();
    if !problems.is_empty() {
        return Err(format!(
            "{}{}",
            text(lang).bk_cannot_restore,
            problems.join("；")
        ));
    }
    Ok((envelope.created_at, backup))
}

#[component]
pub fn BackupPanel() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let database = expect_context::<Database>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let pass1 = RwSignal::new(String::new());
    let pass2 = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let last = RwSignal::new(None::<chrono::NaiveDateTime>);

    Effect::new(move |_| {
        ledgers.track_ledgers();
        if let Some(db) = database.db() {
            spawn_local(async move {
                if let Ok(t) = store::last_backup(&db).await {
                    last.set(t);
                }
            });
        }
    });

    let make = move |_| {
        let (p1, p2) = (pass1.get_untracked(), pass2.get_untracked());
        if p1 != p2 {
            error.set(Some(text(language.get_untracked()).bk_mismatch.into()));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = async {
                let db = database.db().ok_or("数据库未打开")?;
                let b = store::read_backup(&db)
                    .await
                    .map_err(|e| e.say(language.get_untracked()))?
                    .ok_or(text(language.get_untracked()).bk_no_data)?;
                let text = write_bundle(envelope_for(&b, &office.operator()), &b)
                    .map_err(|e| e.say(language.get_untracked()))?;
                // Compressed first: encrypted bytes do not shrink.
                let sealed =
                    encrypt(&compress(&text), &p1).map_err(|e| e.say(language.get_untracked()))?;
                let at = now();
                let name = format!(
                    "{}_保学备份_{}.baoxue",
                    b.installation.short_name(),
                    at.format("%Y%m%d_%H%M")
                );
                save_file(&name, "application/octet-stream", &sealed)?;
                let audit = AuditEntry {
                    at,
                    operator: office.operator(),
                    action: AuditAction::Update,
                    subject: "installation".into(),
                    summary: format!("生成备份文件 {name}（{}）", b.summary()),
                    changes: Vec::new(),
                    lines: Vec::new(),
                };
                store::mark_backup(&db, at, &audit)
                    .await
                    .map_err(|e| e.say(language.get_untracked()))?;
                last.set(Some(at));
                Ok::<_, String>(name)
            }
            .await;
            busy.set(false);
            match result {
                Ok(name) => {
                    pass1.set(String::new());
                    pass2.set(String::new());
                    notices.info(crate::i18n::fill(
                        text(language.get_untracked()).bk_made,
                        &[&name],
                    ));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <section class="card" id="backup">
            <h2>{move || text(language.get()).backup_title}</h2>
            <StorageStatus/>
            <p>
                {move || text(language.get()).last_backup}{move || text(language.get()).colon}
                <strong id="last-backup">{move || last.get().map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| text(language.get()).never.into())}</strong>
            </p>
            <div class="form-grid">
                <label class="field"><span>{move || text(language.get()).bk_passphrase}</span><input type="password" id="backup-pass" bind:value=pass1 autocomplete="new-password"/></label>
                <label class="field"><span>{move || text(language.get()).bk_again}</span><input type="password" id="backup-pass2" bind:value=pass2 autocomplete="new-password"/></label>
                <div class="field"><span>"\u{a0}"</span><button class="primary" id="make-backup" disabled=busy on:click=make>{move || text(language.get()).make_backup}</button></div>
            </div>
            <p class="muted">{move || text(language.get()).bk_note}</p>
            {move || error.get().map(|e| view! { <div class="errors" role="alert" id="backup-error">{e}</div> })}
        </section>
    }
}

/// Restoring a backup file into this browser: checked first, replaced only after asking.
#[component]
pub fn RestorePanel() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let nav = expect_context::<Navigation>();
    let database = expect_context::<Database>();
    let office = expect_context::<Office>();
    let installer = expect_context::<Installer>();
    let busy = RwSignal::new(false);
    let restore_pass = RwSignal::new(String::new());
    let pending = RwSignal::new(None::<(chrono::NaiveDateTime, Backup)>);
    let restore_error = RwSignal::new(None::<String>);
    // Taken here: handlers run outside the component, where there is no context to ask.
    let failure = use_context::<crate::state::OpenFailure>();
    let worker: WorkerSlot = StoredValue::new_local(None);
    let checking = RwSignal::new(false);
    let stop = RwSignal::new(false);
    let check = move |_| {
        restore_error.set(None);
        pending.set(None);
        let pass = restore_pass.get_untracked();
        checking.set(true);
        stop.set(false);
        let lang = language.get_untracked();
        spawn_local(async move {
            let opened =
                match super::common::read_file("restore-file", text(lang).bk_choose, lang).await {
                    Ok((_, bytes)) => open_backup(lang, worker, &bytes, &pass).await,
                    Err(e) => Err(e),
                };
            checking.set(false);
            // Cancelled before the worker had the file, or while it decrypted.
            let opened = opened.and_then(|b| {
                if stop.get_untracked() {
                    Err(text(lang).bk_cancelled.to_string())
                } else {
                    Ok(b)
                }
            });
            match opened {
                Ok(b) => pending.set(Some(b)),
                Err(e) => restore_error.set(Some(e)),
            }
        });
    };
    let cancel_check = move |_| {
        stop.set(true);
        crate::worker::cancel(worker);
    };
    let apply = move |_| {
        let Some((made_at, b)) = pending.get_untracked() else {
            return;
        };
        let failed = failure.is_some_and(|f| f.0.with_untracked(Option::is_some));
        if (failed || office.installation.with_untracked(Option::is_some))
            && !confirm(text(language.get_untracked()).bk_confirm_restore)
        {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let audit = AuditEntry {
                at: now(),
                operator: b.installation.operator.clone(),
                action: AuditAction::Restore,
                subject: "installation".into(),
                summary: format!("从备份文件恢复：{}", b.summary()),
                changes: Vec::new(),
                lines: Vec::new(),
            };
            let result = async {
                let db = database.db().ok_or("数据库未打开")?;
                store::restore(&db, &b, made_at, &audit)
                    .await
                    .map_err(|e| e.say(language.get_untracked()))?;
                store::load_all(&db)
                    .await
                    .map_err(|e| e.say(language.get_untracked()))
            }
            .await;
            busy.set(false);
            match result {
                Ok(loaded) => {
                    installer.install(loaded.whole);
                    if let Some(f) = failure {
                        f.0.set(None);
                    }
                    pending.set(None);
                    notices.info(format!(
                        "{}{}",
                        text(language.get_untracked()).bk_restored,
                        b.summary_in(language.get_untracked())
                    ));
                    nav.navigate(Route::Home);
                }
                Err(e) => restore_error.set(Some(e)),
            }
        });
    };

    view! {
        <section class="card" id="restore">
            <h2>{move || text(language.get()).restore_title}</h2>
            <div class="form-grid">
                <label class="field"><span>{move || text(language.get()).bk_file}</span><input type="file" id="restore-file" accept=".baoxue,.json,.age"/></label>
                <label class="field"><span>{move || text(language.get()).passphrase}</span><input type="password" id="restore-pass" bind:value=restore_pass autocomplete="off"/></label>
                <div class="field"><span>"\u{a0}"</span><button id="check-backup" disabled=checking on:click=check>{move || text(language.get()).check_file}</button></div>
            </div>
            <Show when=move || checking.get()>
                <p class="muted" id="checking-backup">{move || text(language.get()).bk_checking}" " <button id="cancel-check" on:click=cancel_check>{move || text(language.get()).cancel}</button></p>
            </Show>
            {move || restore_error.get().map(|e| view! { <div class="errors" role="alert" id="restore-error">{e}</div> })}
            {move || pending.get().map(|(made_at, b)| view! {
                <div class="warning" id="restore-summary">
                    <p>{move || text(language.get()).bk_checked}{move || b.summary_in(language.get())}{move || crate::i18n::fill(text(language.get()).bk_made_at, &[&made_at.format("%Y-%m-%d %H:%M").to_string()])}</p>
                    <button class="danger" id="apply-restore" disabled=busy on:click=apply>{move || text(language.get()).bk_apply}</button>
                </div>
            })}
        </section>
    }
}

/// Whether the browser keeps the data persistently, and how much room is used.
#[component]
fn StorageStatus() -> impl IntoView {
    let language = expect_context::<Language>();
    let persisted = RwSignal::new(None::<bool>);
    let usage = RwSignal::new(None::<(f64, f64)>);
    spawn_local(async move {
        let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else {
            return;
        };
        if let Ok(p) = storage.persisted() {
            if let Ok(v) = JsFuture::from(p).await {
                persisted.set(v.as_bool());
            }
        }
        if let Ok(p) = storage.estimate() {
            if let Ok(v) = JsFuture::from(p).await {
                let e: web_sys::StorageEstimate = v.unchecked_into();
                usage.set(Some((
                    e.get_usage().unwrap_or(0.0),
                    e.get_quota().unwrap_or(0.0),
                )));
            }
        }
    });
    let mb = |b: f64| format!("{:.1} MB", b / 1_048_576.0);
    view! {
        <p id="storage-status">
            {move || match persisted.get() {
                Some(true) => text(language.get()).bk_persisted,
                Some(false) => text(language.get()).bk_not_persisted,
                None => "",
            }}
            " "
            {move || usage.get().map(|(u, q)| crate::i18n::fill(text(language.get()).bk_usage, &[&mb(u), &mb((q - u).max(0.0))]))}
        </p>
    }
}
