//! Key-value stores, one record per file: the crates whose connections carry the commands,
//! the traits whose import brings them into scope, each command's effect on state when it
//! runs twice, and the low-level form (`redis::cmd("INCR").arg(key).query_async(&mut con)`).
//!
//! `facts/state/kv.rs` interprets these records; a team's configuration adds its own
//! commands (a module's script wrapper, a Redis module's commands) to them.

pub mod redis;

/// Every key-value store the analysis knows of.
pub fn builtin() -> Vec<KeyValueStore> {
    vec![redis::record()]
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyValueStore {
    /// How the evidence names the store's commands: `redis INCR`.
    pub label: String,
    /// Crates whose connections, clients and pools run the commands.
    pub crates: Vec<String>,
    /// Traits whose import brings the command methods into scope: a module that imports
    /// one runs them on values the analysis could not type.
    pub command_traits: Vec<String>,
    /// Crates of generic connection pools (`bb8`, `r2d2`): a connection taken from one runs
    /// the commands where a module imports the command traits.
    pub pool_crates: Vec<String>,
    /// Each command as a method, and what it does to state.
    pub commands: Vec<KeyValueCommand>,
    /// Functions that start a command by its name (`redis::cmd("INCR")`), as paths.
    pub command_functions: Vec<Vec<String>>,
    /// Methods that run a command started that way: `.query_async(&mut con)`.
    pub command_run_methods: Vec<String>,
    /// Commands that give a key a time to live (`EXPIRE`). A counter the same function
    /// gives one (`INCR window` then `EXPIRE window 2`) counts attempts in a window that
    /// empties itself: a rate limit or a quota, where a retry is one more attempt and is
    /// meant to be counted. It is not data-model state a retry duplicates (SPEC §3a asks
    /// whether the data stays as one run left it; this counter is back to nothing within
    /// its TTL whatever ran), so its increments are read as idempotent writes.
    pub expiring_commands: Vec<String>,
}

/// A command, by the method that sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValueCommand {
    pub method: String,
    pub effect: CommandEffect,
}

/// What a command does to state when it runs twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandEffect {
    Read,
    /// Twice is the same as once: `SET k v`, `DEL k`.
    IdempotentWrite,
    /// Twice is not once: `INCR`, `LPUSH`.
    AccumulatingWrite,
    /// Only the first of two attempts succeeds, and says so: `SET k v NX`.
    Claim,
}

impl KeyValueStore {
    pub fn owns_crate(&self, name: &str) -> bool {
        self.crates.iter().any(|known| known == name)
    }

    /// The command a method sends, or a command named by its text (`"INCR"`, any case).
    pub fn command(&self, method: &str) -> Option<&KeyValueCommand> {
        self.commands
            .iter()
            .find(|command| command.method.eq_ignore_ascii_case(method))
    }
}

pub(crate) fn commands(pairs: &[(&str, CommandEffect)]) -> Vec<KeyValueCommand> {
    pairs
        .iter()
        .map(|(method, effect)| KeyValueCommand {
            method: method.to_string(),
            effect: *effect,
        })
        .collect()
}
