//! Storage tests in headless Chromium (`cargo test --target wasm32-unknown-unknown`).
//! Each test uses its own database name, deleted before and after.

use baoxue_core::demo::{DemoParams, Generator};
use baoxue_core::divisions::DivisionTable;
use baoxue_core::ledger::Ledger;
use baoxue_core::model::{AuditAction, AuditEntry, Child, Installation, School, Status};
use chrono::NaiveDate;
use wasm_bindgen_test::*;

use super::*;

wasm_bindgen_test_configure!(run_in_browser);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
}

/// A small demo county from the real division table.
fn county(children: usize) -> (Installation, Vec<School>, Vec<Child>) {
    let table = DivisionTable::parse(include_str!("../../public/divisions.tsv")).unwrap();
    let mut p = DemoParams::new(today());
    p.children = children;
    let mut g = Generator::new(p, &table).unwrap();
    let children = g.next_children(children);
    (g.installation, g.schools, children)
}

fn audit(summary: &str) -> AuditEntry {
    AuditEntry {
        at: today().and_hms_opt(9, 0, 0).unwrap_or_default(),
        operator: "测试员".into(),
        action: AuditAction::Import,
        subject: "installation".into(),
        summary: summary.into(),
        changes: Vec::new(),
        lines: Vec::new(),
    }
}

/// Stores a county with no casework as set-up or the demo does, in one transaction.
async fn store_county(
    db: &Db,
    inst: &Installation,
    schools: &[School],
    chunks: &[(u32, Vec<u8>)],
    settings: baoxue_core::casework::CaseworkSettings,
    note: &str,
) -> Result<(), StoreError> {
    let whole = WholeInstallation::new(inst.clone(), settings, schools.to_vec());
    replace_all(db, &whole, chunks, &[audit(note)], None).await
}

async fn fresh(name: &str) -> Db {
    delete_named(name).await.unwrap();
    open_named(name).await.unwrap()
}

async fn finish(db: Db, name: &str) {
    db.close();
    delete_named(name).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_empty_database_has_no_installation() {
    let name = "baoxue-test-empty";
    let db = fresh(name).await;
    let loaded = load_all(&db).await.unwrap();
    assert!(loaded.whole.is_none());
    finish(db, name).await;
}

#[wasm_bindgen_test]
async fn writes_a_county_and_reads_every_record_back() {
    let name = "baoxue-test-roundtrip";
    let db = fresh(name).await;
    let (inst, schools, children) = county(2_500);
    let ledger = Ledger::new(schools.clone(), &inst.townships, children.clone());
    let chunks = ledger.encode_all().unwrap();
    assert_eq!(chunks.len(), 3);
    store_county(&db, &inst, &schools, &chunks, Default::default(), "载入")
        .await
        .unwrap();
    db.close();

    let db = open_named(name).await.unwrap();
    let loaded = load_all(&db).await.unwrap().whole.unwrap();
    assert_eq!(loaded.installation, inst);
    assert_eq!(loaded.children, children);
    let mut got = loaded.schools.clone();
    let mut want = schools.clone();
    got.sort_by_key(|s| s.id);
    want.sort_by_key(|s| s.id);
    assert_eq!(got, want);
    let recent = recent_audit(&db, 5).await.unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].summary, "载入");
    finish(db, name).await;
}

