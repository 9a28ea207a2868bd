//! [`Options`]: everything that shapes a run, and its builder methods (the embedding API).

// Public API (re-exported at the crate root): every public item documented.
#![warn(missing_docs)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::date::Date;
use crate::diag::ToolDiagnostic;
use crate::engine::Sandbox;
use crate::finding::Severity;
use crate::load::Limits;
use crate::pack::PackSources;

use super::{OutsideCache, ParamSetting};

/// Everything that shapes a run: which packs, parameters and targets, the evaluation date, the
/// limits. Made with its builder methods, then turned into a [`Linter`](crate::Linter) with
/// [`Options::build`] (or [`Linter::new`](crate::Linter::new)):
///
/// ```no_run
/// use roadmap_lint::{Date, Linter};
///
/// let linter = Linter::builder()
///     .pack_folder("packs/dwp")
///     .param("large_service_transactions", "1000000")
///     .as_of(Date::parse("2025-06-30").expect("a valid date"))
///     .build();
/// assert!(linter.diagnostics().is_empty());
/// ```
///
/// Its fields are private: new settings arrive as new methods, so code written against this
/// version keeps compiling.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub(crate) as_of: Option<Date>,
    pub(crate) params: Vec<ParamSetting>,
    pub(crate) limits: Limits,
    pub(crate) sandbox: Sandbox,
    pub(crate) packs: PackSources,
    /// Run only these rules (by id), when given.
    pub(crate) only_rules: Option<Vec<String>>,
    /// Rules enabled and disabled by the config file (by id, commitment or mission).
    pub(crate) selection: Option<crate::config::RuleSelection>,
    /// Severity overrides by rule id (config file).
    pub(crate) severity: BTreeMap<String, Severity>,
    /// How waivers are applied (`--no-waivers`, `--waiver-warning-days`).
    pub(crate) waivers: crate::waiver::WaiverSettings,
    /// The config file the settings came from, as shown in reports.
    pub(crate) config_file: Option<String>,
    /// Department-level targets (`targets:` in the config).
    pub(crate) targets: Option<Arc<crate::targets::Targets>>,
    /// Keep each document's spanned tree in [`Run::trees`]. Off by default: a large run holds
    /// only findings, never every tree at once.
    pub(crate) keep_trees: bool,
    /// Evaluate only these documents (file as shown, document index): one snapshot of a
    /// series (`progress`). The others are left out of the run altogether.
    pub(crate) only_documents: Option<Arc<BTreeSet<(String, usize)>>>,
    /// Earlier declarations given from outside the run (`--previous`), for `ctx.previous`.
    pub(crate) history: Option<Arc<crate::history::History>>,
    /// Each checked file's version at a git revision (`--previous-rev`), for `ctx.previous`.
    pub(crate) revision_history: Option<Arc<crate::history::History>>,
    /// The workspace the inputs belong to: what their previous declarations, proposals'
    /// declarations and portfolio rules read beyond the inputs ([`crate::workspace`]). `None`:
    /// the inputs alone.
    pub(crate) workspace: Option<Arc<crate::workspace::Workspace>>,
    /// Where the metadata of the files the run adds to its workspace is kept between runs.
    pub(crate) meta_store: Option<Arc<dyn crate::workspace::MetaStore>>,
    /// The cache a run reads checked files' outcomes from and keeps them in ([`crate::cache`]).
    pub(crate) cache: Option<Arc<crate::cache::Cache>>,
    /// What portfolio rules' `collect` kept of the workspace's files outside a run, kept
    /// between runs (the language server's; see [`OutsideCache`]).
    pub(crate) outside_cache: Option<Arc<OutsideCache>>,
    /// The date portfolio rules judge the portfolio on, when no `--as-of` is given (`progress`:
    /// each snapshot's date). By default, the latest `as_of` among the inputs and the
    /// workspace's current declarations.
    pub(crate) portfolio_as_of: Option<Date>,
    /// Whose passed checks keep their paths in [`RuleResult::passed`]: every rule's when `None`
    /// (JUnit lists them); otherwise only these rules' (the scores read one rule's), and the
    /// others' passed checks are counted with empty paths, which take no memory of their own.
    pub(crate) passed_paths_of: Option<Arc<BTreeSet<String>>>,
    /// Let each checked file's text go once its documents are checked, reading it again if a
    /// later stage needs it (the portfolio rules, a proposal's declaration, a series): for
    /// reports that print no snippets, so that memory holds the findings, not the input. The
    /// text of standard input and of bytes given in memory is always kept.
    pub(crate) let_go_of_text: bool,
    /// Keep the findings of each checked file on disk, not in memory, until the report is
    /// written ([`Spill`]): for runs whose only report is JSON, which reads them back.
    pub(crate) spill_findings: bool,
    /// Keep what these rules print (`print`, `debug`) on each document, in [`Run::trails`]
    /// (`check --debug-rule`, and `test` for the rule under test).
    pub(crate) debug_rules: Option<BTreeSet<String>>,
    /// Record where each rule recorded its results from, in [`Run::trails`] (`test --coverage`).
    pub(crate) track_calls: bool,
    /// The config file [`Options::from_config_file`] read: the rule ids, commitments and
    /// missions it names are checked against the loaded packs when the linter is made.
    pub(crate) config: Option<Arc<crate::config::Config>>,
}

