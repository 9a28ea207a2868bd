//! What a rule reads and reports, found in its script without running it: the document paths
//! (list indices written `[]`), the pack parameters, and what it reads of `ctx`. The load-time
//! lint checks each read against the document's schema (with the pack's own fields), the
//! pack's parameters and its data files; the format reference and `init` say which rules read
//! each field.
//!
//! A variable's place is known from how it was bound: a function's `doc` is the document and
//! `ctx` is `@ctx` (a place that is not in the document: `@ctx.params.NAME`,
//! `@ctx.data.NAME...`); `let x = lookup(v, "p")`, `for x in ...`, properties (`s.phase`),
//! `path(...)`, the filters (`having`, `except`, `on_or_after`) and calls of library functions
//! (the place of what they return, worked out from their bodies) follow from what they are
//! given.

use std::collections::{BTreeMap, BTreeSet};

use rhai::{AST, ASTNode, Expr, FnCallExpr, Position, Stmt};

use super::Rule;

/// A variable's place in the document, when it is known (`None`: bound to two places).
pub type Places = BTreeMap<String, Option<String>>;

/// Helpers whose first argument is a path in the checked document.
const PATH_FIRST: &[&str] = &["report", "warn", "pass", "report_due"];

/// The place of `ctx` (not a document path).
pub const CTX: &str = "@ctx";

/// Whether a place is in the document (not `ctx`).
pub fn in_document(place: &str) -> bool {
    !place.starts_with('@')
}

/// `base.rest`, or either alone when the other is empty.
pub fn join(base: &str, rest: &str) -> String {
    if base.is_empty() {
        rest.to_string()
    } else if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}.{rest}")
    }
}

/// Where calls lead: the pack's library modules, the rule's import aliases, the script being
/// read (a library module, by name, or the rule's own, whose functions are followed too).
#[derive(Clone)]
pub struct Scope<'a> {
    pub library: &'a super::library::Asts,
    pub aliases: BTreeMap<String, String>,
    /// The library module being read, when it is one.
    pub module: Option<&'a str>,
    /// The script being read: the rule's, or that module's.
    pub script: Option<&'a AST>,
}

impl<'a> Scope<'a> {
    /// The scope of a rule's own script.
    pub fn of_rule(library: &'a super::library::Asts, ast: &'a AST) -> Scope<'a> {
        Scope {
            library,
            aliases: aliases(ast),
            module: None,
            script: Some(ast),
        }
    }

    /// The function a call leads to (same name, same number of arguments), with the module it
    /// is in (`None`: the script being read).
    fn callee(&self, call: &FnCallExpr) -> Option<(Option<&'a str>, &'a AST)> {
        let (module, ast) = if call.namespace.is_empty() {
            (self.module, self.script?)
        } else {
            let root = call.namespace.root();
            let name = self.aliases.get(root).map_or(root, String::as_str);
            let (name, ast) = self.library.get_key_value(name)?;
            (Some(name.as_str()), ast)
        };
        let (name, count) = (call.name.as_str(), call.args.len());
        ast.iter_functions()
            .any(|f| f.name == name && f.params.len() == count)
            .then_some((module, ast))
    }
}

/// Each function of a script on its own, with where its variables point: a parameter named
/// `doc` is the document itself and one named `ctx` is [`CTX`]; its other parameters are not
/// known, and the rest follow from what they are bound to. Closures are functions of their own,
/// whose parameters are not known.
pub fn each_function(ast: &AST, scope: Option<&Scope>, f: &mut dyn FnMut(&AST, &Places)) {
    let signatures: Vec<(String, usize, Vec<String>)> = ast
        .iter_functions()
        .map(|g| {
            (
                g.name.to_string(),
                g.params.len(),
                g.params.iter().map(|p| (*p).to_string()).collect(),
            )
        })
        .collect();
    for (name, count, params) in signatures {
        let mut body = ast.clone_functions_only();
        body.retain_functions(|_, _, n, c| n == name && c == count);
        let mut map = Places::new();
        for p in params {
            let place = match p.as_str() {
                "doc" => Some(String::new()),
                "ctx" => Some(CTX.to_string()),
                _ => None,
            };
            map.insert(p, place);
        }
        let places = bindings_from(&body, map, scope);
        f(&body, &places);
    }
}

/// The place of a list's counter (`i` of `for (x, i) in list`): an index, whatever its value.
const COUNTER: &str = "#";

