//! Any bytes, analysed as a file: nothing may panic, overflow or hang. What it finds is
//! kept in `fuzz/regressions/` and replayed by `cargo test` on stable
//! (`lint-core/tests/hostile_text.rs`).

#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use lint_core::knowledge::Knowledge;

fuzz_target!(|data: &[u8]| {
    static KNOWLEDGE: OnceLock<Arc<Knowledge>> = OnceLock::new();
    let knowledge = KNOWLEDGE.get_or_init(|| Arc::new(Knowledge::builtin()));
    let _ = lint_core::analyze_text(data, knowledge);
});
