//! `cargo xtask`: the project's chores, as clippy's `cargo dev` and ruff's scripts do them.
//!
//! `cargo xtask new-rule NAME [--level warn|deny]` scaffolds a rule: its file under
//! `lint-core/src/rules/` (the one declaration: name, level, questions, summary, the five
//! documentation headings, a check), its place in the `rules![..]` list, the annotations
//! crate's list, and a fixture under `fixtures/rules/NAME/` with a handler that must fire and
//! one that must stay silent. The tests then say what is left: the fixture's markers fail
//! until the check finds them, and the README's table until it is rewritten
//! (`UPDATE_RULE_LISTS=1 cargo test -p failfirst-e2e --test rule_list`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("new-rule") => match NewRule::from_args(&args[1..]).and_then(|rule| rule.write(&root))
        {
            Ok(written) => {
                println!("scaffolded:");
                for path in written {
                    println!("  {}", path.strip_prefix(&root).unwrap_or(&path).display());
                }
                println!(
                    "next: write the check and its documentation, make the fixture real, then\n  \
                     UPDATE_RULE_LISTS=1 cargo test -p failfirst-e2e --test rule_list\n  \
                     cargo test -p failfirst-e2e --test rules"
                );
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
        },
        _ => {
            eprintln!("usage: cargo xtask new-rule NAME [--level warn|deny]");
            ExitCode::from(2)
        }
    }
}

/// A rule to scaffold.
#[derive(Debug, PartialEq, Eq)]
struct NewRule {
    /// kebab-case: `retry-without-budget`.
    name: String,
    /// `Warn` or `Deny`, as `Level` spells them.
    level: &'static str,
}

impl NewRule {
    fn from_args(args: &[String]) -> Result<NewRule, String> {
        let mut name = None;
        let mut level = "Warn";
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            match arg.as_str() {
                "--level" => {
                    level = match rest.next().map(String::as_str) {
                        Some("warn") => "Warn",
                        Some("deny") => "Deny",
                        other => {
                            return Err(format!(
                                "`--level` takes `warn` or `deny`, not {}",
                                other.unwrap_or("nothing")
                            ))
                        }
                    }
                }
                other if name.is_none() && !other.starts_with('-') => {
                    name = Some(other.to_string())
                }
                other => return Err(format!("unexpected argument `{other}`")),
            }
        }
        let name = name.ok_or("a rule name is needed: `cargo xtask new-rule NAME`")?;
        let kebab = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !name.starts_with('-')
            && !name.ends_with('-')
            && !name.contains("--");
        if !kebab {
            return Err(format!(
                "`{name}` is not a kebab-case rule name (lowercase words joined by `-`)"
            ));
        }
        Ok(NewRule { name, level })
    }

    fn module(&self) -> String {
        self.name.replace('-', "_")
    }

    /// Writes the rule's files and registers it; refuses to overwrite anything.
    fn write(&self, root: &Path) -> Result<Vec<PathBuf>, String> {
        let rule_file = root
            .join("lint-core/src/rules")
            .join(format!("{}.rs", self.module()));
        let fixture = root.join("fixtures/rules").join(&self.name);
        for existing in [&rule_file, &fixture] {
            if existing.exists() {
                return Err(format!("{} exists already", existing.display()));
            }
        }
        let rules_mod = root.join("lint-core/src/rules/mod.rs");
        let registry = read(&rules_mod)?;
        let registered = register_module(&registry, &self.module())?;
        let annotations_list = root.join("annotations/src/rules.txt");
        let listed = register_name(&read(&annotations_list)?, &self.name)?;

        let mut written = Vec::new();
        write(&rule_file, &self.rule_source(), &mut written)?;
        write(&rules_mod, &registered, &mut written)?;
        write(&annotations_list, &listed, &mut written)?;
        write(
            &fixture.join("Cargo.toml"),
            &self.fixture_manifest(),
            &mut written,
        )?;
        write(
            &fixture.join("src/main.rs"),
            &self.fixture_source(),
            &mut written,
        )?;
        Ok(written)
    }

    fn rule_source(&self) -> String {
        RULE_TEMPLATE
            .replace("{name}", &self.name)
            .replace("{level}", self.level)
    }

    fn fixture_manifest(&self) -> String {
        FIXTURE_MANIFEST.replace("{name}", &self.name)
    }

    fn fixture_source(&self) -> String {
        FIXTURE_TEMPLATE.replace("{name}", &self.name)
    }
}

