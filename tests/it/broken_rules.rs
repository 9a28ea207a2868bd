//! A broken rule is one diagnostic into its `.rhai` file, with a code, the file, the line and
//! help; the other rules still load.

use std::path::{Path, PathBuf};

use roadmap_lint::ToolDiagnostic;
use roadmap_lint::internal::load::Input;
use roadmap_lint::internal::run::{self, Options};

const MANIFEST: &str = "name: PACK\nversion: 0.1.0\ndescription: A test pack.\nmissions:\n  - number: 1\n    title: A mission\n    commitments:\n      - number: 1\n        text: A commitment.\n";

const DOCS: &str = "//! # What it checks\n//! x\n//!\n//! # Why\n//! x\n//!\n//! # Failing example\n//! x\n//!\n//! # Passing example\n//! x\n";

fn meta(id: &str, commitment: &str) -> String {
    format!(
        "let rule = #{{\n    id: \"{id}\",\n    title: \"A rule\",\n    commitment: {commitment},\n    severity: \"error\",\n    kinds: [\"department\"],\n}};\n"
    )
}

/// A pack folder named `name` holding `rules` (file stem, script after the docs).
fn pack(root: &Path, name: &str, rules: &[(&str, String)]) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pack.yaml"), MANIFEST.replace("PACK", name)).unwrap();
    for (id, body) in rules {
        std::fs::write(dir.join(format!("{id}.rhai")), format!("{DOCS}{body}")).unwrap();
    }
    dir
}

/// Line numbers in the scripts count the 11 documentation lines first.
const DOC_LINES: usize = 11;

fn load(dirs: Vec<PathBuf>) -> (run::Prepared, Options) {
    let options = dirs
        .into_iter()
        .fold(Options::default(), Options::pack_folder);
    (run::prepare(&options), options)
}

fn only_error(diags: &[ToolDiagnostic]) -> &ToolDiagnostic {
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == roadmap_lint::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{diags:#?}");
    errors[0]
}

fn assert_at(d: &ToolDiagnostic, code: &str, file: &Path, line: usize) {
    assert_eq!(d.code, code, "{d:#?}");
    assert_eq!(d.file.as_deref(), Some(file.display().to_string().as_str()));
    assert_eq!(d.line, Some(line), "{d:#?}");
    assert!(d.help.as_deref().is_some_and(|h| !h.is_empty()));
}

#[test]
fn syntax_error() {
    let tmp = tempfile::tempdir().unwrap();
    let body = format!(
        "{}fn check(doc, ctx) {{\n    let x = ;\n}}\n",
        meta("broken", "1")
    );
    let dir = pack(tmp.path(), "p", &[("broken", body)]);
    let (prepared, _) = load(vec![dir.clone()]);
    let d = only_error(&prepared.diagnostics);
    assert_at(d, "rule-syntax", &dir.join("broken.rhai"), DOC_LINES + 9);
}

/// A pack from a folder compiles exactly as written: a `///` doc comment that is not followed
/// by a function is Rhai's syntax error, and a script with old Mac line endings loads.
#[test]
fn folder_packs_compile_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let body = format!(
        "{}/// not a function's\nlet x = 1;\nfn check(doc, ctx) {{}}\n",
        meta("stray-doc", "1")
    );
    let dir = pack(tmp.path(), "p", &[("stray-doc", body)]);
    let (prepared, _) = load(vec![dir.clone()]);
    let d = only_error(&prepared.diagnostics);
    assert_at(d, "rule-syntax", &dir.join("stray-doc.rhai"), DOC_LINES + 8);
    let cr =
        format!("{}// note\rfn check(doc, ctx) {{}}\r", meta("old-mac", "1")).replace('\n', "\r");
    let dir = pack(tmp.path(), "q", &[("old-mac", cr)]);
    let (prepared, _) = load(vec![dir]);
    assert!(
        prepared.rules.rules().any(|(_, r)| r.id == "old-mac"),
        "{:#?}",
        prepared.diagnostics
    );
}

#[test]
fn wrong_metadata_type() {
    let tmp = tempfile::tempdir().unwrap();
    let body = format!("{}fn check(doc, ctx) {{}}\n", meta("typed", "\"one\""));
    let dir = pack(tmp.path(), "p", &[("typed", body)]);
    let (prepared, _) = load(vec![dir.clone()]);
    let d = only_error(&prepared.diagnostics);
    assert_at(d, "rule-metadata", &dir.join("typed.rhai"), DOC_LINES + 4);
    assert!(
        d.message
            .contains("`commitment` must be a positive whole number")
    );
}

