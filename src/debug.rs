//! Trying rule code by hand. `roadmap-lint eval FILE EXPR` evaluates a Rhai expression (or a
//! few statements) with `doc` bound to a document of FILE and `ctx` to what a rule of the pack
//! would see, in the pack's engine (its library modules callable as `NAME::function`), and
//! gives the value as JSON. `check --debug-rule ID` shows what a rule printed (`print`,
//! `debug`) on each document ([`printed`]).

use std::path::Path;

use rhai::{Array, Dynamic, EvalAltResult, Map};
use serde_json::Value as Json;

use crate::date::Date;
use crate::diag::{Code, ToolDiagnostic};
use crate::engine::{self, Mapping};
use crate::load::Input;
use crate::render::escape::terminal_line;
use crate::run::{self, Options, Prepared, Run};
use crate::source::SourceFile;

/// What a rule printed on each document of a run, for the rules [`Options::debug_rules`]
/// names: a heading per rule and document, then its lines.
pub fn printed(run: &Run) -> String {
    let mut out = String::new();
    for trail in run.trails.iter().filter(|t| !t.output.is_empty()) {
        let place = run
            .documents
            .get(trail.doc)
            .map_or_else(String::new, |d| run::place(&d.file, d.document));
        out.push_str(&format!(
            "rule `{}` printed on {}:\n",
            terminal_line(&trail.rule),
            terminal_line(&place)
        ));
        for line in &trail.output {
            out.push_str(&format!("  {}\n", terminal_line(line)));
        }
    }
    out
}

/// What `eval` is asked.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The file holding the document.
    pub file: &'a Path,
    /// Which document of the file, from 0.
    pub document: usize,
    /// The expression, or statements whose last value is the answer.
    pub expr: &'a str,
    /// The pack whose engine, library and parameters are used (default: the last loaded).
    pub pack: Option<&'a str>,
}

/// The name under which the expression is shown in diagnostics.
pub const EXPRESSION: &str = "<expression>";

/// Evaluate `request.expr` against the document, as a rule of the pack would see it.
pub fn eval(
    prepared: &Prepared,
    options: &Options,
    request: &Request,
) -> Result<Json, ToolDiagnostic> {
    let pack = match request.pack {
        Some(name) => prepared
            .rules
            .packs
            .iter()
            .find(|p| p.manifest.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = prepared
                    .rules
                    .packs
                    .iter()
                    .map(|p| p.manifest.name.as_str())
                    .collect();
                ToolDiagnostic::new(
                    Code::EvalFailed,
                    format!("no loaded pack is called `{name}`"),
                )
                .help(crate::suggest::help(name, "pack", &names))
            })?,
        None => prepared.rules.packs.last().ok_or_else(|| {
            ToolDiagnostic::new(Code::EvalFailed, "no pack is loaded")
                .help("load the built-in pack, or name a pack folder with `--rules DIR`")
        })?,
    };
    let loaded = crate::load::load(&Input::File(request.file.to_path_buf()), &options.limits)?;
    let source = loaded.source;
    let doc = loaded
        .docs
        .into_iter()
        .find(|d| d.index == request.document)
        .ok_or_else(|| {
            ToolDiagnostic::new(
                Code::EvalFailed,
                format!("{} has no document {}", source.name, request.document + 1),
            )
            .help("documents count from 1: `--document 2` is the one after the first `---`")
        })?;
    let root = doc.root.ok_or_else(|| {
        ToolDiagnostic::new(
            Code::EvalFailed,
            format!(
                "document {} of {} could not be read",
                request.document + 1,
                source.name
            ),
        )
        .help("`roadmap-lint check` on the file says why")
    })?;
    let kind = root
        .get("kind")
        .and_then(crate::node::Node::as_str)
        .unwrap_or("department")
        .to_string();
    let as_of = options
        .as_of
        .or_else(|| {
            root.get("as_of")
                .and_then(crate::node::Node::as_str)
                .and_then(Date::parse)
        })
        .unwrap_or_else(Date::today);
    let value = engine::to_dynamic(&root);
    let ctx = run::rule_context(pack, prepared, as_of, &source.name, request.document, &kind);
    let expression = SourceFile::new(EXPRESSION, request.expr);
    let lib_sources = pack.rules.first().map(|r| r.lib_sources.clone());
    let outcome = engine::budget::limited(prepared.sandbox.budget(), || {
        let ast = pack.engine.compile(request.expr).map_err(|e| {
            at(
                &expression,
                e.position(),
                format!("the expression does not compile: {}", e.err_type()),
            )
        })?;
        engine::api::begin(as_of, crate::finding::Severity::Error, false);
        engine::value::begin(prepared.sandbox.max_memory);
        let mut scope = rhai::Scope::new();
        scope.push("doc", value);
        scope.push("ctx", ctx);
        let result = pack.engine.eval_ast_with_scope::<Dynamic>(&mut scope, &ast);
        drop(scope);
        engine::value::begin(usize::MAX);
        let _ = engine::api::finish();
        match result {
            Ok(v) => Ok(to_json(&v, 0)),
            Err(e) => Err(runtime_error(&e, &expression, lib_sources.as_deref())),
        }
    });
    outcome.unwrap_or_else(|| {
        Err(ToolDiagnostic::new(
            Code::EvalFailed,
            "no thread with the stack rule code needs could be started",
        )
        .help("run with a higher address-space limit (`ulimit -v`)"))
    })
}

