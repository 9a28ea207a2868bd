//! One evaluation of a set of inputs: load, validate, run the rules, resolve paths into spans.
//! `check` and the other commands share it; nothing downstream re-runs a rule. The stages are
//! one module each: [`prepare`] (packs, parameters, the engine), [`document`] (one file's
//! documents through schema, rules and waivers), [`declarations`] (what proposals are checked
//! against), [`resolve`] (rule paths into spans), [`portfolio`] (rules over every document) and
//! [`order`] (the deterministic order of the report).

mod cached;
mod context;
mod declarations;
mod document;
mod each_finding;
mod exemption;
mod filter;
mod options;
mod order;
mod outside;
mod portfolio;
mod prepare;
mod provenance;
mod resolve;
mod result;
mod results;
mod spill;

pub use options::Options;
pub(crate) use options::from_config;
pub use outside::OutsideCache;
pub use prepare::{Prepared, prepare};
use prepare::{context, targets_for};
pub use provenance::Provenance;
pub use result::{RuleResult, Status};
pub use results::Results;
pub use spill::{Counts, FINDING_DEPTH, Item, Mark, Spill};

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;
use rhai::Dynamic;

use crate::date::Date;
use crate::diag::{Code, ToolDiagnostic};
use crate::finding::{Finding, Severity};
use crate::load::{self, Input};
use crate::pack::Rule;
use crate::source::SourceFile;

use context::*;
use declarations::*;
use document::*;
use order::*;
use outside::*;
use portfolio::*;
use resolve::*;

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

/// What one rule printed on one document, and where it recorded its results from.
#[derive(Debug, Clone)]
pub struct Trail {
    /// Index into [`Run::documents`].
    pub doc: usize,
    pub rule: String,
    pub output: Vec<String>,
    pub calls: Vec<crate::engine::api::Site>,
}

/// A document that was read, whatever became of it ([`Run::documents`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
#[warn(missing_docs)]
pub struct DocInfo {
    /// The file, as reports name it.
    pub file: String,
    /// Its index in the file, from 0.
    pub document: usize,
    /// Its `kind` (`department`, `proposal`), when it has a readable one.
    pub kind: Option<String>,
    /// Its organisation's code, when it names one.
    pub organisation: Option<String>,
    /// Its organisation's or proposal's name, when it has one.
    pub name: Option<String>,
    /// The evaluation date used for this document.
    pub as_of: Option<String>,
    /// Whether rules ran on it (they do not on documents with syntax or schema errors).
    pub evaluated: bool,
    /// The `id`s of its listed items (a department's `services`), in order, for scores.
    #[serde(skip)]
    pub(crate) items: Vec<Option<String>>,
    /// Its own `as_of` (not `--as-of`): the date that orders declarations of one organisation.
    #[serde(skip)]
    pub(crate) declared: Option<Date>,
    /// The previous declaration it was compared with (a department declaration's rules that
    /// judge change read it): its file and `as_of`, or its commit and path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
}

