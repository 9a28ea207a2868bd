//! JSON Schema validation of documents. The schemas in `schemas/` are embedded; each violation
//! is mapped back to the span of the YAML node it concerns: an unknown key points at the key, a
//! wrong value at the value, a missing key at the mapping that lacks it.

mod quick;
pub mod walk;
pub mod words;

use crate::diag::Code;
use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, Validator};
use serde_json::Value as Json;

use crate::load::Problem;
use crate::node::{DocPath, Node, Segment, Value};

pub const DEPARTMENT: &str = include_str!("../schemas/department.schema.json");
pub const PROPOSAL: &str = include_str!("../schemas/proposal.schema.json");

/// A kind of document: what every stage needs to know of it. A new kind is one schema file and
/// one row of [`KINDS`].
#[derive(Debug)]
pub struct Kind {
    /// The value of `kind:` in a document.
    pub name: &'static str,
    /// Its JSON Schema.
    pub schema: &'static str,
    /// Where the organisation it concerns is written.
    pub organisation: &'static str,
    /// Where its name or title is written.
    pub title: &'static str,
    /// The list whose items' `id`s a run records for scores (a department's `services`).
    pub items: Option<&'static str>,
    /// What it is, in a few words.
    pub description: &'static str,
}

/// The document kinds.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "department",
        schema: DEPARTMENT,
        organisation: "organisation.id",
        title: "organisation.name",
        items: Some("services"),
        description: "what a department declares about itself",
    },
    Kind {
        name: "proposal",
        schema: PROPOSAL,
        organisation: "proposal.organisation",
        title: "proposal.title",
        items: None,
        description: "a spend-control request a reviewer checks",
    },
];

/// The kind named `name`.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// The kinds' names, for messages.
pub fn kind_names() -> Vec<&'static str> {
    KINDS.iter().map(|k| k.name).collect()
}

/// The schema of a kind, if there is one.
pub fn schema_text(kind_name: &str) -> Option<&'static str> {
    kind(kind_name).map(|k| k.schema)
}

