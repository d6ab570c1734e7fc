//! `baoxue`: the command line over the BaoXue core, for IT staff.

use chrono::{Datelike, Timelike};
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
      生成演示县的县级备份数据包（可在保学中从备份恢复，也是 merge 的 --backup） / write a demo
      county as a county installation's backup bundle (restorable in the app; merge's --backup)
  baoxue roster [--department police|disabled] [--format csv|xlsx] [--older N] [--planted FILE]
               [--ledger-csv FILE] [demo options] --out FILE
      演示县的部门名册（公安户籍或残联，CSV为GB18030），用于四查三比对演示与基准测试；
      --planted 写出其中“有户籍、不在任何学校”的身份证号，--ledger-csv 写出学籍台账CSV /
      a department roster of the demo county (CSV in GB18030), the IDs of the planted
      out-of-school children, and the ledger as CSV
  baoxue rolls [demo options] [--schools all|3] [--format xlsx|csv] [--next-year] --out-dir DIR
      演示县的学籍系统学生名册（全国中小学生学籍信息管理系统的表头）：--schools 3 取县城两所小学和
      一所初中，每校一个文件（第一所xlsx，其余GB18030 CSV），另写 next-year.xlsx（下学年：升级、
      转学、小升初、毕业、新生、缺一人）和 manifest.json；--schools all 写全县一个文件 /
      the 学籍 export of a synthetic county: three schools' files and next year's, or the
      whole county in one file
  baoxue reports [demo options] [--month YYYY-MM] --out-dir DIR
      演示县每所学校的月报数据包（设置 BAOXUE_PASSPHRASE 时加密），用于练习与基准测试 /
      one monthly report bundle per school of the demo county (encrypted when
      BAOXUE_PASSPHRASE is set), for training and the benchmark
  baoxue check-id NUMBER...
      校验身份证号 / check ID numbers (GB 11643)
  baoxue verify FILE...    检查数据包格式与校验和，多个文件时检查报送链条（同一发送方、种类与接收方
                           的前后文件以 previous_sha256 相连） / check format and hash of each
                           bundle, and the chain of reports between the files given
  baoxue inspect FILE      数据包摘要 / summary of a bundle
  baoxue decrypt FILE --out FILE
                           解密为JSON / decrypt to JSON
  baoxue merge --backup COUNTY [FILE...] [--period YYYY-MM] [--key KEYFILE] --out FILE
                           县的报市州汇总，与保学网页“报市州汇总”为同一算法、同一文件：读取县的备份
                           （台账、已收月报、化名密钥），先按县里导入月报的规则收下 FILE 中的各校月报，
                           再汇总：只有人数与指标，辍学学生以化名列出。备份中没有化名密钥时用
                           KEYFILE（不存在时新建）；加密的备份从 BAOXUE_BACKUP_PASSPHRASE 读取口令 /
                           the county's roll-up for the prefecture, the same function and file as
                           the app's: the county's backup, the school reports given taken in as the
                           county's import takes them, then counts only, dropouts under pseudonyms
  baoxue to-csv FILE --out FILE
                           月报名单、汇总表或备份中的儿童台账转为CSV（UTF-8 BOM，公式已防护）/
                           a report's lists, a roll-up or a backup's children as CSV
  加密的数据包从环境变量 BAOXUE_PASSPHRASE 读取口令 / encrypted bundles take the passphrase
  from the BAOXUE_PASSPHRASE environment variable; reports sealed to a county's key take it
  (age1…) from BAOXUE_SEAL_TO";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("roster") => roster(&args[1..]),
        Some("rolls") => rolls(&args[1..]),
        Some("reports") => school_reports(&args[1..]),
        Some("check-id") => check_id(&args[1..]),
        Some("verify") => verify(&args[1..]),
        Some("merge") => merge(&args[1..]),
        Some("to-csv") => to_csv(&args[1..]),
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

