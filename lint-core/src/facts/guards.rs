//! Claims and the code they guard. A write that a retry would repeat is safe when it runs
//! only after a claim of the request's key succeeded: an `INSERT .. ON CONFLICT DO NOTHING`
//! whose row count (or `RETURNING` row) is looked at, a state transition (`UPDATE .. WHERE
//! status = 'held'`) and its row count, Redis `SET NX`; or, less safely, after a lookup of
//! the key. The guard is data flow from the claim's result to the conditions around the
//! write: the branches of an `if`/`match`/`let .. else` that tests it, and the rest of the
//! block when one of those branches leaves it (`return`, `continue`, `break`).

use super::state::StateAccess;
use super::{Access, InsertedValues, ValueOrigin};
use crate::index::{BodySummary, Callee, ExitKind, FnId, Mention, WorkspaceIndex};
use crate::location::TextRange;

/// A claim (or a lookup) made in a function: an access of its own, or a call of a helper
/// that makes one and hands its outcome back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimSite {
    /// The call that claims, and the statement holding it.
    pub range: TextRange,
    pub statement: TextRange,
    /// `INSERT INTO inbox .. ON CONFLICT DO NOTHING`, `` `claim_event(..)` ``.
    pub what: String,
    pub kind: ClaimKind,
    /// The tables a [`ClaimKind::Found`] lookup reads: it guards only inserts into them.
    pub tables: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimKind {
    /// Only the first of two runs wins, and the code looks at which it was.
    Claim,
    /// The key is looked up with a read: it answers retries that come after the first
    /// attempt finished (`dedup-race` judges the ones that come during it).
    Lookup,
    /// A row is read `FOR UPDATE` and what it holds is tested, the block left when the test
    /// fails (`if invoice.status != Draft { return Ok(stored) }`): concurrent runs wait for
    /// the lock and a later one sees the state the first recorded. It guards the writes
    /// after it only when the way out answers with no error and the run records that state
    /// in the same transaction (a state transition of the locked table); the rules check
    /// that.
    Locked,
    /// A row is looked up (a read, or an update whose result is looked at) and an insert
    /// into the same table runs only on the branches that test what it found: get-or-create,
    /// update-else-insert. A retry that comes after the first attempt finished finds the
    /// row and inserts nothing; it guards inserts only, never a relative update.
    Found,
}

impl ClaimKind {
    /// Which guard names a write when several do: a claim, then a locked check, then a
    /// key's lookup, then a row's.
    pub fn rank(self) -> u8 {
        match self {
            ClaimKind::Claim => 0,
            ClaimKind::Locked => 1,
            ClaimKind::Lookup => 2,
            ClaimKind::Found => 3,
        }
    }
}

/// A claim a helper makes and hands back to its caller: its kind, and for a
/// [`ClaimKind::Found`] lookup the tables it reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelperClaim {
    pub kind: ClaimKind,
    pub tables: Vec<String>,
    /// The helper looks at its claim's outcome itself (`rows_affected()`, a row fetched
    /// optionally), so it can fail on a repeat; one that only hands the count back does
    /// not, and a `?` on its call stops nothing.
    pub checks_itself: bool,
}

/// What an access claims, if anything: a conditional write or a state transition whose
/// outcome is looked at, or a lookup of an idempotency key.
pub(super) fn claim_kind(access: &StateAccess, in_helper: bool) -> Option<ClaimKind> {
    let checked = access.outcome_checked || in_helper;
    match &access.access {
        Access::Write {
            conditional: true, ..
        } if checked => Some(ClaimKind::Claim),
        Access::Write { .. } if access.transition && checked => Some(ClaimKind::Claim),
        Access::Read { .. } if access.on_key_table() => Some(ClaimKind::Lookup),
        Access::Read { locks: true, .. } => Some(ClaimKind::Locked),
        Access::Read { .. } => Some(ClaimKind::Found),
        Access::Write { description, .. } if checked && description.starts_with("UPDATE") => {
            Some(ClaimKind::Found)
        }
        _ => None,
    }
}

/// The claims a function makes through its own accesses.
pub(super) fn own_claims(accesses: &[StateAccess]) -> Vec<ClaimSite> {
    accesses
        .iter()
        .filter_map(|access| {
            Some(ClaimSite {
                range: access.range,
                statement: access.statement,
                what: format!("`{}`", access.describe()),
                kind: claim_kind(access, false)?,
                tables: access.tables().to_vec(),
            })
        })
        .collect()
}