impl Kind {
    /// The `id` of each item of the kind's [`Kind::items`] list, in order.
    pub fn item_ids(&self, root: &Node) -> Vec<Option<String>> {
        let Some(list) = self.items.and_then(|key| root.get(key)) else {
            return Vec::new();
        };
        match &list.value {
            Value::Seq(items) => items
                .iter()
                .map(|i| i.get("id").and_then(Node::as_str).map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The text at `path` (one of the kind's identity paths) in a document of this kind.
    pub fn text_at(&self, root: &Node, path: &str) -> Option<String> {
        let mut node = root;
        for key in path.split('.') {
            node = node.get(key)?;
        }
        node.as_str().map(str::to_string)
    }
}

struct Compiled {
    json: &'static Json,
    validator: Validator,
}

fn compiled(kind_name: &str) -> Option<&'static Compiled> {
    const N: usize = KINDS.len();
    static CELLS: [OnceLock<Compiled>; N] = [const { OnceLock::new() }; N];
    let i = KINDS.iter().position(|k| k.name == kind_name)?;
    let json = walk::json(kind_name)?;
    Some(CELLS[i].get_or_init(|| {
        #[allow(clippy::unwrap_used)] // embedded, and checked by the tests: cannot fail
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .build(json)
            .unwrap();
        Compiled { json, validator }
    }))
}

/// A schema problem, with the document path it concerns.
pub struct SchemaProblem {
    pub path: DocPath,
    pub problem: Problem,
}

/// The document's kind, if its root is a mapping with a known `kind`. Otherwise, the problem.
pub fn kind_of(root: &Node) -> Result<&str, SchemaProblem> {
    if !matches!(root.value, Value::Map(_)) {
        return Err(SchemaProblem {
            path: DocPath::default(),
            problem: Problem::new(
                Code::SchemaNotAMapping,
                format!("a declaration must be a mapping of keys, but this document is a {}", root.type_name()),
                root.span,
            )
            .label("document starts here")
            .help("start the document with `schema_version: 1` and `kind: department` (or `kind: proposal`)"),
        });
    }
    match root.get("kind") {
        None => Err(SchemaProblem {
            path: DocPath::default(),
            problem: Problem::new(
                Code::SchemaMissingKey,
                "missing required key `kind`",
                root.resolve(&DocPath::default()).span,
            )
            .label("this document has no `kind`")
            .help("add `kind: department` or `kind: proposal`"),
        }),
        Some(node) => match node.as_str() {
            Some(k) if kind(k).is_some() => Ok(k),
            _ => Err(SchemaProblem {
                path: DocPath(vec![Segment::Key("kind".into())]),
                problem: Problem::new(
                    Code::SchemaUnknownKind,
                    format!("unknown document kind {}", shown(node)),
                    node.span,
                )
                .label("not a known kind")
                .help("`kind` is `department` or `proposal`"),
            }),
        },
    }
}

/// The quick validity check of a kind ([`quick`]), `None` when its schema uses more than the
/// quick check knows.
fn quick_checks(kind_name: &str) -> Option<&'static quick::Checks> {
    const N: usize = KINDS.len();
    static CELLS: [OnceLock<Option<quick::Checks>>; N] = [const { OnceLock::new() }; N];
    let i = KINDS.iter().position(|k| k.name == kind_name)?;
    CELLS[i]
        .get_or_init(|| quick::compile(walk::json(kind_name)?))
        .as_ref()
}

/// Validate a document of a known kind. Problems come in document order.
pub fn validate(kind: &str, root: &Node) -> Vec<SchemaProblem> {
    if schema_text(kind).is_none() {
        return Vec::new();
    }
    let mut placeholders = placeholders(root);
    if !placeholders.is_empty()
        && let Some(compiled) = compiled(kind)
    {
        for p in &mut placeholders {
            if let Some(hint) = words::list_hint(compiled.json, &p.path.0)
                && !p.problem.message.contains('(')
            {
                p.problem.message = format!("{} ({hint})", p.problem.message);
                p.problem.help =
                    "docs/format.md says what the list means and which rules read it".to_string();
                continue;
            }
            if !accepts_null(compiled.json, &p.path) {
                p.problem.help =
                    "this field cannot be `null`, so give the fact; docs/format.md says \
                                  what it means and which rules read it"
                        .to_string();
            }
        }
    }
    let at: std::collections::BTreeSet<&DocPath> = placeholders.iter().map(|p| &p.path).collect();
    // A placeholder is one problem, not two: the schema's own complaint about its value (not a
    // date, not an allowed value) is left out. A document the quick check finds valid has no
    // schema problems at all; any other is checked by jsonschema, which words the problems.
    let mut out = match quick_checks(kind) {
        Some(checks) if checks.valid(root) => Vec::new(),
        _ => match compiled(kind) {
            Some(compiled) => problems_skipping(&compiled.validator, compiled.json, root, &|p| {
                at.contains(p)
            }),
            None => return Vec::new(),
        },
    };
    let cap = crate::load::yaml::MAX_PROBLEMS;
    let noted = out
        .iter()
        .position(|p| p.problem.code == Code::SchemaTooManyProblems)
        .map(|i| out.remove(i));
    out.extend(placeholders);
    out.sort_by_key(|p| p.problem.span.start);
    if out.len() > cap {
        let dropped = out.len() - cap;
        out.truncate(cap);
        let earlier = noted
            .as_ref()
            .and_then(|n| n.problem.message.split(' ').next()?.parse::<usize>().ok())
            .unwrap_or(0);
        out.push(too_many(dropped + earlier, root, cap));
    } else if let Some(n) = noted {
        out.push(n);
    }
    out
}

/// Values `init` wrote for facts still to give (`TODO`, or `TODO: ...`): each is a problem at
/// its line, so a template's first check lists what is left to fill in. Walked with an explicit
/// stack (documents may nest deeply); the path is kept as borrowed steps, and a [`DocPath`] is
/// made only for a placeholder found.
fn placeholders(root: &Node) -> Vec<SchemaProblem> {
    #[derive(Clone, Copy)]
    enum Step<'a> {
        Key(&'a str),
        Index(usize),
    }
    let mut out = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    // (node, its depth, the step that leads to it)
    let mut stack: Vec<(&Node, usize, Option<Step>)> = vec![(root, 0, None)];
    while let Some((node, depth, step)) = stack.pop() {
        steps.truncate(depth.saturating_sub(1));
        steps.extend(step);
        match &node.value {
            Value::Str(s) if s == crate::init::PLACEHOLDER || s.starts_with("TODO:") => {
                let mut path = DocPath::default();
                for step in &steps {
                    match *step {
                        Step::Key(k) => path.push_key(k),
                        Step::Index(i) => path.push_index(i),
                    }
                }
                out.push(placeholder(node, s, path));
            }
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push((item, depth + 1, Some(Step::Index(i))));
                }
            }
            Value::Map(entries) => {
                for e in entries.iter().rev() {
                    stack.push((&e.value, depth + 1, Some(Step::Key(&e.key))));
                }
            }
            _ => {}
        }
    }
    out
}

