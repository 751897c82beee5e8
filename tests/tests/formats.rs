//! Every output format as CI and editors read it: snapshots on the bundled example and the
//! ledger fixture, SARIF against the official OASIS schema, `--message-format json` through
//! the `cargo_metadata` types rust-analyzer reads, GitHub's workflow commands and job
//! summary, `-o FILE` and exit codes for each.

use std::path::Path;

use failfirst_e2e::*;

const EXAMPLE: &str = "examples/payments-service";
const LEDGER: &str = "fixtures/ci/ledger-service";

/// Every `--format`, and the two `--message-format`s, as command-line arguments.
const FORMATS: &[(&str, &[&str])] = &[
    ("human", &["--format", "human"]),
    ("json", &["--format", "json"]),
    ("sarif", &["--format", "sarif"]),
    ("github", &["--format", "github"]),
    ("markdown", &["--format", "markdown"]),
    ("gitlab", &["--format", "gitlab"]),
    ("message-format-json", &["--message-format", "json"]),
    (
        "message-format-json-diagnostic-rendered-ansi",
        &["--message-format=json-diagnostic-rendered-ansi"],
    ),
];

/// The output with this machine's checkout path written as `[ROOT]`, so that snapshots
/// hold wherever the repository is.
fn portable(text: &str) -> String {
    let root = repo_root();
    let root = root.to_string_lossy();
    let encoded = root.replace(' ', "%20");
    text.replace(&encoded, "[ROOT]")
        .replace(root.as_ref(), "[ROOT]")
}

fn run_format(target: &str, format: &[&str]) -> RunOutput {
    let mut args = vec!["failfirst", target];
    args.extend_from_slice(format);
    run_failfirst(&repo_root(), &args)
}

#[test]
fn every_format_on_the_bundled_example() {
    for (name, format) in FORMATS {
        if name.ends_with("rendered-ansi") {
            continue;
        }
        let output = run_format(EXAMPLE, format);
        assert_eq!(output.code, 1, "{name}: {}", output.stderr);
        assert_eq!(output.stderr, "", "{name}");
        insta::assert_snapshot!(format!("example_{name}"), portable(&output.stdout));
    }
}

#[test]
fn every_format_on_the_ledger_fixture() {
    // Shared helper reached from two handlers, a chain across files, a suppressed finding.
    for name in [
        "sarif",
        "github",
        "markdown",
        "gitlab",
        "message-format-json",
    ] {
        let format = FORMATS
            .iter()
            .find(|(candidate, _)| *candidate == name)
            .map(|(_, format)| *format)
            .unwrap_or_default();
        let output = run_format(LEDGER, format);
        assert_eq!(output.code, 1, "{name}: {}", output.stderr);
        insta::assert_snapshot!(format!("ledger_{name}"), portable(&output.stdout));
    }
}

fn sarif_validator() -> jsonschema::Validator {
    let schema_text =
        std::fs::read_to_string(repo_root().join("tests/sarif/sarif-schema-2.1.0.json"))
            .expect("the vendored SARIF schema");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-04/schema#",
        "the OASIS errata 01 schema is draft-04"
    );
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn schema_errors(validator: &jsonschema::Validator, log: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(log)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

/// Every crate folder under `fixtures/` (a folder with a `Cargo.toml`).
fn fixture_crates() -> Vec<String> {
    let root = repo_root();
    let mut crates = Vec::new();
    let mut pending = vec![root.join("fixtures")];
    while let Some(dir) = pending.pop() {
        if dir.join("Cargo.toml").is_file() {
            crates.push(
                dir.strip_prefix(&root)
                    .unwrap_or(&dir)
                    .to_string_lossy()
                    .into_owned(),
            );
            continue;
        }
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.path().is_dir() {
                pending.push(entry.path());
            }
        }
    }
    crates.sort();
    crates
}

#[test]
fn sarif_is_valid_against_the_official_schema_on_every_fixture() {
    let validator = sarif_validator();
    let mut targets = vec![EXAMPLE.to_string()];
    targets.extend(fixture_crates());
    assert!(targets.len() > 20, "{targets:?}");
    let mut checked = 0;
    for target in &targets {
        let output = run_format(target, &["--format", "sarif"]);
        if output.code == 2 {
            // The broken configurations stop the run before any report.
            assert!(
                target.starts_with("fixtures/config/"),
                "{target}: {}",
                output.stderr
            );
            continue;
        }
        let log: serde_json::Value = serde_json::from_str(&output.stdout)
            .unwrap_or_else(|error| panic!("{target}: {error}"));
        let errors = schema_errors(&validator, &log);
        assert!(errors.is_empty(), "{target}:\n{}", errors.join("\n"));
        checked += 1;
    }
    assert!(checked > 20);
}

