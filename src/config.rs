//! The project config file, `.roadmap-lint.yaml`: found by searching upward from the working
//! directory, or named with `--config`. It is read like a declaration (spanned YAML, then a
//! JSON Schema, `schemas/config.schema.json`), so a mistake in it is a diagnostic that points at
//! the line. Command-line flags override what it says.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use jsonschema::{Draft, Validator};
use serde_json::Value as Json;

use crate::diag::{Code, ToolDiagnostic};
use crate::finding::Severity;
use crate::load::{Limits, yaml};
use crate::node::{DocPath, Node};
use crate::pack::Rule;
use crate::schema;
use crate::source::SourceFile;

mod extends;

pub const FILE_NAME: &str = ".roadmap-lint.yaml";
pub const SCHEMA: &str = include_str!("../schemas/config.schema.json");

/// Largest config file read.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Rules picked by id, commitment or mission.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    pub rules: Vec<String>,
    pub commitments: Vec<u32>,
    pub missions: Vec<u32>,
}

impl Selector {
    pub fn matches(&self, rule: &Rule) -> bool {
        self.rules.contains(&rule.id)
            || rule
                .commitment
                .is_some_and(|c| self.commitments.contains(&c))
            || rule.mission.is_some_and(|m| self.missions.contains(&m))
    }
}

/// Which rules run: those `enable` selects (all, when it is absent), minus those `disable` selects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSelection {
    pub enable: Option<Selector>,
    pub disable: Selector,
}

impl RuleSelection {
    pub fn allows(&self, rule: &Rule) -> bool {
        self.enable.as_ref().is_none_or(|e| e.matches(rule)) && !self.disable.matches(rule)
    }
}

impl Config {
    /// `diag`, pointed at the value of `key` in this config file when it has no place of its
    /// own (a targets file that cannot be read is a mistake in the line that names it).
    pub fn point_at(&self, key: &str, diag: ToolDiagnostic) -> ToolDiagnostic {
        if diag.line.is_some() {
            return diag;
        }
        match &self.source {
            Some((source, root)) => match root.get(key) {
                Some(node) => diag.at(source, node.span).label("named here"),
                None => diag,
            },
            None => diag,
        }
    }
}

/// A loaded config. Every field is optional: an absent one leaves the default (or the flag).
#[derive(Debug, Default)]
pub struct Config {
    /// The file it was read from.
    pub path: Option<PathBuf>,
    pub selection: RuleSelection,
    pub severity: BTreeMap<String, Severity>,
    pub params: Vec<crate::run::ParamSetting>,
    /// Rule folders, resolved against the config file's folder.
    pub rule_folders: Vec<PathBuf>,
    /// The department-level targets file, resolved against the config file's folder.
    pub targets: Option<PathBuf>,
    pub builtin: Option<bool>,
    /// Packs besides the built-in one whose missions count in the scores (`scored_packs:`).
    pub scored_packs: Vec<String>,
    pub ignore: Option<GlobSet>,
    /// `include:`, `exclude:` and `ignore:` patterns as written (the workspace matches them
    /// against paths relative to the config's folder).
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// The cache folder, resolved against the config file's folder.
    pub cache_dir: Option<PathBuf>,
    pub fail_on: Option<String>,
    pub waiver_warning_days: Option<i64>,
    /// The evaluation date for every document (`--as-of` overrides it).
    pub as_of: Option<crate::date::Date>,
    /// The file and its tree, to point diagnostics found later (unknown rule ids) at lines.
    source: Option<(Arc<SourceFile>, Node)>,
    /// The settings in force, as a config file would write them: this file's keys over those
    /// of the files it extends (`config --show` prints them).
    pub settings: Json,
    /// The config files this one extends, nearest first (`extends:`).
    pub extended: Vec<PathBuf>,
}

