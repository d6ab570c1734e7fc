//! Loading the synthetic demo county: generate in batches with progress, store in one
//! transaction, then show it.

use baoxue_core::demo::{DemoParams, Generator, DEFAULT_CHILDREN};
use baoxue_core::installation::WholeInstallation;
use baoxue_core::ledger::Ledger;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::{confirm, now, today};
use crate::browser::{mark, measure};
use crate::i18n::text;
use crate::route::Route;
use crate::state::{Installer, Language, Navigation, Notices, Office, Progress};
use crate::store;
use baoxue_core::model::format_count;
use baoxue_core::model::{Lang, Localized};

const BATCH: usize = 2_000;

/// Generates and stores a demo county of `children`, replacing what is stored.
pub async fn load_demo(
    installer: Installer,
    notices: Notices,
    lang: Lang,
    children: usize,
    as_school: bool,
) -> Result<(), String> {
    let t = text(lang);
    let db = installer.db().ok_or_else(|| t.error.to_string())?;
    let table = crate::divisions::table().await?;
    let mut params = DemoParams::new(today());
    params.children = children;
    let seed = params.seed;
    let mut gen = Generator::new(params, &table).map_err(|e| e.say(lang))?;
    let mut all = Vec::with_capacity(children);
    while gen.remaining() > 0 {
        all.extend(gen.next_children(BATCH));
        notices.progress.set(Some(Progress {
            label: t.demo_generating.to_string(),
            done: all.len(),
            total: children,
        }));
        TimeoutFuture::new(0).await;
    }
    notices.progress.set(Some(Progress {
        label: t.demo_saving.to_string(),
        done: children,
        total: children,
    }));
    TimeoutFuture::new(0).await;
    let mut installation = gen.installation.clone();
    let mut settings = baoxue_core::casework::CaseworkSettings::for_unit(installation.short_name());
    settings.calendar = baoxue_core::demo::demo_calendar(today());
    let mut casework = gen.casework(&mut all, &settings);
    casework.history = baoxue_core::demo::history::history(&gen.schools, &all, today(), seed);
    let mut schools = gen.schools.clone();
    if as_school {
        // The same county seen from one of its schools: its reports fit the county's demo.
        let school = baoxue_core::demo::demo_school(&schools, &all, &casework)
            .ok_or_else(|| t.error.to_string())?;
        let (inst, one, mine, cw) =
            baoxue_core::demo::school_slice(&installation, &schools, all, casework, school)
                .ok_or_else(|| t.error.to_string())?;
        (installation, schools, all, casework) = (inst, vec![one], mine, cw);
    }
    let ledger = Ledger::new(schools.clone(), &installation.townships, all);
    mark("baoxue-store-start");
    let chunks = ledger.encode_all().map_err(|e| e.say(lang))?;
    let audit = baoxue_core::demo::loaded_audit(&installation, schools.len(), ledger.len(), now());
    let mut whole = WholeInstallation::new(installation, settings, schools);
    whole.records = casework;
    let result = store::replace_all(&db, &whole, &chunks, &[audit], None).await;
    measure("baoxue-store", "baoxue-store-start");
    notices.progress.set(None);
    result.map_err(|e| e.say(lang))?;
    installer.install_with(ledger, Some(whole));
    Ok(())
}

/// One click to load the demo county, with a choice of size.
#[component]
pub fn DemoPanel() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let nav = expect_context::<Navigation>();
    let office = expect_context::<Office>();
    let installer = expect_context::<Installer>();
    let t = move || text(language.get());
    let size = RwSignal::new(DEFAULT_CHILDREN);
    let busy = RwSignal::new(false);
    let run = move |as_school: bool| {
        let has_data = office.installation.with_untracked(Option::is_some);
        if has_data && !confirm(text(language.get_untracked()).reset_confirm) {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let n = if as_school {
                DEFAULT_CHILDREN
            } else {
                size.get_untracked()
            };
            match load_demo(installer, notices, language.get_untracked(), n, as_school).await {
                Ok(()) => {
                    let t = text(language.get_untracked());
                    notices.info(if as_school {
                        t.demo_school_loaded
                    } else {
                        t.demo_loaded
                    });
                    nav.navigate(Route::Home);
                }
                Err(e) => notices.error(e),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card demo-panel">
            <h2>{move || t().demo_title}</h2>
            <p>{move || t().demo_intro}</p>
            <div class="row">
                <label>
                    {move || t().demo_size} " "
                    <select id="demo-size" on:change=move |ev| {
                        size.set(event_target_value(&ev).parse().unwrap_or(DEFAULT_CHILDREN))
                    }>
                        {[30_000usize, 100_000, 200_000]
                            .into_iter()
                            .map(|n| view! { <option value=n.to_string() selected=move || size.get() == n>{format_count(n)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button id="load-demo" class="primary" disabled=busy on:click=move |_| run(false)>
                    {move || t().demo_load}
                </button>
                <button id="load-demo-school" class="secondary" disabled=busy on:click=move |_| run(true)>
                    {move || t().demo_load_school}
                </button>
            </div>
        </section>
    }
}

/// Erases every record after asking; back to first start.
pub fn erase_all(installer: Installer, notices: Notices, nav: Navigation, lang: Lang) {
    if !confirm(text(lang).reset_confirm) {
        return;
    }
    spawn_local(async move {
        let Some(db) = installer.db() else { return };
        match store::clear_all(&db).await {
            Ok(()) => {
                installer.install(None);
                notices.info(text(lang).reset_done);
                nav.navigate(Route::Home);
            }
            Err(e) => notices.error(e.say(lang)),
        }
    });
}
