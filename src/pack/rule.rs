//! One rule: a `.rhai` script with its documentation (leading `//!` lines), its metadata (a
//! top-level `let rule = #{...};` map) and a `check(doc, ctx)` function, or for portfolio rules
//! `collect(doc, ctx)` and `check_all(items, ctx)`.

use std::sync::{Arc, OnceLock};

use rhai::{AST, Dynamic, Engine, Map, Scope};

use super::Manifest;
use crate::diag::{Code, ToolDiagnostic};
use crate::engine::budget::Budget;
use crate::finding::Severity;
use crate::source::{SourceFile, Span};

/// The sections every rule's documentation has, in order.
pub const DOC_SECTIONS: &[&str] = &[
    "What it checks",
    "Why",
    "Failing example",
    "Passing example",
];

#[derive(Debug)]
pub struct Rule {
    pub id: String,
    /// [`Rule::id`] with its commitment and mission, shared by every result of the rule (a run
    /// of many files holds millions).
    pub key: super::RuleName,
    pub title: String,
    pub commitment: Option<u32>,
    pub mission: Option<u32>,
    pub severity: Severity,
    /// Whether the severity is the default (`error`), the metadata giving none.
    pub severity_default: bool,
    pub kinds: Vec<String>,
    /// Runs once over all documents (`collect` per document, then `check_all`).
    pub portfolio: bool,
    /// Markdown documentation from the leading `//!` lines.
    pub doc: String,
    /// Display path of the script, such as `rules/roadmap-2022-25/one-login-strategy-overdue.rhai`.
    pub file: String,
    pub source: Arc<SourceFile>,
    /// The compiled script: compiled when the pack is loaded, or, for the built-in pack in a
    /// run that does not lint it, on first use ([`Rule::ast`]): a run over department
    /// declarations never compiles the proposal rules.
    ast: OnceLock<Result<AST, String>>,
    /// The engine of its pack (with the pack's `lib/` modules), to call it with.
    pub engine: Arc<Engine>,
    /// For proposal rules: what the rule checks, said as the criterion met (a review lists
    /// every criterion, passed or not).
    pub criterion: Option<String>,
    /// For proposal rules: the question a finding puts to the department in a review.
    pub question: Option<String>,
    /// For proposal rules: the role that owns the condition a finding becomes (a role of the
    /// pack's `review.owners`).
    pub owner: Option<String>,
    /// For proposal rules: when that condition falls due (a term of the pack's `review.due`).
    pub due: Option<String>,
    /// The pack parameters its script names (`ctx.params.NAME`): a finding of the rule is
    /// judged against them, and against an organisation's own targets for them.
    pub params: std::collections::BTreeSet<String>,
    /// Name of the pack it came from.
    pub pack: String,
    /// The pack's library modules, for what the rule reads through their functions.
    pub library: Arc<super::library::Asts>,
    /// The library modules' sources, by file as shown: an error inside one points there.
    pub lib_sources: Arc<crate::engine::locate::LibSources>,
    /// Runs the rule again, traced, to find where a sandbox limit struck.
    pub tracer: Option<Arc<crate::engine::locate::Tracer>>,
    /// Whether its script may read `ctx.previous` (it names `previous`): a run with a series
    /// of declarations judges the later ones again once the earlier ones are known.
    pub uses_previous: bool,
    /// Memory its evaluations left behind that nothing can free (values that hold themselves),
    /// over the run: past the sandbox's memory limit it is not called again
    /// ([`crate::engine::call`]).
    pub left_behind: std::sync::atomic::AtomicUsize,
    /// The organisations (codes) and organisation types whose documents it judges: its own
    /// `applies_to`, else its pack's; empty: every organisation.
    pub applies: Vec<String>,
}