/// The outcome of checking documents: the findings (each with its file, line and column), the
/// documents read, and the problems the tool had with its own inputs. Made by
/// [`Linter`](crate::Linter)'s `check_*` methods.
///
/// ```no_run
/// use roadmap_lint::{Exit, Linter, Severity};
///
/// let linter = Linter::builder().build();
/// let run = linter.check_paths(&["declarations/".to_string()]);
/// for finding in run.findings() {
///     println!("{}:{} {}", finding.file, finding.location.line, finding.message);
/// }
/// if run.exit(Severity::Error) != Exit::Clean {
///     std::process::exit(1);
/// }
/// ```
#[derive(Debug, Default)]
#[warn(missing_docs)]
pub struct Run {
    /// The config file and the packs the run used.
    pub(crate) provenance: Provenance,
    pub(crate) sources: Vec<Arc<SourceFile>>,
    pub(crate) documents: Vec<DocInfo>,
    pub(crate) findings: Vec<Finding>,
    pub(crate) results: Results,
    /// Problems with the tool's own inputs: unreadable paths, broken rules, bad parameters.
    pub(crate) diagnostics: Vec<ToolDiagnostic>,
    /// Where each loaded rule is documented (see [`crate::pack::RuleSet::doc_link`]).
    pub(crate) doc_links: std::collections::HashMap<String, String>,
    /// Each document's spanned tree, by index into [`Run::documents`], when
    /// [`Options::keep_trees`] asked for them (for later stages such as an editor's hover).
    pub(crate) trees: Vec<Option<Arc<crate::node::Node>>>,
    /// The compliance scores of the run, when a report that carries them asked for them
    /// (`check --format json`): see [`crate::score::Summary`].
    pub(crate) scores: Option<crate::score::Summary>,
    /// Findings kept on disk ([`Options::spill_findings`]); the findings of files not listed
    /// there are in [`Run::findings`].
    pub(crate) spill: Option<Spill>,
    /// The department declaration of each organisation the run's proposals name, as their
    /// rules saw it (`ctx.declaration`): its organisation's current declaration in the
    /// workspace, whether or not it is one of the inputs.
    pub(crate) declarations: Vec<DeclarationUsed>,
    /// What the rules that [`Options::debug_rules`] names printed, and where rules recorded
    /// their results from when [`Options::track_calls`] asked: by document, in run order.
    pub(crate) trails: Vec<Trail>,
    /// [`Run::sources`] by name, built on first use.
    by_name: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

/// A department declaration that the run's proposals were compared with.
#[derive(Debug, Clone)]
pub struct DeclarationUsed {
    pub organisation: String,
    /// The file as shown (as the run names it when it is one of the inputs).
    pub file: String,
    pub document: usize,
    pub source: Arc<SourceFile>,
}

#[warn(missing_docs)]
impl Run {
    /// Every finding, waived or not, in the order of the reports: by file, document, line,
    /// column and rule.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Problems with the tool's own inputs (unreadable paths, broken rules, bad parameters),
    /// including those of loading the packs.
    pub fn diagnostics(&self) -> &[ToolDiagnostic] {
        &self.diagnostics
    }

    /// Every document that was read, in the order of the inputs, whatever became of it.
    pub fn documents(&self) -> &[DocInfo] {
        &self.documents
    }

    /// The exit code the command line would give for this run with `--fail-on` at
    /// `fail_on`: [`Exit::ToolError`](crate::Exit::ToolError) if the tool could not do its
    /// job, [`Exit::Findings`](crate::Exit::Findings) if an unwaived finding is at `fail_on`
    /// or above, else [`Exit::Clean`](crate::Exit::Clean).
    pub fn exit(&self, fail_on: Severity) -> crate::Exit {
        if self.has_tool_errors() {
            crate::Exit::ToolError
        } else if self.worst().is_some_and(|worst| worst >= fail_on) {
            crate::Exit::Findings
        } else {
            crate::Exit::Clean
        }
    }

