//! Static checks of a compiled rule, before it ever runs: calls to functions that exist neither
//! in the rule nor in the engine, and string-literal paths a document of the rule's kinds cannot
//! have. Both point at the call in the `.rhai` file.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use rhai::{AST, ASTNode, Engine, Expr, FnCallExpr, Position, Stmt};
use serde_json::Value as Json;

use crate::diag::{Code, ToolDiagnostic};
use crate::node::{DocPath, Segment};
use crate::source::{SourceFile, Span};

/// Functions Rhai resolves itself, without registering them anywhere.
const INTRINSICS: &[&str] = &[
    "print",
    "debug",
    "type_of",
    "eval",
    "Fn",
    "call",
    "curry",
    "is_shared",
    "is_def_var",
    "is_def_fn",
];

/// Helpers whose first argument is a path in the checked document.
const PATH_FIRST: &[&str] = &["report", "warn", "pass", "report_due"];
/// Portfolio helpers whose second argument is a path (the first is the document's `ref`).
const PATH_SECOND: &[&str] = &["report_in", "pass_in", "relate"];

/// What the engine knows: every function name (registered helpers, Rhai's standard library and
/// intrinsics), and for helpers that only the rule API defines, the argument counts they take.
struct Known {
    names: BTreeSet<String>,
    helper_arities: std::collections::BTreeMap<String, BTreeSet<usize>>,
}

fn name_and_arity(signature: &str) -> Option<(String, usize)> {
    let (name, rest) = signature.split_once('(')?;
    let params = rest.split(')').next()?.trim();
    let arity = if params.is_empty() {
        0
    } else {
        params.split(',').count()
    };
    Some((name.trim().to_string(), arity))
}

/// The engine is always built the same way, so this is worked out once.
fn known(engine: &Engine) -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let all: Vec<(String, usize)> = engine
            .gen_fn_signatures(true)
            .iter()
            .filter_map(|s| name_and_arity(s))
            .collect();
        let own: Vec<(String, usize)> = engine
            .gen_fn_signatures(false)
            .iter()
            .filter_map(|s| name_and_arity(s))
            .collect();
        let mut helper_arities = std::collections::BTreeMap::<String, BTreeSet<usize>>::new();
        for (name, arity) in &own {
            helper_arities
                .entry(name.clone())
                .or_default()
                .insert(*arity);
        }
        // A name Rhai's standard library also defines may take other argument counts.
        let standard: BTreeSet<&String> = all
            .iter()
            .filter(|(n, a)| !own.contains(&(n.clone(), *a)))
            .map(|(n, _)| n)
            .collect();
        helper_arities.retain(|name, _| !standard.contains(name));
        Known {
            names: all
                .into_iter()
                .map(|(n, _)| n)
                .chain(INTRINSICS.iter().map(|s| s.to_string()))
                .collect(),
            helper_arities,
        }
    })
}

/// The span of `len` characters at a Rhai position.
fn span(source: &SourceFile, pos: Position, len: usize) -> Span {
    let start = source.char_offset(pos.line().unwrap_or(1), pos.position().unwrap_or(1));
    Span::new(start, start + len)
}

fn is_identifier(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// What the lint knows of a rule's pack: its library, parameters, data files and fields.
pub struct Context<'a> {
    /// The library modules' functions, with the argument counts each takes.
    pub libs: &'a Libs,
    /// The library modules' compiled scripts, by module name.
    pub library: &'a super::library::Asts,
    /// The library modules' sources, by module name.
    pub module_sources: &'a std::collections::BTreeMap<String, std::sync::Arc<SourceFile>>,
    pub params: &'a std::collections::BTreeMap<String, super::Parameter>,
    pub data: &'a rhai::Map,
    /// The data files `pack.yaml` names that are missing (their readers are skipped).
    pub missing_data: &'a std::collections::BTreeMap<String, (String, usize)>,
    /// The pack's own fields (`x_` keys with their schemas).
    pub fields: &'a super::fields::Fields,
}

