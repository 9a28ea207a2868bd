//! A quick yes to "is this document valid?", read straight off the spanned tree.
//!
//! Nearly every document a run checks is valid. Asking jsonschema meant converting the whole
//! tree to JSON first, and compiling the schema on the first document of each kind; together
//! they were most of the cost of the schema check. This module compiles the subset of JSON
//! Schema our document schemas use into a small tree of checks and walks the YAML nodes with it.
//!
//! It only ever answers "surely valid" or "not sure". Anything it does not understand (a keyword,
//! a pattern or a format outside the subset, a float where an integer is wanted, a non-finite
//! number) is "not sure", and so is every invalid document: the caller then asks jsonschema,
//! which finds and words the problems exactly as before. The subset is checked strictly enough
//! that "surely valid" never disagrees with jsonschema; the tests compare the two on every
//! fixture and on generated declarations.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::node::{Node, Value};

/// Deepest `$ref` chain followed while compiling (the schemas have one level).
const MAX_REF_DEPTH: usize = 16;

/// The checks of one schema, compiled from its JSON.
#[derive(Debug, Default)]
pub struct Checks {
    /// Allowed types (see [`Kind`]), when the schema says.
    types: Option<Vec<Kind>>,
    /// `enum`, or `const` as a one-value list: allowed scalar values.
    values: Option<Vec<Json>>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    pattern: Option<Pattern>,
    date: bool,
    minimum: Option<f64>,
    maximum: Option<f64>,
    min_items: Option<usize>,
    max_items: Option<usize>,
    unique: bool,
    items: Option<Box<Checks>>,
    properties: BTreeMap<String, Checks>,
    required: Vec<String>,
    pattern_properties: Vec<(Pattern, Checks)>,
    /// `additionalProperties`: `None` allows any, `Some(None)` allows none.
    additional: Option<Option<Box<Checks>>>,
    /// Schemas named by `$ref`, which must hold as well.
    all_of: Vec<Checks>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Null,
    Boolean,
    Integer,
    Number,
    String,
    Array,
    Object,
}

/// The regular expressions the schemas use, each matched by hand.
#[derive(Debug, Clone)]
enum Pattern {
    /// `^literal`: starts with the literal text.
    Prefix(String),
    /// `^[0-9]{4}-Q[1-4]$`: a reporting quarter.
    Quarter,
    /// `^[a-z0-9][a-z0-9-]*$`: a lower-case, hyphenated identifier.
    Slug,
}

impl Pattern {
    fn compile(text: &str) -> Option<Pattern> {
        match text {
            "^[0-9]{4}-Q[1-4]$" => Some(Pattern::Quarter),
            "^[a-z0-9][a-z0-9-]*$" => Some(Pattern::Slug),
            _ => {
                let literal = text.strip_prefix('^')?;
                let plain = literal
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                plain.then(|| Pattern::Prefix(literal.to_string()))
            }
        }
    }

    fn matches(&self, s: &str) -> bool {
        let b = s.as_bytes();
        match self {
            Pattern::Prefix(p) => s.starts_with(p.as_str()),
            Pattern::Quarter => {
                b.len() == 7
                    && b[..4].iter().all(u8::is_ascii_digit)
                    && &b[4..6] == b"-Q"
                    && (b'1'..=b'4').contains(&b[6])
            }
            Pattern::Slug => {
                let word = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
                b.first().is_some_and(word) && b.iter().all(|c| word(c) || *c == b'-')
            }
        }
    }
}

/// Compile a schema document (with its `$defs`), or `None` when it uses anything outside the
/// subset.
pub fn compile(schema: &Json) -> Option<Checks> {
    compile_at(schema, schema, 0)
}

