//! The children's ledger: chunks of children and the schools.

use super::*;

pub(super) async fn put_chunk(store: &Store, no: u32, bytes: &[u8]) -> Result<(), StoreError> {
    let value = Uint8Array::from(bytes);
    put(store, &value.into(), Some(&JsValue::from(no))).await
}

/// Adds or updates one school.
pub async fn save_school(db: &Db, school: &School, audit: &AuditEntry) -> Result<(), StoreError> {
    let value = to_js(school)?;
    write(db, &[SCHOOLS, AUDIT], |tx| async move {
        let store = step!(tx, tx.store(SCHOOLS).map_err(write_err));
        step!(tx, put(&store, &value, None).await);
        step!(tx, put_audit(&tx, audit).await);
        Ok(tx)
    })
    .await
}

/// Writes a prepared child save: the chunk holding the child and the audit entry, together.
pub async fn save_child(db: &Db, p: &PreparedChildSave) -> Result<(), StoreError> {
    write(db, &[CHUNKS, AUDIT], |tx| async move {
        let chunks = step!(tx, tx.store(CHUNKS).map_err(write_err));
        step!(tx, put_chunk(&chunks, p.chunk_no, &p.chunk_bytes).await);
        step!(tx, put_audit(&tx, &p.audit).await);
        Ok(tx)
    })
    .await
}
