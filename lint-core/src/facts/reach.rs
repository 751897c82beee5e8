//! Following a handler into the functions it calls: every downstream call and retry on its
//! path, with the chain of calls that leads there and the `timeout` scopes around it.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::given::GivenArgument;
use super::guards::{guarded_regions, ClaimKind, ClaimSite};
use super::sql::schema::{InsertKey, KeyRef, Schemas};
use super::state::SELF_PARAMETER;
use super::{
    function_facts, ArgumentOrigin, Bound, DownstreamCall, ErrorReaction, Executor, FunctionFacts,
    KeySource, ReactionKind, Retry, StateAccess, ValueOrigin,
};
use crate::index::{Callee, FnId, Read, WorkspaceIndex};
use crate::knowledge::Knowledge;
use crate::location::{Position, TextRange};

/// Calls deeper than this from the handler are not followed (the call-depth limit). A call
/// past it whose callee, or what that calls, touches a store or leaves the process is kept
/// as a [`CutCall`]: the answers it bears on are `unknown`, naming the limit. 12 judges the
/// deep billing flows of the largest service measured (docs/accuracy.md) without a finding
/// added, now that facts on exclusive ways of a `match` are not combined ([`Order`]);
/// deeper, the path-step budget starts to be hit.
pub const MAX_CALL_DEPTH: usize = 12;

/// Functions entered while following one handler's calls, counted along every path (a
/// helper called from three places is entered three times), before failfirst stops and
/// says so: the count grows with the product of the branching along the way, so a
/// generated call graph (each layer calling every function of the next) would otherwise
/// take hours. Counted, not timed, so that the verdict is the same on every machine and
/// thread count. Real handlers stay far below it (the largest seen in docs/accuracy.md's
/// services enter a few hundred).
pub const DEFAULT_MAX_PATH_STEPS: u64 = 100_000;

/// One call on the way from the handler: the function it is in and where it calls onward.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub function: FnId,
    pub call: TextRange,
}

#[derive(Clone, Debug)]
pub struct ReachedCall {
    pub call: DownstreamCall,
    pub function: FnId,
    pub chain: Vec<Step>,
    /// The bound that holds, the call's own or a `timeout` around it on the way.
    pub effective_bound: Bound,
    /// What the code does when the call fails, where it can be told: in the function that
    /// makes the call, or in a caller the error is handed back to.
    pub reaction: Option<PlacedReaction>,
    /// The function that makes the call hands its error back (`?`, `return Err`).
    pub error_propagated: bool,
    pub order: Order,
}

/// A reaction to a failure, with the function it is written in and the calls that lead
/// there.
#[derive(Clone, Debug)]
pub struct PlacedReaction {
    pub reaction: ErrorReaction,
    pub function: FnId,
    pub chain: Vec<Step>,
}

/// Where a fact comes in the handler's run: the positions of the calls on the way, then its
/// own. Facts compare in program order (a helper's facts come where it is called), and two
/// facts on different ways of one `match` or `if` never run in the same run
/// ([`Order::runs_before`]).
#[derive(Clone, Debug, Default)]
pub struct Order {
    positions: Vec<Position>,
    /// The ways taken to get there: at each depth, the branch of each branching of that
    /// function that holds the call (or the fact) there.
    ways: Vec<Way>,
}

/// One branch of a branching (`match`, `if`/`else`, `let .. else`) that a fact's path goes
/// through, at a depth of the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Way {
    // Narrow numbers: every fact's order holds its ways, and a run holds many orders.
    depth: u32,
    function: FnId,
    /// The branching, by where its tested expression starts (or, for a call that runs one
    /// of several implementations, where the call starts).
    branching: Position,
    branch: u32,
    /// The branch is an implementation of the call at `branching`, not a way of a
    /// `match` or `if` (whose tested expression may start where a call does).
    dispatch: bool,
}

impl Order {
    /// The two run on exclusive ways: at the depth where their paths part, or before, they
    /// lie in different branches of one branching of the same call of a function (a write
    /// in one `match` arm, a call in another).
    pub fn exclusive_with(&self, other: &Order) -> bool {
        let common = self
            .positions
            .iter()
            .zip(&other.positions)
            .take_while(|(a, b)| a == b)
            .count();
        // Ways are listed by depth: walk both lists a depth at a time, up to the parting
        // depth (past it, the two are in different calls and cannot exclude).
        let (mine, theirs) = (&self.ways, &other.ways);
        let (mut i, mut j) = (0, 0);
        while let (Some(a), Some(b)) = (mine.get(i), theirs.get(j)) {
            let depth = a.depth.min(b.depth);
            if depth as usize > common {
                return false;
            }
            let mine_end = i + mine[i..]
                .iter()
                .take_while(|way| way.depth == depth)
                .count();
            let theirs_end = j + theirs[j..]
                .iter()
                .take_while(|way| way.depth == depth)
                .count();
            let excluded = mine[i..mine_end].iter().any(|way| {
                theirs[j..theirs_end].iter().any(|other| {
                    other.function == way.function
                        && other.branching == way.branching
                        && other.dispatch == way.dispatch
                        && other.branch != way.branch
                })
            });
            if excluded {
                return true;
            }
            (i, j) = (mine_end, theirs_end);
        }
        false
    }

    /// `self` comes before `other` in a run that has both: earlier in program order, and
    /// not on a way exclusive with it.
    pub fn runs_before(&self, other: &Order) -> bool {
        self < other && !self.exclusive_with(other)
    }
}

impl std::ops::Deref for Order {
    type Target = [Position];

    fn deref(&self) -> &[Position] {
        &self.positions
    }
}

impl PartialEq for Order {
    fn eq(&self, other: &Order) -> bool {
        self.positions == other.positions
    }
}

impl Eq for Order {}

