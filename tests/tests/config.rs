//! Configuration as a team meets it: a `failfirst.toml` that turns in-house wrappers and
//! framework into judged code, levels the command line overrides, excluded folders, a
//! configuration in Cargo.toml, and mistakes reported at their file, line and column.

use failfirst_e2e::*;

fn json_report(output: &RunOutput) -> serde_json::Value {
    serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("output is not JSON ({error}): {}", output.stderr))
}

/// Each finding as (line, rule, level), in report order.
/// The findings a run reports: those of rules turned off stay in the JSON at level
/// `allow`, and are left out here.
fn findings(report: &serde_json::Value) -> Vec<(u64, String, String)> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|finding| finding["level"] != "allow")
        .map(|finding| {
            (
                finding["line"].as_u64().unwrap_or_default(),
                finding["rule"].as_str().unwrap_or_default().to_string(),
                finding["level"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_configuration_turns_in_house_code_into_judged_code() {
    let root = repo_root();
    let fixture = root.join("fixtures/config/in-house");
    let output = run_failfirst(
        &root,
        &["failfirst", "fixtures/config/in-house", "--format", "json"],
    );
    assert_eq!(output.code, 1, "{}", output.stderr);
    let report = json_report(&output);
    // Handlers of the in-house framework (an attribute and a routing call) are found, and
    // the excluded generated stub is not read at all.
    assert_markers_match("in-house", &fixture, &root, &report);
    assert_eq!(report["summary"]["files"], 1, "src/generated is excluded");
    // `fixed-deadline` is a warning by default; the configuration denies it.
    assert_eq!(
        findings(&report),
        [
            (27, "downstream-without-deadline".into(), "deny".into()),
            (
                27,
                "downstream-without-idempotency-key".into(),
                "warn".into()
            ),
            (
                35,
                "downstream-without-idempotency-key".into(),
                "warn".into()
            ),
            (49, "fixed-deadline".into(), "deny".into()),
            (49, "write-without-inbox".into(), "deny".into()),
            (79, "downstream-without-deadline".into(), "deny".into()),
            (
                79,
                "downstream-without-idempotency-key".into(),
                "warn".into()
            ),
        ]
    );
    let human = run_failfirst(&root, &["failfirst", "fixtures/config/in-house"]);
    insta::assert_snapshot!(human.stdout);
}

#[test]
fn the_command_line_overrides_the_configured_levels() {
    let root = repo_root();
    let output = run_failfirst(
        &root,
        &[
            "failfirst",
            "fixtures/config/in-house",
            "--format",
            "json",
            "-D",
            "retry-without-jitter",
            "-W",
            "fixed-deadline",
        ],
    );
    assert_eq!(
        findings(&json_report(&output)),
        [
            (27, "downstream-without-deadline".into(), "deny".into()),
            (
                27,
                "downstream-without-idempotency-key".into(),
                "warn".into()
            ),
            (
                35,
                "downstream-without-idempotency-key".into(),
                "warn".into()
            ),
            (49, "fixed-deadline".into(), "warn".into()),
            (49, "write-without-inbox".into(), "deny".into()),
            (58, "retry-without-jitter".into(), "deny".into()),
            (79, "downstream-without-deadline".into(), "deny".into()),
            (
                79,
                "downstream-without-idempotency-key".into(),
                "warn".into()
            ),
        ]
    );
    let output = run_failfirst(
        &root,
        &[
            "failfirst",
            "fixtures/config/in-house",
            "--format",
            "json",
            "-A",
            "fixed-deadline",
            "-A",
            "downstream-without-deadline",
            "-A",
            "downstream-without-idempotency-key",
            "-A",
            "write-without-inbox",
        ],
    );
    assert_eq!(output.code, 0, "{}", output.stdout);
    assert!(findings(&json_report(&output)).is_empty());
}

#[test]
fn a_configuration_in_cargo_toml_sets_levels_and_the_score_threshold() {
    let root = repo_root();
    let output = run_failfirst(
        &root,
        &[
            "failfirst",
            "fixtures/config/cargo-metadata",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        findings(&json_report(&output)),
        [(9, "downstream-without-deadline".into(), "warn".into())]
    );
    // Only a warning, but the score is below the configured 90%.
    assert_eq!(output.code, 1);
    assert_eq!(
        output.stderr,
        "error: the team score is 0.0%, below the 90% that `fail-under` in fixtures/config/cargo-metadata/Cargo.toml asks for\n"
    );
    // The command line's threshold wins.
    let output = run_failfirst(
        &root,
        &[
            "failfirst",
            "fixtures/config/cargo-metadata",
            "--fail-under",
            "0",
        ],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
}

#[test]
fn a_score_threshold_out_of_range_is_a_usage_error() {
    let output = run_failfirst(&repo_root(), &["failfirst", "--fail-under", "120"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("not a percentage from 0 to 100"),
        "{}",
        output.stderr
    );
}

/// Runs with a broken configuration: exit code 2 and the message on standard error.
fn broken(args: &[&str]) -> String {
    let output = run_failfirst(&repo_root(), args);
    assert_eq!(output.code, 2, "{}\n{}", output.stdout, output.stderr);
    assert!(output.stdout.is_empty(), "{}", output.stdout);
    output.stderr
}

#[test]
fn mistakes_name_the_file_line_column_and_what_was_expected() {
    let cases = [
        "typo-key",
        "typo-nested-key",
        "wrong-type",
        "wrong-type-fail-under",
        "unknown-rule",
        "bad-level",
        "bad-idempotency",
        "bad-path",
        "bad-glob",
        "bad-syntax",
        "bad-grpc-verb",
    ];
    for case in cases {
        let file = format!("fixtures/config/broken/{case}.toml");
        let stderr = broken(&["failfirst", "--config", &file, "fixtures/config/in-house"]);
        assert!(
            stderr.contains(&format!("invalid configuration at {file}:")),
            "{case}: {stderr}"
        );
        insta::assert_snapshot!(format!("broken_{case}"), stderr);
    }
}

#[test]
fn a_mistake_in_cargo_toml_is_shown_in_the_manifest() {
    let stderr = broken(&["failfirst", "fixtures/config/broken-manifest"]);
    insta::assert_snapshot!(stderr);
}

#[test]
fn two_configurations_in_one_folder_are_an_error() {
    let stderr = broken(&["failfirst", "fixtures/config/two-configurations"]);
    assert_eq!(
        stderr,
        "error: invalid configuration at fixtures/config/two-configurations: two configurations in one folder: fixtures/config/two-configurations/failfirst.toml and `[package.metadata.failfirst]` in fixtures/config/two-configurations/Cargo.toml\nhelp: keep one of them: failfirst reads a single configuration\n"
    );
}

#[test]
fn a_missing_configuration_file_is_an_error_naming_it() {
    let stderr = broken(&[
        "failfirst",
        "--config",
        "no/such.toml",
        "fixtures/config/in-house",
    ]);
    assert!(
        stderr.contains("no/such.toml: no such file (given with `--config`)"),
        "{stderr}"
    );
}

#[test]
fn a_workspace_configuration_covers_each_of_its_packages() {
    let root = repo_root();
    for selection in [["--workspace"], ["-p=orders"]] {
        let mut args = vec![
            "failfirst",
            "--manifest-path",
            "fixtures/config/workspace/Cargo.toml",
            "--format",
            "json",
        ];
        args.extend(selection);
        let output = run_failfirst(&root, &args);
        assert_eq!(output.code, 0, "{selection:?}: {}", output.stderr);
        let report = json_report(&output);
        assert_eq!(report["summary"]["handlers"], 1);
        assert!(
            findings(&report).is_empty(),
            "{selection:?}: `downstream-without-deadline` is allowed by the workspace"
        );
    }
}

#[test]
fn libraries_declared_in_the_configuration_are_judged_as_built_in_ones() {
    // `acme_http`, `house_retry` and `house_db` exist nowhere: `failfirst.toml` describes
    // them with the words of the records failfirst ships (an HTTP client, a retry crate, a
    // SQL store and its write functions), and their findings come out as reqwest's, backon's
    // or sqlx's would.
    let root = repo_root();
    let fixture = root.join("fixtures/config/made-up-libraries");
    let output = run_failfirst(
        &root,
        &[
            "failfirst",
            "fixtures/config/made-up-libraries",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.code, 1, "{}", output.stderr);
    let report = json_report(&output);
    assert_markers_match("made-up-libraries", &fixture, &root, &report);
    assert_eq!(
        findings(&report),
        [
            (53, "downstream-without-deadline".into(), "deny".into()),
            (
                53,
                "downstream-without-idempotency-key".into(),
                "warn".into()
            ),
            (
                74,
                "downstream-without-idempotency-key".into(),
                "warn".into()
            ),
            (74, "retry-non-idempotent".into(), "deny".into()),
            (74, "retry-without-backoff".into(), "warn".into()),
            (74, "retry-without-budget".into(), "deny".into()),
            (93, "write-without-inbox".into(), "deny".into()),
            (111, "write-without-inbox".into(), "deny".into()),
        ]
    );

    // The same code with none of the libraries described: nothing to judge.
    let bare = run_failfirst(
        &root,
        &[
            "failfirst",
            "fixtures/config/made-up-libraries",
            "--config",
            "fixtures/config/made-up-libraries/without-records.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(bare.code, 0, "{}", bare.stderr);
    assert!(findings(&json_report(&bare)).is_empty());
}

#[test]
fn the_verbs_of_grpc_names_are_the_teams_to_configure() {
    // No `.proto` declares the directory's methods: their names decide. The team's
    // `failfirst.toml` says `resolve` reads and `check` (as in `CheckIn`) mutates.
    let root = repo_root();
    let fixture = root.join("fixtures/config/grpc-verbs");
    let output = run_failfirst(
        &root,
        &[
            "failfirst",
            "fixtures/config/grpc-verbs",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let report = json_report(&output);
    assert_markers_match("grpc-verbs", &fixture, &root, &report);
    assert_eq!(
        findings(&report),
        [(
            27,
            "downstream-without-idempotency-key".into(),
            "warn".into()
        )]
    );

    // With the built-in verbs only, the opposite: `check_in` reads, `resolve_aliases`
    // mutates and needs a key.
    let built_in = run_failfirst(
        &root,
        &[
            "failfirst",
            "fixtures/config/grpc-verbs",
            "--config",
            "fixtures/config/grpc-verbs/built-in-verbs.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(built_in.code, 0, "{}", built_in.stderr);
    assert_eq!(
        findings(&json_report(&built_in)),
        [(
            36,
            "downstream-without-idempotency-key".into(),
            "warn".into()
        )]
    );
}
