//! `--format sarif`: SARIF 2.1.0 (OASIS, errata 01), as GitHub code scanning and SARIF
//! viewers read it. Types from `serde-sarif`.
//!
//! - `tool.driver.rules`: every rule, from its declaration: id, short description (the
//!   summary), full description (what it does), help (its whole documentation, as text and
//!   Markdown), default level.
//! - A result per finding: level (`deny` → `error`, `warn` → `warning`), the message with
//!   the handlers it is on linked to their definitions (`relatedLocations`), the region of the
//!   offending statement, the handlers as logical locations, the call chain from the handler
//!   to the statement as a `codeFlow`, a fingerprint of the finding's identity that survives
//!   line moves, and a suppressed finding's reason as a `suppression`.
//! - Paths are relative to `%SRCROOT%`: the checkout's root in a GitHub workflow
//!   (`GITHUB_WORKSPACE`), else the folder the report's paths are relative to; columns
//!   count Unicode code points.

use std::collections::BTreeMap;

use lint_core::report::{Finding, Handler, Level};
use lint_core::rules::{Rule, ALL_RULES};
use lint_core::vocab::Question;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, CodeFlow, Location, LogicalLocation, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, Sarif, Suppression, ThreadFlow, ThreadFlowLocation,
    Tool, ToolComponent,
};

use super::{on_handlers, short_name, Rendering};
use crate::identity::{fingerprints, FINGERPRINT_KEY};
use crate::sources::line_text;

/// The schema the log names: OASIS SARIF 2.1.0 with errata 01.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base every relative artifact URI is resolved against.
const SOURCE_ROOT: &str = "%SRCROOT%";

/// Characters escaped in a URI path segment (RFC 3986 `pchar` keeps the rest).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

pub fn render(rendering: &Rendering<'_>) -> String {
    let log = log(rendering);
    let mut text = serde_json::to_string_pretty(&log)
        .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"));
    text.push('\n');
    text
}

fn log(rendering: &Rendering<'_>) -> Sarif {
    let fingerprints = fingerprints(rendering.identities);
    // A rule turned off is not part of the run; a suppressed finding is, marked.
    let results: Vec<SarifResult> = rendering
        .report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, finding)| finding.level != Level::Allow)
        .map(|(position, finding)| {
            let fingerprint = fingerprints.get(position).map_or("", String::as_str);
            result(rendering, finding, fingerprint)
        })
        .collect();
    let root_uri = directory_uri(
        rendering
            .repository_root
            .as_deref()
            .unwrap_or(rendering.sources.cwd()),
    );
    let run = Run::builder()
        .tool(Tool::builder().driver(driver()).build())
        .results(results)
        .column_kind(json!("unicodeCodePoints"))
        .original_uri_base_ids(BTreeMap::from([(
            SOURCE_ROOT.to_string(),
            ArtifactLocation::builder().uri(root_uri).build(),
        )]))
        .properties(
            PropertyBag::builder()
                .additional_properties(BTreeMap::from([(
                    "summary".to_string(),
                    serde_json::to_value(&rendering.report.summary).unwrap_or(Value::Null),
                )]))
                .build(),
        )
        .build();
    Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn driver() -> ToolComponent {
    ToolComponent::builder()
        .name("failfirst")
        .full_name(format!("cargo failfirst {}", env!("CARGO_PKG_VERSION")))
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(
            ALL_RULES
                .iter()
                .map(|rule| descriptor(rule))
                .collect::<Vec<_>>(),
        )
        .build()
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let mut tags = vec!["reliability".to_string()];
    tags.extend(rule.questions.iter().map(|question| {
        match question {
            Question::Q1 => "idempotency",
            Question::Q2 => "retry-safety",
            Question::Q3 => "downstream-uncertainty",
            Question::Q4 => "deadline",
        }
        .to_string()
    }));
    ReportingDescriptor::builder()
        .id(rule.name)
        .name(pascal_case(rule.name))
        .short_description(text_message(rule.summary))
        .full_description(text_message(&what_it_does(rule)))
        .help(
            MultiformatMessageString::builder()
                .text(rule.docs.trim_end())
                .markdown(rule.docs.trim_end())
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(sarif_level(rule.default_level)))
                .build(),
        )
        .properties(PropertyBag::builder().tags(tags).build())
        .build()
}

