//! The field's rules: ID numbers and school age.

/// ID numbers are a value of the model; this is where the rules have always found them.
pub use crate::model::id_number;
pub mod name_order;
pub mod school_age;
