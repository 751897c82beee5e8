//! The report as plain data: handlers with their four answers, findings, and the summary.
//! Serialisation formats belong to the binary; this only derives `Serialize` for the JSON
//! report, whose schema is documented in `docs/json-schema.md`.

use serde::Serialize;

/// How seriously a finding is taken: `deny` fails the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Verdict {
    #[serde(rename = "pass")]
    Pass,
    #[serde(rename = "fail")]
    Fail,
    #[serde(rename = "unknown")]
    Unknown,
    #[serde(rename = "n/a")]
    NotApplicable,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Unknown => "unknown",
            Verdict::NotApplicable => "n/a",
        }
    }
}

/// One question's answer for one handler.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub verdict: Verdict,
    pub evidence: Vec<String>,
}

impl Answer {
    /// The answer of a question this version does not analyse yet: `unknown`, saying so.
    pub fn not_analysed() -> Self {
        Answer {
            verdict: Verdict::Unknown,
            evidence: vec!["not analysed by this version of failfirst".to_string()],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Questions {
    pub q1_idempotent: Answer,
    pub q2_retry_safe: Answer,
    pub q3_downstream_uncertainty: Answer,
    pub q4_deadline: Answer,
}

impl Questions {
    pub fn not_analysed() -> Self {
        Questions {
            q1_idempotent: Answer::not_analysed(),
            q2_retry_safe: Answer::not_analysed(),
            q3_downstream_uncertainty: Answer::not_analysed(),
            q4_deadline: Answer::not_analysed(),
        }
    }

    pub fn all(&self) -> [&Answer; 4] {
        [
            &self.q1_idempotent,
            &self.q2_retry_safe,
            &self.q3_downstream_uncertainty,
            &self.q4_deadline,
        ]
    }
}

/// What a handler answers to: an HTTP route, a gRPC method, a topic or queue.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Route {
    Http {
        method: String,
        path: String,
    },
    Grpc {
        package: Option<String>,
        service: String,
        method: String,
    },
    Consumer {
        broker: String,
        topic: Option<String>,
    },
    /// Marked as a handler by an annotation; no route visible.
    Annotated,
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Route::Http { method, path } => write!(f, "{method} {path}"),
            Route::Grpc {
                package: Some(package),
                service,
                method,
            } => write!(f, "gRPC {package}.{service}/{method}"),
            Route::Grpc {
                package: None,
                service,
                method,
            } => write!(f, "gRPC {service}/{method}"),
            Route::Consumer { broker, topic } => {
                write!(f, "{broker} {}", topic.as_deref().unwrap_or("?"))
            }
            Route::Annotated => write!(f, "annotated"),
        }
    }
}

impl Serialize for Route {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Handler {
    /// The function's name, or `{closure}`.
    pub name: String,
    /// The function's full path: `payments_service::handlers::payments::charge`.
    pub path: String,
    pub framework: String,
    pub route: Route,
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// failfirst annotations on the function (`idempotent`, `deadline`, `handler`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<String>,
    pub questions: Questions,
    /// Calls in the handler's own body that the resolver could not follow, and why: the
    /// places where its answers may be blind.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unresolved_calls: Vec<UnresolvedCallReport>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnresolvedCallReport {
    pub callee: String,
    pub line: u32,
    pub reason: String,
}

/// One step of the call chain from a handler to a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainStep {
    pub function: String,
    pub file: String,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub level: Level,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub message: String,
    /// What to do about it, starting "consider …".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The handler the finding belongs to, by path, when it is on a handler's path: the
    /// first of `handlers`, the one `chain` starts from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
    /// Every handler whose path reaches the finding, by path, in report order: a statement
    /// in a shared helper breaks each of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub handlers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<ChainStep>,
    /// The finding is silenced by a suppression with this reason: it is reported here, but
    /// neither printed nor counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppressed>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    pub reason: String,
    /// Where the suppression is written.
    pub line: u32,
}