    /// The index in [`Run::sources`] of the file shown as `file`. An index built once: lookups
    /// by name in a loop over documents made a 30,000-file run quadratic.
    pub(crate) fn source_index(&self, file: &str) -> Option<usize> {
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

    /// The source of the file shown as `file`: a checked file's, or that of a declaration the
    /// run's proposals were compared with (whose places findings label).
    pub(crate) fn source(&self, file: &str) -> Option<&Arc<SourceFile>> {
        self.source_index(file)
            .map(|i| &self.sources[i])
            .or_else(|| {
                self.declarations
                    .iter()
                    .find(|d| d.file == file)
                    .map(|d| &d.source)
            })
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
        self.counts().worst()
    }

    /// The counts of every finding, held or spilled.
    pub(crate) fn counts(&self) -> Counts {
        let mut counts = self.spill.as_ref().map(Spill::counts).unwrap_or_default();
        self.findings.iter().for_each(|f| counts.add(f));
        counts
    }

    /// Whether the tool failed to do part of its job (exit code 2).
    pub fn has_tool_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// The targets file's problems that only a run can show: targets that had expired on the day a
/// declaration of their organisation was judged (one diagnostic each), and targets of an
/// organisation that is neither in the run, nor in the organisations register, nor on a pack's
/// top-75 list. An organisation of the register simply absent from the run is not unknown: a
/// department checks itself against the government's shared targets file.
fn target_diagnostics(
    run: &Run,
    prepared: &Prepared,
    options: &Options,
    mut expired: Vec<(usize, Date)>,
) -> Vec<ToolDiagnostic> {
    let Some(targets) = &options.targets else {
        return Vec::new();
    };
    let mut out = Vec::new();
    expired.sort_unstable();
    expired.dedup_by_key(|(i, _)| *i);
    for (i, day) in expired {
        let t = &targets.list[i];
        out.push(
            targets
                .at(
                    t.span,
                    Code::TargetExpired,
                    format!(
                        "{}'s target for `{}` ended on {}, before {day}, the date a declaration of it was judged on: the pack's own value applied",
                        t.organisation,
                        t.param,
                        t.until.map_or_else(String::new, |u| u.to_string())
                    ),
                    "renew the target with a new `until` date, or remove it",
                )
                .severity(crate::finding::Severity::Warning),
        );
    }
    let mut known: BTreeSet<String> = run
        .documents
        .iter()
        .filter_map(|d| d.organisation.clone())
        .collect();
    known.extend(crate::init::top75_codes(&prepared.rules));
    known.extend(prepared.rules.organisations.codes().map(str::to_string));
    let names: Vec<&str> = known.iter().map(String::as_str).collect();
    let mut reported = BTreeSet::new();
    for t in &targets.list {
        if !known.contains(&t.organisation) && reported.insert(t.organisation.clone()) {
            out.push(targets.at(
                t.span,
                Code::TargetUnknown,
                format!(
                    "`{}` is not in the organisations register, and no declaration in this run is of it",
                    t.organisation
                ),
                &crate::suggest::help(&t.organisation, "organisation", &names),
            ));
        }
    }
    crate::targets::capped(out, &targets.source)
}

/// The `ctx` a rule of `pack` sees for a document (without an earlier declaration or a
/// proposal's declaration): for `eval`.
pub fn rule_context(
    pack: &crate::pack::Pack,
    prepared: &Prepared,
    as_of: Date,
    file: &str,
    document: usize,
    kind: &str,
) -> Dynamic {
    context(pack, prepared, as_of, file, document, kind, &[])
}

/// The document as named in messages: `file.yaml, document 2` (documents count from 1 in
/// text; the JSON report's `document` index counts from 0).
pub fn place(file: &str, document: usize) -> String {
    format!("{file}, document {}", document + 1)
}

/// Run everything over the inputs, on a thread with the stack rule code and the walks of the
/// deepest document the limits allow need (`engine::budget::STACK_BYTES`; the command line's
/// own thread has it already, an embedding program's may not).
pub fn run(inputs: &[Input], prepared: &Prepared, options: &Options) -> Run {
    crate::engine::budget::on_large_stack(|| run_here(inputs, prepared, options)).unwrap_or_else(
        || {
            let mut run = Run::default();
            run.diagnostics.push(ToolDiagnostic::new(
                Code::RuleLimit,
                "no thread with the stack a check needs could be started".to_string(),
            ));
            run
        },
    )
}

fn run_here(inputs: &[Input], prepared: &Prepared, options: &Options) -> Run {
    let all_rules: Vec<(usize, Arc<Rule>)> = prepared
        .rules
        .packs
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.rules.iter().map(move |r| (i, r.clone())))
        .collect();
    let inputs = &materialise(inputs, &options.limits);
    // What the inputs are judged against: the workspace, with the inputs in it.
    let context = Context::new(inputs, options);
    let declarations = context.declarations(&options.limits);
    let portfolio_date = context.portfolio_date(options);
    let portfolio_entries = context.portfolio_entries(portfolio_date);
    let collected_bytes = Collected::new(
        all_rules.len(),
        prepared.sandbox.max_collected.saturating_add(
            input_bytes(inputs)
                .saturating_add(context.bytes_of(&portfolio_entries))
                .saturating_mul(2),
        ),
    );
    // Files stream through: each is read, parsed, checked and dropped on its worker, so memory
    // holds findings and source texts, never every parsed tree at once.
    let spill = options
        .spill_findings
        .then(|| Spill::new(!options.let_go_of_text))
        .flatten();
    let repeated = repeated_names(inputs);
    let env = Env {
        spill: spill.as_ref(),
        repeated: &repeated,
        prepared,
        options,
        rules: &all_rules,
        collected_bytes: &collected_bytes,
        declarations: &declarations,
        history: &context.histories,
        portfolio_only: false,
    };
    // Each file's outcome from the cache when it holds one for the file as it is and for
    // everything the file is judged against; else judged, and kept.
    let print = cached::cacheable(&env).then(|| fingerprint(prepared, options));
    let outcomes: Vec<Result<FileOutcome, ToolDiagnostic>> = inputs
        .par_iter()
        .zip(context.entries.par_iter())
        .map(|(input, entry)| {
            let entry = entry.map(|e| &*context.catalogue.entries[e]);
            cached::judged(input, entry, print.as_ref(), &env)
        })
        .collect();
    // The portfolio rules' `collect` on the workspace's other current declarations.
    let outside = collect_outside(&context, &portfolio_entries, &env);

    let Gathered {
        mut run,
        mut collected,
        failures,
        expired,
    } = gather(outcomes, prepared, options, spill);
    run.provenance.history = context.histories.describe();
    run.declarations = declarations.iter().map(Declaration::used).collect();
    let outside_docs = join_outside(&run, outside, &mut collected);
    run.diagnostics.extend(failure_diagnostics(failures));
    run.diagnostics
        .extend(given_history_diagnostics(&run, options));
    run.diagnostics
        .extend(target_diagnostics(&run, prepared, options, expired));
    portfolio(
        &mut run,
        prepared,
        options,
        &all_rules,
        collected,
        &collected_bytes,
        (portfolio_date, &outside_docs),
    );
    run.diagnostics.extend(
        run.sources
            .iter()
            .filter(|s| s.changed())
            .map(|s| changed_diagnostic(&s.name)),
    );
    apply_severities(&mut run.findings, options);
    sort(&mut run);
    run
}

/// A checked file's outcome as the run keeps it until the end: its vectors no larger than
/// their contents (they grew by doubling, and every file's are held at once), and without the
/// file's text when the run lets texts go and the text can be read again from `path`.
fn settle(mut outcome: FileOutcome, path: Option<&std::path::Path>, env: &Env) -> FileOutcome {
    if let Some(spill) = env.spill
        && !env.repeated.contains(&outcome.source.name)
    {
        spill_findings(&mut outcome, spill, env.options);
    }
    outcome.findings.shrink_to_fit();
    outcome.results.shrink_to_fit();
    outcome.docs.shrink_to_fit();
    if let (true, Some(path)) = (env.options.let_go_of_text, path) {
        outcome.source = Arc::new(outcome.source.without_text(path));
    }
    outcome
}

/// Move a file's findings to the spill, leaving their marks on the rule results. Only files
/// whose documents all reached the rules: the findings of the others stay in memory, where
/// scores read why a document could not be scored.
fn spill_findings(outcome: &mut FileOutcome, spill: &Spill, options: &Options) {
    let eligible = !outcome.findings.is_empty()
        && !outcome.docs.is_empty()
        && outcome.docs.iter().all(|d| d.evaluated);
    if !eligible {
        return;
    }
    apply_severities(&mut outcome.findings, options);
    let Some(chunk) = spill.put(&outcome.findings) else {
        return;
    };
    for r in &mut outcome.results {
        r.spilled = r
            .findings
            .iter()
            .filter_map(|&i| outcome.findings.get(i).map(Mark::of))
            .collect();
        r.findings = Box::default();
    }
    outcome.findings = Vec::new();
    outcome.spilled = Some(chunk);
}

/// The problems of the earlier declarations given with `--previous`, and those of them no
/// declaration of the run came after.
fn given_history_diagnostics(run: &Run, options: &Options) -> Vec<ToolDiagnostic> {
    let mut out: Vec<ToolDiagnostic> = options
        .revision_history
        .iter()
        .flat_map(|h| h.problems.iter().cloned())
        .collect();
    let Some(history) = &options.history else {
        return out;
    };
    out.extend(history.problems.iter().cloned());
    if history.given {
        let declared: Vec<(&str, crate::date::Date)> = run
            .documents
            .iter()
            .filter(|d| d.evaluated && d.kind.as_deref() == Some("department"))
            .filter_map(|d| Some((d.organisation.as_deref()?, d.declared?)))
            .collect();
        out.extend(history.unused(&declared));
    }
    out
}

/// The config's severity for each finding of a rule it names (`severity:`). Findings kept on
/// disk get theirs before they go; the rest at the end of the run (applying it twice changes
/// nothing).
fn apply_severities(findings: &mut [Finding], options: &Options) {
    for f in findings {
        if let Some(s) = options.severity.get(&f.rule) {
            f.severity = *s;
        }
    }
}

/// The names shown for more than one input (a file given twice, or `--stdin-name` naming a
/// file also given).
fn repeated_names(inputs: &[Input]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    inputs
        .iter()
        .map(Input::display_name)
        .filter(|name| !seen.insert(name.clone()))
        .collect()
}

/// A file whose text, let go after checking, was not the same when a later stage read it again.
fn changed_diagnostic(file: &str) -> ToolDiagnostic {
    ToolDiagnostic::new(
        Code::InputChanged,
        format!(
            "{file} changed while the run was checking it: a later stage that read it again went without it"
        ),
    )
    .file(file)
    .help("check again once the files stop changing")
}

/// What the files' outcomes add up to, before the run-wide stages.
struct Gathered {
    run: Run,
    /// Portfolio `collect` values: (rule index, document index in the run, value).
    collected: Vec<(usize, usize, Dynamic)>,
    failures: Vec<Failure>,
    expired: Vec<(usize, Date)>,
}

/// Put the files' outcomes together in input order: sources, documents, findings and results
/// with their indices made run-wide.
fn gather(
    outcomes: Vec<Result<FileOutcome, ToolDiagnostic>>,
    prepared: &Prepared,
    options: &Options,
    mut spill: Option<Spill>,
) -> Gathered {
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
    let mut expired: Vec<(usize, Date)> = Vec::new();
    // Room for everything at once: growing these vectors by doubling held two copies of every
    // finding for a moment, which set the run's peak memory.
    let files = outcomes.iter().flatten();
    run.sources.reserve_exact(files.clone().count());
    run.documents
        .reserve_exact(files.clone().map(|f| f.docs.len()).sum());
    run.findings
        .reserve_exact(files.map(|f| f.findings.len()).sum());
    for outcome in outcomes {
        match outcome {
            Err(d) => run.diagnostics.push(d),
            Ok(file) => {
                let source_index = run.sources.len();
                if let (Some(spill), Some(chunk)) = (&mut spill, file.spilled) {
                    spill.chunks.push((file.source.name.clone(), chunk));
                }
                let doc_base = run.documents.len();
                let finding_base = run.findings.len();
                run.sources.push(file.source);
                run.documents.extend(file.docs);
                run.trees.extend(file.trees);
                run.findings.extend(file.findings.into_iter().map(|mut f| {
                    f.source = source_index;
                    f
                }));
                // Each file's vector is kept as it is, counted in the run in place.
                let mut results = file.results;
                for r in &mut results {
                    r.shift_doc(doc_base);
                    r.findings.iter_mut().for_each(|i| *i += finding_base);
                }
                run.results.append_part(doc_base, results);
                collected.extend(
                    file.collected
                        .into_iter()
                        .map(|(r, d, v)| (r, doc_base + d, v)),
                );
                failures.extend(file.failures);
                expired.extend(file.expired_targets);
                run.trails.extend(file.trails.into_iter().map(|mut t| {
                    t.doc += doc_base;
                    t
                }));
            }
        }
    }
    run.spill = spill;
    Gathered {
        run,
        collected,
        failures,
        expired,
    }
}
