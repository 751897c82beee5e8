//! `cargo failfirst`: the command line, configuration of a run, and output formats around
//! [`lint_core`]. `main.rs` only calls [`run`], so that tests drive the whole program in
//! process.

pub mod baseline;
pub mod changes;
pub mod cli;
pub mod config;
pub mod dashboard;
pub mod diagnostic;
pub mod display;
pub mod history;
pub mod identity;
pub mod lsp;
pub mod migrations;
pub mod output;
mod progress;
pub mod score;
pub mod sources;
pub mod workspace;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser};
use lint_core::report::{Level, Report};
use lint_core::rules::{find_rule, ALL_RULES};
use lint_core::{analyze, AnalysisInput, AnalysisOptions};

use cli::{BaselineArgs, CardArgs, CheckArgs, Cli, ColorChoice, Command, Format, MessageFormat};
use identity::FindingIdentity;
use output::human::HumanStyle;
use sources::SourceTexts;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// Where a run writes, and what its terminal can show.
pub struct Io<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether standard output takes colour under `--color auto`.
    pub colour: bool,
    /// The width to fit tables to: the terminal's; `None` when not a terminal.
    pub width: Option<usize>,
    /// Whether standard error is a terminal, where a progress bar can be drawn.
    pub progress: bool,
    /// The environment variables the run reads: CI's `GITHUB_STEP_SUMMARY`,
    /// `GITHUB_WORKSPACE`, `CI_PROJECT_DIR`.
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

impl Io<'_> {
    /// Whether standard output takes colour under `--color auto`, as cargo decides: on a
    /// terminal unless `NO_COLOR` is set or `TERM` is `dumb`, and always with
    /// `CLICOLOR_FORCE` (anstream reads these).
    pub fn colour_for_terminal() -> bool {
        anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
    }

    /// The width of the terminal standard output is on; `None` when it is not one.
    pub fn terminal_width() -> Option<usize> {
        let stdout = std::io::stdout();
        if !stdout.is_terminal() {
            return None;
        }
        terminal_size::terminal_size_of(&stdout).map(|(width, _)| usize::from(width.0))
    }

    /// Whether standard error is a terminal.
    pub fn progress_for_terminal() -> bool {
        std::io::stderr().is_terminal()
    }
}

/// Runs the program with `args` (without the program name; a leading `failfirst`, which
/// cargo passes to its subcommands, is skipped) and returns the exit code.
pub fn run(args: Vec<OsString>, cwd: &Path, io: &mut Io<'_>) -> i32 {
    let mut args = args;
    if args.first().is_some_and(|first| first == "failfirst") {
        args.remove(0);
    }
    let cli =
        match Cli::try_parse_from(std::iter::once(OsString::from("cargo failfirst")).chain(args)) {
            Ok(cli) => cli,
            Err(error) => {
                let code = if error.use_stderr() {
                    EXIT_ERROR
                } else {
                    EXIT_OK
                };
                let rendered = error.render();
                let text = if io.colour {
                    rendered.ansi().to_string()
                } else {
                    rendered.to_string()
                };
                let sink: &mut dyn Write = if error.use_stderr() {
                    &mut *io.stderr
                } else {
                    &mut *io.stdout
                };
                let _ = write!(sink, "{text}");
                return code;
            }
        };
    io.colour = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io.colour,
    };
    match cli.command {
        Some(Command::Card(args)) => card(&args, cwd, io),
        Some(Command::Score(args)) => score::run(&args, cwd, io),
        Some(Command::Dashboard(args)) => dashboard::run(&args, cwd, io),
        Some(Command::Baseline(args)) => write_baseline(&args, cwd, io),
        Some(Command::Lsp) => lsp::serve(cwd),
        Some(Command::Completions { shell }) => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "cargo-failfirst", &mut io.stdout);
            EXIT_OK
        }
        Some(Command::Rules) => {
            let _ = write!(io.stdout, "{}", render_rules());
            EXIT_OK
        }
        Some(Command::Explain { rule }) => match find_rule(&rule) {
            Some(found) => {
                let _ = write!(io.stdout, "{}", explain_text(found));
                EXIT_OK
            }
            None => {
                let _ = writeln!(
                    io.stderr,
                    "error: unknown rule `{rule}`{}",
                    did_you_mean(&rule)
                );
                EXIT_ERROR
            }
        },
        None => check(&cli.check, cwd, io),
    }
}

