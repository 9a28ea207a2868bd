//! SARIF 2.1.0 (`--format sarif`), for code scanning. Built from serde structures, never by
//! hand: every rule that was loaded is described in `tool.driver.rules` with its documentation,
//! a help link and the commitment it serves; every finding is a result with a full region;
//! waived findings carry a suppression; cross-document context is in `relatedLocations`.
//! Columns count Unicode code points, as the rest of the tool does.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::diag::Code;
use crate::finding::{Finding, Related, Severity};
use crate::pack::RuleSet;
use crate::run::Run;
use crate::source::Location;

pub const SARIF_VERSION: &str = "2.1.0";
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a URI reference: forward slashes, anything outside the unreserved set (and
/// `/`) percent-encoded; relative paths stay relative (code scanning resolves them against the
/// repository root), absolute ones become `file://` URIs.
pub fn uri(file: &str) -> String {
    let file = file.replace('\\', "/");
    let file = file.strip_prefix("./").unwrap_or(&file);
    let mut out = String::new();
    if file.starts_with('/') {
        out.push_str("file://");
    }
    for b in file.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn region(loc: &Location) -> Value {
    let line = loc.line.max(1);
    let column = loc.column.max(1);
    let end_line = loc.end_line.max(line);
    let end_column = if end_line == line {
        loc.end_column.max(column)
    } else {
        loc.end_column.max(1)
    };
    json!({
        "startLine": line,
        "startColumn": column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

fn physical(file: &str, loc: &Location) -> Value {
    json!({
        "artifactLocation": { "uri": uri(file) },
        "region": region(loc),
    })
}

fn location(file: &str, document: usize, path: &str, loc: &Location) -> Value {
    let mut l = json!({ "physicalLocation": physical(file, loc) });
    if !path.is_empty() {
        l["logicalLocations"] = json!([{
            "fullyQualifiedName": format!("{}#{document}:{path}", uri(file)),
            "name": path,
            "kind": "member",
        }]);
    }
    l
}

fn related(id: usize, r: &Related) -> Value {
    let mut l = location(&r.file, r.document, &r.path, &r.location);
    l["id"] = json!(id);
    l["message"] = json!({ "text": r.message });
    l
}

/// A stable identity for a finding that survives lines moving: rule, file, document and path.
fn fingerprint(f: &Finding) -> String {
    // FNV-1a, 64 bit: small, stable across platforms and releases.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [f.rule.as_str(), &f.file, &f.document.to_string(), &f.path] {
        for b in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The descriptors: every loaded rule, then every other code that appears (syntax, schema and
/// waiver findings), so that each result's `ruleId` is described.
fn rules(run: &Run, set: &RuleSet) -> (Vec<Value>, BTreeMap<String, usize>) {
    let mut out = Vec::new();
    let mut index = BTreeMap::new();
    for (pack, rule) in set.rules() {
        if index.contains_key(&rule.id) {
            continue;
        }
        let mut props = json!({
            "pack": pack.manifest.name,
            "packVersion": pack.manifest.version,
            "tags": [pack.manifest.name],
        });
        if let Some(c) = rule.commitment {
            props["commitment"] = json!(c);
            props["tags"] = json!([pack.manifest.name, format!("commitment-{c}")]);
            if let Some((m, commitment)) = set.commitment(pack, c) {
                props["commitmentText"] = json!(commitment.text);
                props["missionTitle"] = json!(m.title);
            }
        }
        if let Some(m) = rule.mission {
            props["mission"] = json!(m);
        }
        let mut d = json!({
            "id": rule.id,
            "name": pascal(&rule.id),
            "shortDescription": { "text": rule.title },
            "fullDescription": {
                "text": rule.section("What it checks").filter(|s| !s.is_empty()).unwrap_or_else(|| rule.title.clone())
            },
            "help": {
                "text": rule.doc,
                "markdown": rule.doc,
            },
            "defaultConfiguration": { "level": level(rule.severity) },
            "properties": props,
        });
        if let Some(link) = set.doc_link(&rule.id).filter(|l| l.starts_with("http")) {
            d["helpUri"] = json!(link);
        }
        index.insert(rule.id.clone(), out.len());
        out.push(d);
    }
    // The built-in codes that appear (syntax, schema and waiver findings), described from the
    // table of codes like the rules.
    // Each in the order it first appears, at the severity of its first finding. (A run whose
    // findings are on disk reads them here once more; a failure to read them is the results'
    // to report.)
    let mut codes: Vec<(String, Code, Severity)> = Vec::new();
    let _ = run.each_finding(|f| {
        if !index.contains_key(&f.rule)
            && !codes.iter().any(|(id, _, _)| *id == f.rule)
            && let Some(code) = Code::from_id(&f.rule)
        {
            codes.push((f.rule.clone(), code, f.severity));
        }
        Ok(())
    });
    for (id, code, severity) in codes {
        index.insert(id, out.len());
        out.push(json!({
            "id": code.id(),
            "name": pascal(code.id()),
            "shortDescription": { "text": code.title() },
            "fullDescription": { "text": code.description() },
            "help": {
                "text": code.description(),
                "markdown": format!("{}\n\n[Documentation]({})", code.description(), code.url()),
            },
            "helpUri": code.url(),
            "defaultConfiguration": { "level": level(severity) },
            "properties": { "tags": ["roadmap-lint", "built-in"] },
        }));
    }
    (out, index)
}

/// A rule's readable name for SARIF (`one-login-strategy-overdue` is `OneLoginStrategyOverdue`):
/// viewers show it where the id would be cryptic, and it must differ from the id.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect()
}

fn result(f: &Finding, index: &BTreeMap<String, usize>) -> Value {
    let mut message = f.message.clone();
    if let Some(h) = &f.help {
        message.push_str("\nHelp: ");
        message.push_str(h);
    }
    let mut r = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": message },
        "locations": [location(&f.file, f.document, &f.path, &f.location)],
        "partialFingerprints": { "roadmapLint/v1": fingerprint(f) },
        "properties": {
            "document": f.document,
            "path": f.path,
            "waived": f.waived,
        },
    });
    if let Some(i) = index.get(&f.rule) {
        r["ruleIndex"] = json!(i);
    }
    if let Some(c) = f.commitment {
        r["properties"]["commitment"] = json!(c);
    }
    if let Some(m) = f.mission {
        r["properties"]["mission"] = json!(m);
    }
    if !f.related.is_empty() {
        r["relatedLocations"] = Value::Array(
            f.related
                .iter()
                .enumerate()
                .map(|(i, rel)| related(i + 1, rel))
                .collect(),
        );
    }
    if f.waived {
        let justification = match &f.waiver {
            Some(w) => format!(
                "{} (approved by {}, expires {})",
                w.reason, w.approved_by, w.expires
            ),
            None => "waived".to_string(),
        };
        r["suppressions"] = json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": justification,
        }]);
    }
    r
}

fn notification(d: &crate::diag::ToolDiagnostic) -> Value {
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str("\nHelp: ");
        message.push_str(h);
    }
    let mut n = json!({
        "level": level(d.severity),
        "message": { "text": message },
        "descriptor": { "id": d.code },
    });
    if let Some(file) = &d.file {
        let mut loc = json!({ "artifactLocation": { "uri": uri(file) } });
        if let Some(line) = d.line {
            loc["region"] = json!({
                "startLine": line.max(1),
                "startColumn": d.column.unwrap_or(1).max(1),
            });
        }
        n["locations"] = json!([{ "physicalLocation": loc }]);
    }
    n
}

