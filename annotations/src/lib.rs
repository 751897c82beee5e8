//! Attributes that state a handler's intent for `cargo failfirst`. Each one leaves the item
//! exactly as written: no code is generated and nothing runs. The linter reads them from the
//! source and holds the code to them. A mistake in an attribute — an unknown argument, a
//! malformed value, an unknown rule, a missing reason — is a compile error at the token.
//!
//! ```
//! use failfirst::{deadline, idempotent};
//!
//! #[failfirst::handler]
//! async fn settle(order_id: i64) -> Result<(), String> {
//!     let _ = order_id;
//!     Ok(())
//! }
//!
//! #[idempotent(key = "Idempotency-Key")]
//! #[deadline(ms = 800)]
//! async fn charge(amount_cents: i64) -> Result<(), String> {
//!     let _ = amount_cents;
//!     Ok(())
//! }
//! ```

use proc_macro::TokenStream;
use proc_macro2::Span;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;

/// The rules of `cargo failfirst`, one per line; a test in `lint-core` keeps this list equal
/// to the linter's.
const RULES: &str = include_str!("rules.txt");

/// Returns the item unchanged, or the compile error the arguments deserve.
fn checked(result: syn::Result<()>, item: TokenStream) -> TokenStream {
    match result {
        Ok(()) => item,
        Err(error) => {
            let mut out: TokenStream = error.to_compile_error().into();
            out.extend(item);
            out
        }
    }
}

/// Marks a function as an RPC handler that failfirst must judge, when no framework routing
/// makes that visible (an in-house framework, a job, a callback). Takes no arguments.
///
/// ```
/// #[failfirst::handler]
/// fn on_invoice_paid(invoice_id: u64) {
///     let _ = invoice_id;
/// }
/// ```
#[proc_macro_attribute]
pub fn handler(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = proc_macro2::TokenStream::from(args);
    let result = match args.clone().into_iter().next() {
        None => Ok(()),
        Some(first) => Err(syn::Error::new(
            first.span(),
            "`#[failfirst::handler]` takes no arguments",
        )),
    };
    checked(result, item)
}

/// Promises that running the handler twice with the same request leaves the data as running
/// it once. `key` names the idempotency key it checks and records atomically with its
/// writes: a header (`key = "Idempotency-Key"`), a body field (`key = field(request_id)`)
/// or, for a consumer, the message's id (`key = event_id`).
///
/// ```
/// #[failfirst::idempotent(key = "Idempotency-Key")]
/// fn create_payment(amount_cents: i64) -> i64 {
///     amount_cents
/// }
///
/// #[failfirst::idempotent(key = field(request_id))]
/// fn create_order(lines: u32) -> u32 {
///     lines
/// }
///
/// #[failfirst::idempotent]
/// fn set_status(status: &str) -> usize {
///     status.len()
/// }
/// ```
#[proc_macro_attribute]
pub fn idempotent(args: TokenStream, item: TokenStream) -> TokenStream {
    let parser = |input: ParseStream| -> syn::Result<()> {
        if input.is_empty() {
            return Ok(());
        }
        let name: syn::Ident = input.parse()?;
        if name != "key" {
            return Err(syn::Error::new(
                name.span(),
                format!("unknown argument `{name}`; expected `key = ..`"),
            ));
        }
        input.parse::<syn::Token![=]>()?;
        if input.peek(syn::LitStr) {
            let header: syn::LitStr = input.parse()?;
            if header.value().trim().is_empty() {
                return Err(syn::Error::new(
                    header.span(),
                    "the key's header name is empty",
                ));
            }
        } else if input.peek(syn::Ident) && input.peek2(syn::token::Paren) {
            let kind: syn::Ident = input.parse()?;
            if kind != "field" {
                return Err(syn::Error::new(
                    kind.span(),
                    format!("unknown key source `{kind}(..)`; expected `field(name)`"),
                ));
            }
            let content;
            syn::parenthesized!(content in input);
            let _field: syn::Ident = content.parse()?;
            if !content.is_empty() {
                return Err(content.error("expected one field name"));
            }
        } else if input.peek(syn::Ident) {
            let _message_field: syn::Ident = input.parse()?;
        } else {
            return Err(input.error("expected a header name (`\"Idempotency-Key\"`), `field(name)` or a message field such as `event_id`"));
        }
        if !input.is_empty() {
            return Err(input.error("`#[idempotent]` takes one `key = ..` argument"));
        }
        Ok(())
    };
    checked(parser.parse(args), item)
}

