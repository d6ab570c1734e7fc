//! 收发文: each step of the reporting chain — a school sends its 月报 and takes the county's
//! review, a county imports reports, reviews and withdraws them, a prefecture or province
//! imports roll-ups and writes its own — as one function that checks its input and returns a
//! [`Filing`] (what to store, with its audit entries) and the file to save. The caller stores
//! the filing in one transaction, then applies it in memory, as casework's `ChangeSet`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::holdings::{Inbox, Outbox, ReceivedRollUp, SentReport, UpperKey};
use super::landing::{land_into, Exchanged, LandIn, Landing};
use super::report::{
    ImportPlan, LockChange, MonthlyReport, PeriodLock, Receipt, ReceivedReport, Reopening,
    ReportOutcome, Review, MONTHLY_KIND, REVIEW_KIND,
};
use super::rollup::{
    CountyRecords, Evaluation, PseudonymKey, RollUp, EVALUATION_KIND, ROLLUP_KIND,
};
use super::{
    check_passphrase, check_public_key, encrypt_report, encrypt_to, read_payload, write_bundle,
    BundleError, Envelope, OfficeKey, Refusal, UnitRef,
};
use crate::casework::Actor;
use crate::indicators::Targets;
use crate::model::{AuditAction, AuditEntry, Installation, Level, Localized, School};

/// One exchange record as it is kept.
// A handful per step, each a whole report or review: boxing them would only add allocations.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum ExchangeRecord {
    /// A school's report as the county received it (every version kept).
    ReportIn(ReceivedReport),
    /// The county's review of a school's report.
    Review(Review),
    /// A report this school sent.
    ReportOut(SentReport),
    /// A review this school got back.
    ReviewIn(Review),
    /// A roll-up from the level below.
    RollUpIn(ReceivedRollUp),
    /// The county's secret for the pseudonyms of its roll-ups.
    PseudonymKey(PseudonymKey),
    /// This office's own key pair.
    OfficeKey(OfficeKey),
    /// The public key of the office this one reports to.
    UpperKey(UpperKey),
}

/// What one exchange step writes, in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filing {
    pub records: Vec<ExchangeRecord>,
    /// A received report taken back (撤回).
    pub withdrawn: Option<ReceivedReport>,
    pub audit: Vec<AuditEntry>,
}

impl Filing {
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.withdrawn.is_none()
    }

    /// Applies what was stored to the records in memory.
    pub fn apply(&self, inbox: &mut Inbox, outbox: &mut Outbox) {
        if let Some(w) = &self.withdrawn {
            inbox.withdraw(w.report.school.id, &w.report.period, w.report.version);
        }
        for record in &self.records {
            match record.clone() {
                ExchangeRecord::ReportIn(r) => {
                    inbox.reports.retain(|h| {
                        !(h.report.school.id == r.report.school.id
                            && h.report.period == r.report.period
                            && h.report.version == r.report.version)
                    });
                    inbox.reports.push(r);
                }
                ExchangeRecord::Review(r) => inbox.set_review(r),
                ExchangeRecord::ReportOut(s) => {
                    outbox
                        .sent
                        .retain(|h| !(h.period == s.period && h.version == s.version));
                    outbox.sent.push(s);
                }
                ExchangeRecord::ReviewIn(r) => {
                    if !outbox.reviews.contains(&r) {
                        outbox.reviews.push(r);
                    }
                }
                ExchangeRecord::RollUpIn(r) => {
                    inbox.rollups.retain(|h| {
                        !(h.rollup.unit.code == r.rollup.unit.code
                            && h.rollup.period == r.rollup.period
                            && h.rollup.version == r.rollup.version)
                    });
                    inbox.rollups.push(r);
                }
                ExchangeRecord::PseudonymKey(k) => inbox.pseudonym_key = Some(k),
                ExchangeRecord::OfficeKey(k) => inbox.office_key = Some(k),
                ExchangeRecord::UpperKey(k) => outbox.upper_key = Some(k),
            }
        }
    }
}

