//! `roadmap-lint test --coverage`: which of a rule's calls that record a result (`report`,
//! `warn`, `report_due`, `pass`, `not_applicable`, and their portfolio forms), in its script and
//! in the library functions it calls, no fixture reached. A branch whose `report` no fixture
//! reaches is a branch no fixture tests.

use std::collections::BTreeSet;

use rhai::{ASTNode, Expr, Stmt};

use crate::engine::api::Site;
use crate::pack::Rule;
use crate::render::escape::terminal_line;
use crate::testing::RuleTest;

/// The helpers that record a result.
const RECORDING: &[&str] = &[
    "report",
    "warn",
    "report_due",
    "pass",
    "not_applicable",
    "report_in",
    "pass_in",
    "report_due_in",
];

/// One call that records a result.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Call {
    pub site: Site,
    /// The helper called.
    pub helper: String,
}

/// Every call that records a result, in the rule's script and in the library functions it
/// calls (however deep).
pub fn calls(rule: &Rule) -> Vec<Call> {
    let Ok(ast) = rule.ast() else {
        return Vec::new();
    };
    let mut out = BTreeSet::new();
    let mut modules: BTreeSet<String> = BTreeSet::new();
    let mut wanted: Vec<(String, String)> = Vec::new();
    collect(ast, &rule.file, &mut out, &mut wanted);
    let mut done: BTreeSet<(String, String)> = BTreeSet::new();
    while let Some((module, function)) = wanted.pop() {
        if !done.insert((module.clone(), function.clone())) {
            continue;
        }
        let Some(lib) = rule.library.get(&module) else {
            continue;
        };
        modules.insert(module.clone());
        let mut body = lib.clone_functions_only();
        body.retain_functions(|_, _, n, _| n == function);
        let file = lib.source().unwrap_or_default().to_string();
        let mut inner = Vec::new();
        collect(&body, &file, &mut out, &mut inner);
        // A module's function calls the module's others unqualified.
        for (m, f) in inner {
            wanted.push((if m.is_empty() { module.clone() } else { m }, f));
        }
    }
    out.into_iter().collect()
}

/// The recording calls in `ast` (of `file`), and the library functions it calls (module,
/// function; an empty module for an unqualified call).
fn collect(
    ast: &rhai::AST,
    file: &str,
    out: &mut BTreeSet<Call>,
    wanted: &mut Vec<(String, String)>,
) {
    ast.walk(&mut |path: &[ASTNode]| {
        let (call, pos) = match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(x, pos))) => (&**x, *pos),
            Some(ASTNode::Stmt(Stmt::FnCall(x, pos))) => (&**x, *pos),
            _ => return true,
        };
        let name = call.name.as_str();
        if call.namespace.is_empty() && RECORDING.contains(&name) {
            out.insert(Call {
                site: Site {
                    file: file.to_string(),
                    line: pos.line().unwrap_or(0),
                    column: pos.position().unwrap_or(0),
                },
                helper: name.to_string(),
            });
        } else if !call.namespace.is_empty() {
            wanted.push((call.namespace.root().to_string(), name.to_string()));
        } else {
            wanted.push((String::new(), name.to_string()));
        }
        true
    });
}

/// Record in `tested` the calls its fixtures did not reach.
pub fn measure(rule: &Rule, tested: &mut RuleTest) {
    let all = calls(rule);
    let reached: BTreeSet<&Site> = tested.cases.iter().flat_map(|c| &c.reached).collect();
    tested.calls = all.len();
    tested.unreached = all
        .into_iter()
        .filter(|c| !reached.contains(&c.site))
        .collect();
}

/// The coverage lines of a rule in `test`'s report (nothing without `--coverage`).
pub fn render(rule: &RuleTest) -> String {
    if rule.calls == 0 {
        return String::new();
    }
    let reached = rule.calls - rule.unreached.len();
    let mut out = format!(
        "     coverage: {reached} of {} result calls reached\n",
        rule.calls
    );
    for c in &rule.unreached {
        out.push_str(&format!(
            "       never reached: {}:{}:{} `{}`\n",
            terminal_line(&c.site.file),
            c.site.line,
            c.site.column,
            c.helper
        ));
    }
    out
}
