//! Reading inputs: paths and directories into decoded source files, and source files into
//! spanned YAML documents. Every failure here becomes a [`Problem`] or an [`InputError`]; nothing
//! stops the run.

mod price;
pub mod read;
pub mod scalar;
mod tag;
pub mod yaml;

use crate::diag::Code;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::finding::Severity;
use crate::source::{SourceFile, Span};
pub use yaml::ParsedDoc;

/// Limits on what a single input may cost. Each can be changed on the command line.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Deepest nesting of lists and mappings.
    pub max_depth: usize,
    /// Most nodes that aliases may add to one document.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 8 * 1024 * 1024,
            max_depth: 64,
            max_alias_nodes: 10_000,
        }
    }
}

/// Something wrong inside a file, at a span of it.
#[derive(Debug, Clone)]
pub struct Problem {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub label: Option<String>,
    pub help: String,
    pub span: Span,
    pub related: Vec<(Span, String)>,
}

impl Problem {
    pub fn new(code: Code, message: impl Into<String>, span: Span) -> Self {
        Problem {
            code,
            severity: Severity::Error,
            message: message.into(),
            label: None,
            help: String::new(),
            span,
            related: Vec::new(),
        }
    }
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }
    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The problem as a tool diagnostic pointing into `source` (a config, targets or
    /// `--previous` file, whose problems are the run's, not findings of a document).
    pub fn diagnostic(&self, source: &SourceFile) -> crate::diag::ToolDiagnostic {
        crate::diag::ToolDiagnostic::new(self.code, self.message.clone())
            .severity(self.severity)
            .at(source, self.span)
            .label(self.label.clone().unwrap_or_else(|| "here".into()))
            .help(self.help.clone())
    }
}

/// A path that could not be read at all. There is no text to point into.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{path}: {message}")]
#[diagnostic(code(input::unreadable), help("{help}"))]
pub struct InputError {
    pub path: String,
    pub message: String,
    pub help: String,
}

impl From<InputError> for crate::diag::ToolDiagnostic {
    /// The path is named in the message itself: an unreadable path has no text to show.
    fn from(e: InputError) -> Self {
        crate::diag::ToolDiagnostic::new(
            Code::InputUnreadable,
            format!("{}: {}", e.path, e.message),
        )
        .file(e.path)
        .help(e.help)
    }
}

/// An input named on the command line.
#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    Stdin {
        name: String,
    },
    /// Bytes already in memory (tests, fuzzing, and callers that embed the linter).
    Bytes {
        name: String,
        bytes: Arc<[u8]>,
    },
}

/// A file read and parsed: its text, its documents, and problems with the file as a whole.
#[derive(Debug)]
pub struct LoadedFile {
    pub source: SourceFile,
    pub docs: Vec<ParsedDoc>,
    pub problems: Vec<Problem>,
}

/// Expand the command-line paths into the inputs to read: directories are walked in sorted
/// order for `*.yaml` and `*.yml` files; symlink loops and special files are reported.
pub fn expand(paths: &[String], stdin_name: &str) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path == "-" {
            inputs.push(Input::Stdin {
                name: shown(Path::new(stdin_name)),
            });
            continue;
        }
        let p = PathBuf::from(path);
        match fs::metadata(&p) {
            Err(e) => errors.push(InputError {
                path: path.clone(),
                message: format!("cannot read: {e}"),
                help: "check the path exists and can be read".into(),
            }),
            Ok(meta) if meta.is_dir() => {
                let mut seen = Vec::new();
                let (before, errors_before) = (inputs.len(), errors.len());
                let root = read::Confined::new(&p).ok();
                let mut scan = Scan {
                    root: root.as_ref(),
                    seen: &mut seen,
                    inputs: &mut inputs,
                    errors: &mut errors,
                };
                walk(&p, &mut scan);
                if inputs.len() == before && errors.len() == errors_before {
                    // A wrong folder in CI must not pass by checking nothing.
                    errors.push(InputError {
                        path: shown(&p),
                        message:
                            "no declarations here: the folder holds no `*.yaml` or `*.yml` file"
                                .into(),
                        help:
                            "check the path; declarations are YAML files named `*.yaml` or `*.yml`"
                                .into(),
                    });
                }
            }
            Ok(meta) if meta.is_file() => inputs.push(Input::File(p)),
            Ok(_) => errors.push(not_regular(&p)),
        }
    }
    (inputs, errors)
}

