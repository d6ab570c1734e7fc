//! 导入学籍名册: the 学籍 system's export read into the children's ledger. Files are read and
//! previewed in memory; nothing is stored until 导入, which lands in one transaction.
//!
//! The page's worker reads the files and posts their rows as it goes; the page compares them
//! with the ledger as they come ([`Planning`]), so the dry run is ready about when the last
//! row is read. Where no worker runs, the page reads each file itself.

use std::sync::Arc;

use baoxue_core::casework::Actor;
use baoxue_core::crosscheck::{ColumnMapping, RawTable, RememberedMapping};
use baoxue_core::ledger::Ledger;
use baoxue_core::model::{grade_and_class, Division, IdSource, Labelled, Lang, Localized};
use baoxue_core::rules::school_age::school_year_of;
use baoxue_core::student_roll::{
    stream_records, Changed, ConflictChoice, MissingDecision, PlanFile, Planning, RollColumns,
    RollField, RollFile, RollFromRecords, RollPlan, SchoolRef,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::common::read_files;
use crate::browser::{mark, measure};
use crate::browser::{now, today, Slice};
use crate::components::column_table::{table_summary, ColumnTable};
use crate::i18n::{fill, sep, text};
use crate::route::Route;
use crate::state::{Database, Held, Language, Ledgers, Notices, Office, Progress};
use crate::store;
use crate::worker::{Asked, PageWorker, RollNews, WorkerSlot, ROWS_PER_BATCH};
use baoxue_core::model::format_count;

/// Ids for an import's many new records, seeded once from the browser's secure source.
fn fresh_ids() -> IdSource {
    let mut seed = [0u8; 32];
    seed[..16].copy_from_slice(Uuid::new_v4().as_bytes());
    seed[16..].copy_from_slice(Uuid::new_v4().as_bytes());
    IdSource::from_seed(seed)
}

/// One file read, with its columns.
struct ReadFile {
    /// Its place among the files chosen.
    source: usize,
    name: String,
    /// The file's first rows, to choose its columns.
    table: RawTable,
    /// Rows of the whole table, once it is read.
    rows: usize,
    mapping: ColumnMapping<RollField>,
    /// The school chosen for a file with no school column.
    school: Option<Uuid>,
    /// Its pupils as read so far.
    roll: RollFile,
    /// What makes its records into pupils, until it is whole.
    pupils: Option<RollFromRecords>,
    /// Every row is read.
    whole: bool,
}

impl ReadFile {
    fn names_school(&self) -> bool {
        self.mapping.column_of(RollField::SchoolCode).is_some()
            || self.mapping.column_of(RollField::SchoolName).is_some()
    }
    /// What must be chosen before a preview.
    fn missing(&self, lang: Lang) -> Option<String> {
        let t = text(lang);
        let has = |f| self.mapping.column_of(f).is_some();
        if !has(RollField::Name) {
            return Some(fill(t.ri_need_name, &[&self.name]));
        }
        if !has(RollField::IdNumber) && !has(RollField::StudentNumber) {
            return Some(fill(t.ri_need_id, &[&self.name]));
        }
        if !has(RollField::Grade) {
            return Some(fill(t.ri_need_grade, &[&self.name]));
        }
        if !self.names_school() && self.school.is_none() {
            return Some(fill(t.ri_need_school, &[&self.name]));
        }
        None
    }
}

/// The columns and school chosen for a file, kept when the files are read again.
#[derive(Clone, Default)]
struct Chosen {
    mapping: Option<ColumnMapping<RollField>>,
    school: Option<Uuid>,
}

#[derive(Default)]
struct Session {
    /// The files chosen, to read again with other columns.
    sources: Arc<Vec<(String, Vec<u8>)>>,
    /// Files as far as they are read, in the order chosen; one that cannot be read is left out.
    files: Vec<ReadFile>,
    /// Counts readings: news of an older one is dropped.
    reading: u32,
    /// Every file is read or refused.
    read: bool,
    /// The dry run, made as the rows come.
    planning: Option<Planning>,
    /// 预览 was pressed: the plan is shown once every row is compared.
    wanted: bool,
    /// A task is comparing rows.
    driving: bool,
    plan: Option<RollPlan>,
    /// The township chosen for each new school of the plan.
    townships: Vec<String>,
    choices: Vec<Option<ConflictChoice>>,
}

/// How far the dry run got with the rows there are.
enum Advance {
    /// More rows to compare now.
    More(usize),
    /// Every row there is is compared, or a file needs a choice first.
    Waiting,
    Planned(RollPlan),
}

impl Session {
    /// The files, as far as they may be compared: up to the first that needs a choice.
    fn lent(files: &[ReadFile]) -> Vec<PlanFile<'_>> {
        files
            .iter()
            .take_while(|f| f.missing(Lang::Zh).is_none())
            .map(|f| PlanFile {
                roll: &f.roll,
                school: f.school,
                whole: f.whole,
            })
            .collect()
    }

    /// Compares up to `count` more rows; finishes the plan when it is wanted and every file
    /// is whole.
    fn advance(
        &mut self,
        ledger: &Ledger,
        townships: &[Division],
        count: usize,
        ids: &mut IdSource,
    ) -> Advance {
        let Session {
            files,
            planning,
            read,
            wanted,
            ..
        } = self;
        let lent = Session::lent(files);
        if lent.is_empty() {
            return Advance::Waiting;
        }
        let p = planning.get_or_insert_with(|| Planning::start(ledger, townships, now()));
        if !p.step(ledger, &lent, count, &mut || ids.next_id()) {
            return Advance::More(p.progress());
        }
        let complete = *read && lent.len() == files.len() && lent.iter().all(|f| f.whole);
        if !(complete && *wanted) {
            return Advance::Waiting;
        }
        *wanted = false;
        match planning.take() {
            Some(p) => Advance::Planned(p.finish(ledger, &lent, &mut || ids.next_id())),
            None => Advance::Waiting,
        }
    }

    /// The files' choices, for reading them again.
    fn chosen(&self) -> Vec<Chosen> {
        let mut out = vec![Chosen::default(); self.sources.len()];
        for f in &self.files {
            if let Some(c) = out.get_mut(f.source) {
                *c = Chosen {
                    mapping: Some(f.mapping.clone()),
                    school: f.school,
                };
            }
        }
        out
    }

    fn file(&mut self, source: usize) -> Option<&mut ReadFile> {
        self.files.iter_mut().find(|f| f.source == source)
    }
}