#[wasm_bindgen_test]
async fn saving_one_child_writes_its_chunk_and_audit_together() {
    let name = "baoxue-test-save-child";
    let db = fresh(name).await;
    let (inst, schools, children) = county(1_500);
    let mut ledger = Ledger::new(schools.clone(), &inst.townships, children.clone());
    store_county(
        &db,
        &inst,
        &schools,
        &ledger.encode_all().unwrap(),
        Default::default(),
        "载入",
    )
    .await
    .unwrap();

    // Edit a child in the second chunk.
    let mut edited = children[1_200].clone();
    edited.name = "<script>alert(1)</script>".into();
    edited.note = "=HYPERLINK(\"x\")".into();
    let now = today().and_hms_opt(10, 0, 0).unwrap_or_default();
    let prepared = ledger.prepare_save(edited.clone(), "测试员", now).unwrap();
    assert_eq!(prepared.chunk_no, 1);
    save_child(&db, &prepared).await.unwrap();
    ledger.apply(prepared);

    let loaded = load_all(&db).await.unwrap().whole.unwrap();
    let got = loaded.children.iter().find(|c| c.id == edited.id).unwrap();
    assert_eq!(got.name, "<script>alert(1)</script>");
    assert_eq!(got.note, "=HYPERLINK(\"x\")");
    assert_eq!(got.revision, edited.revision + 1);
    assert_eq!(loaded.children.len(), 1_500);
    let history = audit_of(&db, &edited.id.to_string(), None).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, AuditAction::Update);
    assert!(history[0]
        .changes
        .iter()
        .any(|c| c.field == "姓名" && c.after == "<script>alert(1)</script>"));
    finish(db, name).await;
}

#[wasm_bindgen_test]
async fn a_failed_replace_leaves_the_old_data_whole() {
    let name = "baoxue-test-atomic";
    let db = fresh(name).await;
    let (inst, schools, children) = county(1_200);
    let ledger = Ledger::new(schools.clone(), &inst.townships, children.clone());
    store_county(
        &db,
        &inst,
        &schools,
        &ledger.encode_all().unwrap(),
        Default::default(),
        "第一次",
    )
    .await
    .unwrap();

    // A second county whose two schools share a 学校标识码: the unique index refuses the
    // second one after the stores were cleared and new chunks written in the same
    // transaction. All of it must roll back.
    let (inst2, mut schools2, children2) = county(300);
    schools2[1].code = schools2[0].code.clone();
    let ledger2 = Ledger::new(schools2.clone(), &inst2.townships, children2);
    let err = store_county(
        &db,
        &inst2,
        &schools2,
        &ledger2.encode_all().unwrap(),
        Default::default(),
        "第二次",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Write(_)), "{err:?}");

    let loaded = load_all(&db).await.unwrap().whole.unwrap();
    assert_eq!(loaded.children, children);
    assert_eq!(loaded.schools.len(), schools.len());
    let recent = recent_audit(&db, 5).await.unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].summary, "第一次");
    finish(db, name).await;
}

#[wasm_bindgen_test]
async fn casework_changes_land_with_the_children_and_reload() {
    use baoxue_core::casework::{AbsenceKind, Actor, Casebook};
    let name = "baoxue-test-casework";
    let db = fresh(name).await;
    let (inst, schools, children) = county(1_100);
    let mut ledger = Ledger::new(schools.clone(), &inst.townships, children.clone());
    store_county(
        &db,
        &inst,
        &schools,
        &ledger.encode_all().unwrap(),
        Default::default(),
        "载入",
    )
    .await
    .unwrap();
    let child = children
        .iter()
        .find(|c| c.status == Status::InSchool)
        .unwrap()
        .id;
    let mut book = Casebook::default();
    // Three school days of unexcused absence: Thu, Fri, Mon.
    for day in [(11, 19), (11, 20), (11, 23)] {
        let date = NaiveDate::from_ymd_opt(2026, day.0, day.1).unwrap();
        let actor = Actor {
            name: "班主任",
            now: date.and_hms_opt(8, 30, 0).unwrap(),
        };
        let set = book
            .record_register(
                &ledger,
                date,
                &[(child, Some((AbsenceKind::Unexcused, "未请假".into())))],
                &actor,
                uuid::Uuid::new_v4,
            )
            .unwrap();
        let batch = ledger
            .prepare_batch(set.children.clone(), actor.now)
            .unwrap();
        commit_changes(&db, &batch, &set).await.unwrap();
        ledger.apply_batch(batch);
        book.apply(&set);
    }
    let loaded = load_all(&db).await.unwrap().whole.unwrap();
    assert_eq!(
        loaded
            .children
            .iter()
            .find(|c| c.id == child)
            .unwrap()
            .status,
        Status::SuspectedDropout
    );
    assert_eq!(loaded.records.suspects.len(), 1);
    let history = audit_of(&db, &child.to_string(), None).await.unwrap();
    assert!(history.iter().any(|e| e.summary.contains("疑似辍学")));
    // Absences load only within the window of recent days.
    let recent = (chrono::Local::now().date_naive() - chrono::Duration::days(ABSENCE_DAYS_LOADED))
        < NaiveDate::from_ymd_opt(2026, 11, 19).unwrap();
    assert_eq!(loaded.records.absences.len(), if recent { 3 } else { 0 });
    finish(db, name).await;
}

