//! `--message-format json` (and `json-diagnostic-rendered-ansi`): one line per finding shaped
//! as cargo prints a rustc diagnostic (`{"reason":"compiler-message",...}`), then cargo's
//! `build-finished` line. rust-analyzer runs `cargo failfirst --message-format=json` as its
//! `check.overrideCommand` and shows each finding in the editor: the primary span at the
//! offending statement, the help, the handlers it is on and each call of the chain as
//! related locations.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lint_core::report::{Finding, Handler};
use lint_core::sources::{CrateInput, TargetKind};
use serde::Serialize;

use super::{human, severity_word, short_name, Rendering, HANDLERS_NAMED};
use crate::sources::{byte_offset, line_text};

/// The package and target a file is compiled in, as cargo names them.
#[derive(Clone, Debug)]
pub struct PackageRef {
    pub id: String,
    pub manifest_path: PathBuf,
    pub target_name: String,
    pub target_kind: &'static str,
    pub target_src: PathBuf,
}

/// Each analysed file's package, by the path the report shows it under.
pub type Packages = BTreeMap<String, PackageRef>;

/// The packages of the crates analysed. The id is cargo's for a path package
/// (`path+file:///dir#name`); the target is the crate's library, else its first root.
pub fn packages(crates: &[CrateInput]) -> Packages {
    let mut packages = Packages::new();
    for crate_input in crates {
        let root = crate_input
            .roots
            .iter()
            .find(|root| root.kind == TargetKind::Lib)
            .or_else(|| crate_input.roots.first());
        let Some(root) = root else { continue };
        let manifest_path = root
            .path
            .ancestors()
            .skip(1)
            .map(|dir| dir.join("Cargo.toml"))
            .find(|manifest| manifest.is_file())
            .unwrap_or_else(|| root.path.with_file_name("Cargo.toml"));
        let package_dir = manifest_path.parent().unwrap_or(Path::new("/"));
        let package = PackageRef {
            id: format!(
                "path+{}#{}",
                super::sarif::file_uri(package_dir),
                crate_input.name
            ),
            manifest_path: manifest_path.clone(),
            target_name: crate_input.lib_name.clone(),
            target_kind: match root.kind {
                TargetKind::Lib => "lib",
                TargetKind::Bin => "bin",
                TargetKind::Example => "example",
                TargetKind::Test => "test",
                TargetKind::Bench => "bench",
                TargetKind::BuildScript => "custom-build",
            },
            target_src: root.path.clone(),
        };
        for file in &crate_input.files {
            packages.insert(file.display_path.clone(), package.clone());
        }
    }
    packages
}

#[derive(Serialize)]
struct CompilerMessage<'a> {
    reason: &'static str,
    package_id: &'a str,
    manifest_path: &'a Path,
    target: Target<'a>,
    message: Diagnostic,
}