fn rolls(args: &[String]) -> Result<(), String> {
    use baoxue_core::demo::rolls::{export, next_year};
    use baoxue_core::model::SchoolKind;
    let (p, table) = demo_params(args)?;
    let dir = flag(args, "--out-dir").ok_or_else(|| USAGE.to_string())?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{dir}: {e}"))?;
    let county = generate(&p, &table).map_err(|e| e.to_string())?;
    let year = baoxue_core::rules::school_age::school_year_of(p.today);
    let inst = &county.installation;
    let write = |name: &str, e: &baoxue_core::demo::rolls::RollExport, xlsx: bool| {
        let bytes = if xlsx {
            e.to_xlsx().map_err(|e| e.to_string())?
        } else {
            e.to_gb18030_csv()
        };
        let path = format!("{dir}/{name}.{}", if xlsx { "xlsx" } else { "csv" });
        write_file(&path, &bytes)?;
        eprintln!("{}：{}行 → {path}", e.title, e.rows.len());
        Ok::<(), String>(())
    };
    let xlsx = flag(args, "--format").unwrap_or("xlsx") == "xlsx";
    if flag(args, "--schools").unwrap_or("3") == "all" {
        let e = export(inst, &county.schools, &county.children, &[], year);
        return write("学籍名册", &e, xlsx);
    }
    // The first two primary schools, and the junior school of the first one's township.
    let primaries: Vec<_> = county
        .schools
        .iter()
        .filter(|s| s.kind == SchoolKind::Primary)
        .take(2)
        .cloned()
        .collect();
    let junior = primaries.first().and_then(|p| {
        county
            .schools
            .iter()
            .find(|s| s.kind == SchoolKind::Junior && s.township_code == p.township_code)
    });
    let picked = match (primaries.as_slice(), junior) {
        ([a, b], Some(j)) => [a.clone(), b.clone(), j.clone()],
        _ => return Err("演示县中没有两所小学和一所同乡镇的初中".into()),
    };
    for (i, s) in picked.iter().enumerate() {
        let e = export(inst, &county.schools, &county.children, &[s.id], year);
        write(&s.name, &e, i == 0)?;
    }
    let mut seq = 0u128;
    let next = next_year(&picked, &county.children, 3, || {
        seq += 1;
        uuid::Uuid::from_u128(0xB0_0000_0000 + seq)
    });
    let ids: Vec<_> = picked.iter().map(|s| s.id).collect();
    let e = export(inst, &county.schools, &next.children, &ids, year);
    write("next-year", &e, true)?;
    let person = |c: &Option<baoxue_core::model::Child>| {
        c.as_ref().map(|c| {
            serde_json::json!({
                "name": c.name,
                "id_number": c.id_number.as_ref().map(|n| n.to_string()),
            })
        })
    };
    let count = |s: &baoxue_core::model::School| {
        county
            .children
            .iter()
            .filter(|c| c.status.needs_school() && c.school_id == Some(s.id))
            .count()
    };
    let manifest = serde_json::json!({
        "county": inst.unit_name(),
        "schools": picked.iter().map(|s| serde_json::json!({
            "name": s.name,
            "code": s.code,
            "kind": s.kind.zh(),
            "township": inst.township_name(&s.township_code),
            "children": count(s),
        })).collect::<Vec<_>>(),
        "transferred": person(&next.transferred),
        "missing": person(&next.missing),
        "to_junior": next.to_junior.len(),
        "graduated": next.graduated.len(),
        "entrants": next.entrants.len(),
        "next_year_rows": e.rows.len(),
    });
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    write_file(&format!("{dir}/manifest.json"), text.as_bytes())
}

