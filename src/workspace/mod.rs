//! The workspace: a repository of declarations as departments and the centre keep one:
//! current declarations and proposals, dated snapshots and git history, beside one config, one
//! targets file and the organisations register. Every command and the language server read it
//! through this one model, so that the same file in the same workspace gets the same findings
//! everywhere.
//!
//! - [`root`]: where the workspace starts (the config's folder, else the repository's root,
//!   else the current folder);
//! - [`shape`] and [`walk`]: which files are declarations and proposals (other YAML is skipped
//!   and counted);
//! - [`catalogue`]: what each of them holds, and so which are current and which are history;
//! - [`Workspace::select`]: the files a command checks, from the paths it was given.
//!
//! docs/workspace.md describes the rules for users.

pub mod catalogue;
pub mod root;
pub mod shape;
pub mod walk;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

pub use catalogue::{Catalogue, Entry, FileMeta, Text};
pub use root::{FoundBy, Root};
pub use shape::Shape;
pub use walk::{Selection, Skip};

use crate::hash::ContentHash;
use crate::load::{Input, InputError, Limits};

/// Where the metadata of files is kept between runs (by content hash): in memory for the
/// language server, on disk for the command line.
pub trait MetaStore: Sync + Send + std::fmt::Debug {
    fn get(&self, hash: &ContentHash) -> Option<Arc<FileMeta>>;
    fn put(&self, hash: &ContentHash, meta: &Arc<FileMeta>);
    /// The content hash of a file (by key) whose size and modification time are those
    /// recorded, when the store keeps such a record: the file need not be read.
    fn known(&self, _key: &str, _meta: &std::fs::Metadata) -> Option<ContentHash> {
        None
    }
    /// Record a file's size, modification time and content hash.
    fn seen(&self, _key: &str, _meta: &std::fs::Metadata, _hash: &ContentHash) {}
    /// The shape of a file (by key) whose size and modification time are those recorded.
    fn shape(&self, _key: &str, _meta: &std::fs::Metadata) -> Option<Shape> {
        None
    }
    /// Record a file's shape, with its size and modification time.
    fn shaped(&self, _key: &str, _meta: &std::fs::Metadata, _shape: Shape) {}
}

/// No store: every file is read each time.
#[derive(Debug)]
pub struct NoStore;

impl MetaStore for NoStore {
    fn get(&self, _: &ContentHash) -> Option<Arc<FileMeta>> {
        None
    }
    fn put(&self, _: &ContentHash, _: &Arc<FileMeta>) {}
}

/// Metadata held in memory, as long as the store lives.
#[derive(Debug, Default)]
pub struct MemoryStore(Mutex<HashMap<ContentHash, Arc<FileMeta>>>);

impl MetaStore for MemoryStore {
    fn get(&self, hash: &ContentHash) -> Option<Arc<FileMeta>> {
        self.0.lock().ok()?.get(hash).cloned()
    }
    fn put(&self, hash: &ContentHash, meta: &Arc<FileMeta>) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(*hash, meta.clone());
        }
    }
}

/// What the workspace scan passed over, for reports' summaries.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Scanned {
    /// Declarations and proposals found.
    pub files: usize,
    /// Other YAML files, by why they were skipped.
    pub skipped: BTreeMap<Skip, usize>,
    /// Whether the scan stopped at its limit of files.
    pub truncated: bool,
}

/// A workspace, scanned.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: Root,
    pub selection: Selection,
    pub limits: Limits,
    pub catalogue: Arc<Catalogue>,
    pub scanned: Scanned,
    /// Problems of the scan (unreadable folders, links out of the workspace, loops).
    pub errors: Vec<InputError>,
}

/// The files a command checks, chosen from the paths it was given.
#[derive(Debug, Default)]
pub struct Selected {
    pub inputs: Vec<Input>,
    pub errors: Vec<InputError>,
    /// Folders given in which nothing was found to check (`input-none`).
    pub empty: Vec<crate::diag::ToolDiagnostic>,
    /// Files found in the folders given that are history (every document superseded by a later
    /// declaration of its organisation): read as history, not checked.
    pub history: Vec<String>,
    /// Other YAML found in the folders given, by why it was skipped.
    pub skipped: BTreeMap<Skip, usize>,
}

/// A candidate file: its key, the name reports show, its workspace-relative path, its text.
struct Candidate {
    key: String,
    name: String,
    rel: String,
    text: Text,
}

