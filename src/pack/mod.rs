//! Policy packs: a folder with `pack.yaml` and one `.rhai` script per rule. The built-in pack is
//! embedded in the binary; more packs come from `--rules DIR`.

mod applies;
mod comments;
pub mod data;
mod exemptions;
pub mod fields;
pub mod library;
pub mod lint;
pub mod manifest;
pub mod names;
pub mod organisations;
pub mod reads;
mod review_policy;
pub mod rule;
mod rule_name;
pub mod types;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use rhai::Dynamic;

use crate::engine::Sandbox;

pub use manifest::{Exemption, Manifest, Mission, ParamType, Parameter};
pub use organisations::Organisations;
pub use rule::Rule;
pub use rule_name::RuleName;

use crate::date::Date;
use crate::diag::{Code, ToolDiagnostic};
use crate::load::read::{Confined, Refusal};
use crate::source::SourceFile;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// A loaded pack.
#[derive(Debug)]
pub struct Pack {
    pub manifest: Manifest,
    /// `builtin` or the folder it was read from.
    pub origin: String,
    /// The hash of every file of the pack (its path within the pack and its text), fixtures
    /// left out: what reports name it by, and what the cache keys on.
    pub hash: crate::hash::ContentHash,
    pub rules: Vec<Arc<Rule>>,
    /// Pack data files, ready for rules (`ctx.data`).
    pub data: rhai::Map,
    /// The engine its rules run in, with the pack's `lib/` modules.
    pub engine: Arc<rhai::Engine>,
    /// The pack's own fields: the schemas of the `x_` keys its rules read.
    pub fields: Arc<fields::Fields>,
}

/// The files of one pack, from the binary or from disk: (path within the pack, text).
struct PackFiles {
    origin: String,
    display_root: String,
    files: Vec<(String, String)>,
}

/// The built-in pack's `pack.yaml`, as written.
pub fn builtin_manifest_text() -> &'static str {
    BUILTIN_FILES
        .iter()
        .find(|(p, _)| p.ends_with("/pack.yaml"))
        .map_or("", |(_, t)| t)
}

/// Names of the built-in packs.
pub fn builtin_pack_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = BUILTIN_FILES
        .iter()
        .filter_map(|(p, _)| p.strip_suffix("/pack.yaml"))
        .collect();
    names.dedup();
    names
}

fn builtin(name: &str) -> PackFiles {
    let prefix = format!("{name}/");
    PackFiles {
        origin: "builtin".into(),
        display_root: format!("rules/{name}"),
        files: BUILTIN_FILES
            .iter()
            .filter_map(|(p, t)| {
                p.strip_prefix(&prefix)
                    .map(|rel| (rel.to_string(), t.to_string()))
            })
            .collect(),
    }
}

/// What the language server reads of pack folders besides their files: the documents an
/// editor has open, checked as typed. The command line has none.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    /// Texts that stand for files, by absolute path.
    pub texts: BTreeMap<PathBuf, String>,
    /// When set, the only rule scripts read, by absolute path: the open ones, the only ones
    /// whose diagnostics an editor shows. Library modules, `pack.yaml` and data files are
    /// always read.
    pub rules: Option<std::collections::BTreeSet<PathBuf>>,
}

impl Overlay {
    /// Whether a file of a pack folder (its path, and its path within the folder) is read.
    fn reads(&self, path: &Path, rel: &Path) -> bool {
        let rule = rel.extension().is_some_and(|e| e == "rhai") && !rel.starts_with("lib");
        !rule || self.rules.as_ref().is_none_or(|only| only.contains(path))
    }
}

/// A pack file's text: the overlay's when it has one (of at most [`MAX_PACK_FILE`] bytes), else
/// the file's, read inside the pack folder.
fn pack_text(folder: &Confined, path: &Path, overlay: &Overlay) -> Result<String, ToolDiagnostic> {
    match overlay.texts.get(path) {
        Some(text) if text.len() as u64 <= MAX_PACK_FILE => Ok(text.clone()),
        _ => folder
            .read_text(path, MAX_PACK_FILE)
            .map_err(|e| refused(path, &e)),
    }
}

