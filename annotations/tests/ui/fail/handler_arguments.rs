#[failfirst::handler(route = "/orders")]
fn create() {}

fn main() {}
