//! The department declarations a run's proposals are checked against.

use std::collections::BTreeSet;

use rhai::Dynamic;

use crate::diag::ToolDiagnostic;
use crate::engine::{self, Mapping};
use crate::finding::Severity;
use crate::load::{self, Limits, ParsedDoc};
use crate::node::Node;
use crate::schema;
use crate::source::SourceFile;

use super::*;

/// The organisation (`field` "id") or the name of a document, by its kind's row in
/// [`schema::KINDS`].
pub(super) fn identity(root: &Node, kind: &str, field: &str) -> Option<String> {
    let kind = schema::kind(kind)?;
    let path = if field == "id" {
        kind.organisation
    } else {
        kind.title
    };
    kind.text_at(root, path)
}

/// A valid department declaration of the run. A proposal rule sees the first one whose
/// `organisation.id` equals the proposal's `proposal.organisation` as `ctx.declaration`, and
/// its index as `ctx.declaration_ref`, which `relate` accepts to label a path in it.
pub(super) struct Declaration {
    pub(super) organisation: String,
    pub(super) document: usize,
    pub(super) source: SourceFile,
    pub(super) root: Node,
    pub(super) value: Dynamic,
}

/// A file after the first pass: checked, or waiting for the declarations (it holds a proposal).
pub(super) enum Pass {
    Done(Box<Result<FileOutcome, ToolDiagnostic>>),
    Waiting(Box<load::LoadedFile>),
}

pub(super) fn is_proposal(root: &Node) -> bool {
    schema::kind_of(root).ok() == Some("proposal")
}

pub(super) fn holds_proposal(file: &load::LoadedFile) -> bool {
    file.docs.iter().flat_map(|d| &d.root).any(is_proposal)
}

/// The declarations the run's proposals refer to: for each organisation a proposal names, the
/// first valid department declaration of it in input order (a document that parses, is of kind
/// `department` and passes the schema). Only proposals use them, so a run without one pays
/// nothing; a file already checked in the first pass is parsed again from its kept text, and
/// only when it holds a declaration a proposal needs.
pub(super) fn declarations(first: &[Pass], limits: &Limits) -> Vec<Declaration> {
    let wanted: BTreeSet<String> = first
        .iter()
        .filter_map(|p| match p {
            Pass::Waiting(file) => Some(file),
            Pass::Done(_) => None,
        })
        .flat_map(|file| file.docs.iter().flat_map(|d| &d.root))
        .filter(|root| is_proposal(root))
        .filter_map(|root| identity(root, "proposal", "id"))
        .collect();
    let mut out: Vec<Declaration> = Vec::new();
    let needed = |out: &[Declaration], organisation: &str| {
        wanted.contains(organisation) && out.iter().all(|d| d.organisation != organisation)
    };
    let declaration =
        |organisation: String, source: &SourceFile, doc: &ParsedDoc, root: &Node| Declaration {
            organisation,
            document: doc.index,
            source: SourceFile::new(source.name.clone(), source.text.clone()),
            root: root.clone(),
            value: engine::to_dynamic(root),
        };
    for pass in first {
        if out.len() == wanted.len() {
            break;
        }
        match pass {
            // Not checked yet: judge each document here.
            Pass::Waiting(file) => {
                for doc in &file.docs {
                    let Some(root) = &doc.root else { continue };
                    if doc.problems.iter().any(|p| p.severity == Severity::Error)
                        || schema::kind_of(root).ok() != Some("department")
                    {
                        continue;
                    }
                    if let Some(organisation) = identity(root, "department", "id")
                        && needed(&out, &organisation)
                        && schema::validate("department", root).is_empty()
                    {
                        out.push(declaration(organisation, &file.source, doc, root));
                    }
                }
            }
            // Checked: its documents' records say which are valid declarations.
            Pass::Done(done) => {
                let Ok(outcome) = done.as_ref() else { continue };
                let mut parsed: Option<Option<(Arc<SourceFile>, Vec<ParsedDoc>)>> = None;
                for info in &outcome.docs {
                    let Some(organisation) = &info.organisation else {
                        continue;
                    };
                    let wanted_here = info.evaluated
                        && info.kind.as_deref() == Some("department")
                        && needed(&out, organisation);
                    if !wanted_here {
                        continue;
                    }
                    // The text again, if the run let it go (`None`: the file changed since).
                    let Some((source, docs)) = parsed
                        .get_or_insert_with(|| {
                            let source = outcome.source.with_text()?;
                            let docs = load::yaml::parse(&source.text, limits);
                            Some((source, docs))
                        })
                        .as_ref()
                    else {
                        break;
                    };
                    if let Some(doc) = docs.iter().find(|d| d.index == info.document)
                        && let Some(root) = &doc.root
                    {
                        out.push(declaration(organisation.clone(), source, doc, root));
                    }
                }
            }
        }
    }
    out
}

/// Give a proposal's `ctx` its department declaration (`()` when the run has none).
pub(super) fn with_declaration(
    ctx: Dynamic,
    kind: &str,
    organisation: Option<&str>,
    declarations: &[Declaration],
) -> Dynamic {
    if kind != "proposal" {
        return ctx;
    }
    let mut map = ctx
        .try_cast::<Mapping>()
        .map(|m| m.map().clone())
        .unwrap_or_default();
    let found = declarations
        .iter()
        .position(|d| Some(d.organisation.as_str()) == organisation);
    let (value, reference) = match found {
        Some(i) => (declarations[i].value.clone(), Dynamic::from_int(i as i64)),
        None => (Dynamic::UNIT, Dynamic::UNIT),
    };
    map.insert("declaration".into(), value);
    map.insert("declaration_ref".into(), reference);
    Dynamic::from(Mapping::new(map))
}
