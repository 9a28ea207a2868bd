//! The on-disk cache: a warm run prints byte for byte what a run without the cache prints,
//! in every format, after every kind of change (the file, its previous declaration, the
//! config); it really is read; entries that are corrupt are misses; runs side by side do not
//! spoil it; and a plain folder gets none.

use std::path::{Path, PathBuf};

use crate::harness::cli;
use crate::workspace::repository;

const FORMATS: [&str; 4] = ["json", "sarif", "human", "junit"];

/// `check .` in `repo` in each format (with the cache, or `--no-cache`), as printed.
fn outputs(repo: &Path, extra: &[&str]) -> Vec<Vec<u8>> {
    FORMATS
        .iter()
        .map(|format| {
            let out = cli()
                .current_dir(repo)
                .args(["check", ".", "--format", format, "--color", "never"])
                .args(extra)
                .output()
                .unwrap();
            assert!(
                out.status.code().is_some_and(|c| c <= 1),
                "check failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let mut all = out.stdout;
            all.extend(out.stderr);
            all
        })
        .collect()
}

/// The cache's entries of checked files.
fn entries(repo: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![repo.join(".roadmap-lint-cache")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .parent()
                .and_then(|d| d.parent())
                .is_some_and(|d| d.ends_with("out"))
            {
                found.push(p);
            }
        }
    }
    found.sort();
    found
}

/// With the cache and without, the same bytes; the second run with the cache as well.
fn same_with_and_without(repo: &Path) -> Vec<Vec<u8>> {
    let without = outputs(repo, &["--no-cache"]);
    let cold_or_warm = outputs(repo, &[]);
    assert_eq!(cold_or_warm, without, "the cached run differs");
    let warm = outputs(repo, &[]);
    assert_eq!(warm, without, "the warm run differs");
    without
}

#[test]
fn warm_runs_print_what_uncached_runs_print_after_every_change() {
    let (_dir, repo) = repository();
    let first = same_with_and_without(&repo);
    assert!(!entries(&repo).is_empty(), "the run kept nothing");

    // The file itself changes.
    let dwp = repo.join("declarations/dwp.yaml");
    let text = std::fs::read_to_string(&dwp).unwrap();
    std::fs::write(
        &dwp,
        text.replace(
            "shared_components_published: 6",
            "shared_components_published: 2",
        ),
    )
    .unwrap();
    let changed = same_with_and_without(&repo);
    assert_ne!(changed, first, "the edit should change the findings");

    // Only its previous declaration (an archived snapshot) changes.
    let snapshot = repo.join("snapshots/2024-09/dwp.yaml");
    let old = std::fs::read_to_string(&snapshot).unwrap();
    std::fs::write(
        &snapshot,
        old.replace(
            "shared_components_published: 6",
            "shared_components_published: 1",
        ),
    )
    .unwrap();
    let history_changed = same_with_and_without(&repo);
    assert_ne!(
        history_changed, changed,
        "the previous declaration should change a finding"
    );

    // The config changes (a rule switched off).
    std::fs::write(
        repo.join(".roadmap-lint.yaml"),
        "disable: { rules: [shared-components-not-increasing] }\nseverity: { one-login-strategy-overdue: info }\n",
    )
    .unwrap();
    let configured = same_with_and_without(&repo);
    assert_ne!(
        configured, history_changed,
        "the config should change the findings"
    );
}

#[test]
fn a_warm_run_reads_the_cache_and_a_corrupt_entry_is_a_miss() {
    let (_dir, repo) = repository();
    let cold = same_with_and_without(&repo);
    // Every kept message marked (its first letter made `#`, the entry's length unchanged): a
    // warm run that shows the mark, in the JSON report and in the human one, read the cache.
    let key = b"\"message\": \"";
    for entry in entries(&repo) {
        let mut bytes = std::fs::read(&entry).unwrap();
        let mut at = 0;
        while let Some(p) = bytes[at..].windows(key.len()).position(|w| w == key) {
            let i = at + p + key.len();
            bytes[i] = b'#';
            at = i;
        }
        std::fs::write(&entry, bytes).unwrap();
    }
    let marked = outputs(&repo, &[]);
    assert!(
        String::from_utf8_lossy(&marked[0]).contains("\"message\": \"#"),
        "the warm JSON run did not read the cache"
    );
    assert_ne!(
        marked[2], cold[2],
        "the warm human run did not read the cache"
    );
    // Entries cut short, or not JSON at all: misses, and the run is what a cold run prints.
    for (i, entry) in entries(&repo).iter().enumerate() {
        let bytes = std::fs::read(entry).unwrap();
        let spoilt = if i % 2 == 0 {
            bytes[..bytes.len() / 2].to_vec()
        } else {
            b"\xff\xfenot json".to_vec()
        };
        std::fs::write(entry, spoilt).unwrap();
    }
    assert_eq!(outputs(&repo, &[]), cold);
    assert_eq!(outputs(&repo, &[]), cold);
}

#[test]
fn runs_side_by_side_leave_a_sound_cache() {
    let (_dir, repo) = repository();
    let without = outputs(&repo, &["--no-cache"]);
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("roadmap-lint"))
                .current_dir(&repo)
                .args(["check", ".", "--format", "json", "--color", "never"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let mut all = out.stdout;
        all.extend(out.stderr);
        assert_eq!(all, without[0], "a run side by side differs");
    }
    assert_eq!(outputs(&repo, &[]), without);
    // No temporary file left behind.
    let mut stack = vec![repo.join(".roadmap-lint-cache")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                assert!(!name.starts_with(".tmp"), "left behind: {}", p.display());
            }
        }
    }
}

#[test]
fn the_cache_is_kept_where_asked_and_a_plain_folder_gets_none() {
    // A folder with neither config nor repository: no cache is made.
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().canonicalize().unwrap();
    std::fs::write(
        plain.join("dwp.yaml"),
        std::fs::read(crate::harness::root().join("fixtures/examples/dwp-compliant.yaml")).unwrap(),
    )
    .unwrap();
    cli()
        .current_dir(&plain)
        .args(["check", "dwp.yaml"])
        .output()
        .unwrap();
    assert!(!plain.join(".roadmap-lint-cache").exists());

    // A repository: the cache is marked for backup tools and ignored by git.
    let (_d, repo) = repository();
    cli()
        .current_dir(&repo)
        .args(["check", "."])
        .output()
        .unwrap();
    let cache = repo.join(".roadmap-lint-cache");
    assert!(
        std::fs::read_to_string(cache.join("CACHEDIR.TAG"))
            .unwrap()
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55")
    );
    assert!(
        std::fs::read_to_string(cache.join(".gitignore"))
            .unwrap()
            .contains('*')
    );

    // --cache-dir elsewhere, and --no-cache writes nothing.
    let (_d2, other) = repository();
    let elsewhere = tempfile::tempdir().unwrap();
    cli()
        .current_dir(&other)
        .args(["check", ".", "--cache-dir"])
        .arg(elsewhere.path())
        .output()
        .unwrap();
    assert!(!other.join(".roadmap-lint-cache").exists());
    assert!(elsewhere.path().join("CACHEDIR.TAG").exists());
    let (_d3, none) = repository();
    cli()
        .current_dir(&none)
        .args(["check", ".", "--no-cache"])
        .output()
        .unwrap();
    assert!(!none.join(".roadmap-lint-cache").exists());
}
