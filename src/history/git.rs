//! Declarations as they were committed, read from a git repository's objects with gix (no
//! `git` binary): the files of the workspace at one revision (`check --previous-rev REV`),
//! and the commits of a first-parent history (`progress --git`).
//!
//! Which files of a commit count is decided as a folder walk decides it on disk: YAML files
//! under the workspace root whose shape is a declaration or a proposal (or that the config's
//! `include:` names), not under a hidden folder, `target/`, `node_modules/` or a rule pack,
//! and not excluded by the config. Every problem is a diagnostic with a code: a root outside
//! any repository, a revision that names no commit (with the way out of a shallow clone), a
//! history cut short by a shallow clone, an object that cannot be read or is larger than the
//! file limit. Nothing here panics on a broken repository.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use gix::ObjectId;
use globset::GlobSet;

use crate::diag::{Code, ToolDiagnostic};
use crate::finding::Severity;

/// The deepest folder nesting read in a commit's tree.
const MAX_TREE_DEPTH: usize = 64;
/// The most files listed in one commit's tree.
const MAX_FILES: usize = 200_000;
/// The most commits one history walk reads.
const MAX_COMMITS: usize = 100_000;
/// The largest file read at all (to tell its shape) when it is over the file limit.
const MAX_SHAPE_READ: u64 = 256 * 1024 * 1024;

/// A repository, opened at the workspace root.
pub struct Repo {
    repo: gix::Repository,
    /// The workspace root relative to the work tree, `/`-separated, empty or ending in `/`.
    under: String,
    /// The commits whose parents a shallow clone lacks.
    shallow: HashSet<ObjectId>,
    /// Each tree's YAML files (path below it, blob), listed once.
    trees: HashMap<ObjectId, Arc<Vec<(String, ObjectId)>>>,
    /// Each blob read, once: its bytes, `None` when it is not taken.
    blobs: HashMap<ObjectId, Option<Arc<[u8]>>>,
}

/// A commit, by the revision that named it and its full id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub revision: String,
    pub id: String,
}

impl Commit {
    /// The id as reports show it: its first ten hex digits.
    pub fn short(&self) -> &str {
        self.id.get(..10).unwrap_or(&self.id)
    }
}

/// A file of a commit, by its path in the repository.
#[derive(Debug, Clone)]
pub struct Blob {
    pub path: String,
    pub bytes: Arc<[u8]>,
}

/// What decides which files of a commit are read (the config's `include:` and `exclude:`,
/// matched against paths relative to the workspace root), and the file limit.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub include: Option<GlobSet>,
    pub exclude: Option<GlobSet>,
    pub max_file_bytes: u64,
}

fn unreadable(what: impl std::fmt::Display, why: impl std::fmt::Display) -> ToolDiagnostic {
    ToolDiagnostic::new(
        Code::GitObjectUnreadable,
        format!("{what} could not be read from the repository: {why}"),
    )
    .severity(Severity::Warning)
    .help("the repository's objects may be incomplete or corrupt: `git fsck` says which")
}

impl Repo {
    /// The repository holding `root` (the workspace root).
    pub fn open(root: &Path) -> Result<Repo, ToolDiagnostic> {
        let shown = crate::workspace::display(root);
        let not_one = |why: String| {
            ToolDiagnostic::new(
                Code::GitNotRepository,
                format!("{shown} is not in a git repository ({why})"),
            )
            .help("run in a clone of the repository, or compare with files instead: `--previous FILE`, or `progress` on dated folders")
        };
        let repo = gix::discover(root).map_err(|e| not_one(e.to_string()))?;
        let Some(workdir) = repo.workdir() else {
            return Err(not_one("it has no work tree".into()));
        };
        let abs = |p: &Path| {
            std::path::absolute(p)
                .ok()
                .and_then(|p| p.canonicalize().ok())
                .unwrap_or_else(|| p.to_path_buf())
        };
        let under = crate::workspace::walk::relative(&abs(workdir), &abs(root))
            .filter(|u| !u.is_empty())
            .map(|u| format!("{u}/"))
            .unwrap_or_default();
        let shallow = match repo.shallow_commits() {
            Ok(Some(list)) => list.iter().copied().collect(),
            _ => HashSet::new(),
        };
        Ok(Repo {
            repo,
            under,
            shallow,
            trees: HashMap::new(),
            blobs: HashMap::new(),
        })
    }