/// Whether a file of a pack folder (by its path within the folder) is read with the pack.
fn is_pack_file(rel: &Path) -> bool {
    matches!(
        rel.extension().and_then(|e| e.to_str()),
        Some("rhai" | "yaml" | "yml" | "json")
    ) && !rel.starts_with("fixtures")
        && rel.components().count() <= 16
}

fn from_dir(dir: &Path, overlay: &Overlay) -> Result<PackFiles, ToolDiagnostic> {
    let folder = Confined::new(dir).map_err(|e| {
        ToolDiagnostic::new(Code::PackUnreadable, e.message(dir))
            .file(crate::load::shown(dir))
            .help("pass a folder that holds `pack.yaml` and `.rhai` rule files")
    })?;
    let mut files = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let full = dir.join(&rel);
        let entries = std::fs::read_dir(&full).map_err(|e| {
            ToolDiagnostic::new(
                Code::PackUnreadable,
                format!("cannot read rule pack folder {}: {e}", full.display()),
            )
            .help("pass a folder that holds `pack.yaml` and `.rhai` rule files")
        })?;
        let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let name = rel.join(path.file_name().unwrap_or_default());
            if path.is_dir() {
                // A link to a directory could lead anywhere (`/`, or back up into a loop).
                if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(ToolDiagnostic::new(
                        Code::PackUnreadable,
                        format!(
                            "{} is a symbolic link to a directory, which is not followed",
                            path.display()
                        ),
                    )
                    .help("copy the folder into the pack instead of linking to it"));
                }
                if name.components().count() < 16 && !name.starts_with("fixtures") {
                    stack.push(name);
                }
            } else if is_pack_file(&name) && overlay.reads(&path, &name) {
                let text = pack_text(&folder, &path, overlay)?;
                files.push((name.to_string_lossy().replace('\\', "/"), text));
            }
        }
    }
    // An open document not yet saved as a file of the folder.
    for (path, text) in &overlay.texts {
        let Ok(rel) = path.strip_prefix(dir) else {
            continue;
        };
        let name = rel.to_string_lossy().replace('\\', "/");
        if is_pack_file(rel)
            && overlay.reads(path, rel)
            && text.len() as u64 <= MAX_PACK_FILE
            && !files.iter().any(|(n, _)| *n == name)
        {
            files.push((name, text.clone()));
        }
    }
    files.sort();
    Ok(PackFiles {
        // Reports name the folder in full: a config file may name any folder on the machine.
        origin: crate::load::shown(folder.root()),
        display_root: dir.display().to_string(),
        files,
    })
}

/// Largest file of a pack (a rule script, the manifest, a data file).
pub const MAX_PACK_FILE: u64 = 8 * 1024 * 1024;

/// The diagnostic for a pack file that was not read.
pub fn refused(path: &Path, why: &Refusal) -> ToolDiagnostic {
    let (code, help) = match why {
        Refusal::Outside { .. } => (
            Code::PackOutside,
            "a pack reads only files inside its own folder: copy the file into the pack instead \
             of linking to it",
        ),
        _ => (
            Code::PackUnreadable,
            "rule files, pack manifests, data files and fixtures must be regular UTF-8 text \
             files of at most 8 MiB",
        ),
    };
    ToolDiagnostic::new(code, why.message(path))
        .file(crate::load::shown(path))
        .help(help)
}

/// Where packs come from in a run.
#[derive(Debug, Clone, Default)]
pub struct PackSources {
    pub builtin: bool,
    pub dirs: Vec<PathBuf>,
    /// Skip the load-time lint of the built-in pack's rules. The test suite lints them, so the
    /// commands that only evaluate rules (`check`, `score`, `review`) need not pay for it at
    /// every start; `rules`, `test` and the rest still lint everything.
    pub skip_builtin_lint: bool,
}

/// What the loaded packs define, before any selection: the names a config or a flag may use.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub ids: Vec<String>,
    pub commitments: std::collections::BTreeSet<u32>,
    pub missions: std::collections::BTreeSet<u32>,
    pub params: Vec<String>,
}

