//! The shell: loads what is stored, provides the app state, routes by the URL's hash, and
//! shows the frame around each page.

use baoxue_core::model::{Labelled, Lang, Level, Localized};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::browser::{mark, save_lang, saved_lang};
use crate::components::notice::NoticeBar;
use crate::i18n::text;
use crate::pages;
use crate::route::{current_hash, Route};
use crate::state::{
    provide_contexts, Database, Installer, Language, Ledgers, Navigation, Notices, Office,
    OpenFailure,
};
use crate::store;

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    provide_contexts(saved_lang(), Route::parse(&current_hash()));
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let nav = expect_context::<Navigation>();
    let database = expect_context::<Database>();
    let office = expect_context::<Office>();
    let installer = expect_context::<Installer>();
    let loaded = RwSignal::new(false);
    // Data that cannot be opened shows the recovery page, never the first-start set-up
    // (which would look like an empty installation).
    let failure = OpenFailure(RwSignal::new(None));
    provide_context(failure);
    let recovery_mode = current_hash() == pages::recovery::RECOVERY_HASH;

    handle_hash_changes(nav);
    spawn_local(async move {
        mark("baoxue-open-start");
        let t = text(language.get_untracked());
        let lang = language.get_untracked();
        match store::open().await {
            Ok(db) => {
                database.set_db(db.clone());
                if recovery_mode {
                    failure.0.set(Some(t.rc_recovery_opened.to_string()));
                } else {
                    match store::load_all(&db).await {
                        Ok(l) => {
                            installer.install(l.whole);
                            if !l.repaired.is_empty() {
                                notices.error(format!(
                                    "{}{}",
                                    t.rc_repaired,
                                    l.repaired.join(crate::i18n::sep(lang, true))
                                ));
                            }
                        }
                        Err(e) => {
                            failure
                                .0
                                .set(Some(format!("{}{}", t.rc_read_error, e.say(lang))))
                        }
                    }
                }
            }
            Err(e) => failure
                .0
                .set(Some(format!("{}{}", t.rc_open_error, e.say(lang)))),
        }
        loaded.set(true);
        mark("baoxue-loaded");
        // Ask the browser to keep the data even when disk space runs low.
        if let Some(w) = web_sys::window() {
            if let Ok(p) = w.navigator().storage().persist() {
                let _ = wasm_bindgen_futures::JsFuture::from(p).await;
            }
        }
    });

    Effect::new(move |_| {
        let lang = language.get();
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(html) = doc.document_element() {
                let _ = html.set_attribute("lang", if lang == Lang::En { "en" } else { "zh-CN" });
            }
            doc.set_title(text(lang).app_name);
        }
    });

    view! {
        <Header/>
        <NoticeBar/>
        <main class="page">
            {move || {
                if !loaded.get() {
                    return view! { <p class="muted">{text(language.get()).loading}</p> }.into_any();
                }
                if let Some(why) = failure.0.get() {
                    return view! { <pages::recovery::RecoveryPage why=why/> }.into_any();
                }
                if office.installation.with(Option::is_none) {
                    return view! { <pages::setup::SetupPage/> }.into_any();
                }
                match nav.route.get() {
                    Route::Home => view! { <pages::home::HomePage/> }.into_any(),
                    Route::Children => view! { <pages::children::ChildrenPage/> }.into_any(),
                    Route::NewChild => view! { <pages::child_form::ChildForm id=None/> }.into_any(),
                    Route::RollImport => view! { <pages::roll_import::RollImportPage/> }.into_any(),
                    Route::EditChild(id) => view! { <pages::child_form::ChildForm id=Some(id)/> }.into_any(),
                    Route::Child(id) => view! { <pages::child::ChildPage id=id/> }.into_any(),
                    Route::Schools => view! { <pages::schools::SchoolsPage/> }.into_any(),
                    Route::Settings => view! { <pages::settings::SettingsPage/> }.into_any(),
                    Route::Reports => view! { <pages::reports::ReportsPage/> }.into_any(),
                    Route::Register => view! { <pages::register::RegisterPage/> }.into_any(),
                    Route::Suspects => view! { <pages::suspects::SuspectsPage/> }.into_any(),
                    Route::Suspect(id) => view! { <pages::suspect::SuspectPage id=id/> }.into_any(),
                    Route::Cases => view! { <pages::cases::CasesPage/> }.into_any(),
                    Route::Case(id) => view! { <pages::case::CasePage id=id/> }.into_any(),
                    Route::Notice(id, n) => view! { <pages::notice::NoticePage case_id=id step=n/> }.into_any(),
                    Route::Print(l) => view! { <pages::print::PrintPage ledger=l/> }.into_any(),
                    Route::CrossCheck => view! { <pages::crosscheck::CrossCheckPage/> }.into_any(),
                    Route::Indicators => view! { <pages::indicators::IndicatorsPage/> }.into_any(),
                }
            }}
        </main>
    }
}

