//! The embedding API: load the rule packs once, then check documents, from memory or from
//! paths, as many times as needed. The command line, the language server and tests use it;
//! anything that links the crate can too (see `examples/embed.rs`).
//!
//! ```no_run
//! use roadmap_lint::{Linter, Options};
//!
//! let linter = Linter::new(Options::builtin());
//! let run = linter.check_text("dept.yaml", "schema_version: 1\nkind: department\n");
//! for finding in &run.findings {
//!     println!("{}:{}: {} {}", finding.file, finding.location.line, finding.rule, finding.message);
//! }
//! ```

use std::sync::Arc;

use crate::diag::ToolDiagnostic;
use crate::load::Input;
use crate::pack::{PackSources, RuleSet};
use crate::run::{self, Options, Prepared, Run};

impl Options {
    /// The built-in pack with every default: evaluation at each document's `as_of`, waivers
    /// applied, the default limits and sandbox.
    pub fn builtin() -> Options {
        Options {
            packs: PackSources {
                builtin: true,
                ..PackSources::default()
            },
            ..Options::default()
        }
    }
}

/// Rule packs loaded once, ready to check documents.
pub struct Linter {
    options: Options,
    prepared: Prepared,
}

impl Linter {
    /// Load the packs the options name (compiling every rule once) and resolve parameters.
    /// Problems with the packs or parameters are in [`Linter::diagnostics`], and in every
    /// [`Run`] this linter makes.
    pub fn new(options: Options) -> Linter {
        let prepared = run::prepare(&options);
        Linter { options, prepared }
    }

    /// Problems found while loading the packs and parameters.
    pub fn diagnostics(&self) -> &[ToolDiagnostic] {
        &self.prepared.diagnostics
    }

    /// The rules that were loaded, with their packs.
    pub fn rules(&self) -> &RuleSet {
        &self.prepared.rules
    }

    /// The loaded packs and parameters, for the stages after a run (score, review).
    pub fn prepared(&self) -> &Prepared {
        &self.prepared
    }

    /// The options the linter was made with.
    pub fn options(&self) -> &Options {
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

    /// Check one document held in memory.
    pub fn check_text(&self, name: &str, text: &str) -> Run {
        self.check_texts(&[(name.to_string(), text.to_string())])
    }

    /// Check files and folders (folders are searched for `*.yaml` and `*.yml`). Paths that
    /// cannot be read are diagnostics of the run.
    pub fn check_paths(&self, paths: &[String]) -> Run {
        let (inputs, errors) = crate::load::expand(paths, "<stdin>");
        let mut run = self.check_inputs(&inputs);
        run.diagnostics
            .extend(errors.into_iter().map(ToolDiagnostic::from));
        run
    }

    /// Check inputs of any kind.
    pub fn check_inputs(&self, inputs: &[Input]) -> Run {
        run::run(inputs, &self.prepared, &self.options)
    }
}