#[wasm_bindgen_test]
async fn a_backup_restores_into_an_empty_browser_with_every_record() {
    let (a, b) = ("baoxue-test-backup-a", "baoxue-test-backup-b");
    let db = fresh(a).await;
    let (inst, schools, children) = county(1_300);
    let ledger = Ledger::new(schools.clone(), &inst.townships, children.clone());
    let settings = baoxue_core::casework::CaseworkSettings::for_unit("泸溪县");
    store_county(
        &db,
        &inst,
        &schools,
        &ledger.encode_all().unwrap(),
        settings.clone(),
        "载入",
    )
    .await
    .unwrap();
    let backup = read_backup(&db).await.unwrap().unwrap();
    assert_eq!(backup.children.len(), 1_300);
    assert_eq!(backup.audit.len(), 1);
    finish(db, a).await;

    let db = fresh(b).await;
    let made_at = chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
        .unwrap()
        .and_hms_opt(9, 30, 0)
        .unwrap();
    restore(&db, &backup, made_at, &audit("恢复"))
        .await
        .unwrap();
    assert_eq!(
        last_backup(&db).await.unwrap(),
        Some(made_at),
        "the restored file is the last backup"
    );
    let again = read_backup(&db).await.unwrap().unwrap();
    assert_eq!(again.children, backup.children);
    assert_eq!(again.installation, backup.installation);
    assert_eq!(again.settings, settings);
    assert_eq!(again.audit.len(), 2);
    assert_eq!(again.audit[1].summary, "恢复");
    finish(db, b).await;
}

#[wasm_bindgen_test]
async fn opens_a_version_1_database_and_finds_every_record() {
    let name = "baoxue-test-migrate";
    delete_named(name).await.unwrap();
    let (inst, schools, mut children) = county(1_800);
    children[5].status = Status::SuspectedDropout;

    // Write the version-1 layout: one JSON object per child.
    let v1 = schema::builder_v1(name).build().await.unwrap();
    let tx = v1
        .transaction(
            &[schema::META, schema::SCHOOLS, schema::CHILDREN_V1],
            TransactionMode::ReadWrite,
        )
        .unwrap();
    tx.store(schema::META)
        .unwrap()
        .put(&json_value(&inst).unwrap(), Some(&"installation".into()))
        .await
        .unwrap();
    let store = tx.store(schema::SCHOOLS).unwrap();
    for s in &schools {
        store.put(&to_js(s).unwrap(), None).await.unwrap();
    }
    let store = tx.store(schema::CHILDREN_V1).unwrap();
    for c in &children {
        store.put(&to_js(c).unwrap(), None).await.unwrap();
    }
    tx.done().await.unwrap();
    assert_eq!(v1.version().unwrap(), 1);
    v1.close();

    // The current build opens it, upgrades, and moves the children into chunks.
    let db = open_named(name).await.unwrap();
    assert_eq!(db.0.version().unwrap(), SCHEMA_VERSION);
    let loaded = load_all(&db).await.unwrap().whole.unwrap();
    assert_eq!(loaded.installation, inst);
    assert_eq!(loaded.schools.len(), schools.len());
    let mut got = loaded.children.clone();
    got.sort_by_key(|c| c.id);
    children.sort_by_key(|c| c.id);
    assert_eq!(got, children);
    let recent = recent_audit(&db, 1).await.unwrap();
    assert_eq!(recent[0].action, AuditAction::Migrate);
    db.close();

    // Opening again migrates nothing twice.
    let db = open_named(name).await.unwrap();
    assert_eq!(
        load_all(&db).await.unwrap().whole.unwrap().children.len(),
        1_800
    );
    assert_eq!(recent_audit(&db, 10).await.unwrap().len(), 1);
    finish(db, name).await;
}

