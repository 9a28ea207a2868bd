//! The HTML reports in a real browser: headless Chromium (Debian's `chromium` package) opens
//! the reports of the shipped examples, and `tests/browser/check.mjs` checks that they load with
//! no console errors and no network requests, that the heatmap has one cell per department and
//! commitment, that the filters work, that axe-core finds no accessibility violations, and that
//! a review prints as an assessor files it (A4, a running header with the proposal's reference
//! and page x of y on every page, no heading or table heading left alone at a page's foot, no
//! page but the last half empty, no raw backticks, no absolute paths).
//! Screenshots land in `target/screenshots/`; with `UPDATE_GENERATED=1` the README's screenshot
//! (`docs/report.png`) is refreshed from them.
//!
//! The test is ignored by a plain `cargo test` (it needs Chromium and the npm packages, and a
//! minute): `cargo test -- --ignored browser` runs it, and `.ci/run` installs both and runs it
//! that way, where a missing browser fails it.

use std::path::Path;
use std::process::Command;

fn tool(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_roadmap-lint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs Chromium and `npm ci --prefix tests/browser`; run with `cargo test -- --ignored browser` (.ci/run does)"]
fn reports_render_in_chromium_without_errors_or_accessibility_violations() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "Chromium is missing at {chromium} (set CHROMIUM, or install Debian's chromium)"
    );
    assert!(
        Path::new("tests/browser/node_modules/playwright-core").exists(),
        "the browser test's npm packages are missing: run `npm ci --prefix tests/browser`"
    );
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reports");
    std::fs::create_dir_all(&out_dir).unwrap();
    let args = ["--as-of", "2025-06-30", "fixtures/examples/"];

    let json = tool(&[&["score", "--format", "json"], &args[..]].concat());
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let departments = report["departments"].as_array().unwrap().len();
    assert!(departments >= 3, "the examples hold several departments");

    let html = tool(&[&["score", "--format", "html"], &args[..]].concat());
    let score_page = out_dir.join("score.html");
    std::fs::write(&score_page, &html.stdout).unwrap();
    let page = String::from_utf8(html.stdout).unwrap();
    assert!(
        !page.contains("http://") && !page.contains("https://cdn"),
        "the page is self-contained"
    );

    let mut pages = vec![format!("score={}:{departments}", score_page.display())];
    for proposal in [
        "proposal-clean",
        "proposal-with-conditions",
        "proposal-not-ready",
    ] {
        let file = format!("fixtures/examples/{proposal}.yaml");
        let html = tool(&[
            "review",
            &file,
            "--declarations",
            "fixtures/examples/",
            "--as-of",
            "2025-06-30",
            "--format",
            "html",
        ]);
        let page = out_dir.join(format!("review-{proposal}.html"));
        std::fs::write(&page, &html.stdout).unwrap();
        pages.push(format!("review={}", page.display()));
    }
    // The assessors' record beside the tool's recommendation: the page docs/review.md shows.
    let html = tool(&[
        "review",
        "fixtures/examples/proposal-with-conditions.yaml",
        "--declarations",
        "fixtures/examples/",
        "--record",
        "fixtures/review/record-with-conditions.yaml",
        "--as-of",
        "2025-04-14",
        "--format",
        "html",
    ]);
    assert!(html.status.success());
    let record_page = out_dir.join("review-record.html");
    std::fs::write(&record_page, &html.stdout).unwrap();
    pages.push(format!("review={}", record_page.display()));

    // The progress page of the example series.
    let progress = Command::new(env!("CARGO_BIN_EXE_roadmap-lint"))
        .current_dir("fixtures/progress")
        .args(["progress", "--format", "html", "."])
        .output()
        .unwrap();
    assert!(progress.status.success());
    let progress_page = out_dir.join("progress.html");
    std::fs::write(&progress_page, &progress.stdout).unwrap();
    pages.push(format!("progress={}", progress_page.display()));

    let shots = Path::new("target/screenshots");
    let status = Command::new("node")
        .arg("tests/browser/check.mjs")
        .arg(shots)
        .args(&pages)
        .env("CHROMIUM", &chromium)
        .status()
        .expect("node runs");
    assert!(
        status.success(),
        "the browser checks failed: see the FAIL lines above"
    );

    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::copy(shots.join("score.png"), "docs/report.png").unwrap();
        std::fs::copy(shots.join("progress.png"), "docs/progress.png").unwrap();
        // The printed example of docs/review.md: the PDF, and its first page as a picture
        // (when poppler's pdftoppm is at hand).
        std::fs::copy(shots.join("review-record.pdf"), "docs/review-example.pdf").unwrap();
        let _ = Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
            .arg(shots.join("review-record.pdf"))
            .arg("docs/review-example")
            .status();
    }
}
