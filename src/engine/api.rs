//! The functions rule scripts can call, beyond Rhai's own. Each is listed in [`HELPERS`] with
//! its documentation; `docs/rule-api.md` is generated from that list, and a test checks that the
//! list and the functions registered with the engine agree.
//!
//! Findings are collected per rule evaluation in a thread-local [`Collector`]: a rule runs
//! start to finish on one thread, so `report` needs no handle to pass around.

use std::cell::RefCell;

use rhai::{Array, Dynamic, Engine, EvalAltResult, FLOAT, INT, ImmutableString, Position};

use crate::date::Date;
use crate::finding::Severity;
use crate::node::{DocPath, Segment};

use super::value::Mapping;

/// A finding as a rule reports it: a path in the document, not yet a location.
#[derive(Debug, Clone)]
pub struct RawFinding {
    pub path: String,
    pub message: String,
    pub help: Option<String>,
    pub severity: Severity,
    /// Which document of a portfolio run the finding belongs to (`None`: the one being checked).
    pub target: Option<usize>,
    /// Other places the finding refers to: (document of the portfolio, path, label).
    pub related: Vec<(Option<usize>, String, String)>,
}

/// What one evaluation of one rule recorded.
#[derive(Debug, Default)]
pub struct Collector {
    pub as_of: Option<Date>,
    pub default_severity: Option<Severity>,
    pub findings: Vec<RawFinding>,
    pub passed: Vec<(Option<usize>, String)>,
    pub not_applicable: Option<String>,
    /// A misuse of a helper (such as a malformed path), reported as a rule error.
    pub misuse: Option<String>,
    /// Bytes the collector itself allocated while recording (see [`super::budget`]): what an
    /// evaluation legitimately leaves behind besides its return value.
    pub bytes: isize,
    /// Bytes the evaluation left behind besides the collector: for `collect`, what its return
    /// value holds (set by [`super::call`]).
    pub kept: usize,
}

thread_local! {
    static COLLECTOR: RefCell<Collector> = RefCell::new(Collector::default());
}

/// Start collecting for one evaluation.
pub fn begin(as_of: Date, severity: Severity) {
    COLLECTOR.with(|c| {
        *c.borrow_mut() = Collector {
            as_of: Some(as_of),
            default_severity: Some(severity),
            ..Collector::default()
        };
    });
}

/// Take what the evaluation recorded.
pub fn finish() -> Collector {
    COLLECTOR.with(|c| std::mem::take(&mut *c.borrow_mut()))
}

fn with<R>(f: impl FnOnce(&mut Collector) -> R) -> R {
    COLLECTOR.with(|c| {
        let mut c = c.borrow_mut();
        let before = super::budget::live();
        let result = f(&mut c);
        c.bytes = c
            .bytes
            .saturating_add(super::budget::live().saturating_sub(before));
        result
    })
}

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

fn misuse<T>(message: String) -> RhaiResult<T> {
    Err(Box::new(EvalAltResult::ErrorRuntime(
        message.into(),
        Position::NONE,
    )))
}

fn out_of_range(helper: &str, date: Date, n: INT, unit: &str) -> String {
    format!(
        "`{helper}({date}, {n})` is not a date: {n} {unit} after {date} lies outside the years 0001 to 9999"
    )
}

fn check_path(path: &str) -> RhaiResult<()> {
    DocPath::parse(path).map(|_| ()).or_else(misuse)
}

fn target_of(doc: &Dynamic) -> RhaiResult<Option<usize>> {
    if doc.is_unit() {
        return Ok(None);
    }
    match doc.as_int() {
        Ok(i) if i >= 0 => Ok(Some(i as usize)),
        _ => misuse("the document reference must be an item's `ref` in a portfolio rule".into()),
    }
}

/// Most findings one rule may report in one evaluation (one document, or one portfolio
/// `check_all`), checks it may pass, and places it may
/// relate to one finding. Each recorded string is copied out of the engine, so without these
/// a rule reporting a megabyte message in a loop would exhaust memory inside the operation limit.
pub const MAX_FINDINGS: usize = 10_000;
pub const MAX_PASSED: usize = 100_000;
pub const MAX_RELATED: usize = 100;
/// Longest message, help, label or path kept, in characters; longer ones are cut with `…`.
pub const MAX_TEXT: usize = 4_096;

