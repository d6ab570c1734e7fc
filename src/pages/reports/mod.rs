//! 月报: a school makes, sends (as a file) and prints its monthly report and reads the
//! county's review; a county imports the reports of its schools — dry run first, then all at
//! once — sees who has reported, reviews each report and sends the result back down.

use std::collections::BTreeMap;

use baoxue_core::casework::Actor;
use baoxue_core::exchange::filing::{self, Filing, Seal};
use baoxue_core::exchange::holdings::ReportState;
use baoxue_core::exchange::landing::{Landing, LandingChoice, LandingConflict};
use baoxue_core::exchange::report::{
    deadline_of, month_period, EntryChange, EntryList, MonthlyReport, ReportEntry, Review,
    ReviewEntry, ReviewVerdict, MONTHLY_KIND, REVIEW_KIND,
};
use baoxue_core::exchange::rollup::{CountyRecords, PseudonymKey, RollUp, ROLLUP_KIND};
use baoxue_core::exchange::{bundle_text, open_text, read_payload, UnitRef};
use baoxue_core::model::{grade_label, Labelled, Lang, Level, Localized};
use chrono::{Datelike, Months, NaiveDate};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::browser::{mark, measure};
use crate::browser::{now, today};
use crate::components::download::{save_file, ExportButtons};
use crate::i18n::{fill, paren, text};
use crate::state::{Exchange, Language, Ledgers, Notices, Office, Progress};
use baoxue_core::export::{monthly_report_table, Cell, Table};
use gloo_timers::future::TimeoutFuture;

mod county;
mod school;
mod upper;

use county::CountyReports;
use school::SchoolReports;
use upper::UpperReports;

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

/// Runs an exchange step as the operator, now.
fn as_operator<T>(office: Office, op: impl FnOnce(Actor) -> T) -> T {
    let name = office.operator();
    op(Actor {
        name: &name,
        now: now(),
    })
}

/// Files an exchange step (see [`Exchange::file`]), a failure said in the interface's language.
async fn file_in(exchange: Exchange, language: Language, filing: &Filing) -> Result<(), String> {
    exchange
        .file(filing)
        .await
        .map_err(|e| e.say(language.get_untracked()))
}

/// Files a confirmed import — every file of it, or none — with what it `landed` in the
/// ledgers, in one transaction, and says how many landed.
async fn commit_import(
    exchange: Exchange,
    notices: Notices,
    language: Language,
    filing: &Filing,
    landed: Option<(Ledgers, Landing)>,
    what: Imported,
) -> Result<(), String> {
    let t = text(language.get_untracked());
    if filing.is_empty() {
        notices.info(t.rp_nothing_new);
        return Ok(());
    }
    mark("baoxue-import-save-start");
    let mut said = String::new();
    let saved = match landed {
        Some((ledgers, landing)) => {
            if !landing.set.is_empty() {
                said = fill(
                    t.rp_landed,
                    &[
                        &landing.added.to_string(),
                        &landing.set.suspects.len().to_string(),
                        &landing.set.cases.len().to_string(),
                    ],
                );
            }
            ledgers
                .commit_filed(landing.set, Some((exchange, filing)))
                .await
                .map_err(|e| e.say(language.get_untracked()))
        }
        None => file_in(exchange, language, filing).await,
    };
    measure("baoxue-import-save", "baoxue-import-save-start");
    saved.map_err(|e| format!("{}{e}", t.rp_import_failed))?;
    let template = match what {
        Imported::Reports => t.rp_imported_reports,
        Imported::RollUps => t.rp_imported_rollups,
    };
    notices.info(fill(template, &[&filing.audit.len().to_string()]) + &said);
    Ok(())
}

/// What an import brought in, for the sentence that says how many.
#[derive(Clone, Copy)]
enum Imported {
    Reports,
    RollUps,
}

