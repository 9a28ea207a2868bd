//! What the format says about a place in a document: the JSON Schema node at a path (for its
//! description, its keys and its allowed values), and which rules read a field. Hover,
//! completion and code actions all ask here, so the schema in `schemas/` stays the one source.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::node::Segment;
use crate::pack::RuleSet;

pub use crate::schema::walk::{at, json as schema};
use crate::schema::walk::{deref, types};

/// The description of a field: its own, else that of what it refers to.
pub fn description(root: &Json, node: &Json) -> Option<String> {
    node.get("description")
        .or_else(|| deref(root, node).get("description"))
        .and_then(Json::as_str)
        .map(str::to_string)
}

/// The keys a mapping at this node may hold, with their descriptions, in the schema's order.
pub fn keys(root: &Json, node: &Json) -> Vec<(String, Option<String>)> {
    deref(root, node)
        .get("properties")
        .and_then(Json::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), description(root, v)))
                .collect()
        })
        .unwrap_or_default()
}

/// The values a field allows, when they are a closed set: its `enum` (without null), a `const`,
/// or `true` and `false` for a boolean.
pub fn values(root: &Json, node: &Json) -> Vec<String> {
    let node = deref(root, node);
    if let Some(options) = node.get("enum").and_then(Json::as_array) {
        return options
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect();
    }
    if let Some(c) = node.get("const") {
        return vec![c.as_str().map_or_else(|| c.to_string(), str::to_string)];
    }
    if types(node).contains("boolean") {
        return vec!["true".into(), "false".into()];
    }
    Vec::new()
}

/// A value to write for a field the user has still to fill in, valid where it can be: the
/// first allowed value, a date for a date, `0` for a number, an empty list or mapping.
pub fn placeholder(root: &Json, node: &Json, today: crate::date::Date) -> String {
    let node = deref(root, node);
    if let Some(first) = values(root, node).into_iter().next() {
        return first;
    }
    if node.get("format").and_then(Json::as_str) == Some("date") {
        return today.to_string();
    }
    let t = types(node);
    if t.contains("object") {
        "{}".into()
    } else if t.contains("array") {
        "[]".into()
    } else if t.contains("integer") || t.contains("number") {
        "0".into()
    } else {
        "\"TODO\"".into()
    }
}

/// Which rules read each field, by document kind: what each rule's script reads (followed into
/// the pack's library functions), as the format reference says (see [`crate::reference`]).
pub struct RuleWords {
    by_kind: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

impl RuleWords {
    pub fn new(rules: &RuleSet) -> Self {
        let by_kind = ["department", "proposal"]
            .into_iter()
            .map(|kind| {
                let readers = crate::reference::readers(rules, kind)
                    .into_iter()
                    .map(|(path, list)| (path, list.into_iter().map(|r| r.rule).collect()))
                    .collect();
                (kind.to_string(), readers)
            })
            .collect();
        RuleWords { by_kind }
    }

    /// The rules (id and title) that read the field at `path` or a field inside it; only rules
    /// of the document's kind count.
    pub fn readers(&self, rules: &RuleSet, kind: &str, path: &[Segment]) -> Vec<(String, String)> {
        let mut generic = String::new();
        for s in path {
            match s {
                Segment::Key(k) => {
                    if !generic.is_empty() {
                        generic.push('.');
                    }
                    generic.push_str(k);
                }
                Segment::Index(_) => generic.push_str("[]"),
            }
        }
        let generic = generic.trim_end_matches("[]");
        let Some(ids) = self.by_kind.get(kind).and_then(|m| m.get(generic)) else {
            return Vec::new();
        };
        ids.iter()
            .filter_map(|id| rules.find(id).map(|(_, r)| (r.id.clone(), r.title.clone())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(keys: &[&str]) -> Vec<Segment> {
        keys.iter()
            .map(|k| match k.parse::<usize>() {
                Ok(i) => Segment::Index(i),
                Err(_) => Segment::Key((*k).to_string()),
            })
            .collect()
    }

    #[test]
    fn walks_the_department_schema() {
        let root = schema("department").unwrap();
        let node = at(root, &path(&["technology", "systems", "0", "hosting"])).unwrap();
        assert!(values(root, node).contains(&"public_cloud".to_string()));
        let node = at(root, &path(&["one_login"])).unwrap();
        let names: Vec<String> = keys(root, node).into_iter().map(|(k, _)| k).collect();
        assert!(names.contains(&"strategy_confirmed".to_string()));
        assert!(at(root, &path(&["nonsense"])).is_none());
    }
}