/// Read candidates into catalogue entries, in parallel, each file's metadata from the store
/// when its content is known. Files that cannot be read are left out (a check reports them
/// when it reads them itself).
fn entries(candidates: Vec<Candidate>, limits: &Limits, store: &dyn MetaStore) -> Vec<Entry> {
    candidates
        .into_par_iter()
        .filter_map(|c| {
            let (hash, bytes) = match &c.text {
                Text::Memory(b) => (ContentHash::of(b), Some(b.clone())),
                Text::File(path) => {
                    let stat = std::fs::metadata(path).ok()?;
                    match store.known(&c.key, &stat) {
                        // Unchanged since the store last read it: its hash, without a read.
                        Some(hash) => (hash, None),
                        None => {
                            let bytes: Arc<[u8]> =
                                Arc::from(read_bounded(path, limits.max_file_bytes)?);
                            let hash = ContentHash::of(&bytes);
                            store.seen(&c.key, &stat, &hash);
                            (hash, Some(bytes))
                        }
                    }
                }
            };
            let meta = match store.get(&hash) {
                Some(m) => m,
                None => {
                    let bytes = match bytes {
                        Some(b) => b,
                        None => Arc::from(read_bounded(c.path()?, limits.max_file_bytes)?),
                    };
                    let m = Arc::new(FileMeta::read(&c.name, &bytes, limits));
                    store.put(&hash, &m);
                    m
                }
            };
            Some(Entry {
                dated: catalogue::in_dated_folder(&c.rel),
                key: c.key,
                name: c.name,
                rel: c.rel,
                text: c.text,
                hash,
                meta,
            })
        })
        .collect()
}

impl Candidate {
    fn path(&self) -> Option<&Path> {
        match &self.text {
            Text::File(p) => Some(p),
            Text::Memory(_) => None,
        }
    }
}

/// A regular file's bytes, when it is at most `limit` long.
fn read_bounded(path: &Path, limit: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > limit {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    crate::load::read::open_regular(path)
        .ok()?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= limit).then_some(bytes)
}

/// How reports name a file the workspace scan found: relative to the current folder when it
/// is inside it, else by its absolute path.
pub fn display(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    let text = crate::load::shown(shown.as_deref().unwrap_or(path));
    if text.is_empty() {
        ".".to_string()
    } else {
        text
    }
}

