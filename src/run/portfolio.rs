//! Portfolio rules: `collect` on every document, then `check_all` once over what was kept.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use rhai::{Dynamic, Map};

use crate::date::Date;
use crate::diag::Code;
use crate::engine::{self, RawFinding, Verdict};
use crate::finding::{Finding, Related};
use crate::load::{self, Input};
use crate::node::{DocPath, Node};
use crate::pack::Rule;

use super::*;

/// What the portfolio rules' `collect` calls keep until `check_all`, per rule: the sum of
/// [`engine::value::held_cost`] of every value, and whether it went over the sandbox's
/// `max_collected`. Once over, values are no longer kept and the rule's `check_all` does not
/// run; the outcome depends on the sum alone, not on the order files are checked in.
pub(super) struct Collected {
    pub(super) bytes: Vec<std::sync::atomic::AtomicUsize>,
    /// The sandbox's `max_collected` plus twice the size of the run's inputs (known before
    /// any is read, so the limit does not depend on the order they are read in).
    pub(super) limit: usize,
}

impl Collected {
    pub(super) fn new(rules: usize, limit: usize) -> Self {
        Collected {
            bytes: (0..rules)
                .map(|_| std::sync::atomic::AtomicUsize::new(0))
                .collect(),
            limit,
        }
    }

    /// Count a value; whether the rule is still within its budget.
    pub(super) fn keep(&self, rule: usize, cost: usize) -> bool {
        let before = self.bytes[rule].fetch_add(cost, Ordering::Relaxed);
        before.saturating_add(cost) <= self.limit
    }

    /// The rule's total, when it went over the limit.
    pub(super) fn over(&self, rule: usize) -> Option<usize> {
        let total = self.bytes[rule].load(Ordering::Relaxed);
        (total > self.limit).then_some(total)
    }
}

/// The size of the inputs in bytes, as far as it is known before reading them (standard input
/// counts as nothing).
pub(super) fn input_bytes(inputs: &[Input]) -> usize {
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

/// Portfolio rules: `check_all` once over the values their `collect` gathered. Findings may
/// point into any document; those documents are parsed again to resolve the paths.
pub(super) fn portfolio(
    run: &mut Run,
    prepared: &Prepared,
    options: &Options,
    rules: &[(usize, Arc<Rule>)],
    collected: Vec<(usize, usize, Dynamic)>,
    collected_bytes: &Collected,
    (as_of, outside): (Date, &[DocInfo]),
) {
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
        let items = items_of(run, outside, &collected, ri);
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
            &[],
        );
        let (result, collected) = crate::profile::timed(prepared.profile.as_ref(), ri, || {
            engine::call(
                &rule.engine,
                &prepared.sandbox,
                rule,
                "check_all",
                (Dynamic::from_array(items), ctx),
                as_of,
                options.track_calls,
            )
        });
        match engine::verdict(result.map(|_| ()), collected) {
            Verdict::Failed(d) => run.diagnostics.push(d),
            Verdict::NotApplicable(_) => {}
            Verdict::Applied { passed, findings } => {
                record_portfolio(run, rule, passed, findings, as_of, options);
            }
        }
    }
}

/// The items `check_all` is given: what `collect` kept of each document for rule `ri`, with the
/// document's `ref`, file and organisation. Documents from `outside` the run follow the run's
/// own in numbering.
fn items_of(
    run: &Run,
    outside: &[DocInfo],
    collected: &[(usize, usize, Dynamic)],
    ri: usize,
) -> rhai::Array {
    collected
        .iter()
        .filter(|(r, _, _)| *r == ri)
        .filter_map(|(_, doc, value)| {
            let info = run
                .documents
                .get(*doc)
                .or_else(|| outside.get(doc.checked_sub(run.documents.len())?))?;
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
            Some(Dynamic::from_map(item))
        })
        .collect()
}

/// Record what a portfolio rule's `check_all` found, in the documents its findings and passed
/// checks belong to: paths resolved (those documents parsed again) and waivers applied.
fn record_portfolio(
    run: &mut Run,
    rule: &Arc<Rule>,
    passed: Vec<(Option<usize>, String)>,
    findings: Vec<RawFinding>,
    as_of: Date,
    options: &Options,
) {
    let mut trees = Trees::new();
    let mut per_doc: BTreeMap<usize, (Vec<String>, Vec<usize>)> = BTreeMap::new();
    // Passed checks and findings in documents outside the run are not the run's to report.
    for (target, path) in passed {
        if let Some(doc) = target.filter(|d| *d < run.documents.len()) {
            per_doc.entry(doc).or_default().0.push(path);
        }
    }
    for raw in findings {
        let Some(doc) = raw.target.filter(|d| *d < run.documents.len()) else {
            continue;
        };
        let mut finding = resolve_portfolio(run, &mut trees, doc, rule, &raw, options);
        if options.waivers.enabled
            && let Some((root, _)) = tree_of(run, &mut trees, doc, options)
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

/// The documents portfolio findings point into, parsed again, each with its file's text (read
/// again when the run let it go; `None` when the file changed since or cannot be parsed).
pub(super) type Trees = BTreeMap<usize, Option<(Node, Arc<SourceFile>)>>;

pub(super) fn tree_of<'a>(
    run: &Run,
    trees: &'a mut Trees,
    doc: usize,
    options: &Options,
) -> Option<&'a (Node, Arc<SourceFile>)> {
    trees
        .entry(doc)
        .or_insert_with(|| {
            let info = &run.documents[doc];
            let source = run.source(&info.file)?.with_text()?;
            let docs = load::yaml::parse(&source.text, &options.limits);
            let root = docs.into_iter().nth(info.document).and_then(|d| d.root)?;
            Some((root, source))
        })
        .as_ref()
}

pub(super) fn resolve_portfolio(
    run: &Run,
    trees: &mut Trees,
    doc: usize,
    rule: &Rule,
    raw: &RawFinding,
    options: &Options,
) -> Finding {
    let info = run.documents[doc].clone();
    let source_index = run.source_index(&info.file).unwrap_or(0);
    let path = DocPath::parse(&raw.path).unwrap_or_default();
    let (location, complete, found) = match tree_of(run, trees, doc, options) {
        Some((root, source)) => {
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
        let loc = match tree_of(run, trees, rdoc, options) {
            Some((root, src)) => src.locate(root.resolve(&rp).span),
            None => Default::default(),
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
        targets: Vec::new(),
        source: source_index,
    }
}
