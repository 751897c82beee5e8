//! Which crates and files to lint: the cargo workspace around the current directory (through
//! `cargo metadata`, as cargo itself decides), or the crates of the paths given.
//!
//! May import: `config`, `display`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use lint_core::sources::{CrateInput, CrateRoot, InputFile, TargetKind};
use rayon::prelude::*;

use crate::config::Exclusions;
use crate::display::display_path;

/// What went wrong finding the input; printed as the cause of exit code 2.
#[derive(Debug)]
pub struct WorkspaceError(pub String);

impl std::fmt::Display for WorkspaceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub struct Selection<'a> {
    pub manifest_path: Option<&'a Path>,
    pub packages: &'a [String],
    pub workspace: bool,
}

/// The cargo workspace around the current directory and the packages chosen to lint.
pub struct Workspace {
    metadata: cargo_metadata::Metadata,
    chosen: Vec<cargo_metadata::PackageId>,
}

/// Reads the workspace with `cargo metadata` and chooses its packages as cargo would.
pub fn read_workspace(cwd: &Path, selection: &Selection<'_>) -> Result<Workspace, WorkspaceError> {
    let mut command = cargo_metadata::MetadataCommand::new();
    command.no_deps().current_dir(cwd);
    if let Some(manifest) = selection.manifest_path {
        command.manifest_path(manifest);
    }
    let metadata = command.exec().map_err(metadata_error)?;
    let members: Vec<&cargo_metadata::Package> = metadata.workspace_packages();
    let chosen: Vec<&cargo_metadata::Package> = if !selection.packages.is_empty() {
        let mut chosen = Vec::new();
        for wanted in selection.packages {
            match members
                .iter()
                .find(|package| package.name.as_str() == wanted.as_str())
            {
                Some(package) => chosen.push(*package),
                None => {
                    return Err(WorkspaceError(format!(
                        "package `{wanted}` is not a member of the workspace at {}",
                        metadata.workspace_root
                    )))
                }
            }
        }
        chosen
    } else if selection.workspace {
        members.clone()
    } else if let Some(root) = metadata.root_package() {
        vec![root]
    } else {
        let defaults: BTreeSet<_> = metadata.workspace_default_members.iter().collect();
        let chosen: Vec<_> = members
            .iter()
            .copied()
            .filter(|package| defaults.contains(&package.id))
            .collect();
        if chosen.is_empty() {
            members.clone()
        } else {
            chosen
        }
    };
    let chosen = chosen.iter().map(|package| package.id.clone()).collect();
    Ok(Workspace { metadata, chosen })
}

/// Why `cargo metadata` failed, in cargo's words without what is noise to a user (rustup's
/// backtrace), and what to do when the cause is a common one: a toolchain the workspace
/// pins but this machine lacks.
fn metadata_error(error: cargo_metadata::Error) -> WorkspaceError {
    let cause = match &error {
        cargo_metadata::Error::CargoMetadata { stderr } => stderr.clone(),
        other => other.to_string(),
    };
    let cause: String = cause
        .lines()
        .take_while(|line| !line.trim_start().starts_with("Stack backtrace:"))
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let mut message = format!("cannot read the cargo workspace: {cause}");
    if cause.contains("toolchain") && cause.contains("is not installed") {
        message.push_str(
            "\n  help: the workspace pins a toolchain (rust-toolchain.toml) this machine lacks: install it with `rustup toolchain install`, run with `RUSTUP_TOOLCHAIN=stable`, or give the crates' folders as paths",
        );
    }
    WorkspaceError(message)
}

impl Workspace {
    fn chosen_packages(&self) -> impl Iterator<Item = &cargo_metadata::Package> {
        self.metadata
            .packages
            .iter()
            .filter(|package| self.chosen.contains(&package.id))
    }

    /// The workspace's root folder, where `failfirst-baseline.json` is written and the
    /// score history kept.
    pub fn root(&self) -> PathBuf {
        self.metadata.workspace_root.as_std_path().to_path_buf()
    }

    /// The workspace's target folder (`target/`, or as configured for cargo).
    pub fn target_directory(&self) -> &Path {
        self.metadata.target_directory.as_std_path()
    }

