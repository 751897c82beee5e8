//! The command line, as clap reads it.
//!
//! May import: nothing of this crate.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "Exit codes, the same for every format: 0 when no finding is at `deny` level (with\n`--baseline`, none it does not record; with `--diff-base`, none the change touches) and the team\nscore reaches the threshold (`--fail-under`, or `fail-under` in the configuration); 1 otherwise;\n2 on a usage, configuration or internal error (the message names the cause and the file).\n`cargo failfirst baseline` exits 0 once the baseline is written.";

/// Finds every RPC handler of a Rust workspace and asks whether it survives timeouts and
/// retries: is it idempotent, safe to retry, honest about downstream uncertainty, and does
/// it propagate its deadline.
#[derive(Debug, Parser)]
#[command(name = "cargo failfirst", bin_name = "cargo failfirst", version, args_conflicts_with_subcommands = true, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub check: CheckArgs,

    /// When to colour the output: `auto` colours a terminal unless `NO_COLOR` is set (or
    /// `CLICOLOR_FORCE` asks for colour anyway)
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every rule with its default level and the questions it answers
    Rules,
    /// Print a rule's documentation
    Explain {
        /// The rule's name, such as `parse-error`
        rule: String,
    },
    /// Show handlers' cards: each answer with its evidence
    ///
    /// A card holds the handler's route and place, each question's answer with the evidence
    /// behind it, the findings on its path, and the calls an `unknown` could not follow.
    Card(CardArgs),
    /// Write today's findings to `failfirst-baseline.json` at the workspace root, so that
    /// later runs with `--baseline` fail only on new findings
    Baseline(BaselineArgs),
    /// Run the language server over standard input and output, for an editor
    ///
    /// Diagnostics as the command line reports them, a code lens with the four answers above
    /// each handler, its card on hover, and quick fixes. docs/editors.md says how to set up
    /// VS Code, Neovim, Helix and Zed.
    Lsp,
    /// Print a completion script for a shell
    ///
    /// For example: `cargo failfirst completions bash >
    /// ~/.local/share/bash-completion/completions/cargo-failfirst`
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the team score, per question, per crate and per framework; keep its history
    ///
    /// The score only, from the same analysis as a full run: the share of handlers passing
    /// all four questions, the share per question, the unknown rate and the handler count,
    /// then the same per crate and per framework. `--record` adds it to the score history;
    /// `--backfill N` builds the history from the branch's last N commits.
    Score(ScoreArgs),
    /// Draw the score history as a dashboard page and a badge
    ///
    /// Writes `index.html` (one self-contained page: the score over time, today's
    /// handlers, what changed) and `badge.svg` (`failfirst | 72%`).
    Dashboard(DashboardArgs),
}

/// Which workspace and packages a run reads, with which configuration, on how many
/// threads: the options every command that lints shares (`cargo failfirst`, `card`,
/// `baseline`, `score`), declared once and flattened into each.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct InputArgs {
    /// Path to the Cargo.toml of the workspace or package to lint
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,

    /// Lint only this package of the workspace (may be repeated)
    #[arg(short = 'p', long = "package", value_name = "SPEC")]
    pub packages: Vec<String>,

    /// Lint every member of the workspace, not only the current package or the default
    /// members
    #[arg(long)]
    pub workspace: bool,

    /// Read the configuration from this file (a failfirst.toml, or a Cargo.toml with a
    /// `[workspace.metadata.failfirst]` or `[package.metadata.failfirst]` table) instead of
    /// looking for one from the linted package up to the workspace root
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Number of parallel parsing threads (default: one per core, or RAYON_NUM_THREADS)
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// Files or folders to lint; each file belongs to the crate of its nearest Cargo.toml.
    /// Without a path, lints the workspace around the current directory, as cargo does
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub input: InputArgs,

    /// How to print the score
    #[arg(long, value_enum, default_value_t = ScoreFormat::Human)]
    pub format: ScoreFormat,

    /// Add this run to the score history (default: `.failfirst/history.jsonl` at the
    /// workspace root); a commit recorded again replaces its entry
    #[arg(long, value_name = "FILE", num_args = 0..=1, conflicts_with = "backfill")]
    pub record: Option<Option<PathBuf>>,

    /// Build the history from the last N commits of the current branch, each read from
    /// git into a temporary folder: the work tree is not touched
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub backfill: Option<u32>,

    /// The history file `--backfill` writes (default: `.failfirst/history.jsonl` at the
    /// workspace root)
    #[arg(long, value_name = "FILE", requires = "backfill")]
    pub history: Option<PathBuf>,
}