/// A file to save, named for the person who carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Why an exchange step cannot be done, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilingError {
    /// The report or review fails one of its own rules (the message says which).
    #[error("{0}")]
    Refused(Refusal),
    #[error("月报含学生姓名和身份证号，须加密，口令另行告知县级：{0}")]
    ReportPassphrase(BundleError),
    #[error("审核结果含学生姓名，须加密：{0}")]
    ReviewPassphrase(BundleError),
    #[error("本校所属的县没有设置")]
    NoCounty,
    #[error("本月还没有收到任何汇总")]
    NoRollUps,
    #[error("{0}")]
    Bundle(#[from] BundleError),
}

impl Localized for FilingError {
    fn en(&self) -> String {
        match self {
            FilingError::Refused(why) => why.en(),
            FilingError::ReportPassphrase(e) => format!(
                "The monthly report holds pupils' names and ID numbers and must be encrypted; tell the county the passphrase separately: {}",
                e.en()
            ),
            FilingError::ReviewPassphrase(e) => format!(
                "The review holds pupils' names and must be encrypted: {}",
                e.en()
            ),
            FilingError::NoCounty => "This school's county is not set".into(),
            FilingError::NoRollUps => "No roll-up has been received for this month yet".into(),
            FilingError::Bundle(e) => e.en(),
        }
    }
}

fn entry(actor: &Actor, action: AuditAction, subject: String, summary: String) -> AuditEntry {
    AuditEntry {
        at: actor.now,
        operator: actor.name.to_string(),
        action,
        subject,
        summary,
        changes: Vec::new(),
        lines: Vec::new(),
    }
}

/// A bundle as a file: encrypted (`.baoxue`) when a passphrase is given, else `.json`.
fn sealed(text: String, passphrase: &str, stem: &str) -> Result<OutgoingFile, BundleError> {
    if passphrase.is_empty() {
        return Ok(OutgoingFile {
            name: format!("{stem}.json"),
            bytes: text.into_bytes(),
        });
    }
    Ok(OutgoingFile {
        name: format!("{stem}.baoxue"),
        bytes: encrypt_report(text.as_bytes(), passphrase)?,
    })
}

/// How a file with children's names is sealed for the office that receives it.
#[derive(Clone, Copy)]
pub enum Seal<'a> {
    /// With a passphrase told to the receiver separately: for an office with no key yet.
    Passphrase(&'a str),
    /// To the receiver's public key, and to the sender's own so that it can read its copy.
    ToOffice {
        receiver: &'a str,
        own: &'a OfficeKey,
    },
}

impl Seal<'_> {
    fn check(&self) -> Result<(), BundleError> {
        match self {
            Seal::Passphrase(p) => check_passphrase(p),
            Seal::ToOffice { receiver, .. } => check_public_key(receiver),
        }
    }

    /// The sender's public key, for the envelope.
    fn own_key(&self) -> Option<String> {
        match self {
            Seal::Passphrase(_) => None,
            Seal::ToOffice { own, .. } => Some(own.public.clone()),
        }
    }

    fn file(&self, text: String, stem: &str) -> Result<OutgoingFile, BundleError> {
        match self {
            Seal::Passphrase(p) => sealed(text, p, stem),
            Seal::ToOffice { receiver, own } => Ok(OutgoingFile {
                name: format!("{stem}.baoxue"),
                bytes: encrypt_to(text.as_bytes(), &[receiver, &own.public])?,
            }),
        }
    }
}

/// 本单位密钥: a new key pair for this office, to file.
pub fn new_office_key(key: OfficeKey, actor: Actor) -> Filing {
    let audit = entry(
        &actor,
        AuditAction::Create,
        "office-key".into(),
        format!("生成本单位密钥（公钥 {}）", key.public),
    );
    Filing {
        records: vec![ExchangeRecord::OfficeKey(key)],
        withdrawn: None,
        audit: vec![audit],
    }
}

