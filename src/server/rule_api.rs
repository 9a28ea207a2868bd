//! Hover and completion in rule files (`.rhai` documents of a pack): the rule API's helpers
//! with their signatures and documentation, from the one table `docs/rule-api.md` is made from
//! ([`crate::engine::api::HELPERS`], [`crate::engine::api::CONTEXT`]); after `ctx.params.` and
//! `ctx.data.` the pack's parameters and data files; and in the path argument of `lookup`,
//! `has`, `having`, `report` and the other helpers that take a path, the format's field paths
//! and the pack's own `x_` fields.
//!
//! What the pack holds comes from the latest load of it ([`super::rule_files`]); text from its
//! `pack.yaml` is escaped for Markdown in hovers.

use std::collections::BTreeMap;
use std::str::FromStr;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    Documentation, Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Range, TextEdit,
    Uri,
};

use super::position::Lines;
use super::rule_files::PackInfo;
use super::{Server, lock};
use crate::engine::api::{CONTEXT, HELPERS};
use crate::render::escape::markdown;

/// Whether a request's document is an open rule file (its answers come from here).
pub fn is_rule_request(server: &Server, params: &serde_json::Value) -> bool {
    params["textDocument"]["uri"]
        .as_str()
        .and_then(|u| Uri::from_str(u).ok())
        .is_some_and(|uri| {
            lock(&server.workspace)
                .open
                .get(&uri)
                .is_some_and(|d| d.rule)
        })
}

/// Helpers whose argument at this index is a path in a document, for completion.
const PATH_ARGUMENTS: &[(&str, usize)] = &[
    ("lookup", 1),
    ("has", 1),
    ("having", 1),
    ("except", 1),
    ("on_or_after", 1),
    ("report", 0),
    ("warn", 0),
    ("pass", 0),
    ("report_due", 0),
    ("report_in", 1),
    ("report_due_in", 1),
    ("pass_in", 1),
    ("relate", 1),
];

/// The helpers by name, each with its signatures (overloads) in the reference's order.
fn helpers() -> BTreeMap<&'static str, Vec<&'static crate::engine::api::Helper>> {
    let mut out: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for h in HELPERS {
        if let Some((name, _)) = h.signature.split_once('(')
            && is_identifier(name)
        {
            out.entry(name).or_default().push(h);
        }
    }
    out
}

fn is_identifier(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c.is_alphanumeric() || c == '_')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// An open rule document's text, and what its pack holds.
fn document(server: &Server, uri: &Uri) -> Option<(std::sync::Arc<str>, PackInfo)> {
    let ws = lock(&server.workspace);
    let text = ws.open.get(uri).filter(|d| d.rule)?.text.clone();
    let path = super::workspace::uri_path(uri);
    let info = path
        .and_then(|p| super::rule_files::pack_of(&server.loaded(), ws.root.as_deref(), &p))
        .and_then(|dir| ws.rule_packs.get(&dir).map(|i| (**i).clone()))
        .unwrap_or_default();
    Some((text, info))
}

pub fn hover(server: &Server, params: HoverParams) -> Option<Hover> {
    let at = params.text_document_position_params;
    let (text, info) = document(server, &at.text_document.uri)?;
    let lines = Lines::new(&text);
    let line_no = at.position.line as usize;
    let chars: Vec<char> = lines.line(line_no).chars().collect();
    let column = lines.char_column(at.position).min(chars.len());
    let start = (0..column)
        .rev()
        .find(|&i| !is_word_char(chars[i]))
        .map_or(0, |i| i + 1);
    let end = (column..chars.len())
        .find(|&i| !is_word_char(chars[i]))
        .unwrap_or(chars.len());
    if start >= end {
        return None;
    }
    let word: String = chars[start..end].iter().collect();
    let before: String = chars[..start].iter().collect();
    let value = hover_text(&word, &before, &info)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(Range::new(
            lines.at_char(line_no, start),
            lines.at_char(line_no, end),
        )),
    })
}

