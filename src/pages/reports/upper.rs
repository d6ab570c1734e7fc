//! 月报 at a prefecture or province: the roll-ups of the level below, and the evaluation.

use super::*;
use baoxue_core::exchange::filing::StagedRollUp;

/// One chosen roll-up file and what importing it would do.
#[derive(Clone)]
struct Staged {
    file: String,
    result: Result<StagedRollUp, String>,
}

/// A prefecture or province: the roll-ups of the units below, who has sent one, the
/// roll-up for the level above, and (a province) the annual evaluation.
#[component]
pub(super) fn UpperReports() -> impl IntoView {
    let language = expect_context::<Language>();
    let notices = expect_context::<Notices>();
    let office = expect_context::<Office>();
    let ledgers = expect_context::<Ledgers>();
    let exchange = expect_context::<Exchange>();
    let t = move || text(language.get());
    let month = RwSignal::new(months()[0]);
    let passphrase = RwSignal::new(String::new());
    let staged = RwSignal::new(Vec::<Staged>::new());
    let error = RwSignal::new(None::<String>);
    let below = RwSignal::new(Vec::<(String, String)>::new());
    let me = move || {
        office
            .installation
            .with_untracked(|i| i.as_ref().map(UnitRef::of))
    };
    // The units expected to report: the counties of a prefecture, the prefectures of a province.
    spawn_local(async move {
        let Some(code) = me().map(|m| m.code) else {
            return;
        };
        match crate::divisions::table().await {
            Ok(t) => below.set(
                t.children_of(&code)
                    .into_iter()
                    .map(|d| (d.code, d.name))
                    .collect(),
            ),
            Err(e) => error.set(Some(e)),
        }
    });
    let period = move || month_period(month.get());
    let dry_run = move |_| {
        error.set(None);
        spawn_local(async move {
            let files =
                match crate::pages::common::read_files("rollup-files", language.get_untracked())
                    .await
                {
                    Ok(f) if !f.is_empty() => f,
                    Ok(_) => {
                        return error.set(Some(
                            text(language.get_untracked()).rp_choose_rollups.into(),
                        ))
                    }
                    Err(e) => return error.set(Some(e)),
                };
            let Some(me) = me() else { return };
            let pass = passphrase.get_untracked();
            let mut out = Vec::new();
            let mut pace = Pace::new();
            for (file, bytes) in files {
                if pace.due() {
                    pace.breathe().await;
                }
                let result = bundle_text(&bytes, Some(&pass))
                    .and_then(|t| read_payload::<RollUp>(&t, ROLLUP_KIND))
                    .map_err(|e| e.say(language.get_untracked()))
                    .and_then(|(envelope, rollup)| {
                        let outcome = exchange
                            .inbox
                            .with_untracked(|i| i.plan_rollup(&envelope, &rollup, &me))
                            .map_err(|e| e.say(language.get_untracked()))?;
                        Ok(StagedRollUp {
                            outcome,
                            envelope,
                            rollup,
                        })
                    });
                out.push(Staged { file, result });
            }
            staged.set(out);
        });
    };
    let apply = move |_| {
        let batch = staged.get_untracked();
        let ready = batch.iter().filter_map(|s| s.result.as_ref().ok());
        let filing = as_operator(office, |a| filing::apply_rollups(ready, a));
        spawn_local(async move {
            match commit_import(
                exchange,
                notices,
                language,
                &filing,
                None,
                Imported::RollUps,
            )
            .await
            {
                Ok(()) => {
                    staged.set(Vec::new());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    // The latest roll-up of each unit below for the month.
    let current = move || {
        let p = period();
        exchange.inbox.with(|i| {
            below
                .get()
                .into_iter()
                .map(|(code, name)| {
                    let r = i
                        .current_rollup(&code, &p)
                        .map(|r| (r.rollup.clone(), r.received_at));
                    (code, name, r)
                })
                .collect::<Vec<_>>()
        })
    };
    // What has come up from the units below this month.
    let parts = move || -> Vec<RollUp> {
        current()
            .into_iter()
            .filter_map(|(_, _, r)| r.map(|r| r.0))
            .collect()
    };
    let export_up = move |_| {
        error.set(None);
        let Some(inst) = office.installation.get_untracked() else {
            return;
        };
        let parts = parts();
        let refs: Vec<&RollUp> = parts.iter().collect();
        let result = as_operator(office, |a| filing::upper_rollup(&inst, &period(), &refs, a))
            .map_err(|e| e.say(language.get_untracked()))
            .and_then(|file| {
                save_file(&file.name, "application/json", &file.bytes)?;
                Ok(file.name)
            });
        match result {
            Ok(name) => notices.info(fill(text(language.get_untracked()).made_file, &[&name])),
            Err(e) => error.set(Some(e)),
        }
    };
    let evaluate = move |_| {
        error.set(None);
        let Some(inst) = office.installation.get_untracked() else {
            return;
        };
        let parts = parts();
        let refs: Vec<&RollUp> = parts.iter().collect();
        let targets = ledgers
            .casebook
            .with_untracked(|b| b.settings.targets.clone());
        let result = as_operator(office, |a| {
            filing::evaluation(&inst, today(), &refs, &targets, a)
        })
        .map_err(|e| e.say(language.get_untracked()))
        .and_then(|(eval, file)| {
            save_file(&file.name, "application/json", &file.bytes)?;
            Ok((
                file.name,
                eval.units.iter().filter(|u| !u.passed).count(),
                eval.units.len(),
            ))
        });
        match result {
            Ok((name, failed, all)) => notices.info(fill(
                text(language.get_untracked()).rp_evaluated,
                &[&name, &all.to_string(), &failed.to_string()],
            )),
            Err(e) => error.set(Some(e)),
        }
    };
    let is_province = move || {
        office
            .installation
            .with(|i| i.as_ref().is_some_and(|i| i.level == Level::Province))
    };
    view! {
        <section class="panel" id="rollup-import">
            <h2>{move || t().rp_import_rollups}</h2>
            <p class="muted small">{move || t().rp_rollups_note}</p>
            <div class="form-row">
                <label class="grow">{move || t().rp_rollup_files}<input id="rollup-files" type="file" multiple accept=".baoxue,.json"/></label>
                <label>{move || t().rp_passphrase_if}<input id="rollup-passphrase" type="password" bind:value=passphrase/></label>
                <button id="preview-rollups" class="secondary" on:click=dry_run>{move || t().rp_preview}</button>
            </div>
            {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
            <Show when=move || !staged.with(Vec::is_empty)>
                <table class="grid compact" id="rollup-preview">
                    <thead><tr><th>{move || t().rp_file}</th><th>{move || t().rp_unit}</th><th>{move || t().rp_month}</th><th>{move || t().rp_version}</th><th>{move || t().rp_outcome}</th><th>{move || t().rp_children}</th><th>{move || t().rp_dropout}</th></tr></thead>
                    <tbody>
                        {move || staged.get().into_iter().map(|s| match s.result {
                            Err(e) => view! { <tr class="bad"><td>{s.file}</td><td colspan="6" class="error-text">{e}</td></tr> }.into_any(),
                            Ok(StagedRollUp { outcome: o, rollup: r, .. }) => view! {
                                <tr><td>{s.file}</td><td>{r.unit.name.clone()}</td><td>{r.period.clone()}</td><td class="num">{r.version}</td>
                                <td class="outcome">{o.say(language.get())}</td><td class="num">{r.totals.children}</td><td class="num">{r.totals.dropouts}</td></tr>
                            }.into_any(),
                        }).collect_view()}
                    </tbody>
                </table>
                <div class="row">
                    <button id="apply-rollups" class="primary" on:click=apply>{move || t().rp_apply}</button>
                    <button class="secondary" on:click=move |_| staged.set(Vec::new())>{move || t().rp_cancel}</button>
                </div>
            </Show>
        </section>
        <section class="panel" id="rollup-completeness">
            <div class="form-row">
                <h2>{move || t().rp_completeness}</h2>
                <MonthSelect id="upper-month" month=month/>
            </div>
            {move || {
                let rows = current();
                let done = rows.iter().filter(|r| r.2.is_some()).count();
                view! {
                    <p id="rollup-summary">{match language.get() {
                        Lang::Zh => format!("已报{done}/{}个单位", rows.len()),
                        Lang::En => format!("{done} of {} units reported", rows.len()),
                    }}</p>
                    <div class="table-wrap">
                        <table class="grid compact" id="rollup-table">
                            <thead><tr><th>{move || t().rp_unit}</th><th>{move || t().rp_state}</th><th class="num">{move || t().rp_schools_expected}</th><th class="num">{move || t().rp_schools_reported}</th><th class="num">{move || t().rp_children}</th><th class="num">{move || t().rp_suspected}</th><th class="num">{move || t().rp_dropout}</th><th class="num">{move || t().rp_primary_rate}</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|(_, name, r)| match r {
                                    None => view! { <tr class="missing"><td>{name}</td><td class="state">{move || t().rp_missing}</td><td colspan="6"></td></tr> }.into_any(),
                                    Some((r, at)) => {
                                        let t = &r.totals;
                                        let rate = if t.census.primary_age > 0 {
                                            format!("{:.2}%", f64::from(t.census.primary_age_enrolled) * 100.0 / f64::from(t.census.primary_age))
                                        } else {
                                            "—".into()
                                        };
                                        view! {
                                            <tr class="ok"><td>{name}</td><td class="state">{fill(text(language.get()).rp_reported_version, &[&r.version.to_string(), &at.format("%m-%d %H:%M").to_string()])}</td>
                                            <td class="num">{t.schools_expected}</td><td class="num">{t.schools_reported}</td><td class="num">{t.children}</td>
                                            <td class="num">{t.suspected}</td><td class="num">{t.dropouts}</td><td class="num">{rate}</td></tr>
                                        }.into_any()
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            }}
            <div class="row">
                <Show when=move || !is_province()>
                    <button id="export-upper-rollup" class="secondary" on:click=export_up>{move || t().rp_make_upper}</button>
                </Show>
                <Show when=is_province>
                    <button id="export-evaluation" class="secondary" on:click=evaluate>{move || t().rp_make_evaluation}</button>
                </Show>
            </div>
        </section>
    }
}
