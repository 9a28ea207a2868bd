//! Commitment 1's portfolio facts for the government view, read from the results of the
//! portfolio rule a pack names as `score.portfolio_rule`, by the convention documented on
//! [`Portfolio`]. Nothing is parsed again: a run records each department's service ids.

use std::collections::{BTreeMap, BTreeSet};

use super::{MissingService, Model, Portfolio, Top75Service};
use crate::node::{DocPath, Segment};
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

/// The departments of the top-75 list that a run holds, and those of them that were scored.
pub(super) struct Departments<'a> {
    pub(super) in_run: &'a BTreeSet<String>,
    pub(super) scored: &'a BTreeSet<String>,
}

/// Commitment 1's portfolio facts, read from the C1 rule's results (see [`Portfolio`]).
pub(super) fn portfolio(
    run: &Run,
    model: &Model,
    scored_doc: &BTreeMap<usize, String>,
    departments: Departments<'_>,
) -> Portfolio {
    let mut out = Portfolio {
        rule: model.c1_rule.clone().unwrap_or_default(),
        available: model.c1_rule_loaded,
        great: 0,
        target: model.great_target,
        listed: model.top75.len(),
        great_services: Vec::new(),
        missing: Vec::new(),
    };
    let Some(rule) = model.c1_rule.as_deref().filter(|_| model.c1_rule_loaded) else {
        return out;
    };
    let listed: BTreeSet<(&str, &str)> = model
        .top75
        .iter()
        .map(|s| (s.department.as_str(), s.id.as_str()))
        .collect();
    let mut declared: BTreeSet<(String, String)> = BTreeSet::new();
    let mut great: BTreeSet<(String, String)> = BTreeSet::new();
    let ids = |doc: usize| run.documents.get(doc).map_or(&[][..], |d| &d.items[..]);
    for (&doc, org) in scored_doc {
        for id in ids(doc).iter().flatten() {
            declared.insert((org.clone(), id.clone()));
        }
    }
    for r in run.results.iter().filter(|r| &*r.rule == rule) {
        let Some(org) = scored_doc.get(&r.doc()) else {
            continue;
        };
        for p in r.passed() {
            if let Some(Some(id)) = service_index(p).and_then(|i| ids(r.doc()).get(i))
                && listed.contains(&(org.as_str(), id.as_str()))
            {
                great.insert((org.clone(), id.clone()));
            }
        }
    }
    for s in &model.top75 {
        let key = (s.department.clone(), s.id.clone());
        if great.contains(&key) {
            out.great_services.push(s.clone());
            continue;
        }
        let status = if !departments.in_run.contains(&s.department) {
            "department_not_in_run"
        } else if !departments.scored.contains(&s.department) {
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

/// The index N of the service a path such as `services[N].performance` points into.
fn service_index(path: &str) -> Option<usize> {
    let path = DocPath::parse(path).ok()?;
    match path.0.as_slice() {
        [Segment::Key(k), Segment::Index(i), ..] if k == "services" => Some(*i),
        _ => None,
    }
}
