//! 四个一 up and down the chain: the school's monthly report (学校月报, a zero report when
//! nothing happened), the county's review of its entries coming back down, and what an
//! import would change. What each level holds of them is `holdings`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{clip, Envelope, Refusal, UnitRef};
use crate::casework::{Casebook, ClosureOutcome, Verdict};
use crate::indicators::history::{History, SchoolMonth};
use crate::ledger::Ledger;
use crate::model::{labelled_enum, Child, Labelled, Sex, Status};
use crate::rules::id_number::IdNumber;

/// Envelope kind of a school's monthly report.
pub const MONTHLY_KIND: &str = "school-monthly";
/// Envelope kind of the county's review of a monthly report.
pub const REVIEW_KIND: &str = "county-review";

/// A monthly period, "2026-11".
pub fn month_period(month: NaiveDate) -> String {
    month.format("%Y-%m").to_string()
}

/// The first day of a "YYYY-MM" period.
pub fn parse_month_period(period: &str) -> Option<NaiveDate> {
    let (y, m) = period.split_once('-')?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(y, 4) || !digits(m, 2) {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    if !(2000..=2100).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, m.parse().ok()?, 1)
}

/// Most pupils of one grade, sex and status a school's report may count (the largest
/// schools have ≈2,000 pupils a grade).
pub const MAX_PUPILS_PER_ROW: u32 = 5_000;
/// Most pupils of one school.
pub const MAX_PUPILS: u32 = 30_000;
/// Most children a month's report may list.
pub const MAX_LISTED: usize = 2_000;
/// The highest version a month's report may have.
pub const MAX_VERSION: u32 = 99;
/// How far a version may run ahead of the one held (or of 1, when none is): a correction is
/// the next version, a few may have been lost on the way.
pub const MAX_VERSION_STEP: u32 = 5;

/// The day a month's report is due: `day` of the following month.
pub fn deadline_of(month: NaiveDate, day: u32) -> NaiveDate {
    let next = month + chrono::Months::new(1);
    NaiveDate::from_ymd_opt(next.year(), next.month(), day.clamp(1, 28)).unwrap_or(next)
}

/// The school a report is from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportSchool {
    pub id: Uuid,
    pub name: String,
    /// 学校标识码, when known.
    pub code: Option<String>,
    pub township_code: String,
}

impl ReportSchool {
    /// Whether this is the installation's school `s`: the same 学校标识码 when both have one;
    /// otherwise the same id (a school set up from the county's file) or the same name.
    pub fn is(&self, s: &crate::model::School) -> bool {
        match (&self.code, &s.code) {
            (Some(a), Some(b)) => a == b,
            _ => self.id == s.id || self.name.trim() == s.name.trim(),
        }
    }

    /// The school as envelopes name it.
    pub fn unit(&self) -> UnitRef {
        UnitRef::school_of(self.id, self.code.as_deref(), &self.name)
    }
}

labelled_enum! {
    /// The lists of a monthly report.
    EntryList {
        NewSuspects = ("new-suspects", "新增疑似辍学", "New suspected dropouts"),
        ConfirmedDropouts = ("confirmed-dropouts", "新确认辍学", "Newly confirmed dropouts"),
        Returns = ("returns", "劝返复学", "Returned to school"),
        Closures = ("closures", "销号", "Cases closed"),
    }
}

/// One line of a report's lists: a child and what happened to them in the month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportEntry {
    /// The suspect's or case's id at the school: the same in every version, so that a
    /// review can point at it.
    pub id: Uuid,
    pub child_id: Uuid,
    pub name: String,
    /// 身份证号 (18 characters), when the child has one.
    pub id_number: Option<String>,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub grade: Option<u8>,
    /// When it happened (flagged, confirmed, returned or closed).
    pub date: NaiveDate,
    /// What happened, in words (trigger, cause, outcome).
    pub detail: String,
    /// 全国学籍号, to find the child at the county when there is no ID number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student_number: Option<String>,
    /// The school's 疑似辍学 record as it stands, for the county's ledger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspect: Option<Box<crate::casework::Suspect>>,
    /// The school's case (一人一案) as it stands, for the county's 辍学台账.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<Box<crate::casework::DropoutCase>>,
}

/// How many children of a grade, sex and status the school has at the end of the month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CountRow {
    pub grade: u8,
    pub sex: Sex,
    pub status: Status,
    pub count: u32,
}

