//! Files at the limits of what is analysed (`MAX_NESTING_DEPTH`, `MAX_CHAIN_LENGTH`) parse,
//! are walked and dropped within the parsing threads' stack, and the index is built and
//! judged on the calling thread; one step past a limit is a `parse-error` naming it. The
//! calling thread here is a test thread (2 MiB in a debug build), smaller than the main
//! thread a run has (8 MiB in a release build).

use super::*;
use crate::sources::{passes_a_limit, CrateRoot, InputFile, TargetKind, MAX_NESTING_DEPTH};

/// A neighbour whose handler must be reported whatever the other file holds.
const GOOD_HANDLER: &str = "use axum::{routing::post, Router};\n\
    pub fn app() -> Router { Router::new().route(\"/orders\", post(create)) }\n\
    pub async fn create() -> &'static str { \"ok\" }\n";

/// A file growing one construct, given how many times to repeat it.
type Generator = fn(usize) -> String;

/// The generators, by construct.
fn cases() -> Vec<(&'static str, Generator)> {
    vec![
        ("brackets", |n| {
            format!(
                "pub fn f() -> i32 {{ {}1{} }}",
                "(".repeat(n),
                ")".repeat(n)
            )
        }),
        ("generic arguments", |n| {
            format!("pub type T = {}u8{};", "Vec<".repeat(n), ">".repeat(n))
        }),
        ("unary operators", |n| {
            format!("pub fn f() -> bool {{ {}true }}", "!".repeat(n))
        }),
        ("negations", |n| {
            format!("pub fn f() -> i32 {{ {}1 }}", "- ".repeat(n))
        }),
        ("reference types", |n| {
            format!("pub type T = {}u8;", "&".repeat(n))
        }),
        ("pointer types", |n| {
            format!("pub type T = {}u8;", "*const ".repeat(n))
        }),
        ("closures", |n| {
            format!("pub fn f() {{ let _ = {}1; }}", "|| ".repeat(n))
        }),
        ("returns", |n| {
            format!("pub fn f() {{ {}; }}", "return ".repeat(n))
        }),
        ("assignments", |n| {
            format!("pub fn f() {{ {}1; }}", "a = ".repeat(n))
        }),
        ("return types", |n| {
            format!("pub type T = {}u8;", "fn() -> ".repeat(n))
        }),
        ("ranges", |n| {
            format!("pub fn f() {{ let _ = {}1; }}", ".. ".repeat(n))
        }),
        ("pattern bindings", |n| {
            format!("pub fn f() {{ let {}_ = 1; }}", "a @ ".repeat(n))
        }),
        ("method calls", |n| {
            format!("pub fn f() {{ let _ = a{}; }}", ".clone()".repeat(n))
        }),
        ("fields", |n| {
            format!("pub fn f() {{ let _ = a{}; }}", ".b".repeat(n))
        }),
        ("tries", |n| {
            format!("pub fn f() {{ let _ = a{}; }}", "?".repeat(n))
        }),
        ("calls", |n| {
            format!("pub fn f() {{ let _ = a{}; }}", "()".repeat(n))
        }),
        ("casts", |n| {
            format!("pub fn f() {{ let _ = 1{}; }}", " as u8".repeat(n))
        }),
        ("binary operators", |n| {
            format!("pub fn f() {{ let _ = 1{}; }}", " + 1".repeat(n))
        }),
        ("else if", |n| {
            format!("pub fn f() {{ if a {{}}{} }}", " else if a {}".repeat(n))
        }),
        // Macro arguments are parsed as code where they read as code.
        ("macro arguments", |n| {
            format!("pub fn f() {{ {}1{}; }}", "m!(".repeat(n), ")".repeat(n))
        }),
        ("json! objects", |n| {
            format!(
                "pub fn f() {{ let _ = serde_json::json!({}1{}); }}",
                "{\"a\": ".repeat(n),
                "}".repeat(n)
            )
        }),
        ("vec! of closures", |n| {
            format!("pub fn f() {{ let _ = vec![{}1]; }}", "|| ".repeat(n))
        }),
        ("route chain", |n| {
            format!(
                "pub fn routes() -> Router {{ Router::new(){} }}",
                ".route(\"/a\", get(h))".repeat(n)
            )
        }),
        ("both at once", |n| {
            let depth = MAX_NESTING_DEPTH - 8;
            format!(
                "pub fn f() {{ let _ = {}a{}{}; }}",
                "(".repeat(depth),
                ".clone()".repeat(n),
                ")".repeat(depth)
            )
        }),
    ]
}

/// The largest repetition still analysed: the measure grows with the repetition.
fn largest_analysed(generate: Generator) -> usize {
    let (mut low, mut high) = (0, 2 * crate::sources::MAX_CHAIN_LENGTH);
    while low < high {
        let middle = (low + high).div_ceil(2);
        if passes_a_limit(&generate(middle)) {
            high = middle - 1;
        } else {
            low = middle;
        }
    }
    low
}

fn analyse(dir: &std::path::Path, text: &str) -> Report {
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text).unwrap_or_else(|error| panic!("{error}"));
    };
    write("lib.rs", "pub mod good;\npub mod generated;\n");
    write("good.rs", GOOD_HANDLER);
    write("generated.rs", text);
    let files = ["lib.rs", "good.rs", "generated.rs"];
    let input = AnalysisInput {
        crates: vec![CrateInput {
            name: "limits".into(),
            lib_name: "limits".into(),
            roots: vec![CrateRoot {
                path: dir.join("lib.rs"),
                kind: TargetKind::Lib,
            }],
            files: files
                .iter()
                .map(|name| InputFile {
                    path: dir.join(name),
                    display_path: name.to_string(),
                    reported: true,
                    named: true,
                })
                .collect(),
            dependencies: Vec::new(),
            renamed_dependencies: Vec::new(),
        }],
        schema_sources: Vec::new(),
    };
    analyze(
        &input,
        &AnalysisOptions {
            threads: Some(1),
            knowledge: Arc::new(Knowledge::builtin()),
            progress: None,
            max_file_bytes: None,
            max_path_steps: None,
        },
    )
}

#[test]
fn files_at_each_limit_are_analysed_and_one_step_past_is_a_parse_error() {
    let dir = std::env::temp_dir().join(format!("failfirst-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("{error}"));
    for (construct, generate) in cases() {
        let largest = largest_analysed(generate);
        assert!(largest >= 32, "{construct}: only {largest} analysed");
        let at_limit = analyse(&dir, &generate(largest));
        let past_limit = analyse(&dir, &generate(largest + 1));
        for (report, past) in [(&at_limit, false), (&past_limit, true)] {
            let routes: Vec<String> = report
                .handlers
                .iter()
                .map(|handler| handler.route.to_string())
                .collect();
            assert!(
                routes.iter().any(|route| route == "POST /orders"),
                "{construct}: {routes:?}"
            );
            let limit_errors = report
                .findings
                .iter()
                .filter(|finding| {
                    finding.file == "generated.rs"
                        && finding.message.contains("failfirst does not analyse")
                })
                .count();
            assert_eq!(
                limit_errors,
                usize::from(past),
                "{construct} ({largest}, past: {past})"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
