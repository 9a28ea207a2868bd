//! A checked file's outcome, kept in the cache ([`crate::cache`]) under a key made of
//! everything it depends on: the file's name and content, the run's settings
//! ([`fingerprint`]), each declaration's previous declaration, each proposal's department
//! declaration, and today's date when a document has no `as_of` of its own. A warm run over an
//! unchanged file takes its outcome from the cache instead of parsing and judging it, and every
//! report is byte for byte what the cold run printed. An outcome that depends on something
//! the key cannot name (a rule that failed, `--previous` files, values a rule kept that are
//! not plain data) is never kept.

use rhai::{Dynamic, Map};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::hash::{ContentHash, Hasher};
use crate::source::SourceFile;
use crate::workspace::Entry;

use super::*;

/// A finding as kept: the report's fields, and the byte offsets the report leaves out (a
/// snippet needs them).
#[derive(Serialize, Deserialize)]
struct KeptFinding {
    finding: Finding,
    bytes: (usize, usize),
    related: Vec<(usize, usize)>,
}

/// A document as kept (with the fields the report leaves out).
#[derive(Serialize, Deserialize)]
struct KeptDoc {
    info: DocInfo,
    items: Vec<Option<String>>,
    declared: Option<Date>,
}

#[derive(Serialize, Deserialize)]
struct Kept {
    /// The decoded text's length and hash (see [`SourceFile::unread`]).
    text: (usize, u64),
    docs: Vec<KeptDoc>,
    findings: Vec<KeptFinding>,
    results: Vec<RuleResult>,
    expired_targets: Vec<(usize, Date)>,
    collected: Vec<(usize, usize, Json)>,
}

/// Whether a run's outcomes may be kept and read back: not when the run depends on what a
/// key cannot name, or keeps what the cache does not hold.
pub(super) fn cacheable(env: &Env) -> bool {
    let o = env.options;
    o.cache.is_some()
        && !o.keep_trees
        && o.only_documents.is_none()
        && o.history.is_none()
        && o.debug_rules.is_none()
        && !o.track_calls
        && env.prepared.profile.is_none()
        && !env.portfolio_only
}

/// An input's outcome: from the cache when it holds one for the file as it is and for
/// everything the file is judged against; else judged, and kept.
pub(super) fn judged(
    input: &Input,
    entry: Option<&Entry>,
    print: Option<&ContentHash>,
    env: &Env,
) -> Result<FileOutcome, ToolDiagnostic> {
    let key = match (print, entry, input.path()) {
        (Some(p), Some(e), Some(_)) => key_of(e, &input.display_name(), p, env),
        _ => None,
    };
    if let Some(hit) = key.as_ref().and_then(|k| read(k, input, env)) {
        return Ok(settle(hit, input.path(), env));
    }
    let limits = &env.options.limits;
    let loaded = load::load(input, limits).map_err(ToolDiagnostic::from)?;
    let outcome = evaluate_file(loaded, env);
    // Kept only if the file is still what was catalogued and judged.
    if let (Some(k), Some(e)) = (&key, entry)
        && e.bytes(limits.max_file_bytes).is_some()
    {
        write(k, &outcome, env);
    }
    Ok(settle(outcome, input.path(), env))
}

/// The key of an input's outcome, when it has one: `None` when something it depends on has no
/// identity the cache can name.
pub(super) fn key_of(
    entry: &Entry,
    name: &str,
    print: &ContentHash,
    env: &Env,
) -> Option<ContentHash> {
    let mut h = Hasher::new();
    h.part(print.0).part(name).part(entry.hash.0);
    let mut today = false;
    for d in &entry.meta.docs {
        if d.as_of.is_none() && env.options.as_of.is_none() {
            today = true;
        }
        match (d.kind.as_deref(), &d.organisation, d.as_of) {
            (Some("department"), Some(org), Some(day)) => {
                if let Some(earlier) = env.history.previous(org, day) {
                    h.part(earlier.identity()?.0);
                }
            }
            (Some("proposal"), Some(org), _) => {
                if let Some(d) = env.declarations.iter().find(|d| &d.organisation == org) {
                    h.part(&d.source.name).part(d.source.text.as_bytes());
                }
            }
            _ => {}
        }
    }
    if today {
        h.part(Date::today().to_string());
    }
    Some(h.finish())
}

/// A kept outcome, read back: `None` when there is none, it cannot be read, or the file's
/// text (when the report needs it) is no longer what was checked.
pub(super) fn read(key: &ContentHash, input: &Input, env: &Env) -> Option<FileOutcome> {
    let cache = env.options.cache.as_ref()?;
    let bytes = cache.get(key)?;
    let kept: Kept = serde_json::from_slice(&bytes).ok()?;
    let name = input.display_name();
    let source = match (input.path(), env.options.let_go_of_text) {
        (Some(path), true) => SourceFile::unread(name, path, kept.text.0, kept.text.1),
        (Some(path), false) => {
            let raw = crate::load::read::read_text(
                path,
                env.options.limits.max_file_bytes.saturating_add(3),
            )
            .ok()?;
            let text = raw.strip_prefix('\u{feff}').unwrap_or(&raw);
            if SourceFile::measure(text) != kept.text {
                return None;
            }
            SourceFile::new(name, text.to_string())
        }
        (None, _) => return None,
    };
    let source = Arc::new(source);
    let mut collected = Vec::with_capacity(kept.collected.len());
    for (r, d, v) in kept.collected {
        let value = from_json(&v)?;
        env.collected_bytes
            .keep(r, crate::engine::value::held_cost(&value));
        collected.push((r, d, value));
    }
    let mut docs = Vec::with_capacity(kept.docs.len());
    for k in kept.docs {
        let mut info = k.info;
        info.items = k.items;
        info.declared = k.declared;
        docs.push(info);
    }
    let findings = kept
        .findings
        .into_iter()
        .map(|k| {
            let mut f = k.finding;
            (f.location.byte_start, f.location.byte_len) = k.bytes;
            for (r, (start, len)) in f.related.iter_mut().zip(k.related) {
                (r.location.byte_start, r.location.byte_len) = (start, len);
            }
            f
        })
        .collect();
    Some(FileOutcome {
        source,
        docs,
        findings,
        results: kept.results,
        failures: Vec::new(),
        applied_targets: Vec::new(),
        expired_targets: kept.expired_targets,
        trees: Vec::new(),
        collected,
        spilled: None,
        trails: Vec::new(),
    })
}

