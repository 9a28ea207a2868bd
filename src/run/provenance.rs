//! What a run was produced from: the config file, the rule packs (by content), the targets
//! file, the workspace and where previous declarations came from. Every report names it, so
//! that a config found in a parent folder, a pack it names or a change of targets never
//! applies unseen.

use super::{Options, Prepared};

/// A rule pack a run used, as reports name it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PackUsed {
    pub name: String,
    pub version: String,
    /// `builtin`, or the folder it was read from.
    pub origin: String,
    /// The SHA-256 of the pack's files (`sha256:...`).
    pub hash: crate::hash::ContentHash,
}

/// The department-level targets file a run used.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TargetsUsed {
    pub file: String,
    pub hash: crate::hash::ContentHash,
}

/// The workspace a run read beyond its inputs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WorkspaceUsed {
    /// Its root folder, as shown.
    pub root: String,
    /// How the root was found.
    pub found_by: crate::workspace::FoundBy,
    /// Declarations and proposals found in it.
    pub files: usize,
    /// Other YAML passed over (a workflow, a pack manifest, the targets file, a file the
    /// config excludes), by why.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub skipped: std::collections::BTreeMap<crate::workspace::Skip, usize>,
}

/// What a run was configured from: the config file and the rule packs. Reports say so, so that
/// a config found in a parent folder, or a pack it names, never applies unseen.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Provenance {
    pub config: Option<String>,
    pub packs: Vec<PackUsed>,
    /// The department-level targets file, when the config names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targets: Option<TargetsUsed>,
    /// The workspace, when the run read one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<WorkspaceUsed>,
    /// Where previous declarations were read from: `--previous`, a git revision, the
    /// workspace.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<String>,
}

impl Provenance {
    /// What produced a report, in one line for people: `config .roadmap-lint.yaml; rule pack
    /// roadmap-2022-25 1.0.0 (built in); targets targets.yaml; workspace . (the repository's
    /// root); previous declarations from the workspace`. The content hashes are in the
    /// machine-readable reports. Text from files is not escaped here: each reporter escapes it
    /// for where it lands.
    pub fn describe(&self) -> String {
        let mut parts = vec![match &self.config {
            Some(c) => format!("config {c}"),
            None => "no config file".to_string(),
        }];
        for p in &self.packs {
            let origin = if p.origin == "builtin" {
                "built in".to_string()
            } else {
                crate::workspace::display(std::path::Path::new(&p.origin))
            };
            parts.push(format!("rule pack {} {} ({origin})", p.name, p.version));
        }
        if let Some(t) = &self.targets {
            parts.push(format!("targets {}", t.file));
        }
        if let Some(w) = &self.workspace {
            let other: usize = w.skipped.values().sum();
            let skipped = match other {
                0 => String::new(),
                1 => ", 1 other YAML file skipped".to_string(),
                n => format!(", {n} other YAML files skipped"),
            };
            parts.push(format!(
                "workspace {} ({}{skipped})",
                w.root,
                w.found_by.describe()
            ));
        }
        if !self.history.is_empty() {
            let from: Vec<&str> = self
                .history
                .iter()
                .map(|h| {
                    if h == "workspace" {
                        "the workspace"
                    } else {
                        h.as_str()
                    }
                })
                .collect();
            parts.push(format!(
                "previous declarations from {}",
                from.join(", then ")
            ));
        }
        parts.join("; ")
    }

    pub fn of(prepared: &Prepared, options: &Options) -> Provenance {
        Provenance {
            config: options.config_file.clone(),
            packs: prepared
                .rules
                .packs
                .iter()
                .map(|p| PackUsed {
                    name: p.manifest.name.clone(),
                    version: p.manifest.version.clone(),
                    origin: p.origin.clone(),
                    hash: p.hash,
                })
                .collect(),
            targets: options.targets.as_ref().map(|t| TargetsUsed {
                file: t.source.name.clone(),
                hash: crate::hash::ContentHash::of(t.source.text.as_bytes()),
            }),
            workspace: options.workspace.as_ref().map(|w| WorkspaceUsed {
                root: crate::workspace::display(&w.root.dir),
                found_by: w.root.found_by,
                files: w.scanned.files,
                skipped: w.scanned.skipped.clone(),
            }),
            history: Vec::new(),
        }
    }
}
