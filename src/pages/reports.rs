//! 月报: a school makes, sends (as a file) and prints its monthly report and reads the
//! county's review; a county imports the reports of its schools — dry run first, then all at
//! once — sees who has reported, reviews each report and sends the result back down.

use std::collections::BTreeMap;

use baoxue_core::exchange::report::{
    deadline_of, month_period, EntryChange, EntryList, ImportPlan, MonthlyReport, ReceivedRollUp,
    ReportEntry, ReportOutcome, ReportState, Review, ReviewEntry, ReviewVerdict, SentReport,
    MONTHLY_KIND, REVIEW_KIND,
};
use baoxue_core::exchange::rollup::{
    pseudonymous_dropouts, Evaluation, PseudonymKey, RollUp, EVALUATION_KIND, ROLLUP_KIND,
};
use baoxue_core::exchange::{
    bundle_text, encrypt_report, read_payload, write_bundle, Envelope, UnitRef,
};
use baoxue_core::indicators::CensusTable;
use baoxue_core::model::{AuditAction, AuditEntry, Labelled, Level};
use chrono::{Datelike, Months, NaiveDate};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::demo::{now, today};
use crate::app::{mark, measure, AppState, Progress};
use crate::components::download::{save_file, ExportButtons};
use crate::store;
use baoxue_core::export::{monthly_report_table, Cell, Table};
use gloo_timers::future::TimeoutFuture;

/// Lets the page draw during long work, but not after every small step: a timer of 0 ms
/// still waits 4 ms or more once nested, which for 200 files is most of the time spent.
struct Pace {
    last: f64,
}

impl Pace {
    fn now() -> f64 {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }

    fn new() -> Self {
        Pace { last: f64::MIN }
    }

    /// More than a frame's worth of work since the page last drew.
    fn due(&self) -> bool {
        Self::now() - self.last > 30.0
    }

    async fn breathe(&mut self) {
        TimeoutFuture::new(0).await;
        self.last = Self::now();
    }
}

/// Writes what a planned import adds, with its audit entries, in one transaction; the
/// in-memory inbox is replaced only once the write has succeeded.
#[allow(clippy::too_many_arguments)]
fn commit_import(
    state: AppState,
    inbox: baoxue_core::exchange::report::Inbox,
    records: Vec<(String, wasm_bindgen::JsValue)>,
    audits: Vec<AuditEntry>,
    what: &'static str,
    done: impl Fn() + 'static,
    rev: RwSignal<u32>,
    error: RwSignal<Option<String>>,
) {
    if records.is_empty() {
        state.info("没有需要导入的新内容");
        done();
        return;
    }
    spawn_local(async move {
        let Some(db) = state.db() else { return };
        let n = audits.len();
        mark("baoxue-import-save-start");
        let saved = store::save_exchange(&db, records, &audits).await;
        measure("baoxue-import-save", "baoxue-import-save-start");
        match saved {
            Ok(()) => {
                state.inbox.set_value(inbox);
                done();
                rev.update(|r| *r += 1);
                state.info(format!("已导入{n}份{what}"));
            }
            Err(e) => error.set(Some(format!("导入失败，未作任何更改：{e}"))),
        }
    });
}

/// 报送情况 as a table, for Excel.
fn completeness_table(
    state: AppState,
    period: &str,
    rows: Vec<baoxue_core::exchange::report::Completeness>,
) -> Table {
    let rows = state.ledger.with_value(|l| {
        state.inbox.with_value(|inbox| {
            rows.into_iter()
                .map(|r| {
                    let held = inbox.current(r.school_id, period);
                    let state = match r.state {
                        ReportState::Reported {
                            zero,
                            late,
                            reviewed,
                            ..
                        } => format!(
                            "已报{}{}{}",
                            if zero { "（零报告）" } else { "" },
                            if late { "，逾期" } else { "" },
                            if reviewed { "，已审核" } else { "" }
                        ),
                        ReportState::Missing { late: true } => "逾期未报".into(),
                        ReportState::Missing { late: false } => "未报".into(),
                    };
                    vec![
                        Cell::from(l.township_name(&r.township_code).to_string()),
                        r.school.into(),
                        state.into(),
                        held.map_or(Cell::Empty, |h| Cell::Number(f64::from(h.report.version))),
                        held.map_or(Cell::Empty, |h| {
                            h.received_at.format("%Y-%m-%d %H:%M").to_string().into()
                        }),
                        held.map_or(Cell::Empty, |h| Cell::Number(f64::from(h.report.total()))),
                        held.map_or(Cell::Empty, |h| {
                            Cell::Number(h.report.entries().count() as f64)
                        }),
                    ]
                })
                .collect()
        })
    });
    Table {
        title: format!("{}{period}月报报送情况", state.unit_short_name()),
        columns: vec![
            ("乡镇", 12.0),
            ("学校", 24.0),
            ("状态", 18.0),
            ("版本", 6.0),
            ("收到时间", 17.0),
            ("学生", 8.0),
            ("名单条数", 9.0),
        ],
        rows,
    }
}

/// A month chooser for the receiving levels.
#[component]
fn MonthSelect(id: &'static str, month: RwSignal<NaiveDate>) -> impl IntoView {
    view! {
        <label>"月份"
            <select id=id on:change=move |e| {
                if let Some(m) = baoxue_core::exchange::report::parse_month_period(&event_target_value(&e)) { month.set(m) }
            }>
                {months().into_iter().map(|m| view! { <option value=month_period(m) selected=move || month.get() == m>{month_period(m)}</option> }).collect_view()}
            </select>
        </label>
    }
}

/// The months a report can be made for: this one and the five before.
fn months() -> Vec<NaiveDate> {
    let t = today();
    let first = NaiveDate::from_ymd_opt(t.year(), t.month(), 1).unwrap_or(t);
    (0..6).map(|i| first - Months::new(i)).collect()
}

fn audit(state: AppState, subject: String, summary: String) -> AuditEntry {
    AuditEntry {
        at: now(),
        operator: state.operator(),
        action: AuditAction::Import,
        subject,
        summary,
        changes: Vec::new(),
    }
}

