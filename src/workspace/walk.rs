//! Walking a folder of the workspace for the files a check reads: declarations and proposals,
//! told by their shape ([`super::shape`]) or forced in or out by the config's `include:` and
//! `exclude:` globs. Other YAML is skipped and counted. Hidden folders (`.git`, `.github`, the
//! cache), build output (`target`, `node_modules`) and rule packs (a folder holding
//! `pack.yaml`, whose fixtures are test data) are never entered; links that lead outside the
//! folder named are not followed, and link loops end the branch with a problem.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::shape::{Shape, shape_of};
use crate::load::{InputError, read::Confined, shown};

/// Most files one walk looks at, and the deepest folder it enters: a walk of `/` must end.
pub const MAX_FILES: usize = 200_000;
pub const MAX_DEPTH: usize = 4096;

/// How much of a file is read to tell its shape, when it is larger than the files a check
/// reads (its too-large problem is then the loader's to report, if it is ours).
const SHAPE_PREFIX: u64 = 64 * 1024;

/// The config's file selection, as glob sets matched against paths relative to the workspace
/// root (`/`-separated).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Files taken as declarations or proposals whatever their shape.
    pub include: Option<GlobSet>,
    /// Files and folders never read (`exclude:`, and the older `ignore:`).
    pub exclude: Option<GlobSet>,
    /// Folders never entered, absolute: the config's rule folders, the cache.
    pub skip_dirs: Vec<PathBuf>,
}

/// A glob set from patterns written as in `.gitignore`-like configs: a pattern with a `/` is
/// anchored at the workspace root, one without matches at any depth. `Err` names the first
/// pattern that is not a glob.
pub fn globs(patterns: &[String]) -> Result<Option<GlobSet>, (usize, String)> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut set = GlobSetBuilder::new();
    for (i, pattern) in patterns.iter().enumerate() {
        let full = if pattern.contains('/') {
            pattern
                .trim_start_matches("./")
                .trim_end_matches('/')
                .to_string()
        } else {
            format!("**/{pattern}")
        };
        let glob = GlobBuilder::new(&full)
            .literal_separator(true)
            .build()
            .map_err(|e| (i, e.kind().to_string()))?;
        set.add(glob);
        // A folder pattern also covers what is inside it.
        if let Ok(inside) = GlobBuilder::new(&format!("{full}/**"))
            .literal_separator(true)
            .build()
        {
            set.add(inside);
        }
    }
    set.build().map(Some).map_err(|e| (0, e.to_string()))
}

/// A file the walk found.
#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
}

/// Why a YAML file was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Skip {
    /// Not a declaration or a proposal (a workflow, a pack manifest, other YAML).
    NotOurs,
    /// The department-level targets file.
    Targets,
    /// `exclude:` (or `ignore:`) in the config names it.
    Excluded,
}

/// What a walk found: the files to read, in sorted order, and what it passed over.
#[derive(Debug, Default)]
pub struct Walked {
    pub found: Vec<Found>,
    pub skipped: Vec<(PathBuf, Skip)>,
    /// Folders passed over whole (hidden, build output, rule packs): not counted file by file.
    pub folders_skipped: usize,
    pub errors: Vec<InputError>,
    /// Whether the walk stopped at [`MAX_FILES`].
    pub truncated: bool,
}

/// The path of `path` relative to `root`, `/`-separated, when it is inside it.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

struct Walker<'a> {
    /// The workspace root (absolute), against which globs match.
    root: &'a Path,
    selection: &'a Selection,
    confined: Option<Confined>,
    seen: Vec<(u64, u64)>,
    looked_at: usize,
    /// Where the shape of a file unchanged since an earlier run is found without reading it.
    store: &'a dyn super::MetaStore,
    out: Walked,
}

/// Walk `dir` (as given: the paths found start with it) of the workspace rooted at `root`
/// (absolute), whose globs match paths relative to it.
pub fn walk(
    dir: &Path,
    root: &Path,
    selection: &Selection,
    store: &dyn super::MetaStore,
) -> Walked {
    let mut walker = Walker {
        root,
        selection,
        confined: Confined::new(dir).ok(),
        seen: Vec::new(),
        looked_at: 0,
        store,
        out: Walked::default(),
    };
    walker.folder(dir, 0);
    walker.out
}

/// Whether a folder below the one named is passed over whole.
fn skipped_folder(path: &Path, name: &str, selection: &Selection) -> bool {
    name.starts_with('.')
        || name == "target"
        || name == "node_modules"
        || path.join("pack.yaml").is_file()
        || selection
            .skip_dirs
            .iter()
            .any(|d| std::path::absolute(path).is_ok_and(|p| &p == d))
}