impl Rule {
    /// The compiled script, compiling it now if it was left for its first use (an error is
    /// the compiler's message; the built-in rules, the only ones left, are tested to compile).
    pub fn ast(&self) -> Result<&AST, &str> {
        self.ast
            .get_or_init(|| {
                self.engine
                    .compile(&*super::comments::without_line_comments(&self.source.text))
                    .map(|mut ast| {
                        ast.set_source(self.file.as_str());
                        ast
                    })
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// A diagnostic pointing at the first line of the rule's metadata.
    pub fn diagnostic(&self, code: Code, message: String) -> ToolDiagnostic {
        let line = meta_line(&self.source.text, "id").unwrap_or(1);
        ToolDiagnostic::new(code, message).at_line(&self.source, line, 1)
    }

    /// A documentation section's text (without its heading), if present.
    pub fn section(&self, name: &str) -> Option<String> {
        section(&self.doc, name)
    }

    pub fn applies_to(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k == kind)
    }

    /// Whether it judges documents of `organisation` (`applies_to`: the organisation's code,
    /// or its type, which `register` looks up).
    pub fn judges(&self, organisation: Option<&str>, register: &super::Organisations) -> bool {
        self.applies.is_empty()
            || organisation.is_some_and(|code| {
                self.applies
                    .iter()
                    .any(|entry| entry == code || register.type_of(code) == Some(entry.as_str()))
            })
    }
}

pub fn section(doc: &str, name: &str) -> Option<String> {
    let heading = format!("# {name}");
    let start = doc.lines().position(|l| l.trim() == heading)?;
    let body: Vec<&str> = doc
        .lines()
        .skip(start + 1)
        .take_while(|l| !l.starts_with("# "))
        .collect();
    Some(body.join("\n").trim().to_string())
}

/// The line (1-based) where `key:` is written in the metadata map, for pointing at it.
fn meta_line(text: &str, key: &str) -> Option<usize> {
    let start = text
        .lines()
        .position(|l| l.trim_start().starts_with("let rule"))?;
    text.lines()
        .enumerate()
        .skip(start)
        .find(|(_, l)| {
            let t = l.trim_start();
            t.starts_with(&format!("{key}:")) || t.starts_with(&format!("#{{ {key}:"))
        })
        .map(|(i, _)| i + 1)
        .or(Some(start + 1))
}

fn doc_comment(text: &str) -> String {
    text.lines()
        .take_while(|l| l.starts_with("//!") || l.trim().is_empty())
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A rule's metadata, the script's top-level `let rule = #{...};` map, read with serde. An
/// unknown key is an error (a typo such as `severty` would otherwise be ignored).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    id: String,
    title: String,
    #[serde(default)]
    commitment: Option<u32>,
    /// Optional: the commitment decides it. When given, it must agree.
    #[serde(default)]
    mission: Option<u32>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    kinds: Option<Vec<String>>,
    #[serde(default)]
    portfolio: bool,
    /// For proposal rules: what the rule checks, said as the criterion met.
    #[serde(default)]
    criterion: Option<String>,
    /// For proposal rules: the question a finding puts to the department in a review.
    #[serde(default)]
    question: Option<String>,
    /// For proposal rules: the role that owns the condition a finding becomes.
    #[serde(default)]
    owner: Option<String>,
    /// For proposal rules: when that condition falls due.
    #[serde(default)]
    due: Option<String>,
    /// The organisations or organisation types it judges (its pack's when not given).
    #[serde(default)]
    applies_to: Vec<String>,
}

/// The metadata keys, with what each must hold (for messages).
const META_KEYS: &[(&str, &str)] = &[
    ("id", "a non-empty string"),
    ("title", "a non-empty string"),
    ("commitment", "a positive whole number"),
    ("mission", "a positive whole number"),
    ("severity", "\"error\", \"warning\" or \"info\""),
    (
        "kinds",
        "a list of document kinds, such as [\"department\"]",
    ),
    ("portfolio", "true or false"),
    ("criterion", "a string"),
    ("question", "a string"),
    (
        "owner",
        "a role of the pack's `review.owners`, such as \"commercial_lead\"",
    ),
    (
        "due",
        "a term of the pack's `review.due`, such as \"before_next_phase\"",
    ),
    (
        "applies_to",
        "a list of organisation codes or types, such as [\"DWP\"]",
    ),
];

/// A diagnostic at the line where `key` is written in the metadata map.
fn at_key(source: &Arc<SourceFile>, key: &str, message: String, help: &str) -> ToolDiagnostic {
    let line = meta_line(&source.text, key).unwrap_or(1);
    ToolDiagnostic::new(Code::RuleMetadata, message)
        .help(help.to_string())
        .label(format!("`{key}` is set here"))
        .at_line(source, line, 1)
}

/// Read the metadata map with serde. On failure, the key at fault is found by reading each key
/// on its own, so that the diagnostic points at its line.
fn read_meta(map: &Map, source: &Arc<SourceFile>) -> Result<Meta, ToolDiagnostic> {
    use rhai::serde::from_dynamic;
    let err = match from_dynamic::<Meta>(&Dynamic::from_map(map.clone())) {
        Ok(meta) => return Ok(meta),
        Err(e) => e.to_string(),
    };
    let allowed: Vec<&str> = META_KEYS.iter().map(|(k, _)| *k).collect();
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(at_key(
                source,
                key,
                format!("unknown metadata key `{key}`"),
                &format!(
                    "{}; the keys are: {}",
                    crate::suggest::help(key, "key", &allowed),
                    allowed.join(", ")
                ),
            ));
        }
    }
    for (key, wanted) in META_KEYS {
        let Some(value) = map.get(*key) else {
            if matches!(*key, "id" | "title") {
                return Err(at_key(
                    source,
                    "id",
                    format!("metadata has no `{key}`"),
                    "add it to the `rule` map",
                ));
            }
            continue;
        };
        let ok = match *key {
            "commitment" | "mission" => value.is_unit() || from_dynamic::<u32>(value).is_ok(),
            "kinds" | "applies_to" => from_dynamic::<Vec<String>>(value).is_ok(),
            "portfolio" => value.is_bool(),
            _ => value.is_string(),
        };
        if !ok {
            return Err(at_key(
                source,
                key,
                format!("`{key}` must be {wanted}, not {}", describe(value)),
                "fix the value in the `rule` map",
            ));
        }
    }
    Err(ToolDiagnostic::new(
        Code::RuleMetadata,
        format!("the rule's metadata cannot be read: {err}"),
    )
    .help("see docs/rule-api.md for the `rule` map")
    .at(source, Span::point(0)))
}

