//! Retry libraries, one record per file: how a retry of theirs starts (a function given the
//! operation, or a method called on it), and what it does when the code says nothing — its
//! delay, its jitter, its bound, which errors it retries, how long it may take.
//!
//! The facts interpret these records and name no library: supporting another retry crate
//! is a record here plus a fixture.

pub mod again;
pub mod backoff;
pub mod backon;
pub mod retry_crate;
pub mod tokio_retry;

use super::{words, Path};

/// Every retry library the analysis knows of, in the order their records are read.
pub fn builtin() -> Vec<RetryLibrary> {
    vec![
        backoff::record(),
        tokio_retry::record(),
        retry_crate::record(),
        again::record(),
        backon::record(),
    ]
}

/// A library that runs an operation again when it fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryLibrary {
    /// How the evidence names a retry of it: `backoff`, `tokio-retry`.
    pub name: String,
    pub starts: Vec<RetryStart>,
    /// Strategies whose delay does not grow (`FixedInterval`), named where the retry is
    /// configured; any other delay of the library grows.
    pub constant_strategies: Vec<String>,
    pub jitter: Jitter,
    pub limit: Limit,
    pub errors: Errors,
    /// How long the retry may take by default, before it gives up.
    pub default_worst_case: Option<DefaultWorstCase>,
}

/// How a retry starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetryStart {
    /// A function given the operation as an argument: `backoff::future::retry(policy, op)`.
    Function {
        path: Path,
        /// Which argument is the operation run on each attempt.
        operation_arg: usize,
        /// It retries every error the operation returns (`again::retry`, where
        /// `again::retry_if` takes a predicate).
        every_error: bool,
    },
    /// A method called on the operation (backon's `(|| async { .. }).retry(builder)`), when
    /// its argument, or the local it names, names one of the builders.
    Method { name: String, builders: Vec<String> },
}

/// Whether the delays are randomised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Jitter {
    /// By default, unless the delay is constant: backoff's `ExponentialBackoff` randomises
    /// each interval.
    UnlessConstant,
    /// Only when the configuration calls one of the methods or names one of the words
    /// (`.with_jitter()`, `.map(jitter)`).
    WhenNamed {
        methods: Vec<String>,
        names: Vec<String>,
    },
}

/// What bounds a retry by default, and the methods of its configuration that change that.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limit {
    pub default: Bound,
    /// A method whose call in the configuration gives the retry another bound: tokio-retry's
    /// `.take(n)` bounds the attempts, backon's `without_max_times()` removes the bound.
    pub changed_by: Vec<(String, Bound)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    Attempts,
    Elapsed,
    Unbounded,
}

/// Which errors are retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Errors {
    /// Those the code says (a predicate, a `when`), or every error where the start says so
    /// ([`RetryStart::Function::every_error`]).
    AsStarted,
    /// The operation's error decides: a `?` inside it retries every error, permanent ones
    /// included, unless the operation classifies them with one of these methods
    /// (`map_err`) or functions (`backoff::Error::permanent`).
    QuestionMarkUnlessClassified {
        methods: Vec<String>,
        functions: Vec<String>,
    },
}

/// How long a retry left to its defaults takes before it gives up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultWorstCase {
    pub ms: u64,
    /// Methods (or names) of the configuration that set another figure.
    pub overridden_by: Vec<String>,
    /// The figure is that of the growing delays: a constant strategy has another.
    pub growing_only: bool,
}

impl RetryLibrary {
    /// The start a resolved function path is, if any.
    pub fn function_start(&self, path: &[impl AsRef<str>]) -> Option<(usize, bool)> {
        self.starts.iter().find_map(|start| match start {
            RetryStart::Function {
                path: known,
                operation_arg,
                every_error,
            } if super::same_path(path, known) => Some((*operation_arg, *every_error)),
            _ => None,
        })
    }

    /// The builders a method start named `method` looks for in its argument.
    pub fn method_start(&self, method: &str) -> Option<&[String]> {
        self.starts.iter().find_map(|start| match start {
            RetryStart::Method { name, builders } if name == method => Some(builders.as_slice()),
            _ => None,
        })
    }

    /// The methods called on the operation that start a retry (the index keeps where their
    /// receiver is written).
    pub fn start_methods(&self) -> impl Iterator<Item = &str> {
        self.starts.iter().filter_map(|start| match start {
            RetryStart::Method { name, .. } => Some(name.as_str()),
            RetryStart::Function { .. } => None,
        })
    }
}

/// A library whose policy is an iterator of delays (tokio-retry's strategies, the `retry`
/// crate's): it retries for as long as the iterator gives delays, forever unless `.take(n)`
/// ends it, randomised only through `jitter`, and only the errors its start says.
pub(crate) fn delay_iterator(
    name: &str,
    starts: Vec<RetryStart>,
    constant_strategies: &[&str],
) -> RetryLibrary {
    RetryLibrary {
        name: name.to_string(),
        starts,
        constant_strategies: words(constant_strategies),
        jitter: Jitter::WhenNamed {
            methods: words(&["jitter"]),
            names: words(&["jitter"]),
        },
        limit: Limit {
            default: Bound::Unbounded,
            changed_by: vec![("take".to_string(), Bound::Attempts)],
        },
        errors: Errors::AsStarted,
        default_worst_case: None,
    }
}

/// A function that starts a retry of the operation at `operation_arg`.
pub(crate) fn function(path: &str, operation_arg: usize, every_error: bool) -> RetryStart {
    RetryStart::Function {
        path: super::path(path),
        operation_arg,
        every_error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str) -> Vec<&str> {
        text.split("::").collect()
    }

    #[test]
    fn each_start_belongs_to_one_library() {
        let libraries = builtin();
        let starting = |path: &str| -> Vec<&str> {
            libraries
                .iter()
                .filter(|library| library.function_start(&written(path)).is_some())
                .map(|library| library.name.as_str())
                .collect()
        };
        assert_eq!(starting("backoff::future::retry"), ["backoff"]);
        assert_eq!(starting("tokio_retry::RetryIf::spawn"), ["tokio-retry"]);
        assert_eq!(starting("retry::retry"), ["retry"]);
        assert!(starting("tokio::spawn").is_empty());
        // again::retry retries every error; retry_if takes a predicate.
        let again = &libraries[libraries.iter().position(|l| l.name == "again").unwrap()];
        assert_eq!(
            again.function_start(&written("again::retry")),
            Some((0, true))
        );
        assert_eq!(
            again.function_start(&written("again::retry_if")),
            Some((0, false))
        );
        let methods: Vec<&str> = libraries.iter().flat_map(|l| l.start_methods()).collect();
        assert_eq!(methods, ["retry"]);
    }
}