impl PartialOrd for Order {
    fn partial_cmp(&self, other: &Order) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Order {
    fn cmp(&self, other: &Order) -> std::cmp::Ordering {
        self.positions.cmp(&other.positions)
    }
}

/// A transaction, named by the function that opens it and the variable (or closure) that
/// holds it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TransactionId {
    pub function: FnId,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct ReachedAccess {
    pub access: StateAccess,
    pub function: FnId,
    pub chain: Vec<Step>,
    /// The transaction it runs in; `None` when it commits on its own.
    pub transaction: Option<TransactionId>,
    pub order: Order,
    /// For an insert, the unique key a retry's row meets, from the schema.
    pub key: Option<InsertKey>,
    /// For an `INSERT .. ON CONFLICT (cols)`, the unique key those columns name (`Err` when
    /// the schema has none), where the schema knows the table.
    pub conflict_key: Option<Result<KeyRef, ()>>,
    /// The claim it runs only after, if any.
    pub guard: Option<GuardRef>,
}

/// The claim that guards a fact: what it is, where, and where it comes in the run.
#[derive(Clone, Debug)]
pub struct GuardRef {
    pub what: String,
    pub kind: ClaimKind,
    /// For a [`ClaimKind::Found`] lookup, the tables it reads: it guards inserts into them.
    pub tables: Vec<String>,
    pub function: FnId,
    pub statement: TextRange,
    pub order: Order,
    /// For a [`ClaimKind::Found`] lookup: the way taken when the row is found answers with
    /// an error (`AlreadyExists`), so a retry is refused rather than given the row.
    pub repeat_refused: bool,
}

#[derive(Clone, Debug)]
pub struct ReachedTransaction {
    pub id: TransactionId,
    /// The function that opens it (and its name, `create`), and the line where it opens:
    /// the rule's message names the file when it is not the finding's.
    pub opener: FnId,
    pub opener_name: String,
    pub opened_line: u32,
    pub chain: Vec<Step>,
    /// Where it opens and where it is open.
    pub opened: Order,
    pub scope: TextRange,
    /// Where it commits, if it does.
    pub committed: Option<Order>,
}

impl ReachedTransaction {
    /// Whether a fact at `order` runs while the transaction is open: inside its scope in
    /// the function that opened it, and before the commit.
    pub fn is_open_at(&self, order: &Order) -> bool {
        let depth = self.chain.len();
        let Some(position) = order.get(depth) else {
            return false;
        };
        order[..depth] == self.opened[..depth]
            && self.scope.contains(*position)
            && *position >= self.opened[depth]
            && !self.opened.exclusive_with(order)
            && self
                .committed
                .as_ref()
                .is_none_or(|committed| order < committed || committed.exclusive_with(order))
    }

    /// Whether a fact at `order` runs after the commit (in a run that commits there).
    pub fn is_committed_before(&self, order: &Order) -> bool {
        self.committed
            .as_ref()
            .is_some_and(|committed| committed.runs_before(order))
    }
}

#[derive(Clone, Debug)]
pub struct ReachedRetry {
    pub retry: Retry,
    pub function: FnId,
    pub chain: Vec<Step>,
    /// Downstream calls each attempt makes.
    pub calls: Vec<ReachedCall>,
    /// Another retry runs inside each attempt (a retrying helper, a retrying client).
    pub nested: bool,
    /// A `timeout` around the whole retry, here or on the way from the handler.
    pub overall_bound: Option<Bound>,
}

/// A call not followed because it lies deeper than [`MAX_CALL_DEPTH`], with what the
/// functions past it do, as far as the four questions care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CutCall {
    /// The function that makes the call, and the call's statement.
    pub function: FnId,
    pub statement: TextRange,
    /// The function not entered.
    pub target: FnId,
    /// Past the call, a store is read or written (a query, a transaction).
    pub touches_state: bool,
    /// Past the call, a downstream call or a retry.
    pub calls_downstream: bool,
    /// Past the call, a downstream call not known to be idempotent: only such a call can
    /// fail Q3 (a read's timeout commits nothing).
    pub calls_mutating_downstream: bool,
}

#[derive(Debug, Default)]
pub struct Reach {
    pub calls: Vec<ReachedCall>,
    pub retries: Vec<ReachedRetry>,
    pub accesses: Vec<ReachedAccess>,
    pub transactions: Vec<ReachedTransaction>,
    pub key_sources: Vec<(FnId, KeySource)>,
    /// Every function followed from the handler, the handler first.
    pub visited: Vec<FnId>,
    /// The same, to look up.
    visited_set: std::collections::HashSet<FnId>,
    /// Functions entered so far, along every path.
    pub steps: u64,
    /// Where following stops: past it, `exhausted` is set and the reach is incomplete.
    step_limit: u64,
    /// The step limit was reached: what is gathered is only part of the handler's path.
    pub exhausted: bool,
    /// Calls past [`MAX_CALL_DEPTH`] behind which something touches a store or leaves the
    /// process, in the order met.
    pub cut: Vec<CutCall>,
    /// The same, to look up: (caller, statement, callee).
    cut_set: std::collections::HashSet<(FnId, TextRange, FnId)>,
    /// The functions looked through past those calls: an edit to them may change what
    /// `cut` says.
    pub past_the_cut: Vec<FnId>,
}

/// Facts computed once per function and shared by every handler that reaches it (and, in
/// the language server, by the judgements after an edit). Held behind an `Arc`: a walk
/// holds a function's facts while it asks for its callees', without copying them.
#[derive(Default)]
pub struct FactsCache {
    facts: BTreeMap<FnId, Arc<FunctionFacts>>,
    /// Whether the functions each one's facts read are recorded ([`FactsCache::tracking_reads`]).
    track_reads: bool,
    /// When tracked: what each function's facts read of functions, its own definition
    /// among it. Noted again ([`crate::index::note_reads`]) whenever the facts are used, so
    /// that a judgement's reads hold those of the facts it took from here.
    reads: BTreeMap<FnId, Arc<[Read]>>,
}