/// 上级单位公钥: the key this office's reports will be sealed to.
pub fn set_upper_key(key: UpperKey, actor: Actor) -> Result<Filing, FilingError> {
    check_public_key(&key.public)?;
    let audit = entry(
        &actor,
        AuditAction::Update,
        "upper-key".into(),
        format!("设置{}的公钥（{}）：{}", key.unit, key.source, key.public),
    );
    Ok(Filing {
        records: vec![ExchangeRecord::UpperKey(key)],
        withdrawn: None,
        audit: vec![audit],
    })
}

/// 报送月报: a school seals this month's report to its county. The report is locked once
/// sent; it chains to the last report sent.
pub fn send_report(
    report: &MonthlyReport,
    installation: &Installation,
    school: &School,
    outbox: &Outbox,
    seal: Seal,
    actor: Actor,
) -> Result<(Filing, OutgoingFile), FilingError> {
    report.check_signed().map_err(FilingError::Refused)?;
    if let PeriodLock::Accepted(r) = outbox.lock(&report.period) {
        return Err(FilingError::Refused(Refusal::PeriodAccepted {
            period: report.period.clone(),
            version: r.version,
        }));
    }
    seal.check().map_err(FilingError::ReportPassphrase)?;
    let county = UnitRef::county_of(installation).ok_or(FilingError::NoCounty)?;
    let mut env = Envelope::new(
        MONTHLY_KIND,
        UnitRef::school(school),
        Some(county),
        Some(report.period.clone()),
        actor.now,
        actor.name,
        outbox.chain_head().map(str::to_string),
    );
    env.from_key = seal.own_key();
    let text = write_bundle(env, report)?;
    let (written, _) = read_payload::<MonthlyReport>(&text, MONTHLY_KIND)?;
    let stem = format!(
        "{}_{}月报_第{}版",
        school.name, report.period, report.version
    );
    let file = seal.file(text, &stem)?;
    let sent = SentReport {
        period: report.period.clone(),
        version: report.version,
        content_sha256: written.content_sha256,
        sent_at: actor.now,
        sent_by: actor.name.to_string(),
        report: report.clone(),
    };
    let audit = entry(
        &actor,
        AuditAction::Import,
        format!("report/{}", sent.period),
        format!(
            "报送{}月报第{}版{}",
            sent.period,
            sent.version,
            if report.zero_report {
                "（零报告）"
            } else {
                ""
            }
        ),
    );
    Ok((
        Filing {
            records: vec![ExchangeRecord::ReportOut(sent)],
            withdrawn: None,
            audit: vec![audit],
        },
        file,
    ))
}

/// 收到县级审核结果: a school takes the county's review of one of its reports. `None` when
/// the same review is already held.
pub fn receive_review(
    outbox: &Outbox,
    own: &School,
    review: Review,
    actor: Actor,
) -> Result<Option<Filing>, FilingError> {
    let mut after = outbox.clone();
    if !after
        .receive_review(own, review.clone())
        .map_err(FilingError::Refused)?
    {
        return Ok(None);
    }
    let audit = entry(
        &actor,
        AuditAction::Import,
        format!("report/{}", review.period),
        format!("收到{}月报县级审核结果", review.period),
    );
    Ok(Some(Filing {
        records: vec![ExchangeRecord::ReviewIn(review)],
        withdrawn: None,
        audit: vec![audit],
    }))
}

/// One report file read and planned, ready to apply.
#[derive(Debug, Clone)]
pub struct StagedReport {
    pub plan: ImportPlan,
    pub envelope: Envelope,
    pub report: MonthlyReport,
}

/// 导入月报: applies the planned reports a person confirmed, in order (a file and its
/// correction in one batch both land). `keep_verdicts` says, per conflicting entry, whether
/// the county's verdict stands.
pub fn apply_reports<'a>(
    inbox: &Inbox,
    staged: impl IntoIterator<Item = &'a StagedReport>,
    keep_verdicts: &BTreeMap<Uuid, bool>,
    actor: Actor,
) -> Filing {
    file_reports(
        inbox,
        staged.into_iter().map(|s| ("", s)),
        keep_verdicts,
        actor,
        |_, _, _| {},
    )
}

