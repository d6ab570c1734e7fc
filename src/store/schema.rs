//! The database schema, its versions, and the data migrations between them.
//!
//! The `idb` builder under rexie deletes every object store it is not told about on upgrade,
//! so this one builder declares every store, including the legacy ones still to be migrated.
//!
//! - Version 1: `meta`, `schools`, `audit`, and `children` with one JSON object per child.
//! - Version 2: adds `child_chunks` (children packed 1,000 to a binary chunk). On open, any
//!   children left in `children` move into chunks in one transaction.
//! - Version 3: adds `casework` (suspects, cases, transfers, home-teaching plans: JSON text
//!   under "kind/id") and `absences` (JSON text under "date/child", so recent ones are one
//!   key range).
//! - Version 4: `audit` gains `by_subjects`, a multi-entry index over the subjects of an entry
//!   about many (a 学籍 import writes one entry per school with a line per child).

use baoxue_core::ledger::chunk::{decode_chunk, encode_chunk, CHUNK_SIZE};
use baoxue_core::model::{AuditAction, AuditEntry, Child};
use js_sys::Uint8Array;
use rexie::{Index, ObjectStore, Rexie, RexieBuilder, TransactionMode};
use wasm_bindgen::JsCast;

use super::{from_js, put_audit, put_chunk, read_err, step, write, write_err, Db, StoreError};

/// Unique to the app: every file:// page may share one origin.
pub const DB_NAME: &str = "baoxue-kongchuobaoxue";
pub const SCHEMA_VERSION: u32 = 4;

pub const META: &str = "meta";
pub const SCHOOLS: &str = "schools";
pub const AUDIT: &str = "audit";
pub const AUDIT_BY_SUBJECT: &str = "by_subject";
pub const AUDIT_BY_SUBJECTS: &str = "by_subjects";
/// The property `by_subjects` indexes: written by the store, not part of the entry.
pub const AUDIT_SUBJECTS: &str = "subjects";
/// Version 1 layout: one object per child. Kept declared so upgrades can migrate it.
pub const CHILDREN_V1: &str = "children";
pub const CHUNKS: &str = "child_chunks";
pub const CASEWORK: &str = "casework";
pub const ABSENCES: &str = "absences";
/// The records of the `meta` store, each under its own key, each one JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKey {
    /// The unit this installation works for (单位设置).
    Installation,
    /// 控辍保学 settings.
    Settings,
    /// Roster column choices per department (四查三比对).
    Mappings,
    /// Column choices for the 学籍 export.
    RollMapping,
    /// Children the last 学籍 import left to decide for.
    RollFollowUp,
    /// Each school's monthly figures: a few thousand small records, read and written whole.
    History,
    /// When the last backup file was made.
    LastBackup,
}

impl MetaKey {
    /// The key as stored; existing databases use these, so they never change.
    pub fn key(self) -> &'static str {
        match self {
            MetaKey::Installation => "installation",
            MetaKey::Settings => "settings",
            MetaKey::Mappings => "crosscheck-mappings",
            MetaKey::RollMapping => "roll-mapping",
            MetaKey::RollFollowUp => "roll-follow-up",
            MetaKey::History => "history",
            MetaKey::LastBackup => "last_backup",
        }
    }

    /// What the record is, for a message when it cannot be read.
    pub fn what(self) -> &'static str {
        match self {
            MetaKey::Installation => "单位设置",
            MetaKey::Settings => "控辍保学设置",
            MetaKey::Mappings => "名册列对应关系",
            MetaKey::RollMapping => "学籍名册列对应关系",
            MetaKey::RollFollowUp => "学籍名册待核实名单",
            MetaKey::History => "各校月度数据",
            MetaKey::LastBackup => "上次备份时间",
        }
    }
}

impl From<MetaKey> for wasm_bindgen::JsValue {
    fn from(k: MetaKey) -> Self {
        wasm_bindgen::JsValue::from_str(k.key())
    }
}

