//! Why a question is answered as it is, as typed data, and the sentence each piece of
//! evidence reads as. The verdicts say what the evidence is; only this module says it in
//! words, for the JSON report and every format the binary draws.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::facts::DownstreamKind;

/// A finding, by what identifies it in a run: its rule and where it points. Two handlers
/// that reach the same statement share the finding, and cite it by the same id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FindingId {
    pub rule: &'static str,
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// A line of a file, as reports name it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    pub file: String,
    pub line: u32,
}

/// A finding that an answer rests on, and the functions through which the handler reaches
/// it (empty when the finding is in the handler itself).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Citation {
    pub finding: FindingId,
    pub via: Vec<String>,
}

/// Why a write passes Q1.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WriteSafety {
    RecordsTheKey,
    Idempotent,
    /// An update that changes only rows still in the state its `WHERE` tests.
    StateTransition,
    /// An upsert or `DO NOTHING` on a unique key the schema has.
    IdempotentOnKey(KeyShown),
    AppendsToAuditTable,
    /// A rate limit's bucket, which a retry is meant to count.
    CountsAnAttempt,
    SharesTheKeysTransaction,
    /// An insert whose row meets a unique key filled from the request.
    UniqueKey(KeyShown),
    /// It runs only when a claim (or a lookup) of the key succeeded.
    Guarded {
        claim: String,
        at: Place,
        lookup: bool,
    },
    /// An insert that runs only when a lookup of the row found nothing (get-or-create,
    /// update-else-insert): a retry after the first attempt finds the row.
    AfterRowLookup {
        lookup: String,
        at: Place,
    },
    /// A retry fails first at another insert, on a unique key (or a key table).
    StoppedBy {
        write: String,
        at: Place,
        key: Option<KeyShown>,
    },
    /// It inserts again the rows a `DELETE` just before removed.
    Replaces {
        delete: String,
        at: Place,
    },
}

/// A unique key of the schema, for evidence: its name, columns and the migration that
/// made it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyShown {
    pub name: String,
    pub columns: Vec<String>,
    pub file: String,
}

/// What bounds a call, as the facts describe it: only what the evidence says, so that the
/// same bound reached along two paths is the same evidence.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BoundShown {
    /// The facts' description: `client built with `.timeout(..)``.
    Described(String),
    /// The inbound gRPC metadata is copied onto the request.
    ForwardedMetadata,
}

/// Why a call that may be I/O could not be read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unfollowed {
    /// The resolver's reason.
    Unresolved(String),
    /// The external path it reaches, in a store's crate, in a form the facts do not read.
    UnreadForm(String),
}

