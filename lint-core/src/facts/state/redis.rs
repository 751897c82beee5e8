//! Redis commands as redis-rs spells them, on a connection of a Redis crate (or any value
//! where a module imports the command traits).

use super::reader::Reader;
use super::{Access, Executor, StateAccess, Store};
use crate::index::{CallSite, CallTarget, TypeTarget, ValueExpr};
use crate::knowledge::{RedisEffect, REDIS_COMMANDS, REDIS_COMMAND_TRAITS, REDIS_CRATES};

impl Reader<'_> {
    /// redis-rs commands on a connection: `con.incr(key, 1)`, `con.set_nx(key, v)`.
    pub(super) fn redis(
        &self,
        position: usize,
        call: &CallSite,
        receiver: &ValueExpr,
        method: &str,
    ) -> Option<StateAccess> {
        let command = REDIS_COMMANDS
            .iter()
            .find(|command| command.method == method)?;
        let is_redis = match &self.resolved[position] {
            CallTarget::External(path) => path
                .first()
                .is_some_and(|first| REDIS_CRATES.contains(&first.as_str())),
            CallTarget::Local(_) | CallTarget::Constructor => false,
            CallTarget::Unresolved(_) => {
                self.imports_redis_commands()
                    && !matches!(
                        self.index.type_of_value(
                            self.index.context_of(self.function),
                            receiver,
                            call.range.start
                        ),
                        TypeTarget::External(_) | TypeTarget::Local(_)
                    )
            }
        };
        if !is_redis {
            return None;
        }
        let mut key_words: Vec<String> = call
            .arg_mentions
            .literals()
            .chain(call.arg_mentions.names())
            .map(str::to_string)
            .collect();
        // The key may be built in a local first: `let key = format!("idempotency:{id}")`.
        let mut ranges = vec![call.range];
        for name in call.arg_mentions.names() {
            if let Some(local) = self
                .body()
                .locals
                .iter()
                .rev()
                .find(|local| local.name == name && local.scope.contains(call.range.start))
            {
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
        let command_name = method.to_ascii_uppercase();
        // What a write does when run twice: (idempotent, conditional).
        let write = match command.effect {
            RedisEffect::Read => None,
            RedisEffect::IdempotentWrite => Some((true, false)),
            RedisEffect::AccumulatingWrite => Some((false, false)),
            RedisEffect::Claim => Some((true, true)),
        };
        let access = match write {
            None => Access::Read {
                tables,
                locks: false,
            },
            Some((idempotent, conditional)) => Access::Write {
                description: format!("redis {command_name}"),
                tables,
                idempotent,
                conditional,
            },
        };
        Some(StateAccess {
            range: call.range,
            statement: call.statement,
            store: Store::Redis,
            api: format!("redis {command_name}"),
            access,
            executor: Executor::Autocommit,
            key_table: false,
            binds_key: false,
            transition: false,
            failure_answered_by_read: false,
            inserted: None,
            outcome_checked: self.outcome_checked(call)
                || command.effect == RedisEffect::Claim && self.bound_to_named_local(call),
        })
    }

    fn imports_redis_commands(&self) -> bool {
        let module = self.index.module(self.index.fn_def(self.function).module);
        module.uses.iter().any(|entry| {
            entry
                .path
                .first()
                .is_some_and(|first| REDIS_CRATES.contains(&first.as_str()))
                && (entry.is_glob()
                    || entry
                        .path
                        .last()
                        .is_some_and(|last| REDIS_COMMAND_TRAITS.contains(&last.as_str())))
        })
    }
}
