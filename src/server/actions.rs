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
use crate::node::DocPath;

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
    let all: Vec<&str> = crate::source::lines(&text).collect();
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
        let as_edits = |fixes: Vec<crate::fix::Fix>| -> Vec<(String, TextEdit, bool)> {
            fixes
                .into_iter()
                .map(|x| {
                    let at = Range::new(lines.at_byte(x.start), lines.at_byte(x.end));
                    (x.title, TextEdit::new(at, x.text), x.preferred)
                })
                .collect()
        };
        let written = || {
            text.get(lines.offset(range.start)..lines.offset(range.end))
                .unwrap_or("")
        };
        let edits: Vec<(String, TextEdit, bool)> = match (f.rule.as_str(), kind.as_deref()) {
            ("schema-unknown-key", Some(kind)) => as_edits(crate::fix::replace_key(kind, f, &[])),
            ("schema-enum", Some(kind)) => as_edits(crate::fix::replace_value(kind, f, written())),
            ("schema-missing-key", Some(kind)) => as_edits(
                add_key(kind, f, &text, as_of, &loaded)
                    .into_iter()
                    .collect(),
            ),
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

/// Insert a missing required key, with a placeholder that is valid where it can be (the first
/// allowed value, the evaluation date), into the mapping that lacks it.
fn add_key(
    kind: &str,
    f: &Finding,
    text: &str,
    as_of: Date,
    loaded: &Loaded,
) -> Option<crate::fix::Fix> {
    if text.len() > MAX_PARSE {
        return None;
    }
    let root = fields::schema(kind)?;
    let value = fields::placeholder(
        root,
        fields::at(root, &DocPath::parse(&f.path).ok()?.0)?,
        as_of,
    );
    crate::fix::add_key(f, text, &loaded.linter.options().limits, &value)
}

/// A waiver for the finding, appended to the document's `waivers:` (created when missing).
fn waiver(
    f: &Finding,
    all: &[&str],
    lines: &Lines,
    doc: std::ops::Range<usize>,
    as_of: Date,
) -> Option<(String, TextEdit, bool)> {
    let expires = as_of.add_days(WAIVER_DAYS);
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
