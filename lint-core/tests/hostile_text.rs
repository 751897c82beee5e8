//! Inputs that must never panic, overflow or hang the analysis: what the fuzz target
//! (`fuzz/`) found, kept in `fuzz/regressions/`, and a generator of deep and long mixes of
//! the constructs syn recurses into, with a fixed seed. Each is analysed as a run would
//! analyse a file: past a limit it is one `parse-error` naming it, within the limits it
//! is analysed.

use std::path::Path;
use std::sync::Arc;

use lint_core::knowledge::Knowledge;
use lint_core::report::Report;

fn analysed(bytes: &[u8]) -> Report {
    lint_core::analyze_text(bytes, &Arc::new(Knowledge::builtin()))
}

#[test]
fn what_the_fuzzer_found_stays_fixed() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let mut entries: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    assert!(
        !entries.is_empty(),
        "no regression kept in {}",
        folder.display()
    );
    for path in entries {
        let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{error}"));
        let report = analysed(&bytes);
        assert!(report.findings.len() <= 64, "{}", path.display());
    }
}

/// A small deterministic generator (xorshift), so that the cases are the same on every run
/// without a dependency.
struct Cases(u64);

impl Cases {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as usize
    }
}

/// An expression of `depth` constructs chosen at random around `x`, each one syn parses by
/// recursion or along a chain; and how many of them nest (the others chain).
fn expression(cases: &mut Cases, depth: usize) -> (String, usize) {
    let mut text = String::from("x");
    let mut nesting = 0;
    for _ in 0..depth {
        let construct = cases.next(12);
        nesting += usize::from(!matches!(construct, 5 | 6 | 11));
        text = match construct {
            0 => format!("({text})"),
            1 => format!("-{text}"),
            2 => format!("!{text}"),
            3 => format!("&{text}"),
            4 => format!("|| {text}"),
            5 => format!("{text}.clone()"),
            6 => format!("{text} + 1"),
            // In parentheses: a cast cannot be followed by a method call.
            7 => format!("({text} as u8)"),
            8 => format!("[{text}]"),
            9 => format!("{{ {text} }}"),
            10 => format!("f({text})"),
            _ => format!("{text}?"),
        };
    }
    (text, nesting)
}

#[test]
fn deep_and_long_mixes_are_analysed_or_refused_never_fatal() {
    let mut cases = Cases(0x5eed_f00d_cafe_d00d);
    for round in 0..24 {
        // Around the nesting limit, and well past it.
        let depth = [64, 200, 300, 600][round % 4] + cases.next(64);
        let (expression, nesting) = expression(&mut cases, depth);
        let source = format!(
            "use axum::{{routing::post, Router}};\n\
             pub fn app() -> Router {{ Router::new().route(\"/orders\", post(create)) }}\n\
             pub async fn create() -> &'static str {{ \"ok\" }}\n\
             pub fn generated() {{ let _ = {}; }}\n",
            expression
        );
        let report = analysed(source.as_bytes());
        let parse_errors: Vec<&str> = report
            .findings
            .iter()
            .filter(|finding| finding.rule == "parse-error")
            .map(|finding| finding.message.as_str())
            .collect();
        let past_a_limit = parse_errors
            .iter()
            .any(|message| message.contains("failfirst does not analyse"));
        // One file, at most one parse-error: syn's own (a random mix is not always Rust),
        // or the limit's.
        assert!(parse_errors.len() <= 1, "round {round}: {parse_errors:?}");
        // Analysed, the handler beside it is reported.
        if parse_errors.is_empty() {
            assert_eq!(report.handlers.len(), 1, "round {round}");
        }
        // The limit is 256 levels, the file around the expression adds a few.
        if nesting > 256 {
            assert!(
                past_a_limit,
                "round {round}: nesting {nesting} analysed: {parse_errors:?}"
            );
        } else if nesting < 240 {
            assert!(
                !past_a_limit,
                "round {round}: nesting {nesting} refused: {parse_errors:?}"
            );
        }
    }
}