#[test]
fn duplicate_id_across_packs() {
    let tmp = tempfile::tempdir().unwrap();
    let body = format!("{}fn check(doc, ctx) {{}}\n", meta("same-rule", "1"));
    let a = pack(tmp.path(), "a", &[("same-rule", body.clone())]);
    let b = pack(tmp.path(), "b", &[("same-rule", body)]);
    let (prepared, _) = load(vec![a, b.clone()]);
    let d = only_error(&prepared.diagnostics);
    assert_at(
        d,
        "rule-duplicate-id",
        &b.join("same-rule.rhai"),
        DOC_LINES + 2,
    );
    assert_eq!(
        prepared.rules.rules().count(),
        1,
        "the first one still loads"
    );
}

#[test]
fn unknown_helper() {
    let tmp = tempfile::tempdir().unwrap();
    let body = format!(
        "{}fn check(doc, ctx) {{\n    if mine() {{\n        reprot(\"one_login\", \"no strategy\");\n    }}\n}}\nfn mine() {{ let twice = |x| x * 2; twice(2) == lookup(#{{}}, \"a\", 4) }}\n",
        meta("unknown-helper", "1")
    );
    let dir = pack(tmp.path(), "p", &[("unknown-helper", body)]);
    let (prepared, _) = load(vec![dir.clone()]);
    let d = only_error(&prepared.diagnostics);
    assert_at(
        d,
        "rule-unknown-function",
        &dir.join("unknown-helper.rhai"),
        DOC_LINES + 10,
    );
    assert!(d.message.contains("`reprot`"));
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .contains("did you mean `report`?")
    );
}

#[test]
fn impossible_path() {
    let tmp = tempfile::tempdir().unwrap();
    let body = format!(
        "{}fn check(doc, ctx) {{\n    pass(\"one_login\");\n    report(\"one_login.strategy_confirmd\", \"late\");\n    warn(\"x_own.anything[0].goes\", \"fine\");\n}}\n",
        meta("impossible-path", "1")
    );
    let dir = pack(tmp.path(), "p", &[("impossible-path", body)]);
    let (prepared, _) = load(vec![dir.clone()]);
    let d = only_error(&prepared.diagnostics);
    assert_at(
        d,
        "rule-path",
        &dir.join("impossible-path.rhai"),
        DOC_LINES + 10,
    );
    assert!(
        d.help.as_deref().unwrap().contains("strategy_confirmed"),
        "{d:#?}"
    );
}