fn over(what: &str, limit: usize) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorDataTooLarge(
        format!("{what} (more than {limit} in one evaluation)"),
        Position::NONE,
    ))
}

/// `text` cut to [`MAX_TEXT`] characters, with `…` where it was cut.
pub(crate) fn capped(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

fn push(
    path: &str,
    message: &str,
    help: Option<&str>,
    severity: Option<Severity>,
    target: Option<usize>,
) -> RhaiResult<()> {
    check_path(path)?;
    with(|c| {
        if c.findings.len() >= MAX_FINDINGS {
            return Err(over("Number of findings", MAX_FINDINGS));
        }
        let severity = severity.or(c.default_severity).unwrap_or(Severity::Error);
        c.findings.push(RawFinding {
            path: capped(path),
            message: capped(message),
            help: help.filter(|h| !h.is_empty()).map(capped),
            severity,
            target,
            related: Vec::new(),
        });
        Ok(())
    })
}

fn passed(target: Option<usize>, path: &str) -> RhaiResult<()> {
    with(|c| {
        if c.passed.len() >= MAX_PASSED {
            return Err(over("Number of passed checks", MAX_PASSED));
        }
        c.passed.push((target, capped(path)));
        Ok(())
    })
}

fn due(
    path: &str,
    deadline: Date,
    message: &str,
    help: Option<&str>,
    target: Option<usize>,
) -> RhaiResult<()> {
    let as_of = with(|c| c.as_of).unwrap_or_else(Date::today);
    let days = as_of.days_until(deadline);
    if days >= 0 {
        let left = match days {
            0 => "due today".to_string(),
            1 => "1 day left".to_string(),
            n => format!("{n} days left"),
        };
        push(
            path,
            &format!("{message} (deadline {deadline}: {left})"),
            help,
            Some(Severity::Warning),
            target,
        )
    } else {
        let n = -days;
        let late = if n == 1 {
            "1 day overdue".to_string()
        } else {
            format!("{n} days overdue")
        };
        push(
            path,
            &format!("{message} (deadline {deadline}: {late})"),
            help,
            None,
            target,
        )
    }
}

/// Convert a value to a date: a `Date` stays as it is, a `YYYY-MM-DD` string is parsed, anything
/// else is `()`.
pub fn to_date(value: &Dynamic) -> Option<Date> {
    if let Some(d) = value.clone().try_cast::<Date>() {
        return Some(d);
    }
    value
        .clone()
        .into_immutable_string()
        .ok()
        .and_then(|s| Date::parse(&s))
}

/// The last day of a reporting quarter written `YYYY-Qn` (calendar quarters: Q1 ends on 31
/// March), or `None` when `value` is not one.
fn quarter_end(value: &Dynamic) -> Option<Date> {
    let text = value.read_lock::<ImmutableString>()?;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() != 7 || chars[4] != '-' || chars[5] != 'Q' {
        return None;
    }
    let end = match chars[6] {
        '1' => "-03-31",
        '2' => "-06-30",
        '3' => "-09-30",
        '4' => "-12-31",
        _ => return None,
    };
    let year: String = chars[..4].iter().collect();
    Date::parse(&format!("{year}{end}"))
}

fn date_or_unit(value: Dynamic) -> Dynamic {
    to_date(&value).map_or(Dynamic::UNIT, Dynamic::from)
}

fn number(value: &Dynamic) -> Option<FLOAT> {
    value
        .as_int()
        .map(|i| i as FLOAT)
        .ok()
        .or_else(|| value.as_float().ok())
}

/// Look up a dotted path in a value, `()` when any step is missing. Walks by reference and
/// clones only what it finds.
pub fn lookup(value: &Dynamic, path: &str) -> RhaiResult<Dynamic> {
    find(value, path, &|found| {
        found.cloned().unwrap_or(Dynamic::UNIT)
    })
}

/// Whether a dotted path leads to a value other than `()`.
fn has_path(value: &Dynamic, path: &str) -> RhaiResult<bool> {
    find(value, path, &|found| found.is_some_and(|v| !v.is_unit()))
}

/// Follow `path` in `value` and hand what is found to `at`. A path of plain keys
/// (`organisation.id`), the form nearly every lookup takes, is walked without being parsed into
/// a [`DocPath`]; any other path is parsed (a malformed one is a misuse of the helper).
fn find<R>(value: &Dynamic, path: &str, at: &dyn Fn(Option<&Dynamic>) -> R) -> RhaiResult<R> {
    let plain = !path.is_empty()
        && !path.contains('[')
        && path.trim() == path
        && path.split('.').all(|k| !k.is_empty())
        && path.split('.').count() <= WALK_DEPTH;
    if plain {
        return Ok(walk(value, path.split('.').map(Step::Key), at));
    }
    let path = DocPath::parse(path).or_else(misuse)?;
    if path.0.len() > WALK_DEPTH {
        return Ok(at(Some(&lookup_by_copy(value, path.0))));
    }
    Ok(walk(value, path.0.iter().map(Step::of), at))
}

/// Paths longer than this (no document has them) are followed without recursion.
const WALK_DEPTH: usize = 64;

/// One step of a path, borrowed from a [`Segment`] or from the path's text.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'a> Step<'a> {
    fn of(segment: &'a Segment) -> Self {
        match segment {
            Segment::Key(k) => Step::Key(k),
            Segment::Index(i) => Step::Index(*i),
        }
    }
}

