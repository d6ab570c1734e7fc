//! 纳入相应台账: what a school's monthly report changes in the county's own ledgers. Each
//! child the report names is found in the county's ledger (ID number, 学籍号, or the id a
//! school set up from the county's file shares) or added; the school's suspect and case
//! records land on the county's 疑似辍学台账 and 辍学台账.
//!
//! "Since the last exchange" is what the school said of the same record in the last report
//! the county holds: a record the school changed since then is taken, unless the county
//! changed it too — then a person chooses.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use uuid::Uuid;

use super::holdings::{Inbox, Outbox};
use super::report::{MonthlyReport, ReportEntry, Review};
use crate::casework::{Actor, Casebook, ChangeSet, ClosureOutcome, DropoutCase, Suspect, Verdict};
use crate::ledger::Ledger;
use crate::model::{AuditAction, Child, FieldChange, Labelled, Lang, NoIdReason, Status};
use crate::rules::id_number::IdNumber;

/// A record changed on both sides since the last exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct LandingConflict {
    /// The suspect's or case's id (the same at the school and the county).
    pub record: Uuid,
    pub child: String,
    pub sides: Sides,
}

/// The county's record and the school's, of a conflict.
#[derive(Debug, Clone, PartialEq)]
pub enum Sides {
    Suspect {
        county: Box<Suspect>,
        school: Box<Suspect>,
    },
    Case {
        county: Box<DropoutCase>,
        school: Box<DropoutCase>,
    },
}

impl LandingConflict {
    /// Field by field where the two differ: the county's value (`before`), then the school's.
    pub fn fields(&self, lang: Lang) -> Vec<FieldChange> {
        match &self.sides {
            Sides::Suspect { county, school } => suspect_fields(county, school, lang),
            Sides::Case { county, school } => case_fields(county, school, lang),
        }
    }
}

/// Which side a person chose for a conflict: the receiver's own record, or the sender's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LandingChoice {
    KeepOurs,
    TakeTheirs,
}

/// What a file changes in the receiver's ledgers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Landing {
    pub set: ChangeSet,
    /// Conflicts no choice was given for: their records are left as the receiver has them.
    pub conflicts: Vec<LandingConflict>,
    /// Children the receiver did not know.
    pub added: usize,
}

/// The receiver's ledgers a file lands in, and how a person answered the records changed on
/// both sides (by record id).
#[derive(Clone, Copy)]
pub struct LandIn<'a> {
    pub ledger: &'a Ledger,
    pub casebook: &'a Casebook,
    pub choices: &'a BTreeMap<Uuid, LandingChoice>,
}

/// What the two sides have said to each other of one school's records: its reports (when
/// each was made) and the county's reviews with their decisions.
pub struct Exchanged<'a> {
    said: Vec<(NaiveDateTime, &'a ReportEntry)>,
}

impl<'a> Exchanged<'a> {
    pub fn new(
        reports: impl IntoIterator<Item = (NaiveDateTime, &'a MonthlyReport)>,
        reviews: impl IntoIterator<Item = &'a Review>,
    ) -> Self {
        let mut said: Vec<(NaiveDateTime, &ReportEntry)> = reports
            .into_iter()
            .flat_map(|(at, r)| r.entries().map(move |(_, e)| (at, e)))
            .chain(
                reviews
                    .into_iter()
                    .flat_map(|r| r.decisions.iter().map(|e| (r.reviewed_at, e))),
            )
            .collect();
        // Latest first; within a time, the order of the file.
        said.sort_by_key(|e| std::cmp::Reverse(e.0));
        Exchanged { said }
    }

    /// At the county: what school `school_id` reported and the reviews sent back to it.
    pub fn at_county(inbox: &'a Inbox, school_id: Uuid) -> Self {
        Self::new(
            inbox
                .reports
                .iter()
                .filter(|r| r.report.school.id == school_id)
                .map(|r| (r.envelope.created_at, &r.report)),
            inbox.reviews.iter().filter(|r| r.school.id == school_id),
        )
    }

    /// At a school: what it sent and the reviews it took.
    pub fn at_school(outbox: &'a Outbox) -> Self {
        Self::new(
            outbox.sent.iter().map(|s| (s.sent_at, &s.report)),
            &outbox.reviews,
        )
    }

    /// The suspect record `id` as last said before `at`.
    pub fn suspect(&self, id: Uuid, at: NaiveDateTime) -> Option<&'a Suspect> {
        self.said
            .iter()
            .filter(|(t, _)| *t < at)
            .find_map(|(_, e)| e.suspect.as_deref().filter(|s| s.id == id))
    }

