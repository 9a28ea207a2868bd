//! The cache: what a run learnt of each file, kept on disk between runs, as ruff keeps its
//! cache. A warm run over unchanged files reads the cache instead of parsing and judging them
//! again, and its reports are byte for byte those of a cold run.
//!
//! - Where: `.roadmap-lint-cache/` in the workspace root (the config's folder or the
//!   repository's root), `cache_dir:` in the config, or `--cache-dir`; `--no-cache` reads and
//!   writes none. A workspace found only as the current folder gets no cache unless asked.
//! - What: an index of the workspace's files (size, modification time, content hash and what
//!   each document of the file is), and for each checked file, keyed by its content and
//!   everything its findings depend on, the file's outcome.
//! - Never trusted across versions: everything lives under a folder named for the tool's
//!   version and the build of the executable, so a new build starts afresh.
//! - Safe under concurrent runs: every file is written whole under a temporary name and
//!   renamed into place; a reader sees the old entry or the new, and an entry that cannot be
//!   read or parsed is a miss, never an error.

mod index;

pub use index::Index;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::hash::{ContentHash, Hasher};

/// The default folder, in the workspace root.
pub const FOLDER: &str = ".roadmap-lint-cache";

/// A cache folder of this build.
#[derive(Debug)]
pub struct Cache {
    /// The versioned folder everything is kept in.
    dir: PathBuf,
    pub index: Index,
}

/// What names a build: the tool's version, and the size and modification time of the
/// executable (a rebuilt binary of the same version is a different build).
fn build_id() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut h = Hasher::new();
    h.part(meta.len().to_le_bytes())
        .part(modified.as_nanos().to_le_bytes());
    Some(format!(
        "v{}-{}",
        env!("CARGO_PKG_VERSION"),
        &h.finish().hex()[..16]
    ))
}

impl Cache {
    /// The cache in `root` (created when missing), or `None` when it cannot be made: a run
    /// then simply goes without.
    pub fn open(root: &Path) -> Option<Arc<Cache>> {
        let dir = root.join(build_id()?);
        std::fs::create_dir_all(dir.join("out")).ok()?;
        // Marked as a cache for backup tools, and ignored by git, as ruff marks its own.
        let tag = root.join("CACHEDIR.TAG");
        if !tag.exists() {
            let _ = write_atomic(
                &tag,
                b"Signature: 8a477f597d28d172789f06886806bc55\n# roadmap-lint's cache: https://bford.info/cachedir/\n",
            );
        }
        let ignore = root.join(".gitignore");
        if !ignore.exists() {
            let _ = write_atomic(&ignore, b"# Created by roadmap-lint: its cache.\n*\n");
        }
        prune(root, &dir);
        let index = Index::load(&dir.join("index"));
        Some(Arc::new(Cache { dir, index }))
    }

    /// The entry of a file's outcome under `key`, if there is one.
    pub fn get(&self, key: &ContentHash) -> Option<Vec<u8>> {
        std::fs::read(self.path_of(key)).ok()
    }

    /// Keep an entry (whole, or not at all).
    pub fn put(&self, key: &ContentHash, bytes: &[u8]) {
        let _ = write_atomic(&self.path_of(key), bytes);
    }

    /// The file that holds the entry under `key`.
    pub fn path_of(&self, key: &ContentHash) -> PathBuf {
        let hex = key.hex();
        self.dir.join("out").join(&hex[..2]).join(&hex[2..])
    }

    /// Write the index of the workspace's files back, for the next run.
    pub fn save(&self) {
        self.index.save(&self.dir.join("index"));
    }
}

/// How long the folder of another build is kept after its last use (a run of that build may
/// still be going on, or the build may come back, as when switching branches).
const OTHER_BUILDS_KEPT: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// Remove the folders of other builds not used for [`OTHER_BUILDS_KEPT`]: each build writes its
/// own, and nothing else would ever remove them. Only folders named as this module names them
/// (`v<version>-<16 hex digits>`) are touched.
fn prune(root: &Path, current: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name.starts_with('v')
            && name
                .rsplit_once('-')
                .is_some_and(|(_, id)| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()));
        if !ours || path == current || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        // Its last use: when its index was last written, else the folder's own time.
        let used = std::fs::metadata(path.join("index"))
            .or_else(|_| entry.metadata())
            .and_then(|m| m.modified());
        let stale = used
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > OTHER_BUILDS_KEPT);
        if stale {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Write a file whole: a temporary file in the same folder, then a rename over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    crate::write::atomic_with(path, crate::write::Durability::Unsynced, |out| {
        out.write_all(bytes)
    })
}
