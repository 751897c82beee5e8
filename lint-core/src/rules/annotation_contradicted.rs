//! `annotation-contradicted`: the code breaks a promise its annotation makes.

use super::{HandlerPath, Rule, Violation};
use crate::facts::Bound;
use crate::report::Level;

pub const RULE: Rule = Rule {
    name: "annotation-contradicted",
    default_level: Level::Deny,
    questions: &["q4"],
    summary: "an annotation promises what the code does not do",
    docs: r#"## What it does
Holds the code to the promises of its annotations. `#[deadline(propagate)]` promises that
every downstream call on the handler's path is bounded by what remains of the incoming
deadline; a call bounded by a constant, a configured value, or nothing at all breaks it.
The finding points at the attribute and names the line that breaks the promise; the
underlying rule (`fixed-deadline`, `downstream-without-deadline`) reports that line too.

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

## Use instead
Derive the bound from the deadline (`.timeout(deadline.saturating_duration_since(Instant::now()))`),
or change the annotation to what the code does: `#[deadline(ms = 5000)]`.

## How to suppress
Fix the code or the annotation; `#[failfirst::allow(annotation_contradicted, reason = "..")]`
on the function if the promise is knowingly broken for a time.
"#,
};

pub fn check(path: &HandlerPath) -> Vec<Violation> {
    let Some(promise) = &path.propagate_promise else {
        return Vec::new();
    };
    let broken = path.reach.calls.iter().find(|reached| {
        !matches!(
            reached.effective_bound,
            Bound::Propagated(_) | Bound::Unknown(_)
        )
    });
    let Some(broken) = broken else {
        return Vec::new();
    };
    vec![Violation {
        rule: &RULE,
        function: promise.function,
        anchor: promise.attribute,
        chain: Vec::new(),
        message: format!(
            "`#[deadline(propagate)]` is broken: {} at line {} is not bounded by the incoming deadline",
            broken.call.kind.describe(),
            broken.call.statement.start.line
        ),
        help: "consider deriving that call's bound from the deadline, or stating the budget the code keeps: `#[deadline(ms = N)]`".to_string(),
    }]
}
