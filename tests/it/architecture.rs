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
            // `internal` hands the binary its entry point, and names nothing else of it.
            let entry = file == Path::new("src/internal.rs")
                && code.trim() == "pub use crate::cli::{Cli, run};";
            if (code.contains("crate::cli") && !entry)
                || code.contains("clap::")
                || code.contains("use clap")
            {
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

/// The longest a function in `src/` may be, in lines from its `fn` line to its closing brace.
/// A longer one is split into functions named for what each part does.
const MAX_FUNCTION_LINES: usize = 100;

/// The name of the function a line declares (`pub(crate) const fn name<T>(`), if it does.
fn declared_function(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    if let Some(after) = rest.strip_prefix("pub(") {
        rest = after.split_once(')')?.1.trim_start();
    }
    loop {
        let before = rest;
        for qualifier in ["pub ", "const ", "async ", "unsafe ", "extern \"C\" "] {
            if let Some(after) = rest.strip_prefix(qualifier) {
                rest = after.trim_start();
            }
        }
        if rest == before {
            break;
        }
    }
    let rest = rest.strip_prefix("fn ")?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    (end > 0).then(|| &rest[..end])
}

/// The index of the last line of the item that starts at `start`: a declaration that ends in
/// `;` before any brace, a body that opens and closes on one line, or else the first later line
/// that is only a closing brace at the item's indentation (the code is formatted by rustfmt).
fn item_end(lines: &[&str], start: usize) -> usize {
    let indent = lines[start].len() - lines[start].trim_start().len();
    let close = format!("{}}}", " ".repeat(indent));
    let mut open = start;
    while open < lines.len() && !lines[open].contains('{') {
        if lines[open].trim_end().ends_with(';') {
            return open;
        }
        open += 1;
    }
    let Some(line) = lines.get(open) else {
        return lines.len() - 1;
    };
    if line.trim_end().ends_with('}') && line.matches('{').count() == line.matches('}').count() {
        return open;
    }
    (open + 1..lines.len())
        .find(|&i| lines[i].trim_end() == close)
        .unwrap_or(lines.len() - 1)
}

/// The functions of a file longer than `limit` lines, as (name, first line, length), leaving
/// out items marked `#[cfg(test)]` (test modules). A function nested in another counts as
/// part of it.
fn long_functions(text: &str, limit: usize) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_start().starts_with("#[cfg(test)]") {
            let mut item = i + 1;
            while item < lines.len() && lines[item].trim_start().starts_with("#[") {
                item += 1;
            }
            i = item_end(&lines, item.min(lines.len() - 1)) + 1;
            continue;
        }
        if let Some(name) = declared_function(lines[i]) {
            let end = item_end(&lines, i);
            let length = end - i + 1;
            if length > limit {
                found.push((name.to_string(), i + 1, length));
            }
            i = end + 1;
            continue;
        }
        i += 1;
    }
    found
}

#[test]
fn the_function_measure_finds_what_it_should() {
    let text = "fn short() {\n    let x = 1;\n}\n\npub(crate) fn long(\n    a: u32,\n) -> u32 {\n    a\n        + 1\n}\n\nfn empty() {}\n\n#[cfg(test)]\nmod tests {\n    fn long_test() {\n        a;\n        b;\n        c;\n    }\n}\n\nimpl X {\n    pub const fn method<T>(&self) {\n        one;\n        two;\n    }\n}\n";
    assert_eq!(
        long_functions(text, 3),
        vec![("long".to_string(), 5, 6), ("method".to_string(), 24, 4)]
    );
    assert_eq!(declared_function("    pub async fn go<T>("), Some("go"));
    assert_eq!(declared_function("let f = fn_name(1);"), None);
}

#[test]
fn no_function_in_src_is_longer_than_the_limit() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let mut offenders = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let shown = file.display().to_string().replace('\\', "/");
        for (name, line, length) in long_functions(&text, MAX_FUNCTION_LINES) {
            offenders.push(format!("{shown}:{line}: `{name}` is {length} lines"));
        }
    }
    assert!(
        offenders.is_empty(),
        "functions longer than {MAX_FUNCTION_LINES} lines (split each into functions named \
         for what they do):\n{}",
        offenders.join("\n")
    );
}
