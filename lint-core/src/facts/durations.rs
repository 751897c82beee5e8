//! How long a fixed bound is: `Duration::from_secs(5)` written in place, in a local or in a
//! constant. Only literal durations are read; anything computed is left unknown, so that a
//! handler's budget is never said to be broken on a guess.

use crate::index::CompactString;
use crate::index::{
    CallSite, Callee, FnId, Mention, Mentions, Resolution, TypeTarget, ValueExpr, WorkspaceIndex,
};
use crate::knowledge::{ClientBounds, DURATION_CONSTRUCTORS};
use crate::location::Position;

/// Locals and constants followed from a duration to its definition, at most.
const MAX_FOLLOWED: usize = 4;

/// The milliseconds of the duration a call's first argument writes: the mentions must open
/// with `Duration::from_*(<literal>)`, or with the name of a local or constant holding one.
pub(super) fn first_argument_ms(
    index: &WorkspaceIndex,
    function: FnId,
    mentions: &Mentions,
    at: Position,
) -> Option<u64> {
    leading_duration_ms(index, function, &mentions.items, at, 0)
}

fn leading_duration_ms(
    index: &WorkspaceIndex,
    function: FnId,
    items: &[Mention],
    at: Position,
    depth: usize,
) -> Option<u64> {
    if depth > MAX_FOLLOWED {
        return None;
    }
    match items {
        [Mention::Path(path), Mention::Literal(value), ..] => literal_duration_ms(path, value),
        [Mention::Name(name), ..] => {
            let def = index.fn_def(function);
            let local = def
                .summary
                .body
                .locals
                .iter()
                .rev()
                .find(|local| local.name == *name && local.scope.start <= at);
            match local {
                Some(local) => leading_duration_ms(
                    index,
                    function,
                    &local.init_mentions.items,
                    local.scope.start,
                    depth + 1,
                ),
                None => constant_duration_ms(index, function, std::slice::from_ref(name)),
            }
        }
        [Mention::Path(path), ..] => constant_duration_ms(index, function, path),
        _ => None,
    }
}

fn constant_duration_ms(
    index: &WorkspaceIndex,
    function: FnId,
    path: &[CompactString],
) -> Option<u64> {
    let module = index.fn_def(function).module;
    let Ok(Resolution::Static(static_module, name)) = index.resolve_path(module, path) else {
        return None;
    };
    let constant = index.module(static_module).statics.get(&name)?;
    // A constant's initialiser has no locals: only literal durations are read from it.
    match constant.init_mentions.items.as_slice() {
        [Mention::Path(path), Mention::Literal(value), ..] => literal_duration_ms(path, value),
        _ => None,
    }
}

/// The duration of the `.timeout(..)` a client was built with, read from the statement
/// that built it: a local's initialiser, or the local a struct literal sets the field from
/// (`AppState { http }`). `None` when there are several and they disagree.
pub(super) fn built_timeout_ms(
    index: &WorkspaceIndex,
    function: FnId,
    client: &ValueExpr,
    at: Position,
    bounds: &ClientBounds,
) -> Option<u64> {
    match client {
        ValueExpr::Name(name) => local_timeout_ms(index, function, name, at, bounds),
        ValueExpr::Field(base, field) => {
            let TypeTarget::Local(owner) =
                index.type_of_value(index.context_of(function), base, at)
            else {
                return None;
            };
            let owner_name = &index.type_def(owner).summary.name;
            let mut found: Option<u64> = None;
            for &candidate_id in index.bodies().building(owner_name) {
                // What the literal sets is read from the definition (`local_timeout_ms`).
                for literal in index.fn_struct_literals(candidate_id) {
                    if literal.path.last() != Some(owner_name) {
                        continue;
                    }
                    let Some(init) = literal.fields.iter().find(|init| init.name == *field) else {
                        continue;
                    };
                    let ValueExpr::Name(local) = &init.value else {
                        return None;
                    };
                    let ms =
                        local_timeout_ms(index, candidate_id, local, init.range.start, bounds)?;
                    if found.is_some_and(|earlier| earlier != ms) {
                        return None;
                    }
                    found = Some(ms);
                }
            }
            found
        }
        _ => None,
    }
}

fn local_timeout_ms(
    index: &WorkspaceIndex,
    function: FnId,
    name: &str,
    at: Position,
    bounds: &ClientBounds,
) -> Option<u64> {
    let body = &index.fn_def(function).summary.body;
    let local = body.local_at(name, at)?;
    let init = local.init_range?;
    let timeouts: Vec<&CallSite> = body
        .calls
        .iter()
        .filter(|call| {
            init.contains_range(&call.range)
                && matches!(&call.callee, Callee::Method { method, .. } if bounds.is_timeout_method(method))
        })
        .collect();
    match timeouts.as_slice() {
        [timeout] => first_argument_ms(index, function, &timeout.arg_mentions, timeout.range.start),
        _ => None,
    }
}

