//! A whole installation: loading it at start, replacing it (demo, restore), backing it up,
//! erasing it; its settings, column choices and the raw dump for recovery.

use super::*;

/// What is stored, loaded at start.
#[derive(Debug, Default)]
pub struct Loaded {
    /// `None` before set-up, or after erasing.
    pub whole: Option<WholeInstallation>,
    /// Settings out of any sane range, put back to their defaults on loading.
    pub repaired: Vec<String>,
}

pub use baoxue_core::crosscheck::Mappings;

/// Remembers the column choices made for a department's roster.
pub async fn save_mappings(db: &Db, mappings: &Mappings) -> Result<(), StoreError> {
    save_meta(db, MetaKey::Mappings, mappings, None).await
}

/// Remembers the column choices made for the 学籍 export.
pub async fn save_roll_mapping(
    db: &Db,
    mapping: &RememberedMapping<RollField>,
) -> Result<(), StoreError> {
    save_meta(db, MetaKey::RollMapping, mapping, None).await
}

/// Writes one record of the `meta` store, with its audit entry when it has one, in one
/// transaction.
async fn save_meta<T: Serialize>(
    db: &Db,
    key: MetaKey,
    value: &T,
    audit: Option<&AuditEntry>,
) -> Result<(), StoreError> {
    let value = json_value(value)?;
    let stores: &[&str] = if audit.is_some() {
        &[META, AUDIT]
    } else {
        &[META]
    };
    write(db, stores, |tx| async move {
        let meta = step!(tx, tx.store(META).map_err(write_err));
        step!(tx, put_meta(&meta, key, &value).await);
        if let Some(a) = audit {
            step!(tx, put_audit(&tx, a).await);
        }
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
    let installation: Option<Installation> = get_meta(&meta, MetaKey::Installation).await?;
    let settings: CaseworkSettings = get_meta(&meta, MetaKey::Settings)
        .await?
        .unwrap_or_default();
    let (settings, repaired) = settings.sanitized();
    let mappings = get_meta(&meta, MetaKey::Mappings)
        .await?
        .unwrap_or_default();
    let roll_mapping = get_meta(&meta, MetaKey::RollMapping)
        .await?
        .unwrap_or_default();
    let roll_follow_up = get_meta(&meta, MetaKey::RollFollowUp)
        .await?
        .unwrap_or_default();
    let mut casework = Records {
        history: get_meta(&meta, MetaKey::History).await?.unwrap_or_default(),
        ..Default::default()
    };
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
                ExchangeRecord::OfficeKey(k) => casework.inbox.office_key = Some(k),
                ExchangeRecord::UpperKey(k) => casework.outbox.upper_key = Some(k),
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
    let Some(installation) = installation else {
        // Set-up would write over what is here: the recovery page must show it instead.
        let empty = schools.is_empty() && children.is_empty() && casework == Records::default();
        return match empty {
            true => Ok(Loaded::default()),
            false => Err(StoreError::Corrupt {
                what: MetaKey::Installation.what().to_string(),
                detail: "本机有学校、儿童或控辍保学记录，但缺少单位设置记录".to_string(),
            }),
        };
    };
    Ok(Loaded {
        whole: Some(WholeInstallation {
            installation,
            settings,
            schools,
            children,
            records: casework,
            mappings,
            roll_mapping,
            roll_follow_up,
        }),
        repaired,
    })
}

/// Saves the 控辍保学 settings.
pub async fn save_settings(
    db: &Db,
    settings: &CaseworkSettings,
    audit: &AuditEntry,
) -> Result<(), StoreError> {
    save_meta(db, MetaKey::Settings, settings, Some(audit)).await
}

/// Saves the unit's installation record (a changed operator name).
pub async fn save_installation(
    db: &Db,
    inst: &Installation,
    audit: &AuditEntry,
) -> Result<(), StoreError> {
    save_meta(db, MetaKey::Installation, inst, Some(audit)).await
}

/// Replaces everything stored with a whole installation (set-up, demo, restore), its
/// children already encoded as the ledger's chunks, with its audit trail: all of it lands,
/// or the old data stays as it was. `last_backup` is when the file it came from was made.
pub async fn replace_all(
    db: &Db,
    whole: &WholeInstallation,
    chunks: &[(u32, Vec<u8>)],
    trail: &[AuditEntry],
    last_backup: Option<chrono::NaiveDateTime>,
) -> Result<(), StoreError> {
    let r = &whole.records;
    let metas = [
        (MetaKey::Installation, json_value(&whole.installation)?),
        (MetaKey::Settings, json_value(&whole.settings)?),
        (MetaKey::Mappings, json_value(&whole.mappings)?),
        (MetaKey::RollMapping, json_value(&whole.roll_mapping)?),
        (MetaKey::RollFollowUp, json_value(&whole.roll_follow_up)?),
        (MetaKey::History, json_value(&r.history)?),
    ];
    let backup_value = last_backup.as_ref().map(json_value).transpose()?;
    let shelf = Shelf::of_slots(whole.children.iter().map(|c| &c.id).enumerate());
    let school_values = whole
        .schools
        .iter()
        .map(to_js)
        .collect::<Result<Vec<_>, _>>()?;
    let mut records = casework_values(&r.suspects, &r.cases, &r.transfers, &r.plans, &r.decisions)?;
    records.extend(exchange_values(&r.inbox, &r.outbox)?);
    let absences = absence_values(&r.absences)?;
    write(db, &ALL, |tx| async move {
        for name in ALL {
            let store = step!(tx, tx.store(name).map_err(write_err));
            step!(tx, store.clear().await.map_err(write_err));
        }
        let meta = step!(tx, tx.store(META).map_err(write_err));
        for (key, value) in &metas {
            step!(tx, put_meta(&meta, *key, value).await);
        }
        if let Some(v) = &backup_value {
            step!(tx, put_meta(&meta, MetaKey::LastBackup, v).await);
        }
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
        step!(tx, put_audit_all(&tx, trail, &shelf).await);
        Ok(tx)
    })
    .await
}

/// Reads everything stored, for a full backup: all absences and the whole audit trail.
pub async fn read_backup(db: &Db) -> Result<Option<Backup>, StoreError> {
    let Some(mut whole) = load_all(db).await?.whole else {
        return Ok(None);
    };
    let tx = db.tx(&[ABSENCES, AUDIT], TransactionMode::ReadOnly)?;
    whole.records.absences = get_all(&tx, ABSENCES, None, |v| from_json(v, "缺勤记录")).await?;
    let audit = get_all(&tx, AUDIT, None, |v| audit_from_js(v, true)).await?;
    Ok(Some(whole.into_backup(audit)))
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
    let (whole, mut trail) = WholeInstallation::from_backup(b.clone());
    let ledger = baoxue_core::ledger::Ledger::new(
        whole.schools.clone(),
        &whole.installation.townships,
        whole.children.clone(),
    );
    let chunks = ledger.encode_all()?;
    trail.push(audit.clone());
    replace_all(db, &whole, &chunks, &trail, Some(made_at)).await
}

/// When the last backup file was made, if ever.
pub async fn last_backup(db: &Db) -> Result<Option<chrono::NaiveDateTime>, StoreError> {
    let tx = db.tx(&[META], TransactionMode::ReadOnly)?;
    get_meta(&tx.store(META).map_err(read_err)?, MetaKey::LastBackup).await
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
        step!(tx, put_meta(&meta, MetaKey::LastBackup, &value).await);
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
