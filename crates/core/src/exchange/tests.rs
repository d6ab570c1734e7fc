use chrono::NaiveDate;

use super::*;
use crate::casework::CaseworkSettings;
use crate::demo::{generate, DemoParams};
use crate::divisions::DivisionTable;

fn backup() -> Backup {
    backup_of(400)
}

fn backup_of(children: usize) -> Backup {
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let mut p = DemoParams::new(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    p.children = children;
    let c = generate(&p, &table).unwrap();
    let mut whole = crate::installation::WholeInstallation::new(
        c.installation,
        CaseworkSettings::for_unit("泸溪县"),
        c.schools,
    );
    whole.children = c.children;
    whole.records = c.casework;
    whole.mappings = [(
        "police".to_string(),
        [(
            "户籍地址".to_string(),
            Some(crate::crosscheck::RosterField::Hukou),
        )]
        .into(),
    )]
    .into();
    whole.into_backup(vec![])
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
        from_key: None,
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
    // Version 0 (never written), a missing, negative, fractional or textual version — also
    // with the hash made right again, the payload untouched.
    for v in ["0", "-1", "1.5", "\"1\"", "null", "18446744073709551616"] {
        let odd = text.replacen(
            "\"format_version\":1",
            &format!("\"format_version\":{v}"),
            1,
        );
        match read_bundle(&odd) {
            Err(e @ BundleError::UnknownFormat(_)) => {
                assert!(e.to_string().contains("不是保学写过的版本"), "{e}")
            }
            other => panic!("{v}: {other:?}"),
        }
    }
    let gone = text.replacen("\"format_version\":1,", "", 1);
    assert!(matches!(
        read_bundle(&gone),
        Err(BundleError::UnknownFormat(_))
    ));
    let other = text.replacen(FORMAT, "something-else", 1);
    assert!(matches!(
        read_bundle(&other),
        Err(BundleError::NotABundle(_))
    ));
}

#[test]
fn nesting_no_file_of_ours_has_is_refused_even_in_a_field_nobody_reads() {
    let text = write_bundle(envelope(), &backup()).unwrap();
    // serde_json skips an unknown field without counting its depth: the hash made right, a
    // 100,000-deep array in the payload would be taken in silently.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let at = text.find(",\"payload\":{").unwrap() + 12;
    let payload = format!("{{\"deep\":{deep},{}", &text[at..text.len() - 1]);
    let env = text[..at - 12].replace(
        &serde_json::from_str::<serde_json::Value>(&text).unwrap()["envelope"]["content_sha256"]
            .as_str()
            .unwrap()
            .to_string(),
        &sha256_hex(payload.as_bytes()),
    );
    let hostile = format!("{env},\"payload\":{payload}}}");
    match read_bundle(&hostile) {
        Err(e @ BundleError::Payload(_)) => assert!(e.to_string().contains("嵌套超过32层"), "{e}"),
        other => panic!("{:?}", other.map(|(e, _)| e)),
    }
    // Brackets inside text are text, and what BaoXue writes passes.
    let named = text.replacen("\"name\":\"", &format!("\"name\":\"{}", "[{".repeat(40)), 1);
    assert!(too_deep(&named).is_none());
    assert!(read_bundle(&text).is_ok());
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

/// A sealed file's header with its stanza line replaced.
fn with_stanza(sealed: &[u8], stanza: &str) -> Vec<u8> {
    let text = sealed.to_vec();
    let start = text.iter().position(|b| *b == b'\n').unwrap() + 1;
    let end = start + text[start..].iter().position(|b| *b == b'\n').unwrap();
    [&text[..start], stanza.as_bytes(), &text[end..]].concat()
}

#[test]
fn an_age_header_is_checked_before_any_key_is_derived() {
    let plain = b"{}".to_vec();
    let report = encrypt_report(&plain, "泸溪县控辍办2026").unwrap();
    assert_eq!(
        check_header(&report).unwrap(),
        Sealed::Passphrase(REPORT_WORK_FACTOR)
    );
    let backup = encrypt(&plain, "泸溪县控辍办2026").unwrap();
    assert_eq!(
        check_header(&backup).unwrap(),
        Sealed::Passphrase(BACKUP_WORK_FACTOR)
    );
    let stanza = String::from_utf8_lossy(&report)
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    let salt = stanza.split(' ').nth(2).unwrap();
    // Work factors no BaoXue file has: refused at once (2^21 would take minutes; 63, 64 and
    // 255 made the age crate panic).
    for n in ["19", "21", "30", "63", "64", "255"] {
        let file = with_stanza(&report, &format!("-> scrypt {salt} {n}"));
        match decrypt(&file, "泸溪县控辍办2026") {
            Err(e @ BundleError::ExcessiveWork { .. }) if n.len() <= 2 => {
                assert!(e.to_string().contains("超过保学写入的上限2^18"), "{e}")
            }
            Err(BundleError::Corrupt(m)) => assert!(m.contains("加密文件头无效"), "{n}: {m}"),
            other => panic!("{n}: {other:?}"),
        }
    }
    for (stanza, why) in [
        (format!("-> scrypt {salt} 014"), "工作因子"),
        (format!("-> scrypt {salt} "), "工作因子"),
        (format!("-> scrypt {salt}"), "scrypt"),
        (format!("-> X25519 {salt}"), "接收方"),
        (format!("-> scrypt {}== 14", &salt[..20]), "盐值"),
        (format!("-> scrypt {}.. 14", &salt[..20]), "盐值"),
        (format!("-> scrypt {salt} 14 extra"), "scrypt"),
        // A 64 KB stanza kept the CLI busy past 20 s.
        (
            format!("-> scrypt {salt} 14 {}", "A".repeat(65_536)),
            "过长",
        ),
    ] {
        let file = with_stanza(&report, &stanza);
        match decrypt(&file, "泸溪县控辍办2026") {
            Err(BundleError::Corrupt(m)) => assert!(m.contains(why), "{stanza:.40}: {m}"),
            other => panic!("{stanza:.40}: {other:?}"),
        }
    }
    // A second stanza after the first, or a cut header.
    let two = with_stanza(&report, &format!("{stanza}\n-> scrypt {salt} 14"));
    assert!(matches!(
        decrypt(&two, "泸溪县控辍办2026"),
        Err(BundleError::Corrupt(_))
    ));
    let cut = &report[..60];
    assert!(matches!(
        decrypt(cut, "泸溪县控辍办2026"),
        Err(BundleError::Truncated(_))
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

#[test]
fn a_backup_is_checked_whole_before_it_may_replace_anything() {
    // The demo county as a training session loads it restores as it is.
    assert_eq!(backup_of(30_000).problems(), Vec::<String>::new());
    let good = backup();
    assert_eq!(good.problems(), Vec::<String>::new());
    let mut bad = good.clone();
    bad.settings.watch_days = u32::MAX;
    let code = bad.schools[0].code.clone();
    bad.schools[1].code = code.clone();
    bad.children[1].id_number = bad.children[0].id_number.clone();
    bad.children[2].name = "<script>".repeat(200_000);
    bad.children[3].grade = Some(200);
    let problems = bad.problems();
    let all = problems.join("\n");
    assert!(all.contains("设置：“复学观察期天数”为4294967295"), "{all}");
    assert!(
        all.contains(&format!("学校标识码{}与", code.unwrap())),
        "{all}"
    );
    assert!(
        all.contains("第2名儿童") && all.contains("身份证件号与第1名儿童相同"),
        "{all}"
    );
    assert!(
        all.contains("第3名儿童“<script><script><scr…”：姓名为空，或儿童、监护人姓名超过50字"),
        "{all}"
    );
    assert!(all.contains("年级200不在1到9之间"), "{all}");
    // A message stays short whatever the file holds.
    assert!(all.chars().count() < 2_000);
    let mut many = good.clone();
    for c in &mut many.children {
        c.grade = Some(0);
    }
    let listed = many.problems();
    assert_eq!(listed.len(), 11);
    assert!(listed[10].starts_with("另有"), "{listed:?}");
}

#[test]
fn a_payload_that_does_not_fit_says_which_field_and_why_in_chinese() {
    let text = write_bundle(envelope(), &backup()).unwrap();
    let (env, payload) = read_bundle(&text).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(payload).unwrap();
    value["children"][3]["birth_date"] = "2015-02-30".into();
    value["schools"][0]["kind"] = "university".into();
    let broken = |v: &serde_json::Value| {
        let p = serde_json::to_string(v).unwrap();
        let mut e = env.clone();
        e.content_sha256 = sha256_hex(p.as_bytes());
        format!(
            "{{\"envelope\":{},\"payload\":{p}}}",
            serde_json::to_string(&e).unwrap()
        )
    };
    let err = read_payload::<Backup>(&broken(&value), BACKUP_KIND)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("数据包内容有误：字段payload.children[3].birth_date，第1行第"),
        "{err}"
    );
    assert!(
        err.contains("日期不存在或超出范围（详情：input is out of range"),
        "{err}"
    );
    value["children"][3]["birth_date"] = "2015-02-01".into();
    let err = read_payload::<Backup>(&broken(&value), BACKUP_KIND)
        .unwrap_err()
        .to_string();
    assert!(err.contains("字段payload.schools[0].kind"), "{err}");
    assert!(
        err.contains("取值“university”不认识（详情：unknown variant"),
        "{err}"
    );
    value["schools"][0]["kind"] = serde_json::to_value(backup().schools[0].kind).unwrap();
    let mut missing = value.clone();
    missing.as_object_mut().unwrap().remove("settings");
    let err = read_payload::<Backup>(&broken(&missing), BACKUP_KIND)
        .unwrap_err()
        .to_string();
    assert!(err.contains("缺少字段“settings”"), "{err}");
    // Every message is Chinese first; the reader's English text only follows as the detail.
    for bad in [
        "{\"envelope\": 1}",
        "[1,2",
        "{\"envelope\":{},\"payload\":{}} x",
        "\u{0}",
    ] {
        let e = read_bundle(bad).unwrap_err().to_string();
        let first = e.chars().next().unwrap();
        assert!(('\u{4e00}'..='\u{9fff}').contains(&first), "{e}");
        // Before the detail, only quoted names (“payload”) and the word JSON are Latin.
        let said = e.split("（详情").next().unwrap().replace("JSON", "");
        let unquoted: String = said
            .split('“')
            .map(|p| p.split_once('”').map_or(p, |(_, r)| r))
            .collect();
        assert!(
            !unquoted.chars().any(|c| c.is_ascii_lowercase()),
            "English before the detail: {e}"
        );
    }
}

#[test]
fn a_compressed_backup_is_a_fraction_of_its_text_and_reads_back_whole() {
    let b = backup_of(3_000);
    let text = write_bundle(envelope(), &b).unwrap();
    let packed = compress(&text);
    assert!(
        packed.len() * 3 < text.len(),
        "{} bytes of {}",
        packed.len(),
        text.len()
    );
    let sealed = encrypt(&packed, "口令口令口令口令").unwrap();
    assert_eq!(
        bundle_text(&sealed, Some("口令口令口令口令")).unwrap(),
        text
    );
    assert_eq!(
        bundle_text(&packed, None).unwrap(),
        text,
        "unencrypted, packed"
    );
    assert_eq!(
        bundle_text(text.as_bytes(), None).unwrap(),
        text,
        "as before"
    );
    // Cut short: said, in Chinese, and nothing read.
    let cut = bundle_text(&packed[..packed.len() / 2], None)
        .unwrap_err()
        .to_string();
    assert!(cut.contains("压缩的内容不完整或已损坏"), "{cut}");
    // A small file that would unpack into all of memory stops at the limit.
    let bomb = compress(&" ".repeat(3 * 1024 * 1024));
    assert!(bomb.len() * 50 < 3 * 1024 * 1024, "{} bytes", bomb.len());
    let big = plain_text_within(bomb, 2 * 1024 * 1024)
        .unwrap_err()
        .to_string();
    assert!(big.contains("解压后超过2MB"), "{big}");
}

#[test]
fn a_file_sealed_to_an_office_opens_with_its_key_and_no_other() {
    let (county, school, stranger) = (
        OfficeKey::generate(),
        OfficeKey::generate(),
        OfficeKey::generate(),
    );
    assert!(county.public.starts_with("age1"));
    assert!(county.secret.starts_with("AGE-SECRET-KEY-1"));
    assert!(
        !format!("{county:?}").contains(&county.secret),
        "the secret is never printed"
    );
    let plain = "{\"月报\":\"惠城镇第一小学\"}".as_bytes();
    let sealed = encrypt_to(plain, &[&county.public, &school.public]).unwrap();
    assert_eq!(check_header(&sealed).unwrap(), Sealed::Keys(2));
    // The receiver opens it, and so does the sender's own copy.
    assert_eq!(decrypt_with_key(&sealed, &county).unwrap(), plain);
    assert_eq!(decrypt_with_key(&sealed, &school).unwrap(), plain);
    assert_eq!(
        decrypt_with_key(&sealed, &stranger),
        Err(BundleError::NotForThisOffice)
    );
    assert_eq!(
        decrypt(&sealed, "泸溪县控辍办2026"),
        Err(BundleError::SealedToKey)
    );
    let by_passphrase = encrypt_report(plain, "泸溪县控辍办2026").unwrap();
    assert_eq!(
        decrypt_with_key(&by_passphrase, &county),
        Err(BundleError::NeedsPassphrase)
    );
    // A cut-off file, a changed byte, a bad public key: each said, none opened.
    assert!(matches!(
        decrypt_with_key(&sealed[..sealed.len() - 10], &county),
        Err(BundleError::Corrupt(_))
    ));
    let mut changed = sealed.clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    assert!(matches!(
        decrypt_with_key(&changed, &county),
        Err(BundleError::Corrupt(_))
    ));
    assert!(matches!(
        encrypt_to(plain, &["age1notakey"]),
        Err(BundleError::BadKey(_))
    ));
    assert!(check_public_key(&county.public).is_ok());
    assert!(check_public_key("AGE-SECRET-KEY-1").is_err());
    // Too many recipients is not a file BaoXue wrote.
    let many: Vec<OfficeKey> = (0..9).map(|_| OfficeKey::generate()).collect();
    let keys: Vec<&str> = many.iter().map(|k| k.public.as_str()).collect();
    let crowded = encrypt_to(plain, &keys).unwrap();
    assert!(matches!(
        check_header(&crowded),
        Err(BundleError::Corrupt(_))
    ));
}