/// 导入月报 and 纳入相应台账 at once: what to file, and what the reports (each with the
/// name of its file) change in the county's ledgers — stored together in one transaction.
pub fn import_reports<'a>(
    inbox: &Inbox,
    staged: impl IntoIterator<Item = (&'a str, &'a StagedReport)>,
    keep_verdicts: &BTreeMap<Uuid, bool>,
    into: LandIn<'_>,
    actor: Actor,
) -> (Filing, Landing) {
    let mut landing = Landing::default();
    let filing = file_reports(inbox, staged, keep_verdicts, actor, |file, s, before| {
        let school_id = s.plan.school.id;
        land_into(
            &mut landing,
            &s.report,
            s.envelope.created_at,
            school_id,
            file,
            &Exchanged::at_county(before, school_id),
            into,
            &actor,
        )
    });
    (filing, landing)
}

/// Files the reports that change anything, calling `land` with each (and the reports held
/// before it) just before it is filed.
fn file_reports<'a>(
    inbox: &Inbox,
    staged: impl IntoIterator<Item = (&'a str, &'a StagedReport)>,
    keep_verdicts: &BTreeMap<Uuid, bool>,
    actor: Actor,
    mut land: impl FnMut(&str, &StagedReport, &Inbox),
) -> Filing {
    let mut after = inbox.clone();
    let mut filing = Filing::default();
    for (file, s) in staged {
        let (plan, report) = (&s.plan, &s.report);
        if !plan.changes_anything() {
            continue;
        }
        land(file, s, &after);
        after.apply(
            plan,
            s.envelope.clone(),
            report.clone(),
            actor.now,
            actor.name,
            keep_verdicts,
        );
        if let Some(r) = after.current(plan.school.id, &report.period) {
            filing.records.push(ExchangeRecord::ReportIn(r.clone()));
        }
        if let Some(rv) = after.review(plan.school.id, &report.period) {
            filing.records.push(ExchangeRecord::Review(rv.clone()));
        }
        filing.audit.push(entry(
            &actor,
            AuditAction::Import,
            format!("report/{}/{}", plan.school.id, report.period),
            format!(
                "导入{}{}月报第{}版（{}）",
                report.school.name, report.period, report.version, plan.outcome
            ),
        ));
    }
    filing
}

/// 审核: the county saves its review of a school's report and seals it for the school. A
/// review of an accepted period keeps its receipt: only reopening unlocks it.
pub fn save_review(
    mut review: Review,
    inbox: &Inbox,
    county: UnitRef,
    school: &School,
    seal: Seal,
    actor: Actor,
) -> Result<(Filing, OutgoingFile), FilingError> {
    if review.lock.is_none() {
        review.lock = inbox
            .review(review.school.id, &review.period)
            .and_then(|r| r.lock.clone())
            .filter(|l| matches!(l, LockChange::Accepted(_)));
    }
    let summary = format!(
        "审核{}{}月报第{}版",
        review.school.name, review.period, review.report_version
    );
    seal_review(review, county, school, seal, actor, summary)
}

/// 接收: the county accepts the latest version of a school's report. The review going back
/// carries the receipt (the version, and the last file of the school's chain the county
/// holds), and the period is locked at both ends until the county reopens it.
pub fn accept_report(
    mut review: Review,
    inbox: &Inbox,
    county: UnitRef,
    school: &School,
    seal: Seal,
    actor: Actor,
) -> Result<(Filing, OutgoingFile), FilingError> {
    let held = inbox
        .current(review.school.id, &review.period)
        .ok_or_else(|| {
            FilingError::Refused(Refusal::ReviewOfUnsent {
                period: review.period.clone(),
                version: review.report_version,
            })
        })?;
    if held.report.version != review.report_version {
        return Err(FilingError::Refused(Refusal::AcceptNotLatest {
            version: review.report_version,
            held: held.report.version,
        }));
    }
    let chain_head = inbox
        .chain_head(review.school.id)
        .unwrap_or(&held.envelope.content_sha256)
        .to_string();
    review.lock = Some(LockChange::Accepted(Receipt {
        version: held.report.version,
        report_sha256: held.envelope.content_sha256.clone(),
        chain_head,
        accepted_at: actor.now,
        accepted_by: actor.name.to_string(),
    }));
    let summary = format!(
        "接收{}{}月报第{}版，本期锁定",
        review.school.name, review.period, review.report_version
    );
    seal_review(review, county, school, seal, actor, summary)
}

