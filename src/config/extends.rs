//! `extends:` in the config file: a department shares one config across its repositories. A
//! config names another config file (a path relative to itself, such as a file of a repository
//! checked out beside this one); its settings are read first (and that file's own `extends`,
//! in turn), then this file's keys win over them: a key this file gives replaces the one it
//! extends, except `params` and `severity`, which are merged name by name. Paths in the file
//! extended (`rule_folders`, `targets`) stay relative to that file. A config that extends itself,
//! directly or through others, or a chain deeper than [`MAX_DEPTH`], is a diagnostic at its
//! `extends` line.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value as Json;

use super::Config;
use crate::diag::{Code, ToolDiagnostic};
use crate::node::Node;
use crate::source::SourceFile;

/// The longest chain of configs extending each other.
pub const MAX_DEPTH: usize = 8;

/// Keys whose maps are merged entry by entry, the extending file's entries winning.
const MERGED: &[&str] = &["params", "severity"];

/// Keys holding paths relative to the file that gives them.
const PATHS: &[&str] = &["rule_folders", "targets"];

thread_local! {
    /// The configs being read, outermost first: a file met again extends itself.
    static READING: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
}

/// The settings of a config file's JSON once the file it extends is read: `json` when it
/// extends nothing. Returns them with the chain of files extended, nearest first.
pub fn resolve(
    path: &Path,
    base: &Path,
    json: Json,
    source: &Arc<SourceFile>,
    root: &Node,
) -> Result<(Json, Vec<PathBuf>), Vec<ToolDiagnostic>> {
    let Some(named) = json.get("extends").and_then(Json::as_str) else {
        return Ok((json, Vec::new()));
    };
    let at = |diag: ToolDiagnostic| match root.get("extends") {
        Some(node) => diag.at(source, node.span).label("named here"),
        None => diag,
    };
    let parent = if base == Path::new(".") {
        PathBuf::from(named)
    } else {
        base.join(named)
    };
    let me = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let them = std::fs::canonicalize(&parent).unwrap_or_else(|_| parent.clone());
    let stack = READING.with(|r| r.borrow().clone());
    if them == me || stack.contains(&them) {
        return Err(vec![at(ToolDiagnostic::new(
            Code::ConfigExtends,
            format!(
                "{} extends itself through {}",
                crate::load::shown(path),
                crate::load::shown(&parent)
            ),
        )
        .help("remove the `extends` that closes the loop"))]);
    }
    if stack.len() >= MAX_DEPTH {
        return Err(vec![at(ToolDiagnostic::new(
            Code::ConfigExtends,
            format!("more than {MAX_DEPTH} config files extend each other"),
        )
        .help("shorten the chain of `extends`"))]);
    }
    READING.with(|r| r.borrow_mut().push(me));
    let loaded = Config::load(&parent);
    READING.with(|r| r.borrow_mut().pop());
    let inherited = match loaded {
        Ok(config) => config,
        Err(mut diags) => {
            diags.push(at(ToolDiagnostic::new(
                Code::ConfigExtends,
                format!(
                    "{} extends {}, which has the problems above",
                    crate::load::shown(path),
                    crate::load::shown(&parent)
                ),
            )
            .help("give the path of a config file, relative to this one")));
            return Err(diags);
        }
    };
    let mut chain = vec![parent.clone()];
    chain.extend(inherited.extended.iter().cloned());
    let parent_base = parent
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    Ok((merge(inherited.settings, json, &parent_base), chain))
}

/// `child`'s keys over `parent`'s (whose paths are made to stand from `parent_base`).
fn merge(parent: Json, child: Json, parent_base: &Path) -> Json {
    let mut parent = match parent {
        Json::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    let Json::Object(child) = child else {
        return Json::Object(parent);
    };
    parent.remove("extends");
    for key in PATHS {
        if let Some(value) = parent.get_mut(*key) {
            rebase(value, parent_base);
        }
    }
    for (key, value) in child {
        if key == "extends" {
            continue;
        }
        match (parent.get_mut(&key), &value) {
            (Some(Json::Object(inherited)), Json::Object(own))
                if MERGED.contains(&key.as_str()) =>
            {
                for (k, v) in own {
                    inherited.insert(k.clone(), v.clone());
                }
            }
            _ => {
                parent.insert(key, value);
            }
        }
    }
    Json::Object(parent)
}

/// Relative paths in `value` (a string or a list of them) made to stand from `base`.
fn rebase(value: &mut Json, base: &Path) {
    match value {
        Json::String(s) if Path::new(s.as_str()).is_relative() => {
            *s = base.join(s.as_str()).to_string_lossy().into_owned();
        }
        Json::Array(items) => items.iter_mut().for_each(|v| rebase(v, base)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extending_file_wins_and_maps_merge() {
        let parent = serde_json::json!({
            "fail_on": "warning",
            "params": { "a": 1, "b": 2 },
            "severity": { "r": "info" },
            "rule_folders": ["rules/shared"],
            "disable": { "rules": ["x"] },
            "extends": "grand.yaml",
        });
        let child = serde_json::json!({
            "extends": "../shared/roadmap-lint.yaml",
            "params": { "b": 3 },
            "disable": { "commitments": [12] },
        });
        let merged = merge(parent, child, Path::new("../shared"));
        assert_eq!(
            merged,
            serde_json::json!({
                "fail_on": "warning",
                "params": { "a": 1, "b": 3 },
                "severity": { "r": "info" },
                "rule_folders": ["../shared/rules/shared"],
                "disable": { "commitments": [12] },
            })
        );
    }
}
