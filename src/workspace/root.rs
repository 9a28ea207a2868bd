//! Where a workspace starts: the folder holding `.roadmap-lint.yaml`, else the repository's
//! root (the folder holding `.git`), else the folder the command runs in. The search goes up
//! from the starting folder and stops at the repository's root: a config above the repository
//! (a runner's home, `/tmp`) belongs to someone else.

use std::path::{Path, PathBuf};

/// How the root was found, as reports and `roadmap-lint workspace` say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FoundBy {
    /// The folder of the config file (found, or named with `--config`).
    Config,
    /// The repository's root.
    Repository,
    /// Neither: the folder the command started from.
    Folder,
}

impl FoundBy {
    pub fn describe(self) -> &'static str {
        match self {
            FoundBy::Config => "the folder of the config file",
            FoundBy::Repository => "the repository's root",
            FoundBy::Folder => "the current folder",
        }
    }
}

/// A workspace's root folder, absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    pub dir: PathBuf,
    pub found_by: FoundBy,
}

impl Root {
    /// The root for a command started in `start`, given the config file it reads (if any):
    /// the config's folder, else the repository's root above `start`, else `start`.
    pub fn find(start: &Path, config: Option<&Path>) -> Root {
        let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        if let Some(dir) = config
            .and_then(|c| std::path::absolute(c).ok())
            .and_then(|c| c.parent().map(Path::to_path_buf))
        {
            return Root {
                dir,
                found_by: FoundBy::Config,
            };
        }
        for dir in start.ancestors() {
            if std::fs::symlink_metadata(dir.join(".git")).is_ok() {
                return Root {
                    dir: dir.to_path_buf(),
                    found_by: FoundBy::Repository,
                };
            }
        }
        Root {
            dir: start,
            found_by: FoundBy::Folder,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_config_then_the_repository_then_the_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("declarations/2026")).unwrap();
        let start = repo.join("declarations/2026");
        let root = Root::find(&start, None);
        assert_eq!(root.dir, repo);
        assert_eq!(root.found_by, FoundBy::Repository);
        let config = repo.join("declarations/.roadmap-lint.yaml");
        let root = Root::find(&start, Some(&config));
        assert_eq!(root.dir, repo.join("declarations"));
        assert_eq!(root.found_by, FoundBy::Config);
        let lone = tmp.path().join("lone");
        std::fs::create_dir_all(&lone).unwrap();
        let root = Root::find(&lone, None);
        assert_eq!(root.found_by, FoundBy::Folder);
        assert_eq!(root.dir, lone);
    }
}