/// 学校月报: what a school sends its county each month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MonthlyReport {
    pub school: ReportSchool,
    /// "YYYY-MM".
    pub period: String,
    /// 1 for the first submission; a correction has the next number and supersedes it.
    pub version: u32,
    /// 填报人 and 审核人.
    pub filled_by: String,
    pub checked_by: String,
    /// The children of the school by grade, sex and status (rows with a count only).
    pub counts: Vec<CountRow>,
    /// The month's movements by grade (人账相符), when the school keeps them.
    pub figures: Option<SchoolMonth>,
    pub new_suspects: Vec<ReportEntry>,
    pub confirmed_dropouts: Vec<ReportEntry>,
    pub returns: Vec<ReportEntry>,
    pub closures: Vec<ReportEntry>,
    /// 零报告: nothing to list this month. It must still be sent.
    pub zero_report: bool,
}

pub(crate) fn entry(child: &Child, id: Uuid, date: NaiveDate, detail: String) -> ReportEntry {
    ReportEntry {
        id,
        child_id: child.id,
        name: child.name.clone(),
        id_number: child.id_number.as_ref().map(|n| n.as_str().to_string()),
        sex: child.sex,
        birth_date: child.birth_date,
        grade: child.grade,
        date,
        detail,
        student_number: child.student_number.clone(),
        suspect: None,
        case: None,
    }
}

impl MonthlyReport {
    /// Whether the report is signed as the form asks (填报人, 审核人) before it is sent.
    pub fn check_signed(&self) -> Result<(), Refusal> {
        if self.filled_by.trim().is_empty() || self.checked_by.trim().is_empty() {
            return Err(Refusal::Unsigned);
        }
        Ok(())
    }

    /// The report of a school for the month starting on `month`, from its ledgers: version 1
    /// with nobody named yet (the caller fills in the version and the signatures).
    pub fn build(
        ledger: &Ledger,
        casebook: &Casebook,
        history: &History,
        school_id: Uuid,
        month: NaiveDate,
    ) -> Option<MonthlyReport> {
        let school = ledger.school(school_id)?;
        let end = month + chrono::Months::new(1);
        let within = |d: NaiveDate| d >= month && d < end;
        let at_school = |child_id: Uuid| {
            ledger
                .child(child_id)
                .filter(|c| c.school_id == Some(school_id))
        };
        let mut counts: BTreeMap<(u8, Sex, Status), u32> = BTreeMap::new();
        for c in ledger
            .children()
            .iter()
            .filter(|c| c.school_id == Some(school_id))
        {
            if let Some(g) = c.grade {
                *counts.entry((g, c.sex, c.status)).or_default() += 1;
            }
        }
        let mut r = MonthlyReport {
            school: ReportSchool {
                id: school.id,
                name: school.name.clone(),
                code: school.code.clone(),
                township_code: school.township_code.clone(),
            },
            period: month_period(month),
            version: 1,
            filled_by: String::new(),
            checked_by: String::new(),
            counts: counts
                .into_iter()
                .map(|((grade, sex, status), count)| CountRow {
                    grade,
                    sex,
                    status,
                    count,
                })
                .collect(),
            figures: history
                .months()
                .iter()
                .find(|m| m.school_id == school_id && m.month == month)
                .cloned(),
            new_suspects: Vec::new(),
            confirmed_dropouts: Vec::new(),
            returns: Vec::new(),
            closures: Vec::new(),
            zero_report: false,
        };
        for s in casebook.suspects() {
            let Some(child) = at_school(s.child_id) else {
                continue;
            };
            if within(s.flagged_on) {
                r.new_suspects.push(ReportEntry {
                    suspect: Some(Box::new(s.clone())),
                    ..entry(child, s.id, s.flagged_on, s.trigger.zh())
                });
            }
            if let Some(v) = s.verification.as_ref().filter(|v| within(v.date)) {
                if let Verdict::Confirmed = v.verdict {
                    let case = casebook.case_of(child.id);
                    let cause = case.map(|c| c.cause.zh().to_string()).unwrap_or_default();
                    r.confirmed_dropouts.push(ReportEntry {
                        suspect: Some(Box::new(s.clone())),
                        case: case.cloned().map(Box::new),
                        ..entry(child, s.id, v.date, cause)
                    });
                }
            }
        }
        for case in casebook.cases() {
            let Some(child) = at_school(case.child_id) else {
                continue;
            };
            if let Some(cl) = case.closure.as_ref().filter(|cl| within(cl.date)) {
                let e = ReportEntry {
                    case: Some(Box::new(case.clone())),
                    ..entry(child, case.id, cl.date, cl.outcome.zh())
                };
                if matches!(cl.outcome, ClosureOutcome::Returned { .. }) {
                    r.returns.push(e.clone());
                }
                r.closures.push(e);
            }
        }
        for list in [
            &mut r.new_suspects,
            &mut r.confirmed_dropouts,
            &mut r.returns,
            &mut r.closures,
        ] {
            list.sort_by_cached_key(|e| (e.date, crate::rules::name_order::name_key(&e.name)));
        }
        let nothing = r.entries().next().is_none();
        r.zero_report = nothing;
        Some(r)
    }

