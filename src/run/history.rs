//! A series of declarations in one run: when the run holds declarations of one organisation at
//! several dates (its own `as_of`), the later ones are judged again with the earlier ones as
//! `ctx.previous`. Only the files holding such a later declaration are evaluated again, and
//! only when a rule reads `ctx.previous`; a run without a series pays nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::history::{Earlier, History};
use crate::load::Limits;

use super::*;

/// The earlier declarations the run itself holds, merged with those given (`--previous`):
/// `None` when no rule reads `ctx.previous` or no organisation has two dates in the run.
pub(super) fn in_run_history(
    outcomes: &[Result<FileOutcome, ToolDiagnostic>],
    rules: &[(usize, Arc<Rule>)],
    given: &History,
    limits: &Limits,
) -> Option<History> {
    if !rules.iter().any(|(_, r)| r.uses_previous) {
        return None;
    }
    let mut dates: BTreeMap<&str, BTreeSet<Date>> = BTreeMap::new();
    for d in outcomes.iter().flatten().flat_map(|f| &f.docs) {
        if let (true, Some("department"), Some(o), Some(day)) =
            (d.evaluated, d.kind.as_deref(), &d.organisation, d.declared)
        {
            dates.entry(o).or_default().insert(day);
        }
    }
    dates.retain(|_, days| days.len() > 1);
    if dates.is_empty() {
        return None;
    }
    let mut history = History::default();
    for file in outcomes.iter().flatten() {
        let holds = file.docs.iter().any(|d| {
            d.evaluated
                && d.organisation
                    .as_deref()
                    .is_some_and(|o| dates.contains_key(o))
        });
        if !holds {
            continue;
        }
        let Some(source) = file.source.with_text() else {
            continue;
        };
        for doc in crate::load::yaml::parse(&source.text, limits) {
            let Some(root) = &doc.root else { continue };
            if let Some((organisation, as_of)) = crate::history::declaration(root)
                && dates.contains_key(organisation.as_str())
            {
                history.add(
                    &organisation,
                    Earlier {
                        as_of,
                        file: file.source.name.clone(),
                        document: doc.index,
                        value: crate::engine::to_dynamic(root),
                    },
                );
            }
        }
    }
    history.merge(given);
    Some(history)
}

/// Evaluate again each file holding a declaration that has an earlier one in `history`.
pub(super) fn rejudge(
    outcomes: &mut [Result<FileOutcome, ToolDiagnostic>],
    env: &Env,
    history: &History,
) {
    outcomes.par_iter_mut().for_each(|slot| {
        let Ok(file) = slot else { return };
        let later = file.docs.iter().any(|d| {
            d.evaluated
                && d.kind.as_deref() == Some("department")
                && d.organisation
                    .as_deref()
                    .zip(d.declared)
                    .is_some_and(|(o, day)| history.before(o, day).is_some())
        });
        if !later {
            return;
        }
        let Some(source) = file.source.with_text() else {
            return;
        };
        let input = Input::Bytes {
            name: source.name.clone(),
            bytes: source.text.as_bytes().into(),
        };
        if let Ok(loaded) = load::load(&input, &env.options.limits) {
            let path = file.source.reread_path().map(Path::to_path_buf);
            *slot = Ok(settle(evaluate_file(loaded, env), path.as_deref(), env));
        }
    });
}
