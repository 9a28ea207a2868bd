//! Preparing a run: the packs loaded, parameters resolved, the engine built, and the `ctx` each
//! rule sees.

use std::collections::BTreeMap;

use rhai::{Dynamic, Map};

use crate::date::Date;
use crate::diag::{Code, ToolDiagnostic};
use crate::engine::{self, Mapping, Sandbox};
use crate::pack::{self, Pack, RuleSet};

use super::*;

/// The loaded packs and the engine, ready to evaluate documents.
pub struct Prepared {
    pub rules: RuleSet,
    pub sandbox: Sandbox,
    /// `ctx.params` and `ctx.data` per pack, by pack name.
    pub pack_ctx: BTreeMap<String, (Map, Map)>,
    /// The same as Rhai values every rule call shares (see [`engine::value`]): building `ctx`
    /// for a document copies two reference counts, not the pack's data.
    pack_shared: BTreeMap<String, (Dynamic, Dynamic)>,
    pub diagnostics: Vec<ToolDiagnostic>,
    /// What the packs define, before `--rule` and the config's selection.
    pub known: pack::Known,
    /// Each department-level target (by its index in the targets file) that names a loaded
    /// pack's parameter: the pack's name and the typed value.
    pub target_values: Vec<Option<(String, Dynamic)>>,
    /// Time per rule, when `check --profile` asked for it.
    pub profile: Option<crate::profile::Profile>,
    /// Commitments whose every rule the config's `enable:`/`disable:` switched off.
    pub disabled_commitments: std::collections::BTreeSet<u32>,
}

/// Load the packs and resolve parameters. Problems become diagnostics.
pub fn prepare(options: &Options) -> Prepared {
    let (mut rules, mut diagnostics) = pack::load(&options.packs, &options.sandbox);
    let known = pack::Known::of(&rules);
    if let Some(only) = &options.only_rules {
        // A typo in `--rule` would run nothing and pass: each unknown id is an error.
        let ids: Vec<&str> = rules.rules().map(|(_, r)| r.id.as_str()).collect();
        for id in only.iter().filter(|id| !ids.contains(&id.as_str())) {
            diagnostics.push(
                ToolDiagnostic::new(
                    Code::RuleUnknown,
                    format!("--rule {id}: no loaded rule has this id"),
                )
                .help(crate::suggest::help(id, "rule id", &ids)),
            );
        }
        for p in &mut rules.packs {
            p.rules.retain(|r| only.contains(&r.id));
        }
    }
    let mut disabled_commitments = std::collections::BTreeSet::new();
    if let Some(selection) = &options.selection {
        let with_rules = |rules: &pack::RuleSet| -> std::collections::BTreeSet<u32> {
            rules.rules().filter_map(|(_, r)| r.commitment).collect()
        };
        let before = with_rules(&rules);
        for p in &mut rules.packs {
            p.rules.retain(|r| selection.allows(r));
        }
        let after = with_rules(&rules);
        disabled_commitments = before.difference(&after).copied().collect();
    }
    let mut pack_ctx = BTreeMap::new();
    let mut used = vec![false; options.params.len()];
    for p in &rules.packs {
        let mut params = Map::new();
        for (name, param) in &p.manifest.parameters {
            if let Ok(v) = pack::param_value(param, &param.default) {
                params.insert(name.as_str().into(), v);
            }
        }
        for (i, setting) in options.params.iter().enumerate() {
            if let Some(param) = p.manifest.parameters.get(&setting.name) {
                used[i] = true;
                match pack::parse_override(param, &setting.value) {
                    Ok(v) => {
                        params.insert(setting.name.as_str().into(), v);
                    }
                    Err(msg) => diagnostics.push(
                        setting.diagnostic(Code::ParamInvalid, &msg).help(format!(
                            "`{}` is {} {}: {}",
                            setting.name,
                            crate::pack::article(param.kind.name()),
                            param.kind.name(),
                            param.rationale
                        )),
                    ),
                }
            }
        }
        pack_ctx.insert(p.manifest.name.clone(), (params, p.data.clone()));
    }
    let param_names: Vec<&str> = known.params.iter().map(String::as_str).collect();
    for (i, setting) in options.params.iter().enumerate() {
        if !used[i] {
            diagnostics.push(
                setting
                    .diagnostic(Code::ParamUnknown, "no pack has a parameter of that name")
                    .help(crate::suggest::help(
                        &setting.name,
                        "parameter",
                        &param_names,
                    )),
            );
        }
    }
    let pack_shared = pack_ctx
        .iter()
        .map(|(name, (params, data))| {
            (
                name.clone(),
                (
                    engine::value::share(Dynamic::from_map(params.clone())),
                    engine::value::share(Dynamic::from_map(data.clone())),
                ),
            )
        })
        .collect();
    let target_values = typed_targets(&rules, options, &mut diagnostics);
    Prepared {
        rules,
        sandbox: options.sandbox.clone(),
        pack_ctx,
        pack_shared,
        diagnostics,
        known,
        target_values,
        profile: None,
        disabled_commitments,
    }
}