/// What identifies a directory on the walk's path from its root, to find symlink loops.
/// On Unix, the device and inode: one `stat`, where resolving the canonical path costs a
/// `stat` per component and made a 2,000-deep tree take minutes.
#[cfg(unix)]
type DirId = (u64, u64);
#[cfg(not(unix))]
type DirId = PathBuf;

#[cfg(unix)]
fn dir_id(dir: &Path) -> std::io::Result<DirId> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(dir).map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn dir_id(dir: &Path) -> std::io::Result<DirId> {
    fs::canonicalize(dir)
}

fn not_regular(p: &Path) -> InputError {
    InputError {
        path: shown(p),
        message: "not a regular file (a FIFO, socket or device)".into(),
        help: "pass declarations as files; to read a stream, use `-` and pipe it to stdin".into(),
    }
}

/// A folder scan: the folder named on the command line, and what it found.
struct Scan<'a> {
    root: Option<&'a read::Confined>,
    seen: &'a mut Vec<DirId>,
    inputs: &'a mut Vec<Input>,
    errors: &'a mut Vec<InputError>,
}

/// A symbolic link met in a folder scan that leads outside the folder named on the command
/// line: it is not followed. A link to `/` would scan the whole machine, and one to a file
/// elsewhere would print that file's lines in snippets.
fn leads_outside(path: &Path, root: Option<&read::Confined>) -> Option<InputError> {
    if !fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return None;
    }
    let root = root?;
    let Err(read::Refusal::Outside { target }) = root.resolve(path) else {
        return None;
    };
    Some(InputError {
        path: shown(path),
        message: format!(
            "a symbolic link to {}, outside the folder being checked ({}): not followed",
            target.display(),
            root.root().display()
        ),
        help: "name the file or folder on the command line to check it, or move it into the folder"
            .into(),
    })
}

fn walk(dir: &Path, scan: &mut Scan) {
    let canonical = match dir_id(dir) {
        Ok(c) => c,
        Err(e) => {
            scan.errors.push(InputError {
                path: shown(dir),
                message: format!("cannot read directory: {e}"),
                help: "check the directory exists and can be read".into(),
            });
            return;
        }
    };
    if scan.seen.contains(&canonical) {
        scan.errors.push(InputError {
            path: shown(dir),
            message: "symbolic link loop: this directory is already being read".into(),
            help: "remove the link that points back up the tree".into(),
        });
        return;
    }
    scan.seen.push(canonical);
    let mut entries: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(e) => {
            scan.errors.push(InputError {
                path: shown(dir),
                message: format!("cannot read directory: {e}"),
                help: "check the directory can be read".into(),
            });
            scan.seen.pop();
            return;
        }
    };
    entries.sort();
    for path in entries {
        if let Some(outside) = leads_outside(&path, scan.root) {
            // A link to a file that would not be read anyway is not worth a word.
            if fs::metadata(&path).is_ok_and(|m| m.is_dir()) || is_yaml(&path) {
                scan.errors.push(outside);
            }
            continue;
        }
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(_) if fs::symlink_metadata(&path).is_ok() && !is_yaml(&path) => {
                // A dangling link to something that would not be read anyway.
                continue;
            }
            Err(e) if fs::symlink_metadata(&path).is_ok() => {
                scan.errors.push(InputError {
                    path: shown(&path),
                    message: format!("a symbolic link whose target cannot be read: {e}"),
                    help:
                        "the link points at a file that is missing (or at itself); fix or remove it"
                            .into(),
                });
                continue;
            }
            Err(e) => {
                scan.errors.push(InputError {
                    path: shown(&path),
                    message: format!("cannot read: {e}"),
                    help: "check the file's permissions".into(),
                });
                continue;
            }
        };
        if meta.is_dir() {
            walk(&path, scan);
        } else if is_yaml(&path) {
            if meta.is_file() {
                scan.inputs.push(Input::File(path));
            } else {
                scan.errors.push(not_regular(&path));
            }
        }
    }
    scan.seen.pop();
}

