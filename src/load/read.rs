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

/// Folders whose files were found by a scan: (the folder as given, the folder with every link
/// resolved). A file under one of them is read only if what it opens as lies inside it.
static SCANNED: std::sync::RwLock<Vec<(PathBuf, PathBuf)>> = std::sync::RwLock::new(Vec::new());

/// Open a file for reading, once, and check what was opened, not the path before it: it must
/// be a regular file, and when it lies under a scanned folder ([`Confined`]), inside that
/// folder once every link is resolved. Opening never blocks (`O_NONBLOCK`: a FIFO put in the
/// file's place after the scan is refused, not waited on) and never makes a terminal the
/// process's own (`O_NOCTTY`). Every input, pack file and file read again goes through here.
pub fn open_regular(path: &Path) -> Result<fs::File, Refusal> {
    let file = open_nonblocking(path).map_err(|e| Refusal::Io(e.to_string()))?;
    let meta = file.metadata().map_err(|e| Refusal::Io(e.to_string()))?;
    if !meta.is_file() {
        return Err(Refusal::NotRegular);
    }
    let roots: Vec<PathBuf> = SCANNED
        .read()
        .map(|scanned| {
            scanned
                .iter()
                .filter(|(given, _)| path.starts_with(given))
                .map(|(_, root)| root.clone())
                .collect()
        })
        .unwrap_or_default();
    if !roots.is_empty() {
        let target = opened_as(&file, path)?;
        if !roots.iter().any(|root| target.starts_with(root)) {
            return Err(Refusal::Outside { target });
        }
    }
    Ok(file)
}

#[cfg(target_os = "linux")]
fn open_nonblocking(path: &Path) -> std::io::Result<fs::File> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(fs::File::from(fd))
}

#[cfg(not(target_os = "linux"))]
fn open_nonblocking(path: &Path) -> std::io::Result<fs::File> {
    if !fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    fs::File::open(path)
}

/// The path an open file is, every link resolved: read from the handle on Linux.
fn opened_as(file: &fs::File, path: &Path) -> Result<PathBuf, Refusal> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        if let Ok(target) = fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())) {
            return Ok(target);
        }
    }
    let _ = file;
    fs::canonicalize(path).map_err(|e| Refusal::Io(e.to_string()))
}

/// Read a regular file of at most `limit` bytes as UTF-8 text. Anything else (a FIFO, a
/// device, a folder, a link to one of them) is refused (see [`open_regular`]).
pub fn read_text(path: &Path, limit: u64) -> Result<String, Refusal> {
    let mut bytes = Vec::new();
    open_regular(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
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
        // Files found under it are opened only as files inside it (see `open_regular`).
        if let Ok(mut scanned) = SCANNED.write()
            && !scanned.iter().any(|(given, _)| given == dir)
        {
            scanned.push((dir.to_path_buf(), root.clone()));
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

    /// What is opened is checked, not the path before it: a FIFO put in a file's place is
    /// refused without blocking, and a file under a scanned folder swapped for a link to a
    /// file outside it is refused, though its path still lies inside.
    #[test]
    fn the_opened_file_is_checked_not_the_path() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("passwd");
        fs::write(&secret, "root:x:0:0").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        fs::write(&file, "a: 1").unwrap();
        Confined::new(dir.path()).unwrap();
        assert!(open_regular(&file).is_ok());
        // Swapped after the scan for a link out of the folder.
        fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink(&secret, &file).unwrap();
        assert!(matches!(open_regular(&file), Err(Refusal::Outside { .. })));
        // Swapped for a FIFO: refused at once (a blocking open would wait for a writer).
        fs::remove_file(&file).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&file)
            .status()
            .is_ok_and(|s| s.success());
        if made {
            assert_eq!(open_regular(&file).err(), Some(Refusal::NotRegular));
        }
        // A file named outside any scanned folder is still read through a link.
        let link = outside.path().join("link.yaml");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        assert!(open_regular(&link).is_ok());
    }
}