#[wasm_bindgen_test]
async fn a_roll_import_lands_its_children_schools_follow_up_and_every_audit_entry() {
    use baoxue_core::casework::ChangeSet;
    use baoxue_core::student_roll::RollFollowUp;
    let name = "baoxue-test-roll-import";
    let db = fresh(name).await;
    let (inst, schools, children) = county(4_500);
    let ledger = Ledger::new(Vec::new(), &inst.townships, Vec::new());
    store_county(&db, &inst, &[], &[], Default::default(), "设置")
        .await
        .unwrap();
    // More audit entries than one batch of requests holds, and a remainder.
    let set = ChangeSet {
        audit: children
            .iter()
            .map(|c| AuditEntry {
                subject: c.id.to_string(),
                ..audit(&format!("据学籍名册新增 {}", c.name))
            })
            .collect(),
        children: children.clone(),
        schools: schools.clone(),
        roll_follow_up: Some(RollFollowUp {
            missing: vec![children[0].id],
            ..Default::default()
        }),
        ..Default::default()
    };
    let batch = ledger
        .prepare_batch(set.children.clone(), today().and_hms_opt(9, 0, 0).unwrap())
        .unwrap();
    commit_changes(&db, &batch, &set).await.unwrap();
    let loaded = load_all(&db).await.unwrap().whole.unwrap();
    assert_eq!(loaded.children.len(), 4_500);
    assert_eq!(loaded.schools.len(), schools.len());
    assert_eq!(loaded.roll_follow_up.missing, vec![children[0].id]);
    assert_eq!(recent_audit(&db, 10_000).await.unwrap().len(), 4_501);
    let last = audit_of(&db, &children[4_499].id.to_string(), Some(4_499))
        .await
        .unwrap();
    assert_eq!(last.len(), 1);

    // The next import packs its entries one per school: each child still finds its line.
    let per_child = children
        .iter()
        .map(|c| AuditEntry {
            subject: c.id.to_string(),
            ..audit(&format!("据学籍名册更新 {}", c.name))
        })
        .collect();
    let school_of = |e: &AuditEntry| {
        let c = children.iter().find(|c| c.id.to_string() == e.subject);
        c.and_then(|c| c.school_id)
            .map(|id| id.to_string())
            .unwrap_or_default()
    };
    let packed = AuditEntry::pack(per_child, school_of, |s, n| format!("{s}：{n}人"));
    let ledger = Ledger::new(schools.clone(), &inst.townships, loaded.children.clone());
    let set = ChangeSet {
        audit: packed.clone(),
        children: loaded.children.clone(),
        ..Default::default()
    };
    let batch = ledger
        .prepare_batch(set.children.clone(), today().and_hms_opt(10, 0, 0).unwrap())
        .unwrap();
    commit_changes(&db, &batch, &set).await.unwrap();
    // The index holds the chunks the lines' children are in, not 4,500 children.
    let tx = db.tx(&[AUDIT], TransactionMode::ReadOnly).unwrap();
    let keys = tx
        .store(AUDIT)
        .unwrap()
        .index(schema::AUDIT_BY_SUBJECTS)
        .unwrap()
        .count(None)
        .await
        .unwrap();
    drop(tx);
    assert!(keys <= 5 * packed.len() as u32, "{keys} index keys");
    let recent = recent_audit(&db, 10_000).await.unwrap();
    assert_eq!(recent.len(), 4_501 + packed.len());
    assert!(
        recent.iter().all(|a| a.lines.is_empty()),
        "the newest entries are read without their lines"
    );
    let child = &children[4_499];
    let history = audit_of(&db, &child.id.to_string(), Some(4_499))
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].summary, format!("据学籍名册更新 {}", child.name));
    let school = child.school_id.unwrap().to_string();
    let of_school = audit_of(&db, &school, None).await.unwrap();
    assert_eq!(
        of_school.len(),
        1,
        "the school sees the packed entry itself"
    );
    assert!(of_school[0].summary.ends_with("人"));

    // A backup keeps the lines, and the restored trail is indexed again.
    let backup = read_backup(&db).await.unwrap().unwrap();
    assert!(backup.audit.iter().any(|a| a.lines.len() > 1));
    let restored = "baoxue-test-roll-import-restored";
    let db2 = fresh(restored).await;
    let made = today().and_hms_opt(11, 0, 0).unwrap();
    restore(&db2, &backup, made, &audit("恢复")).await.unwrap();
    let history = audit_of(&db2, &child.id.to_string(), Some(4_499))
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    finish(db2, restored).await;
    finish(db, name).await;
}