fn demo(args: &[String]) -> Result<(), String> {
    let (p, table) = demo_params(args)?;
    let out = flag(args, "--out").ok_or_else(|| USAGE.to_string())?;
    let county = generate(&p, &table).map_err(|e| e.to_string())?;
    let (schools, children) = (county.schools.len(), county.children.len());
    let backup = county.into_backup(p.today, now());
    let env = exchange::Envelope::new(
        exchange::BACKUP_KIND,
        exchange::UnitRef::of(&backup.installation),
        None,
        None,
        now(),
        "baoxue demo",
        None,
    );
    let text = exchange::write_bundle(env, &backup).map_err(|e| e.to_string())?;
    write_file(out, text.as_bytes())?;
    eprintln!(
        "{}：{schools} 所学校，{children} 名儿童 → {out}",
        backup.installation.unit_name()
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
    let text = bundle_file_text(path, "BAOXUE_PASSPHRASE")?;
    let (env, _) = exchange::read_bundle(&text).map_err(|e| format!("{path}：{e}"))?;
    Ok((env, text))
}

/// A bundle file's text (decrypted, unpacked), not yet read: for a caller that reads its
/// payload, which checks the envelope too.
fn bundle_file_text(path: &str, pass_var: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}：{e}"))?;
    let pass = std::env::var(pass_var).ok();
    exchange::bundle_text(&bytes, pass.as_deref()).map_err(|e| format!("{path}：{e}"))
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

/// The files named before the first flag.
fn files(args: &[String]) -> Vec<&str> {
    args.iter()
        .map(String::as_str)
        .take_while(|a| !a.starts_with("--"))
        .collect()
}

/// The arguments that are neither a flag nor a flag's value, wherever they stand.
fn operands(args: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a.starts_with("--") {
            it.next();
        } else {
            out.push(a.as_str());
        }
    }
    out
}

fn verify(args: &[String]) -> Result<(), String> {
    let paths = files(args);
    if paths.is_empty() {
        return Err(USAGE.to_string());
    }
    let mut envelopes = Vec::new();
    let mut bad = 0;
    for path in paths {
        match open_bundle(&[path.to_string()]) {
            Ok((env, _)) => {
                println!(
                    "有效：{path}：{} 数据包（{} → {}），格式版本{}，SHA-256 {}",
                    env.kind,
                    env.from_unit.name,
                    env.to_unit.as_ref().map_or("—", |u| u.name.as_str()),
                    env.format_version,
                    env.content_sha256
                );
                envelopes.push((path, env));
            }
            Err(e) => {
                bad += 1;
                eprintln!("无效：{e}");
            }
        }
    }
    let (paths, envs): (Vec<&str>, Vec<exchange::Envelope>) = envelopes.into_iter().unzip();
    for (i, before) in exchange::chain_breaks(&envs) {
        bad += 1;
        eprintln!(
            "链条断开：{} 的上一份应为 {}（{}），实际记录为 {}",
            paths[i],
            paths[before],
            envs[before].content_sha256,
            envs[i].previous_sha256.as_deref().unwrap_or("无")
        );
    }
    if bad > 0 {
        return Err(format!("{bad}个问题"));
    }
    Ok(())
}