    /// Every listed entry with its list.
    pub fn entries(&self) -> impl Iterator<Item = (EntryList, &ReportEntry)> {
        self.new_suspects
            .iter()
            .map(|e| (EntryList::NewSuspects, e))
            .chain(
                self.confirmed_dropouts
                    .iter()
                    .map(|e| (EntryList::ConfirmedDropouts, e)),
            )
            .chain(self.returns.iter().map(|e| (EntryList::Returns, e)))
            .chain(self.closures.iter().map(|e| (EntryList::Closures, e)))
    }

    /// Children counted, in all (never wrapping, whatever a file says).
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|c| u64::from(c.count)).sum()
    }

    /// Figures no school can have, each with where it is: the whole report is refused.
    fn implausible(&self) -> Option<String> {
        for (i, c) in self.counts.iter().enumerate() {
            if c.count > MAX_PUPILS_PER_ROW {
                return Some(format!(
                    "payload.counts[{i}].count为{}：一所学校一个年级、性别、状态不可能有这么多学生（最多{MAX_PUPILS_PER_ROW}人）",
                    c.count
                ));
            }
            if !(1..=9).contains(&c.grade) {
                return Some(format!(
                    "payload.counts[{i}].grade为{}：年级应在1到9之间",
                    c.grade
                ));
            }
        }
        if self.total() > u64::from(MAX_PUPILS) {
            return Some(format!(
                "payload.counts合计{}人：一所学校不可能有这么多学生（最多{MAX_PUPILS}人）",
                self.total()
            ));
        }
        if let Some(f) = &self.figures {
            let rows = [
                ("start", &f.start),
                ("entered", &f.entered),
                ("transferred_in", &f.transferred_in),
                ("transferred_out", &f.transferred_out),
                ("graduated", &f.graduated),
                ("died", &f.died),
                ("dropped_out", &f.dropped_out),
                ("returned", &f.returned),
                ("suspended", &f.suspended),
                ("suspected", &f.suspected),
                ("end", &f.end),
            ];
            for (name, by_grade) in rows {
                if let Some(g) = by_grade.iter().position(|n| *n > MAX_PUPILS_PER_ROW) {
                    return Some(format!(
                        "payload.figures.{name}[{g}]为{}：一所学校一个年级不可能有这么多学生（最多{MAX_PUPILS_PER_ROW}人）",
                        by_grade[g]
                    ));
                }
            }
        }
        let listed = self.entries().count();
        if listed > MAX_LISTED {
            return Some(format!(
                "名单共{listed}人：一所学校一个月不可能有这么多（最多{MAX_LISTED}人）"
            ));
        }
        None
    }

    /// What is wrong with the report's rows, each with where it is; an empty list when all
    /// is well. The report as a whole is refused when its period or version is unusable.
    pub fn problems(&self) -> Result<Vec<Rejected>, Refusal> {
        let month = parse_month_period(&self.period)
            .ok_or_else(|| Refusal::BadPeriod(clip(&self.period, 30)))?;
        if self.version == 0 {
            return Err(Refusal::VersionZero);
        }
        if self.version > MAX_VERSION {
            return Err(Refusal::VersionTooHigh(self.version, MAX_VERSION));
        }
        if let Some(why) = self.implausible() {
            return Err(Refusal::Implausible(why));
        }
        let mut out = Vec::new();
        for (list, key) in [
            (&self.new_suspects, "new_suspects"),
            (&self.confirmed_dropouts, "confirmed_dropouts"),
            (&self.returns, "returns"),
            (&self.closures, "closures"),
        ] {
            for (i, e) in list.iter().enumerate() {
                let place = format!("payload.{key}[{i}]（{}）", e.name);
                if let Some(n) = &e.id_number {
                    if let Err(err) = IdNumber::parse(n) {
                        out.push(Rejected {
                            place: format!("{place}.id_number"),
                            reason: RowProblem::BadIdNumber {
                                number: clip(n, 30),
                                why: err,
                            },
                        });
                    }
                }
                if e.name.trim().is_empty() {
                    out.push(Rejected {
                        place,
                        reason: RowProblem::NoName,
                    });
                } else if e.date < month || e.date >= month + chrono::Months::new(1) {
                    out.push(Rejected {
                        place: format!("{place}.date"),
                        reason: RowProblem::DateOutsideMonth {
                            date: e.date,
                            period: self.period.clone(),
                        },
                    });
                }
            }
        }
        if self.zero_report && self.entries().next().is_some() {
            out.push(Rejected {
                place: "payload.zero_report".into(),
                reason: RowProblem::ZeroReportWithEntries,
            });
        }
        Ok(out)
    }
}