/// Follow a path one step at a time, copying each step's value: no recursion, whatever the
/// path's length.
fn lookup_by_copy(value: &Dynamic, path: Vec<Segment>) -> Dynamic {
    let mut current = value.clone();
    for segment in path {
        let next = match segment {
            Segment::Key(k) => super::value::with_entry(&current, &k, |v| v.cloned()),
            Segment::Index(i) => current.read_lock::<Array>().and_then(|a| a.get(i).cloned()),
        };
        match next {
            Some(v) => current = v,
            None => return Dynamic::UNIT,
        }
    }
    current
}

/// Follow a path by reference (recursing once per step) and hand what is found to `at`.
fn walk<'p, R>(
    value: &Dynamic,
    mut steps: impl Iterator<Item = Step<'p>>,
    at: &dyn Fn(Option<&Dynamic>) -> R,
) -> R {
    match steps.next() {
        None => at(Some(value)),
        Some(Step::Key(k)) => super::value::with_entry(value, k, |found| match found {
            Some(v) => walk(v, steps, at),
            None => at(None),
        }),
        Some(Step::Index(i)) => match value.read_lock::<Array>() {
            Some(a) => match a.get(i) {
                Some(v) => walk(v, steps, at),
                None => at(None),
            },
            None => at(None),
        },
    }
}

fn numbers(values: &Array) -> Option<Vec<FLOAT>> {
    values.iter().map(number).collect()
}

/// One documented helper.
pub struct Helper {
    pub signature: &'static str,
    pub returns: &'static str,
    pub doc: &'static str,
    pub example: &'static str,
}

macro_rules! helper {
    ($sig:expr, $ret:expr, $doc:expr, $ex:expr) => {
        Helper {
            signature: $sig,
            returns: $ret,
            doc: $doc,
            example: $ex,
        }
    };
}