/// A path as shown in reports. File names come from the repository being checked, so control
/// characters in them (an escape sequence in a file name) are written as `\u{1b}` rather than
/// passed to the terminal.
pub fn shown(path: &Path) -> String {
    let text = path.display().to_string();
    if !text.chars().any(char::is_control) {
        return text;
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Characters YAML does not allow in a stream (C0 controls other than tab, line feed and
/// carriage return; DEL; C1 controls other than NEL). A terminal would obey them if a snippet
/// showed them, so a file holding one is refused, and shown with each one made visible.
fn forbidden_control(c: char) -> bool {
    matches!(c, '\u{1}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}')
        || (('\u{80}'..='\u{9f}').contains(&c) && c != '\u{85}')
}

/// Whether the text may hold a character [`forbidden_control`] refuses, read byte by byte
/// (the C1 controls are U+0080-U+009F, encoded as 0xC2 0x80-0x9F): a file without one, which
/// is nearly every file, is not decoded character by character to find out.
fn any_forbidden_control(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().any(|(i, &c)| match c {
        0x01..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F => true,
        0xC2 => b
            .get(i + 1)
            .is_some_and(|&n| (0x80..=0x9F).contains(&n) && n != 0x85),
        _ => false,
    })
}

/// One visible character in place of NUL or a forbidden control character, so that a snippet
/// cannot drive the terminal and spans stay valid. Tabs and line breaks are kept.
fn visible(c: char) -> char {
    match c {
        '\u{0}' => '\u{2400}',
        c if !forbidden_control(c) => c,
        '\u{1}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        _ => '\u{fffd}',
    }
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

impl Input {
    pub fn display_name(&self) -> String {
        match self {
            Input::File(p) => shown(p),
            Input::Stdin { name } | Input::Bytes { name, .. } => name.clone(),
        }
    }

    /// The file to read, when the input is one (not standard input or bytes in memory).
    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::File(p) => Some(p),
            Input::Stdin { .. } | Input::Bytes { .. } => None,
        }
    }
}

/// Read one input, decode it and parse its documents.
pub fn load(input: &Input, limits: &Limits) -> Result<LoadedFile, InputError> {
    let name = input.display_name();
    let limit = limits.max_file_bytes;
    let mut bytes = Vec::new();
    let read = match input {
        Input::File(p) => match read::open_regular(p) {
            Ok(f) => f.take(limit.saturating_add(1)).read_to_end(&mut bytes),
            Err(refused) => {
                return Err(InputError {
                    path: name,
                    message: refused.message(p),
                    help: "the file changed since it was found, or is not a regular file: \
                           check it, and name it on the command line to check a file \
                           outside the folder"
                        .into(),
                });
            }
        },
        Input::Stdin { .. } => std::io::stdin()
            .lock()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes),
        Input::Bytes { bytes: held, .. } => {
            let keep = held
                .len()
                .min(usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX));
            bytes.extend_from_slice(&held[..keep]);
            Ok(keep)
        }
    };
    if let Err(e) = read {
        return Err(InputError {
            path: name,
            message: format!("cannot read: {e}"),
            help: "check the file's permissions".into(),
        });
    }
    Ok(load_bytes(name, bytes, limits))
}