/// 重新开放: the county unlocks an accepted period so the school may send a correction; the
/// reason travels with the review and stays in the audit.
pub fn reopen_period(
    inbox: &Inbox,
    period: &str,
    reason: &str,
    county: UnitRef,
    school: &School,
    seal: Seal,
    actor: Actor,
) -> Result<(Filing, OutgoingFile), FilingError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(FilingError::Refused(Refusal::ReopenWithoutReason));
    }
    let (mut review, version) = match inbox.review(school.id, period) {
        Some(r) => match &r.lock {
            Some(LockChange::Accepted(receipt)) => (r.clone(), receipt.version),
            _ => return Err(FilingError::Refused(Refusal::ReopenNotAccepted)),
        },
        None => return Err(FilingError::Refused(Refusal::ReopenNotAccepted)),
    };
    review.lock = Some(LockChange::Reopened(Reopening {
        version,
        reason: reason.to_string(),
        reopened_at: actor.now,
        reopened_by: actor.name.to_string(),
    }));
    review.reviewed_at = actor.now;
    let summary = format!(
        "重新开放{}{}月报（已接收第{version}版），原因：{reason}",
        review.school.name, review.period
    );
    seal_review(review, county, school, seal, actor, summary)
}

fn seal_review(
    review: Review,
    county: UnitRef,
    school: &School,
    seal: Seal,
    actor: Actor,
    summary: String,
) -> Result<(Filing, OutgoingFile), FilingError> {
    review.check().map_err(FilingError::Refused)?;
    seal.check().map_err(FilingError::ReviewPassphrase)?;
    let mut env = Envelope::new(
        REVIEW_KIND,
        county,
        Some(UnitRef::school(school)),
        Some(review.period.clone()),
        review.reviewed_at,
        actor.name,
        None,
    );
    env.from_key = seal.own_key();
    let text = write_bundle(env, &review)?;
    let file = seal.file(
        text,
        &format!("{}_{}月报审核结果", school.name, review.period),
    )?;
    let audit = entry(
        &actor,
        AuditAction::Import,
        format!("report/{}/{}", review.school.id, review.period),
        summary,
    );
    Ok((
        Filing {
            records: vec![ExchangeRecord::Review(review)],
            withdrawn: None,
            audit: vec![audit],
        },
        file,
    ))
}

/// 撤回: the county takes back a version it imported by mistake; the audit keeps it.
pub fn withdraw_report(held: &ReceivedReport, actor: Actor) -> Filing {
    let r = &held.report;
    let audit = entry(
        &actor,
        AuditAction::Delete,
        format!("report/{}/{}", r.school.id, r.period),
        format!(
            "撤回{}{}月报第{}版（{}收到）",
            r.school.name,
            r.period,
            r.version,
            held.received_at.format("%Y-%m-%d %H:%M")
        ),
    );
    Filing {
        records: Vec::new(),
        withdrawn: Some(held.clone()),
        audit: vec![audit],
    }
}

/// The county's pseudonym key, made from 32 random bytes on first use.
pub fn new_pseudonym_key(bytes: [u8; 32], actor: Actor) -> (PseudonymKey, Filing) {
    let key = PseudonymKey::from_bytes(bytes);
    let audit = entry(
        &actor,
        AuditAction::Import,
        "installation".into(),
        "生成汇总化名密钥（只保存在本机和备份中）".into(),
    );
    let filing = Filing {
        records: vec![ExchangeRecord::PseudonymKey(key.clone())],
        withdrawn: None,
        audit: vec![audit],
    };
    (key, filing)
}