/// Every helper registered by [`register`], in the order of the reference.
pub const HELPERS: &[Helper] = &[
    helper!(
        "report(path: String, message: String)",
        "()",
        "Records a failed check at `path` with the rule's severity.",
        r#"report("one_login.strategy_confirmed", "no One Login strategy has been confirmed");"#
    ),
    helper!(
        "report(path: String, message: String, help: String)",
        "()",
        "As `report`, with help text telling the reader how to fix it.",
        r#"report("services[0].secure_by_design.risk_owner", "no risk owner", "name the person who owns the risk");"#
    ),
    helper!(
        "report_due(path: String, deadline: Date, message: String)",
        "()",
        "Records an unmet fact that has a deadline. On or before the deadline it is a warning saying how many days are left; after it, a finding with the rule's severity saying how many days overdue.",
        r#"report_due("one_login.strategy_confirmed", date(ctx.params.one_login_strategy_deadline), "no One Login strategy");"#
    ),
    helper!(
        "report_due(path: String, deadline: Date, message: String, help: String)",
        "()",
        "As `report_due`, with help text.",
        r#"report_due("one_login", deadline, "no strategy", "confirm a strategy");"#
    ),
    helper!(
        "warn(path: String, message: String)",
        "()",
        "Records a warning at `path`. Warnings do not fail a check.",
        r#"warn("data.catalogue_entries", "the catalogue is empty");"#
    ),
    helper!(
        "warn(path: String, message: String, help: String)",
        "()",
        "As `warn`, with help text.",
        r#"warn("data", "no catalogue", "describe critical assets in the Data Catalogue");"#
    ),
    helper!(
        "report_in(ref: int, path: String, message: String, help: String)",
        "()",
        "In a portfolio rule, records a failed check in the document that `ref` identifies (each item passed to `check_all` carries its `ref`).",
        r#"report_in(item.ref, "services[2].top75", "not on the top-75 list", "set top75: false");"#
    ),
    helper!(
        "report_due_in(ref: int, path: String, deadline: Date, message: String, help: String)",
        "()",
        "In a portfolio rule, as `report_due` in the document that `ref` identifies: a warning with the days left on or before the deadline, a finding with the rule's severity after it.",
        r#"report_due_in(item.ref, "services", ctx.params.deadline_2025, "target not met", "make more services great");"#
    ),
    helper!(
        "relate(ref: int, path: String, label: String)",
        "()",
        "Adds a secondary label to the finding recorded last, pointing at `path` in the document `ref` identifies: `()` for the document being checked, an item's `ref` in a portfolio rule, or `ctx.declaration_ref` in a proposal rule (the department declaration given as `ctx.declaration`).",
        r#"relate((), "one_login.agreed_adoption_date", "the deadline was agreed here");"#
    ),
    helper!(
        "pass(path: String)",
        "()",
        "Records a check that passed at `path`. Scores count passed and failed checks, so record each item a rule looked at.",
        r#"pass("technology.systems[1]");"#
    ),
    helper!(
        "pass_in(ref: int, path: String)",
        "()",
        "In a portfolio rule, records a passed check in the document that `ref` identifies. In a proposal rule, `pass_in(ctx.declaration_ref, path)` records where in the department declaration a cross-check found what it passed: a review shows it as the criterion's evidence (it is not a check of the declaration).",
        r#"pass_in(item.ref, "services[0]");"#
    ),
    helper!(
        "not_applicable(reason: String)",
        "()",
        "Declares that the rule does not apply to this document, and why. It then counts neither as passed nor failed.",
        r#"return not_applicable("health bodies other than DHSC are exempt from One Login");"#
    ),
    helper!(
        "date(value: ?)",
        "Date or ()",
        "Reads a `YYYY-MM-DD` string (or a Date) as a Date; anything else, including an impossible day, gives `()`.",
        r#"let d = date(doc.as_of);"#
    ),
    helper!(
        "is_date(value: ?)",
        "bool",
        "Whether `value` is a Date or a valid `YYYY-MM-DD` string.",
        r#"if !is_date(sys.last_resilience_test) { ... }"#
    ),
    helper!(
        "quarter_end(period: ?)",
        "Date or ()",
        "The last day of a reporting quarter written `YYYY-Qn` (calendar quarters: Q1 ends on 31 March, Q4 on 31 December); `()` for anything else.",
        r#"let end = quarter_end(perf.period);"#
    ),
    helper!(
        "days_between(from: Date, to: Date)",
        "int",
        "Days from `from` to `to`: positive when `to` is later.",
        r#"let age = days_between(date(sys.last_resilience_test), ctx.as_of);"#
    ),
    helper!(
        "add_days(date: Date, days: int)",
        "Date",
        "The date `days` after `date` (before it, when negative). A result outside the years 0001 to 9999 is an error of the rule.",
        r#"let window_end = add_days(identified, 180);"#
    ),
    helper!(
        "add_months(date: Date, months: int)",
        "Date",
        "The date `months` calendar months after `date`, the day clamped to the month's end. A result outside the years 0001 to 9999 is an error of the rule.",
        r#"let contract_end = add_months(date(c.start), c.term_months);"#
    ),
    helper!(
        "lookup(value: ?, path: String)",
        "?",
        "Follows a dotted path such as `identity.idp_contracts[0].term_months` from `value`; `()` when any step is missing.",
        r#"let confidence = lookup(svc, "secure_by_design.confidence");"#
    ),
    helper!(
        "lookup(value: ?, path: String, default: ?)",
        "?",
        "As `lookup`, but gives `default` when the value is missing or `()`.",
        r#"let contracts = lookup(svc, "identity.idp_contracts", []);"#
    ),
    helper!(
        "has(value: ?, path: String)",
        "bool",
        "Whether the path exists and is not `()` (null).",
        r#"if !has(doc, "one_login.strategy_confirmed") { ... }"#
    ),
    helper!(
        "path(base: String, key: String)",
        "String",
        "Joins a path and a key: `path(\"data\", \"assets\")` is `data.assets`.",
        r#"let p = path(base, "hosting");"#
    ),
    helper!(
        "path(base: String, index: int)",
        "String",
        "Joins a path and a list index: `path(\"services\", 2)` is `services[2]`.",
        r#"let p = path("technology.systems", i);"#
    ),
    helper!(
        "path(item: map, key: String)",
        "String",
        "Joins the path of a map of the document (an item of a list, such as one of `doc.services`) and a key: for the fourth service, `path(svc, \"identity\")` is `services[3].identity`. With no key (`path(item)`), the item's own path.",
        r#"report(path(sys, "hosting"), "no hosting declared");"#
    ),
    helper!(
        "path(item: map)",
        "String",
        "The path of a map of the document, such as `technology.systems[2]`: see `path(item, key)`.",
        r#"pass(path(sys));"#
    ),
    helper!(
        "having(list: Array, path: String, value: ?)",
        "Array",
        "The items of `list` whose value at `path` (as `lookup` follows it) equals `value`, a string, number, `true`, `false` or `()`, in order. Items keep their paths (`path(item, key)`), so a rule need not count indices.",
        r#"for sys in having(lookup(doc, "technology.systems", []), "nationally_important", true) { ... }"#
    ),
    helper!(
        "except(list: Array, path: String, value: ?)",
        "Array",
        "As `having`, the items whose value at `path` does not equal `value`: `except(services, \"phase\", \"retired\")`.",
        r#"for svc in except(lookup(doc, "services", []), "phase", "retired") { ... }"#
    ),
    helper!(
        "on_or_after(list: Array, path: String, day: Date)",
        "Array",
        "The items of `list` whose value at `path` is a date (a Date or a `YYYY-MM-DD` string) on or after `day`, in order; items without such a date are left out.",
        r#"for svc in on_or_after(lookup(doc, "services", []), "started", from) { ... }"#
    ),
    helper!(
        "has_text(value: ?)",
        "bool",
        "Whether `value` is a string with something other than spaces in it: a blank reason or name is as good as none.",
        r#"if !has_text(lookup(doc, "proposal.strategic_commitments.explanations.one_login")) { ... }"#
    ),
    helper!(
        "pct(part: ?, whole: ?)",
        "float or ()",
        "`part` as a percentage of `whole`; `()` when either is not a number or `whole` is 0.",
        r#"let trained = pct(ddat.trained_last_12_months, ddat.headcount);"#
    ),
    helper!(
        "num(value: ?)",
        "float or ()",
        "The value as a float when it is a number, else `()`.",
        r#"let cost = num(perf.cost_per_transaction_gbp);"#
    ),
    helper!(
        "mean(values: Array)",
        "float or ()",
        "The mean of a list of numbers; `()` when the list is empty or holds a non-number.",
        r#"let l = mean(scores.likelihood);"#
    ),
    helper!(
        "max_of(values: Array)",
        "float or ()",
        "The largest of a list of numbers; `()` when empty or not all numbers.",
        r#"let worst = max_of(scores.impact);"#
    ),
    helper!(
        "min_of(values: Array)",
        "float or ()",
        "The smallest of a list of numbers; `()` when empty or not all numbers.",
        r#"let best = min_of(values);"#
    ),
    helper!(
        "sum(values: Array)",
        "float or ()",
        "The sum of a list of numbers; `()` when not all numbers.",
        r#"let total = sum(counts);"#
    ),
    helper!(
        "fmt_pct(value: float)",
        "String",
        "A percentage written to one decimal place, such as `71.4%`.",
        r#"report(p, "only " + fmt_pct(v) + " trained");"#
    ),
    helper!(
        "count(n: int, noun: String)",
        "String",
        "A number with its noun, singular for 1 and plural (an `s` added) otherwise: `1 day`, `12 days`.",
        r#"report(p, "tested " + count(age, "day") + " ago");"#
    ),
    helper!(
        "Date comparison: ==, !=, <, <=, >, >=",
        "bool",
        "Dates compare in calendar order.",
        r#"if date(x) > deadline { ... }"#
    ),
    helper!(
        "Date.year, Date.month, Date.day",
        "int",
        "The parts of a date.",
        r#"if d.year < 2023 { ... }"#
    ),
    helper!(
        "to_string(date: Date)",
        "String",
        "The date as `YYYY-MM-DD`; string concatenation uses the same form.",
        r#"report(p, "tested on " + d);"#
    ),
    helper!(
        "to_debug(date: Date)",
        "String",
        "The date as `YYYY-MM-DD`, as `debug` and string interpolation show it.",
        r#"let shown = `${d}`;"#
    ),
];

