//! The `baoxue` binary on good and bad input.
#![allow(clippy::unwrap_used)]
use std::process::Command;

use chrono::NaiveDate;

fn baoxue(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_baoxue"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .unwrap()
}

#[test]
fn check_id_accepts_valid_and_legacy_numbers() {
    let out = baoxue(&["check-id", "11010519491231002X", "110105491231002"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1949-12-31\t女"));
    assert_eq!(text.matches("有效").count(), 2);
}

#[test]
fn check_id_fails_with_the_reason() {
    let out = baoxue(&["check-id", "110105194912310021"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("校验位应为“X”"));
}

#[test]
fn demo_writes_a_county_and_refuses_bad_arguments() {
    let path = std::env::temp_dir().join("baoxue-cli-demo.json");
    let out = baoxue(&[
        "demo",
        "--children",
        "120",
        "--today",
        "2026-11-23",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(json["envelope"]["kind"], "backup");
    assert_eq!(json["payload"]["children"].as_array().unwrap().len(), 120);
    assert_eq!(
        json["payload"]["installation"]["divisions"][2]["name"],
        "泸溪县"
    );
    std::fs::remove_file(path).ok();

    let out = baoxue(&["demo", "--children", "many", "--out", "x.json"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--children"));
    let out = baoxue(&["demo", "--county", "999999", "--out", "/tmp/x.json"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("999999"));
    assert!(!baoxue(&["frobnicate"]).status.success());
}

#[test]
fn verify_inspect_and_decrypt_bundles_and_refuse_bad_ones() {
    use baoxue_core::exchange::{encrypt, write_bundle, Backup, Envelope, UnitRef, BACKUP_KIND};
    let dir = std::env::temp_dir().join(format!("baoxue-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let demo = dir.join("demo.json");
    assert!(baoxue(&[
        "demo",
        "--children",
        "50",
        "--today",
        "2026-11-23",
        "--out",
        demo.to_str().unwrap()
    ])
    .status
    .success());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&demo).unwrap()).unwrap();
    // The demo is a county's backup, restorable as it is.
    assert_eq!(v["envelope"]["kind"], BACKUP_KIND);
    let backup: Backup = serde_json::from_value(v["payload"].clone()).unwrap();
    assert!(backup.problems().is_empty(), "{:?}", backup.problems());
    assert!(
        !backup.history.is_empty(),
        "the schools' monthly figures come along"
    );
    let env = Envelope {
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
        created_at: nine_am(),
        created_by: "测试".into(),
        app_version: "0.1.0".into(),
        content_sha256: String::new(),
        previous_sha256: None,
        from_key: None,
    };
    let text = write_bundle(env, &backup).unwrap();
    let plain = dir.join("b.json");
    std::fs::write(&plain, &text).unwrap();
    let out = baoxue(&["inspect", plain.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("50名儿童"));

    // Encrypted: needs the passphrase; with it, decrypts to the same text.
    let sealed = dir.join("b.baoxue");
    std::fs::write(
        &sealed,
        encrypt(text.as_bytes(), "口令口令口令口令").unwrap(),
    )
    .unwrap();
    let out = baoxue(&["verify", sealed.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("请输入口令"));
    let out = Command::new(env!("CARGO_BIN_EXE_baoxue"))
        .args([
            "decrypt",
            sealed.to_str().unwrap(),
            "--out",
            dir.join("d.json").to_str().unwrap(),
        ])
        .env("BAOXUE_PASSPHRASE", "口令口令口令口令")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(dir.join("d.json")).unwrap(), text);

    // A changed byte in the payload, and a cut file.
    let tampered = dir.join("t.json");
    std::fs::write(&tampered, text.replacen("\"grade\":1", "\"grade\":2", 1)).unwrap();
    let out = baoxue(&["verify", tampered.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("校验失败"));
    let cut = dir.join("c.json");
    std::fs::write(&cut, &text[..text.len() / 3]).unwrap();
    let out = baoxue(&["verify", cut.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("不完整"));
    std::fs::remove_dir_all(&dir).ok();
}

fn nine_am() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

#[test]
fn roster_writes_a_gbk_police_roster_with_its_planted_children() {
    let dir = std::env::temp_dir().join(format!("baoxue-cli-roster-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (csv, planted, xlsx) = (dir.join("r.csv"), dir.join("p.txt"), dir.join("r.xlsx"));
    let out = baoxue(&[
        "roster",
        "--children",
        "2000",
        "--today",
        "2026-11-23",
        "--out",
        csv.to_str().unwrap(),
        "--planted",
        planted.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&csv).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "GB18030, as Excel writes it"
    );
    let ids = std::fs::read_to_string(&planted).unwrap();
    assert_eq!(ids.lines().count(), 8);
    let out = baoxue(&[
        "roster",
        "--children",
        "300",
        "--format",
        "xlsx",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    let out = baoxue(&["roster", "--format", "pdf", "--out", "/tmp/x"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn school_reports_verify_merge_into_a_county_rollup_and_convert_to_csv() {
    let dir = std::env::temp_dir().join("baoxue-cli-reports");
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_str().unwrap();
    let out = baoxue(&[
        "reports",
        "--children",
        "1500",
        "--today",
        "2026-11-23",
        "--out-dir",
        d,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().to_str().unwrap().to_string())
        .collect();
    files.sort();
    assert!(files.len() > 10);
    let args = |cmd: &str, extra: &[&str]| -> Vec<String> {
        std::iter::once(cmd.to_string())
            .chain(files.iter().cloned())
            .chain(extra.iter().map(|s| s.to_string()))
            .collect()
    };
    let run = |a: Vec<String>| baoxue(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let out = run(args("verify", &[]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).matches("有效").count(),
        files.len()
    );

    // The county's backup: the same demo county the reports come from.
    let county = dir.join("county-backup.json");
    let out = baoxue(&[
        "demo",
        "--children",
        "1500",
        "--today",
        "2026-11-23",
        "--out",
        county.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let schools = serde_json::from_slice::<serde_json::Value>(&std::fs::read(&county).unwrap())
        .unwrap()["payload"]["schools"]
        .as_array()
        .unwrap()
        .len();
    let key = dir.join("key.txt");
    let rollup = dir.join("rollup.json");
    // Without the county's backup there is nothing to count the county's children from.
    let out = run(args("merge", &["--out", rollup.to_str().unwrap()]));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--backup"));
    let out = run(args(
        "merge",
        &[
            "--backup",
            county.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
            "--out",
            rollup.to_str().unwrap(),
        ],
    ));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(key.exists(), "a pseudonym key was made");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&rollup).unwrap()).unwrap();
    assert_eq!(v["envelope"]["kind"], "rollup");
    assert_eq!(v["envelope"]["to_unit"]["name"], "湘西土家族苗族自治州");
    assert_eq!(v["payload"]["parts"].as_array().unwrap().len(), files.len());
    assert_eq!(v["payload"]["totals"]["schools_expected"], schools);
    let children: u64 = v["payload"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["children"].as_u64().unwrap())
        .sum();
    assert_eq!(
        v["payload"]["totals"]["children"].as_u64().unwrap(),
        children
    );
    // The county's census and its dropouts come from its ledger, as the app's roll-up has them.
    assert!(
        v["payload"]["totals"]["census"]["primary_age"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(!v["payload"]["dropouts"].as_array().unwrap().is_empty());

    let csv = dir.join("rollup.csv");
    let out = baoxue(&[
        "to-csv",
        rollup.to_str().unwrap(),
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("\u{FEFF}单位,代码,应报学校"));
    assert_eq!(
        text.lines().count(),
        1 + files.len() + 1,
        "header, one row per school, the total"
    );

    // A changed byte, a report cut short: verify names the file and fails.
    let tampered = dir.join("tampered.json");
    let good = std::fs::read_to_string(&files[0]).unwrap();
    std::fs::write(&tampered, good.replacen("演示校长", "别的校长", 1)).unwrap();
    let out = baoxue(&["verify", tampered.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("校验失败"));
    // Reports of another period cannot be merged with these.
    let out = baoxue(&[
        "merge",
        &files[0],
        rollup.to_str().unwrap(),
        "--backup",
        county.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--out",
        dir.join("x.json").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("rollup"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // to-csv on a file that is not a bundle.
    let out = baoxue(&[
        "to-csv",
        key.to_str().unwrap(),
        "--out",
        dir.join("y.csv").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
}
