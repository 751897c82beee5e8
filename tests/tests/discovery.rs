//! Handler discovery on every fixture: the handlers reported are exactly the marked ones.

use failfirst_e2e::*;

fn check_fixture(name: &str) {
    let root = repo_root();
    let fixture = root.join("fixtures/discovery").join(name);
    let json = run_failfirst(
        &root,
        &[
            "failfirst",
            &format!("fixtures/discovery/{name}"),
            "--format",
            "json",
        ],
    );
    assert!(
        json.code == 0 || json.code == 1,
        "{name}: exit {} stderr {}",
        json.code,
        json.stderr
    );
    let report: serde_json::Value = match serde_json::from_str(&json.stdout) {
        Ok(report) => report,
        Err(error) => panic!("{name}: output is not JSON ({error}): {}", json.stdout),
    };
    let expected = handler_markers(&fixture, &root);
    assert!(!expected.is_empty(), "{name}: fixture has no markers");
    let accuracy = compare(&expected, &reported_handlers(&report));
    assert!(
        accuracy.noisy.is_empty() && accuracy.missing.is_empty(),
        "{name}: {} validated, noisy (reported, not marked): {:#?}, missing (marked, not reported): {:#?}",
        accuracy.validated,
        accuracy.noisy,
        accuracy.missing
    );
    let human = run_failfirst(&root, &["failfirst", &format!("fixtures/discovery/{name}")]);
    insta::assert_snapshot!(format!("discovery_{name}"), human.stdout);
}

#[test]
fn axum() {
    check_fixture("axum");
}

#[test]
fn actix() {
    check_fixture("actix");
}

#[test]
fn tonic() {
    check_fixture("tonic");
}

#[test]
fn rocket() {
    check_fixture("rocket");
}

#[test]
fn poem() {
    check_fixture("poem");
}

#[test]
fn warp() {
    check_fixture("warp");
}

#[test]
fn utoipa() {
    check_fixture("utoipa");
}

#[test]
fn aide() {
    check_fixture("aide");
}

#[test]
fn poem_openapi() {
    check_fixture("poem-openapi");
}

#[test]
fn routers_as_values() {
    check_fixture("routers");
}

#[test]
fn consumers() {
    check_fixture("consumers");
}

#[test]
fn annotated() {
    check_fixture("annotated");
}

#[test]
fn broken_files_do_not_hide_the_good_ones() {
    check_fixture("broken");
    let root = repo_root();
    let json = run_failfirst(
        &root,
        &["failfirst", "fixtures/discovery/broken", "--format", "json"],
    );
    assert_eq!(json.code, 1, "a parse-error is at deny level: exit 1");
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_default();
    let parse_errors: Vec<(String, u64)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|finding| finding["rule"] == "parse-error")
        .map(|finding| {
            (
                finding["file"].as_str().unwrap_or_default().to_string(),
                finding["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        parse_errors,
        [
            ("fixtures/discovery/broken/src/broken.rs".to_string(), 10),
            ("fixtures/discovery/broken/src/latin1.rs".to_string(), 1)
        ]
    );
}

#[test]
fn bundled_example() {
    let root = repo_root();
    let expected = handler_markers(&root.join("examples/payments-service"), &root);
    let json = run_failfirst(
        &root,
        &["failfirst", "examples/payments-service", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_default();
    let accuracy = compare(&expected, &reported_handlers(&report));
    assert!(
        accuracy.noisy.is_empty() && accuracy.missing.is_empty(),
        "noisy {:#?} missing {:#?}",
        accuracy.noisy,
        accuracy.missing
    );
    assert_eq!(accuracy.validated, 7);
}

/// With several crates under one folder, each file belongs to its own crate.
#[test]
fn a_folder_of_unrelated_crates() {
    let root = repo_root();
    let json = run_failfirst(
        &root,
        &["failfirst", "fixtures/discovery", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_default();
    let expected = handler_markers(&root.join("fixtures/discovery"), &root);
    let accuracy = compare(&expected, &reported_handlers(&report));
    assert!(
        accuracy.noisy.is_empty() && accuracy.missing.is_empty(),
        "noisy {:#?} missing {:#?}",
        accuracy.noisy,
        accuracy.missing
    );
}
