//! The daily work of 控辍保学: absences make suspects, suspects are verified, confirmed
//! dropouts get a case (一人一案) with persuasion and legal steps until it is closed (销号),
//! returned children are watched, and a child who drops out again reopens the case.
//!
//! [`Casebook`] holds these records in memory. Every operation checks the rules and returns
//! a [`ChangeSet`] — everything to write in one transaction, audit entries included — and
//! changes nothing itself; [`Casebook::apply`] takes the set in once it is stored.

pub mod attendance;
pub mod model;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

pub use model::*;

use crate::ledger::Ledger;
use crate::model::{AuditAction, AuditEntry, Child, FieldChange, Labelled, SpecialGroup, Status};
use crate::rules::school_age::school_year_of;

/// Everything one operation changes, to be written in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeSet {
    pub children: Vec<Child>,
    /// Schools added (a 学籍 import naming schools the county did not have).
    pub schools: Vec<crate::model::School>,
    pub suspects: Vec<Suspect>,
    pub cases: Vec<DropoutCase>,
    pub transfers: Vec<Transfer>,
    pub plans: Vec<HomeTeachingPlan>,
    pub absences: Vec<Absence>,
    /// Keys of absences taken back (a child marked present after all).
    pub removed_absences: Vec<String>,
    /// Cross-check decisions (四查三比对).
    pub decisions: Vec<crate::model::crosscheck::CrossCheckDecision>,
    /// The children a 学籍 import left to decide for, when the operation changes that list.
    pub roll_follow_up: Option<crate::model::RollFollowUp>,
    pub audit: Vec<AuditEntry>,
}

impl ChangeSet {
    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
            && self.schools.is_empty()
            && self.suspects.is_empty()
            && self.cases.is_empty()
            && self.transfers.is_empty()
            && self.plans.is_empty()
            && self.absences.is_empty()
            && self.removed_absences.is_empty()
            && self.decisions.is_empty()
            && self.roll_follow_up.is_none()
    }
}

crate::model::labelled_enum! {
    /// A field of a casework form that must be filled in.
    CaseField {
        Persuaders = ("persuaders", "劝返人员", "Who persuaded"),
        GuardianView = ("guardian-view", "监护人意见", "Guardian's view"),
        Implementer = ("implementer", "实施单位/人员", "Carried out by"),
        VocationalSchool = ("vocational-school", "中职学校", "Vocational school"),
        ClosureKind = ("closure-kind", "销号情形", "How the case closes"),
        SchoolTo = ("school-to", "转入学校", "School transferred to"),
        Teacher = ("teacher", "送教教师", "Visiting teacher"),
        Content = ("content", "送教内容", "What was taught"),
        Hours = ("hours", "课时（0–12小时）", "Hours (0–12)"),
    }
}

/// What the rules refuse, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseworkError {
    #[error("找不到这名儿童")]
    NoChild,
    #[error("找不到这条记录")]
    NotFound,
    #[error("{name}已在疑似辍学台账中，尚未核查")]
    AlreadySuspect { name: String },
    #[error("{name}当前为“{}”，不能标记为疑似辍学", .status.zh())]
    CannotFlag { name: String, status: Status },
    #[error("请填写标记原因")]
    NoReason,
    #[error("这条疑似辍学记录已于{0}核查")]
    AlreadyVerified(NaiveDate),
    #[error("请至少选择一种核查方式")]
    NoMethod,
    #[error("请填写核查依据（证明材料）")]
    NoEvidence,
    #[error("“在外地就读”须写明就读学校")]
    NoSchoolNamed,
    #[error("确认辍学须建立一人一案：至少两名包保责任人（已填{0}名），并写明姓名")]
    TooFewResponsible(usize),
    #[error("劝返时限{deadline}早于辍学时间{left_on}")]
    DeadlineBeforeLeaving {
        deadline: NaiveDate,
        left_on: NaiveDate,
    },
    #[error("日期{0}晚于今天")]
    FutureDate(NaiveDate),
    #[error("该案已销号，不能再添加记录")]
    CaseClosed,
    #[error("该案尚未销号")]
    CaseOpen,
    #[error("请填写“{}”", .0.zh())]
    Missing(CaseField),
    #[error("法律程序须依次进行：在“{}”之前须先有“{}”", .step.zh(), .needs.zh())]
    LadderOrder {
        step: LegalStepKind,
        needs: LegalStepKind,
    },
    #[error("法律程序日期{date}早于上一步的{previous}")]
    LadderDate {
        date: NaiveDate,
        previous: NaiveDate,
    },
    #[error("送教上门只适用于残疾儿童；请先在儿童信息中标记残疾类别")]
    HomeTeachingNeedsDisability,
    #[error("销号后的状态不能是“{}”", .0.zh())]
    BadClosureStatus(Status),
    #[error("复学须选择学校和1–9年级")]
    BadReturn,
    #[error("送教间隔应为1–90天")]
    BadInterval,
    #[error("{0}不是教学日（周末、节假日或假期，见“设置”中的校历）")]
    NotSchoolDay(NaiveDate),
}

