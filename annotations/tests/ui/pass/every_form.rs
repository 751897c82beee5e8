use failfirst::{deadline, idempotent};

#[failfirst::handler]
fn routed_elsewhere() -> u8 {
    1
}

#[idempotent]
fn natural() -> u8 {
    2
}

#[idempotent(key = "Idempotency-Key")]
#[deadline(ms = 800)]
fn by_header() -> u8 {
    3
}

#[idempotent(key = field(request_id))]
#[deadline(propagate)]
fn by_field() -> u8 {
    4
}

#[idempotent(key = event_id)]
fn by_event() -> u8 {
    5
}

struct Payments;

#[failfirst::allow(retry_without_backoff, reason = "the broker paces redeliveries itself")]
impl Payments {
    #[failfirst::handler]
    #[failfirst::allow(downstream_without_deadline, fixed_deadline, reason = "a probe the balancer cuts after 1 s")]
    fn charge(&self) -> u8 {
        6
    }
}

#[failfirst::allow(nested_retry, reason = "the inner retry is a single local cache read")]
mod jobs {
    pub fn run() -> u8 {
        7
    }
}

fn main() {
    // The items are unchanged: they still exist and return what they did.
    assert_eq!(routed_elsewhere() + natural() + by_header() + by_field() + by_event() + Payments.charge() + jobs::run(), 28);
}
