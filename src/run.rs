//! One evaluation of a set of inputs: load, validate, run the rules, resolve paths into spans.
//! `check` and the other commands share it; nothing downstream re-runs a rule.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use rayon::prelude::*;
use rhai::{Dynamic, Engine, Map};

use crate::date::Date;
use crate::diag::{Code, ToolDiagnostic};
use crate::engine::{self, Mapping, RawFinding, Sandbox, Verdict};
use crate::finding::{Finding, Related, Severity};
use crate::load::{self, Input, Limits, ParsedDoc, Problem};
use crate::node::{DocPath, Node};
use crate::pack::{self, Pack, PackSources, Rule, RuleSet};
use crate::schema;
use crate::source::SourceFile;

/// A parameter override: `--param NAME=VALUE`, or `params:` in the config file (with where it
/// was written, so that a bad value is pointed at).
#[derive(Debug, Clone)]
pub struct ParamSetting {
    pub name: String,
    pub value: String,
    pub from: Option<crate::source::Origin>,
}

impl ParamSetting {
    /// A setting from the command line.
    pub fn flag(name: impl Into<String>, value: impl Into<String>) -> Self {
        ParamSetting {
            name: name.into(),
            value: value.into(),
            from: None,
        }
    }

    /// A diagnostic about this setting: at its line in the config file, or naming the flag.
    fn diagnostic(&self, code: Code, problem: &str) -> ToolDiagnostic {
        match &self.from {
            Some(origin) => ToolDiagnostic::new(
                code,
                format!(
                    "`params.{}` in {}: {problem}",
                    self.name, origin.source.name
                ),
            )
            .at(&origin.source, origin.span)
            .label("set here"),
            None => ToolDiagnostic::new(
                code,
                format!("--param {}={}: {problem}", self.name, self.value),
            ),
        }
    }
}

/// Everything that shapes a run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub as_of: Option<Date>,
    pub params: Vec<ParamSetting>,
    pub limits: Limits,
    pub sandbox: Sandbox,
    pub packs: PackSources,
    /// Run only these rules (by id), when given.
    pub only_rules: Option<Vec<String>>,
    /// Rules enabled and disabled by the config file (by id, commitment or mission).
    pub selection: Option<crate::config::RuleSelection>,
    /// Severity overrides by rule id (config file).
    pub severity: BTreeMap<String, Severity>,
    /// How waivers are applied (`--no-waivers`, `--waiver-warning-days`).
    pub waivers: crate::waiver::WaiverSettings,
    /// The config file the settings came from, as shown in reports.
    pub config_file: Option<String>,
}

/// A document that was read, whatever became of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DocInfo {
    pub file: String,
    pub document: usize,
    pub kind: Option<String>,
    pub organisation: Option<String>,
    pub name: Option<String>,
    /// The evaluation date used for this document.
    pub as_of: Option<String>,
    /// Whether rules ran on it (they do not on documents with syntax or schema errors).
    pub evaluated: bool,
}

/// What one rule concluded about one document, for scores and JUnit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleResult {
    /// Index into [`Run::documents`].
    pub doc: usize,
    pub rule: String,
    pub commitment: Option<u32>,
    pub mission: Option<u32>,
    pub status: Status,
    /// Paths of the checks that passed.
    pub passed: Vec<String>,
    /// Indices into [`Run::findings`] of the findings this rule raised in the document.
    pub findings: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "reason")]
pub enum Status {
    Applied,
    NotApplicable(String),
    Failed,
}

/// A rule pack a run used, as reports name it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PackUsed {
    pub name: String,
    pub version: String,
    /// `builtin`, or the folder it was read from.
    pub origin: String,
}

/// What a run was configured from: the config file and the rule packs. Reports say so, so that
/// a config found in a parent folder, or a pack it names, never applies unseen.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Provenance {
    pub config: Option<String>,
    pub packs: Vec<PackUsed>,
}

impl Provenance {
    pub fn of(prepared: &Prepared, options: &Options) -> Provenance {
        Provenance {
            config: options.config_file.clone(),
            packs: prepared
                .rules
                .packs
                .iter()
                .map(|p| PackUsed {
                    name: p.manifest.name.clone(),
                    version: p.manifest.version.clone(),
                    origin: p.origin.clone(),
                })
                .collect(),
        }
    }
}

