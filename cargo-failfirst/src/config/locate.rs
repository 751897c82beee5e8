//! Where the configuration is: the nearest folder, from the linted package up to its
//! workspace root, that holds `failfirst.toml` or a `Cargo.toml` with a
//! `[workspace.metadata.failfirst]` or `[package.metadata.failfirst]` table.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::ConfigError;
use super::schema::ConfigFile;
use super::written::{toml_error, Source};
use super::CONFIG_FILE_NAME;

/// A configuration found on disk.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// `failfirst.toml`, or a file given with `--config`.
    File(PathBuf),
    /// `[workspace.metadata.failfirst]` in this `Cargo.toml`.
    CargoWorkspace(PathBuf),
    /// `[package.metadata.failfirst]` in this `Cargo.toml`.
    CargoPackage(PathBuf),
}

impl Location {
    pub fn path(&self) -> &Path {
        match self {
            Location::File(path)
            | Location::CargoWorkspace(path)
            | Location::CargoPackage(path) => path,
        }
    }
}

/// Looks from `start` upwards; stops at the first folder with a configuration, or at the
/// workspace root (a `Cargo.toml` with `[workspace]`) when it has none. Two configurations
/// in one folder are an error: which one counts would be a guess.
pub fn locate(start: &Path, cwd: &Path) -> Result<Option<Location>, ConfigError> {
    let mut folder = Some(start);
    while let Some(current) = folder {
        let mut found = Vec::new();
        let file = current.join(CONFIG_FILE_NAME);
        // Whatever it is: a FIFO or a link to a device named so is a mistake to report
        // (`read_text` says which), not a file to pass over.
        if std::fs::symlink_metadata(&file).is_ok() {
            found.push(Location::File(file));
        }
        let manifest = current.join("Cargo.toml");
        let mut workspace_root = false;
        if manifest.is_file() {
            let tables = manifest_tables(&manifest, cwd)?;
            workspace_root = tables.workspace;
            if tables.workspace_config {
                found.push(Location::CargoWorkspace(manifest.clone()));
            }
            if tables.package_config {
                found.push(Location::CargoPackage(manifest.clone()));
            }
        }
        match found.as_slice() {
            [] if workspace_root => return Ok(None),
            [] => folder = current.parent(),
            [only] => return Ok(Some(only.clone())),
            [first, second, ..] => {
                return Err(ConfigError::whole_file(
                    crate::display::display_path(current, cwd),
                    format!(
                        "two configurations in one folder: {} and {}",
                        describe(first, cwd),
                        describe(second, cwd)
                    ),
                )
                .with_help("keep one of them: failfirst reads a single configuration"))
            }
        }
    }
    Ok(None)
}

fn describe(location: &Location, cwd: &Path) -> String {
    let shown = crate::display::display_path(location.path(), cwd);
    match location {
        Location::File(_) => shown,
        Location::CargoWorkspace(_) => format!("`[workspace.metadata.failfirst]` in {shown}"),
        Location::CargoPackage(_) => format!("`[package.metadata.failfirst]` in {shown}"),
    }
}

/// Which of the tables that matter a manifest has.
struct ManifestTables {
    workspace: bool,
    workspace_config: bool,
    package_config: bool,
}

fn manifest_tables(manifest: &Path, cwd: &Path) -> Result<ManifestTables, ConfigError> {
    let shown = crate::display::display_path(manifest, cwd);
    let text = super::read_text(manifest, &shown)?;
    let table: toml::Table = text.parse().map_err(|error| {
        toml_error(
            &Source {
                file: shown,
                text: &text,
            },
            &error,
        )
    })?;
    let failfirst_under = |section: &str| {
        table
            .get(section)
            .and_then(|value| value.get("metadata"))
            .and_then(|value| value.get("failfirst"))
            .is_some()
    };
    Ok(ManifestTables {
        workspace: table.contains_key("workspace"),
        workspace_config: failfirst_under("workspace"),
        package_config: failfirst_under("package"),
    })
}

/// The kind of configuration a `Cargo.toml` given with `--config` holds.
pub(super) fn manifest_config_kind(
    manifest: &Path,
    cwd: &Path,
) -> Result<Option<Location>, ConfigError> {
    let tables = manifest_tables(manifest, cwd)?;
    Ok(if tables.workspace_config {
        Some(Location::CargoWorkspace(manifest.to_path_buf()))
    } else if tables.package_config {
        Some(Location::CargoPackage(manifest.to_path_buf()))
    } else {
        None
    })
}

pub(super) fn parse_file(source: &Source) -> Result<ConfigFile, ConfigError> {
    toml::from_str(source.text).map_err(|error| toml_error(source, &error))
}

/// The parts of a `Cargo.toml` that may hold a configuration; everything else is ignored.
#[derive(Default, Deserialize)]
pub(super) struct CargoManifest {
    workspace: Option<MetadataHolder>,
    package: Option<MetadataHolder>,
}

#[derive(Default, Deserialize)]
struct MetadataHolder {
    metadata: Option<FailfirstHolder>,
}

#[derive(Default, Deserialize)]
struct FailfirstHolder {
    failfirst: Option<ConfigFile>,
}

impl CargoManifest {
    pub(super) fn workspace_config(self) -> Option<ConfigFile> {
        self.workspace?.metadata?.failfirst
    }

    pub(super) fn package_config(self) -> Option<ConfigFile> {
        self.package?.metadata?.failfirst
    }
}

pub(super) fn parse_manifest(source: &Source) -> Result<CargoManifest, ConfigError> {
    toml::from_str(source.text).map_err(|error| toml_error(source, &error))
}
