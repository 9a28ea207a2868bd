//! The load-time check of what a rule reads: every place it reads (through properties,
//! `lookup`, `has` and the filters, in the rule and in the library functions it calls) must be
//! possible in a document of its kinds (the kind's schema with the pack's own fields), and
//! every part of `ctx` it names must exist: `ctx.KEY`, `ctx.params.NAME` (a parameter of the
//! pack) and `ctx.data.NAME...` (a data file of the pack, and keys that file has). A misspelt
//! name would read `()` for ever, and the rule would silently never apply.

use std::collections::BTreeSet;
use std::sync::Arc;

use rhai::{Array, Dynamic, Map, Position};

use super::lint::Context;
use super::reads::{self, How, Read};
use crate::diag::{Code, ToolDiagnostic};
use crate::node::{DocPath, Segment};
use crate::source::{SourceFile, Span};

/// What `ctx` holds (docs/rule-api.md), with what each is.
pub const CTX_KEYS: &[(&str, &str)] = &[
    ("as_of", "the evaluation date (a Date)"),
    ("params", "the pack's parameters by name"),
    ("data", "the pack's data files by name"),
    ("file", "the document's file name"),
    ("document", "the document's index in its file, from 0"),
    ("kind", "the document's kind"),
    (
        "previous",
        "the organisation's previous declaration, or `()`",
    ),
    (
        "declaration",
        "for a proposal, its department's declaration, or `()`",
    ),
    (
        "declaration_ref",
        "for a proposal, the reference of its department's declaration",
    ),
];

/// Every problem with what the rule reads.
pub fn check(
    ast: &rhai::AST,
    source: &Arc<SourceFile>,
    kinds: &[String],
    cx: &Context,
) -> Vec<ToolDiagnostic> {
    let scope = reads::Scope::of_rule(cx.library, ast);
    let mut out = Vec::new();
    let mut seen: BTreeSet<(Option<String>, usize, String)> = BTreeSet::new();
    let written = written_keys(ast);
    let mut check = |read: &Read| {
        if read.how == How::Reports {
            return;
        }
        // A key the rule writes itself (`doc.tag = 7`) it may read back.
        let last = read.place.rsplit(['.', '[']).next().unwrap_or("");
        if written.contains(last) {
            return;
        }
        let place = reads::known_part(&read.place);
        if place.is_empty() {
            return;
        }
        let problem = if reads::in_document(place) {
            document_problem(place, kinds, cx)
        } else {
            ctx_problem(place, cx)
        };
        let Some((code, message, help)) = problem else {
            return;
        };
        let key = (
            read.module.map(str::to_string),
            read.pos.line().unwrap_or(0),
            message.clone(),
        );
        if !seen.insert(key) {
            return;
        }
        let file = read
            .module
            .and_then(|m| cx.module_sources.get(m))
            .unwrap_or(source);
        out.push(at(
            read,
            file,
            ToolDiagnostic::new(code, message).help(help),
        ));
    };
    reads::each_function(ast, Some(&scope), &mut |body, places| {
        reads::visit(body, places, &scope, 0, &mut check);
    });
    out
}

/// The keys a script writes into maps (`x.key = ...`, `x["key"] = ...`).
fn written_keys(ast: &rhai::AST) -> BTreeSet<String> {
    use rhai::{ASTNode, Expr, Stmt};
    let mut out = BTreeSet::new();
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Stmt(Stmt::Assignment(x))) = path.last() {
            let mut lhs = &x.1.lhs;
            while let Expr::Dot(b, ..) | Expr::Index(b, ..) = lhs {
                match &b.rhs {
                    Expr::Property(p, _) => {
                        out.insert(p.2.to_string());
                    }
                    Expr::StringConstant(s, _) => {
                        out.insert(s.to_string());
                    }
                    _ => {}
                }
                lhs = &b.rhs;
            }
        }
        true
    });
    out
}

/// The diagnostic at the read: at a lookup's literal path when it has one.
fn at(read: &Read, file: &SourceFile, d: ToolDiagnostic) -> ToolDiagnostic {
    let point = |pos: Position, len: usize| {
        let start = file.char_offset(pos.line().unwrap_or(1), pos.position().unwrap_or(1));
        Span::new(start, start + len)
    };
    match &read.literal {
        Some((text, pos)) if !pos.is_none() => d
            .label("this path")
            .at(file, point(*pos, text.chars().count() + 2)),
        _ => d.label("read here").at(file, point(read.pos, 1)),
    }
}

/// A document path no document of the kinds can have.
fn document_problem(place: &str, kinds: &[String], cx: &Context) -> Option<(Code, String, String)> {
    let path = DocPath::parse(place).ok()?;
    let verdicts: Vec<Result<(), String>> = kinds
        .iter()
        .filter_map(|k| {
            Some(super::lint::path_possible_in(
                &*cx.fields.schema(k)?,
                k,
                &path,
            ))
        })
        .collect();
    if verdicts.is_empty() || verdicts.iter().any(Result::is_ok) {
        return None;
    }
    let why = verdicts
        .into_iter()
        .filter_map(Result::err)
        .collect::<Vec<_>>()
        .join("; ");
    let shown = reads::generic(place);
    Some((
        Code::RulePath,
        format!(
            "the rule reads `{shown}`, which a {} document cannot have",
            kinds.join(" or ")
        ),
        format!(
            "{why}. A path no document has reads `()` for ever, so the rule would never apply; see `roadmap-lint schema {}`, and the `fields` of pack.yaml for keys of your own",
            kinds.first().map_or("department", String::as_str)
        ),
    ))
}