/// The duration a client's construction sets, when every duration written there is the
/// same literal one: the evidence of a construction gathers more than the client's own
/// chain, so a single value is the only one that can be trusted.
pub(super) fn agreed_timeout_ms(evidence: &Mentions) -> Option<u64> {
    let mut durations = evidence.items.windows(2).filter_map(|pair| match pair {
        [Mention::Path(path), Mention::Literal(value)] => literal_duration_ms(path, value),
        _ => None,
    });
    let first = durations.next()?;
    durations.all(|other| other == first).then_some(first)
}

/// `Duration::from_secs` with `"5"`: 5000.
fn literal_duration_ms(path: &[CompactString], value: &str) -> Option<u64> {
    let [.., type_name, constructor] = path else {
        return None;
    };
    if type_name != "Duration" {
        return None;
    }
    let (_, unit_ms) = DURATION_CONSTRUCTORS
        .iter()
        .find(|(name, _)| name == constructor)?;
    let amount: f64 = value.replace('_', "").parse().ok()?;
    let ms = amount * unit_ms;
    (ms.is_finite() && ms >= 0.0).then(|| ms.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> Vec<CompactString> {
        text.split("::").map(CompactString::from).collect()
    }

    #[test]
    fn literal_durations_in_milliseconds() {
        assert_eq!(
            literal_duration_ms(&path("Duration::from_secs"), "5"),
            Some(5000)
        );
        assert_eq!(
            literal_duration_ms(&path("std::time::Duration::from_millis"), "500"),
            Some(500)
        );
        assert_eq!(
            literal_duration_ms(&path("Duration::from_secs_f64"), "0.25"),
            Some(250)
        );
        assert_eq!(literal_duration_ms(&path("Other::from_secs"), "5"), None);
        assert_eq!(literal_duration_ms(&path("Duration::from_secs"), "x"), None);
    }

    #[test]
    fn a_construction_duration_counts_only_when_all_agree() {
        let duration = |constructor: &str, value: &str| {
            vec![
                Mention::Path(path(&format!("Duration::{constructor}"))),
                Mention::Literal(value.into()),
            ]
        };
        let mut agreeing = Mentions::default();
        agreeing.items.push(Mention::Method("timeout".into()));
        agreeing.items.extend(duration("from_secs", "5"));
        agreeing.items.extend(duration("from_millis", "5000"));
        assert_eq!(agreed_timeout_ms(&agreeing), Some(5000));

        let mut disagreeing = agreeing.clone();
        disagreeing.items.extend(duration("from_secs", "2"));
        assert_eq!(agreed_timeout_ms(&disagreeing), None);
        assert_eq!(agreed_timeout_ms(&Mentions::default()), None);
    }

    // The one-function index builder of the facts tests.
    use super::super::tests::facts_of;

    fn fixed_ms(bound: &super::super::Bound) -> Option<u64> {
        match bound {
            super::super::Bound::Fixed { ms, .. } => *ms,
            other => panic!("not fixed: {other:?}"),
        }
    }

    #[test]
    fn fixed_bounds_know_their_literal_durations() {
        let facts = facts_of(
            r#"
            use std::time::Duration;
            const LIMIT: Duration = Duration::from_millis(500);
            pub async fn call(url: &str) -> Result<(), reqwest::Error> {
                let other = reqwest::Client::builder().timeout(Duration::from_secs(2)).build()?;
                let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build()?;
                client.get(url).send().await?;
                client.get(url).timeout(LIMIT).send().await?;
                tokio::time::timeout(Duration::from_millis(250), client.get(url).send()).await;
                Ok(())
            }
            "#,
            "call",
        );
        let bounds: Vec<Option<u64>> = facts
            .downstream
            .iter()
            .map(|call| fixed_ms(&call.bound))
            .collect();
        assert_eq!(bounds, [Some(5000), Some(500), Some(5000)]);
        assert_eq!(fixed_ms(&facts.timeouts[0].bound), Some(250));
    }

    #[test]
    fn a_computed_duration_is_not_guessed() {
        let facts = facts_of(
            r#"
            pub async fn call(client: &reqwest::Client, url: &str, secs: u64) {
                client.get(url).timeout(Duration::from_secs(secs)).send().await;
            }
            "#,
            "call",
        );
        assert_eq!(fixed_ms(&facts.downstream[0].bound), None);
    }
}
