//! One rule: a `.rhai` script with its documentation (leading `//!` lines), its metadata (a
//! top-level `let rule = #{...};` map) and a `check(doc, ctx)` function, or for portfolio rules
//! `collect(doc, ctx)` and `check_all(items, ctx)`.

use std::sync::Arc;

use rhai::{AST, Dynamic, Engine, Map, Scope};

use super::Manifest;
use crate::diag::{Code, ToolDiagnostic};
use crate::finding::Severity;
use crate::source::{SourceFile, Span};

/// The document kinds rules can judge.
pub const DOC_KINDS: &[&str] = &["department", "proposal"];

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
    pub title: String,
    pub commitment: Option<u32>,
    pub mission: Option<u32>,
    pub severity: Severity,
    pub kinds: Vec<String>,
    /// Runs once over all documents (`collect` per document, then `check_all`).
    pub portfolio: bool,
    /// Markdown documentation from the leading `//!` lines.
    pub doc: String,
    /// Display path of the script, such as `rules/roadmap-2022-25/one-login-strategy-overdue.rhai`.
    pub file: String,
    pub source: Arc<SourceFile>,
    pub ast: AST,
    /// Name of the pack it came from.
    pub pack: String,
}

impl Rule {
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

/// Compile a rule script and read its metadata. Every problem is a diagnostic into the file;
/// a rule whose only problems are warnings still loads, and the warnings come with it.
pub fn compile(
    file: &str,
    text: &str,
    manifest: &Manifest,
    engine: &Engine,
    lint: bool,
) -> Result<(Rule, Vec<ToolDiagnostic>), Vec<ToolDiagnostic>> {
    let source = Arc::new(SourceFile::new(file, text));
    let ast = engine.compile(text).map_err(|e| {
        let pos = e.position();
        vec![
            ToolDiagnostic::new(
                Code::RuleSyntax,
                format!("rule script does not compile: {}", e.err_type()),
            )
            .help("fix the Rhai syntax; see docs/rule-api.md for the rule format")
            .label("here")
            .at_line(
                &source,
                pos.line().unwrap_or(1),
                pos.position().unwrap_or(1),
            ),
        ]
    })?;
    let mut scope = Scope::new();
    if let Err(e) = engine.run_ast_with_scope(&mut scope, &ast) {
        let pos = e.position();
        return Err(vec![
            ToolDiagnostic::new(
                Code::RuleMetadata,
                format!("the rule's top level failed to run: {e}"),
            )
            .help("the top level of a rule should only define `let rule = #{...};` and functions")
            .label("here")
            .at_line(
                &source,
                pos.line().unwrap_or(1),
                pos.position().unwrap_or(1),
            ),
        ]);
    }
    let at = |key: &str| meta_line(text, key).unwrap_or(1);
    let bad = |key: &str, message: String, help: &str| {
        ToolDiagnostic::new(Code::RuleMetadata, message)
            .help(help.to_string())
            .label(format!("`{key}` is set here"))
            .at_line(&source, at(key), 1)
    };
    let Some(meta) = scope.get_value::<Map>("rule") else {
        return Err(vec![ToolDiagnostic::new(Code::RuleMetadata, "the rule has no metadata: `let rule = #{ ... };` is missing or is not a map")
            .help("start the script with `let rule = #{ id: \"...\", title: \"...\", commitment: N, mission: N, severity: \"error\", kinds: [\"department\"] };`")
            .label("expected here")
            .at(&source, Span::point(0))]);
    };
    let mut errors = Vec::new();
    let text_field = |key: &str, errors: &mut Vec<ToolDiagnostic>| -> Option<String> {
        match meta.get(key) {
            None => {
                errors.push(bad(
                    key,
                    format!("metadata has no `{key}`"),
                    "add it to the `rule` map",
                ));
                None
            }
            Some(v) => match v.clone().into_string() {
                Ok(s) if !s.trim().is_empty() => Some(s),
                _ => {
                    errors.push(bad(
                        key,
                        format!("`{key}` must be a non-empty string, not {}", v.type_name()),
                        "write it in double quotes",
                    ));
                    None
                }
            },
        }
    };
    let int_field = |key: &str, errors: &mut Vec<ToolDiagnostic>| -> Option<u32> {
        match meta.get(key) {
            None => None,
            Some(v) if v.is_unit() => None,
            Some(v) => match v.as_int() {
                Ok(n) if n > 0 && n < 1000 => Some(n as u32),
                _ => {
                    errors.push(bad(
                        key,
                        format!(
                            "`{key}` must be a positive whole number, not {}",
                            describe(v)
                        ),
                        "write a number such as `3`, without quotes",
                    ));
                    None
                }
            },
        }
    };
    let stem = file
        .rsplit('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".rhai");
    let id = text_field("id", &mut errors);
    if let Some(id) = &id {
        if !is_kebab(id) {
            errors.push(bad(
                "id",
                format!("rule id `{id}` is not kebab-case"),
                "use lower-case words joined by hyphens, naming the problem",
            ));
        } else if id != stem {
            errors.push(bad(
                "id",
                format!("rule id `{id}` differs from the file name `{stem}.rhai`"),
                "a rule's id is its file name: rename one of them",
            ));
        }
    }
    let title = text_field("title", &mut errors);
    let commitment = int_field("commitment", &mut errors);
    let mut mission = int_field("mission", &mut errors);
    if !manifest.missions.is_empty() {
        match commitment {
            None if !meta.contains_key("commitment") => errors.push(bad(
                "id",
                "metadata has no `commitment`".into(),
                "name the commitment number the rule serves",
            )),
            None => {}
            Some(c) => match manifest
                .missions
                .iter()
                .find(|m| m.commitments.iter().any(|x| x.number == c))
            {
                None => errors.push(bad(
                    "commitment",
                    format!("commitment {c} is not one of this pack's commitments"),
                    "see the `missions` list in pack.yaml",
                )),
                Some(m) => match mission {
                    Some(n) if n != m.number => errors.push(bad(
                        "mission",
                        format!("commitment {c} belongs to mission {}, not {n}", m.number),
                        "fix `mission`, or leave it out to take it from the commitment",
                    )),
                    _ => mission = Some(m.number),
                },
            },
        }
    }
    let severity = match meta.get("severity") {
        None => Severity::Error,
        Some(v) => match v
            .clone()
            .into_string()
            .ok()
            .as_deref()
            .and_then(Severity::parse)
        {
            Some(s) => s,
            None => {
                errors.push(bad(
                    "severity",
                    format!(
                        "`severity` must be \"error\", \"warning\" or \"info\", not {}",
                        describe(v)
                    ),
                    "pick one of the three",
                ));
                Severity::Error
            }
        },
    };
    let kinds: Vec<String> = match meta.get("kinds") {
        None => vec!["department".to_string()],
        Some(v) => match v.clone().into_array() {
            Ok(items) => {
                let kinds: Vec<String> = items
                    .into_iter()
                    .filter_map(|k| k.into_string().ok())
                    .collect();
                if kinds.is_empty() || kinds.iter().any(|k| !DOC_KINDS.contains(&k.as_str())) {
                    errors.push(bad(
                        "kinds",
                        format!(
                            "`kinds` must list document kinds from: {}",
                            DOC_KINDS.join(", ")
                        ),
                        "for example `kinds: [\"department\"]`",
                    ));
                }
                kinds
            }
            Err(_) => {
                errors.push(bad(
                    "kinds",
                    format!("`kinds` must be a list, not {}", describe(v)),
                    "for example `kinds: [\"department\"]`",
                ));
                Vec::new()
            }
        },
    };
    let portfolio = match meta.get("portfolio") {
        None => false,
        Some(v) => v.as_bool().unwrap_or_else(|_| {
            errors.push(bad(
                "portfolio",
                "`portfolio` must be true or false".into(),
                "portfolio rules run once over all documents",
            ));
            false
        }),
    };
    for key in meta.keys() {
        if ![
            "id",
            "title",
            "commitment",
            "mission",
            "severity",
            "kinds",
            "portfolio",
        ]
        .contains(&key.as_str())
        {
            errors.push(bad(
                key,
                format!("unknown metadata key `{key}`"),
                "allowed keys: id, title, commitment, mission, severity, kinds, portfolio",
            ));
        }
    }
    let has_fn = |name: &str, params: usize| {
        ast.iter_functions()
            .any(|f| f.name == name && f.params.len() == params)
    };
    let wanted: &[(&str, usize)] = if portfolio {
        &[("collect", 2), ("check_all", 2)]
    } else {
        &[("check", 2)]
    };
    for (name, params) in wanted {
        if !has_fn(name, *params) {
            errors.push(
                ToolDiagnostic::new(
                    Code::RuleMetadata,
                    format!(
                        "the rule defines no `fn {name}({})`",
                        if *name == "check_all" {
                            "items, ctx"
                        } else {
                            "doc, ctx"
                        }
                    ),
                )
                .help(if portfolio {
                    "a portfolio rule defines `fn collect(doc, ctx)` and `fn check_all(items, ctx)`"
                } else {
                    "define `fn check(doc, ctx) { ... }`: it is called once per document"
                })
                .label("the rule is defined here")
                .at_line(&source, at("id"), 1),
            );
        }
    }
    if lint {
        errors.extend(super::lint::lint(&ast, &source, &kinds, engine));
    }
    let doc = doc_comment(text);
    let missing: Vec<&str> = DOC_SECTIONS
        .iter()
        .copied()
        .filter(|s| section(&doc, s).is_none())
        .collect();
    if !missing.is_empty() {
        errors.push(
            ToolDiagnostic::new(Code::RuleDocs, format!("the rule's documentation lacks: {}", missing.iter().map(|s| format!("`# {s}`")).collect::<Vec<_>>().join(", ")))
                .severity(Severity::Warning)
                .help("start the script with `//!` lines holding the four sections; `roadmap-lint new` writes the template")
                .label("documentation goes at the top")
                .at(&source, Span::point(0)),
        );
    }
    let fatal = errors.iter().any(|d| d.severity == Severity::Error);
    match (id, title, fatal) {
        (Some(id), Some(title), false) => {
            let rule = Rule {
                id,
                title,
                commitment,
                mission,
                severity,
                kinds,
                portfolio,
                doc,
                file: file.to_string(),
                source,
                ast,
                pack: manifest.name.clone(),
            };
            Ok((rule, errors))
        }
        _ => Err(errors),
    }
}

fn describe(v: &Dynamic) -> String {
    if v.is_string() {
        format!("the string {v:?}")
    } else {
        format!("{} `{v}`", v.type_name())
    }
}
