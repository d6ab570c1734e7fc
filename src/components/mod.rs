//! Small reusable views.

pub mod column_table;
pub mod download;
pub mod filter_stat;
pub mod notice;
pub mod pager;
pub mod print_doc;
pub mod select;