#[wasm_bindgen_test]
async fn an_exchange_filing_lands_whole_and_a_withdrawn_report_is_gone_after_reload() {
    use baoxue_core::exchange::filing::{self, ExchangeRecord, Filing};
    use baoxue_core::exchange::report::{MonthlyReport, ReceivedReport, MONTHLY_KIND};
    use baoxue_core::exchange::{Envelope, UnitRef};
    let name = "baoxue-test-exchange";
    let db = fresh(name).await;
    let table = DivisionTable::parse(include_str!("../../public/divisions.tsv")).unwrap();
    let mut p = DemoParams::new(today());
    p.children = 1_500;
    let c = baoxue_core::demo::generate(&p, &table).unwrap();
    let ledger = Ledger::new(
        c.schools.clone(),
        &c.installation.townships,
        c.children.clone(),
    );
    let book = c.casework.casebook(Default::default());
    let history = baoxue_core::indicators::history::History::new(c.casework.history.clone());
    let at = today().and_hms_opt(10, 0, 0).unwrap();
    let received = |school: &School, version: u32| {
        let mut report =
            MonthlyReport::build(&ledger, &book, &history, school.id, today()).unwrap();
        report.version = version;
        let envelope = Envelope::new(
            MONTHLY_KIND,
            UnitRef::school(school),
            Some(UnitRef::of(&c.installation)),
            Some(report.period.clone()),
            at,
            "李老师",
            None,
        );
        ReceivedReport {
            envelope,
            report,
            received_at: at,
            received_by: "县控辍办".into(),
            problems: Vec::new(),
        }
    };
    let (a, b) = (received(&c.schools[0], 1), received(&c.schools[1], 2));
    let actor = baoxue_core::casework::Actor {
        name: "县控辍办",
        now: at,
    };
    let (key, made) = filing::new_pseudonym_key([5; 32], actor);
    let imported = Filing {
        records: vec![
            ExchangeRecord::ReportIn(a.clone()),
            ExchangeRecord::ReportIn(b.clone()),
            ExchangeRecord::PseudonymKey(key.clone()),
        ],
        withdrawn: None,
        audit: made.audit,
    };
    store_county(
        &db,
        &c.installation,
        &c.schools,
        &[],
        Default::default(),
        "设置",
    )
    .await
    .unwrap();
    save_exchange(&db, &imported).await.unwrap();
    let loaded = load_all(&db).await.unwrap().whole.unwrap();
    assert_eq!(loaded.records.inbox.reports.len(), 2);
    assert_eq!(loaded.records.inbox.pseudonym_key, Some(key));

    save_exchange(&db, &filing::withdraw_report(&a, actor))
        .await
        .unwrap();
    db.close();
    let db = open_named(name).await.unwrap();
    let loaded = load_all(&db).await.unwrap().whole.unwrap();
    assert_eq!(loaded.records.inbox.reports, vec![b]);
    let recent = recent_audit(&db, 5).await.unwrap();
    assert_eq!(recent[0].action, AuditAction::Delete);
    assert!(
        recent[0].summary.starts_with("撤回"),
        "{}",
        recent[0].summary
    );
    finish(db, name).await;
}

