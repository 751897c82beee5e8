//! Tidy: the layers of `lint-core` and of the binary only import downwards.
//!
//! Each top-level module of a crate is a layer. The tables below say which layers each one
//! may import; every `crate::layer` path in a layer's code (imports and paths written
//! inline, `super::` climbing to the crate root included) must be in its row, each layer's
//! module doc must say the same in a `May import:` line, and the table must have no cycle.
//! Unit tests (`tests.rs`, and what follows `#[cfg(test)]` in a file) are exempt: they may
//! wire layers together as a run does.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use failfirst_e2e::{repo_root, rust_files};

/// `lint-core`, bottom to top.
const LINT_CORE: &[(&str, &[&str])] = &[
    ("vocab", &[]),
    ("location", &[]),
    ("sources", &["location", "vocab"]),
    ("index", &["sources", "location", "vocab"]),
    ("knowledge", &["vocab"]),
    ("discovery", &["index", "knowledge", "location", "vocab"]),
    (
        "facts",
        &["discovery", "index", "knowledge", "location", "vocab"],
    ),
    ("rules", &["facts", "index", "location", "vocab"]),
    ("report", &["facts", "location", "vocab"]),
    (
        "verdicts",
        &[
            "report",
            "rules",
            "facts",
            "discovery",
            "knowledge",
            "index",
            "sources",
            "location",
            "vocab",
        ],
    ),
    (
        "analysis",
        &[
            "verdicts",
            "report",
            "rules",
            "facts",
            "discovery",
            "knowledge",
            "index",
            "sources",
            "location",
            "vocab",
        ],
    ),
];

/// `cargo-failfirst`, bottom to top; `lib.rs` (the crate root) runs them all.
const BINARY: &[(&str, &[&str])] = &[
    ("cli", &[]),
    ("display", &[]),
    ("diagnostic", &[]),
    ("config", &["display", "diagnostic"]),
    ("workspace", &["config", "display"]),
    ("migrations", &["config", "display"]),
    ("sources", &[]),
    ("identity", &["sources"]),
    ("baseline", &["identity"]),
    ("changes", &["identity", "sources"]),
    ("output", &["diagnostic", "identity", "sources"]),
    ("progress", &[]),
    ("history", &[]),
    ("score", &["cli", "display", "history", "workspace"]),
    ("dashboard", &["cli", "display", "history", "workspace"]),
    (
        "lsp",
        &["config", "display", "migrations", "output", "workspace"],
    ),
];

#[test]
fn lint_core_imports_only_point_down() {
    check_crate(&repo_root().join("lint-core/src"), LINT_CORE);
}

#[test]
fn the_binary_imports_only_point_down() {
    check_crate(&repo_root().join("cargo-failfirst/src"), BINARY);
}

