//! IndexedDB through rexie: the only door to stored data. Every function takes and returns
//! core types and is one transaction; each change writes its audit entry inside that
//! transaction. See docs/storage.md for the layout and why.

mod audit;
mod casework;
mod exchange;
mod installation;
mod ledger;
mod schema;
#[cfg(test)]
mod tests;

use std::rc::Rc;

use baoxue_core::casework::{
    Absence, CaseworkSettings, ChangeSet, DropoutCase, HomeTeachingPlan, Suspect, Transfer,
};
use baoxue_core::crosscheck::{CrossCheckDecision, RememberedMapping};
use baoxue_core::exchange::filing::{ExchangeRecord, Filing};
use baoxue_core::exchange::holdings::{Inbox, Outbox};
use baoxue_core::exchange::Backup;
use baoxue_core::installation::{Records, WholeInstallation};
use baoxue_core::ledger::chunk::{decode_chunk, ChunkError};
use baoxue_core::ledger::{PreparedBatch, PreparedChildSave};
use baoxue_core::model::{AuditEntry, Installation, Localized, School};
use baoxue_core::record_key::{RecordKey, UnknownKey};
use baoxue_core::student_roll::RollField;
use js_sys::Uint8Array;
use rexie::{KeyRange, Rexie, Store, TransactionMode};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::{JsCast, JsValue};

pub use audit::*;
pub use casework::*;
pub use exchange::*;
pub use installation::*;
pub use ledger::*;
use schema::{MetaKey, ABSENCES, ALL, AUDIT, CASEWORK, CHUNKS, META, SCHOOLS};
pub use schema::{DB_NAME, SCHEMA_VERSION};

/// Everything that can go wrong in storage, in words for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    #[error(
        "无法打开浏览器数据库（IndexedDB）：{0}。请确认浏览器未处于无痕模式，且允许本站保存数据。"
    )]
    Open(String),
    #[error("保存失败，数据未作任何更改：{0}")]
    Write(String),
    #[error("读取数据失败：{0}")]
    Read(String),
    #[error("浏览器中的数据已损坏（{what}）：{detail}")]
    Corrupt { what: String, detail: String },
    #[error("{0}")]
    Chunk(#[from] ChunkError),
    #[error("浏览器数据库尚未打开")]
    NotOpen,
}

impl Localized for StoreError {
    fn en(&self) -> String {
        match self {
            StoreError::Open(d) => format!(
                "Cannot open the browser's database (IndexedDB): {d}. Make sure the browser is not in private mode and lets this site keep data."
            ),
            StoreError::Write(d) => format!("Saving failed; nothing was changed: {d}"),
            StoreError::Read(d) => format!("Reading the data failed: {d}"),
            StoreError::Corrupt { what, detail } => {
                format!("The data in this browser is damaged ({what}): {detail}")
            }
            StoreError::Chunk(e) => e.en(),
            StoreError::NotOpen => "The browser's database is not open yet".into(),
        }
    }
}

fn write_err(e: impl StoreFailure) -> StoreError {
    StoreError::Write(describe(e))
}

fn read_err(e: impl StoreFailure) -> StoreError {
    StoreError::Read(describe(e))
}

/// An error the database gave, and the name of the DOM exception behind it, if any.
trait StoreFailure: std::fmt::Debug {
    fn dom_exception(&self) -> Option<String> {
        None
    }
}

impl StoreFailure for rexie::Error {
    fn dom_exception(&self) -> Option<String> {
        match self {
            rexie::Error::IdbError(e) => e.dom_exception(),
            _ => None,
        }
    }
}

impl StoreFailure for idb::Error {
    fn dom_exception(&self) -> Option<String> {
        let value = match self {
            idb::Error::DomException(d) => return Some(d.name()),
            idb::Error::AddFailed(v)
            | idb::Error::UpdateFailed(v)
            | idb::Error::ClearFailed(v)
            | idb::Error::DeleteFailed(v)
            | idb::Error::TransactionAbortError(v)
            | idb::Error::TransactionCommitError(v) => v,
            _ => return None,
        };
        value.dom_exception()
    }
}

impl StoreFailure for wasm_bindgen::JsValue {
    fn dom_exception(&self) -> Option<String> {
        use wasm_bindgen::JsCast;
        self.dyn_ref::<web_sys::DomException>().map(|d| d.name())
    }
}

// Errors of turning records into values: never a full disk.
impl StoreFailure for &str {}
impl StoreFailure for serde_json::Error {}
impl StoreFailure for serde_wasm_bindgen::Error {}