    /// Where the configuration is looked for: the folder of the one package linted (its
    /// `[package.metadata.failfirst]` first), else the workspace root.
    pub fn config_start(&self) -> PathBuf {
        let mut packages = self.chosen_packages();
        match (packages.next(), packages.next()) {
            (Some(only), None) => only
                .manifest_path
                .parent()
                .map(|dir| dir.as_std_path().to_path_buf())
                .unwrap_or_else(|| self.metadata.workspace_root.as_std_path().to_path_buf()),
            _ => self.metadata.workspace_root.as_std_path().to_path_buf(),
        }
    }

    /// The packages chosen, by name, for messages: `package `orders``, `3 packages`.
    pub fn describe_chosen(&self) -> String {
        let names: Vec<&str> = self
            .chosen_packages()
            .map(|package| package.name.as_str())
            .collect();
        match names.as_slice() {
            [one] => format!("package `{one}`"),
            _ => format!("{} packages of the workspace", names.len()),
        }
    }

    /// How many members of the workspace this run leaves out, if any.
    pub fn members_left_out(&self) -> Option<usize> {
        let members = self.metadata.workspace_members.len();
        (members > self.chosen.len()).then(|| members - self.chosen.len())
    }

    /// The chosen packages as crates to analyse, without what `exclusions` leaves out.
    pub fn crates(&self, cwd: &Path, exclusions: &Exclusions) -> Vec<CrateInput> {
        let mut crates = Vec::new();
        for package in self.chosen_packages() {
            let manifest_dir = package
                .manifest_path
                .parent()
                .map(|dir| dir.as_std_path().to_path_buf())
                .unwrap_or_default();
            let mut roots = Vec::new();
            let mut lib_name = package.name.replace('-', "_");
            for target in &package.targets {
                let kind = target_kind(target.kind.iter().map(|kind| kind.to_string()));
                if kind == TargetKind::Lib {
                    lib_name = target.name.replace('-', "_");
                }
                roots.push(CrateRoot {
                    path: target.src_path.as_std_path().to_path_buf(),
                    kind,
                });
            }
            let files = rust_files_of_crate(&manifest_dir, cwd, &|_| true, &|_| false, exclusions);
            let dependencies = package
                .dependencies
                .iter()
                .map(|dependency| {
                    dependency
                        .rename
                        .as_deref()
                        .unwrap_or(dependency.name.as_str())
                        .replace('-', "_")
                })
                .collect();
            let renamed_dependencies = package
                .dependencies
                .iter()
                // A crate of the workspace renamed is left as it is: a registry package of
                // the same name (an older version, `lemmy_api_019 = { package =
                // "lemmy_api_common" }`) is not the workspace's.
                .filter(|dependency| dependency.path.is_none())
                .filter_map(|dependency| {
                    let rename = dependency.rename.as_deref()?;
                    Some((rename.replace('-', "_"), dependency.name.replace('-', "_")))
                })
                .collect();
            crates.push(CrateInput {
                name: package.name.to_string(),
                lib_name,
                roots,
                files,
                dependencies,
                renamed_dependencies,
            });
        }
        crates
    }
}

fn target_kind(kinds: impl Iterator<Item = String>) -> TargetKind {
    let kinds: Vec<String> = kinds.collect();
    let has = |name: &str| kinds.iter().any(|kind| kind == name);
    if has("lib")
        || has("proc-macro")
        || has("rlib")
        || has("cdylib")
        || has("dylib")
        || has("staticlib")
    {
        TargetKind::Lib
    } else if has("bin") {
        TargetKind::Bin
    } else if has("example") {
        TargetKind::Example
    } else if has("test") {
        TargetKind::Test
    } else if has("bench") {
        TargetKind::Bench
    } else {
        TargetKind::BuildScript
    }
}

