//! `roadmap-lint eval FILE EXPR`: a Rhai expression against a document, as a rule sees it.

use std::path::PathBuf;

use clap::Args;

use super::args::EvalArgs;
use super::{output, settings};
use crate::Exit;

#[derive(Debug, Args)]
pub struct EvalCmdArgs {
    /// The declaration or proposal whose document is `doc`.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The expression (or statements, the last one's value the answer), such as
    /// `lookup(doc, "services").len()` or `dwp::large_services(doc).map(|s| s.id)`.
    #[arg(value_name = "EXPR")]
    pub expr: String,
    /// Which document of the file, from 1.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub document: u64,
    /// The pack whose library, parameters and data `ctx` and the expression see (default: the
    /// last loaded: the last `--rules`, else the built-in pack).
    #[arg(long, value_name = "NAME")]
    pub pack: Option<String>,
    #[command(flatten)]
    pub eval: EvalArgs,
}

pub fn run(args: EvalCmdArgs) -> Exit {
    let err_style = output::err_style(super::args::ColorChoice::Auto);
    let settings = match settings::settings(&args.eval) {
        Ok(s) => s,
        Err(diagnostics) => return output::fail(&diagnostics, err_style),
    };
    let prepared = crate::run::prepare(&settings.options);
    let errors: Vec<_> = prepared
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::finding::Severity::Error)
        .cloned()
        .collect();
    output::eprint_diagnostics(&errors, err_style);
    let request = crate::debug::Request {
        file: &args.file,
        document: usize::try_from(args.document.saturating_sub(1)).unwrap_or(0),
        expr: &args.expr,
        pack: args.pack.as_deref(),
    };
    match crate::debug::eval(&prepared, &settings.options, &request) {
        Ok(value) => {
            let text = serde_json::to_string_pretty(&value).unwrap_or_default();
            output::print(&format!("{text}\n"));
            Exit::Clean
        }
        Err(d) => output::fail(&[d], err_style),
    }
}