/// Adds `module` to the `rules![..]` list, before the rules about the input itself
/// (`unused_suppression`, `parse_error`), which stay last.
fn register_module(registry: &str, module: &str) -> Result<String, String> {
    let anchor = "    unused_suppression,\n";
    let start = registry
        .find("rules![\n")
        .ok_or("lint-core/src/rules/mod.rs has no `rules![` list")?;
    let at = registry[start..]
        .find(anchor)
        .map(|offset| start + offset)
        .ok_or("the `rules![` list has no `unused_suppression` entry to insert before")?;
    if registry[start..].contains(&format!("    {module},\n")) {
        return Err(format!("`{module}` is in the `rules![` list already"));
    }
    Ok(format!(
        "{}    {module},\n{}",
        &registry[..at],
        &registry[at..]
    ))
}

/// Adds `name` to the annotations crate's list, in the same place as in `rules![..]`.
fn register_name(listed: &str, name: &str) -> Result<String, String> {
    if listed.lines().any(|line| line == name) {
        return Err(format!("`{name}` is in annotations/src/rules.txt already"));
    }
    let at = listed
        .find("unused-suppression\n")
        .ok_or("annotations/src/rules.txt has no `unused-suppression` line")?;
    Ok(format!("{}{name}\n{}", &listed[..at], &listed[at..]))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))
}

fn write(path: &Path, text: &str, written: &mut Vec<PathBuf>) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|error| format!("{}: {error}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|error| format!("{}: {error}", path.display()))?;
    written.push(path.to_path_buf());
    Ok(())
}

const RULE_TEMPLATE: &str = r####"//! `{name}`: say in a line what the rule catches.

use super::{HandlerPath, Rule, Violation};
use crate::vocab::{Level, Question};

pub const RULE: Rule = Rule {
    name: "{name}",
    default_level: Level::{level},
    // The questions a finding fails; none for a hygiene flag.
    questions: &[] as &[Question],
    summary: "what the rule fires on, lowercase, no full stop",
    docs: r#"## What it does
What the rule finds, in the facts' words: which calls, writes or retries, and when.

## Why is this bad?
What goes wrong at 02:30 when the downstream times out.

## Example
```rust
// the shape that fires
```

## Use instead
```rust
// the shape that stays silent
```

## How to suppress
`// failfirst: allow({name}) reason` on the line above the offending statement.
"#,
    check: Some(check),
};

/// A small pure function over the facts of a handler's path: read `path.reach` (its
/// downstream calls, retries, state accesses, transactions) and return one violation per
/// offending place, anchored where SPEC §3 says findings point.
pub fn check(path: &HandlerPath) -> Vec<Violation> {
    let _ = path;
    Vec::new()
}
"####;

const FIXTURE_MANIFEST: &str = r#"[package]
name = "fixture-rule-{name}"
version = "0.1.0"
edition = "2021"
publish = false
description = "A service (axum) used by the {name} rule tests"

[dependencies]
axum = "0.8"
reqwest = "0.12"
tokio = { version = "1", features = ["macros", "rt-multi-thread", "net", "time"] }
"#;

const FIXTURE_TEMPLATE: &str = r#"//! The shapes `{name}` is about: a handler whose path must fire, marked `//~ {name}`
//! on the first line of the offending statement, and a trap that must stay silent,
//! commented `// silent: why`. Replace both with realistic code.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()?;
    let app = Router::new()
        .route("/fires", post(fires))
        .route("/stays-silent", post(stays_silent))
        .with_state(http);
    let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
    axum::serve(listener, app).await?;
    Ok(())
}

