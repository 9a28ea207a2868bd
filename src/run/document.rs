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
    /// Targets that applied to the document being evaluated (indices into the targets file).
    pub(super) applied_targets: Vec<usize>,
    /// Targets that had expired on a document's evaluation date.
    pub(super) expired_targets: Vec<(usize, Date)>,
    /// The documents' trees, when the options keep them.
    pub(super) trees: Vec<Option<Arc<Node>>>,
    /// Portfolio `collect` values: (rule index, document index within file, value).
    pub(super) collected: Vec<(usize, usize, Dynamic)>,
    /// Where its findings went, when they went to the run's spill.
    pub(super) spilled: Option<super::spill::Chunk>,
    /// What rules printed, and where they recorded results from, when the options ask.
    pub(super) trails: Vec<Trail>,
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
        targets: Vec::new(),
        source: 0,
    }
}

/// What every document of a run is evaluated with.
#[derive(Clone, Copy)]
pub(super) struct Env<'a> {
    pub(super) prepared: &'a Prepared,
    pub(super) options: &'a Options,
    /// Every rule, with the index of its pack.
    pub(super) rules: &'a [(usize, Arc<Rule>)],
    pub(super) collected_bytes: &'a Collected,
    pub(super) declarations: &'a [Declaration],
    /// Earlier declarations, for `ctx.previous`.
    pub(super) history: &'a crate::history::Histories,
    /// Only the portfolio rules' `collect` runs (a workspace declaration the run does not
    /// check itself).
    pub(super) portfolio_only: bool,
    /// Where settled files' findings go, when the run keeps them on disk.
    pub(super) spill: Option<&'a Spill>,
    /// Names shown for more than one input: their files' findings stay in memory, where the
    /// report orders them among each other exactly as it always has.
    pub(super) repeated: &'a BTreeSet<String>,
}

/// A document being evaluated: where it is, and what it is.
struct Doc<'a> {
    source: &'a Arc<SourceFile>,
    index: usize,
    root: &'a Node,
    kind: &'a str,
    as_of: Date,
}

/// Evaluate every document of a file.
pub(super) fn evaluate_file(loaded: load::LoadedFile, env: &Env) -> FileOutcome {
    let source = Arc::new(loaded.source);
    let mut out = FileOutcome {
        source: source.clone(),
        docs: Vec::new(),
        findings: Vec::new(),
        results: Vec::new(),
        failures: Vec::new(),
        collected: Vec::new(),
        trees: Vec::new(),
        applied_targets: Vec::new(),
        expired_targets: Vec::new(),
        spilled: None,
        trails: Vec::new(),
    };
    for problem in loaded
        .problems
        .iter()
        .filter(|_| env.options.only_documents.is_none())
    {
        out.findings
            .push(problem_finding(problem, &source, 0, String::new()));
    }
    for doc in loaded.docs {
        if let Some(only) = &env.options.only_documents
            && !only.contains(&(source.name.clone(), doc.index))
        {
            continue;
        }
        let tree = doc
            .root
            .clone()
            .filter(|_| env.options.keep_trees)
            .map(Arc::new);
        let info = evaluate_document(&mut out, &source, doc, env);
        out.docs.push(info);
        if env.options.keep_trees {
            out.trees.push(tree);
        }
    }
    out
}