/// Counts that go beside the handlers and findings.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub files_failed: usize,
    pub crates: usize,
    pub handlers: usize,
    pub findings: FindingCounts,
    /// Share of handlers that pass all four questions, in percent.
    pub score: f64,
    /// Share of handlers with at least one `unknown` answer, in percent.
    pub unknown_rate: f64,
    pub calls: CallCounts,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FindingCounts {
    pub deny: usize,
    pub warn: usize,
}

/// How the resolver fared on the calls made by handlers and the functions they reach.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CallCounts {
    pub total: usize,
    pub workspace: usize,
    pub external: usize,
    pub unresolved: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub version: u32,
    pub handlers: Vec<Handler>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

/// Version of the JSON report's schema; bumped on any incompatible change.
pub const REPORT_VERSION: u32 = 1;

impl Report {
    /// Brings the answers and the summary in line with the findings as they stand after
    /// suppressions and rule levels: an answer that fails only on findings the team has
    /// accepted (suppressed with a reason, or a rule set to `allow`) passes, saying so;
    /// then the score, the unknown rate and the finding counts are worked out.
    pub fn settle(&mut self) {
        let cite =
            |finding: &Finding| format!("{} at {}:{}", finding.rule, finding.file, finding.line);
        let accepted: Vec<String> = self
            .findings
            .iter()
            .filter(|finding| finding.suppressed.is_some() || finding.level == Level::Allow)
            .map(cite)
            .collect();
        let active: Vec<String> = self
            .findings
            .iter()
            .filter(|finding| finding.suppressed.is_none() && finding.level != Level::Allow)
            .map(cite)
            .collect();
        for handler in &mut self.handlers {
            for answer in [
                &mut handler.questions.q1_idempotent,
                &mut handler.questions.q2_retry_safe,
                &mut handler.questions.q3_downstream_uncertainty,
                &mut handler.questions.q4_deadline,
            ] {
                if answer.verdict != Verdict::Fail {
                    continue;
                }
                let cited: Vec<&String> = answer
                    .evidence
                    .iter()
                    .filter(|line| cites_any(line, &accepted) || cites_any(line, &active))
                    .collect();
                let only_accepted = !cited.is_empty()
                    && cited
                        .iter()
                        .all(|line| cites_any(line, &accepted) && !cites_any(line, &active));
                if only_accepted {
                    let lines: Vec<String> = cited.into_iter().cloned().collect();
                    answer.verdict = Verdict::Pass;
                    answer.evidence = std::iter::once(
                        "passes on findings the team accepted (suppressed or allowed):".to_string(),
                    )
                    .chain(lines)
                    .collect();
                }
            }
        }
        let handler_count = self.handlers.len();
        let answers_all = |handler: &Handler, pass: fn(&Answer) -> bool| {
            handler.questions.all().into_iter().all(pass)
        };
        let passing = self
            .handlers
            .iter()
            .filter(|handler| {
                answers_all(handler, |answer| {
                    matches!(answer.verdict, Verdict::Pass | Verdict::NotApplicable)
                })
            })
            .count();
        let with_unknown = self
            .handlers
            .iter()
            .filter(|handler| !answers_all(handler, |answer| answer.verdict != Verdict::Unknown))
            .count();
        let percent = |count: usize| {
            if handler_count == 0 {
                0.0
            } else {
                (count as f64 * 1000.0 / handler_count as f64).round() / 10.0
            }
        };
        self.summary.handlers = handler_count;
        self.summary.score = percent(passing);
        self.summary.unknown_rate = percent(with_unknown);
        let count = |level: Level| {
            self.findings
                .iter()
                .filter(|finding| finding.level == level && finding.suppressed.is_none())
                .count()
        };
        self.summary.findings.deny = count(Level::Deny);
        self.summary.findings.warn = count(Level::Warn);
    }
}

/// Whether an evidence line cites one of the findings (`rule at file:line`, and not a
/// longer line number that starts the same).
fn cites_any(line: &str, citations: &[String]) -> bool {
    citations.iter().any(|citation| {
        line.match_indices(citation.as_str())
            .any(|(at, _)| !line[at + citation.len()..].starts_with(|c: char| c.is_ascii_digit()))
    })
}
