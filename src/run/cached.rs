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

/// A finding as kept: where its rendering is among the file's (see [`Rendered`]), its
/// severity and whether it was waived (what scores read), and the byte offsets the report
/// leaves out (a snippet needs them).
#[derive(Serialize, Deserialize)]
struct KeptFinding {
    piece: usize,
    severity: crate::finding::Severity,
    waived: bool,
    bytes: (usize, usize),
    related: Vec<(usize, usize)>,
}

/// The file's findings as the JSON report prints them, in report order (an entry keeps these
/// bytes after its header): what a JSON-only run copies into its report unparsed.
#[derive(Serialize, Deserialize, Default)]
struct Rendered {
    lens: Vec<u32>,
    counts: super::Counts,
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
    rendered: Rendered,
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
    let entry = cache.get(key)?;
    let (mut kept, blob) = split(&entry)?;
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
    let collected = collected_back(&kept.collected, env)?;
    let docs: Vec<DocInfo> = std::mem::take(&mut kept.docs)
        .into_iter()
        .map(KeptDoc::into_info)
        .collect();
    let mut results = std::mem::take(&mut kept.results);
    // Each result shares its rule's name again, as a fresh run's results do (a rule the run
    // no longer has makes the entry useless).
    for r in &mut results {
        let (_, rule) = env.rules.iter().find(|(_, rule)| rule.id == *r.rule)?;
        r.rule = rule.key.clone();
    }
    let mut spilled = None;
    let spill_whole = !kept.findings.is_empty()
        && !docs.is_empty()
        && docs.iter().all(|d| d.evaluated)
        && !env.repeated.contains(&source.name);
    let findings = match env.spill {
        // A JSON-only run: the report copies the findings from the entry as they were
        // rendered, unparsed, and the rule results keep what scores read of them.
        Some(_) if spill_whole => {
            let lens = kept.rendered.lens.clone();
            // Only a report that prints snippets reads the findings' bytes.
            let snippets = !env.options.let_go_of_text;
            let mut by_piece = vec![None; if snippets { lens.len() } else { 0 }];
            for k in &kept.findings {
                if let Some(slot) = by_piece.get_mut(k.piece) {
                    *slot = Some(k);
                }
            }
            let mut spans = super::spill::Spans::default();
            for k in by_piece {
                let (own, related) = k.map_or(((0, 0), &[][..]), |k| (k.bytes, &k.related[..]));
                spans.push_kept(own, related);
            }
            let (path, offset) = (cache.path_of(key), (entry.len() - blob.len()) as u64);
            spilled = Some(Spill::refer(
                &path,
                (offset, blob.len() as u64),
                lens,
                spans,
                kept.rendered.counts,
            ));
            for r in &mut results {
                r.spilled = r
                    .findings
                    .iter()
                    .filter_map(|&i| kept.findings.get(i))
                    .map(|k| Mark {
                        severity: k.severity,
                        waived: k.waived,
                    })
                    .collect();
                r.findings = Box::default();
            }
            Vec::new()
        }
        _ => unrendered(&kept, blob)?,
    };
    Some(FileOutcome {
        source,
        docs,
        findings,
        results,
        failures: Vec::new(),
        applied_targets: Vec::new(),
        expired_targets: kept.expired_targets,
        trees: Vec::new(),
        collected,
        spilled,
        trails: Vec::new(),
    })
}

/// An entry's header and the rendered findings after it.
fn split(entry: &[u8]) -> Option<(Kept, &[u8])> {
    let len = u64::from_le_bytes(entry.get(..8)?.try_into().ok()?);
    let end = 8usize.checked_add(usize::try_from(len).ok()?)?;
    let kept: Kept = serde_json::from_slice(entry.get(8..end)?).ok()?;
    let blob = &entry[end..];
    let total: usize = kept.rendered.lens.iter().map(|&n| n as usize).sum();
    (total == blob.len()).then_some((kept, blob))
}

/// The findings read back from their renderings, in the order the file's results name them.
fn unrendered(kept: &Kept, blob: &[u8]) -> Option<Vec<Finding>> {
    let pieces: Vec<&[u8]> = super::spill::pieces(blob, &kept.rendered.lens).collect();
    kept.findings
        .iter()
        .map(|k| {
            let mut f: Finding = serde_json::from_slice(pieces.get(k.piece)?).ok()?;
            (f.location.byte_start, f.location.byte_len) = k.bytes;
            for (r, (start, len)) in f.related.iter_mut().zip(&k.related) {
                (r.location.byte_start, r.location.byte_len) = (*start, *len);
            }
            Some(f)
        })
        .collect()
}