/// The nearest `.roadmap-lint.yaml` in `start` or a folder above it, up to the repository's
/// root (the first folder holding `.git`): a config in a folder above the repository (a
/// runner's home, `/tmp`) belongs to someone else. Whatever is found under that name is
/// returned, even if it is not a readable file, so that [`Config::load`] can say so.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if std::fs::symlink_metadata(&candidate).is_ok() {
            // In the starting folder itself: shown (and its relative paths resolved) as
            // `.roadmap-lint.yaml`, as a user would write it.
            if dir == start && start == std::path::absolute(".").unwrap_or_default() {
                return Some(PathBuf::from(FILE_NAME));
            }
            return Some(candidate);
        }
        if std::fs::symlink_metadata(dir.join(".git")).is_ok() {
            return None;
        }
    }
    None
}

fn validator() -> &'static (Json, Validator) {
    static CELL: OnceLock<(Json, Validator)> = OnceLock::new();
    CELL.get_or_init(|| {
        let json: Json = serde_json::from_str(SCHEMA).expect("embedded config schema is JSON");
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .build(&json)
            .expect("embedded config schema compiles");
        (json, validator)
    })
}

/// Schema help written for declarations mentions `x_` keys, which the config does not allow.
fn config_help(help: &str) -> String {
    let cut = help
        .find("? Keys for a department")
        .map(|i| i + 1)
        .or_else(|| help.find("; keys for a department"))
        .or_else(|| help.find("; Keys for a department"));
    match cut {
        Some(i) => help[..i].to_string(),
        None if help.starts_with("remove the key; keys") => "remove the key".to_string(),
        None => help.to_string(),
    }
}

fn json_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn strings(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn numbers(v: Option<&Json>) -> Vec<u32> {
    v.and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_u64)
                .filter_map(|n| u32::try_from(n).ok())
                .collect()
        })
        .unwrap_or_default()
}

fn selector(v: Option<&Json>) -> Option<Selector> {
    let v = v.filter(|v| !v.is_null())?;
    Some(Selector {
        rules: strings(v.get("rules")),
        commitments: numbers(v.get("commitments")),
        missions: numbers(v.get("missions")),
    })
}

/// The config file read and parsed as YAML: its source, and its root (`None` when empty).
/// A file that cannot be read, YAML errors and a second document are diagnostics.
fn read_yaml(
    path: &Path,
    shown: &str,
) -> Result<(Arc<SourceFile>, Option<Node>), Vec<ToolDiagnostic>> {
    // Only a regular file: a FIFO would block, a link to `/dev/zero` would never end.
    let text = crate::load::read::read_text(path, MAX_CONFIG_BYTES).map_err(|e| {
        vec![
            ToolDiagnostic::new(Code::ConfigUnreadable, e.message(path))
                .file(shown.to_string())
                .help("the config must be a YAML file of at most 1 MiB: check the --config path, or remove the file"),
        ]
    })?;
    let source = Arc::new(SourceFile::new(shown.to_string(), text));
    let mut docs = yaml::parse(&source.text, &Limits::default());
    let mut diags: Vec<ToolDiagnostic> = Vec::new();
    for doc in &docs {
        for p in &doc.problems {
            diags.push(p.diagnostic(&source));
        }
    }
    if docs.len() > 1 {
        diags.push(
            ToolDiagnostic::new(
                Code::ConfigSeveralDocuments,
                "the config file holds more than one YAML document",
            )
            .file(shown.to_string())
            .help("keep all settings in one document (remove `---` separators)"),
        );
    }
    if diags.iter().any(|d| d.severity == Severity::Error) {
        return Err(diags);
    }
    let root = docs.drain(..).next().and_then(|d| d.root);
    Ok((source, root))
}

/// The config checked against its JSON Schema, one diagnostic a problem.
fn schema_problems(source: &Arc<SourceFile>, root: &Node, shown: &str) -> Vec<ToolDiagnostic> {
    let (schema_json, validator) = validator();
    schema::problems(validator, schema_json, root)
        .into_iter()
        .map(|sp| {
            let p = sp.problem;
            ToolDiagnostic::new(p.code, format!("{shown}: {}", p.message))
                .at(source, p.span)
                .label(p.label.unwrap_or_else(|| "here".into()))
                .help(config_help(&p.help))
        })
        .collect()
}