/// The paths given on the command line, made absolute; each must exist.
pub fn requested_paths(cwd: &Path, paths: &[PathBuf]) -> Result<Vec<PathBuf>, WorkspaceError> {
    let mut requested: Vec<PathBuf> = Vec::new();
    for path in paths {
        let absolute = if path.is_absolute() {
            path.clone()
        } else {
            cwd.join(path)
        };
        if !absolute.exists() {
            return Err(WorkspaceError(format!(
                "{}: no such file or folder",
                path.display()
            )));
        }
        // A FIFO, a device or a socket named `x.rs` would be read forever, or block.
        if !absolute.is_dir() && !absolute.is_file() {
            return Err(WorkspaceError(format!(
                "{}: not a regular file (a FIFO, device or socket); failfirst reads only regular files and folders",
                path.display()
            )));
        }
        if !absolute.is_dir()
            && absolute
                .extension()
                .is_none_or(|extension| extension != "rs")
        {
            return Err(WorkspaceError(format!(
                "{}: not a Rust file; give `.rs` files or folders (a folder's crates are found from their Cargo.toml)",
                path.display()
            )));
        }
        requested.push(absolute);
    }
    Ok(requested)
}

/// The crates of the paths given, and the files that have no `Cargo.toml` above them.
pub struct PathCrates {
    pub crates: Vec<CrateInput>,
    /// Display paths of the files linted as crates of their own, for lack of a manifest.
    pub without_manifest: Vec<String>,
}

/// The crates that the given files and folders (from [`requested_paths`]) belong to: each
/// `.rs` file to the crate of its nearest `Cargo.toml` (a file with none is a crate of its
/// own). Every file of those crates is read so that calls resolve, but only the given paths
/// are reported. Folders are walked without what `exclusions` leaves out; a file named
/// explicitly is read even when a glob excludes it.
pub fn crates_of_paths(
    cwd: &Path,
    requested: &[PathBuf],
    exclusions: &Exclusions,
) -> Result<PathCrates, WorkspaceError> {
    // Every .rs file named, grouped by the manifest of its crate.
    let mut by_manifest: BTreeMap<Option<PathBuf>, BTreeSet<PathBuf>> = BTreeMap::new();
    let mut manifests = ManifestFinder::default();
    for path in requested {
        let files: Vec<PathBuf> = if path.is_dir() {
            walk_rust_files(path, false, exclusions)
        } else {
            vec![path.clone()]
        };
        for file in files {
            by_manifest
                .entry(manifests.nearest(&file))
                .or_default()
                .insert(file);
        }
    }
    let is_requested = |file: &Path| requested.iter().any(|path| file.starts_with(path));
    let is_named = |file: &Path| requested.iter().any(|path| path == file && !path.is_dir());
    let without_manifest: Vec<String> = by_manifest
        .get(&None)
        .into_iter()
        .flatten()
        .map(|file| display_path(file, cwd))
        .collect();
    // A folder of many crates (a vendor directory) has hundreds of manifests to read:
    // they are read in parallel, and the crates keep the order of their manifests.
    let groups: Vec<(Option<PathBuf>, BTreeSet<PathBuf>)> = by_manifest.into_iter().collect();
    let crates: Vec<Vec<CrateInput>> = groups
        .into_par_iter()
        .map(|(manifest, named_files)| match manifest {
            Some(manifest) => {
                // A crate inside a folder that was walked has all its files in hand
                // already; one reached through a single file or a subfolder is walked.
                let dir = manifest.parent().unwrap_or(Path::new(""));
                let files = if is_requested(dir) && !named_files.is_empty() {
                    Some(named_files.into_iter().collect())
                } else {
                    None
                };
                crate_of_manifest(&manifest, cwd, &is_requested, &is_named, exclusions, files)
                    .map(|crate_input| vec![crate_input])
            }
            None => Ok(named_files
                .into_iter()
                .map(|file| {
                    let stem = file
                        .file_stem()
                        .map(|stem| stem.to_string_lossy().replace('-', "_"))
                        .unwrap_or_default();
                    CrateInput {
                        dependencies: Vec::new(),
                        renamed_dependencies: Vec::new(),
                        name: stem.clone(),
                        lib_name: stem,
                        roots: vec![CrateRoot {
                            path: file.clone(),
                            kind: TargetKind::Lib,
                        }],
                        files: vec![InputFile {
                            display_path: display_path(&file, cwd),
                            path: file,
                            reported: true,
                            named: true,
                        }],
                    }
                })
                .collect()),
        })
        .collect::<Result<_, _>>()?;
    Ok(PathCrates {
        crates: crates.into_iter().flatten().collect(),
        without_manifest,
    })
}

