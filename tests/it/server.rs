//! `roadmap-lint server`, driven over stdio as an editor would: JSON-RPC messages in, diagnostics,
//! hovers, code actions and completions out, on a copy of `fixtures/server/` (a department
//! declaration with a missed deadline and a waiver, a proposal checked against it, and a CI
//! workflow that is not a declaration).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::lsp::{Client, frame, uri};
const AS_OF: &str = "2025-06-30";
const DOCS: &str = "https://github.com/roadmap-lint/roadmap-lint/blob/v0.1.0/docs/";

/// A copy of `fixtures/server/` in a fresh folder.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    copy(&super::harness::root().join("fixtures/server"), &root);
    (dir, root)
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn find<'a>(diags: &'a [Value], code: &str) -> &'a Value {
    diags
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} among {diags:#?}"))
}

fn assert_absent(diags: &[Value], code: &str) {
    assert!(
        !diags.iter().any(|d| d["code"] == code),
        "{code}: {diags:#?}"
    );
}

/// The example declaration with the system the example proposal names added.
fn declaring_the_archive(text: &str) -> String {
    text.replace(
        "waivers:\n",
        "    - id: licence-archive\n      nationally_important: false\nwaivers:\n",
    )
}

fn range(d: &Value) -> (u64, u64, u64, u64) {
    let r = &d["range"];
    let n = |v: &Value| v.as_u64().unwrap();
    (
        n(&r["start"]["line"]),
        n(&r["start"]["character"]),
        n(&r["end"]["line"]),
        n(&r["end"]["character"]),
    )
}

const DECLARATION: &str = "declarations/testing.yaml";
const PROPOSAL: &str = "proposals/ledger-replacement.yaml";

#[test]
fn diagnostics_carry_ranges_codes_links_waivers_and_related_places() {
    let (_dir, root) = workspace();
    let mut c = Client::start(&root, json!({ "as_of": AS_OF }));

    // The proposal, checked against the declaration on disk (not open).
    let proposal = c.open(&root.join(PROPOSAL));
    let diags = c.diagnostics(&proposal);
    let missing = find(&diags, "proposal-not-in-declaration");
    assert_eq!(range(missing), (21, 6, 21, 21));
    assert_eq!(missing["severity"], 1);
    assert_eq!(missing["source"], "roadmap-lint");
    assert_eq!(
        missing["codeDescription"]["href"],
        format!("{DOCS}rules.md#proposal-not-in-declaration")
    );
    assert!(
        missing["message"].as_str().unwrap().contains("\nhelp: "),
        "{missing}"
    );
    let related = &missing["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri(&root.join(DECLARATION)));
    assert_eq!(
        related["location"]["range"]["start"],
        json!({ "line": 20, "character": 2 })
    );
    let red = find(
        &diags,
        "proposal-replaces-red-system-without-remediation-plan",
    );
    assert_eq!(range(red), (20, 6, 20, 20));
    assert_eq!(
        red["relatedInformation"][0]["location"]["range"]["start"],
        json!({ "line": 27, "character": 16 })
    );

    // The declaration: a missed deadline, and a waived finding as a hint with its note.
    let declaration = c.open(&root.join(DECLARATION));
    let diags = c.diagnostics(&declaration);
    let late = find(&diags, "one-login-strategy-overdue");
    assert_eq!(range(late), (17, 22, 17, 32));
    assert_eq!(late["severity"], 1);
    assert_eq!(
        late["codeDescription"]["href"],
        format!("{DOCS}rules.md#one-login-strategy-overdue")
    );
    let waived = find(&diags, "resilience-test-overdue");
    assert_eq!(waived["severity"], 4, "a waived finding is a hint");
    let note = waived["message"].as_str().unwrap();
    assert!(
        note.contains("Test rig rebuilt")
            && note.contains("Chief Technology Officer")
            && note.contains("2025-12-31"),
        "{note}"
    );

    // A YAML file that is not a declaration gets nothing, even after a check has run.
    let workflow = c.open(&root.join(".github/workflow.yaml"));
    let text = std::fs::read_to_string(root.join(DECLARATION)).unwrap();
    c.change(
        &declaration,
        2,
        &text.replace("Department for Testing", "Department for Tests"),
    );
    c.diagnostics(&declaration);
    assert!(
        !c.pending.iter().any(|m| m["params"]["uri"] == workflow),
        "nothing is published for other YAML"
    );
    assert_eq!(c.stop(), 0);
}

#[test]
fn a_change_to_a_declaration_reaches_the_open_proposals_that_use_it() {
    let (_dir, root) = workspace();
    let mut c = Client::start(&root, json!({ "as_of": AS_OF }));
    let proposal = c.open(&root.join(PROPOSAL));
    find(&c.diagnostics(&proposal), "proposal-not-in-declaration");
    let declaration = c.open(&root.join(DECLARATION));
    c.diagnostics(&declaration);
    // The declaration, as typed (not saved), now has the system the proposal replaces.
    let text = std::fs::read_to_string(root.join(DECLARATION)).unwrap();
    let edited = declaring_the_archive(&text);
    c.change(&declaration, 2, &edited);
    let diags = c.diagnostics(&proposal);
    assert_absent(&diags, "proposal-not-in-declaration");
    assert_eq!(c.stop(), 0);
}

#[test]
fn a_declaration_changed_on_disk_reaches_the_open_proposals_when_the_client_says_so() {
    let (_dir, root) = workspace();
    let mut c = Client::start(&root, json!({ "as_of": AS_OF }));
    let proposal = c.open(&root.join(PROPOSAL));
    find(&c.diagnostics(&proposal), "proposal-not-in-declaration");
    // Changed outside the editor (the declaration is not open), then reported by the client's
    // file watcher.
    let text = std::fs::read_to_string(root.join(DECLARATION)).unwrap();
    let edited = declaring_the_archive(&text);
    std::fs::write(root.join(DECLARATION), edited).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&root.join(DECLARATION)), "type": 2 }] }),
    );
    let diags = c.diagnostics(&proposal);
    assert_absent(&diags, "proposal-not-in-declaration");
    assert_eq!(c.stop(), 0);
}