#[test]
fn the_schema_check_catches_an_invalid_log() {
    // The validation above would pass on anything if the schema were not applied.
    let validator = sarif_validator();
    let output = run_format(EXAMPLE, &["--format", "sarif"]);
    let mut log: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    log["runs"][0]["results"][0]["level"] = "severe".into();
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert_eq!(schema_errors(&validator, &log).len(), 2, "{log}");
}

#[test]
fn sarif_carries_rules_handlers_chains_fingerprints_and_suppressions() {
    let output = run_format(LEDGER, &["--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let listed = run_failfirst(&repo_root(), &["failfirst", "rules"]).stdout;
    assert_eq!(rules.len(), listed.lines().count());
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(listed.contains(id));
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## What it does"));
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        let listed_level = listed
            .lines()
            .find(|line| line.split_whitespace().next() == Some(id))
            .and_then(|line| line.split_whitespace().nth(1))
            .unwrap();
        assert_eq!(
            level,
            match listed_level {
                "deny" => "error",
                "warn" => "warning",
                _ => "none",
            }
        );
    }
    let results = run["results"].as_array().unwrap();
    let json = run_format(LEDGER, &["--format", "json"]).stdout;
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    let mut fingerprints = std::collections::BTreeSet::new();
    for (result, finding) in results.iter().zip(findings) {
        assert_eq!(result["ruleId"], finding["rule"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], finding["line"]);
        assert_eq!(region["endColumn"], finding["end_column"]);
        assert!(fingerprints.insert(result["partialFingerprints"]["failfirst/v1"].to_string()));
        // The chain, in order, ends at the finding.
        let chain = finding["chain"].as_array().unwrap();
        let flow = result["codeFlows"][0]["threadFlows"][0]["locations"]
            .as_array()
            .unwrap();
        assert_eq!(flow.len(), chain.len());
        for (step, location) in chain.iter().zip(flow) {
            let physical = &location["location"]["physicalLocation"];
            assert_eq!(physical["region"]["startLine"], step["line"]);
            assert!(step["file"]
                .as_str()
                .unwrap()
                .ends_with(physical["artifactLocation"]["uri"].as_str().unwrap()));
        }
        assert_eq!(
            result["suppressions"].is_array(),
            finding["suppressed"].is_object()
        );
    }
    // The balance update is on both posting handlers.
    let shared = results
        .iter()
        .find(|result| {
            result["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("`UPDATE balances")
        })
        .unwrap();
    let handlers: Vec<&str> = shared["locations"][0]["logicalLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|location| location["name"].as_str().unwrap())
        .collect();
    assert_eq!(handlers, ["create_posting", "transfer"]);
    assert_eq!(shared["relatedLocations"].as_array().unwrap().len(), 2);
}

#[test]
fn message_format_json_is_what_cargo_check_prints() {
    for (flag, ansi) in [
        ("--message-format=json", false),
        ("--message-format=json-diagnostic-rendered-ansi", true),
    ] {
        let output = run_failfirst(&repo_root(), &["failfirst", EXAMPLE, flag]);
        assert_eq!(output.code, 1);
        let lines: Vec<&str> = output.stdout.lines().collect();
        let json = run_format(EXAMPLE, &["--format", "json"]).stdout;
        let report: serde_json::Value = serde_json::from_str(&json).unwrap();
        let findings = report["findings"].as_array().unwrap();
        assert_eq!(lines.len(), findings.len() + 1, "{}", output.stdout);
        for (line, finding) in lines.iter().zip(findings) {
            let message: cargo_metadata::Message =
                serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}"));
            let cargo_metadata::Message::CompilerMessage(compiler) = message else {
                panic!("not a compiler message: {line}");
            };
            let diagnostic = &compiler.message;
            assert_eq!(
                diagnostic.code.as_ref().map(|code| code.code.as_str()),
                Some(format!("failfirst::{}", finding["rule"].as_str().unwrap()).as_str())
            );
            let expected_level = match finding["level"].as_str().unwrap() {
                "deny" => cargo_metadata::diagnostic::DiagnosticLevel::Error,
                _ => cargo_metadata::diagnostic::DiagnosticLevel::Warning,
            };
            assert_eq!(diagnostic.level, expected_level);
            assert_eq!(diagnostic.message, finding["message"].as_str().unwrap());
            let primary = &diagnostic.spans[0];
            assert!(primary.is_primary);
            assert_eq!(primary.line_start as u64, finding["line"].as_u64().unwrap());
            assert_eq!(
                primary.column_start as u64,
                finding["column"].as_u64().unwrap()
            );
            let absolute = repo_root().join(finding["file"].as_str().unwrap());
            assert_eq!(Path::new(&primary.file_name), absolute);
            // The byte range starts on the statement's line and holds its text.
            let text = std::fs::read_to_string(&absolute).unwrap();
            let (start, end) = (primary.byte_start as usize, primary.byte_end as usize);
            assert_eq!(text[..start].matches('\n').count() + 1, primary.line_start);
            assert!(end > start && !text[start..end].trim().is_empty());
            assert!(diagnostic
                .children
                .iter()
                .any(|child| child.level == cargo_metadata::diagnostic::DiagnosticLevel::Help));
            assert!(diagnostic
                .children
                .iter()
                .any(|child| child.message.starts_with("on handler `") && child.spans.len() == 1));
            let rendered = diagnostic.rendered.as_deref().unwrap();
            assert_eq!(rendered.contains('\u{1b}'), ansi, "{rendered}");
            assert!(compiler.target.src_path.ends_with("src/main.rs"));
        }
        let last: cargo_metadata::Message = serde_json::from_str(lines[lines.len() - 1]).unwrap();
        assert!(matches!(
            last,
            cargo_metadata::Message::BuildFinished(ref finished) if !finished.success
        ));
    }
}

#[test]
fn github_prints_workflow_commands_only_and_writes_the_job_summary() {
    let scratch = tempfile::tempdir().unwrap();
    let summary = scratch.path().join("step-summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let checkout = repo_root().join(LEDGER);
    let output = run_failfirst_with_env(
        &repo_root(),
        &["failfirst", LEDGER, "--format", "github"],
        &[
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
            // The crate is the checked-out repository: paths are relative to it.
            ("GITHUB_WORKSPACE", checkout.to_str().unwrap()),
        ],
    );
    assert_eq!(output.code, 1);
    assert_eq!(output.stderr, "");
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "the suppressed finding is left out: {}",
        output.stdout
    );
    for line in &lines {
        assert!(
            line.starts_with("::error file=src/") || line.starts_with("::warning file=src/"),
            "{line}"
        );
        assert!(line.contains(",title=failfirst("), "{line}");
    }
    assert!(lines[2].starts_with(
        "::error file=src/store.rs,line=8,endLine=12,title=failfirst(write-without-inbox)::`UPDATE balances"
    ));
    assert!(lines[2].contains("%0Aon handlers POST /postings and POST /transfers (via "));
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("earlier step\n## failfirst\n"),
        "{written}"
    );
    assert!(written.contains("**Team score 50.0%**: 2 of 4 handlers pass all four questions"));
    assert!(written.contains("| `write-without-inbox` | 2 | 0 |"));
    assert!(written.contains("| `POST /transfers` | `transfer` "));
    // Code scanning resolves SARIF paths against the checkout too.
    let sarif = run_failfirst_with_env(
        &repo_root(),
        &["failfirst", LEDGER, "--format", "sarif"],
        &[("GITHUB_WORKSPACE", checkout.to_str().unwrap())],
    );
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let run = &log["runs"][0];
    assert_eq!(
        run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/handlers/postings.rs"
    );
    assert!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("/fixtures/ci/ledger-service/"));
    // Without the variables, the same annotations, relative to the current directory.
    let plain = run_format(LEDGER, &["--format", "github"]);
    assert!(plain
        .stdout
        .starts_with("::error file=fixtures/ci/ledger-service/src/handlers/postings.rs,"));
}

