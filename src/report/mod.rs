//! Reporters: one module per output format, each turning a [`Run`] into text.

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod statistics;

use std::io::Write;
use std::path::Path;

use crate::pack::RuleSet;
use crate::run::Run;

/// The output formats. Each has its own module with a `render` function; this enum is the one
/// interface the command line uses to pick one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Diagnostics with YAML snippets, for people at a terminal.
    Human,
    /// The versioned machine report (`schemas/report.schema.json`).
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, Azure DevOps, IDEs).
    Sarif,
    /// JUnit XML: one test suite per file, one test case per rule check.
    Junit,
    /// GitHub Actions workflow commands: annotations on the pull request's files.
    Github,
    /// Markdown, for a pull-request comment.
    Markdown,
    /// One line per finding, `file:line:col: severity[rule] message`.
    Concise,
}

/// What a reporter may need besides the run.
pub struct Context<'a> {
    /// The rules that were loaded (SARIF describes them).
    pub rules: &'a RuleSet,
    /// How to draw the human report.
    pub style: human::Style,
    /// The lowest severity that fails the run (`--fail-on`; `None`: never). JUnit marks a
    /// case failed only at or above it.
    pub fail_on: Option<crate::finding::Severity>,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Markdown,
        Format::Concise,
    ];
    pub const NAMES: &'static [&'static str] = &[
        "human", "json", "sarif", "junit", "github", "markdown", "concise",
    ];

    /// The format of a name (`sarif`), as the command line and the config spell it.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }

    pub fn render(self, run: &Run, ctx: &Context) -> String {
        match self {
            Format::Human => human::render(run, ctx.style),
            Format::Json => json::render(run),
            Format::Sarif => sarif::render(run, ctx.rules),
            Format::Junit => {
                let mut out = Vec::new();
                let _ = junit::write(run, ctx.fail_on, &mut out);
                String::from_utf8_lossy(&out).into_owned()
            }
            Format::Github => github::render(run),
            Format::Markdown => markdown::render(run),
            Format::Concise => concise::render(run),
        }
    }

    /// Whether the format prints snippets of the files' text (so a run must keep the text).
    pub fn shows_snippets(self) -> bool {
        self == Format::Human
    }

    /// Write the report to `out`. The human and JSON reports are written as they are made,
    /// so a report of hundreds of thousands of findings is never held in memory whole.
    pub fn write(self, run: &Run, ctx: &Context, out: &mut dyn Write) -> std::io::Result<()> {
        match self {
            Format::Human => human::write(run, ctx.style, out),
            Format::Json => json::write(run, out),
            Format::Sarif => sarif::write(run, ctx.rules, out),
            Format::Junit => junit::write(run, ctx.fail_on, out),
            Format::Concise => concise::write(run, out),
            _ => out.write_all(self.render(run, ctx).as_bytes()),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Concise => "concise",
        }
    }
}

/// Write a report so that `path` never holds a half-written file: the text goes to a temporary
/// file in the same directory, which is then renamed over the target in one step.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    write_atomic_with(path, |out| out.write_all(text.as_bytes()))
}