/// What a hover on `word` shows, `before` being the line's text before it.
fn hover_text(word: &str, before: &str, info: &PackInfo) -> Option<String> {
    if before.ends_with("ctx.params.") {
        let (name, detail) = info.params.iter().find(|(n, _)| n == word)?;
        return Some(format!(
            "**`ctx.params.{}`**\n\n{}",
            markdown(name),
            markdown(detail)
        ));
    }
    if before.ends_with("ctx.data.") {
        let (name, detail) = info.data.iter().find(|(n, _)| n == word)?;
        return Some(format!(
            "**`ctx.data.{}`**\n\n{}",
            markdown(name),
            markdown(detail)
        ));
    }
    if before.ends_with("ctx.") {
        let field = format!("ctx.{word}");
        let (_, what) = CONTEXT.iter().find(|(f, _)| *f == field)?;
        return Some(format!("**`{field}`**\n\n{what}"));
    }
    // `module::name` is a library function: its signature and `///` comment, which are the
    // pack's text.
    if let Some(module) = module_before(before) {
        let (_, signature, doc) = info
            .modules
            .get(&module)?
            .iter()
            .find(|(name, _, _)| name == word)?;
        return Some(format!(
            "```rhai\n{module}::{signature}\n```\n\n{}",
            markdown(doc)
        ));
    }
    let all = helpers();
    let overloads = all.get(word)?;
    let shown: Vec<String> = overloads
        .iter()
        .map(|h| {
            format!(
                "```rhai\n{} -> {}\n```\n\n{}\n\n```rhai\n{}\n```",
                h.signature, h.returns, h.doc, h.example
            )
        })
        .collect();
    Some(shown.join("\n\n---\n\n"))
}

pub fn complete(server: &Server, params: CompletionParams) -> Option<CompletionResponse> {
    let at = params.text_document_position;
    let (text, info) = document(server, &at.text_document.uri)?;
    let lines = Lines::new(&text);
    let line_no = at.position.line as usize;
    let column = lines.char_column(at.position);
    let prefix: String = lines.line(line_no).chars().take(column).collect();
    let (typed_from, found) = match call_at(&prefix) {
        Some(call) if call.in_string => {
            let path = PATH_ARGUMENTS.contains(&(call.name.as_str(), call.argument));
            (
                call.string_from,
                if path { paths(&info) } else { Vec::new() },
            )
        }
        _ => names(&prefix, &info),
    };
    let replace = Range::new(lines.at_char(line_no, typed_from), at.position);
    let typed: String = prefix.chars().skip(typed_from).collect();
    Some(CompletionResponse::Array(
        found
            .into_iter()
            .filter(|c| c.label.starts_with(&typed))
            .map(|mut c| {
                c.text_edit = Some(CompletionTextEdit::Edit(TextEdit::new(
                    replace,
                    c.label.clone(),
                )));
                c.filter_text = Some(c.label.clone());
                c
            })
            .collect(),
    ))
}

/// Completion outside a string: after `ctx.params.`, `ctx.data.` or `ctx.`, what the pack or
/// the context holds; else the helpers. With where the word being typed starts.
fn names(prefix: &str, info: &PackInfo) -> (usize, Vec<CompletionItem>) {
    let chars: Vec<char> = prefix.chars().collect();
    let from = (0..chars.len())
        .rev()
        .find(|&i| !is_word_char(chars[i]))
        .map_or(0, |i| i + 1);
    let before: String = chars[..from].iter().collect();
    let listed = |list: &[(String, String)], kind| {
        list.iter()
            .map(|(name, detail)| item(name, kind, Some(detail.clone()), None))
            .collect()
    };
    let found = if before.ends_with("ctx.params.") {
        listed(&info.params, CompletionItemKind::CONSTANT)
    } else if before.ends_with("ctx.data.") {
        listed(&info.data, CompletionItemKind::CONSTANT)
    } else if before.ends_with("ctx.") {
        CONTEXT
            .iter()
            .map(|(field, what)| {
                let name = field.trim_start_matches("ctx.");
                item(
                    name,
                    CompletionItemKind::FIELD,
                    Some((*what).to_string()),
                    None,
                )
            })
            .collect()
    } else if let Some(module) = module_before(&before) {
        // A library module's functions.
        info.modules
            .get(&module)
            .into_iter()
            .flatten()
            .map(|(name, signature, doc)| {
                let shown = format!("{module}::{signature}");
                item(
                    name,
                    CompletionItemKind::FUNCTION,
                    Some(shown),
                    Some(markdown(doc)),
                )
            })
            .collect()
    } else {
        // A word, or a method call (`list.having(...)`, which Rhai allows).
        helper_items()
    };
    (from, found)
}

