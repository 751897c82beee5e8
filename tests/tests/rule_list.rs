//! The rules are declared once, in their files; the lists of them outside the analysis are
//! made from that declaration and checked here. `UPDATE_RULE_LISTS=1 cargo test -p
//! failfirst-e2e --test rule_list` rewrites a list that no longer agrees.

use failfirst_e2e::*;
use lint_core::rules::ALL_RULES;

/// The README's table of rules is what `cargo failfirst rules` prints.
#[test]
fn the_readme_lists_every_rule_as_cargo_failfirst_rules_does() {
    let root = repo_root();
    let output = run_failfirst(&root, &["failfirst", "rules"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap_or_default();
    let opening = "`cargo failfirst rules` lists them";
    let Some(start) = readme
        .find(opening)
        .and_then(|at| readme[at..].find("```text\n").map(|block| at + block + 8))
    else {
        panic!("README.md has no ```text block after \"{opening}\"");
    };
    let end = start + readme[start..].find("```").unwrap_or(0);
    if readme[start..end] == output.stdout {
        return;
    }
    if std::env::var_os("UPDATE_RULE_LISTS").is_some() {
        let updated = format!("{}{}{}", &readme[..start], output.stdout, &readme[end..]);
        std::fs::write(&readme_path, updated).unwrap_or_else(|error| panic!("{error}"));
        return;
    }
    panic!(
        "README.md's rule table differs from `cargo failfirst rules`; run with UPDATE_RULE_LISTS=1 to rewrite it:\n{}",
        output.stdout
    );
}

/// The annotations crate (a proc-macro crate cannot depend on the analysis) checks the
/// rule names of `#[failfirst::allow(..)]` against its own copy of the list.
#[test]
fn the_annotations_crate_knows_every_rule() {
    let path = repo_root().join("annotations/src/rules.txt");
    let listed = std::fs::read_to_string(&path).unwrap_or_default();
    let expected: String = ALL_RULES
        .iter()
        .map(|rule| format!("{}\n", rule.name))
        .collect();
    if listed == expected {
        return;
    }
    if std::env::var_os("UPDATE_RULE_LISTS").is_some() {
        std::fs::write(&path, expected).unwrap_or_else(|error| panic!("{error}"));
        return;
    }
    panic!("annotations/src/rules.txt differs from the rules; run with UPDATE_RULE_LISTS=1 to rewrite it");
}
