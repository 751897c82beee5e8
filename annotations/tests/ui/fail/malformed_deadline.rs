#[failfirst::deadline(ms = "800")]
fn quote() {}

#[failfirst::deadline(ms = 0)]
fn never() {}

#[failfirst::deadline]
fn nothing() {}

fn main() {}