#[wasm_bindgen_test]
async fn a_record_under_a_key_nobody_reads_stops_the_load_and_names_the_key() {
    let name = "baoxue-test-unknown-key";
    let db = fresh(name).await;
    write(&db, &[CASEWORK], |tx| async move {
        let store = step!(tx, tx.store(CASEWORK).map_err(write_err));
        step!(
            tx,
            put(&store, &JsValue::from_str("{}"), Some(&"letter/7".into())).await
        );
        Ok(tx)
    })
    .await
    .unwrap();
    match load_all(&db).await {
        Err(StoreError::Corrupt { detail, .. }) => assert!(detail.contains("letter/7"), "{detail}"),
        other => panic!("an unknown record must not be dropped silently: {other:?}"),
    }
    finish(db, name).await;
}

#[wasm_bindgen_test]
async fn children_without_their_installation_record_are_refused_not_set_up_over() {
    let name = "baoxue-test-no-installation";
    let db = fresh(name).await;
    let (inst, schools, children) = county(600);
    let ledger = Ledger::new(schools.clone(), &inst.townships, children);
    store_county(
        &db,
        &inst,
        &schools,
        &ledger.encode_all().unwrap(),
        Default::default(),
        "载入",
    )
    .await
    .unwrap();
    write(&db, &[META], |tx| async move {
        let meta = step!(tx, tx.store(META).map_err(write_err));
        step!(
            tx,
            meta.delete(MetaKey::Installation.into())
                .await
                .map_err(write_err)
        );
        Ok(tx)
    })
    .await
    .unwrap();
    match load_all(&db).await {
        Err(StoreError::Corrupt { what, .. }) => assert_eq!(what, "单位设置"),
        other => panic!("set-up would write over 600 children: {other:?}"),
    }
    finish(db, name).await;
}

#[wasm_bindgen_test]
async fn a_backup_keeps_the_roll_imports_columns_and_follow_up_list() {
    let (a, b) = ("baoxue-test-roll-backup-a", "baoxue-test-roll-backup-b");
    let db = fresh(a).await;
    let (inst, schools, children) = county(400);
    let ledger = Ledger::new(schools.clone(), &inst.townships, children.clone());
    let mut whole = WholeInstallation::new(inst.clone(), Default::default(), schools.clone());
    whole.roll_mapping = [("学生姓名".to_string(), Some(RollField::Name))].into();
    whole.roll_follow_up.missing = vec![children[3].id];
    whole.roll_follow_up.files = vec!["学籍.xlsx".into()];
    replace_all(
        &db,
        &whole,
        &ledger.encode_all().unwrap(),
        &[audit("载入")],
        None,
    )
    .await
    .unwrap();
    let backup = read_backup(&db).await.unwrap().unwrap();
    finish(db, a).await;

    let db = fresh(b).await;
    let made_at = today().and_hms_opt(9, 0, 0).unwrap();
    restore(&db, &backup, made_at, &audit("恢复"))
        .await
        .unwrap();
    let loaded = load_all(&db).await.unwrap().whole.unwrap();
    assert_eq!(loaded.roll_mapping, whole.roll_mapping);
    assert_eq!(loaded.roll_follow_up, whole.roll_follow_up);
    finish(db, b).await;
}