/// One document: its problems, kind and schema; when it passes them, every rule that applies,
/// its findings resolved and its waivers applied.
fn evaluate_document(
    out: &mut FileOutcome,
    source: &Arc<SourceFile>,
    doc: load::ParsedDoc,
    env: &Env,
) -> DocInfo {
    let mut info = DocInfo {
        file: source.name.clone(),
        document: doc.index,
        kind: None,
        organisation: None,
        name: None,
        as_of: None,
        evaluated: false,
        items: Vec::new(),
        declared: None,
        previous: None,
    };
    for problem in &doc.problems {
        out.findings
            .push(problem_finding(problem, source, doc.index, String::new()));
    }
    let blocked = doc.problems.iter().any(|p| p.severity == Severity::Error);
    let Some(root) = doc.root.filter(|_| !blocked) else {
        return info;
    };
    let fields = &env.prepared.rules.fields;
    let Some(kind) = admit(
        out,
        source,
        doc.index,
        &root,
        &mut info,
        (env.options, fields),
    ) else {
        return info;
    };
    info.evaluated = true;
    let d = Doc {
        source,
        index: doc.index,
        root: &root,
        kind: &kind,
        as_of: info
            .as_of
            .as_deref()
            .and_then(Date::parse)
            .unwrap_or_else(Date::today),
    };
    let (pending, failed_here) = run_rules(out, &d, info.organisation.as_deref(), env);
    let previous = previous_of(&d, info.organisation.as_deref(), env.history);
    info.previous = previous.map(|e| e.describe());
    // Resolve this document's findings now, while its tree is at hand.
    let base = out.findings.len();
    let applied = std::mem::take(&mut out.applied_targets);
    for p in &pending {
        let mut finding = resolve(p, d.root, d.source, d.index, env.declarations);
        judged_against(&mut finding, &p.rule, &applied, env);
        compared_with(&mut finding, &p.rule, previous);
        out.findings.push(finding);
    }
    let doc_index = out.docs.len();
    for r in out.results.iter_mut().filter(|r| r.doc() == doc_index) {
        r.findings.iter_mut().for_each(|i| *i += base);
    }
    apply_waivers(out, base, &d, &failed_here, env);
    info
}

/// The document's kind, identity and evaluation date, then its schema: `None` (with the
/// problems recorded) when rules must not run on it.
fn admit(
    out: &mut FileOutcome,
    source: &SourceFile,
    index: usize,
    root: &Node,
    info: &mut DocInfo,
    (options, fields): (&Options, &crate::pack::fields::Fields),
) -> Option<String> {
    if root.get("kind").and_then(Node::as_str) == Some(crate::targets::KIND) {
        // The tool's own file of department-level targets, met while walking a folder: checked
        // against its schema, never linted as a declaration.
        info.kind = Some(crate::targets::KIND.to_string());
        for sp in crate::targets::problems(root) {
            out.findings.push(problem_finding(
                &sp.problem,
                source,
                index,
                sp.path.to_string(),
            ));
        }
        return None;
    }
    let kind = match schema::kind_of(root) {
        Ok(kind) => kind.to_string(),
        Err(sp) => {
            out.findings.push(problem_finding(
                &sp.problem,
                source,
                index,
                sp.path.to_string(),
            ));
            return None;
        }
    };
    info.kind = Some(kind.clone());
    info.declared = crate::history::declared_as_of(root);
    info.organisation = identity(root, &kind, "id");
    info.name = identity(root, &kind, "name");
    if let Some(k) = schema::kind(&kind) {
        info.items = k.item_ids(root);
    }
    let as_of = options
        .as_of
        .or_else(|| {
            root.get("as_of")
                .and_then(Node::as_str)
                .and_then(Date::parse)
        })
        .unwrap_or_else(Date::today);
    info.as_of = Some(as_of.to_string());
    let mut problems = schema::validate(&kind, root);
    // The packs' own fields (`x_` keys they declare the types of), as strictly.
    problems.extend(fields.validate(&kind, root));
    for sp in &problems {
        out.findings.push(problem_finding(
            &sp.problem,
            source,
            index,
            sp.path.to_string(),
        ));
    }
    // A placeholder left in a waiver (a `TODO` reason or approver, as an editor's quick fix
    // writes it) is a finding to fill in, but the document's facts are complete: its rules run.
    let blocking = problems.iter().any(|sp| {
        !(sp.problem.code == crate::diag::Code::SchemaPlaceholder
            && sp.path.to_string().starts_with("waivers"))
    });
    (!blocking).then_some(kind)
}

/// The previous declaration of a department declaration, by the one rule of
/// [`crate::history::Histories::previous`].
fn previous_of<'h>(
    d: &Doc,
    organisation: Option<&str>,
    history: &'h crate::history::Histories,
) -> Option<&'h crate::history::Earlier> {
    if d.kind != "department" {
        return None;
    }
    organisation
        .zip(crate::history::declared_as_of(d.root))
        .and_then(|(o, day)| history.previous(o, day))
}

