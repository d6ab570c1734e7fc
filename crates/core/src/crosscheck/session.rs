//! One roster being checked (四查三比对), step by step: read, map its columns, check it
//! against the ledger, act on findings. The roster is another department's data, so a
//! session lives in memory only; what it changes comes out as a [`ChangeSet`] for the one
//! transaction, and the column choice as a [`RememberedMapping`] to keep.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::actions::{add_group, flag_registered, record_decision, ActionError};
use super::{
    build_roster, cross_check, ColumnMapping, CrossCheckDecision, CrossCheckResult, Department,
    Finding, FindingKind, RawTable, Roster, RosterField, Verdict,
};
use crate::casework::{Actor, ChangeSet};
use crate::ledger::Ledger;
use crate::model::{format_count, Labelled, Localized};

/// Column choices remembered per department, by the department's key.
pub type Mappings = BTreeMap<String, super::RememberedMapping>;

/// Remembered decisions by finding key.
type Decisions = std::collections::HashMap<String, CrossCheckDecision>;

/// What a reviewer does with one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Put a registered child found in no school on the suspects ledger.
    Flag,
    /// Checked, nothing to do (needs a note).
    Checked,
    /// Add the roster's special group to the ledger's child.
    AddGroup,
    /// The possible match is the same person.
    Same,
    /// The possible match is not the same person.
    Different,
}

/// Why a step of the session cannot be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("名册的列还未比对，请先点“开始比对”")]
    NotChecked,
    #[error("名册已变化，请重新比对")]
    Stale,
    #[error("请先在“核实说明”中写明核实情况")]
    NeedNote,
    #[error("{0}")]
    Action(#[from] ActionError),
}

impl Localized for SessionError {
    fn en(&self) -> String {
        match self {
            SessionError::NotChecked => "The roster has not been checked yet: press Check".into(),
            SessionError::Stale => "The roster changed: check it again".into(),
            SessionError::NeedNote => "Write what was checked in the note first".into(),
            SessionError::Action(e) => e.en(),
        }
    }
}

/// A roster being checked, kept while the user looks at children and comes back.
#[derive(Debug, Clone)]
pub struct Session {
    pub department: Department,
    pub file_name: String,
    pub table: RawTable,
    pub mapping: ColumnMapping,
    /// Built from the table and mapping when the user starts the check.
    pub roster: Option<Roster>,
    pub result: Option<CrossCheckResult>,
}

fn remembered(mappings: &Mappings, department: Department) -> super::RememberedMapping {
    mappings.get(department.key()).cloned().unwrap_or_default()
}

impl Session {
    /// A table just read, its columns guessed with what was remembered for the department.
    pub fn read(
        department: Department,
        file_name: String,
        table: RawTable,
        mappings: &Mappings,
    ) -> Session {
        let mapping = ColumnMapping::detect(&table, &remembered(mappings, department));
        Session {
            department,
            file_name,
            table,
            mapping,
            roster: None,
            result: None,
        }
    }

    /// The roster belongs to another department: its remembered columns apply and the
    /// results of the other department's rules go. False when nothing changed.
    pub fn change_department(&mut self, department: Department, mappings: &Mappings) -> bool {
        if self.department == department {
            return false;
        }
        self.department = department;
        self.mapping = ColumnMapping::detect(&self.table, &remembered(mappings, department));
        self.roster = None;
        self.result = None;
        true
    }

    /// The user set a column's field by hand; the check must be run again.
    pub fn set_field(&mut self, column: usize, field: Option<RosterField>) {
        self.mapping.set(column, field);
        self.roster = None;
        self.result = None;
    }

    /// Builds the roster with the mapping and checks it, remembering the mapping in
    /// `mappings` for the department's next roster.
    pub fn check(
        &mut self,
        ledger: &Ledger,
        decisions: &Decisions,
        today: NaiveDate,
        mappings: &mut Mappings,
    ) {
        mappings.insert(
            self.department.key().to_string(),
            self.mapping.to_remember(&self.table),
        );
        self.roster = Some(build_roster(&self.table, &self.mapping, self.department));
        self.recheck(ledger, decisions, today);
    }

    /// Checks the roster again after the ledger or the decisions changed.
    pub fn recheck(&mut self, ledger: &Ledger, decisions: &Decisions, today: NaiveDate) {
        if let Some(roster) = &self.roster {
            self.result = Some(cross_check(ledger, roster, decisions, today));
        }
    }

    fn checked(&self) -> Result<(&Roster, &CrossCheckResult), SessionError> {
        match (&self.roster, &self.result) {
            (Some(r), Some(c)) => Ok((r, c)),
            _ => Err(SessionError::NotChecked),
        }
    }

