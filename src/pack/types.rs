//! Comparisons whose two sides are known, when the pack loads, to have different types: a
//! number with a string (`if v < "80"`, a field the schema types as a number against a string),
//! a date with a string (a `YYYY-MM-DD` field against `ctx.as_of`), anything ordered against
//! `()`. At run time such a comparison is an error of the rule (`engine::compare`); here it is
//! caught before the rule ever meets a document.
//!
//! A side's type comes from a literal, a variable bound to one, a parameter's declared type, a
//! field's type in the schema (with the pack's own fields), a data file's contents, or what a
//! helper returns. A side whose type is not known is left alone.

use std::collections::BTreeMap;
use std::sync::Arc;

use rhai::{ASTNode, Expr, FnCallExpr, Stmt};
use serde_json::Value as Json;

use super::lint::Context;
use super::reads::{self, Places};
use crate::diag::{Code, ToolDiagnostic};
use crate::node::{DocPath, Segment};
use crate::source::SourceFile;

/// A value's type, as far as a comparison cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Number,
    Text,
    Bool,
    Date,
    List,
    Map,
}

impl Ty {
    pub fn word(self) -> &'static str {
        match self {
            Ty::Number => "a number",
            Ty::Text => "a string",
            Ty::Bool => "a boolean",
            Ty::Date => "a date",
            Ty::List => "a list",
            Ty::Map => "a map",
        }
    }

    /// The type a JSON Schema node gives its values, when it gives one (`null` aside).
    pub fn of_schema(node: &Json) -> Option<Ty> {
        let types = crate::schema::walk::types(node);
        let mut found: Option<Ty> = None;
        for t in types.iter().filter(|t| **t != "null") {
            let ty = match *t {
                "number" | "integer" => Ty::Number,
                "string" => Ty::Text,
                "boolean" => Ty::Bool,
                "array" => Ty::List,
                "object" => Ty::Map,
                _ => return None,
            };
            if found.is_some_and(|f| f != ty) {
                return None;
            }
            found = Some(ty);
        }
        found
    }
}

/// What helpers and common Rhai functions return.
fn returns(name: &str) -> Option<Ty> {
    Some(match name {
        "date" | "quarter_end" | "add_days" | "add_months" => Ty::Date,
        "num" | "pct" | "mean" | "max_of" | "min_of" | "sum" | "days_between" | "len"
        | "parse_int" | "parse_float" | "to_int" | "to_float" | "abs" | "round" | "floor"
        | "ceiling" => Ty::Number,
        "count" | "fmt_pct" | "to_string" | "to_upper" | "to_lower" | "trim" | "sub_string"
        | "type_of" => Ty::Text,
        "has" | "has_text" | "is_date" | "contains" | "starts_with" | "ends_with" | "is_empty" => {
            Ty::Bool
        }
        "having" | "except" | "on_or_after" | "keys" | "values" | "split" => Ty::List,
        _ => return None,
    })
}

const COMPARISONS: &[&str] = &["<", "<=", ">", ">=", "==", "!="];

/// Types of variables bound to values that are not places in a document (`let v = 80`).
type Types = BTreeMap<String, Option<Ty>>;

/// Every comparison of the rule's own functions whose sides have known, different types.
pub fn check(
    ast: &rhai::AST,
    source: &Arc<SourceFile>,
    kinds: &[String],
    cx: &Context,
) -> Vec<ToolDiagnostic> {
    let scope = reads::Scope::of_rule(cx.library, ast);
    let mut out = Vec::new();
    reads::each_function(ast, Some(&scope), &mut |body, places| {
        let typer = Typer {
            places,
            types: types_of(body, places, kinds, cx, &scope),
            kinds,
            cx,
            scope: &scope,
        };
        body.walk(&mut |path: &[ASTNode]| {
            let (call, pos) = match path.last() {
                Some(ASTNode::Expr(Expr::FnCall(x, pos))) => (&**x, *pos),
                _ => return true,
            };
            if let Some(d) = typer.mismatch(call) {
                let line = pos.line().unwrap_or(1);
                out.push(d.at_line(source, line, pos.position().unwrap_or(1)));
            }
            true
        });
    });
    out.dedup_by(|a, b| a.line == b.line && a.column == b.column && a.message == b.message);
    out
}

/// The types of a function's variables bound to literals and helper results.
fn types_of(
    body: &rhai::AST,
    places: &Places,
    kinds: &[String],
    cx: &Context,
    scope: &reads::Scope,
) -> Types {
    let mut types = Types::new();
    body.walk(&mut |path: &[ASTNode]| {
        match path.last() {
            Some(ASTNode::Stmt(Stmt::Var(x, ..))) => {
                let typer = Typer {
                    places,
                    types: types.clone(),
                    kinds,
                    cx,
                    scope,
                };
                let ty = typer.ty(&x.1);
                let name = x.0.name.to_string();
                let merged = match types.get(&name) {
                    Some(existing) if *existing != ty => None,
                    _ => ty,
                };
                types.insert(name, merged);
            }
            // A variable given another value may hold anything.
            Some(ASTNode::Stmt(Stmt::Assignment(x))) => {
                if let Expr::Variable(v, ..) = &x.1.lhs {
                    types.insert(v.1.to_string(), None);
                }
            }
            _ => {}
        }
        true
    });
    types
}

struct Typer<'a> {
    places: &'a Places,
    types: Types,
    kinds: &'a [String],
    cx: &'a Context<'a>,
    scope: &'a reads::Scope<'a>,
}

