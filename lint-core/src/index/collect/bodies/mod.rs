//! Function bodies: one visit per body records its locals, calls, loops, assignments,
//! comparisons, exits, error arms, macros, closures, struct literals and discards.

mod macro_uses;
mod shapes;

pub(super) use macro_uses::walk_invocation;

use syn::visit::{self, Visit};

use super::exprs::{
    block_diverges, diverges, expr_tree, is_method_router, is_route_statement, peel_parens,
    value_expr,
};
use super::macro_rules::{VisibleMacros, MAX_EXPANSIONS_PER_BODY};
use super::mentions::{args_mentions, mentions_of, mentions_of_block, operator_text};
use super::types::{pattern_names, type_ref, unwrapped_binding, variant_binding};
use super::{path_segments, range_of, static_summary, WalkHints};
use crate::index::spans::{
    block_range, call_range, closure_range, expr_range, local_range, method_call_range, stmt_range,
    struct_range, token_to_expr,
};
use crate::index::summary::*;
use crate::location::TextRange;
use shapes::*;

/// What a function body does. Test code is never a handler nor on a handler's path: the
/// caller passes no block for it, and its summary stays empty.
pub(super) fn summarize_body(block: Option<&syn::Block>, hints: &WalkHints) -> BodySummary {
    let mut body = BodyCollector::new(hints);
    if let Some(block) = block {
        body.scopes.push(block_range(block));
        body.visit_block(block);
    }
    body.summary.shrink_to_fit();
    body.summary
}
/// Walks one function body. Nested items are not part of the function and are skipped.
struct BodyCollector<'h> {
    hints: &'h WalkHints,
    summary: BodySummary,
    /// Ranges of the enclosing blocks, innermost last: a `let` is visible to the end of its
    /// block.
    scopes: Vec<TextRange>,
    /// Above zero while inside a route statement already captured whole.
    capturing_routes: usize,
    /// The variables being initialised or assigned, innermost last: a route statement inside
    /// `let routes = if .. { .. } else { Router::new().nest(p, routes) };` builds `routes`.
    route_bindings: Vec<CompactString>,
    /// The address of an expression known not to be a route statement: the receiver (or
    /// the inside) of the expression just found not to be one. Along a chain of 30,000
    /// calls, asking again at every call would be quadratic.
    known_not_a_route: usize,
    /// Ranges of the enclosing statements, innermost last.
    statements: Vec<TextRange>,
    /// The scrutinee of the enclosing `match` (and its name when it is a variable),
    /// innermost last.
    scrutinees: Vec<(TextRange, Option<CompactString>)>,
    /// How many unknown macros' arguments enclose the walk: the invocations met outside
    /// any are written down for a later expansion.
    macro_depth: usize,
    /// The workspace's `macro_rules!` visible here, while an expansion is walked: an
    /// invocation met is expanded at once.
    macros: Option<&'h VisibleMacros>,
    /// The invocations whose expansions enclose the walk, innermost last, each as the range
    /// of the outermost invocation written in the file: a statement an arm wrote points
    /// there.
    expansions: Vec<TextRange>,
    /// How many more invocations this body may expand.
    expansions_left: usize,
}
impl<'h> BodyCollector<'h> {
    fn new(hints: &'h WalkHints) -> Self {
        BodyCollector {
            hints,
            summary: BodySummary::default(),
            scopes: Vec::new(),
            capturing_routes: 0,
            route_bindings: Vec::new(),
            known_not_a_route: 0,
            statements: Vec::new(),
            scrutinees: Vec::new(),
            macro_depth: 0,
            macros: None,
            expansions: Vec::new(),
            expansions_left: MAX_EXPANSIONS_PER_BODY,
        }
    }

    /// Where a statement is written: its own range, or, when an arm of a workspace macro
    /// wrote some of it (laid out past the invocation), the invocation's.
    fn written_range(&self, range: TextRange) -> TextRange {
        match self.expansions.last() {
            Some(invocation) if !invocation.contains_range(&range) => *invocation,
            _ => range,
        }
    }

