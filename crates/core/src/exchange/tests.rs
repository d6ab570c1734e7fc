use chrono::NaiveDate;

use super::*;
use crate::casework::CaseworkSettings;
use crate::demo::{generate, DemoParams};
use crate::divisions::DivisionTable;

fn backup() -> Backup {
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let mut p = DemoParams::new(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    p.children = 400;
    let c = generate(&p, &table).unwrap();
    Backup {
        installation: c.installation,
        settings: CaseworkSettings::for_unit("泸溪县"),
        schools: c.schools,
        children: c.children,
        suspects: c.casework.suspects,
        cases: c.casework.cases,
        transfers: c.casework.transfers,
        plans: c.casework.plans,
        absences: c.casework.absences,
        audit: vec![],
        crosscheck_decisions: vec![],
        history: c.casework.history,
        inbox: Default::default(),
        outbox: Default::default(),
        crosscheck_mappings: [(
            "police".to_string(),
            [(
                "户籍地址".to_string(),
                Some(crate::crosscheck::RosterField::Hukou),
            )]
            .into(),
        )]
        .into(),
    }
}

fn envelope() -> Envelope {
    Envelope {
        format: String::new(),
        format_version: 0,
        kind: BACKUP_KIND.into(),
        from_unit: UnitRef {
            level: "county".into(),
            code: "433122".into(),
            name: "泸溪县".into(),
        },
        to_unit: None,
        period: None,
        created_at: NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
        created_by: "张晓明".into(),
        app_version: "0.1.0".into(),
        content_sha256: String::new(),
        previous_sha256: None,
    }
}

#[test]
fn a_backup_round_trips_and_says_what_it_is() {
    let b = backup();
    let text = write_bundle(envelope(), &b).unwrap();
    let (env, back): (Envelope, Backup) = read_payload(&text, BACKUP_KIND).unwrap();
    assert_eq!(back, b);
    assert_eq!(env.format, FORMAT);
    assert_eq!(env.format_version, FORMAT_VERSION);
    assert_eq!(env.content_sha256.len(), 64);
    assert!(b.summary().contains("400名儿童"));
}

#[test]
fn a_changed_byte_a_cut_file_a_wrong_kind_and_a_newer_version_are_refused() {
    let text = write_bundle(envelope(), &backup()).unwrap();
    // One character of the payload changed (a name).
    let children = text.find("\"children\":").unwrap();
    let i = children + text[children..].find("\"name\":\"").unwrap() + 8;
    let mut tampered = text.clone();
    tampered.replace_range(i..i + 3, "某");
    assert!(matches!(
        read_bundle(&tampered),
        Err(BundleError::Checksum { .. })
    ));
    // Cut in the middle, as a copy to a full stick would.
    assert!(matches!(
        read_bundle(&text[..text.floor_char_boundary(text.len() / 2)]),
        Err(BundleError::Truncated(_))
    ));
    assert!(matches!(
        read_bundle("{\"a\": ]"),
        Err(BundleError::Json { line: 1, .. })
    ));
    assert!(matches!(
        read_payload::<Backup>(&text, "monthly-report"),
        Err(BundleError::WrongKind { .. })
    ));
    let newer = text.replacen("\"format_version\":1", "\"format_version\":7", 1);
    assert!(matches!(
        read_bundle(&newer),
        Err(BundleError::NewerFormat(7))
    ));
    let other = text.replacen(FORMAT, "something-else", 1);
    assert!(matches!(
        read_bundle(&other),
        Err(BundleError::NotABundle(_))
    ));
}

#[test]
fn encryption_round_trips_and_a_wrong_passphrase_or_changed_byte_is_refused() {
    let plain = b"{\"envelope\":{},\"payload\":{}}".to_vec();
    assert!(matches!(
        encrypt(&plain, "short"),
        Err(BundleError::WeakPassphrase)
    ));
    let sealed = encrypt(&plain, "泸溪县控辍办2026").unwrap();
    assert!(is_encrypted(&sealed));
    assert!(!is_encrypted(&plain));
    assert_eq!(decrypt(&sealed, "泸溪县控辍办2026").unwrap(), plain);
    assert!(matches!(
        decrypt(&sealed, "wrong passphrase"),
        Err(BundleError::WrongPassphrase)
    ));
    let mut changed = sealed.clone();
    let last = changed.len() - 5;
    changed[last] ^= 0x01;
    assert!(matches!(
        decrypt(&changed, "泸溪县控辍办2026"),
        Err(BundleError::Corrupt(_))
    ));
}

#[test]
fn the_json_schema_in_docs_is_the_one_the_types_make() {
    let schema = schema_of::<Backup>("BaoXue bundle: backup");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/bundle-backup.schema.json"
    );
    if std::env::var("BAOXUE_WRITE_SCHEMA").is_ok() {
        std::fs::write(path, &schema).unwrap();
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(on_disk == schema, "docs/bundle-backup.schema.json is stale: run BAOXUE_WRITE_SCHEMA=1 cargo test -p baoxue-core schema");
    // Every member of a real bundle is described.
    let v: serde_json::Value = serde_json::from_str(&schema).unwrap();
    let text = write_bundle(envelope(), &backup()).unwrap();
    let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    let defs = &v["$defs"];
    for key in bundle["envelope"].as_object().unwrap().keys() {
        assert!(
            defs["Envelope"]["properties"].get(key).is_some(),
            "envelope.{key} missing in the schema"
        );
    }
    for key in bundle["payload"]["children"][0].as_object().unwrap().keys() {
        assert!(
            defs["Child"]["properties"].get(key).is_some(),
            "child.{key} missing in the schema"
        );
    }
}
