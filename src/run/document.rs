//! One file's documents: kind, schema, every rule that applies, findings resolved, waivers.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rhai::Dynamic;

use crate::date::Date;
use crate::diag::ToolDiagnostic;
use crate::engine::{self, RawFinding, Verdict};
use crate::finding::{Finding, Related, Severity};
use crate::load::{self, Problem};
use crate::node::Node;
use crate::pack::Rule;
use crate::schema;
use crate::source::SourceFile;

use super::*;

/// A finding before its path is resolved.
pub(super) struct Pending {
    pub(super) rule: Arc<Rule>,
    pub(super) raw: RawFinding,
}

/// What one file produced.
pub(super) struct FileOutcome {
    pub(super) source: Arc<SourceFile>,
    pub(super) docs: Vec<DocInfo>,
    pub(super) findings: Vec<Finding>,
    /// Rule results, with document and finding indices local to the file.
    pub(super) results: Vec<RuleResult>,
    pub(super) failures: Vec<Failure>,
    /// Portfolio `collect` values: (rule index, document index within file, value).
    pub(super) collected: Vec<(usize, usize, Dynamic)>,
}

/// A rule that failed to run on one document. It affects that document only: the rule goes on
/// with the others, so what a run reports never depends on the order files are checked in.
pub(super) struct Failure {
    pub(super) rule: usize,
    pub(super) diagnostic: ToolDiagnostic,
    /// The document, as shown: `file.yaml, document 2`.
    pub(super) place: String,
}

pub(super) fn problem_finding(
    problem: &Problem,
    source: &SourceFile,
    document: usize,
    path: String,
) -> Finding {
    let location = source.locate(problem.span);
    Finding {
        rule: problem.code.to_string(),
        commitment: None,
        mission: None,
        severity: problem.severity,
        file: source.name.clone(),
        document,
        path,
        location,
        message: problem.message.clone(),
        label: problem.label.clone(),
        help: Some(problem.help.clone()).filter(|h| !h.is_empty()),
        waived: false,
        waiver: None,
        related: problem
            .related
            .iter()
            .map(|(span, label)| Related {
                file: source.name.clone(),
                document,
                path: String::new(),
                message: label.clone(),
                location: source.locate(*span),
            })
            .collect(),
        source: 0,
    }
}