/// Give a department declaration's `ctx` its previous declaration (`ctx.previous`, `()` when
/// there is none).
fn with_previous(ctx: Dynamic, d: &Doc, earlier: Option<&crate::history::Earlier>) -> Dynamic {
    if d.kind != "department" {
        return ctx;
    }
    let mut map = ctx
        .try_cast::<engine::Mapping>()
        .map(|m| m.map().clone())
        .unwrap_or_default();
    map.insert(
        "previous".into(),
        earlier.map_or(Dynamic::UNIT, crate::history::Earlier::value),
    );
    Dynamic::from(engine::Mapping::new(map))
}

/// Run every rule that applies to the document: per-document rules give results and pending
/// findings, portfolio rules give what their `collect` keeps. A rule that fails is recorded as
/// failing on this document only. Returns the pending findings and the rules that failed.
fn run_rules(
    out: &mut FileOutcome,
    d: &Doc,
    organisation: Option<&str>,
    env: &Env,
) -> (Vec<Pending>, BTreeSet<usize>) {
    let prepared = env.prepared;
    let value = engine::to_dynamic(d.root);
    let mut ctx_by_pack: BTreeMap<usize, Dynamic> = BTreeMap::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut failed = BTreeSet::new();
    let register = &prepared.rules.organisations;
    let declaration = own_declaration(d, organisation, env.declarations);
    for (ri, (pi, rule)) in env.rules.iter().enumerate() {
        if !rule.applies_to(d.kind)
            || (env.portfolio_only && !rule.portfolio)
            || !rule.judges(organisation, register)
        {
            continue;
        }
        // The pack's exemption for the rule's commitment, applied here for every rule of it.
        let exemptions = &prepared.rules.packs[*pi].manifest.exemptions;
        if let Some(reason) =
            super::exemption::exempt(rule, exemptions, organisation, register, declaration)
        {
            out.results.push(rule_result(
                out.docs.len(),
                rule,
                Status::NotApplicable(super::results::shared(reason)),
                Vec::new(),
                Vec::new(),
            ));
            continue;
        }
        // Built once per document and pack; each call below copies it once (Rhai takes
        // arguments by value), not twice.
        let ctx = ctx_by_pack.entry(*pi).or_insert_with(|| {
            let pack = &prepared.rules.packs[*pi];
            let overrides = overrides(env, &pack.manifest.name, organisation, d.as_of, out);
            let ctx = context(
                pack,
                prepared,
                d.as_of,
                &d.source.name,
                d.index,
                d.kind,
                &overrides,
            );
            let ctx = with_declaration(ctx, d.kind, organisation, env.declarations);
            with_previous(ctx, d, previous_of(d, organisation, env.history))
        });
        let outcome = crate::profile::timed(prepared.profile.as_ref(), ri, || {
            call_rule(out, rule, &value, ctx, d.as_of, env)
        });
        match outcome {
            Err(diagnostic) => {
                failed.insert(ri);
                out.failures.push(Failure {
                    rule: ri,
                    diagnostic,
                    place: place(&d.source.name, d.index),
                });
                if !rule.portfolio {
                    let doc = out.docs.len();
                    out.results.push(rule_result(
                        doc,
                        rule,
                        Status::Failed,
                        Vec::new(),
                        Vec::new(),
                    ));
                }
            }
            Ok(outcome) => record(out, &mut pending, ri, rule, outcome, env),
        }
    }
    (pending, failed)
}

/// The department declaration of the document's organisation: a declaration is its own, a
/// proposal has its department's when the run has it.
fn own_declaration<'a>(
    d: &Doc<'a>,
    organisation: Option<&str>,
    declarations: &'a [Declaration],
) -> Option<&'a Node> {
    match d.kind {
        "department" => Some(d.root),
        "proposal" => declarations
            .iter()
            .find(|x| Some(x.organisation.as_str()) == organisation)
            .map(|x| &x.root),
        _ => None,
    }
}

