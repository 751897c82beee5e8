pub mod health;
pub mod orders;
pub mod payments;