/// The problem of a placeholder `text` left at `path`.
fn placeholder(node: &Node, text: &str, path: DocPath) -> SchemaProblem {
    let hint = text
        .strip_prefix("TODO:")
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map_or_else(String::new, |h| format!(" ({h})"));
    let key = path.last_key().unwrap_or("this field").to_string();
    SchemaProblem {
        problem: Problem::new(
            Code::SchemaPlaceholder,
            format!("`{key}` is still a placeholder: give the fact{hint}"),
            node.span,
        )
        .label("to fill in")
        .help("docs/format.md says what the field means and which rules read it; write `null` if the fact is not known"),
        path,
    }
}

/// Validate a YAML tree against any compiled schema (`schema` is its JSON, used for help texts
/// and allowed keys), mapping each error to the span of the node it concerns. Documents and the
/// config file share this.
pub fn problems(validator: &Validator, schema: &Json, root: &Node) -> Vec<SchemaProblem> {
    problems_skipping(validator, schema, root, &|_| false)
}

/// [`problems`], leaving out the errors about the paths `skip` names (a placeholder's value).
pub fn problems_skipping(
    validator: &Validator,
    schema: &Json,
    root: &Node,
    skip: &dyn Fn(&DocPath) -> bool,
) -> Vec<SchemaProblem> {
    let json = to_json(root);
    // Most documents are valid: the yes/no check stops at nothing and builds no error values.
    if validator.is_valid(&json) {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Capped like the YAML problems: 500,000 unknown keys took two minutes and gave 500,000
    // findings.
    let cap = crate::load::yaml::MAX_PROBLEMS;
    let mut left_out = 0usize;
    for error in validator.iter_errors(&json) {
        let path = instance_path(&error);
        if skip(&path) {
            continue;
        }
        let room = cap.saturating_sub(out.len());
        let (mut made, dropped) = problems_of(&error, path, root, schema, room);
        left_out += dropped;
        out.append(&mut made);
    }
    if left_out > 0 {
        out.push(too_many(left_out, root, cap));
    }
    out
}

/// The note that says how many problems were left out.
fn too_many(left_out: usize, root: &Node, cap: usize) -> SchemaProblem {
    SchemaProblem {
        path: DocPath::default(),
        problem: Problem::new(
            Code::SchemaTooManyProblems,
            format!("{left_out} more schema problems in this document are not shown"),
            crate::source::Span::new(root.span.start, root.span.start),
        )
        .severity(crate::finding::Severity::Info)
        .label("this document")
        .help(format!(
            "only the first {cap} schema problems of a document are reported; fix these and run \
             again"
        )),
    }
}

fn instance_path(error: &jsonschema::ValidationError) -> DocPath {
    let mut path = DocPath::default();
    for seg in error.instance_path().iter() {
        match seg {
            jsonschema::paths::LocationSegment::Property(p) => path.push_key(p.to_string()),
            jsonschema::paths::LocationSegment::Index(i) => path.push_index(i),
        }
    }
    path
}

/// The problems one schema error makes, at most `room` of them, and how many were left out.
fn problems_of(
    error: &jsonschema::ValidationError,
    path: DocPath,
    root: &Node,
    schema: &Json,
    room: usize,
) -> (Vec<SchemaProblem>, usize) {
    if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
        let allowed = allowed_keys(schema, error.schema_path().as_str());
        let node = root.resolve(&path).node;
        let made: Vec<SchemaProblem> = unexpected
            .iter()
            .take(room)
            .map(|key| unknown_key(key, &path, node, &allowed))
            .collect();
        let dropped = unexpected.len() - made.len();
        return (made, dropped);
    }
    if room == 0 {
        return (Vec::new(), 1);
    }
    (vec![problem_of(error, path, root, schema)], 0)
}

