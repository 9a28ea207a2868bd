//! The workspace as the server sees it: the documents the editor has open (their text as
//! typed) over the workspace on disk ([`crate::workspace::Workspace`], scanned once at start
//! and read again file by file as files change, are saved or closed), the latest findings of
//! each open document, and the ids each department declares (for completion in proposals).
//! A check reads the open documents over the workspace exactly as `roadmap-lint check` reads
//! the files on disk: the same root, the same files, the same previous declarations.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use lsp_types::{Diagnostic, Uri};

use crate::date::Date;
use crate::finding::Finding;
use crate::load::Input;

/// A document the editor has open.
pub struct Open {
    /// The name the linter knows it by: its path, or the URI when it is not a file.
    pub name: String,
    pub text: Arc<str>,
    pub version: i32,
    /// Whether it is a declaration or a proposal (see [`is_ours`]); other YAML is left alone.
    /// Once it has been, it stays so while open, so a typo in `kind:` is reported, not hidden.
    pub ours: bool,
    /// Whether it is a rule script (`.rhai`), checked with its pack ([`super::rule_files`]).
    pub rule: bool,
}

/// What the latest check found in an open document.
pub struct Analysis {
    pub findings: Vec<Finding>,
    /// The evaluation date the check used.
    pub as_of: Date,
}

/// The service and system ids a department declares.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    pub file: String,
    pub services: Vec<(String, Option<String>)>,
    pub systems: Vec<(String, Option<String>)>,
}

/// What a check reads: see [`Workspace::inputs`].
pub struct Checked {
    pub inputs: Vec<Input>,
    pub targets: Vec<(Uri, String, i32)>,
    pub overlay: Vec<(PathBuf, Arc<[u8]>)>,
}

#[derive(Default)]
pub struct Workspace {
    pub root: Option<PathBuf>,
    pub open: BTreeMap<Uri, Open>,
    /// The workspace on disk, as scanned (none when the editor opened no folder).
    pub disk: Option<Arc<crate::workspace::Workspace>>,
    pub analyses: HashMap<Uri, Analysis>,
    /// By organisation id: the first declaration of it, in the order checks read files.
    pub declared: BTreeMap<String, Declared>,
    /// What was last published for each document: its version, and the diagnostics.
    pub published: HashMap<Uri, (Option<i32>, Vec<Diagnostic>)>,
    /// The version of each open rule document its pack was last loaded with.
    pub rules_checked: HashMap<Uri, i32>,
    /// What the latest load of each pack with an open rule document found, by pack folder.
    pub rule_packs: BTreeMap<PathBuf, Arc<super::rule_files::PackInfo>>,
}

impl Workspace {
    /// The inputs of a check, in a fixed order (by name): every open declaration or proposal,
    /// as typed. Also the open ones' URIs and versions, and the texts of every open document
    /// that is a file (they stand for the files on disk in the workspace the check reads).
    pub fn inputs(&self) -> Checked {
        let mut files: BTreeMap<String, Arc<str>> = BTreeMap::new();
        let mut targets = Vec::new();
        let mut overlay = Vec::new();
        for (uri, doc) in &self.open {
            if let Some(path) = uri_path(uri) {
                overlay.push((path, Arc::from(doc.text.as_bytes())));
            }
            if doc.ours {
                files.insert(doc.name.clone(), doc.text.clone());
                targets.push((uri.clone(), doc.name.clone(), doc.version));
            }
        }
        let inputs = files
            .into_iter()
            .map(|(name, text)| Input::Bytes {
                name,
                bytes: Arc::from(text.as_bytes()),
            })
            .collect();
        Checked {
            inputs,
            targets,
            overlay,
        }
    }

    /// The URI of a file as the linter named it: an open document's, else a file's.
    pub fn uri_of(&self, name: &str) -> Option<Uri> {
        self.open
            .iter()
            .find(|(_, d)| d.name == name)
            .map(|(u, _)| u.clone())
            .or_else(|| {
                let path = std::path::absolute(Path::new(name)).ok()?;
                file_uri(&path)
            })
    }
}

/// A path as the linter names it.
pub fn path_name(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The path of a `file:` URI.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path` names another machine; only the local host is read.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let bytes = percent_decode(rest)?;
    let text = String::from_utf8(bytes).ok()?;
    Some(PathBuf::from(text))
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The `file:` URI of an absolute path.
pub fn file_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let mut uri = String::from("file://");
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(char::from(b));
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    Uri::from_str(&uri).ok()
}

/// The name a document is checked under: its path for a `file:` URI, else the URI itself.
pub fn name_of(uri: &Uri) -> String {
    uri_path(uri).map_or_else(|| uri.as_str().to_string(), |p| path_name(&p))
}

/// Whether a YAML text is a declaration or a proposal, by the shape a folder walk tells them
/// by ([`crate::workspace::shape`]).
pub fn is_ours(text: &str) -> bool {
    crate::workspace::shape::shape_of(text.as_bytes()).is_checked()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_paths_and_uris() {
        let path = Path::new("/tmp/a folder/d\u{e9}pt #1.yaml");
        let uri = file_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20folder/d%C3%A9pt%20%231.yaml");
        assert_eq!(uri_path(&uri).unwrap(), path);
        let untitled = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(name_of(&untitled), "untitled:Untitled-1");
    }

    #[test]
    fn tells_declarations_from_other_yaml() {
        assert!(is_ours("schema_version: 1\nkind: department\n"));
        assert!(is_ours("kind: \"proposal\" # a request\n"));
        assert!(is_ours("schema_version: 1\nkind: departmnt\n"));
        assert!(!is_ours(
            "name: CI\non: [push]\njobs:\n  kind: department\n"
        ));
    }
}
