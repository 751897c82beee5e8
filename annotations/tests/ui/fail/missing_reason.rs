#[failfirst::allow(downstream_without_deadline)]
fn probe() {}

#[failfirst::allow(reason = "no rule named")]
fn other() {}

fn main() {}