impl Options {
    /// The built-in pack with every default: evaluation at each document's `as_of`, waivers
    /// applied, the default limits and sandbox. [`Linter::builder`](crate::Linter::builder)
    /// starts from these.
    pub fn builtin() -> Options {
        Options {
            packs: PackSources {
                builtin: true,
                ..PackSources::default()
            },
            ..Options::default()
        }
    }

    /// The settings of a config file (`.roadmap-lint.yaml`), as `check` reads it with no
    /// flags: its rule folders and whether the built-in pack is loaded, parameters, targets
    /// file, evaluation date, rule selection, severities and waiver warning days. The rule
    /// ids it names are checked against the loaded packs when the linter is made (in
    /// [`Linter::diagnostics`](crate::Linter::diagnostics)).
    ///
    /// # Errors
    ///
    /// The config file's problems, or its targets file's, each with its file and line.
    pub fn from_config_file(path: impl AsRef<Path>) -> Result<Options, Vec<ToolDiagnostic>> {
        let config = crate::config::Config::load(path.as_ref())?;
        let mut options = from_config(&config)?;
        options.config = Some(Arc::new(config));
        Ok(options)
    }

    /// Load the built-in pack (`true`, the default of [`Options::builtin`]) or leave it out.
    #[must_use]
    pub fn builtin_pack(mut self, load: bool) -> Options {
        self.packs.builtin = load;
        self
    }

    /// Load the pack in this folder (a folder holding `pack.yaml`, or a folder of packs) as
    /// well: a department's own pack. May be called more than once.
    #[must_use]
    pub fn pack_folder(mut self, folder: impl Into<PathBuf>) -> Options {
        self.packs.dirs.push(folder.into());
        self
    }

    /// Set a pack parameter (as `--param NAME=VALUE` does). A name no pack declares, or a
    /// value of the wrong type, is a diagnostic of the linter.
    #[must_use]
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Options {
        self.params.push(ParamSetting::flag(name, value));
        self
    }

    /// Judge every document as on this date, rather than on its own `as_of`.
    #[must_use]
    pub fn as_of(mut self, date: Date) -> Options {
        self.as_of = Some(date);
        self
    }

    /// Judge documents against the department-level targets in this file (`targets:` in a
    /// config).
    ///
    /// # Errors
    ///
    /// The targets file's problems, each with its line.
    pub fn targets_file(mut self, path: impl AsRef<Path>) -> Result<Options, Vec<ToolDiagnostic>> {
        self.targets = Some(Arc::new(crate::targets::load(path.as_ref())?));
        Ok(self)
    }