/// A typo in a `lookup` or `has` path is caught when the pack loads, as a `report` path is:
/// the document's own paths (`doc`), and paths read from a variable bound to a part of it
/// (`for (svc, i) in lookup(doc, "services", [])`, `let perf = lookup(svc, "performance")`).
#[test]
fn impossible_read_paths() {
    for (read, line, suggestion) in [
        (
            "lookup(doc, \"one_login.strategy_confirmd\")",
            2,
            "strategy_confirmed",
        ),
        ("has(doc, \"one_logn\")", 2, "one_login"),
        (
            "0;\n    for (svc, i) in lookup(doc, \"services\", []) {\n        lookup(svc, \"secure_by_desing.confidence\");\n    }",
            4,
            "secure_by_design",
        ),
        (
            "0;\n    for (svc, i) in lookup(doc, \"services\", []) {\n        let perf = lookup(svc, \"performance\");\n        lookup(perf, \"user_satisfaction\");\n    }",
            5,
            "user_satisfaction_pct",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let body = format!(
            "{}fn check(doc, ctx) {{\n    let x = {read};\n    pass(\"kind\");\n}}\n",
            meta("bad-read", "1")
        );
        let dir = pack(tmp.path(), "p", &[("bad-read", body)]);
        let (prepared, _) = load(vec![dir.clone()]);
        let d = only_error(&prepared.diagnostics);
        assert_at(
            d,
            "rule-path",
            &dir.join("bad-read.rhai"),
            DOC_LINES + 7 + line,
        );
        assert!(
            d.help.as_deref().unwrap().contains(suggestion),
            "{read}: {d:#?}"
        );
    }
    // A read of a place the schema leaves open (`x_` keys), or through an unknown variable, is
    // not judged.
    let tmp = tempfile::tempdir().unwrap();
    let body = format!(
        "{}fn check(doc, ctx) {{\n    lookup(doc, \"x_own.anything\");\n    let other = #{{}};\n    lookup(other, \"whatever\");\n    pass(\"kind\");\n}}\n",
        meta("fine-read", "1")
    );
    let dir = pack(tmp.path(), "p", &[("fine-read", body)]);
    let (prepared, _) = load(vec![dir]);
    assert!(
        prepared.diagnostics.is_empty(),
        "{:#?}",
        prepared.diagnostics
    );
}

#[test]
fn endless_loop_at_runtime() {
    let tmp = tempfile::tempdir().unwrap();
    let endless = format!(
        "{}fn check(doc, ctx) {{\n    let n = 0;\n    loop {{\n        n += 1;\n    }}\n}}\n",
        meta("endless", "1")
    );
    let fine = format!(
        "{}fn check(doc, ctx) {{\n    pass(\"kind\");\n}}\n",
        meta("fine", "1")
    );
    let dir = pack(tmp.path(), "p", &[("endless", endless), ("fine", fine)]);
    let doc = tmp.path().join("doc.yaml");
    std::fs::write(
        &doc,
        "schema_version: 1\nkind: department\nas_of: 2025-01-01\norganisation: { id: X, name: X }\n",
    )
    .unwrap();
    let (prepared, options) = load(vec![dir.clone()]);
    assert!(
        prepared.diagnostics.is_empty(),
        "{:#?}",
        prepared.diagnostics
    );
    let options = options.rule_operation_limit(50_000);
    let prepared = run::prepare(&options);
    let result = run::run(&[Input::File(doc)], &prepared, &options);
    let d = only_error(result.diagnostics());
    assert_eq!(d.code, "rule-limit");
    assert_eq!(
        d.file.as_deref(),
        Some(dir.join("endless.rhai").display().to_string().as_str())
    );
    assert_eq!(d.line, Some(DOC_LINES + 10), "the loop: {d:#?}");
    let fine = run::results(&result)
        .iter()
        .find(|r| &*r.rule == "fine")
        .unwrap();
    assert_eq!(
        fine.passed(),
        vec!["kind".to_string()],
        "the other rule still ran"
    );
}

#[test]
fn helper_with_the_wrong_number_of_arguments() {
    let tmp = tempfile::tempdir().unwrap();
    let body = format!(
        "{}fn check(doc, ctx) {{\n    report(\"one_login\");\n}}\n",
        meta("short-call", "1")
    );
    let dir = pack(tmp.path(), "p", &[("short-call", body)]);
    let (prepared, _) = load(vec![dir.clone()]);
    let d = only_error(&prepared.diagnostics);
    assert_at(
        d,
        "rule-unknown-function",
        &dir.join("short-call.rhai"),
        DOC_LINES + 9,
    );
    assert!(
        d.message.contains("`report` takes 2 or 3 arguments, not 1"),
        "{d:#?}"
    );
}

#[test]
fn library_calls_through_an_import_alias_are_checked_against_the_module() {
    let tmp = tempfile::tempdir().unwrap();
    let good = format!(
        "{}fn check(doc, ctx) {{\n    import \"util\" as u;\n    report(\"one_login\", u::twice(\"x\") + util::twice(\"y\"));\n}}\n",
        meta("aliased", "1")
    );
    let missing = format!(
        "{}fn check(doc, ctx) {{\n    import \"util\" as u;\n    report(\"one_login\", u::thrice(\"x\"));\n}}\n",
        meta("aliased-missing", "1")
    );
    let unknown = format!(
        "{}fn check(doc, ctx) {{\n    import \"utils\" as u;\n    pass(\"one_login\");\n}}\n",
        meta("unknown-import", "1")
    );
    let dir = pack(
        tmp.path(),
        "p",
        &[
            ("aliased", good),
            ("aliased-missing", missing),
            ("unknown-import", unknown),
        ],
    );
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(
        dir.join("lib/util.rhai"),
        "//! Helpers.\n\n/// The text twice.\nfn twice(s) {\n    s + s\n}\n",
    )
    .unwrap();
    let (prepared, _) = load(vec![dir.clone()]);
    let errors: Vec<&ToolDiagnostic> = prepared
        .diagnostics
        .iter()
        .filter(|d| d.severity == roadmap_lint::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    let in_file = |stem: &str| {
        let file = dir.join(format!("{stem}.rhai")).display().to_string();
        errors
            .iter()
            .find(|d| d.file.as_deref() == Some(file.as_str()))
            .copied()
    };
    assert!(in_file("aliased").is_none(), "{errors:#?}");
    let d = in_file("aliased-missing").unwrap();
    assert_at(
        d,
        "rule-unknown-function",
        &dir.join("aliased-missing.rhai"),
        DOC_LINES + 10,
    );
    assert!(
        d.message
            .contains("`lib/util.rhai` defines no function `thrice`")
    );
    let d = in_file("unknown-import").unwrap();
    assert_at(
        d,
        "rule-unknown-function",
        &dir.join("unknown-import.rhai"),
        DOC_LINES + 9,
    );
    assert!(d.message.contains("`utils` is not a module"), "{d:#?}");
    assert!(d.help.as_deref().unwrap().contains("`util`"), "{d:#?}");
}

/// A proposal rule's `owner` and `due` must name a role and a term of the pack's `review:`
/// section: a typo is an error at its line, with the closest name; a pack without the section
/// says so.
#[test]
fn condition_owner_and_due_name_the_packs_roles_and_terms() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "let rule = #{\n    id: \"owned\",\n    title: \"A rule\",\n    commitment: 1,\n    severity: \"error\",\n    kinds: [\"proposal\"],\n    owner: \"comercial_lead\",\n};\nfn check(doc, ctx) {}\n";
    let dir = pack(tmp.path(), "p", &[("owned", body.to_string())]);
    let manifest = std::fs::read_to_string(dir.join("pack.yaml")).unwrap();
    std::fs::write(
        dir.join("pack.yaml"),
        format!(
            "{manifest}review:\n  owners:\n    - {{ role: commercial_lead, title: Commercial lead }}\nparameters:\n  days:\n    type: integer\n    default: 30\n    rationale: x\n"
        ),
    )
    .unwrap();
    let (prepared, _) = load(vec![dir.clone()]);
    let d = only_error(&prepared.diagnostics);
    assert_at(d, "rule-metadata", &dir.join("owned.rhai"), DOC_LINES + 7);
    assert!(
        d.message.contains("`owner` names `comercial_lead`"),
        "{d:#?}"
    );
    assert!(
        d.help.as_deref().unwrap().contains("commercial_lead"),
        "{d:#?}"
    );

    // Without a `review.due` section, any `due` is an error saying so.
    let body = body.replace("owner: \"comercial_lead\"", "due: \"soon\"");
    std::fs::write(dir.join("owned.rhai"), format!("{DOCS}{body}")).unwrap();
    let (prepared, _) = load(vec![dir.clone()]);
    let d = only_error(&prepared.diagnostics);
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .contains("defines no `review.due`"),
        "{d:#?}"
    );
}

