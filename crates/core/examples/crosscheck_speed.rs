//! Where the time of a cross-check goes, natively: read, map, build the roster, match.
//!   cargo run --release -p baoxue-core --example crosscheck_speed -- bench/out/police-200000.csv 200000
use std::time::Instant;

use baoxue_core::crosscheck::{build_roster, cross_check, read_table, ColumnMapping, Department};
use baoxue_core::demo::{generate, DemoParams};
use baoxue_core::divisions::DivisionTable;
use baoxue_core::ledger::Ledger;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("roster file")?;
    let n: usize = args
        .get(2)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(200_000);
    let table = DivisionTable::parse(&std::fs::read_to_string("public/divisions.tsv")?)?;
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let today = chrono::DateTime::from_timestamp(secs as i64, 0)
        .ok_or("clock")?
        .date_naive();
    let mut p = DemoParams::new(today);
    p.children = n;
    let c = generate(&p, &table)?;
    let ledger = Ledger::new(c.schools, &c.installation.townships, c.children);
    let bytes = std::fs::read(path)?;
    for _ in 0..3 {
        let t = Instant::now();
        let raw = read_table(&bytes)?;
        let t_read = t.elapsed();
        let mapping = ColumnMapping::detect(&raw, &Default::default());
        let roster = build_roster(&raw, &mapping, Department::Police);
        let t_roster = t.elapsed();
        let mut result = cross_check(&ledger, &roster, &Default::default(), p.today);
        // BAOXUE_MATCH_REPEAT=n repeats the match alone, for a profiler.
        let repeat: usize = std::env::var("BAOXUE_MATCH_REPEAT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        for _ in 0..repeat {
            result = cross_check(&ledger, &roster, &Default::default(), p.today);
        }
        let t_match = t.elapsed();
        println!(
            "read {:?}  roster {:?}  match {:?}  ({} rows, {} findings)",
            t_read,
            t_roster - t_read,
            t_match - t_roster,
            roster.rows.len(),
            result.findings.len()
        );
    }
    Ok(())
}
