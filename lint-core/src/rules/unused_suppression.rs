//! `unused-suppression`: a suppression that silences nothing, or cannot.

use super::Rule;
use crate::vocab::Level;

pub const RULE: Rule = Rule {
    name: "unused-suppression",
    default_level: Level::Warn,
    questions: &[],
    summary: "a suppression that matches no finding, names an unknown rule or gives no reason",
    docs: r#"## What it does
Reports `// failfirst: allow(rule) reason` comments, `disable(rule)` ranges and
`#[failfirst::allow(rule, reason = "..")]` attributes that silence no finding, name a rule
that does not exist, or give no reason (a suppression without a reason silences nothing).

It also reports comments that look like suppressions but cannot be: a block comment
(`/* failfirst: allow(..) */`), a directive written with a look-alike or invisible character
(a Cyrillic `а` in `аllow`, a zero-width space), a directive failfirst does not know
(`alow(..)`), and an `enable(rule)` with no `disable(rule)` above it to close.

## Why is this bad?
A suppression that outlived its finding hides the next real one written on that line; one
without a reason leaves the next reader unable to tell a judgement from a shortcut.

## Example
```rust
// failfirst: allow(retry-without-backoff)
let reply = client.get(url).send().await?;
```

## Use instead
Delete suppressions that no longer match, and say why for the ones that do:
```rust
// failfirst: allow(downstream-without-deadline) the health probe has its own 1 s watchdog
```

## How to suppress
`-A unused-suppression` for a run.
"#,
    check: None,
};