/// One piece of evidence for an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// A finding that fails the question.
    Finding(Citation),
    /// Q2: a downstream call without a key that a retry of the handler sends again.
    ResentOnRetry(Citation),
    /// Q2 fails because Q1 does.
    FailsWithQ1,
    /// The answer passes because every finding that failed it was accepted with a reason in
    /// the code (suppressed); the accepted findings follow.
    AcceptedFindings,
    NoDownstreamCall,
    TouchesNoStore,
    NoIo,
    /// Q1: no write at all.
    NoStateWrite,
    /// Q2: no write, so nothing a retry repeats.
    NothingToRepeat,
    /// Q2: every write is idempotent and no unkeyed mutation goes downstream.
    EveryWriteIdempotent,
    /// A write on the path, and why it is safe.
    SafeWrite {
        write: String,
        at: Place,
        safety: WriteSafety,
    },
    /// A store access the facts could not judge.
    UnknownAccess {
        api: String,
        at: Place,
        reason: String,
    },
    /// Q2: the key that a write records comes from the request.
    KeyFromRequest {
        source: String,
        source_at: Place,
        record: String,
        record_at: Place,
    },
    /// Q2: a write records a key that is not seen to come from the request.
    KeyNotFromRequest {
        record: String,
        at: Place,
    },
    /// Q2: by data flow, the key a write claims is not made by the handler.
    KeyClaimedFromRequest {
        record: String,
        at: Place,
    },
    /// Q2: a retry loses a claim and does not repeat what it guards.
    RetryLosesClaim {
        claim: String,
        at: Place,
    },
    /// Q1: `ON CONFLICT (cols)` names no unique key of the table in the migrations.
    ConflictTargetNotAKey {
        write: String,
        at: Place,
        target: Vec<String>,
        table: String,
    },
    /// Q1: an insert whose unique keys the schema could not tell, and why.
    UniqueKeysNotKnown {
        write: String,
        at: Place,
        reason: String,
    },
    /// Q3: a downstream call whose idempotency is not known.
    UnknownIdempotency {
        call: DownstreamKind,
        api: String,
        at: Place,
        /// What could not be told, where the facts say.
        reason: Option<String>,
    },
    /// Q3: a downstream call safe to repeat: idempotent, or keyed.
    SafeCall {
        call: DownstreamKind,
        at: Place,
        idempotent: bool,
        /// Its HTTP method is the incoming request's, as the handler is routed.
        method_from_route: bool,
    },
    /// Q4: the bound a downstream call runs under.
    CallBound {
        call: DownstreamKind,
        at: Place,
        bound: BoundShown,
    },
    /// Q4: a downstream call whose bound could not be told, and why.
    UnknownBound {
        call: DownstreamKind,
        at: Place,
        reason: String,
    },
    /// The handler's calls were not followed to the end: more functions along its paths
    /// than the limit.
    PathNotFollowed {
        limit: u64,
    },
    /// A call not followed because it is deeper than the call-depth limit, behind which a
    /// store is touched or a downstream called.
    CallTooDeep {
        function: String,
        at: Place,
        limit: usize,
        /// What happens past it: a store touched, a downstream called, or both.
        past_it: String,
    },
    /// A call that may be I/O but that the analysis could not follow.
    Unseen {
        method: String,
        at: Place,
        why: Unfollowed,
    },
}

impl Evidence {
    /// The finding this evidence rests on, if it rests on one.
    pub fn cites(&self) -> Option<&FindingId> {
        match self {
            Evidence::Finding(citation) | Evidence::ResentOnRetry(citation) => {
                Some(&citation.finding)
            }
            _ => None,
        }
    }
}

