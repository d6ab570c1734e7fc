//! The shell: loads what is stored, provides the app state, routes by the URL's hash (which
//! also works from a file:// page), and shows the frame around each page.

use baoxue_core::casework::{Casebook, ChangeSet};
use baoxue_core::crosscheck::{RememberedMapping, Session};
use baoxue_core::exchange::report::{Inbox, Outbox};
use baoxue_core::indicators::history::History;
use baoxue_core::installation::WholeInstallation;
use baoxue_core::ledger::query::{ChildQuery, SortKey};
use baoxue_core::ledger::Ledger;
use baoxue_core::model::{Installation, Labelled, Lang, Level, SpecialGroup, Stage, Status};
use baoxue_core::student_roll::{RollField, RollFollowUp};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::components::notice::NoticeBar;
use crate::i18n::text;
use crate::pages;
use crate::state::Held;
use crate::store::{self, Db};

/// Where the user is. Parsed from and written to `location.hash`.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Home,
    Children,
    /// 导入学籍名册.
    RollImport,
    NewChild,
    Child(Uuid),
    EditChild(Uuid),
    Schools,
    Settings,
    Register,
    Suspects,
    Suspect(Uuid),
    Cases,
    Case(Uuid),
    Notice(Uuid, usize),
    Print(crate::pages::print::PrintLedger),
    CrossCheck,
    Indicators,
    /// 月报: school monthly reports up, reviews down.
    Reports,
}

impl Route {
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            ["children"] => Route::Children,
            ["children", "new"] => Route::NewChild,
            ["children", "import"] => Route::RollImport,
            ["child", id] => Uuid::parse_str(id)
                .map(Route::Child)
                .unwrap_or(Route::Children),
            ["child", id, "edit"] => Uuid::parse_str(id)
                .map(Route::EditChild)
                .unwrap_or(Route::Children),
            ["schools"] => Route::Schools,
            ["register"] => Route::Register,
            ["suspects"] => Route::Suspects,
            ["suspect", id] => Uuid::parse_str(id)
                .map(Route::Suspect)
                .unwrap_or(Route::Suspects),
            ["cases"] => Route::Cases,
            ["print", which] => crate::pages::print::PrintLedger::from_key(which)
                .map(Route::Print)
                .unwrap_or(Route::Home),
            ["case", id] => Uuid::parse_str(id).map(Route::Case).unwrap_or(Route::Cases),
            ["notice", id, n] => match (Uuid::parse_str(id), n.parse()) {
                (Ok(id), Ok(n)) => Route::Notice(id, n),
                _ => Route::Cases,
            },
            ["settings"] => Route::Settings,
            ["crosscheck"] => Route::CrossCheck,
            ["indicators"] => Route::Indicators,
            ["reports"] => Route::Reports,
            _ => Route::Home,
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::Home => "#/".into(),
            Route::Children => "#/children".into(),
            Route::NewChild => "#/children/new".into(),
            Route::RollImport => "#/children/import".into(),
            Route::Child(id) => format!("#/child/{id}"),
            Route::EditChild(id) => format!("#/child/{id}/edit"),
            Route::Schools => "#/schools".into(),
            Route::Settings => "#/settings".into(),
            Route::Register => "#/register".into(),
            Route::Suspects => "#/suspects".into(),
            Route::Suspect(id) => format!("#/suspect/{id}"),
            Route::Cases => "#/cases".into(),
            Route::Case(id) => format!("#/case/{id}"),
            Route::Notice(id, n) => format!("#/notice/{id}/{n}"),
            Route::Print(l) => format!("#/print/{}", l.key()),
            Route::CrossCheck => "#/crosscheck".into(),
            Route::Indicators => "#/indicators".into(),
            Route::Reports => "#/reports".into(),
        }
    }
}

/// A message for the user at the top of the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Info(String),
    Error(String),
}

/// Long work under way: what, and how far.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub label: String,
    pub done: usize,
    pub total: usize,
}

/// The children list's filters, kept while the user opens a child and comes back.
#[derive(Clone, Copy)]
pub struct ChildFilters {
    pub text: RwSignal<String>,
    pub township: RwSignal<Option<String>>,
    pub school: RwSignal<Option<Uuid>>,
    pub grade: RwSignal<Option<u8>>,
    pub stage: RwSignal<Option<Stage>>,
    pub status: RwSignal<Option<Status>>,
    pub group: RwSignal<Option<SpecialGroup>>,
    pub sort: RwSignal<SortKey>,
    pub descending: RwSignal<bool>,
    pub page: RwSignal<usize>,
    pub page_size: RwSignal<usize>,
}

