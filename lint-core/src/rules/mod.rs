//! One file per rule: its documentation, metadata and message. `cargo failfirst explain`
//! and `rules` print from here.

pub mod parse_error;

use crate::report::Level;

/// A rule's metadata and documentation.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case name.
    pub name: &'static str,
    pub default_level: Level,
    /// The questions a finding of this rule answers `fail` for; empty for hygiene flags and
    /// for problems of the input.
    pub questions: &'static [&'static str],
    /// One line, lowercase, no full stop.
    pub summary: &'static str,
    /// Markdown with the headings `## What it does`, `## Why is this bad?`, `## Example`,
    /// `## Use instead`, `## How to suppress`.
    pub docs: &'static str,
}

/// Every rule, in the order `cargo failfirst rules` lists them.
pub const ALL_RULES: &[&Rule] = &[&parse_error::RULE];

pub fn find_rule(name: &str) -> Option<&'static Rule> {
    ALL_RULES.iter().copied().find(|rule| rule.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_documents_each_heading() {
        for rule in ALL_RULES {
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
                "## How to suppress",
            ] {
                assert!(
                    rule.docs.contains(heading),
                    "rule `{}` lacks `{heading}`",
                    rule.name
                );
            }
            assert!(
                !rule.summary.ends_with('.'),
                "rule `{}` summary ends with a full stop",
                rule.name
            );
        }
    }
}