#[derive(Serialize)]
struct Target<'a> {
    kind: [&'static str; 1],
    crate_types: [&'static str; 1],
    name: &'a str,
    src_path: &'a Path,
    doctest: bool,
    test: bool,
    doc: bool,
}

#[derive(Serialize)]
struct Diagnostic {
    #[serde(rename = "$message_type")]
    message_type: &'static str,
    message: String,
    code: Option<Code>,
    level: &'static str,
    spans: Vec<Span>,
    children: Vec<Diagnostic>,
    rendered: Option<String>,
}

#[derive(Serialize)]
struct Code {
    code: String,
    explanation: Option<String>,
}

#[derive(Serialize)]
struct Span {
    file_name: String,
    byte_start: usize,
    byte_end: usize,
    line_start: u32,
    line_end: u32,
    column_start: u32,
    column_end: u32,
    is_primary: bool,
    text: Vec<SpanLine>,
    label: Option<String>,
    suggested_replacement: Option<String>,
    suggestion_applicability: Option<String>,
    expansion: Option<()>,
}

#[derive(Serialize)]
struct SpanLine {
    text: String,
    highlight_start: usize,
    highlight_end: usize,
}

#[derive(Serialize)]
struct BuildFinished {
    reason: &'static str,
    success: bool,
}

/// The lines; `success` goes on the closing `build-finished` line (the run exits 0).
pub fn render(rendering: &Rendering<'_>, packages: &Packages, success: bool) -> String {
    let mut out = String::new();
    for (_, finding) in rendering.shown_findings() {
        let fallback;
        let package = match packages.get(&finding.file) {
            Some(package) => package,
            None => {
                fallback = loose_file_package(rendering, &finding.file);
                &fallback
            }
        };
        let message = CompilerMessage {
            reason: "compiler-message",
            package_id: &package.id,
            manifest_path: &package.manifest_path,
            target: Target {
                kind: [package.target_kind],
                crate_types: [if package.target_kind == "bin" {
                    "bin"
                } else {
                    "lib"
                }],
                name: &package.target_name,
                src_path: &package.target_src,
                doctest: false,
                test: false,
                doc: false,
            },
            message: diagnostic(rendering, finding),
        };
        if let Ok(line) = serde_json::to_string(&message) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    if let Ok(line) = serde_json::to_string(&BuildFinished {
        reason: "build-finished",
        success,
    }) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A file named on the command line with no `Cargo.toml` above it: a package of its own.
fn loose_file_package(rendering: &Rendering<'_>, file: &str) -> PackageRef {
    let path = rendering.sources.absolute(file);
    let name = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().replace('-', "_"))
        .unwrap_or_default();
    let dir = path.parent().unwrap_or(Path::new("/"));
    PackageRef {
        id: format!("path+{}#{name}", super::sarif::file_uri(dir)),
        manifest_path: dir.join("Cargo.toml"),
        target_name: name,
        target_kind: "lib",
        target_src: path,
    }
}

fn diagnostic(rendering: &Rendering<'_>, finding: &Finding) -> Diagnostic {
    let text = rendering.sources.text(&finding.file);
    let mut children = Vec::new();
    if let Some(help) = &finding.help {
        children.push(child("help", help.clone(), Vec::new()));
    }
    let handlers = rendering.handlers_of(finding);
    for handler in handlers.iter().take(HANDLERS_NAMED) {
        children.push(child(
            "note",
            format!("on handler `{}` (`{}`)", handler.route, handler.path),
            handler_span(rendering, handler).into_iter().collect(),
        ));
    }
    if handlers.len() > HANDLERS_NAMED {
        children.push(child(
            "note",
            format!(
                "and on {} more handlers: `cargo failfirst --format json` lists them",
                handlers.len() - HANDLERS_NAMED
            ),
            Vec::new(),
        ));
    }
    for (step, next) in finding.chain.iter().zip(finding.chain.iter().skip(1)) {
        children.push(child(
            "note",
            format!(
                "`{}` calls `{}` here",
                short_name(&step.function),
                short_name(&next.function)
            ),
            line_span(rendering, &step.file, step.line)
                .into_iter()
                .collect(),
        ));
    }
    children.push(child(
        "note",
        format!(
            "`cargo failfirst explain {}` prints the rule's documentation",
            finding.rule
        ),
        Vec::new(),
    ));
    let primary = span(
        rendering,
        &finding.file,
        (finding.line, finding.column),
        (finding.end_line, finding.end_column),
        true,
        Some(finding.rule.to_string()),
    );
    Diagnostic {
        message_type: "diagnostic",
        message: finding.message.clone(),
        code: Some(Code {
            code: format!("failfirst::{}", finding.rule),
            explanation: None,
        }),
        level: severity_word(finding.level),
        spans: vec![primary],
        children,
        rendered: Some(human::render_finding(
            rendering.report,
            finding,
            text,
            rendering.colour,
        )),
    }
}

fn child(level: &'static str, message: String, spans: Vec<Span>) -> Diagnostic {
    Diagnostic {
        message_type: "diagnostic",
        message,
        code: None,
        level,
        spans,
        children: Vec::new(),
        rendered: None,
    }
}

fn handler_span(rendering: &Rendering<'_>, handler: &Handler) -> Option<Span> {
    let length = handler.name.chars().count().max(1) as u32;
    Some(span(
        rendering,
        &handler.file,
        (handler.line, handler.column),
        (handler.line, handler.column + length),
        false,
        Some("handler".to_string()),
    ))
}

/// The code of one line, from its first to its last non-blank character.
fn line_span(rendering: &Rendering<'_>, file: &str, line: u32) -> Option<Span> {
    let text = line_text(rendering.sources.text(file)?, line)?;
    let indent = text.chars().take_while(|c| c.is_whitespace()).count() as u32;
    let length = text.trim().chars().count() as u32;
    Some(span(
        rendering,
        file,
        (line, indent + 1),
        (line, indent + 1 + length),
        false,
        None,
    ))
}

/// A span from one position to another (end exclusive), with the lines it covers.
fn span(
    rendering: &Rendering<'_>,
    file: &str,
    (line, column): (u32, u32),
    (end_line, end_column): (u32, u32),
    is_primary: bool,
    label: Option<String>,
) -> Span {
    let text = rendering.sources.text(file).unwrap_or_default();
    let byte_start = byte_offset(text, line, column);
    let byte_end = byte_offset(text, end_line, end_column).max(byte_start);
    let lines = (line..=end_line.max(line))
        .filter_map(|number| {
            let line_text = line_text(text, number)?;
            let width = line_text.chars().count() + 1;
            Some(SpanLine {
                text: line_text.to_string(),
                highlight_start: if number == line { column as usize } else { 1 },
                highlight_end: if number == end_line {
                    end_column as usize
                } else {
                    width
                },
            })
        })
        .collect();
    Span {
        file_name: rendering
            .sources
            .absolute(file)
            .to_string_lossy()
            .into_owned(),
        byte_start,
        byte_end,
        line_start: line,
        line_end: end_line.max(line),
        column_start: column,
        column_end: end_column,
        is_primary,
        text: lines,
        label,
        suggested_replacement: None,
        suggestion_applicability: None,
        expansion: None,
    }
}
