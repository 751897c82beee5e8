//! How paths are shown to users: relative to where the command runs. Used by the
//! configuration's errors and by the workspace's file list alike.
//!
//! May import: nothing of this crate.

use std::path::Path;

/// Relative to the current directory when under it, with `/` separators.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}