/// A rule's page, as `explain` prints it and the language server links it.
pub fn explain_text(rule: &lint_core::rules::Rule) -> String {
    format!(
        "# {}\n\n{}\n\ndefault level: {}\n\n{}\n",
        rule.name,
        rule.summary,
        rule.default_level.as_str(),
        rule.docs.trim_end()
    )
}

fn render_rules() -> String {
    let mut out = String::new();
    for rule in ALL_RULES {
        let questions = if rule.questions.is_empty() {
            "-".to_string()
        } else {
            rule.questions
                .iter()
                .map(|question| question.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        out.push_str(&format!(
            "{:<36} {:<5} {:<8} {}\n",
            rule.name,
            rule.default_level.as_str(),
            questions,
            rule.summary
        ));
    }
    out
}

fn did_you_mean(name: &str) -> String {
    match lint_core::rules::closest_rule(name) {
        Some(rule) => format!(" (did you mean `{}`?)", rule.name),
        None => " (`cargo failfirst rules` lists them)".to_string(),
    }
}

/// A finished analysis, and what the outputs need from the run that made it.
pub(crate) struct Analysed {
    pub(crate) report: Report,
    /// Each reported file's path on disk, by display path: the snippets read them.
    sources: BTreeMap<String, std::path::PathBuf>,
    config: config::Config,
    /// The crates analysed: `--message-format json` names each finding's package.
    crates: Vec<lint_core::sources::CrateInput>,
    /// The workspace root (the current directory for paths given on the command line):
    /// where the baseline is written and the score history kept.
    pub(crate) root: PathBuf,
}

fn check(args: &CheckArgs, cwd: &Path, io: &mut Io<'_>) -> i32 {
    // `cargo failfirst --workspace baseline` reads `baseline` as a path: say what was meant.
    let subcommand = args.paths.iter().find_map(|path| {
        let name = path.to_str()?;
        let known = Cli::command()
            .get_subcommands()
            .any(|command| command.get_name() == name);
        (known && !cwd.join(path).exists()).then_some(name)
    });
    if let Some(name) = subcommand {
        let _ = writeln!(
            io.stderr,
            "error: `{name}` is a subcommand and comes before the options: `cargo failfirst {name} [OPTIONS]`"
        );
        return EXIT_ERROR;
    }
    let analysed = match analyse(args, cwd, io) {
        Ok(analysed) => analysed,
        Err(code) => return code,
    };
    let Analysed {
        mut report,
        sources: paths,
        config,
        crates,
        root: _,
    } = analysed;
    let sources = SourceTexts::new(paths, cwd);
    let baseline_file = args
        .baseline
        .as_ref()
        .map(|file| cwd.join(file))
        .or_else(|| config.baseline.clone());
    // Identities read each finding's statement: only a baseline and the fingerprints of
    // SARIF and GitLab need them.
    let needs_identities = baseline_file.is_some()
        || (args
            .message_format
            .is_none_or(|format| format == MessageFormat::Human)
            && matches!(args.format, Format::Sarif | Format::Gitlab));
    let mut identities = if needs_identities {
        identity::identify(&report, &sources)
    } else {
        Vec::new()
    };

    // A baseline leaves out what it records, before the change narrows what is left: an
    // entry outside the change is not "fixed".
    if let Some(file) = &baseline_file {
        let shown = display::display_path(file, cwd);
        let recorded = match baseline::load(file, &shown) {
            Ok(recorded) => recorded,
            Err(message) => {
                let _ = writeln!(io.stderr, "error: {message}");
                return EXIT_ERROR;
            }
        };
        let (applied, kept) = baseline::apply(&mut report, identities, &recorded);
        identities = kept;
        report.summary.baselined = Some(applied.baselined);
        report.summary.baseline_fixed = Some(applied.fixed);
        if applied.fixed > 0 {
            let _ = writeln!(
                io.stderr,
                "note: {} of the baseline {shown} {} gone; `cargo failfirst baseline{}` writes it again, smaller",
                output::style::plural(applied.fixed, "finding", "findings"),
                if applied.fixed == 1 { "is" } else { "are" },
                if args.baseline.is_some() {
                    format!(" -o {shown}")
                } else {
                    String::new()
                }
            );
        }
    }
    let touched: Option<BTreeSet<usize>> = match &args.diff_base {
        Some(rev) => match changes::changed_lines(cwd, rev) {
            Ok(changed) => Some(changes::keep_changed(
                &mut report,
                &mut identities,
                &changed,
                &sources,
            )),
            Err(changes::ChangeError(message)) => {
                let _ = writeln!(io.stderr, "error: {message}");
                return EXIT_ERROR;
            }
        },
        None => None,
    };
    report.count_findings();

    let denied = report
        .findings
        .iter()
        .any(|finding| finding.level == Level::Deny && finding.is_reported());
    let threshold = args
        .fail_under
        .map(|percent| (percent, "`--fail-under`".to_string()))
        .or_else(|| {
            config.fail_under.map(|percent| {
                let origin = config.origin.as_deref().unwrap_or("the configuration");
                (percent, format!("`fail-under` in {origin}"))
            })
        });
    // With no handler there is no score to hold to a threshold.
    let below = threshold
        .filter(|(percent, _)| report.summary.handlers > 0 && report.summary.score < *percent);
    let code = if denied || below.is_some() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };

    let repository_root = match args.format {
        // In a GitHub workflow the checkout's root is what annotations and code scanning
        // resolve paths against, wherever the run starts.
        Format::Github | Format::Sarif => (io.env)("GITHUB_WORKSPACE"),
        Format::Gitlab => (io.env)("CI_PROJECT_DIR"),
        _ => None,
    }
    .filter(|root| !root.is_empty())
    .map(PathBuf::from);
    let rendering = output::Rendering {
        report: &report,
        sources: &sources,
        identities: &identities,
        touched: touched.as_ref(),
        colour: io.colour && args.output.is_none(),
        repository_root,
    };
    let rendered = match (args.message_format, args.format) {
        (Some(json @ (MessageFormat::Json | MessageFormat::JsonDiagnosticRenderedAnsi)), _) => {
            output::rustc::render(
                &output::Rendering {
                    colour: json == MessageFormat::JsonDiagnosticRenderedAnsi,
                    ..rendering
                },
                &output::rustc::packages(&crates),
                code == EXIT_OK,
            )
        }
        (Some(MessageFormat::Human) | None, Format::Human) => output::human::render(
            &report,
            &|display| sources.text(display).map(str::to_string),
            HumanStyle {
                colour: io.colour && args.output.is_none(),
                width: if args.output.is_none() {
                    io.width
                } else {
                    None
                },
                cards: args.cards,
            },
        ),
        (Some(MessageFormat::Human) | None, Format::Json) => output::json::render(&report),
        (Some(MessageFormat::Human) | None, Format::Sarif) => output::sarif::render(&rendering),
        (Some(MessageFormat::Human) | None, Format::Github) => {
            write_job_summary(&rendering, io);
            output::github::render(&rendering)
        }
        (Some(MessageFormat::Human) | None, Format::Markdown) => {
            output::markdown::render(&rendering)
        }
        (Some(MessageFormat::Human) | None, Format::Gitlab) => output::gitlab::render(&rendering),
    };
    match &args.output {
        Some(path) => {
            if let Err(code) = emit(&rendered, Some(path), "the report", io) {
                return code;
            }
            // The report is in the file; the log still says how the run went.
            let _ = writeln!(
                io.stderr,
                "{} · report written to {}",
                output::human::summary_line(&report),
                path.display()
            );
        }
        None => {
            let _ = emit(&rendered, None, "the report", io);
        }
    }
    if let Some((percent, origin)) = &below {
        let _ = writeln!(
            io.stderr,
            "error: the team score is {:.1}%, below the {percent}% that {origin} asks for",
            report.summary.score
        );
    }
    code
}

/// With `--format github` in a workflow, the Markdown summary is appended to the job's
/// summary page.
fn write_job_summary(rendering: &output::Rendering<'_>, io: &mut Io<'_>) {
    let Some(file) = (io.env)("GITHUB_STEP_SUMMARY").filter(|file| !file.is_empty()) else {
        return;
    };
    let summary = output::markdown::render(rendering);
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
        .and_then(|mut summary_file| summary_file.write_all(summary.as_bytes()));
    if let Err(error) = written {
        let _ = writeln!(
            io.stderr,
            "warning: cannot append the job summary to {file} (GITHUB_STEP_SUMMARY): {error}"
        );
    }
}

/// Writes `text` to `file`, or to standard output.
fn emit(text: &str, file: Option<&Path>, what: &str, io: &mut Io<'_>) -> Result<(), i32> {
    match file {
        Some(path) => std::fs::write(path, text).map_err(|error| {
            let _ = writeln!(
                io.stderr,
                "error: cannot write {what} to {}: {error}",
                path.display()
            );
            EXIT_ERROR
        }),
        None => {
            let _ = io.stdout.write_all(text.as_bytes());
            Ok(())
        }
    }
}

/// `cargo failfirst baseline`: today's findings (those not suppressed) written to the
/// baseline file, with what changed since the one it replaces.
fn write_baseline(args: &BaselineArgs, cwd: &Path, io: &mut Io<'_>) -> i32 {
    let check_args = CheckArgs {
        paths: args.paths.clone(),
        input: args.input.clone(),
        deny: args.deny.clone(),
        warn: args.warn.clone(),
        allow: args.allow.clone(),
        ..CheckArgs::default()
    };
    let Analysed {
        mut report,
        sources: paths,
        config,
        root,
        ..
    } = match analyse(&check_args, cwd, io) {
        Ok(analysed) => analysed,
        Err(code) => return code,
    };
    report.findings.retain(|finding| finding.is_reported());
    let sources = SourceTexts::new(paths, cwd);
    let identities: Vec<FindingIdentity> = identity::identify(&report, &sources);
    let file = args
        .output
        .as_ref()
        .map(|file| cwd.join(file))
        .or(config.baseline)
        .unwrap_or_else(|| root.join(baseline::BASELINE_FILE_NAME));
    let shown = display::display_path(&file, cwd);
    let previous = file
        .is_file()
        .then(|| baseline::load(&file, &shown).ok())
        .flatten();
    let written = baseline::baseline_of(&identities);
    if let Some(folder) = file.parent() {
        // A configured `ci/failfirst-baseline.json` in a fresh checkout.
        let _ = std::fs::create_dir_all(folder);
    }
    if let Err(code) = emit(&baseline::render(&written), Some(&file), "the baseline", io) {
        return code;
    }
    let mut line = format!(
        "wrote {shown}: {}",
        output::style::plural(written.findings.len(), "finding", "findings")
    );
    if let Some(previous) = previous {
        let total = report.findings.len();
        let (applied, _) = baseline::apply(&mut report, identities, &previous);
        let _ = write!(
            line,
            " ({} new, {} gone since the baseline it replaces)",
            total - applied.baselined,
            applied.fixed
        );
    }
    let _ = writeln!(io.stderr, "{line}");
    EXIT_OK
}

/// `cargo failfirst card`: the cards of the handlers the queries name, or of every handler
/// that fails or is unknown.
fn card(args: &CardArgs, cwd: &Path, io: &mut Io<'_>) -> i32 {
    // A query naming a file or folder (with a line or not) is also what to lint; a folder
    // only says where to look, a file or `FILE:LINE` also picks the handlers in it.
    let mut paths = Vec::new();
    let mut selectors = Vec::new();
    for query in &args.queries {
        let place = match query.rsplit_once(':') {
            Some((file, line)) if line.parse::<u32>().is_ok() => file,
            _ => query.as_str(),
        };
        let on_disk = cwd.join(place);
        if !place.is_empty() && on_disk.exists() {
            paths.push(std::path::PathBuf::from(place));
            if on_disk.is_dir() {
                continue;
            }
        }
        selectors.push(query.clone());
    }
    let check_args = CheckArgs {
        paths,
        input: args.input.clone(),
        ..CheckArgs::default()
    };
    let analysed = match analyse(&check_args, cwd, io) {
        Ok(analysed) => analysed,
        Err(code) => return code,
    };
    let report = &analysed.report;
    let mut chosen: Vec<&lint_core::report::Handler> = Vec::new();
    for query in &selectors {
        let found = output::cards::select(report, query);
        if found.is_empty() {
            let _ = writeln!(
                io.stderr,
                "error: no handler matches `{query}`: give a route (`POST /api/orders`), a handler's path (`orders::create_order`) or a place (`src/orders.rs:40`); `cargo failfirst` lists the handlers"
            );
            return EXIT_ERROR;
        }
        for handler in found {
            if !chosen.iter().any(|already| std::ptr::eq(*already, handler)) {
                chosen.push(handler);
            }
        }
    }
    if selectors.is_empty() {
        chosen = report
            .handlers
            .iter()
            .filter(|handler| output::cards::needs_a_look(handler))
            .collect();
        if chosen.is_empty() {
            let _ = writeln!(
                io.stdout,
                "every handler passes: no card needs a look ({})",
                output::human::summary_line(report)
            );
            return EXIT_OK;
        }
    }
    let paint = output::style::Paint::new(io.colour);
    let _ = write!(
        io.stdout,
        "{}",
        output::cards::render(report, &chosen, &paint)
    );
    EXIT_OK
}

/// Reads the input and its configuration, runs the analysis and applies the rule levels,
/// saying on standard error what the user should know about the input (files without a
/// crate, no handler found). An error is printed, and its exit code returned.
pub(crate) fn analyse(args: &CheckArgs, cwd: &Path, io: &mut Io<'_>) -> Result<Analysed, i32> {
    let command_line_levels = match rule_levels(args) {
        Ok(levels) => levels,
        Err(message) => {
            let _ = writeln!(io.stderr, "error: {message}");
            return Err(EXIT_ERROR);
        }
    };
    // Where the input is decides where its configuration is; the configuration decides
    // which of its files are read.
    let input = if args.paths.is_empty() {
        let selection = workspace::Selection {
            manifest_path: args.input.manifest_path.as_deref(),
            packages: &args.input.packages,
            workspace: args.input.workspace,
        };
        workspace::read_workspace(cwd, &selection)
            .map(|workspace| Input::Workspace(Box::new(workspace)))
    } else {
        workspace::requested_paths(cwd, &args.paths).map(Input::Paths)
    };
    let input = match input {
        Ok(input) => input,
        Err(error) => {
            let _ = writeln!(io.stderr, "error: {error}");
            return Err(EXIT_ERROR);
        }
    };
    let mut config = match load_config(args, &input, cwd) {
        Ok(config) => config,
        Err(error) => {
            let _ = write!(io.stderr, "{}", error.render(io.colour));
            return Err(EXIT_ERROR);
        }
    };
    // The schema the code writes to, from the migrations of the input's folders: a walk of
    // its own, made beside the walk for the crates' sources (each is a fraction of a second
    // on a large tree, spent before any file is parsed).
    let (search_roots, crate_dirs) = match &input {
        Input::Workspace(workspace) => (vec![workspace.root()], Vec::new()),
        Input::Paths(paths) => (
            paths.iter().filter(|path| path.is_dir()).cloned().collect(),
            paths.iter().map(|path| folder_of(path)).collect(),
        ),
    };
    let max_file_bytes = config
        .max_file_bytes
        .unwrap_or(lint_core::DEFAULT_MAX_FILE_BYTES);
    let (crates, schema_sources) = std::thread::scope(|scope| {
        let schema_sources = scope.spawn(|| {
            migrations::schema_sources(
                &search_roots,
                &crate_dirs,
                cwd,
                &config.exclusions,
                max_file_bytes,
            )
        });
        let crates = match &input {
            Input::Workspace(workspace) => Ok(workspace.crates(cwd, &config.exclusions)),
            Input::Paths(paths) => {
                workspace::crates_of_paths(cwd, paths, &config.exclusions).map(|found| {
                    warn_without_manifest(&found.without_manifest, io);
                    found.crates
                })
            }
        };
        let schema_sources = schema_sources
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (crates, schema_sources)
    });
    let crates = match crates {
        Ok(crates) => crates,
        Err(error) => {
            let _ = writeln!(io.stderr, "error: {error}");
            return Err(EXIT_ERROR);
        }
    };
    if let Err(message) = something_to_lint(&input, &crates, &config, cwd) {
        let _ = writeln!(io.stderr, "error: {message}");
        return Err(EXIT_ERROR);
    }
    let sources: BTreeMap<String, std::path::PathBuf> = crates
        .iter()
        .flat_map(|crate_input| crate_input.files.iter())
        .map(|file| (file.display_path.clone(), file.path.clone()))
        .collect();
    let root = match &input {
        Input::Workspace(workspace) => workspace.root(),
        Input::Paths(_) => cwd.to_path_buf(),
    };
    let progress = io.progress.then(progress::ParsingBar::new);
    let analysis_input = AnalysisInput {
        crates,
        schema_sources,
    };
    let threads = args.input.jobs.map(|jobs| capped_jobs(jobs, io));
    let mut report = analyze(
        &analysis_input,
        &AnalysisOptions {
            threads,
            knowledge: std::sync::Arc::new(std::mem::take(&mut config.knowledge)),
            progress: progress.as_ref().map(progress::ParsingBar::observer),
            max_file_bytes: config.max_file_bytes,
            max_path_steps: config.max_path_steps,
        },
    );
    if let Some(progress) = progress {
        progress.finish();
    }
    // The configuration's levels, then the command line's on top.
    let mut levels = std::mem::take(&mut config.levels);
    levels.extend(command_line_levels);
    apply_levels(&mut report, &levels);
    if report.handlers.is_empty() {
        warn_no_handler(&input, &report, io);
    }
    Ok(Analysed {
        report,
        sources,
        config,
        crates: analysis_input.crates,
        root,
    })
}

/// More parsing threads than the cores (or than 64 on a smaller machine) gain nothing, and
/// each reserves a large stack: `-j 100000` would spawn threads until the system refuses.
fn max_jobs() -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .max(64)
}

