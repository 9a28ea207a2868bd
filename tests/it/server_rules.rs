//! `roadmap-lint server` on a pack's rule files, as a rule author's editor would drive it:
//! diagnostics of the text as typed (the pack loader's own checks, never the file on disk),
//! hover on the rule API's helpers, and completion of the pack's parameters and of paths.

use serde_json::{Value, json};

use super::author_mistakes::{BODY, DWP_LIB, rule, typed_pack};
use super::lsp::{Client, uri};

/// A rule that reads a parameter and a field of the pack's own, and reports with `report`.
const GOOD: &str = "fn check(doc, ctx) {\n    for s in doc.services {\n        if lookup(s, \"x_dwp.transactions_per_year\", 0) > ctx.params.large_service_transactions {\n            report(path(s), \"a large service\");\n        }\n    }\n}\n";

/// The 0-based line of `needle` in `text`, and the UTF-16 column just after it.
fn after(text: &str, needle: &str) -> (u64, u64) {
    let (line, found) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("no {needle:?} in {text}"));
    let column = found.find(needle).unwrap() + needle.len();
    (line as u64, column as u64)
}

/// The text a diagnostic's range covers, on one line of `text`.
fn covered(text: &str, d: &Value) -> String {
    let r = &d["range"];
    let line = text
        .lines()
        .nth(usize::try_from(r["start"]["line"].as_u64().unwrap()).unwrap())
        .unwrap();
    let from = usize::try_from(r["start"]["character"].as_u64().unwrap()).unwrap();
    let to = usize::try_from(r["end"]["character"].as_u64().unwrap()).unwrap();
    assert_eq!(r["start"]["line"], r["end"]["line"], "{d:#}");
    line.chars().skip(from).take(to - from).collect()
}

fn labels(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["label"].as_str().unwrap()).collect()
}

fn item<'a>(items: &'a [Value], label: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["label"] == label)
        .unwrap_or_else(|| panic!("no {label} among {:?}", labels(items)))
}

#[test]
fn a_rule_is_checked_as_typed_and_its_mistakes_clear_when_fixed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let dir = typed_pack(&root, GOOD, DWP_LIB);
    let file = dir.join("typed.rhai");
    let on_disk = std::fs::read_to_string(&file).unwrap();
    let mut c = Client::start(&root, json!({}));
    let rule_uri = uri(&file);
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": rule_uri, "languageId": "rhai", "version": 1, "text": on_disk } }),
    );
    assert_eq!(c.diagnostics(&rule_uri), Vec::<Value>::new());

    // A misspelt parameter, typed and not saved: the load-time lint's error, at the name.
    let misspelt = rule(
        "typed",
        &GOOD.replace("large_service_transactions", "large_service_transaction"),
    );
    c.change(&rule_uri, 2, &misspelt);
    let diags = c.diagnostics(&rule_uri);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d["code"], "rule-unknown-name", "{d:#}");
    assert_eq!(d["range"]["start"]["line"], BODY + 1, "{d:#}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `large_service_transactions`"),
        "{d:#}"
    );
    assert!(
        covered(&misspelt, d).contains("large_service_transaction"),
        "{:?} in {d:#}",
        covered(&misspelt, d)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), on_disk);

    // A syntax error, then the fix: the diagnostic comes, then goes.
    let broken = rule("typed", &GOOD.replace("for s in", "for s on"));
    c.change(&rule_uri, 3, &broken);
    let diags = c.diagnostics(&rule_uri);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "rule-syntax", "{diags:#?}");
    assert_eq!(diags[0]["range"]["start"]["line"], BODY, "{diags:#?}");
    c.change(&rule_uri, 4, &on_disk);
    assert_eq!(c.diagnostics(&rule_uri), Vec::<Value>::new());

    // A top level that never ends is stopped by the sandbox's limits; the server answers on.
    let endless = format!("{on_disk}let n = 0;\nwhile true {{ n += 1; }}\n");
    c.change(&rule_uri, 5, &endless);
    let diags = c.diagnostics(&rule_uri);
    assert!(
        diags
            .iter()
            .any(|d| d["severity"] == 1
                && d["range"]["start"]["line"].as_u64() >= Some(BODY as u64 + 7)),
        "{diags:#?}"
    );
    c.change(&rule_uri, 6, &on_disk);
    assert_eq!(c.diagnostics(&rule_uri), Vec::<Value>::new());
    assert_eq!(c.stop(), 0);
}