fn merge(args: &[String]) -> Result<(), String> {
    use exchange::filing;
    use exchange::report::{MonthlyReport, MONTHLY_KIND};
    use exchange::rollup::{CountyRecords, PseudonymKey};
    let out = flag(args, "--out").ok_or_else(|| USAGE.to_string())?;
    let backup_path = flag(args, "--backup").ok_or(
        "merge 需要县的备份文件（--backup）：汇总的应报学校、人口与辍学名单来自县的台账，\
         与保学网页“报市州汇总”生成的文件相同 / merge needs the county's backup (--backup)",
    )?;
    let text = bundle_file_text(backup_path, "BAOXUE_BACKUP_PASSPHRASE")?;
    let (_, backup) = exchange::read_payload::<exchange::Backup>(&text, exchange::BACKUP_KIND)
        .map_err(|e| format!("{backup_path}：{e}"))?;
    if let Some(p) = backup.problems().first() {
        return Err(format!("{backup_path}：备份有误，不能汇总：{p}"));
    }
    let me = exchange::UnitRef::of(&backup.installation);
    if me.level != "county" {
        return Err(format!(
            "{backup_path}：这是“{}”的备份，报市州汇总由县级单位生成",
            me.name
        ));
    }
    let ledger = baoxue_core::ledger::Ledger::new(
        backup.schools,
        &backup.installation.townships,
        backup.children,
    );
    // The reports given are taken in as the county's import takes them: what it would
    // refuse stops the merge.
    let actor = baoxue_core::casework::Actor {
        name: "baoxue merge",
        now: now(),
    };
    let mut inbox = backup.inbox;
    let mut outbox = backup.outbox;
    let mut periods = std::collections::BTreeSet::new();
    for path in operands(args) {
        let text = bundle_file_text(path, "BAOXUE_PASSPHRASE")?;
        let (env, r) = exchange::read_payload::<MonthlyReport>(&text, MONTHLY_KIND)
            .map_err(|e| format!("{path}：{e}"))?;
        let ours = ledger.schools().iter().find(|s| r.school.is(s));
        let plan = inbox
            .plan(&env, &r, &me, ours)
            .map_err(|e| format!("{path}：{e}"))?;
        for p in &plan.rejected {
            eprintln!("{path}：{}：{}", p.place, p.reason);
        }
        for w in &plan.warnings {
            eprintln!("{path}：{w}");
        }
        periods.insert(r.period.clone());
        let staged = filing::StagedReport {
            plan,
            envelope: env,
            report: r,
        };
        filing::apply_reports(&inbox, [&staged], &Default::default(), actor)
            .apply(&mut inbox, &mut outbox);
    }
    let period = match (flag(args, "--period"), periods.len()) {
        (Some(p), _) => exchange::report::parse_month_period(p)
            .map(exchange::report::month_period)
            .ok_or_else(|| format!("--period 应为 YYYY-MM：{p}"))?,
        (None, 1) => periods.pop_first().unwrap_or_default(),
        (None, 0) => return Err("请用 --period YYYY-MM 指明汇总哪个月".into()),
        (None, _) => {
            return Err(format!(
                "所给月报属于不同月份（{}），不能汇总在一起：请用 --period 指明",
                periods.into_iter().collect::<Vec<_>>().join("、")
            ))
        }
    };
    let key = match inbox.pseudonym_key.clone() {
        Some(k) => k,
        None => {
            let key_path = flag(args, "--key").ok_or(
                "备份中还没有化名密钥：请在保学中生成一次报市州汇总后重新备份，或用 --key 指定密钥文件",
            )?;
            match std::fs::read_to_string(key_path) {
                Ok(k) => PseudonymKey(k.trim().to_string()),
                Err(_) => {
                    let mut bytes = [0u8; 32];
                    getrandom::fill(&mut bytes).map_err(|e| format!("无法生成密钥：{e}"))?;
                    let k = PseudonymKey::from_bytes(bytes);
                    std::fs::write(key_path, &k.0).map_err(|e| format!("{key_path}：{e}"))?;
                    eprintln!("已新建化名密钥 {key_path}：请妥善保管，只有持有者能还原化名");
                    k
                }
            }
        }
    };
    let records = CountyRecords {
        installation: &backup.installation,
        ledger: &ledger,
        reports: &inbox.reports,
        census_definition: backup.settings.census_definition,
    };
    let (rollup, file) = filing::county_rollup(
        &records,
        &period,
        &key,
        chrono::Local::now().date_naive(),
        actor,
    )
    .map_err(|e| e.to_string())?;
    write_file(out, &file.bytes)?;
    eprintln!(
        "已汇总{}：{}/{}所学校已报{period}月报，学生{}人，疑似辍学{}人，辍学{}人 → {out}",
        me.name,
        rollup.totals.schools_reported,
        rollup.totals.schools_expected,
        rollup.totals.children,
        rollup.totals.suspected,
        rollup.totals.dropouts
    );
    Ok(())
}

