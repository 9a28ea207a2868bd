//! Code actions (quick fixes) for the findings under the cursor: the closest valid key for an
//! unknown one, the closest allowed value for one the format does not allow (both computed from
//! the JSON Schema), a missing required key with a placeholder, and a waiver skeleton for a
//! rule's finding.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic, NumberOrString,
    Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::hover::kind_in;
use super::outline::{self, parse_line};
use super::position::Lines;
use super::{Loaded, Server, fields, lock};
use crate::date::Date;
use crate::finding::Finding;
use crate::node::{DocPath, Node, Segment, Value};

/// Documents larger than this get no fix that needs a parse on the main loop.
const MAX_PARSE: usize = 1 << 20;

/// How long a waiver skeleton runs, from the evaluation date.
const WAIVER_DAYS: i64 = 90;

pub fn code_actions(server: &Server, params: CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
    let uri = params.text_document.uri;
    let (text, findings, as_of) = {
        let ws = lock(&server.workspace);
        let doc = ws.open.get(&uri).filter(|d| d.ours)?;
        let analysis = ws.analyses.get(&uri)?;
        (doc.text.clone(), analysis.findings.clone(), analysis.as_of)
    };
    let loaded = server.loaded();
    let lines = Lines::new(&text);
    let all: Vec<&str> = text.lines().collect();
    let mut actions = Vec::new();
    for f in &findings {
        let range = lines.range(&f.location);
        if range.start > params.range.end || params.range.start > range.end {
            continue;
        }
        let diagnostic = params
            .context
            .diagnostics
            .iter()
            .find(|d| d.range == range && d.code == Some(NumberOrString::String(f.rule.clone())))
            .cloned();
        let Some(doc_lines) = outline::nth_document(&all, f.document) else {
            continue;
        };
        let kind = kind_in(&all, &doc_lines);
        let edits: Vec<(String, TextEdit, bool)> = match (f.rule.as_str(), kind.as_deref()) {
            ("schema-unknown-key", Some(kind)) => replace_key(kind, f, range),
            ("schema-enum", Some(kind)) => replace_value(kind, f, range, &text, &lines),
            ("schema-missing-key", Some(kind)) => add_key(kind, f, &text, &lines, as_of, &loaded)
                .into_iter()
                .collect(),
            _ if is_rule(&loaded, f) => waiver(f, &all, &lines, doc_lines, as_of)
                .into_iter()
                .collect(),
            _ => Vec::new(),
        };
        for (title, edit, preferred) in edits {
            actions.push(action(&uri, title, edit, preferred, diagnostic.clone()));
        }
    }
    Some(actions)
}

fn action(
    uri: &Uri,
    title: String,
    edit: TextEdit,
    preferred: bool,
    diagnostic: Option<Diagnostic>,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    })
}

fn is_rule(loaded: &Loaded, f: &Finding) -> bool {
    !f.waived && !f.path.is_empty() && loaded.linter.rules().find(&f.rule).is_some()
}

fn split(path: &str) -> Option<(Vec<Segment>, Segment)> {
    let mut segments = DocPath::parse(path).ok()?.0;
    let last = segments.pop()?;
    Some((segments, last))
}

/// The valid key closest to an unknown one.
fn replace_key(kind: &str, f: &Finding, range: Range) -> Vec<(String, TextEdit, bool)> {
    let Some((parent, Segment::Key(key))) = split(&f.path) else {
        return Vec::new();
    };
    let Some(root) = fields::schema(kind) else {
        return Vec::new();
    };
    let Some(node) = fields::at(root, &parent) else {
        return Vec::new();
    };
    let names: Vec<String> = fields::keys(root, node)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    match crate::suggest::closest(&key, names.iter().map(String::as_str)) {
        Some(best) => vec![(
            format!("Replace `{key}` with `{best}`"),
            TextEdit::new(range, best.to_string()),
            true,
        )],
        None => Vec::new(),
    }
}

/// The allowed value closest to the one written, or, when none is close, each allowed value.
fn replace_value(
    kind: &str,
    f: &Finding,
    range: Range,
    text: &str,
    lines: &Lines,
) -> Vec<(String, TextEdit, bool)> {
    let Ok(path) = DocPath::parse(&f.path) else {
        return Vec::new();
    };
    let Some(root) = fields::schema(kind) else {
        return Vec::new();
    };
    let Some(node) = fields::at(root, &path.0) else {
        return Vec::new();
    };
    let values = fields::values(root, node);
    let written = text
        .get(lines.offset(range.start)..lines.offset(range.end))
        .unwrap_or("")
        .trim_matches(['"', '\''])
        .to_string();
    let edit = |v: &str| TextEdit::new(range, v.to_string());
    if let Some(best) = crate::suggest::closest(&written, values.iter().map(String::as_str)) {
        return vec![(
            format!("Replace `{written}` with `{best}`"),
            edit(best),
            true,
        )];
    }
    values
        .iter()
        .take(12)
        .map(|v| (format!("Replace `{written}` with `{v}`"), edit(v), false))
        .collect()
}

