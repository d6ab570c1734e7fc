//! The field's nouns: units, schools, children, and the audit trail.

mod child;
pub mod crosscheck;
pub mod id_number;
mod labels;
mod unit;

pub use child::*;
pub(crate) use labels::labelled_enum;
pub use labels::{Labelled, Lang, Localized};
pub use unit::*;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// One entry of the audit trail (操作日志): who changed what, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditEntry {
    pub at: NaiveDateTime,
    pub operator: String,
    pub action: AuditAction,
    /// What the entry is about: a child's or school's id, or "installation".
    pub subject: String,
    pub summary: String,
    pub changes: Vec<FieldChange>,
    /// An entry about many subjects at once — a 学籍 import writes one per school with a line
    /// per child, not 200,000 records — carries one line per subject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<AuditLine>,
}

/// One subject's part of an entry about many.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditLine {
    pub subject: String,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
}

impl AuditEntry {
    /// The entry as it concerns `subject`: itself, or its line about that subject.
    pub fn about(&self, subject: &str) -> Option<AuditEntry> {
        if self.subject == subject {
            return Some(self.clone());
        }
        let line = self.lines.iter().find(|l| l.subject == subject)?;
        Some(AuditEntry {
            at: self.at,
            operator: self.operator.clone(),
            action: self.action,
            subject: line.subject.clone(),
            summary: line.summary.clone(),
            changes: line.changes.clone(),
            lines: Vec::new(),
        })
    }

    /// Entries of one operation packed by `group` (a school's id): each group one entry whose
    /// lines are its members' entries, summarised by `summary(group, count)`. Entries that are
    /// about a group itself stay as they are.
    pub fn pack(
        entries: Vec<AuditEntry>,
        group: impl Fn(&AuditEntry) -> String,
        summary: impl Fn(&str, usize) -> String,
    ) -> Vec<AuditEntry> {
        let mut packed: Vec<AuditEntry> = Vec::new();
        let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for e in entries {
            let key = group(&e);
            let i = *at.entry(key.clone()).or_insert_with(|| {
                packed.push(AuditEntry {
                    at: e.at,
                    operator: e.operator.clone(),
                    action: e.action,
                    subject: key,
                    summary: String::new(),
                    changes: Vec::new(),
                    lines: Vec::new(),
                });
                packed.len() - 1
            });
            packed[i].lines.push(AuditLine {
                subject: e.subject,
                summary: e.summary,
                changes: e.changes,
            });
        }
        for p in &mut packed {
            p.summary = summary(&p.subject, p.lines.len());
        }
        packed
    }
}

labelled_enum! {
    /// Kind of change recorded in the audit trail.
    AuditAction {
        Create = ("create", "新增", "Created"),
        Update = ("update", "修改", "Updated"),
        Delete = ("delete", "删除", "Deleted"),
        Setup = ("setup", "初始化", "Set up"),
        Import = ("import", "导入", "Imported"),
        Reset = ("reset", "清空", "Reset"),
        Migrate = ("migrate", "数据升级", "Migrated"),
        Restore = ("restore", "恢复备份", "Restored from a backup"),
    }
}

/// One field's value before and after a change, as shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// New record ids for work that makes many at once (a 学籍 import's 200,000 children): random
/// version-4 ids drawn from one seed, so the browser's random source is asked once, not once
/// per child (each ask crosses into JavaScript).
pub struct IdSource(rand_chacha::ChaCha20Rng);

impl IdSource {
    /// `seed` from the platform's secure random source.
    pub fn from_seed(seed: [u8; 32]) -> IdSource {
        use rand::SeedableRng;
        IdSource(rand_chacha::ChaCha20Rng::from_seed(seed))
    }

    pub fn next_id(&mut self) -> uuid::Uuid {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        self.0.fill_bytes(&mut bytes);
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

#[cfg(test)]
mod id_source_tests {
    use super::IdSource;

    #[test]
    fn ids_from_one_seed_are_version_4_and_never_repeat() {
        let mut ids = IdSource::from_seed([7; 32]);
        let made: std::collections::HashSet<_> = (0..200_000).map(|_| ids.next_id()).collect();
        assert_eq!(made.len(), 200_000);
        assert!(made.iter().all(|u| u.get_version_num() == 4));
        let mut other = IdSource::from_seed([8; 32]);
        assert!(!made.contains(&other.next_id()));
    }
}

/// Children of the imported schools whom the export did not list: a person decides for each
/// (转出, 毕业, 疑似辍学, or a mistake of the file); nothing is deleted. What is done with
/// it is the 学籍 import's (`student_roll`).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct RollFollowUp {
    pub imported_at: Option<chrono::NaiveDateTime>,
    pub files: Vec<String>,
    pub missing: Vec<uuid::Uuid>,
}

/// A grade as people say it: 7年级, Grade 7.
pub fn grade_label(grade: u8, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{grade}年级"),
        Lang::En => format!("Grade {grade}"),
    }
}

/// A grade and class, for lists: 7年级 2班, Grade 7 2班 (the class is written as the school
/// names it).
pub fn grade_and_class(grade: u8, class: &str, lang: Lang) -> String {
    format!("{} {class}", grade_label(grade, lang))
        .trim_end()
        .to_string()
}

/// A count as the office writes it: 30000 → "30,000".
pub fn format_count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod format_tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        let f = super::format_count;
        assert_eq!(
            [f(0), f(999), f(1_000), f(30_000), f(200_000), f(1_234_567)],
            ["0", "999", "1,000", "30,000", "200,000", "1,234,567"]
        );
    }
}
