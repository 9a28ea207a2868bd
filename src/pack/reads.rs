//! What a rule reads and reports, found in its script without running it: the document paths
//! (list indices written `[]`) and the pack parameters. The load-time lint checks read paths
//! against the schema; the format reference and `init` say which rules read each field.

use std::collections::{BTreeMap, BTreeSet};

use rhai::{AST, ASTNode, Expr, Stmt};

use super::Rule;

/// A variable's place in the document, when it is known (`None`: bound to two places).
pub type Places = BTreeMap<String, Option<String>>;

/// Helpers whose first argument is a path in the checked document.
const PATH_FIRST: &[&str] = &["report", "warn", "pass", "report_due"];

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

/// Where each variable points in the document: a function's `doc` parameter is the document
/// itself; `let x = lookup(v, "p")`, `for (x, i) in lookup(v, "p", [])` (an item: `p[0]`) and
/// `let at = path(v, "p")` or `path("p", i)` follow from what they are given.
pub fn bindings(ast: &AST) -> Places {
    let mut map = Places::new();
    map.insert("doc".into(), Some(String::new()));
    bindings_from(ast, map)
}

/// [`bindings`], starting from known places (a library function's parameters).
fn bindings_from(ast: &AST, mut map: Places) -> Places {
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
                Some(ASTNode::Stmt(Stmt::Var(x, ..))) => {
                    if let Some(place) = place_of(&x.1, &map) {
                        bind(&mut map, x.0.name.as_str(), place);
                    }
                }
                Some(ASTNode::Stmt(Stmt::For(x, _))) => {
                    if let Some(place) = place_of(&x.2.expr, &map) {
                        bind(&mut map, x.0.name.as_str(), format!("{place}[0]"));
                    }
                }
                _ => {}
            }
            true
        });
    }
    map
}

/// The place an expression denotes: a known variable, a `lookup` from one, a property of one
/// (`sys.legacy.rating`), a `path(...)`, or a list filtered by `having`, `except` or
/// `on_or_after` (the same list's place).
pub fn place_of(expr: &Expr, map: &Places) -> Option<String> {
    match expr {
        Expr::Variable(var, ..) => map.get(var.1.as_str())?.clone(),
        Expr::StringConstant(text, _) => Some(text.to_string()),
        Expr::Dot(x, ..) => {
            let base = place_of(&x.lhs, map)?;
            let properties = properties(&x.rhs);
            (!properties.is_empty()).then(|| join(&base, &properties))
        }
        Expr::FnCall(call, _) if call.namespace.is_empty() => {
            let name = call.name.as_str();
            match (name, call.args.first(), call.args.get(1)) {
                ("lookup", Some(v @ Expr::Variable(..)), Some(Expr::StringConstant(text, _))) => {
                    let base = place_of(v, map)?;
                    Some(join(&base, text))
                }
                ("having" | "except" | "on_or_after", Some(list), Some(_)) => place_of(list, map),
                ("path", Some(base), None) => place_of(base, map),
                ("path", Some(base), Some(Expr::StringConstant(key, _))) => {
                    Some(join(&place_of(base, map)?, key))
                }
                ("path", Some(base), Some(_)) => Some(format!("{}[0]", place_of(base, map)?)),
                // `base + ".headcount"`: a path put together from known parts.
                ("+", Some(a), Some(b)) if call.op_token.is_some() => {
                    Some(format!("{}{}", place_of(a, map)?, place_of(b, map)?))
                }
                _ => None,
            }
        }
        _ => None,
    }
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

/// What a rule reads and reports.
#[derive(Debug, Default, Clone)]
pub struct Reads {
    /// Document paths, list indices written `[]`: `technology.systems[].hosting`.
    pub paths: BTreeSet<String>,
    /// Of those, the paths it reports or passes: the facts it judges.
    pub judged: BTreeSet<String>,
    /// Pack parameters (`ctx.params.NAME`).
    pub params: BTreeSet<String>,
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

/// What the rule reads and reports, including what it reads through the functions of its
/// pack's library modules (`facts::yes_no(doc, "security.x", words)` reads `security.x`).
pub fn reads(rule: &Rule) -> Reads {
    let mut out = Reads::default();
    out.params.extend(params_named(&rule.source.text));
    let Ok(ast) = rule.ast() else {
        return out;
    };
    let scope = Scope {
        library: &rule.library,
        aliases: aliases(ast),
        module: None,
    };
    collect(ast, &bindings(ast), &scope, &mut out, 0);
    out
}

/// How deep calls into library functions are followed.
const MAX_CALL_DEPTH: usize = 4;

/// Where calls lead: the pack's library modules, the rule's import aliases, and (inside a
/// module's function) the module itself, whose other functions are called unqualified.
struct Scope<'a> {
    library: &'a super::library::Asts,
    aliases: BTreeMap<String, String>,
    module: Option<&'a AST>,
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

/// The reads of the calls in `ast`, whose variables point where `map` says.
fn collect(ast: &AST, map: &Places, scope: &Scope, out: &mut Reads, depth: usize) {
    ast.walk(&mut |path: &[ASTNode]| {
        let call = match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(x, _))) => &**x,
            Some(ASTNode::Stmt(Stmt::FnCall(x, _))) => &**x,
            Some(ASTNode::Expr(dot @ Expr::Dot(..))) => {
                if let Some(place) = place_of(dot, map).filter(|p| !p.is_empty()) {
                    out.paths.insert(generic(&place));
                }
                return true;
            }
            _ => return true,
        };
        if depth < MAX_CALL_DEPTH {
            follow(call, map, scope, out, depth);
        }
        if !call.namespace.is_empty() {
            return true;
        }
        let name = call.name.as_str();
        let judged = PATH_FIRST.contains(&name);
        let place = if matches!(name, "having" | "except" | "on_or_after") {
            // The field each item is filtered by.
            match (call.args.first(), call.args.get(1)) {
                (Some(list), Some(p)) => place_of(list, map)
                    .zip(place_of(p, map))
                    .map(|(list, field)| join(&format!("{list}[0]"), &field)),
                _ => None,
            }
        } else if matches!(name, "lookup" | "has") {
            match (call.args.first(), call.args.get(1)) {
                (Some(v), Some(p)) => place_of(v, map)
                    .zip(place_of(p, map))
                    .map(|(base, rest)| join(&base, &rest)),
                _ => None,
            }
        } else if judged {
            call.args.first().and_then(|a| place_of(a, map))
        } else {
            None
        };
        if let Some(place) = place.filter(|p| !p.is_empty()) {
            if judged {
                out.judged.insert(generic(&place));
            }
            out.paths.insert(generic(&place));
        }
        true
    });
}