/// Reads a package manifest for its name and targets, following cargo's conventions for
/// the targets it does not list.
fn crate_of_manifest(
    manifest: &Path,
    cwd: &Path,
    is_requested: &(dyn Fn(&Path) -> bool + Sync),
    is_named: &(dyn Fn(&Path) -> bool + Sync),
    exclusions: &Exclusions,
    walked_files: Option<Vec<PathBuf>>,
) -> Result<CrateInput, WorkspaceError> {
    let dir = manifest.parent().unwrap_or(Path::new("")).to_path_buf();
    let text = std::fs::read_to_string(manifest)
        .map_err(|error| WorkspaceError(format!("{}: {error}", manifest.display())))?;
    let table: toml::Table = text.parse().map_err(|error: toml::de::Error| {
        WorkspaceError(format!(
            "{}: invalid TOML: {}",
            display_path(manifest, cwd),
            error.message()
        ))
    })?;
    let package_name = table
        .get("package")
        .and_then(|package| package.get("name"))
        .and_then(|name| name.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| {
            dir.file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let lib_table = table.get("lib");
    let lib_name = lib_table
        .and_then(|lib| lib.get("name"))
        .and_then(|name| name.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| package_name.replace('-', "_"));
    let mut roots = Vec::new();
    let mut add_root = |path: PathBuf, kind: TargetKind| {
        if path.is_file() && !roots.iter().any(|root: &CrateRoot| root.path == path) {
            roots.push(CrateRoot { path, kind });
        }
    };
    if let Some(path) = lib_table
        .and_then(|lib| lib.get("path"))
        .and_then(|path| path.as_str())
    {
        add_root(dir.join(path), TargetKind::Lib);
    }
    add_root(dir.join("src/lib.rs"), TargetKind::Lib);
    for (key, kind) in [
        ("bin", TargetKind::Bin),
        ("example", TargetKind::Example),
        ("test", TargetKind::Test),
        ("bench", TargetKind::Bench),
    ] {
        if let Some(targets) = table.get(key).and_then(|targets| targets.as_array()) {
            for target in targets {
                if let Some(path) = target.get("path").and_then(|path| path.as_str()) {
                    add_root(dir.join(path), kind);
                }
            }
        }
    }
    add_root(dir.join("src/main.rs"), TargetKind::Bin);
    for (folder, kind) in [
        ("src/bin", TargetKind::Bin),
        ("examples", TargetKind::Example),
        ("tests", TargetKind::Test),
        ("benches", TargetKind::Bench),
    ] {
        if let Ok(entries) = std::fs::read_dir(dir.join(folder)) {
            let mut paths: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .collect();
            paths.sort();
            for path in paths {
                if path.extension().is_some_and(|extension| extension == "rs") {
                    add_root(path, kind);
                } else if path.join("main.rs").is_file() {
                    add_root(path.join("main.rs"), kind);
                }
            }
        }
    }
    add_root(dir.join("build.rs"), TargetKind::BuildScript);
    let files = match walked_files {
        Some(files) => input_files(&dir, files, cwd, is_requested, is_named),
        None => rust_files_of_crate(&dir, cwd, is_requested, is_named, exclusions),
    };
    Ok(CrateInput {
        name: package_name,
        lib_name,
        roots,
        files,
        dependencies: manifest_dependencies(&table),
        renamed_dependencies: renamed_manifest_dependencies(&table),
    })
}

/// The dependencies from outside the workspace that a manifest uses under another name
/// than their package's (`my-codegen = { package = "actix-web-codegen", .. }`), as (name
/// in paths, package's name), `-` written `_`.
fn renamed_manifest_dependencies(table: &toml::Table) -> Vec<(String, String)> {
    let mut renamed = Vec::new();
    let mut add_tables = |holder: &toml::Table| {
        for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let Some(dependencies) = holder.get(key).and_then(|value| value.as_table()) else {
                continue;
            };
            for (name, value) in dependencies {
                // A path dependency is a crate of the workspace, which is left as it is.
                if value.get("path").is_some() {
                    continue;
                }
                if let Some(package) = value.get("package").and_then(|value| value.as_str()) {
                    renamed.push((name.replace('-', "_"), package.replace('-', "_")));
                }
            }
        }
    };
    add_tables(table);
    if let Some(targets) = table.get("target").and_then(|value| value.as_table()) {
        for target in targets.values().filter_map(|value| value.as_table()) {
            add_tables(target);
        }
    }
    renamed.sort();
    renamed.dedup();
    renamed
}

/// The names a manifest's dependencies are used under, from every dependency table
/// (target-specific ones too): the key, which is the rename when there is one.
fn manifest_dependencies(table: &toml::Table) -> Vec<String> {
    let mut names = Vec::new();
    let mut add_tables = |holder: &toml::Table| {
        for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
            if let Some(dependencies) = holder.get(key).and_then(|value| value.as_table()) {
                names.extend(dependencies.keys().map(|name| name.replace('-', "_")));
            }
        }
    };
    add_tables(table);
    if let Some(targets) = table.get("target").and_then(|value| value.as_table()) {
        for target in targets.values().filter_map(|value| value.as_table()) {
            add_tables(target);
        }
    }
    names.sort();
    names.dedup();
    names
}