impl Known {
    pub fn of(rules: &RuleSet) -> Known {
        Known {
            ids: rules.rules().map(|(_, r)| r.id.clone()).collect(),
            commitments: rules
                .packs
                .iter()
                .flat_map(|p| &p.manifest.missions)
                .flat_map(|m| m.commitments.iter().map(|c| c.number))
                .collect(),
            missions: rules
                .packs
                .iter()
                .flat_map(|p| p.manifest.missions.iter().map(|m| m.number))
                .collect(),
            params: rules
                .packs
                .iter()
                .flat_map(|p| p.manifest.parameters.keys().cloned())
                .collect(),
        }
    }
}

/// Everything the run's rules need: the packs and their rules, in a fixed order.
#[derive(Debug)]
pub struct RuleSet {
    pub packs: Vec<Pack>,
    /// Every pack's own fields together: what documents are checked against, besides their
    /// kind's schema.
    pub fields: fields::Fields,
    /// The organisations register the packs' data holds, for `applies_to`.
    pub organisations: Organisations,
}

impl RuleSet {
    pub fn rules(&self) -> impl Iterator<Item = (&Pack, &Arc<Rule>)> {
        self.packs
            .iter()
            .flat_map(|p| p.rules.iter().map(move |r| (p, r)))
    }

    pub fn find(&self, id: &str) -> Option<(&Pack, &Arc<Rule>)> {
        self.rules().find(|(_, r)| r.id == id)
    }

    /// Where a rule's documentation can be read, for the version that is running: its pack's
    /// `help_uri` (with `{id}` and `{version}` filled in), else the rule reference in this
    /// repository. A built-in code's link comes from [`crate::diag::Code::url`].
    pub fn doc_link(&self, id: &str) -> Option<String> {
        if let Some((pack, rule)) = self.find(id) {
            // A pack from a folder without a `help_uri` has no page to link to: the built-in
            // reference does not document its rules.
            return match &pack.manifest.help_uri {
                Some(uri) => Some(
                    uri.replace("{id}", &rule.id)
                        .replace("{version}", env!("CARGO_PKG_VERSION")),
                ),
                None if pack.origin == "builtin" => Some(format!("docs/rules.md#{}", rule.id)),
                None => None,
            };
        }
        crate::diag::Code::from_id(id).map(crate::diag::Code::url)
    }

    /// The commitment (with its mission) a rule serves, from its pack.
    pub fn commitment<'p>(
        &self,
        pack: &'p Pack,
        number: u32,
    ) -> Option<(&'p Mission, &'p manifest::Commitment)> {
        pack.manifest.missions.iter().find_map(|m| {
            m.commitments
                .iter()
                .find(|c| c.number == number)
                .map(|c| (m, c))
        })
    }
}

/// Load every pack. Broken packs and rules become diagnostics; what loads is still used. Rules
/// from later packs override rules with the same id from the built-in pack.
pub fn load(sources: &PackSources, sandbox: &Sandbox) -> (RuleSet, Vec<ToolDiagnostic>) {
    load_over(sources, sandbox, &Overlay::default())
}

/// [`load`], with the texts of `overlay` in place of the files they stand for: the language
/// server checks a rule as it is typed with the very checks the command line runs.
pub fn load_over(
    sources: &PackSources,
    sandbox: &Sandbox,
    overlay: &Overlay,
) -> (RuleSet, Vec<ToolDiagnostic>) {
    let mut all = Vec::new();
    let mut diags = Vec::new();
    if sources.builtin {
        for name in builtin_pack_names() {
            all.push(builtin(name));
        }
    }
    for dir in &sources.dirs {
        match from_dir(dir, overlay) {
            Ok(files) => all.push(files),
            Err(d) => diags.push(d),
        }
    }
    let mut packs: Vec<Pack> = Vec::new();
    for files in all {
        let lint = !(sources.skip_builtin_lint && files.origin == "builtin");
        if let Some(pack) = load_pack(files, sandbox, lint, &mut diags) {
            packs.push(pack);
        }
    }
    // An external pack overrides a rule of the built-in pack with the same id; a clash between
    // two external packs is an error.
    let mut seen: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for i in 0..packs.len() {
        let mut keep = Vec::new();
        for rule in std::mem::take(&mut packs[i].rules) {
            match seen.get(&rule.id) {
                Some((j, other_file)) if packs[*j].origin != "builtin" => {
                    diags.push(
                        rule.diagnostic(
                            Code::RuleDuplicateId,
                            format!("rule id `{}` is already used by {other_file}", rule.id),
                        )
                        .help(
                            "rule ids must be unique across packs; rename this rule and its file",
                        ),
                    );
                }
                Some((j, _)) => {
                    let j = *j;
                    packs[j].rules.retain(|r| r.id != rule.id);
                    seen.insert(rule.id.clone(), (i, rule.file.clone()));
                    keep.push(rule);
                }
                None => {
                    seen.insert(rule.id.clone(), (i, rule.file.clone()));
                    keep.push(rule);
                }
            }
        }
        packs[i].rules = keep;
    }
    let fields = all_fields(&packs, &mut diags);
    let organisations = Organisations::from_packs(packs.iter().map(|p| &p.data));
    diags.extend(applies::unknown_entries(&packs, &organisations));
    (
        RuleSet {
            packs,
            fields,
            organisations,
        },
        diags,
    )
}

