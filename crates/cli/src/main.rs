//! `baoxue`: the command line over the BaoXue core, for IT staff.

use std::io::Write;
use std::process::ExitCode;

use baoxue_core::crosscheck::Department;
use baoxue_core::demo::rosters::{ledger_csv, roster_for};
use baoxue_core::demo::{generate, DemoParams};
use baoxue_core::divisions::DivisionTable;
use baoxue_core::exchange;
use baoxue_core::model::Labelled;
use baoxue_core::rules::id_number::IdNumber;

const USAGE: &str = "用法 / usage:
  baoxue demo [--children N] [--seed S] [--county CODE] [--today YYYY-MM-DD] [--divisions FILE] --out FILE
      生成演示县（JSON：installation, schools, children） / write a demo county as JSON
  baoxue roster [--department police|disabled] [--format csv|xlsx] [--older N] [--planted FILE]
               [--ledger-csv FILE] [demo options] --out FILE
      演示县的部门名册（公安户籍或残联，CSV为GB18030），用于四查三比对演示与基准测试；
      --planted 写出其中“有户籍、不在任何学校”的身份证号，--ledger-csv 写出学籍台账CSV /
      a department roster of the demo county (CSV in GB18030), the IDs of the planted
      out-of-school children, and the ledger as CSV
  baoxue check-id NUMBER...
      校验身份证号 / check ID numbers (GB 11643)
  baoxue verify FILE       检查数据包格式与校验和 / check a bundle's format and hash
  baoxue inspect FILE      数据包摘要 / summary of a bundle
  baoxue decrypt FILE --out FILE
                           解密为JSON / decrypt to JSON
  加密的数据包从环境变量 BAOXUE_PASSPHRASE 读取口令 / encrypted bundles take the passphrase
  from the BAOXUE_PASSPHRASE environment variable";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("roster") => roster(&args[1..]),
        Some("check-id") => check_id(&args[1..]),
        Some("verify") => open_bundle(&args[1..]).map(|(env, _)| {
            println!(
                "有效：{} 数据包，格式版本{}，SHA-256 {}",
                env.kind, env.format_version, env.content_sha256
            );
        }),
        Some("inspect") => inspect(&args[1..]),
        Some("decrypt") => decrypt_to(&args[1..]),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// The demo county's parameters and the division table, from the command line.
fn demo_params(args: &[String]) -> Result<(DemoParams, DivisionTable), String> {
    let today = match flag(args, "--today") {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|e| format!("--today {d}: {e}"))?,
        None => chrono::Local::now().date_naive(),
    };
    let mut p = DemoParams::new(today);
    if let Some(n) = flag(args, "--children") {
        p.children = n.parse().map_err(|_| format!("--children 应为整数：{n}"))?;
    }
    if let Some(s) = flag(args, "--seed") {
        p.seed = s.parse().map_err(|_| format!("--seed 应为整数：{s}"))?;
    }
    if let Some(c) = flag(args, "--county") {
        p.county_code = c.to_string();
        p.seat = None;
    }
    let path = flag(args, "--divisions").unwrap_or("public/divisions.tsv");
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("无法读取行政区划表 {path}：{e}"))?;
    let table = DivisionTable::parse(&text).map_err(|e| e.to_string())?;
    Ok((p, table))
}

fn write_file(path: &str, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{path}: {e}"))
}

fn roster(args: &[String]) -> Result<(), String> {
    let (p, table) = demo_params(args)?;
    let out = flag(args, "--out").ok_or_else(|| USAGE.to_string())?;
    let department = match flag(args, "--department").unwrap_or("police") {
        "police" => Department::Police,
        "disabled" => Department::DisabledFederation,
        d => return Err(format!("--department 应为 police 或 disabled：{d}")),
    };
    let older = match flag(args, "--older") {
        Some(n) => n.parse().map_err(|_| format!("--older 应为整数：{n}"))?,
        None => p.children / 12,
    };
    let county = generate(&p, &table).map_err(|e| e.to_string())?;
    let roster = roster_for(
        department,
        &table,
        &p,
        &county.installation,
        &county.children,
        older,
    )
    .map_err(|e| e.to_string())?;
    let bytes = match flag(args, "--format").unwrap_or("csv") {
        "csv" => roster.to_gb18030_csv(),
        "xlsx" => roster.to_xlsx().map_err(|e| e.to_string())?,
        f => return Err(format!("--format 应为 csv 或 xlsx：{f}")),
    };
    write_file(out, &bytes)?;
    if let Some(path) = flag(args, "--planted") {
        write_file(path, (roster.planted.join("\n") + "\n").as_bytes())?;
    }
    if let Some(path) = flag(args, "--ledger-csv") {
        write_file(path, &ledger_csv(&county.schools, &county.children))?;
    }
    eprintln!(
        "{}：{}名册 {} 行（其中有户籍、不在任何学校的适龄儿童 {} 人）→ {out}",
        county.installation.unit_name(),
        department.zh(),
        roster.rows.len(),
        roster.planted.len()
    );
    Ok(())
}

