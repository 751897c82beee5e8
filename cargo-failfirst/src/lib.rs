//! `cargo failfirst`: the command line, configuration of a run, and output formats around
//! [`lint_core`]. `main.rs` only calls [`run`], so that tests drive the whole program in
//! process.

pub mod cli;
pub mod config;
pub mod output;
pub mod workspace;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::Path;

use clap::Parser;
use lint_core::report::{Finding, Level, Report};
use lint_core::rules::{find_rule, ALL_RULES};
use lint_core::{analyze, AnalysisInput, AnalysisOptions};

use cli::{CheckArgs, Cli, Command, Format};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// Where a run writes, and whether its terminal takes colour.
pub struct Io<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    pub colour: bool,
}

impl Io<'_> {
    /// Colour only on a terminal, and never with `NO_COLOR` set.
    pub fn colour_for_terminal() -> bool {
        std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
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
    match cli.command {
        Some(Command::Rules) => {
            let _ = write!(io.stdout, "{}", render_rules());
            EXIT_OK
        }
        Some(Command::Explain { rule }) => match find_rule(&rule) {
            Some(found) => {
                let _ = writeln!(
                    io.stdout,
                    "# {}\n\n{}\n\ndefault level: {}\n\n{}",
                    found.name,
                    found.summary,
                    found.default_level.as_str(),
                    found.docs.trim_end()
                );
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

fn render_rules() -> String {
    let mut out = String::new();
    for rule in ALL_RULES {
        let questions = if rule.questions.is_empty() {
            "-".to_string()
        } else {
            rule.questions.join(" ")
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

fn check(args: &CheckArgs, cwd: &Path, io: &mut Io<'_>) -> i32 {
    let command_line_levels = match rule_levels(args) {
        Ok(levels) => levels,
        Err(message) => {
            let _ = writeln!(io.stderr, "error: {message}");
            return EXIT_ERROR;
        }
    };
    // Where the input is decides where its configuration is; the configuration decides
    // which of its files are read.
    let input = if args.paths.is_empty() {
        let selection = workspace::Selection {
            manifest_path: args.manifest_path.as_deref(),
            packages: &args.packages,
            workspace: args.workspace,
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
            return EXIT_ERROR;
        }
    };
    let config = match load_config(args, &input, cwd) {
        Ok(config) => config,
        Err(error) => {
            let _ = write!(io.stderr, "{}", error.render(io.colour));
            return EXIT_ERROR;
        }
    };
    let crates = match &input {
        Input::Workspace(workspace) => Ok(workspace.crates(cwd, &config.exclusions)),
        Input::Paths(paths) => workspace::crates_of_paths(cwd, paths, &config.exclusions),
    };
    let crates = match crates {
        Ok(crates) => crates,
        Err(error) => {
            let _ = writeln!(io.stderr, "error: {error}");
            return EXIT_ERROR;
        }
    };
    let sources: BTreeMap<String, std::path::PathBuf> = crates
        .iter()
        .flat_map(|crate_input| crate_input.files.iter())
        .map(|file| (file.display_path.clone(), file.path.clone()))
        .collect();
    let mut report = analyze(
        &AnalysisInput { crates },
        &AnalysisOptions {
            threads: args.jobs,
            knowledge: std::sync::Arc::new(config.knowledge),
        },
    );
    // The configuration's levels, then the command line's on top.
    let mut levels = config.levels;
    levels.extend(command_line_levels);
    apply_levels(&mut report, &levels);

    let rendered = match args.format {
        Format::Json => output::json::render(&report),
        Format::Human => {
            let read = |display: &str| {
                sources
                    .get(display)
                    .and_then(|path| std::fs::read(path).ok())
                    .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            };
            output::human::render(&report, &read, io.colour && args.output.is_none())
        }
    };
    match &args.output {
        Some(path) => {
            if let Err(error) = std::fs::write(path, rendered) {
                let _ = writeln!(
                    io.stderr,
                    "error: cannot write the report to {}: {error}",
                    path.display()
                );
                return EXIT_ERROR;
            }
        }
        None => {
            let _ = io.stdout.write_all(rendered.as_bytes());
        }
    }
    let denied = report
        .findings
        .iter()
        .any(|finding| finding.level == Level::Deny && finding.suppressed.is_none());
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
    if let Some((percent, origin)) = &below {
        let _ = writeln!(
            io.stderr,
            "error: the team score is {:.1}%, below the {percent}% that {origin} asks for",
            report.summary.score
        );
    }
    if denied || below.is_some() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
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
    if let Some(file) = &args.config {
        return config::load_explicit(file, cwd);
    }
    let starts: Vec<std::path::PathBuf> = match input {
        Input::Workspace(workspace) => vec![workspace.config_start()],
        Input::Paths(paths) => paths
            .iter()
            .map(|path| {
                if path.is_dir() {
                    path.clone()
                } else {
                    path.parent().map(Path::to_path_buf).unwrap_or_default()
                }
            })
            .collect(),
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
                Some(location) => workspace::display_path(location.path(), cwd),
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

fn apply_levels(report: &mut Report, levels: &BTreeMap<String, Level>) {
    for finding in &mut report.findings {
        if let Some(level) = levels.get(finding.rule) {
            finding.level = *level;
        }
    }
    // The answers see the allowed findings before they leave the report.
    report.settle();
    report
        .findings
        .retain(|finding: &Finding| finding.level != Level::Allow);
}
