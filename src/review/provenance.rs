//! What produced a review: the run's provenance ([`crate::run::Provenance`]: the config, the
//! packs and whatever else the run records, carried whole so that its new fields appear here
//! too), the tool, and what only the review knows: the parameters its criteria and
//! derivations were judged against, the evaluation date, and the declaration the proposal was
//! compared with.

use std::path::Path;

use serde::Serialize;

use super::assess::DeclarationRef;
use crate::pack::Rule;
use crate::run::{Options, Prepared, Provenance};

/// The tool that wrote the review.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Tool {
    pub fn this() -> Tool {
        Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// A parameter the review was judged against: its value, its pack's default, and where an
/// override came from (`--param`, or the config file named).
#[derive(Debug, Clone, Serialize)]
pub struct ParamUsed {
    pub name: String,
    pub pack: String,
    pub value: String,
    pub default: String,
    pub set_by: Option<String>,
}

/// The provenance of one review.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewProvenance {
    pub tool: Tool,
    /// The run's provenance, field by field as [`Provenance`] serialises, with any absolute
    /// path the tool found by itself (a config in a folder above) shown relative to the
    /// working folder.
    #[serde(flatten)]
    pub run: serde_json::Map<String, serde_json::Value>,
    pub parameters: Vec<ParamUsed>,
    /// The evaluation date: `--as-of`, else the proposal's `as_of`, else the day of the run.
    pub evaluated_as_of: Option<String>,
    /// The department declaration the proposal was compared with, when one was found.
    pub declaration: Option<DeclarationRef>,
}

impl ReviewProvenance {
    /// The one way a review's provenance is made: the run's, and the review's own facts.
    pub fn of(
        run: &Provenance,
        prepared: &Prepared,
        options: &Options,
        evaluated_as_of: Option<String>,
        declaration: Option<DeclarationRef>,
    ) -> ReviewProvenance {
        ReviewProvenance {
            tool: Tool::this(),
            run: run_fields(run),
            parameters: parameters(prepared, options),
            evaluated_as_of,
            declaration,
        }
    }
}

/// The run's provenance as its JSON fields, paths made relative (see [`relative`]).
fn run_fields(run: &Provenance) -> serde_json::Map<String, serde_json::Value> {
    let mut value = serde_json::to_value(run).unwrap_or_default();
    let cwd = std::env::current_dir().ok();
    relativise(&mut value, cwd.as_deref());
    match value {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

fn relativise(value: &mut serde_json::Value, cwd: Option<&Path>) {
    match value {
        serde_json::Value::String(s) => {
            if let Some(r) = cwd.and_then(|c| relative(Path::new(s.as_str()), c)) {
                *s = r;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| relativise(v, cwd)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| relativise(v, cwd)),
        _ => {}
    }
}

/// An absolute `path` inside the working folder `cwd`, or inside a folder above it, written
/// relative to `cwd` (`../.roadmap-lint.yaml`); `None` for anything else, shown as it is.
pub fn relative(path: &Path, cwd: &Path) -> Option<String> {
    if !path.is_absolute() {
        return None;
    }
    for (ups, base) in cwd.ancestors().enumerate() {
        // The root itself has nothing in common with a path but `/`.
        base.parent()?;
        if let Ok(rest) = path.strip_prefix(base) {
            let mut out = "../".repeat(ups);
            out.push_str(&rest.display().to_string());
            return Some(if out.is_empty() { ".".into() } else { out });
        }
    }
    None
}

/// The names of the parameters the derivations read (see [`super::derive::Thresholds`]).
pub const DERIVATION_PARAMS: &[&str] = &[
    "public_facing_approval_gbp",
    "other_approval_gbp",
    "risk_medium_whole_life_gbp",
    "risk_high_whole_life_gbp",
    "risk_medium_transactions",
    "risk_high_transactions",
];

/// Every parameter a proposal rule names, the derivations read, or a due term counts its days
/// with, in name order, each once.
fn parameters(prepared: &Prepared, options: &Options) -> Vec<ParamUsed> {
    let mut out: Vec<ParamUsed> = Vec::new();
    for pack in &prepared.rules.packs {
        let mut names: Vec<&str> = pack
            .rules
            .iter()
            .filter(|r| r.applies_to("proposal"))
            .flat_map(|r: &std::sync::Arc<Rule>| r.params.iter().map(String::as_str))
            .chain(DERIVATION_PARAMS.iter().copied())
            .chain(pack.manifest.review.due.iter().map(|d| d.days.as_str()))
            .collect();
        names.sort_unstable();
        names.dedup();
        let Some((values, _)) = prepared.pack_ctx.get(&pack.manifest.name) else {
            continue;
        };
        for name in names {
            let (Some(param), Some(value)) = (pack.manifest.parameters.get(name), values.get(name))
            else {
                continue;
            };
            if out.iter().any(|p| p.name == name) {
                continue;
            }
            let set_by = options
                .params
                .iter()
                .rev()
                .find(|s| s.name == name)
                .map(|s| match &s.from {
                    Some(origin) => origin.source.name.clone(),
                    None => "--param".to_string(),
                });
            out.push(ParamUsed {
                name: name.to_string(),
                pack: pack.manifest.name.clone(),
                value: shown(value),
                default: yaml_serde::to_string(&param.default)
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default(),
                set_by,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// A parameter's value as text: a whole float without its `.0`.
fn shown(value: &rhai::Dynamic) -> String {
    if let Ok(f) = value.as_float()
        && f.fract() == 0.0
        && f.abs() < 1e15
    {
        return format!("{}", f as i64);
    }
    if let Some(date) = value.clone().try_cast::<crate::date::Date>() {
        return date.to_string();
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_near_the_working_folder_are_shown_relative() {
        let cwd = Path::new("/work/repo/sub");
        let r = |p: &str| relative(Path::new(p), cwd);
        assert_eq!(r("/work/repo/sub/a.yaml").as_deref(), Some("a.yaml"));
        assert_eq!(
            r("/work/repo/.roadmap-lint.yaml").as_deref(),
            Some("../.roadmap-lint.yaml")
        );
        assert_eq!(r("/etc/passwd"), None);
        assert_eq!(r("relative.yaml"), None);
        assert_eq!(r("builtin"), None);
    }
}