/// A row of a bundle that is not taken, with where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub place: String,
    pub reason: RowProblem,
}

/// Why one row of a report is not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    BadIdNumber {
        number: String,
        why: crate::model::id_number::IdNumberError,
    },
    NoName,
    DateOutsideMonth {
        date: NaiveDate,
        period: String,
    },
    ZeroReportWithEntries,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RowProblem::BadIdNumber { number, why } => write!(f, "身份证号“{number}”无效：{why}"),
            RowProblem::NoName => f.write_str("没有姓名"),
            RowProblem::DateOutsideMonth { date, period } => {
                write!(f, "日期{date}不在{period}月内")
            }
            RowProblem::ZeroReportWithEntries => f.write_str("标为零报告，却列有名单"),
        }
    }
}

impl crate::model::Localized for RowProblem {
    fn en(&self) -> String {
        match self {
            RowProblem::BadIdNumber { number, why } => {
                format!("the ID number “{number}” is not valid: {}", why.en())
            }
            RowProblem::NoName => "no name".into(),
            RowProblem::DateOutsideMonth { date, period } => {
                format!("the date {date} is not in the month {period}")
            }
            RowProblem::ZeroReportWithEntries => {
                "marked as a zero report, yet it lists children".into()
            }
        }
    }
}

/// Something to look at in a report being imported that does not stop the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanWarning {
    /// Matched to a school of the county by its name, one side having no school code.
    MatchedByName { school: String },
    /// The month's figures do not balance for a stage.
    Unbalanced {
        stage: crate::model::Stage,
        expected: i64,
        end: u32,
        difference: i64,
    },
    /// The school's previous report has not arrived: the chain has a gap.
    ChainGap,
}

impl std::fmt::Display for PlanWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanWarning::MatchedByName { school } => write!(
                f,
                "按学校名称对应到本县的“{school}”（一方没有学校标识码），请核实是同一所学校"
            ),
            PlanWarning::Unbalanced {
                stage,
                expected,
                end,
                difference,
            } => write!(
                f,
                "{}人账不符：按变动应有{expected}人，月末实有{end}人（差{difference:+}）",
                stage.zh()
            ),
            PlanWarning::ChainGap => {
                f.write_str("该校上一份月报尚未收到（报送链条有缺口），请向学校核实")
            }
        }
    }
}

impl crate::model::Localized for PlanWarning {
    fn en(&self) -> String {
        match self {
            PlanWarning::MatchedByName { school } => format!(
                "Matched by name to the county's “{school}” (one side has no school code): check it is the same school"
            ),
            PlanWarning::Unbalanced {
                stage,
                expected,
                end,
                difference,
            } => format!(
                "{}: the figures do not balance — the changes give {expected} pupils, the month ends with {end} (difference {difference:+})",
                Labelled::en(*stage)
            ),
            PlanWarning::ChainGap => {
                "The school's previous report has not arrived (a gap in the chain): check with the school".into()
            }
        }
    }
}

/// A report as the county holds it: every version is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReceivedReport {
    pub envelope: Envelope,
    pub report: MonthlyReport,
    pub received_at: NaiveDateTime,
    pub received_by: String,
    /// Row problems found at import (the rows are kept, marked).
    #[serde(default)]
    pub problems: Vec<String>,
}

