//! Compile tests: every attribute form compiles and leaves the item as it was; every mistake
//! is a compile error at the offending token, with the message in `ui/fail/*.stderr`.

#[test]
fn attributes() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