/// Register every helper with the engine.
pub fn register(engine: &mut Engine) {
    register_dates(engine);
    register_findings(engine);
    register_values(engine);
    register_numbers(engine);
}

/// The `Date` type and the date helpers.
fn register_dates(engine: &mut Engine) {
    engine.register_type_with_name::<Date>("Date");
    engine.register_fn("to_string", |d: &mut Date| d.to_string());
    engine.register_fn("to_debug", |d: &mut Date| d.to_string());
    engine.register_fn("+", |s: ImmutableString, d: Date| format!("{s}{d}"));
    engine.register_fn("+", |d: Date, s: ImmutableString| format!("{d}{s}"));
    engine.register_fn("==", |a: Date, b: Date| a == b);
    engine.register_fn("!=", |a: Date, b: Date| a != b);
    engine.register_fn("<", |a: Date, b: Date| a < b);
    engine.register_fn("<=", |a: Date, b: Date| a <= b);
    engine.register_fn(">", |a: Date, b: Date| a > b);
    engine.register_fn(">=", |a: Date, b: Date| a >= b);
    engine.register_get("year", |d: &mut Date| d.ymd().0 as INT);
    engine.register_get("month", |d: &mut Date| d.ymd().1 as INT);
    engine.register_get("day", |d: &mut Date| d.ymd().2 as INT);
    engine.register_fn("date", date_or_unit);
    engine.register_fn("quarter_end", |v: Dynamic| {
        quarter_end(&v).map_or(Dynamic::UNIT, Dynamic::from)
    });
    engine.register_fn("is_date", |v: Dynamic| to_date(&v).is_some());
    engine.register_fn("days_between", |a: Date, b: Date| a.days_until(b) as INT);
    engine.register_fn("add_days", |d: Date, n: INT| -> RhaiResult<Date> {
        d.add_days(n)
            .map_or_else(|| misuse(out_of_range("add_days", d, n, "days")), Ok)
    });
    engine.register_fn("add_months", |d: Date, n: INT| -> RhaiResult<Date> {
        d.add_months(n)
            .map_or_else(|| misuse(out_of_range("add_months", d, n, "months")), Ok)
    });
}

