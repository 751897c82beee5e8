//! What the history needs to know from git, asked of the `git` command: the commit being
//! recorded, its time and branch, the commits of the current branch, and a commit's tree
//! written into a folder. The work tree and the index are only ever read.
//!
//! May import: nothing of this crate.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The commit a run is recorded under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitFacts {
    /// The full commit id.
    pub id: String,
    /// The commit's committer time, RFC 3339 with the committer's offset.
    pub time: String,
    /// The branch checked out, or `None` on a detached `HEAD`.
    pub branch: Option<String>,
}

/// The repository that holds `dir`, if any (and if git is installed).
#[derive(Clone, Debug)]
pub struct Repository {
    /// The top of the work tree.
    pub top: PathBuf,
    /// Where `dir` is inside the work tree, `/`-separated and ending with `/` (empty at the
    /// top).
    pub prefix: String,
}

/// Runs git in `dir` and returns its standard output, trimmed; the error is git's own
/// message.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    } else {
        Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

impl Repository {
    /// The repository around `dir`; `None` outside one, or when git cannot be run.
    pub fn around(dir: &Path) -> Option<Repository> {
        let top = git(dir, &["rev-parse", "--show-toplevel"]).ok()?;
        let prefix = git(dir, &["rev-parse", "--show-prefix"]).ok()?;
        Some(Repository {
            top: PathBuf::from(top),
            prefix,
        })
    }

    /// The commit checked out, with its time and branch; `None` in a repository with no
    /// commit yet.
    pub fn head(&self) -> Option<CommitFacts> {
        let line = git(&self.top, &["log", "-1", "--format=%H %cI"]).ok()?;
        let (id, time) = line.split_once(' ')?;
        let branch = git(&self.top, &["symbolic-ref", "--short", "-q", "HEAD"])
            .ok()
            .filter(|branch| !branch.is_empty());
        Some(CommitFacts {
            id: id.to_string(),
            time: time.to_string(),
            branch,
        })
    }

    /// Whether the work tree differs from `HEAD` (files ignored by git aside): a recorded
    /// score then belongs to the commit and changes not yet committed.
    pub fn is_dirty(&self) -> bool {
        git(
            &self.top,
            &["status", "--porcelain", "--untracked-files=no"],
        )
        .is_ok_and(|status| !status.is_empty())
    }

    /// The last `count` commits of the current branch, following first parents (the
    /// branch's own line, not the commits merged into it), oldest first.
    pub fn last_commits(&self, count: u32) -> Result<Vec<CommitFacts>, String> {
        let branch = git(&self.top, &["symbolic-ref", "--short", "-q", "HEAD"])
            .ok()
            .filter(|branch| !branch.is_empty());
        let listing = git(
            &self.top,
            &[
                "log",
                "--first-parent",
                &format!("--max-count={count}"),
                "--format=%H %cI",
                "HEAD",
            ],
        )?;
        let mut commits: Vec<CommitFacts> = listing
            .lines()
            .filter_map(|line| {
                let (id, time) = line.split_once(' ')?;
                Some(CommitFacts {
                    id: id.to_string(),
                    time: time.to_string(),
                    branch: branch.clone(),
                })
            })
            .collect();
        commits.reverse();
        Ok(commits)
    }

    /// Writes the tree of `commit` into `destination`, through `git archive` (as the
    /// commit has it: no work-tree change, no ignored file, no submodule content).
    pub fn write_tree(&self, commit: &str, destination: &Path) -> Result<(), String> {
        let mut child = Command::new("git")
            .args(["archive", "--format=tar", commit])
            .current_dir(&self.top)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("cannot run git: {error}"))?;
        let unpacked = match child.stdout.take() {
            Some(stdout) => {
                let mut archive = tar::Archive::new(stdout);
                let unpacked = archive
                    .unpack(destination)
                    .map_err(|error| format!("cannot unpack the tree of {commit}: {error}"));
                // git pads the archive past tar's end-of-archive blocks; unread, that
                // padding meets a closed pipe and git dies of SIGPIPE, now and then.
                let _ = std::io::copy(&mut archive.into_inner(), &mut std::io::sink());
                unpacked
            }
            None => Err("git archive gave no output".to_string()),
        };
        let output = child
            .wait_with_output()
            .map_err(|error| format!("git archive failed: {error}"))?;
        if !output.status.success() {
            let said = String::from_utf8_lossy(&output.stderr);
            return Err(format!(
                "`git archive {commit}` failed ({}){}",
                output.status,
                match said.trim() {
                    "" => String::new(),
                    said => format!(": {said}"),
                }
            ));
        }
        unpacked
    }
}
