//! Comparisons that cannot silently lie. Rhai answers `80 < "80"` with `false` and
//! `() > 3` with `false`: a rule comparing a number with a string, or a missing value with a
//! threshold, never fires and never says why. Here every comparison of two values of different
//! types (a number with a string, a date with a string, anything with `()`) is an error of the
//! rule, at the operator, naming both types.
//!
//! Two exceptions keep the idioms rules rely on: numbers compare with numbers whatever their
//! representation (`3 < 3.5`), and `==` and `!=` with `()` ask whether a value is missing
//! (`if x == () { ... }`). Maps compare with maps, a document's and a script's alike.
//!
//! The operators are functions of one module, built once per process and shared by every
//! engine. Rhai's fast path for operators answers different types before any registered
//! function is looked at, so the engine turns it off ([`super::build`]); each operator call then
//! looks its function up once in a cache.

use std::sync::OnceLock;

use rhai::{
    Array, Dynamic, EvalAltResult, FLOAT, INT, ImmutableString, Map, Module, Position, Shared,
};

use super::value::Mapping;
use crate::date::Date;

/// The payload of the error a mixed comparison raises, so that the diagnostic can say what to
/// do about it (see [`super::rule_error`]).
#[derive(Debug, Clone)]
pub struct Mismatch(pub String);

/// What a value is, in a message.
pub fn type_word(v: &Dynamic) -> &'static str {
    if v.is_unit() {
        "`()` (a missing value)"
    } else if v.is_int() || v.is_float() {
        "a number"
    } else if v.is_string() || v.is_char() {
        "a string"
    } else if v.is_bool() {
        "a boolean"
    } else if v.is::<Date>() {
        "a date"
    } else if v.is_array() {
        "a list"
    } else if v.is_map() || v.is::<Mapping>() {
        "a map"
    } else {
        "a value of another type"
    }
}

/// A value as a message quotes it: short, one line.
fn quoted(v: &Dynamic) -> String {
    if v.is_unit() || v.is_array() || v.is_map() || v.is::<Mapping>() {
        return String::new();
    }
    let text = if v.is_string() {
        format!("{v:?}")
    } else if let Some(d) = v.read_lock::<Date>() {
        d.to_string()
    } else {
        v.to_string()
    };
    let short: String = text.chars().take(40).collect();
    let cut = if short.len() < text.len() { "…" } else { "" };
    format!(" `{short}{cut}`")
}

/// The error of comparing `a` with `b` with `op`.
pub fn mismatch(op: &str, a: &Dynamic, b: &Dynamic) -> Box<EvalAltResult> {
    let text = format!(
        "`{op}` compares {}{} with {}{}: values of different types {}",
        type_word(a),
        quoted(a),
        type_word(b),
        quoted(b),
        if matches!(op, "==" | "!=") {
            "are never equal, so the answer would say nothing"
        } else {
            "have no order, so the answer would say nothing"
        }
    );
    Box::new(EvalAltResult::ErrorRuntime(
        Dynamic::from(Mismatch(text)),
        Position::NONE,
    ))
}

const ORDER: &[&str] = &["<", "<=", ">", ">="];
const EQUALITY: &[&str] = &["==", "!="];