/// Promises how the handler bounds its downstream calls: `propagate` (every bound derives
/// from the incoming deadline) or `ms = N` (its own budget, in milliseconds).
///
/// ```
/// #[failfirst::deadline(ms = 800)]
/// fn quote(sku: &str) -> usize {
///     sku.len()
/// }
///
/// #[failfirst::deadline(propagate)]
/// fn reserve(sku: &str) -> usize {
///     sku.len()
/// }
/// ```
#[proc_macro_attribute]
pub fn deadline(args: TokenStream, item: TokenStream) -> TokenStream {
    let span = Span::call_site();
    let parser = move |input: ParseStream| -> syn::Result<()> {
        if input.is_empty() {
            return Err(syn::Error::new(
                span,
                "expected `propagate` or `ms = N`: `#[deadline(ms = 800)]`",
            ));
        }
        let name: syn::Ident = input.parse()?;
        if name == "propagate" {
            // nothing more
        } else if name == "ms" {
            input.parse::<syn::Token![=]>()?;
            let value: syn::LitInt = input.parse().map_err(|error| {
                syn::Error::new(
                    error.span(),
                    "expected a whole number of milliseconds: `ms = 800`",
                )
            })?;
            let millis: u64 = value.base10_parse()?;
            if millis == 0 {
                return Err(syn::Error::new(
                    value.span(),
                    "a deadline of 0 ms leaves no time for anything",
                ));
            }
        } else {
            return Err(syn::Error::new(
                name.span(),
                format!("unknown argument `{name}`; expected `propagate` or `ms = N`"),
            ));
        }
        if !input.is_empty() {
            return Err(input.error("`#[deadline]` takes one argument: `propagate` or `ms = N`"));
        }
        Ok(())
    };
    checked(parser.parse(args), item)
}

/// One argument of `#[failfirst::allow(..)]`: a rule, or `reason = ".."`.
enum AllowArg {
    Rule(String, Span),
    Reason(syn::LitStr),
}

impl Parse for AllowArg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(syn::LitStr) {
            let rule: syn::LitStr = input.parse()?;
            return Ok(AllowArg::Rule(rule.value(), rule.span()));
        }
        let name: syn::Ident = input.parse()?;
        if name == "reason" {
            input.parse::<syn::Token![=]>()?;
            return Ok(AllowArg::Reason(input.parse()?));
        }
        // Rule names are kebab-case; as identifiers they are written in snake_case.
        let mut rule = name.to_string().replace('_', "-");
        let mut span = name.span();
        while input.peek(syn::Token![-]) {
            let dash: syn::Token![-] = input.parse()?;
            let part: syn::Ident = input.parse()?;
            rule.push('-');
            rule.push_str(&part.to_string());
            span = span.join(part.span()).unwrap_or(dash.span);
        }
        Ok(AllowArg::Rule(rule, span))
    }
}

/// Silences the named rules on this function, `impl` or module, for the stated reason. The
/// reason is required; an unknown rule is a compile error, with the nearest rule suggested.
///
/// ```
/// #[failfirst::allow(downstream_without_deadline, reason = "the balancer cuts this probe after 1 s")]
/// fn probe() {}
/// ```
#[proc_macro_attribute]
pub fn allow(args: TokenStream, item: TokenStream) -> TokenStream {
    let parser = |input: ParseStream| -> syn::Result<()> {
        let whole = input.span();
        let args = Punctuated::<AllowArg, syn::Token![,]>::parse_terminated(input)?;
        let mut rules = 0;
        let mut last_rule = whole;
        let mut reason = None;
        for arg in &args {
            match arg {
                AllowArg::Rule(rule, span) => {
                    rules += 1;
                    last_rule = *span;
                    if !RULES.lines().any(|known| known == rule) {
                        let nearest = RULES
                            .lines()
                            .map(|known| (strsim::levenshtein(rule, known), known))
                            .min();
                        let hint = match nearest {
                            Some((distance, known)) if distance <= 3 => {
                                format!("; did you mean `{}`?", known.replace('-', "_"))
                            }
                            _ => "; `cargo failfirst rules` lists them".to_string(),
                        };
                        return Err(syn::Error::new(
                            *span,
                            format!("unknown rule `{rule}`{hint}"),
                        ));
                    }
                }
                AllowArg::Reason(text) => {
                    if text.value().trim().is_empty() {
                        return Err(syn::Error::new(
                            text.span(),
                            "the reason is empty: say why the finding does not apply here",
                        ));
                    }
                    reason = Some(text);
                }
            }
        }
        if rules == 0 {
            return Err(syn::Error::new(
                whole,
                "name the rule to allow: `#[failfirst::allow(rule_name, reason = \"..\")]`",
            ));
        }
        if reason.is_none() {
            return Err(syn::Error::new(
                last_rule,
                "a suppression needs a reason: add `reason = \"why this is fine here\"`",
            ));
        }
        Ok(())
    };
    checked(parser.parse(args), item)
}