impl Typer<'_> {
    /// The diagnostic of a comparison of two known, different types.
    fn mismatch(&self, call: &FnCallExpr) -> Option<ToolDiagnostic> {
        let op = call.name.as_str();
        if call.op_token.is_none() || !COMPARISONS.contains(&op) || call.args.len() != 2 {
            return None;
        }
        let (a, b) = (&call.args[0], &call.args[1]);
        let ordering = !matches!(op, "==" | "!=");
        let unit = |e: &Expr| matches!(e, Expr::Unit(_));
        let (wa, wb) = if ordering && (unit(a) || unit(b)) {
            let word = |e: &Expr| {
                if unit(e) {
                    Some("`()` (a missing value)")
                } else {
                    self.ty(e).map(Ty::word)
                }
            };
            (word(a)?, word(b).unwrap_or("a value"))
        } else {
            let (ta, tb) = (self.ty(a)?, self.ty(b)?);
            if ta == tb {
                return None;
            }
            (ta.word(), tb.word())
        };
        Some(
            ToolDiagnostic::new(
                Code::RuleTypeMismatch,
                format!(
                    "`{op}` compares {wa} with {wb}: values of different types {}",
                    if ordering {
                        "have no order"
                    } else {
                        "are never equal"
                    }
                ),
            )
            .help("convert one side (`num(x)`, `date(x)`, `x.to_string()`), or compare with a value of the same type; the comparison would be an error of the rule on every document")
            .label("compared here"),
        )
    }

    /// The type of an expression, when it is known.
    fn ty(&self, e: &Expr) -> Option<Ty> {
        match e {
            Expr::IntegerConstant(..) | Expr::FloatConstant(..) => Some(Ty::Number),
            Expr::StringConstant(..) | Expr::InterpolatedString(..) => Some(Ty::Text),
            Expr::BoolConstant(..) => Some(Ty::Bool),
            Expr::Array(..) => Some(Ty::List),
            Expr::Map(..) => Some(Ty::Map),
            Expr::Variable(v, ..) => match self.types.get(v.1.as_str()) {
                Some(ty) => *ty,
                None => self.place_ty(e),
            },
            Expr::Dot(..) => self.place_ty(e),
            Expr::FnCall(call, _) if call.namespace.is_empty() && call.op_token.is_none() => {
                match call.name.as_str() {
                    "lookup" if call.args.len() == 2 => self.place_ty(e),
                    "lookup" if call.args.len() == 3 => {
                        self.place_ty(e).or_else(|| self.ty(&call.args[2]))
                    }
                    name => returns(name),
                }
            }
            Expr::MethodCall(call, _) => returns(call.name.as_str()),
            _ => None,
        }
    }

    /// The type of the place an expression denotes.
    fn place_ty(&self, e: &Expr) -> Option<Ty> {
        let place = reads::place_of(e, self.places, Some(self.scope))?;
        if place.contains(".*") || place.is_empty() {
            return None;
        }
        if let Some(rest) = place.strip_prefix("@ctx") {
            return self.ctx_ty(rest.strip_prefix('.').unwrap_or(rest));
        }
        let path = DocPath::parse(&place).ok()?;
        let mut found: Option<Ty> = None;
        for kind in self.kinds {
            let root = self.cx.fields.schema(kind)?;
            let node = crate::schema::walk::at(&root, &path.0)?;
            let ty = Ty::of_schema(crate::schema::walk::deref(&root, node))?;
            if found.is_some_and(|f| f != ty) {
                return None;
            }
            found = Some(ty);
        }
        found
    }

    /// The type of a part of `ctx`.
    fn ctx_ty(&self, rest: &str) -> Option<Ty> {
        let path = DocPath::parse(rest).ok()?;
        match path.0.as_slice() {
            [Segment::Key(k)] if k == "as_of" => Some(Ty::Date),
            [Segment::Key(k)] if k == "file" || k == "kind" => Some(Ty::Text),
            [Segment::Key(k)] if k == "document" => Some(Ty::Number),
            [Segment::Key(p), Segment::Key(name)] if p == "params" => {
                use super::ParamType as P;
                Some(match self.cx.params.get(name)?.kind {
                    P::Date => Ty::Date,
                    P::Number | P::Integer => Ty::Number,
                    P::Boolean => Ty::Bool,
                    P::String => Ty::Text,
                })
            }
            [Segment::Key(d), Segment::Key(name), rest @ ..] if d == "data" => {
                data_ty(self.cx.data.get(name.as_str())?, rest)
            }
            _ => None,
        }
    }
}

/// The type of what lies at `path` in a data file's value, when every item agrees.
fn data_ty(value: &rhai::Dynamic, path: &[Segment]) -> Option<Ty> {
    let mut here = vec![value.clone()];
    for segment in path {
        let mut next = Vec::new();
        for v in &here {
            match segment {
                Segment::Index(_) => {
                    if let Some(a) = v.read_lock::<rhai::Array>() {
                        next.extend(a.iter().cloned());
                    }
                }
                Segment::Key(k) => {
                    if let Some(m) = v.read_lock::<rhai::Map>() {
                        next.extend(m.get(k.as_str()).cloned());
                    }
                }
            }
        }
        here = next;
    }
    let mut found: Option<Ty> = None;
    for v in &here {
        let ty = if v.is_int() || v.is_float() {
            Ty::Number
        } else if v.is_string() {
            Ty::Text
        } else if v.is_bool() {
            Ty::Bool
        } else if v.is_array() {
            Ty::List
        } else if v.is_map() {
            Ty::Map
        } else {
            return None;
        };
        if found.is_some_and(|f| f != ty) {
            return None;
        }
        found = Some(ty);
    }
    found
}
