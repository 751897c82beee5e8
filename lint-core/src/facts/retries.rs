//! Retries: loops whose error path goes round again around work, and retries of the
//! libraries in `knowledge/retry/`, read from their records with their defaults. Whether a retry wraps a downstream call is decided when a handler's path
//! is followed ([`super::reach`]); here each candidate is described.

use super::deadlines::path_is;
use super::{Budget, Delay, Retry};
use crate::index::CompactString;
use crate::index::{
    BodySummary, CallSite, CallTarget, Callee, ExitKind, FnId, LoopKeyword, LoopSummary, Mentions,
    WorkspaceIndex,
};
use crate::knowledge::retry::{Bound as RetryBound, Errors, Jitter};
use crate::knowledge::{
    Knowledge, ERROR_CLASSIFIERS, EVENT_LOOP_MACROS, FAILURE_CHECKS, GROWTH_METHODS, JITTER_CRATES,
    JITTER_METHODS, JITTER_NAME_PARTS, PENDING_WORDS, SLEEP_FUNCTIONS,
};
use crate::location::TextRange;

fn is_sleep(target: &CallTarget) -> bool {
    matches!(target, CallTarget::External(path) if SLEEP_FUNCTIONS.iter().any(|known| path_is(path, known)))
}

fn is_random(call: &CallSite, target: &CallTarget) -> bool {
    let path_random = match target {
        CallTarget::External(path) => path
            .first()
            .is_some_and(|first| JITTER_CRATES.contains(&first.as_str())),
        _ => false,
    };
    let named_random = match &call.callee {
        Callee::Method { method, .. } => JITTER_METHODS.contains(&method.as_str()),
        Callee::Path(path) => path.iter().any(|segment| {
            let lowered = segment.to_ascii_lowercase();
            JITTER_NAME_PARTS.iter().any(|part| lowered.contains(part))
                || JITTER_CRATES.contains(&segment.as_str())
        }),
    };
    path_random || named_random
}

pub(super) fn sleeps(resolved: &[CallTarget]) -> bool {
    resolved.iter().any(is_sleep)
}

pub(super) fn randomises(body: &BodySummary, resolved: &[CallTarget]) -> bool {
    body.calls
        .iter()
        .zip(resolved)
        .any(|(call, target)| is_random(call, target))
}

pub(super) fn retries(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    resolved: &[CallTarget],
) -> Vec<Retry> {
    let body = &index.fn_def(function).summary.body;
    let mut out: Vec<Retry> = body
        .loops
        .iter()
        .filter_map(|candidate| loop_retry(index, body, candidate, resolved))
        .collect();
    for (position, call) in body.calls.iter().enumerate() {
        if let Some(retry) = library_retry(index, knowledge, function, call, &resolved[position]) {
            out.push(retry);
        }
    }
    out
}

/// Retries through a helper of the workspace that retries the operation it is given
/// (`retry(|| client.post(url).send(), 5)`): each is a retry here, at the helper's call,
/// with the closure written here as what each attempt runs and the helper's loop deciding
/// the delay, the jitter and the budget.
pub(super) fn helper_retries(
    index: &WorkspaceIndex,
    function: FnId,
    resolved: &[CallTarget],
) -> Vec<Retry> {
    let body = &index.fn_def(function).summary.body;
    let mut out = Vec::new();
    for (call, target) in body.calls.iter().zip(resolved) {
        let CallTarget::Local(helpers) = target else {
            continue;
        };
        let passes_closure = call.arg_ranges.iter().any(|argument| {
            body.closures
                .iter()
                .any(|closure| argument.contains_range(closure))
        });
        if !passes_closure {
            continue;
        }
        for helper in helpers {
            let Some((param, retry)) = retried_parameter(index, *helper) else {
                continue;
            };
            let summary = &index.fn_def(*helper).summary;
            // `Retrier::run(&retrier, || ..)`: the first argument is `self`.
            let skipped = usize::from(matches!(call.callee, Callee::Path(_)) && summary.has_self);
            let Some(operation) = call.arg_ranges.get(param + skipped) else {
                continue;
            };
            out.push(Retry {
                anchor: call.statement,
                body: *operation,
                origin: format!("`{}(..)`", summary.name),
                ..retry
            });
            break;
        }
    }
    out
}

