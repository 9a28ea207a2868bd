//! The crate's insides that the `roadmap-lint` binary (`src/main.rs`), the fuzz targets
//! (`fuzz/`) and the integration tests (`tests/it`) reach. Hidden from the documentation and
//! not covered by semantic versioning: anything here may change or go in any release. An
//! embedding program uses the items at the crate root.
//!
//! Each module mirrors one of the crate's and re-exports only what is used from outside (all
//! of `gendocs`, which only the tests use), so that the compiler still finds the crate's dead
//! code.

/// The command line.
pub mod cli {
    pub use crate::cli::{Cli, run};
}

/// The rule engine: its API table and the engine itself.
pub mod engine {
    pub use crate::engine::{Sandbox, engine};
    /// The functions rules call.
    pub mod api {
        pub use crate::engine::api::{HELPERS, lookup};
    }
}

/// The generated references (rule docs, format, diagnostics, pack manifest).
pub mod gendocs {
    pub use crate::gendocs::*;
}

/// Reading YAML files into spanned trees.
pub mod load {
    pub use crate::load::{Input, Limits, load_bytes};
}

/// The `progress` report's JSON schema.
pub mod progress {
    pub use crate::progress::SCHEMA;
}

/// The reporters.
pub mod report {
    pub use crate::report::{Summary, human, json, markdown, sarif};
}

/// One evaluation of a set of inputs, below the [`crate::Linter`].
pub mod run {
    pub use crate::run::{Options, Prepared, Results, Run, Status, prepare, run};

    /// What each rule concluded about each document.
    pub fn results(run: &Run) -> &Results {
        &run.results
    }

    /// The files the run read.
    pub fn sources(run: &Run) -> &[std::sync::Arc<crate::source::SourceFile>] {
        &run.sources
    }
}

/// Scores.
pub mod score {
    pub use crate::score::{Tally, text};
}

/// `roadmap-lint test`: a pack's fixtures.
pub mod testing {
    pub use crate::testing::{PackTest, pack_dirs, render, test_pack, test_pack_with};
}

/// The loaded rules of a linter (the SARIF reporter lists them).
pub fn rules(linter: &crate::Linter) -> &crate::pack::RuleSet {
    linter.rules()
}
