#[failfirst::allow(retry_without_bakcoff, reason = "misspelt")]
fn probe() {}

#[failfirst::allow(no_such_rule_at_all, reason = "invented")]
fn other() {}

fn main() {}