async fn yield_frame() {
    gloo_timers::future::TimeoutFuture::new(16).await;
}

fn busy(notices: Notices, label: &str) {
    step(notices, label, 1, 2);
}

fn step(notices: Notices, label: &str, done: usize, total: usize) {
    notices.progress.set(Some(Progress {
        label: label.to_string(),
        done,
        total,
    }));
}

/// One reading of the files: news of another is dropped.
struct Reading<'c> {
    generation: u32,
    /// The choices each file is read with.
    chosen: &'c [Chosen],
    school_year: i32,
}

/// What the page works with while it reads and compares.
#[derive(Clone, Copy)]
struct Context {
    session: Held<Session>,
    worker: WorkerSlot,
    language: Language,
    notices: Notices,
    office: Office,
    ledgers: Ledgers,
    database: Database,
}

impl Context {
    fn here(session: Held<Session>, worker: WorkerSlot) -> Context {
        Context {
            session,
            worker,
            language: expect_context::<Language>(),
            notices: expect_context::<Notices>(),
            office: expect_context::<Office>(),
            ledgers: expect_context::<Ledgers>(),
            database: expect_context::<Database>(),
        }
    }

    fn lang(&self) -> Lang {
        self.language.get_untracked()
    }

    /// A reading still under way in the worker is given up: the worker cannot be told to
    /// stop, only stopped.
    fn give_up_reading(&self) {
        let under_way = self.session.with_untracked(|s| s.reading > 0 && !s.read);
        if under_way {
            crate::worker::cancel(self.worker);
        }
    }

    /// Reads the session's files, each with the choices given, in the worker if one runs.
    async fn read(self, chosen: Vec<Chosen>) {
        let Context {
            session, notices, ..
        } = self;
        let Some((reading, sources)) = session.update_untracked(|s| {
            s.reading += 1;
            s.files.clear();
            s.read = false;
            s.planning = None;
            s.wanted = false;
            s.plan = None;
            (s.reading, s.sources.clone())
        }) else {
            return;
        };
        session.notify();
        mark("baoxue-roll-read-start");
        let lang = self.lang();
        let label = text(lang).roll_reading;
        let total = sources.len();
        // The bar moves every tenth of a second, not at every batch.
        let shown_at = std::cell::Cell::new(f64::MIN);
        let show = move |i: usize, read: f64| {
            let at = crate::browser::millis();
            if at - shown_at.get() < 100.0 {
                return;
            }
            shown_at.set(at);
            let of = format!("{}/{total}", i + 1);
            let done = ((i as f64 + read.clamp(0.0, 1.0)) * 1000.0) as usize;
            step(
                notices,
                &format!("{label}{}", crate::i18n::paren(lang, &of)),
                done,
                total * 1000,
            );
        };
        show(0, 0.0);
        let remembered = self.ledgers.roll_mapping.get_untracked();
        let mappings: Vec<_> = chosen.iter().map(|c| c.mapping.clone()).collect();
        let school_year = school_year_of(today());
        let mut errors = Vec::new();
        if self.worker.with_value(Option::is_none) {
            self.worker
                .set_value(PageWorker::start().map(std::rc::Rc::new));
        }
        let at = Reading {
            generation: reading,
            chosen: &chosen,
            school_year,
        };
        let mut heard = false;
        let asked = self
            .worker
            .get_value()
            .map(|w| w.read_rolls(&sources, &mappings, &remembered, school_year, lang));
        let mut in_worker = matches!(asked, Some(Ok(_)));
        if let Some(Ok(mut news)) = asked {
            loop {
                match news.next().await {
                    Ok(Some((i, n))) => {
                        heard = true;
                        if let RollNews::Records { read, .. } | RollNews::Rows { read, .. } = &n {
                            show(i, *read);
                        }
                        if !self.hear(&at, i, n, true, &mut errors) {
                            return;
                        }
                    }
                    Ok(None) => break,
                    Err(Asked::Cancelled) => return,
                    // The worker failed before it said anything (it could not load the
                    // app): read on the page.
                    Err(Asked::Broken | Asked::Refused(_)) if !heard => {
                        in_worker = false;
                        break;
                    }
                    Err(Asked::Refused(e)) => {
                        notices.progress.set(None);
                        return notices.error(e);
                    }
                    Err(Asked::Broken) => {
                        self.worker.set_value(None);
                        notices.progress.set(None);
                        return notices.error(text(lang).ri_reader_broke);
                    }
                }
            }
        }
        if !in_worker {
            // No worker here, or it failed: read on the page, a file per frame.
            self.worker.set_value(None);
            for (i, (_, bytes)) in sources.iter().enumerate() {
                show(i, 0.0);
                yield_frame().await;
                let mut heard = Vec::new();
                let columns = match &mappings[i] {
                    Some(m) => RollColumns::Chosen(m),
                    None => RollColumns::Found(&remembered),
                };
                let read = stream_records(bytes, columns, ROWS_PER_BATCH, &mut |e| {
                    heard.push(RollNews::of(e))
                });
                if let Err(e) = read {
                    heard.push(RollNews::Failed(e.say(lang)));
                }
                for n in heard {
                    if !self.hear(&at, i, n, false, &mut errors) {
                        return;
                    }
                }
            }
        }
        if session.update_untracked(|s| {
            let current = s.reading == reading;
            s.read |= current;
            current
        }) != Some(true)
        {
            return;
        }
        session.notify();
        notices.progress.set(None);
        measure("baoxue-roll-read", "baoxue-roll-read-start");
        if !errors.is_empty() {
            notices.error(format!(
                "{}{}",
                errors.join(sep(lang, true)),
                text(lang).ri_others_read
            ));
        }
        self.drive();
    }