/// The fields of every pack; a field two packs declare is the first one's (the second is a
/// diagnostic).
fn all_fields(packs: &[Pack], diags: &mut Vec<ToolDiagnostic>) -> fields::Fields {
    let mut list: Vec<Arc<fields::Field>> = Vec::new();
    for pack in packs {
        for field in &pack.fields.list {
            match list.iter().find(|f| f.path == field.path) {
                Some(first) => diags.push(
                    ToolDiagnostic::new(
                        Code::PackManifest,
                        format!(
                            "field `{}` of pack `{}` is already declared by pack `{}`",
                            field.path, field.pack, first.pack
                        ),
                    )
                    .help("one pack owns each `x_` key: name your own keys after your pack, such as `x_dwp`"),
                ),
                None => list.push(field.clone()),
            }
        }
    }
    fields::Fields::new(list)
}

fn load_pack(
    files: PackFiles,
    sandbox: &Sandbox,
    lint: bool,
    diags: &mut Vec<ToolDiagnostic>,
) -> Option<Pack> {
    let mut manifest = read_manifest(&files, diags)?;
    let manifest_src = SourceFile::new(
        format!("{}/pack.yaml", files.display_root),
        files
            .files
            .iter()
            .find(|(p, _)| p == "pack.yaml")
            .map_or("", |(_, t)| t.as_str()),
    );
    let data = data::read(&files.files, &files.display_root, &manifest, diags);
    let fields = fields::Fields::new(fields::read(
        &manifest.fields,
        &manifest.name,
        &files.files,
        &manifest_src,
        diags,
    ));
    // The built-in pack, unlinted in a check, compiles without its comments (tested to compile
    // to the same code); a pack from a folder compiles exactly as written.
    let libs = library::compile(&files.files, &files.display_root, sandbox, !lint, diags);
    let properties = crate::engine::value::property_names(
        files
            .files
            .iter()
            .filter(|(rel, _)| rel.ends_with(".rhai"))
            .map(|(_, text)| text.as_str()),
    );
    let engine = Arc::new(crate::engine::pack_engine(
        sandbox,
        &libs.modules,
        &properties,
    ));
    let tracer = Arc::new(crate::engine::locate::Tracer::new(
        sandbox,
        &libs.modules,
        &properties,
    ));
    let module_sources: BTreeMap<String, Arc<SourceFile>> = libs
        .asts
        .keys()
        .filter_map(|name| {
            let file = format!("{}/lib/{name}.rhai", files.display_root);
            Some((name.clone(), libs.sources.get(&file)?.clone()))
        })
        .collect();
    let context = lint::Context {
        libs: &libs.functions,
        library: &libs.asts,
        module_sources: &module_sources,
        params: &manifest.parameters,
        data: &data.values,
        missing_data: &data.missing,
        fields: &fields,
    };
    let lint = lint.then_some(&context);
    let shared = Shared {
        budget: sandbox.budget(),
        library: Arc::new(libs.asts.clone()),
        lib_sources: Arc::new(libs.sources.clone()),
        tracer,
    };
    let mut rules = compile_rules(&files, &manifest, &engine, lint, &shared, diags);
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    diags.extend(exemptions::check(&mut manifest, &manifest_src, &rules));
    data::skip_readers_of_missing(&data, &manifest_src, &mut rules, diags);
    let mut hash = crate::hash::Hasher::new();
    for (rel, text) in &files.files {
        hash.part(rel).part(text);
    }
    Some(Pack {
        manifest,
        hash: hash.finish(),
        origin: files.origin,
        rules,
        data: data.values,
        engine,
        fields: Arc::new(fields),
    })
}