fn demo(args: &[String]) -> Result<(), String> {
    let (p, table) = demo_params(args)?;
    let out = flag(args, "--out").ok_or_else(|| USAGE.to_string())?;
    let county = generate(&p, &table).map_err(|e| e.to_string())?;
    let json = serde_json::json!({
        "installation": county.installation,
        "schools": county.schools,
        "children": county.children,
    });
    let mut file =
        std::io::BufWriter::new(std::fs::File::create(out).map_err(|e| format!("{out}: {e}"))?);
    serde_json::to_writer(&mut file, &json).map_err(|e| format!("{out}: {e}"))?;
    file.flush().map_err(|e| format!("{out}: {e}"))?;
    eprintln!(
        "{}：{} 所学校，{} 名儿童 → {out}",
        county.installation.unit_name(),
        county.schools.len(),
        county.children.len()
    );
    Ok(())
}

fn check_id(args: &[String]) -> Result<(), String> {
    if args.is_empty() {
        return Err(USAGE.to_string());
    }
    let mut bad = 0;
    for a in args {
        match IdNumber::parse(a) {
            Ok(id) => println!("{a}\t有效\t{id}\t{}\t{}", id.birth_date(), id.sex().zh()),
            Err(e) => {
                bad += 1;
                println!("{a}\t无效\t{e}");
            }
        }
    }
    if bad > 0 {
        Err(format!("{bad} 个号码无效"))
    } else {
        Ok(())
    }
}

/// Reads, decrypts if needed, and checks a bundle; returns its envelope and JSON text.
fn open_bundle(args: &[String]) -> Result<(exchange::Envelope, String), String> {
    let path = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .ok_or_else(|| USAGE.to_string())?;
    let bytes = std::fs::read(path).map_err(|e| format!("{path}：{e}"))?;
    let pass = std::env::var("BAOXUE_PASSPHRASE").ok();
    let text =
        exchange::bundle_text(&bytes, pass.as_deref()).map_err(|e| format!("{path}：{e}"))?;
    let (env, _) = exchange::read_bundle(&text).map_err(|e| format!("{path}：{e}"))?;
    Ok((env, text))
}

fn inspect(args: &[String]) -> Result<(), String> {
    let (env, text) = open_bundle(args)?;
    println!("种类：{}", env.kind);
    println!(
        "发送单位：{}（{} {}）",
        env.from_unit.name, env.from_unit.level, env.from_unit.code
    );
    if let Some(to) = &env.to_unit {
        println!("接收单位：{}（{} {}）", to.name, to.level, to.code);
    }
    if let Some(p) = &env.period {
        println!("期间：{p}");
    }
    println!(
        "生成：{} {}（保学 {}）",
        env.created_at, env.created_by, env.app_version
    );
    println!("SHA-256：{}", env.content_sha256);
    if env.kind == exchange::BACKUP_KIND {
        let (_, b): (_, exchange::Backup) =
            exchange::read_payload(&text, exchange::BACKUP_KIND).map_err(|e| e.to_string())?;
        println!("内容：{}", b.summary());
    }
    Ok(())
}

fn decrypt_to(args: &[String]) -> Result<(), String> {
    let out = flag(args, "--out").ok_or_else(|| USAGE.to_string())?;
    let (_, text) = open_bundle(args)?;
    std::fs::write(out, text).map_err(|e| format!("{out}：{e}"))?;
    eprintln!("已解密并校验 → {out}");
    Ok(())
}
