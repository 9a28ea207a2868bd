//! Reading the proposal's and the declaration's spanned trees: a value at a path, and a value
//! written out short for the evidence of a criterion.

use crate::load::{self, Limits};
use crate::node::{DocPath, Node, Value};
use crate::run::Run;
use crate::source::SourceFile;

/// The node at `path`, when the whole path exists and is not `null`.
pub fn at<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    let path = DocPath::parse(path).ok()?;
    let r = root.resolve(&path);
    (r.complete && r.node.value != Value::Null).then_some(r.node)
}

pub fn text(root: &Node, path: &str) -> Option<String> {
    at(root, path).and_then(Node::as_str).map(str::to_string)
}

pub fn int(root: &Node, path: &str) -> Option<i64> {
    match at(root, path)?.value {
        Value::Int(i) => Some(i),
        _ => None,
    }
}

pub fn boolean(root: &Node, path: &str) -> Option<bool> {
    match at(root, path)?.value {
        Value::Bool(b) => Some(b),
        _ => None,
    }
}

/// A date or other scalar as text (a date may load as text or, unquoted, as a number).
pub fn scalar_text(root: &Node, path: &str) -> Option<String> {
    at(root, path).map(|n| match &n.value {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        _ => String::new(),
    })
}

/// The parsed tree of one document of a file of the run.
pub fn parsed_root(run: &Run, file: &str, document: usize, limits: &Limits) -> Option<Node> {
    let source = run.source(file)?;
    load::yaml::parse(&source.text, limits)
        .into_iter()
        .nth(document)
        .and_then(|d| d.root)
}

/// The longest a value is written in evidence, in characters; a longer one ends in `…`.
const VALUE_CHARS: usize = 160;

/// The value at `path` written short, for evidence: a scalar as it is, a list or a mapping in
/// flow style (`{supplier: Example Ltd, term_months: 24}`), cut at [`VALUE_CHARS`]. `None` when
/// the path does not exist, `null` written as `null`.
pub fn value_text(root: &Node, path: &str) -> Option<String> {
    let path = DocPath::parse(path).ok()?;
    let r = root.resolve(&path);
    if !r.complete {
        return None;
    }
    let mut out = String::new();
    write_value(&mut out, r.node);
    if out.chars().count() > VALUE_CHARS {
        out = out.chars().take(VALUE_CHARS - 1).collect();
        out.push('…');
    }
    Some(out)
}

fn write_value(out: &mut String, node: &Node) {
    // Stop early: a large list need not be written whole to be cut.
    if out.len() > VALUE_CHARS * 4 {
        return;
    }
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(&b.to_string()),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&f.to_string()),
        Value::Str(s) => out.push_str(s),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, e) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&e.key);
                out.push_str(": ");
                write_value(out, &e.value);
            }
            out.push('}');
        }
    }
}

/// The line (1-based) where `path` is written in the document, or where its nearest existing
/// parent is.
pub fn line_of(source: &SourceFile, root: &Node, path: &str) -> Option<usize> {
    let path = DocPath::parse(path).ok()?;
    Some(source.locate(root.resolve(&path).span).line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(yaml: &str) -> Node {
        load::yaml::parse(yaml, &Limits::default())
            .into_iter()
            .next()
            .and_then(|d| d.root)
            .unwrap()
    }

    #[test]
    fn values_are_written_short_in_flow_style() {
        let r = root("a:\n  b: {supplier: Example Ltd, term_months: 24}\n  c: [1, 2]\n  d: null\n");
        assert_eq!(
            value_text(&r, "a.b").as_deref(),
            Some("{supplier: Example Ltd, term_months: 24}")
        );
        assert_eq!(value_text(&r, "a.c").as_deref(), Some("[1, 2]"));
        assert_eq!(value_text(&r, "a.d").as_deref(), Some("null"));
        assert_eq!(value_text(&r, "a.e"), None);
        let long = root(&format!("a: {}\n", "x".repeat(400)));
        let text = value_text(&long, "a").unwrap();
        assert_eq!(text.chars().count(), VALUE_CHARS);
        assert!(text.ends_with('…'));
    }
}