fn compile_at(schema: &Json, root: &Json, depth: usize) -> Option<Checks> {
    let object = match schema {
        Json::Bool(true) => return Some(Checks::default()),
        Json::Object(o) => o,
        _ => return None,
    };
    let mut c = Checks::default();
    for (key, value) in object {
        match key.as_str() {
            "$schema" | "$id" | "$comment" | "$defs" | "title" | "description" | "examples"
            | "default" => {}
            "type" => c.types = Some(types(value)?),
            "enum" => c.values = Some(scalars(value.as_array()?)?),
            "const" => c.values = Some(scalars(std::slice::from_ref(value))?),
            "format" if value == "date" => c.date = true,
            "pattern" => c.pattern = Some(Pattern::compile(value.as_str()?)?),
            "minLength" => c.min_length = Some(count(value)?),
            "maxLength" => c.max_length = Some(count(value)?),
            "minimum" => c.minimum = Some(value.as_f64()?),
            "maximum" => c.maximum = Some(value.as_f64()?),
            "minItems" => c.min_items = Some(count(value)?),
            "maxItems" => c.max_items = Some(count(value)?),
            "uniqueItems" => c.unique = value.as_bool()?,
            "items" => c.items = Some(Box::new(compile_at(value, root, depth)?)),
            "required" => {
                for name in value.as_array()? {
                    c.required.push(name.as_str()?.to_string());
                }
            }
            "properties" => {
                for (name, sub) in value.as_object()? {
                    c.properties
                        .insert(name.clone(), compile_at(sub, root, depth)?);
                }
            }
            "patternProperties" => {
                for (pattern, sub) in value.as_object()? {
                    let compiled = compile_at(sub, root, depth)?;
                    c.pattern_properties
                        .push((Pattern::compile(pattern)?, compiled));
                }
            }
            "additionalProperties" => {
                c.additional = match value {
                    Json::Bool(true) => None,
                    Json::Bool(false) => Some(None),
                    sub => Some(Some(Box::new(compile_at(sub, root, depth)?))),
                }
            }
            "$ref" if depth < MAX_REF_DEPTH => {
                let name = value.as_str()?.strip_prefix("#/$defs/")?;
                let target = root.get("$defs")?.get(name)?;
                c.all_of.push(compile_at(target, root, depth + 1)?);
            }
            _ => return None,
        }
    }
    Some(c)
}

fn types(value: &Json) -> Option<Vec<Kind>> {
    let one = |v: &Json| -> Option<Kind> {
        Some(match v.as_str()? {
            "null" => Kind::Null,
            "boolean" => Kind::Boolean,
            "integer" => Kind::Integer,
            "number" => Kind::Number,
            "string" => Kind::String,
            "array" => Kind::Array,
            "object" => Kind::Object,
            _ => return None,
        })
    };
    match value {
        Json::Array(list) => list.iter().map(one).collect(),
        v => Some(vec![one(v)?]),
    }
}

/// Allowed values, when each is a string, a boolean, null or an integer.
fn scalars(values: &[Json]) -> Option<Vec<Json>> {
    values
        .iter()
        .all(|v| matches!(v, Json::String(_) | Json::Bool(_) | Json::Null) || v.is_i64())
        .then(|| values.to_vec())
}

fn count(value: &Json) -> Option<usize> {
    value.as_u64().and_then(|n| usize::try_from(n).ok())
}

impl Checks {
    /// Whether `node` surely satisfies these checks (`false`: invalid, or not sure).
    pub fn valid(&self, node: &Node) -> bool {
        // An explicit stack: a document may nest as deeply as its limits allow.
        let mut stack: Vec<(&Checks, &Node)> = vec![(self, node)];
        while let Some((checks, node)) = stack.pop() {
            if !checks.valid_here(node, &mut stack) {
                return false;
            }
        }
        true
    }

    /// The checks of this schema on this node alone; what applies to its children is pushed.
    fn valid_here<'a>(&'a self, node: &'a Node, stack: &mut Vec<(&'a Checks, &'a Node)>) -> bool {
        if let Some(types) = &self.types
            && !types.iter().any(|t| is_kind(node, *t))
        {
            return false;
        }
        if let Some(values) = &self.values
            && !values.iter().any(|v| same_scalar(node, v))
        {
            return false;
        }
        stack.extend(self.all_of.iter().map(|c| (c, node)));
        match &node.value {
            Value::Str(s) => self.valid_string(s),
            Value::Int(i) => self.valid_number(*i as f64) && i.unsigned_abs() < (1 << 53),
            Value::Float(f) => f.is_finite() && self.valid_number(*f),
            Value::Seq(items) => self.valid_array(items, stack),
            Value::Map(entries) => self.valid_object(entries, stack),
            Value::Null | Value::Bool(_) => true,
        }
    }

    fn valid_string(&self, s: &str) -> bool {
        let chars = || s.chars().count();
        self.min_length.is_none_or(|n| chars() >= n)
            && self.max_length.is_none_or(|n| chars() <= n)
            && self.pattern.as_ref().is_none_or(|p| p.matches(s))
            && (!self.date || is_date(s))
    }

    fn valid_number(&self, x: f64) -> bool {
        self.minimum.is_none_or(|m| x >= m) && self.maximum.is_none_or(|m| x <= m)
    }

    fn valid_array<'a>(
        &'a self,
        items: &'a [Node],
        stack: &mut Vec<(&'a Checks, &'a Node)>,
    ) -> bool {
        if self.min_items.is_some_and(|n| items.len() < n)
            || self.max_items.is_some_and(|n| items.len() > n)
            || (self.unique && !unique(items))
        {
            return false;
        }
        if let Some(each) = &self.items {
            stack.extend(items.iter().map(|i| (&**each, i)));
        }
        true
    }

    fn valid_object<'a>(
        &'a self,
        entries: &'a [crate::node::Entry],
        stack: &mut Vec<(&'a Checks, &'a Node)>,
    ) -> bool {
        if !self
            .required
            .iter()
            .all(|r| entries.iter().any(|e| e.key == *r))
        {
            return false;
        }
        for e in entries {
            let mut matched = false;
            if let Some(sub) = self.properties.get(&e.key) {
                stack.push((sub, &e.value));
                matched = true;
            }
            for (pattern, sub) in &self.pattern_properties {
                if pattern.matches(&e.key) {
                    stack.push((sub, &e.value));
                    matched = true;
                }
            }
            match &self.additional {
                Some(None) if !matched => return false,
                Some(Some(sub)) if !matched => stack.push((sub, &e.value)),
                _ => {}
            }
        }
        true
    }
}