/// Compile a rule script and read its metadata. Every problem is a diagnostic into the file;
/// a rule whose only problems are warnings still loads, and the warnings come with it.
pub fn compile(
    file: &str,
    text: &str,
    manifest: &Manifest,
    engine: &Arc<Engine>,
    lint: Option<&super::lint::Context>,
    budget: Budget,
) -> Result<(Rule, Vec<ToolDiagnostic>), Vec<ToolDiagnostic>> {
    let source = Arc::new(SourceFile::new(file, text));
    let (ast, map) = script_and_metadata(&source, engine, lint.is_none(), budget)?;
    let meta = read_meta(&map, &source).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    check_id(&meta.id, file, &source, &mut errors);
    if meta.title.trim().is_empty() {
        errors.push(at_key(
            &source,
            "title",
            "`title` is empty".into(),
            "say what the rule finds",
        ));
    }
    // `commitment: ()` says the rule serves no single commitment (a cross-check); leaving the
    // key out is an oversight.
    let stated = map.contains_key("commitment");
    let mission = mission_of(&meta, stated, manifest, &source, &mut errors);
    let severity = severity_of(
        meta.severity.as_deref(),
        lint.is_some(),
        &source,
        &mut errors,
    );
    let kinds = meta
        .kinds
        .clone()
        .unwrap_or_else(|| vec!["department".to_string()]);
    if kinds.is_empty() || kinds.iter().any(|k| crate::schema::kind(k).is_none()) {
        errors.push(at_key(
            &source,
            "kinds",
            format!(
                "`kinds` must list document kinds from: {}",
                crate::schema::kind_names().join(", ")
            ),
            "for example `kinds: [\"department\"]`",
        ));
    }
    check_review_terms(&meta, manifest, &source, &mut errors);
    if let Some(ast) = &ast {
        check_functions(ast, meta.portfolio, &source, &mut errors);
    }
    let doc = doc_comment(text);
    // The pack linter and the documentation check run with the lint: always for a pack from a
    // folder; for the built-in pack in `rules`, `test` and the tests, not in every `check`.
    if let (Some(cx), Some(ast)) = (lint, &ast) {
        errors.extend(super::lint::lint(ast, &source, &kinds, engine, cx));
        errors.extend(check_docs(&doc, &source));
    }
    if errors.iter().any(|d| d.severity == Severity::Error) {
        return Err(errors);
    }
    let rule = Rule {
        key: super::RuleName::new(&meta.id, meta.commitment, mission),
        id: meta.id,
        title: meta.title,
        commitment: meta.commitment,
        mission,
        severity,
        severity_default: meta.severity.is_none(),
        kinds,
        portfolio: meta.portfolio,
        criterion: meta.criterion,
        question: meta.question,
        owner: meta.owner,
        due: meta.due,
        doc,
        file: file.to_string(),
        source,
        params: super::reads::params_named(text),
        ast: ast.map(|ast| OnceLock::from(Ok(ast))).unwrap_or_default(),
        engine: engine.clone(),
        pack: manifest.name.clone(),
        library: Arc::default(),
        lib_sources: Arc::default(),
        tracer: None,
        uses_previous: text.contains("previous"),
        left_behind: std::sync::atomic::AtomicUsize::new(0),
        applies: meta.applies_to.clone(),
    };
    Ok((rule, errors))
}

