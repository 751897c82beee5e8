//! Output formats. Each takes the finished report; none changes it.

pub mod cards;
pub mod human;
pub mod json;
pub mod style;
pub mod table;