#[test]
fn hover_and_completion_in_a_rule_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let dir = typed_pack(&root, GOOD, DWP_LIB);
    let file = dir.join("typed.rhai");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut c = Client::start(&root, json!({}));
    let rule_uri = uri(&file);
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": rule_uri, "languageId": "rhai", "version": 1, "text": text } }),
    );
    assert_eq!(c.diagnostics(&rule_uri), Vec::<Value>::new());

    // Hover on `report`: each signature, with what it returns and its documentation.
    let (line, column) = after(&text, "report(");
    let r = c.at("textDocument/hover", &rule_uri, line, column - 3);
    let shown = r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        shown.contains("report(path: String, message: String) -> ()")
            && shown.contains("report(path: String, message: String, help: String) -> ()")
            && shown.contains("Records a failed check at `path`"),
        "{r:#}"
    );
    assert_eq!(
        r["result"]["range"]["start"]["character"],
        column - 7,
        "{r:#}"
    );

    // After `ctx.params.`: the pack's parameters, typed, with their rationale.
    let (line, column) = after(&text, "ctx.params.");
    let r = c.at("textDocument/completion", &rule_uri, line, column);
    let items = r["result"].as_array().unwrap();
    assert_eq!(
        labels(items),
        ["digital_deadline", "large_service_transactions"],
        "{r:#}"
    );
    let detail = item(items, "large_service_transactions")["detail"]
        .as_str()
        .unwrap();
    assert!(
        detail.contains("number parameter") && detail.contains("more transactions a year"),
        "{detail}"
    );

    // In the path of `lookup(s, "`: the format's paths (from an item of a list, too) and the
    // pack's own `x_` fields.
    let (line, column) = after(&text, "lookup(s, \"");
    let r = c.at("textDocument/completion", &rule_uri, line, column);
    let items = r["result"].as_array().unwrap();
    let pack_field = item(items, "x_dwp.transactions_per_year");
    let detail = pack_field["detail"].as_str().unwrap();
    assert!(
        detail.contains("pack field") && detail.contains("Transactions a year."),
        "{detail}"
    );
    assert_eq!(
        pack_field["textEdit"]["range"]["start"]["character"], column,
        "{pack_field:#}"
    );
    assert!(
        item(items, "phase")["detail"]
            .as_str()
            .unwrap()
            .contains("services[]"),
        "{r:#}"
    );
    item(items, "one_login.strategy_confirmed");

    // A word at the start of a statement: the helpers, each with its signatures.
    let (line, column) = after(&text, "            rep");
    let r = c.at("textDocument/completion", &rule_uri, line, column);
    let items = r["result"].as_array().unwrap();
    assert_eq!(
        labels(items),
        ["report", "report_due", "report_due_in", "report_in"],
        "{r:#}"
    );
    assert!(
        item(items, "report")["detail"]
            .as_str()
            .unwrap()
            .contains("report(path: String, message: String, help: String)"),
        "{r:#}"
    );

    // A library module's function: its signature and `///` comment, and the module's functions
    // after `dwp::`.
    let text = rule(
        "typed",
        &GOOD.replace("doc.services", "dwp::large_services(doc)"),
    );
    c.change(&rule_uri, 2, &text);
    assert_eq!(c.diagnostics(&rule_uri), Vec::<Value>::new());
    let (line, column) = after(&text, "dwp::large");
    let r = c.at("textDocument/hover", &rule_uri, line, column);
    let shown = r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        shown.contains("dwp::large_services(doc)")
            && shown.contains("The services DWP counts as large."),
        "{r:#}"
    );
    let (line, column) = after(&text, "dwp::");
    let r = c.at("textDocument/completion", &rule_uri, line, column);
    let items = r["result"].as_array().unwrap();
    assert_eq!(labels(items), ["large_services"], "{r:#}");
    assert_eq!(c.stop(), 0);
}

/// What the command line's pack loader says of one file of a pack, as the server words it:
/// (code, 0-based line, message with its help).
fn loaded_as_the_cli_does(
    dir: &std::path::Path,
    file: &std::path::Path,
) -> Vec<(String, u64, String)> {
    let mut found: Vec<(String, u64, String)> = super::author_mistakes::load(dir)
        .into_iter()
        .filter(|d| d.file.as_deref() == Some(file.display().to_string().as_str()))
        .map(|d| {
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            (d.code.id().to_string(), d.line.unwrap() as u64 - 1, message)
        })
        .collect();
    found.sort();
    found
}

