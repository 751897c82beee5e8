//! The score history: one JSON line per recorded commit (`.failfirst/history.jsonl` at the
//! workspace root unless another file is named), with the numbers of `cargo failfirst
//! score` and, per handler, its id and four answers. The format is in `docs/score.md`.
//!
//! May import: nothing of this crate.

pub mod git;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use lint_core::report::score::scoreboard;
use lint_core::report::{Report, Scoreboard, Verdict};
use serde::{Deserialize, Serialize};

/// Where the history is kept, relative to the workspace root.
pub const DEFAULT_HISTORY: &str = ".failfirst/history.jsonl";

/// This build's version, recorded with each entry: a change of version can move the score
/// without a change of code, and the dashboard marks it.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One recorded run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The commit analysed; absent outside a git repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The commit's time (RFC 3339), or the time of the run outside git.
    pub time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The work tree had changes not committed when the run was recorded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dirty: bool,
    /// The version of failfirst that recorded the entry.
    pub tool: String,
    /// Why the commit could not be analysed; the numbers are then absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The numbers, as `cargo failfirst score --format json` gives them.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub scores: Option<Scoreboard>,
    /// Per handler, its id and four answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<HandlerAnswers>,
}

/// One handler's answers at one commit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandlerAnswers {
    /// The handler's full path, as in the report (`payments::handlers::charge`).
    pub id: String,
    /// Its route; a function routed twice is two handlers.
    pub route: String,
    pub framework: String,
    /// `file:line` of the function.
    pub location: String,
    /// Q1 to Q4, in order.
    #[serde(with = "verdict_names")]
    pub verdicts: [Verdict; 4],
    /// For each question that fails, keyed as in the report, the evidence naming the
    /// findings behind the failure.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub failing: BTreeMap<String, Vec<String>>,
}

impl HandlerAnswers {
    /// What identifies a handler from one commit to the next.
    pub fn key(&self) -> (&str, &str) {
        (&self.id, &self.route)
    }

    /// The crate the handler is in.
    pub fn crate_name(&self) -> &str {
        lint_core::report::score::crate_of(&self.id)
    }
}

/// The questions as the human formats name them, in order.
pub const QUESTION_LABELS: [&str; 4] = [
    "Q1 idempotent",
    "Q2 safe to retry",
    "Q3 downstream uncertainty",
    "Q4 deadline propagated",
];

/// The keys of the four questions, in order, as the report names them.
pub const QUESTION_KEYS: [&str; 4] = [
    "q1_idempotent",
    "q2_retry_safe",
    "q3_downstream_uncertainty",
    "q4_deadline",
];

impl HistoryEntry {
    /// The entry of an analysed run.
    pub fn analysed(report: &Report, when: Recorded) -> HistoryEntry {
        let answers = report
            .handlers
            .iter()
            .map(|handler| {
                let questions = handler.questions.all();
                let failing = QUESTION_KEYS
                    .iter()
                    .zip(questions)
                    .filter(|(_, answer)| answer.verdict == Verdict::Fail)
                    .map(|(key, answer)| {
                        let sentences = answer.evidence.iter().map(ToString::to_string).collect();
                        (key.to_string(), sentences)
                    })
                    .collect();
                HandlerAnswers {
                    id: handler.path.clone(),
                    route: handler.route.to_string(),
                    framework: handler.framework.as_str().to_string(),
                    location: format!("{}:{}", handler.file, handler.line),
                    verdicts: questions.map(|answer| answer.verdict),
                    failing,
                }
            })
            .collect();
        HistoryEntry {
            commit: when.commit,
            time: when.time,
            branch: when.branch,
            dirty: when.dirty,
            tool: TOOL_VERSION.to_string(),
            error: None,
            scores: Some(scoreboard(&report.handlers)),
            answers,
        }
    }

    /// The entry of a commit that could not be analysed, and why.
    pub fn failed(error: String, when: Recorded) -> HistoryEntry {
        HistoryEntry {
            commit: when.commit,
            time: when.time,
            branch: when.branch,
            dirty: when.dirty,
            tool: TOOL_VERSION.to_string(),
            error: Some(error),
            scores: None,
            answers: Vec::new(),
        }
    }

    /// The entry's time, for ordering; entries whose time cannot be read sort first.
    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        self.time.parse().ok()
    }

    /// The time for people: `2026-05-30 11:26 UTC`, or as recorded when it cannot be read.
    pub fn display_time(&self) -> String {
        match self.timestamp() {
            Some(timestamp) => timestamp.strftime("%Y-%m-%d %H:%M UTC").to_string(),
            None => self.time.clone(),
        }
    }

    /// The first characters of the commit id, as git shows it short; `-` without one.
    pub fn short_commit(&self) -> &str {
        match &self.commit {
            Some(commit) => &commit[..commit.len().min(8)],
            None => "-",
        }
    }
}

