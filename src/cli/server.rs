//! `roadmap-lint server`: the language server, over standard input and output. The settings
//! of the editor's workspace folder are read here, by the same merge of config file and flags
//! as every other command (`settings.rs`); the server itself is in `src/server/`.

use std::path::Path;

use clap::Args;

use super::args::EvalArgs;
use super::settings;
use crate::Exit;
use crate::server::{Configured, Ending};

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Talk over standard input and output (the default and only transport; accepted because
    /// editors' clients pass it).
    #[arg(long)]
    pub stdio: bool,
    #[command(flatten)]
    pub eval: EvalArgs,
}

/// The settings of a workspace folder: its `.roadmap-lint.yaml` (found from the folder, unless
/// `--config` or `--no-config` says otherwise) merged with the flags. A config that cannot be
/// read leaves the flags alone in force, and its problems are shown on it.
fn configure(eval: &EvalArgs, folder: Option<&Path>) -> Configured {
    match settings::settings_in(eval, folder) {
        Ok(s) => Configured {
            config_file: s.config.path.clone(),
            selection: s.selection(),
            // Without a folder the editor has no workspace: only its open documents.
            root: folder.map(|_| s.root.clone()),
            scan: !s.no_workspace,
            // The server keeps what it learns in memory; checked files' outcomes are not read
            // from or written to the disk cache (open documents differ from the disk).
            options: crate::Options {
                cache: None,
                ..s.options
            },
            config: Some(s.config),
            problems: Vec::new(),
        },
        Err(problems) => {
            let without = EvalArgs {
                config: None,
                no_config: true,
                ..eval.clone()
            };
            let fallback = settings::settings_in(&without, folder).ok();
            let root = fallback
                .as_ref()
                .and(folder)
                .and_then(|_| fallback.as_ref().map(|s| s.root.clone()));
            let selection = fallback
                .as_ref()
                .map(settings::Settings::selection)
                .unwrap_or_default();
            let options = fallback
                .map(|s| s.options)
                .unwrap_or_else(crate::Options::builtin);
            let config_file = eval
                .config
                .clone()
                .or_else(|| folder.and_then(crate::config::discover));
            Configured {
                options,
                config: None,
                config_file,
                problems,
                root,
                selection,
                scan: !eval.no_workspace,
            }
        }
    }
}

pub fn run(args: ServerArgs) -> Exit {
    let eval = args.eval;
    let configure = Box::new(move |folder: Option<&Path>| configure(&eval, folder));
    match crate::server::serve(configure) {
        Ok(Ending::Clean) => Exit::Clean,
        // The protocol's exit code when `exit` came without `shutdown`.
        Ok(Ending::Abrupt) => Exit::Findings,
        Err(e) => {
            super::output::eprint_text(&format!("roadmap-lint server: {e}\n"));
            Exit::ToolError
        }
    }
}
