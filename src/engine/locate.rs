//! Where a rule failed: the script (the rule's own file, or the `lib/` module whose function
//! was running), its line and column, and the document path of the item being judged.
//!
//! An error raised by a statement carries its position, and each function call it passed
//! through names the script that function came from (every rule and library module is compiled
//! with its file as its source), so the innermost position is found in the right file. A
//! sandbox limit (too many operations, too long, too deep) carries no position at all: Rhai
//! stops wherever it happens to be. For those, the rule is run once more on the same document
//! with a tracer ([`Tracer`]) that notes the last loop entered and the last call made, which is
//! where the limit struck; only a failed rule pays for it.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use rhai::{ASTNode, Dynamic, Engine, EvalAltResult, Expr, Position, Stmt};

use super::Sandbox;
use super::compare::Mismatch;
use crate::diag::{Code, ToolDiagnostic};
use crate::pack::Rule;
use crate::source::SourceFile;

/// A place in one of a pack's scripts, by its file as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Spot {
    fn of(file: &str, pos: Position) -> Option<Spot> {
        Some(Spot {
            file: file.to_string(),
            line: pos.line()?,
            column: pos.position().unwrap_or(1),
        })
    }
}

/// What it takes to build a pack's engine again with a tracer: built on first use, by the
/// first rule of the pack that goes over a limit.
pub struct Tracer {
    sandbox: Sandbox,
    libs: Vec<(String, rhai::Shared<rhai::Module>)>,
    properties: BTreeSet<String>,
    engine: OnceLock<Engine>,
}

impl std::fmt::Debug for Tracer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tracer").finish_non_exhaustive()
    }
}

/// What the tracer saw last, on this thread.
#[derive(Default)]
struct Seen {
    /// The last loop entered.
    looping: Option<Spot>,
    /// The last function call made.
    calling: Option<Spot>,
}

thread_local! {
    static SEEN: RefCell<Seen> = RefCell::new(Seen::default());
}

impl Tracer {
    pub fn new(
        sandbox: &Sandbox,
        libs: &[(String, rhai::Shared<rhai::Module>)],
        properties: &BTreeSet<String>,
    ) -> Tracer {
        Tracer {
            sandbox: sandbox.clone(),
            libs: libs.to_vec(),
            properties: properties.clone(),
            engine: OnceLock::new(),
        }
    }

    /// The pack's engine, with a debugger that notes each loop and call as it is reached.
    fn engine(&self) -> &Engine {
        self.engine.get_or_init(|| {
            let mut engine = super::pack_engine(&self.sandbox, &self.libs, &self.properties);
            #[allow(deprecated)] // Rhai calls its debugger API volatile, not deprecated.
            engine.register_debugger(
                |_, debugger| debugger,
                |context, _event, node, _source, pos| {
                    let file = context
                        .namespaces()
                        .last()
                        .and_then(|m| m.id())
                        .unwrap_or_default();
                    let spot = || Spot::of(file, pos);
                    match node {
                        ASTNode::Stmt(Stmt::While(..) | Stmt::Do(..) | Stmt::For(..)) => {
                            SEEN.with(|s| s.borrow_mut().looping = spot());
                        }
                        ASTNode::Stmt(Stmt::FnCall(..)) | ASTNode::Expr(Expr::FnCall(..)) => {
                            SEEN.with(|s| s.borrow_mut().calling = spot());
                        }
                        _ => {}
                    }
                    Ok(rhai::debugger::DebuggerCommand::StepInto)
                },
            );
            engine
        })
    }