/// The module a text ending in `module::` names.
fn module_before(before: &str) -> Option<String> {
    let rest = before.strip_suffix("::")?;
    let start = rest
        .char_indices()
        .rev()
        .find(|(_, c)| !is_word_char(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let name = &rest[start..];
    is_identifier(name).then(|| name.to_string())
}

fn helper_items() -> Vec<CompletionItem> {
    helpers()
        .into_iter()
        .map(|(name, overloads)| {
            let signatures: Vec<&str> = overloads.iter().map(|h| h.signature).collect();
            let doc = overloads.first().map(|h| h.doc.to_string());
            item(
                name,
                CompletionItemKind::FUNCTION,
                Some(signatures.join("  |  ")),
                doc,
            )
        })
        .collect()
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: Option<String>,
    doc: Option<String>,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        documentation: doc.map(|d| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: d,
            })
        }),
        ..CompletionItem::default()
    }
}

/// The paths a path argument may name: each field of the format, from the document (when no
/// list lies on the way) or from an item of its innermost list (`lookup(svc, "phase")`), and
/// the pack's own fields the same way.
fn paths(info: &PackInfo) -> Vec<CompletionItem> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |path: &str, what: String| {
        let (label, detail) = match path.rsplit_once("[].") {
            Some((list, tail)) => (
                tail.to_string(),
                format!("in each item of `{list}[]`: {what}"),
            ),
            None => (path.to_string(), what),
        };
        if !label.is_empty() && !label.ends_with("[]") {
            out.entry(label).or_insert(detail);
        }
    };
    for kind in crate::schema::KINDS {
        for f in crate::reference::fields(kind.schema) {
            add(&f.path, format!("{} ({})", f.type_text(), kind.name));
        }
    }
    for (path, described) in &info.fields {
        let what = described.as_deref().unwrap_or("a field of the pack");
        add(path, format!("pack field: {what}"));
    }
    out.into_iter()
        .map(|(label, detail)| item(&label, CompletionItemKind::FIELD, Some(detail), None))
        .collect()
}

/// The call the end of a line's text lies in: the function's name, which argument (a method
/// call's receiver is argument 0), and whether the text ends inside a string literal (then
/// where the string's text starts, in characters).
#[derive(Debug, PartialEq, Eq)]
struct Call {
    name: String,
    argument: usize,
    in_string: bool,
    string_from: usize,
}