/// The `review:` section of pack.yaml is checked when the pack loads: a due term counts its
/// days with an integer parameter of the pack, and the defaults name a role and a term.
#[test]
fn review_policy_due_terms_name_integer_parameters() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = pack(tmp.path(), "p", &[]);
    let manifest = std::fs::read_to_string(dir.join("pack.yaml")).unwrap();
    std::fs::write(
        dir.join("pack.yaml"),
        format!(
            "{manifest}review:\n  owners:\n    - {{ role: sro, title: SRO }}\n  due:\n    - {{ term: soon, text: soon, days: no_such_days }}\n  condition_defaults: {{ owner: sro, due: later }}\n"
        ),
    )
    .unwrap();
    let (prepared, _) = load(vec![dir.clone()]);
    let codes: Vec<(&str, &str)> = prepared
        .diagnostics
        .iter()
        .map(|d| (d.code.id(), d.message.as_str()))
        .collect();
    assert!(
        codes
            .iter()
            .any(|(c, m)| *c == "pack-manifest" && m.contains("`no_such_days`")),
        "{codes:?}"
    );
    assert!(
        codes
            .iter()
            .any(|(c, m)| *c == "pack-manifest"
                && m.contains("`condition_defaults.due` names `later`")),
        "{codes:?}"
    );
}
