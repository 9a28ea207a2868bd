//! The format, field by field: each field of a document kind's JSON Schema (in the schema's own
//! order), with its type, allowed values and meaning, and the rules that read it (with the
//! commitment each serves and the pack parameters they judge it against). The generated format
//! reference (`docs/format.md`) and `init`'s commented templates are made from it.

use std::collections::BTreeMap;

use yaml_serde::{Mapping, Value};

use crate::pack::{RuleSet, reads};

/// One field of a document kind.
#[derive(Debug, Clone)]
pub struct Field {
    /// `services[].performance.period`: list items written `[]`.
    pub path: String,
    /// How deep it is (0 for a top-level key).
    pub depth: usize,
    /// The key's own name.
    pub key: String,
    /// JSON types, `null` left out: `string`, `number`, `object`, ...
    pub types: Vec<String>,
    /// Allowed values, when the schema lists them.
    pub allowed: Vec<String>,
    /// `date`, for dates.
    pub format: Option<String>,
    pub description: String,
    pub required: bool,
    /// For a list: whether its items are mappings (with fields of their own, listed after it).
    pub items_are_objects: bool,
    /// For a list of scalars: the items' types and allowed values.
    pub item_types: Vec<String>,
    pub item_allowed: Vec<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    /// The regular expression a text value must match, when the schema gives one.
    pub pattern: Option<String>,
}

impl Field {
    pub fn is_object(&self) -> bool {
        self.types.iter().any(|t| t == "object")
    }
    pub fn is_list(&self) -> bool {
        self.types.iter().any(|t| t == "array")
    }
    /// The type as a reader says it: `date`, `one of: a, b`, `list of mappings`, `number 0-100`.
    pub fn type_text(&self) -> String {
        if self.format.as_deref() == Some("date") {
            return "date (YYYY-MM-DD)".into();
        }
        if !self.allowed.is_empty() {
            return format!("one of: {}", self.allowed.join(", "));
        }
        if self.is_list() {
            if self.items_are_objects {
                return "list of mappings".into();
            }
            if !self.item_allowed.is_empty() {
                return format!("list of: {}", self.item_allowed.join(", "));
            }
            return format!("list of {}", self.item_types.join(" or "));
        }
        if self.is_object() {
            return "mapping".into();
        }
        let mut t = self.types.join(" or ");
        match (self.minimum, self.maximum) {
            (Some(a), Some(b)) => t.push_str(&format!(" {a}-{b}")),
            (Some(a), None) => t.push_str(&format!(" >= {a}")),
            (None, Some(b)) => t.push_str(&format!(" <= {b}")),
            _ => {}
        }
        t
    }
}

fn get<'a>(map: &'a Mapping, key: &str) -> Option<&'a Value> {
    map.get(Value::String(key.to_string()))
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => yaml_serde::to_string(other)
                    .ok()
                    .map(|s| s.trim().to_string()),
            })
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// A schema node with `$ref`s followed (the node's own description wins over the target's).
fn resolve<'a>(root: &'a Mapping, node: &'a Mapping) -> (Mapping, String) {
    let description = get(node, "description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut current = node;
    for _ in 0..8 {
        let Some(target) = get(current, "$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .and_then(|name| {
                get(root, "$defs")?
                    .as_mapping()?
                    .get(Value::String(name.into()))
            })
            .and_then(Value::as_mapping)
        else {
            break;
        };
        current = target;
    }
    let mut merged = current.clone();
    for (k, v) in node {
        if k.as_str() != Some("$ref") {
            merged.insert(k.clone(), v.clone());
        }
    }
    let description = if description.is_empty() {
        get(current, "description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    } else {
        description
    };
    (merged, description)
}

/// The fields of a schema, parent before children, in the schema's order.
pub fn fields(schema: &str) -> Vec<Field> {
    let Ok(Value::Mapping(root)) = yaml_serde::from_str::<Value>(schema) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(&root, &root, "", 0, &mut out);
    out
}