fn unknown_key(key: &str, path: &DocPath, node: &Node, allowed: &[String]) -> SchemaProblem {
    let mut kpath = path.clone();
    kpath.push_key(key.to_string());
    let span = match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|e| e.key == key)
            .map_or(node.span, |e| e.key_span),
        _ => node.span,
    };
    let help = match closest(key, allowed) {
        Some(s) => {
            format!("did you mean `{s}`? Keys for a department's own use must start with `x_`")
        }
        None if allowed.is_empty() => {
            "remove the key; keys for a department's own use must start with `x_`".to_string()
        }
        None => format!(
            "the keys allowed here are: {}; keys for a department's own use must start with `x_`",
            allowed.join(", ")
        ),
    };
    SchemaProblem {
        path: kpath,
        problem: Problem::new(Code::SchemaUnknownKey, format!("unknown key `{key}`"), span)
            .label("not a key of this format")
            .help(help),
    }
}

/// The problem of one schema error other than unknown keys.
fn problem_of(
    error: &jsonschema::ValidationError,
    path: DocPath,
    root: &Node,
    schema: &Json,
) -> SchemaProblem {
    let resolved = root.resolve(&path);
    let node = resolved.node;
    let field = path.last_key().unwrap_or("document").to_string();
    let help_here = || describe(schema, error.schema_path().as_str());
    let problem = match error.kind() {
        ValidationErrorKind::Required { property } => {
            let key = property.as_str().unwrap_or_default().to_string();
            let where_ = if path.0.is_empty() {
                "the document".to_string()
            } else {
                format!("`{path}`")
            };
            let mut kpath = path.clone();
            kpath.push_key(key.clone());
            return SchemaProblem {
                path: kpath,
                problem: Problem::new(
                    Code::SchemaMissingKey,
                    format!("missing required key `{key}` in {where_}"),
                    resolved.span,
                )
                .label(format!("`{key}` is missing here"))
                .help(format!("add `{key}:` to this mapping")),
            };
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => type_word(&t.to_string()).to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| type_word(&t.to_string()).to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            Problem::new(
                Code::SchemaType,
                format!("`{field}` must be {expected}, not {}", shown(node)),
                node.span,
            )
            .label(format!("expected {expected}"))
            .help(help_here())
        }
        ValidationErrorKind::Enum { options } => enum_problem(options, node, &field),
        ValidationErrorKind::Pattern { pattern } => Problem::new(
            Code::SchemaValue,
            match words::pattern_words(pattern) {
                Some(form) => format!("`{field}` must be {form}, not {}", shown(node)),
                None => format!("`{field}` is not in the form it takes: {}", shown(node)),
            },
            node.span,
        )
        .label("not in this form")
        .help(help_here()),
        ValidationErrorKind::Format { format } if format == "date" => Problem::new(
            Code::SchemaDate,
            format!("`{field}` is not a valid date: {}", shown(node)),
            node.span,
        )
        .label("not a calendar date")
        .help("write dates as YYYY-MM-DD, and check the day exists in that month"),
        ValidationErrorKind::Constant { expected_value } => Problem::new(
            Code::SchemaValue,
            format!("`{field}` must be {expected_value}, not {}", shown(node)),
            node.span,
        )
        .label(format!("expected {expected_value}"))
        .help(help_here()),
        _ => Problem::new(
            Code::SchemaValue,
            format!("`{field}`: {}", plain_message(&error.to_string())),
            resolved.span,
        )
        .label("does not fit the format")
        .help(help_here()),
    };
    SchemaProblem { path, problem }
}

