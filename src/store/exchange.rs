//! Reports, reviews and roll-ups sent and received, written as one `Filing`.

use super::*;

/// Reads the exchange record stored under `key`.
pub(super) fn exchange_record(
    key: &RecordKey,
    value: JsValue,
) -> Result<ExchangeRecord, StoreError> {
    Ok(match key {
        RecordKey::ReportIn { .. } => ExchangeRecord::ReportIn(from_json(value, "收到的月报")?),
        RecordKey::Review { .. } => ExchangeRecord::Review(from_json(value, "月报审核")?),
        RecordKey::ReportOut { .. } => ExchangeRecord::ReportOut(from_json(value, "报送的月报")?),
        RecordKey::ReviewIn { .. } => ExchangeRecord::ReviewIn(from_json(value, "收到的审核结果")?),
        RecordKey::RollUpIn { .. } => ExchangeRecord::RollUpIn(from_json(value, "收到的汇总")?),
        RecordKey::PseudonymKey => ExchangeRecord::PseudonymKey(from_json(value, "化名密钥")?),
        RecordKey::OfficeKey => ExchangeRecord::OfficeKey(from_json(value, "本单位密钥")?),
        RecordKey::UpperKey => ExchangeRecord::UpperKey(from_json(value, "上级单位公钥")?),
        other => {
            return Err(StoreError::Corrupt {
                what: "收发文记录".to_string(),
                detail: format!("“{other}”不是收发文记录"),
            })
        }
    })
}

/// An exchange record as stored: its key and JSON value.
pub(super) fn exchange_value(record: &ExchangeRecord) -> Result<(JsValue, JsValue), StoreError> {
    let value = match record {
        ExchangeRecord::ReportIn(r) => json_value(r)?,
        ExchangeRecord::Review(r) | ExchangeRecord::ReviewIn(r) => json_value(r)?,
        ExchangeRecord::ReportOut(s) => json_value(s)?,
        ExchangeRecord::RollUpIn(r) => json_value(r)?,
        ExchangeRecord::PseudonymKey(k) => json_value(k)?,
        ExchangeRecord::OfficeKey(k) => json_value(k)?,
        ExchangeRecord::UpperKey(k) => json_value(k)?,
    };
    Ok((key_value(&RecordKey::of_exchange(record)), value))
}

pub(super) fn exchange_values(
    inbox: &Inbox,
    outbox: &Outbox,
) -> Result<Vec<(JsValue, JsValue)>, StoreError> {
    RecordKey::exchange_records(inbox, outbox)
        .iter()
        .map(exchange_value)
        .collect()
}

/// An exchange step's records as stored, and the key of the received report it withdraws.
pub(super) struct FiledValues {
    records: Vec<(JsValue, JsValue)>,
    withdrawn: Option<JsValue>,
}

pub(super) fn filed_values(filing: &Filing) -> Result<FiledValues, StoreError> {
    Ok(FiledValues {
        records: filing
            .records
            .iter()
            .map(exchange_value)
            .collect::<Result<Vec<_>, _>>()?,
        withdrawn: filing.withdrawn.as_ref().map(|w| {
            key_value(&RecordKey::of_exchange(&ExchangeRecord::ReportIn(
                w.clone(),
            )))
        }),
    })
}

/// Writes an exchange step's records into the casework store of an open transaction.
pub(super) async fn put_filed(store: &Store, filed: &FiledValues) -> Result<(), StoreError> {
    if let Some(key) = &filed.withdrawn {
        store.delete(key.clone()).await.map_err(write_err)?;
    }
    for (k, v) in &filed.records {
        put(store, v, Some(k)).await?;
    }
    Ok(())
}

/// Writes what one exchange step files — records put, a received report withdrawn, the
/// audit entries — in one transaction: an import of forty reports lands whole or not at all.
pub async fn save_exchange(db: &Db, filing: &Filing) -> Result<(), StoreError> {
    let filed = filed_values(filing)?;
    write(db, &[CASEWORK, AUDIT], |tx| async move {
        let store = step!(tx, tx.store(CASEWORK).map_err(write_err));
        step!(tx, put_filed(&store, &filed).await);
        step!(
            tx,
            put_audit_all(&tx, &filing.audit, &Shelf::default()).await
        );
        Ok(tx)
    })
    .await
}
