//! `parse-error`: a file that cannot be read or parsed.

use super::Rule;
use crate::vocab::Level;

pub const RULE: Rule = Rule {
    name: "parse-error",
    default_level: Level::Deny,
    questions: &[],
    summary: "a source file could not be read or parsed, so its handlers were not analysed",
    docs: r#"## What it does
Reports a source file that failfirst could not analyse: it is not valid UTF-8, it does
not parse as Rust, or its delimiters nest deeper than 256 levels (generated code that would
overflow a recursive parser). The run goes on with every other file.

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
