//! `downstream-without-idempotency-key`: a mutation sent with nothing to recognise it by.

use super::{HandlerPath, Rule, Violation};
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "downstream-without-idempotency-key",
    default_level: Level::Warn,
    questions: &[Question::Q3],
    summary: "a non-idempotent downstream call (POST, mutating RPC, publish) that passes no idempotency key",
    docs: r#"## What it does
Finds non-idempotent downstream calls on a handler's path — an HTTP `POST` or `PATCH`, a
mutating gRPC method (`charge`, `create_*`, `transfer`…), a broker publish — that carry no
idempotency key: no `Idempotency-Key` header, no `idempotency_key`/`request_id`/
`client_token` field or metadata.

A `POST` whose URL names a delete as its action (`/internal/delete?alias=..`,
`/files/{id}/purge`; also `remove`, `destroy`) is an API tunnelling its deletes through
`POST`: a second delete finds nothing left to change, so it is idempotent as a `DELETE` is.

Whether a gRPC method mutates is read from the workspace's `.proto` files first: a method
declaring `option idempotency_level = NO_SIDE_EFFECTS;` or `IDEMPOTENT;` is never flagged.
Otherwise the verbs of its name decide: `Get`, `List`, `Watch`, `Search`, `Lookup`,
`Check`, `Validate`, `Estimate`, `Quote`, `Evaluate`, `Describe` (and `Fetch`, `Read`,
`Query`, `Stream`) read, and a name reads only when every clause of it does
(`ValidateAndReserve` and `GetOrCreate` mutate); `[knowledge.grpc]` in the configuration
adds the team's read verbs (`read-verbs`) or takes built-in ones away (`mutating-verbs`). Where the contract names the request
message, only a key in that message (or in the metadata) keys the call, and a key made in
the handler (`Uuid::new_v4()`) or an empty value is no key.

## Why is this bad?
When the call times out, the downstream may have committed. Without a key, neither a retry
nor a reconciliation can ask "did my first attempt happen?": a retry does it twice, and not
retrying may lose it.

## Example
```rust
client.post(format!("{PSP}/charges")).json(&charge).send().await?;
```

## Use instead
Derive a key from the handler's own key (or the order id) and send it on every attempt:
```rust
client.post(format!("{PSP}/charges"))
    .header("Idempotency-Key", format!("charge-{}", order.id))
    .json(&charge).send().await?;
```

## How to suppress
`// failfirst: allow(downstream-without-idempotency-key) reason` on the line above the call.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    path.reach
        .calls
        .iter()
        .filter(|reached| reached.call.idempotent() == Some(false) && !reached.call.has_key)
        .map(|reached| Violation {
            rule: &RULE,
            questions: None,
            function: reached.function,
            anchor: reached.call.statement,
            chain: reached.chain.clone(),
            message: format!(
                "{} is not idempotent and carries no idempotency key: after a timeout nothing can tell whether it happened",
                described(&reached.call)
            ),
            help: "consider an `Idempotency-Key` header (or key field) derived from the handler's own key, the same on every attempt".to_string(),
        })
        .collect()
}

/// `HTTP POST (`reqwest::Client::post`)`; a declared client's method is named once.
fn described(call: &crate::facts::DownstreamCall) -> String {
    let kind = call.kind.describe();
    if kind.contains(&call.api) {
        kind
    } else {
        format!("{kind} (`{}`)", call.api)
    }
}
