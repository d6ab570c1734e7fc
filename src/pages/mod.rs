//! One file per page.

pub mod backup;
pub mod case;
pub mod cases;
pub mod charts;
pub mod child;
pub mod child_casework;
pub mod child_form;
pub mod children;
pub mod common;
pub mod crosscheck;
pub mod demo;
pub mod home;
pub mod indicators;
pub mod notice;
pub mod print;
pub mod recovery;
pub mod register;
pub mod reports;
pub mod roll_import;
pub mod school_setup;
pub mod schools;
pub mod settings;
pub mod setup;
pub mod suspect;
pub mod suspects;
pub mod todo;
