//! What a reviewer does with a finding, as change sets written in one transaction with the
//! decision that remembers it.

use uuid::Uuid;

use super::{decide, CrossCheckDecision, Department, Finding, FindingKind, RosterRow, Verdict};
use crate::casework::{Actor, CaseworkError, ChangeSet, Suspect, SuspectTrigger};
use crate::ledger::Ledger;
use crate::model::{
    Address, AuditAction, Child, DisabilityCategory, FieldChange, Guardian, Labelled, NoIdReason,
    Relation, SpecialGroup, Status,
};

/// Why an action on a finding cannot be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    #[error("此项不能这样处理")]
    WrongKind,
    #[error("名册第{0}行没有写性别，身份证号也无法读出，请先在名册中补全")]
    NoSex(usize),
    #[error("名册第{0}行没有出生日期")]
    NoBirthDate(usize),
    #[error("身份证号“{0}”已在台账中（{1}），请重新比对")]
    AlreadyInLedger(String, String),
    #[error("{0}")]
    Casework(#[from] CaseworkError),
}

impl crate::model::Localized for ActionError {
    fn en(&self) -> String {
        match self {
            ActionError::WrongKind => "This finding cannot be handled this way".into(),
            ActionError::NoSex(line) => format!(
                "Row {line} of the roster has no sex and its ID number cannot tell it: complete the roster first"
            ),
            ActionError::NoBirthDate(line) => format!("Row {line} of the roster has no birth date"),
            ActionError::AlreadyInLedger(id, name) => {
                format!("ID number {id} is already in the ledger ({name}): check again")
            }
            ActionError::Casework(e) => e.en(),
        }
    }
}

/// A registered child found in no school goes onto the children's ledger as a suspected
/// dropout with no school, and onto the suspects ledger with the roster as the trigger.
pub fn flag_registered(
    ledger: &Ledger,
    finding: &Finding,
    row: &RosterRow,
    department: Department,
    actor: &Actor,
    child_id: Uuid,
    suspect_id: Uuid,
) -> Result<ChangeSet, ActionError> {
    if finding.kind != FindingKind::NotInSchool {
        return Err(ActionError::WrongKind);
    }
    if let Some(existing) = row
        .id_number
        .as_ref()
        .and_then(|n| ledger.child_by_id_number(n))
    {
        return Err(ActionError::AlreadyInLedger(
            row.id_number
                .as_ref()
                .map(|n| n.to_string())
                .unwrap_or_default(),
            existing.name.clone(),
        ));
    }
    let sex = row.sex.ok_or(ActionError::NoSex(row.line))?;
    let birth_date = row.birth_date.ok_or(ActionError::NoBirthDate(row.line))?;
    let source = format!("{}名册第{}行", department.zh(), row.line);
    let phone_ok = crate::model::is_phone(row.phone.trim());
    let townships = ledger.townships();
    let child = Child {
        id: child_id,
        id_number: row.id_number.clone(),
        no_id_reason: row.id_number.is_none().then_some(NoIdReason::Other),
        name: row.name.clone(),
        sex,
        birth_date,
        ethnicity: String::new(),
        hukou: Address::in_county(&row.hukou, &townships),
        residence: Address::in_county(&row.residence, &townships),
        guardian: Guardian {
            name: row.guardian.clone(),
            relation: Relation::Other,
            phone: if phone_ok {
                row.phone.clone()
            } else {
                String::new()
            },
        },
        parents_away: false,
        student_number: None,
        school_id: None,
        grade: None,
        class_name: String::new(),
        status: Status::SuspectedDropout,
        groups: row.group.into_iter().collect(),
        disability: row.disability,
        note: format!("来源：{source}，{}比对发现", actor.today()),
        previous_year: None,
        roll: None,
        revision: 0,
        updated_at: actor.now,
    };
    let trigger = SuspectTrigger::CrossCheck {
        department: department.zh().to_string(),
        line: row.line,
    };
    let mut create = actor.audit(AuditAction::Create, child_id, format!("由{source}建档"));
    create.changes.push(FieldChange {
        field: "就学状态".into(),
        before: String::new(),
        after: Status::SuspectedDropout.zh().into(),
    });
    let flag = actor.audit(
        AuditAction::Update,
        child_id,
        format!("列入疑似辍学台账：{}", trigger.zh()),
    );
    let mut set = ChangeSet::default();
    set.suspects.push(Suspect {
        id: suspect_id,
        child_id,
        trigger,
        flagged_on: actor.today(),
        flagged_by: actor.name.to_string(),
        // Until checked, a registered child in none of our schools is presumed elsewhere.
        previous_status: Status::StudyingElsewhere,
        verification: None,
    });
    set.children.push(child);
    set.audit.extend([create, flag]);
    set.decisions
        .push(decision(finding, department, Verdict::Flagged, "", actor));
    Ok(set)
}

/// Adds a special group (and the disability category from the 残联 roster) to a child.
pub fn add_group(
    ledger: &Ledger,
    findings: &[(&Finding, Option<DisabilityCategory>)],
    department: Department,
    actor: &Actor,
) -> Result<ChangeSet, ActionError> {
    let mut set = ChangeSet::default();
    for (finding, disability) in findings {
        let (Some(group), Some(id)) = (finding.missing_group, finding.child_id) else {
            return Err(ActionError::WrongKind);
        };
        let child = ledger.child(id).ok_or(CaseworkError::NoChild)?;
        let mut updated = child.clone();
        let mut entry = actor.audit(
            AuditAction::Update,
            id,
            format!("据{}名册添加重点群体：{}", department.zh(), group.zh()),
        );
        if !updated.groups.contains(&group) {
            updated.groups.push(group);
            entry.changes.push(FieldChange {
                field: "重点群体".into(),
                before: names(&child.groups),
                after: names(&updated.groups),
            });
        }
        if group == SpecialGroup::Disabled && updated.disability.is_none() {
            updated.disability = *disability;
            if let Some(d) = disability {
                entry.changes.push(FieldChange {
                    field: "残疾类别".into(),
                    before: String::new(),
                    after: d.zh().into(),
                });
            }
        }
        set.children.push(updated);
        set.audit.push(entry);
        set.decisions.push(decision(
            finding,
            department,
            Verdict::GroupAdded,
            "",
            actor,
        ));
    }
    Ok(set)
}

fn names(groups: &[SpecialGroup]) -> String {
    groups.iter().map(|g| g.zh()).collect::<Vec<_>>().join("、")
}

/// A decision with nothing else changed (checked, same person, not the same person).
pub fn record_decision(
    finding: &Finding,
    department: Department,
    verdict: Verdict,
    note: &str,
    actor: &Actor,
) -> ChangeSet {
    ChangeSet {
        decisions: vec![decision(finding, department, verdict, note, actor)],
        ..Default::default()
    }
}

fn decision(
    finding: &Finding,
    department: Department,
    verdict: Verdict,
    note: &str,
    actor: &Actor,
) -> CrossCheckDecision {
    decide(finding, department, verdict, note, actor.name, actor.now)
}