    /// Keeps a string literal that starts with one of the hinted words.
    fn keep_literal(&mut self, literal: &syn::LitStr) {
        let text = literal.value();
        let head = text.trim_start();
        let starts_with = |word: &String| {
            head.get(..word.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(word))
        };
        if self.hints.kept_literal_heads.iter().any(starts_with) {
            self.summary.kept_literals.push(KeptLiteral {
                range: range_of(literal),
                text: text.into(),
            });
        }
    }

    fn record_exit(&mut self, kind: ExitKind, span: proc_macro2::Span) {
        self.summary.exits.push(Exit {
            kind,
            range: node_range(span),
        });
    }

    fn capture_route_statement(&mut self, binding: Option<CompactString>, expr: &syn::Expr) {
        self.summary.route_statements.push(RouteStatement {
            binding: binding.or_else(|| self.route_bindings.last().cloned()),
            expr: expr_tree(expr),
        });
    }

    /// Records a branching on `tested`, with the rest of the block after its statement;
    /// `leaving` says, for each branch, whether it always leaves the block.
    fn push_branching(
        &mut self,
        tested: &syn::Expr,
        branches: Vec<TextRange>,
        leaving: impl IntoIterator<Item = bool>,
    ) {
        let statement_end = self
            .statements
            .last()
            .map(|statement| statement.end)
            .unwrap_or_else(|| expr_range(tested).end);
        let block_end = self
            .scopes
            .last()
            .map(|scope| scope.end)
            .unwrap_or(statement_end);
        self.summary.branchings.push(Branching {
            tested: expr_range(tested),
            tested_mentions: mentions_of(tested),
            branches,
            after: TextRange {
                start: statement_end,
                end: block_end,
            },
            leaving_branches: leaving
                .into_iter()
                .take(64)
                .enumerate()
                .filter(|(_, leaves)| *leaves)
                .fold(0, |bits, (branch, _)| bits | 1 << branch),
        });
    }

    /// Visits an expression whose value becomes `binding`: a route statement it is, or
    /// holds, builds that variable.
    fn visit_bound_value(&mut self, binding: Option<CompactString>, value: &syn::Expr) {
        if self.capturing_routes == 0 && self.is_route_value(value) {
            self.capture_route_statement(binding, value);
            self.capturing_routes += 1;
            visit::visit_expr(self, value);
            self.capturing_routes -= 1;
            return;
        }
        match binding {
            Some(binding) => {
                self.route_bindings.push(binding);
                self.visit_expr(value);
                self.route_bindings.pop();
            }
            None => self.visit_expr(value),
        }
    }

    /// `if let Some(client) = &state.client { .. }`, a `match` arm `Ok(conn) => ..`,
    /// `while let Some(x) = ..`: the name bound to what `value` holds, visible in `scope`.
    fn bind_unwrapped(&mut self, pat: &syn::Pat, value: &syn::Expr, scope: TextRange) {
        // `Backend::Smtp(transport) => ..`: the one value a variant carries, typed as the
        // enum declares it.
        if let Some((variant, name)) = variant_binding(pat) {
            self.summary.locals.push(LocalBinding {
                name,
                declared: None,
                init: Some(ValueExpr::VariantField {
                    value: Box::new(value_expr(value)),
                    variant,
                }),
                init_range: Some(expr_range(value)),
                init_mentions: mentions_of(value),
                scope,
            });
            return;
        }
        let Some(name) = unwrapped_binding(pat) else {
            // `Outcome::Continue(delay) => sleep(delay)`: the binding is not the value, but
            // it is made of it (the delay follows what the scrutinee was given).
            let variant_of_own_enum = matches!(pat, syn::Pat::TupleStruct(tuple)
            if tuple.path.segments.len() > 1
                && !tuple.path.segments.last().is_some_and(|last| {
                    matches!(last.ident.to_string().as_str(), "Some" | "Ok" | "Err")
                }));
            if variant_of_own_enum {
                for name in pattern_names(pat) {
                    self.summary.locals.push(LocalBinding {
                        name,
                        declared: None,
                        init: None,
                        init_range: Some(expr_range(value)),
                        init_mentions: mentions_of(value),
                        scope,
                    });
                }
            }
            return;
        };
        self.summary.locals.push(LocalBinding {
            name,
            declared: None,
            init: Some(ValueExpr::Unwrapped(Box::new(value_expr(value)))),
            init_range: Some(expr_range(value)),
            init_mentions: mentions_of(value),
            scope,
        });
    }