/// A helper that retries the operation it is given: a loop retry of its own whose attempts
/// call one of its parameters (`op().await`). The parameter's position and the retry.
fn retried_parameter(index: &WorkspaceIndex, helper: FnId) -> Option<(usize, Retry)> {
    let body = &index.fn_def(helper).summary.body;
    let calls_of_parameters: Vec<(usize, TextRange)> = body
        .calls
        .iter()
        .filter_map(|call| match &call.callee {
            Callee::Path(path) if path.len() == 1 => {
                super::given::param_position(index, helper, &path[0])
                    .map(|position| (position, call.range))
            }
            _ => None,
        })
        .collect();
    if calls_of_parameters.is_empty() || body.loops.is_empty() {
        return None;
    }
    let context = index.context_of(helper);
    let resolved: Vec<CallTarget> = body
        .calls
        .iter()
        .map(|call| index.resolve_call(context, call))
        .collect();
    body.loops
        .iter()
        .filter_map(|candidate| loop_retry(index, body, candidate, &resolved))
        .find_map(|retry| {
            calls_of_parameters
                .iter()
                .find(|(_, range)| retry.body.contains_range(range))
                .map(|(position, _)| (*position, retry))
        })
}

fn within(outer: &TextRange, inner: &TextRange) -> bool {
    outer.contains_range(inner)
}

