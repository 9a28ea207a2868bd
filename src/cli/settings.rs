//! The config file and the flags, merged once into the library's [`Options`]: every command that
//! evaluates documents (`check`, `score`, `review`, `test`) reads the same config the same way.
//! A flag given on the command line wins over the config; the config wins over the defaults.

use std::path::{Path, PathBuf};

use super::args::{EvalArgs, FailOn};
use crate::config::{self, Config};
use crate::diag::{Code, ToolDiagnostic};
use crate::history::History;
use crate::load::Input;
use crate::run::{Options, ParamSetting};
use crate::workspace::{Root, Selection, Workspace, walk};

/// The merged settings of one command.
pub struct Settings {
    pub options: Options,
    /// `fail_on` from the config, when it sets one (a flag overrides it).
    pub fail_on: Option<FailOn>,
    pub config: Config,
    /// Where the workspace starts (see [`crate::workspace::root`]).
    pub root: Root,
    /// `--no-workspace`: the files given are the whole workspace.
    pub no_workspace: bool,
    /// The cache, when there is one (see [`crate::cache`]).
    pub cache: Option<std::sync::Arc<crate::cache::Cache>>,
}

/// Which files of the folders a command is given it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Files {
    /// Current files: history files (superseded by a later declaration of their
    /// organisation) are read as history only (`check`, `score`).
    Current,
    /// Every declaration, current and earlier (`progress`).
    All,
}

/// The config file to read: `--config`, else the one found from `dir` (the working directory
/// when none is given); none with `--no-config`.
fn config_path(eval: &EvalArgs, dir: Option<&Path>) -> Option<PathBuf> {
    match (&eval.config, eval.no_config) {
        (_, true) => None,
        (Some(p), false) => Some(p.clone()),
        (None, false) => match dir {
            Some(d) => config::discover(d),
            None => std::env::current_dir()
                .ok()
                .and_then(|d| config::discover(&d)),
        },
    }
}

/// The packs the config file and the flags name, for the commands that describe rules
/// (`rules`, `explain`): the config's rule folders, then `--rules`; the built-in pack unless
/// the config or `--no-builtin` leaves it out.
pub fn pack_sources(
    config: Option<&Path>,
    no_config: bool,
    flags: &super::args::PackArgs,
) -> Result<crate::pack::PackSources, Vec<ToolDiagnostic>> {
    let path = match (config, no_config) {
        (_, true) => None,
        (Some(p), false) => Some(p.to_path_buf()),
        (None, false) => std::env::current_dir()
            .ok()
            .and_then(|d| config::discover(&d)),
    };
    let config = match path {
        None => Config::default(),
        Some(path) => Config::load(&path)?,
    };
    let mut packs = flags.sources();
    if !flags.no_builtin
        && let Some(builtin) = config.builtin
    {
        packs.builtin = builtin;
    }
    let mut dirs = config.rule_folders.clone();
    dirs.extend(packs.dirs);
    packs.dirs = dirs;
    Ok(packs)
}

/// Read the config and merge the flags into it.
pub fn settings(eval: &EvalArgs) -> Result<Settings, Vec<ToolDiagnostic>> {
    settings_in(eval, None)
}