#[cfg(unix)]
fn dir_id(meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn dir_id(_: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

impl Walker<'_> {
    fn excluded(&self, path: &Path) -> bool {
        let Some(set) = &self.selection.exclude else {
            return false;
        };
        self.rel(path).is_some_and(|rel| set.is_match(rel))
    }

    fn included(&self, path: &Path) -> bool {
        let Some(set) = &self.selection.include else {
            return false;
        };
        self.rel(path).is_some_and(|rel| set.is_match(rel))
    }

    /// A path relative to the root the globs match against.
    fn rel(&self, path: &Path) -> Option<String> {
        let abs = std::path::absolute(path).ok()?;
        relative(self.root, &abs)
    }

    fn error(&mut self, path: &Path, message: String, help: &str) {
        self.out.errors.push(InputError {
            path: shown(path),
            message,
            help: help.into(),
        });
    }

    fn folder(&mut self, dir: &Path, depth: usize) {
        let meta = match fs::metadata(dir) {
            Ok(m) => m,
            Err(e) => {
                return self.error(
                    dir,
                    format!("cannot read directory: {e}"),
                    "check the directory exists and can be read",
                );
            }
        };
        let id = dir_id(&meta);
        if cfg!(unix) && self.seen.contains(&id) {
            return self.error(
                dir,
                "symbolic link loop: this directory is already being read".into(),
                "remove the link that points back up the tree",
            );
        }
        let mut entries: Vec<fs::DirEntry> = match fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(Result::ok).collect(),
            Err(e) => {
                return self.error(
                    dir,
                    format!("cannot read directory: {e}"),
                    "check the directory can be read",
                );
            }
        };
        entries.sort_by_key(fs::DirEntry::file_name);
        self.seen.push(id);
        for entry in entries {
            if self.out.truncated {
                break;
            }
            self.entry(&entry, depth);
        }
        self.seen.pop();
    }

    fn entry(&mut self, entry: &fs::DirEntry, depth: usize) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else { return };
        if kind.is_symlink() && !self.link_inside(&path) {
            return;
        }
        let Ok(meta) = fs::metadata(&path) else {
            if is_yaml(&name) {
                self.error(
                    &path,
                    "a symbolic link whose target cannot be read".into(),
                    "the link points at a file that is missing (or at itself); fix or remove it",
                );
            }
            return;
        };
        if meta.is_dir() {
            if self.excluded(&path) || skipped_folder(&path, &name, self.selection) {
                self.out.folders_skipped += 1;
            } else if depth < MAX_DEPTH {
                self.folder(&path, depth + 1);
            }
            return;
        }
        if !is_yaml(&name) {
            return;
        }
        self.looked_at += 1;
        if self.looked_at > MAX_FILES {
            self.out.truncated = true;
            return;
        }
        if self.excluded(&path) {
            self.out.skipped.push((path, Skip::Excluded));
            return;
        }
        if !meta.is_file() {
            return self.error(
                &path,
                "not a regular file (a FIFO, socket or device)".into(),
                "pass declarations as files; to read a stream, use `-` and pipe it to stdin",
            );
        }
        let included = self.included(&path);
        let key = super::key_of(&path);
        let shape = self.store.shape(&key, &meta).unwrap_or_else(|| {
            let shape = shape_of(&prefix(&path));
            self.store.shaped(&key, &meta, shape);
            shape
        });
        match (shape, included) {
            (Shape::Declaration | Shape::Proposal, _) => self.out.found.push(Found { path }),
            (_, true) => self.out.found.push(Found { path }),
            (Shape::Targets, false) => self.out.skipped.push((path, Skip::Targets)),
            (Shape::Other, false) => self.out.skipped.push((path, Skip::NotOurs)),
        }
    }

    /// Whether a link found in the walk stays inside the folder named; one that leads
    /// outside is a problem when it would have been read (a folder, or a YAML file).
    fn link_inside(&mut self, path: &Path) -> bool {
        let Some(confined) = &self.confined else {
            return true;
        };
        match confined.resolve(path) {
            Err(crate::load::read::Refusal::Outside { target }) => {
                let readable = fs::metadata(path).is_ok_and(|m| m.is_dir())
                    || path
                        .file_name()
                        .is_some_and(|n| is_yaml(&n.to_string_lossy()));
                if readable {
                    let root = confined.root().display().to_string();
                    self.error(
                        path,
                        format!(
                            "a symbolic link to {}, outside the folder being checked ({root}): not followed",
                            target.display()
                        ),
                        "name the file or folder on the command line to check it, or move it into the folder",
                    );
                }
                false
            }
            _ => true,
        }
    }
}

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// The first bytes of a file, enough to tell its shape.
fn prefix(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Opened without blocking, and only as a regular file inside the folder.
    if let Ok(file) = crate::load::read::open_regular(path) {
        let _ = file.take(SHAPE_PREFIX).read_to_end(&mut bytes);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn takes_declarations_and_counts_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(
            root,
            "declarations/dfe.yaml",
            "schema_version: 1\nkind: department\n",
        );
        write(
            root,
            "proposals/p.yaml",
            "schema_version: 1\nkind: proposal\n",
        );
        write(root, ".github/workflows/ci.yml", "on: push\n");
        write(root, "rules/dfe/pack.yaml", "name: dfe\n");
        write(root, "rules/dfe/fixtures/x/fail.yaml", "kind: department\n");
        write(root, "mkdocs.yml", "site_name: x\n");
        write(root, "targets.yaml", "kind: targets\n");
        write(root, "drafts/old.yaml", "kind: department\n");
        let selection = Selection {
            exclude: globs(&["drafts".into()]).unwrap(),
            include: globs(&["odd/*.yaml".into()]).unwrap(),
            ..Selection::default()
        };
        write(root, "odd/shapeless.yaml", "a: 1\n");
        let walked = walk(root, root, &selection, &super::super::NoStore);
        let found: Vec<String> = walked
            .found
            .iter()
            .map(|f| relative(root, &f.path).unwrap())
            .collect();
        assert_eq!(
            found,
            [
                "declarations/dfe.yaml",
                "odd/shapeless.yaml",
                "proposals/p.yaml"
            ]
        );
        let skipped: Vec<(String, Skip)> = walked
            .skipped
            .iter()
            .map(|(p, s)| (relative(root, p).unwrap(), *s))
            .collect();
        assert_eq!(
            skipped,
            [
                ("mkdocs.yml".to_string(), Skip::NotOurs),
                ("targets.yaml".to_string(), Skip::Targets),
            ]
        );
        // .github, the pack and the excluded folder.
        assert_eq!(walked.folders_skipped, 3);
        assert!(walked.errors.is_empty());
    }
}