/// Call one rule on the document: `collect` for a portfolio rule, `check` for the others.
fn call_rule(
    out: &mut FileOutcome,
    rule: &Arc<Rule>,
    value: &Dynamic,
    ctx: &Dynamic,
    as_of: Date,
    env: &Env,
) -> Result<RuleOutcome, ToolDiagnostic> {
    let prepared = env.prepared;
    if rule.portfolio {
        let (result, mut collected) = engine::call(
            &rule.engine,
            &prepared.sandbox,
            rule,
            "collect",
            (value.clone(), ctx.clone()),
            as_of,
            env.options.track_calls,
        );
        let trail = engine::Trail {
            output: std::mem::take(&mut collected.output),
            calls: std::mem::take(&mut collected.calls),
        };
        keep_trail(out, rule, trail, env.options);
        return result.map(|v| RuleOutcome::Collected(v, collected.kept));
    }
    let (verdict, trail) = engine::evaluate(
        &rule.engine,
        &prepared.sandbox,
        rule,
        value,
        ctx,
        as_of,
        env.options.track_calls,
    );
    keep_trail(out, rule, trail, env.options);
    match verdict {
        Verdict::Failed(diagnostic) => Err(diagnostic),
        Verdict::NotApplicable(reason) => Ok(RuleOutcome::NotApplicable(reason)),
        Verdict::Applied { passed, findings } => Ok(RuleOutcome::Applied { passed, findings }),
    }
}

/// A finding of a rule that compares with the previous declaration names what it compared
/// with: the file and its `as_of`, or the commit and path.
fn compared_with(finding: &mut Finding, rule: &Rule, previous: Option<&crate::history::Earlier>) {
    if let (true, Some(earlier)) = (rule.uses_previous, previous) {
        let note = earlier.describe();
        finding.message =
            crate::engine::api::capped(&format!("{}; compared with {note}", finding.message));
    }
}

/// Keep what a rule printed on the document being evaluated (the next of `out.docs`), when the
/// options ask for its output, and where it recorded its results from, when they track that.
fn keep_trail(out: &mut FileOutcome, rule: &Rule, trail: engine::Trail, options: &Options) {
    let printed = !trail.output.is_empty()
        && options
            .debug_rules
            .as_ref()
            .is_some_and(|ids| ids.contains(&rule.id));
    if printed || (options.track_calls && !trail.calls.is_empty()) {
        out.trails.push(Trail {
            doc: out.docs.len(),
            rule: rule.id.clone(),
            output: if printed { trail.output } else { Vec::new() },
            calls: trail.calls,
        });
    }
}

/// A finding of a rule that reads a parameter one of the document's targets set says so, with
/// the target's provenance.
fn judged_against(finding: &mut Finding, rule: &Rule, applied: &[usize], env: &Env) {
    let Some(targets) = &env.options.targets else {
        return;
    };
    for &i in applied {
        let t = &targets.list[i];
        if rule.params.contains(&t.param)
            && rule.pack
                == env.prepared.target_values[i]
                    .as_ref()
                    .map_or("", |(p, _)| p.as_str())
        {
            let note = t.provenance();
            let help = match finding.help.take() {
                Some(h) => format!("{h}; judged against {note}"),
                None => format!("judged against {note}"),
            };
            finding.help = Some(crate::engine::api::capped(&help));
            finding.targets.push(note);
        }
    }
}

/// The parameters an organisation's targets set for a pack on a day, and the targets that
/// applied (recorded in `out`, with the ones that had expired).
fn overrides(
    env: &Env,
    pack: &str,
    organisation: Option<&str>,
    as_of: Date,
    out: &mut FileOutcome,
) -> Vec<(String, Dynamic)> {
    let (applied, expired) = targets_for(env.prepared, env.options, pack, organisation, as_of);
    out.expired_targets
        .extend(expired.iter().map(|&i| (i, as_of)));
    let Some(targets) = &env.options.targets else {
        return Vec::new();
    };
    applied
        .into_iter()
        .filter_map(|i| {
            let (_, value) = env.prepared.target_values.get(i)?.as_ref()?;
            out.applied_targets.push(i);
            Some((targets.list[i].param.clone(), value.clone()))
        })
        .collect()
}

