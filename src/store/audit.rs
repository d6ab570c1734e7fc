//! The audit trail (操作日志): entries as stored, written inside each change's transaction, read
//! by subject or newest first.

use std::collections::HashMap;

use baoxue_core::ledger::chunk::CHUNK_SIZE;
use uuid::Uuid;

use super::*;

/// An audit entry as stored. An entry about many subjects keeps its lines as one JSON text
/// (one string to clone, not 2,000 objects; the newest entries are read without them) and
/// lists, for `by_subjects`, where its subjects are: the chunk a child is stored in, else
/// the subject itself. Chunks, not children: 200,000 index keys take seconds to write, the
/// few hundred chunks a 学籍 import touches do not.
pub(super) fn audit_value(entry: &AuditEntry, shelf: &Shelf) -> Result<JsValue, StoreError> {
    if entry.lines.is_empty() {
        return to_js(entry);
    }
    let head = AuditEntry {
        operator: entry.operator.clone(),
        subject: entry.subject.clone(),
        summary: entry.summary.clone(),
        changes: entry.changes.clone(),
        lines: Vec::new(),
        ..*entry
    };
    let value = to_js(&head)?;
    let lines = serde_json::to_string(&entry.lines).map_err(write_err)?;
    let keys: std::collections::BTreeSet<String> = entry
        .lines
        .iter()
        .map(|l| match shelf.of(&l.subject) {
            Some(chunk) => shelf_key(chunk),
            None => l.subject.clone(),
        })
        .collect();
    let subjects: js_sys::Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
    js_sys::Reflect::set(&value, &AUDIT_LINES.into(), &lines.into()).map_err(write_err)?;
    js_sys::Reflect::set(&value, &schema::AUDIT_SUBJECTS.into(), &subjects).map_err(write_err)?;
    Ok(value)
}

/// The chunk each child is stored in, for the index of entries about many.
#[derive(Default)]
pub(super) struct Shelf(HashMap<Uuid, u32>);

impl Shelf {
    /// Children by their slot in the ledger.
    pub(super) fn of_slots<'a>(slots: impl Iterator<Item = (usize, &'a Uuid)>) -> Self {
        Shelf(
            slots
                .map(|(slot, id)| (*id, (slot / CHUNK_SIZE) as u32))
                .collect(),
        )
    }

    fn of(&self, subject: &str) -> Option<u32> {
        if self.0.is_empty() {
            return None;
        }
        Uuid::parse_str(subject)
            .ok()
            .and_then(|id| self.0.get(&id).copied())
    }
}

fn shelf_key(chunk: u32) -> String {
    format!("chunk:{chunk}")
}

pub(super) const AUDIT_LINES: &str = "lines";

/// Reads a stored audit entry; its lines only when asked for.
pub(super) fn audit_from_js(value: JsValue, with_lines: bool) -> Result<AuditEntry, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt {
        what: "操作日志".to_string(),
        detail,
    };
    let key = JsValue::from_str(AUDIT_LINES);
    let lines = js_sys::Reflect::get(&value, &key)
        .ok()
        .and_then(|l| l.as_string());
    if lines.is_some() {
        if let Some(object) = value.dyn_ref::<js_sys::Object>() {
            js_sys::Reflect::delete_property(object, &key).map_err(|e| corrupt(describe(e)))?;
        }
    }
    let mut entry: AuditEntry = from_js(value, "操作日志")?;
    if let (Some(text), true) = (lines, with_lines) {
        entry.lines = serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
    }
    Ok(entry)
}

pub(super) async fn put_audit(
    tx: &rexie::Transaction,
    entry: &AuditEntry,
) -> Result<(), StoreError> {
    put_audit_all(tx, std::slice::from_ref(entry), &Shelf::default()).await
}

/// Audit entries written per batch of requests.
pub(super) const AUDIT_BATCH: usize = 2_000;

/// Adds audit entries in batches of requests, awaiting the last of each: a backup may hold
/// 200,000; a round trip each takes a minute, all at once freezes the page.
pub(super) async fn put_audit_all(
    tx: &rexie::Transaction,
    entries: &[AuditEntry],
    shelf: &Shelf,
) -> Result<(), StoreError> {
    let store = tx.store(AUDIT).map_err(write_err)?;
    for batch in entries.chunks(AUDIT_BATCH) {
        let values = batch
            .iter()
            .map(|e| audit_value(e, shelf))
            .collect::<Result<Vec<_>, StoreError>>()?;
        add_audit_values(&store, values).await?;
    }
    Ok(())
}

/// Audit entries made ready to store before their transaction, a slice at a time: the lines
/// of a 学籍 import are 30 MB of text, and a transaction cannot wait for the page to draw.
pub(super) async fn audit_values(
    entries: &[AuditEntry],
    shelf: &Shelf,
) -> Result<Vec<JsValue>, StoreError> {
    let mut values = Vec::with_capacity(entries.len());
    let mut slice = crate::browser::Slice::start();
    for e in entries {
        values.push(audit_value(e, shelf)?);
        if slice.spent() {
            slice.next().await;
        }
    }
    Ok(values)
}

/// Adds audit entries made by [`audit_values`], in batches of requests.
pub(super) async fn add_audit_values(
    store: &Store,
    values: Vec<JsValue>,
) -> Result<(), StoreError> {
    let mut values = values.into_iter().peekable();
    while values.peek().is_some() {
        let batch: Vec<_> = values
            .by_ref()
            .take(AUDIT_BATCH)
            .map(|v| (v, None))
            .collect();
        store.add_all(batch.into_iter()).await.map_err(write_err)?;
    }
    Ok(())
}

/// Writes one audit entry on its own (an action that changes no record, such as making a
/// file for another unit).
pub async fn append_audit(db: &Db, audit: &AuditEntry) -> Result<(), StoreError> {
    write(db, &[AUDIT], |tx| async move {
        step!(tx, put_audit(&tx, audit).await);
        Ok(tx)
    })
    .await
}

/// The audit trail of one child, school or the installation, oldest first. Entries about
/// many subjects count with their line about this one; `slot` is a child's in the ledger.
pub async fn audit_of(
    db: &Db,
    subject: &str,
    slot: Option<usize>,
) -> Result<Vec<AuditEntry>, StoreError> {
    let tx = db.tx(&[AUDIT], TransactionMode::ReadOnly)?;
    let store = tx.store(AUDIT).map_err(read_err)?;
    let mut found = Vec::new();
    let shelf = slot.map(|s| shelf_key((s / CHUNK_SIZE) as u32));
    let asks = [
        (schema::AUDIT_BY_SUBJECT, Some(subject.to_string())),
        (schema::AUDIT_BY_SUBJECTS, Some(subject.to_string())),
        (schema::AUDIT_BY_SUBJECTS, shelf),
    ];
    for (name, key) in asks {
        let Some(key) = key else { continue };
        let index = store.index(name).map_err(read_err)?;
        let range = KeyRange::only(&key.as_str().into()).map_err(read_err)?;
        for v in index.get_all(Some(range), None).await.map_err(read_err)? {
            found.extend(audit_from_js(v, true)?.about(subject));
        }
    }
    found.sort_by_key(|e| e.at);
    Ok(found)
}

/// The newest audit entries, newest first.
pub async fn recent_audit(db: &Db, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
    let tx = db.tx(&[AUDIT], TransactionMode::ReadOnly)?;
    let store = tx.store(AUDIT).map_err(read_err)?;
    store
        .scan(None, Some(limit), None, Some(rexie::Direction::Prev))
        .await
        .map_err(read_err)?
        .into_iter()
        .map(|(_, v)| audit_from_js(v, false))
        .collect()
}