fn to_csv(args: &[String]) -> Result<(), String> {
    use baoxue_core::export::{children_table, monthly_report_table, rollup_table, to_csv};
    let out = flag(args, "--out").ok_or_else(|| USAGE.to_string())?;
    let (env, text) = open_bundle(args)?;
    let fail = |e: exchange::BundleError| e.to_string();
    let table = match env.kind.as_str() {
        exchange::report::MONTHLY_KIND => {
            let (_, r) = exchange::read_payload(&text, &env.kind).map_err(fail)?;
            monthly_report_table(&r)
        }
        exchange::rollup::ROLLUP_KIND => {
            let (_, r) = exchange::read_payload(&text, &env.kind).map_err(fail)?;
            rollup_table(&r)
        }
        exchange::BACKUP_KIND => {
            let (_, b): (_, exchange::Backup) =
                exchange::read_payload(&text, &env.kind).map_err(fail)?;
            let ledger =
                baoxue_core::ledger::Ledger::new(b.schools, &b.installation.townships, b.children);
            let all: Vec<u32> = (0..ledger.len() as u32).collect();
            children_table(
                &ledger,
                &all,
                &format!("{}适龄儿童台账", b.installation.short_name()),
            )
        }
        other => return Err(format!("“{other}”数据包没有表格可导出")),
    };
    write_file(out, &to_csv(&table))?;
    eprintln!("{}：{}行 → {out}", table.title, table.rows.len());
    Ok(())
}

fn school_reports(args: &[String]) -> Result<(), String> {
    use baoxue_core::indicators::history::History;
    use exchange::report::{month_period, parse_month_period, MonthlyReport, MONTHLY_KIND};
    let (p, table) = demo_params(args)?;
    let dir = flag(args, "--out-dir").ok_or_else(|| USAGE.to_string())?;
    let month = match flag(args, "--month") {
        Some(m) => parse_month_period(m).ok_or_else(|| format!("--month 应为 YYYY-MM：{m}"))?,
        None => p.today.with_day(1).unwrap_or(p.today),
    };
    let county = generate(&p, &table).map_err(|e| e.to_string())?;
    let ledger = baoxue_core::ledger::Ledger::new(
        county.schools.clone(),
        &county.installation.townships,
        county.children.clone(),
    );
    let book = county.casework.casebook(Default::default());
    let history = History::new(county.casework.history);
    let me = exchange::UnitRef::of(&county.installation);
    let pass = std::env::var("BAOXUE_PASSPHRASE")
        .ok()
        .filter(|p| !p.is_empty());
    // Sealed to the county's public key instead, as schools set up from its file send them.
    let seal_to = std::env::var("BAOXUE_SEAL_TO")
        .ok()
        .filter(|k| !k.is_empty());
    std::fs::create_dir_all(dir).map_err(|e| format!("{dir}：{e}"))?;
    let mut n = 0;
    for school in &county.schools {
        let Some(mut r) = MonthlyReport::build(&ledger, &book, &history, school.id, month) else {
            continue;
        };
        r.filled_by = "演示填报人".into();
        r.checked_by = "演示校长".into();
        let env = exchange::Envelope::new(
            MONTHLY_KIND,
            exchange::UnitRef::school(school),
            Some(me.clone()),
            Some(month_period(month)),
            now(),
            "演示填报人",
            None,
        );
        let text = exchange::write_bundle(env, &r).map_err(|e| e.to_string())?;
        let (name, bytes) = match (&seal_to, &pass) {
            (Some(k), _) => (
                "baoxue",
                exchange::encrypt_to(text.as_bytes(), &[k]).map_err(|e| e.to_string())?,
            ),
            (None, Some(p)) => (
                "baoxue",
                exchange::encrypt_report(text.as_bytes(), p).map_err(|e| e.to_string())?,
            ),
            (None, None) => ("json", text.into_bytes()),
        };
        write_file(
            &format!(
                "{dir}/{:03}_{}_{}月报.{name}",
                n + 1,
                school.name,
                month_period(month)
            ),
            &bytes,
        )?;
        n += 1;
    }
    eprintln!(
        "{}：{n}份{}月报 → {dir}",
        county.installation.unit_name(),
        month_period(month)
    );
    Ok(())
}

/// Now, to the second (envelopes carry no fractions of a second).
fn now() -> chrono::NaiveDateTime {
    let t = chrono::Local::now().naive_local();
    t.with_nanosecond(0).unwrap_or(t)
}
