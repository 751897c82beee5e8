//! The rules' documentation as files an editor can open: each rule's page, as `cargo
//! failfirst explain RULE` prints it, written once per version of failfirst into the user's
//! cache folder. A diagnostic's `codeDescription` links to its rule's page, so the page
//! always matches the binary that reported the finding, with no network.

use std::path::{Path, PathBuf};

use lint_core::rules::ALL_RULES;
use lsp_types::Url;

pub struct RuleDocs {
    folder: Option<PathBuf>,
}

impl RuleDocs {
    /// Writes every rule's page under the cache folder (`$XDG_CACHE_HOME`, else
    /// `~/.cache`, else the temporary folder); without a writable folder there are no links.
    pub fn write() -> RuleDocs {
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        let folder = cache
            .join("failfirst")
            .join(env!("CARGO_PKG_VERSION"))
            .join("rules");
        let written = std::fs::create_dir_all(&folder).is_ok()
            && ALL_RULES.iter().all(|rule| {
                std::fs::write(
                    folder.join(format!("{}.md", rule.name)),
                    crate::explain_text(rule),
                )
                .is_ok()
            });
        RuleDocs {
            folder: written.then_some(folder),
        }
    }

    /// The page of `rule`, if it was written.
    pub fn url(&self, rule: &str) -> Option<Url> {
        let path = self.page(rule)?;
        Url::from_file_path(path).ok()
    }

    /// The file of `rule`'s page, if it was written.
    pub fn page(&self, rule: &str) -> Option<PathBuf> {
        let folder = self.folder.as_ref()?;
        lint_core::rules::find_rule(rule)?;
        Some(folder.join(format!("{rule}.md")))
    }
}