/// The paragraph under a rule's `## What it does`.
fn what_it_does(rule: &Rule) -> String {
    let after_heading = rule
        .docs
        .split_once("## What it does")
        .map_or(rule.docs, |(_, rest)| rest);
    let paragraph = after_heading
        .split("\n## ")
        .next()
        .unwrap_or(after_heading)
        .trim();
    paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Link text in a SARIF message: `[` and `]` would end it early (SARIF §3.11.6).
fn escape_link_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

fn pascal_case(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect()
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "none",
    }
}

fn text_message(text: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(text).build()
}

fn message(text: impl Into<String>) -> Message {
    Message::builder().text(text.into()).build()
}

fn result(rendering: &Rendering<'_>, finding: &Finding, fingerprint: &str) -> SarifResult {
    let handlers = rendering.handlers_of(finding);
    let rule_index = ALL_RULES
        .iter()
        .position(|rule| rule.name == finding.rule)
        .unwrap_or_default();
    let mut text = finding.message.clone();
    if !handlers.is_empty() {
        // `[text](n)` links to the related location with id n (SARIF §3.11.6); every
        // handler is a related location, the first few are named.
        let on = on_handlers(&handlers, |position, handler| {
            format!(
                "[{}]({})",
                escape_link_text(&handler.route.to_string()),
                position + 1
            )
        });
        text.push('\n');
        text.push_str(&on);
    }
    if let Some(help) = &finding.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let logical_locations: Vec<LogicalLocation> = handlers
        .iter()
        .map(|handler| {
            LogicalLocation::builder()
                .name(handler.name.clone())
                .fully_qualified_name(handler.path.clone())
                .kind("function")
                .build()
        })
        .collect();
    let mut location = Location::builder()
        .physical_location(physical(
            rendering,
            &finding.file,
            Region::builder()
                .start_line(i64::from(finding.line))
                .start_column(i64::from(finding.column))
                .end_line(i64::from(finding.end_line))
                .end_column(i64::from(finding.end_column))
                .build(),
        ))
        .build();
    if !logical_locations.is_empty() {
        location.logical_locations = Some(logical_locations);
    }
    let related: Vec<Location> = handlers
        .iter()
        .enumerate()
        .map(|(position, handler)| handler_location(rendering, handler, position as i64 + 1))
        .collect();
    let mut result = SarifResult::builder()
        .rule_id(finding.rule)
        .rule_index(rule_index as i64)
        .level(match finding.level {
            Level::Deny => ResultLevel::Error,
            Level::Warn => ResultLevel::Warning,
            Level::Allow => ResultLevel::None,
        })
        .message(message(text))
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([(
            FINGERPRINT_KEY.to_string(),
            fingerprint.to_string(),
        )]))
        .build();
    if !related.is_empty() {
        result.related_locations = Some(related);
    }
    if !finding.chain.is_empty() {
        result.code_flows = Some(vec![code_flow(rendering, finding)]);
    }
    if let Some(suppressed) = &finding.suppressed {
        result.suppressions = Some(vec![Suppression::builder()
            .kind(json!("inSource"))
            .status(json!("accepted"))
            .justification(suppressed.reason.clone())
            .location(
                Location::builder()
                    .physical_location(physical(
                        rendering,
                        &finding.file,
                        line_region(rendering, &finding.file, suppressed.line),
                    ))
                    .build(),
            )
            .build()]);
    }
    result
}

/// Where a handler is defined, as a related location with `id`.
fn handler_location(rendering: &Rendering<'_>, handler: &Handler, id: i64) -> Location {
    let name_length = handler.name.chars().count() as i64;
    Location::builder()
        .id(id)
        .physical_location(physical(
            rendering,
            &handler.file,
            Region::builder()
                .start_line(i64::from(handler.line))
                .start_column(i64::from(handler.column))
                .end_line(i64::from(handler.line))
                .end_column(i64::from(handler.column) + name_length.max(1))
                .build(),
        ))
        .message(message(format!(
            "handler {} ({})",
            handler.route, handler.path
        )))
        .build()
}