/// A back-edge is reported with the file and the path that makes it; so is a layer whose
/// doc does not say what it may import, and a table with a cycle.
fn check_crate(src: &Path, table: &[(&str, &[&str])]) {
    let allowed: BTreeMap<&str, BTreeSet<&str>> = table
        .iter()
        .map(|(layer, imports)| (*layer, imports.iter().copied().collect()))
        .collect();
    let mut problems = Vec::new();
    if let Some(cycle) = cycle_in(&allowed) {
        problems.push(format!("the table has a cycle: {}", cycle.join(" -> ")));
    }
    for file in rust_files(src) {
        let relative = file.strip_prefix(src).unwrap_or(&file);
        let module_path = module_path(relative);
        let Some(layer) = module_path.first().map(String::as_str) else {
            continue; // the crate root
        };
        if layer == "main" || file.file_name().is_some_and(|name| name == "tests.rs") {
            continue;
        }
        let Some(may_import) = allowed.get(layer) else {
            problems.push(format!(
                "{}: layer `{layer}` is in no row of the table",
                relative.display()
            ));
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&file) else {
            problems.push(format!("{}: cannot be read", relative.display()));
            continue;
        };
        if is_layer_doc(relative) {
            match declared_imports(&text) {
                Some(declared) if declared == *may_import => {}
                Some(declared) => problems.push(format!(
                    "{}: the module doc says `May import: {}`, the table says {:?}",
                    relative.display(),
                    declared.iter().copied().collect::<Vec<_>>().join(", "),
                    may_import
                )),
                None => problems.push(format!(
                    "{}: the module doc has no `May import:` line",
                    relative.display()
                )),
            }
        }
        for (line, target) in imported_layers(&text, &module_path) {
            if target != layer
                && !may_import.contains(target.as_str())
                && allowed.contains_key(target.as_str())
            {
                problems.push(format!(
                    "{}:{line}: `{layer}` imports `{target}`, against the direction of the layers ({layer} may import: {:?})",
                    relative.display(),
                    may_import
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The file that opens a layer: `x.rs` or `x/mod.rs` at the top of the crate.
fn is_layer_doc(relative: &Path) -> bool {
    let parts: Vec<_> = relative.components().collect();
    parts.len() == 1 || (parts.len() == 2 && relative.ends_with("mod.rs"))
}

/// `x/y/mod.rs` is `[x, y]`, `x/y/z.rs` is `[x, y, z]`, `lib.rs` is `[]`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut path: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    if path
        .last()
        .is_some_and(|last| last == "mod" || last == "lib")
    {
        path.pop();
    }
    path
}

/// The `May import: a, b` line of a module doc, as its names (`nothing of this crate` is
/// none).
fn declared_imports(text: &str) -> Option<BTreeSet<&str>> {
    let doc: Vec<&str> = text
        .lines()
        .take_while(|line| line.starts_with("//!"))
        .map(|line| line.trim_start_matches("//!").trim())
        .collect();
    let start = doc
        .iter()
        .position(|line| line.starts_with("May import:"))?;
    // The line may wrap: it goes on until an empty doc line.
    let names = doc[start..]
        .iter()
        .take_while(|line| !line.is_empty())
        .flat_map(|line| line.trim_start_matches("May import:").split(','));
    Some(
        names
            .map(|name| name.trim().trim_end_matches('.').trim_matches('`'))
            .filter(|name| !name.is_empty() && !name.starts_with("nothing"))
            .collect(),
    )
}

/// The layers a file's code names, with the line: `crate::x`, `crate::{x, y}`, and
/// `super::` paths that climb to the crate root. Comments and unit tests are skipped.
fn imported_layers(text: &str, module_path: &[String]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_group = false;
    for (number, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if code.starts_with("//") {
            continue;
        }
        // `use crate::{\n    a::x,\n    b,\n};`: each line of the group names a layer.
        if in_group {
            for item in code.split(',') {
                if let Some(name) = leading_identifier(item.trim()) {
                    out.push((number + 1, name));
                }
            }
            if code.contains('}') {
                in_group = false;
            }
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                let inside = group.split('}').next().unwrap_or_default();
                for item in inside.split(',') {
                    if let Some(name) = leading_identifier(item.trim()) {
                        out.push((number + 1, name));
                    }
                }
                in_group = !group.contains('}');
            } else if let Some(name) = leading_identifier(after) {
                out.push((number + 1, name));
            }
            rest = after;
        }
        let mut rest = code;
        while let Some(at) = rest.find("super::") {
            // Only the start of a chain of `super::` counts.
            let before = &rest[..at];
            let chained = before.ends_with("super::");
            let mut climbs = 0;
            let mut after = &rest[at..];
            while let Some(next) = after.strip_prefix("super::") {
                climbs += 1;
                after = next;
            }
            if !chained && climbs >= module_path.len() {
                if let Some(name) = leading_identifier(after) {
                    out.push((number + 1, name));
                }
            }
            rest = &rest[at + "super::".len()..];
        }
    }
    out
}

fn leading_identifier(text: &str) -> Option<String> {
    let name: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty() && name != "self").then_some(name)
}

/// A cycle among the layers, if the table has one.
fn cycle_in(allowed: &BTreeMap<&str, BTreeSet<&str>>) -> Option<Vec<String>> {
    fn visit<'a>(
        layer: &'a str,
        allowed: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|on_path| *on_path == layer) {
            let mut cycle: Vec<String> =
                path[start..].iter().map(|name| name.to_string()).collect();
            cycle.push(layer.to_string());
            return Some(cycle);
        }
        if !done.insert(layer) {
            return None;
        }
        path.push(layer);
        for next in allowed.get(layer).into_iter().flatten() {
            if let Some(cycle) = visit(next, allowed, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    allowed
        .keys()
        .find_map(|layer| visit(layer, allowed, &mut Vec::new(), &mut done))
}