/// Keep an outcome, when nothing in it depends on what its key does not name.
pub(super) fn write(key: &ContentHash, outcome: &FileOutcome, env: &Env) {
    let Some(cache) = env.options.cache.as_ref() else {
        return;
    };
    if !outcome.failures.is_empty() || !outcome.trails.is_empty() {
        return;
    }
    let mut collected = Vec::with_capacity(outcome.collected.len());
    for (r, d, v) in &outcome.collected {
        let Some(json) = to_json(v) else { return };
        collected.push((*r, *d, json));
    }
    let kept = Kept {
        text: SourceFile::measure(&outcome.source.text),
        docs: outcome
            .docs
            .iter()
            .map(|d| KeptDoc {
                info: d.clone(),
                items: d.items.clone(),
                declared: d.declared,
            })
            .collect(),
        findings: outcome
            .findings
            .iter()
            .map(|f| KeptFinding {
                finding: f.clone(),
                bytes: (f.location.byte_start, f.location.byte_len),
                related: f
                    .related
                    .iter()
                    .map(|r| (r.location.byte_start, r.location.byte_len))
                    .collect(),
            })
            .collect(),
        results: outcome.results.clone(),
        expired_targets: outcome.expired_targets.clone(),
        collected,
    };
    if let Ok(bytes) = serde_json::to_vec(&kept) {
        cache.put(key, &bytes);
    }
}

/// A value a rule kept, as JSON: `None` for what is not plain data (a document map, which
/// knows where it is in its document; a function pointer).
fn to_json(v: &Dynamic) -> Option<Json> {
    if v.is_unit() {
        return Some(Json::Null);
    }
    if let Ok(b) = v.as_bool() {
        return Some(Json::Bool(b));
    }
    if let Ok(i) = v.as_int() {
        return Some(Json::from(i));
    }
    if let Ok(f) = v.as_float() {
        // Kept as text: JSON numbers cannot hold every float (or tell 1.0 from 1).
        return Some(serde_json::json!({ "$float": f.to_bits().to_string() }));
    }
    if v.is_string() {
        return Some(Json::String(v.clone().into_string().ok()?));
    }
    if let Some(d) = v.clone().try_cast::<Date>() {
        return Some(serde_json::json!({ "$date": d.to_string() }));
    }
    if v.is_array() {
        let items = v.clone().into_array().ok()?;
        return Some(Json::Array(
            items.iter().map(to_json).collect::<Option<_>>()?,
        ));
    }
    if v.is_map() {
        let map = v.clone().try_cast::<Map>()?;
        let mut out = serde_json::Map::new();
        out.insert("$map".into(), Json::Bool(true));
        for (k, value) in &map {
            out.insert(k.to_string(), to_json(value)?);
        }
        return Some(Json::Object(out));
    }
    None
}

fn from_json(j: &Json) -> Option<Dynamic> {
    Some(match j {
        Json::Null => Dynamic::UNIT,
        Json::Bool(b) => Dynamic::from_bool(*b),
        Json::Number(n) => Dynamic::from_int(n.as_i64()?),
        Json::String(s) => Dynamic::from(s.clone()),
        Json::Array(items) => {
            Dynamic::from_array(items.iter().map(from_json).collect::<Option<_>>()?)
        }
        Json::Object(o) if o.contains_key("$float") => {
            Dynamic::from_float(f64::from_bits(o.get("$float")?.as_str()?.parse().ok()?))
        }
        Json::Object(o) if o.contains_key("$date") => {
            Dynamic::from(Date::parse(o.get("$date")?.as_str()?)?)
        }
        Json::Object(o) => {
            let mut map = Map::new();
            for (k, v) in o.iter().filter(|(k, _)| *k != "$map") {
                map.insert(k.as_str().into(), from_json(v)?);
            }
            Dynamic::from_map(map)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_survive_the_round_trip() {
        let mut map = Map::new();
        map.insert("code".into(), Dynamic::from("DWP".to_string()));
        map.insert("n".into(), Dynamic::from_int(3));
        map.insert("x".into(), Dynamic::from_float(0.1));
        map.insert(
            "on".into(),
            Dynamic::from(Date::parse("2025-03-31").unwrap()),
        );
        map.insert(
            "list".into(),
            Dynamic::from_array(vec![Dynamic::UNIT, Dynamic::from_bool(true)]),
        );
        let v = Dynamic::from_map(map);
        let back = from_json(&to_json(&v).unwrap()).unwrap();
        assert_eq!(format!("{v:?}"), format!("{back:?}"));
        // A value that is not plain data is not kept.
        let fp = Dynamic::from(rhai::FnPtr::new("f").unwrap());
        assert!(to_json(&fp).is_none());
    }
}
