//! A pack's own fields: the JSON Schema of each `x_` key its rules read, declared under
//! `fields:` in `pack.yaml`, inline or in a schema file of the pack:
//!
//! ```yaml
//! fields:
//!   x_dwp:                          # a top-level key of a declaration
//!     type: object
//!     properties:
//!       large_services: { type: array, items: { type: string } }
//!   services[].x_dwp: schemas/service.yaml    # a key of every service, from a file
//! ```
//!
//! A document is checked against them as against its kind's schema (a string where a number
//! belongs is a schema error at the value, and the rules do not run on the document); the
//! load-time lint, hover and completion read the kind's schema with the fields added
//! ([`Fields::schema`]), so a typo in a path below an `x_` key is caught like any other.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use jsonschema::{Draft, Validator};
use serde_json::Value as Json;

use crate::diag::{Code, ToolDiagnostic};
use crate::node::{DocPath, Node, Segment, Value};
use crate::schema::SchemaProblem;
use crate::source::SourceFile;

/// One step of a field's path: a key, or every item of a list (`[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Each,
}

/// One declared field.
pub struct Field {
    /// As written in `pack.yaml`, such as `services[].x_dwp`.
    pub path: String,
    pub steps: Vec<Step>,
    /// Its JSON Schema.
    pub schema: Json,
    validator: Validator,
    /// The pack that declares it.
    pub pack: String,
}

impl std::fmt::Debug for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Field")
            .field("path", &self.path)
            .field("pack", &self.pack)
            .finish_non_exhaustive()
    }
}

/// The fields of the loaded packs, and the kinds' schemas with them added.
#[derive(Debug, Default)]
pub struct Fields {
    pub list: Vec<Arc<Field>>,
    /// Each kind's schema with the fields added, made on first use.
    schemas: BTreeMap<String, OnceLock<Option<Arc<Json>>>>,
}

impl Clone for Fields {
    fn clone(&self) -> Self {
        Fields::new(self.list.clone())
    }
}

impl Fields {
    pub fn new(list: Vec<Arc<Field>>) -> Fields {
        let schemas = crate::schema::KINDS
            .iter()
            .map(|k| (k.name.to_string(), OnceLock::new()))
            .collect();
        Fields { list, schemas }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The schema of `kind` with the fields added: the kind's own when no pack declares any.
    pub fn schema(&self, kind: &str) -> Option<Arc<Json>> {
        let base = crate::schema::walk::json(kind)?;
        if self.list.is_empty() {
            return Some(Arc::new(base.clone()));
        }
        self.schemas
            .get(kind)?
            .get_or_init(|| {
                let mut root = base.clone();
                for field in &self.list {
                    insert(&mut root, field);
                }
                Some(Arc::new(root))
            })
            .clone()
    }

    /// Check a document of `kind` against the fields: each value at a field's path against the
    /// field's schema. Problems carry their document paths and spans.
    pub fn validate(&self, kind: &str, root: &Node) -> Vec<SchemaProblem> {
        let mut out = Vec::new();
        for field in &self.list {
            if !applies(kind, &field.steps) {
                continue;
            }
            for (path, node) in nodes_at(root, &field.steps) {
                for mut p in crate::schema::problems(&field.validator, &field.schema, node) {
                    let mut full = path.clone();
                    full.0.append(&mut p.path.0);
                    p.path = full;
                    out.push(p);
                }
            }
        }
        out
    }
}

/// Whether the field's parent can exist in a document of `kind`.
fn applies(kind: &str, steps: &[Step]) -> bool {
    let parent = generic_path(&steps[..steps.len().saturating_sub(1)]);
    super::lint::path_possible(kind, &parent).is_ok()
}

/// A field's steps as a document path (each `[]` as index 0), for the path lint.
fn generic_path(steps: &[Step]) -> DocPath {
    DocPath(
        steps
            .iter()
            .map(|s| match s {
                Step::Key(k) => Segment::Key(k.clone()),
                Step::Each => Segment::Index(0),
            })
            .collect(),
    )
}

/// Every node at the field's path, with its document path.
fn nodes_at<'a>(root: &'a Node, steps: &[Step]) -> Vec<(DocPath, &'a Node)> {
    let mut here = vec![(DocPath::default(), root)];
    for step in steps {
        let mut next = Vec::new();
        for (path, node) in here {
            match (step, &node.value) {
                (Step::Key(k), Value::Map(_)) => {
                    if let Some(child) = node.get(k) {
                        let mut p = path.clone();
                        p.push_key(k.clone());
                        next.push((p, child));
                    }
                }
                (Step::Each, Value::Seq(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        let mut p = path.clone();
                        p.push_index(i);
                        next.push((p, item));
                    }
                }
                _ => {}
            }
        }
        here = next;
    }
    here
}

/// Put a field's schema into a kind's schema, at its path.
fn insert(root: &mut Json, field: &Field) {
    let Some((Step::Key(last), parents)) = field.steps.split_last() else {
        return;
    };
    let mut pointer = String::new();
    for step in parents {
        pointer = followed(root, pointer);
        let child = match step {
            Step::Key(k) => format!("{pointer}/properties/{}", escape(k)),
            Step::Each => format!("{pointer}/items"),
        };
        if root.pointer(&child).is_none() {
            return;
        }
        pointer = child;
    }
    pointer = followed(root, pointer);
    let Some(node) = root.pointer_mut(&pointer).and_then(Json::as_object_mut) else {
        return;
    };
    let properties = node
        .entry("properties")
        .or_insert_with(|| Json::Object(serde_json::Map::new()));
    if let Some(map) = properties.as_object_mut() {
        map.insert(last.clone(), field.schema.clone());
    }
}

