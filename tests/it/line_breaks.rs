//! Line breaks: a line feed, a carriage return and line feed, and a carriage return alone each
//! end a line (as YAML 1.2 and the Language Server Protocol say). A finding on a file's fifth
//! line is on line 5 in every report format and in the language server, whichever breaks the
//! file uses, and a terminal snippet never carries a raw carriage return.

use serde_json::{Value, json};

use crate::harness::cli;
use crate::lsp::Client;

/// The same declaration with each kind of line break: its unknown key `surprise` is on line 5.
const LINES: [&str; 5] = [
    "schema_version: 1",
    "kind: department",
    "as_of: 2025-06-30",
    "organisation: {id: HMRC, name: HM Revenue and Customs, type: ministerial, health_body: false}",
    "surprise: 1",
];

fn with_breaks(breaks: [&str; 5]) -> String {
    LINES
        .iter()
        .zip(breaks)
        .map(|(line, end)| format!("{line}{end}"))
        .collect()
}

fn files() -> Vec<(&'static str, String)> {
    vec![
        ("cr-only.yaml", with_breaks(["\r"; 5])),
        ("crlf.yaml", with_breaks(["\r\n"; 5])),
        (
            "mixed.yaml",
            with_breaks(["\r", "\r\n", "\n", "\r", "\r\n"]),
        ),
    ]
}

fn check(dir: &std::path::Path, file: &str, format: &str) -> String {
    let out = cli()
        .current_dir(dir)
        .args(["check", "--no-cache", "--as-of", "2025-06-30", "--format"])
        .args([format, file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{format} of {file}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_finding_on_the_fifth_line_is_on_line_5_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for (file, text) in files() {
        std::fs::write(dir.path().join(file), &text).unwrap();
        let at = format!("{file}:5:1");
        let human = check(dir.path(), file, "human");
        assert!(human.contains(&format!("[{at}]")), "{human}");
        assert!(human.contains(" 5 │ surprise: 1\n"), "{human}");
        assert!(!human.contains('\r'), "a raw carriage return: {human:?}");
        for format in ["concise", "junit", "markdown"] {
            let out = check(dir.path(), file, format);
            assert!(out.contains(&at), "{format}: {out}");
            assert!(!out.contains('\r'), "{format}: {out:?}");
        }
        let github = check(dir.path(), file, "github");
        assert!(github.contains("line=5,col=1,endLine=5"), "{github}");
        let json: Value = serde_json::from_str(&check(dir.path(), file, "json")).unwrap();
        let finding = &json["findings"][0];
        assert_eq!(
            (&finding["line"], &finding["column"]),
            (&json!(5), &json!(1)),
            "{finding:#}"
        );
        let sarif: Value = serde_json::from_str(&check(dir.path(), file, "sarif")).unwrap();
        let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (&region["startLine"], &region["startColumn"]),
            (&json!(5), &json!(1)),
            "{region:#}"
        );
    }
}

#[test]
fn the_language_server_puts_it_on_the_fifth_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let mut client = Client::start(&root, json!({ "as_of": "2025-06-30" }));
    for (file, text) in files() {
        let path = root.join(file);
        std::fs::write(&path, &text).unwrap();
        let uri = client.open(&path);
        let diags = client.diagnostics(&uri);
        let unknown = diags
            .iter()
            .find(|d| d["code"] == "schema-unknown-key")
            .unwrap_or_else(|| panic!("{file}: {diags:#?}"));
        // LSP counts lines from 0.
        assert_eq!(
            unknown["range"]["start"],
            json!({ "line": 4, "character": 0 }),
            "{file}: {unknown:#}"
        );
    }
    assert_eq!(client.stop(), 0);
}

#[test]
fn a_snippet_of_a_file_with_carriage_returns_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (file, text) = files().remove(2);
    std::fs::write(dir.path().join(file), text).unwrap();
    insta::assert_snapshot!(check(dir.path(), file, "human"));
}
