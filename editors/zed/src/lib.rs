//! Zed starts `cargo-failfirst lsp` for Rust files through this extension: Zed has no
//! setting that starts a language server by itself.

use zed_extension_api::{self as zed, LanguageServerId, Result};

struct Failfirst;

impl zed::Extension for Failfirst {
    fn new() -> Self {
        Failfirst
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree.which("cargo-failfirst").ok_or_else(|| {
            "cargo-failfirst is not on the PATH: install it with `cargo install --locked --path cargo-failfirst`".to_string()
        })?;
        Ok(zed::Command {
            command,
            args: vec!["lsp".to_string()],
            env: worktree.shell_env(),
        })
    }
}

zed::register_extension!(Failfirst);
