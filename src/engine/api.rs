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

pub use super::helpers::{CONTEXT, HELPERS, Helper};

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
    /// Bytes the collector itself allocated while recording (see [`super::budget`]): what an
    /// evaluation legitimately leaves behind besides its return value.
    pub bytes: isize,
    /// Bytes the evaluation left behind besides the collector: for `collect`, what its return
    /// value holds (set by [`super::call`]).
    pub kept: usize,
    /// What the script printed with `print` and `debug`, in order.
    pub output: Vec<String>,
    /// Whether to record where each helper that records a result was called from.
    pub track_calls: bool,
    /// Where those helpers were called from, when tracked.
    pub calls: Vec<Site>,
}

thread_local! {
    static COLLECTOR: RefCell<Collector> = RefCell::new(Collector::default());
}

/// Start collecting for one evaluation (with the call sites of its results, when
/// `track_calls`).
pub fn begin(as_of: Date, severity: Severity, track_calls: bool) {
    COLLECTOR.with(|c| {
        *c.borrow_mut() = Collector {
            as_of: Some(as_of),
            default_severity: Some(severity),
            track_calls,
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
    // Both saturate at 0001-01-01 and 9999-12-31: a rule never fails on a date a document may
    // write, however near the end of the calendar.
    engine.register_fn("add_days", |d: Date, n: INT| d.add_days(n));
    engine.register_fn("add_months", |d: Date, n: INT| d.add_months(n));
}

/// What a rule records: findings, passed checks, places related to a finding. Each records
/// where it was called from, when the evaluation tracks that (`test --coverage`).
fn register_findings(engine: &mut Engine) {
    engine.register_fn("report", |c: Ctx, p: &str, m: &str| {
        reached(&c);
        push(p, m, None, None, None)
    });
    engine.register_fn("report", |c: Ctx, p: &str, m: &str, h: &str| {
        reached(&c);
        push(p, m, Some(h), None, None)
    });
    engine.register_fn("warn", |c: Ctx, p: &str, m: &str| {
        reached(&c);
        push(p, m, None, Some(Severity::Warning), None)
    });
    engine.register_fn("warn", |c: Ctx, p: &str, m: &str, h: &str| {
        reached(&c);
        push(p, m, Some(h), Some(Severity::Warning), None)
    });
    engine.register_fn("report_due", |c: Ctx, p: &str, d: Date, m: &str| {
        reached(&c);
        due(p, d, m, None, None)
    });
    engine.register_fn(
        "report_due",
        |c: Ctx, p: &str, d: Date, m: &str, h: &str| {
            reached(&c);
            due(p, d, m, Some(h), None)
        },
    );
    engine.register_fn(
        "report_due_in",
        |c: Ctx, r: Dynamic, p: &str, d: Date, m: &str, h: &str| {
            reached(&c);
            due(p, d, m, Some(h), target_of(&r)?)
        },
    );
    engine.register_fn(
        "report_in",
        |c: Ctx, r: Dynamic, p: &str, m: &str, h: &str| {
            reached(&c);
            push(p, m, Some(h), None, target_of(&r)?)
        },
    );
    engine.register_fn("relate", relate);
    engine.register_fn("pass", |c: Ctx, p: &str| -> RhaiResult<()> {
        reached(&c);
        check_path(p)?;
        passed(None, p)
    });
    engine.register_fn("pass_in", |c: Ctx, r: Dynamic, p: &str| -> RhaiResult<()> {
        reached(&c);
        check_path(p)?;
        let target = target_of(&r)?;
        passed(target, p)
    });
    engine.register_fn("not_applicable", |c: Ctx, reason: &str| {
        reached(&c);
        with(|c| c.not_applicable = Some(capped(reason)));
    });
}

/// The native call context, from which a helper learns where it was called.
type Ctx<'a> = rhai::NativeCallContext<'a>;

/// A place in a script: its file as shown (the rule's, or a `lib/` module's), line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Site {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// The script a native function was called from: the innermost namespace holding script
/// functions is the rule's own or a library module's, each named by its file.
pub fn caller_file(c: &Ctx) -> String {
    c.namespaces()
        .last()
        .and_then(|m| m.id())
        .unwrap_or_default()
        .to_string()
}

/// Record that the helper called through `c` was reached, when the evaluation tracks that.
fn reached(c: &Ctx) {
    with(|col| {
        if col.track_calls && col.calls.len() < MAX_PASSED {
            let pos = c.call_position();
            col.calls.push(Site {
                file: caller_file(c),
                line: pos.line().unwrap_or(0),
                column: pos.position().unwrap_or(0),
            });
        }
    });
}

/// Most lines of `print` and `debug` output one evaluation keeps.
pub const MAX_OUTPUT: usize = 1_000;

/// Keep a line a script printed (`print` or `debug`).
pub fn printed(text: &str) {
    with(|c| {
        if c.output.len() < MAX_OUTPUT {
            c.output.push(capped(text));
        } else if c.output.len() == MAX_OUTPUT {
            c.output.push(format!(
                "… more output than {MAX_OUTPUT} lines was left out"
            ));
        }
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
