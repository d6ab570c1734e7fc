//! 月报 at a county: import the schools' reports, completeness, review, and the roll-up.

use super::*;
use crate::worker::{unseal, WorkerSlot};
use baoxue_core::exchange::filing::StagedReport;
use baoxue_core::exchange::landing::{decisions_for, Exchanged, LandIn};
use baoxue_core::exchange::{check_header, is_encrypted, Sealed};

/// One chosen file and what importing it would do (or why it cannot be read).
#[derive(Clone)]
struct Staged {
    file: String,
    result: Result<StagedReport, String>,
}

/// The county's side: import, completeness, review.
#[component]
pub(super) fn CountyReports() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let exchange = expect_context::<Exchange>();
    let t = move || text(language.get());
    let month = RwSignal::new(months()[0]);
    let passphrase = RwSignal::new(String::new());
    let staged = RwSignal::new(Vec::<Staged>::new());
    let keep = RwSignal::new(BTreeMap::<Uuid, bool>::new());
    // What the staged reports would change in the county's ledgers, and the sides chosen.
    let landing = RwSignal::new(None::<Landing>);
    let sides = RwSignal::new(BTreeMap::<Uuid, LandingChoice>::new());
    let open = RwSignal::new(None::<Uuid>);
    let error = RwSignal::new(None::<String>);
    // Encrypted files are opened in the page's worker; 取消 stops it mid-file.
    let worker: WorkerSlot = StoredValue::new_local(None);
    let busy = RwSignal::new(false);
    let stop = RwSignal::new(false);
    let cancel = move |_| {
        stop.set(true);
        crate::worker::cancel(worker);
    };

    let me = move || {
        office
            .installation
            .with_untracked(|i| i.as_ref().map(UnitRef::of))
    };
    // The staged reports filed and landed, with the sides chosen so far: for the preview
    // and again, on the ledgers as they are then, for applying.
    let reckon = move |chosen: &BTreeMap<Uuid, LandingChoice>| {
        let batch = staged.get_untracked();
        let verdicts = keep.get_untracked();
        let ready = batch
            .iter()
            .filter_map(|s| s.result.as_ref().ok().map(|r| (s.file.as_str(), r)));
        ledgers.ledger.with_untracked(|ledger| {
            ledgers.casebook.with_untracked(|casebook| {
                exchange.inbox.with_untracked(|inbox| {
                    let into = LandIn {
                        ledger,
                        casebook,
                        choices: chosen,
                    };
                    as_operator(office, |a| {
                        filing::import_reports(inbox, ready, &verdicts, into, a)
                    })
                })
            })
        })
    };
    let dry_run = move |_| {
        error.set(None);
        spawn_local(async move {
            let files =
                match crate::pages::common::read_files("report-files", language.get_untracked())
                    .await
                {
                    Ok(f) if !f.is_empty() => f,
                    Ok(_) => {
                        return error.set(Some(
                            text(language.get_untracked()).rp_choose_reports.into(),
                        ))
                    }
                    Err(e) => return error.set(Some(e)),
                };
            let Some(me) = me() else { return };
            let pass = passphrase.get_untracked();
            stop.set(false);
            busy.set(true);
            let schools = ledgers.ledger.with_untracked(|l| l.schools().to_vec());
            // One file at a time, yielding between them: forty USB sticks' worth of reports
            // (or 150) never freezes the page, and the bar shows how far it has got.
            mark("baoxue-import-start");
            let total = files.len();
            let mut out = Vec::with_capacity(total);
            let mut pace = Pace::new();
            for (n, (file, bytes)) in files.into_iter().enumerate() {
                if pace.due() {
                    notices.progress.set(Some(Progress {
                        label: fill(text(language.get_untracked()).rp_checking_file, &[&file]),
                        done: n,
                        total,
                    }));
                    pace.breathe().await;
                }
                // Sealed to this county's key: a key exchange, quick enough on the page.
                let to_key =
                    is_encrypted(&bytes) && matches!(check_header(&bytes), Ok(Sealed::Keys(_)));
                let text = if to_key {
                    let key = exchange.inbox.with_untracked(|i| i.office_key.clone());
                    open_text(&bytes, key.as_ref(), None)
                        .map_err(|e| e.say(language.get_untracked()))
                } else {
                    unseal(worker, &bytes, &pass, language.get_untracked()).await
                };
                if stop.get_untracked() {
                    break;
                }
                let result = text
                    .and_then(|t| {
                        read_payload::<MonthlyReport>(&t, MONTHLY_KIND)
                            .map_err(|e| e.say(language.get_untracked()))
                    })
                    .and_then(|(envelope, report)| {
                        let ours = schools.iter().find(|s| report.school.is(s));
                        let plan = exchange
                            .inbox
                            .with_untracked(|inbox| inbox.plan(&envelope, &report, &me, ours))
                            .map_err(|e| e.say(language.get_untracked()))?;
                        Ok(StagedReport {
                            plan,
                            envelope,
                            report,
                        })
                    });
                out.push(Staged { file, result });
            }
            notices.progress.set(None);
            busy.set(false);
            measure("baoxue-import", "baoxue-import-start");
            keep.set(BTreeMap::new());
            sides.set(BTreeMap::new());
            if stop.get_untracked() {
                staged.set(Vec::new());
                landing.set(None);
                return error.set(Some(
                    text(language.get_untracked()).rp_preview_cancelled.into(),
                ));
            }
            staged.set(out);
            landing.set(Some(reckon(&BTreeMap::new()).1));
        });
    };
    let apply = move |_| {
        let (filing, landed) = reckon(&sides.get_untracked());
        if !landed.conflicts.is_empty() {
            let n = landed.conflicts.len().to_string();
            return error.set(Some(fill(
                text(language.get_untracked()).rp_land_unanswered,
                &[&n],
            )));
        }
        error.set(None);
        spawn_local(async move {
            let landed = Some((ledgers, landed));
            match commit_import(
                exchange,
                notices,
                language,
                &filing,
                landed,
                Imported::Reports,
            )
            .await
            {
                Ok(()) => {
                    staged.set(Vec::new());
                    landing.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let discard = move |_| {
        staged.set(Vec::new());
        landing.set(None);
    };

    let period = move || month_period(month.get());
    let completeness = move || {
        ledgers.track_ledgers();
        let day = ledgers.casebook.with(|b| b.settings.report_deadline_day);
        let deadline = deadline_of(month.get(), day);
        let rows = ledgers.ledger.with(|l| {
            exchange
                .inbox
                .with(|i| i.completeness(l.schools(), &period(), deadline, today()))
        });
        (deadline, rows)
    };

    view! {
        <section class="panel" id="report-import">
            <h2>{move || t().rp_import_title}</h2>
            <p class="muted small">{move || t().rp_import_note}</p>
            <div class="form-row">
                <label class="grow">{move || t().rp_report_files}<input id="report-files" type="file" multiple accept=".baoxue,.json"/></label>
                <label>{move || t().rp_passphrase}<input id="import-passphrase" type="password" bind:value=passphrase/></label>
                <button id="preview-import" class="secondary" disabled=busy on:click=dry_run>{move || t().rp_preview}</button>
                <Show when=move || busy.get()>
                    <button id="cancel-import" on:click=cancel>{move || t().cancel}</button>
                </Show>
            </div>
            {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
            <Show when=move || !staged.with(Vec::is_empty)>
                <table class="grid compact" id="import-preview">
                    <thead><tr><th>{move || t().rp_file}</th><th>{move || t().rp_school}</th><th>{move || t().rp_month}</th><th>{move || t().rp_version}</th><th>{move || t().rp_outcome}</th><th>{move || t().rp_changes}</th><th>{move || t().rp_problems}</th></tr></thead>
                    <tbody>
                        {move || staged.get().into_iter().map(|s| match s.result {
                            Err(e) => view! { <tr class="bad"><td>{s.file}</td><td colspan="6" class="error-text">{e}</td></tr> }.into_any(),
                            Ok(StagedReport { plan, .. }) => {
                                let (mut add, mut upd, mut del) = (0, 0, 0);
                                for c in &plan.changes { match c { EntryChange::Added(..) => add += 1, EntryChange::Updated(..) => upd += 1, EntryChange::Removed(..) => del += 1 } }
                                let conflicts = plan.conflicts.clone();
                                view! {
                                    <tr>
                                        <td>{s.file}</td>
                                        <td>{plan.school.name.clone()}</td>
                                        <td>{plan.period.clone()}</td>
                                        <td class="num">{plan.version}</td>
                                        <td class="outcome">{plan.outcome.say(language.get())}{plan.zero_report.then(|| paren(language.get(), t().rp_zero_report))}</td>
                                        <td>{fill(t().rp_entry_changes, &[&add.to_string(), &upd.to_string(), &del.to_string()])}</td>
                                        <td class="small">
                                            {plan.rejected.iter().map(|r| view! { <div class="error-text">{format!("{}{}{}", r.place, t().colon, r.reason.say(language.get()))}</div> }).collect_view()}
                                            {plan.warnings.iter().map(|w| view! { <div class="warning-text">{w.say(language.get())}</div> }).collect_view()}
                                            {conflicts.into_iter().map(|c| {
                                                let id = c.entry.id;
                                                view! {
                                                    <div class="conflict">
                                                        {fill(t().rp_conflict, &[&c.entry.name, c.list.label(language.get()), c.verdict.verdict.label(language.get()), &c.entry.detail])}
                                                        <label class="inline"><input type="radio" name=format!("k-{id}") prop:checked=move || keep.with(|k| k.get(&id) == Some(&true)) on:change=move |_| keep.update(|k| { k.insert(id, true); })/>{move || t().rp_keep_verdict}</label>
                                                        <label class="inline"><input type="radio" name=format!("k-{id}") prop:checked=move || keep.with(|k| k.get(&id) != Some(&true)) on:change=move |_| keep.update(|k| { k.insert(id, false); })/>{move || t().rp_review_again}</label>
                                                    </div>
                                                }
                                            }).collect_view()}
                                        </td>
                                    </tr>
                                }.into_any()
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {move || landing.get().map(|l| view! { <LandingPreview landing=l sides=sides/> })}
                <div class="row">
                    <button id="apply-import" class="primary" on:click=apply>{move || t().rp_apply}</button>
                    <button class="secondary" on:click=discard>{move || t().rp_cancel}</button>
                </div>
            </Show>
        </section>
        <section class="panel" id="report-completeness">
            <div class="form-row">
                <h2>{move || t().rp_completeness}</h2>
                <MonthSelect id="county-month" month=month/>
            </div>
            {move || {
                let (deadline, rows) = completeness();
                let reported = rows.iter().filter(|r| matches!(r.state, ReportState::Reported { .. })).count();
                let zero = rows.iter().filter(|r| matches!(r.state, ReportState::Reported { zero: true, .. })).count();
                let late = rows.iter().filter(|r| matches!(r.state, ReportState::Missing { late: true } | ReportState::Reported { late: true, .. })).count();
                view! {
                    <ExportButtons id="export-completeness" table=move || completeness_table(office, ledgers, exchange, &period(), completeness().1)/>
                    <p id="completeness-summary">{completeness_sentence(deadline, (reported, zero, late, rows.len()), language.get())}</p>
                    <div class="table-wrap">
                        <table class="grid compact" id="completeness-table">
                            <thead><tr><th>{move || t().rp_township}</th><th>{move || t().rp_school}</th><th>{move || t().rp_state}</th><th></th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    let town = ledgers.ledger.with_untracked(|l| l.township_name(&r.township_code).to_string());
                                    let label = state_label(&r.state, true, language.get());
                                    let class = match r.state {
                                        ReportState::Reported { late: true, .. } => "late",
                                        ReportState::Reported { .. } => "ok",
                                        ReportState::Missing { late: true } => "missing late",
                                        ReportState::Missing { late: false } => "missing",
                                    };
                                    let id = r.school_id;
                                    let has = matches!(r.state, ReportState::Reported { .. });
                                    view! {
                                        <tr class=class data-school=id.to_string()>
                                            <td>{town}</td><td>{r.school.clone()}</td><td class="state">{label}</td>
                                            <td>{has.then(|| view! { <button class="link open-review" on:click=move |_| open.set(Some(id))>{move || t().rp_open_review}</button> })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            }}
        </section>
        {move || open.get().map(|id| view! { <ReviewPanel school_id=id period=period()/> })}
        <RollUpPanel period=Signal::derive(period)/>
    }
}

/// 纳入本县台账: what the staged reports change in the county's ledgers, and each record
/// changed on both sides, with both values and a choice of side.
#[component]
fn LandingPreview(
    landing: Landing,
    sides: RwSignal<BTreeMap<Uuid, LandingChoice>>,
) -> impl IntoView {
    let language = expect_context::<Language>();
    let t = move || text(language.get());
    let counts = [
        landing.added.to_string(),
        landing.set.suspects.len().to_string(),
        landing.set.cases.len().to_string(),
        landing
            .set
            .children
            .len()
            .saturating_sub(landing.added)
            .to_string(),
    ];
    let nothing = landing.set.is_empty() && landing.conflicts.is_empty();
    let conflicts = landing.conflicts;
    view! {
        <div id="landing-preview">
            <h3>{move || t().rp_land_title}</h3>
            <p id="landing-summary">{move || if nothing {
                t().rp_land_nothing.to_string()
            } else {
                fill(t().rp_land_summary, &counts.each_ref().map(String::as_str))
            }}</p>
            {(!conflicts.is_empty()).then(|| view! {
                <p class="warning-text">{move || t().rp_land_conflicts}</p>
                {conflicts.into_iter().map(|c| view! { <LandingConflictRow conflict=c sides=sides at=Receiver::County/> }).collect_view()}
            })}
        </div>
    }
}

/// The county's key for pseudonyms, made (and saved) on first use.
async fn pseudonym_key(
    exchange: Exchange,
    office: Office,
    language: Language,
) -> Result<PseudonymKey, String> {
    if let Some(k) = exchange.inbox.with_untracked(|i| i.pseudonym_key.clone()) {
        return Ok(k);
    }
    let mut bytes = [0u8; 32];
    getrandom_02::getrandom(&mut bytes).map_err(|e| {
        fill(
            text(language.get_untracked()).rp_no_pseudonym_key,
            &[&e.to_string()],
        )
    })?;
    let (key, filing) = as_operator(office, |a| filing::new_pseudonym_key(bytes, a));
    file_in(exchange, language, &filing).await?;
    Ok(key)
}

/// 报市州汇总: the county's figures for the month, without names, as a file for the
/// prefecture; and looking up which child a pseudonym stands for.
#[component]
pub(super) fn RollUpPanel(period: Signal<String>) -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let exchange = expect_context::<Exchange>();
    let t = move || text(language.get());
    let error = RwSignal::new(None::<String>);
    let lookup = RwSignal::new(String::new());
    let export = move |_| {
        error.set(None);
        spawn_local(async move {
            let result: Result<String, String> = async {
                let key = pseudonym_key(exchange, office, language).await?;
                let inst = office
                    .installation
                    .get_untracked()
                    .ok_or(text(language.get_untracked()).unit_not_set)?;
                let census_definition = ledgers
                    .casebook
                    .with_untracked(|b| b.settings.census_definition);
                let (rollup, file) = ledgers
                    .ledger
                    .with_untracked(|ledger| {
                        exchange.inbox.with_untracked(|inbox| {
                            let records = CountyRecords {
                                installation: &inst,
                                ledger,
                                reports: &inbox.reports,
                                census_definition,
                            };
                            let period = period.get_untracked();
                            as_operator(office, |a| {
                                filing::county_rollup(&records, &period, &key, today(), a)
                            })
                        })
                    })
                    .map_err(|e| e.say(language.get_untracked()))?;
                save_file(&file.name, "application/json", &file.bytes)?;
                Ok(fill(
                    text(language.get_untracked()).rp_rollup_made,
                    &[
                        &file.name,
                        &rollup.totals.schools_reported.to_string(),
                        &rollup.totals.children.to_string(),
                        &rollup.dropouts.len().to_string(),
                    ],
                ))
            }
            .await;
            match result {
                Ok(m) => notices.info(m),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let found = move || {
        let q = lookup.get().trim().to_string();
        if q.is_empty() {
            return None;
        }
        let key = exchange.inbox.with_untracked(|i| i.pseudonym_key.clone())?;
        let code = office
            .installation
            .with_untracked(|i| i.as_ref().map(|i| UnitRef::of(i).code))?;
        Some(ledgers.ledger.with_untracked(|l| {
            key.resolve(&code, &q, l.children())
                .map(|c| (c.id, c.name.clone()))
        }))
    };
    view! {
        <section class="panel" id="rollup-panel">
            <h2>{move || format!("{}{}", t().rp_rollup_title, paren(language.get(), &period.get()))}</h2>
            <p class="muted small">{move || t().rp_rollup_note}</p>
            <div class="form-row">
                <button id="export-rollup" class="secondary" on:click=export>{move || t().rp_make_rollup}</button>
                <label>{move || t().rp_lookup}<input id="pseudonym-lookup" placeholder=move || t().rp_lookup_example bind:value=lookup/></label>
                <span id="pseudonym-found">{move || match found() {
                    None => view! { <span></span> }.into_any(),
                    Some(None) => view! { <span class="muted">{move || t().rp_lookup_none}</span> }.into_any(),
                    Some(Some((id, name))) => view! { <a href=crate::route::Route::Child(id).href()>{name}</a> }.into_any(),
                }}</span>
            </div>
            {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
        </section>
    }
}

/// What the county does with a review: save it, accept the month with it, or reopen it.
#[derive(Clone)]
enum Act {
    Save,
    Accept,
    Reopen(String),
}

/// The county reviews one school's report for a period and sends the result back down.
#[component]
pub(super) fn ReviewPanel(school_id: Uuid, period: String) -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let exchange = expect_context::<Exchange>();
    let t = move || text(language.get());
    let held = exchange
        .inbox
        .with_untracked(|i| i.current(school_id, &period).cloned());
    let Some(held) = held else {
        return view! { <p class="empty">{move || t().rp_not_reported}</p> }.into_any();
    };
    let withdrawn = held.clone();
    let earlier = exchange
        .inbox
        .with_untracked(|i| i.review(school_id, &period).cloned());
    let entries: Vec<(
        EntryList,
        ReportEntry,
        RwSignal<ReviewVerdict>,
        RwSignal<String>,
    )> = held
        .report
        .entries()
        .map(|(list, e)| {
            let prior = earlier.as_ref().and_then(|r| r.verdict_of(list, e.id));
            (
                list,
                e.clone(),
                RwSignal::new(prior.map_or(ReviewVerdict::Confirmed, |p| p.verdict)),
                RwSignal::new(prior.map(|p| p.comment.clone()).unwrap_or_default()),
            )
        })
        .collect();
    let comment = RwSignal::new(
        earlier
            .as_ref()
            .map(|r| r.comment.clone())
            .unwrap_or_default(),
    );
    let passphrase = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let period_of_panel = StoredValue::new(period.clone());
    let rows = entries.clone();
    let report = held.report.clone();
    let school_key = held.envelope.from_key.clone();
    let sealed_to_school = school_key.is_some();
    // 县级决定: what the county decided about the school's children since they last spoke.
    let decisions = move || {
        ledgers.with_cases(|l, b| {
            exchange
                .inbox
                .with(|i| decisions_for(school_id, l, b, &Exchanged::at_county(i, school_id)))
        })
    };
    let make = move || Review {
        school: report.school.clone(),
        period: report.period.clone(),
        report_version: report.version,
        report_sha256: held.envelope.content_sha256.clone(),
        reviewed_by: office.operator(),
        reviewed_at: now(),
        entries: rows
            .iter()
            .map(|(list, e, v, c)| ReviewEntry {
                entry_id: e.id,
                list: *list,
                name: e.name.clone(),
                verdict: v.get_untracked(),
                comment: c.get_untracked().trim().to_string(),
            })
            .collect(),
        comment: comment.get_untracked().trim().to_string(),
        decisions: decisions(),
        lock: None,
    };
    let reason = RwSignal::new(String::new());
    let lock =
        move || period_of_panel.with_value(|p| exchange.inbox.with(|i| i.lock(school_id, p)));
    let act = move |how: Act| {
        error.set(None);
        let Some(me) = office
            .installation
            .with_untracked(|i| i.as_ref().map(UnitRef::of))
        else {
            return;
        };
        let Some(school) = ledgers
            .ledger
            .with_untracked(|l| l.school(school_id).cloned())
        else {
            return;
        };
        let pass = passphrase.get_untracked();
        let review = make();
        let school_key = school_key.clone();
        spawn_local(async move {
            // Sealed back to the key the school's report came with, if it had one.
            let own = match &school_key {
                Some(_) => match exchange.office_key(&office.operator()).await {
                    Ok(k) => Some(k),
                    Err(e) => return error.set(Some(e.say(language.get_untracked()))),
                },
                None => None,
            };
            let seal = match (&school_key, &own) {
                (Some(receiver), Some(own)) => Seal::ToOffice { receiver, own },
                _ => Seal::Passphrase(&pass),
            };
            let made = as_operator(office, |a| {
                exchange.inbox.with_untracked(|inbox| match &how {
                    Act::Save => filing::save_review(review, inbox, me, &school, seal, a),
                    Act::Accept => filing::accept_report(review, inbox, me, &school, seal, a),
                    Act::Reopen(why) => {
                        filing::reopen_period(inbox, &review.period, why, me, &school, seal, a)
                    }
                })
            });
            let (filing, file) = match made {
                Ok(x) => x,
                Err(e) => return error.set(Some(e.say(language.get_untracked()))),
            };
            match file_in(exchange, language, &filing).await {
                Ok(()) => {
                    if let Err(e) = save_file(&file.name, "application/octet-stream", &file.bytes) {
                        error.set(Some(e));
                    }
                    let t = text(language.get_untracked());
                    let said = match how {
                        Act::Save => t.rp_review_saved,
                        Act::Accept => t.rp_accepted_saved,
                        Act::Reopen(_) => t.rp_reopened_saved,
                    };
                    notices.info(fill(said, &[&file.name]));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let act = StoredValue::new_local(act);
    let withdraw = move |_| {
        let r = &withdrawn.report;
        let t = text(language.get_untracked());
        let what = [
            r.school.name.as_str(),
            r.period.as_str(),
            &r.version.to_string(),
        ];
        if !crate::browser::confirm(&fill(t.rp_withdraw_confirm, &what)) {
            return;
        }
        let filing = as_operator(office, |a| filing::withdraw_report(&withdrawn, a));
        let said = fill(t.rp_withdrawn, &what);
        spawn_local(async move {
            match file_in(exchange, language, &filing).await {
                Ok(()) => {
                    notices.info(said);
                }
                Err(e) => error.set(Some(fill(t.rp_withdraw_failed, &[&e]))),
            }
        });
    };
    let r = held.report.clone();
    let heading = [
        r.school.name.clone(),
        r.period.clone(),
        r.version.to_string(),
    ];
    let received = [
        held.received_at.format("%Y-%m-%d %H:%M").to_string(),
        r.total().to_string(),
        r.filled_by.clone(),
        r.checked_by.clone(),
    ];
    view! {
        <section class="panel" id="review-panel">
            <h2>{move || fill(t().rp_review_heading, &heading.each_ref().map(String::as_str))}</h2>
            <p class="muted">{move || fill(t().rp_received_line, &received.each_ref().map(String::as_str))}</p>
            {(!held.problems.is_empty()).then(|| view! { <div class="errors">{held.problems.iter().map(|p| view! { <div>{p.clone()}</div> }).collect_view()}</div> })}
            <p><button id="withdraw-report" class="danger" on:click=withdraw>{move || t().rp_withdraw}</button></p>
            {count_table(&r)}
            {if r.zero_report {
                view! { <p class="zero-report">{move || t().rp_zero}</p> }.into_any()
            } else {
                view! {
                    <table class="grid compact" id="review-table">
                        <thead><tr><th>{move || t().rp_list}</th><th>{move || t().rp_name}</th><th>{move || t().rp_grade}</th><th>{move || t().rp_date}</th><th>{move || t().rp_detail}</th><th>{move || t().rp_verdict}</th><th>{move || t().rp_comment}</th></tr></thead>
                        <tbody>
                            {entries.into_iter().map(|(list, e, verdict, note)| view! {
                                <tr>
                                    <td>{move || list.label(language.get())}</td><td>{e.name.clone()}</td>
                                    <td>{e.grade.map(|g| grade_label(g, language.get())).unwrap_or_default()}</td>
                                    <td class="nowrap">{e.date.to_string()}</td><td>{e.detail.clone()}</td>
                                    <td>
                                        <select class="verdict" on:change=move |ev| if let Some(v) = ReviewVerdict::from_key(&event_target_value(&ev)) { verdict.set(v) }>
                                            {ReviewVerdict::ALL.iter().map(|v| view! { <option value=v.key() selected=move || verdict.get() == *v>{move || v.label(language.get())}</option> }).collect_view()}
                                        </select>
                                    </td>
                                    <td><input class="verdict-note" bind:value=note/></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <h3>{move || t().rp_decisions_title}</h3>
            {move || {
                let d = decisions();
                if d.is_empty() {
                    view! { <p class="muted" id="review-decisions">{move || t().rp_decisions_none}</p> }.into_any()
                } else {
                    view! {
                        <table class="grid compact" id="review-decisions">
                            <thead><tr><th>{move || t().rp_name}</th><th>{move || t().rp_date}</th><th>{move || t().rp_detail}</th></tr></thead>
                            <tbody>
                                {d.into_iter().map(|e| view! { <tr><td>{e.name}</td><td class="nowrap">{e.date.to_string()}</td><td>{e.detail}</td></tr> }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            }}
            <div class="form-row">
                <label class="grow">{move || t().rp_overall}<input id="review-comment-input" bind:value=comment/></label>
                {if sealed_to_school {
                    view! { <p class="muted small" id="review-sealed-to">{move || t().rp_review_sealed_to_key}</p> }.into_any()
                } else {
                    view! { <label>{move || t().rp_new_passphrase}<input id="review-passphrase-out" type="password" bind:value=passphrase/></label> }.into_any()
                }}
                <button id="export-review" class="primary" on:click=move |_| act.with_value(|f| f(Act::Save))>{move || t().rp_export_review}</button>
                <Show when=move || !lock().is_accepted()>
                    <button id="accept-report" class="primary" on:click=move |_| act.with_value(|f| f(Act::Accept))>{move || t().rp_accept}</button>
                </Show>
            </div>
            <p class="notice-line" id="review-lock">{move || lock().say(language.get())}</p>
            <Show when=move || lock().is_accepted()>
                <div class="form-row">
                    <label class="grow">{move || t().rp_reopen_reason}<input id="reopen-reason" bind:value=reason/></label>
                    <button id="reopen-period" class="secondary" on:click=move |_| act.with_value(|f| f(Act::Reopen(reason.get_untracked())))>{move || t().rp_reopen}</button>
                </div>
            </Show>
            {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
        </section>
    }
    .into_any()
}
