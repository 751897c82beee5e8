//! Output formats. Each takes the finished report; none changes it.

pub mod human;
pub mod json;