    /// Takes one piece of news of file `i` into the session; false when the reading it
    /// belongs to was replaced by another.
    fn hear(
        self,
        at: &Reading,
        i: usize,
        news: RollNews,
        in_worker: bool,
        errors: &mut Vec<String>,
    ) -> bool {
        let Reading {
            generation: reading,
            chosen,
            school_year,
        } = at;
        let (reading, school_year) = (*reading, *school_year);
        let lang = self.lang();
        // A school installation reads only its own pupils.
        let own = self
            .office
            .installation
            .with_untracked(|i| i.as_ref().and_then(|i| i.school_id));
        let mut shown = false;
        let mut rows_came = false;
        let current = self.session.update_untracked(|s| {
            if s.reading != reading {
                return false;
            }
            let name = s.sources.get(i).map(|f| f.0.clone()).unwrap_or_default();
            match news {
                RollNews::Head {
                    head,
                    mapping,
                    rolled,
                } => {
                    let table = head.to_table();
                    let mut pupils = (!rolled)
                        .then(|| RollFromRecords::start(&name, &head, &mapping, school_year));
                    s.files.push(ReadFile {
                        source: i,
                        roll: RollFile {
                            file: name.clone(),
                            sheet: table.sheet.clone(),
                            format: table.format.clone(),
                            rows: pupils.as_mut().map(|p| p.take()).unwrap_or_default(),
                            problems: Vec::new(),
                            skipped_lines: 0,
                        },
                        pupils,
                        name,
                        rows: head.total_rows,
                        table,
                        mapping,
                        school: chosen.get(i).and_then(|c| c.school).or(own),
                        whole: false,
                    });
                    rows_came = true;
                }
                RollNews::Records { records, .. } => {
                    if let Some(f) = s.file(i) {
                        if let Some(p) = &mut f.pupils {
                            p.records(&records);
                            f.roll.rows.extend(p.take());
                            rows_came = true;
                        }
                    }
                }
                RollNews::Rows { rows, .. } => {
                    if let Some(f) = s.file(i) {
                        f.roll.rows.extend(rows);
                        rows_came = true;
                    }
                }
                RollNews::Restart => {
                    if let Some(f) = s.file(i) {
                        if let Some(p) = &mut f.pupils {
                            p.restart();
                        }
                        f.roll.rows.clear();
                    }
                    s.planning = None;
                }
                RollNews::Done { table_rows, file } => {
                    if let Some(f) = s.file(i) {
                        if let Some(file) = f.pupils.take().map(RollFromRecords::finish).or(file) {
                            f.roll.problems = file.problems;
                            f.roll.skipped_lines = file.skipped_lines;
                            f.roll.rows.extend(file.rows);
                        }
                        f.rows = table_rows;
                        f.whole = true;
                        shown = true;
                    }
                }
                RollNews::Failed(e) => {
                    if s.files.iter().any(|f| f.source == i) {
                        s.files.retain(|f| f.source != i);
                        // Rows of it may have been compared.
                        s.planning = None;
                    }
                    errors.push(fill(text(lang).ri_unreadable, &[&name, &e]));
                }
            }
            true
        });
        if current != Some(true) {
            return false;
        }
        if shown {
            if in_worker {
                mark("baoxue-roll-read-in-worker");
            }
            self.session.notify();
        }
        if rows_came || shown {
            self.drive();
        }
        true
    }

