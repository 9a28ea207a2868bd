//! What every declaration and proposal of a workspace is: for each file its content hash and,
//! for each of its documents, the kind, the organisation, the document's own `as_of` and
//! whether it is valid. From that one table come the roles every command and the language
//! server share:
//!
//! - an organisation's **current** declaration: its valid department declaration with the
//!   latest `as_of` (of two with the same date, the one outside a dated snapshot folder, then
//!   the first by path);
//! - its **history**: every other declaration of it, each the *previous* declaration of the
//!   next one in date order;
//! - a file is **history** when every document in it is a department declaration that a later
//!   valid declaration of the same organisation supersedes. A folder walk checks current files
//!   and reads history files only as history.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::date::Date;
use crate::hash::ContentHash;
use crate::load::{self, Input, Limits};
use crate::node::{Node, Value};
use crate::schema;

/// How a file's text is read again.
#[derive(Debug, Clone)]
pub enum Text {
    /// From disk; the hash it had when catalogued says whether it changed since.
    File(PathBuf),
    /// Held in memory (standard input, an editor's open document, bytes given to the API).
    Memory(Arc<[u8]>),
}

/// One document of a file, as the catalogue knows it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DocMeta {
    pub index: usize,
    /// Its `kind`, when it names a known one.
    pub kind: Option<String>,
    /// The organisation it concerns (a declaration's `organisation.id`, a proposal's
    /// `proposal.organisation`).
    pub organisation: Option<String>,
    /// Its own `as_of`.
    pub as_of: Option<Date>,
    /// It parses and passes its kind's schema.
    pub valid: bool,
    /// A department's service and system ids with their names (for an editor's completion).
    pub services: Vec<(String, Option<String>)>,
    pub systems: Vec<(String, Option<String>)>,
}

/// What a file holds.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileMeta {
    pub docs: Vec<DocMeta>,
}

impl FileMeta {
    /// Read a file's documents (the same loader and limits as a check).
    pub fn read(name: &str, bytes: &[u8], limits: &Limits) -> FileMeta {
        let input = Input::Bytes {
            name: name.to_string(),
            bytes: Arc::from(bytes),
        };
        let Ok(loaded) = load::load(&input, limits) else {
            return FileMeta::default();
        };
        let broken = loaded
            .problems
            .iter()
            .any(|p| p.severity == crate::finding::Severity::Error);
        let docs = loaded
            .docs
            .iter()
            .map(|doc| {
                let clean = !broken
                    && !doc
                        .problems
                        .iter()
                        .any(|p| p.severity == crate::finding::Severity::Error);
                match &doc.root {
                    Some(root) => DocMeta::of(doc.index, root, clean),
                    None => DocMeta {
                        index: doc.index,
                        ..DocMeta::default()
                    },
                }
            })
            .collect();
        FileMeta { docs }
    }
}