    /// Run only these rules (by id).
    #[must_use]
    pub fn only_rules<I, S>(mut self, ids: I) -> Options
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.only_rules = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Report a rule's findings at this severity, whatever the rule says.
    #[must_use]
    pub fn severity(mut self, rule: impl Into<String>, severity: Severity) -> Options {
        self.severity.insert(rule.into(), severity);
        self
    }

    /// Apply waivers (`true`, the default), or show every finding as if none were declared
    /// (`--no-waivers`).
    #[must_use]
    pub fn waivers(mut self, apply: bool) -> Options {
        self.waivers.enabled = apply;
        self
    }

    /// The largest document read, in bytes (default 8 MiB). A larger one is a diagnostic.
    #[must_use]
    pub fn max_file_bytes(mut self, bytes: u64) -> Options {
        self.limits.max_file_bytes = bytes;
        self
    }

    /// The deepest nesting of lists and mappings a document may have (default 64).
    #[must_use]
    pub fn max_depth(mut self, depth: usize) -> Options {
        self.limits.max_depth = depth;
        self
    }

    /// How long one rule may run on one document before it is stopped.
    #[must_use]
    pub fn rule_time_limit(mut self, limit: Duration) -> Options {
        self.sandbox.time_limit = limit;
        self
    }

    /// How many operations one rule may perform on one document before it is stopped.
    #[must_use]
    pub fn rule_operation_limit(mut self, operations: u64) -> Options {
        self.sandbox.max_operations = operations;
        self
    }

    /// How much memory one rule evaluation may hold at once, in bytes. The count is kept by
    /// the allocator, so it holds only in a program whose global allocator is
    /// [`CountingAllocator`](crate::CountingAllocator) (the `roadmap-lint` binary's);
    /// elsewhere the engine's own size limits still apply.
    #[must_use]
    pub fn rule_memory_limit(mut self, bytes: usize) -> Options {
        self.sandbox.max_memory = bytes;
        self
    }

    /// Load the packs and make the linter: the same as [`Linter::new`](crate::Linter::new).
    pub fn build(self) -> crate::Linter {
        crate::Linter::new(self)
    }
}

/// The options a config file sets, before any flag: shared by the command line (whose flags
/// then win) and [`Options::from_config_file`], so that both read a config the same way.
pub(crate) fn from_config(config: &crate::config::Config) -> Result<Options, Vec<ToolDiagnostic>> {
    let targets = match &config.targets {
        Some(path) => {
            let folder = config
                .path
                .as_deref()
                .and_then(Path::parent)
                .unwrap_or(Path::new("."));
            Some(Arc::new(
                crate::targets::load_within(path, folder).map_err(|diags| {
                    diags
                        .into_iter()
                        .map(|d| config.point_at("targets", d))
                        .collect::<Vec<_>>()
                })?,
            ))
        }
        None => None,
    };
    let mut waivers = crate::waiver::WaiverSettings::default();
    if let Some(days) = config.waiver_warning_days {
        waivers.warning_days = days;
    }
    Ok(Options {
        as_of: config.as_of,
        params: config.params.clone(),
        packs: PackSources {
            builtin: config.builtin.unwrap_or(true),
            dirs: config.rule_folders.clone(),
            skip_builtin_lint: false,
        },
        selection: Some(config.selection.clone()),
        severity: config.severity.clone(),
        waivers,
        config_file: config.path.as_deref().map(|p| {
            // The files it extends are part of which config produced the report.
            let mut shown = crate::load::shown(p);
            if !config.extended.is_empty() {
                let chain: Vec<String> = config
                    .extended
                    .iter()
                    .map(|e| crate::load::shown(e))
                    .collect();
                shown.push_str(&format!(" (extends {})", chain.join(", then ")));
            }
            shown
        }),
        targets,
        ..Options::default()
    })
}
