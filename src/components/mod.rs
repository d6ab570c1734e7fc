//! Small reusable views.

pub mod download;
pub mod notice;
pub mod pager;
pub mod select;