/// What a rule gave on one document, when it did not fail.
enum RuleOutcome {
    Applied {
        passed: Vec<(Option<usize>, String)>,
        findings: Vec<RawFinding>,
    },
    NotApplicable(String),
    /// What `collect` returned, and the bytes it holds as the allocator counted them.
    Collected(Dynamic, usize),
}

/// Record a rule's outcome on the document being evaluated (the next of `out.docs`).
fn record(
    out: &mut FileOutcome,
    pending: &mut Vec<Pending>,
    ri: usize,
    rule: &Arc<Rule>,
    outcome: RuleOutcome,
    env: &Env,
) {
    let doc = out.docs.len();
    match outcome {
        RuleOutcome::Collected(value, kept) => {
            if !value.is_unit()
                && env
                    .collected_bytes
                    .keep(ri, engine::value::held_cost(&value).max(kept))
            {
                out.collected.push((ri, doc, value));
            }
        }
        RuleOutcome::NotApplicable(reason) => out.results.push(rule_result(
            doc,
            rule,
            Status::NotApplicable(super::results::shared(&reason)),
            Vec::new(),
            Vec::new(),
        )),
        RuleOutcome::Applied { passed, findings } => {
            let keep_paths = env
                .options
                .passed_paths_of
                .as_ref()
                .is_none_or(|ids| ids.contains(&rule.id));
            // A new vector, not the old one's allocation reused in place: that held every
            // passed check at the old, larger element's size and capacity until the end.
            // A check passed in another document (`pass_in(ctx.declaration_ref, ...)` in a
            // proposal rule) is evidence the rule found there, not a check of this document.
            let mut kept = Vec::with_capacity(passed.len());
            let mut evidence = Vec::new();
            for (target, p) in passed {
                match target {
                    None => kept.push(if keep_paths { p } else { String::new() }),
                    Some(_) => evidence.push(p),
                }
            }
            let passed = kept;
            let start = pending.len();
            pending.extend(findings.into_iter().map(|raw| Pending {
                rule: rule.clone(),
                raw,
            }));
            let mut result = rule_result(
                doc,
                rule,
                Status::Applied,
                Vec::new(),
                (start..pending.len()).collect(),
            );
            result.set_checks(passed, evidence);
            out.results.push(result);
        }
    }
}

/// Waivers, now that the document's findings (from `base` on) have their paths (see
/// waiver.rs). A waiver of a rule that did not run here (switched off, not for this kind, or
/// failed on this document) is not reported as unused.
fn apply_waivers(
    out: &mut FileOutcome,
    base: usize,
    d: &Doc,
    failed_here: &BTreeSet<usize>,
    env: &Env,
) {
    let (rules, options) = (env.rules, env.options);
    let filtered = options.only_rules.is_some()
        || options
            .selection
            .as_ref()
            .is_some_and(|s| *s != crate::config::RuleSelection::default());
    let about_waivers = crate::waiver::apply(
        &crate::waiver::DocContext {
            root: d.root,
            source: d.source,
            document: d.index,
            as_of: d.as_of,
        },
        &mut out.findings[base..],
        options.waivers,
        &|id| match rules.iter().position(|(_, r)| r.id == id) {
            Some(ri) => {
                let r = &rules[ri].1;
                if r.portfolio || !r.applies_to(d.kind) || failed_here.contains(&ri) {
                    crate::waiver::RuleState::Silent
                } else {
                    crate::waiver::RuleState::Ran
                }
            }
            // Rules switched off by --config or a rule filter are not loaded at all.
            None if filtered => crate::waiver::RuleState::Silent,
            None => crate::waiver::RuleState::Unknown,
        },
    );
    out.findings.extend(about_waivers);
}

pub(super) fn rule_result(
    doc: usize,
    rule: &Rule,
    status: Status,
    passed: Vec<String>,
    findings: Vec<usize>,
) -> RuleResult {
    RuleResult::new(doc, rule.key.clone(), status, passed, findings)
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