/// Decode and parse bytes already read. Used directly by tests and the fuzz targets.
pub fn load_bytes(name: String, bytes: Vec<u8>, limits: &Limits) -> LoadedFile {
    if bytes.len() as u64 > limits.max_file_bytes {
        let mut head = bytes;
        head.truncate(4096);
        let text: String = String::from_utf8_lossy(&head)
            .chars()
            .map(visible)
            .collect();
        return file_problem(
            name,
            text,
            Problem::new(
                Code::InputTooLarge,
                format!(
                    "file is larger than the limit of {} bytes",
                    limits.max_file_bytes
                ),
                Span::new(0, 0),
            )
            .label("the file starts here")
            .help("split the declaration, or raise the limit with `--max-file-size`"),
        );
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return file_problem(
            name,
            String::new(),
            Problem::new(
                Code::InputEncoding,
                "file is UTF-16 (it starts with a UTF-16 byte order mark)",
                Span::new(0, 0),
            )
            .label("byte order mark")
            .help("save the file as UTF-8; declarations must be UTF-8"),
        );
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
    match std::str::from_utf8(body) {
        Ok(text) => load_text(name, text, limits),
        Err(e) => not_utf8(name, body, &e),
    }
}

/// Parse decoded text, unless it holds a NUL byte or a control character YAML does not allow.
fn load_text(name: String, text: &str, limits: &Limits) -> LoadedFile {
    if let Some(nul) = text.find('\0') {
        let at = text[..nul].chars().count();
        let shown: String = text.chars().map(visible).collect();
        return file_problem(
            name,
            shown,
            Problem::new(
                Code::InputBinary,
                "file holds binary data (a NUL byte)",
                Span::new(at, at + 1),
            )
            .label("NUL byte")
            .help("declarations are YAML text; check that the right file was given"),
        );
    }
    if any_forbidden_control(text)
        && let Some((at, c)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| forbidden_control(*c))
    {
        let shown_text: String = text.chars().map(visible).collect();
        return file_problem(
            name,
            shown_text,
            Problem::new(
                Code::InputControlChar,
                format!(
                    "file holds a control character (U+{:04X}) that YAML does not allow",
                    c as u32
                ),
                Span::new(at, at + 1),
            )
            .label("control character")
            .help(
                "remove it; control characters such as escape (U+001B) can rewrite what \
                 a terminal shows",
            ),
        );
    }
    let text = text.to_string();
    let docs = yaml::parse(&text, limits);
    let mut problems = Vec::new();
    if docs.is_empty() {
        problems.push(
            Problem::new(
                Code::YamlEmpty,
                "file holds no YAML document",
                Span::new(0, 0),
            )
            .severity(Severity::Warning)
            .label("empty")
            .help("add a declaration, or remove the file"),
        );
    }
    LoadedFile {
        source: SourceFile::new(name, text),
        docs,
        problems,
    }
}

/// The problem of bytes that are not UTF-8 (`e` says where they stop being).
fn not_utf8(name: String, body: &[u8], e: &std::str::Utf8Error) -> LoadedFile {
    let valid = e.valid_up_to();
    let at = String::from_utf8_lossy(&body[..valid]).chars().count();
    let text: String = String::from_utf8_lossy(body).chars().map(visible).collect();
    let binary = body.contains(&0);
    file_problem(
        name,
        text,
        Problem::new(
            if binary {
                Code::InputBinary
            } else {
                Code::InputEncoding
            },
            if binary {
                "file holds binary data, not UTF-8 text".to_string()
            } else {
                format!("file is not valid UTF-8 (bad byte 0x{:02X})", body[valid])
            },
            Span::new(at, at + 1),
        )
        .label("first byte that is not UTF-8")
        .help("declarations must be UTF-8 text; re-save the file as UTF-8"),
    )
}

fn file_problem(name: String, text: String, problem: Problem) -> LoadedFile {
    LoadedFile {
        source: SourceFile::new(name, text),
        docs: Vec::new(),
        problems: vec![problem],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-wise check finds exactly the characters the character-wise one refuses.
    #[test]
    fn the_byte_check_agrees_with_the_character_check() {
        for c in (1..0x3000).filter_map(char::from_u32) {
            let text = format!("a: x{c}y\n");
            assert_eq!(
                any_forbidden_control(&text),
                text.chars().any(forbidden_control),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn bytes_in_memory_are_cut_at_the_size_limit() {
        let limits = Limits {
            max_file_bytes: 16,
            ..Limits::default()
        };
        let input = Input::Bytes {
            name: "mem.yaml".into(),
            bytes: Arc::from(&b"key: value\n".repeat(100)[..]),
        };
        let loaded = load(&input, &limits).expect("memory is always readable");
        assert_eq!(loaded.problems[0].code, "input-too-large");
        assert_eq!(loaded.source.name, "mem.yaml");
    }

    #[test]
    fn the_largest_size_limit_does_not_overflow() {
        let limits = Limits {
            max_file_bytes: u64::MAX,
            ..Limits::default()
        };
        let input = Input::Bytes {
            name: "mem.yaml".into(),
            bytes: Arc::from(&b"key: value\n"[..]),
        };
        let loaded = load(&input, &limits).expect("read");
        assert!(loaded.problems.is_empty());
        assert_eq!(loaded.docs.len(), 1);
    }
}