/// `-j N`, capped at [`max_jobs`] with a warning.
fn capped_jobs(jobs: usize, io: &mut Io<'_>) -> usize {
    let most = max_jobs();
    if jobs <= most {
        return jobs;
    }
    let _ = writeln!(
        io.stderr,
        "warning: -j {jobs} is more parsing threads than failfirst runs here; using {most}"
    );
    most
}

/// Files named or found with no `Cargo.toml` above them are linted as crates of their own,
/// where `crate::` and `super::` paths may not resolve: say so, naming a few.
fn warn_without_manifest(files: &[String], io: &mut Io<'_>) {
    let Some(first) = files.first() else {
        return;
    };
    let named = if files.len() == 1 {
        first.clone()
    } else {
        format!(
            "{first} and {}",
            output::style::plural(files.len() - 1, "other file", "other files")
        )
    };
    let _ = writeln!(
        io.stderr,
        "warning: no Cargo.toml above {named}: linted as a crate of its own, so paths relative to its crate (`crate::`, `super::`) may not resolve\n  help: lint the crate's folder, or the workspace, to read it as cargo builds it"
    );
}

/// A path given on the command line as a folder: itself, or the folder of a file.
fn folder_of(path: &Path) -> std::path::PathBuf {
    if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    }
}

/// A run that reads no file judges nothing and must not pass as clean: a folder given with
/// no Rust file in it, or a workspace whose files are all excluded, is an error.
fn something_to_lint(
    input: &Input,
    crates: &[lint_core::sources::CrateInput],
    config: &config::Config,
    cwd: &Path,
) -> Result<(), String> {
    let reported = || {
        crates
            .iter()
            .flat_map(|crate_input| crate_input.files.iter())
            .filter(|file| file.reported)
    };
    let excluded = if config.exclusions.matcher().is_some() {
        format!(
            ", or every one is excluded by `exclude` in {}",
            config.origin.as_deref().unwrap_or("the configuration")
        )
    } else {
        String::new()
    };
    match input {
        Input::Paths(paths) => {
            for path in paths.iter().filter(|path| path.is_dir()) {
                if !reported().any(|file| file.path.starts_with(path)) {
                    let shown = display::display_path(path, cwd);
                    return Err(format!(
                        "no Rust file found in {}{excluded}",
                        if shown.is_empty() { "." } else { &shown }
                    ));
                }
            }
            Ok(())
        }
        Input::Workspace(workspace) => {
            if reported().next().is_none() {
                return Err(format!(
                    "nothing to lint: no Rust file found in {}{excluded}",
                    workspace.describe_chosen()
                ));
            }
            Ok(())
        }
    }
}