/// Each target's value, typed as its parameter: a target for a parameter no pack has, or of
/// the wrong type, is a diagnostic at its line and applies to nothing.
fn typed_targets(
    rules: &RuleSet,
    options: &Options,
    diagnostics: &mut Vec<ToolDiagnostic>,
) -> Vec<Option<(String, Dynamic)>> {
    let Some(targets) = &options.targets else {
        return Vec::new();
    };
    let names: Vec<&str> = rules
        .packs
        .iter()
        .flat_map(|p| p.manifest.parameters.keys().map(String::as_str))
        .collect();
    let mut refused = Vec::new();
    let typed = targets
        .list
        .iter()
        .map(|t| {
            let found = rules
                .packs
                .iter()
                .find_map(|p| Some((p, p.manifest.parameters.get(&t.param)?)));
            let Some((pack, param)) = found else {
                refused.push(targets.at(
                    t.span,
                    Code::TargetUnknown,
                    format!("no loaded pack has a parameter `{}`", t.param),
                    &crate::suggest::help(&t.param, "parameter", &names),
                ));
                return None;
            };
            match pack::param_value(param, &t.value) {
                Ok(v) => Some((pack.manifest.name.clone(), v)),
                Err(msg) => {
                    refused.push(targets.at(
                        t.value_span,
                        Code::TargetUnknown,
                        format!("the target for `{}`: {msg}", t.param),
                        &format!(
                            "`{}` is {} {}: {}",
                            t.param,
                            pack::article(param.kind.name()),
                            param.kind.name(),
                            param.rationale
                        ),
                    ));
                    None
                }
            }
        })
        .collect();
    diagnostics.extend(crate::targets::capped(refused, &targets.source));
    typed
}

/// The targets that apply to a document of `organisation` on `as_of`, for rules of `pack`:
/// (their indices in the targets file), and the expired ones (which do not apply).
pub fn targets_for(
    prepared: &Prepared,
    options: &Options,
    pack: &str,
    organisation: Option<&str>,
    as_of: Date,
) -> (Vec<usize>, Vec<usize>) {
    let (Some(targets), Some(organisation)) = (&options.targets, organisation) else {
        return (Vec::new(), Vec::new());
    };
    let mut applied = Vec::new();
    let mut expired = Vec::new();
    for (i, t) in targets.list.iter().enumerate() {
        let ours = t.organisation == organisation
            && prepared
                .target_values
                .get(i)
                .and_then(Option::as_ref)
                .is_some_and(|(p, _)| p == pack);
        if !ours {
            continue;
        }
        if t.applies_on(as_of) {
            applied.push(i);
        } else if t.ended_by(as_of) {
            expired.push(i);
        }
    }
    (applied, expired)
}

/// The `ctx` a rule sees for a document. `overrides` (from the organisation's targets) set its
/// own values of some parameters.
pub(super) fn context(
    pack: &Pack,
    prepared: &Prepared,
    as_of: Date,
    file: &str,
    document: usize,
    kind: &str,
    overrides: &[(String, Dynamic)],
) -> Dynamic {
    let (mut params, data) = prepared
        .pack_shared
        .get(&pack.manifest.name)
        .cloned()
        .unwrap_or_else(|| {
            (
                Dynamic::from(Mapping::default()),
                Dynamic::from(Mapping::default()),
            )
        });
    if !overrides.is_empty()
        && let Some(mut map) = params.read_lock::<Mapping>().map(|m| m.map().clone())
    {
        for (name, value) in overrides {
            map.insert(name.as_str().into(), value.clone());
        }
        params = Dynamic::from(Mapping::new(map));
    }
    let mut ctx = Map::new();
    ctx.insert("as_of".into(), Dynamic::from(as_of));
    ctx.insert("params".into(), params);
    ctx.insert("data".into(), data);
    ctx.insert("file".into(), Dynamic::from(file.to_string()));
    ctx.insert("document".into(), Dynamic::from_int(document as i64));
    ctx.insert("kind".into(), Dynamic::from(kind.to_string()));
    Dynamic::from(Mapping::new(ctx))
}
