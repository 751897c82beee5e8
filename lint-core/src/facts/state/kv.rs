//! Commands of a key-value store as its record spells them (`knowledge/kv/`): a method of a
//! connection of the store's crates (`con.incr(key, 1)`, `con.set_nx(key, v)`), of a
//! connection taken from a generic pool, or of any value where the module imports the
//! command traits; and a command started by its name (`redis::cmd("INCR")`) and run.

use super::reader::Reader;
use super::{Access, Executor, StateAccess, Store};
use crate::index::{CallSite, CallTarget, Callee, Mention, TypeTarget, ValueExpr};
use crate::knowledge::kv::{CommandEffect, KeyValueCommand, KeyValueStore};

impl Reader<'_> {
    /// A key-value command: a method of a connection, or a command named and then run.
    pub(super) fn key_value(
        &self,
        position: usize,
        call: &CallSite,
        receiver: &ValueExpr,
        method: &str,
    ) -> Option<StateAccess> {
        self.knowledge.key_value_stores.iter().find_map(|store| {
            let command = match store.command(method) {
                Some(command) if self.runs_on(store, position, call, receiver) => command,
                _ => self.named_command(store, call, method)?,
            };
            Some(self.command_access(store, command, call))
        })
    }

    /// Whether the receiver of a command method is a connection of `store`.
    fn runs_on(
        &self,
        store: &KeyValueStore,
        position: usize,
        call: &CallSite,
        receiver: &ValueExpr,
    ) -> bool {
        match &self.resolved[position] {
            CallTarget::External(path) => path.first().is_some_and(|first| {
                store.owns_crate(first)
                    // A connection from a generic pool (`bb8::Pool<RedisConnectionManager>`):
                    // its crate says nothing of the store, the imported traits do.
                    || (store.pool_crates.iter().any(|pool| pool == first.as_str())
                        && self.imports_commands(store))
            }),
            CallTarget::Local(_) | CallTarget::Constructor => false,
            CallTarget::Unresolved(_) => {
                self.imports_commands(store)
                    && !matches!(
                        self.index.type_of_value(
                            self.index.context_of(self.function),
                            receiver,
                            call.range.start
                        ),
                        TypeTarget::External(_) | TypeTarget::Local(_)
                    )
            }
        }
    }

    /// `redis::cmd("INCR").arg(key).query_async(&mut con)`: the command the chain run by
    /// `method` starts with, named by its text.
    fn named_command<'s>(
        &self,
        store: &'s KeyValueStore,
        call: &CallSite,
        method: &str,
    ) -> Option<&'s KeyValueCommand> {
        if !store.command_run_methods.iter().any(|run| run == method) {
            return None;
        }
        let receiver = call.receiver_range.unwrap_or(call.range);
        self.body()
            .calls
            .iter()
            .enumerate()
            .filter(|(_, inner)| receiver.contains_range(&inner.range) && inner.range != call.range)
            .find_map(|(inner_position, inner)| {
                let Callee::Path(_) = &inner.callee else {
                    return None;
                };
                let CallTarget::External(path) = &self.resolved[inner_position] else {
                    return None;
                };
                let starts_command = store.command_functions.iter().any(|function| {
                    function.len() == path.len()
                        && function
                            .iter()
                            .zip(path)
                            .all(|(known, segment)| known == segment)
                });
                if !starts_command {
                    return None;
                }
                let name = inner.arg_mentions.literals().next()?;
                // `cmd("SET").arg(key).arg(value).arg("NX")`: the claiming form.
                let claims = self.body().calls.iter().any(|other| {
                    receiver.contains_range(&other.range)
                        && other
                            .arg_mentions
                            .literals()
                            .any(|word| word.eq_ignore_ascii_case("NX"))
                });
                claims
                    .then(|| store.command(&format!("{name}_nx")))
                    .flatten()
                    .or_else(|| store.command(name))
            })
    }

    fn command_access(
        &self,
        store: &KeyValueStore,
        command: &KeyValueCommand,
        call: &CallSite,
    ) -> StateAccess {
        let mut key_words: Vec<String> = call
            .arg_mentions
            .literals()
            .chain(call.arg_mentions.names())
            .map(str::to_string)
            .collect();
        // The key may be built in a local first: `let key = format!("idempotency:{id}")`.
        let mut ranges = vec![call.range];
        for name in call.arg_mentions.names() {
            if let Some(local) = self.body().local_at(name, call.range.start) {
                key_words.extend(local.init_mentions.literals().map(str::to_string));
                ranges.extend(local.init_range);
            }
        }
        for used in &self.body().macros {
            if ranges.iter().any(|range| range.contains_range(&used.range)) {
                key_words.extend(used.literals.iter().map(ToString::to_string));
            }
        }
        let tables: Vec<String> = key_words
            .iter()
            .filter(|word| self.knowledge.is_key_name(word))
            .take(1)
            .cloned()
            .collect();
        let api = format!("{} {}", store.label, command.method.to_ascii_uppercase());
        let expiring_counter =
            command.effect == CommandEffect::AccumulatingWrite && self.expires_key_of(store, call);
        // What a write does when run twice: (idempotent, conditional).
        let write = match command.effect {
            CommandEffect::Read => None,
            CommandEffect::IdempotentWrite => Some((true, false)),
            CommandEffect::AccumulatingWrite => Some((expiring_counter, false)),
            CommandEffect::Claim => Some((true, true)),
        };
        let description = if expiring_counter {
            format!("{api} on a counter this function gives a time to live (a window of attempts)")
        } else {
            api.clone()
        };
        let access = match write {
            None => Access::Read {
                tables,
                locks: false,
            },
            Some((idempotent, conditional)) => Access::Write {
                description,
                tables,
                idempotent,
                conditional,
            },
        };
        StateAccess {
            range: call.range,
            statement: call.statement,
            store: Store::Redis,
            api,
            access,
            executor: Executor::Autocommit,
            key_table: false,
            binds_key: false,
            transition: false,
            failure_answered_by_read: false,
            inserted: None,
            outcome_checked: self.outcome_checked(call)
                || command.effect == CommandEffect::Claim && self.bound_to_named_local(call),
        }
    }

    /// Whether the function also gives the key of the command at `call` a time to live
    /// (`con.expire(&key, 2)`, `redis::cmd("EXPIRE").arg(&key)`): the key is the first
    /// argument's variable or literal, the same in both.
    fn expires_key_of(&self, store: &KeyValueStore, call: &CallSite) -> bool {
        let Some(key) = first_word(call.arg_mentions.argument(0)) else {
            return false;
        };
        let expiring = |word: &str| {
            store
                .expiring_commands
                .iter()
                .any(|command| command.eq_ignore_ascii_case(word))
        };
        self.body().calls.iter().any(|other| {
            let names_expire = match &other.callee {
                Callee::Method { method, .. } => expiring(method),
                Callee::Path(_) => other.arg_mentions.literals().next().is_some_and(expiring),
            };
            if !names_expire || other.range == call.range {
                return false;
            }
            // `con.expire(&key, 2)`: its first argument; `cmd("EXPIRE").arg(&key)`: the
            // argument of the chain's next call.
            let expired = match &other.callee {
                Callee::Method { .. } => first_word(other.arg_mentions.argument(0)),
                Callee::Path(_) => self
                    .body()
                    .calls
                    .iter()
                    .filter(|next| {
                        next.receiver_range
                            .is_some_and(|receiver| receiver.contains_range(&other.range))
                    })
                    .min_by_key(|next| next.range.end)
                    .and_then(|next| first_word(next.arg_mentions.argument(0))),
            };
            expired == Some(key)
        })
    }

    fn imports_commands(&self, store: &KeyValueStore) -> bool {
        let module = self.index.module(self.index.fn_def(self.function).module);
        module.uses.iter().any(|entry| {
            entry
                .path
                .first()
                .is_some_and(|first| store.owns_crate(first))
                && (entry.is_glob()
                    || entry.path.last().is_some_and(|last| {
                        store
                            .command_traits
                            .iter()
                            .any(|known| known == last.as_str())
                    }))
        })
    }
}

/// The variable or literal an argument names first: `&key` gives `key`.
fn first_word(argument: &[Mention]) -> Option<&str> {
    argument.iter().find_map(|mention| match mention {
        Mention::Name(word) | Mention::Literal(word) => Some(word.as_str()),
        _ => None,
    })
}
