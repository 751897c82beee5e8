//! A real editor as the client: headless Neovim starts `cargo-failfirst lsp` on a fixture,
//! opens a file, and writes the diagnostics it received to a file this test reads.
//!
//! Neovim is Debian's `neovim` package, which `.ci/run` installs. Where it is missing, the
//! test fails under CI (`CI` set) and says it was skipped elsewhere, so that a newcomer's
//! `cargo test` does not need it.

mod support;

use std::process::Command;

#[test]
fn neovim_receives_the_diagnostics_of_the_file_it_opens() {
    let available = Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !available {
        assert!(
            std::env::var_os("CI").is_none(),
            "nvim is not installed: .ci/run installs Debian's neovim package"
        );
        eprintln!("skipped: nvim is not installed (apt-get install neovim)");
        return;
    }
    let root = support::fixture_copy("payments", "neovim");
    let file = root.join("src/handlers.rs");
    let out = root.join("received.txt");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/neovim/attach.lua");
    let status = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("FAILFIRST_BIN", env!("CARGO_BIN_EXE_cargo-failfirst"))
        .env("FAILFIRST_ROOT", &root)
        .env("FAILFIRST_FILE", &file)
        .env("FAILFIRST_OUT", &out)
        .env("XDG_CACHE_HOME", root.join(".cache"))
        .env("XDG_STATE_HOME", root.join(".state"))
        .env("XDG_DATA_HOME", root.join(".data"))
        .status()
        .unwrap_or_else(|error| panic!("cannot run nvim: {error}"));
    assert!(status.success(), "nvim exited with {status}");
    let received = std::fs::read_to_string(&out)
        .unwrap_or_else(|error| panic!("nvim wrote no {}: {error}", out.display()));
    let line = std::fs::read_to_string(&file)
        .unwrap_or_default()
        .lines()
        .position(|text| text.contains("let response = state"))
        .map_or(0, |position| position + 1);
    assert_eq!(
        received,
        format!("{line}:5:1:failfirst:downstream-without-deadline:HTTP GET has no deadline: its client is built without a timeout\n")
    );
    let _ = std::fs::remove_dir_all(&root);
}