/// A file's findings rendered for the report (with the config's severities, as the spill
/// has them), in report order, and where each one's rendering is.
fn render(findings: &[Finding], options: &Options) -> Option<(Vec<u8>, Rendered, Vec<usize>)> {
    let mut findings = findings.to_vec();
    apply_severities(&mut findings, options);
    let (blob, lens, piece) = super::spill::render(&findings)?;
    let mut counts = super::Counts::default();
    findings.iter().for_each(|f| counts.add(f));
    Some((blob, Rendered { lens, counts }, piece))
}

/// What the portfolio rules' `collect` kept of a file outside the run, as kept.
#[derive(Serialize, Deserialize)]
struct KeptOutside {
    docs: Vec<KeptDoc>,
    collected: Vec<(usize, usize, Json)>,
}

/// The key of what `collect` kept of a file outside the run: as [`key_of`], apart from the
/// outcomes of checked files.
pub(super) fn outside_key(entry: &Entry, print: &ContentHash, env: &Env) -> Option<ContentHash> {
    let mut h = Hasher::new();
    h.part("outside").part(print.0);
    key_of(entry, &entry.name, &h.finish(), env)
}

pub(super) fn read_outside(key: &ContentHash, env: &Env) -> Option<super::outside::OutsideFile> {
    let cache = env.options.cache.as_ref()?;
    let kept: KeptOutside = serde_json::from_slice(&cache.get(key)?).ok()?;
    let collected = collected_back(&kept.collected, env)?;
    let docs = kept.docs.into_iter().map(KeptDoc::into_info).collect();
    Some(super::outside::OutsideFile { docs, collected })
}

pub(super) fn write_outside(key: &ContentHash, file: &super::outside::OutsideFile, env: &Env) {
    let Some(cache) = env.options.cache.as_ref() else {
        return;
    };
    let Some(collected) = collected_kept(&file.collected) else {
        return;
    };
    let kept = KeptOutside {
        docs: file.docs.iter().map(kept_doc).collect(),
        collected,
    };
    if let Ok(bytes) = serde_json::to_vec(&kept) {
        cache.put(key, &bytes);
    }
}

/// What portfolio rules collected, as kept: `None` when a value is not plain data.
fn collected_kept(collected: &[(usize, usize, Dynamic)]) -> Option<Vec<(usize, usize, Json)>> {
    collected
        .iter()
        .map(|(r, d, v)| Some((*r, *d, to_json(v)?)))
        .collect()
}

/// Collected values read back, each counted against its rule's `collect` budget as a value
/// collected in this run is.
fn collected_back(
    kept: &[(usize, usize, Json)],
    env: &Env,
) -> Option<Vec<(usize, usize, Dynamic)>> {
    let mut collected = Vec::with_capacity(kept.len());
    for (r, d, v) in kept {
        let value = from_json(v)?;
        env.collected_bytes
            .keep(*r, crate::engine::value::held_cost(&value));
        collected.push((*r, *d, value));
    }
    Some(collected)
}

impl KeptDoc {
    fn into_info(self) -> DocInfo {
        let mut info = self.info;
        info.items = self.items;
        info.declared = self.declared;
        info
    }
}

fn kept_doc(d: &DocInfo) -> KeptDoc {
    KeptDoc {
        info: d.clone(),
        items: d.items.clone(),
        declared: d.declared,
    }
}

/// Keep an outcome, when nothing in it depends on what its key does not name.
pub(super) fn write(key: &ContentHash, outcome: &FileOutcome, env: &Env) {
    let Some(cache) = env.options.cache.as_ref() else {
        return;
    };
    if !outcome.failures.is_empty() || !outcome.trails.is_empty() {
        return;
    }
    let Some(collected) = collected_kept(&outcome.collected) else {
        return;
    };
    let Some((blob, rendered, piece)) = render(&outcome.findings, env.options) else {
        return;
    };
    let kept = Kept {
        text: SourceFile::measure(&outcome.source.text),
        docs: outcome.docs.iter().map(kept_doc).collect(),
        findings: outcome
            .findings
            .iter()
            .zip(piece)
            .map(|(f, piece)| KeptFinding {
                piece,
                severity: env
                    .options
                    .severity
                    .get(&f.rule)
                    .copied()
                    .unwrap_or(f.severity),
                waived: f.waived,
                bytes: (f.location.byte_start, f.location.byte_len),
                related: f
                    .related
                    .iter()
                    .map(|r| (r.location.byte_start, r.location.byte_len))
                    .collect(),
            })
            .collect(),
        rendered,
        results: outcome.results.clone(),
        expired_targets: outcome.expired_targets.clone(),
        collected,
    };
    let Ok(header) = serde_json::to_vec(&kept) else {
        return;
    };
    let mut entry = Vec::with_capacity(8 + header.len() + blob.len());
    entry.extend_from_slice(&(header.len() as u64).to_le_bytes());
    entry.extend_from_slice(&header);
    entry.extend_from_slice(&blob);
    cache.put(key, &entry);
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
