//! Files sealed to an office's key are plain age files: the `age` command line (Debian's
//! package, installed by scripts/setup.sh) opens them with the exported identity, and
//! BaoXue opens what `age` seals to the office's public key.

#![allow(clippy::expect_used)]
use std::io::Write;
use std::process::{Command, Stdio};

use baoxue_core::exchange::{decrypt_with_key, encrypt_to, BundleError, OfficeKey};

fn age(args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = Command::new("age")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the age command (Debian package age; scripts/setup.sh installs it)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write to age");
    child.wait_with_output().expect("age runs")
}

#[test]
fn the_age_command_opens_a_sealed_report_with_the_exported_identity_and_back() {
    let county = OfficeKey::generate();
    let school = OfficeKey::generate();
    let dir = std::env::temp_dir().join(format!("baoxue-age-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let identity = dir.join("county.key");
    let made = chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    std::fs::write(&identity, county.identity_file("惠来县教育局", made)).unwrap();
    let identity = identity.to_str().unwrap();

    let plain = "{\"月报\":\"惠城镇第一小学 2026-12\"}".as_bytes();
    let sealed = encrypt_to(plain, &[&county.public, &school.public]).unwrap();
    let out = age(&["--decrypt", "-i", identity], &sealed);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, plain);

    // Not to this office: age refuses it too.
    let other = encrypt_to(plain, &[&school.public]).unwrap();
    assert!(!age(&["--decrypt", "-i", identity], &other).status.success());

    // Sealed by age to the county's public key: BaoXue opens it with the county's key only.
    let out = age(&["-r", &county.public], plain);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(decrypt_with_key(&out.stdout, &county).unwrap(), plain);
    assert_eq!(
        decrypt_with_key(&out.stdout, &school),
        Err(BundleError::NotForThisOffice)
    );
    std::fs::remove_dir_all(&dir).ok();
}