/// The compiled script and its `rule` map. Unlinted (the built-in pack in a check), only the
/// metadata is read now, and the script is compiled on first use.
fn script_and_metadata(
    source: &Arc<SourceFile>,
    engine: &Engine,
    unlinted: bool,
    budget: Budget,
) -> Result<(Option<AST>, Map), Vec<ToolDiagnostic>> {
    if unlinted && let Some(map) = metadata_only(source, engine, budget) {
        return Ok((None, map));
    }
    compile_script(source, engine, budget)
        .map(|(ast, map)| (Some(ast), map))
        .map_err(|d| vec![d])
}

/// The rule's severity: its metadata's, else `error`, the default (which a linted load notes
/// as a warning, so that the choice is the author's).
fn severity_of(
    given: Option<&str>,
    linted: bool,
    source: &Arc<SourceFile>,
    errors: &mut Vec<ToolDiagnostic>,
) -> Severity {
    match given {
        None => {
            if linted {
                errors.push(
                    at_key(
                        source,
                        "id",
                        "the rule sets no `severity`: its findings are errors, the default".into(),
                        "say what the rule means: add `severity: \"error\"`, `\"warning\"` or `\"info\"` to the `rule` map",
                    )
                    .severity(Severity::Warning),
                );
            }
            Severity::Error
        }
        Some(s) => Severity::parse(s).unwrap_or_else(|| {
            errors.push(at_key(
                source,
                "severity",
                format!("`severity` must be \"error\", \"warning\" or \"info\", not \"{s}\""),
                "pick one of the three",
            ));
            Severity::Error
        }),
    }
}

/// The `rule` map of a script that opens with it, from that statement alone: `None` when the
/// script does not, or the statement does not run by itself (the whole script is then compiled
/// and run, which reports any problem).
fn metadata_only(source: &SourceFile, engine: &Engine, budget: Budget) -> Option<Map> {
    let statement = super::comments::metadata_statement(&source.text)?;
    let ast = engine
        .compile(&*super::comments::without_line_comments(statement))
        .ok()?;
    top_level(engine, &ast, budget).ok()
}

/// Run a script's top level under the sandbox's budget (the same operations, time, memory and
/// stack as an evaluation), for its `rule` map: `Ok(None)` when it has none.
fn top_level(
    engine: &Engine,
    ast: &AST,
    budget: Budget,
) -> Result<Map, Option<rhai::EvalAltResult>> {
    crate::engine::budget::limited(budget, || {
        let mut scope = Scope::new();
        engine
            .run_ast_with_scope(&mut scope, ast)
            .map_err(|e| Some(*e))?;
        let map = scope.get_value::<Map>("rule").ok_or(None)?;
        drop(scope);
        // Checked here, on the sandbox's stack: the map outlives the section.
        crate::engine::leaving(Dynamic::from_map(map))
            .map(Dynamic::cast::<Map>)
            .map_err(Some)
    })
    .unwrap_or_else(|| {
        Err(Some(rhai::EvalAltResult::ErrorSystem(
            "no thread with the stack rule code needs could be started".into(),
            "the process is at its limit of threads or address space".into(),
        )))
    })
}

