//! The baseline: today's findings written down, so that a team can adopt failfirst on a
//! large codebase and fail only on new findings. `cargo failfirst baseline` writes it;
//! `--baseline FILE` (or `baseline` in the configuration) leaves out of the report every
//! finding it records, and counts those and the entries no finding matches any more.
//!
//! An entry is a finding's identity ([`crate::identity`]): rule, handler (route and
//! function name), and the normalised statement; the file is written for the reader and
//! only identifies findings that are on no handler. The file is sorted and holds no line
//! numbers, so that it changes only when findings come and go.
//!
//! May import: `identity`.

use std::collections::BTreeMap;
use std::path::Path;

use lint_core::report::Report;
use serde::{Deserialize, Serialize};

use crate::identity::{FindingIdentity, HandlerKey};

/// The file `cargo failfirst baseline` writes at the workspace root.
pub const BASELINE_FILE_NAME: &str = "failfirst-baseline.json";

/// Version of the file's layout; bumped on an incompatible change.
pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

/// One recorded finding. Fields in the order entries are sorted by.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub file: String,
    /// What the handler answers to (`POST /api/payments`); absent for a finding on no
    /// handler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// The handler's function name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
    pub rule: String,
    /// The offending statement, normalised.
    pub statement: String,
}

impl BaselineEntry {
    fn handler_key(&self) -> Option<HandlerKey> {
        Some(HandlerKey {
            route: self.route.clone()?,
            name: self.handler.clone()?,
        })
    }

    fn matches(&self, identity: &FindingIdentity, strictly: bool) -> bool {
        match self.handler_key() {
            Some(key) if strictly => {
                identity.handlers.first() == Some(&key) && identity.file == self.file
            }
            Some(key) => identity.handlers.contains(&key),
            None => identity.handlers.is_empty() && identity.file == self.file,
        }
    }
}

/// The baseline of the findings identified by `identities`, sorted.
pub fn baseline_of(identities: &[FindingIdentity]) -> BaselineFile {
    let mut findings: Vec<BaselineEntry> = identities
        .iter()
        .map(|identity| {
            let handler = identity.handlers.first();
            BaselineEntry {
                file: identity.file.clone(),
                route: handler.map(|handler| handler.route.clone()),
                handler: handler.map(|handler| handler.name.clone()),
                rule: identity.rule.clone(),
                statement: identity.statement.clone(),
            }
        })
        .collect();
    findings.sort();
    BaselineFile {
        version: BASELINE_VERSION,
        findings,
    }
}

/// The file's text: pretty JSON, one field per line, ending with a newline.
pub fn render(baseline: &BaselineFile) -> String {
    let mut text = serde_json::to_string_pretty(baseline)
        .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"));
    text.push('\n');
    text
}

/// Reads a baseline; the error names the file (as `shown`) and the cause.
pub fn load(path: &Path, shown: &str) -> Result<BaselineFile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read the baseline {shown}: {error}"))?;
    let baseline: BaselineFile = serde_json::from_str(&text)
        .map_err(|error| format!("{shown} is not a failfirst baseline: {error}"))?;
    if baseline.version != BASELINE_VERSION {
        return Err(format!(
            "{shown} is a baseline of version {}, this failfirst reads version {BASELINE_VERSION}: write it again with `cargo failfirst baseline`",
            baseline.version
        ));
    }
    Ok(baseline)
}

/// What applying a baseline did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    /// Findings left out because the baseline records them.
    pub baselined: usize,
    /// Entries no finding matches any more.
    pub fixed: usize,
}

/// Leaves out of the report every finding the baseline records, each entry matching at
/// most one finding; only reported findings are matched (suppressed ones and those of rules
/// turned off count for nothing already).
/// Returns the identities of the findings kept, in order.
pub fn apply(
    report: &mut Report,
    identities: Vec<FindingIdentity>,
    baseline: &BaselineFile,
) -> (Applied, Vec<FindingIdentity>) {
    let mut entries_by_statement: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (position, entry) in baseline.findings.iter().enumerate() {
        entries_by_statement
            .entry((entry.rule.as_str(), entry.statement.as_str()))
            .or_default()
            .push(position);
    }
    let mut used = vec![false; baseline.findings.len()];
    let mut baselined = vec![false; identities.len()];
    // First the entries that still read exactly as written (same handler leading, same
    // file), then those that moved: two identical statements pair up where they are.
    for strictly in [true, false] {
        for (finding, identity) in identities.iter().enumerate() {
            if baselined[finding] || !report.findings[finding].is_reported() {
                continue;
            }
            let Some(candidates) =
                entries_by_statement.get(&(identity.rule.as_str(), identity.statement.as_str()))
            else {
                continue;
            };
            if let Some(&entry) = candidates.iter().find(|&&entry| {
                !used[entry] && baseline.findings[entry].matches(identity, strictly)
            }) {
                used[entry] = true;
                baselined[finding] = true;
            }
        }
    }
    let mut kept_identities = Vec::new();
    let mut position = 0;
    report.findings.retain(|_| {
        let keep = !baselined[position];
        position += 1;
        keep
    });
    for (identity, left_out) in identities.into_iter().zip(&baselined) {
        if !left_out {
            kept_identities.push(identity);
        }
    }
    let applied = Applied {
        baselined: baselined.iter().filter(|&&left_out| left_out).count(),
        fixed: used.iter().filter(|&&matched| !matched).count(),
    };
    (applied, kept_identities)
}
