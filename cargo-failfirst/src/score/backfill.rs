//! `score --backfill N`: the history of the branch's last N commits, so that a team
//! adopting the tool sees its trend on day one. Each commit's tree is written by git into
//! a temporary folder and analysed there, exactly as `score` would in a checkout of it;
//! the work tree is never touched. Commits are analysed side by side, one per core.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::cli::{CheckArgs, InputArgs, ScoreArgs};
use crate::history::git::{CommitFacts, Repository};
use crate::history::{History, HistoryEntry, Recorded, DEFAULT_HISTORY};
use crate::{Io, EXIT_ERROR, EXIT_OK};

pub fn run(args: &ScoreArgs, count: u32, cwd: &Path, io: &mut Io<'_>) -> i32 {
    let Some(repository) = Repository::around(cwd) else {
        let _ = writeln!(
            io.stderr,
            "error: `--backfill` reads past commits from git, and {} is not in a git repository",
            cwd.display()
        );
        return EXIT_ERROR;
    };
    let commits = match repository.last_commits(count) {
        Ok(commits) => commits,
        Err(error) => {
            let _ = writeln!(io.stderr, "error: {error}");
            return EXIT_ERROR;
        }
    };
    // The history of the workspace as it is checked out now, at its root.
    let path = match &args.history {
        Some(file) => cwd.join(file),
        None => {
            let workspace_root = crate::workspace::read_workspace(
                cwd,
                &crate::workspace::Selection {
                    manifest_path: args.input.manifest_path.as_deref(),
                    packages: &[],
                    workspace: false,
                },
            )
            .map_or_else(|_| cwd.to_path_buf(), |workspace| workspace.root());
            workspace_root.join(DEFAULT_HISTORY)
        }
    };
    let mut history = match History::read(&path) {
        Ok(history) => history,
        Err(error) => {
            let _ = writeln!(io.stderr, "error: {error}");
            return EXIT_ERROR;
        }
    };

    let workers = args
        .input
        .jobs
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1);
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(workers).build() {
        Ok(pool) => pool,
        Err(error) => {
            let _ = writeln!(io.stderr, "error: cannot start worker threads: {error}");
            return EXIT_ERROR;
        }
    };
    // The workers send each finished commit here; this thread, which owns the terminal,
    // shows the progress (standard error is held by this thread for the whole run).
    let mut progress = Progress::new(commits.len(), io.progress);
    let (finished, arrivals) = std::sync::mpsc::channel::<String>();
    let entries: Vec<HistoryEntry> = std::thread::scope(|scope| {
        let work = scope.spawn(|| {
            pool.install(|| {
                commits
                    .par_iter()
                    .map_with(finished, |finished, commit| {
                        let entry = analyse_commit(&repository, commit, args);
                        let _ = finished.send(describe(&entry));
                        entry
                    })
                    .collect()
            })
        });
        for line in arrivals {
            progress.finished(&line, io);
        }
        work.join().unwrap_or_default()
    });
    progress.clear();

    for entry in &entries {
        history.record(entry.clone());
    }
    if let Err(error) = history.write(&path) {
        let _ = writeln!(io.stderr, "error: {error}");
        return EXIT_ERROR;
    }
    let _ = io.stdout.write_all(render_series(&entries).as_bytes());
    let failed = entries.iter().filter(|entry| entry.error.is_some()).count();
    let _ = writeln!(
        io.stderr,
        "backfilled {} commits{} into {} ({} analysed, {failed} could not be)",
        entries.len(),
        commits
            .first()
            .and_then(|commit| commit.branch.as_deref())
            .map(|branch| format!(" of {branch}"))
            .unwrap_or_default(),
        crate::display::display_path(&path, cwd),
        entries.len() - failed,
    );
    EXIT_OK
}

/// Analyses one commit in a temporary copy of its tree, at the place of `cwd` in it.
fn analyse_commit(repository: &Repository, commit: &CommitFacts, args: &ScoreArgs) -> HistoryEntry {
    let recorded = Recorded::commit(commit.clone(), false);
    let analysed = tempfile::Builder::new()
        .prefix("failfirst-backfill-")
        .tempdir()
        .map_err(|error| format!("cannot make a temporary folder: {error}"))
        .and_then(|folder| {
            repository.write_tree(&commit.id, folder.path())?;
            let commit_cwd = folder.path().join(&repository.prefix);
            if !commit_cwd.is_dir() {
                return Err(format!(
                    "the folder `{}` does not exist at this commit",
                    repository.prefix.trim_end_matches('/')
                ));
            }
            let input = in_commit(args, &repository.top, folder.path());
            // What the run would print goes into buffers: its error is the entry's reason.
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            let mut quiet = Io {
                stdout: &mut stdout,
                stderr: &mut stderr,
                colour: false,
                width: None,
                progress: false,
                // Nothing of the environment concerns analysing a past commit.
                env: &|_| None,
            };
            crate::analyse(&input, &commit_cwd, &mut quiet)
                .map(|analysed| analysed.report)
                .map_err(|_| {
                    let said = String::from_utf8_lossy(&stderr);
                    let said = said.trim();
                    let said = said.strip_prefix("error: ").unwrap_or(said);
                    if said.is_empty() {
                        "the analysis stopped without saying why".to_string()
                    } else {
                        in_git_terms(said, folder.path(), &commit.id)
                    }
                })
        });
    match analysed {
        Ok(report) => HistoryEntry::analysed(&report, recorded),
        Err(error) => HistoryEntry::failed(error, recorded),
    }
}

