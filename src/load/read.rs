//! Reading the tool's own files (rule packs, their fixtures, config files) safely: only regular
//! files, at most a given size, and for a pack, only files that resolve inside its folder once
//! every link is followed. A pack is third-party input: a rule, data file or fixture may be a
//! link to `/etc/passwd`, `/dev/zero` or a FIFO.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It resolves outside the folder it belongs to (through a link or `..`).
    Outside {
        target: PathBuf,
    },
    /// A FIFO, socket, device or folder: reading could block forever or never end.
    NotRegular,
    TooLarge {
        limit: u64,
    },
    NotUtf8,
    Io(String),
}

impl Refusal {
    /// What went wrong with `path`, for a diagnostic's message.
    pub fn message(&self, path: &Path) -> String {
        let shown = super::shown(path);
        match self {
            Refusal::Outside { target } => format!(
                "{shown} resolves to {}, outside the rule pack's folder",
                super::shown(target)
            ),
            Refusal::NotRegular => {
                format!("{shown} is not a regular file (a FIFO, socket, device or folder)")
            }
            Refusal::TooLarge { limit } => format!("{shown} is larger than {limit} bytes"),
            Refusal::NotUtf8 => format!("{shown} is not UTF-8 text"),
            Refusal::Io(e) => format!("cannot read {shown}: {e}"),
        }
    }
}

/// Read a regular file of at most `limit` bytes as UTF-8 text. Anything else (a FIFO, a
/// device, a folder, a link to one of them) is refused before it is opened.
pub fn read_text(path: &Path, limit: u64) -> Result<String, Refusal> {
    let meta = fs::metadata(path).map_err(|e| Refusal::Io(e.to_string()))?;
    if !meta.is_file() {
        return Err(Refusal::NotRegular);
    }
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(limit.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(|e| Refusal::Io(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge { limit });
    }
    String::from_utf8(bytes).map_err(|_| Refusal::NotUtf8)
}

/// A folder whose files may be read, and nothing outside it.
#[derive(Debug, Clone)]
pub struct Confined {
    /// The folder, with every link resolved.
    root: PathBuf,
}

impl Confined {
    pub fn new(dir: &Path) -> Result<Confined, Refusal> {
        let root = fs::canonicalize(dir).map_err(|e| Refusal::Io(e.to_string()))?;
        if !root.is_dir() {
            return Err(Refusal::NotRegular);
        }
        Ok(Confined { root })
    }

    /// The folder, with every link resolved.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` with every link resolved, when it lies inside the folder.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, Refusal> {
        let target = fs::canonicalize(path).map_err(|e| Refusal::Io(e.to_string()))?;
        if target.starts_with(&self.root) {
            Ok(target)
        } else {
            Err(Refusal::Outside { target })
        }
    }

    /// Read a file of the folder as text (see [`read_text`]).
    pub fn read_text(&self, path: &Path, limit: u64) -> Result<String, Refusal> {
        let target = self.resolve(path)?;
        read_text(&target, limit)
    }

    /// Whether `path` is a regular file inside the folder, without reading it.
    pub fn check_file(&self, path: &Path) -> Result<(), Refusal> {
        let target = self.resolve(path)?;
        match fs::metadata(&target) {
            Ok(m) if m.is_file() => Ok(()),
            Ok(_) => Err(Refusal::NotRegular),
            Err(e) => Err(Refusal::Io(e.to_string())),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_out_of_the_folder_and_special_files_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.txt");
        fs::write(&secret, "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("own.yaml"), "a: 1").unwrap();
        std::os::unix::fs::symlink(&secret, dir.path().join("link.yaml")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.yaml")).unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        std::os::unix::fs::symlink("../own.yaml", dir.path().join("sub/inside.yaml")).unwrap();
        let folder = Confined::new(dir.path()).unwrap();
        assert_eq!(
            folder.read_text(&dir.path().join("own.yaml"), 100),
            Ok("a: 1".into())
        );
        assert_eq!(
            folder.read_text(&dir.path().join("sub/inside.yaml"), 100),
            Ok("a: 1".into())
        );
        assert!(matches!(
            folder.read_text(&dir.path().join("link.yaml"), 100),
            Err(Refusal::Outside { .. })
        ));
        assert!(matches!(
            folder.read_text(&dir.path().join("sub/../../x.yaml"), 100),
            Err(Refusal::Io(_) | Refusal::Outside { .. })
        ));
        assert!(matches!(
            folder.read_text(&dir.path().join("zero.yaml"), 100),
            Err(Refusal::Outside { .. })
        ));
        assert_eq!(
            read_text(Path::new("/dev/zero"), 100),
            Err(Refusal::NotRegular)
        );
        assert_eq!(
            read_text(&dir.path().join("own.yaml"), 2),
            Err(Refusal::TooLarge { limit: 2 })
        );
    }
}
