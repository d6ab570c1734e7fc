//! 工作台: where the unit stands, at a glance.

use baoxue_core::model::{AuditEntry, Labelled, Localized, Status};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{fill, text};
use crate::route::Route;
use crate::state::{Database, Installer, Language, Ledgers, Navigation, Notices, Office};
use crate::store;
use baoxue_core::model::format_count;

#[component]
pub fn HomePage() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let nav = expect_context::<Navigation>();
    let database = expect_context::<Database>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let installer = expect_context::<Installer>();
    let t = move || text(language.get());
    let summary = Memo::new(move |_| ledgers.with_ledger(|l| l.summary()));
    let schools = Memo::new(move |_| ledgers.with_ledger(|l| l.schools().len()));
    let recent = RwSignal::new(Vec::<AuditEntry>::new());
    Effect::new(move |_| {
        ledgers.track_ledgers();
        if let Some(db) = database.db() {
            spawn_local(async move {
                match store::recent_audit(&db, 12).await {
                    Ok(r) => recent.set(r),
                    Err(e) => notices.error(e.say(language.get_untracked())),
                }
            });
        }
    });
    let count_of = move |s: Status| {
        summary.with(|x| {
            x.by_status
                .iter()
                .find(|(k, _)| *k == s)
                .map(|x| x.1)
                .unwrap_or(0)
        })
    };
    let pct = move |n: usize| {
        let total = summary.with(|s| s.total);
        if total == 0 {
            "–".to_string()
        } else {
            format!("{:.2}%", n as f64 * 100.0 / total as f64)
        }
    };
    let show_status = move |status: Option<Status>| {
        ledgers.filters.reset();
        ledgers.filters.status.set(status);
        nav.navigate(Route::Children);
    };

    view! {
        <Show when=move || office.installation.with(|i| i.as_ref().is_some_and(|i| i.demo))>
            <div class="warning demo-banner">
                <span>{move || t().demo_banner}</span>
                <button id="reset-demo" on:click=move |_| super::demo::erase_all(installer, notices, nav, language.get_untracked())>{move || t().demo_reset}</button>
            </div>
        </Show>
        <BackupReminder/>
        <h1>{move || t().home_title}</h1>
        <p class="muted" id="unit-line">
            {move || office.unit_title(&ledgers)}
            // A school's own dashboard has no schools and townships to count.
            <Show when=move || office.installation.with(|i| i.as_ref().is_some_and(|i| i.school_id.is_none()))>
                " · " {move || format!("{} {}", schools.get(), t().schools_count)} " · "
                {move || office.installation.with(|i| i.as_ref().map(|i| i.townships.len())).unwrap_or(0)} " " {move || t().townships_count}
            </Show>
        </p>
        <div class="cards">
            <button class="stat" id="stat-total" on:click=move |_| show_status(None)>
                <span class="label">{move || t().total_children}</span>
                <span class="value">{move || format_count(summary.with(|s| s.total))}</span>
            </button>
            <div class="stat">
                <span class="label">{move || t().enrolled}</span>
                <span class="value">{move || format_count(summary.with(|s| s.enrolled))}</span>
                <span class="sub">{move || pct(summary.with(|s| s.enrolled))}</span>
            </div>
            <button class="stat warn" id="stat-suspects" on:click=move |_| show_status(Some(Status::SuspectedDropout))>
                <span class="label">{move || t().suspects}</span>
                <span class="value">{move || format_count(count_of(Status::SuspectedDropout))}</span>
            </button>
            <button class="stat alert" id="stat-dropouts" on:click=move |_| show_status(Some(Status::Dropout))>
                <span class="label">{move || t().dropouts}</span>
                <span class="value">{move || format_count(count_of(Status::Dropout))}</span>
            </button>
            <div class="stat">
                <span class="label">{move || t().without_id}</span>
                <span class="value">{move || format_count(summary.with(|s| s.without_id))}</span>
                <span class="sub">{move || format!("{} {}", t().id_disagree, summary.with(|s| s.id_disagreements))}</span>
            </div>
        </div>
        <div class="columns two">
            <super::todo::TodoList/>
            <section class="card" id="verification-counts">
                <h2>{move || t().suspects_title}</h2>
                {move || {
                    let c = ledgers.with_cases(|_, b| b.verification_counts());
                    view! {
                        <p class="big-line">
                            {t().flagged}" "<strong>{c.flagged}</strong>" · "
                            {t().confirmed}" "<strong>{c.confirmed}</strong>" · "
                            {t().not_real}" "<strong>{c.not_real}</strong>" · "
                            {t().pending}" "<strong>{c.pending}</strong>
                        </p>
                        <p><a href=Route::Suspects.href()>{t().nav_suspects}</a>" · "<a href=Route::Cases.href()>{t().nav_cases}</a>" · "<a href=Route::Register.href()>{t().nav_register}</a></p>
                    }
                }}
            </section>
        </div>
        <Show when=move || summary.with(|s| s.total == 0)>
            <p class="card empty">{move || t().no_children_yet}</p>
        </Show>
        <div class="columns">
            <section class="card">
                <h2>{move || t().by_status}</h2>
                <table class="grid compact">
                    <thead><tr><th>{move || t().status}</th><th class="num">{move || t().count}</th><th class="num">{move || t().share}</th></tr></thead>
                    <tbody>
                        {move || summary.get().by_status.into_iter().filter(|(_, n)| *n > 0).map(|(s, n)| view! {
                            <tr class=if s.is_concern() { "concern" } else { "" }>
                                <td><a href="#/children" on:click=move |ev| { ev.prevent_default(); show_status(Some(s)); }>{s.label(language.get())}</a></td>
                                <td class="num">{format_count(n)}</td>
                                <td class="num">{pct(n)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section class="card">
                <h2>{move || t().by_group}</h2>
                <table class="grid compact">
                    <thead><tr><th>{move || t().group}</th><th class="num">{move || t().count}</th><th class="num">{move || t().share}</th></tr></thead>
                    <tbody>
                        {move || summary.get().by_group.into_iter().map(|(g, n)| view! {
                            <tr>
                                <td><a href="#/children" on:click=move |ev| {
                                    ev.prevent_default();
                                    ledgers.filters.reset();
                                    ledgers.filters.group.set(Some(g));
                                    nav.navigate(Route::Children);
                                }>{g.label(language.get())}</a></td>
                                <td class="num">{format_count(n)}</td>
                                <td class="num">{pct(n)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section class="card">
                <h2>{move || t().recent_changes}</h2>
                <table class="grid compact">
                    <thead><tr><th>{move || t().when}</th><th>{move || t().who}</th><th>{move || t().what}</th></tr></thead>
                    <tbody>
                        {move || recent.get().into_iter().map(|e| view! {
                            <tr>
                                <td class="nowrap">{e.at.format("%Y-%m-%d %H:%M").to_string()}</td>
                                <td>{e.operator}</td>
                                <td>{e.summary}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </div>
    }
}

/// Reminds to make a backup file: clearing the browser's data deletes everything. It shows
/// when the last backup is older than the setting, or when files were imported since.
#[component]
fn BackupReminder() -> impl IntoView {
    use baoxue_core::model::AuditAction;
    let language = expect_context::<Language>();
    let database = expect_context::<Database>();
    let ledgers = expect_context::<Ledgers>();
    // The last backup, and the latest import after it.
    let last = RwSignal::new(None::<(Option<chrono::NaiveDateTime>, Option<String>)>);
    Effect::new(move |_| {
        ledgers.track_ledgers();
        if let Some(db) = database.db() {
            spawn_local(async move {
                let Ok(t) = store::last_backup(&db).await else {
                    return;
                };
                let import = store::recent_audit(&db, 200).await.ok().and_then(|trail| {
                    trail
                        .into_iter()
                        .find(|e| e.action == AuditAction::Import && t.is_none_or(|t| e.at > t))
                        .map(|e| e.summary)
                });
                last.set(Some((t, import)));
            });
        }
    });
    move || {
        let days = ledgers.casebook.with(|b| b.settings.backup_reminder_days);
        let (when, import) = last.get()?;
        let message = match (when, import) {
            (None, _) => text(language.get()).never_backed_up.to_string(),
            (Some(t), Some(what)) => fill(
                text(language.get()).backup_after_import,
                &[&t.format("%Y-%m-%d %H:%M").to_string(), &what],
            ),
            (Some(t), None) => {
                let age = (crate::browser::now() - t).num_days();
                if age < i64::from(days) {
                    return None;
                }
                crate::i18n::fill(
                    text(language.get()).backup_old,
                    &[&age.to_string(), &t.format("%Y-%m-%d").to_string()],
                )
            }
        };
        Some(view! {
            <div class="warning backup-reminder" id="backup-reminder">
                <span>{message}</span>" "<a href=Route::Settings.href()>{text(language.get()).go_backup}</a>
            </div>
        })
    }
}
