//! `--diff-base REV`: which lines the change from a git revision to the working tree
//! touches, read with the `git` command line (present wherever the code is a git checkout,
//! CI included), and which findings and handlers those lines touch.
//!
//! A handler is touched when the change touches a function on its path (its own, or one it
//! calls in the workspace), or a finding on it. Untracked files (not ignored) count as new:
//! every line of them is touched.
//!
//! May import: `identity`, `sources`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use lint_core::report::{passes_all, share_percent, Finding, PatchSummary, Report};

use crate::identity::FindingIdentity;

/// Touched lines per file, by canonical absolute path.
#[derive(Debug, Default)]
pub struct ChangedLines {
    /// 1-based inclusive line ranges the change adds or modifies, or next to which it
    /// deletes.
    lines: BTreeMap<PathBuf, Vec<(u32, u32)>>,
    /// Files the working tree has and the revision does not track: wholly new.
    whole_files: BTreeSet<PathBuf>,
}

impl ChangedLines {
    /// Whether the change touches any line from `start` to `end` (inclusive) of `file`.
    pub fn touches(&self, file: &Path, start: u32, end: u32) -> bool {
        let file = canonical(file);
        self.whole_files.contains(&file)
            || self.lines.get(&file).is_some_and(|ranges| {
                ranges
                    .iter()
                    .any(|&(from, to)| from <= end.max(start) && start <= to)
            })
    }
}

/// Why the change could not be read: a usage error (exit 2).
#[derive(Debug)]
pub struct ChangeError(pub String);

/// The lines the change from `rev` to the working tree touches, in the git repository
/// around `cwd`.
pub fn changed_lines(cwd: &Path, rev: &str) -> Result<ChangedLines, ChangeError> {
    let top = git(cwd, &["rev-parse", "--show-toplevel"]).map_err(|error| {
        ChangeError(format!(
            "`--diff-base` reads the change with git, and {} is not in a git repository ({error})",
            cwd.display()
        ))
    })?;
    let top = PathBuf::from(top.trim_end_matches(['\n', '\r']));
    // `--end-of-options` keeps a revision that starts with `-` from being read as a flag.
    let commit = git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        ChangeError(format!(
            "`--diff-base {rev}`: `{rev}` is not a commit of the repository at {} (in a shallow clone, fetch it first, as in `git fetch --depth=1 origin main`)",
            top.display()
        ))
    })?;
    let commit = commit.trim();
    let diff = git(
        &top,
        &[
            "-c",
            "core.quotePath=false",
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--unified=0",
            "--find-renames",
            commit,
            "--",
        ],
    )
    .map_err(|error| ChangeError(format!("cannot read the change from `{rev}`: {error}")))?;
    let mut changed = parse_diff(&diff, &top);
    let untracked = git(&top, &["ls-files", "--others", "--exclude-standard", "-z"])
        .map_err(|error| ChangeError(format!("cannot list the untracked files: {error}")))?;
    for name in untracked.split('\0').filter(|name| !name.is_empty()) {
        changed.whole_files.insert(canonical(&top.join(name)));
    }
    Ok(changed)
}

/// Runs git in `dir`, giving its standard output, or its error message.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}

/// The new side of a `--unified=0` diff: for each file, the lines added or changed, and
/// around each deletion the lines it falls between.
fn parse_diff(diff: &str, top: &Path) -> ChangedLines {
    let mut changed = ChangedLines::default();
    let mut current: Option<PathBuf> = None;
    for line in diff.lines() {
        if let Some(name) = line.strip_prefix("+++ ") {
            let name = unquote(name);
            current = (name != "/dev/null")
                .then(|| canonical(&top.join(name.strip_prefix("b/").unwrap_or(&name))));
        } else if let (Some(hunk), Some(file)) = (line.strip_prefix("@@ "), &current) {
            if let Some((start, count)) = new_side(hunk) {
                let range = if count == 0 {
                    // A deletion after line `start`: the lines on both sides of it.
                    (start.max(1), start + 1)
                } else {
                    (start, start + count - 1)
                };
                changed.lines.entry(file.clone()).or_default().push(range);
            }
        }
    }
    changed
}

/// `-12,3 +14,5 @@ fn x()` gives `(14, 5)`; a count left out is 1.
fn new_side(hunk: &str) -> Option<(u32, u32)> {
    let new = hunk.split_whitespace().find(|part| part.starts_with('+'))?;
    let new = new.trim_start_matches('+');
    let (start, count) = match new.split_once(',') {
        Some((start, count)) => (start.parse().ok()?, count.parse().ok()?),
        None => (new.parse().ok()?, 1),
    };
    Some((start, count))
}