/// All problems found in a rule's AST.
pub fn lint(
    ast: &AST,
    source: &std::sync::Arc<SourceFile>,
    kinds: &[String],
    engine: &Engine,
    cx: &Context,
) -> Vec<ToolDiagnostic> {
    let libs = cx.libs;
    let known = known(engine);
    let mut own: BTreeSet<String> = ast.iter_functions().map(|f| f.name.to_string()).collect();
    // A variable holding a function pointer or closure may be called like a function: `f(x)`.
    own.extend(
        ast.iter_functions()
            .flat_map(|f| f.params.into_iter().map(str::to_string)),
    );
    ast.walk(&mut |path: &[ASTNode]| {
        match path.last() {
            Some(ASTNode::Stmt(Stmt::Var(x, ..))) => {
                own.insert(x.0.name.to_string());
            }
            Some(ASTNode::Stmt(Stmt::For(x, _))) => {
                own.insert(x.0.name.to_string());
                if let Some(counter) = &x.1 {
                    own.insert(counter.name.to_string());
                }
            }
            _ => {}
        }
        true
    });
    let mut out = Vec::new();
    let aliases = imports(ast, libs, source, &mut out);
    ast.walk(&mut |path: &[ASTNode]| {
        let (call, pos, method) = match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(x, pos))) => (&**x, *pos, false),
            Some(ASTNode::Expr(Expr::MethodCall(x, pos))) => (&**x, *pos, true),
            Some(ASTNode::Stmt(Stmt::FnCall(x, pos))) => (&**x, *pos, false),
            _ => return true,
        };
        if call.namespace.is_empty() {
            check_call(
                call,
                pos,
                method,
                known,
                &own,
                source,
                (kinds, cx.fields),
                &mut out,
            );
        } else {
            check_qualified(call, pos, libs, &aliases, source, &mut out);
        }
        true
    });
    out.extend(super::names::check(ast, source, kinds, cx));
    out.extend(super::types::check(ast, source, kinds, cx));
    out
}

/// The functions of the pack's `lib/` modules (see [`super::library`]).
pub type Libs = super::library::Functions;

/// The rule's `import "NAME" as alias;` statements, as alias to module name. An import of a
/// name that is not one of the pack's library modules is an error.
fn imports(
    ast: &AST,
    libs: &Libs,
    source: &SourceFile,
    out: &mut Vec<ToolDiagnostic>,
) -> BTreeMap<String, String> {
    let mut aliases = BTreeMap::new();
    ast.walk(&mut |path: &[ASTNode]| {
        let Some(ASTNode::Stmt(Stmt::Import(x, pos))) = path.last() else {
            return true;
        };
        let (target, alias) = &**x;
        let Expr::StringConstant(name, _) = target else {
            return true;
        };
        if libs.contains_key(name.as_str()) {
            if !alias.name.is_empty() {
                aliases.insert(alias.name.to_string(), name.to_string());
            }
        } else {
            let names: Vec<&str> = libs.keys().map(String::as_str).collect();
            // A path (`../x`, `lib/legacy.rhai`) is never read: say so, not only which names
            // would do.
            let path = name.contains(['/', '\\', '.']);
            let message = if path {
                format!(
                    "`{name}` is a path, and a pack reads nothing outside its own folder: a rule \
                     imports a module of its pack's `lib/` folder by name"
                )
            } else {
                format!("`{name}` is not a module of this pack's `lib/` folder")
            };
            out.push(
                ToolDiagnostic::new(Code::RuleUnknownFunction, message)
                    .help(crate::suggest::help(name, "library module", &names))
                    .label("imported here")
                    .at_line(source, pos.line().unwrap_or(1), pos.position().unwrap_or(1)),
            );
        }
        true
    });
    aliases
}

/// A qualified call, `module::function(...)` (or `alias::function(...)` after
/// `import "module" as alias;`): the module must be one of the pack's library modules, and
/// define the function with that many arguments.
fn check_qualified(
    call: &FnCallExpr,
    pos: Position,
    libs: &Libs,
    aliases: &BTreeMap<String, String>,
    source: &SourceFile,
    out: &mut Vec<ToolDiagnostic>,
) {
    let root = call.namespace.root();
    let module = aliases.get(root).map_or(root, String::as_str);
    let name = call.name.as_str();
    let at =
        |d: ToolDiagnostic| d.at_line(source, pos.line().unwrap_or(1), pos.position().unwrap_or(1));
    let Some(functions) = libs.get(module) else {
        let names: Vec<&str> = libs.keys().map(String::as_str).collect();
        out.push(at(ToolDiagnostic::new(
            Code::RuleUnknownFunction,
            format!("`{module}` is not a module of this pack's `lib/` folder"),
        )
        .help(crate::suggest::help(module, "library module", &names))
        .label("unknown module")));
        return;
    };
    match functions.get(name) {
        None => {
            let names: Vec<&str> = functions.keys().map(String::as_str).collect();
            out.push(at(ToolDiagnostic::new(
                Code::RuleUnknownFunction,
                format!("`lib/{module}.rhai` defines no function `{name}`"),
            )
            .help(crate::suggest::help(name, "function", &names))
            .label("unknown function")));
        }
        Some(arities) if !arities.contains(&call.args.len()) => {
            let counts: Vec<String> = arities.iter().map(usize::to_string).collect();
            out.push(at(ToolDiagnostic::new(
                Code::RuleUnknownFunction,
                format!(
                    "`{module}::{name}` takes {} arguments, not {}",
                    counts.join(" or "),
                    call.args.len()
                ),
            )
            .help(format!("see `fn {name}` in lib/{module}.rhai"))
            .label("called here")));
        }
        Some(_) => {}
    }
}

