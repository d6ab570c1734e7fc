//! Full backup of an installation: every record, audit entry and setting.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::clip;
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
    pub inbox: super::holdings::Inbox,
    /// Monthly reports sent and the reviews that came back.
    #[serde(default)]
    pub outbox: super::holdings::Outbox,
    /// Column choices for the 学籍 export.
    #[serde(default)]
    pub roll_mapping: RememberedMapping<crate::student_roll::RollField>,
    /// Children the last 学籍 import left to decide for.
    #[serde(default)]
    pub roll_follow_up: crate::student_roll::RollFollowUp,
}

/// Most problems a refused restore lists (the rest are counted).
const SHOWN_PROBLEMS: usize = 10;
/// Longest name of a child or guardian, in characters.
const MAX_NAME: usize = 50;
/// Longest other text (an address, a note, a school's name), in characters.
const MAX_TEXT: usize = 500;

impl Backup {
    /// Everything that keeps this backup from being restored as it is, each in Chinese with
    /// where it is; empty when it may replace the installation's data. A restore replaces
    /// everything, so it is checked whole before anything is touched.
    pub fn problems(&self) -> Vec<String> {
        use std::collections::{HashMap, HashSet};
        let mut out: Vec<String> = self
            .settings
            .problems()
            .into_iter()
            .map(|p| format!("设置：{p}"))
            .collect();
        let long = |t: &str, max: usize| t.chars().count() > max;
        let mut school_ids = HashSet::new();
        let mut codes: HashMap<&str, &str> = HashMap::new();
        for (i, s) in self.schools.iter().enumerate() {
            let at = format!("第{}所学校“{}”", i + 1, clip(&s.name, 20));
            if !school_ids.insert(s.id) {
                out.push(format!("{at}：编号{}重复", s.id));
            }
            if s.name.trim().is_empty() || long(&s.name, MAX_TEXT) {
                out.push(format!("{at}：校名为空或超过{MAX_TEXT}字"));
            }
            if let Some(code) = &s.code {
                if code.len() != 10 || !code.bytes().all(|b| b.is_ascii_digit()) {
                    out.push(format!("{at}：学校标识码“{}”不是10位数字", clip(code, 20)));
                } else if let Some(other) = codes.insert(code, &s.name) {
                    out.push(format!("{at}：学校标识码{code}与“{}”重复", clip(other, 20)));
                }
            }
        }
        let mut child_ids = HashSet::new();
        let mut id_numbers: HashMap<u64, usize> = HashMap::new();
        for (i, c) in self.children.iter().enumerate() {
            let at = format!("第{}名儿童“{}”", i + 1, clip(&c.name, 20));
            if !child_ids.insert(c.id) {
                out.push(format!("{at}：编号{}重复", c.id));
            }
            if let Some(n) = &c.id_number {
                if let Some(first) = id_numbers.insert(n.key(), i) {
                    out.push(format!(
                        "{at}：身份证件号与第{}名儿童相同（{}），同一儿童不能登记两次",
                        first + 1,
                        n.as_str()
                    ));
                }
            }
            if c.name.trim().is_empty()
                || long(&c.name, MAX_NAME)
                || long(&c.guardian.name, MAX_NAME)
            {
                out.push(format!(
                    "{at}：姓名为空，或儿童、监护人姓名超过{MAX_NAME}字"
                ));
            }
            let texts = [
                &c.ethnicity,
                &c.hukou.detail,
                &c.residence.detail,
                &c.guardian.phone,
                &c.class_name,
                &c.note,
            ];
            if texts.iter().any(|t| long(t, MAX_TEXT)) {
                out.push(format!("{at}：有超过{MAX_TEXT}字的内容"));
            }
            if c.grade.is_some_and(|g| !(1..=9).contains(&g)) {
                out.push(format!(
                    "{at}：年级{}不在1到9之间",
                    c.grade.unwrap_or_default()
                ));
            }
            if c.school_id.is_some_and(|s| !school_ids.contains(&s)) {
                out.push(format!("{at}：所在学校不在备份的学校名单中"));
            }
            if !(1990..=2100).contains(&chrono::Datelike::year(&c.birth_date)) {
                out.push(format!("{at}：出生日期{}不合理", c.birth_date));
            }
        }
        let unknown = |child: &uuid::Uuid| !child_ids.contains(child);
        let orphans = self
            .suspects
            .iter()
            .filter(|s| unknown(&s.child_id))
            .count()
            + self.cases.iter().filter(|c| unknown(&c.child_id)).count();
        if orphans > 0 {
            out.push(format!("{orphans}条疑似辍学或辍学案件记录的儿童不在备份中"));
        }
        if out.len() > SHOWN_PROBLEMS {
            let more = out.len() - SHOWN_PROBLEMS;
            out.truncate(SHOWN_PROBLEMS);
            out.push(format!("另有{more}处问题"));
        }
        out
    }

    /// What the backup holds, in `lang`: counts to show before a restore.
    pub fn summary_in(&self, lang: crate::model::Lang) -> String {
        let n = [
            self.schools.len(),
            self.children.len(),
            self.suspects.len(),
            self.cases.len(),
            self.absences.len(),
            self.audit.len(),
        ];
        let unit = self.installation.unit_name();
        match lang {
            crate::model::Lang::Zh => format!(
                "{unit}：{}所学校，{}名儿童，{}条疑似辍学记录，{}个辍学案件，{}条缺勤记录，{}条操作日志",
                n[0], n[1], n[2], n[3], n[4], n[5]
            ),
            crate::model::Lang::En => format!(
                "{unit}: {} schools, {} children, {} suspects, {} dropout cases, {} absences, {} log entries",
                n[0], n[1], n[2], n[3], n[4], n[5]
            ),
        }
    }

    /// What the backup holds, as the audit trail records it.
    pub fn summary(&self) -> String {
        self.summary_in(crate::model::Lang::Zh)
    }
}