/// [`bindings`], starting from known places (a library function's parameters).
fn bindings_from(ast: &AST, mut map: Places, scope: Option<&Scope>) -> Places {
    let bind = |map: &mut Places, name: &str, place: String| match map.get(name) {
        Some(existing) if existing.as_deref() != Some(place.as_str()) => {
            map.insert(name.to_string(), None);
        }
        Some(_) => {}
        None => {
            map.insert(name.to_string(), Some(place));
        }
    };
    // Bindings chain (`let sys = ...; let legacy = lookup(sys, ...)`): a few passes.
    for _ in 0..4 {
        ast.walk(&mut |path: &[ASTNode]| {
            match path.last() {
                Some(ASTNode::Stmt(Stmt::Var(x, ..))) => match place_of(&x.1, &map, scope) {
                    Some(place) => bind(&mut map, x.0.name.as_str(), place),
                    // Bound to something else as well: not known.
                    None => {
                        map.insert(x.0.name.to_string(), None);
                    }
                },
                Some(ASTNode::Stmt(Stmt::For(x, _))) => {
                    match place_of(&x.2.expr, &map, scope) {
                        Some(place) => bind(&mut map, x.0.name.as_str(), format!("{place}[0]")),
                        None => {
                            map.insert(x.0.name.to_string(), None);
                        }
                    }
                    if let Some(counter) = &x.1 {
                        bind(&mut map, counter.name.as_str(), COUNTER.to_string());
                    }
                }
                _ => {}
            }
            true
        });
    }
    map
}

/// `ctx.previous` is an earlier declaration of the same kind: its places are the document's.
fn earlier(place: String) -> String {
    match place.strip_prefix("@ctx.previous") {
        Some("") => String::new(),
        Some(rest) if rest.starts_with('.') => rest[1..].to_string(),
        _ => place,
    }
}

/// Rhai's array methods that return some of the same array's items.
const SAME_ITEMS: &[&str] = &["filter", "retain", "extract", "drain"];

/// How deep calls into functions are followed.
const MAX_CALL_DEPTH: usize = 4;

/// The place an expression denotes: a known variable, a `lookup` from one, a property of one
/// (`sys.legacy.rating`), a `path(...)`, a list filtered by `having`, `except` or
/// `on_or_after` (the same list's place), or what a function of the library returns.
pub fn place_of(expr: &Expr, map: &Places, scope: Option<&Scope>) -> Option<String> {
    place_within(expr, map, scope, 0)
}

fn place_within(expr: &Expr, map: &Places, scope: Option<&Scope>, depth: usize) -> Option<String> {
    let place = |e: &Expr| place_within(e, map, scope, depth);
    match expr {
        Expr::Variable(var, ..) => map.get(var.1.as_str())?.clone().filter(|p| p != COUNTER),
        Expr::StringConstant(text, _) => Some(text.to_string()),
        Expr::Dot(x, ..) => {
            let base = place(&x.lhs)?;
            // `list.filter(|s| ...)` keeps some of the same list's items: the same place.
            if let Expr::MethodCall(call, _) = &x.rhs
                && SAME_ITEMS.contains(&call.name.as_str())
            {
                return Some(base);
            }
            let properties = properties(&x.rhs);
            (!properties.is_empty()).then(|| earlier(join(&base, &properties)))
        }
        Expr::FnCall(call, _) if call.namespace.is_empty() => {
            let name = call.name.as_str();
            match (name, call.args.first(), call.args.get(1)) {
                ("lookup", Some(v), Some(p)) => {
                    let base = place(v)?;
                    Some(earlier(join(&base, &place(p)?)))
                }
                ("having" | "except" | "on_or_after", Some(list), Some(_)) => place(list),
                ("path", Some(base), None) => place(base),
                ("path", Some(base), Some(Expr::StringConstant(key, _))) => {
                    Some(join(&place(base)?, key))
                }
                // `path(base, i)` with a list's counter or a number: an index.
                ("path", Some(base), Some(Expr::IntegerConstant(..))) => {
                    Some(format!("{}[0]", place(base)?))
                }
                ("path", Some(base), Some(Expr::Variable(v, ..)))
                    if map
                        .get(v.1.as_str())
                        .is_some_and(|p| p.as_deref() == Some(COUNTER)) =>
                {
                    Some(format!("{}[0]", place(base)?))
                }
                // A key or an index not known: somewhere inside `base`.
                ("path", Some(base), Some(_)) => Some(join(&place(base)?, UNKNOWN)),
                // `base + ".headcount"`: a path put together from known parts.
                ("+", Some(a), Some(b)) if call.op_token.is_some() => {
                    Some(format!("{}{}", place(a)?, place(b)?))
                }
                _ => returned(call, map, scope?, depth),
            }
        }
        Expr::FnCall(call, _) => returned(call, map, scope?, depth),
        // `list[i]` or `map[key]`: somewhere inside it.
        Expr::Index(x, ..) => Some(join(&place(&x.lhs)?, UNKNOWN)),
        _ => None,
    }
}

