//! What an expression mentions: names, methods, paths, literals and operators, bounded so
//! that huge generated expressions cost no more than small ones.

use syn::visit::{self, Visit};

use super::path_segments;
use crate::index::summary::*;

struct MentionCollector {
    mentions: Mentions,
    limit: usize,
    /// Whether block and `async` bodies count (statics: yes; call arguments: no).
    descend_bodies: bool,
}
impl MentionCollector {
    fn new() -> Self {
        MentionCollector {
            mentions: Mentions::default(),
            limit: MAX_MENTIONS,
            descend_bodies: false,
        }
    }
}
/// Mentions kept per expression: enough to follow a value, bounded so that huge generated
/// expressions cost no more than small ones.
const MAX_MENTIONS: usize = 24;
impl MentionCollector {
    fn full(&self) -> bool {
        self.mentions.items.len() >= self.limit
    }
}
impl<'ast> Visit<'ast> for MentionCollector {
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_expr(&mut self, node: &'ast syn::Expr) {
        if !self.full() {
            visit::visit_expr(self, node);
        }
    }
    // Bodies are left out: what a value mentions is its expression, not the statements of
    // a block or an `async` body inside it (their calls are recorded on their own), and
    // descending into them would make nested code quadratic.
    fn visit_block(&mut self, node: &'ast syn::Block) {
        if self.descend_bodies {
            visit::visit_block(self, node);
        }
    }
    fn visit_expr_async(&mut self, node: &'ast syn::ExprAsync) {
        if self.descend_bodies {
            visit::visit_expr_async(self, node);
        }
    }
    fn visit_expr_path(&mut self, node: &'ast syn::ExprPath) {
        match node.path.get_ident() {
            Some(ident) => self
                .mentions
                .items
                .push(Mention::Name(ident.to_compact_string())),
            None => self
                .mentions
                .items
                .push(Mention::Path(path_segments(&node.path))),
        }
    }
    fn visit_expr_method_call(&mut self, node: &'ast syn::ExprMethodCall) {
        self.mentions
            .items
            .push(Mention::Method(node.method.to_compact_string()));
        visit::visit_expr_method_call(self, node);
    }
    fn visit_expr_field(&mut self, node: &'ast syn::ExprField) {
        if let syn::Member::Named(ident) = &node.member {
            self.mentions
                .items
                .push(Mention::Name(ident.to_compact_string()));
        }
        visit::visit_expr_field(self, node);
    }
    fn visit_expr_binary(&mut self, node: &'ast syn::ExprBinary) {
        self.mentions
            .items
            .push(Mention::Operator(operator_text(&node.op)));
        visit::visit_expr_binary(self, node);
    }
    fn visit_lit(&mut self, node: &'ast syn::Lit) {
        match node {
            syn::Lit::Str(string) => self
                .mentions
                .items
                .push(Mention::Literal(string.value().into())),
            syn::Lit::Int(int) => self
                .mentions
                .items
                .push(Mention::Literal(int.base10_digits().to_compact_string())),
            syn::Lit::Float(float) => self
                .mentions
                .items
                .push(Mention::Literal(float.base10_digits().to_compact_string())),
            _ => {}
        }
    }
    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        self.mentions
            .items
            .push(Mention::Path(path_segments(&node.path)));
        // `vec![("code", code), ..]`: a vector's value is its elements, which the standard
        // macro lists as expressions (or as `element; count`).
        if node.path.is_ident("vec") {
            let elements = node
                .parse_body_with(
                    syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
                )
                .or_else(|_| {
                    node.parse_body_with(|input: syn::parse::ParseStream| {
                        let element: syn::Expr = input.parse()?;
                        let _: syn::Token![;] = input.parse()?;
                        let _: syn::Expr = input.parse()?;
                        Ok(std::iter::once(element).collect())
                    })
                });
            if let Ok(elements) = elements {
                elements.iter().for_each(|element| self.visit_expr(element));
            }
        }
    }
}
pub(super) fn mentions_of(expr: &syn::Expr) -> Mentions {
    let mut collector = MentionCollector::new();
    collector.visit_expr(expr);
    collector.mentions
}
pub(super) fn mentions_of_block(block: &syn::Block) -> Mentions {
    // The block is the subject here, so its statements are read (nested bodies are not).
    let mut collector = MentionCollector::new();
    block
        .stmts
        .iter()
        .for_each(|stmt| collector.visit_stmt(stmt));
    collector.mentions
}
pub(super) fn args_mentions<'a>(args: impl Iterator<Item = &'a syn::Expr>) -> Mentions {
    let mut collector = MentionCollector::new();
    for (position, arg) in args.enumerate() {
        if position > 0 {
            collector.mentions.items.push(Mention::NextArgument);
        }
        collector.visit_expr(arg);
    }
    collector.mentions
}
pub(super) fn operator_text(op: &syn::BinOp) -> &'static str {
    use syn::BinOp::*;
    match op {
        Add(_) => "+",
        Sub(_) => "-",
        Mul(_) => "*",
        Div(_) => "/",
        Rem(_) => "%",
        And(_) => "&&",
        Or(_) => "||",
        BitXor(_) => "^",
        BitAnd(_) => "&",
        BitOr(_) => "|",
        Shl(_) => "<<",
        Shr(_) => ">>",
        Eq(_) => "==",
        Lt(_) => "<",
        Le(_) => "<=",
        Ne(_) => "!=",
        Ge(_) => ">=",
        Gt(_) => ">",
        AddAssign(_) => "+=",
        SubAssign(_) => "-=",
        MulAssign(_) => "*=",
        DivAssign(_) => "/=",
        RemAssign(_) => "%=",
        BitXorAssign(_) => "^=",
        BitAndAssign(_) => "&=",
        BitOrAssign(_) => "|=",
        ShlAssign(_) => "<<=",
        ShrAssign(_) => ">>=",
        _ => "?",
    }
}
/// What a static's initialiser mentions, block bodies included: a
/// `LazyLock::new(|| { let builder = ..; builder.timeout(..).build() })` builds its client
/// inside a block, and statics are few enough to read whole.
pub(super) fn static_init_mentions(expr: &syn::Expr) -> Mentions {
    let mut collector = MentionCollector {
        mentions: Mentions::default(),
        limit: 256,
        descend_bodies: true,
    };
    collector.visit_expr(expr);
    collector.mentions
}
