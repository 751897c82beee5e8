//! The whole analysis: parse every file in parallel, index, discover, report.

use std::panic::{catch_unwind, AssertUnwindSafe};

use rayon::prelude::*;

use crate::discovery::{discover, DiscoveredHandler, HandlerFunction};
use crate::index::{build_index, CallTarget, FileSummary, FnId, WorkspaceIndex};
use crate::location::TextRange;
use crate::report::*;
use crate::rules;
use crate::sources::{parse_source, CrateInput, ParseProblem};

/// Worker threads get a large stack: syntax trees of generated code are deep, and walking or
/// dropping them recurses. The memory is reserved, not used, until a file needs it.
const WORKER_STACK_BYTES: usize = 256 * 1024 * 1024;

pub struct AnalysisInput {
    pub crates: Vec<CrateInput>,
}

#[derive(Clone, Debug, Default)]
pub struct AnalysisOptions {
    /// Parallel workers; `None` takes rayon's default (one per core, or `RAYON_NUM_THREADS`).
    pub threads: Option<usize>,
}

pub struct Analysis {
    pub report: Report,
    pub index: WorkspaceIndex,
    pub handlers: Vec<DiscoveredHandler>,
}

pub fn analyze(input: &AnalysisInput, options: &AnalysisOptions) -> Analysis {
    let files: Vec<(&std::path::Path, &str)> = input
        .crates
        .iter()
        .flat_map(|crate_input| {
            crate_input
                .files
                .iter()
                .map(|file| (file.path.as_path(), file.display_path.as_str()))
        })
        .collect();
    let parsed = parse_all(&files, options);
    let mut problems = Vec::new();
    let mut summaries = Vec::with_capacity(parsed.len());
    for (position, outcome) in parsed.into_iter().enumerate() {
        match outcome {
            Ok(summary) => summaries.push(Some(summary)),
            Err(problem) => {
                problems.push((position, problem));
                summaries.push(None);
            }
        }
    }
    let index = build_index(&input.crates, summaries);
    let handlers = discover(&index);
    let report = build_report(&index, &handlers, &problems);
    Analysis {
        report,
        index,
        handlers,
    }
}

fn parse_all(
    files: &[(&std::path::Path, &str)],
    options: &AnalysisOptions,
) -> Vec<Result<FileSummary, ParseProblem>> {
    let work = || -> Vec<Result<FileSummary, ParseProblem>> {
        files.par_iter().map(|(path, _)| parse_one(path)).collect()
    };
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK_BYTES);
    if let Some(threads) = options.threads {
        builder = builder.num_threads(threads);
    }
    match builder.build() {
        Ok(pool) => pool.install(work),
        // No pool (threads refused by the system): parse on this thread, in order.
        Err(_) => files.iter().map(|(path, _)| parse_one(path)).collect(),
    }
}

fn parse_one(path: &std::path::Path) -> Result<FileSummary, ParseProblem> {
    let outcome = match std::fs::read(path) {
        Ok(bytes) => catch_unwind(AssertUnwindSafe(|| parse_source(&bytes))).unwrap_or_else(|_| {
            Err(ParseProblem {
                message: "internal error while parsing this file".to_string(),
                range: TextRange::default(),
            })
        }),
        Err(error) => Err(ParseProblem {
            message: format!("cannot read file: {error}"),
            range: TextRange::default(),
        }),
    };
    // Every span of this file is now a line and column: the source map can go.
    proc_macro2::extra::invalidate_current_thread_spans();
    outcome
}

fn build_report(
    index: &WorkspaceIndex,
    handlers: &[DiscoveredHandler],
    problems: &[(usize, ParseProblem)],
) -> Report {
    let mut findings = Vec::new();
    for (position, problem) in problems {
        let file = &index.files[*position];
        if !file.reported {
            continue;
        }
        let rule = &rules::parse_error::RULE;
        let start = problem.range.start;
        let end = problem.range.end;
        findings.push(Finding {
            rule: rule.name,
            level: rule.default_level,
            file: file.display_path.clone(),
            line: start.line.max(1),
            column: start.column.max(1),
            end_line: end.line.max(start.line.max(1)),
            end_column: end.column.max(1),
            message: problem.message.clone(),
            help: None,
            handler: None,
            chain: Vec::new(),
        });
    }
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule))
    });

    let reported_handlers: Vec<Handler> = handlers
        .iter()
        .filter(|handler| index.file(handler.file(index)).reported)
        .map(|handler| {
            let range = handler.range(index);
            Handler {
                name: handler.name(index),
                path: handler.path(index),
                framework: handler.framework.to_string(),
                route: handler.route.clone(),
                file: index.file(handler.file(index)).display_path.clone(),
                line: range.start.line,
                column: range.start.column,
                annotations: handler.annotations.clone(),
                questions: Questions::not_analysed(),
            }
        })
        .collect();

    let calls = count_calls(index, handlers);
    let handler_count = reported_handlers.len();
    let passing = reported_handlers
        .iter()
        .filter(|handler| {
            handler
                .questions
                .all()
                .iter()
                .all(|answer| matches!(answer.verdict, Verdict::Pass | Verdict::NotApplicable))
        })
        .count();
    let with_unknown = reported_handlers
        .iter()
        .filter(|handler| {
            handler
                .questions
                .all()
                .iter()
                .any(|answer| answer.verdict == Verdict::Unknown)
        })
        .count();
    let percent = |count: usize| {
        if handler_count == 0 {
            0.0
        } else {
            (count as f64 * 1000.0 / handler_count as f64).round() / 10.0
        }
    };
    let summary = Summary {
        files: index.files.len(),
        files_failed: problems.len(),
        crates: index.crates.len(),
        handlers: handler_count,
        findings: FindingCounts {
            deny: findings
                .iter()
                .filter(|finding| finding.level == Level::Deny)
                .count(),
            warn: findings
                .iter()
                .filter(|finding| finding.level == Level::Warn)
                .count(),
        },
        score: percent(passing),
        unknown_rate: percent(with_unknown),
        calls,
    };
    Report {
        version: REPORT_VERSION,
        handlers: reported_handlers,
        findings,
        summary,
    }
}

/// How the resolver fared on the calls of handler functions.
fn count_calls(index: &WorkspaceIndex, handlers: &[DiscoveredHandler]) -> CallCounts {
    let mut functions: Vec<FnId> = handlers
        .iter()
        .filter(|handler| index.file(handler.file(index)).reported)
        .map(|handler| match handler.function {
            HandlerFunction::Function(id) | HandlerFunction::Closure { enclosing: id, .. } => id,
        })
        .collect();
    functions.sort();
    functions.dedup();
    let mut counts = CallCounts::default();
    for function in functions {
        let context = index.context_of(function);
        for call in &index.fn_def(function).summary.body.calls {
            counts.total += 1;
            match index.resolve_call(context, call) {
                CallTarget::Local(_) => counts.workspace += 1,
                CallTarget::External(_) => counts.external += 1,
                CallTarget::Unresolved(_) => counts.unresolved += 1,
            }
        }
    }
    counts
}
