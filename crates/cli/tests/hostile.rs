//! Hostile files: a corpus generated from valid bundles (school reports made by `baoxue
//! reports`, encrypted and not, and a backup) — cut, byte-flipped, rewritten with their hash
//! made right again, other versions, duplicate keys, deep nesting, huge numbers, bad dates,
//! wrong kinds, senders and periods, age files with bad headers and work factors, other
//! encodings, other file types — run through every command that reads a bundle. Each run:
//! no panic, done within 5 s, refused with a message in Chinese (the path, then Chinese; any
//! English only as a detail) or accepted as the rules say, and CSV written only as text.
#![allow(clippy::unwrap_used)]
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use baoxue_core::exchange::{sha256_hex, write_bundle, Envelope, UnitRef, BACKUP_KIND};

const PASS: &str = "泸溪县控辍办2026";
/// A run slower than this counts as a hang.
const LIMIT: Duration = Duration::from_secs(5);

/// What the rules say of a file.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// Every command refuses it.
    Refused,
    /// A well-formed bundle whose content the county must not take: `merge` refuses it (the
    /// others may show it, or refuse it too).
    MergeRefuses,
    /// A good file, whatever it holds as text: every command reads it.
    Accepted,
}

struct Case {
    name: String,
    bytes: Vec<u8>,
    expect: Expect,
}

fn case(name: impl Into<String>, bytes: impl Into<Vec<u8>>, expect: Expect) -> Case {
    Case {
        name: name.into(),
        bytes: bytes.into(),
        expect,
    }
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("baoxue-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn reports(out: &Path, sealed: bool) -> Vec<Vec<u8>> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_baoxue"));
    cmd.args([
        "reports",
        "--children",
        "1500",
        "--today",
        "2026-11-23",
        "--month",
        "2026-11",
    ])
    .arg("--out-dir")
    .arg(out)
    .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    if sealed {
        cmd.env("BAOXUE_PASSPHRASE", PASS);
    } else {
        cmd.env_remove("BAOXUE_PASSPHRASE");
    }
    assert!(cmd.status().unwrap().success());
    let mut files: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn backup() -> Vec<u8> {
    let table =
        baoxue_core::divisions::DivisionTable::parse(include_str!("../../../public/divisions.tsv"))
            .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut p = baoxue_core::demo::DemoParams::new(today);
    p.children = 300;
    let c = baoxue_core::demo::generate(&p, &table).unwrap();
    let mut whole = baoxue_core::installation::WholeInstallation::new(
        c.installation,
        baoxue_core::casework::CaseworkSettings::for_unit("泸溪县"),
        c.schools,
    );
    whole.children = c.children;
    whole.records = c.casework;
    let b = whole.into_backup(vec![]);
    let env = Envelope::new(
        BACKUP_KIND,
        UnitRef::of(&b.installation),
        None,
        None,
        today.and_hms_opt(9, 0, 0).unwrap(),
        "测试",
        None,
    );
    write_bundle(env, &b).unwrap().into_bytes()
}

/// The bundle rewritten by `change` on its parsed JSON, the payload's hash made right again.
fn rehash(good: &[u8], change: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(good).unwrap();
    change(&mut v);
    let payload = serde_json::to_string(&v["payload"]).unwrap();
    v["envelope"]["content_sha256"] = sha256_hex(payload.as_bytes()).into();
    let env = serde_json::to_string(&v["envelope"]).unwrap();
    format!("{{\"envelope\":{env},\"payload\":{payload}}}").into_bytes()
}

