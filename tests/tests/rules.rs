//! Every rule on its fixtures: each `//~ rule` marker must be reported on its line, and
//! nothing else may be (a noisy finding fails the test as much as a missing one).

use failfirst_e2e::*;

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
    let handlers = compare(
        &handler_markers(&fixture, &root),
        &reported_handlers(&report),
    );
    assert!(
        handlers.noisy.is_empty() && handlers.missing.is_empty(),
        "{name} handlers: noisy {:#?} missing {:#?}",
        handlers.noisy,
        handlers.missing
    );
    let expected = finding_markers(&fixture, &root);
    let reported = reported_findings(&report);
    let noisy: Vec<_> = reported.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&reported).collect();
    assert!(
        noisy.is_empty() && missing.is_empty(),
        "{name}:\n{}noisy (reported, not marked): {noisy:#?}\nmissing (marked, not reported): {missing:#?}",
        accuracy_by_rule(&expected, &reported)
    );
    let human = run_failfirst(&root, &["failfirst", &format!("fixtures/rules/{name}")]);
    insta::assert_snapshot!(format!("rules_{name}"), human.stdout);
}

#[test]
fn write_without_inbox() {
    check_rule_fixture("write-without-inbox");
}

#[test]
fn inbox_outside_transaction() {
    check_rule_fixture("inbox-outside-transaction");
}

#[test]
fn dedup_race() {
    check_rule_fixture("dedup-race");
}

#[test]
fn uncertain_as_failure() {
    check_rule_fixture("uncertain-as-failure");
}

#[test]
fn downstream_without_idempotency_key() {
    check_rule_fixture("downstream-without-idempotency-key");
}

#[test]
fn call_inside_transaction() {
    check_rule_fixture("call-inside-transaction");
}

#[test]
fn downstream_without_deadline() {
    check_rule_fixture("downstream-without-deadline");
}

#[test]
fn fixed_deadline() {
    check_rule_fixture("fixed-deadline");
}

#[test]
fn retry_without_backoff() {
    check_rule_fixture("retry-without-backoff");
}

#[test]
fn retry_without_jitter() {
    check_rule_fixture("retry-without-jitter");
}

#[test]
fn retry_without_budget() {
    check_rule_fixture("retry-without-budget");
}

#[test]
fn retry_non_idempotent() {
    check_rule_fixture("retry-non-idempotent");
}

#[test]
fn retry_all_errors() {
    check_rule_fixture("retry-all-errors");
}

#[test]
fn nested_retry() {
    check_rule_fixture("nested-retry");
}

#[test]
fn retry_outlives_deadline() {
    check_rule_fixture("retry-outlives-deadline");
}

#[test]
fn annotation_contradicted() {
    check_rule_fixture("annotation-contradicted");
}
