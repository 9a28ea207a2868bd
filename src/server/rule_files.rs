//! Rule files as they are typed: a `.rhai` document of a pack (a rule, or a `lib/` module) of
//! the workspace or of the config's rule folders is loaded with its pack, the open documents'
//! texts standing for their files ([`crate::pack::load_over`]), so the editor shows the very
//! diagnostics `roadmap-lint check` and `test` would give once it is saved: syntax, unknown
//! calls, paths no document can have, misspelt `ctx.params`/`ctx.data` names, comparisons of
//! different types. Loading runs in the sandbox with the settings' limits, on the checker's
//! thread, so a broken or endless script costs one diagnostic and never the server.
//!
//! What a load finds of the pack (its parameters, data files and own fields) is kept for
//! completion in its rule files ([`super::rule_api`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{Diagnostic, Range, Uri};

use super::diagnostics::tool_diagnostic;
use super::position::Lines;
use super::workspace::uri_path;
use super::{Loaded, Server, lock};
use crate::diag::ToolDiagnostic;
use crate::pack::{Overlay, Pack, PackSources};

/// What completion in a pack's rule files offers of the pack.
#[derive(Debug, Clone, Default)]
pub struct PackInfo {
    /// Each parameter's name, with its type, default and rationale.
    pub params: Vec<(String, String)>,
    /// Each data file's name (`ctx.data.NAME`), with its file.
    pub data: Vec<(String, String)>,
    /// The pack's own fields (`fields:` in `pack.yaml`), as written, with their description.
    pub fields: Vec<(String, Option<String>)>,
    /// The functions of each `lib/` module: name, signature (`name(a, b)`) and `///` comment.
    pub modules: BTreeMap<String, Vec<(String, String, String)>>,
}

impl PackInfo {
    fn of(pack: &Pack) -> PackInfo {
        let m = &pack.manifest;
        PackInfo {
            params: m
                .parameters
                .iter()
                .map(|(name, p)| {
                    let default = yaml_serde::to_string(&p.default).unwrap_or_default();
                    let detail = format!(
                        "{} parameter, default {}: {}",
                        p.kind.name(),
                        default.trim(),
                        p.rationale.trim()
                    );
                    (name.clone(), detail)
                })
                .collect(),
            data: m
                .data
                .iter()
                .map(|(name, file)| (name.clone(), format!("data file {file}")))
                .collect(),
            fields: {
                let mut out = Vec::new();
                for f in &pack.fields.list {
                    field_paths(&f.path, &f.schema, 0, &mut out);
                }
                out
            },
            modules: pack
                .rules
                .first()
                .map(|r| modules(&r.library))
                .unwrap_or_default(),
        }
    }
}

/// The functions of a pack's library modules, with their doc comments.
fn modules(
    library: &crate::pack::library::Asts,
) -> BTreeMap<String, Vec<(String, String, String)>> {
    library
        .iter()
        .map(|(module, ast)| {
            let functions = ast
                .iter_functions()
                .map(|f| {
                    let doc: Vec<&str> = f
                        .comments
                        .iter()
                        .flat_map(|c| c.lines())
                        .map(|l| l.trim_start_matches("///").trim())
                        .collect();
                    (
                        f.name.to_string(),
                        format!("{}({})", f.name, f.params.join(", ")),
                        doc.join("\n"),
                    )
                })
                .collect();
            (module.clone(), functions)
        })
        .collect()
}

/// A pack field's path and those of the keys its schema gives it, each with its description.
fn field_paths(
    path: &str,
    schema: &serde_json::Value,
    depth: usize,
    out: &mut Vec<(String, Option<String>)>,
) {
    let described = schema
        .get("description")
        .and_then(serde_json::Value::as_str)
        .map(str::to_string);
    out.push((path.to_string(), described));
    let Some(properties) = schema.get("properties").and_then(|p| p.as_object()) else {
        return;
    };
    if depth < 8 {
        for (key, child) in properties {
            field_paths(&format!("{path}.{key}"), child, depth + 1, out);
        }
    }
}

/// Whether a document is a rule script, by its name.
pub fn is_rule_file(uri: &Uri) -> bool {
    uri_path(uri).is_some_and(|p| p.extension().is_some_and(|e| e == "rhai"))
}

/// The pack folder a `.rhai` file belongs to: the folder holding `pack.yaml` that holds the
/// file (a rule) or its `lib/` folder (a module), when that pack lies in the workspace folder
/// or in one of the settings' rule folders.
pub fn pack_of(loaded: &Loaded, root: Option<&Path>, path: &Path) -> Option<PathBuf> {
    if path.extension().is_none_or(|e| e != "rhai") {
        return None;
    }
    let mut dir = path.parent()?;
    if !dir.join("pack.yaml").is_file() && dir.file_name().is_some_and(|n| n == "lib") {
        dir = dir.parent()?;
    }
    if !dir.join("pack.yaml").is_file() {
        return None;
    }
    let inside = |d: &Path| std::path::absolute(d).is_ok_and(|d| dir.starts_with(d));
    let ours =
        root.is_some_and(inside) || loaded.linter.options().packs.dirs.iter().any(|d| inside(d));
    ours.then(|| dir.to_path_buf())
}

