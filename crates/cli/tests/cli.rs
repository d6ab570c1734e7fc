//! The `baoxue` binary on good and bad input.
#![allow(clippy::unwrap_used)]
use std::process::Command;

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
    assert_eq!(json["children"].as_array().unwrap().len(), 120);
    assert_eq!(json["installation"]["divisions"][2]["name"], "泸溪县");
    std::fs::remove_file(path).ok();

    let out = baoxue(&["demo", "--children", "many", "--out", "x.json"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--children"));
    let out = baoxue(&["demo", "--county", "999999", "--out", "/tmp/x.json"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("999999"));
    assert!(!baoxue(&["frobnicate"]).status.success());
}