    /// Whether the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        !self.shallow.is_empty()
    }

    /// The commit a revision names (a branch, a tag, a commit id, `HEAD~2`...).
    pub fn resolve(&self, revision: &str) -> Result<Commit, ToolDiagnostic> {
        let found = self
            .repo
            .rev_parse_single(revision)
            .map_err(|e| e.to_string())
            .and_then(|id| {
                id.object()
                    .map_err(|e| e.to_string())?
                    .peel_to_commit()
                    .map_err(|e| e.to_string())
            });
        match found {
            Ok(commit) => Ok(Commit {
                revision: revision.to_string(),
                id: commit.id.to_string(),
            }),
            Err(why) => {
                let help = if self.is_shallow() {
                    "this is a shallow clone, so the commit may be beyond its depth: `git fetch --unshallow` (in CI, check out with `fetch-depth: 0`), or fetch the branch named"
                } else {
                    "name a branch, tag or commit of this repository (`git log --oneline` lists commits); a branch of a remote may need `git fetch` first"
                };
                Err(ToolDiagnostic::new(
                    Code::GitUnknownRevision,
                    format!("`{revision}` names no commit of the repository: {why}"),
                )
                .help(help))
            }
        }
    }

    /// The commits of `range` in first-parent order, newest first: `None` is HEAD's
    /// history, `A..B` is B's first-parent history down to (not including) a commit of A's,
    /// anything else that revision's history. A history cut short by a shallow clone is a
    /// warning.
    pub fn history(
        &self,
        range: Option<&str>,
    ) -> Result<(Vec<Commit>, Vec<ToolDiagnostic>), ToolDiagnostic> {
        let (from, to) = match range.and_then(|r| r.split_once("..")) {
            Some((a, b)) => (
                (!a.is_empty()).then_some(a),
                if b.is_empty() { "HEAD" } else { b },
            ),
            None => (None, range.unwrap_or("HEAD")),
        };
        let stop: HashSet<String> = match from {
            Some(a) => {
                let start = self.resolve(a)?;
                self.first_parents(&start, usize::MAX)
                    .0
                    .into_iter()
                    .map(|c| c.id)
                    .collect()
            }
            None => HashSet::new(),
        };
        let start = self.resolve(to)?;
        let (chain, mut diagnostics) = self.first_parents(&start, MAX_COMMITS);
        let walked = chain.len();
        let commits: Vec<Commit> = chain
            .into_iter()
            .take_while(|c| !stop.contains(&c.id))
            .collect();
        // The range ended before the clone's boundary: nothing of it is missing.
        if commits.len() < walked {
            diagnostics.retain(|d| d.code != Code::GitShallow);
        }
        Ok((commits, diagnostics))
    }

    /// `start` and its first parents, newest first, at most `most`: a missing parent is a
    /// diagnostic (a shallow clone's boundary, or a broken repository).
    fn first_parents(&self, start: &Commit, most: usize) -> (Vec<Commit>, Vec<ToolDiagnostic>) {
        let mut out = Vec::new();
        let mut diagnostics = Vec::new();
        let Ok(mut id) = ObjectId::from_hex(start.id.as_bytes()) else {
            return (out, diagnostics);
        };
        loop {
            let commit = match self.repo.find_commit(id) {
                Ok(c) => c,
                Err(e) => {
                    diagnostics.push(unreadable(format!("commit {id}"), e));
                    break;
                }
            };
            let revision = if out.is_empty() {
                start.revision.clone()
            } else {
                format!("{}~{}", start.revision, out.len())
            };
            out.push(Commit {
                revision,
                id: id.to_string(),
            });
            if out.len() >= most {
                break;
            }
            let Some(parent) = commit.parent_ids().next() else {
                break;
            };
            if self.shallow.contains(&id) {
                diagnostics.push(
                    ToolDiagnostic::new(
                        Code::GitShallow,
                        format!(
                            "the history read ends after {} commit{} at {}, the depth of this shallow clone: earlier commits are not in it",
                            out.len(),
                            if out.len() == 1 { "" } else { "s" },
                            out.last().map_or("", Commit::short)
                        ),
                    )
                    .severity(Severity::Warning)
                    .help("`git fetch --unshallow` (in CI, check out with `fetch-depth: 0`) brings the whole history"),
                );
                break;
            }
            id = parent.detach();
        }
        (out, diagnostics)
    }

    /// The declaration and proposal files under the workspace root at `commit`, by path.
    pub fn files_at(
        &mut self,
        commit: &Commit,
        filter: &Filter,
    ) -> (Vec<Blob>, Vec<ToolDiagnostic>) {
        let mut diagnostics = Vec::new();
        let tree = ObjectId::from_hex(commit.id.as_bytes())
            .map_err(|e| e.to_string())
            .and_then(|id| self.repo.find_commit(id).map_err(|e| e.to_string()))
            .and_then(|c| c.tree_id().map(|t| t.detach()).map_err(|e| e.to_string()));
        let tree = match tree {
            Ok(t) => t,
            Err(e) => {
                diagnostics.push(unreadable(format!("commit {}", commit.short()), e));
                return (Vec::new(), diagnostics);
            }
        };
        let listed = self.list(tree, 0, &mut diagnostics);
        let mut out = Vec::new();
        for (path, blob) in listed.iter() {
            let Some(rel) = path.strip_prefix(self.under.as_str()) else {
                continue;
            };
            if filter.exclude.as_ref().is_some_and(|g| g.is_match(rel)) {
                continue;
            }
            let included = filter.include.as_ref().is_some_and(|g| g.is_match(rel));
            let Some(bytes) = self.blob(*blob, path, commit, included, filter, &mut diagnostics)
            else {
                continue;
            };
            out.push(Blob {
                path: path.clone(),
                bytes,
            });
        }
        (out, diagnostics)
    }

    /// A file's bytes when it is taken: a declaration or proposal by its shape (or included),
    /// within the file limit. One over the limit is a diagnostic.
    fn blob(
        &mut self,
        id: ObjectId,
        path: &str,
        commit: &Commit,
        included: bool,
        filter: &Filter,
        diagnostics: &mut Vec<ToolDiagnostic>,
    ) -> Option<Arc<[u8]>> {
        if !included && let Some(known) = self.blobs.get(&id) {
            return known.clone();
        }
        let size = match self.repo.find_header(id) {
            Ok(h) => h.size(),
            Err(e) => {
                diagnostics.push(unreadable(format!("{path} at {}", commit.short()), e));
                return None;
            }
        };
        if size > MAX_SHAPE_READ {
            return None;
        }
        let data: Arc<[u8]> = match self.repo.find_object(id) {
            Ok(o) => Arc::from(o.data.as_slice()),
            Err(e) => {
                diagnostics.push(unreadable(format!("{path} at {}", commit.short()), e));
                return None;
            }
        };
        let head = &data[..data.len().min(64 * 1024)];
        let ours = included || crate::workspace::shape::shape_of(head).is_checked();
        let taken = if !ours {
            None
        } else if size > filter.max_file_bytes {
            diagnostics.push(
                ToolDiagnostic::new(
                    Code::GitObjectUnreadable,
                    format!(
                        "{path} at {} is {size} bytes, over the limit of {} bytes, so it was not read",
                        commit.short(),
                        filter.max_file_bytes
                    ),
                )
                .severity(Severity::Warning)
                .file(path.to_string())
                .help("raise `--max-file-size` if the file is really a declaration"),
            );
            None
        } else {
            Some(data)
        };
        if !included {
            self.blobs.insert(id, taken.clone());
        }
        taken
    }

    /// A tree's YAML files, with paths below it, outside the folders a walk passes over.
    fn list(
        &mut self,
        tree: ObjectId,
        depth: usize,
        diagnostics: &mut Vec<ToolDiagnostic>,
    ) -> Arc<Vec<(String, ObjectId)>> {
        if let Some(known) = self.trees.get(&tree) {
            return known.clone();
        }
        let mut files = Vec::new();
        let mut folders = Vec::new();
        let mut complete = true;
        match self.repo.find_tree(tree) {
            Ok(t) => {
                let names: Vec<String> = t
                    .iter()
                    .filter_map(Result::ok)
                    .filter_map(|e| {
                        let name = e.filename().to_string();
                        (e.mode().is_tree() && !skipped_folder(&name)).then_some(name)
                    })
                    .collect();
                // A rule pack (a folder with `pack.yaml`) is passed over whole.
                if t.iter()
                    .filter_map(Result::ok)
                    .any(|e| e.mode().is_blob() && e.filename() == "pack.yaml")
                    && depth > 0
                {
                    let empty = Arc::new(Vec::new());
                    self.trees.insert(tree, empty.clone());
                    return empty;
                }
                for entry in t.iter() {
                    let Ok(entry) = entry else {
                        complete = false;
                        continue;
                    };
                    let name = entry.filename().to_string();
                    if entry.mode().is_tree() && names.contains(&name) {
                        folders.push((name, entry.object_id()));
                    } else if entry.mode().is_blob()
                        && (name.ends_with(".yaml") || name.ends_with(".yml"))
                    {
                        files.push((name, entry.object_id()));
                    }
                }
            }
            Err(e) => {
                diagnostics.push(unreadable(format!("tree {tree}"), e));
                complete = false;
            }
        }
        if depth < MAX_TREE_DEPTH {
            for (name, id) in folders {
                let below = self.list(id, depth + 1, diagnostics);
                files.extend(below.iter().map(|(p, b)| (format!("{name}/{p}"), *b)));
                if files.len() > MAX_FILES {
                    files.truncate(MAX_FILES);
                    break;
                }
            }
        }
        files.sort();
        let files = Arc::new(files);
        if complete {
            self.trees.insert(tree, files.clone());
        }
        files
    }
}

