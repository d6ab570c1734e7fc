//! IndexedDB through rexie: the only door to stored data. Every function takes and returns
//! core types and is one transaction; each change writes its audit entry inside that
//! transaction. See docs/storage.md for the layout and why.

mod schema;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::rc::Rc;

use baoxue_core::casework::{
    Absence, CaseworkSettings, ChangeSet, DropoutCase, HomeTeachingPlan, Suspect, Transfer,
};
use baoxue_core::crosscheck::{CrossCheckDecision, RememberedMapping};
use baoxue_core::demo::DemoCasework;
use baoxue_core::exchange::filing::{ExchangeRecord, Filing};
use baoxue_core::exchange::report::{Inbox, Outbox};
use baoxue_core::exchange::Backup;
use baoxue_core::ledger::chunk::{decode_chunk, ChunkError};
use baoxue_core::ledger::{PreparedBatch, PreparedChildSave};
use baoxue_core::model::{AuditEntry, Child, Installation, School};
use baoxue_core::record_key::{RecordKey, UnknownKey};
use baoxue_core::student_roll::{RollField, RollFollowUp};
use js_sys::Uint8Array;
use rexie::{KeyRange, Rexie, Store, TransactionMode};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::{JsCast, JsValue};

use schema::{ABSENCES, ALL, AUDIT, CASEWORK, CHUNKS, META, SCHOOLS};
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

/// What is stored, loaded at start.
#[derive(Debug, Default)]
pub struct Loaded {
    pub installation: Option<Installation>,
    pub schools: Vec<School>,
    pub children: Vec<Child>,
    pub settings: CaseworkSettings,
    pub casework: DemoCasework,
    /// Roster column choices per department (四查三比对).
    pub mappings: Mappings,
    /// Column choices for the 学籍 export.
    pub roll_mapping: RememberedMapping<RollField>,
    /// Children the last 学籍 import left to decide for.
    pub roll_follow_up: RollFollowUp,
    /// Settings out of any sane range, put back to their defaults on loading.
    pub repaired: Vec<String>,
}

/// Roster column choices by department key.
pub type Mappings = BTreeMap<String, RememberedMapping>;
const MAPPINGS: &str = "crosscheck-mappings";
const ROLL_MAPPING: &str = "roll-mapping";
const ROLL_FOLLOW_UP: &str = "roll-follow-up";
/// Each school's monthly figures: a few thousand small records, read and written whole.
const HISTORY: &str = "history";

/// Remembers the column choices made for a department's roster.
pub async fn save_mappings(db: &Db, mappings: &Mappings) -> Result<(), StoreError> {
    let value = json_value(mappings)?;
    write(db, &[META], |tx| async move {
        let meta = step!(tx, tx.store(META).map_err(write_err));
        step!(tx, put(&meta, &value, Some(&MAPPINGS.into())).await);
        Ok(tx)
    })
    .await
}

/// Remembers the column choices made for the 学籍 export.
pub async fn save_roll_mapping(
    db: &Db,
    mapping: &RememberedMapping<RollField>,
) -> Result<(), StoreError> {
    let value = json_value(mapping)?;
    write(db, &[META], |tx| async move {
        let meta = step!(tx, tx.store(META).map_err(write_err));
        step!(tx, put(&meta, &value, Some(&ROLL_MAPPING.into())).await);
        Ok(tx)
    })
    .await
}

/// How many days of absences are loaded at start: enough for runs and watch periods.
pub const ABSENCE_DAYS_LOADED: i64 = 200;

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