/// A step of a place that is not known (a key or an index computed at run time).
pub const UNKNOWN: &str = "*";

/// The part of a place before its first unknown step: what is known to be read.
pub fn known_part(place: &str) -> &str {
    match place.find(".*") {
        Some(i) => &place[..i],
        None if place == UNKNOWN => "",
        None => place,
    }
}

/// The place of what a called function returns: its `return` values and its last expression,
/// when they all denote the same place, its parameters standing for the call's arguments.
fn returned(call: &FnCallExpr, map: &Places, scope: &Scope, depth: usize) -> Option<String> {
    if depth >= MAX_CALL_DEPTH {
        return None;
    }
    let (module, ast) = scope.callee(call)?;
    let function = ast
        .iter_functions()
        .find(|f| f.name == call.name.as_str() && f.params.len() == call.args.len())?;
    let mut start = Places::new();
    for (param, arg) in function.params.iter().zip(&call.args) {
        if let Some(place) = place_within(arg, map, Some(scope), depth + 1) {
            start.insert((*param).to_string(), Some(place));
        }
    }
    let body = only_function(ast, call);
    let inner = Scope {
        library: scope.library,
        aliases: BTreeMap::new(),
        module,
        script: Some(ast),
    };
    let inner = if module.is_none() {
        scope.clone()
    } else {
        inner
    };
    let places = bindings_from(&body, start, Some(&inner));
    let mut found: Option<String> = None;
    let mut agree = true;
    // The values it returns: each `return x;`, and its last statement when that is an
    // expression (a top-level statement of the function's body is one of the walk's roots).
    let mut candidates: Vec<Expr> = Vec::new();
    let mut last: Option<Expr> = None;
    body.walk(&mut |path: &[ASTNode]| {
        match path {
            [.., ASTNode::Stmt(Stmt::Return(Some(e), ..))] => candidates.push((**e).clone()),
            [ASTNode::Stmt(s)] => {
                last = match s {
                    Stmt::Expr(e) => Some((**e).clone()),
                    _ => None,
                }
            }
            _ => {}
        }
        true
    });
    for e in candidates.iter().chain(&last) {
        match place_within(e, &places, Some(&inner), depth + 1) {
            Some(p) if found.as_ref().is_none_or(|f| *f == p) => found = Some(p),
            _ => agree = false,
        }
    }
    found.filter(|_| agree)
}

/// A copy of `ast` holding only the function `call` calls.
fn only_function(ast: &AST, call: &FnCallExpr) -> AST {
    let (name, count) = (call.name.as_str(), call.args.len());
    // (`clone_functions_only_filtered` keeps every function when it starts from an empty
    // module, in Rhai 1.27: the filter is applied by `retain_functions` instead.)
    let mut body = ast.clone_functions_only();
    body.retain_functions(|_, _, n, c| n == name && c == count);
    body
}

/// The leading properties of the right-hand side of a dot chain (`legacy.rating` of
/// `sys.legacy.rating`, `id` of `sys.id.to_upper()`), joined with dots.
fn properties(rhs: &Expr) -> String {
    let mut out = String::new();
    let mut at = rhs;
    loop {
        match at {
            Expr::Property(p, _) => return join(&out, &p.2),
            Expr::Dot(x, ..) => match &x.lhs {
                Expr::Property(p, _) => {
                    out = join(&out, &p.2);
                    at = &x.rhs;
                }
                _ => return out,
            },
            _ => return out,
        }
    }
}

/// How a script reads a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// `x.key`.
    Property,
    /// `lookup(x, "p")` or `has(x, "p")`.
    Lookup,
    /// The field a list is filtered by (`having(list, "p", v)`).
    Filter,
    /// A path a finding or a passed check is recorded at.
    Reports,
}