/// What every rule of a pack shares besides its engine.
struct Shared {
    /// The limits a rule's top level runs within.
    budget: crate::engine::budget::Budget,
    library: Arc<library::Asts>,
    lib_sources: Arc<crate::engine::locate::LibSources>,
    tracer: Arc<crate::engine::locate::Tracer>,
}

/// Compile a pack's rules, in parallel (a pack has dozens); results keep the files' order. A
/// rule is a `.rhai` file outside `lib/`.
fn compile_rules(
    files: &PackFiles,
    manifest: &Manifest,
    engine: &Arc<rhai::Engine>,
    lint: Option<&lint::Context>,
    shared: &Shared,
    diags: &mut Vec<ToolDiagnostic>,
) -> Vec<Arc<Rule>> {
    let compiled: Vec<_> = files
        .files
        .par_iter()
        .filter(|(rel, _)| rel.ends_with(".rhai") && !rel.starts_with("lib/"))
        .map(|(rel, text)| {
            let file = format!("{}/{rel}", files.display_root);
            rule::compile(&file, text, manifest, engine, lint, shared.budget)
        })
        .collect();
    let mut rules = Vec::new();
    for result in compiled {
        match result {
            Ok((mut r, mut warnings)) => {
                r.library = shared.library.clone();
                r.lib_sources = shared.lib_sources.clone();
                r.tracer = Some(shared.tracer.clone());
                if r.applies.is_empty() {
                    r.applies.clone_from(&manifest.applies_to);
                }
                rules.push(Arc::new(r));
                diags.append(&mut warnings);
            }
            Err(mut d) => diags.append(&mut d),
        }
    }
    rules
}

/// `pack.yaml`, read and checked: numbers in range, a web `help_uri`, parameter defaults of
/// their declared types.
fn read_manifest(files: &PackFiles, diags: &mut Vec<ToolDiagnostic>) -> Option<Manifest> {
    let manifest_path = format!("{}/pack.yaml", files.display_root);
    let Some((_, manifest_text)) = files.files.iter().find(|(p, _)| p == "pack.yaml") else {
        diags.push(
            ToolDiagnostic::new(Code::PackManifest, format!("{} has no pack.yaml", files.display_root))
                .help("a pack folder needs a `pack.yaml` with its name, version and description (`roadmap-lint new --pack DIR` writes one)"),
        );
        return None;
    };
    let manifest_src = SourceFile::new(manifest_path.clone(), manifest_text.as_str());
    if let Some(problem) = crate::load::yaml::first_error(manifest_text, &pack_yaml_limits()) {
        let mut d = problem.diagnostic(&manifest_src);
        d.code = Code::PackManifest;
        diags.push(d);
        return None;
    }
    let manifest: Manifest = match yaml_serde::from_str(manifest_text) {
        Ok(m) => m,
        Err(e) => {
            let mut d =
                ToolDiagnostic::new(Code::PackManifest, format!("invalid pack manifest: {e}"))
                    .help("see the built-in pack's pack.yaml for the expected keys")
                    .label("here");
            d = match e.location() {
                Some(loc) => d.at_line(&manifest_src, loc.line(), loc.column()),
                None => d.file(manifest_path),
            };
            diags.push(d);
            return None;
        }
    };
    if let Some((what, n)) = manifest
        .missions
        .iter()
        .map(|m| ("mission", m.number))
        .chain(
            manifest
                .missions
                .iter()
                .flat_map(|m| m.commitments.iter().map(|c| ("commitment", c.number))),
        )
        .find(|(_, n)| !(1..1000).contains(n))
    {
        let line = manifest_text
            .lines()
            .position(|l| l.contains(&format!("number: {n}")))
            .map_or(1, |i| i + 1);
        diags.push(
            ToolDiagnostic::new(
                Code::PackManifest,
                format!("{what} number {n} is out of range: numbers run from 1 to 999"),
            )
            .help("number missions and commitments as the policy does, from 1")
            .at_line(&manifest_src, line, 1),
        );
        return None;
    }
    if let Some(uri) = &manifest.help_uri
        && !(uri.starts_with("https://") || uri.starts_with("http://"))
    {
        let line = manifest_text
            .lines()
            .position(|l| l.trim_start().starts_with("help_uri:"))
            .map_or(1, |i| i + 1);
        diags.push(
            ToolDiagnostic::new(
                Code::PackManifest,
                format!("`help_uri` must be an https:// or http:// address, not `{uri}`"),
            )
            .help(
                "reports link each rule to this address; a link that is not a web page is refused",
            )
            .at_line(&manifest_src, line, 1),
        );
        return None;
    }
    let policy = review_policy::check(&manifest, &manifest_src);
    if !policy.is_empty() {
        diags.extend(policy);
        return None;
    }
    for (name, param) in &manifest.parameters {
        if let Err(msg) = param_value(param, &param.default) {
            let line = manifest_text
                .lines()
                .position(|l| l.trim_start().starts_with(&format!("{name}:")))
                .map_or(1, |i| i + 1);
            diags.push(
                ToolDiagnostic::new(Code::PackManifest, format!("parameter `{name}`: {msg}"))
                    .help("a parameter's default must match its declared type")
                    .at_line(&manifest_src, line, 1),
            );
        }
    }
    Some(manifest)
}

