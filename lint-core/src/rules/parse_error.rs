//! `parse-error`: a file that cannot be read or parsed.

use super::Rule;
use crate::vocab::Level;

pub const RULE: Rule = Rule {
    name: "parse-error",
    default_level: Level::Deny,
    questions: &[],
    summary: "a source file could not be read or parsed, so its handlers were not analysed",
    docs: r#"## What it does
Reports a source file that failfirst could not analyse: it cannot be read, it is not
valid UTF-8, or it does not parse as Rust; or it is past one of the limits that keep a run
within its stack, time and memory whatever the input (generated code reaches them,
hand-written code never does):
- syntax nested deeper than 256 levels (brackets, generic arguments, unary operators,
  reference types, closures, `return`s, assignments, `-> ..`, ranges, `@` patterns);
- an expression chaining more than 30,000 operations (method calls, fields, operators,
  casts, `else if`);
- a file larger than 4 MiB (`max-file-size` in the configuration changes it);
- a module nested deeper than 64 levels of `mod` declarations (the file and the files it
  declares are not analysed);
- a handler whose calls enter more than 100,000 functions along all their paths
  (`max-path-steps` in the configuration changes it): the finding is on the handler, whose
  four answers are `unknown`.

The run goes on with every other file.

## Why is this bad?
Handlers defined in that file, and calls into it, are invisible to the analysis: its
answers for the rest of the crate may be incomplete. rustc would reject most such files, so
the finding often points at a file that is not compiled (a stale module, a fixture, a
template) or at syntax newer than failfirst's parser.

## Example
```rust
// src/legacy.rs, saved as Latin-1: "caf\xe9"
pub fn menu() -> &'static str { "café" }
```

## Use instead
Save the file as UTF-8 and make it parse; exclude generated or deliberately broken files
with `exclude = ["path/to/file.rs"]` in `failfirst.toml`.

## How to suppress
Exclude the file in configuration, or lower the level with `-A parse-error`.
"#,
    check: None,
};