/// The outcome of a run.
#[derive(Debug, Default)]
pub struct Run {
    /// The config file and the packs the run used.
    pub provenance: Provenance,
    pub sources: Vec<Arc<SourceFile>>,
    pub documents: Vec<DocInfo>,
    pub findings: Vec<Finding>,
    pub results: Vec<RuleResult>,
    /// Problems with the tool's own inputs: unreadable paths, broken rules, bad parameters.
    pub diagnostics: Vec<ToolDiagnostic>,
    /// Where each loaded rule is documented (see [`crate::pack::RuleSet::doc_link`]).
    pub doc_links: std::collections::HashMap<String, String>,
    /// [`Run::sources`] by name, built on first use.
    by_name: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

/// The loaded packs and the engine, ready to evaluate documents.
pub struct Prepared {
    pub rules: RuleSet,
    pub engine: Engine,
    pub sandbox: Sandbox,
    /// `ctx.params` and `ctx.data` per pack, by pack name.
    pub pack_ctx: BTreeMap<String, (Map, Map)>,
    /// The same as Rhai values every rule call shares (see [`engine::value`]): building `ctx`
    /// for a document copies two reference counts, not the pack's data.
    pack_shared: BTreeMap<String, (Dynamic, Dynamic)>,
    pub diagnostics: Vec<ToolDiagnostic>,
    /// What the packs define, before `--rule` and the config's selection.
    pub known: pack::Known,
    /// Time per rule, when `check --profile` asked for it.
    pub profile: Option<crate::profile::Profile>,
}

/// Load the packs and resolve parameters. Problems become diagnostics.
pub fn prepare(options: &Options) -> Prepared {
    let engine = engine::engine(&options.sandbox);
    let (mut rules, mut diagnostics) = pack::load(&options.packs, &engine);
    let known = pack::Known::of(&rules);
    if let Some(only) = &options.only_rules {
        // A typo in `--rule` would run nothing and pass: each unknown id is an error.
        let ids: Vec<&str> = rules.rules().map(|(_, r)| r.id.as_str()).collect();
        for id in only.iter().filter(|id| !ids.contains(&id.as_str())) {
            diagnostics.push(
                ToolDiagnostic::new(
                    Code::RuleUnknown,
                    format!("--rule {id}: no loaded rule has this id"),
                )
                .help(crate::suggest::help(id, "rule id", &ids)),
            );
        }
        for p in &mut rules.packs {
            p.rules.retain(|r| only.contains(&r.id));
        }
    }
    if let Some(selection) = &options.selection {
        for p in &mut rules.packs {
            p.rules.retain(|r| selection.allows(r));
        }
    }
    let mut pack_ctx = BTreeMap::new();
    let mut used = vec![false; options.params.len()];
    for p in &rules.packs {
        let mut params = Map::new();
        for (name, param) in &p.manifest.parameters {
            if let Ok(v) = pack::param_value(param.kind, &param.default) {
                params.insert(name.as_str().into(), v);
            }
        }
        for (i, setting) in options.params.iter().enumerate() {
            if let Some(param) = p.manifest.parameters.get(&setting.name) {
                used[i] = true;
                match pack::parse_override(param.kind, &setting.value) {
                    Ok(v) => {
                        params.insert(setting.name.as_str().into(), v);
                    }
                    Err(msg) => diagnostics.push(
                        setting.diagnostic(Code::ParamInvalid, &msg).help(format!(
                            "`{}` is {} {}: {}",
                            setting.name,
                            crate::pack::article(param.kind.name()),
                            param.kind.name(),
                            param.rationale
                        )),
                    ),
                }
            }
        }
        pack_ctx.insert(p.manifest.name.clone(), (params, p.data.clone()));
    }
    let param_names: Vec<&str> = known.params.iter().map(String::as_str).collect();
    for (i, setting) in options.params.iter().enumerate() {
        if !used[i] {
            diagnostics.push(
                setting
                    .diagnostic(Code::ParamUnknown, "no pack has a parameter of that name")
                    .help(crate::suggest::help(
                        &setting.name,
                        "parameter",
                        &param_names,
                    )),
            );
        }
    }
    let pack_shared = pack_ctx
        .iter()
        .map(|(name, (params, data))| {
            (
                name.clone(),
                (
                    engine::value::share(Dynamic::from_map(params.clone())),
                    engine::value::share(Dynamic::from_map(data.clone())),
                ),
            )
        })
        .collect();
    Prepared {
        rules,
        engine,
        sandbox: options.sandbox.clone(),
        pack_ctx,
        pack_shared,
        diagnostics,
        known,
        profile: None,
    }
}

/// A finding before its path is resolved.
struct Pending {
    rule: Arc<Rule>,
    raw: RawFinding,
}

/// What one file produced.
struct FileOutcome {
    source: Arc<SourceFile>,
    docs: Vec<DocInfo>,
    findings: Vec<Finding>,
    /// Rule results, with document and finding indices local to the file.
    results: Vec<RuleResult>,
    failures: Vec<Failure>,
    /// Portfolio `collect` values: (rule index, document index within file, value).
    collected: Vec<(usize, usize, Dynamic)>,
}

/// A rule that failed to run on one document. It affects that document only: the rule goes on
/// with the others, so what a run reports never depends on the order files are checked in.
struct Failure {
    rule: usize,
    diagnostic: ToolDiagnostic,
    /// The document, as shown: `file.yaml, document 2`.
    place: String,
}

/// What the portfolio rules' `collect` calls keep until `check_all`, per rule: the sum of
/// [`engine::value::held_cost`] of every value, and whether it went over the sandbox's
/// `max_collected`. Once over, values are no longer kept and the rule's `check_all` does not
/// run; the outcome depends on the sum alone, not on the order files are checked in.
struct Collected {
    bytes: Vec<std::sync::atomic::AtomicUsize>,
    /// The sandbox's `max_collected` plus twice the size of the run's inputs (known before
    /// any is read, so the limit does not depend on the order they are read in).
    limit: usize,
}

impl Collected {
    fn new(rules: usize, limit: usize) -> Self {
        Collected {
            bytes: (0..rules)
                .map(|_| std::sync::atomic::AtomicUsize::new(0))
                .collect(),
            limit,
        }
    }

