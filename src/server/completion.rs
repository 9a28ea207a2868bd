//! Completion: keys and allowed values from the JSON Schema at the cursor's path, and, in a
//! proposal, the service and system ids its department's declaration gives
//! (`proposal.service`, `proposal.replaces_systems`).

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    Documentation, Range, TextEdit,
};

use super::hover::kind_in;
use super::outline::{self, parse_line};
use super::position::Lines;
use super::{Server, fields, lock};
use crate::node::{DocPath, Segment};

pub fn complete(server: &Server, params: CompletionParams) -> Option<CompletionResponse> {
    let at = params.text_document_position;
    let text = {
        let ws = lock(&server.workspace);
        ws.open
            .get(&at.text_document.uri)
            .filter(|d| d.ours)?
            .text
            .clone()
    };
    let lines = Lines::new(&text);
    let all: Vec<&str> = crate::source::lines(&text).collect();
    let line_no = at.position.line as usize;
    if line_no > all.len() {
        return None;
    }
    let column = lines.char_column(at.position);
    let prefix: String = lines.line(line_no).chars().take(column).collect();
    let (_, doc) = outline::document_of(&all, line_no.min(all.len().saturating_sub(1)));
    let typed_from = prefix
        .char_indices()
        .rev()
        .find(|(_, c)| matches!(c, ' ' | '[' | ',' | ':' | '{' | '"' | '\''))
        .map_or(0, |(i, _)| prefix[..i].chars().count() + 1);
    let typed: String = prefix.chars().skip(typed_from).collect();
    let replace = Range::new(lines.at_char(line_no, typed_from), at.position);
    let line = parse_line(&prefix);

    let Some(kind) = kind_in(&all, &doc) else {
        // A document still without a kind: offer the kinds.
        if line.key.as_deref() == Some("kind") && line.content == 0 {
            let kinds = crate::schema::KINDS
                .iter()
                .map(|k| (k.name.to_string(), Some(k.description.to_string())));
            return Some(items(
                kinds,
                CompletionItemKind::ENUM_MEMBER,
                replace,
                &typed,
                "",
            ));
        }
        return None;
    };
    let root = fields::schema(&kind)?;

    // A value after `key:`, or an item of a flow list after `key: [`.
    if let Some(key) = &line.key {
        let mut path = outline::container(&all, doc.start, line_no, line.content, false);
        path.push(Segment::Key(key.clone()));
        if line.value.starts_with('[') {
            path.push(Segment::Index(0));
        }
        return Some(values(
            server, &kind, root, &path, &all, &doc, replace, &typed,
        ));
    }
    // After a list marker with nothing typed yet, or a partial word: an item's value, or the
    // first key of an item mapping.
    let mut found = Vec::new();
    if let Some(&dash) = line.dashes.last() {
        let mut path = outline::container(&all, doc.start, line_no, dash, true);
        path.push(Segment::Index(0));
        if let CompletionResponse::Array(v) =
            values(server, &kind, root, &path, &all, &doc, replace, &typed)
        {
            found.extend(v);
        }
    }
    let path = outline::container(&all, doc.start, line_no, line.content, false);
    if let Some(node) = fields::at(root, &path) {
        let present = outline::sibling_keys(&all, &doc, line_no, line.content);
        let keys = fields::keys(root, node)
            .into_iter()
            .filter(|(k, _)| !present.contains(k));
        if let CompletionResponse::Array(v) =
            items(keys, CompletionItemKind::PROPERTY, replace, &typed, ": ")
        {
            found.extend(v);
        }
    }
    Some(CompletionResponse::Array(found))
}

#[allow(clippy::too_many_arguments)]
fn values(
    server: &Server,
    kind: &str,
    root: &serde_json::Value,
    path: &[Segment],
    all: &[&str],
    doc: &std::ops::Range<usize>,
    replace: Range,
    typed: &str,
) -> CompletionResponse {
    let shown = DocPath(path.to_vec()).to_string();
    let declared = |what: &str| {
        let org = organisation(all, doc)?;
        let ws = lock(&server.workspace);
        let d = ws.declared.get(&org)?;
        let list = if what == "services" {
            &d.services
        } else {
            &d.systems
        };
        Some(
            list.iter()
                .map(|(id, name)| {
                    (
                        id.clone(),
                        Some(format!(
                            "{what} of {org} ({})",
                            name.as_deref().unwrap_or(&d.file)
                        )),
                    )
                })
                .collect::<Vec<_>>(),
        )
    };
    if kind == "proposal" {
        if shown == "proposal.service" {
            return items(
                declared("services").unwrap_or_default(),
                CompletionItemKind::VALUE,
                replace,
                typed,
                "",
            );
        }
        if shown.starts_with("proposal.replaces_systems[") {
            return items(
                declared("systems").unwrap_or_default(),
                CompletionItemKind::VALUE,
                replace,
                typed,
                "",
            );
        }
    }
    let Some(node) = fields::at(root, path) else {
        return CompletionResponse::Array(Vec::new());
    };
    let described = fields::description(root, node);
    let values = fields::values(root, node)
        .into_iter()
        .map(|v| (v, described.clone()));
    items(values, CompletionItemKind::ENUM_MEMBER, replace, typed, "")
}

/// The proposal's `proposal.organisation`, read from its lines.
fn organisation(all: &[&str], doc: &std::ops::Range<usize>) -> Option<String> {
    doc.clone().find_map(|i| {
        let line = parse_line(all[i]);
        if line.key.as_deref() != Some("organisation") {
            return None;
        }
        let path = outline::container(all, doc.start, i, line.content, false);
        (path == [Segment::Key("proposal".into())])
            .then(|| line.value.trim_matches(['"', '\'']).to_string())
            .filter(|v| !v.is_empty())
    })
}

fn items(
    names: impl IntoIterator<Item = (String, Option<String>)>,
    kind: CompletionItemKind,
    replace: Range,
    typed: &str,
    suffix: &str,
) -> CompletionResponse {
    CompletionResponse::Array(
        names
            .into_iter()
            .filter(|(name, _)| name.starts_with(typed) || typed.is_empty())
            .map(|(name, doc)| CompletionItem {
                label: name.clone(),
                kind: Some(kind),
                detail: doc.clone(),
                documentation: doc.map(Documentation::String),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                    replace,
                    format!("{name}{suffix}"),
                ))),
                filter_text: Some(name),
                ..CompletionItem::default()
            })
            .collect(),
    )
}
