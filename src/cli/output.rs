//! Writing to the terminal: colour (following `--color`, `NO_COLOR`, `CLICOLOR_FORCE`,
//! `FORCE_COLOR` and `TERM=dumb`), the width of the report, standard output and error, and the
//! exit code.

use std::io::{IsTerminal, Write};

use super::args::ColorChoice;
use crate::Exit;
use crate::diag::ToolDiagnostic;
use crate::report::human::{Style, render_diagnostic};

/// Whether to colour, by the conventions terminals share: `--color always|never` wins; then
/// `NO_COLOR` (no colour), `CLICOLOR_FORCE` or `FORCE_COLOR` (colour even into a pipe),
/// `TERM=dumb` (no colour); else colour when standard output is a terminal.
pub fn colour(choice: ColorChoice, terminal: bool) -> bool {
    colour_with(choice, terminal, &|name| std::env::var(name).ok())
}

/// [`colour`], with the environment given (for tests).
fn colour_with(choice: ColorChoice, terminal: bool, env: &dyn Fn(&str) -> Option<String>) -> bool {
    let non_empty = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    // The `*_FORCE` conventions: set, and not `0`.
    let forced = |name: &str| env(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if non_empty("NO_COLOR") => false,
        ColorChoice::Auto if forced("CLICOLOR_FORCE") || forced("FORCE_COLOR") => true,
        ColorChoice::Auto if env("TERM").as_deref() == Some("dumb") => false,
        ColorChoice::Auto => terminal,
    }
}

/// How to draw reports on standard output.
pub fn style(choice: ColorChoice) -> Style {
    let tty = std::io::stdout().is_terminal();
    Style {
        color: colour(choice, tty),
        width: if tty { terminal_width() } else { 100 },
    }
}

/// How to draw diagnostics on standard error.
pub fn err_style(choice: ColorChoice) -> Style {
    let tty = std::io::stderr().is_terminal();
    Style {
        color: colour(choice, tty),
        width: if tty { terminal_width() } else { 100 },
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
        .clamp(60, 200)
}

/// Write text to standard output. A closed pipe (`| head`) is not an error worth reporting.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Write a command's report to standard output: a diagnostic when it could not be written
/// whole (a full disk), but not for a closed pipe (`| head`), which is the reader's choice.
pub fn print_report(text: &str, what: &str) -> Option<ToolDiagnostic> {
    print_report_with(what, |out| out.write_all(text.as_bytes()))
}

/// [`print_report`], with the report written by `fill` as it is made (never held whole).
pub fn print_report_with(
    what: &str,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Option<ToolDiagnostic> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = fill(&mut out).and_then(|()| out.flush());
    let e = written.err()?;
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return None;
    }
    Some(
        ToolDiagnostic::new(
            crate::diag::Code::OutputUnwritable,
            format!("the {what} on standard output is incomplete: {e}"),
        )
        .help("free some space or write the report to a file with `--output`, and run again"),
    )
}

/// Write diagnostics to standard error.
pub fn eprint_diagnostics(diagnostics: &[ToolDiagnostic], style: Style) {
    let mut err = std::io::stderr().lock();
    for d in diagnostics {
        let _ = err.write_all(render_diagnostic(d, style).as_bytes());
    }
}

/// Write one line to standard error, escaped for the terminal (it may quote a document).
pub fn eprint_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", crate::render::escape::terminal_line(text));
}

/// Write text of several lines to standard error, escaped for the terminal.
pub fn eprint_text(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(crate::render::escape::terminal_text(text).as_bytes());
}

/// Write a report to the file `--output` names, whole or not at all; a diagnostic when it
/// cannot be written (nothing is then left at the path), or when it is one of the run's
/// `inputs` (a report written there would replace a declaration being checked).
pub fn write_file<P: AsRef<std::path::Path>>(
    path: &std::path::Path,
    text: &str,
    what: &str,
    inputs: &[P],
) -> Option<ToolDiagnostic> {
    write_file_with(path, what, inputs, |out| out.write_all(text.as_bytes()))
}

/// [`write_file`], with the report written by `fill` as it is made (never held whole).
pub fn write_file_with<P: AsRef<std::path::Path>>(
    path: &std::path::Path,
    what: &str,
    inputs: &[P],
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Option<ToolDiagnostic> {
    if let Some(d) = refuse_input(path, inputs) {
        return Some(d);
    }
    let e = crate::write::atomic_with(path, crate::write::Durability::Synced, fill).err()?;
    Some(unwritable(path, what, &e))
}

/// The diagnostic of a report that could not be written to `path`.
pub fn unwritable(path: &std::path::Path, what: &str, e: &std::io::Error) -> ToolDiagnostic {
    let shown = crate::load::shown(path);
    let help = if e.kind() == std::io::ErrorKind::InvalidInput {
        "nothing was written there, and what is there was left as it is"
    } else {
        "check that the folder exists and is writable; nothing was written there"
    };
    ToolDiagnostic::new(
        crate::diag::Code::OutputUnwritable,
        format!("cannot write the {what} to {shown}: {e}"),
    )
    .file(shown)
    .help(help)
}

/// A diagnostic when the output `path` is the same file as one of the run's `inputs`.
pub fn refuse_input<P: AsRef<std::path::Path>>(
    path: &std::path::Path,
    inputs: &[P],
) -> Option<ToolDiagnostic> {
    let input = inputs
        .iter()
        .find(|i| crate::write::same_file(path, i.as_ref()))?;
    let shown = crate::load::shown(path);
    Some(
        ToolDiagnostic::new(
            crate::diag::Code::OutputUnwritable,
            format!(
                "the report was not written to {shown}: it is {}, an input of this run, and writing there would replace it",
                crate::load::shown(input.as_ref())
            ),
        )
        .file(shown)
        .help("name another file with --output"),
    )
}

/// Print the diagnostics that stopped a command, and give the tool-error exit code.
pub fn fail(diagnostics: &[ToolDiagnostic], style: Style) -> Exit {
    eprint_diagnostics(diagnostics, style);
    Exit::ToolError
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_shared_conventions() {
        let with = |vars: &[(&str, &str)], terminal: bool| {
            let vars: Vec<(String, String)> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            colour_with(ColorChoice::Auto, terminal, &move |name| {
                vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
            })
        };
        assert!(with(&[], true));
        assert!(!with(&[], false));
        assert!(!with(&[("NO_COLOR", "1")], true));
        assert!(with(&[("FORCE_COLOR", "1")], false));
        assert!(with(&[("CLICOLOR_FORCE", "1")], false));
        assert!(!with(&[("FORCE_COLOR", "0")], false));
        assert!(!with(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], true));
        assert!(!with(&[("TERM", "dumb")], true));
        assert!(with(&[("TERM", "dumb"), ("FORCE_COLOR", "1")], false));
        assert!(colour_with(ColorChoice::Always, false, &|_| Some(
            "1".into()
        )));
        assert!(!colour_with(ColorChoice::Never, true, &|_| None));
    }
}
