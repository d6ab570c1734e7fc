//! 月报 at a school: make, send, print and export the month's report; read the review.

use super::*;
use baoxue_core::exchange::landing::{land_review, Exchanged, LandIn};

/// The school's side: this month's report, sending it, printing it, and the review.
#[component]
pub(super) fn SchoolReports(school_id: Uuid) -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let exchange = expect_context::<Exchange>();
    let t = move || text(language.get());
    crate::components::print_doc::mark_print_document();
    let month = RwSignal::new(months()[0]);
    let filled_by = RwSignal::new(office.operator());
    // The principal who checked the last report usually checks the next one too.
    let checked_by = RwSignal::new(exchange.outbox.with_untracked(|o| {
        o.sent
            .iter()
            .max_by_key(|s| s.sent_at)
            .map(|s| s.report.checked_by.clone())
            .unwrap_or_default()
    }));
    let passphrase = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let report = Memo::new(move |_| {
        ledgers.track_ledgers();
        let m = month.get();
        let version = exchange.outbox.with(|o| o.next_version(&month_period(m)));
        ledgers.with_cases(|l, b| {
            ledgers.history.with(|h| {
                MonthlyReport::build(l, b, h, school_id, m).map(|mut r| {
                    r.version = version;
                    r.filled_by = filled_by.get();
                    r.checked_by = checked_by.get();
                    r
                })
            })
        })
    });
    let sent = move || {
        exchange
            .outbox
            .with(|o| o.latest(&month_period(month.get())).cloned())
    };
    let review = move || {
        exchange
            .outbox
            .with(|o| o.review(&month_period(month.get())).cloned())
    };
    let month_label = move |m: NaiveDate| {
        let p = month_period(m);
        let n = ledgers.with_cases(|l, b| {
            ledgers
                .history
                .with(|h| MonthlyReport::build(l, b, h, school_id, m).map(|r| r.entries().count()))
        });
        let done = exchange.outbox.with(|o| o.latest(&p).map(|s| s.version));
        let t = text(language.get());
        let entries = match n {
            Some(0) | None => t.rp_zero_report.to_string(),
            Some(n) => fill(t.rp_entries_n, &[&n.to_string()]),
        };
        let done = done
            .map(|v| fill(t.rp_sent_version, &[&v.to_string()]))
            .unwrap_or_default();
        format!("{p}{}", paren(language.get(), &format!("{entries}{done}")))
    };

    let send = move |_| {
        error.set(None);
        let Some(r) = report.get_untracked() else {
            return;
        };
        let (inst, school) = (
            office.installation.get_untracked(),
            ledgers
                .ledger
                .with_untracked(|l| l.school(school_id).cloned()),
        );
        let (Some(inst), Some(school)) = (inst, school) else {
            return;
        };
        let pass = passphrase.get_untracked();
        spawn_local(async move {
            // Sealed to the county's key when the school has it; else with the passphrase.
            let upper = exchange.outbox.with_untracked(|o| o.upper_key.clone());
            let own = match upper {
                Some(_) => match exchange.office_key(&office.operator()).await {
                    Ok(k) => Some(k),
                    Err(e) => return error.set(Some(e.say(language.get_untracked()))),
                },
                None => None,
            };
            let seal = match (&upper, &own) {
                (Some(u), Some(own)) => Seal::ToOffice {
                    receiver: &u.public,
                    own,
                },
                _ => Seal::Passphrase(&pass),
            };
            let made = exchange.outbox.with_untracked(|o| {
                as_operator(office, |a| {
                    filing::send_report(&r, &inst, &school, o, seal, a)
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
                    notices.info(fill(
                        text(language.get_untracked()).rp_file_made,
                        &[&file.name],
                    ));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let review_pass = RwSignal::new(String::new());
    // A review whose decisions conflict with the school's own later changes, waiting for a
    // person to choose sides; and the sides chosen.
    let pending = RwSignal::new(None::<(String, Review, Vec<LandingConflict>)>);
    let sides = RwSignal::new(BTreeMap::<Uuid, LandingChoice>::new());
    // Takes a review with what its decisions change in the school's ledgers, in one
    // transaction; `Ok(None)` when it was held already, `Ok(Some(n))` with n decisions landed.
    let take = move |file: String, got: Review| async move {
        let lang = language.get_untracked();
        let own = ledgers
            .ledger
            .with_untracked(|l| l.school(school_id).cloned())
            .ok_or(crate::i18n::text(lang).rp_own_school_missing)?;
        let chosen = sides.get_untracked();
        let landing = ledgers.ledger.with_untracked(|ledger| {
            ledgers.casebook.with_untracked(|casebook| {
                exchange.outbox.with_untracked(|o| {
                    let into = LandIn {
                        ledger,
                        casebook,
                        choices: &chosen,
                    };
                    let said = Exchanged::at_school(o);
                    as_operator(office, |a| {
                        land_review(&got, school_id, &file, &said, into, &a)
                    })
                })
            })
        });
        if !landing.conflicts.is_empty() {
            pending.set(Some((file, got, landing.conflicts)));
            return Ok(None);
        }
        let period = got.period.clone();
        let taken = exchange
            .outbox
            .with_untracked(|o| as_operator(office, |a| filing::receive_review(o, &own, got, a)))
            .map_err(|e| e.say(lang))?;
        let Some(filing) = taken else {
            return Ok(Some(None));
        };
        let landed = landing
            .set
            .suspects
            .iter()
            .map(|s| s.child_id)
            .chain(landing.set.cases.iter().map(|c| c.child_id))
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        ledgers
            .commit_filed(landing.set, Some((exchange, &filing)))
            .await
            .map_err(|e| e.say(lang))?;
        pending.set(None);
        if let Some(m) = baoxue_core::exchange::report::parse_month_period(&period) {
            month.set(m);
        }
        Ok::<_, String>(Some(Some(landed)))
    };
    let said = move |result: Result<Option<Option<usize>>, String>| {
        let t = text(language.get_untracked());
        match result {
            Ok(Some(Some(0))) => notices.info(t.rp_review_imported),
            Ok(Some(Some(n))) => notices.info(format!(
                "{}{}",
                t.rp_review_imported,
                fill(t.rp_review_landed, &[&n.to_string()])
            )),
            Ok(Some(None)) => notices.info(t.rp_review_same),
            Ok(None) => {}
            Err(e) => error.set(Some(e)),
        }
    };
    let import_review = move |_| {
        error.set(None);
        pending.set(None);
        sides.set(BTreeMap::new());
        spawn_local(async move {
            let result = async {
                let lang = language.get_untracked();
                let (file, bytes) = crate::pages::common::read_file(
                    "review-file",
                    text(lang).rp_choose_review,
                    lang,
                )
                .await?;
                let key = exchange.inbox.with_untracked(|i| i.office_key.clone());
                let text = open_text(&bytes, key.as_ref(), Some(&review_pass.get_untracked()))
                    .map_err(|e| e.say(language.get_untracked()))?;
                let (_, got) = read_payload::<Review>(&text, REVIEW_KIND)
                    .map_err(|e| e.say(language.get_untracked()))?;
                take(file, got).await
            }
            .await;
            said(result);
        });
    };
    let confirm_review = move |_| {
        let Some((file, got, conflicts)) = pending.get_untracked() else {
            return;
        };
        let open = sides.with_untracked(|s| {
            conflicts
                .iter()
                .filter(|c| !s.contains_key(&c.record))
                .count()
        });
        if open > 0 {
            let t = text(language.get_untracked());
            return error.set(Some(fill(t.rp_land_unanswered, &[&open.to_string()])));
        }
        error.set(None);
        spawn_local(async move { said(take(file, got).await) });
    };

    view! {
        <section class="panel no-print">
            <div class="form-row">
                <label>{move || t().rp_month}
                    <select id="report-month" on:change=move |e| {
                        if let Some(m) = baoxue_core::exchange::report::parse_month_period(&event_target_value(&e)) { month.set(m) }
                    }>
                        {months().into_iter().map(|m| view! { <option value=month_period(m) selected=move || month.get() == m>{move || month_label(m)}</option> }).collect_view()}
                    </select>
                </label>
                <label>{move || t().rp_filled_by}<input id="report-filled-by" bind:value=filled_by/></label>
                <label>{move || t().rp_checked_by}<input id="report-checked-by" bind:value=checked_by/></label>
                {move || match exchange.outbox.with(|o| o.upper_key.clone()) {
                    Some(k) => view! { <p class="muted small" id="report-sealed-to">{fill(t().rp_sealed_to_key, &[&k.unit])}</p> }.into_any(),
                    None => view! { <label>{move || t().rp_new_passphrase}<input id="report-passphrase" type="password" bind:value=passphrase/></label> }.into_any(),
                }}
            </div>
            // Once the county accepted the month, its word replaces "send a correction".
            {move || sent().filter(|s| !exchange.outbox.with(|o| o.lock(&s.period).is_accepted())).map(|s| view! {
                <p class="notice-line" id="report-sent">{fill(t().rp_sent_locked, &[&s.sent_at.format("%Y-%m-%d %H:%M").to_string(), &s.version.to_string(), &s.sent_by])}</p>
            })}
            // 接收 / 重新开放: the county's word on this month, as its last review file said.
            {move || {
                let p = month_period(month.get());
                let lock = exchange.outbox.with(|o| o.lock(&p));
                let lang = language.get();
                let unreceived = match &lock {
                    baoxue_core::exchange::report::PeriodLock::Accepted(r) => exchange.outbox.with(|o| {
                        o.unreceived(r)
                            .unwrap_or_default()
                            .iter()
                            .map(|s| fill(t().rp_version_of, &[&s.period, &s.version.to_string()]))
                            .collect::<Vec<_>>()
                    }),
                    _ => Vec::new(),
                };
                (!matches!(lock, baoxue_core::exchange::report::PeriodLock::NotSent)).then(|| view! {
                    <p class="notice-line" id="report-lock">{lock.say(lang)}</p>
                    {(!unreceived.is_empty()).then(|| view! {
                        <p class="errors" id="report-unreceived">{fill(t().rp_unreceived, &[&unreceived.join(crate::i18n::sep(lang, false))])}</p>
                    })}
                })
            }}
            {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
            <div class="row">
                <button id="send-report" class="primary" on:click=send disabled=move || {
                    let p = month_period(month.get());
                    exchange.outbox.with(|o| o.lock(&p).is_accepted())
                }>{move || match sent() {
                    Some(s) => crate::i18n::fill(t().rp_send_correction, &[&(s.version + 1).to_string()]),
                    None => t().rp_send.to_string(),
                }}</button>
                <button id="print-report" class="secondary" on:click=move |_| { let _ = web_sys::window().map(|w| w.print()); }>{move || t().rp_print}</button>
                <ExportButtons id="export-report" table=move || {
                    let p = month_period(month.get_untracked());
                    let shown = exchange.outbox
                        .with_untracked(|o| o.latest(&p).map(|s| s.report.clone()))
                        .or_else(|| report.get_untracked());
                    match shown {
                        Some(r) => monthly_report_table(&r),
                        None => Table { title: format!("{p}月报"), columns: Vec::new(), rows: Vec::new() },
                    }
                }/>
            </div>
        </section>
        {move || sent().map(|s| s.report).or_else(|| report.get()).map(|r| {
            let rv = review();
            let unit = office.installation.with(|i| i.as_ref().map(|i| i.unit_name()).unwrap_or_default());
            let balance = r.figures.as_ref().map(|f| {
                [baoxue_core::model::Stage::Primary, baoxue_core::model::Stage::Junior].into_iter().filter_map(|s| {
                    let flow = f.flow(s);
                    (!flow.balances()).then(|| fill(t().rp_unbalanced, &[s.label(language.get()), &flow.expected_end().to_string(), &flow.end.to_string(), &format!("{:+}", flow.difference())]))
                }).collect::<Vec<_>>()
            }).unwrap_or_default();
            view! {
                <article class="card print-report" id="monthly-report">
                    <h2 class="doc-title">{format!("{}控辍保学月报（{}年{}月）", r.school.name, &r.period[..4], &r.period[5..])}</h2>
                    <p class="muted">{format!("单位：{unit}　版本：第{}版　学生{}人　填报人：{}　审核人：{}", r.version, r.total(), r.filled_by, r.checked_by)}</p>
                    {balance.into_iter().map(|b| view! { <p class="warning">{b}</p> }).collect_view()}
                    {count_table(&r)}
                    {entry_tables(&r, rv.as_ref())}
                    {rv.as_ref().filter(|v| !v.comment.is_empty()).map(|v| view! { <p id="review-comment">{format!("县级意见：{}", v.comment)}</p> })}
                    <div class="sign-area">
                        <span>"填报人（签字）："</span><span>"审核人（签字）："</span><span>"学校（盖章）"</span>
                        <span>"报送日期：　　年　　月　　日"</span>
                    </div>
                </article>
            }
        })}
        <section class="panel no-print">
            <h2>{move || t().rp_import_review}</h2>
            <div class="form-row">
                <label>{move || t().rp_review_file}<input id="review-file" type="file" accept=".baoxue,.json"/></label>
                <label>{move || t().rp_passphrase}<input id="review-passphrase" type="password" bind:value=review_pass/></label>
                <button id="import-review" class="secondary" on:click=import_review>{move || t().rp_import}</button>
            </div>
            {move || pending.get().map(|(_, _, conflicts)| view! {
                <div id="review-conflicts">
                    <p class="warning-text">{move || t().rp_review_conflicts}</p>
                    {conflicts.into_iter().map(|c| view! { <LandingConflictRow conflict=c sides=sides at=Receiver::School/> }).collect_view()}
                    <button id="confirm-review" class="primary" on:click=confirm_review>{move || t().rp_confirm_review}</button>
                </div>
            })}
        </section>
    }
}