fn walk(root: &Mapping, node: &Mapping, prefix: &str, depth: usize, out: &mut Vec<Field>) {
    let Some(props) = get(node, "properties").and_then(Value::as_mapping) else {
        return;
    };
    let required = strings(get(node, "required"));
    for (key, child) in props {
        let (Some(key), Some(child)) = (key.as_str(), child.as_mapping()) else {
            continue;
        };
        let (child, description) = resolve(root, child);
        let all_types = strings(get(&child, "type"));
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        let items = get(&child, "items")
            .and_then(Value::as_mapping)
            .map(|i| resolve(root, i).0);
        let number = |k: &str| get(&child, k).and_then(Value::as_f64);
        let field = Field {
            path: path.clone(),
            depth,
            key: key.to_string(),
            types: all_types.iter().filter(|t| *t != "null").cloned().collect(),
            allowed: strings(get(&child, "enum")),
            format: get(&child, "format")
                .and_then(Value::as_str)
                .map(str::to_string),
            description,
            required: required.iter().any(|r| r == key),
            items_are_objects: items
                .as_ref()
                .is_some_and(|i| strings(get(i, "type")).iter().any(|t| t == "object")),
            item_types: items
                .as_ref()
                .map(|i| strings(get(i, "type")))
                .unwrap_or_default(),
            item_allowed: items
                .as_ref()
                .map(|i| strings(get(i, "enum")))
                .unwrap_or_default(),
            minimum: number("minimum"),
            maximum: number("maximum"),
            pattern: get(&child, "pattern")
                .and_then(Value::as_str)
                .map(str::to_string),
        };
        out.push(field);
        if all_types.iter().any(|t| t == "object") {
            walk(root, &child, &path, depth + 1, out);
        }
        if let Some(items) = items
            && strings(get(&items, "type")).iter().any(|t| t == "object")
        {
            walk(root, &items, &format!("{path}[]"), depth + 1, out);
        }
    }
}

/// A rule that reads a field: its id, commitment, and the parameters it uses.
#[derive(Debug, Clone)]
pub struct Reader {
    pub rule: String,
    pub commitment: Option<u32>,
    /// The parameters the rule judges this field against (only where it judges the field:
    /// reports or passes it, not where it only reads it).
    pub params: Vec<String>,
}

/// For each field path of `kind`, the rules that read it or a field inside it.
pub fn readers(rules: &RuleSet, kind: &str) -> BTreeMap<String, Vec<Reader>> {
    let mut out: BTreeMap<String, Vec<Reader>> = BTreeMap::new();
    for (_, rule) in rules.rules() {
        if !rule.applies_to(kind) {
            continue;
        }
        let r = reads::reads(rule);
        let judged: Vec<String> = r
            .judged
            .iter()
            .map(|p| p.trim_end_matches("[]").to_string())
            .collect();
        // A rule that reads `a.b[].c` reads `a`, `a.b` and `a.b[].c`.
        let mut touched: Vec<String> = Vec::new();
        for p in &r.paths {
            let mut at = String::new();
            for part in p.split('.') {
                at = reads::join(&at, part);
                let key = at.trim_end_matches("[]").to_string();
                if !touched.contains(&key) {
                    touched.push(key);
                }
            }
        }
        for path in touched {
            let mut params: Vec<String> = if judged.contains(&path) {
                r.params.iter().cloned().collect()
            } else {
                Vec::new()
            };
            // Parameters that say which fields they are the threshold of (judged through a
            // library function, whose report paths the reader cannot see).
            for name in &r.params {
                if !params.contains(name) && threshold_of(rules, name, &path) {
                    params.push(name.clone());
                }
            }
            out.entry(path).or_default().push(Reader {
                rule: rule.id.clone(),
                commitment: rule.commitment,
                params,
            });
        }
    }
    out
}

/// Whether the pack parameter `name` says it is the threshold of the field at `path`.
fn threshold_of(rules: &RuleSet, name: &str, path: &str) -> bool {
    rules.packs.iter().any(|pack| {
        pack.manifest
            .parameters
            .get(name)
            .is_some_and(|p| p.fields.iter().any(|f| f.trim_end_matches("[]") == path))
    })
}

/// The commitments a list of readers serves, as `C3, C10`.
pub fn commitments_of(readers: &[Reader]) -> Vec<u32> {
    let mut c: Vec<u32> = readers.iter().filter_map(|r| r.commitment).collect();
    c.sort_unstable();
    c.dedup();
    c
}