/// [`write_atomic`], with the text written by `fill` as it is made.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let path = match destination(path)? {
        Destination::File(p) => p,
        Destination::Special => {
            // A device, pipe or socket (`/dev/stdout`, `/dev/null`, a FIFO) cannot be replaced,
            // and replacing it would be destructive (as root, `/dev/null` would become a file):
            // it is written to in place, where atomicity means nothing anyway.
            let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
            let mut out = std::io::BufWriter::new(&mut file);
            fill(&mut out)?;
            return out.flush();
        }
    };
    let path = path.as_path();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // A report is an ordinary file; one being replaced keeps its mode.
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o777)
    };
    #[cfg(target_os = "linux")]
    if let Some(mut pending) = unnamed::Pending::open(dir, mode) {
        {
            let mut out = std::io::BufWriter::new(&mut pending.file);
            fill(&mut out)?;
            out.flush()?;
        }
        return pending.commit(path);
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
    tmp.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Where a report for `path` goes.
enum Destination {
    /// A regular file (or none yet) at this path, replaced atomically. A link is followed to
    /// the file it names, so the link itself stays a link.
    File(std::path::PathBuf),
    /// Something that is not a file: written to in place.
    Special,
}

fn destination(path: &Path) -> std::io::Result<Destination> {
    const MAX_LINKS: usize = 40;
    let mut at = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let Ok(meta) = std::fs::symlink_metadata(&at) else {
            return Ok(Destination::File(at));
        };
        if meta.file_type().is_symlink() {
            // `/dev/stdout` is a link to a pipe or a terminal that has no path of its own.
            if std::fs::metadata(&at).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
                return Ok(Destination::Special);
            }
            let target = std::fs::read_link(&at)?;
            at = match at.parent() {
                Some(parent) if target.is_relative() => parent.join(target),
                _ => target,
            };
            continue;
        }
        if meta.is_file() || meta.is_dir() {
            // A folder fails when the report is renamed over it, with the system's own words.
            return Ok(Destination::File(at));
        }
        return Ok(Destination::Special);
    }
    Err(std::io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links to follow"
    )))
}

/// Reports written through an unnamed temporary file (`O_TMPFILE`): it has no name while it
/// is written, so a run killed at any point (even by SIGKILL) leaves nothing behind. Once
/// complete, it is linked under a temporary name and renamed over the target in one step; only
/// the microseconds between the two could leave a `.roadmap-lint-*.tmp` file.
#[cfg(target_os = "linux")]
mod unnamed {
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::path::Path;

    use rustix::fs::{AtFlags, CWD, Mode, OFlags, linkat, openat, renameat, unlinkat};

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
        pub fn commit(self, path: &Path) -> std::io::Result<()> {
            self.file.sync_all()?;
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

/// Counts shown in summaries.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
    pub files: usize,
    pub documents: usize,
    pub tool_errors: usize,
    /// Of the tool errors, the inputs that could not be read.
    #[serde(skip)]
    pub unreadable: usize,
    /// Problems left out of the report by the cap on problems per document (their count is
    /// in the `*-too-many-problems` notes).
    #[serde(skip)]
    pub not_shown: usize,
}

impl Summary {
    pub fn of(run: &Run) -> Summary {
        use crate::finding::Severity::*;
        let mut s = Summary {
            files: run.sources.len(),
            documents: run.documents.len(),
            tool_errors: run
                .diagnostics
                .iter()
                .filter(|d| d.severity == Error)
                .count(),
            unreadable: run
                .diagnostics
                .iter()
                .filter(|d| {
                    d.severity == Error
                        && d.code.id().starts_with("input-")
                        && d.code != crate::diag::Code::InputChanged
                })
                .count(),
            ..Summary::default()
        };
        let counts = run.counts();
        s.errors = counts.errors;
        s.warnings = counts.warnings;
        s.infos = counts.infos;
        s.waived = counts.waived;
        s.not_shown = counts.not_shown;
        s
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        )?;
        if self.waived > 0 {
            write!(f, ", {} waived", self.waived)?;
        }
        if self.not_shown > 0 {
            write!(
                f,
                " (and {} not shown: each document reports its first {})",
                plural(self.not_shown, "more problem"),
                crate::load::yaml::MAX_PROBLEMS
            )?;
        }
        write!(
            f,
            " in {} from {}",
            plural(self.documents, "document"),
            plural(self.files, "file")
        )?;
        if self.unreadable > 0 {
            write!(
                f,
                "; {} could not be read",
                plural(self.unreadable, "input")
            )?;
        }
        let other = self.tool_errors - self.unreadable;
        if other > 0 {
            write!(f, "; {}", plural(other, "tool error"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// While a report is being written, no file of it is visible in the folder (a killed run
    /// leaves nothing), and when it is done the old report is replaced whole, keeping its mode.
    #[test]
    fn a_report_has_no_name_until_it_is_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.sarif");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomic_with(&path, |out| {
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
}