/// The bundle's text with one piece replaced, its hash made right again when the payload
/// changed.
fn replace_rehashed(good: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(good.to_vec()).unwrap();
    let at = text.find(",\"payload\":").unwrap();
    let (env, rest) = text.split_at(at);
    let payload = &rest[",\"payload\":".len()..rest.len() - 1];
    let (env, payload) = if env.contains(from) {
        (env.replacen(from, to, 1), payload.to_string())
    } else {
        (env.to_string(), payload.replacen(from, to, 1))
    };
    let old = serde_json::from_str::<serde_json::Value>(&format!("{env}}}"))
        .ok()
        .and_then(|v| v["content_sha256"].as_str().map(str::to_string));
    let env = match old {
        Some(h) => env.replacen(&h, &sha256_hex(payload.as_bytes()), 1),
        None => env,
    };
    format!("{env},\"payload\":{payload}}}").into_bytes()
}

fn corpus() -> Vec<Case> {
    use Expect::*;
    let d = dir();
    let plain = reports(&d.join("plain"), false);
    let sealed = reports(&d.join("sealed"), true);
    let valid: Vec<(&str, Vec<u8>)> = vec![
        ("report-a", plain[0].clone()),
        ("report-b", plain[5].clone()),
        ("report-c", plain[plain.len() - 1].clone()),
        ("backup", backup()),
    ];
    let mut out = Vec::new();
    for (name, bytes) in &valid {
        out.push(case(format!("{name}-good"), bytes.clone(), Accepted));
    }
    out.push(case("sealed-good", sealed[0].clone(), Accepted));

    // Cut short, as a copy to a full stick would.
    for (name, bytes) in valid.iter().chain([("sealed", sealed[1].clone())].iter()) {
        for k in 1..=20 {
            let at = bytes.len() * k / 21;
            out.push(case(
                format!("{name}-cut-{k}"),
                bytes[..at].to_vec(),
                Refused,
            ));
        }
    }
    // One byte changed in the payload (the hash covers it) or in the encrypted body.
    for (name, bytes) in valid.iter().chain([("sealed", sealed[2].clone())].iter()) {
        let start = if name.starts_with("sealed") {
            200
        } else {
            String::from_utf8_lossy(bytes)
                .find(",\"payload\":")
                .unwrap()
                + 12
        };
        for k in 0..20 {
            let mut b = bytes.clone();
            let at = start + (b.len() - start - 2) * k / 20;
            b[at] ^= if b[at].is_ascii_digit() { 0x03 } else { 0x01 };
            out.push(case(format!("{name}-flip-{k}"), b, Refused));
        }
    }

    let report = &valid[0].1;
    // Versions of the bundle format no BaoXue wrote.
    for (i, v) in [
        "0",
        "2",
        "99",
        "-1",
        "1.5",
        "\"1\"",
        "null",
        "18446744073709551616",
        "4294967295",
    ]
    .iter()
    .enumerate()
    {
        for (name, bytes) in [("report", report), ("backup", &valid[3].1)] {
            let b = replace_rehashed(
                bytes,
                "\"format_version\":1",
                &format!("\"format_version\":{v}"),
            );
            out.push(case(format!("{name}-format-version-{i}"), b, Refused));
        }
    }
    // Content a county must not take, with the hash made right again.
    type Change = Box<dyn Fn(&mut serde_json::Value)>;
    let report_changes: Vec<(&str, Change)> = vec![
        (
            "period-13",
            Box::new(|v| {
                v["payload"]["period"] = "2026-13".into();
                v["envelope"]["period"] = "2026-13".into();
            }),
        ),
        (
            "period-short",
            Box::new(|v| {
                v["payload"]["period"] = "26-12".into();
                v["envelope"]["period"] = "26-12".into();
            }),
        ),
        (
            "period-script",
            Box::new(|v| {
                v["payload"]["period"] = "<script>alert(1)</script>".into();
                v["envelope"]["period"] = "<script>alert(1)</script>".into();
            }),
        ),
        (
            "period-sign",
            Box::new(|v| {
                v["payload"]["period"] = "+999-01".into();
                v["envelope"]["period"] = "+999-01".into();
            }),
        ),
        (
            "period-far",
            Box::new(|v| {
                v["payload"]["period"] = "9999-12".into();
                v["envelope"]["period"] = "9999-12".into();
            }),
        ),
        (
            "period-empty",
            Box::new(|v| {
                v["payload"]["period"] = "".into();
                v["envelope"]["period"] = "".into();
            }),
        ),
        (
            "period-mismatch",
            Box::new(|v| {
                v["envelope"]["period"] = "2026-10".into();
            }),
        ),
        (
            "version-0",
            Box::new(|v| {
                v["payload"]["version"] = 0.into();
            }),
        ),
        (
            "version-max",
            Box::new(|v| {
                v["payload"]["version"] = u32::MAX.into();
            }),
        ),
        (
            "count-5001",
            Box::new(|v| {
                v["payload"]["counts"][0]["count"] = 5001.into();
            }),
        ),
        (
            "count-209715200",
            Box::new(|v| {
                v["payload"]["counts"][0]["count"] = 209_715_200.into();
            }),
        ),
        (
            "count-max",
            Box::new(|v| {
                v["payload"]["counts"][0]["count"] = u32::MAX.into();
            }),
        ),
        (
            "count-grade-0",
            Box::new(|v| {
                v["payload"]["counts"][0]["grade"] = 0.into();
            }),
        ),
        (
            "counts-overflow",
            Box::new(|v| {
                let row = v["payload"]["counts"][0].clone();
                let mut row = row;
                row["count"] = 4_999.into();
                v["payload"]["counts"] = serde_json::Value::Array(vec![row; 1_000_000]);
            }),
        ),
        (
            "sender-county",
            Box::new(|v| {
                v["envelope"]["from_unit"]["level"] = "county".into();
            }),
        ),
        (
            "sender-province",
            Box::new(|v| {
                v["envelope"]["from_unit"]["level"] = "province".into();
            }),
        ),
    ];
    for (name, change) in report_changes {
        out.push(case(
            format!("report-{name}"),
            rehash(report, change),
            MergeRefuses,
        ));
    }
    // Wrong kinds: a report that says it is something else.
    for kind in [
        "backup",
        "rollup",
        "province-evaluation",
        "school-setup",
        "",
        "<b>x</b>",
    ] {
        let b = rehash(report, |v| v["envelope"]["kind"] = kind.into());
        out.push(case(format!("report-kind-{kind}"), b, MergeRefuses));
    }
    // Text that is data: names a spreadsheet would run, markup, odd characters. Taken, and
    // written to CSV as text.
    for (i, name) in [
        "=cmd|'/C calc'!A0",
        "+1+1",
        "-2",
        "@SUM(A1)",
        " =1",
        "＝1",
        "<script>alert(1)</script>",
        "\u{202E}abc",
        "𠀀𪚥",
    ]
    .iter()
    .enumerate()
    {
        let b = rehash(report, |v| {
            for list in ["new_suspects", "confirmed_dropouts", "returns", "closures"] {
                if let Some(a) = v["payload"][list].as_array_mut() {
                    for e in a {
                        e["name"] = (*name).into();
                        e["detail"] = (*name).into();
                    }
                }
            }
            v["payload"]["filled_by"] = (*name).into();
        });
        out.push(case(format!("report-name-{i}"), b, Accepted));
    }
    // Numbers and dates no field can hold.
    for (i, (from, to)) in [
        ("\"version\":1", "\"version\":1e400"),
        ("\"version\":1", "\"version\":-1"),
        ("\"version\":1", "\"version\":1.5"),
        ("\"version\":1", "\"version\":18446744073709551616"),
        ("\"version\":1", "\"version\":\"1\""),
        ("\"created_at\":\"2026-", "\"created_at\":\"+262143-"),
        ("\"created_at\":\"2026-", "\"created_at\":\"0000-"),
        ("\"created_at\":\"2026-", "\"created_at\":\"2026-13-"),
        ("\"birth_date\":\"20", "\"birth_date\":\"+2620"),
        ("\"birth_date\":\"20", "\"birth_date\":\"x20"),
        ("\"date\":\"2026-11-", "\"date\":\"2026-02-3"),
    ]
    .iter()
    .enumerate()
    {
        let text = String::from_utf8_lossy(report);
        if text.contains(from) {
            out.push(case(
                format!("report-number-date-{i}"),
                replace_rehashed(report, from, to),
                Refused,
            ));
        }
    }
    // Duplicate keys, deep nesting, JSON that is not a bundle.
    let text = String::from_utf8(report.clone()).unwrap();
    let env_end = text.find(",\"payload\":").unwrap();
    out.push(case(
        "duplicate-envelope",
        format!("{},{}", &text[..env_end], &text[1..]),
        Refused,
    ));
    out.push(case(
        "duplicate-payload",
        format!("{},\"payload\":{{}}}}", &text[..text.len() - 1]),
        Refused,
    ));
    out.push(case(
        "duplicate-field",
        replace_rehashed(report, "\"version\":1", "\"version\":1,\"version\":2"),
        Refused,
    ));
    out.push(case(
        "duplicate-field-envelope",
        text.replacen("\"format\":", "\"kind\":\"backup\",\"format\":", 1),
        Refused,
    ));
    for depth in [200usize, 10_000, 100_000] {
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        out.push(case(format!("deep-{depth}"), deep.clone(), Refused));
        out.push(case(
            format!("deep-payload-{depth}"),
            replace_rehashed(
                report,
                "\"period\":",
                &format!("\"deep\":{deep},\"period\":"),
            ),
            Refused,
        ));
        // In a field of the payload nobody reads ("school" is the payload's alone).
        out.push(case(
            format!("deep-unread-{depth}"),
            replace_rehashed(
                report,
                "\"school\":",
                &format!("\"deep\":{deep},\"school\":"),
            ),
            Refused,
        ));
    }
    for (i, t) in [
        "{}",
        "[]",
        "null",
        "1",
        "\"x\"",
        "{\"envelope\":{},\"payload\":{}}",
        "{\"envelope\":null,\"payload\":null}",
        " ",
        "",
    ]
    .iter()
    .enumerate()
    {
        out.push(case(format!("json-{i}"), t.as_bytes().to_vec(), Refused));
    }
    // Other encodings and other kinds of file.
    let gbk: Vec<u8> = text
        .bytes()
        .map(|b| if b >= 0x80 { 0xB0 } else { b })
        .collect();
    out.push(case("not-utf8", gbk, Refused));
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out.push(case("utf16", utf16, Refused));
    out.push(case(
        "bom-utf8",
        [b"\xEF\xBB\xBF".as_slice(), report].concat(),
        Refused,
    ));
    for (name, head) in [
        ("png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice()),
        ("zip", b"PK\x03\x04\x14\0\0\0\x08\0".as_slice()),
        ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".as_slice()),
        ("elf", b"\x7fELF\x02\x01\x01\0".as_slice()),
        ("ole", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".as_slice()),
        ("zeros", &[0u8; 4096]),
        ("ff", &[0xFFu8; 64]),
        ("nul", b"\0"),
    ] {
        out.push(case(
            format!("other-{name}"),
            [head, b"rest of the file".as_slice()].concat(),
            Refused,
        ));
    }

    // age files: bad headers and work factors.
    let sealed_file = &sealed[3];
    let header_end = sealed_file.windows(5).position(|w| w == b"\n--- ").unwrap();
    let header = String::from_utf8(sealed_file[..header_end].to_vec()).unwrap();
    let stanza = header.lines().nth(1).unwrap().to_string();
    let salt = stanza.split(' ').nth(2).unwrap().to_string();
    let with = |new_stanza: &str| {
        let mut b = header.replacen(&stanza, new_stanza, 1).into_bytes();
        b.extend_from_slice(&sealed_file[header_end..]);
        b
    };
    for n in [
        "0", "1", "13", "15", "19", "21", "22", "30", "40", "63", "64", "99", "255", "256", "014",
        "", "-1", "x",
    ] {
        let expect = Refused;
        out.push(case(
            format!("age-work-factor-{n}"),
            with(&format!("-> scrypt {salt} {n}")),
            expect,
        ));
    }
    for (name, s) in [
        ("no-args", "-> scrypt".to_string()),
        ("x25519", format!("-> X25519 {salt}")),
        ("short-salt", format!("-> scrypt {} 14", &salt[..10])),
        ("bad-salt", format!("-> scrypt {}!! 14", &salt[..20])),
        ("extra-arg", format!("-> scrypt {salt} 14 extra")),
        (
            "stanza-64k",
            format!("-> scrypt {salt} 14 {}", "A".repeat(65_536)),
        ),
        (
            "stanza-2m",
            format!("-> scrypt {salt} 14 {}", "A".repeat(2 << 20)),
        ),
        (
            "two-stanzas",
            format!(
                "{stanza}\n{}\n-> scrypt {salt} 14",
                header.lines().nth(2).unwrap()
            ),
        ),
        ("grease", format!("-> grease-1 x\n\n{stanza}")),
    ] {
        out.push(case(format!("age-{name}"), with(&s), Refused));
    }
    let mut no_mac = header.clone().into_bytes();
    no_mac.extend_from_slice(b"\n");
    out.push(case("age-no-mac", no_mac, Refused));
    out.push(case(
        "age-only-magic",
        b"age-encryption.org/v1\n".to_vec(),
        Refused,
    ));
    out.push(case(
        "age-v2",
        sealed_file
            .iter()
            .copied()
            .enumerate()
            .map(|(i, b)| if i == 20 { b'2' } else { b })
            .collect::<Vec<u8>>(),
        Refused,
    ));
    let mut mac = sealed_file.clone();
    mac[header_end + 6] ^= 1;
    out.push(case("age-bad-mac", mac, Refused));
    // A sealed file that holds a hostile bundle: decrypted, then refused like the plain one.
    let hostile_inner = rehash(report, |v| v["payload"]["version"] = u32::MAX.into());
    let sealed_hostile = baoxue_core::exchange::encrypt_report(&hostile_inner, PASS).unwrap();
    out.push(case("sealed-version-max", sealed_hostile, MergeRefuses));
    let sealed_v0 = baoxue_core::exchange::encrypt_report(
        &replace_rehashed(report, "\"format_version\":1", "\"format_version\":0"),
        PASS,
    )
    .unwrap();
    out.push(case("sealed-format-version-0", sealed_v0, Refused));
    out
}

struct Run {
    code: Option<i32>,
    text: String,
    took: Duration,
}

fn run(args: &[&str]) -> Run {
    let t0 = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_baoxue"))
        .args(args)
        .env("BAOXUE_PASSPHRASE", PASS)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if child.try_wait().unwrap().is_some() || t0.elapsed() > LIMIT {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let took = t0.elapsed();
    if took > LIMIT {
        let _ = child.kill();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code(),
        text: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        took,
    }
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// A refusal says what is wrong in Chinese: after the file's path, Chinese comes first.
fn chinese_first(text: &str, path: &str) -> bool {
    // The last line is the refusal (`inspect` prints what it read before it).
    text.lines()
        .rfind(|l| !l.trim().is_empty())
        .into_iter()
        .all(|line| {
            let line = line.replace(path, "");
            // Quoted names (“rollup”) may be Latin.
            let said: String = line
                .split("（详情")
                .next()
                .unwrap_or("")
                .split('“')
                .map(|p| p.split_once('”').map_or(p, |(_, r)| r))
                .collect();
            let before: String = said.chars().take_while(|c| !is_cjk(*c)).collect();
            said.chars().any(is_cjk) && !before.chars().any(|c| c.is_ascii_alphabetic())
        })
}

#[test]
fn every_hostile_file_is_refused_in_chinese_or_taken_as_the_rules_say_never_a_panic_or_a_hang() {
    let cases = corpus();
    assert!(cases.len() >= 300, "{} files", cases.len());
    let d = dir();
    // The county the reports are addressed to, as merge reads it.
    let county = d.join("county-backup.json");
    let made = run(&[
        "demo",
        "--children",
        "1500",
        "--today",
        "2026-11-23",
        "--divisions",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../public/divisions.tsv"),
        "--out",
        county.to_str().unwrap(),
    ]);
    assert_eq!(made.code, Some(0), "{}", made.text);
    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let path = d.join(format!(
            "{i:03}-{}.baoxue",
            c.name.replace(['/', '<', '>'], "_")
        ));
        std::fs::write(&path, &c.bytes).unwrap();
        let p = path.to_str().unwrap();
        let csv = d.join(format!("{i:03}.csv"));
        let json = d.join(format!("{i:03}.json"));
        let key = d.join("pseudonym.key");
        let merged = d.join(format!("{i:03}-merged.json"));
        let commands: Vec<(&str, Vec<&str>)> = vec![
            ("verify", vec!["verify", p]),
            ("inspect", vec!["inspect", p]),
            (
                "decrypt",
                vec!["decrypt", p, "--out", json.to_str().unwrap()],
            ),
            ("to-csv", vec!["to-csv", p, "--out", csv.to_str().unwrap()]),
            (
                "merge",
                vec![
                    "merge",
                    p,
                    "--backup",
                    county.to_str().unwrap(),
                    "--key",
                    key.to_str().unwrap(),
                    "--out",
                    merged.to_str().unwrap(),
                ],
            ),
        ];
        for (what, args) in commands {
            let r = run(&args);
            let fail = |why: &str| {
                format!(
                    "{} {what}: {why}\n{}",
                    c.name,
                    r.text.chars().take(400).collect::<String>()
                )
            };
            if r.took > LIMIT {
                failures.push(fail("no answer within 5 s"));
                continue;
            }
            match r.code {
                Some(0) | Some(1) => {}
                other => {
                    failures.push(fail(&format!("exit {other:?} (a panic or a crash)")));
                    continue;
                }
            }
            let refused = r.code == Some(1);
            // to-csv of a backup or report is a table; merge of a backup is a wrong kind.
            let applies = !(what == "merge" && c.name.starts_with("backup"));
            let should_refuse = match c.expect {
                Expect::Refused => Some(true),
                Expect::MergeRefuses if what == "merge" => Some(true),
                Expect::MergeRefuses => None,
                Expect::Accepted => Some(false),
            };
            if should_refuse.is_some_and(|s| s != refused) && applies {
                failures.push(fail(if refused {
                    "refused a file the rules accept"
                } else {
                    "accepted a file the rules refuse"
                }));
            }
            if refused && !chinese_first(&r.text, p) {
                failures.push(fail("the refusal is not said in Chinese first"));
            }
            if what == "to-csv" && !refused {
                let text = std::fs::read_to_string(&csv).unwrap_or_default();
                let mut reader = csv_reader(&text);
                for cell in reader.iter_mut().flatten() {
                    let id_like = cell.starts_with('\t')
                        && cell[1..].bytes().all(|b| b.is_ascii_digit() || b == b'X');
                    if baoxue_core::export::looks_like_formula(cell) && !id_like {
                        failures.push(fail(&format!("CSV cell a spreadsheet would run: {cell:?}")));
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&d);
    assert!(
        failures.is_empty(),
        "{} of {} files:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The cells of a CSV file as a spreadsheet reads them.
fn csv_reader(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
    r.records()
        .filter_map(Result::ok)
        .map(|rec| rec.iter().map(str::to_string).collect())
        .collect()
}
