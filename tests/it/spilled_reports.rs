//! A `check` whose reports all read the findings a file at a time (human, concise, JSON, SARIF
//! and GitHub annotations) keeps each file's findings on disk until they are written, and the
//! cache hands its findings over the same way. Whatever the way, the report is the one a run
//! that holds every finding in memory prints: `--min-severity info` (which keeps every finding)
//! makes the run hold them, so the two are compared byte for byte, on the fixtures (hostile
//! files, several documents, waivers, findings in other files) and through the cache.

use crate::harness::{cli, root};

const FORMATS: &[&str] = &["human", "concise", "json", "sarif", "github"];

fn check(format: &str, extra: &[&str]) -> String {
    let out = cli()
        .current_dir(root())
        .args([
            "check",
            "fixtures",
            "--as-of",
            "2025-06-30",
            "--format",
            format,
        ])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn reports_read_from_disk_are_the_reports_held_in_memory() {
    for format in FORMATS {
        let held = check(format, &["--no-cache", "--min-severity", "info"]);
        assert!(
            held.contains("one-login"),
            "{format}: no finding of a rule in the report"
        );
        assert_eq!(
            check(format, &["--no-cache"]),
            held,
            "{format} differs from disk"
        );
    }
}

#[test]
fn reports_of_cached_findings_read_from_disk_are_the_reports_held_in_memory() {
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap();
    for format in FORMATS {
        let held = check(format, &["--no-cache", "--min-severity", "info"]);
        // The first run fills the cache; the second reads every file's findings from it.
        check(format, &["--cache-dir", dir]);
        let cached = check(format, &["--cache-dir", dir]);
        assert_eq!(cached, held, "{format} from the cache differs");
    }
}