impl FactsCache {
    /// A cache that records which functions each function's facts read: what the language
    /// server needs to tell which facts and verdicts an edit of one function leaves true.
    pub fn tracking_reads() -> Self {
        FactsCache {
            track_reads: true,
            ..FactsCache::default()
        }
    }

    /// Forgets the facts of the functions written in `file`: its text changed.
    pub fn forget_file(&mut self, index: &WorkspaceIndex, file: crate::location::FileId) {
        self.facts
            .retain(|function, _| index.fns[function.0 as usize].file != file);
        self.reads
            .retain(|function, _| index.fns[function.0 as usize].file != file);
    }

    /// Forgets the facts of the functions written in `file` and those that read the
    /// definition of a function written there: `file`'s text changed inside function
    /// bodies, or only moved (its positions are in them). What a scan read of a function
    /// ([`Read::Calls`], [`Read::StructLiterals`]) holds no position; the caller has
    /// checked that the edit left it as it was. Only facts recorded with their reads are
    /// kept.
    pub fn forget_reading_file(&mut self, index: &WorkspaceIndex, file: crate::location::FileId) {
        let in_file = |function: &FnId| index.fns[function.0 as usize].file == file;
        let reads = &self.reads;
        self.facts.retain(|function, _| {
            !in_file(function)
                && reads.get(function).is_some_and(|read| {
                    !read.iter().any(|read| match read {
                        Read::Definition(function) | Read::LineInWords { function, .. } => {
                            in_file(function)
                        }
                        Read::Calls(_) | Read::StructLiterals(_) => false,
                    })
                })
        });
        let facts = &self.facts;
        self.reads
            .retain(|function, _| facts.contains_key(function));
    }

    fn entry(
        &mut self,
        index: &WorkspaceIndex,
        knowledge: &Knowledge,
        function: FnId,
    ) -> &Arc<FunctionFacts> {
        if !self.facts.contains_key(&function) {
            let facts = if self.track_reads {
                let (facts, read) =
                    crate::index::recording_reads(|| function_facts(index, knowledge, function));
                self.reads.insert(function, read.into());
                facts
            } else {
                function_facts(index, knowledge, function)
            };
            self.facts.insert(function, Arc::new(facts));
        } else if let Some(read) = self.reads.get(&function) {
            crate::index::note_facts_reads(function, read);
        }
        // Inserted above when missing.
        &self.facts[&function]
    }

    pub fn get(
        &mut self,
        index: &WorkspaceIndex,
        knowledge: &Knowledge,
        function: FnId,
    ) -> &FunctionFacts {
        self.entry(index, knowledge, function)
    }

    /// The facts of `function`, shared.
    pub fn shared(
        &mut self,
        index: &WorkspaceIndex,
        knowledge: &Knowledge,
        function: FnId,
    ) -> Arc<FunctionFacts> {
        Arc::clone(self.entry(index, knowledge, function))
    }
}

/// Everything reachable from `root`, limited to `within` (a closure handler is part of its
/// enclosing function), `given` what its parameters hold.
#[allow(clippy::too_many_arguments)]
pub fn reach(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    schemas: &Schemas,
    cache: &mut FactsCache,
    root: FnId,
    within: Option<TextRange>,
    step_limit: u64,
    given: Vec<GivenArgument>,
) -> Reach {
    let mut out = reach_unserved(
        index, knowledge, schemas, cache, root, within, step_limit, given,
    );
    super::served::calls_served_read_only(index, knowledge, schemas, cache, step_limit, &mut out);
    out
}

/// [`reach`], with the gRPC methods the workspace serves judged by their names and
/// contracts only: what a served method's own path is judged by.
#[allow(clippy::too_many_arguments)]
pub(super) fn reach_unserved(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    schemas: &Schemas,
    cache: &mut FactsCache,
    root: FnId,
    within: Option<TextRange>,
    step_limit: u64,
    given: Vec<GivenArgument>,
) -> Reach {
    let mut out = Reach {
        step_limit,
        ..Reach::default()
    };
    let mut stack = vec![root];
    walk(
        index,
        knowledge,
        schemas,
        cache,
        root,
        within,
        &mut Vec::new(),
        &mut Vec::new(),
        Inherited {
            given,
            ..Inherited::default()
        },
        &mut stack,
        &mut out,
    );
    look_past_the_cut(index, knowledge, cache, &mut out);
    keys_of_new_rows(index, schemas, &mut out);
    creates_answered_by_lookup(index, &mut out);
    out
}