    /// A closure's parameters: typed ones (`|conn: &mut PgConnection|`) by their type, an
    /// untyped first one given `receiver`'s value when the closure is an argument of a
    /// method that hands it over (`client.as_ref().map(|client| ..)`).
    fn bind_closure_parameters(
        &mut self,
        closure: &syn::ExprClosure,
        receiver: Option<&syn::Expr>,
    ) {
        let scope = expr_range(&closure.body);
        for (position, input) in closure.inputs.iter().enumerate() {
            match input {
                syn::Pat::Type(typed) => {
                    if let syn::Pat::Ident(ident) = &*typed.pat {
                        self.summary.locals.push(LocalBinding {
                            name: ident.ident.to_compact_string(),
                            declared: Some(type_ref(&typed.ty)),
                            init: None,
                            init_range: None,
                            init_mentions: Mentions::default(),
                            scope,
                        });
                    }
                }
                untyped => {
                    if let (0, Some(receiver)) = (position, receiver) {
                        self.bind_unwrapped(untyped, receiver, scope);
                    }
                }
            }
        }
    }

    /// A value that builds routes: a router chain, or a method router kept in a variable
    /// (`let okay = get(handler).post(other);`) for a later `.route(path, okay)`.
    fn is_route_value(&self, value: &syn::Expr) -> bool {
        is_route_statement(
            value,
            &self.hints.route_building_methods,
            &self.hints.route_list_macros,
        ) || is_method_router(value, &self.hints.method_router_functions)
    }
}
impl<'ast> Visit<'ast> for BodyCollector<'_> {
    fn visit_item(&mut self, nested_item: &'ast syn::Item) {
        // Nested items are not part of the function, except statics: a client is often
        // built in a `static` inside the function that hands out requests.
        if let syn::Item::Static(item_static) = nested_item {
            self.summary.statics.push(static_summary(item_static));
        }
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.scopes.push(block_range(block));
        visit::visit_block(self, block);
        self.scopes.pop();
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        self.statements.push(self.written_range(stmt_range(stmt)));
        visit::visit_stmt(self, stmt);
        self.statements.pop();
    }

    fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
        use syn::BinOp::*;
        let operator = operator_text(&binary.op).to_compact_string();
        match binary.op {
            Lt(_) | Le(_) | Gt(_) | Ge(_) | Eq(_) | Ne(_) => {
                let mut operands = mentions_of(&binary.left);
                operands.extend(mentions_of(&binary.right));
                self.summary.comparisons.push(Comparison {
                    operands,
                    range: expr_range_binary(binary),
                });
            }
            AddAssign(_) | SubAssign(_) | MulAssign(_) | DivAssign(_) | ShlAssign(_)
            | ShrAssign(_) | BitOrAssign(_) => {
                if let Some(target) = assigned_name(&binary.left) {
                    self.summary.assignments.push(Assignment {
                        target,
                        operator,
                        value: mentions_of(&binary.right),
                        range: expr_range_binary(binary),
                    });
                }
            }
            _ => {}
        }
        visit::visit_expr_binary(self, binary);
    }

    fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
        let target = assigned_name(&assign.left);
        if let Some(target) = &target {
            self.summary.assignments.push(Assignment {
                target: target.clone(),
                operator: "=".to_compact_string(),
                value: mentions_of(&assign.right),
                range: between_tokens_assign(assign),
            });
        }
        // `router = router.route(..)`: the statement rebuilds `router`.
        for attr in &assign.attrs {
            self.visit_attribute(attr);
        }
        self.visit_expr(&assign.left);
        self.visit_bound_value(target, &assign.right);
    }

    fn visit_expr_break(&mut self, node: &'ast syn::ExprBreak) {
        self.record_exit(ExitKind::Break, node.break_token.span);
        visit::visit_expr_break(self, node);
    }

    fn visit_expr_return(&mut self, node: &'ast syn::ExprReturn) {
        self.record_exit(ExitKind::Return, node.return_token.span);
        visit::visit_expr_return(self, node);
    }

    fn visit_expr_continue(&mut self, node: &'ast syn::ExprContinue) {
        self.record_exit(ExitKind::Continue, node.continue_token.span);
        visit::visit_expr_continue(self, node);
    }

    fn visit_expr_await(&mut self, node: &'ast syn::ExprAwait) {
        // Only calls and variables can be requests; other futures (`async` blocks, joins of
        // several) are not recorded.
        let awaited = peel_try_and_parens(&node.base);
        let variable = match awaited {
            syn::Expr::Path(path) => path
                .path
                .get_ident()
                .map(ToCompactString::to_compact_string),
            _ => None,
        };
        if variable.is_some() || matches!(awaited, syn::Expr::Call(_) | syn::Expr::MethodCall(_)) {
            let value = expr_range(awaited);
            self.summary.awaits.push(AwaitSite {
                value,
                variable,
                statement: self.statements.last().copied().unwrap_or(value),
            });
        }
        visit::visit_expr_await(self, node);
    }

    fn visit_expr_try(&mut self, node: &'ast syn::ExprTry) {
        self.record_exit(ExitKind::Question, node.question_token.span);
        visit::visit_expr_try(self, node);
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        if let Some(catch_all) = error_pattern(&arm.pat) {
            let mut mentions = Mentions::default();
            if let Some((_, guard)) = &arm.guard {
                mentions.extend(mentions_of(guard));
            }
            // A block arm's own statements count (not the bodies nested in them): what an
            // arm does is in its block.
            let body_mentions = match &*arm.body {
                syn::Expr::Block(block) => mentions_of_block(&block.block),
                other => mentions_of(other),
            };
            mentions.extend(body_mentions);
            // A guard's mentions are kept apart too: it decides which errors the arm takes.
            self.summary.error_arms.push(ErrorArm {
                range: TextRange {
                    start: range_of(&arm.pat).start,
                    end: expr_range(&arm.body).end,
                },
                catch_all,
                mentions,
                scrutinee: self.scrutinees.last().map(|(range, _)| *range),
                scrutinee_name: self.scrutinees.last().and_then(|(_, name)| name.clone()),
                guard: arm
                    .guard
                    .as_ref()
                    .map(|(_, guard)| mentions_of(guard))
                    .unwrap_or_default(),
            });
        }
        visit::visit_arm(self, arm);
    }

    fn visit_expr_match(&mut self, node: &'ast syn::ExprMatch) {
        let branches = node.arms.iter().map(|arm| expr_range(&arm.body)).collect();
        let leaving = node.arms.iter().map(|arm| diverges(&arm.body));
        self.push_branching(&node.expr, branches, leaving);
        self.visit_expr(&node.expr);
        self.scrutinees
            .push((expr_range(&node.expr), plain_variable(&node.expr)));
        for arm in &node.arms {
            self.bind_unwrapped(&arm.pat, &node.expr, expr_range(&arm.body));
            self.visit_arm(arm);
        }
        self.scrutinees.pop();
    }

    fn visit_expr_let(&mut self, node: &'ast syn::ExprLet) {
        if let Some(catch_all) = error_pattern(&node.pat) {
            self.summary.error_arms.push(ErrorArm {
                range: token_to_expr(node.let_token.span, &node.expr),
                catch_all,
                mentions: Mentions::default(),
                scrutinee: Some(expr_range(&node.expr)),
                scrutinee_name: plain_variable(&node.expr),
                guard: Mentions::default(),
            });
        }
        visit::visit_expr_let(self, node);
    }

    fn visit_expr_if(&mut self, node: &'ast syn::ExprIf) {
        let tested = match &*node.cond {
            syn::Expr::Let(condition) => &*condition.expr,
            other => other,
        };
        let mut branches = vec![block_range(&node.then_branch)];
        branches.extend(
            node.else_branch
                .as_ref()
                .map(|(_, otherwise)| expr_range(otherwise)),
        );
        let leaving = std::iter::once(block_diverges(&node.then_branch)).chain(
            node.else_branch
                .as_ref()
                .map(|(_, otherwise)| diverges(otherwise)),
        );
        self.push_branching(tested, branches, leaving);
        if let syn::Expr::Let(condition) = &*node.cond {
            self.bind_unwrapped(
                &condition.pat,
                &condition.expr,
                block_range(&node.then_branch),
            );
        }
        // `if let Err(e) = r { body }`: the arm is the whole `if`, so that its body counts.
        if let syn::Expr::Let(condition) = &*node.cond {
            if let Some(catch_all) = error_pattern(&condition.pat) {
                self.summary.error_arms.push(ErrorArm {
                    range: TextRange::between(
                        node.if_token.span,
                        node.then_branch.brace_token.span.close(),
                    ),
                    catch_all,
                    mentions: mentions_of_block(&node.then_branch),
                    scrutinee: Some(expr_range(&condition.expr)),
                    scrutinee_name: plain_variable(&condition.expr),
                    guard: Mentions::default(),
                });
                visit::visit_expr(self, &condition.expr);
                self.visit_block(&node.then_branch);
                if let Some((_, otherwise)) = &node.else_branch {
                    self.visit_expr(otherwise);
                }
                return;
            }
        }
        // `if call().await.is_err() { .. }`, `if !result.is_ok() { .. }`: the block is the
        // error arm of the value tested.
        if let Some(tested) = tested_for_error(&node.cond) {
            self.summary.error_arms.push(ErrorArm {
                range: TextRange::between(
                    node.if_token.span,
                    node.then_branch.brace_token.span.close(),
                ),
                catch_all: true,
                mentions: mentions_of_block(&node.then_branch),
                scrutinee: Some(expr_range(tested)),
                scrutinee_name: plain_variable(tested),
                guard: Mentions::default(),
            });
        }
        visit::visit_expr_if(self, node);
    }

    fn visit_expr_struct(&mut self, node: &'ast syn::ExprStruct) {
        let fields = node
            .fields
            .iter()
            .filter_map(|field| match &field.member {
                syn::Member::Named(name) => Some(FieldInit {
                    name: name.to_compact_string(),
                    value: value_expr(&field.expr),
                    mentions: mentions_of(&field.expr),
                    range: field_range(field),
                }),
                syn::Member::Unnamed(_) => None,
            })
            .collect();
        self.summary.struct_literals.push(StructLiteral {
            path: path_segments(&node.path),
            fields,
            range: struct_range(node),
        });
        visit::visit_expr_struct(self, node);
    }

    // `for image in &reply.files { .. }`: each name the pattern binds holds an element of
    // what is iterated, so it comes from where that comes from (a value is followed back to
    // its origin through it as through a `let`).
    fn visit_expr_for_loop(&mut self, node: &'ast syn::ExprForLoop) {
        let iterated = &*node.expr;
        for name in pattern_names(&node.pat) {
            self.summary.locals.push(LocalBinding {
                name,
                declared: None,
                init: None,
                init_range: Some(expr_range(iterated)),
                init_mentions: mentions_of(iterated),
                scope: block_range(&node.body),
            });
        }
        visit::visit_expr_for_loop(self, node);
    }

    fn visit_expr_while(&mut self, node: &'ast syn::ExprWhile) {
        if let syn::Expr::Let(condition) = &*node.cond {
            self.bind_unwrapped(&condition.pat, &condition.expr, block_range(&node.body));
        }
        visit::visit_expr_while(self, node);
    }

    fn visit_expr_closure(&mut self, node: &'ast syn::ExprClosure) {
        self.summary.closures.push(closure_range(node));
        // Untyped parameters of a closure given to a method are bound where the method
        // call is visited, with the receiver's value.
        if node
            .inputs
            .iter()
            .any(|input| matches!(input, syn::Pat::Type(_)))
        {
            self.bind_closure_parameters(node, None);
        }
        visit::visit_expr_closure(self, node);
    }

    fn visit_expr_async(&mut self, node: &'ast syn::ExprAsync) {
        self.summary.closures.push(TextRange::between(
            node.async_token.span,
            node.block.brace_token.span.close(),
        ));
        visit::visit_expr_async(self, node);
    }

    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        self.record_macro(node);
    }

    fn visit_lit_str(&mut self, node: &'ast syn::LitStr) {
        if !self.hints.kept_literal_heads.is_empty() {
            self.keep_literal(node);
        }
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let statement_end = local_range(local).end;
        let block_end = self
            .scopes
            .last()
            .map(|scope| scope.end)
            .unwrap_or(statement_end);
        let scope = TextRange {
            start: statement_end,
            end: block_end,
        };
        let init_expr = local.init.as_ref().map(|init| &*init.expr);
        // `let Some(tx) = claim(..).await? else { return .. }`: the rest of the block runs
        // only when the pattern matched.
        if let Some((init, (_, otherwise))) = local
            .init
            .as_ref()
            .and_then(|init| Some((&*init.expr, init.diverge.as_ref()?)))
        {
            // The `else` of `let .. else` must leave: the compiler sees to it.
            self.push_branching(init, vec![expr_range(otherwise)], [true]);
        }
        let (declared_pat, declared_ty) = match &local.pat {
            syn::Pat::Type(pat_type) => (&*pat_type.pat, Some(type_ref(&pat_type.ty))),
            other => (other, None),
        };
        // `let _ = call()` throws the call's result away; `let _ = call()?` hands its error
        // back and throws away only what it gave on success.
        if let (syn::Pat::Wild(_), Some(init)) = (declared_pat, init_expr) {
            if !matches!(peel_parens(init), syn::Expr::Try(_)) {
                self.summary.discards.push(expr_range(init));
            }
        }
        let names = pattern_names(declared_pat);
        let single_name = match declared_pat {
            syn::Pat::Ident(ident) => Some(ident.ident.to_compact_string()),
            _ => None,
        };
        // `let Some(client) = state.client.clone() else { .. }`: `client` is the whole value
        // the option holds.
        let whole_name = single_name
            .clone()
            .or_else(|| unwrapped_binding(declared_pat));
        // `let (router, api) = ApiRouter::new()..split_for_parts();`: the router comes first.
        let route_binding = single_name.clone().or_else(|| match declared_pat {
            syn::Pat::Tuple(tuple) => tuple.elems.first().and_then(|first| match first {
                syn::Pat::Ident(ident) => Some(ident.ident.to_compact_string()),
                _ => None,
            }),
            _ => None,
        });
        for name in names {
            let is_whole_value = whole_name.as_deref() == Some(name.as_str());
            self.summary.locals.push(LocalBinding {
                name,
                declared: if is_whole_value {
                    declared_ty.clone()
                } else {
                    None
                },
                init: match (is_whole_value, init_expr) {
                    (true, Some(init)) if single_name.is_some() => Some(value_expr(init)),
                    // `let Some(client) = .. else`: what the value holds.
                    (true, Some(init)) => Some(ValueExpr::Unwrapped(Box::new(value_expr(init)))),
                    _ => None,
                },
                init_range: init_expr.map(expr_range),
                init_mentions: init_expr.map(mentions_of).unwrap_or_default(),
                scope,
            });
        }
        match &local.init {
            Some(init) if self.capturing_routes == 0 => {
                for attr in &local.attrs {
                    self.visit_attribute(attr);
                }
                self.visit_pat(&local.pat);
                self.visit_bound_value(route_binding, &init.expr);
                if let Some((_, otherwise)) = &init.diverge {
                    self.visit_expr(otherwise);
                }
            }
            _ => visit::visit_local(self, local),
        }
    }

    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        let known_not_a_route =
            std::mem::take(&mut self.known_not_a_route) == expr as *const syn::Expr as usize;
        if self.capturing_routes == 0
            && !known_not_a_route
            && is_route_statement(
                expr,
                &self.hints.route_building_methods,
                &self.hints.route_list_macros,
            )
        {
            self.capture_route_statement(None, expr);
            self.capturing_routes += 1;
            visit::visit_expr(self, expr);
            self.capturing_routes -= 1;
            return;
        }
        match expr {
            syn::Expr::Loop(_) | syn::Expr::While(_) | syn::Expr::ForLoop(_) => {
                self.summary.loops.push(loop_summary(expr));
            }
            _ => {}
        }
        // What is visited next along the chain is no route statement either (the test
        // reads the same calls, minus this one).
        if self.capturing_routes == 0 {
            self.known_not_a_route = match expr {
                syn::Expr::MethodCall(call) => &*call.receiver as *const syn::Expr as usize,
                syn::Expr::Paren(syn::ExprParen { expr: inner, .. })
                | syn::Expr::Group(syn::ExprGroup { expr: inner, .. })
                | syn::Expr::Reference(syn::ExprReference { expr: inner, .. })
                | syn::Expr::Try(syn::ExprTry { expr: inner, .. })
                | syn::Expr::Await(syn::ExprAwait { base: inner, .. }) => {
                    &**inner as *const syn::Expr as usize
                }
                syn::Expr::Unary(syn::ExprUnary {
                    op: syn::UnOp::Deref(_),
                    expr: inner,
                    ..
                }) => &**inner as *const syn::Expr as usize,
                _ => 0,
            };
        }
        visit::visit_expr(self, expr);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(callee) = &*call.func {
            let range = call_range(call);
            self.summary.calls.push(CallSite {
                range,
                callee: Callee::Path(path_segments(&callee.path)),
                arg_mentions: args_mentions(call.args.iter()),
                arg_ranges: call.args.iter().map(expr_range).collect(),
                receiver_range: None,
                statement: self.statements.last().copied().unwrap_or(range),
            });
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if self
            .hints
            .closure_receiver_methods
            .iter()
            .any(|name| call.method == name)
            && !yields_items(&call.receiver)
        {
            for argument in &call.args {
                if let syn::Expr::Closure(closure) = peel_parens(argument) {
                    if closure
                        .inputs
                        .first()
                        .is_some_and(|input| !matches!(input, syn::Pat::Type(_)))
                    {
                        self.bind_closure_parameters(closure, Some(&call.receiver));
                    }
                }
            }
        }
        let range = method_call_range(call);
        self.summary.calls.push(CallSite {
            range,
            callee: Callee::Method {
                receiver: value_expr(&call.receiver),
                method: call.method.to_compact_string(),
            },
            arg_mentions: args_mentions(call.args.iter()),
            // Argument and receiver ranges of method calls serve only retries written as
            // `(|| ..).retry(policy)` and closures run once per item; computing positions
            // costs, so only those keep them.
            arg_ranges: if self
                .hints
                .per_item_methods
                .iter()
                .any(|name| call.method == name)
            {
                call.args.iter().map(expr_range).collect()
            } else {
                Vec::new()
            },
            receiver_range: self
                .hints
                .ranged_receiver_methods
                .iter()
                .any(|name| call.method == name)
                .then(|| expr_range(&call.receiver)),
            statement: self.statements.last().copied().unwrap_or(range),
        });
        visit::visit_expr_method_call(self, call);
    }
}