/// git writes a name with unusual characters in C quotes: `"b/a\"b.rs"`.
fn unquote(name: &str) -> String {
    let Some(inner) = name
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    else {
        return name.to_string();
    };
    let mut bytes = Vec::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buffer = [0; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            continue;
        }
        match chars.next() {
            Some('n') => bytes.push(b'\n'),
            Some('t') => bytes.push(b'\t'),
            Some(digit @ '0'..='7') => {
                // Three octal digits: one byte of a UTF-8 sequence.
                let mut value = digit.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    if let Some(next) = chars.next().and_then(|next| next.to_digit(8)) {
                        value = value * 8 + next;
                    }
                }
                bytes.push(value as u8);
            }
            Some(other) => {
                let mut buffer = [0; 4];
                bytes.extend_from_slice(other.encode_utf8(&mut buffer).as_bytes());
            }
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The path with links resolved, so that a checkout reached through a symbolic link (macOS's
/// `/tmp`) compares equal to git's view of it; as given when it does not exist.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Which handlers of the report the change touches, by position in `report.handlers`.
pub fn touched_handlers(
    report: &Report,
    changed: &ChangedLines,
    sources: &crate::sources::SourceTexts,
) -> BTreeSet<usize> {
    let mut touched = BTreeSet::new();
    for (position, handler) in report.handlers.iter().enumerate() {
        let touched_path = handler.path_functions.iter().any(|function| {
            changed.touches(
                &sources.absolute(&function.file),
                function.start_line,
                function.end_line,
            )
        });
        if touched_path {
            touched.insert(position);
        }
    }
    for finding in &report.findings {
        if finding_touched(finding, changed, sources) {
            for handler in report.handlers_of(finding) {
                if let Some(position) = report
                    .handlers
                    .iter()
                    .position(|candidate| std::ptr::eq(candidate, handler))
                {
                    touched.insert(position);
                }
            }
        }
    }
    touched
}

/// Whether the change touches the finding's statement or a call on its chain.
fn finding_touched(
    finding: &Finding,
    changed: &ChangedLines,
    sources: &crate::sources::SourceTexts,
) -> bool {
    changed.touches(
        &sources.absolute(&finding.file),
        finding.line,
        finding.end_line,
    ) || finding
        .chain
        .iter()
        .any(|step| changed.touches(&sources.absolute(&step.file), step.line, step.line))
}

/// Keeps only the findings the change touches, or that are on a handler it touches, and
/// records the patch score in the summary.
pub fn keep_changed(
    report: &mut Report,
    identities: &mut Vec<FindingIdentity>,
    changed: &ChangedLines,
    sources: &crate::sources::SourceTexts,
) -> BTreeSet<usize> {
    let touched = touched_handlers(report, changed, sources);
    let touched_paths: BTreeSet<&str> = touched
        .iter()
        .map(|&position| report.handlers[position].path.as_str())
        .collect();
    let keep: Vec<bool> = report
        .findings
        .iter()
        .map(|finding| {
            finding_touched(finding, changed, sources)
                || report
                    .handlers_of(finding)
                    .iter()
                    .any(|handler| touched_paths.contains(handler.path.as_str()))
        })
        .collect();
    let mut position = 0;
    report.findings.retain(|_| {
        let kept = keep[position];
        position += 1;
        kept
    });
    let mut position = 0;
    identities.retain(|_| {
        let kept = keep.get(position).copied().unwrap_or(false);
        position += 1;
        kept
    });
    let passing = touched
        .iter()
        .filter(|&&position| passes_all(&report.handlers[position]))
        .count();
    report.summary.patch = Some(PatchSummary {
        patch_handlers: touched.len(),
        patch_score: share_percent(passing, touched.len()),
    });
    touched
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_give_the_new_side() {
        assert_eq!(new_side("-12,3 +14,5 @@ fn x()"), Some((14, 5)));
        assert_eq!(new_side("-12 +14 @@"), Some((14, 1)));
        assert_eq!(new_side("-12,2 +11,0 @@"), Some((11, 0)));
    }

    #[test]
    fn a_diff_gives_touched_lines() {
        let top = Path::new("/nonexistent-repo");
        let diff = "diff --git a/src/a.rs b/src/a.rs\n--- a/src/a.rs\n+++ b/src/a.rs\n@@ -3 +3,2 @@\n-x\n+y\n+z\n@@ -9,2 +10,0 @@\n-gone\n-gone\ndiff --git a/old.rs b/old.rs\n--- a/old.rs\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n";
        let changed = parse_diff(diff, top);
        let file = top.join("src/a.rs");
        assert!(changed.touches(&file, 4, 4));
        assert!(!changed.touches(&file, 5, 9));
        assert!(changed.touches(&file, 11, 20));
        assert!(!changed.touches(&top.join("old.rs"), 1, 1));
    }

    #[test]
    fn quoted_names_are_read() {
        assert_eq!(unquote(r#""b/caf\303\251.rs""#), "b/café.rs");
        assert_eq!(unquote("b/plain.rs"), "b/plain.rs");
    }
}