impl DocMeta {
    fn of(index: usize, root: &Node, clean: bool) -> DocMeta {
        let kind = schema::kind_of(root).ok().map(str::to_string);
        let row = kind.as_deref().and_then(schema::kind);
        let organisation = row.and_then(|k| k.text_at(root, k.organisation));
        let valid = clean
            && kind
                .as_deref()
                .is_some_and(|k| schema::validate(k, root).is_empty());
        let ids = |list: Option<&Node>| -> Vec<(String, Option<String>)> {
            match list.map(|n| &n.value) {
                Some(Value::Seq(items)) => items
                    .iter()
                    .filter_map(|i| {
                        let id = i.get("id")?.as_str()?.to_string();
                        Some((id, i.get("name").and_then(Node::as_str).map(str::to_string)))
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        let department = kind.as_deref() == Some("department");
        DocMeta {
            index,
            organisation,
            as_of: crate::history::declared_as_of(root),
            valid,
            services: if department {
                ids(root.get("services"))
            } else {
                Vec::new()
            },
            systems: if department {
                ids(root.get("technology").and_then(|t| t.get("systems")))
            } else {
                Vec::new()
            },
            kind,
        }
    }

    pub fn is_department(&self) -> bool {
        self.kind.as_deref() == Some("department")
    }
}

/// A file of the catalogue.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What identifies it: its absolute path for a file on disk, its name for text held in
    /// memory.
    pub key: String,
    /// The name reports show for it.
    pub name: String,
    /// Its path relative to the workspace root (`/`-separated), or its name when it is not
    /// under the root: how findings that compare with it name it, the same in every command
    /// and in the editor.
    pub rel: String,
    pub text: Text,
    pub hash: ContentHash,
    /// It is in a dated snapshot folder (`2026-09/`, `2026-09-30/`, `2026-Q3/`).
    pub dated: bool,
    pub meta: Arc<FileMeta>,
}

impl Entry {
    /// Its text as catalogued: `None` when it can no longer be read, or changed since.
    pub fn bytes(&self, limit: u64) -> Option<Arc<[u8]>> {
        match &self.text {
            Text::Memory(bytes) => Some(bytes.clone()),
            Text::File(path) => {
                let text = crate::load::read::read_text(path, limit).ok()?;
                (ContentHash::of(text.as_bytes()) == self.hash)
                    .then(|| Arc::from(text.into_bytes().into_boxed_slice()))
            }
        }
    }
}

/// A department declaration of the catalogue, ranked among those of its organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocRef {
    /// Index into [`Catalogue::entries`].
    pub entry: usize,
    /// The document's index within its file.
    pub document: usize,
    pub as_of: Date,
    pub valid: bool,
}

/// Every declaration and proposal of a workspace, with their roles.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// Shared with the history read from them, which names each by its entry.
    pub entries: Vec<Arc<Entry>>,
    /// By organisation: every department declaration with a date, oldest first; of two with
    /// the same date, the one that ranks lower first (so the last valid one is current).
    declarations: BTreeMap<String, Vec<DocRef>>,
    by_key: BTreeMap<String, usize>,
}

/// Whether a folder name is a date or a period: `2026`, `2026-09`, `2026-09-30`, `2026-Q3`,
/// `2026-H1`.
pub fn is_dated(name: &str) -> bool {
    let b = name.as_bytes();
    let year = b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit);
    if !year {
        return false;
    }
    let rest = &name[4..];
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    match rest.strip_prefix('-') {
        None => rest.is_empty(),
        Some(r) => {
            let parts: Vec<&str> = r.split('-').collect();
            match parts.as_slice() {
                [q] if q.len() == 2 && (q.starts_with('Q') || q.starts_with('H')) => {
                    q[1..].bytes().all(|c| c.is_ascii_digit())
                }
                [m] => m.len() == 2 && digits(m),
                [m, d] => m.len() == 2 && d.len() == 2 && digits(m) && digits(d),
                _ => false,
            }
        }
    }
}

/// Whether a workspace-relative path lies in a dated snapshot folder.
pub fn in_dated_folder(rel: &str) -> bool {
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    parts.into_iter().any(is_dated)
}

impl Catalogue {
    /// A catalogue of these entries (in any order; kept in the order given).
    pub fn new(entries: Vec<Entry>) -> Catalogue {
        let mut catalogue = Catalogue {
            entries: entries.into_iter().map(Arc::new).collect(),
            ..Catalogue::default()
        };
        catalogue.index();
        catalogue
    }

    /// Add entries whose keys it does not hold yet.
    pub fn extend(&mut self, entries: impl IntoIterator<Item = Entry>) {
        for e in entries {
            if !self.by_key.contains_key(&e.key) {
                self.by_key.insert(e.key.clone(), self.entries.len());
                self.entries.push(Arc::new(e));
            }
        }
        self.index();
    }

    /// Put these entries in place of those with the same keys (or add them).
    pub fn replace(&mut self, entries: Vec<Entry>) {
        for e in entries {
            match self.by_key.get(&e.key) {
                Some(&i) => self.entries[i] = Arc::new(e),
                None => {
                    self.by_key.insert(e.key.clone(), self.entries.len());
                    self.entries.push(Arc::new(e));
                }
            }
        }
        self.index();
    }

    /// Leave out the entries of these keys.
    pub fn remove(&mut self, keys: &[String]) {
        if keys.iter().all(|k| !self.by_key.contains_key(k)) {
            return;
        }
        self.entries.retain(|e| !keys.contains(&e.key));
        self.index();
    }