    /// What doing `action` on the finding at `index` changes, with its decision.
    /// `new_ids` are the ids of the child and suspect a flag creates.
    pub fn act(
        &self,
        ledger: &Ledger,
        index: usize,
        action: Action,
        note: &str,
        actor: &Actor,
        new_ids: (Uuid, Uuid),
    ) -> Result<ChangeSet, SessionError> {
        if action == Action::Checked && note.trim().is_empty() {
            return Err(SessionError::NeedNote);
        }
        let (roster, result) = self.checked()?;
        let f = result.findings.get(index).ok_or(SessionError::Stale)?;
        let dept = self.department;
        let row = f.row.and_then(|r| roster.rows.get(r));
        Ok(match action {
            Action::Flag => {
                let row = row.ok_or(SessionError::Stale)?;
                flag_registered(ledger, f, row, dept, actor, new_ids.0, new_ids.1)?
            }
            Action::AddGroup => {
                add_group(ledger, &[(f, row.and_then(|r| r.disability))], dept, actor)?
            }
            Action::Checked => record_decision(f, dept, Verdict::Explained, note, actor),
            Action::Same => record_decision(f, dept, Verdict::SamePerson, note, actor),
            Action::Different => record_decision(f, dept, Verdict::DifferentPerson, note, actor),
        })
    }

    /// Adds every missing group flag the roster shows, at once.
    pub fn add_all_groups(
        &self,
        ledger: &Ledger,
        actor: &Actor,
    ) -> Result<ChangeSet, SessionError> {
        let (roster, result) = self.checked()?;
        let todo: Vec<(&Finding, _)> = result
            .findings
            .iter()
            .filter(|f| f.missing_group.is_some() && f.state.is_open())
            .map(|f| {
                let row = f.row.and_then(|r| roster.rows.get(r));
                (f, row.and_then(|r| r.disability))
            })
            .collect();
        Ok(add_group(ledger, &todo, self.department, actor)?)
    }

    /// Whether some missing group flag is still open.
    pub fn can_add_all_groups(&self) -> bool {
        self.result.as_ref().is_some_and(|r| {
            r.findings
                .iter()
                .any(|f| f.missing_group.is_some() && f.state.is_open())
        })
    }

    /// The findings of one list, by index, what needs doing first: open before decided,
    /// a missing group flag first. Decided ones only with `with_decided`.
    pub fn listed(&self, kind: FindingKind, with_decided: bool) -> Vec<usize> {
        let Some(r) = &self.result else {
            return Vec::new();
        };
        let mut ids: Vec<usize> = r
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind == kind && (with_decided || f.state.is_open()))
            .map(|(i, _)| i)
            .collect();
        ids.sort_by_key(|i| {
            let f = &r.findings[*i];
            (!f.state.is_open(), f.missing_group.is_none())
        });
        ids
    }

    /// Open findings per list, in the order of [`FindingKind::ALL`].
    pub fn open_counts(&self) -> Vec<usize> {
        FindingKind::ALL
            .iter()
            .map(|k| self.result.as_ref().map_or(0, |r| r.count(*k, true)))
            .collect()
    }

    /// Roster rows not imported or with an ID number problem.
    pub fn problem_rows(&self) -> usize {
        self.roster
            .as_ref()
            .map_or(0, |r| r.rejected.len() + r.id_problems().count())
    }

    /// The summary line of a check, once it ran.
    pub fn summary(&self) -> Option<CheckSummary> {
        let (roster, r) = self.checked().ok()?;
        Some(CheckSummary {
            department: self.department,
            rows: roster.rows.len() + roster.rejected.len(),
            by_id: r.matched_by_id,
            by_name: r.matched_by_name,
            not_school_age: r.not_school_age,
            problems: self.problem_rows(),
            not_imported: roster.rejected.len(),
        })
    }
}

/// How a roster matched the ledger, for the line above the lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSummary {
    pub department: Department,
    pub rows: usize,
    pub by_id: usize,
    pub by_name: usize,
    pub not_school_age: usize,
    pub problems: usize,
    pub not_imported: usize,
}

impl std::fmt::Display for CheckSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.counts();
        write!(
            f,
            "{}名册{}行：按身份证号匹配{}人，按姓名和出生日期确认{}人；不在义务教育年龄{}人；问题行{}行（其中{}行未导入）",
            self.department.zh(), n[0], n[1], n[2], n[3], n[4], n[5]
        )
    }
}

impl Localized for CheckSummary {
    fn en(&self) -> String {
        let n = self.counts();
        format!(
            "{} roster, {} rows: {} matched by ID number, {} confirmed by name and birth date; {} not of compulsory-school age; {} problem rows ({} not imported)",
            self.department.en(), n[0], n[1], n[2], n[3], n[4], n[5]
        )
    }
}

impl CheckSummary {
    fn counts(&self) -> [String; 6] {
        [
            self.rows,
            self.by_id,
            self.by_name,
            self.not_school_age,
            self.problems,
            self.not_imported,
        ]
        .map(format_count)
    }
}
