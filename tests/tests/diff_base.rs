//! `--diff-base REV` in a real git repository made in a temporary folder: two commits of the
//! ledger fixture, then the change judged alone, with its patch score; a shallow clone that
//! fetched the base; a revision that does not exist.

use std::path::{Path, PathBuf};
use std::process::Command;

use failfirst_e2e::*;

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Failfirst Tests",
            "-c",
            "user.email=tests@failfirst.invalid",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The ledger service committed once, then a second commit that changes only the relay
/// handler (its retry now gives up sooner).
fn repository() -> (tempfile::TempDir, PathBuf, String) {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("ledger");
    copy_tree(&repo_root().join("fixtures/ci/ledger-service"), &root);
    git(&root, &["init", "--quiet"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "--quiet", "-m", "ledger service"]);
    let base = git(&root, &["rev-parse", "HEAD"]);
    edit(
        &root,
        "src/handlers/relay.rs",
        "Err(error) if attempts < 3 => {",
        "Err(error) if attempts < 2 => {",
    );
    git(&root, &["commit", "--quiet", "-am", "relay: two attempts"]);
    (scratch, root, base)
}

fn findings(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            format!(
                "{} {}:{}",
                finding["rule"].as_str().unwrap(),
                finding["file"].as_str().unwrap(),
                finding["line"]
            )
        })
        .collect()
}

#[test]
fn only_the_changed_handler_is_judged_with_its_patch_score() {
    let (_scratch, root, base) = repository();
    let everything = run_failfirst(&root, &["failfirst", "--format", "json"]);
    let everything: serde_json::Value = serde_json::from_str(&everything.stdout).unwrap();
    assert_eq!(findings(&everything).len(), 4);
    assert!(everything["summary"]["patch_score"].is_null());

    let output = run_failfirst(
        &root,
        &["failfirst", "--diff-base", &base, "--format", "json"],
    );
    // Only a warning is left in the change: the run passes.
    assert_eq!(output.code, 0, "{}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(
        findings(&report),
        [
            "retry-all-errors src/handlers/relay.rs:23",
            "retry-without-backoff src/handlers/relay.rs:23"
        ]
    );
    assert_eq!(
        report["findings"][0]["suppressed"]["reason"],
        "the mailer answers with transient errors only"
    );
    assert_eq!(report["summary"]["patch_handlers"], 1);
    assert_eq!(report["summary"]["patch_score"], 100.0);
    // The team score is the whole service's.
    assert_eq!(report["summary"]["score"], 50.0);
    assert_eq!(report["summary"]["findings"]["warn"], 1);
    assert_eq!(report["summary"]["findings"]["deny"], 0);
    // All handlers stay in the report.
    assert_eq!(report["handlers"].as_array().unwrap().len(), 4);

    let human = run_failfirst(&root, &["failfirst", "--diff-base", "HEAD~1"]);
    assert_eq!(human.code, 0);
    assert!(
        human.stdout.ends_with("0 errors, 1 warning · score 50.0% (unknown 0.0%) · patch score 100.0% (1 handler touched)\n"),
        "{}",
        human.stdout
    );
    let markdown = run_failfirst(
        &root,
        &["failfirst", "--diff-base", "HEAD~1", "--format", "markdown"],
    );
    assert!(
        markdown.stdout.contains("**Patch score 100.0%**"),
        "{}",
        markdown.stdout
    );
}

#[test]
fn a_change_to_a_shared_helper_touches_every_handler_that_calls_it() {
    let (_scratch, root, _) = repository();
    // Uncommitted, in the working tree: the diff runs from the revision to the files.
    edit(
        &root,
        "src/store.rs",
        "    Ok(())\n}",
        "    tracing::info!(%account, \"moved\");\n    Ok(())\n}",
    );
    let output = run_failfirst(
        &root,
        &["failfirst", "--diff-base", "HEAD", "--format", "json"],
    );
    assert_eq!(output.code, 1, "{}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(
        findings(&report),
        [
            "write-without-inbox src/handlers/postings.rs:28",
            "write-without-inbox src/store.rs:8"
        ]
    );
    assert_eq!(report["summary"]["patch_handlers"], 2);
    assert_eq!(report["summary"]["patch_score"], 0.0);
    // A new file nobody committed yet is all new.
    std::fs::write(root.join("src/audit.rs"), "pub fn audit() {}\n").unwrap();
    let output = run_failfirst(
        &root,
        &["failfirst", "--diff-base", "HEAD", "--format", "json"],
    );
    assert_eq!(output.code, 1);
}

#[test]
fn a_change_that_touches_no_handler_has_no_patch_score() {
    let (_scratch, root, _) = repository();
    let output = run_failfirst(
        &root,
        &["failfirst", "--diff-base", "HEAD", "--format", "json"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(findings(&report), Vec::<String>::new());
    assert_eq!(report["summary"]["patch_handlers"], 0);
    assert!(report["summary"]["patch_score"].is_null());
    let human = run_failfirst(&root, &["failfirst", "--diff-base", "HEAD"]);
    assert!(human
        .stdout
        .contains("no patch score (the change touches no handler)"));
}

#[test]
fn a_shallow_clone_works_once_the_base_is_fetched() {
    let (scratch, origin, base) = repository();
    let clone = scratch.path().join("clone");
    let origin_url = format!("file://{}", origin.display());
    git(
        scratch.path(),
        &[
            "clone",
            "--quiet",
            "--depth=1",
            &origin_url,
            clone.to_str().unwrap(),
        ],
    );
    // As in CI before the base is fetched: a usage error that says how to fix it.
    let output = run_failfirst(&clone, &["failfirst", "--diff-base", &base]);
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .contains(&format!("`{base}` is not a commit of the repository at"))
            && output.stderr.contains("in a shallow clone, fetch it first"),
        "{}",
        output.stderr
    );
    git(&clone, &["fetch", "--quiet", "--depth=1", "origin", &base]);
    let output = run_failfirst(
        &clone,
        &["failfirst", "--diff-base", &base, "--format", "json"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(report["summary"]["patch_handlers"], 1);
}

#[test]
fn a_revision_that_does_not_exist_is_a_usage_error_naming_it() {
    let (_scratch, root, _) = repository();
    for format in ["human", "json", "sarif", "github"] {
        let output = run_failfirst(
            &root,
            &[
                "failfirst",
                "--diff-base",
                "origin/nowhere",
                "--format",
                format,
            ],
        );
        assert_eq!(output.code, 2);
        assert_eq!(output.stdout, "");
        assert!(
            output.stderr.starts_with("error: `--diff-base origin/nowhere`: `origin/nowhere` is not a commit of the repository at "),
            "{}",
            output.stderr
        );
    }
    // Outside any repository.
    let outside = tempfile::tempdir().unwrap();
    copy_tree(
        &repo_root().join("fixtures/ci/ledger-service"),
        outside.path(),
    );
    let output = run_failfirst(outside.path(), &["failfirst", "--diff-base", "main"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("is not in a git repository"),
        "{}",
        output.stderr
    );
}