    /// Count a value; whether the rule is still within its budget.
    fn keep(&self, rule: usize, cost: usize) -> bool {
        let before = self.bytes[rule].fetch_add(cost, Ordering::Relaxed);
        before.saturating_add(cost) <= self.limit
    }

    /// The rule's total, when it went over the limit.
    fn over(&self, rule: usize) -> Option<usize> {
        let total = self.bytes[rule].load(Ordering::Relaxed);
        (total > self.limit).then_some(total)
    }
}

/// The size of the inputs in bytes, as far as it is known before reading them (standard input
/// counts as nothing).
fn input_bytes(inputs: &[Input]) -> usize {
    inputs
        .iter()
        .map(|input| match input {
            Input::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
            Input::Bytes { bytes, .. } => bytes.len() as u64,
            Input::Stdin { .. } => 0,
        })
        .fold(0usize, |sum, n| {
            sum.saturating_add(usize::try_from(n).unwrap_or(usize::MAX))
        })
}

/// The document as named in messages: `file.yaml, document 2` (documents count from 1 in
/// text; the JSON report's `document` index counts from 0).
pub fn place(file: &str, document: usize) -> String {
    format!("{file}, document {}", document + 1)
}

/// Run everything over the inputs.
pub fn run(inputs: &[Input], prepared: &Prepared, options: &Options) -> Run {
    let all_rules: Vec<(usize, Arc<Rule>)> = prepared
        .rules
        .packs
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.rules.iter().map(move |r| (i, r.clone())))
        .collect();
    let collected_bytes = Collected::new(
        all_rules.len(),
        prepared
            .sandbox
            .max_collected
            .saturating_add(input_bytes(inputs).saturating_mul(2)),
    );
    let unreadable = ToolDiagnostic::from;
    // Files stream through: each is read, parsed, checked and dropped on its worker, so memory
    // holds findings and source texts, never every parsed tree at once. Files holding a
    // proposal wait for the second pass, because a proposal's rules see its department's
    // declaration, which may be any other file of the run.
    let first: Vec<Pass> = inputs
        .par_iter()
        .map(|input| match load::load(input, &options.limits) {
            Err(e) => Pass::Done(Box::new(Err(unreadable(e)))),
            Ok(loaded) if holds_proposal(&loaded) => Pass::Waiting(Box::new(loaded)),
            Ok(loaded) => Pass::Done(Box::new(Ok(evaluate_file(
                loaded,
                prepared,
                options,
                &all_rules,
                &collected_bytes,
                &[],
            )))),
        })
        .collect();
    let declarations = declarations(&first, &options.limits);
    let outcomes: Vec<Result<FileOutcome, ToolDiagnostic>> = first
        .into_par_iter()
        .map(|pass| match pass {
            Pass::Done(outcome) => *outcome,
            Pass::Waiting(loaded) => Ok(evaluate_file(
                *loaded,
                prepared,
                options,
                &all_rules,
                &collected_bytes,
                &declarations,
            )),
        })
        .collect();

