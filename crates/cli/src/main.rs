//! `baoxue`: the command line over the BaoXue core, for IT staff.

use std::io::Write;
use std::process::ExitCode;

use baoxue_core::demo::{generate, DemoParams};
use baoxue_core::divisions::DivisionTable;
use baoxue_core::model::Labelled;
use baoxue_core::rules::id_number::IdNumber;

const USAGE: &str = "用法 / usage:
  baoxue demo [--children N] [--seed S] [--county CODE] [--today YYYY-MM-DD] [--divisions FILE] --out FILE
      生成演示县（JSON：installation, schools, children） / write a demo county as JSON
  baoxue check-id NUMBER...
      校验身份证号 / check ID numbers (GB 11643)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("check-id") => check_id(&args[1..]),
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

fn demo(args: &[String]) -> Result<(), String> {
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
    let out = flag(args, "--out").ok_or_else(|| USAGE.to_string())?;
    let path = flag(args, "--divisions").unwrap_or("public/divisions.tsv");
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("无法读取行政区划表 {path}：{e}"))?;
    let table = DivisionTable::parse(&text).map_err(|e| e.to_string())?;
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