/// As [`settings`], with the config found from `dir` rather than the working directory (the
/// language server's workspace folder).
pub fn settings_in(eval: &EvalArgs, dir: Option<&Path>) -> Result<Settings, Vec<ToolDiagnostic>> {
    let config = match config_path(eval, dir) {
        None => Config::default(),
        Some(path) => Config::load(&path)?,
    };
    let start = dir
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    let root = Root::find(&start, config.path.as_deref());
    // The config's settings, then the flags over them.
    let mut options = crate::run::from_config(&config)?;
    options.params.extend(
        eval.params
            .iter()
            .map(|(name, value)| ParamSetting::flag(name, value)),
    );
    let flags = eval.packs.sources();
    if eval.packs.no_builtin {
        options.packs.builtin = false;
    }
    options.packs.dirs.extend(flags.dirs);
    // Evaluating commands need not lint the built-in pack at every start: a test does.
    options.packs.skip_builtin_lint = true;
    let fail_on = config.fail_on.as_deref().and_then(FailOn::parse);
    options.as_of = eval.as_of.or(options.as_of);
    options.limits = eval.limits.limits();
    options.sandbox = eval.limits.sandbox();
    options.waivers.enabled = !eval.no_waivers;
    if let Some(days) = eval.waiver_warning_days {
        options.waivers.warning_days = days;
    }
    options.history = previous(&eval.previous, &eval.limits.limits());
    options.revision_history = revision(eval, &config, &root)?;
    let (options, cache) = with_cache(options, eval, &config, &root);
    Ok(Settings {
        options,
        fail_on,
        config,
        root,
        no_workspace: eval.no_workspace,
        cache,
    })
}

/// The options with the workspace's cache (outcomes and the files' index), if it has one.
fn with_cache(
    mut options: Options,
    eval: &EvalArgs,
    config: &Config,
    root: &Root,
) -> (Options, Option<std::sync::Arc<crate::cache::Cache>>) {
    let cache = cache_folder(eval, config, root).and_then(|d| crate::cache::Cache::open(&d));
    options.cache = cache.clone();
    options.meta_store = cache
        .clone()
        .map(|c| c as std::sync::Arc<dyn crate::workspace::MetaStore>);
    (options, cache)
}

/// Where the cache is kept: `--cache-dir`, else the config's `cache_dir`, else
/// `.roadmap-lint-cache` in the workspace root when the root is the config's folder or a
/// repository's; none with `--no-cache`, or in a plain folder (a check of `/tmp/x.yaml` leaves
/// nothing behind).
fn cache_folder(eval: &EvalArgs, config: &Config, root: &Root) -> Option<PathBuf> {
    if eval.no_cache {
        return None;
    }
    eval.cache_dir
        .clone()
        .or_else(|| config.cache_dir.clone())
        .or_else(|| {
            (root.found_by != crate::workspace::FoundBy::Folder)
                .then(|| root.dir.join(crate::cache::FOLDER))
        })
}

/// The declarations of `--previous`, read once.
fn previous(paths: &[String], limits: &crate::load::Limits) -> Option<std::sync::Arc<History>> {
    if paths.is_empty() {
        return None;
    }
    let (inputs, errors) = crate::load::expand(paths, "<stdin>");
    let mut history = History::from_inputs(&inputs, limits);
    history
        .problems
        .extend(errors.into_iter().map(ToolDiagnostic::from));
    Some(std::sync::Arc::new(history))
}

/// The declarations committed at `--previous-rev`, read once.
fn revision(
    eval: &EvalArgs,
    config: &Config,
    root: &Root,
) -> Result<Option<std::sync::Arc<History>>, Vec<ToolDiagnostic>> {
    let Some(rev) = &eval.previous_rev else {
        return Ok(None);
    };
    let limits = eval.limits.limits();
    let filter = git_filter(config, &limits);
    History::at_revision(&root.dir, rev, &filter, &limits)
        .map(|h| Some(std::sync::Arc::new(h)))
        .map_err(|d| vec![d])
}

/// Which files of a commit are read from git: as a folder walk reads them, by the config's
/// `include:` and `exclude:`, within the file limit.
pub fn git_filter(config: &Config, limits: &crate::load::Limits) -> crate::history::git::Filter {
    crate::history::git::Filter {
        include: walk::globs(&config.include).ok().flatten(),
        exclude: walk::globs(&config.exclude).ok().flatten(),
        max_file_bytes: limits.max_file_bytes,
    }
}