fn loop_retry(
    index: &WorkspaceIndex,
    body: &BodySummary,
    candidate: &LoopSummary,
    resolved: &[CallTarget],
) -> Option<Retry> {
    let inside = |range: &TextRange| within(&candidate.body, range);
    // Stream and channel loops, and loops over data, are not retries.
    if candidate.keyword == LoopKeyword::While && candidate.is_while_let {
        return None;
    }
    if candidate.keyword == LoopKeyword::For && !candidate.over_range {
        return None;
    }
    if body.macros.iter().any(|mac| {
        inside(&mac.range)
            && mac
                .path
                .last()
                .is_some_and(|last| EVENT_LOOP_MACROS.contains(&last.as_str()))
    }) {
        return None;
    }
    let error_arms: Vec<_> = body
        .error_arms
        .iter()
        .filter(|arm| inside(&arm.range))
        .collect();
    let checks_failure = body.calls.iter().any(|call| {
        inside(&call.range) && matches!(&call.callee, Callee::Method { method, .. } if FAILURE_CHECKS.contains(&method.as_str()))
    });
    if error_arms.is_empty() && !checks_failure {
        return None;
    }
    // It leaves on success: a `break` or `return` outside the error arms.
    let leaves_on_success = body.exits.iter().any(|exit| {
        matches!(exit.kind, ExitKind::Break | ExitKind::Return)
            && inside(&exit.range)
            && !error_arms
                .iter()
                .any(|arm| arm.range.contains_range(&exit.range))
    });
    if !leaves_on_success {
        return None;
    }
    let counters: Vec<&str> = body
        .assignments
        .iter()
        .filter(|assignment| inside(&assignment.range) && assignment.operator == "+=")
        .map(|assignment| assignment.target.as_str())
        .collect();
    let growing_names: Vec<&str> = body
        .assignments
        .iter()
        .filter(|assignment| inside(&assignment.range))
        .filter(|assignment| {
            matches!(assignment.operator.as_str(), "*=" | "<<=")
                || (assignment.operator == "="
                    && (assignment
                        .value
                        .operators()
                        .any(|op| op == "*" || op == "<<")
                        || assignment.value.mentions_method(GROWTH_METHODS)))
        })
        .map(|assignment| assignment.target.as_str())
        .collect();
    // The pause between attempts, here or in a helper called from the loop.
    let mut delay = Delay::None;
    let mut jitter = false;
    for (call, target) in body.calls.iter().zip(resolved) {
        if !inside(&call.range) {
            continue;
        }
        if is_random(call, target) {
            jitter = true;
        }
        let helper_pauses = match target {
            CallTarget::Local(targets) => targets.iter().any(|helper| {
                let helper_body = &index.fn_def(*helper).summary.body;
                helper_body.calls.iter().any(|inner| matches!(&inner.callee, Callee::Path(path) if path.last().is_some_and(|last| last == "sleep")))
            }),
            _ => false,
        };
        let helper_randomises = match target {
            CallTarget::Local(targets) => targets.iter().any(|helper| {
                index.fn_def(*helper).summary.body.calls.iter().any(|inner| {
                    let path_random = matches!(&inner.callee, Callee::Path(path) if path.iter().any(|segment| JITTER_CRATES.contains(&segment.as_str()) || segment.contains("rng")));
                    path_random || matches!(&inner.callee, Callee::Method { method, .. } if JITTER_METHODS.contains(&method.as_str()))
                })
            }),
            _ => false,
        };
        if helper_randomises && (helper_pauses || mentions_delay_helper(call)) {
            jitter = true;
        }
        let pauses = is_sleep(target) || helper_pauses;
        if !pauses {
            continue;
        }
        let delay_mentions = follow_locals(body, &call.arg_mentions, call.range.start);
        let grows = grows(
            &delay_mentions,
            &counters,
            &growing_names,
            &candidate.bound_names,
        ) || (helper_pauses
            && !call.arg_mentions.items.is_empty()
            && call.arg_mentions.names().any(|name| {
                counters.contains(&name) || candidate.bound_names.iter().any(|bound| bound == name)
            }));
        let this_delay = if grows {
            Delay::Growing
        } else {
            Delay::Constant
        };
        if delay != Delay::Growing {
            delay = this_delay;
        }
    }
    let budget = match candidate.keyword {
        LoopKeyword::For => Budget::Attempts,
        LoopKeyword::While if !candidate.head.items.is_empty() => Budget::Attempts,
        _ => {
            let bounded = body.comparisons.iter().any(|comparison| {
                inside(&comparison.range)
                    && (comparison
                        .operands
                        .names()
                        .any(|name| counters.contains(&name))
                        || comparison.operands.mentions_method(&["elapsed"])
                        || comparison
                            .operands
                            .names()
                            .any(|name| name.to_ascii_lowercase().contains("deadline")))
            }) || error_arms.iter().any(|arm| {
                arm.mentions.names().any(|name| counters.contains(&name))
                    && arm
                        .mentions
                        .operators()
                        .any(|op| matches!(op, "<" | "<=" | ">" | ">=" | "=="))
            }) || decided_by_helper(body, candidate, &counters);
            if bounded {
                Budget::Attempts
            } else {
                Budget::Unbounded
            }
        }
    };
    let classifies = body.calls.iter().any(|call| {
        inside(&call.range)
            && match &call.callee {
                Callee::Method { method, .. } => ERROR_CLASSIFIERS.contains(&method.as_str()),
                Callee::Path(path) => path.last().is_some_and(|last| {
                    ERROR_CLASSIFIERS.contains(&last.as_str())
                        || last.contains("transient")
                        || last.contains("retryable")
                }),
            }
    }) || error_arms.iter().any(|arm| {
        arm.mentions.mentions_method(ERROR_CLASSIFIERS)
            || arm
                .mentions
                .names()
                .any(|name| ERROR_CLASSIFIERS.contains(&name))
    });
    let all_errors = (error_arms.iter().any(|arm| arm.catch_all) || checks_failure) && !classifies;
    let polls = polls_pending(body, candidate, resolved);
    Some(Retry {
        anchor: TextRange {
            start: candidate.range.start,
            end: candidate.body.start,
        },
        body: candidate.body,
        origin: match candidate.keyword {
            LoopKeyword::Loop => "loop",
            LoopKeyword::While => "while loop",
            LoopKeyword::For => "for loop",
        }
        .to_string(),
        delay,
        jitter,
        budget,
        // A poll goes round only on its "not yet": the other errors leave it.
        all_errors: all_errors && !polls,
        worst_case_ms: None,
        polls,
    })
}