/// The chain from the handler to the finding, one thread-flow location per call and the
/// finding last.
fn code_flow(rendering: &Rendering<'_>, finding: &Finding) -> CodeFlow {
    let steps = &finding.chain;
    let locations: Vec<ThreadFlowLocation> = steps
        .iter()
        .enumerate()
        .map(|(position, step)| {
            let caller = short_name(&step.function);
            let text = match steps.get(position + 1) {
                Some(next) => format!("`{caller}` calls `{}`", short_name(&next.function)),
                None => format!("`{caller}`: {}", finding.rule),
            };
            let region = if position + 1 == steps.len() {
                Region::builder()
                    .start_line(i64::from(finding.line))
                    .start_column(i64::from(finding.column))
                    .end_line(i64::from(finding.end_line))
                    .end_column(i64::from(finding.end_column))
                    .build()
            } else {
                line_region(rendering, &step.file, step.line)
            };
            ThreadFlowLocation::builder()
                .location(
                    Location::builder()
                        .physical_location(physical(rendering, &step.file, region))
                        .message(message(text))
                        .build(),
                )
                .nesting_level(position as i64)
                .execution_order(position as i64 + 1)
                .build()
        })
        .collect();
    let from = finding
        .chain
        .first()
        .map_or("the handler", |step| short_name(&step.function));
    CodeFlow::builder()
        .message(message(format!("from `{from}` to the finding")))
        .thread_flows(vec![ThreadFlow::builder().locations(locations).build()])
        .build()
}

/// A whole line, from its first to its last non-blank character when the file was read.
fn line_region(rendering: &Rendering<'_>, file: &str, line: u32) -> Region {
    let columns = rendering
        .sources
        .text(file)
        .and_then(|text| line_text(text, line))
        .and_then(|text| {
            let indent = text.chars().take_while(|c| c.is_whitespace()).count();
            let length = text.trim().chars().count();
            (length > 0).then_some((indent + 1, indent + 1 + length))
        });
    match columns {
        Some((start, end)) => Region::builder()
            .start_line(i64::from(line))
            .start_column(start as i64)
            .end_line(i64::from(line))
            .end_column(end as i64)
            .build(),
        None => Region::builder().start_line(i64::from(line)).build(),
    }
}

fn physical(rendering: &Rendering<'_>, file: &str, region: Region) -> PhysicalLocation {
    PhysicalLocation::builder()
        .artifact_location(artifact(rendering, file))
        .region(region)
        .build()
}

/// A file as SARIF names it: relative to `%SRCROOT%` when the report shows it relative, else
/// an absolute `file:` URI.
fn artifact(rendering: &Rendering<'_>, file: &str) -> ArtifactLocation {
    let path = std::path::Path::new(file);
    if path.is_absolute() {
        return ArtifactLocation::builder()
            .uri(file_uri(&rendering.sources.absolute(file)))
            .build();
    }
    ArtifactLocation::builder()
        .uri(encode_path(&rendering.repository_path(file)))
        .uri_base_id(SOURCE_ROOT)
        .build()
}

fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// A path's `file:` URI.
pub(crate) fn file_uri(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = if text.starts_with('/') {
        text
    } else {
        // A Windows path: `C:/x` becomes `/C:/x`.
        format!("/{text}")
    };
    format!("file://{}", encode_path(&text))
}

/// A folder's `file:` URI, ending with `/` so that relative URIs resolve inside it.
fn directory_uri(path: &std::path::Path) -> String {
    let uri = file_uri(path);
    if uri.ends_with('/') {
        uri
    } else {
        format!("{uri}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uris() {
        assert_eq!(encode_path("src/a b/c#d.rs"), "src/a%20b/c%23d.rs");
        assert_eq!(
            directory_uri(std::path::Path::new("/work/my repo")),
            "file:///work/my%20repo/"
        );
        assert_eq!(pascal_case("write-without-inbox"), "WriteWithoutInbox");
    }
}
