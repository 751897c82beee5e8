//! The words every layer shares: how seriously a finding is taken ([`Level`]), the four
//! questions ([`Question`]) and their answers ([`Verdict`]), what a handler answers to
//! ([`Route`]) and which framework routes it ([`Framework`]).
//!
//! The bottom of the crate: it imports nothing of it, and any layer may import it. Each
//! word has one spelling ([`Level::as_str`], [`Route`]'s `Display` …) that users read in
//! every output; how a format lays those spellings out is the report's and the binary's
//! business.
//!
//! May import: nothing of this crate.

/// How seriously a finding is taken: `deny` fails the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// One of the four questions asked of every handler (SPEC §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Question {
    /// Idempotent on the data model?
    Q1,
    /// Safe to retry after a timeout?
    Q2,
    /// Does the handler survive a downstream that commits at the moment of its timeout?
    Q3,
    /// Is a deadline propagated into downstream calls?
    Q4,
}

impl Question {
    pub const ALL: [Question; 4] = [Question::Q1, Question::Q2, Question::Q3, Question::Q4];

    /// `q1` … `q4`, as `cargo failfirst rules` lists them.
    pub fn as_str(self) -> &'static str {
        match self {
            Question::Q1 => "q1",
            Question::Q2 => "q2",
            Question::Q3 => "q3",
            Question::Q4 => "q4",
        }
    }
}

/// A question's answer for one handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Pass,
    Fail,
    Unknown,
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

/// What routes a handler to its requests: a web framework, tonic, a message consumer loop,
/// an annotation, or the team's own framework described in its configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Framework {
    Axum,
    ActixWeb,
    Poem,
    Rocket,
    Warp,
    Tonic,
    Consumer,
    /// Marked `#[failfirst::handler]`, `#[idempotent]` or `#[deadline]`, routed by nothing
    /// the analysis reads.
    Annotated,
    /// An in-house framework's attribute or routing call, named by the configuration.
    Configured,
}

impl Framework {
    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Axum => "axum",
            Framework::ActixWeb => "actix-web",
            Framework::Poem => "poem",
            Framework::Rocket => "rocket",
            Framework::Warp => "warp",
            Framework::Tonic => "tonic",
            Framework::Consumer => "consumer",
            Framework::Annotated => "annotated",
            Framework::Configured => "configured",
        }
    }
}

impl std::fmt::Display for Framework {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
