//! Commitment 1's portfolio facts for the government view, read from the results of the
//! portfolio rule [`C1_PORTFOLIO_RULE`] by the convention documented on [`Portfolio`].

use std::collections::{BTreeMap, BTreeSet};

use super::{C1_PORTFOLIO_RULE, Department, MissingService, Model, Portfolio, Top75Service};
use crate::node::{DocPath, Node, Segment};
use crate::run::Run;

/// Read `ctx.data.top75` (`departments: [{code, services: [{id, name}]}]`).
pub(super) fn top75_of(data: &rhai::Map) -> Vec<Top75Service> {
    let mut out = Vec::new();
    let Some(departments) = data
        .get("top75")
        .and_then(|t| t.read_lock::<rhai::Map>().map(|m| m.clone()))
        .and_then(|m| m.get("departments").cloned())
        .and_then(|d| d.into_array().ok())
    else {
        return out;
    };
    for d in departments {
        let Some(d) = d.try_cast::<rhai::Map>() else {
            continue;
        };
        let text = |m: &rhai::Map, k: &str| {
            m.get(k)
                .and_then(|v| v.clone().into_string().ok())
                .unwrap_or_default()
        };
        let code = text(&d, "code");
        let services = d
            .get("services")
            .cloned()
            .and_then(|s| s.into_array().ok())
            .unwrap_or_default();
        for s in services {
            if let Some(s) = s.try_cast::<rhai::Map>() {
                out.push(Top75Service {
                    department: code.clone(),
                    id: text(&s, "id"),
                    name: text(&s, "name"),
                });
            }
        }
    }
    out
}

/// Commitment 1's portfolio facts, read from the C1 rule's results (see [`Portfolio`]).
pub(super) fn portfolio(
    run: &Run,
    model: &Model,
    scored_doc: &BTreeMap<usize, String>,
    departments: &[Department],
) -> Portfolio {
    let mut out = Portfolio {
        rule: C1_PORTFOLIO_RULE.into(),
        available: model.c1_rule_loaded,
        great: 0,
        target: model.great_target,
        listed: model.top75.len(),
        great_services: Vec::new(),
        missing: Vec::new(),
    };
    if !model.c1_rule_loaded {
        return out;
    }
    let listed: BTreeSet<(&str, &str)> = model
        .top75
        .iter()
        .map(|s| (s.department.as_str(), s.id.as_str()))
        .collect();
    let mut declared: BTreeSet<(String, String)> = BTreeSet::new();
    let mut great: BTreeSet<(String, String)> = BTreeSet::new();
    let mut trees: BTreeMap<usize, Option<Node>> = BTreeMap::new();
    for (&doc, org) in scored_doc {
        let tree = trees.entry(doc).or_insert_with(|| tree_of(run, doc, model));
        if let Some(services) = tree.as_ref().and_then(|t| t.get("services"))
            && let crate::node::Value::Seq(items) = &services.value
        {
            for s in items {
                if let Some(id) = s.get("id").and_then(Node::as_str) {
                    declared.insert((org.clone(), id.to_string()));
                }
            }
        }
    }
    for r in run.results.iter().filter(|r| r.rule == C1_PORTFOLIO_RULE) {
        let Some(org) = scored_doc.get(&r.doc) else {
            continue;
        };
        let Some(tree) = trees.get(&r.doc).and_then(Option::as_ref) else {
            continue;
        };
        for p in &r.passed {
            if let Some(id) = service_at(tree, p)
                && listed.contains(&(org.as_str(), id.as_str()))
            {
                great.insert((org.clone(), id));
            }
        }
    }
    let dept_scored: BTreeSet<&str> = departments
        .iter()
        .filter(|d| !d.documents.is_empty())
        .map(|d| d.organisation.as_str())
        .collect();
    for s in &model.top75 {
        let key = (s.department.clone(), s.id.clone());
        if great.contains(&key) {
            out.great_services.push(s.clone());
            continue;
        }
        let status = if !departments.iter().any(|d| d.organisation == s.department) {
            "department_not_in_run"
        } else if !dept_scored.contains(s.department.as_str()) {
            "department_not_scored"
        } else if declared.contains(&key) {
            "not_great"
        } else {
            "not_declared"
        };
        out.missing.push(MissingService {
            service: s.clone(),
            status: status.into(),
        });
    }
    out.great = out.great_services.len();
    out
}

fn tree_of(run: &Run, doc: usize, model: &Model) -> Option<Node> {
    let info = run.documents.get(doc)?;
    let source = run.source(&info.file)?;
    crate::load::yaml::parse(&source.text, &model.limits)
        .into_iter()
        .nth(info.document)
        .and_then(|d| d.root)
}

/// The `id` of the service a path such as `services[3].performance` points into.
fn service_at(root: &Node, path: &str) -> Option<String> {
    let path = DocPath::parse(path).ok()?;
    match path.0.as_slice() {
        [Segment::Key(k), Segment::Index(_), ..] if k == "services" => {
            let at = path.prefix(2);
            let r = root.resolve(&at);
            r.complete
                .then(|| r.node.get("id").and_then(Node::as_str).map(str::to_string))
                .flatten()
        }
        _ => None,
    }
}