#[allow(clippy::too_many_arguments)]
fn check_call(
    call: &FnCallExpr,
    pos: Position,
    method: bool,
    known: &Known,
    own: &BTreeSet<String>,
    source: &SourceFile,
    (kinds, fields): (&[String], &super::fields::Fields),
    out: &mut Vec<ToolDiagnostic>,
) {
    let name = call.name.as_str();
    if call.op_token.is_some() || !is_identifier(name) {
        return;
    }
    if !known.names.contains(name) && !own.contains(name) {
        out.push(unknown_function(name, pos, method, known, own, source));
        return;
    }
    if method || own.contains(name) {
        return;
    }
    if let Some(arities) = known.helper_arities.get(name)
        && !arities.contains(&call.args.len())
    {
        out.push(wrong_helper_arity(name, arities, call, pos, source));
        return;
    }
    out.extend(impossible_path(call, pos, source, kinds, fields));
}

/// A call to a function that is neither a helper, a Rhai function nor one of the rule's own.
fn unknown_function(
    name: &str,
    pos: Position,
    method: bool,
    known: &Known,
    own: &BTreeSet<String>,
    source: &SourceFile,
) -> ToolDiagnostic {
    let suggestion = closest(name, known.names.iter().chain(own.iter()));
    let what = if method { "method" } else { "function" };
    let listed =
        "helpers are listed in docs/rule-api.md; a rule may also call the functions it defines";
    let help = match suggestion {
        Some(s) => format!("did you mean `{s}`? The {listed}"),
        None => format!("the {listed}"),
    };
    ToolDiagnostic::new(
        Code::RuleUnknownFunction,
        format!("`{name}` is not a helper, a Rhai {what}, or a function of this rule"),
    )
    .help(help)
    .label("unknown function called here")
    .at(source, span(source, pos, name.chars().count()))
}

/// A helper called with a number of arguments it does not take.
fn wrong_helper_arity(
    name: &str,
    arities: &BTreeSet<usize>,
    call: &FnCallExpr,
    pos: Position,
    source: &SourceFile,
) -> ToolDiagnostic {
    let counts: Vec<String> = arities.iter().map(usize::to_string).collect();
    let plural = if arities.len() == 1 && arities.contains(&1) {
        ""
    } else {
        "s"
    };
    ToolDiagnostic::new(
        Code::RuleUnknownFunction,
        format!(
            "`{name}` takes {} argument{plural}, not {}",
            counts.join(" or "),
            call.args.len()
        ),
    )
    .help(format!("see `{name}` in docs/rule-api.md"))
    .label("called here")
    .at_line(source, pos.line().unwrap_or(1), pos.position().unwrap_or(1))
}

/// A helper's literal path argument that no document of the rule's kinds can have.
fn impossible_path(
    call: &FnCallExpr,
    pos: Position,
    source: &SourceFile,
    kinds: &[String],
    fields: &super::fields::Fields,
) -> Option<ToolDiagnostic> {
    let name = call.name.as_str();
    let arg = if PATH_FIRST.contains(&name) {
        call.args.first()
    } else if PATH_SECOND.contains(&name) && matches!(call.args.first(), Some(Expr::Unit(_))) {
        // With a document reference, the path is in another document, of any kind.
        call.args.get(1)
    } else {
        None
    };
    let Some(Expr::StringConstant(text, at)) = arg else {
        return None;
    };
    let at = if at.is_none() { pos } else { *at };
    let point = |d: ToolDiagnostic| d.at(source, span(source, at, text.chars().count() + 2));
    let path = match DocPath::parse(text) {
        Ok(p) => p,
        Err(msg) => {
            return Some(point(
                ToolDiagnostic::new(
                    Code::RulePath,
                    format!("`{text}` is not a document path: {msg}"),
                )
                .help("write a path such as `technology.systems[0].hosting`")
                .label("this path"),
            ));
        }
    };
    let verdicts: Vec<Result<(), String>> = kinds
        .iter()
        .filter_map(|k| Some(path_possible_in(&*fields.schema(k)?, k, &path)))
        .collect();
    if verdicts.is_empty() || verdicts.iter().any(Result::is_ok) {
        return None;
    }
    let why = verdicts
        .into_iter()
        .filter_map(Result::err)
        .collect::<Vec<_>>()
        .join("; ");
    Some(point(
        ToolDiagnostic::new(
            Code::RulePath,
            format!(
                "`{name}` names the path `{text}`, which a {} document cannot have",
                kinds.join(" or ")
            ),
        )
        .help(format!(
            "{why}. See `roadmap-lint schema {}` for the document format; keys of your own start with `x_`",
            kinds.first().map_or("department", String::as_str)
        ))
        .label("impossible path"),
    ))
}

