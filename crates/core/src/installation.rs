//! Everything one installation holds (本机全部数据), as one value: what the store loads at
//! start, what set-up, the demo and a restore write in one transaction, and what a backup
//! carries. One type, so that replacing an installation replaces all of it.

use crate::casework::{
    Absence, Casebook, CaseworkSettings, DropoutCase, HomeTeachingPlan, Suspect, Transfer,
};
use crate::crosscheck::{CrossCheckDecision, Mappings, RememberedMapping};
use crate::exchange::holdings::{Inbox, Outbox};
use crate::exchange::Backup;
use crate::indicators::history::SchoolMonth;
use crate::model::{AuditEntry, Child, Installation, School};
use crate::student_roll::{RollField, RollFollowUp};

/// The casework and exchange records of an installation: suspects, cases, transfers,
/// home-teaching plans, absences, cross-check decisions, monthly figures, reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Records {
    pub suspects: Vec<Suspect>,
    pub cases: Vec<DropoutCase>,
    pub transfers: Vec<Transfer>,
    pub plans: Vec<HomeTeachingPlan>,
    pub absences: Vec<Absence>,
    pub decisions: Vec<CrossCheckDecision>,
    /// Each school's monthly figures (kept for the indicators).
    pub history: Vec<SchoolMonth>,
    /// Reports received and reviews made (county), reports sent and reviews got (school).
    pub inbox: Inbox,
    pub outbox: Outbox,
}

impl Records {
    /// The casebook these records make, under `settings`.
    pub fn casebook(&self, settings: CaseworkSettings) -> Casebook {
        Casebook::new(
            settings,
            self.suspects.clone(),
            self.cases.clone(),
            self.transfers.clone(),
            self.plans.clone(),
            self.absences.clone(),
        )
        .with_decisions(self.decisions.clone())
    }
}

/// A whole installation: the unit, its settings, schools, children and records, and the
/// column choices remembered for the files it reads.
#[derive(Debug, Clone, PartialEq)]
pub struct WholeInstallation {
    pub installation: Installation,
    pub settings: CaseworkSettings,
    pub schools: Vec<School>,
    pub children: Vec<Child>,
    pub records: Records,
    /// Roster column choices per department (四查三比对).
    pub mappings: Mappings,
    /// Column choices for the 学籍 export.
    pub roll_mapping: RememberedMapping<RollField>,
    /// Children the last 学籍 import left to decide for.
    pub roll_follow_up: RollFollowUp,
}

impl WholeInstallation {
    /// A unit just set up, with its schools and nothing else.
    pub fn new(
        installation: Installation,
        settings: CaseworkSettings,
        schools: Vec<School>,
    ) -> Self {
        WholeInstallation {
            installation,
            settings,
            schools,
            children: Vec::new(),
            records: Records::default(),
            mappings: Mappings::new(),
            roll_mapping: RememberedMapping::new(),
            roll_follow_up: RollFollowUp::default(),
        }
    }

    /// What a backup holds, and its audit trail.
    pub fn from_backup(b: Backup) -> (WholeInstallation, Vec<AuditEntry>) {
        let whole = WholeInstallation {
            installation: b.installation,
            settings: b.settings,
            schools: b.schools,
            children: b.children,
            records: Records {
                suspects: b.suspects,
                cases: b.cases,
                transfers: b.transfers,
                plans: b.plans,
                absences: b.absences,
                decisions: b.crosscheck_decisions,
                history: b.history,
                inbox: b.inbox,
                outbox: b.outbox,
            },
            mappings: b.crosscheck_mappings,
            roll_mapping: b.roll_mapping,
            roll_follow_up: b.roll_follow_up,
        };
        (whole, b.audit)
    }

    /// The backup of this installation with its audit trail.
    pub fn into_backup(self, audit: Vec<AuditEntry>) -> Backup {
        let r = self.records;
        Backup {
            installation: self.installation,
            settings: self.settings,
            schools: self.schools,
            children: self.children,
            suspects: r.suspects,
            cases: r.cases,
            transfers: r.transfers,
            plans: r.plans,
            absences: r.absences,
            audit,
            crosscheck_decisions: r.decisions,
            crosscheck_mappings: self.mappings,
            history: r.history,
            inbox: r.inbox,
            outbox: r.outbox,
            roll_mapping: self.roll_mapping,
            roll_follow_up: self.roll_follow_up,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_and_a_whole_installation_carry_the_same_records_both_ways() {
        let table =
            crate::divisions::DivisionTable::parse(include_str!("../../../public/divisions.tsv"))
                .unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut p = crate::demo::DemoParams::new(today);
        p.children = 600;
        let county = crate::demo::generate(&p, &table).unwrap();
        let made_at = today.and_hms_opt(9, 0, 0).unwrap();
        let b = county.into_backup(today, made_at);
        assert!(!b.suspects.is_empty() && !b.audit.is_empty());
        let (whole, audit) = WholeInstallation::from_backup(b.clone());
        assert_eq!(whole.children.len(), b.children.len());
        assert_eq!(whole.records.suspects, b.suspects);
        assert_eq!(whole.records.history, b.history);
        assert_eq!(whole.clone().into_backup(audit), b);
        let book = whole.records.casebook(whole.settings.clone());
        assert_eq!(book.suspects().count(), b.suspects.len());
    }
}