/// Whether a function hands the outcome of a claim it makes back to its caller (it returns
/// a value, and makes a claim or lookup of its own): its call is then a claim of the
/// caller's.
pub(super) fn claim_helper(
    index: &WorkspaceIndex,
    function: FnId,
    accesses: &[StateAccess],
) -> Option<HelperClaim> {
    let output = index.fn_def(function).summary.output.as_ref()?;
    let is_unit = |ty: &crate::index::TypeRef| {
        ty.kind == crate::index::TypeRefKind::Other && ty.path.is_empty()
    };
    if is_unit(output) {
        return None;
    }
    // `-> Result<(), E>` (`.execute(conn).map(|_| ())`): the outcome is thrown away, so
    // only a claim the helper checks itself (and fails on) tells the caller anything.
    let hands_back = !output.args.first().is_some_and(is_unit);
    let kinds: Vec<(ClaimKind, &StateAccess)> = accesses
        .iter()
        .filter_map(|access| Some((claim_kind(access, hands_back)?, access)))
        .collect();
    let kind = kinds
        .iter()
        .map(|(kind, _)| *kind)
        .min_by_key(|kind| kind.rank())?;
    let mut tables: Vec<String> = kinds
        .iter()
        .filter(|(other, _)| *other == kind)
        .flat_map(|(_, access)| access.tables().iter().cloned())
        .collect();
    tables.sort();
    tables.dedup();
    let checks_itself = kinds
        .iter()
        .any(|(other, access)| *other == kind && access.outcome_checked);
    Some(HelperClaim {
        kind,
        tables,
        checks_itself,
    })
}

/// A part of a function's body that runs only when a claim succeeded (or a lookup found
/// nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct GuardedRegion {
    /// The claim, by its position in the sites.
    pub site: usize,
    pub range: TextRange,
    /// Another way of the same test answers with an error (`return Err(AlreadyExists)`,
    /// `bail!`): the way a repeat takes when a lookup finds the first attempt's row. A
    /// get-or-create whose found way uses the row answers the repeat with it instead.
    pub repeat_refused: bool,
}

/// The parts of a function's body that run only when a claim succeeded.
pub(super) fn guarded_regions(
    index: &WorkspaceIndex,
    function: FnId,
    sites: &[ClaimSite],
    fails_on_repeat: &[bool],
) -> Vec<GuardedRegion> {
    let summary = &index.fn_def(function).summary;
    let body = &summary.body;
    let mut regions = Vec::new();
    for (position, site) in sites.iter().enumerate() {
        let names = names_holding(body, site.range);
        for branching in &body.branchings {
            if branching.tested.start < site.range.start {
                continue;
            }
            let tests_claim = branching.tested.contains_range(&site.range)
                || names
                    .iter()
                    .any(|name| branching.tested_mentions.mentions_name(name));
            if !tests_claim {
                continue;
            }
            let refuses = |except: Option<TextRange>| {
                branching
                    .branches
                    .iter()
                    .filter(|branch| Some(**branch) != except)
                    .any(|branch| answers_error(body, *branch))
            };
            regions.extend(branching.branches.iter().map(|branch| GuardedRegion {
                site: position,
                range: *branch,
                repeat_refused: refuses(Some(*branch)),
            }));
            let leaves = branching
                .branches
                .iter()
                .any(|branch| leaves_block(body, *branch));
            if leaves {
                regions.push(GuardedRegion {
                    site: position,
                    range: branching.after,
                    repeat_refused: refuses(None),
                });
            }
        }
        // `claim(&mut tx, key).await?`: a helper that fails on a repeat stops the caller.
        // A lookup that fails stops nothing a retry would repeat, nor does a locked read
        // (it fails when the row is missing, not when it was processed).
        let propagated = fails_on_repeat.get(position).copied().unwrap_or(false)
            && !matches!(site.kind, ClaimKind::Found | ClaimKind::Locked)
            && body.exits.iter().any(|exit| {
                exit.kind == ExitKind::Question
                    && site.statement.contains(exit.range.start)
                    && exit.range.start >= site.range.end
            });
        if propagated {
            regions.push(GuardedRegion {
                site: position,
                range: TextRange {
                    start: site.statement.end,
                    end: summary.range.end,
                },
                repeat_refused: true,
            });
        }
    }
    regions
}

/// The parts of a function's body that run only when rows its caller looked up, handed
/// in as a parameter, hold nothing it searches for: `if let Some(row) =
/// rows.iter().find(..) { return Ok(row.id) }` then the insert, in a helper given the rows
/// its caller read. Only the rest of the block after a search ([`SEARCH_METHODS`]) whose
/// found way leaves with what it found (no error of its own) counts: a test of another
/// kind (`if currency != expected { return Err(..) }`) says nothing of what is stored.
pub(super) fn parameter_regions(body: &BodySummary, names: &[String]) -> Vec<TextRange> {
    body.branchings
        .iter()
        .filter(|branching| {
            names
                .iter()
                .any(|name| branching.tested_mentions.mentions_name(name))
                && branching.tested_mentions.mentions_method(SEARCH_METHODS)
                && branching
                    .branches
                    .iter()
                    .any(|branch| leaves_block(body, *branch) && !answers_error(body, *branch))
                && !branching
                    .branches
                    .iter()
                    .any(|branch| answers_error(body, *branch))
        })
        .map(|branching| branching.after)
        .collect()
}