/// The limits a pack's own YAML files (`pack.yaml`, data and schema files) are read with:
/// those of declarations, by the declarations' parser (see [`crate::load::yaml::first_error`]).
pub(crate) fn pack_yaml_limits() -> crate::load::Limits {
    crate::load::Limits::default()
}

/// "a" or "an" before a word.
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// A typed parameter value, as rules see it.
pub fn param_value(param: &Parameter, value: &yaml_serde::Value) -> Result<Dynamic, String> {
    use yaml_serde::Value as Y;
    let kind = param.kind;
    let typed = match (kind, value) {
        (ParamType::Date, Y::String(s)) => Date::parse(s)
            .map(Dynamic::from)
            .ok_or_else(|| format!("`{s}` is not a YYYY-MM-DD date")),
        (ParamType::Number, Y::Number(n)) => n
            .as_f64()
            .map(Dynamic::from_float)
            .ok_or_else(|| "not a number".into()),
        (ParamType::Integer, Y::Number(n)) => n
            .as_i64()
            .map(Dynamic::from_int)
            .ok_or_else(|| "not a whole number".into()),
        (ParamType::Boolean, Y::Bool(b)) => Ok(Dynamic::from_bool(*b)),
        (ParamType::String, Y::String(s)) => Ok(Dynamic::from(s.clone())),
        (kind, _) => Err(format!("expected {} {}", article(kind.name()), kind.name())),
    }?;
    #[allow(clippy::cast_precision_loss)] // parameters are small whole numbers
    let number = typed
        .as_float()
        .ok()
        .or_else(|| typed.as_int().ok().map(|i| i as f64));
    if let Some(n) = number {
        if let Some(min) = param.minimum.filter(|m| n < *m) {
            return Err(format!(
                "{n} is below {min}, the least value this parameter takes"
            ));
        }
        if let Some(max) = param.maximum.filter(|m| n > *m) {
            return Err(format!(
                "{n} is above {max}, the greatest value this parameter takes"
            ));
        }
    }
    Ok(typed)
}

/// Parse a `--param name=value` override against the parameter's type.
pub fn parse_override(param: &Parameter, text: &str) -> Result<Dynamic, String> {
    let kind = param.kind;
    let value = match kind {
        ParamType::Date | ParamType::String => yaml_serde::Value::String(text.to_string()),
        _ => yaml_serde::from_str(text)
            .map_err(|_| format!("`{text}` is not {} {}", article(kind.name()), kind.name()))?,
    };
    param_value(param, &value)
}