#[test]
fn every_format_writes_to_a_file_and_keeps_the_exit_codes() {
    let scratch = tempfile::tempdir().unwrap();
    for (name, format) in FORMATS {
        for (target, extra, code) in [
            (EXAMPLE, &[][..], 1),
            // Only warnings left: the run passes.
            (LEDGER, &["-A", "write-without-inbox"][..], 0),
        ] {
            let file = scratch.path().join(format!("report-{name}"));
            let mut args = vec!["failfirst", target];
            args.extend_from_slice(format);
            args.extend_from_slice(extra);
            let to_stdout = run_failfirst(&repo_root(), &args);
            args.extend_from_slice(&["-o", file.to_str().unwrap()]);
            let to_file = run_failfirst(&repo_root(), &args);
            assert_eq!(
                to_stdout.code, code,
                "{name} {target}: {}",
                to_stdout.stderr
            );
            assert_eq!(to_file.code, code, "{name} {target}: {}", to_file.stderr);
            assert_eq!(to_file.stdout, "", "{name}");
            let written = std::fs::read_to_string(&file).unwrap();
            assert!(!written.is_empty(), "{name}");
            if *name != "human" && *name != "message-format-json-diagnostic-rendered-ansi" {
                assert_eq!(written, to_stdout.stdout, "{name} {target}");
            }
        }
    }
}

#[test]
fn message_format_and_format_together_are_a_usage_error() {
    let output = run_failfirst(
        &repo_root(),
        &[
            "failfirst",
            EXAMPLE,
            "--format",
            "sarif",
            "--message-format",
            "json",
        ],
    );
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("cannot be used with"),
        "{}",
        output.stderr
    );
    let output = run_failfirst(
        &repo_root(),
        &[
            "failfirst",
            EXAMPLE,
            "-o",
            "/nonexistent/dir/x.sarif",
            "--format",
            "sarif",
        ],
    );
    assert_eq!(output.code, 2);
    assert!(output
        .stderr
        .contains("cannot write the report to /nonexistent/dir/x.sarif"));
}