use crate::schema::walk::deref;

/// Whether a path can exist in a document of the schema. `Err` says where it goes wrong.
/// Where the schema does not constrain a value, any path below it is possible.
pub fn path_possible(kind: &str, path: &DocPath) -> Result<(), String> {
    match crate::schema::walk::json(kind) {
        Some(root) => path_possible_in(root, kind, path),
        None => Ok(()),
    }
}

/// [`path_possible`] in a given schema of the kind (with a pack's fields added).
pub fn path_possible_in(root: &Json, kind: &str, path: &DocPath) -> Result<(), String> {
    if step(root, root, &path.0, 0) {
        Ok(())
    } else {
        let mut found = 0;
        while found < path.0.len() && step(root, root, &path.0[..=found], 0) {
            found += 1;
        }
        let bad = path.prefix(found + 1);
        let parent = path.prefix(found);
        let keys = keys_at(root, &parent.0);
        let place = if parent.0.is_empty() {
            "the top level".to_string()
        } else {
            format!("`{parent}`")
        };
        let list = matches!(path.0.get(found), Some(Segment::Key(_)))
            && !parent.0.is_empty()
            && schema_at(root, &parent.0).is_some_and(is_list);
        Err(if list && keys.is_empty() {
            format!(
                "in a {kind}, `{parent}` is a list: its items have keys, so name one, as \
                     `{parent}[0]`, or use the path of the item the rule is judging"
            )
        } else if keys.is_empty() || matches!(path.0.get(found), Some(Segment::Index(_))) {
            format!("in a {kind}, `{bad}` does not exist")
        } else {
            format!("in a {kind}, the keys at {place} are: {}", keys.join(", "))
        })
    }
}

fn branches(node: &Json) -> Vec<&Json> {
    ["anyOf", "oneOf", "allOf"]
        .iter()
        .filter_map(|k| node.get(*k).and_then(Json::as_array))
        .flatten()
        .collect()
}

fn step(root: &Json, node: &Json, rest: &[Segment], depth: usize) -> bool {
    let node = deref(root, node);
    let Some((first, rest)) = rest.split_first() else {
        return true;
    };
    if depth > 64 {
        return true;
    }
    let subs = branches(node);
    if !subs.is_empty() {
        let own = node.get("properties").is_some() || node.get("items").is_some();
        return subs.iter().any(|b| step_into(root, b, first, rest, depth))
            || (own && step_into(root, node, first, rest, depth));
    }
    step_into(root, node, first, rest, depth)
}

fn step_into(root: &Json, node: &Json, seg: &Segment, rest: &[Segment], depth: usize) -> bool {
    let node = deref(root, node);
    match seg {
        Segment::Key(k) => {
            if let Some(next) = node.get("properties").and_then(|p| p.get(k.as_str())) {
                return step(root, next, rest, depth + 1);
            }
            if let Some(patterns) = node.get("patternProperties").and_then(Json::as_object)
                && patterns.keys().any(|p| p == "^x_")
                && k.starts_with("x_")
            {
                return true;
            }
            // A list's items have keys; the list itself has none (`services.x_dwp` names no
            // place: `services[0].x_dwp` does).
            if is_list(node) {
                return false;
            }
            match node.get("additionalProperties") {
                Some(Json::Bool(false)) => false,
                Some(next @ Json::Object(_)) => step(root, next, rest, depth + 1),
                _ => !node.get("properties").is_some_and(Json::is_object) && !is_scalar(node),
            }
        }
        Segment::Index(_) => match node.get("items") {
            Some(next) => step(root, next, rest, depth + 1),
            None => !node.get("properties").is_some_and(Json::is_object) && !is_scalar(node),
        },
    }
}