/// What a rule records: findings, passed checks, places related to a finding.
fn register_findings(engine: &mut Engine) {
    engine.register_fn("report", |p: &str, m: &str| push(p, m, None, None, None));
    engine.register_fn("report", |p: &str, m: &str, h: &str| {
        push(p, m, Some(h), None, None)
    });
    engine.register_fn("warn", |p: &str, m: &str| {
        push(p, m, None, Some(Severity::Warning), None)
    });
    engine.register_fn("warn", |p: &str, m: &str, h: &str| {
        push(p, m, Some(h), Some(Severity::Warning), None)
    });
    engine.register_fn("report_due", |p: &str, d: Date, m: &str| {
        due(p, d, m, None, None)
    });
    engine.register_fn("report_due", |p: &str, d: Date, m: &str, h: &str| {
        due(p, d, m, Some(h), None)
    });
    engine.register_fn(
        "report_due_in",
        |r: Dynamic, p: &str, d: Date, m: &str, h: &str| due(p, d, m, Some(h), target_of(&r)?),
    );
    engine.register_fn("report_in", |r: Dynamic, p: &str, m: &str, h: &str| {
        push(p, m, Some(h), None, target_of(&r)?)
    });
    engine.register_fn("relate", relate);
    engine.register_fn("pass", |p: &str| -> RhaiResult<()> {
        check_path(p)?;
        passed(None, p)
    });
    engine.register_fn("pass_in", |r: Dynamic, p: &str| -> RhaiResult<()> {
        check_path(p)?;
        let target = target_of(&r)?;
        passed(target, p)
    });
    engine.register_fn("not_applicable", |reason: &str| {
        with(|c| c.not_applicable = Some(capped(reason)));
    });
}