pub async fn fires(State(http): State<reqwest::Client>) -> Result<String, StatusCode> { //~ handler: POST /fires
    let reply = http.get("http://ledger/balance").send().await; //~ {name}
    reply
        .map_err(|_| StatusCode::BAD_GATEWAY)?
        .text()
        .await
        .map_err(|_| StatusCode::BAD_GATEWAY)
}

// silent: what makes this shape right, in a sentence.
pub async fn stays_silent(State(http): State<reqwest::Client>) -> Result<String, StatusCode> { //~ handler: POST /stays-silent
    let reply = http.get("http://ledger/balance").send().await;
    reply
        .map_err(|_| StatusCode::BAD_GATEWAY)?
        .text()
        .await
        .map_err(|_| StatusCode::BAD_GATEWAY)
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn reads_a_kebab_case_name_and_a_level() {
        assert_eq!(
            NewRule::from_args(&args("retry-after-commit --level deny")),
            Ok(NewRule {
                name: "retry-after-commit".to_string(),
                level: "Deny"
            })
        );
        assert!(NewRule::from_args(&args("Retry_After")).is_err());
        assert!(NewRule::from_args(&args("retry--after")).is_err());
        assert!(NewRule::from_args(&args("x --level loud")).is_err());
        assert!(NewRule::from_args(&[]).is_err());
    }

    #[test]
    fn registers_the_rule_before_the_input_rules_in_both_lists() {
        let registry =
            "rules![\n    write_without_inbox,\n    unused_suppression,\n    parse_error,\n];\n";
        assert_eq!(
            register_module(registry, "retry_after_commit"),
            Ok("rules![\n    write_without_inbox,\n    retry_after_commit,\n    unused_suppression,\n    parse_error,\n];\n".to_string())
        );
        assert!(register_module(registry, "write_without_inbox").is_err());
        let listed = "write-without-inbox\nunused-suppression\nparse-error\n";
        assert_eq!(
            register_name(listed, "retry-after-commit"),
            Ok(
                "write-without-inbox\nretry-after-commit\nunused-suppression\nparse-error\n"
                    .to_string()
            )
        );
    }

    #[test]
    fn scaffolds_files_into_a_tree_and_refuses_to_overwrite() {
        let root = std::env::temp_dir().join(format!("xtask-new-rule-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let mut setup = Vec::new();
        for (path, text) in [
            (
                "lint-core/src/rules/mod.rs",
                "rules![\n    write_without_inbox,\n    unused_suppression,\n    parse_error,\n];\n",
            ),
            (
                "annotations/src/rules.txt",
                "write-without-inbox\nunused-suppression\nparse-error\n",
            ),
        ] {
            write(&root.join(path), text, &mut setup).unwrap_or_else(|error| panic!("{error}"));
        }
        let rule = NewRule {
            name: "retry-after-commit".to_string(),
            level: "Deny",
        };
        let written = rule.write(&root).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(written.len(), 5);
        let source = read(&root.join("lint-core/src/rules/retry_after_commit.rs"))
            .unwrap_or_else(|error| panic!("{error}"));
        for expected in [
            "name: \"retry-after-commit\"",
            "Level::Deny",
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "## How to suppress",
            "check: Some(check)",
        ] {
            assert!(source.contains(expected), "{expected} missing:\n{source}");
        }
        let fixture = read(&root.join("fixtures/rules/retry-after-commit/src/main.rs"))
            .unwrap_or_else(|error| panic!("{error}"));
        assert!(fixture.contains("//~ retry-after-commit"));
        assert!(fixture.contains("// silent:"));
        assert!(
            rule.write(&root).is_err(),
            "a second run overwrites nothing"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