/// One read of a place, where it is written.
#[derive(Debug, Clone)]
pub struct Read<'a> {
    pub place: String,
    pub how: How,
    pub pos: Position,
    /// The library module it is written in (`None`: the rule's own script).
    pub module: Option<&'a str>,
    /// For a lookup with a literal path: that path as written, and where.
    pub literal: Option<(String, Position)>,
}

/// Every read in `ast`, whose variables point where `map` says, following calls into the
/// library's and the rule's own functions.
pub fn visit<'a>(
    ast: &AST,
    map: &Places,
    scope: &Scope<'a>,
    depth: usize,
    f: &mut dyn FnMut(&Read<'a>),
) {
    ast.walk(&mut |path: &[ASTNode]| {
        let (call, pos) = match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(x, pos))) => (&**x, *pos),
            Some(ASTNode::Stmt(Stmt::FnCall(x, pos))) => (&**x, *pos),
            Some(ASTNode::Expr(dot @ Expr::Dot(_, _, pos))) => {
                if let Some(place) = place_of(dot, map, Some(scope)).filter(|p| !p.is_empty()) {
                    f(&Read {
                        place,
                        how: How::Property,
                        pos: *pos,
                        module: scope.module,
                        literal: None,
                    });
                }
                return true;
            }
            _ => return true,
        };
        if depth < MAX_CALL_DEPTH {
            follow(call, map, scope, depth, f);
        }
        if !call.namespace.is_empty() {
            return true;
        }
        if let Some(read) = read_by(call, pos, map, scope) {
            f(&read);
        }
        true
    });
}

/// What a call of a helper reads: the field a filter tests, a lookup's path, a reported path.
fn read_by<'a>(
    call: &FnCallExpr,
    pos: Position,
    map: &Places,
    scope: &Scope<'a>,
) -> Option<Read<'a>> {
    let name = call.name.as_str();
    let place = |e: &Expr| place_of(e, map, Some(scope));
    let (place, how, literal) = match (call.args.first(), call.args.get(1)) {
        (Some(list), Some(p)) if matches!(name, "having" | "except" | "on_or_after") => (
            place(list)
                .zip(place(p))
                .map(|(list, field)| join(&format!("{list}[0]"), &field))?,
            How::Filter,
            None,
        ),
        (Some(v), Some(p)) if matches!(name, "lookup" | "has") => {
            let literal = match p {
                Expr::StringConstant(text, at) => {
                    Some((text.to_string(), if at.is_none() { pos } else { *at }))
                }
                _ => None,
            };
            (
                place(v).zip(place(p)).map(|(b, r)| join(&b, &r))?,
                How::Lookup,
                literal,
            )
        }
        (Some(first), _) if PATH_FIRST.contains(&name) => (place(first)?, How::Reports, None),
        _ => return None,
    };
    (!place.is_empty()).then_some(Read {
        place,
        how,
        pos,
        module: scope.module,
        literal,
    })
}

/// A call of a function of the library or of the rule itself: what its body reads, its
/// parameters pointing where the call's arguments do.
fn follow<'a>(
    call: &FnCallExpr,
    map: &Places,
    scope: &Scope<'a>,
    depth: usize,
    f: &mut dyn FnMut(&Read<'a>),
) {
    let Some((module, ast)) = scope.callee(call) else {
        return;
    };
    let Some(function) = ast
        .iter_functions()
        .find(|g| g.name == call.name.as_str() && g.params.len() == call.args.len())
    else {
        return;
    };
    let mut start = Places::new();
    for (param, arg) in function.params.iter().zip(&call.args) {
        if let Some(place) = place_of(arg, map, Some(scope)) {
            start.insert((*param).to_string(), Some(place));
        }
    }
    if start.is_empty() {
        return;
    }
    let body = only_function(ast, call);
    let inner = if module.is_none() {
        scope.clone()
    } else {
        Scope {
            library: scope.library,
            aliases: BTreeMap::new(),
            module,
            script: Some(ast),
        }
    };
    let places = bindings_from(&body, start, Some(&inner));
    visit(&body, &places, &inner, depth + 1, f);
}

/// What a rule reads and reports.
#[derive(Debug, Default, Clone)]
pub struct Reads {
    /// Document paths, list indices written `[]`: `technology.systems[].hosting`.
    pub paths: BTreeSet<String>,
    /// Of those, the paths it reports or passes: the facts it judges.
    pub judged: BTreeSet<String>,
    /// Pack parameters (`ctx.params.NAME`).
    pub params: BTreeSet<String>,
    /// Pack data files (`ctx.data.NAME`).
    pub data: BTreeSet<String>,
}