/// When and from what an entry was recorded.
#[derive(Clone, Debug, Default)]
pub struct Recorded {
    pub commit: Option<String>,
    pub time: String,
    pub branch: Option<String>,
    pub dirty: bool,
}

impl Recorded {
    /// A run outside git: no commit, and the time is now.
    pub fn now() -> Recorded {
        Recorded {
            // Whole seconds, as git writes commit times; truncated, never in the future.
            time: jiff::Timestamp::from_second(jiff::Timestamp::now().as_second())
                .unwrap_or_else(|_| jiff::Timestamp::now())
                .to_string(),
            ..Recorded::default()
        }
    }

    pub fn commit(facts: git::CommitFacts, dirty: bool) -> Recorded {
        Recorded {
            commit: Some(facts.id),
            time: facts.time,
            branch: facts.branch,
            dirty,
        }
    }
}

/// A history file's entries, in time order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    pub entries: Vec<HistoryEntry>,
}

/// Why a history file could not be read or written; names the file (and the line).
#[derive(Debug)]
pub struct HistoryError(pub String);

impl std::fmt::Display for HistoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl History {
    /// Reads `path`; a file that does not exist is an empty history. Blank lines are
    /// skipped; a line that is not an entry is an error naming its line, so that a
    /// damaged history is never silently rewritten without it.
    pub fn read(path: &Path) -> Result<History, HistoryError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(History::default())
            }
            Err(error) => {
                return Err(HistoryError(format!(
                    "cannot read the score history {}: {error}",
                    path.display()
                )))
            }
        };
        let mut entries = Vec::new();
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let entry: HistoryEntry = serde_json::from_str(line).map_err(|error| {
                HistoryError(format!(
                    "{}:{}: not a score history entry: {error}",
                    path.display(),
                    number + 1
                ))
            })?;
            if entry.error.is_none() && entry.scores.is_none() {
                return Err(HistoryError(format!(
                    "{}:{}: not a score history entry: it has neither the numbers nor an `error`",
                    path.display(),
                    number + 1
                )));
            }
            entries.push(entry);
        }
        Ok(History { entries })
    }

    /// Writes the history to `path` as JSON Lines, creating its folder; the file is
    /// replaced whole, so a reader never sees half of it.
    pub fn write(&self, path: &Path) -> Result<(), HistoryError> {
        let cannot = |error: &dyn std::fmt::Display| {
            HistoryError(format!(
                "cannot write the score history {}: {error}",
                path.display()
            ))
        };
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&folder).map_err(|error| cannot(&error))?;
        let mut file = tempfile::NamedTempFile::new_in(&folder).map_err(|error| cannot(&error))?;
        for entry in &self.entries {
            let line = serde_json::to_string(entry).map_err(|error| cannot(&error))?;
            writeln!(file, "{line}").map_err(|error| cannot(&error))?;
        }
        file.persist(path).map_err(|error| cannot(&error))?;
        Ok(())
    }

    /// Adds `entry`: an entry of the same commit is replaced; then the entries are put in
    /// time order (entries of equal time keep their order).
    pub fn record(&mut self, entry: HistoryEntry) {
        let same_commit = entry.commit.as_ref().and_then(|commit| {
            self.entries
                .iter()
                .position(|existing| existing.commit.as_ref() == Some(commit))
        });
        match same_commit {
            Some(position) => self.entries[position] = entry,
            None => self.entries.push(entry),
        }
        self.entries.sort_by_key(HistoryEntry::timestamp);
    }

    /// The analysed entries, oldest first.
    pub fn analysed(&self) -> impl DoubleEndedIterator<Item = &HistoryEntry> {
        self.entries.iter().filter(|entry| entry.scores.is_some())
    }
}

/// Verdicts as the report spells them (`pass`, `fail`, `unknown`, `n/a`).
mod verdict_names {
    use lint_core::report::Verdict;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    const ALL: [Verdict; 4] = [
        Verdict::Pass,
        Verdict::Fail,
        Verdict::Unknown,
        Verdict::NotApplicable,
    ];

    pub fn serialize<S: Serializer>(
        verdicts: &[Verdict; 4],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(verdicts.iter().map(|verdict| verdict.as_str()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<[Verdict; 4], D::Error> {
        let names = <[String; 4]>::deserialize(deserializer)?;
        let mut verdicts = [Verdict::Unknown; 4];
        for (verdict, name) in verdicts.iter_mut().zip(&names) {
            *verdict = ALL
                .into_iter()
                .find(|candidate| candidate.as_str() == name)
                .ok_or_else(|| {
                    D::Error::custom(format!(
                        "`{name}` is not a verdict (pass, fail, unknown, n/a)"
                    ))
                })?;
        }
        Ok(verdicts)
    }
}
