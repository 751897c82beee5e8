//! Every rule on its fixtures: each `//~ rule` marker must be reported on its line, and
//! nothing else may be (a noisy finding fails the test as much as a missing one).

use failfirst_e2e::*;
use lint_core::rules::ALL_RULES;

fn check_rule_fixture(name: &str) {
    let root = repo_root();
    let fixture = root.join("fixtures/rules").join(name);
    let output = run_failfirst(
        &root,
        &[
            "failfirst",
            &format!("fixtures/rules/{name}"),
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = match serde_json::from_str(&output.stdout) {
        Ok(report) => report,
        Err(error) => panic!("{name}: output is not JSON ({error}): {}", output.stderr),
    };
    assert_markers_match(name, &fixture, &root, &report);
    // The four answers that the fixture states for its handlers.
    let expected_answers = answer_markers(&fixture, &root);
    let answers = reported_answers(&report, &expected_answers);
    let wrong: Vec<_> = answers.difference(&expected_answers).collect();
    assert!(
        wrong.is_empty(),
        "{name}: answers differ from the `//~ answers:` markers: {wrong:#?}"
    );
    let human = run_failfirst(&root, &["failfirst", &format!("fixtures/rules/{name}")]);
    insta::assert_snapshot!(format!("rules_{name}"), human.stdout);
}

/// Every rule that judges handlers, on its own fixture: each is checked, and every
/// failure is listed before the test fails.
#[test]
fn every_rule_on_its_fixture() {
    let mut failures = Vec::new();
    for rule in ALL_RULES.iter().filter(|rule| rule.check.is_some()) {
        let outcome = std::panic::catch_unwind(|| check_rule_fixture(rule.name));
        if let Err(panic) = outcome {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {message}", rule.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The rules reported where the analysis meets their problem rather than on a handler's
/// path, and the fixture that shows each.
const INPUT_RULE_FIXTURES: &[(&str, &str)] = &[
    ("unused-suppression", "fixtures/suppressions"),
    ("parse-error", "fixtures/discovery/broken"),
];

/// A rule without code that must fire and code that must stay silent is not proven: each
/// rule that judges handlers has `fixtures/rules/<name>/` with a `//~ <name>` marker and a
/// trap commented `// silent: why` (or `/// silent: why` on a function); each other rule has its fixture; no fixture is left over from a rule
/// that is gone.
#[test]
fn every_rule_has_fixtures_that_fire_and_stay_silent() {
    let root = repo_root();
    let mut problems = Vec::new();
    for rule in ALL_RULES {
        if rule.check.is_none() {
            match INPUT_RULE_FIXTURES
                .iter()
                .find(|(name, _)| *name == rule.name)
            {
                Some((_, fixture)) if root.join(fixture).is_dir() => {}
                _ => problems.push(format!(
                    "`{}` names no fixture in INPUT_RULE_FIXTURES",
                    rule.name
                )),
            }
            continue;
        }
        let fixture = root.join("fixtures/rules").join(rule.name);
        let texts: Vec<String> = rust_files(&fixture)
            .iter()
            .filter_map(|file| std::fs::read_to_string(file).ok())
            .collect();
        let fires = texts.iter().flat_map(|text| text.lines()).any(|line| {
            line.split("//~")
                .skip(1)
                .any(|marker| marker.split(',').any(|name| name.trim() == rule.name))
        });
        let stays_silent = texts.iter().flat_map(|text| text.lines()).any(|line| {
            let line = line.trim_start();
            line.starts_with("//")
                && line
                    .trim_start_matches('/')
                    .trim_start()
                    .starts_with("silent")
        });
        if !fires {
            problems.push(format!(
                "fixtures/rules/{}: no `//~ {}` marker on code that must fire",
                rule.name, rule.name
            ));
        }
        if !stays_silent {
            problems.push(format!(
                "fixtures/rules/{}: no `// silent: ..` comment on code that must stay silent",
                rule.name
            ));
        }
    }
    for entry in std::fs::read_dir(root.join("fixtures/rules"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !ALL_RULES.iter().any(|rule| rule.name == name) {
            problems.push(format!("fixtures/rules/{name}: no rule of that name"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
