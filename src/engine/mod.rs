//! The rule engine: a sandboxed Rhai engine, documents converted to Rhai values once, and the
//! evaluation of one rule against one document (or, for portfolio rules, against all of them).

pub mod api;
pub mod budget;
pub mod compare;
pub mod helpers;
pub mod locate;
pub mod value;

use std::time::Duration;

use rhai::module_resolvers::DummyModuleResolver;
use rhai::{CallFnOptions, Dynamic, Engine, EvalAltResult, Scope};

pub use api::RawFinding;
pub use value::{Mapping, to_dynamic};

use crate::date::Date;
use crate::diag::{Code, ToolDiagnostic};
use crate::pack::Rule;

/// Bounds on what one rule evaluation may use.
#[derive(Debug, Clone)]
pub struct Sandbox {
    pub max_operations: u64,
    pub max_call_levels: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
    pub time_limit: Duration,
    /// Most memory one evaluation may hold at once, counted by the allocator
    /// (`budget`): everything the script builds, keeps or captures. The same bound applies
    /// to what it writes into document maps (which Rhai's own size checks cannot see inside),
    /// counted without the allocator's help, and to a rule's or library module's top level
    /// when its pack loads.
    pub max_memory: usize,
    /// Most memory a portfolio rule's `collect` calls may keep, over the whole run, until its
    /// `check_all` (see `value::held_cost`), besides twice the size of the run's inputs.
    pub max_collected: usize,
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox {
            max_operations: 2_000_000,
            max_call_levels: 48,
            max_string_size: 1 << 20,
            // Nested lists and maps count against these, so they also bound how deep a rule
            // can nest values, and so the stack its threads need (see `budget::STACK_BYTES`).
            max_array_size: 25_000,
            max_map_size: 25_000,
            time_limit: Duration::from_secs(2),
            max_memory: 16 << 20,
            max_collected: 64 << 20,
        }
    }
}

impl Sandbox {
    /// The memory and time of one limited section ([`budget::limited`]).
    pub fn budget(&self) -> budget::Budget {
        budget::Budget {
            memory: self.max_memory,
            time: self.time_limit,
        }
    }
}

/// The engine of a pack whose `lib/` folder holds modules: each is registered under its file's
/// stem, so a rule calls `legacy::score(...)`, and `import "legacy" as l;` resolves to the same
/// module. Nothing else can be imported: the modules were compiled from the pack's own folder
/// when it loaded, and no file is read at run time.
///
/// `properties` are the names the pack's scripts read as properties (`svc.id`): each gets a
/// getter on document maps (see [`value::register_properties`]).
pub fn pack_engine(
    sandbox: &Sandbox,
    libs: &[(String, rhai::Shared<rhai::Module>)],
    properties: &std::collections::BTreeSet<String>,
) -> Engine {
    let mut engine = build(sandbox, !libs.is_empty());
    value::register_properties(&mut engine, properties);
    if libs.is_empty() {
        return engine;
    }
    let mut resolver = rhai::module_resolvers::StaticModuleResolver::new();
    for (name, module) in libs {
        engine.register_static_module(name.as_str(), module.clone());
        resolver.insert(name.as_str(), (**module).clone());
    }
    engine
        .set_module_resolver(resolver)
        .set_max_modules(libs.len().saturating_mul(4).max(8));
    engine
}

/// Where a script is compiled: what `import` can reach there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// A rule (whose `import` is refused only when its pack has no `lib/` modules).
    Rule,
    /// A module of a pack's `lib/` folder.
    Library,
}

/// A compile error in a pack's own words: Rhai's message, except where the script reaches for
/// something the sandbox takes away, where it says why (Rhai would say "'import' is a reserved
/// keyword" of an `import "../x"`).
pub fn compile_message(e: &rhai::ParseError, script: Script) -> String {
    use rhai::ParseErrorType::Reserved;
    let Reserved(word) = e.err_type() else {
        return e.err_type().to_string();
    };
    let why = match (word.as_str(), script) {
        ("import", Script::Library) => {
            "a `lib/` module cannot import: a pack reads nothing outside its own folder, and only \
             its rules import its `lib/` modules, by name"
        }
        ("import", _) => {
            "a pack reads nothing outside its own folder: a rule imports only a module of its \
             pack's `lib/` folder, by name (`import \"legacy\" as l;` for `lib/legacy.rhai`), \
             and this pack has none"
        }
        ("eval", _) => "a rule runs only the code of its pack, never text built at run time",
        ("export", _) => "a rule or module shares functions by defining them, not by exporting",
        _ => return e.err_type().to_string(),
    };
    format!("`{word}` is not available: {why}")
}

