//! Fixes for schema findings, computed from the JSON Schema as text edits on the file: the
//! closest valid key for an unknown one, the allowed value for one the format does not allow,
//! and a missing required key. The language server offers them as quick fixes; `check --fix`
//! applies the safe ones, which never change what a fact says:
//!
//! - a misspelt key renamed to the only key it is close to, when the mapping does not already
//!   hold that key (the fact was written, under a name no rule could read);
//! - a value written in another case or with other separators (`Live`, `non-compliant`) made the
//!   allowed value it spells (`live`, `non_compliant`);
//! - a missing required key added with the `TODO` placeholder `init` writes, which `check` then
//!   lists as a fact still to give (nothing is invented).
//!
//! A value that is merely close to an allowed one (`partal`) is offered in the editor, never
//! applied: choosing between facts is the author's call.

use serde_json::Value as Json;

use crate::finding::Finding;
use crate::load::Limits;
use crate::node::{DocPath, Node, Segment, Value};
use crate::schema::walk;
use crate::source::{SourceFile, Span};

/// One fix: replace the bytes `start..end` of the file's text with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The fix to prefer among those offered for the finding.
    pub preferred: bool,
    /// Whether `check --fix` applies it (see the module's documentation).
    pub safe: bool,
}

/// The keys a mapping at this schema node may hold.
fn keys(root: &Json, node: &Json) -> Vec<String> {
    walk::deref(root, node)
        .get("properties")
        .and_then(Json::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// The values a field allows when they are a closed set (without null).
fn values(root: &Json, node: &Json) -> Vec<String> {
    let node = walk::deref(root, node);
    node.get("enum")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter(|v| !v.is_null())
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn split(path: &str) -> Option<(Vec<Segment>, Segment)> {
    let mut segments = DocPath::parse(path).ok()?.0;
    let last = segments.pop()?;
    Some((segments, last))
}

/// The bytes a finding covers.
fn span_of(f: &Finding) -> (usize, usize) {
    let start = f.location.byte_start;
    (start, start + f.location.byte_len)
}

/// The valid key closest to an unknown one. `siblings` are the keys the mapping already holds.
pub fn replace_key(kind: &str, f: &Finding, siblings: &[String]) -> Vec<Fix> {
    let Some((parent, Segment::Key(key))) = split(&f.path) else {
        return Vec::new();
    };
    let Some(root) = walk::json(kind) else {
        return Vec::new();
    };
    let Some(node) = walk::at(root, &parent) else {
        return Vec::new();
    };
    let names = keys(root, node);
    let Some(best) = crate::suggest::closest(&key, names.iter().map(String::as_str)) else {
        return Vec::new();
    };
    let (start, end) = span_of(f);
    vec![Fix {
        title: format!("Replace `{key}` with `{best}`"),
        start,
        end,
        text: best.to_string(),
        preferred: true,
        safe: !siblings.iter().any(|s| s == best),
    }]
}

/// A value as a spelling: lower case, with spaces and hyphens as underscores.
fn spelling(value: &str) -> String {
    value.trim().to_lowercase().replace([' ', '-'], "_")
}

/// The allowed value closest to the one written (`written`, the text the finding covers), or,
/// when none is close, each allowed value.
pub fn replace_value(kind: &str, f: &Finding, written: &str) -> Vec<Fix> {
    let Ok(path) = DocPath::parse(&f.path) else {
        return Vec::new();
    };
    let Some(root) = walk::json(kind) else {
        return Vec::new();
    };
    let Some(node) = walk::at(root, &path.0) else {
        return Vec::new();
    };
    let allowed = values(root, node);
    let written = written.trim_matches(['"', '\'']).to_string();
    let (start, end) = span_of(f);
    let fix = |v: &str, preferred: bool, safe: bool| Fix {
        title: format!("Replace `{written}` with `{v}`"),
        start,
        end,
        text: v.to_string(),
        preferred,
        safe,
    };
    if let Some(same) = allowed.iter().find(|v| spelling(v) == spelling(&written)) {
        return vec![fix(same, true, true)];
    }
    if let Some(best) = crate::suggest::closest(&written, allowed.iter().map(String::as_str)) {
        return vec![fix(best, true, false)];
    }
    allowed
        .iter()
        .take(12)
        .map(|v| fix(v, false, false))
        .collect()
}

/// Insert a missing required key, with `value`, into the mapping that lacks it. `None` when the
/// mapping cannot be found or is written in a way this cannot extend.
pub fn add_key(f: &Finding, text: &str, limits: &Limits, value: &str) -> Option<Fix> {
    let (parent, Segment::Key(key)) = split(&f.path)? else {
        return None;
    };
    let docs = crate::load::yaml::parse(text, limits);
    let tree = docs.into_iter().nth(f.document)?.root?;
    let found = tree.resolve(&DocPath(parent.clone()));
    if !found.complete {
        return None;
    }
    let source = SourceFile::new("", text);
    let fix = |at: usize, insert: String| Fix {
        title: format!("Add `{key}: {value}`"),
        start: at,
        end: at,
        text: insert,
        preferred: true,
        safe: true,
    };
    match &found.node.value {
        Value::Map(entries) if !entries.is_empty() => {
            let first = source.locate(entries[0].key_span);
            if text.chars().nth(found.node.span.start) == Some('{') {
                let close = source.locate(Span::point(found.node.span.end.saturating_sub(1)));
                return Some(fix(close.byte_start, format!(", {key}: {value}")));
            }
            let last = entries.last()?;
            let end = last_line(&source, &last.value, last.key_span);
            Some(fix(
                line_end(text, end),
                format!("\n{}{key}: {value}", " ".repeat(first.column - 1)),
            ))
        }
        Value::Null if !parent.is_empty() => {
            let (grand, last) = parent.split_last().map(|(l, g)| (g.to_vec(), l.clone()))?;
            let Segment::Key(name) = last else {
                return None;
            };
            let holder = tree.resolve(&DocPath(grand)).node;
            let Value::Map(entries) = &holder.value else {
                return None;
            };
            let entry = entries.iter().find(|e| e.key == name)?;
            let at = source.locate(entry.key_span);
            Some(fix(
                line_end(text, at.line - 1),
                format!("\n{}{key}: {value}", " ".repeat(at.column - 1 + 2)),
            ))
        }
        _ => None,
    }
}

/// The 0-based line where an entry ends: the last line its value's text reaches.
fn last_line(source: &SourceFile, value: &Node, key: Span) -> usize {
    let end = value.span.end.max(key.end);
    let mut at = source.locate(Span::point(end));
    // A block value's span ends at the start of the line after it.
    if at.column == 1 && at.line > 1 && end > key.end {
        at.line -= 1;
    }
    at.line - 1
}

/// The byte offset of the end of the 0-based line `line` (before its line break).
fn line_end(text: &str, line: usize) -> usize {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i == line {
            let body = l.strip_suffix('\n').unwrap_or(l);
            let body = body.strip_suffix('\r').unwrap_or(body);
            return start + body.len();
        }
        start += l.len();
    }
    text.len()
}

/// The safe fixes of the findings of one file, in the order of the text, none overlapping
/// another. `kind_of` gives the kind of a document of the file by its index.
pub fn safe_fixes(
    findings: &[&Finding],
    text: &str,
    limits: &Limits,
    kind_of: &dyn Fn(usize) -> Option<String>,
) -> Vec<Fix> {
    let mut out: Vec<Fix> = Vec::new();
    for f in findings {
        let Some(kind) = kind_of(f.document) else {
            continue;
        };
        let (start, end) = span_of(f);
        let fixes = match f.rule.as_str() {
            "schema-unknown-key" => replace_key(&kind, f, &siblings(f, text, limits)),
            "schema-enum" => replace_value(&kind, f, text.get(start..end).unwrap_or("")),
            "schema-missing-key" => add_key(
                f,
                text,
                limits,
                &format!("\"{}\"", crate::init::PLACEHOLDER),
            )
            .into_iter()
            .collect(),
            _ => Vec::new(),
        };
        out.extend(fixes.into_iter().filter(|x| x.safe && x.preferred));
    }
    out.sort_by_key(|x| (x.start, x.end));
    let mut kept: Vec<Fix> = Vec::new();
    for fix in out {
        // Two fixes at one place, or one inside another: the first only.
        if kept
            .last()
            .is_some_and(|k| fix.start < k.end || (fix.start == k.start && fix.end == k.end))
        {
            continue;
        }
        kept.push(fix);
    }
    kept
}

/// The keys the mapping holding an unknown key already has.
fn siblings(f: &Finding, text: &str, limits: &Limits) -> Vec<String> {
    let Some((parent, _)) = split(&f.path) else {
        return Vec::new();
    };
    let docs = crate::load::yaml::parse(text, limits);
    let Some(tree) = docs.into_iter().nth(f.document).and_then(|d| d.root) else {
        return Vec::new();
    };
    match &tree.resolve(&DocPath(parent)).node.value {
        Value::Map(entries) => entries.iter().map(|e| e.key.clone()).collect(),
        _ => Vec::new(),
    }
}

/// `text` with the fixes applied (they must not overlap; see [`safe_fixes`]).
pub fn apply(text: &str, fixes: &[Fix]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for fix in fixes {
        let fits = fix.start >= at
            && fix.start <= fix.end
            && text.is_char_boundary(fix.start)
            && text.is_char_boundary(fix.end);
        if !fits {
            continue;
        }
        out.push_str(&text[at..fix.start]);
        out.push_str(&fix.text);
        at = fix.end;
    }
    out.push_str(&text[at..]);
    out
}