/// A run that found no handler has no score: say so, and what may help.
fn warn_no_handler(input: &Input, report: &Report, io: &mut Io<'_>) {
    let summary = &report.summary;
    let _ = writeln!(
        io.stderr,
        "warning: no handler found in {} of {}: nothing was judged",
        output::style::plural(summary.files, "file", "files"),
        output::style::plural(summary.crates, "crate", "crates")
    );
    if let Input::Workspace(workspace) = input {
        if let Some(others) = workspace.members_left_out() {
            let _ = writeln!(
                io.stderr,
                "  help: this linted {}; `--workspace` lints every member ({others} more), or give a path",
                workspace.describe_chosen()
            );
        }
    }
    let _ = writeln!(
        io.stderr,
        "  help: a handler registered in a way failfirst does not read can be marked `#[failfirst::handler]`, or its attribute or routing call named under `[handlers]` in failfirst.toml"
    );
}

/// What a run lints: the cargo workspace, or the paths given.
enum Input {
    Workspace(Box<workspace::Workspace>),
    Paths(Vec<std::path::PathBuf>),
}

/// The configuration given with `--config`, or the one found from the input up to its
/// workspace root, or none. Paths under different configurations cannot share a run.
fn load_config(
    args: &CheckArgs,
    input: &Input,
    cwd: &Path,
) -> Result<config::Config, config::ConfigError> {
    if let Some(file) = &args.input.config {
        return config::load_explicit(file, cwd);
    }
    let starts: Vec<std::path::PathBuf> = match input {
        Input::Workspace(workspace) => vec![workspace.config_start()],
        Input::Paths(paths) => paths.iter().map(|path| folder_of(path)).collect(),
    };
    let mut locations = Vec::new();
    for start in &starts {
        let location = config::locate(start, cwd)?;
        if !locations.contains(&location) {
            locations.push(location);
        }
    }
    match locations.as_slice() {
        [] | [None] => Ok(config::Config::default()),
        [Some(location)] => config::load(location, cwd),
        [first, second, ..] => {
            let describe = |location: &Option<config::Location>| match location {
                Some(location) => display::display_path(location.path(), cwd),
                None => "no configuration".to_string(),
            };
            Err(config::ConfigError::whole_file(
                describe(first),
                format!(
                    "the paths given fall under different configurations ({} and {})",
                    describe(first),
                    describe(second)
                ),
            )
            .with_help("lint them in separate runs, or name one configuration with `--config`"))
        }
    }
}

/// Levels set on the command line, later flags winning as with clippy.
fn rule_levels(args: &CheckArgs) -> Result<BTreeMap<String, Level>, String> {
    let mut levels = BTreeMap::new();
    for (names, level) in [
        (&args.allow, Level::Allow),
        (&args.warn, Level::Warn),
        (&args.deny, Level::Deny),
    ] {
        for name in names {
            if find_rule(name).is_none() {
                return Err(format!("unknown rule `{name}`{}", did_you_mean(name)));
            }
            levels.insert(name.clone(), level);
        }
    }
    Ok(levels)
}

/// Sets each finding's level from `levels`, settles the answers, and drops the findings
/// turned off.
pub(crate) fn apply_levels(report: &mut Report, levels: &BTreeMap<String, Level>) {
    for finding in &mut report.findings {
        if let Some(level) = levels.get(finding.rule) {
            finding.level = *level;
        }
    }
    // A rule turned off decides what is printed and what fails the run, never an answer
    // or the score: its findings stay in the report (the JSON shows them at level `allow`,
    // for the answers that cite them) and no format prints or counts them.
    report.settle();
}