/// Encrypts a bundle when a passphrase is given; the file name says which it is.
fn sealed(text: String, passphrase: &str, stem: &str) -> Result<(String, Vec<u8>), String> {
    if passphrase.is_empty() {
        return Ok((format!("{stem}.json"), text.into_bytes()));
    }
    let bytes = encrypt_report(text.as_bytes(), passphrase).map_err(|e| e.to_string())?;
    Ok((format!("{stem}.baoxue"), bytes))
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let school = move || {
        state.installation.with(|i| {
            i.as_ref()
                .filter(|i| i.level == Level::School)
                .and_then(|i| i.school_id)
        })
    };
    view! {
        <h1 class="no-print">"月报（四个一）"</h1>
        {move || {
            let level = state.installation.with(|i| i.as_ref().map(|i| i.level));
            match (school(), level) {
                (Some(id), _) => view! { <SchoolReports school_id=id/> }.into_any(),
                (None, Some(Level::Prefecture | Level::Province)) => view! { <UpperReports/> }.into_any(),
                _ => view! { <CountyReports/> }.into_any(),
            }
        }}
    }
}

/// A report's lists, or the zero-report line.
fn entry_tables(r: &MonthlyReport, review: Option<&Review>) -> impl IntoView {
    if r.zero_report {
        return view! { <p class="zero-report">"零报告：本月无新增疑似辍学、新确认辍学、劝返复学和销号。"</p> }.into_any();
    }
    let lists: [(EntryList, &Vec<ReportEntry>); 4] = [
        (EntryList::NewSuspects, &r.new_suspects),
        (EntryList::ConfirmedDropouts, &r.confirmed_dropouts),
        (EntryList::Returns, &r.returns),
        (EntryList::Closures, &r.closures),
    ];
    lists
        .into_iter()
        .filter(|(_, l)| !l.is_empty())
        .map(|(list, entries)| {
            let rows = entries
                .iter()
                .map(|e| {
                    let verdict = review.and_then(|rv| rv.verdict_of(list, e.id)).cloned();
                    view! {
                        <tr>
                            <td>{e.name.clone()}</td>
                            <td>{e.sex.zh()}</td>
                            <td class="nowrap">{e.birth_date.to_string()}</td>
                            <td>{e.grade.map(|g| format!("{g}年级")).unwrap_or_default()}</td>
                            <td class="nowrap">{e.date.to_string()}</td>
                            <td>{e.detail.clone()}</td>
                            {review.map(|_| view! {
                                <td class="verdict">{verdict.as_ref().map(|v| format!("{}{}", v.verdict.zh(), if v.comment.is_empty() { String::new() } else { format!("：{}", v.comment) })).unwrap_or_else(|| "—".into())}</td>
                            })}
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <h3>{format!("{}（{}人）", list.zh(), entries.len())}</h3>
                <table class="grid compact report-list" data-list=list.key()>
                    <thead><tr><th>"姓名"</th><th>"性别"</th><th>"出生日期"</th><th>"年级"</th><th>"日期"</th><th>"情况"</th>{review.map(|_| view! { <th>"县级审核"</th> })}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        })
        .collect_view()
        .into_any()
}

/// The counts of a report: one row per grade, boys, girls, and how many are out of school.
fn count_table(r: &MonthlyReport) -> impl IntoView {
    use baoxue_core::model::{Sex, Status};
    let mut grades: Vec<u8> = r.counts.iter().map(|c| c.grade).collect();
    grades.dedup();
    let sum =
        |g: Option<u8>, f: &dyn Fn(&baoxue_core::exchange::report::CountRow) -> bool| -> u32 {
            r.counts
                .iter()
                .filter(|c| g.is_none_or(|g| c.grade == g) && f(c))
                .map(|c| c.count)
                .sum()
        };
    let row = |label: String, g: Option<u8>| {
        view! {
            <tr>
                <td>{label}</td>
                <td class="num">{sum(g, &|c| c.sex == Sex::Male)}</td>
                <td class="num">{sum(g, &|c| c.sex == Sex::Female)}</td>
                <td class="num">{sum(g, &|_| true)}</td>
                <td class="num">{sum(g, &|c| c.status.counts_as_enrolled())}</td>
                <td class="num">{sum(g, &|c| c.status == Status::Suspended)}</td>
                <td class="num">{sum(g, &|c| c.status == Status::SuspectedDropout)}</td>
                <td class="num">{sum(g, &|c| c.status == Status::Dropout)}</td>
            </tr>
        }
    };
    view! {
        <div class="table-wrap">
        <table class="grid compact" id="report-counts">
            <thead><tr><th>"年级"</th><th class="num">"男"</th><th class="num">"女"</th><th class="num">"合计"</th><th class="num">"在读"</th><th class="num">"休学"</th><th class="num">"疑似辍学"</th><th class="num">"辍学"</th></tr></thead>
            <tbody>
                {grades.iter().map(|g| row(format!("{g}年级"), Some(*g))).collect_view()}
                {row("合计".into(), None)}
            </tbody>
        </table>
        </div>
    }
}

/// The school's side: this month's report, sending it, printing it, and the review.
#[component]
fn SchoolReports(school_id: Uuid) -> impl IntoView {
    let state = expect_context::<AppState>();
    let month = RwSignal::new(months()[0]);
    let filled_by = RwSignal::new(state.operator());
    // The principal who checked the last report usually checks the next one too.
    let checked_by = RwSignal::new(state.outbox.with_value(|o| {
        o.sent
            .iter()
            .max_by_key(|s| s.sent_at)
            .map(|s| s.report.checked_by.clone())
            .unwrap_or_default()
    }));
    let passphrase = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let rev = RwSignal::new(0u32);
    let report = Memo::new(move |_| {
        state.ledger_rev.track();
        rev.track();
        let m = month.get();
        let version = state
            .outbox
            .with_value(|o| o.next_version(&month_period(m)));
        state.with_cases(|l, b| {
            state.history.with_value(|h| {
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
        rev.track();
        state
            .outbox
            .with_value(|o| o.latest(&month_period(month.get())).cloned())
    };
    let review = move || {
        rev.track();
        state
            .outbox
            .with_value(|o| o.review(&month_period(month.get())).cloned())
    };
    let month_label = move |m: NaiveDate| {
        let p = month_period(m);
        let n = state.with_cases(|l, b| {
            state.history.with_value(|h| {
                MonthlyReport::build(l, b, h, school_id, m).map(|r| r.entries().count())
            })
        });
        let done = state.outbox.with_value(|o| o.latest(&p).map(|s| s.version));
        format!(
            "{p}（{}{}）",
            match n {
                Some(0) | None => "零报告".to_string(),
                Some(n) => format!("{n}条"),
            },
            done.map(|v| format!("，已报第{v}版")).unwrap_or_default()
        )
    };

    let send = move |_| {
        error.set(None);
        let Some(r) = report.get_untracked() else {
            return;
        };
        if r.checked_by.trim().is_empty() || r.filled_by.trim().is_empty() {
            error.set(Some("请填写填报人和审核人".into()));
            return;
        }
        let pass = passphrase.get_untracked();
        if pass.chars().count() < 8 {
            error.set(Some(
                "月报含学生姓名和身份证号，须加密：请设置至少8位的口令，并另行告知县级".into(),
            ));
            return;
        }
        let (inst, school) = (
            state.installation.get_untracked(),
            state.ledger.with_value(|l| l.school(school_id).cloned()),
        );
        let (Some(inst), Some(school)) = (inst, school) else {
            return;
        };
        let Some(county) = UnitRef::county_of(&inst) else {
            error.set(Some("本校所属的县没有设置".into()));
            return;
        };
        let previous = state
            .outbox
            .with_value(|o| o.chain_head().map(str::to_string));
        let env = Envelope::new(
            MONTHLY_KIND,
            UnitRef::school(&school),
            Some(county),
            Some(r.period.clone()),
            now(),
            &state.operator(),
            previous,
        );
        let result = write_bundle(env, &r)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                let hash = read_payload::<MonthlyReport>(&text, MONTHLY_KIND)
                    .map(|(e, _)| e.content_sha256)
                    .map_err(|e| e.to_string())?;
                let stem = format!("{}_{}月报_第{}版", school.name, r.period, r.version);
                Ok((hash, sealed(text, &pass, &stem)?))
            });
        let (hash, (name, bytes)) = match result {
            Ok(x) => x,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let sent = SentReport {
            period: r.period.clone(),
            version: r.version,
            content_sha256: hash,
            sent_at: now(),
            sent_by: state.operator(),
            report: r.clone(),
        };
        spawn_local(async move {
            let Some(db) = state.db() else { return };
            let records = match store::exchange_value(&sent) {
                Ok(v) => vec![(store::sent_key(&sent), v)],
                Err(e) => return error.set(Some(e.to_string())),
            };
            let a = audit(
                state,
                format!("report/{}", sent.period),
                format!(
                    "报送{}月报第{}版{}",
                    sent.period,
                    sent.version,
                    if sent.report.zero_report {
                        "（零报告）"
                    } else {
                        ""
                    }
                ),
            );
            match store::save_exchange(&db, records, &[a]).await {
                Ok(()) => {
                    if let Err(e) = save_file(&name, "application/octet-stream", &bytes) {
                        error.set(Some(e));
                    }
                    state.outbox.update_value(|o| o.sent.push(sent));
                    rev.update(|r| *r += 1);
                    state.info(format!("已生成月报文件“{name}”，本版已锁定"));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };

    let review_pass = RwSignal::new(String::new());
    let import_review = move |_| {
        error.set(None);
        spawn_local(async move {
            let result: Result<bool, String> = async {
                let (_, bytes) =
                    super::common::read_file("review-file", "请先选择县级审核结果文件").await?;
                let text = bundle_text(&bytes, Some(&review_pass.get_untracked()))
                    .map_err(|e| e.to_string())?;
                let (_, got) =
                    read_payload::<Review>(&text, REVIEW_KIND).map_err(|e| e.to_string())?;
                let mut outbox = state.outbox.get_value();
                if !outbox.receive_review(school_id, got.clone())? {
                    return Ok(false);
                }
                let db = state.db().ok_or("数据库未打开")?;
                let v = store::exchange_value(&got).map_err(|e| e.to_string())?;
                let a = audit(
                    state,
                    format!("report/{}", got.period),
                    format!("收到{}月报县级审核结果", got.period),
                );
                store::save_exchange(&db, vec![(store::review_in_key(&got), v)], &[a])
                    .await
                    .map_err(|e| e.to_string())?;
                if let Some(m) = baoxue_core::exchange::report::parse_month_period(&got.period) {
                    month.set(m);
                }
                state.outbox.set_value(outbox);
                Ok(true)
            }
            .await;
            match result {
                Ok(true) => {
                    rev.update(|r| *r += 1);
                    state.info("已导入县级审核结果");
                }
                Ok(false) => state.info("此审核结果已导入过，没有变化"),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <section class="panel no-print">
            <div class="form-row">
                <label>"月份"
                    <select id="report-month" on:change=move |e| {
                        if let Some(m) = baoxue_core::exchange::report::parse_month_period(&event_target_value(&e)) { month.set(m) }
                    }>
                        {months().into_iter().map(|m| view! { <option value=month_period(m) selected=move || month.get() == m>{move || month_label(m)}</option> }).collect_view()}
                    </select>
                </label>
                <label>"填报人"<input id="report-filled-by" bind:value=filled_by/></label>
                <label>"审核人（校长）"<input id="report-checked-by" bind:value=checked_by/></label>
                <label>"加密口令（至少8位）"<input id="report-passphrase" type="password" bind:value=passphrase/></label>
            </div>
            {move || sent().map(|s| view! {
                <p class="notice-line" id="report-sent">{format!("已于{}报送第{}版（{}），已锁定；如需更正，请报送更正版，原版本保留。", s.sent_at.format("%Y-%m-%d %H:%M"), s.version, s.sent_by)}</p>
            })}
            {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
            <div class="row">
                <button id="send-report" class="primary" on:click=send>{move || match sent() {
                    Some(s) => format!("报送更正版（第{}版）", s.version + 1),
                    None => "报送月报（生成加密文件）".to_string(),
                }}</button>
                <button id="print-report" class="secondary" on:click=move |_| { let _ = web_sys::window().map(|w| w.print()); }>"打印月报"</button>
                <ExportButtons id="export-report" table=move || {
                    let p = month_period(month.get_untracked());
                    let shown = state
                        .outbox
                        .with_value(|o| o.latest(&p).map(|s| s.report.clone()))
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
            let unit = state.installation.with(|i| i.as_ref().map(|i| i.unit_name()).unwrap_or_default());
            let balance = r.figures.as_ref().map(|f| {
                [baoxue_core::model::Stage::Primary, baoxue_core::model::Stage::Junior].into_iter().filter_map(|s| {
                    let flow = f.flow(s);
                    (!flow.balances()).then(|| format!("{}人账不符：按变动应有{}人，月末实有{}人（差{:+}），请核实后再报送。", s.zh(), flow.expected_end(), flow.end, flow.difference()))
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
            <h2>"导入县级审核结果"</h2>
            <div class="form-row">
                <label>"审核结果文件"<input id="review-file" type="file" accept=".baoxue,.json"/></label>
                <label>"口令"<input id="review-passphrase" type="password" bind:value=review_pass/></label>
                <button id="import-review" class="secondary" on:click=import_review>"导入"</button>
            </div>
        </section>
    }
}

/// One chosen file and what importing it would do (or why it cannot be read).
#[derive(Clone)]
struct Staged {
    file: String,
    result: Result<(ImportPlan, Envelope, MonthlyReport), String>,
}

fn outcome_text(o: &ReportOutcome) -> String {
    match o {
        ReportOutcome::New => "新报告".into(),
        ReportOutcome::Correction { held } => format!("更正版，替代第{held}版（原版本保留）"),
        ReportOutcome::AlreadyImported => "已导入过，没有变化".into(),
        ReportOutcome::Older { held } => format!("比已收到的第{held}版旧，忽略"),
        ReportOutcome::Conflict { .. } => "与已收到的同一版本内容不同，请学校报送更正版".into(),
    }
}

/// The county's side: import, completeness, review.
#[component]
fn CountyReports() -> impl IntoView {
    let state = expect_context::<AppState>();
    let month = RwSignal::new(months()[0]);
    let passphrase = RwSignal::new(String::new());
    let staged = RwSignal::new(Vec::<Staged>::new());
    let keep = RwSignal::new(BTreeMap::<Uuid, bool>::new());
    let rev = RwSignal::new(0u32);
    let open = RwSignal::new(None::<Uuid>);
    let error = RwSignal::new(None::<String>);

    let me = move || {
        state
            .installation
            .with_untracked(|i| i.as_ref().map(UnitRef::of))
    };
    let dry_run = move |_| {
        error.set(None);
        spawn_local(async move {
            let files = match super::common::read_files("report-files").await {
                Ok(f) if !f.is_empty() => f,
                Ok(_) => {
                    return error.set(Some("请先选择学校报送的月报文件（可一次选多个）".into()))
                }
                Err(e) => return error.set(Some(e)),
            };
            let Some(me) = me() else { return };
            let pass = passphrase.get_untracked();
            let known: std::collections::HashSet<Uuid> = state
                .ledger
                .with_value(|l| l.schools().iter().map(|s| s.id).collect());
            // One file at a time, yielding between them: forty USB sticks' worth of reports
            // (or 150) never freezes the page, and the bar shows how far it has got.
            mark("baoxue-import-start");
            let total = files.len();
            let mut out = Vec::with_capacity(total);
            let mut pace = Pace::new();
            for (n, (file, bytes)) in files.into_iter().enumerate() {
                if pace.due() {
                    state.progress.set(Some(Progress {
                        label: format!("正在检查月报文件：{file}"),
                        done: n,
                        total,
                    }));
                    pace.breathe().await;
                }
                let result = bundle_text(&bytes, Some(&pass))
                    .and_then(|t| read_payload::<MonthlyReport>(&t, MONTHLY_KIND))
                    .map_err(|e| e.to_string())
                    .and_then(|(env, r)| {
                        let mut plan = state.inbox.with_value(|inbox| inbox.plan(&env, &r, &me))?;
                        if !known.contains(&r.school.id) {
                            plan.warnings.push(format!(
                                "“{}”不在本县学校名单中，请先在“学校”页添加或核实",
                                r.school.name
                            ));
                        }
                        Ok((plan, env, r))
                    });
                out.push(Staged { file, result });
            }
            state.progress.set(None);
            measure("baoxue-import", "baoxue-import-start");
            keep.set(BTreeMap::new());
            staged.set(out);
        });
    };
    let apply = move |_| {
        let batch = staged.get_untracked();
        let mut inbox = state.inbox.get_value();
        let mut records = Vec::new();
        let mut audits = Vec::new();
        let choices = keep.get_untracked();
        for s in &batch {
            let Ok((plan, env, report)) = &s.result else {
                continue;
            };
            if !inbox.apply(
                plan,
                env.clone(),
                report.clone(),
                now(),
                &state.operator(),
                &choices,
            ) {
                continue;
            }
            if let Some(r) = inbox.current(report.school.id, &report.period) {
                match store::exchange_value(r) {
                    Ok(v) => records.push((store::received_key(r), v)),
                    Err(e) => return error.set(Some(e.to_string())),
                }
            }
            if let Some(rv) = inbox.review(report.school.id, &report.period) {
                if let Ok(v) = store::exchange_value(rv) {
                    records.push((store::review_key(rv), v));
                }
            }
            audits.push(audit(
                state,
                format!("report/{}/{}", report.school.id, report.period),
                format!(
                    "导入{}{}月报第{}版（{}）",
                    report.school.name,
                    report.period,
                    report.version,
                    outcome_text(&plan.outcome)
                ),
            ));
        }
        let done = move || staged.set(Vec::new());
        commit_import(state, inbox, records, audits, "月报", done, rev, error);
    };

    let period = move || month_period(month.get());
    let completeness = move || {
        rev.track();
        state.ledger_rev.track();
        let day = state
            .casebook
            .with_value(|b| b.settings.report_deadline_day);
        let deadline = deadline_of(month.get(), day);
        let rows = state.ledger.with_value(|l| {
            state
                .inbox
                .with_value(|i| i.completeness(l.schools(), &period(), deadline, today()))
        });
        (deadline, rows)
    };

    view! {
        <section class="panel" id="report-import">
            <h2>"导入学校月报"</h2>
            <p class="muted small">"可一次选择多个文件（如各校U盘中的月报）。先预览将发生的变化，确认后一次全部导入；同一文件重复导入不会改变任何数据。"</p>
            <div class="form-row">
                <label class="grow">"月报文件"<input id="report-files" type="file" multiple accept=".baoxue,.json"/></label>
                <label>"口令"<input id="import-passphrase" type="password" bind:value=passphrase/></label>
                <button id="preview-import" class="secondary" on:click=dry_run>"预览"</button>
            </div>
            {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
            <Show when=move || !staged.with(Vec::is_empty)>
                <table class="grid compact" id="import-preview">
                    <thead><tr><th>"文件"</th><th>"学校"</th><th>"月份"</th><th>"版本"</th><th>"结果"</th><th>"变化"</th><th>"问题"</th></tr></thead>
                    <tbody>
                        {move || staged.get().into_iter().map(|s| match s.result {
                            Err(e) => view! { <tr class="bad"><td>{s.file}</td><td colspan="6" class="error-text">{e}</td></tr> }.into_any(),
                            Ok((plan, _, _)) => {
                                let (mut add, mut upd, mut del) = (0, 0, 0);
                                for c in &plan.changes { match c { EntryChange::Added(..) => add += 1, EntryChange::Updated(..) => upd += 1, EntryChange::Removed(..) => del += 1 } }
                                let conflicts = plan.conflicts.clone();
                                view! {
                                    <tr>
                                        <td>{s.file}</td>
                                        <td>{plan.school.name.clone()}</td>
                                        <td>{plan.period.clone()}</td>
                                        <td class="num">{plan.version}</td>
                                        <td class="outcome">{outcome_text(&plan.outcome)}{plan.zero_report.then_some("（零报告）")}</td>
                                        <td>{format!("新增{add}　修改{upd}　删除{del}")}</td>
                                        <td class="small">
                                            {plan.rejected.iter().map(|r| view! { <div class="error-text">{format!("{}：{}", r.place, r.reason)}</div> }).collect_view()}
                                            {plan.warnings.iter().map(|w| view! { <div class="warning-text">{w.clone()}</div> }).collect_view()}
                                            {conflicts.into_iter().map(|c| {
                                                let id = c.entry.id;
                                                view! {
                                                    <div class="conflict">
                                                        {format!("冲突：{}（{}）已审核为“{}”，学校在更正版中改为：{}", c.entry.name, c.list.zh(), c.verdict.verdict.zh(), c.entry.detail)}
                                                        <label class="inline"><input type="radio" name=format!("k-{id}") prop:checked=move || keep.with(|k| k.get(&id) == Some(&true)) on:change=move |_| keep.update(|k| { k.insert(id, true); })/>"保留审核意见"</label>
                                                        <label class="inline"><input type="radio" name=format!("k-{id}") prop:checked=move || keep.with(|k| k.get(&id) != Some(&true)) on:change=move |_| keep.update(|k| { k.insert(id, false); })/>"重新审核"</label>
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
                <div class="row">
                    <button id="apply-import" class="primary" on:click=apply>"确认导入"</button>
                    <button class="secondary" on:click=move |_| staged.set(Vec::new())>"取消"</button>
                </div>
            </Show>
        </section>
        <section class="panel" id="report-completeness">
            <div class="form-row">
                <h2>"报送情况"</h2>
                <MonthSelect id="county-month" month=month/>
            </div>
            {move || {
                let (deadline, rows) = completeness();
                let reported = rows.iter().filter(|r| matches!(r.state, ReportState::Reported { .. })).count();
                let zero = rows.iter().filter(|r| matches!(r.state, ReportState::Reported { zero: true, .. })).count();
                let late = rows.iter().filter(|r| matches!(r.state, ReportState::Missing { late: true } | ReportState::Reported { late: true, .. })).count();
                view! {
                    <ExportButtons id="export-completeness" table=move || completeness_table(state, &period(), completeness().1)/>
                    <p id="completeness-summary">{format!("截止日期{deadline}。已报{reported}/{}所（其中零报告{zero}所），逾期{late}所。", rows.len())}</p>
                    <div class="table-wrap">
                        <table class="grid compact" id="completeness-table">
                            <thead><tr><th>"乡镇"</th><th>"学校"</th><th>"状态"</th><th></th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    let town = state.ledger.with_value(|l| l.township_name(&r.township_code).to_string());
                                    let (label, class) = match r.state {
                                        ReportState::Reported { version, zero, late, reviewed } => (format!("已报第{version}版{}{}{}", if zero { "（零报告）" } else { "" }, if late { "，逾期" } else { "" }, if reviewed { "，已审核" } else { "" }), if late { "late" } else { "ok" }),
                                        ReportState::Missing { late: true } => ("逾期未报".to_string(), "missing late"),
                                        ReportState::Missing { late: false } => ("未报".to_string(), "missing"),
                                    };
                                    let id = r.school_id;
                                    let has = !label.contains("未报");
                                    view! {
                                        <tr class=class data-school=id.to_string()>
                                            <td>{town}</td><td>{r.school.clone()}</td><td class="state">{label}</td>
                                            <td>{has.then(|| view! { <button class="link open-review" on:click=move |_| open.set(Some(id))>"查看/审核"</button> })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            }}
        </section>
        {move || open.get().map(|id| view! { <ReviewPanel school_id=id period=period() rev=rev/> })}
        <RollUpPanel period=Signal::derive(period)/>
    }
}

/// The county's key for pseudonyms, made (and saved) on first use.
async fn pseudonym_key(state: AppState) -> Result<PseudonymKey, String> {
    if let Some(k) = state.inbox.with_value(|i| i.pseudonym_key.clone()) {
        return Ok(k);
    }
    let mut bytes = [0u8; 32];
    getrandom_02::getrandom(&mut bytes).map_err(|e| format!("无法生成化名密钥：{e}"))?;
    let key = PseudonymKey::from_bytes(bytes);
    let db = state.db().ok_or("数据库未打开")?;
    let v = store::exchange_value(&key).map_err(|e| e.to_string())?;
    let a = audit(
        state,
        "installation".into(),
        "生成汇总化名密钥（只保存在本机和备份中）".into(),
    );
    store::save_exchange(&db, vec![(store::PSEUDONYM_KEY.to_string(), v)], &[a])
        .await
        .map_err(|e| e.to_string())?;
    state
        .inbox
        .update_value(|i| i.pseudonym_key = Some(key.clone()));
    Ok(key)
}

/// 报市州汇总: the county's figures for the month, without names, as a file for the
/// prefecture; and looking up which child a pseudonym stands for.
#[component]
fn RollUpPanel(period: Signal<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let error = RwSignal::new(None::<String>);
    let lookup = RwSignal::new(String::new());
    let build = move |key: &PseudonymKey| -> Option<RollUp> {
        let inst = state.installation.get_untracked()?;
        let me = UnitRef::of(&inst);
        let p = period.get_untracked();
        state.ledger.with_value(|l| {
            state.inbox.with_value(|inbox| {
                let reports: Vec<&MonthlyReport> = l
                    .schools()
                    .iter()
                    .filter_map(|s| inbox.current(s.id, &p).map(|r| &r.report))
                    .collect();
                let census = CensusTable::of(l, today()).county;
                let dropouts = pseudonymous_dropouts(key, &me.code, l);
                Some(RollUp::of_county(
                    me.clone(),
                    &p,
                    &reports,
                    l.schools().len() as u32,
                    census,
                    dropouts,
                ))
            })
        })
    };
    let export = move |_| {
        error.set(None);
        spawn_local(async move {
            let result: Result<String, String> = async {
                let key = pseudonym_key(state).await?;
                let rollup = build(&key).ok_or("本机单位未设置")?;
                let inst = state.installation.get_untracked().ok_or("本机单位未设置")?;
                let up = inst.divisions.iter().rev().nth(1).map(|d| UnitRef {
                    level: "prefecture".into(),
                    code: d.code.clone(),
                    name: d.name.clone(),
                });
                let env = Envelope::new(ROLLUP_KIND, rollup.unit.clone(), up, Some(rollup.period.clone()), now(), &state.operator(), None);
                let text = write_bundle(env, &rollup).map_err(|e| e.to_string())?;
                let name = format!("{}_{}控辍保学汇总.json", inst.short_name(), rollup.period);
                save_file(&name, "application/json", text.as_bytes())?;
                Ok(format!("已生成“{name}”：{}所学校已报，学生{}人，辍学{}人（以化名列出，不含姓名和身份证号）", rollup.totals.schools_reported, rollup.totals.children, rollup.dropouts.len()))
            }
            .await;
            match result {
                Ok(m) => state.info(m),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let found = move || {
        let q = lookup.get().trim().to_string();
        if q.is_empty() {
            return None;
        }
        let key = state.inbox.with_value(|i| i.pseudonym_key.clone())?;
        let code = state
            .installation
            .with_untracked(|i| i.as_ref().map(|i| UnitRef::of(i).code))?;
        Some(state.ledger.with_value(|l| {
            key.resolve(&code, &q, l.children())
                .map(|c| (c.id, c.name.clone()))
        }))
    };
    view! {
        <section class="panel" id="rollup-panel">
            <h2>{move || format!("报市州汇总（{}）", period.get())}</h2>
            <p class="muted small">"汇总只含人数和指标；辍学学生以化名列出，不含姓名、身份证号和住址。化名密钥只保存在本机（和本机的备份）中，只有本县能查出化名对应的学生。"</p>
            <div class="form-row">
                <button id="export-rollup" class="secondary" on:click=export>"生成汇总文件"</button>
                <label>"化名查询"<input id="pseudonym-lookup" placeholder="如 433122-3f2a…" bind:value=lookup/></label>
                <span id="pseudonym-found">{move || match found() {
                    None => view! { <span></span> }.into_any(),
                    Some(None) => view! { <span class="muted">"本县没有此化名的学生"</span> }.into_any(),
                    Some(Some((id, name))) => view! { <a href=crate::app::Route::Child(id).href()>{name}</a> }.into_any(),
                }}</span>
            </div>
            {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
        </section>
    }
}

/// The county reviews one school's report for a period and sends the result back down.
#[component]
fn ReviewPanel(school_id: Uuid, period: String, rev: RwSignal<u32>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let held = state
        .inbox
        .with_value(|i| i.current(school_id, &period).cloned());
    let Some(held) = held else {
        return view! { <p class="empty">"该校本月尚未报送"</p> }.into_any();
    };
    let earlier = state
        .inbox
        .with_value(|i| i.review(school_id, &period).cloned());
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
    let rows = entries.clone();
    let report = held.report.clone();
    let make = move || Review {
        school: report.school.clone(),
        period: report.period.clone(),
        report_version: report.version,
        report_sha256: held.envelope.content_sha256.clone(),
        reviewed_by: state.operator(),
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
    };
    let make_for_export = make.clone();
    let save_and_export = move |_| {
        error.set(None);
        let review = make_for_export();
        if review
            .entries
            .iter()
            .any(|e| e.verdict != ReviewVerdict::Confirmed && e.comment.is_empty())
        {
            return error.set(Some("退回或请再核实的条目须写明意见".into()));
        }
        let pass = passphrase.get_untracked();
        if pass.chars().count() < 8 {
            return error.set(Some(
                "审核结果含学生姓名，须加密：请设置至少8位的口令".into(),
            ));
        }
        let Some(me) = state
            .installation
            .with_untracked(|i| i.as_ref().map(UnitRef::of))
        else {
            return;
        };
        let Some(school) = state.ledger.with_value(|l| l.school(school_id).cloned()) else {
            return;
        };
        let env = Envelope::new(
            REVIEW_KIND,
            me,
            Some(UnitRef::school(&school)),
            Some(review.period.clone()),
            review.reviewed_at,
            &state.operator(),
            None,
        );
        let file = write_bundle(env, &review)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                sealed(
                    t,
                    &pass,
                    &format!("{}_{}月报审核结果", school.name, review.period),
                )
            });
        let (name, bytes) = match file {
            Ok(f) => f,
            Err(e) => return error.set(Some(e)),
        };
        spawn_local(async move {
            let Some(db) = state.db() else { return };
            let v = match store::exchange_value(&review) {
                Ok(v) => v,
                Err(e) => return error.set(Some(e.to_string())),
            };
            let a = audit(
                state,
                format!("report/{}/{}", review.school.id, review.period),
                format!(
                    "审核{}{}月报第{}版",
                    review.school.name, review.period, review.report_version
                ),
            );
            match store::save_exchange(&db, vec![(store::review_key(&review), v)], &[a]).await {
                Ok(()) => {
                    state.inbox.update_value(|i| i.set_review(review));
                    rev.update(|r| *r += 1);
                    if let Err(e) = save_file(&name, "application/octet-stream", &bytes) {
                        error.set(Some(e));
                    }
                    state.info(format!("审核已保存，已生成“{name}”，请交回学校"));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let r = held.report.clone();
    view! {
        <section class="panel" id="review-panel">
            <h2>{format!("{} {}月报（第{}版）", r.school.name, r.period, r.version)}</h2>
            <p class="muted">{format!("收到：{}　学生{}人　填报人：{}　审核人：{}", held.received_at.format("%Y-%m-%d %H:%M"), r.total(), r.filled_by, r.checked_by)}</p>
            {(!held.problems.is_empty()).then(|| view! { <div class="errors">{held.problems.iter().map(|p| view! { <div>{p.clone()}</div> }).collect_view()}</div> })}
            {count_table(&r)}
            {if r.zero_report {
                view! { <p class="zero-report">"零报告：本月无新增疑似辍学、新确认辍学、劝返复学和销号。"</p> }.into_any()
            } else {
                view! {
                    <table class="grid compact" id="review-table">
                        <thead><tr><th>"名单"</th><th>"姓名"</th><th>"年级"</th><th>"日期"</th><th>"情况"</th><th>"审核"</th><th>"意见"</th></tr></thead>
                        <tbody>
                            {entries.into_iter().map(|(list, e, verdict, note)| view! {
                                <tr>
                                    <td>{list.zh()}</td><td>{e.name.clone()}</td>
                                    <td>{e.grade.map(|g| format!("{g}年级")).unwrap_or_default()}</td>
                                    <td class="nowrap">{e.date.to_string()}</td><td>{e.detail.clone()}</td>
                                    <td>
                                        <select class="verdict" on:change=move |ev| if let Some(v) = ReviewVerdict::from_key(&event_target_value(&ev)) { verdict.set(v) }>
                                            {ReviewVerdict::ALL.iter().map(|v| view! { <option value=v.key() selected=move || verdict.get() == *v>{v.zh()}</option> }).collect_view()}
                                        </select>
                                    </td>
                                    <td><input class="verdict-note" bind:value=note/></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <div class="form-row">
                <label class="grow">"总体意见"<input id="review-comment-input" bind:value=comment/></label>
                <label>"加密口令（至少8位）"<input id="review-passphrase-out" type="password" bind:value=passphrase/></label>
                <button id="export-review" class="primary" on:click=save_and_export>"保存审核并导出结果"</button>
            </div>
            {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
        </section>
    }
    .into_any()
}

/// One chosen roll-up file and what importing it would do.
#[derive(Clone)]
struct StagedRollUp {
    file: String,
    result: Result<(ReportOutcome, Envelope, RollUp), String>,
}

/// A prefecture or province: the roll-ups of the units below, who has sent one, the
/// roll-up for the level above, and (a province) the annual evaluation.
#[component]
fn UpperReports() -> impl IntoView {
    let state = expect_context::<AppState>();
    let month = RwSignal::new(months()[0]);
    let passphrase = RwSignal::new(String::new());
    let staged = RwSignal::new(Vec::<StagedRollUp>::new());
    let rev = RwSignal::new(0u32);
    let error = RwSignal::new(None::<String>);
    let below = RwSignal::new(Vec::<(String, String)>::new());
    let me = move || {
        state
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
            let files = match super::common::read_files("rollup-files").await {
                Ok(f) if !f.is_empty() => f,
                Ok(_) => {
                    return error.set(Some("请先选择下级报送的汇总文件（可一次选多个）".into()))
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
                    .map_err(|e| e.to_string())
                    .and_then(|(env, r)| {
                        state
                            .inbox
                            .with_value(|i| i.plan_rollup(&env, &r, &me))
                            .map(|o| (o, env, r))
                    });
                out.push(StagedRollUp { file, result });
            }
            staged.set(out);
        });
    };
    let apply = move |_| {
        let mut inbox = state.inbox.get_value();
        let mut records = Vec::new();
        let mut audits = Vec::new();
        for s in staged.get_untracked() {
            let Ok((outcome, env, r)) = s.result else {
                continue;
            };
            if !matches!(
                outcome,
                ReportOutcome::New | ReportOutcome::Correction { .. }
            ) {
                continue;
            }
            let received = ReceivedRollUp {
                envelope: env,
                rollup: r,
                received_at: now(),
                received_by: state.operator(),
            };
            match store::exchange_value(&received) {
                Ok(v) => records.push((store::rollup_key(&received), v)),
                Err(e) => return error.set(Some(e.to_string())),
            }
            audits.push(audit(
                state,
                format!(
                    "rollup/{}/{}",
                    received.rollup.unit.code, received.rollup.period
                ),
                format!(
                    "导入{}{}汇总第{}版（{}）",
                    received.rollup.unit.name,
                    received.rollup.period,
                    received.rollup.version,
                    outcome_text(&outcome)
                ),
            ));
            inbox.rollups.push(received);
        }
        let done = move || staged.set(Vec::new());
        commit_import(state, inbox, records, audits, "汇总", done, rev, error);
    };
    // The latest roll-up of each unit below for the month.
    let current = move || {
        rev.track();
        let p = period();
        state.inbox.with_value(|i| {
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
    let export_up = move |_| {
        error.set(None);
        let Some(me) = me() else { return };
        let Some(inst) = state.installation.get_untracked() else {
            return;
        };
        let p = period();
        let parts: Vec<RollUp> = current()
            .into_iter()
            .filter_map(|(_, _, r)| r.map(|r| r.0))
            .collect();
        let refs: Vec<&RollUp> = parts.iter().collect();
        let result = RollUp::of_parts(me.clone(), &p, &refs).and_then(|r| {
            let up = if inst.level == Level::Province {
                None
            } else {
                inst.divisions.first().map(|d| UnitRef {
                    level: "province".into(),
                    code: d.code.clone(),
                    name: d.name.clone(),
                })
            };
            let env = Envelope::new(
                ROLLUP_KIND,
                me.clone(),
                up,
                Some(p.clone()),
                now(),
                &state.operator(),
                None,
            );
            let text = write_bundle(env, &r).map_err(|e| e.to_string())?;
            let name = format!("{}_{}控辍保学汇总.json", inst.short_name(), p);
            save_file(&name, "application/json", text.as_bytes())?;
            Ok(name)
        });
        match result {
            Ok(name) => state.info(format!("已生成“{name}”")),
            Err(e) => error.set(Some(e)),
        }
    };
    let evaluate = move |_| {
        error.set(None);
        let Some(me) = me() else { return };
        let parts: Vec<RollUp> = current()
            .into_iter()
            .filter_map(|(_, _, r)| r.map(|r| r.0))
            .collect();
        if parts.is_empty() {
            return error.set(Some("本月还没有收到任何汇总".into()));
        }
        let refs: Vec<&RollUp> = parts.iter().collect();
        let targets = state.casebook.with_value(|b| b.settings.targets.clone());
        let year = baoxue_core::rules::school_age::school_year_of(today());
        let eval = Evaluation::of(
            me.clone(),
            &format!("{year}-{}", year + 1),
            today(),
            &refs,
            &targets,
        );
        let env = Envelope::new(
            EVALUATION_KIND,
            me,
            None,
            Some(eval.school_year.clone()),
            now(),
            &state.operator(),
            None,
        );
        let result = write_bundle(env, &eval)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                let name = format!("{}学年控辍保学评估.json", eval.school_year);
                save_file(&name, "application/json", text.as_bytes())?;
                Ok((
                    name,
                    eval.units.iter().filter(|u| !u.passed).count(),
                    eval.units.len(),
                ))
            });
        match result {
            Ok((name, failed, all)) => {
                state.info(format!("已生成“{name}”：评估{all}个单位，{failed}个未达标"))
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let is_province = move || {
        state
            .installation
            .with(|i| i.as_ref().is_some_and(|i| i.level == Level::Province))
    };
    view! {
        <section class="panel" id="rollup-import">
            <h2>"导入下级汇总"</h2>
            <p class="muted small">"下级报送的汇总只含人数和指标，辍学学生以化名列出。可一次选择多个文件；同一文件重复导入不会改变任何数据。"</p>
            <div class="form-row">
                <label class="grow">"汇总文件"<input id="rollup-files" type="file" multiple accept=".baoxue,.json"/></label>
                <label>"口令（如已加密）"<input id="rollup-passphrase" type="password" bind:value=passphrase/></label>
                <button id="preview-rollups" class="secondary" on:click=dry_run>"预览"</button>
            </div>
            {move || error.get().map(|e| view! { <div class="errors" role="alert">{e}</div> })}
            <Show when=move || !staged.with(Vec::is_empty)>
                <table class="grid compact" id="rollup-preview">
                    <thead><tr><th>"文件"</th><th>"单位"</th><th>"月份"</th><th>"版本"</th><th>"结果"</th><th>"学生"</th><th>"辍学"</th></tr></thead>
                    <tbody>
                        {move || staged.get().into_iter().map(|s| match s.result {
                            Err(e) => view! { <tr class="bad"><td>{s.file}</td><td colspan="6" class="error-text">{e}</td></tr> }.into_any(),
                            Ok((o, _, r)) => view! {
                                <tr><td>{s.file}</td><td>{r.unit.name.clone()}</td><td>{r.period.clone()}</td><td class="num">{r.version}</td>
                                <td class="outcome">{outcome_text(&o)}</td><td class="num">{r.totals.children}</td><td class="num">{r.totals.dropouts}</td></tr>
                            }.into_any(),
                        }).collect_view()}
                    </tbody>
                </table>
                <div class="row">
                    <button id="apply-rollups" class="primary" on:click=apply>"确认导入"</button>
                    <button class="secondary" on:click=move |_| staged.set(Vec::new())>"取消"</button>
                </div>
            </Show>
        </section>
        <section class="panel" id="rollup-completeness">
            <div class="form-row">
                <h2>"报送情况"</h2>
                <MonthSelect id="upper-month" month=month/>
            </div>
            {move || {
                let rows = current();
                let done = rows.iter().filter(|r| r.2.is_some()).count();
                view! {
                    <p id="rollup-summary">{format!("已报{done}/{}个单位", rows.len())}</p>
                    <div class="table-wrap">
                        <table class="grid compact" id="rollup-table">
                            <thead><tr><th>"单位"</th><th>"状态"</th><th class="num">"应报学校"</th><th class="num">"已报学校"</th><th class="num">"学生"</th><th class="num">"疑似辍学"</th><th class="num">"辍学"</th><th class="num">"小学入学率"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|(_, name, r)| match r {
                                    None => view! { <tr class="missing"><td>{name}</td><td class="state">"未报"</td><td colspan="6"></td></tr> }.into_any(),
                                    Some((r, at)) => {
                                        let t = &r.totals;
                                        let rate = if t.census.primary_age > 0 {
                                            format!("{:.2}%", f64::from(t.census.primary_age_enrolled) * 100.0 / f64::from(t.census.primary_age))
                                        } else {
                                            "—".into()
                                        };
                                        view! {
                                            <tr class="ok"><td>{name}</td><td class="state">{format!("已报第{}版（{}）", r.version, at.format("%m-%d %H:%M"))}</td>
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
                    <button id="export-upper-rollup" class="secondary" on:click=export_up>"生成报省汇总文件"</button>
                </Show>
                <Show when=is_province>
                    <button id="export-evaluation" class="secondary" on:click=evaluate>"生成年度评估文件"</button>
                </Show>
            </div>
        </section>
    }
}