fn relate(r: Dynamic, p: &str, label: &str) -> RhaiResult<()> {
    check_path(p)?;
    let target = target_of(&r)?;
    with(|c| match c.findings.last_mut() {
        Some(f) if f.related.len() >= MAX_RELATED => {
            Err(over("Number of related places", MAX_RELATED))
        }
        Some(f) => {
            f.related.push((target, capped(p), capped(label)));
            Ok(())
        }
        None => misuse("`relate` needs a finding recorded before it".into()),
    })
}

/// Reading a document: paths, lookups, lists filtered by a field.
fn register_values(engine: &mut Engine) {
    // The value is taken by reference (a pure method, so constants are fine): `lookup(doc, ...)`
    // must not copy the whole document at each call.
    engine.register_fn("lookup", |v: &mut Dynamic, p: &str| lookup(v, p));
    engine.register_fn("lookup", |v: &mut Dynamic, p: &str, default: Dynamic| {
        lookup(v, p).map(|found| if found.is_unit() { default } else { found })
    });
    engine.register_fn("has", |v: &mut Dynamic, p: &str| has_path(v, p));
    engine.register_fn("path", |base: &str, key: &str| joined(base, key));
    engine.register_fn("path", |base: &str, index: INT| format!("{base}[{index}]"));
    engine.register_fn(
        "path",
        |item: &mut Dynamic, key: &str| -> RhaiResult<String> {
            item_path(item, |base| joined(base, key))
        },
    );
    engine.register_fn("path", |item: &mut Dynamic| -> RhaiResult<String> {
        item_path(item, str::to_string)
    });
    engine.register_fn(
        "having",
        |list: &mut Array, p: &str, value: Dynamic| -> RhaiResult<Array> {
            filtered(list, p, &value, true)
        },
    );
    engine.register_fn(
        "except",
        |list: &mut Array, p: &str, value: Dynamic| -> RhaiResult<Array> {
            filtered(list, p, &value, false)
        },
    );
    engine.register_fn(
        "on_or_after",
        |list: &mut Array, p: &str, day: Date| -> RhaiResult<Array> {
            let mut out = Array::new();
            for item in list.iter() {
                if find(item, p, &|v| v.and_then(to_date).is_some_and(|d| d >= day))? {
                    out.push(item.clone());
                }
            }
            Ok(out)
        },
    );
    engine.register_fn("has_text", |v: Dynamic| {
        v.read_lock::<ImmutableString>()
            .is_some_and(|s| !s.trim().is_empty())
    });
}