    /// The case record `id` as last said before `at`.
    pub fn case(&self, id: Uuid, at: NaiveDateTime) -> Option<&'a DropoutCase> {
        self.said
            .iter()
            .filter(|(t, _)| *t < at)
            .find_map(|(_, e)| e.case.as_deref().filter(|c| c.id == id))
    }
}

/// Records about children from the other side, and where they came from.
struct Incoming<'a> {
    entries: Vec<&'a ReportEntry>,
    /// The receiver's id of the school the children are at.
    school_id: Uuid,
    /// When the sender made the file: what was said before it is the baseline.
    made_at: NaiveDateTime,
    /// The file, in words, for the audit.
    source: String,
}

/// Lands `report`, made at `made_at`, from the county's school `school_id`, read from
/// `file`. `said` is what the school and the county exchanged of its records before.
#[allow(clippy::too_many_arguments)]
pub fn land(
    report: &MonthlyReport,
    made_at: NaiveDateTime,
    school_id: Uuid,
    file: &str,
    said: &Exchanged,
    into: LandIn,
    actor: &Actor,
) -> Landing {
    let mut out = Landing::default();
    land_into(
        &mut out, report, made_at, school_id, file, said, into, actor,
    );
    out
}

/// [`land`] onto what earlier reports of the same import already landed: forty reports are
/// one change set, and a child two of them name is added once.
#[allow(clippy::too_many_arguments)]
pub fn land_into(
    out: &mut Landing,
    report: &MonthlyReport,
    made_at: NaiveDateTime,
    school_id: Uuid,
    file: &str,
    said: &Exchanged,
    into: LandIn,
    actor: &Actor,
) {
    let incoming = Incoming {
        entries: report.entries().map(|(_, e)| e).collect(),
        school_id,
        made_at,
        source: format!(
            "{}{}月报第{}版（{file}）",
            report.school.name, report.period, report.version
        ),
    };
    land_entries(out, incoming, said, into, actor);
}

/// 县级决定: what the county's review of a report decided about the school's children lands
/// in the school's own ledgers, `own` being its id of itself. `said` is what the school
/// sent and took before.
pub fn land_review(
    review: &Review,
    own: Uuid,
    file: &str,
    said: &Exchanged,
    into: LandIn,
    actor: &Actor,
) -> Landing {
    let mut out = Landing::default();
    let incoming = Incoming {
        entries: review.decisions.iter().collect(),
        school_id: own,
        made_at: review.reviewed_at,
        source: format!("{}月报县级审核结果（{file}）", review.period),
    };
    land_entries(&mut out, incoming, said, into, actor);
    out
}