/// Register `op` on `(A, B)` as an error.
fn refuse<A, B>(module: &mut Module, op: &'static str)
where
    A: rhai::Variant + Clone,
    B: rhai::Variant + Clone,
{
    module.set_native_fn(op, move |a: A, b: B| -> Result<bool, Box<EvalAltResult>> {
        Err(mismatch(op, &Dynamic::from(a), &Dynamic::from(b)))
    });
}

/// Every operator on `(A, B)` and `(B, A)`; `()` keeps its `==` and `!=`.
fn both_ways<A, B>(module: &mut Module, unit: bool)
where
    A: rhai::Variant + Clone,
    B: rhai::Variant + Clone,
{
    let equality: &[&str] = if unit { &[] } else { EQUALITY };
    for op in ORDER.iter().chain(equality) {
        refuse::<A, B>(module, op);
        refuse::<B, A>(module, op);
    }
}

/// The pairs of a type with every type of another family.
macro_rules! against {
    ($module:expr, $a:ty, [$($b:ty),*]) => {
        $( both_ways::<$a, $b>($module, false); )*
    };
}

/// `()` against every other type: ordering only.
macro_rules! unit_against {
    ($module:expr, [$($b:ty),*]) => {
        $( both_ways::<(), $b>($module, true); )*
    };
}

fn build() -> Module {
    let mut module = Module::new();
    let m = &mut module;
    // Numbers (INT and FLOAT are one family) against the others.
    against!(m, INT, [ImmutableString, bool, Date, Array, Map, Mapping]);
    against!(m, FLOAT, [ImmutableString, bool, Date, Array, Map, Mapping]);
    against!(m, ImmutableString, [bool, Date, Array, Map, Mapping]);
    against!(m, bool, [Date, Array, Map, Mapping]);
    against!(m, Date, [Array, Map, Mapping]);
    against!(m, Array, [Map, Mapping]);
    unit_against!(
        m,
        [INT, FLOAT, ImmutableString, bool, Date, Array, Map, Mapping]
    );
    // `() < ()` is as meaningless as `() < 1`.
    for op in ORDER {
        m.set_native_fn(
            *op,
            move |_: (), _: ()| -> Result<bool, Box<EvalAltResult>> {
                Err(mismatch(op, &Dynamic::UNIT, &Dynamic::UNIT))
            },
        );
    }
    module.build_index();
    module
}

/// The module of refused comparisons, built once.
pub fn module() -> Shared<Module> {
    static MODULE: OnceLock<Shared<Module>> = OnceLock::new();
    MODULE.get_or_init(|| Shared::new(build())).clone()
}

#[cfg(test)]
mod tests {
    use rhai::Dynamic;

    use crate::engine::{Sandbox, engine};

    fn eval(script: &str) -> Result<Dynamic, String> {
        let engine = engine(&Sandbox::default());
        let mut scope = rhai::Scope::new();
        scope.push("d", crate::date::Date::parse("2025-01-31").expect("a date"));
        engine
            .eval_with_scope::<Dynamic>(&mut scope, script)
            .map_err(|e| match *e {
                rhai::EvalAltResult::ErrorRuntime(v, _) => v
                    .try_cast::<super::Mismatch>()
                    .map_or_else(|| "another error".to_string(), |m| m.0),
                other => other.to_string(),
            })
    }

    #[test]
    fn different_types_do_not_compare() {
        for (script, words) in [
            ("80 < \"80\"", "a number `80` with a string `\"80\"`"),
            ("\"80\" >= 79.5", "a string `\"80\"` with a number `79.5`"),
            ("d < \"2025-02-01\"", "a date `2025-01-31` with a string"),
            ("() > 3", "`()` (a missing value) with a number `3`"),
            ("3 <= ()", "a number `3` with `()`"),
            ("true == \"true\"", "a boolean `true` with a string"),
            ("d == 2025", "a date `2025-01-31` with a number `2025`"),
            ("[1] != 1", "a list with a number `1`"),
        ] {
            let err = eval(script).expect_err(script);
            assert!(err.contains(words), "{script}: {err}");
        }
    }

    #[test]
    fn the_idioms_still_work() {
        for (script, expected) in [
            ("3 < 3.5", true),
            ("4.0 == 4", true),
            ("() == ()", true),
            ("\"a\" == ()", false),
            ("() != 3", true),
            ("#{a: 1} == #{a: 1}", true),
            ("\"a\" < \"b\"", true),
            ("d == d", true),
            ("[1, 2].contains(2)", true),
        ] {
            let value = eval(script).unwrap_or_else(|e| panic!("{script}: {e}"));
            assert_eq!(value.as_bool().ok(), Some(expected), "{script}");
        }
    }
}
