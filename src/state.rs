//! The app's state, as small typed contexts provided once by the shell — language, notices,
//! navigation, the database, the office, the ledgers, the exchange of files, the cross-check
//! — each value read through a method that tracks (so a view that reads it redraws when it
//! changes) and changed through one that notifies, with no revision counters kept by hand.
//! A page takes only the contexts it uses.

use baoxue_core::casework::{Casebook, CaseworkSettings, ChangeSet};
use baoxue_core::crosscheck::{RememberedMapping, Session};
use baoxue_core::exchange::filing::{self, Filing};
use baoxue_core::exchange::holdings::{Inbox, Outbox};
use baoxue_core::exchange::OfficeKey;
use baoxue_core::indicators::history::History;
use baoxue_core::installation::WholeInstallation;
use baoxue_core::ledger::query::{ChildQuery, SortKey};
use baoxue_core::ledger::{Ledger, SaveError};
use baoxue_core::model::AuditEntry;
use baoxue_core::model::{Installation, Lang, Localized, SpecialGroup, Stage, Status};
use baoxue_core::student_roll::{RollField, RollFollowUp};
use leptos::prelude::*;
use uuid::Uuid;

use crate::browser::{mark, measure, Slice};
use crate::route::Route;
use crate::store::{self, Db, StoreError};

/// Why the data could not be opened; `None` once it is (a restore clears it). Provided
/// beside the others: the recovery page shows instead of every other page while it is set.
#[derive(Clone, Copy)]
pub struct OpenFailure(pub RwSignal<Option<String>>);

/// A large value held once in memory (the ledger of 200,000 children, the casebook) and
/// read in place: never cloned into a signal, but tracked like one.
pub struct Held<T: Send + Sync + 'static> {
    value: StoredValue<T>,
    changed: Trigger,
}

impl<T: Send + Sync + 'static> Clone for Held<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Held<T> {}

