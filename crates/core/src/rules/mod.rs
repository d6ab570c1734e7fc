//! The field's rules: ID numbers and school age.

pub mod id_number;
pub mod name_order;
pub mod school_age;