/// The findings as SARIF results, made one at a time as they are written: a log of hundreds of
/// thousands of findings is never held as JSON values whole.
struct Results<'a> {
    run: &'a Run,
    index: &'a BTreeMap<String, usize>,
}

impl serde::Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(None)?;
        let mut failed = None;
        let read = self.run.each_finding(|f| {
            seq.serialize_element(&result(&f, self.index)).map_err(|e| {
                let message = e.to_string();
                failed = Some(e);
                std::io::Error::other(message)
            })
        });
        match (failed, read) {
            (Some(e), _) => return Err(e),
            (None, Err(e)) => return Err(serde::ser::Error::custom(e)),
            (None, Ok(())) => {}
        }
        seq.end()
    }
}

/// The log's outer shape. Fields are in the order of their names, as `serde_json` writes the
/// keys of the values inside.
#[derive(serde::Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [LogRun<'a>; 1],
    version: &'static str,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct LogRun<'a> {
    artifacts: Value,
    column_kind: &'static str,
    invocations: Value,
    results: Results<'a>,
    tool: Value,
}

/// Write the SARIF log, the results made as they are written.
pub fn write(run: &Run, set: &RuleSet, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let (descriptors, index) = rules(run, set);
    let information_uri = set
        .packs
        .iter()
        .find_map(|p| p.manifest.help_uri.as_deref())
        .and_then(|u| u.split("/blob/").next())
        .unwrap_or("https://github.com/roadmap-lint/roadmap-lint");
    let mut artifacts: Vec<&str> = run.sources.iter().map(|s| s.name.as_str()).collect();
    artifacts.sort_unstable();
    artifacts.dedup();
    let log = Log {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: [LogRun {
            tool: json!({
                "driver": {
                    "name": env!("CARGO_PKG_NAME"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": information_uri,
                    "rules": descriptors,
                },
                // The rule packs, as SARIF describes plug-ins of a tool.
                "extensions": run.provenance.packs.iter().map(|p| json!({
                    "name": p.name,
                    "version": p.version,
                    "properties": { "origin": p.origin },
                })).collect::<Vec<_>>(),
            }),
            invocations: json!([{
                "executionSuccessful": !run.has_tool_errors(),
                "properties": {
                    "configFile": run.provenance.config,
                },
                "toolExecutionNotifications":
                    run.diagnostics.iter().map(notification).collect::<Vec<_>>(),
            }]),
            artifacts: artifacts
                .iter()
                .map(|a| json!({ "location": { "uri": uri(a) } }))
                .collect(),
            column_kind: "unicodeCodePoints",
            results: Results { run, index: &index },
        }],
    };
    crate::render::escape::json_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

/// The SARIF log as text (tests and small runs; reports are written with [`write`]).
pub fn render(run: &Run, set: &RuleSet) -> String {
    let mut out = Vec::new();
    match write(run, set, &mut out) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}

/// The SARIF log as a JSON value (tests that inspect it).
pub fn log(run: &Run, set: &RuleSet) -> Value {
    serde_json::from_str(&render(run, set)).unwrap_or(Value::Null)
}
