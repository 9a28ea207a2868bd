//! Reading the document kinds' JSON Schemas themselves: each parsed once per process, `$ref`s
//! followed, the node at a document path, the types a node allows. The validator, the pack
//! linter (impossible paths), the placeholder help and the language server (hover, completion,
//! quick fixes) all read the schemas through here.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::Value as Json;

use crate::node::Segment;

/// The parsed schema of a document kind, parsed once.
pub fn json(kind: &str) -> Option<&'static Json> {
    const N: usize = super::KINDS.len();
    static CELLS: [OnceLock<Option<Json>>; N] = [const { OnceLock::new() }; N];
    let i = super::KINDS.iter().position(|k| k.name == kind)?;
    CELLS[i]
        .get_or_init(|| serde_json::from_str(super::KINDS[i].schema).ok())
        .as_ref()
}

/// A schema node with its `$ref`s followed (to `$defs`, a few levels at most).
pub fn deref<'a>(root: &'a Json, mut node: &'a Json) -> &'a Json {
    for _ in 0..16 {
        let Some(target) = node
            .get("$ref")
            .and_then(Json::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| root.pointer(p))
        else {
            break;
        };
        node = target;
    }
    node
}

/// The schema node of a field: what the schema says at `path`. A key the schema allows only by
/// pattern (`x_...`) has no node of its own.
pub fn at<'a>(root: &'a Json, path: &[Segment]) -> Option<&'a Json> {
    let mut node = root;
    for segment in path {
        let here = deref(root, node);
        node = match segment {
            Segment::Key(key) => here
                .get("properties")
                .and_then(|p| p.get(key.as_str()))
                .or_else(|| here.get("additionalProperties").filter(|a| a.is_object()))?,
            Segment::Index(_) => here.get("items")?,
        };
    }
    Some(node)
}

/// The JSON types a node allows.
pub fn types(node: &Json) -> BTreeSet<&str> {
    match node.get("type") {
        Some(Json::String(t)) => [t.as_str()].into(),
        Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
        _ => BTreeSet::new(),
    }
}