/// `match client.create_customer(..).await { Ok(c) => c, Err(e) if e.is_conflict() =>
/// client.find_customer_by_external_id(..).await? }`: a create whose failure is answered by
/// an idempotent lookup made in the arm that handles it. A retried create meets the
/// resource the first attempt made (the downstream's unique key), and the code reuses it,
/// as a SQL insert whose violation is answered by a read: on this path the create is
/// idempotent. The lookup must be reached from the error arm of the same call, in the
/// function that makes it or in any caller on the way.
fn creates_answered_by_lookup(index: &WorkspaceIndex, out: &mut Reach) {
    // The function a chain enters after its step at `depth`: the next step's, or the one
    // that makes the call.
    let entered = |reached: &ReachedCall, depth: usize| {
        reached
            .chain
            .get(depth + 1)
            .map_or(reached.function, |next| next.function)
    };
    // The calls in `step`'s function, within `within`, of the function `target`.
    let calls_of = |step: &Step, target: FnId, within: TextRange| -> Vec<TextRange> {
        let name = &index.fn_def(target).summary.name;
        index
            .fn_def(step.function)
            .summary
            .body
            .calls
            .iter()
            .filter(|call| within.contains_range(&call.range))
            .filter(|call| match &call.callee {
                Callee::Method { method, .. } => method == name,
                Callee::Path(path) => path.last() == Some(name),
            })
            .map(|call| call.range)
            .collect()
    };
    let answered: Vec<bool> = out
        .calls
        .iter()
        .map(|reached| {
            reached.call.idempotent() != Some(true)
                && reached.chain.iter().enumerate().any(|(depth, step)| {
                    let body = &index.fn_def(step.function).summary.body;
                    let creates = calls_of(step, entered(reached, depth), step.call);
                    let bound_to = body.locals.iter().find(|local| {
                        local.init_range.is_some_and(|range| {
                            creates.iter().any(|create| range.contains_range(create))
                        })
                    });
                    let arms: Vec<TextRange> = body
                        .error_arms
                        .iter()
                        .filter(|arm| {
                            arm.scrutinee.is_some_and(|scrutinee| {
                                creates.iter().any(|create| scrutinee.contains_range(create))
                            }) || matches!((bound_to, &arm.scrutinee_name), (Some(local), Some(name))
                                if local.name == *name && local.scope.contains(arm.range.start))
                        })
                        .map(|arm| arm.range)
                        .collect();
                    !arms.is_empty()
                        && out.calls.iter().any(|lookup| {
                            lookup.call.idempotent() == Some(true)
                                && lookup.chain.get(..depth) == reached.chain.get(..depth)
                                && lookup.chain.get(depth).is_some_and(|other| {
                                    other.function == step.function
                                        && arms.iter().any(|arm| {
                                            !calls_of(other, entered(lookup, depth), *arm).is_empty()
                                        })
                                })
                        })
                })
        })
        .collect();
    for (reached, answered) in out.calls.iter_mut().zip(answered) {
        reached.call.answered_by_lookup |= answered;
    }
    // The same calls as each attempt of a retry around them makes them.
    let answered: Vec<(TextRange, Vec<Step>)> = out
        .calls
        .iter()
        .filter(|reached| reached.call.answered_by_lookup)
        .map(|reached| (reached.call.range, reached.chain.clone()))
        .collect();
    for retry in &mut out.retries {
        for call in &mut retry.calls {
            call.call.answered_by_lookup |= answered
                .iter()
                .any(|(range, chain)| *range == call.call.range && *chain == call.chain);
        }
    }
}

/// What the functions past the cut calls do: each is looked through once per handler
/// (linear in the functions, whatever the paths), following every call, however deep.
/// Cut calls behind which nothing touches a store or leaves the process are dropped: they
/// change no answer.
fn look_past_the_cut(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    cache: &mut FactsCache,
    out: &mut Reach,
) {
    let mut seen: std::collections::HashSet<FnId> = std::collections::HashSet::new();
    for cut in &mut out.cut {
        let mut pending = vec![cut.target];
        while let Some(function) = pending.pop() {
            if !seen.insert(function) {
                continue;
            }
            out.past_the_cut.push(function);
            let facts = cache.shared(index, knowledge, function);
            cut.touches_state |= !facts.accesses.is_empty() || !facts.transactions.is_empty();
            cut.calls_downstream |= !facts.downstream.is_empty() || !facts.retries.is_empty();
            cut.calls_mutating_downstream |= facts
                .downstream
                .iter()
                .any(|call| call.idempotent() != Some(true));
            pending.extend(
                facts
                    .edges
                    .iter()
                    .flat_map(|edge| edge.targets.iter().copied()),
            );
        }
    }
    out.cut
        .retain(|cut| cut.touches_state || cut.calls_downstream);
}

/// A unique key filled with a reference to a row this run inserted just before with a new
/// id (`coupon_plan (coupon_id, plan_id)` after the `coupon` it belongs to) is as new as
/// that row: a retry inserts another parent, and a child that refers to it.
fn keys_of_new_rows(index: &WorkspaceIndex, schemas: &Schemas, out: &mut Reach) {
    let file_of = |function: FnId| {
        index
            .file(index.fn_def(function).file)
            .display_path
            .as_str()
    };
    let new_rows: Vec<(Order, String, String)> = out
        .accesses
        .iter()
        .filter(|reached| matches!(reached.key, Some(InsertKey::FreshOnly(_))))
        .filter_map(|reached| {
            let inserted = reached.access.inserted.as_ref()?;
            let table = schemas.table_name(file_of(reached.function), &inserted.table)?;
            Some((
                reached.order.clone(),
                table.to_string(),
                format!(
                    "{}:{}",
                    file_of(reached.function),
                    reached.access.statement.start.line
                ),
            ))
        })
        .collect();
    if new_rows.is_empty() {
        return;
    }
    for reached in &mut out.accesses {
        let Some(InsertKey::Natural(key)) = &reached.key else {
            continue;
        };
        let file = file_of(reached.function);
        let parent = key.columns.iter().find_map(|column| {
            let referred = schemas.referenced_table(file, &key.table, column)?;
            new_rows
                .iter()
                .rev()
                .find(|(order, table, _)| order.runs_before(&reached.order) && table == referred)
                .map(|(_, table, place)| (column.clone(), table.clone(), place.clone()))
        });
        if let Some((column, table, place)) = parent {
            reached.key = Some(InsertKey::FreshOnly(format!(
                "its unique key `{}` takes `{column}` from the `{table}` row inserted with a new id at {place}",
                key.name
            )));
        }
    }
}