    /// Run `function` of `rule` again on the same arguments, traced, and say where it was when
    /// it stopped: the loop it was in (for operations and time), or the call that went too
    /// deep (for a stack overflow).
    pub fn relocate(
        &self,
        rule: &Rule,
        function: &str,
        args: (Dynamic, Dynamic),
        as_of: crate::date::Date,
    ) -> Option<(Spot, &'static str)> {
        let ast = rule.ast().ok()?;
        let engine = self.engine();
        let (err, seen) = super::budget::limited(self.sandbox.budget(), || {
            SEEN.with(|s| *s.borrow_mut() = Seen::default());
            super::api::begin(as_of, rule.severity, false);
            super::value::begin(self.sandbox.max_memory);
            let mut scope = rhai::Scope::new();
            let result = engine.call_fn_with_options::<Dynamic>(
                rhai::CallFnOptions::new()
                    .eval_ast(false)
                    .rewind_scope(true),
                &mut scope,
                ast,
                function,
                args,
            );
            drop(scope);
            super::value::begin(usize::MAX);
            let _ = super::api::finish();
            let seen = SEEN.with(|s| std::mem::take(&mut *s.borrow_mut()));
            // Only what kind of error it was leaves the section.
            let stack = matches!(
                result.as_ref().err().map(|e| innermost(e).1),
                Some(EvalAltResult::ErrorStackOverflow(_))
            );
            (result.is_err().then_some(stack), seen)
        })?;
        match err? {
            true => seen
                .calling
                .map(|s| (s, "the call that went too deep: does the recursion stop?")),
            false => seen
                .looping
                .map(|s| (s, "the loop that was running: does it end?"))
                .or_else(|| {
                    seen.calling
                        .map(|s| (s, "the call that was running when the rule stopped"))
                }),
        }
    }
}

/// The innermost error of a chain of function calls, with the script it happened in (`None`:
/// the rule itself) and its position (`NONE` when it has none).
pub fn innermost(err: &EvalAltResult) -> (Option<&str>, &EvalAltResult, Position) {
    let mut inner = err;
    let mut file: Option<&str> = None;
    let mut known = (file, err.position());
    while let EvalAltResult::ErrorInFunctionCall(_, source, next, _) = inner {
        inner = next;
        if !source.is_empty() {
            file = Some(source.as_str());
        }
        if !inner.position().is_none() {
            known = (file, inner.position());
        }
    }
    if !inner.position().is_none() {
        known = (file, inner.position());
    }
    (known.0, inner, known.1)
}

/// The error's own words, without the position Rhai appends to them.
fn words(inner: &EvalAltResult) -> String {
    match inner {
        EvalAltResult::ErrorRuntime(value, _) => match value.clone().try_cast::<Mismatch>() {
            Some(m) => m.0,
            None => value.to_string(),
        },
        other => {
            let text = other.to_string();
            match text.rfind(" (line ") {
                Some(cut) if text.ends_with(')') => text[..cut].to_string(),
                _ => text,
            }
        }
    }
}

/// The diagnostic code of an error, and what to do about it.
fn code_and_help(inner: &EvalAltResult) -> (Code, &'static str) {
    match inner {
        EvalAltResult::ErrorTooManyOperations(_) => (
            Code::RuleLimit,
            "the rule ran too many operations: look for a loop that never ends, or raise `--max-operations`",
        ),
        EvalAltResult::ErrorTerminated(token, _) if super::is_memory(token) => (
            Code::RuleLimit,
            "the rule held more memory than the sandbox allows (strings, lists, maps, closures and the values they capture all count): keep less, or report as you go",
        ),
        EvalAltResult::ErrorTerminated(..) => (
            Code::RuleLimit,
            "the rule ran out of time: look for a loop that never ends, or raise `--rule-timeout`",
        ),
        EvalAltResult::ErrorStackOverflow(_) => (
            Code::RuleLimit,
            "the rule called functions too deeply: look for recursion that never stops",
        ),
        EvalAltResult::ErrorDataTooLarge(what, _)
            if what.starts_with(super::value::MEMORY_LIMIT) =>
        {
            (
                Code::RuleLimit,
                "the rule wrote more into document maps than the sandbox allows: build findings, not copies of the document",
            )
        }
        EvalAltResult::ErrorDataTooLarge(..) => (
            Code::RuleLimit,
            "the rule built a string, list or map beyond the size limit (a value from the document may be too long to quote: quote a part of it)",
        ),
        EvalAltResult::ErrorRuntime(value, _) if value.is::<Mismatch>() => (
            Code::RuleTypeMismatch,
            "convert one side first (`num(x)`, `date(x)`, `x.to_string()`), or test for a missing value with `x == ()` before comparing; a pack can declare its `x_` fields' types (docs/pack.md) so that a wrong value is a schema error of the document",
        ),
        EvalAltResult::ErrorFunctionNotFound(..) => (
            Code::RuleError,
            "the function does not exist for these argument types: check the name against docs/rule-api.md, and the values' types (a missing field is `()`)",
        ),
        _ => (
            Code::RuleError,
            "fix the rule script; a missing field is `()`, so check values with `has()` or `lookup()` before using them",
        ),
    }
}