/// What the scoring commands (`score`, `progress`) start from: the packs prepared with the
/// config's rule ids checked, and the score model with the `--weights` file's weights and bands.
pub fn scoring(
    settings: &Settings,
    weights: Option<&Path>,
) -> Result<(crate::run::Prepared, crate::score::Model), Vec<ToolDiagnostic>> {
    let mut config = match weights {
        Some(path) => crate::score::ScoreConfig::load(path).map_err(|d| vec![d])?,
        None => crate::score::ScoreConfig::default(),
    };
    config.packs.clone_from(&settings.config.scored_packs);
    let mut prepared = crate::run::prepare(&settings.options);
    prepared
        .diagnostics
        .extend(settings.config.check_rule_ids(&prepared.known));
    let model = crate::score::Model::from_prepared(&prepared, &config).map_err(|msg| {
        vec![
            ToolDiagnostic::new(Code::WeightsInvalid, msg)
                .help("weights name missions and commitments of the loaded packs"),
        ]
    })?;
    Ok((prepared, model))
}

impl Settings {
    /// The file selection of the config: `include:` and `exclude:` (and `ignore:`), and the
    /// folders never entered (rule folders, the cache).
    pub fn selection(&self) -> Selection {
        let mut skip_dirs: Vec<PathBuf> = self
            .options
            .packs
            .dirs
            .iter()
            .filter_map(|d| std::path::absolute(d).ok())
            .collect();
        skip_dirs.extend(
            self.config
                .cache_dir
                .iter()
                .filter_map(|d| std::path::absolute(d).ok()),
        );
        Selection {
            include: walk::globs(&self.config.include).ok().flatten(),
            exclude: walk::globs(&self.config.exclude).ok().flatten(),
            skip_dirs,
        }
    }

    /// The workspace, scanned (`--no-workspace`: empty, the inputs join it).
    pub fn workspace(&self) -> Workspace {
        Workspace::open(
            self.root.clone(),
            self.selection(),
            self.options.limits.clone(),
            !self.no_workspace,
            self.store(),
        )
    }

    /// Where the metadata of the workspace's files is kept: the cache's index, or nowhere.
    fn store(&self) -> &dyn crate::workspace::MetaStore {
        match &self.cache {
            Some(c) => &**c,
            None => &crate::workspace::NoStore,
        }
    }

    /// Keep what the run learnt of the workspace's files for the next run.
    pub fn save_cache(&self) {
        if let Some(c) = &self.cache {
            c.save();
        }
    }

    /// The inputs to check: each path as given; a folder walked for declarations and
    /// proposals (other YAML skipped and counted), of which, for [`Files::Current`], the
    /// history files are read as history only. The run's workspace is set on the options.
    pub fn inputs(
        &mut self,
        paths: &[String],
        stdin_name: &str,
        files: Files,
    ) -> (Vec<Input>, Vec<ToolDiagnostic>) {
        let mut workspace = self.workspace();
        let mut selected = workspace.select(paths, stdin_name, self.store());
        if files == Files::All {
            selected.inputs.extend(
                selected
                    .history
                    .drain(..)
                    .map(|name| Input::File(PathBuf::from(name))),
            );
        }
        // The config file itself is never read as a declaration.
        selected.inputs.retain(|i| match i {
            Input::File(p) => {
                !(p.file_name().is_some_and(|n| n == config::FILE_NAME)
                    || self.config.path.as_deref().is_some_and(|c| same_file(c, p)))
            }
            _ => true,
        });
        let mut diagnostics: Vec<ToolDiagnostic> = workspace
            .errors
            .drain(..)
            .chain(selected.errors)
            .map(ToolDiagnostic::from)
            .chain(selected.empty)
            .collect();
        if selected.inputs.is_empty() && diagnostics.is_empty() {
            let why = match &self.config.path {
                Some(c) => format!(
                    "every input is excluded by `exclude`/`ignore` in {}",
                    crate::load::shown(c)
                ),
                None => "no input was given".to_string(),
            };
            diagnostics.push(
                ToolDiagnostic::new(Code::InputNone, format!("nothing to check: {why}"))
                    .help("check the paths, and the config's `exclude` patterns"),
            );
        }
        self.options.workspace = Some(std::sync::Arc::new(workspace));
        self.save_cache();
        (selected.inputs, diagnostics)
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
