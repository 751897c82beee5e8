#[failfirst::idempotent(header = "Idempotency-Key")]
fn create() {}

fn main() {}