impl ChildFilters {
    fn new() -> Self {
        Self {
            text: RwSignal::new(String::new()),
            township: RwSignal::new(None),
            school: RwSignal::new(None),
            grade: RwSignal::new(None),
            stage: RwSignal::new(None),
            status: RwSignal::new(None),
            group: RwSignal::new(None),
            sort: RwSignal::new(SortKey::Ledger),
            descending: RwSignal::new(false),
            page: RwSignal::new(0),
            page_size: RwSignal::new(50),
        }
    }

    /// Back to the whole ledger, first page.
    pub fn reset(&self) {
        self.text.set(String::new());
        self.township.set(None);
        self.school.set(None);
        self.grade.set(None);
        self.stage.set(None);
        self.status.set(None);
        self.group.set(None);
        self.page.set(0);
    }

    /// The query these filters make, without tracking.
    pub fn query_untracked(&self) -> ChildQuery {
        untrack(|| self.query())
    }

    /// The query these filters make (reactive).
    pub fn query(&self) -> ChildQuery {
        ChildQuery {
            text: self.text.get(),
            township: self.township.get(),
            school: self.school.get(),
            grade: self.grade.get(),
            stage: self.stage.get(),
            status: self.status.get(),
            group: self.group.get(),
            sort: self.sort.get(),
            descending: self.descending.get(),
        }
    }
}

/// App-wide state, provided once by [`App`]: small handles, each read through a method
/// that tracks.
#[derive(Clone, Copy)]
pub struct AppState {
    pub lang: RwSignal<Lang>,
    /// The unit this installation works for, with its operator.
    pub installation: RwSignal<Option<Installation>>,
    /// Every child and school, in memory.
    pub ledger: Held<Ledger>,
    /// Suspects, cases, transfers, home teaching, recent absences and the casework
    /// settings, in memory.
    pub casebook: Held<Casebook>,
    pub route: RwSignal<Route>,
    pub notice: RwSignal<Option<Notice>>,
    pub progress: RwSignal<Option<Progress>>,
    pub filters: ChildFilters,
    /// The roster being cross-checked (四查三比对), in memory only.
    pub crosscheck: Held<Option<Session>>,
    /// Roster column choices per department.
    pub mappings: Held<store::Mappings>,
    /// Column choices for the 学籍 export.
    pub roll_mapping: Held<RememberedMapping<RollField>>,
    /// Children the last 学籍 import left to decide for.
    pub roll_follow_up: RwSignal<RollFollowUp>,
    /// Each school's monthly figures, for the indicators over time.
    pub history: Held<History>,
    /// Monthly reports received and reviewed (county), sent and reviewed (school).
    pub inbox: Held<Inbox>,
    pub outbox: Held<Outbox>,
    db: StoredValue<Option<Db>, LocalStorage>,
}

impl AppState {
    pub fn db(&self) -> Option<Db> {
        self.db.get_value()
    }

    /// Reads the ledger; reactive on changes to it.
    pub fn with_ledger<T>(&self, f: impl FnOnce(&Ledger) -> T) -> T {
        self.ledger.with(f)
    }

    /// Redraws when the children's ledger or the casework changes: a commit changes one or
    /// both, and the audit trail with them.
    pub fn track_ledgers(&self) {
        self.ledger.track();
        self.casebook.track();
    }

    /// Reads the ledger and the casebook together; reactive on changes to either.
    pub fn with_cases<T>(&self, f: impl FnOnce(&Ledger, &Casebook) -> T) -> T {
        self.ledger.with(|l| self.casebook.with(|b| f(l, b)))
    }

    /// Stores what a casework operation changed in one transaction, then takes it into
    /// memory. Nothing changes in memory if the write fails.
    pub async fn commit(&self, set: ChangeSet) -> Result<(), String> {
        let db = self.db().ok_or_else(|| "数据库未打开".to_string())?;
        mark("baoxue-commit-start");
        let batch = self
            .ledger
            .with_untracked(|l| {
                l.prepare_batch(set.children.clone(), chrono::Local::now().naive_local())
            })
            .map_err(|e| e.to_string())?;
        measure("baoxue-commit-prepare", "baoxue-commit-start");
        store::commit_changes(&db, &batch, &set)
            .await
            .map_err(|e| e.to_string())?;
        mark("baoxue-commit-apply-start");
        if !set.schools.is_empty() {
            self.ledger.update(|l| {
                let mut all = l.schools().to_vec();
                for s in &set.schools {
                    match all.iter_mut().find(|x| x.id == s.id) {
                        Some(x) => *x = s.clone(),
                        None => all.push(s.clone()),
                    }
                }
                l.set_schools(all);
            });
        }
        self.ledger.update(|l| l.apply_batch(batch));
        self.casebook.update(|b| b.apply(&set));
        if let Some(f) = &set.roll_follow_up {
            self.roll_follow_up.set(f.clone());
        }
        measure("baoxue-commit-apply", "baoxue-commit-apply-start");
        Ok(())
    }