impl crate::model::Localized for CaseworkError {
    fn en(&self) -> String {
        use CaseworkError::*;
        match self {
            NoChild => "This child cannot be found".into(),
            NotFound => "This record cannot be found".into(),
            AlreadySuspect { name } => {
                format!("{name} is already on the suspected-dropout list, not yet verified")
            }
            CannotFlag { name, status } => format!(
                "{name} is \"{}\" and cannot be flagged as a suspected dropout",
                status.en()
            ),
            NoReason => "Please give the reason for flagging".into(),
            AlreadyVerified(d) => format!("This suspected dropout was verified on {d}"),
            NoMethod => "Please choose at least one way of verifying".into(),
            NoEvidence => "Please give the grounds of the verification (the evidence)".into(),
            NoSchoolNamed => "\"Studying elsewhere\" needs the school's name".into(),
            TooFewResponsible(n) => format!(
                "A confirmed dropout needs its own case plan with at least two named responsible persons ({n} given)"
            ),
            DeadlineBeforeLeaving { deadline, left_on } => format!(
                "The deadline for bringing the child back ({deadline}) is before the child left ({left_on})"
            ),
            FutureDate(d) => format!("The date {d} is after today"),
            CaseClosed => "This case is closed; nothing more can be added".into(),
            CaseOpen => "This case is not closed yet".into(),
            Missing(field) => format!("Please fill in \"{}\"", field.en()),
            LadderOrder { step, needs } => format!(
                "Legal steps go in order: \"{}\" needs \"{}\" first",
                step.en(),
                needs.en()
            ),
            LadderDate { date, previous } => {
                format!("The legal step's date {date} is before the previous step's {previous}")
            }
            HomeTeachingNeedsDisability => "Home teaching is only for children with a disability; mark the disability in the child's record first".into(),
            BadClosureStatus(s) => format!("A closed case cannot leave the child \"{}\"", s.en()),
            BadReturn => "A return needs a school and a grade from 1 to 9".into(),
            BadInterval => "The interval between home-teaching visits must be 1–90 days".into(),
            NotSchoolDay(d) => format!(
                "{d} is not a school day (weekend, holiday or vacation; see the calendar in Settings)"
            ),
        }
    }
}

/// The casework records of an installation, in memory.
#[derive(Debug, Clone, Default)]
pub struct Casebook {
    pub settings: CaseworkSettings,
    suspects: HashMap<Uuid, Suspect>,
    cases: HashMap<Uuid, DropoutCase>,
    transfers: HashMap<Uuid, Transfer>,
    plans: HashMap<Uuid, HomeTeachingPlan>,
    /// Recent absences by child.
    absences: HashMap<Uuid, Vec<Absence>>,
    /// Cross-check decisions by finding key.
    decisions: HashMap<String, crate::model::crosscheck::CrossCheckDecision>,
}

/// A new case's details, given when a suspect is confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub left_on: NaiveDate,
    pub cause: DropoutCause,
    pub cause_note: String,
    pub responsible: Vec<ResponsiblePerson>,
    pub deadline: NaiveDate,
    pub support: Vec<SupportMeasure>,
}

/// Who does an operation, and when.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub name: &'a str,
    pub now: NaiveDateTime,
}

impl Actor<'_> {
    pub(crate) fn today(&self) -> NaiveDate {
        self.now.date()
    }

    pub(crate) fn audit(&self, action: AuditAction, subject: Uuid, summary: String) -> AuditEntry {
        AuditEntry {
            at: self.now,
            operator: self.name.to_string(),
            action,
            subject: subject.to_string(),
            summary,
            changes: Vec::new(),
            lines: Vec::new(),
        }
    }
}

/// A child's status changed by the work itself, with the change in the audit trail.
fn with_status(child: &Child, status: Status, actor: &Actor) -> (Child, FieldChange) {
    let mut c = child.clone();
    c.status = status;
    c.updated_at = actor.now;
    let change = FieldChange {
        field: "就学状态".into(),
        before: child.status.zh().into(),
        after: status.zh().into(),
    };
    (c, change)
}

impl Casebook {
    pub fn new(
        settings: CaseworkSettings,
        suspects: Vec<Suspect>,
        cases: Vec<DropoutCase>,
        transfers: Vec<Transfer>,
        plans: Vec<HomeTeachingPlan>,
        absences: Vec<Absence>,
    ) -> Self {
        let mut book = Casebook {
            settings,
            ..Default::default()
        };
        book.apply(&ChangeSet {
            suspects,
            cases,
            transfers,
            plans,
            absences,
            ..Default::default()
        });
        book
    }

    /// The casebook with its remembered cross-check decisions.
    pub fn with_decisions(
        mut self,
        decisions: Vec<crate::model::crosscheck::CrossCheckDecision>,
    ) -> Self {
        self.apply(&ChangeSet {
            decisions,
            ..Default::default()
        });
        self
    }