    /// Compares the rows that came, a slice at a time, unless a task already does; shows
    /// the plan once it is wanted and made.
    fn drive(self) {
        let session = self.session;
        let started = session.update_untracked(|s| !std::mem::replace(&mut s.driving, true));
        if started != Some(true) {
            return;
        }
        spawn_local(async move {
            let townships = self
                .office
                .installation
                .with_untracked(|i| i.as_ref().map(|i| i.townships.clone()))
                .unwrap_or_default();
            let mut ids = fresh_ids();
            let mut slice = Slice::start();
            let planned = loop {
                let advance = self.ledgers.ledger.with_untracked(|l| {
                    session.update_untracked(|s| s.advance(l, &townships, 500, &mut ids))
                });
                match advance {
                    Some(Advance::More(done)) => {
                        if slice.spent() {
                            let wanted = session.with_untracked(|s| s.wanted);
                            if wanted {
                                let total = session.with_untracked(|s| {
                                    s.files.iter().map(|f| f.roll.rows.len()).sum()
                                });
                                step(self.notices, text(self.lang()).roll_planning, done, total);
                            }
                            slice.next().await;
                        }
                    }
                    Some(Advance::Planned(p)) => break Some(p),
                    Some(Advance::Waiting) | None => break None,
                }
            };
            session.update_untracked(|s| s.driving = false);
            if let Some(p) = planned {
                self.show(p).await;
            }
        });
    }

    /// The plan on the page, the columns chosen remembered for next term's files.
    async fn show(self, p: RollPlan) {
        let session = self.session;
        mark("baoxue-roll-plan-finished");
        session.update(|s| {
            s.townships = p
                .new_schools
                .iter()
                .map(|n| n.school.township_code.clone())
                .collect();
            s.choices = vec![None; p.conflicts.len()];
            s.plan = Some(p);
        });
        measure("baoxue-roll-plan", "baoxue-roll-plan-start");
        mark("baoxue-roll-plan-shown");
        self.notices.progress.set(None);
        let mut remembered: RememberedMapping<RollField> =
            self.ledgers.roll_mapping.get_untracked();
        session.with_untracked(|s| {
            for f in &s.files {
                remembered.extend(f.mapping.to_remember(&f.table));
            }
        });
        self.ledgers.roll_mapping.set(remembered.clone());
        if let Some(db) = self.database.db() {
            if let Err(e) = store::save_roll_mapping(&db, &remembered).await {
                self.notices.error(e.say(self.lang()));
            }
        }
        yield_frame().await;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("roll-preview"))
        {
            el.scroll_into_view();
        }
    }
}

#[component]
pub fn RollImportPage() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let t = move || text(language.get());
    let session = Held::new(Session::default());
    let worker: WorkerSlot = StoredValue::new_local(None);
    let context = Context::here(session, worker);

    let read = move |_| {
        mark("baoxue-roll-chosen");
        spawn_local(async move {
            busy(notices, text(language.get_untracked()).roll_reading);
            yield_frame().await;
            let files = match read_files("roll-files", language.get_untracked()).await {
                Ok(f) if !f.is_empty() => f,
                Ok(_) => {
                    notices.progress.set(None);
                    return notices.error(text(language.get_untracked()).ri_choose);
                }
                Err(e) => {
                    notices.progress.set(None);
                    return notices.error(e);
                }
            };
            context.give_up_reading();
            let chosen = vec![Chosen::default(); files.len()];
            session.update_untracked(|s| s.sources = Arc::new(files));
            context.read(chosen).await;
        });
    };

    let has_files = move || session.with(|s| s.files.iter().any(|f| f.whole));
    let has_plan = move || session.with(|s| s.plan.is_some());

    view! {
        <div class="title-row">
            <h1>{move || t().roll_title}</h1>
            <div class="actions">
                <a class="button" href=Route::Children.href()>{move || t().roll_back}</a>
            </div>
        </div>
        <p class="muted intro">{move || t().roll_intro}</p>
        <section class="panel">
            <div class="form-row">
                <label>{move || t().roll_files}
                    <input type="file" id="roll-files" multiple accept=".xlsx,.xls,.csv,.txt"/>
                </label>
                <button class="primary" id="roll-read" disabled=move || notices.working() on:click=read>{move || t().roll_read}</button>
            </div>
        </section>
        <Show when=has_files>
            <FilesPanel context=context/>
        </Show>
        <Show when=has_plan>
            <PreviewPanel session=session/>
        </Show>
        <FollowUpPanel/>
    }
}