/// The script a file name shown in an error stands for: the rule's, or one of its pack's
/// library modules'.
fn script<'r>(rule: &'r Rule, file: Option<&str>) -> &'r std::sync::Arc<SourceFile> {
    file.and_then(|f| rule.lib_sources.get(f))
        .unwrap_or(&rule.source)
}

/// Point a diagnostic at where a traced run found a limit to strike.
pub fn repoint(rule: &Rule, d: ToolDiagnostic, spot: &Spot, label: &str) -> ToolDiagnostic {
    d.label(label)
        .at_line(script(rule, Some(&spot.file)), spot.line, spot.column)
}

/// A Rhai error as a diagnostic at the innermost place known: in the rule or the library
/// module where it happened, naming the item being judged (`item`, the last map of the
/// document the rule read). A limit, which strikes without a position, points at the rule's
/// first loop until [`repoint`] knows better.
pub fn rule_error(
    rule: &Rule,
    function: &str,
    err: &EvalAltResult,
    item: Option<&str>,
) -> ToolDiagnostic {
    let (file, inner, pos) = innermost(err);
    let (code, help) = code_and_help(inner);
    let mut message = match inner {
        EvalAltResult::ErrorTerminated(..) => format!(
            "rule `{}` stopped: {}",
            rule.id,
            super::limit_message(inner)
        ),
        _ => format!(
            "rule `{}` failed: {}",
            rule.id,
            super::api::capped(&words(inner))
        ),
    };
    if let Some(item) = item.filter(|i| !i.is_empty()) {
        message.push_str(&format!(", while judging `{item}`"));
    }
    let d = ToolDiagnostic::new(code, message).help(help);
    if let Some((line, column)) = pos.line().map(|l| (l, pos.position().unwrap_or(1))) {
        return d
            .label("the rule failed here")
            .at_line(script(rule, file), line, column);
    }
    if code == Code::RuleLimit
        && let Ok(ast) = rule.ast()
        && let Some(at) = crate::pack::lint::first_loop(ast)
        && let Some(line) = at.line()
    {
        return d.label("the rule's first loop: does it end?").at_line(
            &rule.source,
            line,
            at.position().unwrap_or(1),
        );
    }
    // Nothing better known: point at the function that was running.
    let line = rule
        .source
        .text
        .lines()
        .position(|l| l.trim_start().starts_with(&format!("fn {function}(")))
        .map_or(1, |i| i + 1);
    d.label("the rule failed in this function")
        .at_line(&rule.source, line, 1)
}

/// Whether an error is a sandbox limit that struck without a position, which a traced run can
/// place.
pub fn needs_tracing(err: &EvalAltResult) -> bool {
    let (_, inner, pos) = innermost(err);
    pos.is_none()
        && matches!(
            inner,
            EvalAltResult::ErrorTooManyOperations(_)
                | EvalAltResult::ErrorTerminated(..)
                | EvalAltResult::ErrorStackOverflow(_)
        )
}

/// The sources of a pack's library modules, by file as shown.
pub type LibSources = BTreeMap<String, Arc<SourceFile>>;