/// The `params` the config sets, each remembering where in the file it was set.
fn params(json: &Json, source: &Arc<SourceFile>, root: &Node) -> Vec<crate::run::ParamSetting> {
    json.get("params")
        .and_then(Json::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let mut at = DocPath::default();
                    at.push_key("params");
                    at.push_key(k.as_str());
                    crate::run::ParamSetting {
                        name: k.clone(),
                        value: json_text(v),
                        from: Some(crate::source::Origin {
                            source: source.clone(),
                            span: root.resolve(&at).span,
                        }),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The config's `as_of`. The schema names the format; the validator is not asked to check
/// formats, so the date is read here, and a day that does not exist is pointed at.
fn as_of(
    json: &Json,
    source: &Arc<SourceFile>,
    root: &Node,
    shown: &str,
    diags: &mut Vec<ToolDiagnostic>,
) -> Option<crate::date::Date> {
    let text = json.get("as_of").and_then(Json::as_str)?;
    let date = crate::date::Date::parse(text);
    if date.is_none() {
        let mut at = DocPath::default();
        at.push_key("as_of");
        diags.push(
            ToolDiagnostic::new(
                Code::SchemaDate,
                format!("{shown}: `as_of` is not a valid date: \"{text}\""),
            )
            .at(source, root.resolve(&at).span)
            .label("not a calendar date")
            .help("write the date as YYYY-MM-DD, and check the day exists in that month"),
        );
    }
    date
}

/// A diagnostic for each pattern of `include:` or `exclude:` that is not a glob.
fn check_globs(
    key: &str,
    json: &Json,
    source: &Arc<SourceFile>,
    root: &Node,
    diags: &mut Vec<ToolDiagnostic>,
) {
    let patterns = strings(json.get(key));
    for (i, pattern) in patterns.iter().enumerate() {
        if let Err((_, why)) = crate::workspace::walk::globs(std::slice::from_ref(pattern)) {
            let span = root
                .resolve(&DocPath::parse(&format!("{key}[{i}]")).unwrap_or_default())
                .span;
            diags.push(
                ToolDiagnostic::new(
                    Code::ConfigBadGlob,
                    format!("`{pattern}` is not a glob pattern: {why}"),
                )
                .at(source, span)
                .label("not a glob")
                .help("use `*` within a folder name, `**` across folders, `?` for one character, `[abc]` for a set"),
            );
        }
    }
}

/// The `ignore` patterns as one glob set (`None` when there are none); a pattern that is not
/// a glob is a diagnostic.
fn ignore_globs(
    json: &Json,
    source: &Arc<SourceFile>,
    root: &Node,
    diags: &mut Vec<ToolDiagnostic>,
) -> Option<GlobSet> {
    let mut globs = GlobSetBuilder::new();
    let patterns = strings(json.get("ignore"));
    for (i, pattern) in patterns.iter().enumerate() {
        let full = if pattern.contains('/') {
            pattern.trim_start_matches("./").to_string()
        } else {
            format!("**/{pattern}")
        };
        match GlobBuilder::new(&full).literal_separator(true).build() {
            Ok(g) => {
                globs.add(g);
            }
            Err(e) => {
                let span = root
                    .resolve(&DocPath::parse(&format!("ignore[{i}]")).unwrap_or_default())
                    .span;
                diags.push(
                    ToolDiagnostic::new(
                        Code::ConfigBadGlob,
                        format!("`{pattern}` is not a glob pattern: {}", e.kind()),
                    )
                    .at(source, span)
                    .label("not a glob")
                    .help("use `*` within a folder name, `**` across folders, `?` for one character, `[abc]` for a set"),
                );
            }
        }
    }
    if patterns.is_empty() {
        return None;
    }
    globs.build().ok()
}

impl Config {
    /// Read and check a config file. Any problem is a diagnostic pointing into the file.
    pub fn load(path: &Path) -> Result<Config, Vec<ToolDiagnostic>> {
        let shown = crate::load::shown(path);
        let (source, root) = read_yaml(path, &shown)?;
        let Some(root) = root else {
            return Ok(Config {
                path: Some(path.to_path_buf()),
                ..Config::default()
            });
        };
        let diags = schema_problems(&source, &root, &shown);
        if !diags.is_empty() {
            return Err(diags);
        }
        let json = schema::to_json(&root);
        let base = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        let (json, extended) = extends::resolve(path, &base, json, &source, &root)?;
        let mut config = Config::from_json(path, &base, &json, &source, &root);
        config.extended = extended;
        config.settings = json.clone();
        let mut diags = Vec::new();
        config.as_of = as_of(&json, &source, &root, &shown, &mut diags);
        let ignore = ignore_globs(&json, &source, &root, &mut diags);
        for key in ["include", "exclude"] {
            check_globs(key, &json, &source, &root, &mut diags);
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        config.ignore = ignore;
        config.source = Some((source, root));
        Ok(config)
    }

    /// The settings of a config that passed its schema (all but `as_of` and `ignore`, which
    /// can still be wrong).
    fn from_json(
        path: &Path,
        base: &Path,
        json: &Json,
        source: &Arc<SourceFile>,
        root: &Node,
    ) -> Config {
        Config {
            path: Some(path.to_path_buf()),
            selection: RuleSelection {
                enable: selector(json.get("enable")),
                disable: selector(json.get("disable")).unwrap_or_default(),
            },
            severity: json
                .get("severity")
                .and_then(Json::as_object)
                .map(|o| {
                    o.iter()
                        .filter_map(|(k, v)| Some((k.clone(), Severity::parse(v.as_str()?)?)))
                        .collect()
                })
                .unwrap_or_default(),
            params: params(json, source, root),
            rule_folders: strings(json.get("rule_folders"))
                .iter()
                .map(|f| base.join(f))
                .collect(),
            targets: json
                .get("targets")
                .and_then(Json::as_str)
                .map(|t| base.join(t)),
            builtin: json.get("builtin").and_then(Json::as_bool),
            scored_packs: strings(json.get("scored_packs")),
            ignore: None,
            include: strings(json.get("include")),
            exclude: strings(json.get("exclude"))
                .into_iter()
                .chain(strings(json.get("ignore")))
                .collect(),
            cache_dir: json
                .get("cache_dir")
                .and_then(Json::as_str)
                .map(|t| base.join(t)),
            fail_on: json
                .get("fail_on")
                .and_then(Json::as_str)
                .map(str::to_string),
            waiver_warning_days: json.get("waiver_warning_days").and_then(Json::as_i64),
            as_of: None,
            source: None,
            settings: Json::Null,
            extended: Vec::new(),
        }
    }

    /// Rule ids, commitments and missions the config names that no loaded pack has: a typo
    /// would silently switch nothing on or off, so each is an error at its line, with the
    /// closest valid name.
    pub fn check_rule_ids(&self, known: &crate::pack::Known) -> Vec<ToolDiagnostic> {
        let Some((source, root)) = &self.source else {
            return Vec::new();
        };
        // Waiver findings have codes of their own, and their severity may be overridden too.
        let waiver_codes = [
            crate::waiver::EXPIRED,
            crate::waiver::UNUSED,
            crate::waiver::EXPIRING,
            crate::waiver::BAD_PATH,
        ];
        let ids: Vec<&str> = known
            .ids
            .iter()
            .map(String::as_str)
            .chain(waiver_codes)
            .collect();
        let (commitments, missions) = (&known.commitments, &known.missions);
        let mut out = Vec::new();
        let mut report = |path: String, message: String, help: String| {
            let span = root
                .resolve(&DocPath::parse(&path).unwrap_or_default())
                .span;
            out.push(
                ToolDiagnostic::new(Code::ConfigUnknownRule, message)
                    .at(source, span)
                    .label("not in any loaded pack")
                    .help(help),
            );
        };
        for (section, selector) in [
            ("enable", self.selection.enable.as_ref()),
            ("disable", Some(&self.selection.disable)),
        ] {
            let Some(selector) = selector else { continue };
            for (i, id) in selector.rules.iter().enumerate() {
                if !ids.contains(&id.as_str()) {
                    report(
                        format!("{section}.rules[{i}]"),
                        format!("no loaded rule has the id `{id}`"),
                        crate::suggest::help(id, "rule id", &ids),
                    );
                }
            }
            for (i, n) in selector.commitments.iter().enumerate() {
                if !commitments.contains(n) {
                    report(
                        format!("{section}.commitments[{i}]"),
                        format!("no loaded pack has a commitment {n}"),
                        format!("the commitments are numbered {}", numbers_text(commitments)),
                    );
                }
            }
            for (i, n) in selector.missions.iter().enumerate() {
                if !missions.contains(n) {
                    report(
                        format!("{section}.missions[{i}]"),
                        format!("no loaded pack has a mission {n}"),
                        format!("the missions are numbered {}", numbers_text(missions)),
                    );
                }
            }
        }
        for id in self.severity.keys() {
            if !ids.contains(&id.as_str()) {
                report(
                    format!("severity.{id}"),
                    format!("no loaded rule has the id `{id}`"),
                    crate::suggest::help(id, "rule id", &ids),
                );
            }
        }
        out
    }
}

/// `1-21` for a run of numbers, else the numbers separated by commas.
fn numbers_text(numbers: &BTreeSet<u32>) -> String {
    match (numbers.first(), numbers.last()) {
        (Some(a), Some(b)) if (b - a) as usize + 1 == numbers.len() => format!("{a} to {b}"),
        _ => numbers
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, Vec<ToolDiagnostic>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        Config::load(&path)
    }

    #[test]
    fn reads_every_setting() {
        let c = load(
            "disable: { rules: [a-rule], commitments: [12], missions: [5] }\nseverity: { a-rule: warning }\nparams: { deadline_2025: 2025-12-31, n: 3 }\nfail_on: warning\nwaiver_warning_days: 10\nas_of: 2025-06-30\nignore: ['*.draft.yaml', 'archive/**']\nbuiltin: false\n",
        )
        .unwrap();
        assert_eq!(c.selection.disable.commitments, [12]);
        assert_eq!(c.severity["a-rule"], Severity::Warning);
        let params: Vec<(&str, &str)> = c
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(params, [("deadline_2025", "2025-12-31"), ("n", "3")]);
        let line = |p: &crate::run::ParamSetting| {
            let o = p.from.as_ref().unwrap();
            o.source.locate(o.span).line
        };
        assert_eq!(line(&c.params[1]), 3);
        assert_eq!(c.fail_on.as_deref(), Some("warning"));
        assert_eq!(c.waiver_warning_days, Some(10));
        assert_eq!(c.as_of, crate::date::Date::parse("2025-06-30"));
        assert_eq!(c.builtin, Some(false));
    }

    #[test]
    fn mistakes_point_at_their_line() {
        let errs = load("fail_on: warning\nseverty: {}\nwaiver_warning_days: soon\n").unwrap_err();
        let found: Vec<(&str, Option<usize>)> =
            errs.iter().map(|d| (d.code.id(), d.line)).collect();
        assert!(
            found.contains(&("schema-unknown-key", Some(2))),
            "{found:?}"
        );
        assert!(found.contains(&("schema-type", Some(3))), "{found:?}");
        let unknown = errs
            .iter()
            .find(|d| d.code == "schema-unknown-key")
            .unwrap();
        assert_eq!(unknown.help.as_deref(), Some("did you mean `severity`?"));
    }

    #[test]
    fn an_impossible_as_of_points_at_its_line() {
        let errs = load("fail_on: warning\nas_of: 2025-02-30\n").unwrap_err();
        let found: Vec<(&str, Option<usize>)> =
            errs.iter().map(|d| (d.code.id(), d.line)).collect();
        assert_eq!(found, [("schema-date", Some(2))]);
    }

    #[test]
    fn an_empty_file_is_the_default() {
        let c = load("# nothing yet\n").unwrap();
        assert_eq!(c.selection, RuleSelection::default());
        assert!(c.params.is_empty());
    }
}