/// A diagnostic at a position of the expression.
fn at(expression: &SourceFile, pos: rhai::Position, message: String) -> ToolDiagnostic {
    ToolDiagnostic::new(Code::EvalFailed, message)
        .help("the expression is Rhai, with `doc`, `ctx` and the rule API of docs/rule-api.md")
        .label("here")
        .at_line(
            expression,
            pos.line().unwrap_or(1),
            pos.position().unwrap_or(1),
        )
}

/// An error of the evaluation, where it happened: in the expression, or in a library module.
fn runtime_error(
    err: &EvalAltResult,
    expression: &SourceFile,
    lib_sources: Option<&engine::locate::LibSources>,
) -> ToolDiagnostic {
    let (file, inner, pos) = engine::locate::innermost(err);
    let words = match inner {
        EvalAltResult::ErrorRuntime(v, _) => {
            match v.clone().try_cast::<engine::compare::Mismatch>() {
                Some(m) => m.0,
                None => v.to_string(),
            }
        }
        other => engine::limit_message(other),
    };
    let message = format!("the expression failed: {}", engine::api::capped(&words));
    match file.and_then(|f| lib_sources?.get(f)) {
        Some(lib) => ToolDiagnostic::new(Code::EvalFailed, message)
            .help("the error is in the library function the expression called")
            .label("here")
            .at_line(lib, pos.line().unwrap_or(1), pos.position().unwrap_or(1)),
        None => at(expression, pos, message),
    }
}

/// Deepest value shown: deeper ones are cut (a document nests far less).
const MAX_DEPTH: usize = 128;

/// A value as JSON: dates as `YYYY-MM-DD`, document maps and plain maps as objects.
pub fn to_json(v: &Dynamic, depth: usize) -> Json {
    if depth > MAX_DEPTH {
        return Json::String("…".into());
    }
    if v.is_unit() {
        Json::Null
    } else if let Ok(b) = v.as_bool() {
        Json::Bool(b)
    } else if let Ok(i) = v.as_int() {
        Json::from(i)
    } else if let Ok(f) = v.as_float() {
        serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)
    } else if let Some(s) = v.read_lock::<rhai::ImmutableString>() {
        Json::String(s.to_string())
    } else if let Some(d) = v.read_lock::<Date>() {
        Json::String(d.to_string())
    } else if let Some(a) = v.read_lock::<Array>() {
        Json::Array(a.iter().map(|x| to_json(x, depth + 1)).collect())
    } else if let Some(m) = v.read_lock::<Mapping>() {
        object(m.map(), depth)
    } else if let Some(m) = v.read_lock::<Map>() {
        object(&m, depth)
    } else {
        Json::String(v.to_string())
    }
}

fn object(m: &Map, depth: usize) -> Json {
    Json::Object(
        m.iter()
            .map(|(k, x)| (k.to_string(), to_json(x, depth + 1)))
            .collect(),
    )
}