/// A schema that only allows lists (or null, where a list may be left out).
fn is_list(node: &Json) -> bool {
    match node.get("type") {
        Some(Json::String(t)) => t == "array",
        Some(Json::Array(ts)) => {
            ts.iter().any(|t| t.as_str() == Some("array"))
                && ts
                    .iter()
                    .all(|t| matches!(t.as_str(), Some("array" | "null")))
        }
        _ => node.get("items").is_some() && node.get("properties").is_none(),
    }
}

/// A schema that only allows scalar values (strings, numbers, booleans, null).
fn is_scalar(node: &Json) -> bool {
    let scalar = |t: &str| matches!(t, "string" | "number" | "integer" | "boolean" | "null");
    match node.get("type") {
        Some(Json::String(t)) => scalar(t),
        Some(Json::Array(ts)) => ts.iter().all(|t| t.as_str().is_some_and(scalar)),
        _ => node.get("const").is_some() || node.get("enum").is_some(),
    }
}

/// The schema of the place `path` names, following only properties and items.
fn schema_at<'a>(root: &'a Json, path: &[Segment]) -> Option<&'a Json> {
    let mut node = deref(root, root);
    for seg in path {
        let next = match seg {
            Segment::Key(k) => node.get("properties").and_then(|p| p.get(k.as_str())),
            Segment::Index(_) => node.get("items"),
        }?;
        node = deref(root, next);
    }
    Some(node)
}

fn keys_at(root: &Json, path: &[Segment]) -> Vec<String> {
    schema_at(root, path)
        .and_then(|node| node.get("properties"))
        .and_then(Json::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// Where the rule's first loop starts. Rhai loses the position of an operation or time limit
/// raised inside a function, so a limit error points here: an endless loop is the usual cause.
pub fn first_loop(ast: &AST) -> Option<Position> {
    let mut found = None;
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Stmt(Stmt::While(_, pos) | Stmt::Do(_, _, pos) | Stmt::For(_, pos))) =
            path.last()
        {
            found = Some(*pos);
            return false;
        }
        true
    });
    found
}

/// The candidate closest to `name` in edit distance, when it is close enough to be a typo.
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a String>) -> Option<&'a str> {
    candidates
        .filter(|c| is_identifier(c))
        .map(|c| (distance(name, c), c))
        .filter(|(d, c)| *d <= 2.max(name.len().min(c.len()) / 4))
        .min()
        .map(|(_, c)| c.as_str())
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn possible(kind: &str, path: &str) -> bool {
        assert!(crate::schema::walk::json(kind).is_some());
        path_possible(kind, &DocPath::parse(path).unwrap()).is_ok()
    }

    #[test]
    fn schema_paths() {
        assert!(possible("department", "one_login.strategy_confirmed"));
        assert!(possible("department", "organisation.id"));
        assert!(possible("department", "x_blueprint.anything[3].deep"));
        assert!(!possible("department", "one_login.strategy_confirmd"));
        assert!(!possible("department", "organisaton"));
        assert!(!possible("department", "organisation.id.deeper"));
        assert!(possible("proposal", "proposal.title"));
        assert!(!possible("proposal", "proposal.titel"));
        assert!(!possible("department", "proposal.title"));
    }

    #[test]
    fn knows_rhai_standard_functions_and_helpers() {
        let engine = crate::engine::engine(&crate::engine::Sandbox::default());
        let known = &known(&engine).names;
        for name in [
            "len",
            "contains",
            "starts_with",
            "ends_with",
            "to_lower",
            "to_upper",
            "split",
            "trim",
            "parse_int",
            "parse_float",
            "to_int",
            "to_float",
            "abs",
            "round",
            "floor",
            "min",
            "max",
            "keys",
            "values",
            "filter",
            "map",
            "reduce",
            "sort",
            "push",
            "index_of",
            "is_empty",
            "sub_string",
            "type_of",
            "Fn",
            "call",
            "to_string",
            "report",
            "report_due",
            "lookup",
            "not_applicable",
            "fmt_pct",
        ] {
            assert!(known.contains(name), "{name}");
        }
        assert!(!known.contains("reprot"));
        let arities = &super::known(&engine).helper_arities;
        assert_eq!(arities.get("report").map(|a| a.len()), Some(2));
        assert!(arities.contains_key("not_applicable"));
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("reprot", "report"), 2);
        assert_eq!(distance("lookup", "lookup"), 0);
    }
}