    /// Takes a stored change set in.
    pub fn apply(&mut self, set: &ChangeSet) {
        for s in &set.suspects {
            self.suspects.insert(s.id, s.clone());
        }
        for c in &set.cases {
            self.cases.insert(c.id, c.clone());
        }
        for t in &set.transfers {
            self.transfers.insert(t.id, t.clone());
        }
        for p in &set.plans {
            self.plans.insert(p.child_id, p.clone());
        }
        for key in &set.removed_absences {
            for list in self.absences.values_mut() {
                list.retain(|a| &a.key() != key);
            }
        }
        for d in &set.decisions {
            self.decisions.insert(d.key.clone(), d.clone());
        }
        for a in &set.absences {
            let list = self.absences.entry(a.child_id).or_default();
            list.retain(|x| x.date != a.date);
            list.push(a.clone());
            list.sort_by_key(|x| x.date);
        }
    }

    /// Remembered cross-check decisions by finding key.
    pub fn decisions(&self) -> &HashMap<String, crate::model::crosscheck::CrossCheckDecision> {
        &self.decisions
    }

    pub fn suspects(&self) -> impl Iterator<Item = &Suspect> {
        self.suspects.values()
    }

    pub fn suspect(&self, id: Uuid) -> Option<&Suspect> {
        self.suspects.get(&id)
    }

    pub fn cases(&self) -> impl Iterator<Item = &DropoutCase> {
        self.cases.values()
    }

    pub fn case(&self, id: Uuid) -> Option<&DropoutCase> {
        self.cases.get(&id)
    }

    pub fn case_of(&self, child_id: Uuid) -> Option<&DropoutCase> {
        self.cases.values().find(|c| c.child_id == child_id)
    }

    pub fn open_suspect_of(&self, child_id: Uuid) -> Option<&Suspect> {
        self.suspects
            .values()
            .find(|s| s.child_id == child_id && s.verification.is_none())
    }

    pub fn suspects_of(&self, child_id: Uuid) -> Vec<&Suspect> {
        let mut v: Vec<_> = self
            .suspects
            .values()
            .filter(|s| s.child_id == child_id)
            .collect();
        v.sort_by_key(|s| s.flagged_on);
        v
    }

    pub fn transfers(&self) -> impl Iterator<Item = &Transfer> {
        self.transfers.values()
    }

    pub fn plan_of(&self, child_id: Uuid) -> Option<&HomeTeachingPlan> {
        self.plans.get(&child_id)
    }

    pub fn plans(&self) -> impl Iterator<Item = &HomeTeachingPlan> {
        self.plans.values()
    }

