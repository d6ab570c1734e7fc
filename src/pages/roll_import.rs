//! 导入学籍名册: the 学籍 system's export read into the children's ledger. Files are read and
//! previewed in memory; nothing is stored until 导入, which lands in one transaction.

use std::rc::Rc;

use baoxue_core::casework::Actor;
use baoxue_core::crosscheck::{read_table, ColumnMapping, RawTable};
use baoxue_core::model::{grade_and_class, IdSource, Labelled, Lang, Localized};
use baoxue_core::rules::school_age::school_year_of;
use baoxue_core::student_roll::{
    read_roll, Changed, ConflictChoice, MissingDecision, Planning, RollField, RollFile, RollPlan,
    SchoolRef,
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
use crate::worker::{Asked, PageWorker, WorkerSlot};
use baoxue_core::model::format_count;

/// Reads the files in the worker, each answered by its head; `None` when the worker failed
/// (then the page reads them itself).
async fn read_in_worker(
    worker: &PageWorker,
    files: &[(String, Vec<u8>)],
    lang: Lang,
    on_file: impl Fn(usize),
) -> Option<Vec<Result<(RawTable, usize, Option<usize>), String>>> {
    worker.clear().await.ok()?;
    let mut out = Vec::new();
    let mut held = 0;
    for (i, (name, bytes)) in files.iter().enumerate() {
        on_file(i);
        match worker.read(name, bytes, lang).await {
            Ok(head) => {
                mark("baoxue-roll-read-in-worker");
                out.push(Ok((head.to_table(), head.total_rows, Some(held))));
                held += 1;
            }
            Err(Asked::Refused(e)) => out.push(Err(e)),
            Err(Asked::Broken | Asked::Cancelled) => return None,
        }
    }
    Some(out)
}

/// Ids for an import's many new records, seeded once from the browser's secure source.
fn fresh_ids() -> IdSource {
    let mut seed = [0u8; 32];
    seed[..16].copy_from_slice(Uuid::new_v4().as_bytes());
    seed[16..].copy_from_slice(Uuid::new_v4().as_bytes());
    IdSource::from_seed(seed)
}

/// One file read, with its columns.
struct ReadFile {
    name: String,
    /// The whole table, or its head when the worker holds the table.
    table: RawTable,
    /// Rows of the whole table.
    rows: usize,
    /// Where the worker keeps the table.
    in_worker: Option<usize>,
    mapping: ColumnMapping<RollField>,
    /// The school chosen for a file with no school column.
    school: Option<Uuid>,
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

#[derive(Default)]
struct Session {
    files: Vec<ReadFile>,
    plan: Option<RollPlan>,
    /// The township chosen for each new school of the plan.
    townships: Vec<String>,
    choices: Vec<Option<ConflictChoice>>,
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

#[component]
pub fn RollImportPage() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let session = Held::new(Session::default());
    let worker: WorkerSlot = StoredValue::new_local(None);

    let read = move |_| {
        spawn_local(async move {
            busy(notices, text(language.get_untracked()).roll_reading);
            yield_frame().await;
            mark("baoxue-roll-read-start");
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
            let remembered = ledgers.roll_mapping.get_untracked();
            // A school installation reads only its own pupils.
            let own = office
                .installation
                .with_untracked(|i| i.as_ref().and_then(|i| i.school_id));
            let label = text(language.get_untracked()).roll_reading;
            let total = files.len();
            let lang = language.get_untracked();
            let on_file = |i: usize| {
                let of = format!("{}/{total}", i + 1);
                step(
                    notices,
                    &format!("{label}{}", crate::i18n::paren(lang, &of)),
                    i,
                    total,
                )
            };
            if worker.with_value(Option::is_none) {
                worker.set_value(PageWorker::start().map(Rc::new));
            }
            let mut tables = match worker.get_value() {
                Some(w) => read_in_worker(&w, &files, lang, on_file).await,
                None => None,
            };
            if tables.is_none() {
                // No worker here, or it failed: read on the page, a file per frame.
                worker.set_value(None);
                let mut here = Vec::new();
                for (i, (_, bytes)) in files.iter().enumerate() {
                    on_file(i);
                    yield_frame().await;
                    here.push(
                        read_table(bytes)
                            .map(|t| {
                                let rows = t.rows.len();
                                (t, rows, None)
                            })
                            .map_err(|e| e.say(lang)),
                    );
                }
                tables = Some(here);
            }
            let mut read = Vec::new();
            let mut errors = Vec::new();
            for ((name, _), table) in files.into_iter().zip(tables.unwrap_or_default()) {
                match table {
                    Ok((table, rows, in_worker)) => {
                        let mapping = ColumnMapping::detect(&table, &remembered);
                        read.push(ReadFile {
                            name,
                            table,
                            rows,
                            in_worker,
                            mapping,
                            school: own,
                        });
                    }
                    Err(e) => errors.push(fill(
                        text(language.get_untracked()).ri_unreadable,
                        &[&name, &e],
                    )),
                }
            }
            session.set(Session {
                files: read,
                ..Default::default()
            });
            notices.progress.set(None);
            measure("baoxue-roll-read", "baoxue-roll-read-start");
            if !errors.is_empty() {
                notices.error(format!(
                    "{}{}",
                    errors.join(sep(language.get_untracked(), true)),
                    text(language.get_untracked()).ri_others_read
                ));
            }
        });
    };

    let has_files = move || session.with(|s| !s.files.is_empty());
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
            <FilesPanel session=session worker=worker/>
        </Show>
        <Show when=has_plan>
            <PreviewPanel session=session/>
        </Show>
        <FollowUpPanel/>
    }
}

/// Each file: what was read, the header row, and the field of each column.
#[component]
fn FilesPanel(session: Held<Session>, worker: WorkerSlot) -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let database = expect_context::<Database>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let t = move || text(language.get());
    let count = move || session.with(|s| s.files.len());
    let missing = move || {
        let lang = language.get();
        session.with(|s| s.files.iter().find_map(|f| f.missing(lang)))
    };
    let preview = move |_| {
        spawn_local(async move {
            busy(notices, text(language.get_untracked()).roll_planning);
            yield_frame().await;
            mark("baoxue-roll-plan-start");
            let school_year = school_year_of(today());
            let asks: Vec<_> = session.with_untracked(|s| {
                s.files
                    .iter()
                    .map(|f| (f.in_worker, f.mapping.clone(), f.school))
                    .collect()
            });
            let label = text(language.get_untracked()).roll_planning;
            let total = asks.len() + 1;
            let mut rolls: Vec<(RollFile, Option<Uuid>)> = Vec::new();
            for (i, (in_worker, mapping, school)) in asks.into_iter().enumerate() {
                step(notices, label, i, total);
                let file = match (in_worker, worker.get_value()) {
                    (Some(ix), Some(w)) => match w
                        .roll(ix, &mapping, school_year, language.get_untracked())
                        .await
                    {
                        Ok(f) => f,
                        Err(e) => {
                            notices.progress.set(None);
                            let why = match e {
                                Asked::Refused(e) => e,
                                Asked::Broken | Asked::Cancelled => {
                                    return notices
                                        .error(text(language.get_untracked()).ri_reader_broke)
                                }
                            };
                            return notices.error(format!(
                                "{why}{}",
                                text(language.get_untracked()).ri_read_again
                            ));
                        }
                    },
                    (Some(_), None) => {
                        notices.progress.set(None);
                        return notices.error(text(language.get_untracked()).ri_reader_stopped);
                    }
                    (None, _) => {
                        yield_frame().await;
                        let here = session.with_untracked(|s| {
                            let f = s.files.get(i)?;
                            Some(read_roll(&f.name, &f.table, &mapping, school_year))
                        });
                        let Some(f) = here else {
                            notices.progress.set(None);
                            return;
                        };
                        f
                    }
                };
                rolls.push((file, school));
            }
            mark("baoxue-roll-rows");
            step(notices, label, total - 1, total);
            yield_frame().await;
            let townships = office
                .installation
                .with_untracked(|i| i.as_ref().map(|i| i.townships.clone()))
                .unwrap_or_default();
            let inputs: Vec<(&RollFile, Option<Uuid>)> =
                rolls.iter().map(|(f, s)| (f, *s)).collect();
            // Compared a slice at a time, so the page draws between slices.
            let mut ids = fresh_ids();
            let mut planning = ledgers
                .ledger
                .with_untracked(|l| Planning::start(l, &townships, &inputs, now()));
            let mut slice = Slice::start();
            loop {
                let finished = ledgers
                    .ledger
                    .with_untracked(|l| planning.step(l, 500, &mut || ids.next_id()));
                if finished {
                    break;
                }
                if slice.spent() {
                    let (done, rows) = planning.progress();
                    step(notices, label, done, rows);
                    slice.next().await;
                }
            }
            let p = ledgers.ledger.with_untracked(|l| planning.finish(l));
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
            notices.progress.set(None);
            // Remember the columns chosen, for next term's files.
            let mut remembered = ledgers.roll_mapping.get_untracked();
            session.with_untracked(|s| {
                for f in &s.files {
                    remembered.extend(f.mapping.to_remember(&f.table));
                }
            });
            ledgers.roll_mapping.set(remembered.clone());
            if let Some(db) = database.db() {
                if let Err(e) = store::save_roll_mapping(&db, &remembered).await {
                    notices.error(e.say(language.get_untracked()));
                }
            }
            yield_frame().await;
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("roll-preview"))
            {
                el.scroll_into_view();
            }
        });
    };
    view! {
        <section class="panel" id="roll-mapping">
            <h2>{move || t().roll_columns}</h2>
            {move || (0..count()).map(|i| view! { <FileCard session=session index=i/> }).collect_view()}
            {move || missing().map(|m| view! { <p class="error-text" id="roll-missing-column">{m}</p> })}
            <button class="primary" id="roll-preview-btn" disabled=move || missing().is_some() || notices.working() on:click=preview>
                {move || t().roll_preview}
            </button>
        </section>
    }
}

/// One file's summary, its school (when it names none) and its columns.
#[component]
fn FileCard(session: Held<Session>, index: usize) -> impl IntoView {
    let language = expect_context::<Language>();
    let ledgers = expect_context::<Ledgers>();
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
    let set_field = move |column: usize, field: Option<RollField>| {
        session.update(|s| {
            if let Some(f) = s.files.get_mut(index) {
                f.mapping.set(column, field);
            }
            s.plan = None;
        });
    };
    let set_school = move |value: String| {
        session.update(|s| {
            if let Some(f) = s.files.get_mut(index) {
                f.school = Uuid::parse_str(&value).ok();
            }
            s.plan = None;
        });
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
