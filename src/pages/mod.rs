//! One file per page.

pub mod child;
pub mod child_form;
pub mod children;
pub mod demo;
pub mod home;
pub mod schools;
pub mod settings;
pub mod setup;