/// What a function is called with, as far as its facts care.
#[derive(Clone, Default)]
struct Inherited<'b> {
    /// A `timeout` around the call.
    bound: Option<&'b Bound>,
    /// The transaction passed in (`&mut *tx`), which its parameters hold.
    transaction: Option<TransactionId>,
    /// The caller's transaction this function's result becomes
    /// (`let mut tx = claim_key(..).await?`): a transaction it opens and does not commit
    /// is that one.
    returned_into: Option<TransactionId>,
    /// What the caller does when this function fails: the reaction a downstream call
    /// whose error is handed back (`?`, or returned as is) gets.
    reaction: Option<PlacedReaction>,
    /// Where the arguments it is called with come from, by parameter.
    arguments: Vec<ArgumentOrigin>,
    /// Where its receiver (`self`) comes from.
    receiver: Option<ArgumentOrigin>,
    /// The claim the call runs after, in a caller.
    guard: Option<GuardRef>,
    /// What the arguments it is called with are (constants, `None`, fields), by parameter.
    given: Vec<GivenArgument>,
    /// The parameters (by position, `self` not counted) that hold what a lookup of a
    /// caller found: a branching on one guards this function's inserts as that lookup
    /// would (a get-or-create split between a caller that reads and a helper that tests).
    found_parameters: Vec<(usize, Arc<GuardRef>)>,
}

/// The guard a claim site of `function` (whose facts are `facts`) gives the facts after it,
/// reached through `chain` with `ways` taken on the way.
fn guard_of_site(
    site: &ClaimSite,
    facts: &FunctionFacts,
    function: FnId,
    chain: &[Step],
    ways: &[Way],
    repeat_refused: bool,
) -> GuardRef {
    GuardRef {
        what: site.what.clone(),
        kind: site.kind,
        tables: site.tables.clone(),
        function,
        statement: site.statement,
        order: order_of(
            facts,
            function,
            chain,
            ways,
            site.statement.start,
            site.range,
        ),
        repeat_refused,
    }
}

/// The order of a fact at `at` (its statement's start) whose own text is `range`, in
/// `function` (whose facts are `facts`), reached through `chain` with `ways` taken on the
/// way.
fn order_of(
    facts: &FunctionFacts,
    function: FnId,
    chain: &[Step],
    ways: &[Way],
    at: Position,
    range: TextRange,
) -> Order {
    Order {
        positions: chain
            .iter()
            .map(|step| step.call.start)
            .chain(std::iter::once(at))
            .collect(),
        ways: ways
            .iter()
            .copied()
            .chain(ways_to(facts, function, chain.len(), range))
            .collect(),
    }
}

/// The ways that hold `range` in `function`, at `depth` of the path: the branch of each
/// branching around it whose ways exclude each other.
fn ways_to(
    facts: &FunctionFacts,
    function: FnId,
    depth: usize,
    range: TextRange,
) -> impl Iterator<Item = Way> + '_ {
    facts
        .exclusive_branchings
        .iter()
        .filter_map(move |branching| {
            let branch = branching
                .branches
                .iter()
                .position(|branch| branch.contains_range(&range))?;
            Some(Way {
                depth: depth as u32,
                function,
                branching: branching.tested,
                branch: branch as u32,
                dispatch: false,
            })
        })
}