    /// Changes the ledger and tells every reader.
    pub fn update_ledger(&self, f: impl FnOnce(&mut Ledger)) {
        self.ledger.update(f);
    }

    pub fn operator(&self) -> String {
        self.installation
            .with_untracked(|i| i.as_ref().map(|i| i.operator.clone()))
            .unwrap_or_default()
    }

    /// The unit this installation works for, as people name it: for a school its name and
    /// where it is, else the division's full name.
    pub fn unit_title(&self) -> Option<String> {
        let inst = self.installation.get()?;
        Some(match self.school_name() {
            Some(name) => format!("{name}（{}）", inst.unit_name()),
            None => inst.unit_name(),
        })
    }

    /// A school installation's own school, by name (reactive).
    pub fn school_name(&self) -> Option<String> {
        let id = self
            .installation
            .with(|i| i.as_ref().and_then(|i| i.school_id))?;
        self.with_ledger(|l| l.school(id).map(|s| s.name.clone()))
    }

    /// The unit's short name (e.g. 泸溪县), for titles of ledgers and files.
    pub fn unit_short_name(&self) -> String {
        self.installation
            .with_untracked(|i| i.as_ref().map(|i| i.short_name().to_string()))
            .unwrap_or_default()
    }

    pub fn error(&self, message: impl Into<String>) {
        self.notice.set(Some(Notice::Error(message.into())));
    }

    /// Shows a message that goes away by itself after a few seconds.
    pub fn info(&self, message: impl Into<String>) {
        let notice = Notice::Info(message.into());
        self.notice.set(Some(notice.clone()));
        let slot = self.notice;
        gloo_timers::callback::Timeout::new(6_000, move || {
            if slot.try_get_untracked().flatten().as_ref() == Some(&notice) {
                slot.set(None);
            }
        })
        .forget();
    }

    pub fn navigate(&self, route: Route) {
        if let Some(w) = web_sys::window() {
            let _ = w.location().set_hash(&route.href());
        }
        self.route.set(route);
    }

    /// Replaces everything held in memory with a whole installation just stored or loaded
    /// (or with nothing, after erasing), building its ledger.
    pub fn install(&self, whole: Option<WholeInstallation>) {
        let Some(mut w) = whole else {
            return self.install_with(Ledger::default(), None);
        };
        let schools = std::mem::take(&mut w.schools);
        let children = std::mem::take(&mut w.children);
        let ledger = Ledger::new(schools, &w.installation.townships, children);
        self.install_with(ledger, Some(w));
    }

