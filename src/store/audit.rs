//! The audit trail (操作日志): entries as stored, written inside each change's transaction, read
//! by subject or newest first.

use super::*;

/// An audit entry as stored. An entry about many subjects keeps its lines as one JSON text
/// (one string to clone, not 2,000 objects; the newest entries are read without them) and
/// lists its subjects for `by_subjects`.
pub(super) fn audit_value(entry: &AuditEntry) -> Result<JsValue, StoreError> {
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
    let subjects: js_sys::Array = entry
        .lines
        .iter()
        .map(|l| JsValue::from_str(&l.subject))
        .collect();
    js_sys::Reflect::set(&value, &AUDIT_LINES.into(), &lines.into()).map_err(write_err)?;
    js_sys::Reflect::set(&value, &schema::AUDIT_SUBJECTS.into(), &subjects).map_err(write_err)?;
    Ok(value)
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
    put_audit_all(tx, std::slice::from_ref(entry)).await
}

/// Audit entries written per batch of requests.
pub(super) const AUDIT_BATCH: usize = 2_000;

/// Adds audit entries in batches of requests, awaiting the last of each: a backup may hold
/// 200,000; a round trip each takes a minute, all at once freezes the page.
pub(super) async fn put_audit_all(
    tx: &rexie::Transaction,
    entries: &[AuditEntry],
) -> Result<(), StoreError> {
    let store = tx.store(AUDIT).map_err(write_err)?;
    for batch in entries.chunks(AUDIT_BATCH) {
        let values = batch
            .iter()
            .map(|e| Ok((audit_value(e)?, None)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        store.add_all(values.into_iter()).await.map_err(write_err)?;
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

/// The audit trail of one child, school or the installation, oldest first.
/// Entries about many subjects count with their line about this one.
pub async fn audit_of(db: &Db, subject: &str) -> Result<Vec<AuditEntry>, StoreError> {
    let tx = db.tx(&[AUDIT], TransactionMode::ReadOnly)?;
    let store = tx.store(AUDIT).map_err(read_err)?;
    let mut found = Vec::new();
    for name in [schema::AUDIT_BY_SUBJECT, schema::AUDIT_BY_SUBJECTS] {
        let index = store.index(name).map_err(read_err)?;
        let range = KeyRange::only(&subject.into()).map_err(read_err)?;
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