#[test]
fn typed_mistakes_are_reported_at_their_utf16_range_and_fixed() {
    let (_dir, root) = workspace();
    let mut c = Client::start(&root, json!({ "as_of": AS_OF }));
    let declaration = c.open(&root.join(DECLARATION));
    c.diagnostics(&declaration);
    let text = std::fs::read_to_string(root.join(DECLARATION)).unwrap();
    // An impossible date after a character outside the Basic Multilingual Plane (two UTF-16
    // units), a misspelt key and a misspelt value.
    let line = "one_login: { x_note: \"\u{1d4b3}\u{e9}\", strategy_confirmed: 2025-02-30 }";
    let edited = text
        .replace(
            "one_login:\n  strategy_confirmed: 2023-07-14\n  agreed_adoption_date: 2026-03-31",
            line,
        )
        .replace(
            "      hosting: crown_hosting",
            "      hostng: crown_hosting",
        )
        .replace("  type: ministerial", "  type: ministeral");
    c.change(&declaration, 2, &edited);
    let diags = c.diagnostics(&declaration);
    let date = find(&diags, "schema-date");
    let prefix = &line[..line.find("2025-02-30").unwrap()];
    let start = prefix.encode_utf16().count() as u64;
    assert_eq!(
        start,
        prefix.chars().count() as u64 + 1,
        "the test line has a two-unit character"
    );
    assert_eq!(range(date), (16, start, 16, start + 10));
    assert_eq!(
        date["codeDescription"]["href"],
        format!("{DOCS}diagnostics.md#schema-date")
    );

    let unknown = find(&diags, "schema-unknown-key");
    let (l, ch, _, _) = range(unknown);
    let actions = c.actions(&declaration, l, ch);
    let fix = actions
        .iter()
        .find(|a| a["title"] == "Replace `hostng` with `hosting`")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let edit = &fix["edit"]["changes"][&declaration][0];
    assert_eq!(edit["newText"], "hosting");
    assert_eq!(edit["range"], unknown["range"]);

    let value = find(&diags, "schema-enum");
    let (l, ch, _, _) = range(value);
    let actions = c.actions(&declaration, l, ch);
    assert!(
        actions
            .iter()
            .any(|a| a["title"] == "Replace `ministeral` with `ministerial`"
                && a["isPreferred"] == true),
        "{actions:#?}"
    );
    assert_eq!(c.stop(), 0);
}