fn land_entries(
    out: &mut Landing,
    incoming: Incoming,
    said: &Exchanged,
    into: LandIn,
    actor: &Actor,
) {
    let LandIn {
        ledger,
        casebook,
        choices,
    } = into;
    let Incoming {
        entries,
        school_id,
        made_at,
        source,
    } = incoming;
    let (mut landed_suspects, mut landed_cases) = (Vec::new(), Vec::new());
    let mut children: Vec<Child> = std::mem::take(&mut out.set.children);
    for e in entries {
        let Some(child_id) = child_for(e, school_id, ledger, &mut children, &source, actor, out)
        else {
            continue;
        };
        if let Some(s) = e.suspect.as_deref() {
            let mut theirs = s.clone();
            theirs.child_id = child_id;
            let ours = casebook
                .suspect(s.id)
                .or_else(|| out.set.suspects.iter().find(|x| x.id == s.id));
            let before = said.suspect(s.id, made_at);
            let open_own = casebook.open_suspect_of(child_id).filter(|x| x.id != s.id);
            match (ours, open_own) {
                // The county flagged the child itself: its own record stands.
                (None, Some(_)) => {}
                (None, None) => {
                    landed_suspects.push(theirs.id);
                    out.set.suspects.push(theirs);
                }
                (Some(ours), _) => {
                    if let Some(take) = decide(
                        ours,
                        &theirs,
                        before,
                        same_suspect,
                        |c, s| Sides::Suspect {
                            county: Box::new(c.clone()),
                            school: Box::new(s.clone()),
                        },
                        &e.name,
                        choices,
                        &mut out.conflicts,
                    ) {
                        if take {
                            out.set.suspects.retain(|x| x.id != s.id);
                            landed_suspects.push(theirs.id);
                            out.set.suspects.push(theirs);
                        }
                    }
                }
            }
        }
        if let Some(c) = e.case.as_deref() {
            let mut theirs = c.clone();
            theirs.child_id = child_id;
            if let Some(cl) = theirs.closure.as_mut() {
                if let ClosureOutcome::Returned { school_id: s, .. } = &mut cl.outcome {
                    *s = school_id;
                }
            }
            let ours = out
                .set
                .cases
                .iter()
                .find(|x| x.id == c.id)
                .or_else(|| casebook.case(c.id))
                .or_else(|| {
                    casebook
                        .case_of(child_id)
                        .filter(|x| x.closure.is_none() && x.id != c.id)
                });
            let before = said.case(c.id, made_at);
            match ours {
                None => {
                    landed_cases.push(theirs.id);
                    out.set.cases.push(theirs);
                }
                Some(ours) if ours.id != c.id => {
                    // The county opened its own case for the child: it stands.
                }
                Some(ours) => {
                    if decide(
                        ours,
                        &theirs,
                        before,
                        same_case,
                        |c, s| Sides::Case {
                            county: Box::new(c.clone()),
                            school: Box::new(s.clone()),
                        },
                        &e.name,
                        choices,
                        &mut out.conflicts,
                    ) == Some(true)
                    {
                        out.set.cases.retain(|x| x.id != c.id);
                        landed_cases.push(theirs.id);
                        out.set.cases.push(theirs);
                    }
                }
            }
        }
    }
    // The child's status follows what landed.
    for s in &out.set.suspects {
        let status = match s.verification.as_ref().map(|v| &v.verdict) {
            None => Status::SuspectedDropout,
            Some(Verdict::Confirmed) => Status::Dropout,
            Some(Verdict::NotReal { .. }) => s.previous_status,
        };
        set_status(&mut children, ledger, s.child_id, status, actor);
    }
    for c in &out.set.cases {
        let status = match c.closure.as_ref().map(|cl| &cl.outcome) {
            None => Status::Dropout,
            Some(ClosureOutcome::Returned { .. }) => Status::InSchool,
            Some(ClosureOutcome::HomeTeaching) => Status::HomeTeaching,
            Some(ClosureOutcome::Vocational { .. }) => Status::StudyingElsewhere,
            Some(ClosureOutcome::Other { status, .. }) => *status,
        };
        set_status(&mut children, ledger, c.child_id, status, actor);
    }
    for s in out
        .set
        .suspects
        .iter()
        .filter(|s| landed_suspects.contains(&s.id))
    {
        let what = match s.verification.as_ref().map(|v| &v.verdict) {
            None => "列入疑似辍学台账".to_string(),
            Some(Verdict::Confirmed) => "核查结论：确认辍学".to_string(),
            Some(Verdict::NotReal { reason, .. }) => {
                format!("核查结论：非真实辍学（{}）", reason.zh())
            }
        };
        out.set.audit.push(actor.audit(
            AuditAction::Import,
            s.child_id,
            format!("据{source}{what}"),
        ));
    }
    for c in out
        .set
        .cases
        .iter()
        .filter(|c| landed_cases.contains(&c.id))
    {
        let what = match &c.closure {
            None => "辍学台账：一人一案".to_string(),
            Some(cl) => format!("销号：{}", cl.outcome.zh()),
        };
        out.set.audit.push(actor.audit(
            AuditAction::Import,
            c.child_id,
            format!("据{source}更新{what}"),
        ));
    }
    out.set.children = children;
}

/// 县级决定 for a review: the county's suspect and case records of the school's children
/// that differ from what the two sides last exchanged, or were never exchanged — what the
/// county decided, and what it flagged itself.
pub fn decisions_for(
    school_id: Uuid,
    ledger: &Ledger,
    casebook: &Casebook,
    said: &Exchanged,
) -> Vec<ReportEntry> {
    let never = NaiveDateTime::MAX;
    let at_school = |id: Uuid| ledger.child(id).filter(|c| c.school_id == Some(school_id));
    let mut out: Vec<ReportEntry> = Vec::new();
    for s in casebook.suspects() {
        let Some(child) = at_school(s.child_id) else {
            continue;
        };
        let case = casebook.cases().find(|c| c.suspect_id == s.id);
        let new_suspect = said
            .suspect(s.id, never)
            .is_none_or(|b| !same_suspect(s, b));
        let new_case =
            case.is_some_and(|c| said.case(c.id, never).is_none_or(|b| !same_case(c, b)));
        if !(new_suspect || new_case) {
            continue;
        }
        let date = s.verification.as_ref().map_or(s.flagged_on, |v| v.date);
        out.push(ReportEntry {
            suspect: Some(Box::new(s.clone())),
            case: case.cloned().map(Box::new),
            ..super::report::entry(child, s.id, date, decision_text(s, case))
        });
    }
    for c in casebook.cases() {
        let Some(child) = at_school(c.child_id) else {
            continue;
        };
        if out
            .iter()
            .any(|e| e.case.as_ref().is_some_and(|x| x.id == c.id))
            || said.case(c.id, never).is_some_and(|b| same_case(c, b))
        {
            continue;
        }
        let date = c.closure.as_ref().map_or(c.opened_on, |cl| cl.date);
        let suspect = casebook.suspect(c.suspect_id);
        out.push(ReportEntry {
            suspect: suspect.cloned().map(Box::new),
            case: Some(Box::new(c.clone())),
            ..super::report::entry(child, c.id, date, case_text(c))
        });
    }
    out.sort_by_cached_key(|e| (e.date, crate::rules::name_order::name_key(&e.name)));
    out
}

