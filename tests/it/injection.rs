//! Output escaping: declarations and proposals whose every free-text value is hostile (escape
//! sequences, forged workflow commands, raw HTML, Markdown links and @-mentions, a forged
//! table) go through `check`, `review` and `score` in every format. No format may carry a raw
//! control character or a reordering mark from a document, no line may start a workflow command
//! that the tool did not write, and no Markdown or HTML may carry live markup from a document.

use std::fs;

use crate::harness::{lint_with, root};

/// One value holding every attack, as a YAML double-quoted string (its escapes make the real
/// control characters).
const HOSTILE: &str = r#""\e]0;pwned\a\e[2J\r\n::error file=x.yaml,line=1::forged\n::add-mask::secret \x85##[error]forged <img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\">click</a> @here @org/team #123 [link](https://evil.example) ![img](https://evil.example/x.png) | forged | table | \u202Eexe.txt www.evil.example `code` **bold**""#;

/// Keys whose values are free text in the examples.
const FREE_TEXT: &[&str] = &[
    "name",
    "title",
    "supplier",
    "risk_owner",
    "reason",
    "approved_by",
    "owner",
    "lead",
    "hosting_case",
    "exception_reason",
    "explanation",
];

/// The example with every free-text value replaced by [`HOSTILE`].
fn hostile_copy(example: &str) -> String {
    let text = fs::read_to_string(root().join("fixtures/examples").join(example)).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let key = trimmed.split(':').next().unwrap_or("");
        if FREE_TEXT.contains(&key) && !line.contains('{') {
            let indent = &line[..line.len() - line.trim_start().len()];
            let dash = if line.trim_start().starts_with("- ") {
                "- "
            } else {
                ""
            };
            out.push_str(&format!("{indent}{dash}{key}: {HOSTILE}\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Raw characters no report may carry from a document: C0 controls other than line feed,
/// tab (and carriage return, which no format writes on its own), DEL, C1 controls, and the
/// right-to-left override.
fn raw_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|&c| {
            (c.is_control() && !matches!(c, '\n' | '\t')) || ('\u{202A}'..='\u{202E}').contains(&c)
        })
        .collect()
}

fn assert_terminal_safe(what: &str, out: &str) {
    assert!(
        raw_controls(out).is_empty(),
        "{what}: raw control characters {:?}",
        raw_controls(out)
    );
    for line in out.lines() {
        let t = line.trim_start();
        assert!(
            !t.starts_with("::"),
            "{what}: a line starts a workflow command: {line:?}"
        );
        assert!(
            !line.contains("##["),
            "{what}: a line holds a V1 workflow command: {line:?}"
        );
    }
}

fn assert_github_safe(out: &str) {
    assert!(
        raw_controls(out).is_empty(),
        "github: {:?}",
        raw_controls(out)
    );
    for line in out.lines() {
        assert!(
            ["::error ", "::warning ", "::notice "]
                .iter()
                .any(|c| line.starts_with(c)),
            "github: a line that is not one of the tool's annotations: {line:?}"
        );
        assert!(!line.contains("##["), "github: {line:?}");
    }
}

fn assert_markdown_safe(what: &str, out: &str) {
    assert_terminal_safe(what, out);
    for bad in [
        "<img",
        "<a href",
        "@here",
        "@org",
        "](https://evil",
        "https://evil",
        "www.evil",
        "#123",
        "| forged |",
    ] {
        assert!(!out.contains(bad), "{what}: live markup `{bad}` in:\n{out}");
    }
}

/// A report file may be printed in a CI log: none of its lines may start a workflow command.
fn assert_no_workflow_command(what: &str, out: &str) {
    for line in out.lines() {
        let live = line.trim_start().starts_with("::") || line.contains("##[");
        assert!(
            !live,
            "{what}: a workflow command from a document: {line:?}"
        );
    }
}

fn assert_html_safe(what: &str, out: &str) {
    assert_no_workflow_command(what, out);
    assert!(
        raw_controls(out).is_empty(),
        "{what}: {:?}",
        raw_controls(out)
    );
    // The attack may show as text (`&lt;img ...`), never as markup.
    for bad in ["<img", "href=\"javascript", "<a href=\"javascript", "src=x"] {
        let live = if bad == "src=x" {
            out.contains("<img src=x")
        } else {
            out.contains(bad)
        };
        assert!(!live, "{what}: live markup `{bad}`");
    }
}

fn assert_xml_safe(out: &str) {
    assert_no_workflow_command("junit", out);
    assert!(
        raw_controls(out).is_empty(),
        "junit: {:?}",
        raw_controls(out)
    );
    assert!(!out.contains("<img"), "junit: markup from a document");
    quick_xml::Reader::from_str(out)
        .read_event()
        .expect("junit is XML");
}

#[test]
fn no_format_carries_markup_or_controls_from_a_document() {
    let base = root().join("target").join("injection-scratch");
    fs::create_dir_all(&base).unwrap();
    let dir = tempfile::tempdir_in(base).unwrap();
    let declaration = dir.path().join("hmrc.yaml");
    let proposal = dir.path().join("proposal.yaml");
    fs::write(&declaration, hostile_copy("hmrc-needs-work.yaml")).unwrap();
    fs::write(&proposal, hostile_copy("proposal-not-ready.yaml")).unwrap();
    let declaration = declaration.display().to_string();
    let proposal = proposal.display().to_string();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--as-of", "2025-07-31"]);
        lint_with(&all, None, 30)
    };

    // The values really reach the reports: a rule quotes the hostile supplier.
    let json = run(&["check", "--format", "json", &declaration]);
    assert!(
        json.stdout.contains("::add-mask::secret"),
        "{}",
        json.stdout
    );
    // JSON and SARIF escape what serde_json leaves raw: DEL and the C1 controls (U+0085 here;
    // U+009B would start a terminal escape sequence).
    assert!(json.stdout.contains("\\u0085"), "{}", json.stdout);
    for args in [
        vec!["check", "--format", "json"],
        vec!["check", "--format", "sarif"],
        vec!["score", "--format", "json"],
        vec!["review", "--format", "json"],
    ] {
        let mut all = args.clone();
        all.extend([declaration.as_str(), proposal.as_str()]);
        let out = run(&all);
        let raw: Vec<char> = out
            .stdout
            .chars()
            .filter(|c| ('\u{7f}'..='\u{9f}').contains(c))
            .collect();
        assert!(raw.is_empty(), "{args:?}: raw {raw:?}");
    }

    // The concise report is one line per finding: a hostile message may not add a line.
    let concise = run(&["check", "--format", "concise", &declaration, &proposal]);
    assert_terminal_safe("check concise", &concise.stdout);
    assert!(
        concise.stdout.contains("::add-mask::secret"),
        "{}",
        concise.stdout
    );
    let statistics = run(&["check", "--statistics", &declaration, &proposal]);
    assert_terminal_safe("check --statistics", &statistics.stdout);
    for format in ["human", "markdown"] {
        let out = run(&["check", "--format", format, &declaration, &proposal]);
        if format == "markdown" {
            assert_markdown_safe("check markdown", &out.stdout);
        } else {
            assert_terminal_safe("check human", &out.stdout);
        }
        assert_terminal_safe("check stderr", &out.stderr);
    }
    assert_github_safe(&run(&["check", "--format", "github", &declaration, &proposal]).stdout);
    assert_xml_safe(&run(&["check", "--format", "junit", &declaration, &proposal]).stdout);
    for format in ["human", "markdown", "html"] {
        let out = run(&[
            "review",
            "--format",
            format,
            &proposal,
            "--declarations",
            &declaration,
        ]);
        match format {
            "human" => assert_terminal_safe("review human", &out.stdout),
            "markdown" => assert_markdown_safe("review markdown", &out.stdout),
            _ => assert_html_safe("review html", &out.stdout),
        }
    }
    for by in ["mission", "commitment", "department"] {
        for format in ["human", "markdown"] {
            let out = run(&["score", "--format", format, "--by", by, &declaration]);
            if format == "markdown" {
                assert_markdown_safe(&format!("score markdown by {by}"), &out.stdout);
            } else {
                assert_terminal_safe(&format!("score human by {by}"), &out.stdout);
            }
        }
    }
    assert_html_safe(
        "score html",
        &run(&["score", "--format", "html", &declaration]).stdout,
    );
}

#[test]
fn a_hostile_stdin_name_is_escaped() {
    let text = fs::read_to_string(root().join("fixtures/examples/hmrc-needs-work.yaml")).unwrap();
    let out = lint_with(
        &[
            "check",
            "--stdin-name",
            "\u{1b}[2J\n::add-mask::x",
            "-",
            "--as-of",
            "2025-07-31",
        ],
        Some(text.into_bytes()),
        30,
    );
    assert_terminal_safe("stdin name", &out.stdout);
}

/// The assessors' record is text written by people too: every free-text value of it hostile
/// (names, roles, reasons, an added condition) goes through every review format unharmed.
#[test]
fn the_assessors_record_carries_no_markup_or_controls() {
    let base = root().join("target").join("injection-scratch");
    fs::create_dir_all(&base).unwrap();
    let dir = tempfile::tempdir_in(base).unwrap();
    let proposal = dir.path().join("proposal.yaml");
    fs::write(&proposal, hostile_copy("proposal-with-conditions.yaml")).unwrap();
    let text =
        fs::read_to_string(root().join("fixtures/review/record-with-conditions.yaml")).unwrap();
    let mut record = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let key = trimmed.split(':').next().unwrap_or("");
        if ["reason", "text", "owner", "by", "role"].contains(&key) && !line.contains('{') {
            let indent = &line[..line.len() - line.trim_start().len()];
            let dash = if line.trim_start().starts_with("- ") {
                "- "
            } else {
                ""
            };
            record.push_str(&format!("{indent}{dash}{key}: {HOSTILE}\n"));
        } else if line.contains("{ name:") {
            record.push_str(&format!("  - {{ name: {HOSTILE}, role: {HOSTILE} }}\n"));
        } else {
            record.push_str(line);
            record.push('\n');
        }
    }
    let record_path = dir.path().join("record.yaml");
    fs::write(&record_path, record).unwrap();
    let (proposal, record_path) = (
        proposal.display().to_string(),
        record_path.display().to_string(),
    );
    for format in ["human", "markdown", "html", "json"] {
        let out = lint_with(
            &[
                "review",
                "--format",
                format,
                &proposal,
                "--record",
                &record_path,
                "--as-of",
                "2025-04-30",
            ],
            None,
            30,
        );
        // The values reach the report.
        assert!(out.stdout.contains("add-mask"), "{format}: {}", out.stdout);
        assert!(
            !out.stdout.contains("record-invalid"),
            "{format}: {}",
            out.stdout
        );
        match format {
            "human" => assert_terminal_safe("review record human", &out.stdout),
            "markdown" => assert_markdown_safe("review record markdown", &out.stdout),
            "html" => assert_html_safe("review record html", &out.stdout),
            // JSON escapes every control character, DEL and the C1 controls too.
            _ => assert!(
                !out.stdout.chars().any(|c| c.is_control() && c != '\n'),
                "json: {}",
                out.stdout
            ),
        }
    }
}
