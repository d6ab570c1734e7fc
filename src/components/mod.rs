//! Small reusable views.

pub mod notice;
pub mod pager;
pub mod select;