/// Whether a folder is passed over whole, as a walk on disk passes it.
fn skipped_folder(name: &str) -> bool {
    name.starts_with('.') || name == "target" || name == "node_modules"
}

/// Declarations as committed over a first-parent history, for `progress --git`: one file per
/// distinct (organisation, `as_of`) of a department declaration, the version of the newest
/// commit that holds it, named `PATH at COMMIT`.
#[derive(Debug, Default)]
pub struct Series {
    /// The files, oldest commit first.
    pub inputs: Vec<crate::load::Input>,
    /// The commits walked, newest first.
    pub walked: Vec<Commit>,
    /// The commits the files were read from, newest first.
    pub used: Vec<Commit>,
    pub diagnostics: Vec<ToolDiagnostic>,
}

impl Series {
    /// Where the series came from, as reports say it: `git main (first-parent history, 12
    /// commits read; declarations from 1a2b3c4d5e, 9f8e7d6c5b)`.
    pub fn describe(&self, range: Option<&str>) -> String {
        let used: Vec<&str> = self.used.iter().map(Commit::short).collect();
        format!(
            "git {} (first-parent history, {} commit{} read; declarations from {})",
            range.unwrap_or("HEAD"),
            self.walked.len(),
            if self.walked.len() == 1 { "" } else { "s" },
            if used.is_empty() {
                "no commit".to_string()
            } else {
                used.join(", ")
            }
        )
    }
}