#[test]
fn quick_fixes_add_a_waiver_and_a_missing_key() {
    let (_dir, root) = workspace();
    let mut c = Client::start(&root, json!({ "as_of": AS_OF }));
    let declaration = c.open(&root.join(DECLARATION));
    let diags = c.diagnostics(&declaration);
    let late = find(&diags, "one-login-strategy-overdue");
    let (l, ch, _, _) = range(late);
    let actions = c.actions(&declaration, l, ch);
    let waive = actions
        .iter()
        .find(|a| {
            a["title"] == "Waive `one-login-strategy-overdue` at `one_login.strategy_confirmed`"
        })
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let edit = &waive["edit"]["changes"][&declaration][0];
    // After the last line of the existing waiver list, at its indentation.
    assert_eq!(
        edit["range"]["start"],
        json!({ "line": 36, "character": 23 })
    );
    let inserted = edit["newText"].as_str().unwrap();
    assert!(
        inserted.starts_with(
            "\n  - rule: one-login-strategy-overdue\n    path: one_login.strategy_confirmed\n"
        ),
        "{inserted}"
    );
    assert!(inserted.contains("expires: 2025-09-28"), "{inserted}");

    // The waiver, applied, waives the finding.
    let text = std::fs::read_to_string(root.join(DECLARATION)).unwrap();
    let applied = format!("{}{inserted}\n", text.trim_end());
    c.change(&declaration, 2, &applied);
    let diags = c.diagnostics(&declaration);
    assert_eq!(find(&diags, "one-login-strategy-overdue")["severity"], 4);

    // A required key removed, then put back by the fix.
    let without = applied.replace("  id: DFT-TEST\n", "");
    c.change(&declaration, 3, &without);
    let diags = c.diagnostics(&declaration);
    let missing = find(&diags, "schema-missing-key");
    let (l, ch, _, _) = range(missing);
    let actions = c.actions(&declaration, l, ch);
    let add = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Add `id: "))
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let edit = &add["edit"]["changes"][&declaration][0];
    assert!(
        edit["newText"].as_str().unwrap().starts_with("\n  id: "),
        "{edit}"
    );
    assert_eq!(c.stop(), 0);
}

#[test]
fn hover_explains_fields_and_findings() {
    let (_dir, root) = workspace();
    let mut c = Client::start(&root, json!({ "as_of": AS_OF }));
    let declaration = c.open(&root.join(DECLARATION));
    c.diagnostics(&declaration);
    // The `hosting` key of the first system.
    let h = c.at("textDocument/hover", &declaration, 23, 8);
    let text = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("technology.systems[0].hosting"), "{text}");
    assert!(text.contains("Where the system is hosted now"), "{text}");
    assert!(text.contains("`hosting-not-cloud-aligned`"), "{text}");
    // A field names each commitment that reads it, by number and words, beside the rules.
    let h = c.at("textDocument/hover", &declaration, 17, 4);
    let text = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("one_login.strategy_confirmed"), "{text}");
    assert!(
        text.contains("- Commitment 3: All departments will confirm an adoption strategy"),
        "{text}"
    );
    assert!(text.contains("`one-login-strategy-overdue`"), "{text}");
    // The late One Login strategy: the commitment, the rule's documentation, the deadline.
    let h = c.at("textDocument/hover", &declaration, 17, 25);
    let text = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**Commitment 3**"), "{text}");
    assert!(text.contains("# What it checks"), "{text}");
    assert!(
        text.contains("**Deadline** 2023-04-30: 792 days overdue"),
        "{text}"
    );
    assert_eq!(c.stop(), 0);
}

#[test]
fn completion_offers_keys_values_and_the_declarations_ids() {
    let (_dir, root) = workspace();
    let mut c = Client::start(&root, json!({ "as_of": AS_OF }));
    let proposal = c.open(&root.join(PROPOSAL));
    c.diagnostics(&proposal);
    let labels = |r: &Value| -> Vec<String> {
        r["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    // An item of `replaces_systems`, and `service`: ids the department declares.
    let r = c.at("textDocument/completion", &proposal, 20, 7);
    assert_eq!(labels(&r), ["licence-ledger"]);
    let text = std::fs::read_to_string(root.join(PROPOSAL)).unwrap();
    let edited = text
        .replace("  service: apply-for-a-test-licence\n", "  service: \n")
        .replace("  phase: alpha\n", "  phase: \n  \n");
    c.change(&proposal, 2, &edited);
    let r = c.at("textDocument/completion", &proposal, 13, 11);
    assert_eq!(labels(&r), ["apply-for-a-test-licence"]);
    // A value from the schema's enum, and the keys `proposal` may still take.
    let r = c.at("textDocument/completion", &proposal, 11, 9);
    assert!(labels(&r).contains(&"renewal".to_string()), "{r}");
    let r = c.at("textDocument/completion", &proposal, 12, 2);
    let keys = labels(&r);
    assert!(keys.contains(&"assurance_rating".to_string()), "{keys:?}");
    assert!(
        !keys.contains(&"title".to_string()),
        "a key already written is not offered: {keys:?}"
    );
    assert_eq!(c.stop(), 0);
}

#[test]
fn a_broken_pack_is_one_diagnostic_on_its_file() {
    let (_dir, root) = workspace();
    std::fs::create_dir_all(root.join("rules/local")).unwrap();
    std::fs::write(
        root.join("rules/local/pack.yaml"),
        "name: local\nversion: 0.1.0\ndescription: A local pack\n",
    )
    .unwrap();
    std::fs::write(
        root.join("rules/local/broken-rule.rhai"),
        "//! broken\nlet rule = #{ id: \"broken-rule\", title: \"x\" ;\n",
    )
    .unwrap();
    std::fs::write(
        root.join(".roadmap-lint.yaml"),
        "rule_folders: [rules/local]\n",
    )
    .unwrap();
    let mut c = Client::start(&root, json!({ "as_of": AS_OF }));
    let rule = uri(&root.join("rules/local/broken-rule.rhai"));
    let diags = c.diagnostics(&rule);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "rule-syntax");
    // Documents are still checked with the rules that load.
    let declaration = c.open(&root.join(DECLARATION));
    let diags = c.diagnostics(&declaration);
    find(&diags, "one-login-strategy-overdue");
    assert!(
        !c.pending.iter().any(|m| m["params"]["uri"] == rule),
        "the pack's diagnostic is published once"
    );
    // The rule removed and the pack saved: the packs are read again, the diagnostic goes.
    std::fs::remove_file(root.join("rules/local/broken-rule.rhai")).unwrap();
    let manifest = uri(&root.join("rules/local/pack.yaml"));
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": manifest } }),
    );
    assert_eq!(c.diagnostics(&rule), Vec::<Value>::new());
    assert_eq!(c.stop(), 0);
}

#[test]
fn hostile_input_neither_crashes_nor_blocks_the_server() {
    let (_dir, root) = workspace();
    let mut c = Client::start(&root, json!({ "as_of": AS_OF }));
    // A message that is not JSON, and a notification with a broken URI, are ignored.
    c.stdin.write_all(&frame(b"{not json")).unwrap();
    c.notify("textDocument/didOpen", json!({ "textDocument": { "uri": "::", "languageId": "yaml", "version": 1, "text": "kind: department" } }));
    // A document over the file-size limit is reported, not read.
    let big = format!(
        "schema_version: 1\nkind: department\nx_padding: \"{}\"\n",
        "a".repeat(9 << 20)
    );
    let huge = uri(&root.join("huge.yaml"));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": huge, "languageId": "yaml", "version": 1, "text": big } }),
    );
    let diags = c.diagnostics(&huge);
    find(&diags, "input-too-large");
    // Requests about unknown documents and positions far outside get empty answers.
    let r = c.at(
        "textDocument/hover",
        "file:///nowhere.yaml",
        4_000_000_000,
        4_000_000_000,
    );
    assert_eq!(r["result"], Value::Null, "{r}");
    let declaration = c.open(&root.join(DECLARATION));
    c.diagnostics(&declaration);
    let r = c.at("textDocument/completion", &declaration, 4_000_000_000, 7);
    assert!(r.get("error").is_none(), "{r}");
    assert_eq!(c.stop(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_one() {
    let (_dir, root) = workspace();
    let mut c = Client::start(&root, json!({}));
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 1);
}

/// A client that goes away before the session has started (its input closed at once, or its
/// output closed while requests are still coming) ends the server quietly: no panic (exit
/// 101), whichever step of the start it was at.
#[test]
fn a_client_that_goes_away_during_the_start_never_panics_the_server() {
    use std::process::{Command, Stdio};
    let run = |input: Vec<u8>, close_stdout: bool| {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("roadmap-lint"))
            .args(["server", "--no-config"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if close_stdout {
            drop(child.stdout.take());
        }
        let mut stdin = child.stdin.take().unwrap();
        // The server may stop reading once its output is gone.
        let _ = stdin.write_all(&input);
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_ne!(out.status.code(), Some(101), "{stderr}");
        assert!(out.status.code().is_some(), "killed by a signal: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    };
    run(Vec::new(), false);
    run(Vec::new(), true);
    let early = |id: usize| {
        frame(
            json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {} })
                .to_string()
                .as_bytes(),
        )
    };
    let initialize = frame(
        json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": { "capabilities": {} } })
            .to_string()
            .as_bytes(),
    );
    // Requests before `initialize`, each answered into a closed output.
    let before: Vec<u8> = (1..200).flat_map(early).collect();
    run(before.clone(), true);
    // `initialize` answered into a closed output, then requests before `initialized`.
    let mut after = initialize.clone();
    after.extend((1..200).flat_map(early));
    run(after, true);
    run(initialize, true);
}