/// Numbers and the text of numbers.
fn register_numbers(engine: &mut Engine) {
    engine.register_fn("pct", |part: Dynamic, whole: Dynamic| {
        match (number(&part), number(&whole)) {
            (Some(p), Some(w)) if w != 0.0 => Dynamic::from_float(p * 100.0 / w),
            _ => Dynamic::UNIT,
        }
    });
    engine.register_fn("num", |v: Dynamic| {
        number(&v).map_or(Dynamic::UNIT, Dynamic::from_float)
    });
    engine.register_fn("mean", |a: Array| match numbers(&a) {
        Some(v) if !v.is_empty() => Dynamic::from_float(v.iter().sum::<FLOAT>() / v.len() as FLOAT),
        _ => Dynamic::UNIT,
    });
    engine.register_fn("max_of", |a: Array| match numbers(&a) {
        Some(v) if !v.is_empty() => Dynamic::from_float(v.into_iter().fold(FLOAT::MIN, FLOAT::max)),
        _ => Dynamic::UNIT,
    });
    engine.register_fn("min_of", |a: Array| match numbers(&a) {
        Some(v) if !v.is_empty() => Dynamic::from_float(v.into_iter().fold(FLOAT::MAX, FLOAT::min)),
        _ => Dynamic::UNIT,
    });
    engine.register_fn("sum", |a: Array| {
        numbers(&a).map_or(Dynamic::UNIT, |v| Dynamic::from_float(v.iter().sum()))
    });
    engine.register_fn("fmt_pct", |v: FLOAT| format!("{:.1}%", v));
    engine.register_fn("fmt_pct", |v: INT| format!("{v}.0%"));
    engine.register_fn("count", |n: INT, noun: &str| {
        if n == 1 || n == -1 {
            format!("{n} {noun}")
        } else {
            format!("{n} {noun}s")
        }
    });
}

/// Hand `at` the path of a document's map, such as `services[3]` (empty for the root).
fn item_path(item: &Dynamic, at: impl FnOnce(&str) -> String) -> RhaiResult<String> {
    match item.read_lock::<Mapping>() {
        Some(m) => Ok(at(m.path())),
        None => misuse(format!(
            "`path(item, ...)` takes a map of the document (such as an item of `doc.services`), not a {}",
            item.type_name()
        )),
    }
}

/// `base.key`, or `key` when `base` is the root.
fn joined(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_string()
    } else if key.is_empty() {
        base.to_string()
    } else {
        format!("{base}.{key}")
    }
}

/// The items of `list` whose value at `path` equals `value` (`keep` true), or does not (`keep`
/// false), in order. Items are shared, not copied.
fn filtered(list: &Array, path: &str, value: &Dynamic, keep: bool) -> RhaiResult<Array> {
    if !is_scalar(value) {
        let helper = if keep { "having" } else { "except" };
        return misuse(format!(
            "`{helper}` compares with a string, a number, true, false or (), not a {}",
            value.type_name()
        ));
    }
    let mut out = Array::new();
    for item in list {
        if find(item, path, &|found| {
            same(found.unwrap_or(&Dynamic::UNIT), value)
        })? == keep
        {
            out.push(item.clone());
        }
    }
    Ok(out)
}

fn is_scalar(v: &Dynamic) -> bool {
    v.is_unit() || v.is_bool() || v.is_int() || v.is_float() || v.is_string()
}

/// Whether a document value equals a scalar, as Rhai's `==` says: numbers by value (an integer
/// equals the same float), strings by text, and values of different types are never equal.
fn same(a: &Dynamic, scalar: &Dynamic) -> bool {
    if let (Ok(x), Ok(y)) = (a.as_int(), scalar.as_int()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (number(a), number(scalar)) {
        return x == y;
    }
    if a.is_unit() || scalar.is_unit() {
        return a.is_unit() && scalar.is_unit();
    }
    if let (Ok(x), Ok(y)) = (a.as_bool(), scalar.as_bool()) {
        return x == y;
    }
    match (
        a.read_lock::<ImmutableString>(),
        scalar.read_lock::<ImmutableString>(),
    ) {
        (Some(x), Some(y)) => x.as_str() == y.as_str(),
        _ => false,
    }
}