/// Each file: what was read, the header row, and the field of each column.
#[component]
fn FilesPanel(context: Context) -> impl IntoView {
    let Context {
        session,
        language,
        notices,
        ..
    } = context;
    let t = move || text(language.get());
    // Files are read in order: the whole ones come first.
    let count = move || session.with(|s| s.files.iter().take_while(|f| f.whole).count());
    let missing = move || {
        let lang = language.get();
        session.with(|s| s.files.iter().find_map(|f| f.missing(lang)))
    };
    let preview = move |_| {
        mark("baoxue-roll-plan-start");
        busy(notices, text(language.get_untracked()).roll_planning);
        session.update_untracked(|s| s.wanted = true);
        context.drive();
    };
    view! {
        <section class="panel" id="roll-mapping">
            <h2>{move || t().roll_columns}</h2>
            {move || (0..count()).map(|i| view! { <FileCard context=context index=i/> }).collect_view()}
            {move || missing().map(|m| view! { <p class="error-text" id="roll-missing-column">{m}</p> })}
            <button class="primary" id="roll-preview-btn" disabled=move || missing().is_some() || notices.working() on:click=preview>
                {move || t().roll_preview}
            </button>
        </section>
    }
}

/// One file's summary, its school (when it names none) and its columns.
#[component]
fn FileCard(context: Context, index: usize) -> impl IntoView {
    let Context {
        session,
        language,
        ledgers,
        ..
    } = context;
    let t = move || text(language.get());
    let summary = move || {
        session.with(|s| {
            s.files
                .get(index)
                .map(|f| table_summary(&f.name, &f.table, f.rows, &f.mapping, language.get()))
        })
    };
    let needs_school =
        move || session.with(|s| s.files.get(index).is_some_and(|f| !f.names_school()));
    let columns = move || {
        session.with(|s| {
            s.files
                .get(index)
                .map(|f| f.mapping.preview(&f.table, 1))
                .unwrap_or_default()
        })
    };
    // Other columns: the file is read again with them (the worker read it with these).
    let set_field = move |column: usize, field: Option<RollField>| {
        let chosen = session.update_untracked(|s| {
            let f = s.files.get_mut(index)?;
            f.mapping.set(column, field);
            Some(s.chosen())
        });
        if let Some(Some(chosen)) = chosen {
            context.give_up_reading();
            spawn_local(context.read(chosen));
        }
    };
    // Another school: the rows read are compared again.
    let set_school = move |value: String| {
        session.update(|s| {
            if let Some(f) = s.files.get_mut(index) {
                f.school = Uuid::parse_str(&value).ok();
            }
            s.planning = None;
            s.plan = None;
        });
        context.drive();
    };
    let schools = move || {
        ledgers.with_ledger(|l| {
            l.schools()
                .iter()
                .map(|s| (s.id, s.name.clone()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="roll-file" data-index=index.to_string()>
            <p class="roll-file-summary">{summary}</p>
            <Show when=needs_school>
                <label class="roll-file-school-label">{move || t().roll_file_school}
                    <select class="roll-file-school" on:change=move |ev| set_school(event_target_value(&ev))>
                        <option value="">{move || t().choose}</option>
                        {move || schools().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                    </select>
                </label>
            </Show>
            <details class="roll-columns">
                <summary>{move || t().cc_columns}</summary>
                <ColumnTable columns=columns select_class="roll-field" on_change=set_field/>
            </details>
        </div>
    }
}

/// Reads the session's plan with the choices beside it; reactive on the session.
fn read_plan<T: Default>(session: Held<Session>, f: impl FnOnce(&Session, &RollPlan) -> T) -> T {
    session.with(|s| s.plan.as_ref().map(|p| f(s, p)).unwrap_or_default())
}

/// Rows of problems and changes shown before a "more" note.
const SHOWN: usize = 200;

/// The dry run: counts, new schools with their townships, per school, conflicts, problems.
#[component]
fn PreviewPanel(session: Held<Session>) -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let summary = move || {
        read_plan(session, |_, p| {
            use baoxue_core::student_roll::Movement::*;
            if p.entries.is_empty() && p.new_schools.is_empty() {
                return fill(
                    t().ri_same,
                    &[
                        &format_count(p.unchanged),
                        &format_count(p.missing.len()),
                        &format_count(p.problems.len()),
                    ],
                );
            }
            let n = [
                format_count(p.count(false)),
                format_count(p.count_movement(Entrant)),
                format_count(p.count(true)),
                format_count(p.count_movement(Promoted)),
                format_count(p.count_movement(Transfer)),
                format_count(p.count_movement(PrimaryToJunior)),
                format_count(p.count_movement(Updated)),
                format_count(p.unchanged),
                format_count(p.new_schools.len()),
                format_count(p.missing.len()),
                format_count(p.problems.len()),
            ];
            fill(t().ri_summary, &n.each_ref().map(String::as_str))
        })
    };
    let plan_rows = move || {
        read_plan(session, |_, p| {
            p.schools
                .iter()
                .map(|(r, x)| {
                    let new = matches!(r, SchoolRef::New(_));
                    (x.clone(), new)
                })
                .collect::<Vec<_>>()
        })
    };
    let new_schools = move || {
        read_plan(session, |s, p| {
            p.new_schools
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let grades = n
                        .grades
                        .iter()
                        .map(|g| g.to_string())
                        .collect::<Vec<_>>()
                        .join(crate::i18n::sep(language.get(), false));
                    (
                        i,
                        n.school.name.clone(),
                        n.school.code.clone().unwrap_or_default(),
                        n.school.kind.label(language.get()).to_string(),
                        grades,
                        s.townships.get(i).cloned().unwrap_or_default(),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    let townships = move || {
        office
            .installation
            .with(|i| i.as_ref().map(|i| i.townships.clone()))
            .unwrap_or_default()
    };
    let conflicts = move || {
        read_plan(session, |s, p| {
            p.conflicts
                .iter()
                .enumerate()
                .map(|(k, c)| {
                    let e = &p.entries[c.entry];
                    let lang = language.get();
                    let (ledger_value, file_value) = ledgers
                        .with_ledger(|l| {
                            let old = l.child(e.child.id)?;
                            let (_, before, after) =
                                p.say_change(l, old, e, Changed::Field(c.field), lang);
                            Some((before, after))
                        })
                        .unwrap_or_else(|| (c.ledger.clone(), c.file.clone()));
                    (
                        k,
                        e.child.name.clone(),
                        c.field.label(lang).to_string(),
                        ledger_value,
                        file_value,
                        s.choices.get(k).copied().flatten(),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    let problems = move || {
        read_plan(session, |_, p| {
            p.problems
                .iter()
                .take(SHOWN)
                .map(|x| {
                    (
                        x.place_in(language.get()),
                        x.name.clone(),
                        x.reason.say(language.get()),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    let problem_count = move || read_plan(session, |_, p| p.problems.len());
    let changes = move || {
        read_plan(session, |_, p| {
            p.entries
                .iter()
                .filter(|e| e.existing)
                .take(SHOWN)
                .map(|e| {
                    let lang = language.get();
                    let t = text(lang);
                    let shown = |v: &str| {
                        if v.is_empty() {
                            t.empty_value.to_string()
                        } else {
                            v.to_string()
                        }
                    };
                    let said: Vec<(String, String, String)> =
                        ledgers.with_ledger(|l| match l.child(e.child.id) {
                            Some(old) => e
                                .changed
                                .iter()
                                .map(|c| p.say_change(l, old, e, *c, lang))
                                .collect(),
                            None => e
                                .changes
                                .iter()
                                .map(|c| (c.field.clone(), c.before.clone(), c.after.clone()))
                                .collect(),
                        });
                    let what = said
                        .iter()
                        .map(|(field, before, after)| {
                            format!("{field}{}{} → {}", t.colon, shown(before), shown(after))
                        })
                        .collect::<Vec<_>>()
                        .join(crate::i18n::sep(lang, true));
                    (
                        e.child.name.clone(),
                        e.movement.label(lang).to_string(),
                        what,
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    let set_township = move |i: usize, code: String| {
        session.update(|s| {
            if let Some(t) = s.townships.get_mut(i) {
                *t = code;
            }
        });
    };
    let choose = move |k: usize, c: ConflictChoice| {
        session.update(|s| {
            if let Some(x) = s.choices.get_mut(k) {
                *x = Some(c);
            }
        });
    };
    let apply = move |_| {
        spawn_local(async move {
            busy(notices, text(language.get_untracked()).roll_applying);
            yield_frame().await;
            mark("baoxue-roll-apply-start");
            let operator = office.operator();
            let begun = session.with_untracked(|s| {
                let p = s.plan.as_ref()?;
                Some((
                    p.begin_apply(&s.townships, &s.choices, &operator),
                    p.count(false),
                    p.count(true),
                    p.new_schools.len(),
                    p.missing.len(),
                ))
            });
            let Some((applying, added, updated, schools, missing)) = begun else {
                notices.progress.set(None);
                return;
            };
            let mut applying = match applying {
                Ok(a) => a,
                Err(e) => {
                    notices.progress.set(None);
                    return notices.error(e.say(language.get_untracked()));
                }
            };
            // A slice of children at a time, the page drawing between slices.
            let label = text(language.get_untracked()).roll_applying;
            let mut ids = fresh_ids();
            let mut slice = Slice::start();
            loop {
                let finished = session.with_untracked(|s| {
                    let p = s.plan.as_ref()?;
                    Some(
                        ledgers
                            .ledger
                            .with_untracked(|l| applying.step(p, l, 500, &mut || ids.next_id())),
                    )
                });
                match finished {
                    None => {
                        notices.progress.set(None);
                        return;
                    }
                    Some(true) => break,
                    Some(false) if slice.spent() => {
                        let (done, total) = applying.progress();
                        step(notices, label, done, total);
                        slice.next().await;
                    }
                    Some(false) => {}
                }
            }
            let Some(set) = session.with_untracked(|s| {
                let p = s.plan.as_ref()?;
                Some(ledgers.ledger.with_untracked(|l| applying.finish(p, l)))
            }) else {
                notices.progress.set(None);
                return;
            };
            let result = ledgers.commit(set).await;
            notices.progress.set(None);
            measure("baoxue-roll-apply", "baoxue-roll-apply-start");
            match result {
                Ok(()) => {
                    session.set(Session::default());
                    notices.info(fill(
                        text(language.get_untracked()).ri_imported,
                        &[
                            &format_count(added),
                            &format_count(updated),
                            &format_count(schools),
                            &format_count(missing),
                        ],
                    ));
                }
                Err(e) => {
                    let lang = language.get_untracked();
                    notices.error(format!("{}{}", text(lang).ri_failed, e.say(lang)))
                }
            }
        });
    };
    let nothing = move || {
        session.with(|s| {
            s.plan.as_ref().is_none_or(|p| {
                p.entries.is_empty() && p.new_schools.is_empty() && p.missing.is_empty()
            })
        })
    };
    let apply_label = move || {
        let n = read_plan(session, |_, p| p.entries.len());
        format!(
            "{}{}",
            t().roll_apply,
            fill(t().ri_people_n, &[&format_count(n)])
        )
    };
    view! {
        <section class="panel" id="roll-preview">
            <h2>{move || t().roll_preview_title}</h2>
            <p id="roll-summary">{summary}</p>
            <Show when=move || !new_schools().is_empty()>
                <h3>{move || t().roll_new_schools}</h3>
                <table class="grid compact" id="roll-new-schools">
                    <thead><tr><th>{move || t().school_name}</th><th>{move || t().school_code_short}</th><th>{move || t().school_kind}</th><th>{move || t().grade}</th><th>{move || t().township}</th></tr></thead>
                    <tbody>
                        {move || new_schools().into_iter().map(|(i, name, code, kind, grades, chosen)| view! {
                            <tr>
                                <td>{name}</td><td>{code}</td><td>{kind}</td><td>{grades}</td>
                                <td>
                                    <select class="roll-township" data-index=i.to_string() on:change=move |ev| set_township(i, event_target_value(&ev))>
                                        <option value="" selected=chosen.is_empty()>{move || t().choose}</option>
                                        {townships().into_iter().map(|d| {
                                            let selected = d.code == chosen;
                                            view! { <option value=d.code.clone() selected=selected>{d.name.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
            <h3>{move || t().roll_by_school}</h3>
            <div class="table-wrap">
                <table class="grid compact" id="roll-schools">
                    <thead><tr><th>{move || t().school}</th><th>{move || t().ri_new}</th><th>{move || t().ri_updated}</th><th>{move || t().ri_unchanged}</th><th>{move || t().ri_not_in_file}</th><th>{move || t().ri_problem_rows}</th></tr></thead>
                    <tbody>
                        {move || plan_rows().into_iter().map(|(x, new)| view! {
                            <tr>
                                <td>{x.name}{new.then_some(t().ri_new_school)}</td>
                                <td class="num">{format_count(x.new)}</td>
                                <td class="num">{format_count(x.changed)}</td>
                                <td class="num">{format_count(x.unchanged)}</td>
                                <td class="num">{format_count(x.missing)}</td>
                                <td class="num">{format_count(x.problems)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <Show when=move || !conflicts().is_empty()>
                <h3>{move || t().roll_conflicts}</h3>
                <p class="muted">{move || t().roll_conflicts_intro}</p>
                <table class="grid compact" id="roll-conflicts">
                    <thead><tr><th>{move || t().col_name}</th><th>{move || t().ri_field}</th><th>{move || t().ri_ledger_by_hand}</th><th>{move || t().ri_in_file}</th><th>{move || t().ri_keep}</th></tr></thead>
                    <tbody>
                        {move || conflicts().into_iter().map(|(k, name, field, ledger, file, chosen)| view! {
                            <tr data-conflict=k.to_string()>
                                <td>{name}</td><td>{field}</td><td>{ledger}</td><td>{file}</td>
                                <td class="choices">
                                    <label><input type="radio" name=format!("conflict-{k}") value="ledger" prop:checked=chosen == Some(ConflictChoice::KeepLedger) on:change=move |_| choose(k, ConflictChoice::KeepLedger)/>{t().ri_ledger}</label>
                                    <label><input type="radio" name=format!("conflict-{k}") value="file" prop:checked=chosen == Some(ConflictChoice::TakeFile) on:change=move |_| choose(k, ConflictChoice::TakeFile)/>{t().ri_file}</label>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
            <Show when=move || { problem_count() > 0 }>
                <h3>{move || format!("{}{}", t().cc_problems, fill(t().ri_rows_n, &[&format_count(problem_count())]))}</h3>
                <div class="table-wrap">
                    <table class="grid compact" id="roll-problems">
                        <thead><tr><th>{move || t().ri_where}</th><th>{move || t().col_name}</th><th>{move || t().cc_detail}</th></tr></thead>
                        <tbody>
                            {move || problems().into_iter().map(|(place, name, reason)| view! {
                                <tr><td>{place}</td><td>{name}</td><td>{reason}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <Show when=move || { problem_count() > SHOWN }>
                    <p class="muted">{move || fill(t().ri_shown_first, &[&SHOWN.to_string()])}</p>
                </Show>
            </Show>
            <Show when=move || !changes().is_empty()>
                <details id="roll-changes">
                    <summary>{move || t().roll_changes}</summary>
                    <table class="grid compact">
                        <thead><tr><th>{move || t().col_name}</th><th>{move || t().ri_movement}</th><th>{move || t().ri_changes}</th></tr></thead>
                        <tbody>
                            {move || changes().into_iter().map(|(name, movement, what)| view! {
                                <tr><td>{name}</td><td>{movement}</td><td>{what}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </details>
            </Show>
            <button class="primary" id="roll-apply" disabled=move || nothing() || notices.working() on:click=apply>{apply_label}</button>
        </section>
    }
}

/// Children of the imported schools whom the last export did not list, until decided.
#[component]
fn FollowUpPanel() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let rows = move || {
        let f = ledgers.roll_follow_up.get();
        ledgers.with_ledger(|l| {
            f.missing
                .iter()
                .filter_map(|id| {
                    l.child(*id).map(|c| {
                        (
                            c.id,
                            c.name.clone(),
                            l.names_for(c).school,
                            c.grade
                                .map(|g| grade_and_class(g, &c.class_name, language.get()))
                                .unwrap_or_default(),
                            c.status.zh().to_string(),
                        )
                    })
                })
                .collect::<Vec<_>>()
        })
    };
    let decide = move |child_id: Uuid, decision: MissingDecision| {
        spawn_local(async move {
            let to_school = if decision == MissingDecision::TransferredOut {
                let to = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(&format!("to-{child_id}")))
                    .and_then(|e| {
                        wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok()
                    })
                    .map(|i| i.value())
                    .unwrap_or_default();
                to
            } else {
                String::new()
            };
            let follow = ledgers.roll_follow_up.get_untracked();
            let name = office.operator();
            let actor = Actor {
                name: &name,
                now: now(),
            };
            let set = ledgers.ledger.with_untracked(|l| {
                ledgers.casebook.with_untracked(|b| {
                    follow.decide(
                        l,
                        b,
                        child_id,
                        (decision, &to_school),
                        &actor,
                        Uuid::new_v4(),
                    )
                })
            });
            match set {
                Ok(set) => {
                    if let Err(e) = ledgers.commit(set).await {
                        notices.error(e.say(language.get_untracked()));
                    } else {
                        notices.info(format!(
                            "{}{}",
                            text(language.get_untracked()).ri_recorded,
                            decision.label(language.get_untracked())
                        ));
                    }
                }
                Err(e) => notices.error(e.say(language.get_untracked())),
            }
        });
    };
    let graduate_all = move |_| {
        spawn_local(async move {
            let follow = ledgers.roll_follow_up.get_untracked();
            let name = office.operator();
            let actor = Actor {
                name: &name,
                now: now(),
            };
            let set = ledgers
                .ledger
                .with_untracked(|l| follow.graduate_grade_nine(l, &actor));
            let n = set.children.len();
            match ledgers.commit(set).await {
                Ok(()) => notices.info(fill(
                    text(language.get_untracked()).ri_graduated,
                    &[&n.to_string()],
                )),
                Err(e) => notices.error(e.say(language.get_untracked())),
            }
        });
    };
    let grade_nine = move || {
        let f = ledgers.roll_follow_up.get();
        ledgers.with_ledger(|l| {
            f.missing
                .iter()
                .filter_map(|id| l.child(*id))
                .filter(|c| c.grade == Some(9))
                .count()
        })
    };
    view! {
        <Show when=move || !ledgers.roll_follow_up.with(|f| f.missing.is_empty())>
            <section class="panel" id="roll-follow-up">
                <h2>{move || t().roll_missing_title}</h2>
                <Show when=move || { grade_nine() > 0 }>
                    <button id="graduate-grade-nine" on:click=graduate_all>{move || fill(t().ri_graduate_all, &[&grade_nine().to_string()])}</button>
                </Show>
                <p class="muted">{move || {
                    let f = ledgers.roll_follow_up.get();
                    fill(t().ri_missing_intro, &[&format_count(f.missing.len()), &f.imported_at.map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(), &f.files.join(sep(language.get(), false))])
                }}</p>
                <div class="table-wrap">
                    <table class="grid compact" id="roll-missing">
                        <thead><tr><th>{move || t().col_name}</th><th>{move || t().school}</th><th>{move || t().grade}</th><th>{move || t().status}</th><th>{move || t().ri_decision}</th></tr></thead>
                        <tbody>
                            {move || rows().into_iter().take(SHOWN).map(|(id, name, school, grade, status)| view! {
                                <tr data-child=id.to_string()>
                                    <td><a href=Route::Child(id).href()>{name}</a></td>
                                    <td>{school}</td><td>{grade}</td><td>{status}</td>
                                    <td class="actions">
                                        <input type="text" class="to-school" id=format!("to-{id}") placeholder=move || t().ri_to_school/>
                                        <button class="decide-transfer" on:click=move |_| decide(id, MissingDecision::TransferredOut)>{move || MissingDecision::TransferredOut.label(language.get())}</button>
                                        <button class="decide-graduated" on:click=move |_| decide(id, MissingDecision::Graduated)>{move || MissingDecision::Graduated.label(language.get())}</button>
                                        <button class="decide-suspect" on:click=move |_| decide(id, MissingDecision::Suspect)>{move || MissingDecision::Suspect.label(language.get())}</button>
                                        <button class="decide-mistake" on:click=move |_| decide(id, MissingDecision::Mistake)>{move || MissingDecision::Mistake.label(language.get())}</button>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        </Show>
    }
}