/// Build the sandboxed engine. Rhai has no file, network or environment access of its own; on
/// top of that, `eval` and `import` are disabled, printing goes nowhere, and every evaluation is
/// bounded in operations, call depth, sizes and wall-clock time.
pub fn engine(sandbox: &Sandbox) -> Engine {
    build(sandbox, false)
}

fn build(sandbox: &Sandbox, imports: bool) -> Engine {
    // What `Engine::new()` gives, less its file module resolver, printing and interner (all
    // replaced below), with Rhai's standard library built once per process and shared: a run
    // builds an engine for each pack and one to compile its library, and building the standard
    // library's function tables was a tenth of a one-file check.
    static STANDARD: std::sync::OnceLock<rhai::Shared<rhai::Module>> = std::sync::OnceLock::new();
    let mut engine = Engine::new_raw();
    engine.register_global_module(
        STANDARD
            .get_or_init(|| {
                use rhai::packages::Package;
                rhai::packages::StandardPackage::new().as_shared_module()
            })
            .clone(),
    );
    engine
        .set_max_operations(sandbox.max_operations)
        .set_max_call_levels(sandbox.max_call_levels)
        .set_max_expr_depths(64, 32)
        .set_max_string_size(sandbox.max_string_size)
        .set_max_array_size(sandbox.max_array_size)
        .set_max_map_size(sandbox.max_map_size)
        .set_max_variables(1_000)
        .set_max_functions(500)
        .set_max_modules(0)
        // The interner is one lock shared by every thread: with it, two worker threads were
        // no faster than one.
        .set_max_strings_interned(0)
        // Rhai's optimiser (its default, `Simple`) was a tenth of a one-file check's CPU time,
        // spent compiling the rules, and saved nothing measurable when evaluating them over
        // 1,000 declarations (docs/benchmarks.md). `Full` changes what some rules report.
        .set_optimization_level(rhai::OptimizationLevel::None)
        .set_module_resolver(DummyModuleResolver::new())
        .disable_symbol("eval")
        .disable_symbol("export")
        // Rhai's fast path answers operators on values of different types (`80 < "80"` is
        // false) before any registered function is looked at: off, so that the refusals of
        // `compare` are found.
        .set_fast_operators(false);
    engine.register_global_module(compare::module());
    if !imports {
        engine.disable_symbol("import");
    }
    // What a script prints is kept with what it records: `test` shows it for each fixture, and
    // `check --debug-rule` for each document.
    engine.on_print(api::printed);
    engine.on_debug(|text, _, _| api::printed(text));
    engine.on_progress(|ops| {
        // Memory before every operation (two thread-local reads). The clock every 16
        // operations: often enough that one slow operation (copying a 100,000-item array takes
        // milliseconds) cannot carry a rule far past its deadline, for about a nanosecond per
        // operation.
        budget::exceeded(ops % 16 == 0).map(|stop| Dynamic::from(stop.token()))
    });
    api::register(&mut engine);
    value::register(&mut engine, sandbox.max_map_size);
    engine
}

/// What a rule concluded about one document.
#[derive(Debug)]
pub enum Verdict {
    /// The rule applied: the checks that passed (paths), and the findings.
    Applied {
        passed: Vec<(Option<usize>, String)>,
        findings: Vec<RawFinding>,
    },
    NotApplicable(String),
    /// The rule failed to run; the diagnostic points into its script.
    Failed(ToolDiagnostic),
}

/// What an evaluation left besides its verdict: what the script printed, and where it recorded
/// its results from (when tracked).
#[derive(Debug, Default)]
pub struct Trail {
    pub output: Vec<String>,
    pub calls: Vec<api::Site>,
}