/// A part of `ctx` that does not exist.
fn ctx_problem(place: &str, cx: &Context) -> Option<(Code, String, String)> {
    let path = DocPath::parse(place.strip_prefix('@')?).ok()?;
    let keys: Vec<&str> = path
        .0
        .iter()
        .map(|s| match s {
            Segment::Key(k) => k.as_str(),
            Segment::Index(_) => "[]",
        })
        .collect();
    let (first, rest) = (keys.get(1)?, &path.0[2.min(path.0.len())..]);
    let names: Vec<&str> = CTX_KEYS.iter().map(|(k, _)| *k).collect();
    if !names.contains(first) {
        return Some((
            Code::RuleUnknownName,
            format!("`ctx.{first}` is not part of `ctx`"),
            format!(
                "{}; `ctx` holds: {}",
                crate::suggest::help(first, "key", &names),
                names.join(", ")
            ),
        ));
    }
    match *first {
        "params" => param_problem(rest, cx),
        "data" => data_problem(rest, cx),
        _ => None,
    }
}

fn param_problem(rest: &[Segment], cx: &Context) -> Option<(Code, String, String)> {
    let Some(Segment::Key(name)) = rest.first() else {
        return None;
    };
    let names: Vec<&str> = cx.params.keys().map(String::as_str).collect();
    match cx.params.get(name) {
        None => Some((
            Code::RuleUnknownName,
            format!("`ctx.params.{name}` is not a parameter of this pack"),
            if names.is_empty() {
                "the pack declares no parameters: add it under `parameters:` in pack.yaml"
                    .to_string()
            } else {
                format!(
                    "{}; the pack's parameters are: {}",
                    crate::suggest::help(name, "parameter", &names),
                    names.join(", ")
                )
            },
        )),
        Some(p) if rest.len() > 1 => Some((
            Code::RuleUnknownName,
            format!(
                "`ctx.params.{name}` is {} {}: it has nothing inside it",
                super::article(p.kind.name()),
                p.kind.name()
            ),
            "read the parameter itself".to_string(),
        )),
        Some(_) => None,
    }
}

fn data_problem(rest: &[Segment], cx: &Context) -> Option<(Code, String, String)> {
    let Some(Segment::Key(name)) = rest.first() else {
        return None;
    };
    if cx.missing_data.contains_key(name) {
        // One diagnostic at its line in pack.yaml says so, and the rule is skipped.
        return None;
    }
    let Some(value) = cx.data.get(name.as_str()) else {
        let names: Vec<&str> = cx.data.keys().map(|k| k.as_str()).collect();
        return Some((
            Code::RuleUnknownName,
            format!("`ctx.data.{name}` is not a data file of this pack"),
            if names.is_empty() {
                "the pack names no data files: add it under `data:` in pack.yaml".to_string()
            } else {
                format!(
                    "{}; the pack's data files are: {}",
                    crate::suggest::help(name, "data file", &names),
                    names.join(", ")
                )
            },
        ));
    };
    let mut at = format!("ctx.data.{name}");
    let mut here: Vec<Dynamic> = vec![value.clone()];
    for segment in &rest[1..] {
        let mut next = Vec::new();
        match segment {
            Segment::Index(_) => {
                for v in &here {
                    if let Some(a) = v.read_lock::<Array>() {
                        next.extend(a.iter().cloned());
                    }
                }
                at.push_str("[]");
                if next.is_empty() && !here.iter().any(|v| v.is_array()) {
                    return Some(not_a(&at, "list", "iterate over a list of the data file"));
                }
            }
            Segment::Key(key) => {
                let mut keys: BTreeSet<String> = BTreeSet::new();
                let mut maps = 0;
                for v in &here {
                    if let Some(m) = v.read_lock::<Map>() {
                        maps += 1;
                        keys.extend(m.keys().map(ToString::to_string));
                        next.extend(m.get(key.as_str()).cloned());
                    }
                }
                if maps == 0 {
                    return Some(not_a(&at, "map", "read a key of a map of the data file"));
                }
                if !keys.contains(key.as_str()) {
                    let names: Vec<&str> = keys.iter().map(String::as_str).collect();
                    return Some((
                        Code::RuleUnknownName,
                        format!("`{at}` has no key `{key}` in the data file"),
                        format!(
                            "{}; its keys are: {}",
                            crate::suggest::help(key, "key", &names),
                            names.join(", ")
                        ),
                    ));
                }
                at = format!("{at}.{key}");
            }
        }
        here = next;
    }
    None
}

fn not_a(at: &str, what: &str, help: &str) -> (Code, String, String) {
    (
        Code::RuleUnknownName,
        format!("`{at}` is not a {what} in the data file"),
        help.to_string(),
    )
}