fn is_kind(node: &Node, kind: Kind) -> bool {
    matches!(
        (&node.value, kind),
        (Value::Null, Kind::Null)
            | (Value::Bool(_), Kind::Boolean)
            | (Value::Int(_), Kind::Integer | Kind::Number)
            | (Value::Float(_), Kind::Number)
            | (Value::Str(_), Kind::String)
            | (Value::Seq(_), Kind::Array)
            | (Value::Map(_), Kind::Object)
    )
}

fn same_scalar(node: &Node, v: &Json) -> bool {
    match (&node.value, v) {
        (Value::Str(s), Json::String(t)) => s == t,
        (Value::Bool(a), Json::Bool(b)) => a == b,
        (Value::Null, Json::Null) => true,
        // Integers only: a float that equals an allowed integer is left to jsonschema.
        (Value::Int(i), Json::Number(n)) => n.as_i64() == Some(*i),
        _ => false,
    }
}

/// A calendar date written `YYYY-MM-DD`, a real day of the years 0001 to 9999.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && crate::date::Date::parse(s).is_some()
}

/// Whether the items are all different, for lists of strings and booleans; anything else is
/// left to jsonschema (`false`).
fn unique(items: &[Node]) -> bool {
    let mut seen = std::collections::HashSet::new();
    items.iter().all(|i| match &i.value {
        Value::Str(s) => seen.insert((0u8, s.as_str())),
        Value::Bool(true) => seen.insert((1, "true")),
        Value::Bool(false) => seen.insert((1, "false")),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                yaml_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }

    /// "Surely valid" never disagrees with jsonschema, on every document of every fixture (valid
    /// and invalid ones, hostile inputs included), and the quick check does say yes to most
    /// valid documents.
    #[test]
    fn quick_yes_is_jsonschema_yes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        yaml_files(&root.join("fixtures"), &mut files);
        yaml_files(&root.join("rules"), &mut files);
        let (mut quick_yes, mut valid) = (0, 0);
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let limits = crate::load::Limits::default();
            for doc in crate::load::yaml::parse(&text, &limits) {
                let Some(node) = doc.root else { continue };
                let Ok(kind) = super::super::kind_of(&node) else {
                    continue;
                };
                let Some(checks) = super::super::quick_checks(kind) else {
                    panic!("the {kind} schema is outside the quick check's subset");
                };
                let compiled = super::super::compiled(kind).expect("compiles");
                let full = compiled.validator.is_valid(&super::super::to_json(&node));
                let quick = checks.valid(&node);
                assert!(
                    !quick || full,
                    "{}: quick says valid, jsonschema does not",
                    file.display()
                );
                valid += usize::from(full);
                quick_yes += usize::from(quick);
            }
        }
        assert!(
            valid > 50,
            "only {valid} valid documents among the fixtures"
        );
        assert_eq!(
            quick_yes, valid,
            "the quick check should say yes to every valid fixture"
        );
    }

    #[test]
    fn patterns_match_like_the_regular_expressions() {
        let q = Pattern::compile("^[0-9]{4}-Q[1-4]$").expect("known");
        assert!(q.matches("2025-Q1") && !q.matches("2025-Q5") && !q.matches("2025-Q1\n"));
        let slug = Pattern::compile("^[a-z0-9][a-z0-9-]*$").expect("known");
        assert!(
            slug.matches("a-b-9") && !slug.matches("-a") && !slug.matches("A") && !slug.matches("")
        );
        let x = Pattern::compile("^x_").expect("a prefix");
        assert!(x.matches("x_note") && !x.matches("note"));
        assert!(Pattern::compile("^a+").is_none() && Pattern::compile("x_").is_none());
    }
}
