//! The field's nouns: units, schools, children, and the audit trail.

mod child;
mod labels;
mod unit;

pub use child::*;
pub(crate) use labels::labelled_enum;
pub use labels::{Labelled, Lang};
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