impl<T: Send + Sync + 'static> Held<T> {
    pub fn new(value: T) -> Self {
        Held {
            value: StoredValue::new(value),
            changed: Trigger::new(),
        }
    }

    /// Reads the value; the view or memo that reads it runs again when it changes.
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.changed.track();
        self.value.with_value(f)
    }

    /// Reads the value in an event handler or async task, where nothing is to be redrawn.
    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.value.with_value(f)
    }

    /// A copy of the value, untracked (for an async task that writes it back).
    pub fn get_untracked(&self) -> T
    where
        T: Clone,
    {
        self.value.get_value()
    }

    /// Changes the value and tells every reader.
    pub fn update(&self, f: impl FnOnce(&mut T)) {
        self.value.update_value(f);
        self.changed.notify();
    }

    /// Changes the value without telling its readers: for work under way that nothing shows
    /// yet (rows read before their file is whole).
    /// `None` once the value is gone with its page.
    pub fn update_untracked<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        self.value.try_update_value(f)
    }

    /// Tells every reader the value changed.
    pub fn notify(&self) {
        self.changed.notify();
    }

    /// Replaces the value and tells every reader.
    pub fn set(&self, value: T) {
        self.value.set_value(value);
        self.changed.notify();
    }

    /// Redraws readers without a change (nothing of the value changed, but what it means
    /// did: the settings it is read with).
    pub fn track(&self) {
        self.changed.track();
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

/// The language the interface speaks (界面语言).
#[derive(Clone, Copy)]
pub struct Language(RwSignal<Lang>);

impl Language {
    /// The language; the view that reads it redraws when the user switches.
    pub fn get(&self) -> Lang {
        self.0.get()
    }

    /// The language, in an event handler or async task.
    pub fn get_untracked(&self) -> Lang {
        self.0.get_untracked()
    }

    pub fn set(&self, lang: Lang) {
        self.0.set(lang);
    }

    /// Redraws the reader when the user switches, for a memo that reads it untracked.
    pub fn track(&self) {
        self.0.track();
    }
}

/// Messages at the top of the page and the progress of long work.
#[derive(Clone, Copy)]
pub struct Notices {
    pub notice: RwSignal<Option<Notice>>,
    pub progress: RwSignal<Option<Progress>>,
}

impl Notices {
    /// Long work is under way: its buttons wait, so that it is not started twice.
    pub fn working(&self) -> bool {
        self.progress.with(Option::is_some)
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
}

/// Which page is open (the URL's hash).
#[derive(Clone, Copy)]
pub struct Navigation {
    pub route: RwSignal<Route>,
}

impl Navigation {
    pub fn navigate(&self, route: Route) {
        if let Some(w) = web_sys::window() {
            let _ = w.location().set_hash(&route.href());
        }
        self.route.set(route);
    }
}

/// The browser's database, once opened.
#[derive(Clone, Copy)]
pub struct Database(StoredValue<Option<Db>, LocalStorage>);

impl Database {
    pub fn db(&self) -> Option<Db> {
        self.0.get_value()
    }

    pub fn set_db(&self, db: Db) {
        self.0.set_value(Some(db));
    }
}

/// The office this installation works for (本机单位) — a school or a bureau — with its
/// operator and settings; `None` before set-up.
#[derive(Clone, Copy)]
pub struct Office {
    pub installation: RwSignal<Option<Installation>>,
}

impl Office {
    pub fn operator(&self) -> String {
        self.installation
            .with_untracked(|i| i.as_ref().map(|i| i.operator.clone()))
            .unwrap_or_default()
    }

    /// The unit as people name it: for a school its name and where it is, else the
    /// division's full name (reactive).
    pub fn unit_title(&self, ledgers: &Ledgers) -> Option<String> {
        let inst = self.installation.get()?;
        Some(match self.school_name(ledgers) {
            Some(name) => format!("{name}（{}）", inst.unit_name()),
            None => inst.unit_name(),
        })
    }

    /// A school installation's own school, by name (reactive).
    pub fn school_name(&self, ledgers: &Ledgers) -> Option<String> {
        let id = self
            .installation
            .with(|i| i.as_ref().and_then(|i| i.school_id))?;
        ledgers.with_ledger(|l| l.school(id).map(|s| s.name.clone()))
    }

    /// The unit's short name (e.g. 泸溪县), for titles of ledgers and files.
    pub fn unit_short_name(&self) -> String {
        self.installation
            .with_untracked(|i| i.as_ref().map(|i| i.short_name().to_string()))
            .unwrap_or_default()
    }
}

/// The ledgers (适龄儿童台账, 疑似辍学台账, 辍学台账) and their casework, in memory: they
/// change together, in one transaction per operation.
#[derive(Clone, Copy)]
pub struct Ledgers {
    /// Every child and school.
    pub ledger: Held<Ledger>,
    /// Suspects, cases, transfers, home teaching, recent absences and the casework settings.
    pub casebook: Held<Casebook>,
    /// Each school's monthly figures, for the indicators over time.
    pub history: Held<History>,
    /// The children list's filters, kept while the user opens a child and comes back.
    pub filters: ChildFilters,
    /// Column choices for the 学籍 export.
    pub roll_mapping: Held<RememberedMapping<RollField>>,
    /// Children the last 学籍 import left to decide for.
    pub roll_follow_up: RwSignal<RollFollowUp>,
    database: Database,
}

impl Ledgers {
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

    /// Changes the ledger and tells every reader.
    pub fn update_ledger(&self, f: impl FnOnce(&mut Ledger)) {
        self.ledger.update(f);
    }

    /// Stores what a casework operation changed in one transaction, then takes it into
    /// memory. Nothing changes in memory if the write fails.
    pub async fn commit(&self, set: ChangeSet) -> Result<(), CommitError> {
        self.commit_filed(set, None).await
    }

    /// [`Ledgers::commit`] with an exchange step filed in the same transaction (reports
    /// imported with what they change in the ledgers), taken into memory together.
    pub async fn commit_filed(
        &self,
        mut set: ChangeSet,
        filed: Option<(Exchange, &Filing)>,
    ) -> Result<(), CommitError> {
        let db = self.database.db().ok_or(StoreError::NotOpen)?;
        mark("baoxue-commit-start");
        let children = std::mem::take(&mut set.children);
        let mut encoding = self
            .ledger
            .with_untracked(|l| l.begin_batch(children, chrono::Local::now().naive_local()))?;
        // A chunk at a time, the page drawing between slices: 200 chunks take a second.
        let mut slice = Slice::start();
        while !self.ledger.with_untracked(|l| encoding.step(l, 1))? {
            if slice.spent() {
                slice.next().await;
            }
        }
        let batch = encoding.finish();
        measure("baoxue-commit-prepare", "baoxue-commit-start");
        let none = Filing::default();
        let filing = filed.as_ref().map_or(&none, |(_, f)| *f);
        store::commit_filed(&db, &batch, &set, filing).await?;
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
        if let Some((exchange, filing)) = filed {
            exchange.take_in(filing);
        }
        measure("baoxue-commit-apply", "baoxue-commit-apply-start");
        Ok(())
    }

    /// Stores new casework settings with their audit entry, then takes them into memory.
    pub async fn save_settings(
        &self,
        settings: CaseworkSettings,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let db = self.database.db().ok_or(StoreError::NotOpen)?;
        store::save_settings(&db, &settings, audit).await?;
        self.casebook.update(|b| b.settings = settings);
        Ok(())
    }
}

/// Why an operation's changes were not saved: the ledger refused them, or the database did.
/// Nothing changed, in memory or stored.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    #[error("{0}")]
    Ledger(#[from] SaveError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl Localized for CommitError {
    fn en(&self) -> String {
        match self {
            CommitError::Ledger(e) => e.en(),
            CommitError::Store(e) => e.en(),
        }
    }
}

/// Monthly reports received and reviewed (county), sent and reviewed (school), and roll-ups.
#[derive(Clone, Copy)]
pub struct Exchange {
    pub inbox: Held<Inbox>,
    pub outbox: Held<Outbox>,
    database: Database,
}

impl Exchange {
    /// Stores what an exchange step files in one transaction, and only then applies it in
    /// memory.
    pub async fn file(&self, filing: &Filing) -> Result<(), StoreError> {
        let db = self.database.db().ok_or(StoreError::NotOpen)?;
        store::save_exchange(&db, filing).await?;
        self.take_in(filing);
        Ok(())
    }

    /// 本单位密钥: this office's key pair, made and stored (with its audit entry) on first use.
    pub async fn office_key(&self, operator: &str) -> Result<OfficeKey, StoreError> {
        if let Some(k) = self.inbox.with_untracked(|i| i.office_key.clone()) {
            return Ok(k);
        }
        let key = OfficeKey::generate();
        let actor = baoxue_core::casework::Actor {
            name: operator,
            now: crate::browser::now(),
        };
        self.file(&filing::new_office_key(key.clone(), actor))
            .await?;
        Ok(key)
    }

    /// Applies a stored filing in memory.
    fn take_in(&self, filing: &Filing) {
        self.inbox
            .update(|i| self.outbox.update(|o| filing.apply(i, o)));
    }
}

/// The roster being cross-checked (四查三比对), in memory only, and the column choices
/// remembered per department.
#[derive(Clone, Copy)]
pub struct CrossCheck {
    pub session: Held<Option<Session>>,
    pub mappings: Held<store::Mappings>,
}

/// Replaces everything held in memory at once: the one path for start, set-up, demo,
/// restore and erase, so nothing the previous data left behind (a roster being checked, its
/// columns, filters) survives into the new.
#[derive(Clone, Copy)]
pub struct Installer {
    database: Database,
    office: Office,
    ledgers: Ledgers,
    exchange: Exchange,
    crosscheck: CrossCheck,
}

impl Installer {
    /// The database the installation is stored in, once opened.
    pub fn db(&self) -> Option<Db> {
        self.database.db()
    }

    /// Replaces what is in memory with a whole installation just stored or loaded (or with
    /// nothing, after erasing), building its ledger.
    pub fn install(&self, whole: Option<WholeInstallation>) {
        let Some(mut w) = whole else {
            return self.install_with(Ledger::default(), None);
        };
        let schools = std::mem::take(&mut w.schools);
        let children = std::mem::take(&mut w.children);
        let ledger = Ledger::new(schools, &w.installation.townships, children);
        self.install_with(ledger, Some(w));
    }

    /// As [`Installer::install`], with the ledger already built: `whole`'s schools and
    /// children are not read.
    pub fn install_with(&self, ledger: Ledger, whole: Option<WholeInstallation>) {
        let Installer {
            database: _,
            office,
            ledgers,
            exchange,
            crosscheck,
        } = *self;
        ledgers.ledger.set(ledger);
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
        ledgers.history.set(History::new(records.history.clone()));
        ledgers.casebook.set(records.casebook(settings));
        exchange.inbox.set(records.inbox);
        exchange.outbox.set(records.outbox);
        crosscheck.mappings.set(mappings);
        ledgers.roll_mapping.set(roll_mapping);
        ledgers.roll_follow_up.set(roll_follow_up);
        // A roster being checked belonged to the data now replaced.
        crosscheck.session.set(None);
        ledgers.filters.reset();
        office.installation.set(installation);
    }
}

/// Makes the app's contexts for a browser that has opened nothing yet and provides each
/// once (called by the shell, `app::App`).
pub fn provide_contexts(lang: Lang, route: Route) {
    let database = Database(StoredValue::new_local(None));
    let office = Office {
        installation: RwSignal::new(None),
    };
    let ledgers = Ledgers {
        ledger: Held::new(Ledger::default()),
        casebook: Held::new(Casebook::default()),
        history: Held::new(Default::default()),
        filters: ChildFilters::new(),
        roll_mapping: Held::new(Default::default()),
        roll_follow_up: RwSignal::new(Default::default()),
        database,
    };
    let exchange = Exchange {
        inbox: Held::new(Default::default()),
        outbox: Held::new(Default::default()),
        database,
    };
    let crosscheck = CrossCheck {
        session: Held::new(None),
        mappings: Held::new(Default::default()),
    };
    provide_context(Language(RwSignal::new(lang)));
    provide_context(Notices {
        notice: RwSignal::new(None),
        progress: RwSignal::new(None),
    });
    provide_context(Navigation {
        route: RwSignal::new(route),
    });
    provide_context(database);
    provide_context(office);
    provide_context(ledgers);
    provide_context(exchange);
    provide_context(crosscheck);
    provide_context(Installer {
        database,
        office,
        ledgers,
        exchange,
        crosscheck,
    });
}