/// Insert a missing required key, with a placeholder value, into the mapping that lacks it.
fn add_key(
    kind: &str,
    f: &Finding,
    text: &str,
    lines: &Lines,
    as_of: Date,
    loaded: &Loaded,
) -> Option<(String, TextEdit, bool)> {
    if text.len() > MAX_PARSE {
        return None;
    }
    let (parent, Segment::Key(key)) = split(&f.path)? else {
        return None;
    };
    let root_schema = fields::schema(kind)?;
    let value = fields::placeholder(
        root_schema,
        fields::at(root_schema, &DocPath::parse(&f.path).ok()?.0)?,
        as_of,
    );
    let docs = crate::load::yaml::parse(text, &loaded.linter.options().limits);
    let tree = docs.into_iter().nth(f.document)?.root?;
    let node = tree.resolve(&DocPath(parent.clone()));
    if !node.complete {
        return None;
    }
    let source = crate::source::SourceFile::new("", text);
    let title = format!("Add `{key}: {value}`");
    let at_line_end = |line: usize, insert: String| {
        let end = lines.at_char(line, lines.line(line).chars().count());
        Some((
            title.clone(),
            TextEdit::new(Range::new(end, end), insert),
            true,
        ))
    };
    match &node.node.value {
        Value::Map(entries) if !entries.is_empty() => {
            let first = source.locate(entries[0].key_span);
            if is_flow(text, node.node) {
                let close = source.locate(crate::source::Span::point(
                    node.node.span.end.saturating_sub(1),
                ));
                let at = lines.position(close.line, close.column);
                return Some((
                    title,
                    TextEdit::new(Range::new(at, at), format!(", {key}: {value}")),
                    true,
                ));
            }
            let last = entries.last()?;
            let end = last_line(&source, &last.value, last.key_span);
            at_line_end(
                end,
                format!("\n{}{key}: {value}", " ".repeat(first.column - 1)),
            )
        }
        Value::Null if !parent.is_empty() => {
            let at = source.locate(node.span);
            let indent = parse_line(lines.line(at.line - 1)).content + 2;
            at_line_end(
                at.line - 1,
                format!("\n{}{key}: {value}", " ".repeat(indent)),
            )
        }
        _ => None,
    }
}

fn is_flow(text: &str, node: &Node) -> bool {
    text.chars().nth(node.span.start) == Some('{')
}

/// The 0-based line where an entry ends: the last line its value's text reaches.
fn last_line(source: &crate::source::SourceFile, value: &Node, key: crate::source::Span) -> usize {
    let end = value.span.end.max(key.end);
    let mut at = source.locate(crate::source::Span::point(end));
    // A block value's span ends at the start of the line after it.
    if at.column == 1 && at.line > 1 && end > key.end {
        at.line -= 1;
    }
    at.line - 1
}

/// A waiver for the finding, appended to the document's `waivers:` (created when missing).
fn waiver(
    f: &Finding,
    all: &[&str],
    lines: &Lines,
    doc: std::ops::Range<usize>,
    as_of: Date,
) -> Option<(String, TextEdit, bool)> {
    let expires = as_of.add_days(WAIVER_DAYS)?;
    let skeleton = |indent: usize| {
        let pad = " ".repeat(indent);
        format!(
            "{pad}- rule: {}\n{pad}  path: {}\n{pad}  reason: \"TODO: why this finding is accepted for now\"\n{pad}  approved_by: \"TODO: who approved it\"\n{pad}  expires: {expires}",
            f.rule, f.path
        )
    };
    let title = format!("Waive `{}` at `{}`", f.rule, f.path);
    let last_content = |range: std::ops::Range<usize>| {
        range
            .clone()
            .rev()
            .find(|&i| !parse_line(all[i]).blank && !all[i].starts_with("..."))
    };
    let insert_after = |line: usize, text: String| {
        let end = lines.at_char(line, lines.line(line).chars().count());
        Some((
            title.clone(),
            TextEdit::new(Range::new(end, end), text),
            false,
        ))
    };
    let key_line = doc.clone().find(|&i| {
        let l = parse_line(all[i]);
        l.content == 0 && l.dashes.is_empty() && l.key.as_deref() == Some("waivers")
    });
    match key_line {
        Some(k) => {
            let value = parse_line(all[k]).value;
            if value == "[]" {
                let start = lines.at_char(k, 0);
                let end = lines.at_char(k, all[k].chars().count());
                return Some((
                    title.clone(),
                    TextEdit::new(Range::new(start, end), format!("waivers:\n{}", skeleton(2))),
                    false,
                ));
            }
            if !value.is_empty() {
                return None;
            }
            // The list runs while lines are indented, or are items at the key's own column.
            let mut end = k;
            let mut indent = None;
            for (i, text) in all.iter().enumerate().take(doc.end).skip(k + 1) {
                let l = parse_line(text);
                if l.blank {
                    continue;
                }
                let column = l.dashes.first().copied().unwrap_or(l.content);
                if column == 0 && l.dashes.is_empty() {
                    break;
                }
                indent = indent.or(l.dashes.first().copied());
                end = i;
            }
            insert_after(end, format!("\n{}", skeleton(indent.unwrap_or(2))))
        }
        None => {
            let last =
                last_content(doc.clone()).unwrap_or(doc.start.min(all.len().saturating_sub(1)));
            if all.is_empty() {
                return Some((
                    title,
                    TextEdit::new(
                        Range::new(Position::new(0, 0), Position::new(0, 0)),
                        format!("waivers:\n{}\n", skeleton(2)),
                    ),
                    false,
                ));
            }
            insert_after(last, format!("\nwaivers:\n{}", skeleton(2)))
        }
    }
}