/// How a school stands for a period, in words; the version is left out where it has a column
/// of its own.
fn state_label(s: &ReportState, with_version: bool, lang: Lang) -> String {
    match (s.clone(), lang) {
        (
            ReportState::Reported {
                version,
                zero,
                late,
                reviewed,
            },
            Lang::Zh,
        ) => format!(
            "已报{}{}{}{}",
            if with_version {
                format!("第{version}版")
            } else {
                String::new()
            },
            if zero { "（零报告）" } else { "" },
            if late { "，逾期" } else { "" },
            if reviewed { "，已审核" } else { "" }
        ),
        (
            ReportState::Reported {
                version,
                zero,
                late,
                reviewed,
            },
            Lang::En,
        ) => format!(
            "Reported{}{}{}{}",
            if with_version {
                format!(" (version {version})")
            } else {
                String::new()
            },
            if zero { ", zero report" } else { "" },
            if late { ", late" } else { "" },
            if reviewed { ", reviewed" } else { "" }
        ),
        (ReportState::Missing { late: true }, Lang::Zh) => "逾期未报".into(),
        (ReportState::Missing { late: true }, Lang::En) => "Overdue".into(),
        (ReportState::Missing { late: false }, Lang::Zh) => "未报".into(),
        (ReportState::Missing { late: false }, Lang::En) => "Not yet reported".into(),
    }
}

/// 已报 n/m 所 and who is late, in a sentence.
fn completeness_sentence(
    deadline: NaiveDate,
    (reported, zero, late, all): (usize, usize, usize, usize),
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "截止日期{deadline}。已报{reported}/{all}所（其中零报告{zero}所），逾期{late}所。"
        ),
        Lang::En => format!(
            "Deadline {deadline}. {reported} of {all} schools reported ({zero} zero reports); {late} late."
        ),
    }
}

