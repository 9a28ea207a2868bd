//! Which declarations form which snapshot: every department declaration is placed by its
//! organisation and its own `as_of` (or the period holding it). A document that cannot be
//! placed is listed with the reason, never dropped without a word.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::Period;
use crate::date::Date;
use crate::load::{self, Input, Limits};
use crate::schema;

/// A department declaration, placed in a snapshot.
#[derive(Debug, Clone)]
pub struct Placed {
    /// Index into the inputs.
    pub input: usize,
    pub file: String,
    pub document: usize,
    pub organisation: String,
    pub as_of: Date,
}

/// A document in no snapshot, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Unplaced {
    pub file: String,
    /// Counting from 0; absent when the whole file could not be read.
    pub document: Option<usize>,
    pub reason: String,
}

/// The snapshots of a series: the declarations of each, by period, in date order.
#[derive(Debug, Default)]
pub struct Survey {
    /// By the period's end date: the declarations of that snapshot.
    pub snapshots: BTreeMap<Date, Vec<Placed>>,
    pub unplaced: Vec<Unplaced>,
    /// Proposals met in the inputs (progress does not score them).
    pub proposals: usize,
}

/// Read every input once and place its department declarations. Of two declarations of one
/// organisation in one period, the later (by `as_of`, then input order) stands for it; the
/// other is listed as superseded.
pub fn survey(inputs: &[Input], limits: &Limits, period: Period) -> Survey {
    let per_input: Vec<(Vec<Placed>, Vec<Unplaced>, usize)> = inputs
        .par_iter()
        .enumerate()
        .map(|(i, input)| place_file(i, input, limits))
        .collect();
    let mut survey = Survey::default();
    let mut chosen: BTreeMap<(Date, String), Placed> = BTreeMap::new();
    for (placed, unplaced, proposals) in per_input {
        survey.unplaced.extend(unplaced);
        survey.proposals += proposals;
        for p in placed {
            let key = (period.end_of(p.as_of), p.organisation.clone());
            match chosen.get(&key) {
                Some(kept) if kept.as_of >= p.as_of => survey.unplaced.push(superseded(&p, kept)),
                Some(kept) => {
                    survey.unplaced.push(superseded(kept, &p));
                    chosen.insert(key, p);
                }
                None => {
                    chosen.insert(key, p);
                }
            }
        }
    }
    for ((end, _), p) in chosen {
        survey.snapshots.entry(end).or_default().push(p);
    }
    survey
}

fn superseded(dropped: &Placed, kept: &Placed) -> Unplaced {
    let how = if dropped.as_of == kept.as_of {
        "a second declaration of the same date"
    } else {
        "the later declaration in the same period"
    };
    Unplaced {
        file: dropped.file.clone(),
        document: Some(dropped.document),
        reason: format!(
            "superseded: {} (as of {}) stands for {}, {how}",
            crate::run::place(&kept.file, kept.document),
            kept.as_of,
            kept.organisation
        ),
    }
}

fn place_file(i: usize, input: &Input, limits: &Limits) -> (Vec<Placed>, Vec<Unplaced>, usize) {
    let loaded = match load::load(input, limits) {
        Ok(l) => l,
        Err(e) => {
            return (
                Vec::new(),
                vec![Unplaced {
                    file: e.path.clone(),
                    document: None,
                    reason: e.message.clone(),
                }],
                0,
            );
        }
    };
    let (mut placed, mut unplaced, mut proposals) = (Vec::new(), Vec::new(), 0);
    let file = loaded.source.name.clone();
    let unplace = |doc: usize, reason: &str| Unplaced {
        file: file.clone(),
        document: Some(doc),
        reason: reason.to_string(),
    };
    // A problem as `check` names it: its code and where it is.
    let located = |p: &load::Problem| {
        let at = loaded.source.locate(p.span);
        format!(
            "{} at line {}, column {}: {}",
            p.code.id(),
            at.line,
            at.column,
            p.message
        )
    };
    if let Some(p) = loaded.problems.first() {
        unplaced.push(Unplaced {
            file: file.clone(),
            document: None,
            reason: located(p),
        });
    }
    for doc in &loaded.docs {
        let Some(root) = &doc.root else {
            if let Some(p) = doc.problems.first() {
                unplaced.push(unplace(
                    doc.index,
                    &format!("{}; so its organisation and date are not known", located(p)),
                ));
            }
            continue;
        };
        match schema::kind_of(root).ok() {
            Some("department") => {}
            Some("proposal") => {
                proposals += 1;
                continue;
            }
            _ if root.get("kind").and_then(crate::node::Node::as_str)
                == Some(crate::targets::KIND) =>
            {
                continue;
            }
            _ => {
                unplaced.push(unplace(doc.index, "not a department declaration"));
                continue;
            }
        }
        let department = schema::kind("department");
        let organisation = department.and_then(|k| k.text_at(root, k.organisation));
        let as_of = crate::history::declared_as_of(root);
        match (organisation, as_of) {
            (Some(organisation), Some(as_of)) => placed.push(Placed {
                input: i,
                file: file.clone(),
                document: doc.index,
                organisation,
                as_of,
            }),
            (None, _) => unplaced.push(unplace(
                doc.index,
                "no `organisation.id`, so it belongs to no department's series",
            )),
            (_, None) => unplaced.push(unplace(
                doc.index,
                "no valid `as_of` date, so it belongs to no snapshot",
            )),
        }
    }
    (placed, unplaced, proposals)
}