fn as_published(diags: &[Value]) -> Vec<(String, u64, String)> {
    let mut found: Vec<(String, u64, String)> = diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn the_editor_shows_what_the_command_line_finds_in_a_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let dir = typed_pack(&root, GOOD, DWP_LIB);
    let file = dir.join("typed.rhai");
    // The command line reads each mistake from a copy of the pack on disk.
    let cli_tmp = tempfile::tempdir().unwrap();
    let cli_root = cli_tmp.path().canonicalize().unwrap();
    let mut c = Client::start(&root, json!({}));
    let rule_uri = uri(&file);
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": rule_uri, "languageId": "rhai", "version": 1, "text": rule("typed", GOOD) } }),
    );
    assert_eq!(c.diagnostics(&rule_uri), Vec::<Value>::new());
    let mistakes = [
        ("large_service_transactions", "large_service_transaction"),
        (
            "lookup(s, \"x_dwp.transactions_per_year\", 0) >",
            "lookup(s, \"x_dwp.transactions_per_year\", 0) < \"80\" &&",
        ),
        ("report(path(s)", "repor(path(s)"),
        ("x_dwp.transactions_per_year", "x_dwp.transactons_per_year"),
        ("doc.services", "ctx.data.wcga"),
    ];
    for (version, (from, to)) in mistakes.into_iter().enumerate() {
        let body = GOOD.replace(from, to);
        let cli_dir = typed_pack(&cli_root, &body, DWP_LIB);
        let expected = loaded_as_the_cli_does(&cli_dir, &cli_dir.join("typed.rhai"));
        assert!(!expected.is_empty(), "{to}: the loader finds nothing");
        c.change(&rule_uri, version as i64 + 2, &rule("typed", &body));
        let shown = as_published(&c.diagnostics(&rule_uri));
        assert_eq!(shown, expected, "{to}");
    }
    assert_eq!(c.stop(), 0);
}

#[test]
fn a_library_module_is_checked_as_typed_and_a_closed_rule_shows_its_file_again() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let misspelt = GOOD.replace("large_service_transactions", "large_service_transaction");
    let dir = typed_pack(&root, &misspelt, DWP_LIB);
    std::fs::write(
        root.join(".roadmap-lint.yaml"),
        "rule_folders: [dwp-pack]\n",
    )
    .unwrap();
    let mut c = Client::start(&root, json!({}));
    // On disk the rule is wrong: the config's pack loads with its error on the file.
    let rule_uri = uri(&dir.join("typed.rhai"));
    let on_disk = c.diagnostics(&rule_uri);
    assert_eq!(on_disk.len(), 1, "{on_disk:#?}");
    assert_eq!(on_disk[0]["code"], "rule-unknown-name");
    // Opened and fixed in the editor: the text as typed has no error.
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": rule_uri, "languageId": "rhai", "version": 1, "text": rule("typed", GOOD) } }),
    );
    assert_eq!(c.diagnostics(&rule_uri), Vec::<Value>::new());

    // A library module broken as typed, then fixed.
    let lib_uri = uri(&dir.join("lib/dwp.rhai"));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": lib_uri, "languageId": "rhai", "version": 1, "text": DWP_LIB } }),
    );
    assert_eq!(c.diagnostics(&lib_uri), Vec::<Value>::new());
    let broken = DWP_LIB.replace("true)\n}", "true)\n");
    c.change(&lib_uri, 2, &broken);
    let diags = c.diagnostics(&lib_uri);
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "rule-syntax" && d["severity"] == 1),
        "{diags:#?}"
    );
    c.change(&lib_uri, 3, DWP_LIB);
    assert_eq!(c.diagnostics(&lib_uri), Vec::<Value>::new());

    // After `ctx.data.`: the pack's data files.
    let text = rule("typed", &GOOD.replace("doc.services", "ctx.data."));
    c.change(&rule_uri, 2, &text);
    let diags = c.diagnostics(&rule_uri);
    assert!(
        diags.iter().any(|d| d["code"] == "rule-syntax"),
        "{diags:#?}"
    );
    let (line, column) = after(&text, "ctx.data.");
    let r = c.at("textDocument/completion", &rule_uri, line, column);
    let items = r["result"].as_array().unwrap();
    assert_eq!(labels(items), ["wcag"], "{r:#}");
    assert_eq!(item(items, "wcag")["detail"], "data file data/wcag.yaml");

    // Closed unsaved: the file's diagnostics are those of the file on disk again.
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": rule_uri } }),
    );
    assert_eq!(c.diagnostics(&rule_uri), Vec::<Value>::new());
    assert_eq!(
        as_published(&c.diagnostics(&rule_uri)),
        as_published(&on_disk)
    );
    assert_eq!(c.stop(), 0);
}