/// Every pause of the loop is under a test of a pending outcome (the tested value, or the
/// locals it is made of, names one: `if pending { sleep(..); continue }`): the loop polls
/// for an answer that is not ready yet rather than retrying a failure.
fn polls_pending(body: &BodySummary, candidate: &LoopSummary, resolved: &[CallTarget]) -> bool {
    let inside = |range: &TextRange| within(&candidate.body, range);
    let names_pending = |mentions: &Mentions, at| {
        follow_locals(body, mentions, at).names().any(|name| {
            let lowered = name.to_ascii_lowercase();
            PENDING_WORDS.iter().any(|word| lowered.contains(word))
        })
    };
    let mut pauses = body
        .calls
        .iter()
        .zip(resolved)
        .filter(|(call, target)| inside(&call.range) && is_sleep(target))
        .map(|(call, _)| call.range)
        .peekable();
    pauses.peek().is_some()
        && pauses.all(|pause| {
            body.branchings.iter().any(|branching| {
                inside(&branching.tested)
                    && branching
                        .branches
                        .iter()
                        .any(|branch| branch.contains_range(&pause))
                    && names_pending(&branching.tested_mentions, branching.tested.start)
            })
        })
}

/// `match strategy.test(status, tries) { Outcome::Stop => return Err(..), .. }`: the
/// attempt counter is handed to a helper whose answer is matched, and one way leaves the
/// loop. The helper decides when to stop, by the count it is given.
fn decided_by_helper(body: &BodySummary, candidate: &LoopSummary, counters: &[&str]) -> bool {
    let inside = |range: &TextRange| within(&candidate.body, range);
    body.branchings.iter().any(|branching| {
        inside(&branching.tested)
            && branching
                .tested_mentions
                .names()
                .any(|name| counters.contains(&name))
            && (branching.tested_mentions.methods().next().is_some()
                || branching.tested_mentions.paths().next().is_some())
            && body.exits.iter().any(|exit| {
                matches!(exit.kind, ExitKind::Break | ExitKind::Return)
                    && branching
                        .branches
                        .iter()
                        .any(|branch| branch.contains_range(&exit.range))
            })
    })
}

/// What an expression mentions, with the initialisers of the locals it names folded in
/// (`let wait = base * 2u32.pow(attempt); sleep(wait)`).
fn follow_locals(
    body: &BodySummary,
    mentions: &Mentions,
    at: crate::location::Position,
) -> Mentions {
    let mut out = mentions.clone();
    let mut frontier: Vec<String> = mentions.names().map(str::to_string).collect();
    let mut seen: Vec<String> = Vec::new();
    while let Some(name) = frontier.pop() {
        if seen.contains(&name) || seen.len() > 16 {
            continue;
        }
        seen.push(name.clone());
        if let Some(local) = body
            .locals
            .iter()
            .rev()
            .find(|local| local.name == name && local.scope.start <= at)
        {
            frontier.extend(local.init_mentions.names().map(str::to_string));
            out.extend(local.init_mentions.clone());
        }
    }
    out
}

fn mentions_delay_helper(call: &CallSite) -> bool {
    !call.arg_mentions.items.is_empty()
}

/// A delay grows when its expression multiplies or shifts, raises to a power, or follows
/// the attempt counter or a variable the loop multiplies.
fn grows(
    mentions: &Mentions,
    counters: &[&str],
    growing_names: &[&str],
    loop_names: &[CompactString],
) -> bool {
    let follows_attempt = mentions.names().any(|name| {
        counters.contains(&name)
            || loop_names.iter().any(|bound| bound == name) && !name.starts_with('_')
    });
    mentions.operators().any(|op| op == "<<")
        || mentions.mentions_method(GROWTH_METHODS)
        || mentions.names().any(|name| growing_names.contains(&name))
        // `base * attempt`, or a helper handed the attempt: `backoff::delay_for(attempt)`.
        // A method handed the attempt computes it too: `strategy.test(status, attempt)`.
        || follows_attempt
            && (mentions.operators().any(|op| op == "*")
                || mentions.paths().next().is_some()
                || mentions.methods().next().is_some())
}