/// A file's key: its absolute path.
pub fn key_of(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

impl Workspace {
    /// Scan the workspace under `root`: every declaration and proposal in it (`scan` false:
    /// none, the workspace is then only what a command names).
    pub fn open(
        root: Root,
        selection: Selection,
        limits: Limits,
        scan: bool,
        store: &dyn MetaStore,
    ) -> Workspace {
        let mut scanned = Scanned::default();
        let mut errors = Vec::new();
        let mut candidates = Vec::new();
        if scan {
            let walked = walk::walk(&root.dir, &root.dir, &selection, store);
            scanned.truncated = walked.truncated;
            for (_, why) in &walked.skipped {
                *scanned.skipped.entry(*why).or_default() += 1;
            }
            errors = walked.errors;
            for found in walked.found {
                let rel = walk::relative(&root.dir, &found.path).unwrap_or_default();
                candidates.push(Candidate {
                    key: key_of(&found.path),
                    name: display(&found.path),
                    rel,
                    text: Text::File(found.path),
                });
            }
        }
        scanned.files = candidates.len();
        let catalogue = Arc::new(Catalogue::new(entries(candidates, &limits, store)));
        Workspace {
            root,
            selection,
            limits,
            catalogue,
            scanned,
            errors,
        }
    }

    /// A workspace of the texts given only (the embedding API's checks from memory).
    pub fn of_texts(files: &[(String, Arc<[u8]>)], limits: Limits) -> Workspace {
        let candidates = files
            .iter()
            .map(|(name, bytes)| Candidate {
                key: name.clone(),
                name: name.clone(),
                rel: name.clone(),
                text: Text::Memory(bytes.clone()),
            })
            .collect();
        Workspace {
            root: Root {
                dir: PathBuf::from("."),
                found_by: FoundBy::Folder,
            },
            selection: Selection::default(),
            catalogue: Arc::new(Catalogue::new(entries(candidates, &limits, &NoStore))),
            limits,
            scanned: Scanned::default(),
            errors: Vec::new(),
        }
    }

    /// The path of a file relative to the root, `/`-separated, else its name.
    pub fn rel(&self, path: &Path) -> Option<String> {
        let abs = std::path::absolute(path).ok()?;
        walk::relative(&self.root.dir, &abs)
    }

    /// Make sure the catalogue holds these inputs (files outside the root, standard input):
    /// what a run checks is always part of its workspace.
    pub fn add_inputs(&mut self, inputs: &[(Input, Option<Arc<[u8]>>)], store: &dyn MetaStore) {
        let mut candidates = Vec::new();
        for (input, bytes) in inputs {
            let (key, text, path) = match (input, bytes) {
                (Input::File(p), _) => (key_of(p), Text::File(p.clone()), Some(p.as_path())),
                (_, Some(b)) => (input.display_name(), Text::Memory(b.clone()), None),
                (Input::Bytes { name, bytes }, None) => {
                    (name.clone(), Text::Memory(bytes.clone()), None)
                }
                (Input::Stdin { .. }, None) => continue,
            };
            if self.catalogue.index_of(&key).is_some() {
                continue;
            }
            let name = input.display_name();
            let rel = path
                .and_then(|p| self.rel(p))
                .unwrap_or_else(|| name.clone());
            candidates.push(Candidate {
                key,
                name,
                rel,
                text,
            });
        }
        if !candidates.is_empty() {
            let more = entries(candidates, &self.limits, store);
            Arc::make_mut(&mut self.catalogue).extend(more);
        }
    }

    /// The workspace with these texts in place of what is on disk (an editor's open documents,
    /// as typed): each `(path, text)` replaces the entry of its file, or joins the workspace.
    pub fn overlay(&self, texts: &[(PathBuf, Arc<[u8]>)], store: &dyn MetaStore) -> Workspace {
        let mut out = self.clone();
        if texts.is_empty() {
            return out;
        }
        let candidates = texts
            .iter()
            .map(|(path, bytes)| Candidate {
                key: key_of(path),
                name: crate::load::shown(path),
                rel: self.rel(path).unwrap_or_else(|| crate::load::shown(path)),
                text: Text::Memory(bytes.clone()),
            })
            .collect();
        let fresh = entries(candidates, &self.limits, store);
        Arc::make_mut(&mut out.catalogue).replace(fresh);
        out
    }

    /// Read files of the workspace again (changed on disk, created or deleted): each is
    /// catalogued as it now is, or left out when it is gone, excluded or not one of ours.
    pub fn refresh(&mut self, paths: &[PathBuf], store: &dyn MetaStore) {
        let mut gone = Vec::new();
        let mut candidates = Vec::new();
        let confined = crate::load::read::Confined::new(&self.root.dir).ok();
        for path in paths {
            let key = key_of(path);
            // Inside the root once `..` and every link are resolved: a path that climbs out
            // (`WS/../x.yaml`) or a link that leads out is not the workspace's to read.
            let rel = self
                .rel(path)
                .filter(|r| !r.split('/').any(|part| part == ".."));
            let inside =
                rel.is_some() && confined.as_ref().is_some_and(|c| c.resolve(path).is_ok());
            let excluded = rel.as_deref().is_some_and(|r| {
                self.selection
                    .exclude
                    .as_ref()
                    .is_some_and(|set| set.is_match(r))
            });
            let ours = inside
                && !excluded
                && std::fs::metadata(path).is_ok_and(|m| m.is_file())
                && (rel.as_deref().is_some_and(|r| {
                    self.selection
                        .include
                        .as_ref()
                        .is_some_and(|set| set.is_match(r))
                }) || read_bounded(path, self.limits.max_file_bytes)
                    .is_some_and(|b| shape::shape_of(&b).is_checked()));
            if ours {
                candidates.push(Candidate {
                    key,
                    name: display(path),
                    rel: rel.unwrap_or_default(),
                    text: Text::File(path.clone()),
                });
            } else {
                gone.push(key);
            }
        }
        let fresh = entries(candidates, &self.limits, store);
        let catalogue = Arc::make_mut(&mut self.catalogue);
        catalogue.remove(&gone);
        catalogue.replace(fresh);
        self.scanned.files = self.catalogue.entries.len();
    }

    /// The files to check for the paths a command was given: a file named is always checked;
    /// a folder is walked for declarations and proposals (other YAML is skipped and counted),
    /// and of those, files that are history are read as history only. `exclude:` applies to
    /// what a walk finds, unless the folder named is itself excluded (naming it checks it).
    pub fn select(
        &mut self,
        paths: &[String],
        stdin_name: &str,
        store: &dyn MetaStore,
    ) -> Selected {
        let mut out = Selected::default();
        // In the order given: the inputs of a path named, or the files found in a folder.
        let mut slots: Vec<Result<Vec<Input>, Vec<PathBuf>>> = Vec::new();
        for path in paths {
            if path == "-" {
                slots.push(Ok(vec![Input::Stdin {
                    name: crate::load::shown(Path::new(stdin_name)),
                }]));
                continue;
            }
            let p = PathBuf::from(path);
            match std::fs::metadata(&p) {
                Ok(m) if m.is_dir() => slots.push(Err(self.walk_named(&p, &mut out, store))),
                _ => {
                    // A file, or something the loader will report as unreadable.
                    let (inputs, errors) =
                        crate::load::expand(std::slice::from_ref(path), stdin_name);
                    out.errors.extend(errors);
                    slots.push(Ok(inputs));
                }
            }
        }
        // Every file named or found joins the catalogue (it may lie outside the root).
        let files: Vec<(Input, Option<Arc<[u8]>>)> = slots
            .iter()
            .flat_map(|slot| match slot {
                Ok(inputs) => inputs
                    .iter()
                    .filter(|i| matches!(i, Input::File(_)))
                    .cloned()
                    .collect::<Vec<_>>(),
                Err(found) => found.iter().map(|p| Input::File(p.clone())).collect(),
            })
            .map(|i| (i, None))
            .collect();
        self.add_inputs(&files, store);
        // Of each folder, the history files are set aside; a folder that holds nothing but
        // history (a dated snapshot folder named on purpose) is checked whole.
        for slot in slots {
            match slot {
                Ok(inputs) => out.inputs.extend(inputs),
                Err(found) => {
                    let is_history = |p: &PathBuf| {
                        self.catalogue
                            .index_of(&key_of(p))
                            .is_some_and(|i| self.catalogue.is_history(i))
                    };
                    let all_history = found.iter().all(is_history);
                    for p in found {
                        if !all_history && is_history(&p) {
                            out.history.push(crate::load::shown(&p));
                        } else {
                            out.inputs.push(Input::File(p));
                        }
                    }
                }
            }
        }
        out
    }

    /// Walk a folder named on the command line; the files found, in sorted order.
    fn walk_named(&self, dir: &Path, out: &mut Selected, store: &dyn MetaStore) -> Vec<PathBuf> {
        let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut selection = self.selection.clone();
        let named_excluded = selection.exclude.as_ref().is_some_and(|set| {
            walk::relative(&self.root.dir, &abs).is_some_and(|rel| {
                let rel_path = Path::new(&rel);
                rel_path
                    .ancestors()
                    .filter(|a| !a.as_os_str().is_empty())
                    .any(|a| set.is_match(a))
            })
        });
        if named_excluded {
            selection.exclude = None;
        }
        // Globs match paths relative to the root; a folder outside it is walked as its own
        // root.
        let root = if abs.starts_with(&self.root.dir) {
            self.root.dir.clone()
        } else {
            abs.clone()
        };
        let walked = walk::walk(dir, &root, &selection, store);
        for (_, why) in &walked.skipped {
            *out.skipped.entry(*why).or_default() += 1;
        }
        let had_errors = !walked.errors.is_empty();
        out.errors.extend(walked.errors);
        if walked.found.is_empty() && !had_errors {
            let count = |why: Skip| walked.skipped.iter().filter(|(_, w)| *w == why).count();
            let (excluded, other) = (
                count(Skip::Excluded),
                walked.skipped.len() - count(Skip::Excluded),
            );
            let files = |n: usize| {
                if n == 1 {
                    "1 YAML file".to_string()
                } else {
                    format!("{n} YAML files")
                }
            };
            let message = match (excluded, other) {
                (0, 0) => {
                    "no declarations here: the folder holds no `*.yaml` or `*.yml` file".to_string()
                }
                (0, n) => format!(
                    "no declarations or proposals here: {} skipped, none of them a declaration or a proposal",
                    files(n)
                ),
                (n, 0) => format!(
                    "nothing to check here: {} excluded by the config's `exclude`/`ignore`",
                    files(n)
                ),
                (e, n) => format!(
                    "nothing to check here: {} excluded by the config, {} not declarations or proposals",
                    files(e),
                    files(n)
                ),
            };
            out.empty.push(
                crate::diag::ToolDiagnostic::new(
                    crate::diag::Code::InputNone,
                    format!("{}: {message}", crate::load::shown(dir)),
                )
                .file(crate::load::shown(dir))
                .help("check the path and the config's `exclude` patterns; a declaration has `kind: department` (a proposal `kind: proposal`) at its top level, or names its schema in a `# yaml-language-server: $schema=` line"),
            );
        }
        walked.found.into_iter().map(|f| f.path).collect()
    }
}
