//! The configuration as written in `failfirst.toml` (or a Cargo.toml metadata table): serde
//! types that mirror the file, with spans kept where a later check may need to point.
//! Unknown keys are errors everywhere, so that a typo is never silently ignored.

use std::collections::BTreeMap;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Rule levels by rule name.
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Spanned<LevelName>>,
    /// Globs of files and folders not to read, relative to the configuration's folder.
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    /// The least team score (a percentage) a run passes with.
    pub fail_under: Option<Spanned<Percentage>>,
    /// The baseline file (`failfirst-baseline.json`), relative to the configuration's folder.
    pub baseline: Option<Spanned<String>>,
    /// Files larger than this many bytes are reported and not analysed.
    pub max_file_size: Option<Spanned<u64>>,
    #[serde(default)]
    pub handlers: HandlerPatterns,
    #[serde(default)]
    pub knowledge: KnowledgeExtensions,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LevelName {
    Deny,
    Warn,
    Allow,
}

/// A team score threshold, 0 to 100.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Percentage(pub f64);

impl<'de> Deserialize<'de> for Percentage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PercentageVisitor;
        impl Visitor<'_> for PercentageVisitor {
            type Value = Percentage;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a percentage from 0 to 100, such as `80`")
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Percentage, E> {
                if (0.0..=100.0).contains(&value) {
                    Ok(Percentage(value))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(value), &self))
                }
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Percentage, E> {
                if (0..=100).contains(&value) {
                    Ok(Percentage(value as f64))
                } else {
                    Err(E::invalid_value(de::Unexpected::Signed(value), &self))
                }
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Percentage, E> {
                self.visit_i64(i64::try_from(value).unwrap_or(i64::MAX))
            }
        }
        deserializer.deserialize_any(PercentageVisitor)
    }
}

/// The handlers of an in-house framework.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HandlerPatterns {
    /// Attribute paths that make a function a handler: `my_rpc::endpoint`.
    #[serde(default)]
    pub attributes: Vec<Spanned<String>>,
    /// Methods whose call `app.register("/path", handler)` registers a handler.
    #[serde(default)]
    pub routing_methods: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KnowledgeExtensions {
    /// The team's own HTTP/gRPC client wrappers.
    #[serde(default)]
    pub clients: Vec<ClientDeclaration>,
    #[serde(default)]
    pub deadlines: DeadlineSources,
    /// The team's own state-writing APIs.
    #[serde(default)]
    pub write_apis: Vec<Spanned<WriteApiEntry>>,
    /// Tables that record idempotency keys or processed messages.
    #[serde(default)]
    pub key_tables: Vec<Spanned<String>>,
    /// Header and field names that carry an idempotency key.
    #[serde(default)]
    pub key_names: Vec<Spanned<String>>,
    /// Redis commands and crates beside redis-rs's.
    #[serde(default)]
    pub redis: KeyValueExtension,
}

/// `[knowledge.redis]`: the team's own command wrappers (a Lua script's method, a Redis
/// module's commands) and crates whose connections run the commands.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KeyValueExtension {
    #[serde(default)]
    pub crates: Vec<Spanned<String>>,
    /// Method name → what the command does to state when it runs twice.
    pub commands: Option<Spanned<BTreeMap<String, CommandEffectName>>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommandEffectName {
    /// Reads only.
    Read,
    /// Twice is the same as once (`SET`).
    Idempotent,
    /// Twice adds twice (`INCR`, `LPUSH`).
    Accumulating,
    /// Only the first of two succeeds, and says so (`SET NX`).
    Claim,
}

/// `[[knowledge.clients]]`: a wrapper type and what each of its methods does.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClientDeclaration {
    #[serde(rename = "type")]
    pub type_path: Spanned<String>,
    /// Method name → whether repeating the call is harmless.
    pub methods: Spanned<BTreeMap<String, Idempotency>>,
    /// A timeout the wrapper applies by itself, in milliseconds.
    pub default_timeout_ms: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Idempotency {
    Idempotent,
    NonIdempotent,
}

/// `[knowledge.deadlines]`: where the caller's deadline comes from.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DeadlineSources {
    /// Headers or metadata keys that carry it.
    #[serde(default)]
    pub headers: Vec<Spanned<String>>,
    /// Types whose values are it.
    #[serde(default)]
    pub types: Vec<Spanned<String>>,
}

/// A write API: `"ledger::Repo::debit"`, or `{ path = "..", idempotent = true }`.
#[derive(Debug)]
pub struct WriteApiEntry {
    pub path: String,
    pub idempotent: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WriteApiTable {
    path: String,
    #[serde(default)]
    idempotent: bool,
}

impl<'de> Deserialize<'de> for WriteApiEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = WriteApiEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a path such as \"ledger::Repo::debit\", or a table such as { path = \"ledger::Repo::upsert\", idempotent = true }")
            }
            fn visit_str<E: de::Error>(self, path: &str) -> Result<WriteApiEntry, E> {
                Ok(WriteApiEntry {
                    path: path.to_string(),
                    idempotent: false,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<WriteApiEntry, A::Error> {
                let table = WriteApiTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(WriteApiEntry {
                    path: table.path,
                    idempotent: table.idempotent,
                })
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}