/// The JSON pointer a node's `$ref` leads to (a few levels), or the pointer itself.
fn followed(root: &Json, mut pointer: String) -> String {
    for _ in 0..16 {
        match root
            .pointer(&pointer)
            .and_then(|n| n.get("$ref"))
            .and_then(Json::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(target) => pointer = target.to_string(),
            None => break,
        }
    }
    pointer
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Read a field path such as `services[].x_dwp`: keys and `[]`, ending with an `x_` key.
pub fn parse_path(text: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    for part in text.split('.') {
        let key = part.trim_end_matches("[]");
        let lists = (part.len() - key.len()) / 2;
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "`{text}` is not a field path: write keys joined by `.`, with `[]` after a list, such as `services[].x_dwp`"
            ));
        }
        steps.push(Step::Key(key.to_string()));
        steps.extend(std::iter::repeat_n(Step::Each, lists));
    }
    match steps.last() {
        Some(Step::Key(k)) if k.starts_with("x_") => Ok(steps),
        _ => Err(format!(
            "`{text}` does not end with a key of your own: a pack declares the types of `x_` keys (the format's own fields have their types already)"
        )),
    }
}

/// The line of `key:` under `fields:` in a manifest's text.
fn line_of(text: &str, key: &str) -> usize {
    let start = text
        .lines()
        .position(|l| l.starts_with("fields:"))
        .unwrap_or(0);
    text.lines()
        .enumerate()
        .skip(start)
        .find(|(_, l)| {
            let t = l.trim_start().trim_start_matches(['"', '\'']);
            t.starts_with(key)
                && t[key.len()..]
                    .trim_start_matches(['"', '\''])
                    .starts_with(':')
        })
        .map_or(start + 1, |(i, _)| i + 1)
}

/// The fields a pack declares, each checked: a path ending with an `x_` key below a place the
/// format has, and a schema (inline, or a YAML or JSON file of the pack) that compiles. A bad
/// one is a diagnostic at its line in `pack.yaml`, and left out.
pub fn read(
    declared: &BTreeMap<String, yaml_serde::Value>,
    pack: &str,
    files: &[(String, String)],
    manifest: &SourceFile,
    diags: &mut Vec<ToolDiagnostic>,
) -> Vec<Arc<Field>> {
    let mut out = Vec::new();
    for (path, value) in declared {
        let at = |message: String, help: &str| {
            ToolDiagnostic::new(Code::PackManifest, message)
                .help(help.to_string())
                .label("declared here")
                .at_line(manifest, line_of(&manifest.text, path), 1)
        };
        let steps = match parse_path(path) {
            Ok(s) => s,
            Err(e) => {
                diags.push(at(e, "see docs/pack.md, `fields`"));
                continue;
            }
        };
        let parent = generic_path(&steps[..steps.len() - 1]);
        let places: Vec<String> = crate::schema::KINDS
            .iter()
            .filter_map(|k| super::lint::path_possible(k.name, &parent).err())
            .collect();
        if places.len() == crate::schema::KINDS.len() {
            diags.push(at(
                format!("field `{path}`: no document kind has `{parent}`"),
                &format!(
                    "{}. A field is a key of your own below a place the format has",
                    places.join("; ")
                ),
            ));
            continue;
        }
        let schema = match schema_of(value, files) {
            Ok(s) => s,
            Err(e) => {
                diags.push(at(format!("field `{path}`: {e}"), "give a JSON Schema as a mapping, or the path of a YAML or JSON file of the pack that holds one"));
                continue;
            }
        };
        if serde_json::to_string(&schema).is_ok_and(|t| t.contains("\"$ref\"")) {
            diags.push(at(
                format!("field `{path}`: its schema uses `$ref`"),
                "write the field's schema out in full: it is put into the document's schema, where `$ref` would point elsewhere",
            ));
            continue;
        }
        match jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
        {
            Ok(validator) => out.push(Arc::new(Field {
                path: path.clone(),
                steps,
                schema,
                validator,
                pack: pack.to_string(),
            })),
            Err(e) => diags.push(at(
                format!("field `{path}`: the schema is not valid JSON Schema: {e}"),
                "see https://json-schema.org/understanding-json-schema/ (draft 2020-12)",
            )),
        }
    }
    out
}

/// A field's schema: the mapping itself, or the file a string names.
fn schema_of(value: &yaml_serde::Value, files: &[(String, String)]) -> Result<Json, String> {
    match value {
        yaml_serde::Value::String(file) => {
            let (_, text) = files
                .iter()
                .find(|(p, _)| p == file)
                .ok_or_else(|| format!("the schema file `{file}` is not in the pack"))?;
            if let Some(problem) = crate::load::yaml::first_error(text, &super::pack_yaml_limits())
            {
                return Err(format!("the schema file `{file}`: {}", problem.message));
            }
            yaml_serde::from_str::<Json>(text)
                .map_err(|e| format!("the schema file `{file}` is not YAML or JSON: {e}"))
        }
        yaml_serde::Value::Mapping(_) => {
            serde_json::to_value(value).map_err(|e| format!("the schema cannot be read: {e}"))
        }
        _ => Err("the schema must be a mapping, or the path of a schema file".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths() {
        assert_eq!(
            parse_path("services[].x_dwp").unwrap(),
            vec![
                Step::Key("services".into()),
                Step::Each,
                Step::Key("x_dwp".into())
            ]
        );
        assert!(parse_path("x_dwp").is_ok());
        assert!(parse_path("services[].phase").is_err());
        assert!(parse_path("services..x_a").is_err());
    }
}
