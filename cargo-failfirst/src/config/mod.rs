//! The configuration of a run: rule levels, excluded paths, the score threshold, and the
//! extensions of the analysis' knowledge (the team's client wrappers, handler patterns,
//! deadline sources, write APIs, idempotency keys). `docs/configuration.md` describes
//! every key.
//!
//! It is read from `failfirst.toml`, from `[workspace.metadata.failfirst]` or
//! `[package.metadata.failfirst]` in a `Cargo.toml` ([`locate`]), or from the file given
//! with `--config`. A mistake is a [`ConfigError`] naming the file, line and column.
//!
//! May import: `display`, `diagnostic`.

mod error;
mod locate;
mod records;
mod schema;
mod validate;
mod written;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lint_core::knowledge::Knowledge;
use lint_core::report::Level;

pub use error::ConfigError;
pub use locate::{locate, Location};

/// The file name looked for beside a workspace's `Cargo.toml`.
pub const CONFIG_FILE_NAME: &str = "failfirst.toml";

/// Everything a configuration sets, checked.
#[derive(Debug, Default)]
pub struct Config {
    /// Where it was read from; `None` when no configuration was found.
    pub origin: Option<String>,
    /// Rule levels by rule name; the command line's `-D/-W/-A` come on top.
    pub levels: BTreeMap<String, Level>,
    pub exclusions: Exclusions,
    /// The least team score, in percent, that a run passes with.
    pub fail_under: Option<f64>,
    /// The baseline file `--baseline` would name, from the configuration's folder.
    pub baseline: Option<PathBuf>,
    /// Files larger than this many bytes are reported and not analysed (`max-file-size`).
    pub max_file_bytes: Option<u64>,
    /// Functions followed from one handler before its answers are `unknown`
    /// (`max-path-steps`).
    pub max_path_steps: Option<u64>,
    pub knowledge: Knowledge,
}

/// Files and folders the source walker leaves out.
#[derive(Clone, Debug, Default)]
pub struct Exclusions {
    matcher: Option<ignore::overrides::Override>,
}

impl Exclusions {
    /// The matcher for `ignore`'s walker: each glob an ignore rule, relative to the
    /// configuration's folder.
    pub fn matcher(&self) -> Option<&ignore::overrides::Override> {
        self.matcher.as_ref()
    }
}

/// Reads the configuration at `location`, showing file names relative to `cwd`.
pub fn load(location: &Location, cwd: &Path) -> Result<Config, ConfigError> {
    let path = location.path();
    let shown = crate::display::display_path(path, cwd);
    let text = read_text(path, &shown)?;
    let source = written::Source {
        file: shown.clone(),
        text: &text,
    };
    let written = match location {
        Location::File(_) => locate::parse_file(&source)?,
        Location::CargoWorkspace(_) | Location::CargoPackage(_) => {
            let manifest = locate::parse_manifest(&source)?;
            match location {
                Location::CargoWorkspace(_) => manifest.workspace_config(),
                _ => manifest.package_config(),
            }
            .unwrap_or_default()
        }
    };
    let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut config = validate::checked(written, &folder, &source)?;
    config.origin = Some(shown);
    Ok(config)
}

/// Configuration files are small: a larger one is not a configuration (a link to a log, a
/// generated blob), and reading it whole would only cost memory.
const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// The text of a configuration file or manifest, read only if it is a regular file, and
/// through a bound: a FIFO would block the read forever, `/dev/zero` would never end it.
pub(crate) fn read_text(path: &Path, shown: &str) -> Result<String, ConfigError> {
    use std::io::Read;
    let refuse = |message: String| Err(ConfigError::whole_file(shown.to_string(), message));
    // Looked at before opening: opening a FIFO blocks until something writes to it.
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) => return refuse(format!("cannot read the file: {error}")),
    };
    if !metadata.is_file() {
        return refuse(
            "not a regular file (a FIFO, device or socket, or a link to one): a configuration must be a regular file".to_string(),
        );
    }
    let too_large = |size: u64| {
        format!("the file is {size} bytes, over the {MAX_CONFIG_BYTES} a configuration may have")
    };
    if metadata.len() > MAX_CONFIG_BYTES {
        return refuse(too_large(metadata.len()));
    }
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path)
        .and_then(|file| file.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes));
    if let Err(error) = read {
        return refuse(format!("cannot read the file: {error}"));
    }
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return refuse(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).or_else(|error| {
        refuse(format!(
            "not UTF-8 text (an invalid byte at offset {})",
            error.utf8_error().valid_up_to()
        ))
    })
}

/// The configuration named by `--config FILE`, relative to the current directory.
pub fn load_explicit(file: &Path, cwd: &Path) -> Result<Config, ConfigError> {
    let path: PathBuf = if file.is_absolute() {
        file.to_path_buf()
    } else {
        cwd.join(file)
    };
    // A FIFO or a device is found here and refused by `load`, with its reason.
    if std::fs::symlink_metadata(&path).is_err() {
        return Err(ConfigError::whole_file(
            file.display().to_string(),
            "no such file (given with `--config`)".to_string(),
        ));
    }
    let location = if path.file_name().is_some_and(|name| name == "Cargo.toml") {
        match locate::manifest_config_kind(&path, cwd)? {
            Some(location) => location,
            None => {
                return Err(ConfigError::whole_file(
                    crate::display::display_path(&path, cwd),
                    "this Cargo.toml has no `[workspace.metadata.failfirst]` or `[package.metadata.failfirst]` table".to_string(),
                ))
            }
        }
    } else {
        Location::File(path)
    };
    load(&location, cwd)
}