labelled_enum! {
    /// The county's verdict on one entry of a school's report.
    ReviewVerdict {
        Confirmed = ("confirmed", "核实无误", "Confirmed"),
        Rejected = ("rejected", "退回", "Rejected"),
        AskAgain = ("ask-again", "请再核实", "Check again"),
    }
}

/// The county's verdict on one entry, with its comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReviewEntry {
    /// The entry's id in the report.
    pub entry_id: Uuid,
    pub list: EntryList,
    pub name: String,
    pub verdict: ReviewVerdict,
    pub comment: String,
}

/// 县级审核结果: the county's review of one school's report, sent back down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Review {
    pub school: ReportSchool,
    pub period: String,
    /// The version reviewed and the hash of its content, so the school knows which.
    pub report_version: u32,
    pub report_sha256: String,
    pub reviewed_by: String,
    pub reviewed_at: NaiveDateTime,
    pub entries: Vec<ReviewEntry>,
    /// Overall comment (e.g. why a zero report is doubted).
    pub comment: String,
    /// 县级决定: the county's suspect and case records of the school's children that differ
    /// from what the school last said, for the school's own ledgers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<ReportEntry>,
    /// 接收 or 重新开放: what the county did with the period, travelling to the school so
    /// both sides show the same state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<LockChange>,
}

/// 回执: the county accepted a version of a school's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Receipt {
    pub version: u32,
    /// The content hash of the version accepted.
    pub report_sha256: String,
    /// The content hash of the last file of the school's chain the county held when it
    /// accepted: a file the school sent later and the county never got shows as missing.
    pub chain_head: String,
    pub accepted_at: NaiveDateTime,
    pub accepted_by: String,
}

/// The county reopened an accepted period so the school may correct it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reopening {
    /// The version that was accepted.
    pub version: u32,
    pub reason: String,
    pub reopened_at: NaiveDateTime,
    pub reopened_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LockChange {
    Accepted(Receipt),
    Reopened(Reopening),
}

/// Where a school's period stands between the school and its county: 报送 → 接收 → 重新开放
/// (as DHIS2 approves and accepts data, offline: the state travels in the review files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodLock {
    NotSent,
    /// 已报送，待县级接收.
    Waiting {
        version: u32,
    },
    /// 已接收，已锁定: a correction needs the county to reopen the period.
    Accepted(Receipt),
    /// 已重新开放: the school may send a correction.
    Reopened(Reopening),
}

impl PeriodLock {
    /// The state from the latest review of the period and the latest version sent or held.
    pub fn of(review: Option<&Review>, latest: Option<u32>) -> PeriodLock {
        let waiting = || {
            latest.map_or(PeriodLock::NotSent, |version| PeriodLock::Waiting {
                version,
            })
        };
        match review.and_then(|r| r.lock.as_ref()) {
            Some(LockChange::Accepted(r)) => PeriodLock::Accepted(r.clone()),
            Some(LockChange::Reopened(r)) if latest.is_some_and(|v| v > r.version) => waiting(),
            Some(LockChange::Reopened(r)) => PeriodLock::Reopened(r.clone()),
            None => waiting(),
        }
    }

    pub fn is_accepted(&self) -> bool {
        matches!(self, PeriodLock::Accepted(_))
    }

    /// What the state means, for a clerk on either side.
    pub fn say(&self, lang: crate::model::Lang) -> String {
        use crate::model::Lang;
        let day = |t: &NaiveDateTime| t.format("%Y-%m-%d").to_string();
        match (self, lang) {
            (PeriodLock::NotSent, Lang::Zh) => "尚未报送".into(),
            (PeriodLock::NotSent, Lang::En) => "Not sent yet".into(),
            (PeriodLock::Waiting { version }, Lang::Zh) => {
                format!("已报送第{version}版，等待县级接收；接收前可报送更正版")
            }
            (PeriodLock::Waiting { version }, Lang::En) => format!(
                "Version {version} sent, waiting for the county to accept it; a correction may be sent until then"
            ),
            (PeriodLock::Accepted(r), Lang::Zh) => format!(
                "县级已于{}接收第{}版（{}），本期已锁定；如需更正，须由县级重新开放",
                day(&r.accepted_at),
                r.version,
                r.accepted_by
            ),
            (PeriodLock::Accepted(r), Lang::En) => format!(
                "The county accepted version {} on {} ({}): the period is locked; a correction needs the county to reopen it",
                r.version,
                day(&r.accepted_at),
                r.accepted_by
            ),
            (PeriodLock::Reopened(r), Lang::Zh) => format!(
                "县级已于{}重新开放本期（原因：{}），可报送更正版",
                day(&r.reopened_at),
                r.reason
            ),
            (PeriodLock::Reopened(r), Lang::En) => format!(
                "The county reopened the period on {} (reason: {}): a correction may be sent",
                day(&r.reopened_at),
                r.reason
            ),
        }
    }
}

