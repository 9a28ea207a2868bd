//! The shape of the code, checked: the library never reaches into the command line, and only
//! the command line prints or exits (clippy's `print_stdout` and `print_stderr` are denied in
//! the crate; `src/cli/` writes through its own output module).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Library files: everything in `src/` but the command line and `main.rs`.
fn library_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.retain(|f| !f.starts_with("src/cli") && f != Path::new("src/main.rs"));
    files.sort();
    files
}

#[test]
fn nothing_outside_the_command_line_names_it() {
    let mut offenders = Vec::new();
    for file in library_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("crate::cli") || code.contains("clap::") || code.contains("use clap") {
                offenders.push(format!("{}:{}: {}", file.display(), i + 1, line.trim()));
            }
            if code.contains("process::exit") {
                offenders.push(format!("{}:{}: {}", file.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "the library must not name the command line, use clap or exit:\n{}",
        offenders.join("\n")
    );
}
