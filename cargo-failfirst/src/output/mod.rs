//! Output formats. Each takes the finished report; none changes it.
//!
//! May import: `diagnostic`.

pub mod cards;
pub mod human;
pub mod json;
pub mod style;
pub mod table;