    /// Replaces everything held in memory with an installation, its ledger already built:
    /// the one path for start, set-up, demo, restore and erase, so nothing the previous
    /// data left behind (a roster being checked, its columns, filters) survives into the
    /// new. `whole`'s schools and children are not read.
    pub fn install_with(&self, ledger: Ledger, whole: Option<WholeInstallation>) {
        self.ledger.set(ledger);
        let (installation, settings, records, mappings, roll_mapping, roll_follow_up) = match whole
        {
            Some(w) => (
                Some(w.installation),
                w.settings,
                w.records,
                w.mappings,
                w.roll_mapping,
                w.roll_follow_up,
            ),
            None => Default::default(),
        };
        self.history.set(History::new(records.history.clone()));
        self.casebook.set(records.casebook(settings));
        self.inbox.set(records.inbox);
        self.outbox.set(records.outbox);
        self.mappings.set(mappings);
        self.roll_mapping.set(roll_mapping);
        self.roll_follow_up.set(roll_follow_up);
        // A roster being checked belonged to the data now replaced.
        self.crosscheck.set(None);
        self.filters.reset();
        self.installation.set(installation);
    }
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

const LANG_KEY: &str = "baoxue.lang";

fn saved_lang() -> Lang {
    let stored = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    match stored.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

/// Remembers the language choice in this browser.
pub fn save_lang(lang: Lang) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(LANG_KEY, if lang == Lang::En { "en" } else { "zh" });
    }
}

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState {
        lang: RwSignal::new(saved_lang()),
        installation: RwSignal::new(None),
        ledger: Held::new(Ledger::default()),
        casebook: Held::new(Casebook::default()),
        route: RwSignal::new(Route::parse(&current_hash())),
        notice: RwSignal::new(None),
        progress: RwSignal::new(None),
        filters: ChildFilters::new(),
        crosscheck: Held::new(None),
        mappings: Held::new(Default::default()),
        roll_mapping: Held::new(Default::default()),
        roll_follow_up: RwSignal::new(Default::default()),
        history: Held::new(Default::default()),
        inbox: Held::new(Default::default()),
        outbox: Held::new(Default::default()),
        db: StoredValue::new_local(None),
    };
    provide_context(state);
    let loaded = RwSignal::new(false);
    // Data that cannot be opened shows the recovery page, never the first-start set-up
    // (which would look like an empty installation).
    let failure = pages::recovery::OpenFailure(RwSignal::new(None));
    provide_context(failure);
    let recovery_mode = current_hash() == pages::recovery::RECOVERY_HASH;

    handle_hash_changes(state);
    spawn_local(async move {
        mark("baoxue-open-start");
        match store::open().await {
            Ok(db) => {
                state.db.set_value(Some(db.clone()));
                if recovery_mode {
                    failure
                        .0
                        .set(Some("已在恢复模式中打开：未读取本机数据。".to_string()));
                } else {
                    match store::load_all(&db).await {
                        Ok(l) => {
                            state.install(l.whole);
                            if !l.repaired.is_empty() {
                                state.error(format!(
                                    "本机设置中有不合理的值，已改回默认值，请到“设置”核对后保存：{}",
                                    l.repaired.join("；")
                                ));
                            }
                        }
                        Err(e) => failure.0.set(Some(format!("读取本机数据时出错：{e}"))),
                    }
                }
            }
            Err(e) => failure.0.set(Some(format!("浏览器的数据库无法打开：{e}"))),
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
        let lang = state.lang.get();
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
                    return view! { <p class="muted">{text(state.lang.get()).loading}</p> }.into_any();
                }
                if let Some(why) = failure.0.get() {
                    return view! { <pages::recovery::RecoveryPage why=why/> }.into_any();
                }
                if state.installation.with(Option::is_none) {
                    return view! { <pages::setup::SetupPage/> }.into_any();
                }
                match state.route.get() {
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
fn handle_hash_changes(state: AppState) {
    let on_change = Closure::<dyn Fn()>::new(move || {
        let route = Route::parse(&current_hash());
        if state.route.get_untracked() != route {
            state.route.set(route);
        }
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.add_event_listener_with_callback("hashchange", on_change.as_ref().unchecked_ref());
    }
    on_change.forget();
}

/// A performance mark the benchmark reads.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Measures between a mark and now, under `name`, for the benchmark.
pub fn measure(name: &str, start_mark: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark(name, start_mark);
    }
}

/// The top bar: unit, navigation, language.
#[component]
fn Header() -> impl IntoView {
    let state = expect_context::<AppState>();
    let t = move || text(state.lang.get());
    // A prefecture or province keeps no children's ledgers: it works from the roll-ups of the
    // level below.
    let keeps_ledgers = move || {
        !state.installation.with(|i| {
            i.as_ref()
                .is_some_and(|i| matches!(i.level, Level::Prefecture | Level::Province))
        })
    };
    let link = move |route: Route, label: fn(&crate::i18n::Text) -> &'static str| {
        let href = route.href();
        let active = {
            let route = route.clone();
            move || {
                let current = state.route.get();
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
                    let (level, short) = state.installation.with(|i| {
                        i.as_ref().map(|i| (i.level.label(state.lang.get()), i.short_name().to_string()))
                    })?;
                    let title = format!("{} · {}", state.unit_title()?, level);
                    let shown = format!("{} · {}", state.school_name().unwrap_or(short), level);
                    Some(view! { <span class="unit" title=title>{shown}</span> })
                }}
                <Show when=move || state.installation.with(|i| i.as_ref().is_some_and(|i| i.demo))>
                    <span class="badge demo">{move || t().demo_badge}</span>
                </Show>
            </div>
            <Show when=move || state.installation.with(Option::is_some)>
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
                    {move || state.installation.with(|i| i.as_ref().map(|i| format!("{}：{}", t().operator, i.operator)))}
                </span>
                <button class="link" id="lang-switch" on:click=move |_| {
                    let next = if state.lang.get_untracked() == Lang::Zh { Lang::En } else { Lang::Zh };
                    save_lang(next);
                    state.lang.set(next);
                }>{move || t().switch_lang}</button>
            </div>
        </header>
        <ProgressBar/>
    }
}

/// Shows long work under way.
#[component]
fn ProgressBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.progress.get().map(|p| {
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
