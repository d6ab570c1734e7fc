//! Times the ledger queries natively for a 200,000-child county: `cargo run --release
//! --example query_speed -p baoxue-core`. The browser figures come from bench/run.sh.
use std::time::Instant;

use baoxue_core::demo::{generate, DemoParams};
use baoxue_core::divisions::DivisionTable;
use baoxue_core::ledger::query::ChildQuery;
use baoxue_core::ledger::Ledger;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let table = DivisionTable::parse(&std::fs::read_to_string("public/divisions.tsv")?)?;
    let mut p = DemoParams::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("date")?);
    p.children = 200_000;
    let t = Instant::now();
    let c = generate(&p, &table)?;
    println!("generate 200,000: {:?}", t.elapsed());
    let l = Ledger::new(c.schools, &c.installation.townships, c.children);
    for text in ["", "", "向", "向", "4331222015", "G4331", "x"] {
        let t = Instant::now();
        let n = l
            .query(&ChildQuery {
                text: text.into(),
                ..Default::default()
            })
            .len();
        println!("query {text:?}: {n} hits in {:?}", t.elapsed());
    }
    Ok(())
}
