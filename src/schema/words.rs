//! Schema problems in a department analyst's words: a pattern said as the form it asks for
//! (never the regular expression), an allowed value offered when one differs only in case or
//! by a typo, and a list placeholder with the values the list may hold and that `[]` is allowed.

use serde_json::Value as Json;

use super::walk;
use crate::node::Segment;

/// The form a pattern of the schemas asks for, in words, with an example.
pub fn pattern_words(pattern: &str) -> Option<&'static str> {
    match pattern {
        "^[0-9]{4}-Q[1-4]$" => {
            Some("a year and a quarter, written YYYY-Qn, such as 2025-Q1 (January to March 2025)")
        }
        "^[a-z0-9][a-z0-9-]*$" => Some(
            "an id of lower-case letters, digits and hyphens, starting with a letter or a digit, \
             such as get-into-teaching",
        ),
        _ => None,
    }
}

/// The help for a value that is not one of `choices`: the allowed value it most likely meant
/// (the same word in another case, or a close spelling), then every allowed value.
pub fn enum_help(value: Option<&str>, choices: &[String]) -> String {
    let list = choices.join(", ");
    let Some(value) = value else {
        return format!("use one of: {list}");
    };
    let same_case = choices.iter().find(|c| c.eq_ignore_ascii_case(value));
    if let Some(c) = same_case {
        return format!("did you mean `{c}`? Values are written exactly as listed: {list}");
    }
    let lower = value.to_lowercase().replace([' ', '-'], "_");
    let near = crate::suggest::closest(&lower, choices.iter().map(String::as_str));
    match near {
        Some(c) => format!("did you mean `{c}`? The allowed values are: {list}"),
        None => format!("use one of: {list}"),
    }
}

/// What a list placeholder at `path` (an item of a list) should become: the values the list's
/// items may take, and that an empty list is written `[]`. `None` when the placeholder is not in
/// a list.
pub fn list_hint(schema: &Json, path: &[Segment]) -> Option<String> {
    let (last, parent) = path.split_last()?;
    if !matches!(last, Segment::Index(_)) {
        return None;
    }
    let list = walk::deref(schema, walk::at(schema, parent)?);
    let items = walk::deref(schema, list.get("items")?);
    let values: Vec<String> = items
        .get("enum")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let what = if !values.is_empty() {
        format!("list any of: {}", values.join(", "))
    } else {
        let types = walk::types(items);
        let range = match (
            items.get("minimum").and_then(Json::as_f64),
            items.get("maximum").and_then(Json::as_f64),
        ) {
            (Some(lo), Some(hi)) => format!(" from {lo} to {hi}"),
            _ => String::new(),
        };
        if types.contains("integer") {
            format!("list whole numbers{range}")
        } else if types.contains("number") {
            format!("list numbers{range}")
        } else if types.contains("object") {
            "write one entry per item, each a mapping of the keys docs/format.md lists".to_string()
        } else {
            "list the values".to_string()
        }
    };
    Some(format!(
        "{what}, such as `[a, b]`; write `[]` when there are none"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_in_another_case_or_misspelt_is_offered_the_allowed_one() {
        let choices: Vec<String> = ["discovery", "alpha", "beta", "live", "retired"]
            .map(String::from)
            .to_vec();
        assert!(enum_help(Some("Live"), &choices).starts_with("did you mean `live`?"));
        assert!(enum_help(Some("BETA"), &choices).starts_with("did you mean `beta`?"));
        assert!(enum_help(Some("retird"), &choices).starts_with("did you mean `retired`?"));
        assert_eq!(
            enum_help(Some("zzzzzzzzz"), &choices),
            "use one of: discovery, alpha, beta, live, retired"
        );
        let better: Vec<String> = ["compliant", "partial", "non_compliant"]
            .map(String::from)
            .to_vec();
        assert!(
            enum_help(Some("Non-Compliant"), &better).starts_with("did you mean `non_compliant`?")
        );
    }

    #[test]
    fn patterns_are_said_in_words() {
        let words = pattern_words("^[0-9]{4}-Q[1-4]$").unwrap();
        assert!(words.contains("2025-Q1") && !words.contains('^'));
    }
}