/// A decision in words, for the review and its print.
fn decision_text(s: &Suspect, case: Option<&DropoutCase>) -> String {
    match case {
        Some(c) => case_text(c),
        None => verdict_text(s, Lang::Zh),
    }
}

fn case_text(c: &DropoutCase) -> String {
    match &c.closure {
        Some(cl) => format!("销号：{}", cl.outcome.zh()),
        None => format!(
            "一人一案：包保责任人{}，劝返时限{}",
            c.responsible
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            c.deadline
        ),
    }
}

/// The county's child for an entry: found, or added from what the report says.
fn child_for(
    e: &ReportEntry,
    school_id: Uuid,
    ledger: &Ledger,
    added: &mut Vec<Child>,
    source: &str,
    actor: &Actor,
    out: &mut Landing,
) -> Option<Uuid> {
    let id_number = e.id_number.as_deref().and_then(|n| IdNumber::parse(n).ok());
    let found = id_number
        .as_ref()
        .and_then(|n| ledger.child_by_id_number(n))
        .or_else(|| {
            e.student_number
                .as_deref()
                .and_then(|s| ledger.child_by_student_number(s))
        })
        .or_else(|| {
            ledger
                .child(e.child_id)
                .filter(|c| c.name == e.name && c.birth_date == e.birth_date)
        });
    if let Some(c) = found {
        return Some(c.id);
    }
    let same = |c: &&Child| match (&c.id_number, &id_number) {
        (Some(a), Some(b)) => a == b,
        _ => c.id == e.child_id,
    };
    if let Some(c) = added.iter().find(same) {
        return Some(c.id);
    }
    let child = Child {
        no_id_reason: id_number.is_none().then_some(NoIdReason::Other),
        id_number,
        name: e.name.clone(),
        student_number: e.student_number.clone(),
        school_id: Some(school_id),
        grade: e.grade,
        note: format!("据{source}新增"),
        ..Child::new_record(e.child_id, e.sex, e.birth_date, actor.now)
    };
    out.set.audit.push(actor.audit(
        AuditAction::Create,
        child.id,
        format!("据{source}新增 {}（台账中没有）", child.name),
    ));
    out.added += 1;
    let id = child.id;
    added.push(child);
    Some(id)
}

fn set_status(children: &mut Vec<Child>, ledger: &Ledger, id: Uuid, status: Status, actor: &Actor) {
    if let Some(c) = children.iter_mut().find(|c| c.id == id) {
        c.status = status;
        return;
    }
    if let Some(c) = ledger.child(id).filter(|c| c.status != status) {
        let mut c = c.clone();
        c.status = status;
        c.updated_at = actor.now;
        children.push(c);
    }
}

/// Whether to take the school's record: `Some(true)` take it, `Some(false)` keep the
/// county's, `None` a conflict left for a person.
#[allow(clippy::too_many_arguments)]
fn decide<T>(
    ours: &T,
    theirs: &T,
    before: Option<&T>,
    same: fn(&T, &T) -> bool,
    sides: fn(&T, &T) -> Sides,
    name: &str,
    choices: &BTreeMap<Uuid, LandingChoice>,
    conflicts: &mut Vec<LandingConflict>,
) -> Option<bool>
where
    T: Record,
{
    if same(ours, theirs) {
        return Some(false);
    }
    let (county_changed, school_changed) = match before {
        Some(b) => (!same(ours, b), !same(theirs, b)),
        // Never exchanged before: both are the first word; the county's stands only if
        // it decided something the school did not say.
        None => (true, true),
    };
    match (county_changed, school_changed) {
        (_, false) => Some(false),
        (false, true) => Some(true),
        (true, true) => match choices.get(&ours.id()) {
            Some(LandingChoice::TakeTheirs) => Some(true),
            Some(LandingChoice::KeepOurs) => Some(false),
            None => {
                conflicts.push(LandingConflict {
                    record: ours.id(),
                    child: name.to_string(),
                    sides: sides(ours, theirs),
                });
                None
            }
        },
    }
}

