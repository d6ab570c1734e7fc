//! A whole installation: loading it at start, replacing it (demo, restore), backing it up,
//! erasing it; its settings, column choices and the raw dump for recovery.

use super::*;

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
pub(super) const MAPPINGS: &str = "crosscheck-mappings";
pub(super) const ROLL_MAPPING: &str = "roll-mapping";
pub(super) const ROLL_FOLLOW_UP: &str = "roll-follow-up";
/// Each school's monthly figures: a few thousand small records, read and written whole.
pub(super) const HISTORY: &str = "history";

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
pub(super) async fn replace_all_with_trail(
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