/// Whether an expression is `ctx.params`.
fn is_ctx_params(expr: &Expr) -> bool {
    matches!(expr, Expr::Dot(x, ..)
        if matches!(&x.lhs, Expr::Variable(v, ..) if v.1.as_str() == "ctx")
            && matches!(&x.rhs, Expr::Property(p, _) if p.2.as_str() == "params"))
}

/// A call of a library function (`module::f(...)`, or `f(...)` inside the module): what its
/// body reads, its parameters pointing where the call's arguments do.
fn follow(call: &rhai::FnCallExpr, map: &Places, scope: &Scope, out: &mut Reads, depth: usize) {
    let module = if call.namespace.is_empty() {
        scope.module
    } else {
        let root = call.namespace.root();
        let name = scope.aliases.get(root).map_or(root, String::as_str);
        scope.library.get(name)
    };
    let Some(module) = module else { return };
    let (name, count) = (call.name.as_str(), call.args.len());
    let Some(function) = module
        .iter_functions()
        .find(|f| f.name == name && f.params.len() == count)
    else {
        return;
    };
    let mut start = Places::new();
    let mut params_given: BTreeSet<String> = BTreeSet::new();
    for (param, arg) in function.params.iter().zip(&call.args) {
        if let Some(place) = place_of(arg, map) {
            start.insert((*param).to_string(), Some(place));
        }
        if is_ctx_params(arg) {
            params_given.insert((*param).to_string());
        }
    }
    // (`clone_functions_only_filtered` keeps every function when it starts from an empty
    // module, in Rhai 1.27: the filter is applied by `retain_functions` instead.)
    let mut body = module.clone_functions_only();
    body.retain_functions(|_, _, n, c| n == name && c == count);
    // The pack parameters the function reads from `ctx.params` it was given (`p.NAME`).
    body.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Expr(Expr::Dot(x, ..))) = path.last()
            && let (Expr::Variable(var, ..), Expr::Property(prop, _)) = (&x.lhs, &x.rhs)
            && params_given.contains(var.1.as_str())
        {
            out.params.insert(prop.2.to_string());
        }
        true
    });
    let inner = Scope {
        library: scope.library,
        aliases: BTreeMap::new(),
        module: Some(module),
    };
    collect(&body, &bindings_from(&body, start), &inner, out, depth + 1);
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
