//! BaoXue core: the rules of 控辍保学 (keeping every school-age child in school), with no
//! browser inside. The web app and the command line are thin layers over this crate.

pub mod casework;
pub mod charts;
pub mod crosscheck;
pub mod demo;
pub mod digest;
pub mod divisions;
pub mod exchange;
pub mod export;
pub mod indicators;
pub mod installation;
pub mod ledger;
pub mod model;
pub mod record_key;
pub mod rules;
pub mod student_roll;