/// The series of the workspace at `root` over `range` (see [`Repo::history`]).
pub fn series(
    root: &Path,
    range: Option<&str>,
    filter: &Filter,
    limits: &crate::load::Limits,
) -> Result<Series, ToolDiagnostic> {
    let mut repo = Repo::open(root)?;
    let (walked, mut diagnostics) = repo.history(range)?;
    let mut seen: HashSet<(String, crate::date::Date)> = HashSet::new();
    let mut metas: HashMap<crate::hash::ContentHash, crate::workspace::catalogue::FileMeta> =
        HashMap::new();
    let mut inputs = Vec::new();
    let mut used = Vec::new();
    for commit in &walked {
        let (blobs, problems) = repo.files_at(commit, filter);
        for d in problems {
            if !diagnostics.iter().any(|x| x.message == d.message) {
                diagnostics.push(d);
            }
        }
        let mut took = false;
        for blob in blobs {
            let meta = metas
                .entry(crate::hash::ContentHash::of(&blob.bytes))
                .or_insert_with(|| {
                    crate::workspace::catalogue::FileMeta::read(&blob.path, &blob.bytes, limits)
                });
            let mut new = false;
            for doc in meta.docs.iter().filter(|d| d.is_department()) {
                if let (Some(organisation), Some(as_of)) = (&doc.organisation, doc.as_of) {
                    new |= seen.insert((organisation.clone(), as_of));
                }
            }
            if new {
                took = true;
                inputs.push(crate::load::Input::Bytes {
                    name: format!("{} at {}", blob.path, commit.short()),
                    bytes: blob.bytes,
                });
            }
        }
        if took {
            used.push(commit.clone());
        }
    }
    inputs.reverse();
    Ok(Series {
        inputs,
        walked,
        used,
        diagnostics,
    })
}