/// The problem of a value that is not one of the allowed `options`.
fn enum_problem(options: &Json, node: &Node, field: &str) -> Problem {
    let choices: Vec<String> = options
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|v| !v.is_null())
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let value = match &node.value {
        Value::Str(s) => Some(s.as_str()),
        _ => None,
    };
    Problem::new(
        Code::SchemaEnum,
        format!("`{field}` cannot be {}", shown(node)),
        node.span,
    )
    .label("not an allowed value")
    .help(words::enum_help(value, &choices))
}

/// jsonschema's messages start with the instance; ours say which field instead.
fn plain_message(msg: &str) -> String {
    msg.to_string()
}

fn type_word(t: &str) -> &'static str {
    match t {
        "string" => "a string",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "object" => "a mapping",
        "array" => "a list",
        "null" => "null",
        _ => "another type",
    }
}

fn shown(node: &Node) -> String {
    match &node.value {
        Value::Str(s) => format!("\"{}\"", truncate(s)),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        Value::Seq(_) => "a list".to_string(),
        Value::Map(_) => "a mapping".to_string(),
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}...", s.chars().take(57).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Whether the schema lets the field at `path` be `null`. A path the schema does not describe
/// (a key of the department's own, `x_...`) counts as accepting it: the help then says no more
/// than it did.
fn accepts_null(root: &Json, path: &DocPath) -> bool {
    walk::at(root, &path.0).is_none_or(|node| {
        let node = walk::deref(root, node);
        walk::types(node).contains("null")
            || node.get("const").is_some_and(Json::is_null)
            || node
                .get("enum")
                .and_then(Json::as_array)
                .is_some_and(|e| e.iter().any(Json::is_null))
    })
}

/// The schema node at a JSON pointer into the schema, following `$ref`s to `$defs`.
fn schema_at<'a>(root: &'a Json, pointer: &str) -> Option<&'a Json> {
    let mut node = root;
    for seg in pointer.split('/').filter(|s| !s.is_empty()) {
        if seg == "$ref" {
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            node = root.pointer(target)?;
            continue;
        }
        node = node
            .get(seg)
            .or_else(|| seg.parse::<usize>().ok().and_then(|i| node.get(i)))?;
    }
    Some(node)
}

/// The keys allowed in the object whose `additionalProperties` failed.
fn allowed_keys(root: &Json, schema_path: &str) -> Vec<String> {
    let parent = schema_path.rsplit_once('/').map_or("", |(p, _)| p);
    schema_at(root, parent)
        .and_then(|s| s.get("properties"))
        .and_then(Json::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// The description of the schema node whose keyword failed, to use as help.
fn describe(root: &Json, schema_path: &str) -> String {
    let parent = schema_path.rsplit_once('/').map_or("", |(p, _)| p);
    schema_at(root, parent)
        .and_then(|s| s.get("description"))
        .and_then(Json::as_str)
        .map_or_else(
            || "see `roadmap-lint schema` for the format".to_string(),
            |d| format!("this field: {d}"),
        )
}

/// The allowed key closest to a misspelt one, if it is close enough to be a likely typo.
fn closest(key: &str, allowed: &[String]) -> Option<String> {
    allowed
        .iter()
        .map(|a| (edit_distance(key, a), a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a.clone())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The document as JSON, for validation. Non-finite floats become strings, which the schema
/// then rejects with a clear type error.
pub fn to_json(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map_or_else(|| Json::String(f.to_string()), Json::Number),
        Value::Str(s) => Json::String(s.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|e| (e.key.clone(), to_json(&e.value)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let allowed = vec!["services".to_string(), "organisation".to_string()];
        assert_eq!(closest("servcies", &allowed).as_deref(), Some("services"));
        assert_eq!(closest("budget", &allowed), None);
    }

    #[test]
    fn embedded_schemas_compile() {
        assert!(compiled("department").is_some());
        assert!(compiled("proposal").is_some());
    }
}
