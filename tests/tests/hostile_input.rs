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