/// Compile the script and run its top level once, for the `rule` map.
fn compile_script(
    source: &Arc<SourceFile>,
    engine: &Engine,
    budget: Budget,
) -> Result<(AST, Map), ToolDiagnostic> {
    let at = |pos: rhai::Position| (pos.line().unwrap_or(1), pos.position().unwrap_or(1));
    let mut ast = engine.compile(&*source.text).map_err(|e| {
        let (line, column) = at(e.position());
        ToolDiagnostic::new(
            Code::RuleSyntax,
            format!(
                "rule script does not compile: {}",
                crate::engine::compile_message(&e, crate::engine::Script::Rule)
            ),
        )
        .help("fix the Rhai syntax; see docs/rule-api.md for the rule format")
        .label("here")
        .at_line(source, line, column)
    })?;
    // Errors inside the rule's functions name its file (see `engine::locate`).
    ast.set_source(source.name.as_str());
    let map = match top_level(engine, &ast, budget) {
        Ok(map) => Some(map),
        Err(None) => None,
        Err(Some(e)) => {
            let (line, column) = at(e.position());
            return Err(ToolDiagnostic::new(
                Code::RuleMetadata,
                format!(
                    "the rule's top level failed to run: {}",
                    crate::engine::limit_message(&e)
                ),
            )
            .help("the top level of a rule should only define `let rule = #{...};` and functions; it runs within the same limits as the rule")
            .label("here")
            .at_line(source, line, column));
        }
    };
    let Some(map) = map else {
        return Err(ToolDiagnostic::new(Code::RuleMetadata, "the rule has no metadata: `let rule = #{ ... };` is missing or is not a map")
            .help("start the script with `let rule = #{ id: \"...\", title: \"...\", commitment: N, severity: \"error\", kinds: [\"department\"] };`")
            .label("expected here")
            .at(source, Span::point(0)));
    };
    Ok((ast, map))
}

/// A proposal rule's `owner` and `due` name a role and a term of the pack's `review:` section.
fn check_review_terms(
    meta: &Meta,
    manifest: &Manifest,
    source: &Arc<SourceFile>,
    errors: &mut Vec<ToolDiagnostic>,
) {
    for (key, value) in [("owner", &meta.owner), ("due", &meta.due)] {
        if let Some((message, help)) = value
            .as_deref()
            .and_then(|v| super::review_policy::rule_terms(manifest, key, v))
        {
            errors.push(at_key(source, key, message, &help));
        }
    }
}