fn rust_files_of_crate(
    dir: &Path,
    cwd: &Path,
    is_requested: &dyn Fn(&Path) -> bool,
    is_named: &dyn Fn(&Path) -> bool,
    exclusions: &Exclusions,
) -> Vec<InputFile> {
    input_files(
        dir,
        walk_rust_files(dir, true, exclusions),
        cwd,
        is_requested,
        is_named,
    )
}

/// The files of the crate in `dir` to read, as input. Those of its integration tests and
/// benches (cargo's `tests/` and `benches/` folders) are not read unless named on the
/// command line: each is a crate of its own that only uses the library, so no handler is
/// there and no handler's path reaches them (mocks of the workspace's traits written
/// there are no implementation a request runs), and reading them was time for nothing
/// (on a service with a large integration suite, a large share of the run).
fn input_files(
    dir: &Path,
    files: Vec<PathBuf>,
    cwd: &Path,
    is_requested: &dyn Fn(&Path) -> bool,
    is_named: &dyn Fn(&Path) -> bool,
) -> Vec<InputFile> {
    files
        .into_iter()
        .filter(|path| is_named(path) || !is_test_target_file(dir, path))
        .map(|path| InputFile {
            display_path: display_path(&path, cwd),
            reported: is_requested(&path),
            named: is_named(&path),
            path,
        })
        .collect()
}

/// A file under the `tests/` or `benches/` folder of the crate in `dir`: cargo compiles
/// each file there (or folder with a `main.rs`) as an integration test or bench target.
fn is_test_target_file(dir: &Path, path: &Path) -> bool {
    path.strip_prefix(dir).is_ok_and(|relative| {
        relative.components().next().is_some_and(|first| {
            matches!(first, std::path::Component::Normal(name) if name == "tests" || name == "benches")
        })
    })
}

