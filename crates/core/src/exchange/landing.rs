//! 纳入相应台账: what a school's monthly report changes in the county's own ledgers. Each
//! child the report names is found in the county's ledger (ID number, 学籍号, or the id a
//! school set up from the county's file shares) or added; the school's suspect and case
//! records land on the county's 疑似辍学台账 and 辍学台账.
//!
//! "Since the last exchange" is what the school said of the same record in the last report
//! the county holds: a record the school changed since then is taken, unless the county
//! changed it too — then a person chooses.

use uuid::Uuid;

use super::report::{MonthlyReport, ReceivedReport, ReportEntry};
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

/// Which side a person chose for a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LandingChoice {
    KeepCounty,
    TakeSchool,
}

/// What a report changes in the county's ledgers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Landing {
    pub set: ChangeSet,
    /// Conflicts no choice was given for: their records are left as the county has them.
    pub conflicts: Vec<LandingConflict>,
    /// Children the county did not know.
    pub added: usize,
}

/// Lands `report`, from the county's school `school_id`, read from `file`. `earlier` are the
/// reports the county held before it (any school; only this school's count). `choices`
/// answers conflicts by record id.
#[allow(clippy::too_many_arguments)]
pub fn land(
    report: &MonthlyReport,
    school_id: Uuid,
    file: &str,
    earlier: &[ReceivedReport],
    ledger: &Ledger,
    casebook: &Casebook,
    choices: &std::collections::BTreeMap<Uuid, LandingChoice>,
    actor: &Actor,
) -> Landing {
    let mut out = Landing::default();
    land_into(
        &mut out, report, school_id, file, earlier, ledger, casebook, choices, actor,
    );
    out
}

/// [`land`] onto what earlier reports of the same import already landed: forty reports are
/// one change set, and a child two of them name is added once.
#[allow(clippy::too_many_arguments)]
pub fn land_into(
    out: &mut Landing,
    report: &MonthlyReport,
    school_id: Uuid,
    file: &str,
    earlier: &[ReceivedReport],
    ledger: &Ledger,
    casebook: &Casebook,
    choices: &std::collections::BTreeMap<Uuid, LandingChoice>,
    actor: &Actor,
) {
    let (mut landed_suspects, mut landed_cases) = (Vec::new(), Vec::new());
    let source = format!(
        "{}{}月报第{}版（{file}）",
        report.school.name, report.period, report.version
    );
    let mut children: Vec<Child> = std::mem::take(&mut out.set.children);
    for (_, e) in report.entries() {
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
            let before = baseline(earlier, school_id, report, |r| {
                r.suspect.as_deref().filter(|x| x.id == s.id).cloned()
            });
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
                        before.as_ref(),
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
            let before = baseline(earlier, school_id, report, |r| {
                r.case.as_deref().filter(|x| x.id == c.id).cloned()
            });
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
                        before.as_ref(),
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
        out.set.audit.push(actor.audit(
            AuditAction::Import,
            s.child_id,
            format!("据{source}列入疑似辍学台账"),
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
        format!("据{source}新增 {}（本县台账中没有）", child.name),
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

/// What the school said of a record in the latest report before this one (reports are held
/// under the county's id of the school).
fn baseline<T>(
    earlier: &[ReceivedReport],
    school_id: Uuid,
    report: &MonthlyReport,
    find: impl Fn(&ReportEntry) -> Option<T>,
) -> Option<T> {
    let mut held: Vec<&ReceivedReport> = earlier
        .iter()
        .filter(|r| r.report.school.id == school_id)
        .filter(|r| {
            (r.report.period.as_str(), r.report.version) < (report.period.as_str(), report.version)
        })
        .collect();
    held.sort_by(|a, b| {
        (b.report.period.as_str(), b.report.version)
            .cmp(&(a.report.period.as_str(), a.report.version))
    });
    held.iter()
        .find_map(|r| r.report.entries().find_map(|(_, e)| find(e)))
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
    choices: &std::collections::BTreeMap<Uuid, LandingChoice>,
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
            Some(LandingChoice::TakeSchool) => Some(true),
            Some(LandingChoice::KeepCounty) => Some(false),
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