/// 报市州汇总: the county's month as a file for its prefecture (no names, dropouts under
/// pseudonyms). The same function `baoxue merge` calls.
pub fn county_rollup(
    records: &CountyRecords,
    period: &str,
    key: &PseudonymKey,
    today: NaiveDate,
    actor: Actor,
) -> Result<(RollUp, OutgoingFile), FilingError> {
    let rollup = records.rollup(period, key, today);
    let env = records.envelope(&rollup, actor.now, actor.name);
    let text = write_bundle(env, &rollup)?;
    let name = format!(
        "{}_{}控辍保学汇总.json",
        records.installation.short_name(),
        rollup.period
    );
    Ok((
        rollup,
        OutgoingFile {
            name,
            bytes: text.into_bytes(),
        },
    ))
}

/// One roll-up file read and checked, ready to apply.
#[derive(Debug, Clone)]
pub struct StagedRollUp {
    pub outcome: ReportOutcome,
    pub envelope: Envelope,
    pub rollup: RollUp,
}

/// 导入汇总: the roll-ups of the level below that are new or a correction.
pub fn apply_rollups<'a>(
    staged: impl IntoIterator<Item = &'a StagedRollUp>,
    actor: Actor,
) -> Filing {
    let mut filing = Filing::default();
    for s in staged {
        if !matches!(
            s.outcome,
            ReportOutcome::New | ReportOutcome::Correction { .. }
        ) {
            continue;
        }
        let r = &s.rollup;
        filing.audit.push(entry(
            &actor,
            AuditAction::Import,
            format!("rollup/{}/{}", r.unit.code, r.period),
            format!(
                "导入{}{}汇总第{}版（{}）",
                r.unit.name, r.period, r.version, s.outcome
            ),
        ));
        filing
            .records
            .push(ExchangeRecord::RollUpIn(ReceivedRollUp {
                envelope: s.envelope.clone(),
                rollup: r.clone(),
                received_at: actor.now,
                received_by: actor.name.to_string(),
            }));
    }
    filing
}

/// A prefecture's roll-up of its counties for the province (a province sends none up).
pub fn upper_rollup(
    installation: &Installation,
    period: &str,
    parts: &[&RollUp],
    actor: Actor,
) -> Result<OutgoingFile, FilingError> {
    let me = UnitRef::of(installation);
    let rollup = RollUp::of_parts(me.clone(), period, parts).map_err(FilingError::Refused)?;
    let up = if installation.level == Level::Province {
        None
    } else {
        installation.divisions.first().map(|d| UnitRef {
            level: "province".into(),
            code: d.code.clone(),
            name: d.name.clone(),
        })
    };
    let env = Envelope::new(
        ROLLUP_KIND,
        me,
        up,
        Some(period.to_string()),
        actor.now,
        actor.name,
        None,
    );
    let text = write_bundle(env, &rollup)?;
    Ok(OutgoingFile {
        name: format!("{}_{}控辍保学汇总.json", installation.short_name(), period),
        bytes: text.into_bytes(),
    })
}

/// 学年评估: the province's evaluation of the units below against its targets, for the
/// school year of `today`.
pub fn evaluation(
    installation: &Installation,
    today: NaiveDate,
    parts: &[&RollUp],
    targets: &Targets,
    actor: Actor,
) -> Result<(Evaluation, OutgoingFile), FilingError> {
    if parts.is_empty() {
        return Err(FilingError::NoRollUps);
    }
    let me = UnitRef::of(installation);
    let year = crate::rules::school_age::school_year_of(today);
    let eval = Evaluation::of(
        me.clone(),
        &format!("{year}-{}", year + 1),
        today,
        parts,
        targets,
    );
    let env = Envelope::new(
        EVALUATION_KIND,
        me,
        None,
        Some(eval.school_year.clone()),
        actor.now,
        actor.name,
        None,
    );
    let text = write_bundle(env, &eval)?;
    let name = format!("{}学年控辍保学评估.json", eval.school_year);
    Ok((
        eval,
        OutgoingFile {
            name,
            bytes: text.into_bytes(),
        },
    ))
}

#[cfg(test)]
#[path = "filing_tests.rs"]
mod tests;