#[allow(clippy::too_many_arguments)]
fn walk(
    index: &WorkspaceIndex,
    knowledge: &Knowledge,
    schemas: &Schemas,
    cache: &mut FactsCache,
    function: FnId,
    within: Option<TextRange>,
    chain: &mut Vec<Step>,
    ways: &mut Vec<Way>,
    inherited_from_caller: Inherited,
    stack: &mut Vec<FnId>,
    out: &mut Reach,
) {
    if out.steps >= out.step_limit {
        out.exhausted = true;
        return;
    }
    out.steps += 1;
    let inherited = inherited_from_caller.bound;
    if out.visited_set.insert(function) {
        out.visited.push(function);
    }
    let facts = cache.shared(index, knowledge, function);
    let in_scope = |range: &TextRange| within.is_none_or(|scope| scope.contains_range(range));
    // Claims made here: by accesses of this function, and by calls of helpers that claim
    // and hand the outcome back.
    let mut sites: Vec<ClaimSite> = facts.claims.clone();
    // Whether a claim is a helper's that fails on a repeat: a `?` on its call then stops
    // the rest of the function.
    let mut fails_on_repeat = vec![false; sites.len()];
    for edge in &facts.edges {
        let claim = edge
            .targets
            .iter()
            .find_map(|target| cache.get(index, knowledge, *target).claim_helper.clone());
        if let Some(claim) = claim {
            let name = edge
                .targets
                .first()
                .map(|target| index.fn_def(*target).summary.name.to_string())
                .unwrap_or_default();
            sites.push(ClaimSite {
                range: edge.range,
                statement: edge.statement,
                what: format!("`{name}(..)`"),
                kind: claim.kind,
                tables: claim.tables,
            });
            fails_on_repeat.push(claim.checks_itself);
        }
    }
    let regions = guarded_regions(index, function, &sites, &fails_on_repeat);
    let summary = &index.fn_def(function).summary;
    let parameter_names = |position: usize| -> Vec<String> {
        summary
            .params
            .get(position)
            .map(|param| {
                param
                    .bindings
                    .iter()
                    .map(|(name, _)| name.to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let found_regions: Vec<(TextRange, GuardRef)> = inherited_from_caller
        .found_parameters
        .iter()
        .flat_map(|(position, guard)| {
            super::guards::parameter_regions(&summary.body, &parameter_names(*position))
                .into_iter()
                .map(|range| (range, GuardRef::clone(guard)))
        })
        .collect();
    // `inserting`: the tables an insert at `at` writes (a row's lookup guards only those);
    // `None` for a call, whose callee's inserts are matched against the guard it inherits.
    let guard_at = |at: crate::location::Position,
                    chain: &[Step],
                    ways: &[Way],
                    inserting: Option<&[String]>|
     -> Option<GuardRef> {
        let guards_it = |kind: ClaimKind, tables: &[String]| {
            kind != ClaimKind::Found
                || inserting
                    .is_none_or(|written| written.iter().any(|table| tables.contains(table)))
        };
        regions
            .iter()
            .filter(|region| region.range.contains(at))
            .map(|region| (&sites[region.site], region.repeat_refused))
            .filter(|(site, _)| guards_it(site.kind, &site.tables))
            .map(|(site, repeat_refused)| {
                guard_of_site(site, &facts, function, chain, ways, repeat_refused)
            })
            .chain(
                found_regions
                    .iter()
                    .filter(|(range, guard)| {
                        range.contains(at) && guards_it(guard.kind, &guard.tables)
                    })
                    .map(|(_, guard)| guard.clone()),
            )
            // The caller's guard holds here too; a claim guards better than a lookup, a
            // lookup of the key better than one of a row.
            .chain(
                inherited_from_caller
                    .guard
                    .clone()
                    .filter(|guard| guards_it(guard.kind, &guard.tables)),
            )
            .min_by_key(|guard| guard.kind.rank())
    };
    let bound_at = |range: &TextRange| -> Option<Bound> {
        let local = facts
            .timeouts
            .iter()
            .filter(|scope| scope.covers.contains_range(range))
            .map(|scope| scope.bound.clone())
            .reduce(Bound::strongest);
        match (local, inherited) {
            (Some(local), Some(inherited)) => Some(local.strongest(inherited.clone())),
            (Some(local), None) => Some(local),
            (None, Some(inherited)) => Some(inherited.clone()),
            (None, None) => None,
        }
    };
    for call in facts.downstream.iter().filter(|call| in_scope(&call.range)) {
        // What the callers on this path give settles the call first: a request handed in
        // brings its own bound.
        let settled = schemas
            .grpc
            .settle(call.settled(&inherited_from_caller.given));
        let effective_bound = match bound_at(&call.range) {
            Some(outer) => settled.bound.clone().strongest(outer),
            None => settled.bound.clone(),
        };
        out.calls.push(ReachedCall {
            call: settled,
            function,
            chain: chain.clone(),
            effective_bound,
            reaction: placed_reaction(&facts, call.range, function, chain)
                .or_else(|| inherited_from_caller.reaction.clone()),
            error_propagated: facts.reactions.iter().any(|reaction| {
                reaction.call == call.range && reaction.kind == ReactionKind::Propagated
            }),
            order: order_of(
                &facts,
                function,
                chain,
                ways,
                call.statement.start,
                call.range,
            ),
        });
    }
    let handed_back = |name: &str| {
        facts
            .transactions
            .iter()
            .any(|transaction| transaction.name == name && transaction.committed.is_none())
    };
    let own_transaction = |name: &str| match &inherited_from_caller.returned_into {
        Some(caller) if handed_back(name) => caller.clone(),
        _ => TransactionId {
            function,
            name: name.to_string(),
        },
    };
    for transaction in facts
        .transactions
        .iter()
        .filter(|transaction| in_scope(&transaction.opened))
    {
        out.transactions.push(ReachedTransaction {
            id: own_transaction(&transaction.name),
            opener: function,
            opener_name: index.fn_def(function).summary.name.to_string(),
            opened_line: transaction.opened.start.line,
            chain: chain.clone(),
            opened: order_of(
                &facts,
                function,
                chain,
                ways,
                transaction.opened.start,
                transaction.opened,
            ),
            scope: transaction.scope,
            committed: transaction.committed.map(|committed| {
                order_of(&facts, function, chain, ways, committed.start, committed)
            }),
        });
    }
    for access in facts
        .accesses
        .iter()
        .filter(|access| in_scope(&access.range))
    {
        let transaction = match &access.executor {
            Executor::Transaction(name) => Some(own_transaction(name)),
            Executor::Param(_) => inherited_from_caller.transaction.clone(),
            Executor::Autocommit => None,
        };
        let mut access = access.clone();
        let file = &index.file(index.fn_def(function).file).display_path;
        let (mut key, mut conflict_key) = (None, None);
        if let Some(inserted) = access.inserted.as_mut() {
            // A row the caller built: the fields of its struct literal are the columns.
            if let Some(position) = inserted.columns_from_parameter {
                let handed = if position == SELF_PARAMETER {
                    inherited_from_caller.receiver.as_ref()
                } else {
                    inherited_from_caller.arguments.get(position)
                };
                if let Some(handed) = handed.filter(|handed| !handed.fields.is_empty()) {
                    inserted.columns = handed.fields.clone();
                    inserted.complete = true;
                }
            }
            for (_, origin) in &mut inserted.columns {
                *origin = resolve_origin(
                    origin,
                    &inherited_from_caller.arguments,
                    inherited_from_caller.receiver.as_ref(),
                );
            }
            if inserted.plain {
                key = Some(schemas.key_of_insert(file, inserted));
            }
            conflict_key = inserted
                .conflict_target
                .as_ref()
                .and_then(|target| schemas.conflict_target(file, &inserted.table, target));
        }
        // A row's lookup guards only an insert into its table, never a relative update.
        let inserting: &[String] = match &access.access {
            super::Access::Write {
                description,
                tables,
                ..
            } if description.starts_with("INSERT") => tables,
            _ => &[],
        };
        let guard = guard_at(access.statement.start, chain, ways, Some(inserting));
        out.accesses.push(ReachedAccess {
            order: order_of(
                &facts,
                function,
                chain,
                ways,
                access.statement.start,
                access.range,
            ),
            guard,
            access,
            function,
            chain: chain.clone(),
            transaction,
            key,
            conflict_key,
        });
    }
    for source in facts
        .key_sources
        .iter()
        .filter(|source| within.is_none_or(|scope| scope.contains(source.range.start)))
    {
        out.key_sources.push((function, source.clone()));
    }
    let calls_before = out.calls.len();
    // Edges first, so that retries can see what their attempts reach.
    let mut edge_results: Vec<(TextRange, usize, usize, usize, usize)> = Vec::new();
    // What this function looked up (a row's lookup, `Found`), or was handed as found by
    // its caller, by the locals that hold it: a call given one hands it on.
    // Only the rows a helper looked up (`let rows = Row::list(conn, id).await?`) and some
    // call is handed are kept: most lookups' rows go nowhere, and a function's own reads
    // are many.
    let handed = |name: &str| {
        facts
            .edges
            .iter()
            .any(|edge| edge.arg_names.iter().any(|argument| argument == name))
    };
    let found_values: Vec<(Vec<String>, Arc<GuardRef>)> = sites[facts.claims.len()..]
        .iter()
        .filter(|site| site.kind == ClaimKind::Found)
        .filter_map(|site| {
            // A local the lookup's result is bound to, handed to a call as it is.
            let handed_as_bound = summary.body.locals.iter().any(|local| {
                local
                    .init_range
                    .is_some_and(|range| range.contains_range(&site.range))
                    && handed(&local.name)
            });
            if !handed_as_bound {
                return None;
            }
            let names = super::guards::holders(&summary.body, site.range);
            Some((
                names,
                Arc::new(guard_of_site(site, &facts, function, chain, ways, false)),
            ))
        })
        .chain(
            inherited_from_caller
                .found_parameters
                .iter()
                .map(|(position, guard)| (parameter_names(*position), guard.clone())),
        )
        .filter(|(names, _)| !names.is_empty())
        .collect();
    for edge in facts.edges.iter().filter(|edge| in_scope(&edge.range)) {
        let edge_guard = guard_at(edge.statement.start, chain, ways, None);
        // Each argument's mentions, in order (`Mention::NextArgument` parts them), looked
        // up only for a call whose arguments name a found value.
        let hands_found = found_values.iter().any(|(names, _)| {
            edge.arg_names
                .iter()
                .any(|argument| names.iter().any(|name| name == argument))
        });
        let argument_mentions: Vec<Vec<&crate::index::Mention>> = if !hands_found {
            Vec::new()
        } else {
            index
                .fn_calls(function)
                .iter()
                .find(|call| call.range == edge.range)
                .map(|call| {
                    call.arg_mentions
                        .items
                        .split(|item| matches!(item, crate::index::Mention::NextArgument))
                        .map(|part| part.iter().collect())
                        .collect()
                })
                .unwrap_or_default()
        };
        let calls_start = out.calls.len();
        let retries_start = out.retries.len();
        // A call that may run one of several functions (the implementations of a trait
        // behind `dyn` or a generic) runs one of them each time: their facts are on
        // exclusive ways of the call, unless a loop makes the call again.
        let dispatched = edge.targets.len() > 1
            && !facts
                .repeated
                .iter()
                .any(|repeated| repeated.contains(edge.range.start));
        for (implementation, target) in edge.targets.iter().enumerate() {
            if stack.contains(target) {
                continue;
            }
            if chain.len() >= MAX_CALL_DEPTH {
                if out.cut_set.insert((function, edge.statement, *target)) {
                    out.cut.push(CutCall {
                        function,
                        statement: edge.statement,
                        target: *target,
                        touches_state: false,
                        calls_downstream: false,
                        calls_mutating_downstream: false,
                    });
                }
                continue;
            }
            stack.push(*target);
            let ways_before = ways.len();
            ways.extend(ways_to(&facts, function, chain.len(), edge.range));
            if dispatched {
                ways.push(Way {
                    depth: chain.len() as u32,
                    function,
                    branching: edge.range.start,
                    branch: implementation as u32,
                    dispatch: true,
                });
            }
            chain.push(Step {
                function,
                call: edge.statement,
            });
            let bound = bound_at(&edge.range);
            let transaction =
                passed_transaction(&facts, edge, index, function, &inherited_from_caller);
            // `Type::method(receiver, ..)`: the first argument is the callee's `self`.
            let skipped = usize::from(edge.path_call && index.fn_def(*target).summary.has_self);
            let resolve_argument = |argument: &ArgumentOrigin| ArgumentOrigin {
                whole: argument.whole.as_ref().map(|origin| {
                    resolve_origin(
                        origin,
                        &inherited_from_caller.arguments,
                        inherited_from_caller.receiver.as_ref(),
                    )
                }),
                fields: argument
                    .fields
                    .iter()
                    .map(|(name, origin)| {
                        (
                            name.clone(),
                            resolve_origin(
                                origin,
                                &inherited_from_caller.arguments,
                                inherited_from_caller.receiver.as_ref(),
                            ),
                        )
                    })
                    .collect(),
            };
            let arguments = edge
                .arguments
                .iter()
                .skip(skipped)
                .map(resolve_argument)
                .collect();
            let receiver = if skipped == 1 {
                edge.arguments.first().map(resolve_argument)
            } else {
                edge.receiver.as_ref().map(resolve_argument)
            };
            walk(
                index,
                knowledge,
                schemas,
                cache,
                *target,
                None,
                chain,
                ways,
                Inherited {
                    bound: bound.as_ref(),
                    transaction,
                    returned_into: returned_into(&facts, edge, function),
                    // The step just pushed leads into the callee; the reaction is
                    // written here, at the caller's depth. A callee that returns nothing
                    // hands no error back (`fn send_email(..) { spawn(async move {
                    // mailer.send(m).await?; .. }) }`): what its caller does with the
                    // result is no reaction to the failures inside it.
                    reaction: if index.fn_def(*target).summary.output.is_none() {
                        None
                    } else {
                        placed_reaction(&facts, edge.range, function, &chain[..chain.len() - 1])
                            .or_else(|| inherited_from_caller.reaction.clone())
                    },
                    arguments,
                    receiver,
                    guard: edge_guard.clone(),
                    found_parameters: argument_mentions
                        .iter()
                        .skip(skipped)
                        .enumerate()
                        .flat_map(|(position, mentions)| {
                            found_values
                                .iter()
                                .filter(|(names, _)| {
                                    mentions.iter().any(|item| {
                                        matches!(item, crate::index::Mention::Name(name) if names.iter().any(|held| held == name.as_str()))
                                    })
                                })
                                .map(move |(_, guard)| (position, guard.clone()))
                        })
                        .collect(),
                    given: edge
                        .given
                        .iter()
                        .skip(skipped)
                        .map(|argument| argument.settled(&inherited_from_caller.given))
                        .collect(),
                },
                stack,
                out,
            );
            chain.pop();
            ways.truncate(ways_before);
            stack.pop();
        }
        edge_results.push((
            edge.range,
            calls_start,
            out.calls.len(),
            retries_start,
            out.retries.len(),
        ));
    }
    for retry in facts.retries.iter().filter(|retry| in_scope(&retry.body)) {
        let mut calls: Vec<ReachedCall> = out.calls[..calls_before]
            .iter()
            .filter(|reached| {
                reached.function == function
                    && reached.chain.len() == chain.len()
                    && retry.body.contains_range(&reached.call.range)
            })
            .cloned()
            .collect();
        let mut nested = facts.retries.iter().any(|other| {
            !std::ptr::eq(other, retry)
                && retry.body.contains_range(&other.body)
                && other.anchor != retry.anchor
        });
        for (range, calls_start, calls_end, retries_start, retries_end) in &edge_results {
            if retry.body.contains_range(range) {
                calls.extend(out.calls[*calls_start..*calls_end].iter().cloned());
                if out.retries[*retries_start..*retries_end]
                    .iter()
                    .any(|inner| !inner.calls.is_empty())
                {
                    nested = true;
                }
            }
        }
        if calls.iter().any(|reached| reached.call.retried_by_client) {
            nested = true;
        }
        let overall_bound = bound_at(&retry.body);
        out.retries.push(ReachedRetry {
            retry: retry.clone(),
            function,
            chain: chain.clone(),
            calls,
            nested,
            overall_bound,
        });
    }
}

/// A value's origin in the caller's terms: a parameter becomes what the caller passed for
/// it (the field of a struct it built, when the value is one), and a parameter of the
/// handler itself is the request's.
fn resolve_origin(
    origin: &ValueOrigin,
    arguments: &[ArgumentOrigin],
    receiver: Option<&ArgumentOrigin>,
) -> ValueOrigin {
    let ValueOrigin::Param { position, field } = origin else {
        return origin.clone();
    };
    let handed = if *position == SELF_PARAMETER {
        receiver
    } else {
        arguments.get(*position)
    };
    let Some(argument) = handed else {
        return ValueOrigin::Given;
    };
    if let Some(field) = field {
        if let Some((_, origin)) = argument
            .fields
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(field))
        {
            return origin.clone();
        }
        // The caller built the struct, and not this field: it comes from the literal's base
        // (`..Form::new(..)`, `..Default::default()`), which leaves it to the database.
        if !argument.fields.is_empty() {
            return ValueOrigin::Default;
        }
    }
    argument.whole.clone().unwrap_or(ValueOrigin::Given)
}

/// The transaction a call passes to its callee: a transaction of this function named in the
/// arguments (`&mut *tx`, `tx.as_mut()`), the closure transaction the call is made in, or
/// the one this function was itself given and passes on.
fn passed_transaction(
    facts: &FunctionFacts,
    edge: &super::CallEdge,
    index: &WorkspaceIndex,
    function: FnId,
    inherited: &Inherited,
) -> Option<TransactionId> {
    for name in &edge.arg_names {
        if let Some(transaction) = facts.transactions.iter().find(|transaction| {
            transaction.name == *name && transaction.scope.contains(edge.range.start)
        }) {
            return Some(TransactionId {
                function,
                name: transaction.name.clone(),
            });
        }
    }
    if let Some(closure) = facts.transactions.iter().find(|transaction| {
        transaction.name.starts_with("transaction closure")
            && transaction.scope.contains_range(&edge.range)
            && !edge.arg_names.is_empty()
    }) {
        return Some(TransactionId {
            function,
            name: closure.name.clone(),
        });
    }
    let params = &index.fn_def(function).summary.params;
    let passes_a_parameter = edge.arg_names.iter().any(|name| {
        params
            .iter()
            .any(|param| param.bindings.iter().any(|(bound, _)| bound == name))
    });
    if passes_a_parameter {
        return inherited.transaction.clone();
    }
    None
}

/// The transaction local of this function that the call's result initialises
/// (`let mut tx = claim_key(..).await?`).
fn returned_into(
    facts: &FunctionFacts,
    edge: &super::CallEdge,
    function: FnId,
) -> Option<TransactionId> {
    facts
        .transactions
        .iter()
        .find(|transaction| transaction.opened.contains_range(&edge.range))
        .map(|transaction| TransactionId {
            function,
            name: transaction.name.clone(),
        })
}

/// What this function does when the call at `range` fails, unless it hands the error back
/// (then its caller's reaction applies).
fn placed_reaction(
    facts: &FunctionFacts,
    range: TextRange,
    function: FnId,
    chain: &[Step],
) -> Option<PlacedReaction> {
    facts
        .reactions
        .iter()
        .find(|reaction| reaction.call == range && reaction.kind != ReactionKind::Propagated)
        .map(|reaction| PlacedReaction {
            reaction: reaction.clone(),
            function,
            chain: chain.to_vec(),
        })
}
