//! Casework (and the children and schools an operation changes) written as one `ChangeSet`.

use super::*;

/// The casework records of a change set (or a whole installation), as keys and JSON values.
pub(super) fn casework_values(
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

pub(super) fn absence_values(absences: &[Absence]) -> Result<Vec<(JsValue, JsValue)>, StoreError> {
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
    commit_filed(db, batch, set, &Filing::default()).await
}

/// [`commit_changes`] and [`save_exchange`] in one transaction: reports imported and what
/// they change in the county's ledgers land together or not at all.
pub async fn commit_filed(
    db: &Db,
    batch: &PreparedBatch,
    set: &ChangeSet,
    filing: &Filing,
) -> Result<(), StoreError> {
    let exchange = filed_values(filing)?;
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
    let shelf = Shelf::of_slots(batch.children.iter().map(|(slot, c)| (*slot, &c.id)));
    let mut audit = audit_values(&set.audit, &shelf).await?;
    audit.extend(audit_values(&filing.audit, &shelf).await?);
    crate::browser::mark("baoxue-commit-serialized");
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
            step!(tx, put_meta(&meta, MetaKey::RollFollowUp, v).await);
        }
        let store = step!(tx, tx.store(CASEWORK).map_err(write_err));
        for (k, v) in &records {
            step!(tx, put(&store, v, Some(k)).await);
        }
        step!(tx, put_filed(&store, &exchange).await);
        let store = step!(tx, tx.store(ABSENCES).map_err(write_err));
        for key in &set.removed_absences {
            step!(tx, store.delete(key.into()).await.map_err(write_err));
        }
        for (k, v) in &absences {
            step!(tx, put(&store, v, Some(k)).await);
        }
        let store = step!(tx, tx.store(AUDIT).map_err(write_err));
        step!(tx, add_audit_values(&store, audit).await);
        Ok(tx)
    })
    .await
}
