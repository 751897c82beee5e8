//! `annotation-contradicted`: the code breaks a promise its annotation makes.

use super::retry_outlives_deadline::outlives_budget;
use super::{downstream_retries, line_of, HandlerPath, Promise, Rule, Violation};
use crate::facts::Bound;
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "annotation-contradicted",
    default_level: Level::Deny,
    questions: &[Question::Q1, Question::Q2, Question::Q4],
    summary: "an annotation promises what the code does not do",
    docs: r#"## What it does
Holds the code to the promises of its annotations. `#[deadline(propagate)]` promises that
every downstream call on the handler's path is bounded by what remains of the incoming
deadline; a call bounded by a constant, a configured value, or nothing at all breaks it.
`#[deadline(ms = N)]` declares the handler's budget: a downstream call whose fixed bound
is longer than N ms (a client or request timeout, a `tokio::time::timeout`, written as a
literal `Duration`), or a retry whose least total time by its defaults is, breaks it.
`#[idempotent]` promises that running the handler twice leaves the data as running it
once (Q1) and that a retry gets the first result (Q2): a `write-without-inbox`,
`inbox-outside-transaction`, `dedup-race` or `call-inside-transaction` finding on its path
breaks it, and so does `#[idempotent(key = "Idempotency-Key")]` on a handler whose path
never reads that header or field.
The finding points at the attribute and names the line that breaks the promise; the
underlying rule (`fixed-deadline`, `downstream-without-deadline`,
`retry-outlives-deadline`, `write-without-inbox` …) reports that line too. It fails the
question the broken promise is about.

## Why is this bad?
Readers, reviewers and callers trust the annotation. A promise the code does not keep is
worse than none: it hides the very problem it names.

## Example
```rust
#[failfirst::deadline(propagate)]
async fn reserve(State(state): State<AppState>) -> Result<(), AppError> {
    state.http.post(url).timeout(Duration::from_secs(5)).send().await?;
    Ok(())
}
```

```rust
#[failfirst::deadline(ms = 800)]
async fn quote(State(state): State<AppState>) -> Result<String, AppError> {
    // the client was built with `.timeout(Duration::from_secs(5))`
    Ok(state.http.get(url).send().await?.text().await?)
}
```

## Use instead
Derive the bound from the deadline (`.timeout(deadline.saturating_duration_since(Instant::now()))`),
or change the annotation to what the code does: `#[deadline(ms = 5000)]`. Under
`#[deadline(ms = 800)]`, bound each call within the budget:
`.timeout(Duration::from_millis(500))`.

## How to suppress
Fix the code or the annotation; `#[failfirst::allow(annotation_contradicted, reason = "..")]`
on the function if the promise is knowingly broken for a time.
"#,
    check: Some(check),
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    broken_propagation(path)
        .into_iter()
        .chain(broken_budget(path))
        .chain(broken_idempotency(path))
        .collect()
}

/// `#[idempotent]` on a handler that a retry does not leave as it was: a finding of a rule
/// that fails Q1 or Q2 on its path, or a promised key that the handler never reads.
fn broken_idempotency(path: &HandlerPath) -> Option<Violation> {
    let promised = path.idempotent_promise.as_ref()?;
    let breaches: Vec<Violation> = [
        super::write_without_inbox::check,
        super::inbox_outside_transaction::check,
        super::dedup_race::check,
        super::call_inside_transaction::check,
    ]
    .iter()
    .flat_map(|check| check(path))
    .collect();
    let written = match &promised.key {
        Some(key) => format!("#[idempotent(key = {key:?})]"),
        None => "#[idempotent]".to_string(),
    };
    let broken_by = if let Some(first) = breaches.first() {
        let more = match breaches.len() {
            1 => String::new(),
            count => format!(" (and {} more)", count - 1),
        };
        format!(
            "`{}` at {}{more}",
            first.rule.name,
            line_of(first.function, first.anchor.start.line)
        )
    } else {
        match &promised.key {
            Some(key) if !promised.key_read => {
                format!("the handler's path never reads the key `{key}`")
            }
            _ => return None,
        }
    };
    Some(broken_promise(
        &promised.promise,
        &[Question::Q1, Question::Q2],
        format!("`{written}` is broken: {broken_by}"),
        "consider recording the request's key in the transaction of the writes (see `cargo failfirst explain write-without-inbox`), or removing the promise".to_string(),
    ))
}

/// `#[deadline(propagate)]` with a call not bounded by the incoming deadline.
fn broken_propagation(path: &HandlerPath) -> Option<Violation> {
    let promise = path.propagate_promise.as_ref()?;
    let broken = path.reach.calls.iter().find(|reached| {
        !matches!(
            reached.effective_bound,
            Bound::Propagated(_) | Bound::Unknown(_)
        )
    })?;
    Some(broken_promise(
        promise,
        &[Question::Q4],
        format!(
            "`#[deadline(propagate)]` is broken: {} at {} is not bounded by the incoming deadline",
            broken.call.kind.describe(),
            line_of(broken.function, broken.call.statement.start.line)
        ),
        "consider deriving that call's bound from the deadline, or stating the budget the code keeps: `#[deadline(ms = N)]`".to_string(),
    ))
}

/// `#[deadline(ms = N)]` with a fixed bound longer than N, or a retry whose least total
/// time by its defaults is. One finding per promise, naming each line that breaks it.
fn broken_budget(path: &HandlerPath) -> Option<Violation> {
    let promise = path.budget_promise.as_ref()?;
    let budget = path.deadline_ms?;
    let mut breaches: Vec<(u32, String)> = path
        .reach
        .calls
        .iter()
        .filter_map(|reached| match &reached.effective_bound {
            Bound::Fixed { what, ms: Some(ms) } if *ms > budget => Some((
                reached.call.statement.start.line,
                format!(
                    "{} at {} is bounded by {what} ({ms} ms)",
                    reached.call.kind.describe(),
                    line_of(reached.function, reached.call.statement.start.line)
                ),
            )),
            _ => None,
        })
        .collect();
    breaches.extend(downstream_retries(path).filter_map(|reached| {
        let worst = outlives_budget(reached, budget)?;
        Some((
            reached.retry.anchor.start.line,
            format!(
                "the {} retry at {} can take {worst} ms or more",
                reached.retry.origin,
                line_of(reached.function, reached.retry.anchor.start.line)
            ),
        ))
    }));
    breaches.sort();
    breaches.dedup();
    let (_, first) = breaches.first()?;
    let more = match breaches.len() {
        1 => String::new(),
        2 => format!("; so does line {}", breaches[1].0),
        _ => format!(
            "; so do lines {}",
            breaches[1..]
                .iter()
                .map(|(line, _)| line.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Some(broken_promise(
        promise,
        &[Question::Q4],
        format!(
            "`#[deadline(ms = {budget})]` is broken: {first}, which cannot fit in {budget} ms{more}"
        ),
        format!(
            "consider bounds and retry policies that fit in {budget} ms (`tokio::time::timeout(Duration::from_millis({budget}), ..)` around the work), or stating the budget the code keeps"
        ),
    ))
}

/// The finding at a broken promise's attribute, failing the questions the promise is about.
fn broken_promise(
    promise: &Promise,
    questions: &'static [Question],
    message: String,
    help: String,
) -> Violation {
    Violation {
        rule: &RULE,
        questions: Some(questions),
        function: promise.function,
        anchor: promise.attribute,
        chain: Vec::new(),
        message,
        help,
    }
}
