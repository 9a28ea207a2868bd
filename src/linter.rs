//! The embedding API: load the rule packs once, then check documents, from memory or from
//! paths, as many times as needed. The command line, the language server and tests use it;
//! anything that links the crate can too (see `examples/embed.rs`).

use std::sync::Arc;

use crate::diag::ToolDiagnostic;
use crate::load::Input;
use crate::pack::RuleSet;
use crate::run::{self, Options, Prepared, Run};

/// Rule packs loaded once, ready to check documents: the entry point of the embedding API.
///
/// Loading compiles every rule and resolves the parameters, so make one linter and check many
/// documents with it; it can be shared between threads.
///
/// ```no_run
/// use roadmap_lint::Linter;
///
/// // The built-in pack and a department's own pack.
/// let linter = Linter::builder().pack_folder("packs/dwp").build();
/// for problem in linter.diagnostics() {
///     eprintln!("{}: {}", problem.code.id(), problem.message);
/// }
/// let run = linter.check_text("dwp.yaml", "schema_version: 1\nkind: department\n");
/// for finding in run.findings() {
///     println!(
///         "{}:{}:{} {} [{}] {}",
///         finding.file,
///         finding.location.line,
///         finding.location.column,
///         finding.severity,
///         finding.rule,
///         finding.message
///     );
/// }
/// ```
pub struct Linter {
    options: Options,
    prepared: Prepared,
}

impl Linter {
    /// Start from the built-in pack and every default ([`Options::builtin`]); finish with
    /// [`Options::build`].
    pub fn builder() -> Options {
        Options::builtin()
    }

    /// Load the packs the options name (compiling every rule once) and resolve parameters.
    /// Problems with the packs, parameters or config are in [`Linter::diagnostics`], and in
    /// every [`Run`] this linter makes.
    pub fn new(options: Options) -> Linter {
        let mut prepared = run::prepare(&options);
        if let Some(config) = &options.config {
            let unknown = config.check_rule_ids(&prepared.known);
            prepared.diagnostics.extend(unknown);
        }
        Linter { options, prepared }
    }

    /// Problems found while loading the packs, parameters and config: each with its code,
    /// file, line and help text. A broken rule leaves the others running.
    pub fn diagnostics(&self) -> &[ToolDiagnostic] {
        &self.prepared.diagnostics
    }

    /// The ids of the rules that were loaded, pack by pack.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.prepared
            .rules
            .rules()
            .map(|(_, rule)| rule.id.as_str())
    }

    /// The rules that were loaded, with their packs.
    pub(crate) fn rules(&self) -> &RuleSet {
        &self.prepared.rules
    }

    /// The loaded packs and parameters, for the stages after a run (score, review).
    pub(crate) fn prepared(&self) -> &Prepared {
        &self.prepared
    }

    /// The options the linter was made with.
    pub(crate) fn options(&self) -> &Options {
        &self.options
    }

    /// Check documents held in memory, each a file's name (as reports show it) and its text.
    /// A proposal is checked against a department declaration among them.
    pub fn check_texts(&self, files: &[(String, String)]) -> Run {
        let inputs: Vec<Input> = files
            .iter()
            .map(|(name, text)| Input::Bytes {
                name: name.clone(),
                bytes: Arc::from(text.as_bytes()),
            })
            .collect();
        self.check_inputs(&inputs)
    }

    /// Check one document held in memory: `name` is how findings name the file.
    pub fn check_text(&self, name: &str, text: &str) -> Run {
        self.check_bytes(name, text.as_bytes())
    }

    /// Check one file's bytes held in memory, which need not be valid UTF-8 (invalid text is
    /// a finding, not a failure).
    pub fn check_bytes(&self, name: &str, bytes: &[u8]) -> Run {
        self.check_inputs(&[Input::Bytes {
            name: name.to_string(),
            bytes: Arc::from(bytes),
        }])
    }

    /// Check files and folders (folders are searched for `*.yaml` and `*.yml`; `-` is
    /// standard input). Paths that cannot be read are diagnostics of the run.
    pub fn check_paths(&self, paths: &[String]) -> Run {
        let (inputs, errors) = crate::load::expand(paths, "<stdin>");
        let mut run = self.check_inputs(&inputs);
        run.diagnostics
            .extend(errors.into_iter().map(ToolDiagnostic::from));
        run
    }

    /// Check inputs of any kind.
    pub(crate) fn check_inputs(&self, inputs: &[Input]) -> Run {
        run::run(inputs, &self.prepared, &self.options)
    }
}