#[wasm_bindgen_test]
async fn reports_and_what_they_land_in_the_ledgers_are_one_transaction() {
    use baoxue_core::casework::{Actor, Casebook};
    use baoxue_core::exchange::filing::{ExchangeRecord, Filing};
    use baoxue_core::exchange::landing::{land, Exchanged, LandIn};
    use baoxue_core::exchange::report::{MonthlyReport, ReceivedReport, MONTHLY_KIND};
    use baoxue_core::exchange::{Envelope, UnitRef};
    let name = "baoxue-test-landing";
    let db = fresh(name).await;
    let table = DivisionTable::parse(include_str!("../../public/divisions.tsv")).unwrap();
    let mut p = DemoParams::new(today());
    p.children = 1_500;
    let c = baoxue_core::demo::generate(&p, &table).unwrap();
    let ledger = Ledger::new(
        c.schools.clone(),
        &c.installation.townships,
        c.children.clone(),
    );
    store_county(
        &db,
        &c.installation,
        &c.schools,
        &ledger.encode_all().unwrap(),
        Default::default(),
        "设置",
    )
    .await
    .unwrap();
    // The school's report, landed in a county that has none of its casework yet.
    let book = c.casework.casebook(Default::default());
    let history = baoxue_core::indicators::history::History::new(c.casework.history.clone());
    let (school, report) = c
        .schools
        .iter()
        .find_map(|s| {
            let r = MonthlyReport::build(&ledger, &book, &history, s.id, today())?;
            let flagged = r.entries().any(|(_, e)| e.suspect.is_some());
            flagged.then(|| (s.clone(), r))
        })
        .expect("a school with a suspect this month");
    let at = today().and_hms_opt(10, 0, 0).unwrap();
    let actor = Actor {
        name: "县控辍办",
        now: at,
    };
    let (empty, none) = (Casebook::default(), Default::default());
    let landed = land(
        &report,
        at,
        school.id,
        "月报.baoxue",
        &Exchanged::new([], []),
        LandIn {
            ledger: &ledger,
            casebook: &empty,
            choices: &none,
        },
        &actor,
    );
    assert!(!landed.set.suspects.is_empty());
    let received = ReceivedReport {
        envelope: Envelope::new(
            MONTHLY_KIND,
            UnitRef::school(&school),
            Some(UnitRef::of(&c.installation)),
            Some(report.period.clone()),
            at,
            "李老师",
            None,
        ),
        report,
        received_at: at,
        received_by: "县控辍办".into(),
        problems: Vec::new(),
    };
    let filing = Filing {
        records: vec![ExchangeRecord::ReportIn(received.clone())],
        withdrawn: None,
        audit: vec![AuditEntry {
            subject: format!("report/{}", school.id),
            ..audit("导入月报")
        }],
    };
    let batch = |set: &ChangeSet| {
        ledger
            .prepare_batch(set.children.clone(), at)
            .expect("the landed children")
    };

    // A school in the same change set that the unique index refuses: nothing lands, neither
    // the report nor its suspects.
    let mut refused = landed.set.clone();
    refused.schools = vec![School {
        id: uuid::Uuid::new_v4(),
        ..c.schools[1].clone()
    }];
    let err = commit_filed(&db, &batch(&refused), &refused, &filing)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Write(_)), "{err:?}");
    let loaded = load_all(&db).await.unwrap().whole.unwrap();
    assert!(loaded.records.inbox.reports.is_empty());
    assert!(loaded.records.suspects.is_empty());
    assert_eq!(recent_audit(&db, 5).await.unwrap().len(), 1);

    commit_filed(&db, &batch(&landed.set), &landed.set, &filing)
        .await
        .unwrap();
    db.close();
    let db = open_named(name).await.unwrap();
    let loaded = load_all(&db).await.unwrap().whole.unwrap();
    assert_eq!(loaded.records.inbox.reports, vec![received]);
    assert_eq!(loaded.records.suspects.len(), landed.set.suspects.len());
    let summaries: Vec<String> = recent_audit(&db, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.summary)
        .collect();
    assert!(summaries.iter().any(|s| s == "导入月报"), "{summaries:?}");
    assert!(
        summaries.iter().any(|s| s.contains("列入疑似辍学台账")),
        "{summaries:?}"
    );
    finish(db, name).await;
}