impl fmt::Display for KeyShown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` ({}) in {}",
            self.name,
            self.columns.join(", "),
            self.file
        )
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {}:{}",
            self.finding.rule, self.finding.file, self.finding.line
        )?;
        if !self.via.is_empty() {
            write!(f, " (via {})", self.via.join(" → "))?;
        }
        Ok(())
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Evidence::Finding(citation) => write!(f, "{citation}"),
            Evidence::ResentOnRetry(citation) => {
                write!(f, "a retry of the handler re-sends it: {citation}")
            }
            Evidence::FailsWithQ1 => f.write_str("Q1 fails: a retry is not the same as one run"),
            Evidence::AcceptedFindings => {
                f.write_str("passes on findings accepted in the code with a reason (suppressed):")
            }
            Evidence::NoDownstreamCall => f.write_str("no downstream call on this handler's path"),
            Evidence::TouchesNoStore => f.write_str("touches no store"),
            Evidence::NoIo => f.write_str("no I/O on this handler's path"),
            Evidence::NoStateWrite => {
                f.write_str("read-only: no state write on this handler's path")
            }
            Evidence::NothingToRepeat => f.write_str("read-only: nothing a retry could repeat"),
            Evidence::EveryWriteIdempotent => f.write_str(
                "every write is idempotent, and no unkeyed mutation is sent downstream",
            ),
            Evidence::SafeWrite { write, at, safety } => {
                let why = match safety {
                    WriteSafety::RecordsTheKey => "records the idempotency key".to_string(),
                    WriteSafety::Idempotent => "is idempotent".to_string(),
                    WriteSafety::StateTransition => "changes only rows still in the state its `WHERE` tests (a state transition): a retry finds none left to change".to_string(),
                    WriteSafety::IdempotentOnKey(key) => {
                        format!("is idempotent on the unique key {key}")
                    }
                    WriteSafety::AppendsToAuditTable => {
                        "appends to an audit or log table".to_string()
                    }
                    WriteSafety::CountsAnAttempt => {
                        "counts an attempt against a rate limit (a retry is one more attempt)"
                            .to_string()
                    }
                    WriteSafety::SharesTheKeysTransaction => {
                        "shares its transaction with the recorded idempotency key".to_string()
                    }
                    WriteSafety::UniqueKey(key) => {
                        format!("cannot duplicate: a retry meets the unique key {key}")
                    }
                    WriteSafety::Guarded { claim, at, lookup } => format!(
                        "runs only when the {} {claim} at {at} succeeded",
                        if *lookup { "lookup of the key" } else { "claim" }
                    ),
                    WriteSafety::AfterRowLookup { lookup, at } => format!(
                        "runs only when {lookup} at {at} found no row: a retry after the first attempt finds it"
                    ),
                    WriteSafety::StoppedBy { write, at, key } => format!(
                        "does not run twice: a retry fails first at `{write}` at {at}{}",
                        key.as_ref()
                            .map(|key| format!(" on the unique key {key}"))
                            .unwrap_or_default()
                    ),
                    WriteSafety::Replaces { delete, at } => {
                        format!("replaces the rows `{delete}` at {at} deleted before it")
                    }
                };
                write!(f, "`{write}` at {at} {why}")
            }
            Evidence::KeyClaimedFromRequest { record, at } => write!(
                f,
                "the key that `{record}` at {at} records comes from the request, not from the handler: a retry claims the same key"
            ),
            Evidence::RetryLosesClaim { claim, at } => write!(
                f,
                "a retry loses the claim {claim} at {at} and does not repeat the writes it guards"
            ),
            Evidence::ConflictTargetNotAKey {
                write,
                at,
                target,
                table,
            } => write!(
                f,
                "`{write}` at {at}: `ON CONFLICT ({})` names no unique key of `{table}` in the migrations",
                target.join(", ")
            ),
            Evidence::UniqueKeysNotKnown { write, at, reason } => write!(
                f,
                "`{write}` at {at}: the unique keys it meets are not known ({reason})"
            ),
            Evidence::UnknownAccess { api, at, reason } => write!(f, "{api} at {at}: {reason}"),
            Evidence::KeyFromRequest {
                source,
                source_at,
                record,
                record_at,
            } => write!(
                f,
                "the key from {source} at {source_at} is recorded by `{record}` at {record_at}"
            ),
            Evidence::KeyNotFromRequest { record, at } => write!(
                f,
                "`{record}` at {at} records a key that is not seen to come from the request (a header, a body field, a message id)"
            ),
            Evidence::UnknownIdempotency {
                call,
                api,
                at,
                reason,
            } => {
                write!(
                    f,
                    "whether {} (`{api}`) at {at} is idempotent is not known",
                    call.describe()
                )?;
                match reason {
                    Some(reason) => write!(f, ": {reason}"),
                    None => Ok(()),
                }
            }
            Evidence::SafeCall {
                call,
                at,
                idempotent,
                method_from_route,
            } => {
                let how = if *idempotent {
                    "is idempotent"
                } else {
                    "carries an idempotency key"
                };
                let whose = if *method_from_route {
                    " (the incoming request's method, as the handler is routed)"
                } else {
                    ""
                };
                write!(f, "{}{whose} at {at} {how}", call.describe())
            }
            Evidence::UnknownBound { call, at, reason } => {
                write!(f, "{} at {at}: {reason}", call.describe())
            }
            Evidence::CallBound { call, at, bound } => {
                let how = match bound {
                    BoundShown::Described(what) => what.as_str(),
                    BoundShown::ForwardedMetadata => "forwarded inbound metadata",
                };
                write!(f, "{} at {at} bounded by {how}", call.describe())
            }
            Evidence::PathNotFollowed { limit } => write!(
                f,
                "its calls were not followed to the end: more than {limit} functions along its paths (`max-path-steps`)"
            ),
            Evidence::CallTooDeep {
                function,
                at,
                limit,
                past_it,
            } => write!(
                f,
                "the call of `{function}` at {at} was not followed: it is more than {limit} calls from the handler (the call-depth limit), and past it {past_it}"
            ),
            Evidence::Unseen { method, at, why } => {
                let why = match why {
                    Unfollowed::Unresolved(reason) => reason.clone(),
                    Unfollowed::UnreadForm(path) => {
                        format!("`{path}` is not a form this analysis reads")
                    }
                };
                write!(
                    f,
                    "`.{method}()` at {at} could not be followed ({why}): it may be I/O this analysis does not see"
                )
            }
        }
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
