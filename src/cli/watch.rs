//! `check --watch`: check, then check again each time an input or the config file changes.
//! Changes are found by looking at the files' sizes and modification times twice a second (no
//! notification service is needed, and a folder given picks up new and removed files); a burst
//! of saves is waited out before checking again.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::check::CheckArgs;
use super::output;
use crate::Exit;
use crate::load::Input;

/// How often the files are looked at.
const POLL: Duration = Duration::from_millis(500);

/// What the watched files look like: each file with its size and modification time.
type Snapshot = Vec<(PathBuf, u64, Option<SystemTime>)>;

/// The inputs the paths name now, and the config file that a check would read.
fn snapshot(args: &CheckArgs) -> Snapshot {
    let paths: Vec<String> = args.paths.iter().filter(|p| *p != "-").cloned().collect();
    let (inputs, _) = crate::load::expand(&paths, &args.eval.stdin_name);
    let mut files: Vec<PathBuf> = inputs
        .into_iter()
        .filter_map(|i| match i {
            Input::File(p) => Some(p),
            _ => None,
        })
        .collect();
    let config = args.eval.config.clone().or_else(|| {
        (!args.eval.no_config)
            .then(|| std::env::current_dir().ok())
            .flatten()
            .and_then(|d| crate::config::discover(&d))
    });
    files.extend(config);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p).ok();
            let len = meta.as_ref().map_or(0, std::fs::Metadata::len);
            let modified = meta.and_then(|m| m.modified().ok());
            (p, len, modified)
        })
        .collect()
}

/// Check, then wait for a change and check again, until interrupted (or `--watch-runs`).
pub fn watch(args: &CheckArgs, check: fn(&CheckArgs) -> Exit) -> Exit {
    if args.paths.iter().any(|p| p == "-") {
        return output::fail(
            &[crate::diag::ToolDiagnostic::new(
                crate::diag::Code::InputNone,
                "--watch cannot watch standard input",
            )
            .help("name the files or folders to watch")],
            output::err_style(args.color),
        );
    }
    let mut runs = 0u32;
    loop {
        let before = snapshot(args);
        let code = check(args);
        runs += 1;
        if args.watch_runs.is_some_and(|n| runs >= n) {
            return code;
        }
        let files = before.len();
        let noun = if files == 1 { "file" } else { "files" };
        output::eprint_line(&format!(
            "watching {files} {noun} for changes (Ctrl-C to stop)"
        ));
        while snapshot(args) == before {
            std::thread::sleep(POLL);
        }
        // Let a burst of saves settle before checking.
        std::thread::sleep(POLL);
        output::eprint_line("a file changed: checking again");
    }
}