/// Every `.rs` file under `root`, sorted, skipping `target/`, hidden folders, what
/// `.gitignore` ignores and what the configuration excludes; with `stop_at_crates`, folders
/// holding another crate's `Cargo.toml` are left to that crate. Symbolic links are not
/// followed, so a link loop cannot hang it.
fn walk_rust_files(root: &Path, stop_at_crates: bool, exclusions: &Exclusions) -> Vec<PathBuf> {
    let root_owned = root.to_path_buf();
    let mut walker = ignore::WalkBuilder::new(root);
    if let Some(matcher) = exclusions.matcher() {
        walker.overrides(matcher.clone());
    }
    walker
        .follow_links(false)
        .require_git(false)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
            if !is_dir || entry.path() == root_owned {
                return true;
            }
            if entry.file_name() == "target" {
                return false;
            }
            !(stop_at_crates && entry.path().join("Cargo.toml").is_file())
        });
    // Folders are read on as many threads as the analysis will use: listing a vendor
    // directory of thousands of files is otherwise a serial pause before parsing starts.
    let found = std::sync::Mutex::new(Vec::new());
    walker
        .threads(rayon::current_num_threads())
        .build_parallel()
        .run(|| {
            let found = &found;
            Box::new(move |entry| {
                // A folder the walk cannot read stays in the list: reading it then fails
                // with the reason, and the report says its files were not linted.
                if let Some(folder) = entry.as_ref().err().and_then(unreadable_folder) {
                    if let Ok(mut files) = found.lock() {
                        files.push(folder);
                    }
                }
                if let Ok(entry) = entry {
                    let is_rust_file = entry.file_type().is_some_and(|kind| kind.is_file())
                        && entry
                            .path()
                            .extension()
                            .is_some_and(|extension| extension == "rs");
                    if is_rust_file {
                        if let Ok(mut files) = found.lock() {
                            files.push(entry.into_path());
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
    let mut files = found
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    files.sort();
    files
}

/// The folder a walk error is about, when it is a folder that could not be listed (no
/// permission, an I/O error); other errors (a link loop) are not about a folder's files.
fn unreadable_folder(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithDepth { err, .. } => unreadable_folder(err),
        ignore::Error::WithPath { path, err } => match err.as_ref() {
            ignore::Error::Io(_) => Some(path.clone()),
            other => unreadable_folder(other),
        },
        _ => None,
    }
}

/// Finds the `Cargo.toml` nearest above a file, remembering the answer for every folder on
/// the way: the files of one crate share their folders, and a stat per folder level per
/// file was a third of the time spent listing a vendor directory.
#[derive(Default)]
struct ManifestFinder {
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
}

impl ManifestFinder {
    fn nearest(&mut self, file: &Path) -> Option<PathBuf> {
        let mut visited: Vec<&Path> = Vec::new();
        let mut found = None;
        let mut dir = file.parent();
        while let Some(current) = dir {
            if let Some(known) = self.by_dir.get(current) {
                found = known.clone();
                break;
            }
            visited.push(current);
            let candidate = current.join("Cargo.toml");
            if candidate.is_file() {
                found = Some(candidate);
                break;
            }
            dir = current.parent();
        }
        for folder in visited {
            self.by_dir.insert(folder.to_path_buf(), found.clone());
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::{metadata_error, unreadable_folder};

    #[test]
    fn a_folder_the_walk_cannot_list_is_kept_to_be_reported() {
        let denied = ignore::Error::WithDepth {
            depth: 2,
            err: Box::new(ignore::Error::WithPath {
                path: "crate/src/secret".into(),
                err: Box::new(ignore::Error::Io(std::io::Error::from(
                    std::io::ErrorKind::PermissionDenied,
                ))),
            }),
        };
        assert_eq!(
            unreadable_folder(&denied),
            Some(std::path::PathBuf::from("crate/src/secret"))
        );
        let looped = ignore::Error::Loop {
            ancestor: "crate".into(),
            child: "crate/src/loop".into(),
        };
        assert_eq!(unreadable_folder(&looped), None);
    }

    #[test]
    fn a_missing_pinned_toolchain_says_what_to_do_without_rustups_backtrace() {
        let error = metadata_error(cargo_metadata::Error::CargoMetadata {
            stderr: "error: toolchain '1.95-x86_64-unknown-linux-gnu' is not installed\nhelp: run `rustup toolchain install` to install it\n\nStack backtrace:\n   0: anyhow::error::<impl ..>::from\n   1: rustup::config::Cfg::local_toolchain\n".to_string(),
        });
        assert!(!error.0.contains("backtrace"), "{}", error.0);
        assert!(!error.0.contains("anyhow"), "{}", error.0);
        assert!(error.0.contains("is not installed"), "{}", error.0);
        assert!(error.0.contains("RUSTUP_TOOLCHAIN=stable"), "{}", error.0);
    }
}