impl Trail {
    /// Take the trail out of what a call collected.
    pub fn of(collected: &mut api::Collector) -> Trail {
        Trail {
            output: std::mem::take(&mut collected.output),
            calls: std::mem::take(&mut collected.calls),
        }
    }
}

/// Call one function of a rule, collecting what it reports (and, when `track_calls`, where
/// each result was recorded from): one limited section of the
/// sandbox ([`budget::limited`]). The collector's `kept` says what the call left behind: for
/// `collect`, its return value (everything it holds, closures and captured values included);
/// for the others nothing, unless the script made values that hold themselves (a closure that
/// captures itself), which are never freed. Such leftovers add up over the rule's life: past
/// the sandbox's memory limit, the rule is not called again.
pub fn call(
    engine: &Engine,
    sandbox: &Sandbox,
    rule: &Rule,
    function: &str,
    args: (Dynamic, Dynamic),
    as_of: Date,
    track_calls: bool,
) -> (Result<Dynamic, ToolDiagnostic>, api::Collector) {
    let ast = match rule.ast() {
        Ok(ast) => ast,
        Err(e) => {
            let d = rule.diagnostic(
                Code::RuleSyntax,
                format!("rule script does not compile: {e}"),
            );
            return (Err(d), api::Collector::default());
        }
    };
    let left = rule.left_behind.load(std::sync::atomic::Ordering::Relaxed);
    if left > sandbox.max_memory {
        return (Err(left_behind(rule)), api::Collector::default());
    }
    let keeps_result = function == "collect";
    // A limit strikes without a position: the rule runs again, traced, to find where.
    let again = rule.tracer.is_some().then(|| args.clone());
    let mut traced = false;
    let Some((result, mut collector)) = budget::limited(sandbox.budget(), || {
        let start = budget::live();
        api::begin(as_of, rule.severity, track_calls);
        value::begin(sandbox.max_memory);
        let mut scope = Scope::new();
        let result = engine.call_fn_with_options::<Dynamic>(
            CallFnOptions::new().eval_ast(false).rewind_scope(true),
            &mut scope,
            ast,
            function,
            args,
        );
        drop(scope);
        let item = value::last_item();
        value::begin(usize::MAX);
        let error = |e: &EvalAltResult| locate::rule_error(rule, function, e, item.as_deref());
        let result = match result {
            Ok(v) if keeps_result => leaving(v).map_err(|e| error(&e)),
            // What `check` and `check_all` return is not used: dropped here, on this stack.
            Ok(_) => Ok(Dynamic::UNIT),
            Err(e) => {
                traced = locate::needs_tracing(&e);
                Err(error(&e))
            }
        };
        let mut collected = api::finish();
        let grown = budget::live()
            .saturating_sub(start)
            .saturating_sub(collected.bytes);
        // A diagnostic's own text is not left behind by the script.
        let allowance = if result.is_err() { ERROR_ALLOWANCE } else { 0 };
        collected.kept = usize::try_from(grown.saturating_sub(allowance)).unwrap_or(0);
        (result, collected)
    }) else {
        return (Err(no_stack(rule)), api::Collector::default());
    };
    let result = match (result, rule.tracer.as_ref(), again) {
        (Err(d), Some(tracer), Some(args)) if traced => {
            Err(match tracer.relocate(rule, function, args, as_of) {
                Some((spot, label)) => locate::repoint(rule, d, &spot, label),
                None => d,
            })
        }
        (result, ..) => result,
    };
    if !budget::counting() {
        collector.kept = 0;
    }
    if !keeps_result && collector.kept > 0 {
        let total = rule
            .left_behind
            .fetch_add(collector.kept, std::sync::atomic::Ordering::Relaxed)
            .saturating_add(collector.kept);
        if collector.kept > LEFT_BEHIND_PER_CALL || total > sandbox.max_memory {
            return (Err(left_behind(rule)), collector);
        }
    }
    (result, collector)
}

/// What a failed call may allocate for its diagnostic (its message is cut to a few kilobytes),
/// not counted as left behind by the script.
const ERROR_ALLOWANCE: isize = 64 << 10;