    let mut run = Run {
        diagnostics: prepared.diagnostics.clone(),
        provenance: Provenance::of(prepared, options),
        doc_links: prepared
            .rules
            .rules()
            .filter_map(|(_, r)| Some((r.id.clone(), prepared.rules.doc_link(&r.id)?)))
            .collect(),
        ..Run::default()
    };
    let mut collected: Vec<(usize, usize, Dynamic)> = Vec::new();
    let mut failures: Vec<Failure> = Vec::new();
    // Room for everything at once: growing these vectors by doubling held two copies of every
    // finding for a moment, which set the run's peak memory.
    let files = outcomes.iter().flatten();
    run.sources.reserve_exact(files.clone().count());
    run.documents
        .reserve_exact(files.clone().map(|f| f.docs.len()).sum());
    run.findings
        .reserve_exact(files.clone().map(|f| f.findings.len()).sum());
    run.results
        .reserve_exact(files.map(|f| f.results.len()).sum());
    for outcome in outcomes {
        match outcome {
            Err(d) => run.diagnostics.push(d),
            Ok(file) => {
                let source_index = run.sources.len();
                let doc_base = run.documents.len();
                let finding_base = run.findings.len();
                run.sources.push(file.source);
                run.documents.extend(file.docs);
                run.findings.extend(file.findings.into_iter().map(|mut f| {
                    f.source = source_index;
                    f
                }));
                for mut r in file.results {
                    r.doc += doc_base;
                    r.findings.iter_mut().for_each(|i| *i += finding_base);
                    run.results.push(r);
                }
                collected.extend(
                    file.collected
                        .into_iter()
                        .map(|(r, d, v)| (r, doc_base + d, v)),
                );
                failures.extend(file.failures);
            }
        }
    }
    run.diagnostics.extend(failure_diagnostics(failures));
    portfolio(
        &mut run,
        prepared,
        options,
        &all_rules,
        collected,
        &collected_bytes,
    );
    for f in &mut run.findings {
        if let Some(s) = options.severity.get(&f.rule) {
            f.severity = *s;
        }
    }
    sort(&mut run);
    run
}

