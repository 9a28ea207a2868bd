//! The language server and the command line agree on a file the loader refuses: the same
//! diagnostic code at the same line and column, for the file opened as it is on disk (with line
//! feeds or carriage returns alone) and for the text typed in the editor, unsaved; and the
//! workspace's other files are still checked.

use serde_json::{Value, json};

use super::harness::cli;
use super::lsp::Client;

const AS_OF: &str = "2025-06-30";

/// A declaration of many one-key mappings: a 120 KB file that would take more memory than its
/// budget (48 bytes per byte and 4 MiB), so the loader refuses it with `input-too-complex`.
fn too_complex() -> String {
    let mut text =
        String::from("schema_version: 1\nkind: department\nas_of: 2025-01-01\nx_items:\n");
    let mut i = 0;
    while text.len() < 120_000 {
        text.push_str(&format!("  - {{a: {i}}}\n"));
        i += 1;
    }
    text
}

/// `check --format json`'s finding with `code` in `file`: its line and column, from 1.
fn check_json(root: &std::path::Path, file: &str, code: &str) -> (u64, u64) {
    let out = cli()
        .current_dir(root)
        .args([
            "check",
            "--no-cache",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            file,
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == code && f["file"] == file)
        .unwrap_or_else(|| panic!("no {code} in {report:#}"));
    (
        found["line"].as_u64().unwrap(),
        found["column"].as_u64().unwrap(),
    )
}

/// The server's diagnostic with `code`: its line and column, from 1.
fn server_place(diags: &[Value], code: &str) -> (u64, u64) {
    let d = diags
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} among {diags:#?}"));
    let start = &d["range"]["start"];
    (
        start["line"].as_u64().unwrap() + 1,
        start["character"].as_u64().unwrap() + 1,
    )
}

#[test]
fn a_file_too_complex_to_check_gets_the_same_diagnostic_from_the_server_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let text = too_complex();
    // The same file with line feeds, and with carriage returns alone (which once put every
    // finding of JSON on line 1).
    std::fs::write(root.join("dense.yaml"), &text).unwrap();
    std::fs::write(root.join("dense-cr.yaml"), text.replace('\n', "\r")).unwrap();
    let good = super::harness::root().join("fixtures/examples/dwp-compliant.yaml");
    std::fs::copy(good, root.join("dwp.yaml")).unwrap();
    let code = "input-too-complex";
    let mut c = Client::start(&root, json!({ "as_of": AS_OF }));
    for name in ["dense.yaml", "dense-cr.yaml"] {
        let from_check = check_json(&root, name, code);
        assert!(
            from_check.0 > 4,
            "{name}: at a line of the list: {from_check:?}"
        );
        // Opened in the editor as it is on disk: the workspace's file.
        let uri = c.open(&root.join(name));
        assert_eq!(
            server_place(&c.diagnostics(&uri), code),
            from_check,
            "{name}"
        );
    }
    // The other files of the workspace are still checked.
    let dwp = c.open(&root.join("dwp.yaml"));
    let diags = c.diagnostics(&dwp);
    assert!(diags.iter().all(|d| d["code"] != code), "{diags:#?}");
    // Typed in the editor, unsaved, three lines longer: refused at the line `check` gives for
    // the text once saved.
    let typed = format!("# one\n# two\n# three\n{text}");
    c.change(&dwp, 2, &typed);
    let from_editor = server_place(&c.diagnostics(&dwp), code);
    std::fs::write(root.join("saved.yaml"), &typed).unwrap();
    let saved = check_json(&root, "saved.yaml", code);
    assert_eq!(from_editor, saved);
    assert_eq!(c.stop(), 0);
}