impl ScoreArgs {
    /// The same input as a plain run of `cargo failfirst` reads it.
    pub fn check_args(&self) -> CheckArgs {
        CheckArgs {
            paths: self.paths.clone(),
            input: self.input.clone(),
            ..CheckArgs::default()
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    /// The score, then a table per crate and per framework
    Human,
    /// One JSON object: `score`, `questions`, `unknown_rate`, `handlers`, `crates`,
    /// `frameworks` (schema: docs/score.md)
    Json,
}

#[derive(Debug, clap::Args)]
pub struct DashboardArgs {
    /// The score history to draw (default: `.failfirst/history.jsonl` at the workspace
    /// root)
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,

    /// The folder to write `index.html` and `badge.svg` into (default:
    /// `failfirst/dashboard` in the workspace's target folder)
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Path to the Cargo.toml of the workspace whose history is drawn
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct CardArgs {
    /// Which handlers: a route (`"POST /api/payments"`, or only its path), a handler's path
    /// or its last segments (`payments::charge`), or a file, folder or `FILE:LINE` (which
    /// is then what is linted). Without one, the cards of every handler that fails or is
    /// unknown
    pub queries: Vec<String>,

    #[command(flatten)]
    pub input: InputArgs,
}

/// `cargo failfirst baseline`: what to lint, and where the baseline goes.
#[derive(Debug, clap::Args)]
pub struct BaselineArgs {
    /// Files or folders to lint; without a path, the workspace around the current directory
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub input: InputArgs,

    /// Set a rule to `deny` for this run (may be repeated)
    #[arg(short = 'D', long = "deny", value_name = "RULE")]
    pub deny: Vec<String>,

    /// Set a rule to `warn` for this run (may be repeated)
    #[arg(short = 'W', long = "warn", value_name = "RULE")]
    pub warn: Vec<String>,

    /// Turn a rule off for this run: its findings are not recorded (may be repeated)
    #[arg(short = 'A', long = "allow", value_name = "RULE")]
    pub allow: Vec<String>,

    /// Write the baseline to this file instead of the configuration's `baseline`, or
    /// `failfirst-baseline.json` at the workspace root
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Default, clap::Args)]
pub struct CheckArgs {
    /// Files or folders to lint; each file belongs to the crate of its nearest Cargo.toml.
    /// Without a path, lints the workspace around the current directory, as cargo does
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub input: InputArgs,

    /// How to print the report
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Print one rustc-shaped JSON diagnostic per line, as `cargo check
    /// --message-format=json` does, for rust-analyzer's `check.overrideCommand`; replaces
    /// `--format`
    #[arg(long, value_enum, value_name = "FMT", conflicts_with = "format")]
    pub message_format: Option<MessageFormat>,

    /// Write the report to this file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Set a rule to `deny` for this run: its findings fail the run (may be repeated)
    #[arg(short = 'D', long = "deny", value_name = "RULE")]
    pub deny: Vec<String>,

    /// Set a rule to `warn` for this run (may be repeated)
    #[arg(short = 'W', long = "warn", value_name = "RULE")]
    pub warn: Vec<String>,

    /// Turn a rule off for this run (may be repeated)
    #[arg(short = 'A', long = "allow", value_name = "RULE")]
    pub allow: Vec<String>,

    /// Fail (exit 1) when the team score, the share of handlers passing all four
    /// questions, is below this percentage; overrides the configuration's `fail-under`
    #[arg(long, value_name = "PCT", value_parser = percentage)]
    pub fail_under: Option<f64>,

    /// Report only findings not recorded in this baseline file (written by `cargo failfirst
    /// baseline`); overrides the configuration's `baseline`
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Report only findings on lines, or in handlers, that the change from this git
    /// revision to the working tree touches (such as `origin/main`), and the patch score:
    /// the share of the touched handlers that pass all four questions
    #[arg(long, value_name = "REV")]
    pub diff_base: Option<String>,

    /// After the table, print the card of every handler that fails or is unknown (the
    /// human format): each answer's evidence and what could not be resolved
    #[arg(long)]
    pub cards: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics, then a table of handlers (colour only on a terminal)
    #[default]
    Human,
    /// The full report as JSON (schema: docs/json-report.md)
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions annotations (workflow commands), and a job summary when
    /// GITHUB_STEP_SUMMARY is set
    Github,
    /// A Markdown summary: score, findings by rule, failing handlers (for a pull-request
    /// comment)
    Markdown,
    /// GitLab CI's code quality report (JSON)
    Gitlab,
}

/// `--message-format`, with cargo's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// The report as `--format` asks (the default)
    Human,
    /// One rustc-shaped JSON diagnostic per line, its `rendered` text without colour
    Json,
    /// As `json`, with ANSI colours in `rendered` (what rust-analyzer asks cargo for)
    #[value(name = "json-diagnostic-rendered-ansi")]
    JsonDiagnosticRenderedAnsi,
}

/// `--fail-under`: a percentage from 0 to 100.
fn percentage(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(value) if (0.0..=100.0).contains(&value) => Ok(value),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}