impl Review {
    /// Whether the school can act on this review: a 退回 or 请再核实 says why.
    pub fn check(&self) -> Result<(), Refusal> {
        let silent: Vec<String> = self
            .entries
            .iter()
            .filter(|e| e.verdict != ReviewVerdict::Confirmed && e.comment.trim().is_empty())
            .map(|e| e.name.clone())
            .collect();
        if silent.is_empty() {
            Ok(())
        } else {
            Err(Refusal::SilentVerdicts(silent))
        }
    }

    pub fn verdict_of(&self, list: EntryList, entry_id: Uuid) -> Option<&ReviewEntry> {
        self.entries
            .iter()
            .find(|e| e.list == list && e.entry_id == entry_id)
    }
}

/// What importing a report would do with the versions already held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportOutcome {
    /// The first report of this school and period.
    New,
    /// A correction: a higher version that supersedes the one held (which is kept).
    Correction { held: u32 },
    /// This very file was imported before: nothing changes.
    AlreadyImported,
    /// A lower version than the one held: ignored.
    Older { held: u32 },
    /// The same version number with different content: a person must choose.
    Conflict { held_sha256: String },
}

impl std::fmt::Display for ReportOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportOutcome::New => f.write_str("新报告"),
            ReportOutcome::Correction { held } => {
                write!(f, "更正版，替代第{held}版（原版本保留）")
            }
            ReportOutcome::AlreadyImported => f.write_str("已导入过，没有变化"),
            ReportOutcome::Older { held } => write!(f, "比已收到的第{held}版旧，忽略"),
            ReportOutcome::Conflict { .. } => {
                f.write_str("与已收到的同一版本内容不同，请学校报送更正版")
            }
        }
    }
}

impl crate::model::Localized for ReportOutcome {
    fn en(&self) -> String {
        match self {
            ReportOutcome::New => "New report".into(),
            ReportOutcome::Correction { held } => {
                format!("Correction, replaces version {held} (which is kept)")
            }
            ReportOutcome::AlreadyImported => "Imported before; nothing changes".into(),
            ReportOutcome::Older { held } => {
                format!("Older than version {held} already received; ignored")
            }
            ReportOutcome::Conflict { .. } => {
                "Differs from the same version already received; the school must send a correction"
                    .into()
            }
        }
    }
}

/// One entry that differs from the version held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryChange {
    Added(EntryList, ReportEntry),
    Updated(EntryList, ReportEntry, ReportEntry),
    Removed(EntryList, ReportEntry),
}

/// An entry the county has already reviewed that the correction changes: someone chooses
/// whether the verdict stands or the entry is reviewed again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewConflict {
    pub list: EntryList,
    pub entry: ReportEntry,
    pub verdict: ReviewEntry,
}

/// The dry run of an import: what would change, nothing written yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    pub outcome: ReportOutcome,
    pub school: ReportSchool,
    pub period: String,
    pub version: u32,
    pub zero_report: bool,
    pub changes: Vec<EntryChange>,
    pub rejected: Vec<Rejected>,
    pub conflicts: Vec<ReviewConflict>,
    /// Things to look at that do not stop the import (a gap in the chain, an imbalance).
    pub warnings: Vec<PlanWarning>,
}

impl ImportPlan {
    /// Whether applying it changes anything.
    pub fn changes_anything(&self) -> bool {
        matches!(
            self.outcome,
            ReportOutcome::New | ReportOutcome::Correction { .. }
        )
    }
}

/// The highest version held of a school's report for a period.
pub fn current_report<'a>(
    reports: &'a [ReceivedReport],
    school: Uuid,
    period: &str,
) -> Option<&'a ReceivedReport> {
    reports
        .iter()
        .filter(|r| r.report.school.id == school && r.report.period == period)
        .max_by_key(|r| r.report.version)
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