/// 报送情况 as a table, for Excel.
fn completeness_table(
    office: Office,
    ledgers: Ledgers,
    exchange: Exchange,
    period: &str,
    rows: Vec<baoxue_core::exchange::holdings::Completeness>,
) -> Table {
    let rows = ledgers.ledger.with_untracked(|l| {
        exchange.inbox.with_untracked(|inbox| {
            rows.into_iter()
                .map(|r| {
                    let held = inbox.current(r.school_id, period);
                    let state = state_label(&r.state, false, Lang::Zh);
                    vec![
                        Cell::from(l.township_name(&r.township_code).to_string()),
                        r.school.into(),
                        state.into(),
                        held.map_or(Cell::Empty, |h| Cell::Number(f64::from(h.report.version))),
                        held.map_or(Cell::Empty, |h| {
                            h.received_at.format("%Y-%m-%d %H:%M").to_string().into()
                        }),
                        held.map_or(Cell::Empty, |h| Cell::Number(h.report.total() as f64)),
                        held.map_or(Cell::Empty, |h| {
                            Cell::Number(h.report.entries().count() as f64)
                        }),
                    ]
                })
                .collect()
        })
    });
    Table {
        title: format!("{}{period}月报报送情况", office.unit_short_name()),
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
    let language = expect_context::<Language>();
    let t = move || text(language.get());
    view! {
        <label>{move || t().rp_month}
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

#[component]
pub fn ReportsPage() -> impl IntoView {
    let language = expect_context::<Language>();
    let office = expect_context::<Office>();
    let t = move || text(language.get());
    let school = move || {
        office.installation.with(|i| {
            i.as_ref()
                .filter(|i| i.level == Level::School)
                .and_then(|i| i.school_id)
        })
    };
    view! {
        <h1 class="no-print">{move || t().rp_title}</h1>
        {move || {
            let level = office.installation.with(|i| i.as_ref().map(|i| i.level));
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
    let language = expect_context::<Language>();
    let t = move || text(language.get());
    let lang = language.get();
    if r.zero_report {
        return view! { <p class="zero-report">{move || t().rp_zero}</p> }.into_any();
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
                            <td>{e.sex.label(lang)}</td>
                            <td class="nowrap">{e.birth_date.to_string()}</td>
                            <td>{e.grade.map(|g| grade_label(g, lang)).unwrap_or_default()}</td>
                            <td class="nowrap">{e.date.to_string()}</td>
                            <td>{e.detail.clone()}</td>
                            {review.map(|_| view! {
                                <td class="verdict">{verdict.as_ref().map(|v| format!("{}{}", v.verdict.label(lang), if v.comment.is_empty() { String::new() } else { format!("{}{}", text(lang).colon, v.comment) })).unwrap_or_else(|| "—".into())}</td>
                            })}
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <h3>{format!("{}（{}）", list.label(lang), entries.len())}</h3>
                <table class="grid compact report-list" data-list=list.key()>
                    <thead><tr><th>{move || t().rp_name}</th><th>{move || t().rp_sex}</th><th>{move || t().rp_birth}</th><th>{move || t().rp_grade}</th><th>{move || t().rp_date}</th><th>{move || t().rp_detail}</th>{review.map(|_| view! { <th>{move || t().rp_county_verdict}</th> })}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        })
        .collect_view()
        .into_any()
}

/// The counts of a report: one row per grade, boys, girls, and how many are out of school.
fn count_table(r: &MonthlyReport) -> impl IntoView {
    let language = expect_context::<Language>();
    let t = move || text(language.get());
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
            <thead><tr><th>{move || t().rp_grade}</th><th class="num">{move || t().rp_male}</th><th class="num">{move || t().rp_female}</th><th class="num">{move || t().rp_total}</th><th class="num">{move || t().rp_enrolled}</th><th class="num">{move || t().rp_suspended}</th><th class="num">{move || t().rp_suspected}</th><th class="num">{move || t().rp_dropout}</th></tr></thead>
            <tbody>
                {grades.iter().map(|g| row(grade_label(*g, language.get_untracked()), Some(*g))).collect_view()}
                {row(t().rp_total.into(), None)}
            </tbody>
        </table>
        </div>
    }
}

/// Who received the file a conflict came with: the county (a school's report) or the school
/// (the county's review).
#[derive(Clone, Copy, PartialEq)]
enum Receiver {
    County,
    School,
}

/// One record changed on both sides: the two values field by field, and a choice of side.
#[component]
fn LandingConflictRow(
    conflict: LandingConflict,
    sides: RwSignal<BTreeMap<Uuid, LandingChoice>>,
    at: Receiver,
) -> impl IntoView {
    let language = expect_context::<Language>();
    let t = move || text(language.get());
    let id = conflict.record;
    let child = conflict.child.clone();
    let chosen = move |c: LandingChoice| sides.with(|s| s.get(&id) == Some(&c));
    let choose = move |c: LandingChoice| {
        sides.update(|s| {
            s.insert(id, c);
        })
    };
    let (ours, theirs, keep, take) = match at {
        Receiver::County => (
            t().rp_land_county,
            t().rp_land_school,
            t().rp_land_keep_county,
            t().rp_land_take_school,
        ),
        Receiver::School => (
            t().rp_land_ours_school,
            t().rp_land_theirs_county,
            t().rp_land_keep_school,
            t().rp_land_take_county,
        ),
    };
    let side = move |c: LandingChoice, label: &'static str| {
        let key = match c {
            LandingChoice::KeepOurs => "ours",
            LandingChoice::TakeTheirs => "theirs",
        };
        view! {
            <label class="inline">
                <input type="radio" name=format!("side-{id}") data-side=key prop:checked=move || chosen(c) on:change=move |_| choose(c)/>
                {label}
            </label>
        }
    };
    view! {
        <div class="conflict landing-conflict" data-record=id.to_string()>
            <strong>{child}</strong>
            <table class="grid compact">
                <thead><tr><th>{move || t().rp_land_field}</th><th>{ours}</th><th>{theirs}</th></tr></thead>
                <tbody>
                    {move || conflict.fields(language.get()).into_iter().map(|f| view! {
                        <tr><td>{f.field}</td><td>{f.before}</td><td>{f.after}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            {side(LandingChoice::KeepOurs, keep)}
            {side(LandingChoice::TakeTheirs, take)}
        </div>
    }
}