/// `message` with the temporary folder's path written as git names the commit's tree
/// (`15f26604:src/main.rs`): the folder is gone once the commit is analysed, and its
/// random name would make the history differ from one backfill to the next.
fn in_git_terms(message: &str, folder: &Path, commit: &str) -> String {
    let folder = folder.display().to_string();
    let tree = format!("{}:", &commit[..commit.len().min(8)]);
    message
        .replace(&format!("{folder}{}", std::path::MAIN_SEPARATOR), &tree)
        .replace(&folder, &tree)
}

/// The input of a run of `score` for a commit's copy of the tree at `copy`: absolute
/// paths into the work tree at `top` point into the copy instead, and the analysis takes
/// one thread (the commits are analysed side by side).
fn in_commit(args: &ScoreArgs, top: &Path, copy: &Path) -> CheckArgs {
    let rebase = |path: &PathBuf| match path.strip_prefix(top) {
        Ok(inside) => copy.join(inside),
        Err(_) => path.clone(),
    };
    let input = &args.input;
    CheckArgs {
        paths: args.paths.iter().map(rebase).collect(),
        input: InputArgs {
            manifest_path: input.manifest_path.as_ref().map(rebase),
            packages: input.packages.clone(),
            workspace: input.workspace,
            config: input.config.as_ref().map(rebase),
            jobs: Some(1),
        },
        ..CheckArgs::default()
    }
}

/// Commits done so far: a bar on a terminal, a line per commit elsewhere (a CI log).
struct Progress {
    bar: Option<ProgressBar>,
    done: usize,
    total: usize,
}

impl Progress {
    fn new(total: usize, on_terminal: bool) -> Progress {
        let bar = on_terminal.then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} commits {msg}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix("backfill");
            bar
        });
        Progress {
            bar,
            done: 0,
            total,
        }
    }

    fn finished(&mut self, line: &str, io: &mut Io<'_>) {
        self.done += 1;
        match &self.bar {
            Some(bar) => {
                bar.set_message(line.to_string());
                bar.inc(1);
            }
            None => {
                let _ = writeln!(io.stderr, "[{}/{}] {line}", self.done, self.total);
            }
        }
    }

    fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// One commit's outcome in a line: its score, or why it could not be analysed.
fn describe(entry: &HistoryEntry) -> String {
    match (&entry.scores, &entry.error) {
        (Some(scores), _) if scores.team.handlers == 0 => {
            format!("{} no handler found", entry.short_commit())
        }
        (Some(scores), _) => format!(
            "{} score {:.1}% of {} handlers",
            entry.short_commit(),
            scores.team.score,
            scores.team.handlers
        ),
        (None, Some(error)) => format!(
            "{} could not be analysed: {}",
            entry.short_commit(),
            error.lines().next().unwrap_or_default()
        ),
        (None, None) => entry.short_commit().to_string(),
    }
}

/// The backfilled series, oldest first: commit, time, and the score or the failure.
fn render_series(entries: &[HistoryEntry]) -> String {
    entries
        .iter()
        .map(|entry| format!("{}  {}\n", entry.time, describe(entry)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_temporary_folder_is_named_as_git_names_the_commit_tree() {
        let folder = std::env::temp_dir().join("failfirst-backfill-AbC123");
        let said = format!(
            "could not find `Cargo.toml` in `{}` or any parent directory; see {}",
            folder.display(),
            folder.join("src").join("main.rs").display()
        );
        let commit = "15f26604c9ab6e0b1b5d1f3c2c0e4a4d2b7f9e11";
        let expected = format!(
            "could not find `Cargo.toml` in `15f26604:` or any parent directory; see 15f26604:src{}main.rs",
            std::path::MAIN_SEPARATOR
        );
        assert_eq!(in_git_terms(&said, &folder, commit), expected);
    }
}