    pub fn absences_of(&self, child_id: Uuid) -> &[Absence] {
        self.absences
            .get(&child_id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn absence_on(&self, child_id: Uuid, date: NaiveDate) -> Option<&Absence> {
        self.absences_of(child_id).iter().find(|a| a.date == date)
    }

    /// Suspects flagged, confirmed and found not real (as Pingdu's 247 / 153 / 94).
    pub fn verification_counts(&self) -> VerificationCounts {
        let mut c = VerificationCounts::default();
        for s in self.suspects.values() {
            c.flagged += 1;
            match s.verification.as_ref().map(|v| &v.verdict) {
                None => c.pending += 1,
                Some(Verdict::Confirmed) => c.confirmed += 1,
                Some(Verdict::NotReal { .. }) => c.not_real += 1,
            }
        }
        c
    }

    fn flag(
        &self,
        ledger: &Ledger,
        child_id: Uuid,
        trigger: SuspectTrigger,
        actor: &Actor,
        set: &mut ChangeSet,
        id: Uuid,
    ) -> Result<(), CaseworkError> {
        let child = ledger.child(child_id).ok_or(CaseworkError::NoChild)?;
        if self.open_suspect_of(child_id).is_some()
            || set.suspects.iter().any(|s| s.child_id == child_id)
        {
            return Err(CaseworkError::AlreadySuspect {
                name: child.name.clone(),
            });
        }
        if !(child.status.counts_as_enrolled()
            || matches!(
                child.status,
                Status::Suspended | Status::Graduated | Status::StudyingElsewhere
            ))
        {
            return Err(CaseworkError::CannotFlag {
                name: child.name.clone(),
                status: child.status,
            });
        }
        let (updated, change) = with_status(child, Status::SuspectedDropout, actor);
        let mut entry = actor.audit(
            AuditAction::Update,
            child_id,
            format!("列入疑似辍学台账：{}", trigger.zh()),
        );
        entry.changes.push(change);
        set.suspects.push(Suspect {
            id,
            child_id,
            trigger,
            flagged_on: actor.today(),
            flagged_by: actor.name.to_string(),
            previous_status: child.status,
            verification: None,
        });
        set.children.push(updated);
        set.audit.push(entry);
        Ok(())
    }

    /// Flags one child by hand, with a reason.
    pub fn flag_manual(
        &self,
        ledger: &Ledger,
        child_id: Uuid,
        reason: &str,
        actor: &Actor,
        id: Uuid,
    ) -> Result<ChangeSet, CaseworkError> {
        if reason.trim().is_empty() {
            return Err(CaseworkError::NoReason);
        }
        let mut set = ChangeSet::default();
        let trigger = SuspectTrigger::Manual {
            reason: reason.trim().to_string(),
        };
        self.flag(ledger, child_id, trigger, actor, &mut set, id)?;
        Ok(set)
    }

    /// Flags several children found by a check; those that cannot be flagged are skipped and
    /// returned with the reason.
    pub fn flag_many(
        &self,
        ledger: &Ledger,
        found: Vec<(Uuid, SuspectTrigger)>,
        actor: &Actor,
        mut new_id: impl FnMut() -> Uuid,
    ) -> (ChangeSet, Vec<(Uuid, CaseworkError)>) {
        let mut set = ChangeSet::default();
        let mut skipped = Vec::new();
        for (child_id, trigger) in found {
            if let Err(e) = self.flag(ledger, child_id, trigger, actor, &mut set, new_id()) {
                skipped.push((child_id, e));
            }
        }
        (set, skipped)
    }

    /// Records one day's class register: `marks` holds every child of the class, `Some` when
    /// absent. Unexcused runs that reach the threshold, and children who did not report, go
    /// onto the suspects ledger with the absences as evidence.
    pub fn record_register(
        &self,
        ledger: &Ledger,
        date: NaiveDate,
        marks: &[(Uuid, Option<(AbsenceKind, String)>)],
        actor: &Actor,
        mut new_id: impl FnMut() -> Uuid,
    ) -> Result<ChangeSet, CaseworkError> {
        if date > actor.today() {
            return Err(CaseworkError::FutureDate(date));
        }
        if !self.settings.calendar.is_school_day(date) {
            return Err(CaseworkError::NotSchoolDay(date));
        }
        let mut set = ChangeSet::default();
        let mut absent = 0;
        for (child_id, mark) in marks {
            let existing = self.absence_on(*child_id, date);
            match mark {
                None => {
                    if let Some(a) = existing {
                        set.removed_absences.push(a.key());
                    }
                }
                Some((kind, reason)) => {
                    absent += 1;
                    let a = Absence {
                        child_id: *child_id,
                        date,
                        kind: *kind,
                        reason: reason.trim().to_string(),
                        recorded_by: actor.name.to_string(),
                    };
                    if existing != Some(&a) {
                        set.absences.push(a);
                    }
                }
            }
        }
        // Who now reaches the threshold.
        for a in set.absences.clone() {
            let Some(child) = ledger.child(a.child_id) else {
                continue;
            };
            if !child.status.counts_as_enrolled() || self.open_suspect_of(a.child_id).is_some() {
                continue;
            }
            let trigger = match a.kind {
                AbsenceKind::Excused => continue,
                AbsenceKind::NotReported => Some(SuspectTrigger::NotReported { date }),
                AbsenceKind::Unexcused => {
                    // Absences before a child's return (复学) never count towards a new run.
                    let returned_on = self
                        .case_of(a.child_id)
                        .and_then(|c| c.closure.as_ref())
                        .map(|c| c.date);
                    let mut days: Vec<NaiveDate> = self
                        .absences_of(a.child_id)
                        .iter()
                        .filter(|x| x.is_unexcused() && x.date != date)
                        .filter(|x| returned_on.is_none_or(|r| x.date >= r))
                        .map(|x| x.date)
                        .collect();
                    days.push(date);
                    let (run, first) = self.settings.calendar.unexcused_run(&days, date);
                    (run >= self.settings.absence_threshold).then_some(SuspectTrigger::Absence {
                        first_day: first,
                        last_day: date,
                        days: run,
                    })
                }
            };
            if let Some(trigger) = trigger {
                self.flag(ledger, a.child_id, trigger, actor, &mut set, new_id())?;
            }
        }
        if !set.is_empty() {
            set.audit.push(AuditEntry {
                at: actor.now,
                operator: actor.name.to_string(),
                action: AuditAction::Update,
                subject: "register".into(),
                summary: format!("记录{date}考勤：{}人，缺勤{absent}人", marks.len()),
                changes: Vec::new(),
                lines: Vec::new(),
            });
        }
        Ok(set)
    }

    /// Verifies a suspect. A confirmed dropout opens a case, or reopens the child's closed one
    /// with its history kept.
    pub fn verify(
        &self,
        ledger: &Ledger,
        suspect_id: Uuid,
        verification: Verification,
        new_case: Option<NewCase>,
        actor: &Actor,
        case_id: Uuid,
    ) -> Result<ChangeSet, CaseworkError> {
        let suspect = self
            .suspects
            .get(&suspect_id)
            .ok_or(CaseworkError::NotFound)?;
        if let Some(v) = &suspect.verification {
            return Err(CaseworkError::AlreadyVerified(v.date));
        }
        let child = ledger
            .child(suspect.child_id)
            .ok_or(CaseworkError::NoChild)?;
        if verification.methods.is_empty() {
            return Err(CaseworkError::NoMethod);
        }
        if verification.evidence.trim().is_empty() {
            return Err(CaseworkError::NoEvidence);
        }
        if verification.date > actor.today() {
            return Err(CaseworkError::FutureDate(verification.date));
        }
        let mut set = ChangeSet::default();
        let (status, summary) = match &verification.verdict {
            Verdict::Confirmed => {
                let nc = new_case.ok_or(CaseworkError::TooFewResponsible(0))?;
                let named = nc
                    .responsible
                    .iter()
                    .filter(|p| !p.name.trim().is_empty())
                    .count();
                if named < 2 || named != nc.responsible.len() {
                    return Err(CaseworkError::TooFewResponsible(named));
                }
                if nc.deadline < nc.left_on {
                    return Err(CaseworkError::DeadlineBeforeLeaving {
                        deadline: nc.deadline,
                        left_on: nc.left_on,
                    });
                }
                if nc.left_on > actor.today() {
                    return Err(CaseworkError::FutureDate(nc.left_on));
                }
                let case = match self.case_of(child.id) {
                    Some(old) if old.closure.is_some() => {
                        reopen(old, suspect_id, nc, verification.date)
                    }
                    Some(old) => {
                        return Err(CaseworkError::AlreadySuspect {
                            name: format!("{}（案件{}未销号）", child.name, old.opened_on),
                        })
                    }
                    None => DropoutCase {
                        id: case_id,
                        child_id: child.id,
                        suspect_id,
                        opened_on: verification.date,
                        left_on: nc.left_on,
                        cause: nc.cause,
                        cause_note: nc.cause_note.trim().to_string(),
                        responsible: nc.responsible,
                        deadline: nc.deadline,
                        support: nc.support,
                        attempts: Vec::new(),
                        legal_steps: Vec::new(),
                        closure: None,
                        history: Vec::new(),
                    },
                };
                let reopened = !case.history.is_empty();
                set.cases.push(case);
                (
                    Status::Dropout,
                    if reopened {
                        "核查确认辍学：再次辍学，原案重新启动".to_string()
                    } else {
                        "核查确认辍学，建立一人一案".to_string()
                    },
                )
            }
            Verdict::NotReal { reason, school } => {
                if *reason == NotRealReason::StudyingElsewhere && school.trim().is_empty() {
                    return Err(CaseworkError::NoSchoolNamed);
                }
                let status = reason.resulting_status().unwrap_or(suspect.previous_status);
                let place = if school.trim().is_empty() {
                    String::new()
                } else {
                    format!("（{}）", school.trim())
                };
                (status, format!("核查为非真实辍学：{}{place}", reason.zh()))
            }
        };
        let (updated, change) = with_status(child, status, actor);
        let mut entry = actor.audit(AuditAction::Update, child.id, summary);
        entry.changes.push(change);
        set.children.push(updated);
        set.audit.push(entry);
        set.suspects.push(Suspect {
            verification: Some(verification),
            ..suspect.clone()
        });
        Ok(set)
    }

    fn open_case(&self, case_id: Uuid) -> Result<&DropoutCase, CaseworkError> {
        let case = self.cases.get(&case_id).ok_or(CaseworkError::NotFound)?;
        if case.closure.is_some() {
            return Err(CaseworkError::CaseClosed);
        }
        Ok(case)
    }

    /// Adds a persuasion attempt (劝返记录).
    pub fn add_attempt(
        &self,
        case_id: Uuid,
        attempt: ReturnAttempt,
        actor: &Actor,
    ) -> Result<ChangeSet, CaseworkError> {
        let case = self.open_case(case_id)?;
        if attempt.persons.trim().is_empty() {
            return Err(CaseworkError::Missing(CaseField::Persuaders));
        }
        if attempt.guardian_said.trim().is_empty() {
            return Err(CaseworkError::Missing(CaseField::GuardianView));
        }
        if attempt.date > actor.today() {
            return Err(CaseworkError::FutureDate(attempt.date));
        }
        let summary = format!(
            "劝返（{}，{}）：{}",
            attempt.way.zh(),
            attempt.date,
            attempt.result.zh()
        );
        let mut case = case.clone();
        case.attempts.push(attempt);
        case.attempts.sort_by_key(|a| a.date);
        Ok(ChangeSet {
            audit: vec![actor.audit(AuditAction::Update, case.child_id, summary)],
            cases: vec![case],
            ..Default::default()
        })
    }

    /// Whether a 家访 attempt on this case would also be the ladder's first step: no step
    /// is recorded yet, so the form offers to record the visit as 家访劝返.
    pub fn offers_home_visit_step(&self, case_id: Uuid) -> bool {
        self.cases
            .get(&case_id)
            .is_some_and(|c| c.closure.is_none() && c.legal_steps.is_empty())
    }

    /// A 家访 attempt recorded also as the legal step 家访劝返 (the same visit, the same day,
    /// the persons who went as its issuer), in one change: entered once, not twice.
    pub fn add_home_visit_as_step(
        &self,
        case_id: Uuid,
        attempt: ReturnAttempt,
        actor: &Actor,
    ) -> Result<ChangeSet, CaseworkError> {
        let step = LegalStep {
            kind: LegalStepKind::HomeVisit,
            date: attempt.date,
            issuer: attempt.persons.trim().to_string(),
            note: attempt.guardian_said.trim().to_string(),
            serial: None,
            deadline: None,
            recorded_by: attempt.recorded_by.clone(),
        };
        if attempt.way != AttemptWay::HomeVisit || !self.offers_home_visit_step(case_id) {
            return self.add_attempt(case_id, attempt, actor);
        }
        let mut set = self.add_attempt(case_id, attempt, actor)?;
        let Some(case) = set.cases.first_mut() else {
            return Err(CaseworkError::NotFound);
        };
        let summary = format!("{}，{}（记劝返时一并记入）", step.kind.zh(), step.date);
        case.legal_steps.push(step);
        set.audit
            .push(actor.audit(AuditAction::Update, case.child_id, summary));
        Ok(set)
    }

    /// The next serial number of a 限期复学通知书 in the year of `date`.
    pub fn next_notice_serial(&self, date: NaiveDate) -> String {
        use chrono::Datelike;
        let year = date.year();
        let tag = format!("〔{year}〕");
        let n = self
            .cases
            .values()
            .flat_map(|c| {
                c.legal_steps
                    .iter()
                    .chain(c.history.iter().flat_map(|e| e.legal_steps.iter()))
            })
            .filter(|s| s.serial.as_deref().is_some_and(|x| x.contains(&tag)))
            .count();
        format!("{}{tag}{}号", self.settings.notice_prefix, n + 1)
    }

    /// Adds a step of the legal ladder, in order. A notice gets its serial number and the
    /// deadline from the settings.
    pub fn add_legal_step(
        &self,
        case_id: Uuid,
        mut step: LegalStep,
        actor: &Actor,
    ) -> Result<ChangeSet, CaseworkError> {
        let case = self.open_case(case_id)?;
        if step.date > actor.today() {
            return Err(CaseworkError::FutureDate(step.date));
        }
        let highest = case
            .legal_steps
            .iter()
            .map(|s| s.kind.rung())
            .max()
            .unwrap_or(0);
        if step.kind.rung() > highest + 1 {
            let needs = [
                LegalStepKind::HomeVisit,
                LegalStepKind::OrderToCorrect,
                LegalStepKind::ReturnNotice,
            ][usize::from(highest.min(2))];
            return Err(CaseworkError::LadderOrder {
                step: step.kind,
                needs,
            });
        }
        if let Some(prev) = case.legal_steps.iter().map(|s| s.date).max() {
            if step.date < prev {
                return Err(CaseworkError::LadderDate {
                    date: step.date,
                    previous: prev,
                });
            }
        }
        if step.issuer.trim().is_empty() {
            return Err(CaseworkError::Missing(CaseField::Implementer));
        }
        if step.kind == LegalStepKind::ReturnNotice {
            step.serial = Some(self.next_notice_serial(step.date));
            step.deadline = Some(model::days_after(
                step.date,
                self.settings.notice_deadline_days,
            ));
        }
        let summary = match &step.serial {
            Some(serial) => format!("{}（{serial}），{}", step.kind.zh(), step.date),
            None => format!("{}，{}", step.kind.zh(), step.date),
        };
        let mut case = case.clone();
        case.legal_steps.push(step);
        Ok(ChangeSet {
            audit: vec![actor.audit(AuditAction::Update, case.child_id, summary)],
            cases: vec![case],
            ..Default::default()
        })
    }

    /// Closes a case (销号) with its outcome and evidence; the child's record follows.
    pub fn close_case(
        &self,
        ledger: &Ledger,
        case_id: Uuid,
        closure: Closure,
        actor: &Actor,
    ) -> Result<ChangeSet, CaseworkError> {
        let case = self.open_case(case_id)?;
        let child = ledger.child(case.child_id).ok_or(CaseworkError::NoChild)?;
        if closure.evidence.trim().is_empty() {
            return Err(CaseworkError::NoEvidence);
        }
        if closure.date > actor.today() {
            return Err(CaseworkError::FutureDate(closure.date));
        }
        let mut updated = child.clone();
        match &closure.outcome {
            ClosureOutcome::Returned {
                school_id,
                grade,
                class_name,
                ..
            } => {
                if ledger.school(*school_id).is_none() || !(1..=9).contains(grade) {
                    return Err(CaseworkError::BadReturn);
                }
                updated.status = Status::InSchool;
                updated.school_id = Some(*school_id);
                updated.grade = Some(*grade);
                updated.class_name = class_name.trim().to_string();
            }
            ClosureOutcome::HomeTeaching => {
                if !child.groups.contains(&SpecialGroup::Disabled) {
                    return Err(CaseworkError::HomeTeachingNeedsDisability);
                }
                updated.status = Status::HomeTeaching;
            }
            ClosureOutcome::Vocational { school } => {
                if school.trim().is_empty() {
                    return Err(CaseworkError::Missing(CaseField::VocationalSchool));
                }
                updated.status = Status::StudyingElsewhere;
            }
            ClosureOutcome::Other {
                description,
                status,
            } => {
                if description.trim().is_empty() {
                    return Err(CaseworkError::Missing(CaseField::ClosureKind));
                }
                if status.is_concern() {
                    return Err(CaseworkError::BadClosureStatus(*status));
                }
                updated.status = *status;
            }
        }
        updated.updated_at = actor.now;
        let mut entry = actor.audit(
            AuditAction::Update,
            child.id,
            format!("销号：{}", closure.outcome.zh()),
        );
        entry.changes = child.diff(&updated, &|c| ledger.names_for(c));
        let mut case = case.clone();
        case.closure = Some(closure);
        Ok(ChangeSet {
            children: vec![updated],
            cases: vec![case],
            audit: vec![entry],
            ..Default::default()
        })
    }

    /// Records a transfer out: the child leaves the school pending confirmation by the
    /// receiving one.
    pub fn transfer_out(
        &self,
        ledger: &Ledger,
        child_id: Uuid,
        to_school: &str,
        date: NaiveDate,
        actor: &Actor,
        id: Uuid,
    ) -> Result<ChangeSet, CaseworkError> {
        let child = ledger.child(child_id).ok_or(CaseworkError::NoChild)?;
        if to_school.trim().is_empty() {
            return Err(CaseworkError::Missing(CaseField::SchoolTo));
        }
        if date > actor.today() {
            return Err(CaseworkError::FutureDate(date));
        }
        let (mut updated, change) = with_status(child, Status::StudyingElsewhere, actor);
        updated.note = format!("{}转出至{}，待接收学校确认", date, to_school.trim());
        let mut entry = actor.audit(
            AuditAction::Update,
            child_id,
            format!("转出至“{}”", to_school.trim()),
        );
        entry.changes.push(change);
        Ok(ChangeSet {
            children: vec![updated],
            transfers: vec![Transfer {
                id,
                child_id,
                date,
                from_school: child.school_id,
                to_school: to_school.trim().to_string(),
                confirmed_on: None,
                recorded_by: actor.name.to_string(),
            }],
            audit: vec![entry],
            ..Default::default()
        })
    }

    /// The receiving school confirmed a transfer.
    pub fn confirm_transfer(
        &self,
        transfer_id: Uuid,
        date: NaiveDate,
        actor: &Actor,
    ) -> Result<ChangeSet, CaseworkError> {
        let t = self
            .transfers
            .get(&transfer_id)
            .ok_or(CaseworkError::NotFound)?;
        let mut t = t.clone();
        t.confirmed_on = Some(date);
        Ok(ChangeSet {
            audit: vec![actor.audit(
                AuditAction::Update,
                t.child_id,
                format!("“{}”确认接收", t.to_school),
            )],
            transfers: vec![t],
            ..Default::default()
        })
    }

    /// Transfers out with no receiving school confirmed after the set number of days.
    pub fn unconfirmed_transfers(&self, today: NaiveDate) -> Vec<&Transfer> {
        let limit = chrono::Duration::days(i64::from(self.settings.transfer_confirm_days));
        let mut v: Vec<_> = self
            .transfers
            .values()
            .filter(|t| t.confirmed_on.is_none() && today - t.date > limit)
            .collect();
        v.sort_by_key(|t| t.date);
        v
    }

    /// 小升初: children who finished grade 6 last school year and are in no grade 7 this year.
    pub fn primary_to_junior_gaps(&self, ledger: &Ledger, today: NaiveDate) -> Vec<Uuid> {
        let last_year = school_year_of(today) - 1;
        ledger
            .children()
            .iter()
            .filter(|c| {
                c.previous_year
                    .is_some_and(|p| p.school_year == last_year && p.grade == Some(6))
                    && !(c.grade.is_some_and(|g| g >= 7)
                        && (c.status.counts_as_enrolled() || c.status == Status::Suspended))
                    && !matches!(
                        c.status,
                        Status::Deceased
                            | Status::Abroad
                            | Status::MovedAway
                            | Status::SuspectedDropout
                            | Status::Dropout
                            | Status::StudyingElsewhere
                    )
            })
            .map(|c| c.id)
            .collect()
    }

    /// Saves a 送教上门 plan (new or changed), keeping its visits.
    pub fn save_plan(
        &self,
        ledger: &Ledger,
        mut plan: HomeTeachingPlan,
        actor: &Actor,
    ) -> Result<ChangeSet, CaseworkError> {
        let child = ledger.child(plan.child_id).ok_or(CaseworkError::NoChild)?;
        if !child.groups.contains(&SpecialGroup::Disabled) {
            return Err(CaseworkError::HomeTeachingNeedsDisability);
        }
        if plan.teacher.trim().is_empty() {
            return Err(CaseworkError::Missing(CaseField::Teacher));
        }
        if !(1..=90).contains(&plan.interval_days) {
            return Err(CaseworkError::BadInterval);
        }
        if let Some(old) = self.plans.get(&plan.child_id) {
            plan.visits = old.visits.clone();
        }
        let mut set = ChangeSet::default();
        let mut entry = actor.audit(
            AuditAction::Update,
            child.id,
            format!(
                "送教上门计划：{}，每{}天一次",
                plan.teacher.trim(),
                plan.interval_days
            ),
        );
        if child.status != Status::HomeTeaching && !child.status.is_concern() {
            let (updated, change) = with_status(child, Status::HomeTeaching, actor);
            entry.changes.push(change);
            set.children.push(updated);
        }
        set.audit.push(entry);
        set.plans.push(plan);
        Ok(set)
    }

    /// Logs a 送教上门 visit.
    pub fn add_home_visit(
        &self,
        child_id: Uuid,
        visit: HomeVisit,
        actor: &Actor,
    ) -> Result<ChangeSet, CaseworkError> {
        let plan = self.plans.get(&child_id).ok_or(CaseworkError::NotFound)?;
        if visit.teacher.trim().is_empty() {
            return Err(CaseworkError::Missing(CaseField::Teacher));
        }
        if visit.content.trim().is_empty() {
            return Err(CaseworkError::Missing(CaseField::Content));
        }
        if !(visit.hours > 0.0 && visit.hours <= 12.0) {
            return Err(CaseworkError::Missing(CaseField::Hours));
        }
        if visit.date > actor.today() {
            return Err(CaseworkError::FutureDate(visit.date));
        }
        let summary = format!(
            "送教上门：{}，{}小时，{}",
            visit.date, visit.hours, visit.teacher
        );
        let mut plan = plan.clone();
        plan.visits.push(visit);
        plan.visits.sort_by_key(|v| v.date);
        Ok(ChangeSet {
            audit: vec![actor.audit(AuditAction::Update, child_id, summary)],
            plans: vec![plan],
            ..Default::default()
        })
    }

    /// The watch period of a child's closed case, if it is running on `day`.
    pub fn watched_until(
        &self,
        child_id: Uuid,
        day: NaiveDate,
    ) -> Option<(Uuid, NaiveDate, NaiveDate)> {
        let case = self.case_of(child_id)?;
        let closure = case.closure.as_ref()?;
        let until = watch_until(closure, self.settings.watch_days);
        (day >= closure.date && day <= until).then_some((case.id, closure.date, until))
    }

    /// What the operator must do today.
    pub fn todos(&self, ledger: &Ledger, today: NaiveDate) -> Vec<Todo> {
        let mut out = Vec::new();
        let mut suspects: Vec<_> = self
            .suspects
            .values()
            .filter(|s| s.verification.is_none())
            .collect();
        suspects.sort_by_key(|s| s.flagged_on);
        for s in suspects {
            out.push(Todo::VerifySuspect {
                suspect_id: s.id,
                child_id: s.child_id,
                since: s.flagged_on,
            });
        }
        let mut cases: Vec<_> = self.cases.values().collect();
        cases.sort_by_key(|c| c.opened_on);
        for c in cases {
            match &c.closure {
                None => {
                    if c.deadline < today {
                        out.push(Todo::CaseOverdue {
                            case_id: c.id,
                            child_id: c.child_id,
                            deadline: c.deadline,
                        });
                    }
                    for step in &c.legal_steps {
                        if let (Some(serial), Some(deadline)) = (&step.serial, step.deadline) {
                            if deadline < today {
                                out.push(Todo::NoticeExpired {
                                    case_id: c.id,
                                    child_id: c.child_id,
                                    serial: serial.clone(),
                                    deadline,
                                });
                            }
                        }
                    }
                }
                Some(closure) => {
                    let until = watch_until(closure, self.settings.watch_days);
                    let absent = self
                        .absences_of(c.child_id)
                        .iter()
                        // The day of the return counts: absent on it is absent in the watch.
                        .filter(|a| a.is_unexcused() && a.date >= closure.date && a.date <= until)
                        .map(|a| a.date)
                        .max();
                    if let Some(date) = absent {
                        out.push(Todo::WatchedAbsent {
                            case_id: c.id,
                            child_id: c.child_id,
                            date,
                            watch_until: until,
                        });
                    }
                }
            }
        }
        let mut plans: Vec<_> = self.plans.values().collect();
        plans.sort_by_key(|p| p.next_due());
        for p in plans {
            let active = ledger
                .child(p.child_id)
                .is_some_and(|c| c.status == Status::HomeTeaching);
            if active && p.next_due() < today {
                out.push(Todo::HomeVisitOverdue {
                    child_id: p.child_id,
                    due: p.next_due(),
                });
            }
        }
        for t in self.unconfirmed_transfers(today) {
            if self.open_suspect_of(t.child_id).is_none() {
                out.push(Todo::TransferUnconfirmed {
                    transfer_id: t.id,
                    child_id: t.child_id,
                    date: t.date,
                });
            }
        }
        out.sort_by_key(Todo::urgency);
        out
    }
}

/// Starts a new episode of a closed case, keeping the old one in its history.
fn reopen(old: &DropoutCase, suspect_id: Uuid, nc: NewCase, on: NaiveDate) -> DropoutCase {
    let mut case = old.clone();
    if let Some(closure) = case.closure.take() {
        case.history.push(Episode {
            opened_on: case.opened_on,
            left_on: case.left_on,
            cause: case.cause,
            attempts: std::mem::take(&mut case.attempts),
            legal_steps: std::mem::take(&mut case.legal_steps),
            closure,
        });
    }
    case.suspect_id = suspect_id;
    case.opened_on = on;
    case.left_on = nc.left_on;
    case.cause = nc.cause;
    case.cause_note = nc.cause_note.trim().to_string();
    case.responsible = nc.responsible;
    case.deadline = nc.deadline;
    case.support = nc.support;
    case
}

/// Counts of the suspects ledger.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerificationCounts {
    pub flagged: usize,
    pub pending: usize,
    pub confirmed: usize,
    pub not_real: usize,
}

/// How a 限期复学通知书 tells the persuasion so far, for any number of attempts.
pub fn persuasion_phrase(attempts: usize) -> String {
    let who = "经学校、村（居）民委员会和乡镇人民政府";
    match attempts {
        0 => format!("{who}劝返"),
        1 => format!("{who}劝返1次"),
        n => format!("{who}先后劝返{n}次"),
    }
}
