//! The output must not depend on the number of worker threads: the same generated corpus checked
//! with `--jobs 1` and `--jobs 2` gives byte-identical JSON and human reports.

use std::fs;

use assert_cmd::Command;

use crate::gen_corpus;

fn check(dir: &std::path::Path, jobs: &str, format: &str) -> Vec<u8> {
    let out = Command::cargo_bin("roadmap-lint")
        .unwrap()
        .args(["check", "--as-of", "2025-06-30", "--color", "never"])
        .args(["--format", format, "--jobs", jobs])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("\"code\"") || l.contains("\"message\"") || l.contains("×"))
            .take(20)
            .collect::<Vec<_>>()
            .join("\n")
    );
    out.stdout
}

#[test]
fn output_is_the_same_whatever_the_number_of_jobs() {
    let dir = tempfile::tempdir().unwrap();
    // Enough files for rayon to split the work, in two folders, plus one file with two documents.
    for n in 1..=40 {
        let sub = dir.path().join(if n % 2 == 0 { "even" } else { "odd" });
        fs::create_dir_all(&sub).unwrap();
        fs::write(
            sub.join(format!("dept-{n:02}.yaml")),
            gen_corpus::declaration(7, n),
        )
        .unwrap();
    }
    fs::write(
        dir.path().join("two.yaml"),
        format!(
            "{}---\n{}",
            gen_corpus::declaration(7, 41),
            gen_corpus::declaration(7, 42)
        ),
    )
    .unwrap();

    let one = check(dir.path(), "1", "json");
    let two = check(dir.path(), "2", "json");
    let json: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(json["summary"]["documents"], 42);
    let findings = json["findings"].as_array().unwrap();
    // A realistic share of violations, and no syntax or schema finding: the corpus is valid.
    assert!(findings.len() > 40, "{}", findings.len());
    assert!(
        findings
            .iter()
            .all(|f| !f["rule"].as_str().unwrap().starts_with("schema-")
                && !f["rule"].as_str().unwrap().starts_with("yaml-")),
        "the generated corpus must be schema-valid"
    );
    assert!(one == two, "--jobs 1 and --jobs 2 gave different JSON");
    assert!(
        check(dir.path(), "1", "human") == check(dir.path(), "2", "human"),
        "--jobs 1 and --jobs 2 gave different human reports"
    );
}

#[test]
fn the_corpus_is_deterministic() {
    assert_eq!(
        gen_corpus::declaration(42, 17),
        gen_corpus::declaration(42, 17)
    );
    assert_ne!(
        gen_corpus::declaration(42, 17),
        gen_corpus::declaration(43, 17)
    );
    let lines = gen_corpus::declaration(42, 1).lines().count();
    assert!((200..=300).contains(&lines), "{lines} lines");
}

#[test]
fn parse_only_counts_documents() {
    let dir = tempfile::tempdir().unwrap();
    for n in 1..=3 {
        fs::write(
            dir.path().join(format!("d{n}.yaml")),
            gen_corpus::declaration(1, n),
        )
        .unwrap();
    }
    let out = Command::cargo_bin("roadmap-lint")
        .unwrap()
        .args(["check", "--parse-only"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("parsed 3 documents (") && text.contains("from 3 files; 0 with problems"),
        "{text}"
    );
}

/// `--jobs` is capped by the inputs and the cores: 4,096 threads for one file took 17 s and
/// 765 MB. A value past 1,024 is refused with a clear message.
#[test]
fn jobs_is_capped_and_bounded() {
    let started = std::time::Instant::now();
    let out = Command::cargo_bin("roadmap-lint")
        .unwrap()
        .args(["check", "--as-of", "2025-06-30", "--format", "json"])
        .args(["--jobs", "1024", "fixtures/examples/dwp-compliant.yaml"])
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    for bad in ["0", "100000", "many"] {
        let out = Command::cargo_bin("roadmap-lint")
            .unwrap()
            .args([
                "check",
                "--jobs",
                bad,
                "fixtures/examples/dwp-compliant.yaml",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--jobs {bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--jobs"), "{err}");
    }
}
