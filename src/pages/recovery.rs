//! 数据无法打开: what the page shows instead of hanging when this browser's data cannot be
//! loaded (or the app stopped on an internal error and was reopened in recovery mode). The
//! data stays where it is; the clerk can restore a backup over it, or save it whole,
//! encrypted, for someone to recover by hand.

use baoxue_core::exchange::encrypt;
use baoxue_core::model::Localized;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::backup::RestorePanel;
use crate::browser::now;
use crate::components::download::save_file;
use crate::i18n::text;
use crate::state::{Database, Language, Notices};
use crate::store;

/// The hash that opens the app without reading its data (linked from the internal-error
/// message, for an installation that stops every time it opens).
pub const RECOVERY_HASH: &str = "#/recovery";

#[component]
pub fn RecoveryPage(why: String) -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let database = expect_context::<Database>();
    let t = move || text(language.get());
    let pass = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let export = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = async {
                let db = database
                    .db()
                    .ok_or(text(language.get_untracked()).rc_no_database)?;
                let raw = store::dump_raw(&db)
                    .await
                    .map_err(|e| e.say(language.get_untracked()))?;
                let sealed = encrypt(raw.as_bytes(), &pass.get_untracked())
                    .map_err(|e| e.say(language.get_untracked()))?;
                let name = format!("保学原始数据_{}.baoxue", now().format("%Y%m%d_%H%M"));
                save_file(&name, "application/octet-stream", &sealed)?;
                Ok::<_, String>(name)
            }
            .await;
            busy.set(false);
            match result {
                Ok(name) => notices.info(crate::i18n::fill(
                    text(language.get_untracked()).rc_exported,
                    &[&name],
                )),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" id="recovery">
            <h2>{move || t().rc_title}</h2>
            <div class="errors" role="alert" id="recovery-why">{why}</div>
            <p>{move || t().rc_kept}</p>
            <ol>
                <li>{move || t().rc_restore}</li>
                <li>{move || t().rc_export_raw}</li>
            </ol>
        </section>
        <RestorePanel/>
        <section class="card" id="raw-export">
            <h2>{move || t().rc_export_title}</h2>
            <div class="form-grid">
                <label class="field"><span>{move || t().rc_passphrase}</span><input type="password" id="raw-pass" bind:value=pass autocomplete="new-password"/></label>
                <div class="field"><span>"\u{a0}"</span><button id="raw-export-btn" disabled=busy on:click=export>{move || t().rc_export}</button></div>
            </div>
            {move || error.get().map(|e| view! { <div class="errors" role="alert" id="raw-export-error">{e}</div> })}
        </section>
    }
}

/// Replaces the page with a message when the app stops on an internal error: the wasm
/// module cannot run after a panic, so this is plain DOM, and offers to reopen in recovery
/// mode (which reads nothing) in case the error comes back on every start.
pub fn show_stopped(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    if doc.get_element_by_id("app-stopped").is_some() {
        return;
    }
    let Ok(panel) = doc.create_element("div") else {
        return;
    };
    panel.set_id("app-stopped");
    let _ = panel.set_attribute("role", "alert");
    let _ = panel.set_attribute("class", "stopped");
    let title = doc.create_element("h2").ok();
    let text = doc.create_element("p").ok();
    let detail = doc.create_element("pre").ok();
    let again = doc.create_element("button").ok();
    let recover = doc.create_element("button").ok();
    if let (Some(title), Some(text), Some(detail), Some(again), Some(recover)) =
        (title, text, detail, again, recover)
    {
        // The language remembered in this browser: the app's own state may be what broke.
        let t = crate::i18n::text(crate::browser::saved_lang());
        title.set_text_content(Some(t.rc_stopped));
        text.set_text_content(Some(t.rc_stopped_note));
        // As text, never as markup: a message may quote a child's name.
        detail.set_text_content(Some(message));
        again.set_text_content(Some(t.rc_reopen));
        let _ = again.set_attribute("id", "stopped-reload");
        let _ = again.set_attribute("onclick", "location.reload()");
        recover.set_text_content(Some(t.rc_recovery_mode));
        let _ = recover.set_attribute("id", "stopped-recovery");
        let _ = recover.set_attribute(
            "onclick",
            &format!("location.hash='{RECOVERY_HASH}';location.reload()"),
        );
        for child in [&title, &text, &detail, &again, &recover] {
            let _ = panel.append_child(child);
        }
    }
    let _ = body.insert_before(&panel, body.first_child().as_ref());
}