/// Turns an IndexedDB error into words; a full disk (the DOM's QuotaExceededError) gets a
/// message of its own.
fn describe(e: impl StoreFailure) -> String {
    if e.dom_exception().as_deref() == Some("QuotaExceededError") {
        "浏览器存储空间已满，请清理磁盘空间或导出备份后重试".to_string()
    } else {
        format!("{e:?}")
    }
}

/// An open database.
#[derive(Clone)]
pub struct Db(Rc<Rexie>);

/// Opens (creating or upgrading) the database, then runs data migrations.
pub async fn open() -> Result<Db, StoreError> {
    open_named(DB_NAME).await
}

pub async fn open_named(name: &str) -> Result<Db, StoreError> {
    let rexie = schema::builder(name)
        .build()
        .await
        .map_err(|e| StoreError::Open(describe(e)))?;
    let db = Db(Rc::new(rexie));
    schema::migrate_data(&db).await?;
    Ok(db)
}

/// Deletes a database entirely (tests and "reset").
pub async fn delete_named(name: &str) -> Result<(), StoreError> {
    Rexie::delete(name).await.map_err(write_err)
}

impl Db {
    fn tx(&self, stores: &[&str], mode: TransactionMode) -> Result<rexie::Transaction, StoreError> {
        self.0.transaction(stores, mode).map_err(|e| match mode {
            TransactionMode::ReadOnly => read_err(e),
            _ => write_err(e),
        })
    }

    pub fn close(self) {
        if let Ok(r) = Rc::try_unwrap(self.0) {
            r.close();
        }
    }
}

/// Runs `body` in one read-write transaction over `stores`; aborts on any error so nothing is
/// half-written.
async fn write<F, Fut>(db: &Db, stores: &[&str], body: F) -> Result<(), StoreError>
where
    F: FnOnce(rexie::Transaction) -> Fut,
    Fut: std::future::Future<Output = Result<rexie::Transaction, (rexie::Transaction, StoreError)>>,
{
    let tx = db.tx(stores, TransactionMode::ReadWrite)?;
    match body(tx).await {
        Ok(tx) => tx.done().await.map(|_| ()).map_err(write_err),
        Err((tx, e)) => {
            // The transaction may already be aborted by the failed request.
            let _ = tx.abort().await;
            Err(e)
        }
    }
}

/// Every value of a store (within `range`), each decoded by `decode`.
async fn get_all<T>(
    tx: &rexie::Transaction,
    store: &str,
    range: Option<KeyRange>,
    decode: impl Fn(JsValue) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    tx.store(store)
        .map_err(read_err)?
        .get_all(range, None)
        .await
        .map_err(read_err)?
        .into_iter()
        .map(decode)
        .collect()
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, StoreError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(write_err)
}

fn from_js<T: DeserializeOwned>(v: JsValue, what: &str) -> Result<T, StoreError> {
    serde_wasm_bindgen::from_value(v).map_err(|e| StoreError::Corrupt {
        what: what.to_string(),
        detail: e.to_string(),
    })
}

fn json_value<T: Serialize>(v: &T) -> Result<JsValue, StoreError> {
    serde_json::to_string(v)
        .map(|s| JsValue::from_str(&s))
        .map_err(write_err)
}

fn from_json<T: DeserializeOwned>(v: JsValue, what: &str) -> Result<T, StoreError> {
    let s = v.as_string().ok_or_else(|| StoreError::Corrupt {
        what: what.to_string(),
        detail: "不是文本".to_string(),
    })?;
    serde_json::from_str(&s).map_err(|e| StoreError::Corrupt {
        what: what.to_string(),
        detail: baoxue_core::exchange::explain(&e),
    })
}

async fn put(store: &Store, value: &JsValue, key: Option<&JsValue>) -> Result<(), StoreError> {
    store.put(value, key).await.map(|_| ()).map_err(write_err)
}

/// Reads one record of the `meta` store; `None` when it was never written.
async fn get_meta<T: DeserializeOwned>(
    meta: &Store,
    key: MetaKey,
) -> Result<Option<T>, StoreError> {
    match meta.get(key.into()).await.map_err(read_err)? {
        Some(v) if !v.is_undefined() => from_json(v, key.what()).map(Some),
        _ => Ok(None),
    }
}

/// Writes one record of the `meta` store, already made JSON text by [`json_value`].
async fn put_meta(meta: &Store, key: MetaKey, value: &JsValue) -> Result<(), StoreError> {
    put(meta, value, Some(&key.into())).await
}

macro_rules! step {
    ($tx:ident, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(err) => return Err(($tx, err)),
        }
    };
}
pub(crate) use step;

fn key_value(key: &RecordKey) -> JsValue {
    JsValue::from(key.to_string())
}
