//! Input that must not crash, hang or hide the rest of the run.

use failfirst_e2e::*;

fn temp_crate(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("failfirst-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(dir.join("src"));
    let _ = std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"hostile\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    let _ = std::fs::write(
        dir.join("src/main.rs"),
        "mod deep;\nuse axum::{routing::post, Router};\n\nfn app() -> Router {\n    Router::new().route(\"/orders\", post(create))\n}\n\nasync fn create() -> &'static str {\n    \"ok\"\n}\n",
    );
    dir
}

#[test]
fn a_hundred_thousand_nested_parentheses_become_a_parse_error() {
    let dir = temp_crate("deep");
    let depth = 100_000;
    let deep = format!(
        "pub fn f() -> i32 {{\n    {}1{}\n}}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let _ = std::fs::write(dir.join("src/deep.rs"), deep);
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
    assert_eq!(report["findings"][0]["rule"], "parse-error");
    assert_eq!(report["findings"][0]["file"], "src/deep.rs");
    assert!(report["findings"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("nested deeper"));
    assert_eq!(report["handlers"][0]["route"], "POST /orders");
}

#[test]
fn a_symlink_loop_does_not_hang() {
    let dir = temp_crate("symlink");
    #[cfg(unix)]
    {
        let _ = std::os::unix::fs::symlink(&dir, dir.join("src/loop"));
    }
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
    assert_eq!(report["handlers"][0]["route"], "POST /orders");
}

#[test]
fn an_empty_and_a_binary_file_are_handled() {
    let dir = temp_crate("binary");
    let _ = std::fs::write(dir.join("src/empty.rs"), "");
    let _ = std::fs::write(dir.join("src/blob.rs"), [0u8, 159, 146, 150, 255, 0, 1]);
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
    let files: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|finding| finding["file"].as_str())
        .collect();
    assert_eq!(files, ["src/blob.rs"]);
    assert_eq!(report["handlers"][0]["route"], "POST /orders");
}

#[test]
fn files_that_gitignore_ignores_are_skipped() {
    let dir = temp_crate("gitignore");
    let _ = std::fs::write(dir.join(".gitignore"), "src/generated.rs\n");
    let _ = std::fs::write(dir.join("src/generated.rs"), "this is not rust {");
    let _ = std::fs::create_dir_all(dir.join("target/debug"));
    let _ = std::fs::write(dir.join("target/debug/build.rs"), "neither is this {");
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 0, "{}", output.stdout);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_default();
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(0),
        "{}",
        output.stdout
    );
    assert_eq!(report["summary"]["files"], 1);
}

fn report_of(output: &RunOutput) -> serde_json::Value {
    serde_json::from_str(&output.stdout).unwrap_or_default()
}

fn findings_of(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|finding| {
            let text = |key: &str| finding[key].as_str().unwrap_or_default().to_string();
            (text("rule"), text("file"), text("message"))
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_is_an_error_not_a_hang() {
    let dir = temp_crate("fifo");
    let fifo = dir.join("src/pipe.rs");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|status| status.success()), "mkfifo failed");
    let output = run_failfirst(&dir, &["failfirst", "src/pipe.rs", "--format", "json"]);
    // The walk of the crate's folder skips it: the folder is linted.
    let walked = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains("src/pipe.rs: not a regular file"),
        "{}",
        output.stderr
    );
    assert_eq!(walked.code, 0, "{}", walked.stderr);
    assert_eq!(report_of(&walked)["handlers"][0]["route"], "POST /orders");
}

#[test]
fn a_hundred_thousand_jobs_are_capped_with_a_warning() {
    let dir = temp_crate("jobs");
    let _ = std::fs::write(dir.join("src/deep.rs"), "pub fn f() {}\n");
    let output = run_failfirst(
        &dir,
        &["failfirst", ".", "-j", "100000", "--format", "json"],
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("warning: -j 100000 is more parsing threads"),
        "{}",
        output.stderr
    );
    assert_eq!(report_of(&output)["handlers"][0]["route"], "POST /orders");
}

#[test]
fn a_file_over_the_size_limit_is_reported_and_skipped() {
    let dir = temp_crate("size");
    let _ = std::fs::write(dir.join("failfirst.toml"), "max-file-size = 2000\n");
    let big = "pub const A: u8 = 1;\n".repeat(200);
    let _ = std::fs::write(dir.join("src/deep.rs"), big);
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let report = report_of(&output);
    let findings = findings_of(&report);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        (findings[0].0.as_str(), findings[0].1.as_str()),
        ("parse-error", "src/deep.rs")
    );
    assert!(
        findings[0]
            .2
            .contains("file is 4200 bytes, over the limit of 2000"),
        "{}",
        findings[0].2
    );
    assert_eq!(report["handlers"][0]["route"], "POST /orders");
}

#[test]
fn a_chain_of_path_modules_past_the_depth_limit_is_one_parse_error() {
    let dir = temp_crate("modules");
    let length = 200;
    let _ = std::fs::write(
        dir.join("src/deep.rs"),
        "#[path = \"m1.rs\"]\npub mod m1;\n",
    );
    for n in 1..=length {
        let _ = std::fs::write(
            dir.join(format!("src/m{n}.rs")),
            format!("#[path = \"m{}.rs\"]\npub mod m{};\n", n + 1, n + 1),
        );
    }
    let output = run_failfirst(&dir, &["failfirst", ".", "--format", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let report = report_of(&output);
    let findings = findings_of(&report);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, "parse-error");
    assert!(
        findings[0].2.contains("nests deeper than 64 levels"),
        "{}",
        findings[0].2
    );
    assert_eq!(report["handlers"][0]["route"], "POST /orders");
}
