//! The 学籍 import's steps timed natively, one file into an empty county: what the browser
//! benchmark (bench/roll-import.mjs) measures, without the browser, to see which step costs.
//! `cargo run --release -p baoxue-core --example roll_native -- bench/out/roll-200000-csv/学籍名册.csv`
//! Prints figures; asserts nothing.

use std::error::Error;
use std::time::Instant;

use baoxue_core::crosscheck::mapping::{ColumnMapping, RememberedMapping};
use baoxue_core::crosscheck::read_table;
use baoxue_core::ledger::Ledger;
use baoxue_core::student_roll::{
    read_roll, rows_from_bytes, rows_to_bytes, stream_roll, PlanFile, Planning, RollColumns,
    RollEvent,
};
use chrono::NaiveDate;

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args().nth(1).ok_or("which file?")?;
    let bytes = std::fs::read(&path)?;
    let t = Instant::now();
    let table = read_table(&bytes)?;
    println!("read the table          {:?}", t.elapsed());
    let t = Instant::now();
    let mapping = ColumnMapping::detect(&table, &RememberedMapping::default());
    let roll = read_roll(&path, &table, &mapping, 2026);
    println!(
        "rows of the roll        {:?} ({} rows)",
        t.elapsed(),
        roll.rows.len()
    );
    let t = Instant::now();
    let encoded = rows_to_bytes(&roll.rows);
    rows_from_bytes(&encoded)?;
    println!(
        "rows to the page        {:?} ({} bytes)",
        t.elapsed(),
        encoded.len()
    );
    let t = Instant::now();
    let mut rows = 0;
    baoxue_core::crosscheck::table::stream_table(&bytes, &mut |e| {
        if let baoxue_core::crosscheck::table::TableEvent::Row(..) = e {
            rows += 1
        }
    })?;
    println!("table streamed          {:?} ({rows} rows)", t.elapsed());
    // As the worker reads it: a stream of batches, no whole table held.
    let t = Instant::now();
    let mut streamed = 0;
    stream_roll(
        &path,
        &bytes,
        RollColumns::Found(&RememberedMapping::default()),
        2026,
        5000,
        &mut |e| {
            if let RollEvent::Rows { rows, .. } = e {
                streamed += rows_to_bytes(&rows).len();
            }
        },
    )?;
    println!(
        "streamed and encoded    {:?} ({streamed} bytes)",
        t.elapsed()
    );

    let ledger = Ledger::default();
    let now = NaiveDate::from_ymd_opt(2026, 9, 1)
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .ok_or("date")?;
    let mut n = 0u128;
    let mut id = || {
        n += 1;
        uuid::Uuid::from_u128(n)
    };
    let t = Instant::now();
    let files = [PlanFile {
        roll: &roll,
        school: None,
        whole: true,
    }];
    let mut planning = Planning::start(&ledger, &[], now);
    while !planning.step(&ledger, &files, 1000, &mut id) {}
    let compared = t.elapsed();
    let plan = planning.finish(&ledger, &files, &mut id);
    println!(
        "dry run                 {:?} (compared as rows come {compared:?})",
        t.elapsed()
    );
    let mut ledger = ledger;

    let t = Instant::now();
    let townships = vec!["433122100".to_string(); plan.new_schools.len()];
    let set = plan.change_set(&ledger, &townships, &[], "基准", &mut id)?;
    println!("change set              {:?}", t.elapsed());
    let t = Instant::now();
    let batch = ledger.prepare_batch(set.children.clone(), now)?;
    let size: usize = batch.chunks.iter().map(|c| c.1.len()).sum();
    println!(
        "chunks encoded          {:?} ({} chunks, {size} bytes)",
        t.elapsed(),
        batch.chunks.len()
    );
    let t = Instant::now();
    ledger.apply_batch(batch);
    println!("in memory               {:?}", t.elapsed());
    let lines: usize = set.audit.iter().map(|a| a.lines.len()).sum();
    println!(
        "audit                   {} entries, {lines} lines",
        set.audit.len()
    );
    Ok(())
}