/// Methods that search a collection for an element: a way taken when one is found.
const SEARCH_METHODS: &[&str] = &[
    "find",
    "find_map",
    "get",
    "position",
    "any",
    "contains",
    "contains_key",
];

/// The locals of a body that hold what a claim made at `claim` returned.
pub(super) fn holders(body: &BodySummary, claim: TextRange) -> Vec<String> {
    names_holding(body, claim)
}

/// Code that leaves its block: a `return`, `continue` or `break`, or a macro that does
/// (`bail!`, `panic!`).
fn leaves_block(body: &BodySummary, range: TextRange) -> bool {
    body.exits.iter().any(|exit| {
        range.contains(exit.range.start)
            && matches!(
                exit.kind,
                ExitKind::Return | ExitKind::Continue | ExitKind::Break
            )
    }) || body.macros.iter().any(|used| {
        range.contains_range(&used.range)
            && used
                .path
                .last()
                .is_some_and(|last| DIVERGING_MACROS.contains(&last.as_str()))
    })
}

/// Code that answers with an error of its own: an `Err(..)` it makes (returned, or raised
/// with `?`) from a path or a literal (`Err(AlreadyExists.into())`), not one that passes on
/// the error it was given (`Err(error) => Err(error)`); or a macro that fails (`bail!`).
fn answers_error(body: &BodySummary, range: TextRange) -> bool {
    body.calls.iter().any(|call| {
        range.contains_range(&call.range)
            && matches!(&call.callee, Callee::Path(path) if path.len() == 1 && path[0] == "Err")
            && call
                .arg_mentions
                .items
                .iter()
                .any(|item| matches!(item, Mention::Path(_) | Mention::Literal(_)))
    }) || body.macros.iter().any(|used| {
        range.contains_range(&used.range)
            && used
                .path
                .last()
                .is_some_and(|last| DIVERGING_MACROS.contains(&last.as_str()))
    })
}

/// Macros that never return to the code after them.
const DIVERGING_MACROS: &[&str] = &["bail", "panic", "unreachable", "todo", "unimplemented"];

/// The locals that hold a claim's result, directly or one step on (`let claimed =
/// result.rows_affected() == 1;`).
fn names_holding(body: &BodySummary, claim: TextRange) -> Vec<String> {
    let mut names: Vec<String> = body
        .locals
        .iter()
        .filter(|local| {
            local
                .init_range
                .is_some_and(|range| range.contains_range(&claim))
        })
        .map(|local| local.name.to_string())
        .collect();
    for _ in 0..2 {
        let more: Vec<String> = body
            .locals
            .iter()
            .filter(|local| !names.iter().any(|name| *name == local.name))
            .filter(|local| {
                local
                    .init_range
                    .is_some_and(|range| range.start > claim.start)
                    && names
                        .iter()
                        .any(|name| local.init_mentions.mentions_name(name))
            })
            .map(|local| local.name.to_string())
            .collect();
        if more.is_empty() {
            break;
        }
        names.extend(more);
    }
    names
}

/// The key columns of a claim insert (its conflict target, else its key-named columns,
/// else its first), when each gets a fresh value: what made it.
pub fn generated_key(inserted: &InsertedValues) -> Option<String> {
    let named: Vec<&(String, ValueOrigin)> = match &inserted.conflict_target {
        Some(target) => inserted
            .columns
            .iter()
            .filter(|(column, _)| target.contains(column))
            .collect(),
        None => {
            let keyed: Vec<_> = inserted
                .columns
                .iter()
                .filter(|(column, _)| {
                    crate::knowledge::IDEMPOTENCY_FIELD_PARTS
                        .iter()
                        .chain(crate::knowledge::MESSAGE_ID_NAMES)
                        .any(|part| column.contains(part))
                        || column == "key"
                })
                .collect();
            if keyed.is_empty() {
                inserted.columns.iter().take(1).collect()
            } else {
                keyed
            }
        }
    };
    if named.is_empty() {
        return None;
    }
    let mut what = None;
    for (column, origin) in named {
        match origin {
            ValueOrigin::Fresh(made) => what = Some(format!("`{column}` from {made}")),
            _ => return None,
        }
    }
    what
}
