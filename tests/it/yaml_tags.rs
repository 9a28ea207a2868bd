//! Tags the loader does not read are named as the file writes them, verbatim (`!<...>`) and
//! declared (`%TAG`) ones included, with the tags that are read in the help.

use crate::harness::cli;

/// A department whose `as_of` is tagged with `tag`, after the directives `head`.
fn tagged(head: &str, tag: &str) -> String {
    format!("{head}schema_version: 1\nkind: department\nas_of: {tag}\n")
}

fn check_human(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tagged.yaml"), text).unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-cache",
            "--as-of",
            "2025-03-31",
            "tagged.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a refused tag is a finding");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_verbatim_core_tag_names_its_short_form() {
    let out = check_human(&tagged("", "!<tag:yaml.org,2002:str> 2025-03-31"));
    insta::assert_snapshot!(out);
}

#[test]
fn a_verbatim_foreign_tag_is_named_as_written() {
    let out = check_human(&tagged("", "!<tag:example.com:x> 1"));
    insta::assert_snapshot!(out);
}

#[test]
fn a_declared_handle_is_named_as_written() {
    let out = check_human(&tagged("%TAG !e! tag:example.com,2000:\n---\n", "!e!x 1"));
    insta::assert_snapshot!(out);
}
