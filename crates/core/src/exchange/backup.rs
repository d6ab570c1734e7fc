//! Full backup of an installation: every record, audit entry and setting.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::casework::{
    Absence, CaseworkSettings, DropoutCase, HomeTeachingPlan, Suspect, Transfer,
};
use crate::crosscheck::{CrossCheckDecision, RememberedMapping};
use crate::model::{AuditEntry, Child, Installation, School};

pub const BACKUP_KIND: &str = "backup";

/// The payload of a backup bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Backup {
    pub installation: Installation,
    pub settings: CaseworkSettings,
    pub schools: Vec<School>,
    pub children: Vec<Child>,
    pub suspects: Vec<Suspect>,
    pub cases: Vec<DropoutCase>,
    pub transfers: Vec<Transfer>,
    pub plans: Vec<HomeTeachingPlan>,
    pub absences: Vec<Absence>,
    pub audit: Vec<AuditEntry>,
    /// Cross-check decisions (四查三比对), remembered between monthly runs.
    #[serde(default)]
    pub crosscheck_decisions: Vec<CrossCheckDecision>,
    /// Column mappings chosen per department (key of the department).
    #[serde(default)]
    pub crosscheck_mappings: BTreeMap<String, RememberedMapping>,
    /// Each school's monthly figures, for the indicators' history.
    #[serde(default)]
    pub history: Vec<crate::indicators::history::SchoolMonth>,
    /// Monthly reports received (every version) and the reviews made of them.
    #[serde(default)]
    pub inbox: super::report::Inbox,
    /// Monthly reports sent and the reviews that came back.
    #[serde(default)]
    pub outbox: super::report::Outbox,
}

impl Backup {
    /// Counts to show before a restore.
    pub fn summary(&self) -> String {
        format!(
            "{}：{}所学校，{}名儿童，{}条疑似辍学记录，{}个辍学案件，{}条缺勤记录，{}条操作日志",
            self.installation.unit_name(),
            self.schools.len(),
            self.children.len(),
            self.suspects.len(),
            self.cases.len(),
            self.absences.len(),
            self.audit.len()
        )
    }
}