    fn index(&mut self) {
        self.by_key = self
            .entries
            .iter()
            .enumerate()
            .rev()
            .map(|(i, e)| (e.key.clone(), i))
            .collect();
        let mut declarations: BTreeMap<String, Vec<DocRef>> = BTreeMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            for d in &e.meta.docs {
                if let (true, Some(org), Some(as_of)) =
                    (d.is_department(), &d.organisation, d.as_of)
                {
                    declarations.entry(org.clone()).or_default().push(DocRef {
                        entry: i,
                        document: d.index,
                        as_of,
                        valid: d.valid,
                    });
                }
            }
        }
        for list in declarations.values_mut() {
            list.sort_by_key(|d| self.rank(d));
        }
        self.declarations = declarations;
    }

    /// The order of an organisation's declarations: by date; of one date, those in dated
    /// folders first (they rank lower), then by path, the first path last (it ranks highest).
    fn rank(&self, d: &DocRef) -> impl Ord + use<> {
        let e = &self.entries[d.entry];
        (
            d.as_of,
            !e.dated,
            std::cmp::Reverse(e.rel.clone()),
            std::cmp::Reverse(d.document),
        )
    }

    /// Index of the entry of a key (see [`Entry::key`]).
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }

    /// The organisations that have a dated department declaration.
    pub fn organisations(&self) -> impl Iterator<Item = &str> {
        self.declarations.keys().map(String::as_str)
    }

    /// Every dated department declaration of an organisation, oldest first.
    pub fn declarations_of(&self, organisation: &str) -> &[DocRef] {
        self.declarations
            .get(organisation)
            .map_or(&[], Vec::as_slice)
    }

    /// An organisation's current declaration: its valid declaration that ranks highest.
    pub fn current(&self, organisation: &str) -> Option<DocRef> {
        self.declarations_of(organisation)
            .iter()
            .rev()
            .find(|d| d.valid)
            .copied()
    }

    /// Whether a document is superseded: a valid declaration of its organisation is dated
    /// after it, or is of the same date outside a dated snapshot folder while it is inside one
    /// (an archived copy). Two declarations of one organisation and date outside snapshot
    /// folders are both current files (each is checked; the first by path is the one proposals
    /// are compared with).
    pub fn superseded(&self, entry: usize, document: usize) -> bool {
        let Some(d) = self.entries[entry]
            .meta
            .docs
            .iter()
            .find(|d| d.index == document)
        else {
            return false;
        };
        let (Some(org), Some(as_of), true) = (&d.organisation, d.as_of, d.is_department()) else {
            return false;
        };
        let dated = self.entries[entry].dated;
        self.declarations_of(org).iter().any(|r| {
            r.valid
                && (r.as_of > as_of || (r.as_of == as_of && dated && !self.entries[r.entry].dated))
        })
    }

    /// Whether a file is history: it holds at least one document, and every document in it is
    /// a dated department declaration that a later valid one supersedes.
    pub fn is_history(&self, entry: usize) -> bool {
        let docs = &self.entries[entry].meta.docs;
        !docs.is_empty() && docs.iter().all(|d| self.superseded(entry, d.index))
    }

    /// The current department declaration of every organisation.
    pub fn currents(&self) -> Vec<DocRef> {
        self.declarations
            .keys()
            .filter_map(|o| self.current(o))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, text: &str) -> Entry {
        let bytes: Arc<[u8]> = Arc::from(text.as_bytes());
        Entry {
            key: name.into(),
            name: name.into(),
            rel: name.into(),
            hash: ContentHash::of(&bytes),
            dated: in_dated_folder(name),
            meta: Arc::new(FileMeta::read(name, &bytes, &Limits::default())),
            text: Text::Memory(bytes),
        }
    }

    #[test]
    fn tells_dated_folders() {
        for yes in ["2026", "2026-09", "2026-09-30", "2026-Q3", "2025-H1"] {
            assert!(is_dated(yes), "{yes}");
        }
        for no in [
            "snapshots",
            "2026-9",
            "v2026",
            "2026-09-3",
            "2026_09",
            "20260930x",
        ] {
            assert!(!is_dated(no), "{no}");
        }
        assert!(in_dated_folder("snapshots/2026-09/dfe.yaml"));
        assert!(!in_dated_folder("declarations/2026-09.yaml"));
    }

    #[test]
    fn ranks_declarations_by_date_then_folder() {
        let dfe = |as_of: &str| {
            format!(
                "schema_version: 1\nkind: department\nas_of: {as_of}\norganisation: {{ id: DFE, name: Education, type: ministerial }}\n"
            )
        };
        let catalogue = Catalogue::new(vec![
            entry("declarations/dfe.yaml", &dfe("2026-12-31")),
            entry("snapshots/2026-09/dfe.yaml", &dfe("2026-09-30")),
            entry("snapshots/2026-12/dfe.yaml", &dfe("2026-12-31")),
            entry("snapshots/2026-03/dfe.yaml", &dfe("2026-03-31")),
        ]);
        let current = catalogue.current("DFE").unwrap();
        assert_eq!(
            catalogue.entries[current.entry].name,
            "declarations/dfe.yaml"
        );
        assert!(!catalogue.is_history(0));
        assert!(catalogue.is_history(1));
        // A dated copy of the current declaration is history too.
        assert!(catalogue.is_history(2));
    }
}