/// Every store, for operations on the whole database.
pub const ALL: [&str; 7] = [
    META,
    SCHOOLS,
    CHUNKS,
    CHILDREN_V1,
    AUDIT,
    CASEWORK,
    ABSENCES,
];

/// Stores of version 1, for tests that write a version-1 database.
#[cfg(test)]
pub fn builder_v1(name: &str) -> RexieBuilder {
    stores_v1(name, audit_store())
}

fn audit_store() -> ObjectStore {
    ObjectStore::new(AUDIT)
        .auto_increment(true)
        .add_index(Index::new(AUDIT_BY_SUBJECT, "subject"))
}

fn stores_v1(name: &str, audit: ObjectStore) -> RexieBuilder {
    Rexie::builder(name)
        .version(1)
        .add_object_store(ObjectStore::new(META))
        .add_object_store(
            ObjectStore::new(SCHOOLS)
                .key_path("id")
                .add_index(Index::new("by_code", "code").unique(true)),
        )
        .add_object_store(audit)
        .add_object_store(ObjectStore::new(CHILDREN_V1).key_path("id"))
}

/// The current schema: the only place the app builds a database.
pub fn builder(name: &str) -> RexieBuilder {
    let audit =
        audit_store().add_index(Index::new(AUDIT_BY_SUBJECTS, AUDIT_SUBJECTS).multi_entry(true));
    stores_v1(name, audit)
        .version(SCHEMA_VERSION)
        .add_object_store(ObjectStore::new(CHUNKS))
        .add_object_store(ObjectStore::new(CASEWORK))
        .add_object_store(ObjectStore::new(ABSENCES))
}

/// Moves version-1 children into chunks, after the existing ones, in one transaction.
pub async fn migrate_data(db: &Db) -> Result<(), StoreError> {
    let tx = db.tx(&[CHILDREN_V1], TransactionMode::ReadOnly)?;
    let legacy = tx.store(CHILDREN_V1).map_err(read_err)?;
    if legacy.count(None).await.map_err(read_err)? == 0 {
        return Ok(());
    }
    let legacy: Vec<Child> = legacy
        .get_all(None, None)
        .await
        .map_err(read_err)?
        .into_iter()
        .map(|v| from_js(v, "旧版儿童记录"))
        .collect::<Result<_, _>>()?;
    drop(tx);

    let tx = db.tx(&[CHUNKS], TransactionMode::ReadOnly)?;
    let mut children: Vec<Child> = Vec::new();
    for v in tx
        .store(CHUNKS)
        .map_err(read_err)?
        .get_all(None, None)
        .await
        .map_err(read_err)?
    {
        let bytes = v
            .dyn_into::<Uint8Array>()
            .map_err(|_| read_err("chunk"))?
            .to_vec();
        children.extend(decode_chunk(&bytes)?);
    }
    drop(tx);
    let moved = legacy.len();
    children.extend(legacy);
    let chunks = children
        .chunks(CHUNK_SIZE)
        .enumerate()
        .map(|(i, c)| Ok((i as u32, encode_chunk(c)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let audit = AuditEntry {
        at: chrono::Local::now().naive_local(),
        operator: "系统".into(),
        action: AuditAction::Migrate,
        subject: "installation".into(),
        summary: format!("数据库升级到第{SCHEMA_VERSION}版：{moved}名儿童的记录已转存"),
        changes: Vec::new(),
        lines: Vec::new(),
    };
    write(db, &[CHILDREN_V1, CHUNKS, AUDIT], |tx| async move {
        let store = step!(tx, tx.store(CHUNKS).map_err(write_err));
        for (no, bytes) in &chunks {
            step!(tx, put_chunk(&store, *no, bytes).await);
        }
        let legacy = step!(tx, tx.store(CHILDREN_V1).map_err(write_err));
        step!(tx, legacy.clear().await.map_err(write_err));
        step!(tx, put_audit(&tx, &audit).await);
        Ok(tx)
    })
    .await
}