trait Record {
    fn id(&self) -> Uuid;
}

impl Record for Suspect {
    fn id(&self) -> Uuid {
        self.id
    }
}

impl Record for DropoutCase {
    fn id(&self) -> Uuid {
        self.id
    }
}

/// The same record, whichever child id each side gives it.
fn same_suspect(a: &Suspect, b: &Suspect) -> bool {
    a.trigger == b.trigger && a.flagged_on == b.flagged_on && a.verification == b.verification
}

fn same_case(a: &DropoutCase, b: &DropoutCase) -> bool {
    let closure = |c: &DropoutCase| {
        c.closure.as_ref().map(|cl| {
            let mut cl = cl.clone();
            if let ClosureOutcome::Returned { school_id, .. } = &mut cl.outcome {
                *school_id = Uuid::nil();
            }
            cl
        })
    };
    a.cause == b.cause
        && a.cause_note == b.cause_note
        && a.responsible == b.responsible
        && a.deadline == b.deadline
        && a.support == b.support
        && a.attempts == b.attempts
        && a.legal_steps == b.legal_steps
        && closure(a) == closure(b)
}

fn change(field: (&str, &str), lang: Lang, county: String, school: String) -> Option<FieldChange> {
    (county != school).then(|| FieldChange {
        field: match lang {
            Lang::Zh => field.0,
            Lang::En => field.1,
        }
        .to_string(),
        before: county,
        after: school,
    })
}

fn verdict_text(s: &Suspect, lang: Lang) -> String {
    match (s.verification.as_ref().map(|v| &v.verdict), lang) {
        (None, Lang::Zh) => "未核查".into(),
        (None, Lang::En) => "Not verified".into(),
        (Some(Verdict::Confirmed), Lang::Zh) => "确认辍学".into(),
        (Some(Verdict::Confirmed), Lang::En) => "Confirmed dropout".into(),
        (Some(Verdict::NotReal { reason, .. }), Lang::Zh) => format!("非真实辍学：{}", reason.zh()),
        (Some(Verdict::NotReal { reason, .. }), Lang::En) => {
            format!("Not a real dropout: {}", reason.en())
        }
    }
}

fn suspect_fields(county: &Suspect, school: &Suspect, lang: Lang) -> Vec<FieldChange> {
    let date = |s: &Suspect| {
        s.verification
            .as_ref()
            .map(|v| v.date.to_string())
            .unwrap_or_default()
    };
    [
        change(
            ("核查结论", "Verdict"),
            lang,
            verdict_text(county, lang),
            verdict_text(school, lang),
        ),
        change(
            ("核查日期", "Verified on"),
            lang,
            date(county),
            date(school),
        ),
        change(
            ("疑似原因", "Why suspected"),
            lang,
            county.trigger.say(lang),
            school.trigger.say(lang),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn case_fields(county: &DropoutCase, school: &DropoutCase, lang: Lang) -> Vec<FieldChange> {
    let people = |c: &DropoutCase| {
        c.responsible
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
            .join("、")
    };
    let count = |n: usize| match lang {
        Lang::Zh => format!("{n}次"),
        Lang::En => n.to_string(),
    };
    let closed = |c: &DropoutCase| match &c.closure {
        Some(cl) => cl.outcome.label(lang),
        None if lang == Lang::Zh => "未销号".into(),
        None => "Open".into(),
    };
    [
        change(
            ("辍学原因", "Cause"),
            lang,
            county.cause.label(lang).to_string(),
            school.cause.label(lang).to_string(),
        ),
        change(
            ("包保责任人", "Responsible persons"),
            lang,
            people(county),
            people(school),
        ),
        change(
            ("劝返时限", "Deadline to return"),
            lang,
            county.deadline.to_string(),
            school.deadline.to_string(),
        ),
        change(
            ("劝返记录", "Persuasion attempts"),
            lang,
            count(county.attempts.len()),
            count(school.attempts.len()),
        ),
        change(
            ("法律措施", "Legal steps"),
            lang,
            count(county.legal_steps.len()),
            count(school.legal_steps.len()),
        ),
        change(("销号", "Closed"), lang, closed(county), closed(school)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
#[path = "landing_tests.rs"]
mod tests;