fn call_at(prefix: &str) -> Option<Call> {
    let chars: Vec<char> = prefix.chars().collect();
    let mut calls: Vec<(String, usize)> = Vec::new();
    let mut string_from = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if string_from.is_some() {
            match c {
                '\\' => i += 1,
                '"' => string_from = None,
                _ => {}
            }
        } else {
            match c {
                '"' => string_from = Some(i + 1),
                '(' => {
                    let name_start = (0..i)
                        .rev()
                        .find(|&j| !is_word_char(chars[j]))
                        .map_or(0, |j| j + 1);
                    let name: String = chars[name_start..i].iter().collect();
                    let method = name_start > 0 && chars[name_start - 1] == '.';
                    calls.push((name, usize::from(method)));
                }
                ',' => {
                    if let Some(top) = calls.last_mut() {
                        top.1 += 1;
                    }
                }
                ')' => {
                    calls.pop();
                }
                '/' if chars.get(i + 1) == Some(&'/') => break,
                _ => {}
            }
        }
        i += 1;
    }
    let (name, argument) = calls.pop()?;
    Some(Call {
        name,
        argument,
        in_string: string_from.is_some(),
        string_from: string_from.unwrap_or(chars.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_call_and_argument_of_a_string() {
        let call = call_at(r#"    let v = lookup(doc, "services"#).unwrap();
        assert_eq!(
            (call.name.as_str(), call.argument, call.in_string),
            ("lookup", 1, true)
        );
        assert_eq!(call.string_from, 25);
        let call = call_at(r#"for s in doc.services.having("ph"#).unwrap();
        assert_eq!((call.name.as_str(), call.argument), ("having", 1));
        let call = call_at(r#"report("a.b", "msg"#).unwrap();
        assert_eq!((call.name.as_str(), call.argument), ("report", 1));
        let call = call_at(r#"report("a\"b"#).unwrap();
        assert!(call.in_string);
        assert!(call_at(r#"report("a.b") // lookup(doc, ""#).is_none());
    }

    #[test]
    fn hovers_a_helper_and_a_parameter_escaped() {
        let shown = hover_text("report", "    ", &PackInfo::default()).unwrap();
        assert!(
            shown.contains("report(path: String, message: String) -> ()"),
            "{shown}"
        );
        assert!(shown.contains("Records a failed check"), "{shown}");
        assert_eq!(hover_text("report", "dwp::", &PackInfo::default()), None);
        let info = PackInfo {
            modules: [(
                "dwp".to_string(),
                vec![(
                    "large".to_string(),
                    "large(doc)".to_string(),
                    "The *large* ones <img src=x>.".to_string(),
                )],
            )]
            .into(),
            ..PackInfo::default()
        };
        let shown = hover_text("large", "for s in dwp::", &info).unwrap();
        assert!(shown.contains("dwp::large(doc)"), "{shown}");
        assert!(
            !shown.contains("<img") && !shown.contains(" *large* "),
            "{shown}"
        );
        let info = PackInfo {
            params: vec![("limit".into(), "number parameter: <b>big</b>".into())],
            ..PackInfo::default()
        };
        let shown = hover_text("limit", "if x > ctx.params.", &info).unwrap();
        assert!(!shown.contains("<b>"), "{shown}");
    }

    #[test]
    fn explains_and_offers_the_parts_of_ctx() {
        let info = PackInfo::default();
        let shown = hover_text("as_of", "    if ctx.", &info).unwrap();
        assert!(shown.contains("the evaluation date"), "{shown}");
        let (from, found) = names("    if ctx.pre", &info);
        assert_eq!(from, 11);
        let labels: Vec<&str> = found.iter().map(|c| c.label.as_str()).collect();
        assert!(
            labels.contains(&"previous") && labels.contains(&"params"),
            "{labels:?}"
        );
        // After a module's `::`, its functions, not the helpers.
        let (_, found) = names("    dwp::", &info);
        assert!(found.is_empty());
    }

    #[test]
    fn offers_paths_from_items_and_the_pack() {
        let info = PackInfo {
            fields: vec![(
                "services[].x_dwp_volume".into(),
                Some("yearly volume".into()),
            )],
            ..PackInfo::default()
        };
        let labels: Vec<String> = paths(&info).into_iter().map(|c| c.label).collect();
        for want in ["one_login.strategy_confirmed", "x_dwp_volume", "services"] {
            assert!(labels.iter().any(|l| l == want), "{want}: {labels:?}");
        }
        assert!(!labels.iter().any(|l| l.contains("[]")), "{labels:?}");
    }
}