/// `a[0].b[12]` as `a[].b[]`.
pub fn generic(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            c => out.push(c),
        }
    }
    out
}

/// The parameter a place names (`@ctx.params.NAME...`).
pub fn param_of(place: &str) -> Option<&str> {
    let rest = place.strip_prefix("@ctx.params.")?;
    Some(rest.split(['.', '[']).next().unwrap_or(rest))
}

/// What the rule reads and reports, including what it reads through the functions of its
/// pack's library modules (`facts::yes_no(doc, "security.x", words)` reads `security.x`).
pub fn reads(rule: &Rule) -> Reads {
    let mut out = Reads::default();
    out.params.extend(params_named(&rule.source.text));
    let Ok(ast) = rule.ast() else {
        return out;
    };
    let scope = Scope::of_rule(&rule.library, ast);
    let mut record = |read: &Read| {
        if let Some(name) = param_of(&read.place) {
            out.params.insert(name.to_string());
        }
        if let Some(rest) = read.place.strip_prefix("@ctx.data.") {
            let name = rest.split(['.', '[']).next().unwrap_or(rest);
            out.data.insert(name.to_string());
        }
        if !in_document(&read.place) {
            return;
        }
        let place = known_part(&read.place);
        if place.is_empty() {
            return;
        }
        if read.how == How::Reports {
            out.judged.insert(generic(place));
        }
        out.paths.insert(generic(place));
    };
    each_function(ast, Some(&scope), &mut |body, places| {
        visit(body, places, &scope, 0, &mut record);
    });
    out
}

/// The script's `import "NAME" as alias;` statements, as alias to module name.
fn aliases(ast: &AST) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Stmt(Stmt::Import(x, _))) = path.last()
            && let Expr::StringConstant(name, _) = &x.0
            && !x.1.name.is_empty()
        {
            out.insert(x.1.name.to_string(), name.to_string());
        }
        true
    });
    out
}

/// The parameters a script names as `params.NAME`.
pub fn params_named(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("params.") {
        let name: String = text[i + 7..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_become_generic() {
        assert_eq!(
            generic("technology.systems[2].legacy.scores"),
            "technology.systems[].legacy.scores"
        );
        assert_eq!(generic("a[0][1]"), "a[][]");
    }

    #[test]
    fn a_builtin_rule_reads_what_it_judges() {
        let rules = crate::gendocs::builtin_rules();
        let (_, rule) = rules.find("resilience-test-overdue").unwrap();
        let reads = reads(rule);
        assert!(
            reads
                .paths
                .iter()
                .any(|p| p.starts_with("technology.systems[]")),
            "{:?}",
            reads.paths
        );
        assert!(reads.params.contains("annual_days"), "{:?}", reads.params);
    }

    #[test]
    fn what_a_rule_reads_through_a_library_function_counts() {
        let rules = crate::gendocs::builtin_rules();
        let (_, rule) = rules.find("common-repository-not-used").unwrap();
        let reads = reads(rule);
        // Read and judged by `facts::yes_no`, which the rule calls with the path.
        assert!(
            reads
                .judged
                .contains("technology.reuse.uses_common_repository"),
            "{:?}",
            reads.judged
        );
        let (_, rule) = rules
            .find("proposal-one-login-commitment-declined")
            .unwrap();
        let reads = super::reads(rule);
        assert!(
            reads
                .paths
                .contains("proposal.strategic_commitments.explanations.one_login"),
            "{:?}",
            reads.paths
        );
    }

    #[test]
    fn parameters_and_fields_read_in_library_functions_count() {
        let rules = crate::gendocs::builtin_rules();
        let (_, rule) = rules.find("top75-service-not-great").unwrap();
        let reads = super::reads(rule);
        // `services::shortfalls(perf, ctx.params)` reads `p.great_adoption_pct`, and its
        // `below(perf, "digital_adoption_pct", ...)` the field.
        assert!(
            reads.params.contains("great_adoption_pct"),
            "{:?}",
            reads.params
        );
        assert!(
            reads
                .paths
                .contains("services[].performance.digital_adoption_pct"),
            "{:?}",
            reads.paths
        );
        // Only the functions called are followed, not every function of the module.
        let (_, rule) = rules.find("service-performance-out-of-date").unwrap();
        let reads = super::reads(rule);
        assert!(
            !reads
                .paths
                .contains("services[].performance.digital_adoption_pct"),
            "{:?}",
            reads.paths
        );
    }
}
