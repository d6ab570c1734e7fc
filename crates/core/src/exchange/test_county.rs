//! A demo county with its ledgers, for the exchange tests.

use chrono::NaiveDate;

use crate::casework::Casebook;
use crate::demo::{generate, DemoCounty, DemoParams};
use crate::divisions::DivisionTable;
use crate::indicators::history::History;
use crate::ledger::Ledger;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub struct County {
    pub c: DemoCounty,
    pub ledger: Ledger,
    pub book: Casebook,
    pub history: History,
}

/// The demo county `code` of `children` children as on 2026-11-23.
pub fn county(code: &str, children: usize) -> County {
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let mut p = DemoParams::new(d(2026, 11, 23));
    p.children = children;
    p.county_code = code.into();
    p.seat = None;
    let c = generate(&p, &table).unwrap();
    let ledger = Ledger::new(
        c.schools.clone(),
        &c.installation.townships,
        c.children.clone(),
    );
    let book = c.casework.casebook(Default::default());
    let history = History::new(c.casework.history.clone());
    County {
        c,
        ledger,
        book,
        history,
    }
}