fn problem_finding(
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

fn evaluate_file(
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

fn rule_result(
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
fn failure_diagnostics(failures: Vec<Failure>) -> Vec<ToolDiagnostic> {
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

fn identity(root: &Node, kind: &str, field: &str) -> Option<String> {
    let node = match (kind, field) {
        ("department", f) => root.get("organisation")?.get(f)?,
        ("proposal", "id") => root.get("proposal")?.get("organisation")?,
        ("proposal", _) => root.get("proposal")?.get("title")?,
        _ => return None,
    };
    node.as_str().map(str::to_string)
}

/// A valid department declaration of the run. A proposal rule sees the first one whose
/// `organisation.id` equals the proposal's `proposal.organisation` as `ctx.declaration`, and
/// its index as `ctx.declaration_ref`, which `relate` accepts to label a path in it.
struct Declaration {
    organisation: String,
    document: usize,
    source: SourceFile,
    root: Node,
    value: Dynamic,
}

/// A file after the first pass: checked, or waiting for the declarations (it holds a proposal).
enum Pass {
    Done(Box<Result<FileOutcome, ToolDiagnostic>>),
    Waiting(Box<load::LoadedFile>),
}

fn is_proposal(root: &Node) -> bool {
    schema::kind_of(root).ok() == Some("proposal")
}

fn holds_proposal(file: &load::LoadedFile) -> bool {
    file.docs.iter().flat_map(|d| &d.root).any(is_proposal)
}

/// The declarations the run's proposals refer to: for each organisation a proposal names, the
/// first valid department declaration of it in input order (a document that parses, is of kind
/// `department` and passes the schema). Only proposals use them, so a run without one pays
/// nothing; a file already checked in the first pass is parsed again from its kept text, and
/// only when it holds a declaration a proposal needs.
fn declarations(first: &[Pass], limits: &Limits) -> Vec<Declaration> {
    let wanted: BTreeSet<String> = first
        .iter()
        .filter_map(|p| match p {
            Pass::Waiting(file) => Some(file),
            Pass::Done(_) => None,
        })
        .flat_map(|file| file.docs.iter().flat_map(|d| &d.root))
        .filter(|root| is_proposal(root))
        .filter_map(|root| identity(root, "proposal", "id"))
        .collect();
    let mut out: Vec<Declaration> = Vec::new();
    let needed = |out: &[Declaration], organisation: &str| {
        wanted.contains(organisation) && out.iter().all(|d| d.organisation != organisation)
    };
    let declaration =
        |organisation: String, source: &SourceFile, doc: &ParsedDoc, root: &Node| Declaration {
            organisation,
            document: doc.index,
            source: SourceFile::new(source.name.clone(), source.text.clone()),
            root: root.clone(),
            value: engine::to_dynamic(root),
        };
    for pass in first {
        if out.len() == wanted.len() {
            break;
        }
        match pass {
            // Not checked yet: judge each document here.
            Pass::Waiting(file) => {
                for doc in &file.docs {
                    let Some(root) = &doc.root else { continue };
                    if doc.problems.iter().any(|p| p.severity == Severity::Error)
                        || schema::kind_of(root).ok() != Some("department")
                    {
                        continue;
                    }
                    if let Some(organisation) = identity(root, "department", "id")
                        && needed(&out, &organisation)
                        && schema::validate("department", root).is_empty()
                    {
                        out.push(declaration(organisation, &file.source, doc, root));
                    }
                }
            }
            // Checked: its documents' records say which are valid declarations.
            Pass::Done(done) => {
                let Ok(outcome) = done.as_ref() else { continue };
                let mut parsed: Option<Vec<ParsedDoc>> = None;
                for info in &outcome.docs {
                    let Some(organisation) = &info.organisation else {
                        continue;
                    };
                    let wanted_here = info.evaluated
                        && info.kind.as_deref() == Some("department")
                        && needed(&out, organisation);
                    if !wanted_here {
                        continue;
                    }
                    let docs = parsed
                        .get_or_insert_with(|| load::yaml::parse(&outcome.source.text, limits));
                    if let Some(doc) = docs.iter().find(|d| d.index == info.document)
                        && let Some(root) = &doc.root
                    {
                        out.push(declaration(
                            organisation.clone(),
                            &outcome.source,
                            doc,
                            root,
                        ));
                    }
                }
            }
        }
    }
    out
}

/// Give a proposal's `ctx` its department declaration (`()` when the run has none).
fn with_declaration(
    ctx: Dynamic,
    kind: &str,
    organisation: Option<&str>,
    declarations: &[Declaration],
) -> Dynamic {
    if kind != "proposal" {
        return ctx;
    }
    let mut map = ctx
        .try_cast::<Mapping>()
        .map(|m| m.map().clone())
        .unwrap_or_default();
    let found = declarations
        .iter()
        .position(|d| Some(d.organisation.as_str()) == organisation);
    let (value, reference) = match found {
        Some(i) => (declarations[i].value.clone(), Dynamic::from_int(i as i64)),
        None => (Dynamic::UNIT, Dynamic::UNIT),
    };
    map.insert("declaration".into(), value);
    map.insert("declaration_ref".into(), reference);
    Dynamic::from(Mapping::new(map))
}

/// The `ctx` a rule sees for a document.
fn context(
    pack: &Pack,
    prepared: &Prepared,
    as_of: Date,
    file: &str,
    document: usize,
    kind: &str,
) -> Dynamic {
    let (params, data) = prepared
        .pack_shared
        .get(&pack.manifest.name)
        .cloned()
        .unwrap_or_else(|| {
            (
                Dynamic::from(Mapping::default()),
                Dynamic::from(Mapping::default()),
            )
        });
    let mut ctx = Map::new();
    ctx.insert("as_of".into(), Dynamic::from(as_of));
    ctx.insert("params".into(), params);
    ctx.insert("data".into(), data);
    ctx.insert("file".into(), Dynamic::from(file.to_string()));
    ctx.insert("document".into(), Dynamic::from_int(document as i64));
    ctx.insert("kind".into(), Dynamic::from(kind.to_string()));
    Dynamic::from(Mapping::new(ctx))
}

/// Resolve a rule's finding into a location in the document. A path that does not exist points
/// at its nearest existing parent, and says what is missing.
fn resolve(
    p: &Pending,
    root: &Node,
    source: &SourceFile,
    document: usize,
    declarations: &[Declaration],
) -> Finding {
    let path = DocPath::parse(&p.raw.path).unwrap_or_default();
    let resolved = root.resolve(&path);
    let label = if resolved.complete {
        None
    } else {
        let missing = path.prefix(resolved.found + 1).to_string();
        Some(format!("`{missing}` is missing here"))
    };
    // A related path with a target points into the declaration given as `ctx.declaration_ref`.
    let related = p
        .raw
        .related
        .iter()
        .filter_map(|(target, rpath, message)| {
            let rp = DocPath::parse(rpath).unwrap_or_default();
            let (file, document, location) = match target {
                None => (
                    source.name.clone(),
                    document,
                    source.locate(root.resolve(&rp).span),
                ),
                Some(i) => {
                    let d = declarations.get(*i)?;
                    (
                        d.source.name.clone(),
                        d.document,
                        d.source.locate(d.root.resolve(&rp).span),
                    )
                }
            };
            Some(Related {
                file,
                document,
                path: rpath.clone(),
                message: message.clone(),
                location,
            })
        })
        .collect();
    Finding {
        rule: p.rule.id.clone(),
        commitment: p.rule.commitment,
        mission: p.rule.mission,
        severity: p.raw.severity,
        file: source.name.clone(),
        document,
        path: path.to_string(),
        location: source.locate(resolved.span),
        message: p.raw.message.clone(),
        label,
        help: p.raw.help.clone(),
        waived: false,
        waiver: None,
        related,
        source: 0,
    }
}

/// Portfolio rules: `check_all` once over the values their `collect` gathered. Findings may
/// point into any document; those documents are parsed again to resolve the paths.
fn portfolio(
    run: &mut Run,
    prepared: &Prepared,
    options: &Options,
    rules: &[(usize, Arc<Rule>)],
    collected: Vec<(usize, usize, Dynamic)>,
    collected_bytes: &Collected,
) {
    let as_of = portfolio_as_of(run, options);
    for (ri, (pi, rule)) in rules.iter().enumerate() {
        if !rule.portfolio {
            continue;
        }
        if let Some(total) = collected_bytes.over(ri) {
            run.diagnostics.push(
                rule.diagnostic(
                    Code::RuleLimit,
                    format!(
                        "rule `{}` kept {total} bytes from its `collect` calls, over the limit \
                         of {} bytes; its portfolio check did not run",
                        rule.id, collected_bytes.limit
                    ),
                )
                .help(
                    "return only what `check_all` needs from `collect` (ids, dates, counts), \
                     not documents or long texts",
                ),
            );
            continue;
        }
        let items: rhai::Array = collected
            .iter()
            .filter(|(r, _, _)| *r == ri)
            .map(|(_, doc, value)| {
                let info = &run.documents[*doc];
                let mut item = Map::new();
                item.insert("ref".into(), Dynamic::from_int(*doc as i64));
                item.insert("file".into(), Dynamic::from(info.file.clone()));
                item.insert(
                    "organisation".into(),
                    info.organisation
                        .clone()
                        .map_or(Dynamic::UNIT, Dynamic::from),
                );
                item.insert("value".into(), value.clone());
                Dynamic::from_map(item)
            })
            .collect();
        let file = run
            .sources
            .first()
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let ctx = context(
            &prepared.rules.packs[*pi],
            prepared,
            as_of,
            &file,
            0,
            "portfolio",
        );
        let (result, collected) = crate::profile::timed(prepared.profile.as_ref(), ri, || {
            engine::call(
                &prepared.engine,
                &prepared.sandbox,
                rule,
                "check_all",
                (Dynamic::from_array(items), ctx),
                as_of,
            )
        });
        match engine::verdict(result.map(|_| ()), collected) {
            Verdict::Failed(d) => run.diagnostics.push(d),
            Verdict::NotApplicable(_) => {}
            Verdict::Applied { passed, findings } => {
                let mut trees: BTreeMap<usize, Option<Node>> = BTreeMap::new();
                let mut per_doc: BTreeMap<usize, (Vec<String>, Vec<usize>)> = BTreeMap::new();
                for (target, path) in passed {
                    if let Some(doc) = target {
                        per_doc.entry(doc).or_default().0.push(path);
                    }
                }
                for raw in findings {
                    let Some(doc) = raw.target.filter(|d| *d < run.documents.len()) else {
                        continue;
                    };
                    let mut finding = resolve_portfolio(run, &mut trees, doc, rule, &raw, options);
                    if options.waivers.enabled
                        && let Some(root) = tree_of(run, &mut trees, doc, options)
                    {
                        let doc_as_of = run.documents[doc]
                            .as_of
                            .as_deref()
                            .and_then(Date::parse)
                            .unwrap_or(as_of);
                        crate::waiver::waive(root, &mut finding, doc_as_of);
                    }
                    per_doc.entry(doc).or_default().1.push(run.findings.len());
                    run.findings.push(finding);
                }
                for (doc, (passed, findings)) in per_doc {
                    run.results
                        .push(rule_result(doc, rule, Status::Applied, passed, findings));
                }
            }
        }
    }
}

/// The evaluation date of a portfolio rule: `--as-of`, else the latest date among the documents
/// that were evaluated (each document's own `as_of`), else today. The latest date is the state of
/// the portfolio: a run that mixes older and newer declarations is judged as of the newest.
fn portfolio_as_of(run: &Run, options: &Options) -> Date {
    options
        .as_of
        .or_else(|| {
            run.documents
                .iter()
                .filter(|d| d.evaluated)
                .filter_map(|d| d.as_of.as_deref().and_then(Date::parse))
                .max()
        })
        .unwrap_or_else(Date::today)
}

fn tree_of<'a>(
    run: &Run,
    trees: &'a mut BTreeMap<usize, Option<Node>>,
    doc: usize,
    options: &Options,
) -> &'a Option<Node> {
    trees.entry(doc).or_insert_with(|| {
        let info = &run.documents[doc];
        let source = run.source(&info.file)?;
        let docs = load::yaml::parse(&source.text, &options.limits);
        docs.into_iter().nth(info.document).and_then(|d| d.root)
    })
}

fn resolve_portfolio(
    run: &Run,
    trees: &mut BTreeMap<usize, Option<Node>>,
    doc: usize,
    rule: &Rule,
    raw: &RawFinding,
    options: &Options,
) -> Finding {
    let info = run.documents[doc].clone();
    let source_index = run.source_index(&info.file).unwrap_or(0);
    let source = run.sources[source_index].clone();
    let path = DocPath::parse(&raw.path).unwrap_or_default();
    let (location, complete, found) = match tree_of(run, trees, doc, options) {
        Some(root) => {
            let r = root.resolve(&path);
            (source.locate(r.span), r.complete, r.found)
        }
        None => (Default::default(), false, 0),
    };
    let mut related = Vec::new();
    for (target, rpath, message) in &raw.related {
        let rdoc = target.unwrap_or(doc);
        if rdoc >= run.documents.len() {
            continue;
        }
        let rinfo = run.documents[rdoc].clone();
        let rp = DocPath::parse(rpath).unwrap_or_default();
        let rsource = run.source(&rinfo.file).cloned();
        let loc = match (tree_of(run, trees, rdoc, options), rsource) {
            (Some(root), Some(src)) => src.locate(root.resolve(&rp).span),
            _ => Default::default(),
        };
        related.push(Related {
            file: rinfo.file,
            document: rinfo.document,
            path: rpath.clone(),
            message: message.clone(),
            location: loc,
        });
    }
    Finding {
        rule: rule.id.clone(),
        commitment: rule.commitment,
        mission: rule.mission,
        severity: raw.severity,
        file: info.file,
        document: info.document,
        path: path.to_string(),
        location,
        message: raw.message.clone(),
        label: (!complete).then(|| format!("`{}` is missing here", path.prefix(found + 1))),
        help: raw.help.clone(),
        waived: false,
        waiver: None,
        related,
        source: source_index,
    }
}

/// Deterministic order: findings by file, document, line, column, rule; diagnostics by file and
/// line. Indices held by results are remapped.
fn sort(run: &mut Run) {
    let mut order: Vec<usize> = (0..run.findings.len()).collect();
    order.sort_by(|&a, &b| run.findings[a].sort_key().cmp(&run.findings[b].sort_key()));
    let mut new_index = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    // Put each finding in its place by following the permutation's cycles, in place: a second
    // vector of every finding would double the peak memory of a large run.
    let mut placed = vec![false; order.len()];
    for start in 0..order.len() {
        let mut at = start;
        while !placed[at] {
            placed[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            run.findings.swap(at, from);
            at = from;
        }
    }
    for r in &mut run.results {
        for i in &mut r.findings {
            *i = new_index[*i];
        }
        r.findings.sort_unstable();
    }
    run.results
        .sort_by(|a, b| (a.doc, &a.rule).cmp(&(b.doc, &b.rule)));
    run.diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.code, &a.message)
            .cmp(&(&b.file, b.line, b.column, &b.code, &b.message))
    });
}