/// A value leaving the sandbox (what `collect` returns), unless it nests deeper than
/// [`value::MAX_NESTING`] or holds itself: outside the sandbox's threads, dropping or showing
/// it could overflow the stack. A refused value is dropped here.
pub fn leaving(v: Dynamic) -> Result<Dynamic, EvalAltResult> {
    match value::shape(&v) {
        Some(s) if s.depth <= value::MAX_NESTING => Ok(v),
        _ => Err(EvalAltResult::ErrorDataTooLarge(
            format!(
                "Nesting of the returned value (more than {} levels, or a value that holds itself)",
                value::MAX_NESTING
            ),
            rhai::Position::NONE,
        )),
    }
}

/// The diagnostic of a rule that could not run because no thread with the stack it needs
/// could be started.
pub fn no_stack(rule: &Rule) -> ToolDiagnostic {
    rule.diagnostic(
        Code::RuleLimit,
        format!(
            "rule `{}` did not run: no thread with the {} MiB of stack rule code needs could be \
             started",
            rule.id,
            budget::STACK_BYTES >> 20
        ),
    )
    .help("the process is at its limit of threads or address space (`ulimit -v`): run with fewer `--jobs`, or a higher limit")
}

/// Most bytes one evaluation of `check` or `check_all` may leave behind: the built-in rules
/// leave nothing.
const LEFT_BEHIND_PER_CALL: usize = 4 << 10;

/// The diagnostic of an evaluation that left memory behind that nothing can free: more than
/// [`LEFT_BEHIND_PER_CALL`], or more than the sandbox's memory limit over the rule's
/// evaluations so far (the rule is then not called again). Its words do not depend on the
/// order documents were checked in.
fn left_behind(rule: &Rule) -> ToolDiagnostic {
    rule.diagnostic(
        Code::RuleLimit,
        format!(
            "rule `{}` stopped: it left memory behind that nothing can free (more than {} \
             bytes in one evaluation; past the sandbox's memory limit over the run, the rule \
             is not run again)",
            rule.id, LEFT_BEHIND_PER_CALL
        ),
    )
    .help(
        "a value that holds itself is never freed (a closure that captures the variable it is \
         stored in, or a list that holds a closure capturing the list): pass values as \
         arguments instead of capturing them",
    )
}

/// Evaluate a per-document rule.
pub fn evaluate(
    engine: &Engine,
    sandbox: &Sandbox,
    rule: &Rule,
    doc: &Dynamic,
    ctx: &Dynamic,
    as_of: Date,
    track_calls: bool,
) -> (Verdict, Trail) {
    let (result, mut collected) = call(
        engine,
        sandbox,
        rule,
        "check",
        (doc.clone(), ctx.clone()),
        as_of,
        track_calls,
    );
    let trail = Trail::of(&mut collected);
    (verdict(result.map(|_| ()), collected), trail)
}

/// Turn what a call collected into a verdict.
pub fn verdict(result: Result<(), ToolDiagnostic>, collected: api::Collector) -> Verdict {
    match result {
        Err(d) => Verdict::Failed(d),
        Ok(()) => match collected.not_applicable {
            Some(reason) if collected.findings.is_empty() && collected.passed.is_empty() => {
                Verdict::NotApplicable(reason)
            }
            _ => Verdict::Applied {
                passed: collected.passed,
                findings: collected.findings,
            },
        },
    }
}

/// A Rhai error in words, a stop by the budget said as such (`Script terminated: memory
/// limit` would not tell a rule's author which limit).
pub fn limit_message(err: &EvalAltResult) -> String {
    match err {
        EvalAltResult::ErrorTerminated(token, _) if is_memory(token) => {
            "it held more memory than the sandbox's limit".into()
        }
        EvalAltResult::ErrorTerminated(..) => "it ran longer than its time limit".into(),
        other => other.to_string(),
    }
}

/// Whether a termination token is the memory budget's.
pub(crate) fn is_memory(token: &Dynamic) -> bool {
    token
        .read_lock::<rhai::ImmutableString>()
        .is_some_and(|t| t.as_str() == budget::Stop::MEMORY)
}
