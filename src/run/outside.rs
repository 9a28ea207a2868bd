//! Portfolio rules over the workspace's declarations that a run does not check itself: their
//! `collect` is evaluated as for any document, and what it kept joins the run's own values.
//! What it kept of a file is the same while the file's text and the run's settings are, so a
//! cache ([`OutsideCache`]) holds it between runs: the language server checks one open
//! document against hundreds of others without evaluating them again at every keystroke.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::hash::{ContentHash, Hasher};

use super::*;

/// What the portfolio rules' `collect` kept of one file outside the run: its documents, and
/// (rule index, document index within the file, value).
#[derive(Debug)]
pub struct OutsideFile {
    pub(super) docs: Vec<DocInfo>,
    pub(super) collected: Vec<(usize, usize, Dynamic)>,
}

/// Most files the cache holds before it starts again (an editor session edits a few).
const MAX_CACHED: usize = 50_000;

/// Files outside a run, by their text, name and the run's settings.
#[derive(Debug, Default)]
pub struct OutsideCache(Mutex<HashMap<ContentHash, Arc<OutsideFile>>>);

impl OutsideCache {
    fn get(&self, key: &ContentHash) -> Option<Arc<OutsideFile>> {
        self.0.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: ContentHash, value: Arc<OutsideFile>) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= MAX_CACHED {
                map.clear();
            }
            map.insert(key, value);
        }
    }
}

/// A hash of everything that shapes what a rule concludes about a document besides its text:
/// the packs (by their content), parameters, targets, the evaluation date, rule selection,
/// severities, waivers and limits. Two runs with the same fingerprint judge the same text
/// alike.
pub(super) fn fingerprint(prepared: &Prepared, options: &Options) -> ContentHash {
    let mut h = Hasher::new();
    h.part(env!("CARGO_PKG_VERSION"));
    for p in &prepared.rules.packs {
        h.part(&p.manifest.name).part(p.hash.0);
    }
    h.part(format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        options.as_of,
        options
            .params
            .iter()
            .map(|p| (&p.name, &p.value))
            .collect::<Vec<_>>(),
        options.limits,
        options.sandbox,
        options.only_rules,
        options.selection,
        options.severity,
        options.waivers,
        options.passed_paths_of,
    ));
    if let Some(t) = &options.targets {
        h.part(t.source.text.as_bytes());
    }
    h.finish()
}

/// What the portfolio rules' `collect` kept of files outside the run.
pub(super) type Outside = Vec<Arc<OutsideFile>>;

/// Evaluate the portfolio rules' `collect` on the workspace's declarations of the portfolio
/// that are not inputs (from the cache, when the options carry one); their documents, with
/// what was collected of each. Every value counts against the rule's `collect` budget, cached
/// or not.
pub(super) fn collect_outside(context: &Context, entries: &[usize], env: &Env) -> Outside {
    if entries.is_empty() || !env.rules.iter().any(|(_, r)| r.portfolio) {
        return Vec::new();
    }
    // Kept on disk too when the run has a cache ([`super::cached`]): a check of one file in a
    // workspace of thousands then reads what the others' `collect` kept instead of judging
    // them again.
    let on_disk = super::cached::cacheable(env);
    let env = Env {
        portfolio_only: true,
        spill: None,
        ..*env
    };
    let print = (env.options.outside_cache.is_some() || on_disk)
        .then(|| fingerprint(env.prepared, env.options));
    entries
        .par_iter()
        .filter_map(|&e| {
            let entry = &context.catalogue.entries[e];
            let key = print.map(|p| {
                let mut h = Hasher::new();
                h.part(p.0).part(entry.hash.0).part(&entry.name);
                h.finish()
            });
            let cache = env.options.outside_cache.as_deref();
            if let (Some(cache), Some(key)) = (cache, &key)
                && let Some(hit) = cache.get(key)
            {
                for (r, _, v) in &hit.collected {
                    env.collected_bytes
                        .keep(*r, crate::engine::value::held_cost(v));
                }
                return Some(hit);
            }
            let disk_key = match (on_disk, &print) {
                (true, Some(p)) => super::cached::outside_key(entry, p, &env),
                _ => None,
            };
            if let Some(hit) = disk_key
                .as_ref()
                .and_then(|k| super::cached::read_outside(k, &env))
            {
                let hit = Arc::new(hit);
                if let (Some(cache), Some(key)) = (cache, key) {
                    cache.put(key, hit.clone());
                }
                return Some(hit);
            }
            let bytes = entry.bytes(env.options.limits.max_file_bytes)?;
            let input = Input::Bytes {
                name: entry.name.clone(),
                bytes,
            };
            let loaded = load::load(&input, &env.options.limits).ok()?;
            let outcome = evaluate_file(loaded, &env);
            let file = Arc::new(OutsideFile {
                docs: outcome.docs,
                collected: outcome.collected,
            });
            // A rule that failed on the file is not kept: its failure is the file's, reported
            // when the file itself is checked.
            if let (Some(cache), Some(key), true) = (cache, key, outcome.failures.is_empty()) {
                cache.put(key, file.clone());
            }
            if let (Some(k), true) = (&disk_key, outcome.failures.is_empty()) {
                super::cached::write_outside(k, &file, &env);
            }
            Some(file)
        })
        .collect()
}

/// The documents of [`collect_outside`], numbered after the run's own (portfolio findings
/// and passed checks in them are not the run's to report), with their collected values
/// added to the run's.
pub(super) fn join_outside(
    run: &Run,
    outside: Outside,
    collected: &mut Vec<(usize, usize, Dynamic)>,
) -> Vec<DocInfo> {
    let mut docs = Vec::new();
    for file in outside {
        let base = run.documents.len() + docs.len();
        collected.extend(
            file.collected
                .iter()
                .map(|(r, d, v)| (*r, base + d, v.clone())),
        );
        docs.extend(file.docs.iter().cloned());
    }
    docs
}