impl Run {
    /// The index in [`Run::sources`] of the file shown as `file`. An index built once: lookups
    /// by name in a loop over documents made a 30,000-file run quadratic.
    pub fn source_index(&self, file: &str) -> Option<usize> {
        self.by_name
            .get_or_init(|| {
                self.sources
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.name.clone(), i))
                    .collect()
            })
            .get(file)
            .copied()
    }

    /// The source of the file shown as `file`.
    pub fn source(&self, file: &str) -> Option<&Arc<SourceFile>> {
        self.source_index(file).map(|i| &self.sources[i])
    }

    /// The findings of a file, or of one document of it, found by binary search: findings are
    /// sorted by file, then document.
    pub fn findings_of(&self, file: &str, document: Option<usize>) -> &[Finding] {
        fn key(f: &Finding) -> (&str, usize) {
            (f.file.as_str(), f.document)
        }
        let (start, end) = match document {
            Some(d) => (
                self.findings.partition_point(|f| key(f) < (file, d)),
                self.findings.partition_point(|f| key(f) <= (file, d)),
            ),
            None => (
                self.findings.partition_point(|f| f.file.as_str() < file),
                self.findings.partition_point(|f| f.file.as_str() <= file),
            ),
        };
        &self.findings[start..end.max(start)]
    }

    /// Where a rule or a built-in code is documented.
    pub fn doc_link(&self, id: &str) -> Option<String> {
        self.doc_links
            .get(id)
            .cloned()
            .or_else(|| crate::diag::Code::from_id(id).map(crate::diag::Code::url))
    }

    /// The most severe unwaived finding.
    pub fn worst(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| !f.waived)
            .map(|f| f.severity)
            .max()
    }

    /// Whether the tool failed to do part of its job (exit code 2).
    pub fn has_tool_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}
