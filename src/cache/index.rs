//! The index of a workspace's files: for each file (by absolute path), its size, modification
//! time and content hash, and for each content hash, what the file's documents are
//! ([`FileMeta`]). A warm run tells an unchanged file by its size and time, without reading
//! it. A file modified within two seconds of being indexed is not trusted by its time next
//! run (its content could change again within the same clock tick): it is read again.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::hash::ContentHash;
use crate::workspace::{FileMeta, MetaStore, Shape};

/// Largest index read back (a corrupt or hostile file is a miss).
const MAX_INDEX_BYTES: u64 = 512 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    size: u64,
    secs: u64,
    nanos: u32,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        let t = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Stamp {
            size: meta.len(),
            secs: t.as_secs(),
            nanos: t.subsec_nanos(),
        })
    }

    /// Whether the file was modified so recently that another change could share its time.
    fn racy(&self) -> bool {
        let then = UNIX_EPOCH + Duration::new(self.secs, self.nanos);
        SystemTime::now()
            .duration_since(then)
            .map_or(true, |age| age < Duration::from_secs(2))
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    files: Vec<(String, Stamp, String)>,
    metas: Vec<(String, FileMeta)>,
    #[serde(default)]
    shapes: Vec<(String, Stamp, Shape)>,
}

/// The index, as loaded and as updated by the run.
#[derive(Debug, Default)]
pub struct Index {
    files: Mutex<HashMap<String, (Stamp, ContentHash)>>,
    metas: Mutex<HashMap<ContentHash, Arc<FileMeta>>>,
    /// What a folder walk told of each YAML file from its first bytes.
    shapes: Mutex<HashMap<String, (Stamp, Shape)>>,
    changed: AtomicBool,
}

impl Index {
    pub fn load(path: &Path) -> Index {
        let stored: Stored = crate::load::read::read_text(path, MAX_INDEX_BYTES)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        let files = stored
            .files
            .into_iter()
            .filter_map(|(k, s, h)| Some((k, (s, ContentHash::parse(&h)?))))
            .collect();
        let metas = stored
            .metas
            .into_iter()
            .filter_map(|(h, m)| Some((ContentHash::parse(&h)?, Arc::new(m))))
            .collect();
        let shapes = stored
            .shapes
            .into_iter()
            .map(|(k, stamp, shape)| (k, (stamp, shape)))
            .collect();
        Index {
            files: Mutex::new(files),
            metas: Mutex::new(metas),
            shapes: Mutex::new(shapes),
            changed: AtomicBool::new(false),
        }
    }

    /// Write it back when the run changed it (whole, or not at all). Metadata no file of the
    /// index has any more is left out.
    pub fn save(&self, path: &Path) {
        if !self.changed.load(Ordering::Relaxed) {
            return;
        }
        let (Ok(files), Ok(metas), Ok(shapes)) =
            (self.files.lock(), self.metas.lock(), self.shapes.lock())
        else {
            return;
        };
        let mut stored = Stored::default();
        let mut kept = std::collections::BTreeSet::new();
        let mut list: Vec<(&String, &(Stamp, ContentHash))> = files.iter().collect();
        list.sort_by(|a, b| a.0.cmp(b.0));
        for (key, (stamp, hash)) in list {
            kept.insert(*hash);
            stored.files.push((key.clone(), *stamp, hash.hex()));
        }
        let mut metas: Vec<(&ContentHash, &Arc<FileMeta>)> =
            metas.iter().filter(|(h, _)| kept.contains(*h)).collect();
        metas.sort_by(|a, b| a.0.cmp(b.0));
        stored.metas = metas
            .into_iter()
            .map(|(h, m)| (h.hex(), (**m).clone()))
            .collect();
        let mut shapes: Vec<(&String, &(Stamp, Shape))> = shapes.iter().collect();
        shapes.sort_by(|a, b| a.0.cmp(b.0));
        stored.shapes = shapes
            .into_iter()
            .map(|(k, (stamp, shape))| (k.clone(), *stamp, *shape))
            .collect();
        if let Ok(bytes) = serde_json::to_vec(&stored) {
            let _ = super::write_atomic(path, &bytes);
        }
    }
}

impl MetaStore for Index {
    fn get(&self, hash: &ContentHash) -> Option<Arc<FileMeta>> {
        self.metas.lock().ok()?.get(hash).cloned()
    }

    fn put(&self, hash: &ContentHash, meta: &Arc<FileMeta>) {
        if let Ok(mut metas) = self.metas.lock() {
            metas.insert(*hash, meta.clone());
            self.changed.store(true, Ordering::Relaxed);
        }
    }

    fn known(&self, key: &str, meta: &std::fs::Metadata) -> Option<ContentHash> {
        let stamp = Stamp::of(meta)?;
        let files = self.files.lock().ok()?;
        let (kept, hash) = files.get(key)?;
        (*kept == stamp && !stamp.racy()).then_some(*hash)
    }

    fn shape(&self, key: &str, meta: &std::fs::Metadata) -> Option<Shape> {
        let stamp = Stamp::of(meta)?;
        let shapes = self.shapes.lock().ok()?;
        let (kept, shape) = shapes.get(key)?;
        (*kept == stamp && !stamp.racy()).then_some(*shape)
    }

    fn shaped(&self, key: &str, meta: &std::fs::Metadata, shape: Shape) {
        let Some(stamp) = Stamp::of(meta) else { return };
        if let Ok(mut shapes) = self.shapes.lock()
            && shapes.get(key) != Some(&(stamp, shape))
        {
            shapes.insert(key.to_string(), (stamp, shape));
            self.changed.store(true, Ordering::Relaxed);
        }
    }

    fn seen(&self, key: &str, meta: &std::fs::Metadata, hash: &ContentHash) {
        let Some(stamp) = Stamp::of(meta) else { return };
        if let Ok(mut files) = self.files.lock()
            && files.get(key) != Some(&(stamp, *hash))
        {
            files.insert(key.to_string(), (stamp, *hash));
            self.changed.store(true, Ordering::Relaxed);
        }
    }
}

impl MetaStore for super::Cache {
    fn get(&self, hash: &ContentHash) -> Option<Arc<FileMeta>> {
        self.index.get(hash)
    }
    fn put(&self, hash: &ContentHash, meta: &Arc<FileMeta>) {
        self.index.put(hash, meta);
    }
    fn known(&self, key: &str, meta: &std::fs::Metadata) -> Option<ContentHash> {
        self.index.known(key, meta)
    }
    fn seen(&self, key: &str, meta: &std::fs::Metadata, hash: &ContentHash) {
        self.index.seen(key, meta, hash);
    }
    fn shape(&self, key: &str, meta: &std::fs::Metadata) -> Option<Shape> {
        self.index.shape(key, meta)
    }
    fn shaped(&self, key: &str, meta: &std::fs::Metadata, shape: Shape) {
        self.index.shaped(key, meta, shape);
    }
}