/// The id is kebab-case and is the file's name.
fn check_id(id: &str, file: &str, source: &Arc<SourceFile>, errors: &mut Vec<ToolDiagnostic>) {
    let stem = file
        .rsplit('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".rhai");
    if !is_kebab(id) {
        errors.push(at_key(
            source,
            "id",
            format!("rule id `{id}` is not kebab-case"),
            "use lower-case words joined by hyphens, naming the problem",
        ));
    } else if id != stem {
        errors.push(at_key(
            source,
            "id",
            format!("rule id `{id}` differs from the file name `{stem}.rhai`"),
            "a rule's id is its file name: rename one of them",
        ));
    }
}

/// The mission of the rule's commitment (a `mission` key, when given, must agree with it).
fn mission_of(
    meta: &Meta,
    stated: bool,
    manifest: &Manifest,
    source: &Arc<SourceFile>,
    errors: &mut Vec<ToolDiagnostic>,
) -> Option<u32> {
    if manifest.missions.is_empty() {
        return meta.mission;
    }
    let Some(c) = meta.commitment else {
        if !stated {
            errors.push(at_key(
                source,
                "id",
                "metadata has no `commitment`".into(),
                "name the commitment number the rule serves, or `commitment: ()` for none",
            ));
        }
        return None;
    };
    let Some(m) = manifest
        .missions
        .iter()
        .find(|m| m.commitments.iter().any(|x| x.number == c))
    else {
        errors.push(at_key(
            source,
            "commitment",
            format!("commitment {c} is not one of this pack's commitments"),
            "see the `missions` list in pack.yaml",
        ));
        return None;
    };
    if let Some(n) = meta.mission.filter(|n| *n != m.number) {
        errors.push(at_key(
            source,
            "mission",
            format!("commitment {c} belongs to mission {}, not {n}", m.number),
            "leave `mission` out: the commitment decides it",
        ));
    }
    Some(m.number)
}

/// The functions the rule must define: `check(doc, ctx)`, or for a portfolio rule
/// `collect(doc, ctx)` and `check_all(items, ctx)`.
fn check_functions(
    ast: &AST,
    portfolio: bool,
    source: &Arc<SourceFile>,
    errors: &mut Vec<ToolDiagnostic>,
) {
    let has_fn = |name: &str, params: usize| {
        ast.iter_functions()
            .any(|f| f.name == name && f.params.len() == params)
    };
    let wanted: &[(&str, &str)] = if portfolio {
        &[("collect", "doc, ctx"), ("check_all", "items, ctx")]
    } else {
        &[("check", "doc, ctx")]
    };
    for (name, params) in wanted {
        if !has_fn(name, 2) {
            errors.push(
                ToolDiagnostic::new(
                    Code::RuleMetadata,
                    format!("the rule defines no `fn {name}({params})`"),
                )
                .help(if portfolio {
                    "a portfolio rule defines `fn collect(doc, ctx)` and `fn check_all(items, ctx)`"
                } else {
                    "define `fn check(doc, ctx) { ... }`: it is called once per document"
                })
                .label("the rule is defined here")
                .at_line(source, meta_line(&source.text, "id").unwrap_or(1), 1),
            );
        }
    }
}

/// The documentation's sections (a warning when one is missing), and an unfinished scaffold
/// (an error: `new` writes TODO placeholders that must be replaced).
fn check_docs(doc: &str, source: &Arc<SourceFile>) -> Vec<ToolDiagnostic> {
    let mut out = Vec::new();
    let missing: Vec<&str> = DOC_SECTIONS
        .iter()
        .copied()
        .filter(|s| section(doc, s).is_none())
        .collect();
    if !missing.is_empty() {
        out.push(
            ToolDiagnostic::new(Code::RuleDocs, format!("the rule's documentation lacks: {}", missing.iter().map(|s| format!("`# {s}`")).collect::<Vec<_>>().join(", ")))
                .severity(Severity::Warning)
                .help("start the script with `//!` lines holding the four sections; `roadmap-lint new` writes the template")
                .label("documentation goes at the top")
                .at(source, Span::point(0)),
        );
    }
    out
}

fn describe(v: &Dynamic) -> String {
    if v.is_string() {
        format!("the string {v:?}")
    } else {
        format!("{} `{v}`", v.type_name())
    }
}

#[cfg(test)]
mod tests {
    /// A check loads the built-in rules' metadata only, and compiles each rule on its first
    /// use, to what the linted load compiles; packs that are linted compile at once.
    #[test]
    fn unlinted_built_in_rules_compile_on_first_use() {
        let sandbox = crate::engine::Sandbox::default();
        let sources = |skip| crate::pack::PackSources {
            builtin: true,
            dirs: Vec::new(),
            skip_builtin_lint: skip,
        };
        let (lazy, diags) = crate::pack::load(&sources(true), &sandbox);
        assert!(diags.is_empty(), "{diags:?}");
        let (eager, _) = crate::pack::load(&sources(false), &sandbox);
        let pairs: Vec<_> = lazy.rules().zip(eager.rules()).collect();
        assert!(pairs.len() > 60);
        for ((_, l), (_, e)) in pairs {
            assert_eq!(l.id, e.id);
            assert_eq!(l.kinds, e.kinds);
            assert_eq!(l.commitment, e.commitment);
            assert!(l.ast.get().is_none(), "{} compiled before use", l.id);
            assert!(e.ast.get().is_some(), "{} not compiled when linted", e.id);
            let names = |r: &super::Rule| {
                r.ast()
                    .unwrap()
                    .iter_functions()
                    .map(|f| format!("{}/{}", f.name, f.params.len()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(names(l), names(e));
        }
    }
}