fn library_retry(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    function: FnId,
    call: &CallSite,
    target: &CallTarget,
) -> Option<Retry> {
    let body = &index.fn_def(function).summary.body;
    // What the arguments mention, with the initialisers of the locals they name.
    let mut config = call.arg_mentions.clone();
    for name in call.arg_mentions.names() {
        if let Some(local) = body
            .locals
            .iter()
            .rev()
            .find(|local| local.name == name && local.scope.start <= call.range.start)
        {
            config.extend(local.init_mentions.clone());
        }
    }
    let names_any = |config: &Mentions, wanted: &[String]| {
        config.paths().any(|path| {
            path.iter()
                .any(|segment| wanted.iter().any(|known| known == segment.as_str()))
        }) || config
            .names()
            .any(|name| wanted.iter().any(|known| known == name))
    };
    let (library, operation, every_error) = match (&call.callee, target) {
        (Callee::Path(_), CallTarget::External(path)) => {
            knowledge.retry_libraries.iter().find_map(|library| {
                let (operation_arg, every_error) = library.function_start(path)?;
                Some((library, *call.arg_ranges.get(operation_arg)?, every_error))
            })?
        }
        // A method called on the operation: the builder is named in the argument or in the
        // local it is bound to.
        (Callee::Method { method, .. }, _) => {
            let library = knowledge.retry_libraries.iter().find(|library| {
                library
                    .method_start(method)
                    .is_some_and(|builders| names_any(&config, builders))
            })?;
            (library, call.receiver_range?, false)
        }
        _ => return None,
    };
    // What configures the retry: the arguments, the locals they name, and the calls chained
    // after it (`.when(..)`, `.notify(..)`).
    let chained: Vec<&CallSite> = body
        .calls
        .iter()
        .filter(|other| other.range.start == call.range.start && other.range.end > call.range.end)
        .collect();
    for other in &chained {
        if let Callee::Method { method, .. } = &other.callee {
            config
                .items
                .push(crate::index::Mention::Method(method.clone()));
        }
        config.extend(other.arg_mentions.clone());
    }
    let calls_any = |methods: &[String]| {
        config
            .methods()
            .any(|called| methods.iter().any(|known| known == called))
    };
    let constant = names_any(&config, &library.constant_strategies);
    let delay = if constant {
        Delay::Constant
    } else {
        Delay::Growing
    };
    let jitter = match &library.jitter {
        Jitter::UnlessConstant => !constant,
        Jitter::WhenNamed { methods, names } => calls_any(methods) || names_any(&config, names),
    };
    let limit = library
        .limit
        .changed_by
        .iter()
        .find(|(method, _)| calls_any(std::slice::from_ref(method)))
        .map_or(library.limit.default, |(_, limit)| *limit);
    let budget = match limit {
        RetryBound::Attempts => Budget::Attempts,
        RetryBound::Elapsed => Budget::Elapsed,
        RetryBound::Unbounded => Budget::Unbounded,
    };
    let all_errors = every_error
        || match &library.errors {
            Errors::AsStarted => false,
            Errors::QuestionMarkUnlessClassified { methods, functions } => {
                let question_inside = body.exits.iter().any(|exit| {
                    exit.kind == ExitKind::Question && operation.contains_range(&exit.range)
                });
                let classifies = body.calls.iter().any(|inner| {
                    operation.contains_range(&inner.range)
                        && match &inner.callee {
                            Callee::Method { method, .. } => {
                                methods.iter().any(|known| known == method.as_str())
                            }
                            Callee::Path(path) => path.last().is_some_and(|last| {
                                functions.iter().any(|known| known == last.as_str())
                            }),
                        }
                });
                question_inside && !classifies
            }
        };
    let worst_case_ms = library.default_worst_case.as_ref().and_then(|default| {
        let overridden = calls_any(&default.overridden_by)
            || config
                .names()
                .any(|name| default.overridden_by.iter().any(|known| known == name));
        // A constant strategy's figure is not that of growing delays.
        let other_strategy = default.growing_only && constant;
        (!(overridden || other_strategy)).then_some(default.ms)
    });
    Some(Retry {
        anchor: call.statement,
        body: operation,
        origin: library.name.clone(),
        delay,
        jitter,
        budget,
        all_errors,
        polls: false,
        worst_case_ms,
    })
}