pub(super) fn evaluate_file(
    loaded: load::LoadedFile,
    prepared: &Prepared,
    options: &Options,
    rules: &[(usize, Arc<Rule>)],
    collected_bytes: &Collected,
    declarations: &[Declaration],
) -> FileOutcome {
    let source = Arc::new(loaded.source);
    let mut out = FileOutcome {
        source: source.clone(),
        docs: Vec::new(),
        findings: Vec::new(),
        results: Vec::new(),
        failures: Vec::new(),
        collected: Vec::new(),
    };
    for problem in &loaded.problems {
        out.findings
            .push(problem_finding(problem, &source, 0, String::new()));
    }
    for doc in loaded.docs {
        let mut info = DocInfo {
            file: source.name.clone(),
            document: doc.index,
            kind: None,
            organisation: None,
            name: None,
            as_of: None,
            evaluated: false,
        };
        for problem in &doc.problems {
            out.findings
                .push(problem_finding(problem, &source, doc.index, String::new()));
        }
        let blocked = doc.problems.iter().any(|p| p.severity == Severity::Error);
        let Some(root) = doc.root.filter(|_| !blocked) else {
            out.docs.push(info);
            continue;
        };
        let kind = match schema::kind_of(&root) {
            Ok(kind) => kind.to_string(),
            Err(sp) => {
                out.findings.push(problem_finding(
                    &sp.problem,
                    &source,
                    doc.index,
                    sp.path.to_string(),
                ));
                out.docs.push(info);
                continue;
            }
        };
        info.kind = Some(kind.clone());
        info.organisation = identity(&root, &kind, "id");
        info.name = identity(&root, &kind, "name");
        let schema_problems = schema::validate(&kind, &root);
        let as_of = options
            .as_of
            .or_else(|| {
                root.get("as_of")
                    .and_then(Node::as_str)
                    .and_then(Date::parse)
            })
            .unwrap_or_else(Date::today);
        info.as_of = Some(as_of.to_string());
        if !schema_problems.is_empty() {
            for sp in &schema_problems {
                out.findings.push(problem_finding(
                    &sp.problem,
                    &source,
                    doc.index,
                    sp.path.to_string(),
                ));
            }
            out.docs.push(info);
            continue;
        }
        info.evaluated = true;
        let value = engine::to_dynamic(&root);
        let mut ctx_by_pack: BTreeMap<usize, Dynamic> = BTreeMap::new();
        let mut pending: Vec<(usize, Pending)> = Vec::new();
        let mut failed_here: BTreeSet<usize> = BTreeSet::new();
        let mut fail = |ri: usize, diagnostic: ToolDiagnostic, out: &mut FileOutcome| {
            failed_here.insert(ri);
            out.failures.push(Failure {
                rule: ri,
                diagnostic,
                place: place(&source.name, doc.index),
            });
        };
        for (ri, (pi, rule)) in rules.iter().enumerate() {
            if !rule.applies_to(&kind) {
                continue;
            }
            // Built once per document and pack; each call below copies it once (Rhai takes
            // arguments by value), not twice.
            let ctx = ctx_by_pack.entry(*pi).or_insert_with(|| {
                let ctx = context(
                    &prepared.rules.packs[*pi],
                    prepared,
                    as_of,
                    &source.name,
                    doc.index,
                    &kind,
                );
                with_declaration(ctx, &kind, info.organisation.as_deref(), declarations)
            });
            if rule.portfolio {
                let (result, _) = crate::profile::timed(prepared.profile.as_ref(), ri, || {
                    engine::call(
                        &prepared.engine,
                        &prepared.sandbox,
                        rule,
                        "collect",
                        (value.clone(), ctx.clone()),
                        as_of,
                    )
                });
                match result {
                    Ok(v) if !v.is_unit() => {
                        if collected_bytes.keep(ri, engine::value::held_cost(&v)) {
                            out.collected.push((ri, out.docs.len(), v));
                        }
                    }
                    Ok(_) => {}
                    Err(d) => fail(ri, d, &mut out),
                }
                continue;
            }
            let verdict = crate::profile::timed(prepared.profile.as_ref(), ri, || {
                engine::evaluate(
                    &prepared.engine,
                    &prepared.sandbox,
                    rule,
                    &value,
                    ctx,
                    as_of,
                )
            });
            let status = match verdict {
                Verdict::Failed(d) => {
                    fail(ri, d, &mut out);
                    Status::Failed
                }
                Verdict::NotApplicable(reason) => Status::NotApplicable(reason),
                Verdict::Applied { passed, findings } => {
                    let start = pending.len();
                    pending.extend(findings.into_iter().map(|raw| {
                        (
                            ri,
                            Pending {
                                rule: rule.clone(),
                                raw,
                            },
                        )
                    }));
                    out.results.push(rule_result(
                        out.docs.len(),
                        rule,
                        Status::Applied,
                        passed.into_iter().map(|(_, p)| p).collect(),
                        (start..pending.len()).collect(),
                    ));
                    continue;
                }
            };
            out.results.push(rule_result(
                out.docs.len(),
                rule,
                status,
                Vec::new(),
                Vec::new(),
            ));
        }
        // Resolve this document's findings now, while its tree is at hand.
        let base = out.findings.len();
        for (_, p) in &pending {
            out.findings
                .push(resolve(p, &root, &source, doc.index, declarations));
        }
        let doc_index = out.docs.len();
        for r in out.results.iter_mut().filter(|r| r.doc == doc_index) {
            r.findings.iter_mut().for_each(|i| *i += base);
        }
        // Waivers, now that the document's findings have their paths (see waiver.rs).
        let about_waivers = crate::waiver::apply(
            &crate::waiver::DocContext {
                root: &root,
                source: &source,
                document: doc.index,
                as_of,
            },
            &mut out.findings[base..],
            options.waivers,
            &|id| match rules.iter().position(|(_, r)| r.id == id) {
                Some(ri) => {
                    let r = &rules[ri].1;
                    if r.portfolio || !r.applies_to(&kind) || failed_here.contains(&ri) {
                        crate::waiver::RuleState::Silent
                    } else {
                        crate::waiver::RuleState::Ran
                    }
                }
                // Rules switched off by --config or a rule filter are not loaded at all.
                None if options.only_rules.is_some()
                    || options
                        .selection
                        .as_ref()
                        .is_some_and(|s| *s != crate::config::RuleSelection::default()) =>
                {
                    crate::waiver::RuleState::Silent
                }
                None => crate::waiver::RuleState::Unknown,
            },
        );
        out.findings.extend(about_waivers);
        out.docs.push(info);
    }
    out
}

pub(super) fn rule_result(
    doc: usize,
    rule: &Rule,
    status: Status,
    passed: Vec<String>,
    findings: Vec<usize>,
) -> RuleResult {
    RuleResult {
        doc,
        rule: rule.id.clone(),
        commitment: rule.commitment,
        mission: rule.mission,
        status,
        passed,
        findings,
    }
}

/// One diagnostic per rule that failed, however many documents it failed on: the failure in the
/// first document (in input order) with its own message, and the others named after it.
pub(super) fn failure_diagnostics(failures: Vec<Failure>) -> Vec<ToolDiagnostic> {
    const NAMED: usize = 5;
    let mut by_rule: BTreeMap<usize, Vec<Failure>> = BTreeMap::new();
    for f in failures {
        by_rule.entry(f.rule).or_default().push(f);
    }
    by_rule
        .into_values()
        .filter_map(|list| {
            let mut list = list.into_iter();
            let first = list.next()?;
            let others: Vec<String> = list.map(|f| f.place).collect();
            let mut d = first.diagnostic;
            d.message = format!("{} (in {})", d.message, first.place);
            if !others.is_empty() {
                let shown: Vec<&str> = others.iter().take(NAMED).map(String::as_str).collect();
                let more = others.len().saturating_sub(NAMED);
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                d.message = format!(
                    "{}; it also failed in {}{tail}",
                    d.message,
                    shown.join("; ")
                );
            }
            Some(d)
        })
        .collect()
}
