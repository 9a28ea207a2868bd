//! `docs/pack.md`: the `pack.yaml` reference, made from `schemas/pack.schema.json` (which
//! `roadmap-lint schema pack` prints for editors), with an example of a department's pack.

use std::fmt::Write as _;

use serde_json::Value as Json;

/// The schema of `pack.yaml`.
pub const SCHEMA: &str = include_str!("../../schemas/pack.schema.json");

/// The example `pack.yaml` the reference shows: a department's own pack.
const EXAMPLE: &str = r#"name: dwp-2025
version: 0.1.0
description: DWP's own commitments for its large services, judged on `x_dwp` figures.
help_uri: "https://dwp.example.gov.uk/roadmap-rules/{id}.html"
applies_to: [DWP]                # its rules judge DWP's documents only
missions:
  - number: 1
    title: Services that work for everyone
    commitments:
      - number: 1
        text: Every large service is digital by default.
parameters:
  large_service_transactions:
    type: number
    minimum: 0
    default: 1000000
    rationale: A service with more transactions a year than this is large.
data:
  wcag: data/wcag.yaml           # ctx.data.wcag
fields:
  services[].x_dwp:              # a key of every service
    type: object
    additionalProperties: false
    properties:
      transactions_per_year: { type: number, minimum: 0, description: Transactions a year. }
      large: { type: boolean }
  x_dwp: schemas/x_dwp.yaml      # a top-level key, its schema in a file of the pack
"#;

/// `docs/pack.md`.
pub fn pack_reference() -> String {
    let mut out = String::from("# pack.yaml reference\n\n");
    out.push_str(super::NOTICE);
    out.push_str("\n\n");
    let schema: Json = serde_json::from_str(SCHEMA).unwrap_or(Json::Null);
    if let Some(d) = schema.get("description").and_then(Json::as_str) {
        out.push_str(d);
        out.push_str("\n\n");
    }
    out.push_str(
        "`roadmap-lint new RULE-ID --commitment N --pack DIR` writes a first `pack.yaml`; \
`roadmap-lint schema pack` prints this schema, for editors. A department's pack, checked beside \
the built-in one (`--rules DIR`, or `rule_folders:` in the config):\n\n```yaml\n",
    );
    out.push_str(EXAMPLE);
    out.push_str("```\n\n| key | type | what it is |\n| --- | --- | --- |\n");
    rows(&schema, 0, &mut out);
    out.push_str(
        "\nA pack's rules are its `.rhai` files outside `lib/` (docs/rule-api.md); its library \
modules are `lib/NAME.rhai`. Each rule's metadata names one of the pack's commitments. A \
pack's missions count in the scores only for the built-in pack and for packs the config names \
in `scored_packs:`; the others' rules are checked and reported, but leave the government score \
as it is.\n",
    );
    out
}

/// A table row for each property of `node`, and of the objects inside it.
fn rows(node: &Json, depth: usize, out: &mut String) {
    let Some(props) = node.get("properties").and_then(Json::as_object) else {
        return;
    };
    let required: Vec<&str> = node
        .get("required")
        .and_then(Json::as_array)
        .map(|r| r.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    for (key, value) in props {
        let indent = "&nbsp;&nbsp;".repeat(depth);
        let req = if required.contains(&key.as_str()) {
            " *required*"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {indent}`{key}`{req} | {} | {} |",
            type_of(value),
            value
                .get("description")
                .and_then(Json::as_str)
                .unwrap_or("")
                .replace('|', "\\|")
        );
        nested(value, depth + 1, out);
    }
}

/// The rows inside a property: an object's properties, a list's items, or a map's values
/// (shown as `NAME`).
fn nested(value: &Json, depth: usize, out: &mut String) {
    if let Some(items) = value.get("items") {
        rows(items, depth, out);
    } else if value.get("properties").is_some() {
        rows(value, depth, out);
    } else if let Some(values) = value.get("additionalProperties").filter(|v| v.is_object())
        && values.get("properties").is_some()
    {
        let indent = "&nbsp;&nbsp;".repeat(depth);
        let _ = writeln!(out, "| {indent}*NAME* | mapping | one entry, by its name |");
        rows(values, depth + 1, out);
    }
}

/// A property's type in words.
fn type_of(value: &Json) -> String {
    if let Some(options) = value.get("enum").and_then(Json::as_array) {
        let words: Vec<String> = options
            .iter()
            .filter_map(Json::as_str)
            .map(|s| format!("`{s}`"))
            .collect();
        return format!("one of: {}", words.join(", "));
    }
    let types: Vec<&str> = match value.get("type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
        _ => return "any".into(),
    };
    types
        .iter()
        .map(|t| match *t {
            "object" => "mapping",
            "array" => "list",
            "integer" => "whole number",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" or ")
}
