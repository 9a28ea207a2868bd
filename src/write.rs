//! The one way the tool writes a file: reports (`--output`, `-o`), templates and schemas
//! (`init`, `schema --write`), fixes, generated documents and the cache. The text goes to a
//! temporary file in the target's folder, which is then renamed over the target in one step,
//! so the path never holds a half-written file.
//!
//! A target that exists and is not a regular file is refused, never written through: a
//! symbolic link (a repository could ship `report.sarif -> ../victim`), a pipe (which would
//! block), a device or socket, or a folder; and a target reached through a folder that is a
//! link inside the current folder leading out of it ([`refuse_linked_parent`]). `--output` to
//! standard output is spelt `-` where a command offers it, not `/dev/stdout`.

use std::io::Write;
use std::path::Path;

/// Whether the file must be on disk before the rename (reports, documents), or may be lost
/// with a crash of the system (the cache, which is rebuilt).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Synced,
    Unsynced,
}

/// Write `bytes` to `path` whole, or not at all.
pub fn atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    atomic_with(path, Durability::Synced, |out| out.write_all(bytes))
}

/// [`atomic`], with the text written by `fill` as it is made.
pub fn atomic_with(
    path: &Path,
    durability: Durability,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    refuse_unless_regular(path)?;
    refuse_linked_parent(path)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // A report is an ordinary file; one being replaced keeps its mode.
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::symlink_metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o777)
    };
    #[cfg(target_os = "linux")]
    if let Some(mut pending) = unnamed::Pending::open(dir, mode) {
        {
            let mut out = std::io::BufWriter::new(&mut pending.file);
            fill(&mut out)?;
            out.flush()?;
        }
        return pending.commit(path, durability);
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".roadmap-lint-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut out)?;
        out.flush()?;
    }
    if durability == Durability::Synced {
        tmp.as_file().sync_all()?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    // The rename replaces whatever has the name by then (a link made since the check is
    // replaced, never followed).
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// An error when `path` exists and is anything but a regular file, saying what it is.
pub fn refuse_unless_regular(path: &Path) -> std::io::Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    let kind = meta.file_type();
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_symlink() {
        "a symbolic link, and roadmap-lint never writes through a link"
    } else if kind.is_dir() {
        "a folder"
    } else {
        special_kind(&kind)
    };
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("it is {what}; name a regular file, or remove what is there"),
    ))
}

/// An error when a folder on the way to `path` is a symbolic link, inside the current folder,
/// that leads out of it: a repository could ship `out -> /elsewhere`, and a CI job writing
/// `-o out/report.sarif` would write elsewhere. A link that stays inside the current folder is
/// followed, and so are the links of the machine outside it (`/tmp` may be one), which the
/// person running the tool chose, not a repository they check.
pub fn refuse_linked_parent(path: &Path) -> std::io::Result<()> {
    let (Ok(cwd), Some(parent)) = (std::env::current_dir(), path.parent()) else {
        return Ok(());
    };
    let Ok(home) = cwd.canonicalize() else {
        return Ok(());
    };
    let full = cwd.join(parent);
    let mut prefix = std::path::PathBuf::new();
    for part in full.components() {
        prefix.push(part);
        let Ok(meta) = std::fs::symlink_metadata(&prefix) else {
            // Not there (the writer then fails to create the file): nothing more to follow.
            return Ok(());
        };
        if !meta.file_type().is_symlink() {
            continue;
        }
        // Where the link itself is (its folder with every link resolved), and where it leads.
        let at = prefix
            .parent()
            .and_then(|p| p.canonicalize().ok())
            .is_some_and(|folder| folder.starts_with(&home));
        let leads = prefix.canonicalize();
        if at && !leads.as_ref().is_ok_and(|to| to.starts_with(&home)) {
            let to = leads.map_or_else(|_| "nowhere".to_string(), |t| t.display().to_string());
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "the folder {} is a symbolic link to {to}, outside the current folder, and \
                     roadmap-lint never writes through such a link; name a folder inside the \
                     current one, or a path outside it with no link in the current one",
                    prefix.strip_prefix(&cwd).unwrap_or(&prefix).display()
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a named pipe (FIFO), which would block"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "not a regular file"
}

/// Whether `a` and `b` name the same existing file (the same device and inode).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// Files written through an unnamed temporary file (`O_TMPFILE`): it has no name while it
/// is written, so a run killed at any point (even by SIGKILL) leaves nothing behind. Once
/// complete, it is linked under a temporary name and renamed over the target in one step; only
/// the microseconds between the two could leave a `.roadmap-lint-*.tmp` file.
#[cfg(target_os = "linux")]
mod unnamed {
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::path::Path;

    use rustix::fs::{AtFlags, CWD, Mode, OFlags, linkat, openat, renameat, unlinkat};

    use super::Durability;

    /// An unnamed file being written in a folder.
    pub struct Pending {
        dir: OwnedFd,
        pub file: std::fs::File,
    }

    impl Pending {
        /// `None` when the file system cannot make unnamed files (the caller falls back).
        pub fn open(dir: &Path, mode: u32) -> Option<Pending> {
            let flags = OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC;
            let dir = openat(CWD, dir, flags, Mode::empty()).ok()?;
            let flags = OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC;
            let fd = openat(&dir, ".", flags, Mode::from_raw_mode(mode)).ok()?;
            Some(Pending {
                dir,
                file: std::fs::File::from(fd),
            })
        }

        /// Give the complete file its name, replacing whatever had it.
        pub fn commit(self, path: &Path, durability: Durability) -> std::io::Result<()> {
            if durability == Durability::Synced {
                self.file.sync_all()?;
            }
            let name = path.file_name().ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file")
            })?;
            let fd = self.file.as_raw_fd();
            let tmp = format!(".roadmap-lint-{}-{fd}.tmp", std::process::id());
            let proc_path = format!("/proc/self/fd/{fd}");
            linkat(
                CWD,
                proc_path.as_str(),
                &self.dir,
                tmp.as_str(),
                AtFlags::SYMLINK_FOLLOW,
            )?;
            renameat(&self.dir, tmp.as_str(), &self.dir, name).inspect_err(|_| {
                let _ = unlinkat(&self.dir, tmp.as_str(), AtFlags::empty());
            })?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// While a file is being written, no file of it is visible in the folder (a killed run
    /// leaves nothing), and when it is done the old file is replaced whole, keeping its mode.
    #[test]
    fn a_file_has_no_name_until_it_is_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.sarif");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        atomic_with(&path, Durability::Synced, |out| {
            out.write_all(b"new")?;
            let names: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            #[cfg(target_os = "linux")]
            assert_eq!(names, ["report.sarif"], "a file named while writing");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
            Ok(())
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
    }

    /// A link is refused and what it names is left alone.
    #[cfg(unix)]
    #[test]
    fn a_link_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let link = dir.path().join("report.sarif");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let e = atomic(&link, b"report").unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    }
}