/// Follows the back and forward buttons and typed URLs.
fn handle_hash_changes(nav: Navigation) {
    let on_change = Closure::<dyn Fn()>::new(move || {
        let route = Route::parse(&current_hash());
        if nav.route.get_untracked() != route {
            nav.route.set(route);
        }
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.add_event_listener_with_callback("hashchange", on_change.as_ref().unchecked_ref());
    }
    on_change.forget();
}

/// The top bar: unit, navigation, language.
#[component]
fn Header() -> impl IntoView {
    let language = expect_context::<Language>();
    let nav = expect_context::<Navigation>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    // A prefecture or province keeps no children's ledgers: it works from the roll-ups of the
    // level below.
    let keeps_ledgers = move || {
        !office.installation.with(|i| {
            i.as_ref()
                .is_some_and(|i| matches!(i.level, Level::Prefecture | Level::Province))
        })
    };
    let link = move |route: Route, label: fn(&crate::i18n::Text) -> &'static str| {
        let href = route.href();
        let active = {
            let route = route.clone();
            move || {
                let current = nav.route.get();
                current == route
                    || (route == Route::Children
                        && matches!(
                            current,
                            Route::Child(_) | Route::EditChild(_) | Route::NewChild
                        ))
                    || (route == Route::Suspects && matches!(current, Route::Suspect(_)))
                    || (route == Route::Cases
                        && matches!(current, Route::Case(_) | Route::Notice(..)))
            }
        };
        view! { <a href=href class:active=active>{move || label(t())}</a> }
    };
    view! {
        <header class="topbar">
            <div class="brand">
                <span class="logo">"保学"</span>
                {move || {
                    // The short name leaves the menu room; the full one is the tooltip.
                    let (level, short) = office.installation.with(|i| {
                        i.as_ref().map(|i| (i.level.label(language.get()), i.short_name().to_string()))
                    })?;
                    let title = format!("{} · {}", office.unit_title(&ledgers)?, level);
                    let shown = format!("{} · {}", office.school_name(&ledgers).unwrap_or(short), level);
                    Some(view! { <span class="unit" title=title>{shown}</span> })
                }}
                <Show when=move || office.installation.with(|i| i.as_ref().is_some_and(|i| i.demo))>
                    <span class="badge demo">{move || t().demo_badge}</span>
                </Show>
            </div>
            <Show when=move || office.installation.with(Option::is_some)>
                <nav>
                    {link(Route::Home, |t| t.nav_home)}
                    <Show when=keeps_ledgers>
                        {link(Route::Indicators, |t| t.nav_indicators)}
                        {link(Route::Children, |t| t.nav_children)}
                        {link(Route::Register, |t| t.nav_register)}
                        {link(Route::Suspects, |t| t.nav_suspects)}
                        {link(Route::Cases, |t| t.nav_cases)}
                        {link(Route::CrossCheck, |t| t.nav_crosscheck)}
                    </Show>
                    {link(Route::Reports, |t| t.nav_reports)}
                    <Show when=keeps_ledgers>
                        {link(Route::Schools, |t| t.nav_schools)}
                    </Show>
                    {link(Route::Settings, |t| t.nav_settings)}
                </nav>
            </Show>
            <div class="tools">
                <span class="operator">
                    {move || office.installation.with(|i| i.as_ref().map(|i| format!("{}{}{}", t().operator, t().colon, i.operator)))}
                </span>
                <button class="link" id="lang-switch" on:click=move |_| {
                    let next = if language.get_untracked() == Lang::Zh { Lang::En } else { Lang::Zh };
                    save_lang(next);
                    language.set(next);
                }>{move || t().switch_lang}</button>
            </div>
        </header>
        <ProgressBar/>
    }
}

/// Shows long work under way.
#[component]
fn ProgressBar() -> impl IntoView {
    let notices = expect_context::<Notices>();
    move || {
        notices.progress.get().map(|p| {
            let pct = (p.done * 100).checked_div(p.total).unwrap_or(0);
            view! {
                <div class="progress" role="progressbar" aria-valuenow=pct>
                    <div class="bar" style=format!("width:{pct}%")></div>
                    <span>{format!("{} {}%", p.label, pct)}</span>
                </div>
            }
        })
    }
}