/// An audit entry as stored. An entry about many subjects keeps its lines as one JSON text
/// (one string to clone, not 2,000 objects; the newest entries are read without them) and
/// lists its subjects for `by_subjects`.
fn audit_value(entry: &AuditEntry) -> Result<JsValue, StoreError> {
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

const AUDIT_LINES: &str = "lines";

/// Reads a stored audit entry; its lines only when asked for.
fn audit_from_js(value: JsValue, with_lines: bool) -> Result<AuditEntry, StoreError> {
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

async fn put_audit(tx: &rexie::Transaction, entry: &AuditEntry) -> Result<(), StoreError> {
    put_audit_all(tx, std::slice::from_ref(entry)).await
}

/// Audit entries written per batch of requests.
const AUDIT_BATCH: usize = 2_000;

/// Adds audit entries in batches of requests, awaiting the last of each: a backup may hold
/// 200,000; a round trip each takes a minute, all at once freezes the page.
async fn put_audit_all(tx: &rexie::Transaction, entries: &[AuditEntry]) -> Result<(), StoreError> {
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

async fn put_chunk(store: &Store, no: u32, bytes: &[u8]) -> Result<(), StoreError> {
    let value = Uint8Array::from(bytes);
    put(store, &value.into(), Some(&JsValue::from(no))).await
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

/// Loads the installation, schools and every child.
pub async fn load_all(db: &Db) -> Result<Loaded, StoreError> {
    let tx = db.tx(
        &[META, SCHOOLS, CHUNKS, CASEWORK, ABSENCES],
        TransactionMode::ReadOnly,
    )?;
    let meta = tx.store(META).map_err(read_err)?;
    let installation = match meta.get("installation".into()).await.map_err(read_err)? {
        Some(v) if !v.is_undefined() => Some(from_json(v, "单位设置")?),
        _ => None,
    };
    let settings = match meta.get("settings".into()).await.map_err(read_err)? {
        Some(v) if !v.is_undefined() => from_json(v, "控辍保学设置")?,
        _ => CaseworkSettings::default(),
    };
    let (settings, repaired) = settings.sanitized();
    let mappings = match meta.get(MAPPINGS.into()).await.map_err(read_err)? {
        Some(v) if !v.is_undefined() => from_json(v, "名册列对应关系")?,
        _ => Default::default(),
    };
    let roll_mapping = match meta.get(ROLL_MAPPING.into()).await.map_err(read_err)? {
        Some(v) if !v.is_undefined() => from_json(v, "学籍名册列对应关系")?,
        _ => Default::default(),
    };
    let roll_follow_up = match meta.get(ROLL_FOLLOW_UP.into()).await.map_err(read_err)? {
        Some(v) if !v.is_undefined() => from_json(v, "学籍名册待核实名单")?,
        _ => Default::default(),
    };
    let mut casework = DemoCasework::default();
    if let Some(v) = meta.get(HISTORY.into()).await.map_err(read_err)? {
        if !v.is_undefined() {
            casework.history = from_json(v, "各校月度数据")?;
        }
    }
    for (key, value) in tx
        .store(CASEWORK)
        .map_err(read_err)?
        .scan(None, None, None, None)
        .await
        .map_err(read_err)?
    {
        let key = key.as_string().unwrap_or_default();
        let key: RecordKey = key.parse().map_err(|e: UnknownKey| StoreError::Corrupt {
            what: "控辍保学记录".to_string(),
            detail: e.to_string(),
        })?;
        match key {
            RecordKey::Suspect(_) => casework.suspects.push(from_json(value, "疑似辍学记录")?),
            RecordKey::Case(_) => casework.cases.push(from_json(value, "辍学案件")?),
            RecordKey::Transfer(_) => casework.transfers.push(from_json(value, "转学记录")?),
            RecordKey::Plan(_) => casework.plans.push(from_json(value, "送教上门计划")?),
            RecordKey::CrossCheck(_) => casework.decisions.push(from_json(value, "比对处理记录")?),
            // Each under its own key: pushed as read, without looking for one to replace.
            exchange => match exchange_record(&exchange, value)? {
                ExchangeRecord::ReportIn(r) => casework.inbox.reports.push(r),
                ExchangeRecord::Review(r) => casework.inbox.reviews.push(r),
                ExchangeRecord::ReportOut(s) => casework.outbox.sent.push(s),
                ExchangeRecord::ReviewIn(r) => casework.outbox.reviews.push(r),
                ExchangeRecord::RollUpIn(r) => casework.inbox.rollups.push(r),
                ExchangeRecord::PseudonymKey(k) => casework.inbox.pseudonym_key = Some(k),
            },
        }
    }
    let since = (chrono::Local::now().date_naive() - chrono::Duration::days(ABSENCE_DAYS_LOADED))
        .to_string();
    let range = KeyRange::lower_bound(&since.into(), None).map_err(read_err)?;
    casework.absences = get_all(&tx, ABSENCES, Some(range), |v| from_json(v, "缺勤记录")).await?;
    let schools: Vec<School> = get_all(&tx, SCHOOLS, None, |v| from_js(v, "学校")).await?;
    let chunks = tx
        .store(CHUNKS)
        .map_err(read_err)?
        .get_all(None, None)
        .await
        .map_err(read_err)?;
    let mut children = Vec::new();
    for (i, v) in chunks.into_iter().enumerate() {
        let bytes = v
            .dyn_into::<Uint8Array>()
            .map_err(|_| StoreError::Corrupt {
                what: format!("儿童数据块{i}"),
                detail: "不是二进制数据".into(),
            })?
            .to_vec();
        children.extend(decode_chunk(&bytes)?);
    }
    Ok(Loaded {
        installation,
        schools,
        children,
        settings,
        casework,
        mappings,
        roll_mapping,
        roll_follow_up,
        repaired,
    })
}

/// Reads the exchange record stored under `key`.
fn exchange_record(key: &RecordKey, value: JsValue) -> Result<ExchangeRecord, StoreError> {
    Ok(match key {
        RecordKey::ReportIn { .. } => ExchangeRecord::ReportIn(from_json(value, "收到的月报")?),
        RecordKey::Review { .. } => ExchangeRecord::Review(from_json(value, "月报审核")?),
        RecordKey::ReportOut { .. } => ExchangeRecord::ReportOut(from_json(value, "报送的月报")?),
        RecordKey::ReviewIn { .. } => ExchangeRecord::ReviewIn(from_json(value, "收到的审核结果")?),
        RecordKey::RollUpIn { .. } => ExchangeRecord::RollUpIn(from_json(value, "收到的汇总")?),
        RecordKey::PseudonymKey => ExchangeRecord::PseudonymKey(from_json(value, "化名密钥")?),
        other => {
            return Err(StoreError::Corrupt {
                what: "收发文记录".to_string(),
                detail: format!("“{other}”不是收发文记录"),
            })
        }
    })
}

/// An exchange record as stored: its key and JSON value.
fn exchange_value(record: &ExchangeRecord) -> Result<(JsValue, JsValue), StoreError> {
    let value = match record {
        ExchangeRecord::ReportIn(r) => json_value(r)?,
        ExchangeRecord::Review(r) | ExchangeRecord::ReviewIn(r) => json_value(r)?,
        ExchangeRecord::ReportOut(s) => json_value(s)?,
        ExchangeRecord::RollUpIn(r) => json_value(r)?,
        ExchangeRecord::PseudonymKey(k) => json_value(k)?,
    };
    Ok((key_value(&RecordKey::of_exchange(record)), value))
}

fn key_value(key: &RecordKey) -> JsValue {
    JsValue::from(key.to_string())
}

/// The casework records of a change set (or a whole installation), as keys and JSON values.
fn casework_values(
    suspects: &[Suspect],
    cases: &[DropoutCase],
    transfers: &[Transfer],
    plans: &[HomeTeachingPlan],
    decisions: &[CrossCheckDecision],
) -> Result<Vec<(JsValue, JsValue)>, StoreError> {
    let mut out = Vec::new();
    for d in decisions {
        out.push((key_value(&RecordKey::of_decision(d)), json_value(d)?));
    }
    for s in suspects {
        out.push((key_value(&RecordKey::of_suspect(s)), json_value(s)?));
    }
    for c in cases {
        out.push((key_value(&RecordKey::of_case(c)), json_value(c)?));
    }
    for t in transfers {
        out.push((key_value(&RecordKey::of_transfer(t)), json_value(t)?));
    }
    for p in plans {
        out.push((key_value(&RecordKey::of_plan(p)), json_value(p)?));
    }
    Ok(out)
}

fn exchange_values(inbox: &Inbox, outbox: &Outbox) -> Result<Vec<(JsValue, JsValue)>, StoreError> {
    RecordKey::exchange_records(inbox, outbox)
        .iter()
        .map(exchange_value)
        .collect()
}

/// Writes what one exchange step files — records put, a received report withdrawn, the
/// audit entries — in one transaction: an import of forty reports lands whole or not at all.
pub async fn save_exchange(db: &Db, filing: &Filing) -> Result<(), StoreError> {
    let records = filing
        .records
        .iter()
        .map(exchange_value)
        .collect::<Result<Vec<_>, _>>()?;
    let withdrawn = filing.withdrawn.as_ref().map(|w| {
        key_value(&RecordKey::of_exchange(&ExchangeRecord::ReportIn(
            w.clone(),
        )))
    });
    write(db, &[CASEWORK, AUDIT], |tx| async move {
        let store = step!(tx, tx.store(CASEWORK).map_err(write_err));
        if let Some(key) = withdrawn {
            step!(tx, store.delete(key).await.map_err(write_err));
        }
        for (k, v) in &records {
            step!(tx, put(&store, v, Some(k)).await);
        }
        step!(tx, put_audit_all(&tx, &filing.audit).await);
        Ok(tx)
    })
    .await
}

fn absence_values(absences: &[Absence]) -> Result<Vec<(JsValue, JsValue)>, StoreError> {
    absences
        .iter()
        .map(|a| Ok((JsValue::from(a.key()), json_value(a)?)))
        .collect()
}

/// Writes what one operation changed — children's chunks, schools added, casework records,
/// absences, the 学籍 follow-up list, audit entries — in one transaction.
pub async fn commit_changes(
    db: &Db,
    batch: &PreparedBatch,
    set: &ChangeSet,
) -> Result<(), StoreError> {
    let records = casework_values(
        &set.suspects,
        &set.cases,
        &set.transfers,
        &set.plans,
        &set.decisions,
    )?;
    let absences = absence_values(&set.absences)?;
    let schools = set
        .schools
        .iter()
        .map(to_js)
        .collect::<Result<Vec<_>, _>>()?;
    let follow_up = set.roll_follow_up.as_ref().map(json_value).transpose()?;
    crate::app::mark("baoxue-commit-serialized");
    let stores = [CHUNKS, CASEWORK, ABSENCES, AUDIT, SCHOOLS, META];
    write(db, &stores, |tx| async move {
        let chunks = step!(tx, tx.store(CHUNKS).map_err(write_err));
        for (no, bytes) in &batch.chunks {
            step!(tx, put_chunk(&chunks, *no, bytes).await);
        }
        let store = step!(tx, tx.store(SCHOOLS).map_err(write_err));
        for school in &schools {
            step!(tx, put(&store, school, None).await);
        }
        if let Some(v) = &follow_up {
            let meta = step!(tx, tx.store(META).map_err(write_err));
            step!(tx, put(&meta, v, Some(&ROLL_FOLLOW_UP.into())).await);
        }
        let store = step!(tx, tx.store(CASEWORK).map_err(write_err));
        for (k, v) in &records {
            step!(tx, put(&store, v, Some(k)).await);
        }
        let store = step!(tx, tx.store(ABSENCES).map_err(write_err));
        for key in &set.removed_absences {
            step!(tx, store.delete(key.into()).await.map_err(write_err));
        }
        for (k, v) in &absences {
            step!(tx, put(&store, v, Some(k)).await);
        }
        step!(tx, put_audit_all(&tx, &set.audit).await);
        Ok(tx)
    })
    .await
}

/// Saves the 控辍保学 settings.
pub async fn save_settings(
    db: &Db,
    settings: &CaseworkSettings,
    audit: &AuditEntry,
) -> Result<(), StoreError> {
    let value = json_value(settings)?;
    write(db, &[META, AUDIT], |tx| async move {
        let meta = step!(tx, tx.store(META).map_err(write_err));
        step!(tx, put(&meta, &value, Some(&"settings".into())).await);
        step!(tx, put_audit(&tx, audit).await);
        Ok(tx)
    })
    .await
}

/// Saves the installation (first start, or a changed operator name).
pub async fn save_installation(
    db: &Db,
    inst: &Installation,
    settings: Option<&CaseworkSettings>,
    school: Option<&School>,
    audit: &AuditEntry,
) -> Result<(), StoreError> {
    let value = json_value(inst)?;
    let settings = settings.map(json_value).transpose()?;
    let school = school.map(to_js).transpose()?;
    write(db, &[META, SCHOOLS, AUDIT], |tx| async move {
        let meta = step!(tx, tx.store(META).map_err(write_err));
        step!(tx, put(&meta, &value, Some(&"installation".into())).await);
        if let Some(s) = &settings {
            step!(tx, put(&meta, s, Some(&"settings".into())).await);
        }
        if let Some(s) = &school {
            let schools = step!(tx, tx.store(SCHOOLS).map_err(write_err));
            step!(tx, put(&schools, s, None).await);
        }
        step!(tx, put_audit(&tx, audit).await);
        Ok(tx)
    })
    .await
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

/// Replaces everything stored with a new installation (demo load, restore): all of it lands,
/// or the old data stays as it was.
pub async fn replace_all(
    db: &Db,
    inst: &Installation,
    schools: &[School],
    chunks: &[(u32, Vec<u8>)],
    casework: &DemoCasework,
    settings: &CaseworkSettings,
    audit: &AuditEntry,
) -> Result<(), StoreError> {
    replace_all_with_trail(
        db,
        inst,
        schools,
        chunks,
        casework,
        settings,
        std::slice::from_ref(audit),
        &Mappings::new(),
        None,
    )
    .await
}

// Everything an installation holds, written in one transaction.
#[allow(clippy::too_many_arguments)]
async fn replace_all_with_trail(
    db: &Db,
    inst: &Installation,
    schools: &[School],
    chunks: &[(u32, Vec<u8>)],
    casework: &DemoCasework,
    settings: &CaseworkSettings,
    trail: &[AuditEntry],
    mappings: &Mappings,
    last_backup: Option<chrono::NaiveDateTime>,
) -> Result<(), StoreError> {
    let inst_value = json_value(inst)?;
    let backup_value = last_backup.as_ref().map(json_value).transpose()?;
    let mappings_value = json_value(mappings)?;
    let history_value = json_value(&casework.history)?;
    let settings_value = json_value(settings)?;
    let school_values = schools.iter().map(to_js).collect::<Result<Vec<_>, _>>()?;
    let records = casework_values(
        &casework.suspects,
        &casework.cases,
        &casework.transfers,
        &casework.plans,
        &casework.decisions,
    )?;
    let mut records = records;
    records.extend(exchange_values(&casework.inbox, &casework.outbox)?);
    let absences = absence_values(&casework.absences)?;
    write(db, &ALL, |tx| async move {
        for name in ALL {
            let store = step!(tx, tx.store(name).map_err(write_err));
            step!(tx, store.clear().await.map_err(write_err));
        }
        let meta = step!(tx, tx.store(META).map_err(write_err));
        step!(
            tx,
            put(&meta, &inst_value, Some(&"installation".into())).await
        );
        if let Some(v) = &backup_value {
            step!(tx, put(&meta, v, Some(&"last_backup".into())).await);
        }
        step!(
            tx,
            put(&meta, &settings_value, Some(&"settings".into())).await
        );
        step!(
            tx,
            put(&meta, &mappings_value, Some(&MAPPINGS.into())).await
        );
        step!(tx, put(&meta, &history_value, Some(&HISTORY.into())).await);
        let store = step!(tx, tx.store(SCHOOLS).map_err(write_err));
        for v in &school_values {
            step!(tx, put(&store, v, None).await);
        }
        let store = step!(tx, tx.store(CHUNKS).map_err(write_err));
        for (no, bytes) in chunks {
            step!(tx, put_chunk(&store, *no, bytes).await);
        }
        let store = step!(tx, tx.store(CASEWORK).map_err(write_err));
        for (k, v) in &records {
            step!(tx, put(&store, v, Some(k)).await);
        }
        let store = step!(tx, tx.store(ABSENCES).map_err(write_err));
        for (k, v) in &absences {
            step!(tx, put(&store, v, Some(k)).await);
        }
        step!(tx, put_audit_all(&tx, trail).await);
        Ok(tx)
    })
    .await
}

/// Reads everything stored, for a full backup: all absences and the whole audit trail.
pub async fn read_backup(db: &Db) -> Result<Option<Backup>, StoreError> {
    let loaded = load_all(db).await?;
    let Some(installation) = loaded.installation else {
        return Ok(None);
    };
    let tx = db.tx(&[ABSENCES, AUDIT], TransactionMode::ReadOnly)?;
    let absences = get_all(&tx, ABSENCES, None, |v| from_json(v, "缺勤记录")).await?;
    let audit = get_all(&tx, AUDIT, None, |v| audit_from_js(v, true)).await?;
    let cw = loaded.casework;
    Ok(Some(Backup {
        installation,
        settings: loaded.settings,
        schools: loaded.schools,
        children: loaded.children,
        suspects: cw.suspects,
        cases: cw.cases,
        transfers: cw.transfers,
        plans: cw.plans,
        absences,
        audit,
        history: cw.history,
        crosscheck_decisions: cw.decisions,
        crosscheck_mappings: loaded.mappings,
        inbox: cw.inbox,
        outbox: cw.outbox,
    }))
}

/// Replaces everything stored with a backup, its audit trail included, plus one entry
/// saying it was restored: all of it, or nothing. The backup file made at `made_at` is now
/// this computer's last backup: its data is in that file.
pub async fn restore(
    db: &Db,
    b: &Backup,
    made_at: chrono::NaiveDateTime,
    audit: &AuditEntry,
) -> Result<(), StoreError> {
    let ledger = baoxue_core::ledger::Ledger::new(
        b.schools.clone(),
        &b.installation.townships,
        b.children.clone(),
    );
    let chunks = ledger.encode_all()?;
    let casework = DemoCasework {
        suspects: b.suspects.clone(),
        cases: b.cases.clone(),
        transfers: b.transfers.clone(),
        plans: b.plans.clone(),
        absences: b.absences.clone(),
        decisions: b.crosscheck_decisions.clone(),
        history: b.history.clone(),
        inbox: b.inbox.clone(),
        outbox: b.outbox.clone(),
    };
    let mut trail = b.audit.clone();
    trail.push(audit.clone());
    replace_all_with_trail(
        db,
        &b.installation,
        &b.schools,
        &chunks,
        &casework,
        &b.settings,
        &trail,
        &b.crosscheck_mappings,
        Some(made_at),
    )
    .await
}

/// When the last backup file was made, if ever.
pub async fn last_backup(db: &Db) -> Result<Option<chrono::NaiveDateTime>, StoreError> {
    let tx = db.tx(&[META], TransactionMode::ReadOnly)?;
    match tx
        .store(META)
        .map_err(read_err)?
        .get("last_backup".into())
        .await
        .map_err(read_err)?
    {
        Some(v) if !v.is_undefined() => Ok(Some(from_json(v, "备份时间")?)),
        _ => Ok(None),
    }
}

/// Records that a backup file was made, with its audit entry.
pub async fn mark_backup(
    db: &Db,
    at: chrono::NaiveDateTime,
    audit: &AuditEntry,
) -> Result<(), StoreError> {
    let value = json_value(&at)?;
    write(db, &[META, AUDIT], |tx| async move {
        let meta = step!(tx, tx.store(META).map_err(write_err));
        step!(tx, put(&meta, &value, Some(&"last_backup".into())).await);
        step!(tx, put_audit(&tx, audit).await);
        Ok(tx)
    })
    .await
}

/// Erases every record: the browser goes back to first start.
pub async fn clear_all(db: &Db) -> Result<(), StoreError> {
    write(db, &ALL, |tx| async move {
        for name in ALL {
            let store = step!(tx, tx.store(name).map_err(write_err));
            step!(tx, store.clear().await.map_err(write_err));
        }
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

/// Every record of every store as stored, decoded as little as possible: the way out when
/// the data cannot be opened (a bug, a damaged record), for someone to recover it by hand.
/// JSON text: `{store: [[key, value], …]}`; binary chunks become arrays of bytes.
pub async fn dump_raw(db: &Db) -> Result<String, StoreError> {
    let names = db.0.store_names();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let tx = db.tx(&refs, TransactionMode::ReadOnly)?;
    let out = js_sys::Object::new();
    for name in &names {
        let rows = js_sys::Array::new();
        let scanned = tx
            .store(name)
            .map_err(read_err)?
            .scan(None, None, None, None)
            .await
            .map_err(read_err)?;
        for (k, v) in scanned {
            let v = match v.dyn_ref::<Uint8Array>() {
                Some(bytes) => js_sys::Array::from(bytes).into(),
                None => v,
            };
            rows.push(&js_sys::Array::of2(&k, &v));
        }
        let _ = js_sys::Reflect::set(&out, &name.into(), &rows);
    }
    js_sys::JSON::stringify(&out)
        .map(String::from)
        .map_err(|e| StoreError::Corrupt {
            what: "原始数据".into(),
            detail: format!("{e:?}"),
        })
}