/// An open rule document to check: its URI, path, version and text.
struct RuleDoc {
    uri: Uri,
    path: PathBuf,
    version: i32,
    text: Arc<str>,
}

/// Load again each pack one of whose open rule documents changed since it was last loaded, and
/// publish the diagnostics of its open rule documents.
pub fn check(server: &Server) {
    let loaded = server.loaded();
    let (packs, overlay) = stale_packs(server, &loaded);
    for (dir, docs) in packs {
        let sources = PackSources {
            builtin: false,
            dirs: vec![dir.clone()],
            ..PackSources::default()
        };
        let (rules, diags) =
            crate::pack::load_over(&sources, &loaded.linter.options().sandbox, &overlay);
        let mut ws = lock(&server.workspace);
        if let Some(pack) = rules.packs.first() {
            ws.rule_packs.insert(dir, Arc::new(PackInfo::of(pack)));
        }
        for doc in docs {
            // Changed while its pack loaded: the check its change asked for publishes.
            if ws.open.get(&doc.uri).map(|d| d.version) != Some(doc.version) {
                continue;
            }
            ws.rules_checked.insert(doc.uri.clone(), doc.version);
            let found = of_file(&diags, &doc);
            let unchanged = ws
                .published
                .get(&doc.uri)
                .is_some_and(|(v, d)| *v == Some(doc.version) && *d == found);
            if !unchanged {
                server.publish(&doc.uri, Some(doc.version), found.clone());
                ws.published.insert(doc.uri, (Some(doc.version), found));
            }
        }
    }
}

/// The packs with an open rule document not checked at its version, with those documents; and
/// the texts of every open file, which stand for the files on disk.
fn stale_packs(server: &Server, loaded: &Loaded) -> (BTreeMap<PathBuf, Vec<RuleDoc>>, Overlay) {
    let ws = lock(&server.workspace);
    let mut packs: BTreeMap<PathBuf, Vec<RuleDoc>> = BTreeMap::new();
    let mut stale = std::collections::BTreeSet::new();
    for (uri, doc) in ws.open.iter().filter(|(_, d)| d.rule) {
        let Some(path) = uri_path(uri) else {
            continue;
        };
        let Some(dir) = pack_of(loaded, ws.root.as_deref(), &path) else {
            continue;
        };
        if ws.rules_checked.get(uri) != Some(&doc.version) {
            stale.insert(dir.clone());
        }
        packs.entry(dir).or_default().push(RuleDoc {
            uri: uri.clone(),
            path,
            version: doc.version,
            text: doc.text.clone(),
        });
    }
    packs.retain(|dir, _| stale.contains(dir));
    if packs.is_empty() {
        return (packs, Overlay::default());
    }
    let overlay = Overlay {
        texts: ws
            .open
            .iter()
            .filter_map(|(uri, doc)| Some((uri_path(uri)?, doc.text.to_string())))
            .collect(),
        // Only the open rules are compiled: theirs are the diagnostics shown.
        rules: Some(packs.values().flatten().map(|d| d.path.clone()).collect()),
    };
    (packs, overlay)
}

/// The diagnostics of a pack's load that concern one document, at their ranges in its text.
fn of_file(diags: &[ToolDiagnostic], doc: &RuleDoc) -> Vec<Diagnostic> {
    let lines = Lines::new(&doc.text);
    diags
        .iter()
        .filter(|d| {
            d.file
                .as_deref()
                .and_then(|f| std::path::absolute(Path::new(f)).ok())
                .is_some_and(|f| f == doc.path)
        })
        .map(|d| tool_diagnostic(d, range(d, &lines, &doc.text), false))
        .collect()
}

/// Where a diagnostic points in the text: its span (one that points at a character is
/// widened to the name it starts, such as `.large_service_transaction` after `ctx.params`), or
/// from its line and column to the end of the line.
fn range(d: &ToolDiagnostic, lines: &Lines, text: &str) -> Range {
    let Some((start, len)) = d.byte_span() else {
        let start = lines.position(d.line.unwrap_or(1), d.column.unwrap_or(1));
        let line = start.line as usize;
        let end = lines.at_char(line, lines.line(line).chars().count());
        return Range::new(start, end.max(start));
    };
    let mut end = start.saturating_add(len).min(text.len());
    if len <= 1
        && let Some(rest) = text.get(start..)
    {
        let named = rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
            .map_or(text.len(), |(i, _)| start + i);
        end = end.max(named);
    }
    let (from, to) = (lines.at_byte(start), lines.at_byte(end));
    Range::new(from, to.max(from))
}
