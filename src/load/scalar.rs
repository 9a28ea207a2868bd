//! Scalars by the YAML 1.2 core schema: plain text resolved to null, booleans, integers and
//! floats; the core tags, which must fit the value they are on; and the range of numbers a
//! declaration may give.

use saphyr_parser::Tag;

use super::Problem;
use super::tag;
use super::yaml::shorten;
use crate::diag::Code;
use crate::node::Value;
use crate::source::Span;

/// The value of a scalar under a core tag other than `!!str` (`!!int 7`, `!!null ~`), or the
/// problem with it: a tag that is not a core scalar tag, or one that does not fit the value.
/// `written` is the tag as the file writes it, for the problem.
pub(super) fn core_scalar(
    tag: &Tag,
    written: &str,
    text: &str,
    span: Span,
) -> Result<Value, Problem> {
    if !tag.is_yaml_core_schema() {
        return Err(tag::foreign(tag, written, span));
    }
    let value = resolve_plain(text);
    match (tag.suffix.as_str(), value) {
        ("null", Value::Null) => Ok(Value::Null),
        ("bool", v @ Value::Bool(_)) | ("int", v @ Value::Int(_)) => Ok(v),
        ("float", v @ Value::Float(_)) => Ok(v),
        #[allow(clippy::cast_precision_loss)] // checked against MAX_NUMBER afterwards
        ("float", Value::Int(i)) => Ok(Value::Float(i as f64)),
        ("null" | "bool" | "int" | "float", _) => Err(tag::mismatch(tag, written, span)),
        _ => Err(tag::foreign(tag, written, span)),
    }
}

/// The largest magnitude of a number a declaration may give: 2^53, the last integer up to which
/// every integer is exact as a floating-point number (and as a JSON number in any reader), and
/// far from where a rule's arithmetic on whole numbers could overflow.
pub const MAX_NUMBER: f64 = 9_007_199_254_740_992.0;

/// Whether a resolved value is a number too large for rules to compute with: beyond
/// [`MAX_NUMBER`] either way, or a literal too large to hold at all (`1e400`). The infinities
/// and NaN written as such (`.inf`, `.nan`) are left to the schema, which refuses them where a
/// number is expected.
pub(super) fn out_of_range(value: &Value, text: &str) -> bool {
    match value {
        Value::Int(i) => i.unsigned_abs() > 1 << 53,
        Value::Float(f) if f.is_nan() => false,
        Value::Float(f) => {
            f.abs() > MAX_NUMBER
                && !text
                    .trim_start_matches(['+', '-'])
                    .eq_ignore_ascii_case(".inf")
        }
        _ => false,
    }
}

pub(super) fn number_out_of_range(text: &str, span: Span) -> Problem {
    Problem::new(
        Code::YamlNumberRange,
        format!(
            "the number `{}` is outside the range rules can compute with (at most 9,007,199,254,740,992 either way)",
            shorten(text)
        ),
        span,
    )
    .label("number out of range")
    .help("write the real figure; if the value is meant as text, quote it")
}

/// The YAML 1.2 core schema's resolution of a plain scalar.
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let bytes = text.as_bytes();
    let digits = bytes
        .strip_prefix(b"-")
        .or_else(|| bytes.strip_prefix(b"+"))
        .unwrap_or(bytes);
    if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Int(i);
        }
        if let Ok(f) = text.parse::<f64>() {
            return Value::Float(f);
        }
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::Int(i);
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Value::Int(i);
    }
    if is_core_float(digits)
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(text.to_string())
}

/// `( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?` after the sign.
fn is_core_float(s: &[u8]) -> bool {
    let mut i = 0;
    let int_digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if s.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == s.len()
}

#[cfg(test)]
mod tests {
    use crate::load::{Limits, yaml::parse};

    /// The value of `x` in `x: <text>`, and the codes of the problems.
    fn read(text: &str) -> (Option<crate::node::Value>, Vec<&'static str>) {
        let docs = parse(&format!("x: {text}\n"), &Limits::default());
        let value = docs[0]
            .root
            .as_ref()
            .and_then(|r| r.get("x"))
            .map(|n| n.value.clone());
        let codes = docs[0].problems.iter().map(|p| p.code.id()).collect();
        (value, codes)
    }

    #[test]
    fn core_tags_are_read_only_on_values_of_their_type() {
        use crate::node::Value::*;
        assert_eq!(read("!!null ~"), (Some(Null), vec![]));
        assert_eq!(read("!!int \"7\""), (Some(Int(7)), vec![]));
        assert_eq!(read("!!float 7"), (Some(Float(7.0)), vec![]));
        assert_eq!(read("!!bool true"), (Some(Bool(true)), vec![]));
        assert_eq!(read("!!str 7"), (Some(Str("7".into())), vec![]));
        assert_eq!(
            read("! 2025-03-31"),
            (Some(Str("2025-03-31".into())), vec![])
        );
        for refused in ["!!null 2025-03-31", "!!int 7.5", "!!bool yes", "!!float x"] {
            assert_eq!(read(refused).1, ["yaml-tag"], "{refused}");
        }
        for foreign in [
            "!foo x",
            "!!binary aGk=",
            "!!python/object:os.system x",
            "!!timestamp 2025-03-31",
        ] {
            assert_eq!(read(foreign).1, ["yaml-tag"], "{foreign}");
        }
    }

    #[test]
    fn numbers_beyond_two_to_the_53_are_refused() {
        for refused in [
            "1.8e308",
            "-1e309",
            "1e400",
            "18446744073709551615",
            "-9223372036854775808",
            "9007199254740993",
            "0x7fffffffffffffff",
            "!!float 1e300",
        ] {
            let (value, codes) = read(refused);
            assert_eq!(codes, ["yaml-number-range"], "{refused}");
            assert_eq!(value, Some(crate::node::Value::Null), "{refused}");
        }
        for kept in [
            "9007199254740992",
            "-9007199254740992",
            "1e-300",
            ".inf",
            "-.inf",
            ".nan",
            "0",
        ] {
            assert_eq!(read(kept).1, Vec::<&str>::new(), "{kept}");
        }
        // Quoted, a large figure is text, and no concern of the loader.
        assert_eq!(read("\"1e400\"").1, Vec::<&str>::new());
    }
}
