//! The mistakes a department's rule author makes, one test each: every one is caught when the
//! pack loads or by `roadmap-lint test`, at the file and line where it was made, with a message
//! that names the cause. (Issue 27: half of thirty such mistakes used to surface only as a
//! fixture's silence, at runtime, at the wrong place, or never.)

use std::path::{Path, PathBuf};

use roadmap_lint::Severity;
use roadmap_lint::ToolDiagnostic;
use roadmap_lint::internal::load::Input;
use roadmap_lint::internal::run::{self, Options};

/// A department pack's manifest: one mission, one commitment, a parameter of each kind.
pub const MANIFEST: &str = "\
name: dwp-pack
version: 0.1.0
description: A department's own pack.
missions:
  - number: 1
    title: Services that work
    commitments:
      - number: 1
        text: Large services are digital.
parameters:
  large_service_transactions:
    type: number
    default: 1000000
    rationale: A service with more transactions a year than this is large.
  digital_deadline:
    type: date
    default: 2026-03-31
    rationale: The end of the spending review period.
";

pub const DOCS: &str = "//! # What it checks\n//! x\n//!\n//! # Why\n//! x\n//!\n//! # Failing example\n//! x\n//!\n//! # Passing example\n//! x\n";

/// Line numbers in the scripts count the 11 documentation lines first.
pub const DOC_LINES: usize = 11;

/// The rule metadata map, then `body` (which starts on line `DOC_LINES + 8`).
pub fn rule(id: &str, body: &str) -> String {
    format!(
        "{DOCS}let rule = #{{\n    id: \"{id}\",\n    title: \"A rule\",\n    commitment: 1,\n    severity: \"error\",\n    kinds: [\"department\"],\n}};\n{body}"
    )
}

/// The first line of a rule's body, as [`rule`] writes it.
pub const BODY: usize = DOC_LINES + 8;

/// A department declaration with two services.
pub const DECLARATION: &str = "\
schema_version: 1
kind: department
as_of: 2025-06-30
organisation: { id: DWP, name: Department for Work and Pensions }
services:
  - id: claim-pension-credit
    phase: live
  - id: check-state-pension
    phase: live
";

/// A pack folder: its files by path within it (`pack.yaml` defaults to [`MANIFEST`]).
pub fn pack(root: &Path, files: &[(&str, &str)]) -> PathBuf {
    let dir = root.join("dwp-pack");
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    if !files.iter().any(|(p, _)| *p == "pack.yaml") {
        std::fs::write(dir.join("pack.yaml"), MANIFEST).unwrap();
    }
    for (path, text) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

pub fn options(dir: &Path) -> Options {
    Options::default().pack_folder(dir)
}

/// Load the pack: what loading it said.
pub fn load(dir: &Path) -> Vec<ToolDiagnostic> {
    run::prepare(&options(dir)).diagnostics
}

/// Check `declaration` with the pack: the run.
pub fn check(dir: &Path, declaration: &str) -> run::Run {
    let options = options(dir);
    let prepared = run::prepare(&options);
    let doc = dir.parent().unwrap().join("declaration.yaml");
    std::fs::write(&doc, declaration).unwrap();
    run::run(&[Input::File(doc)], &prepared, &options)
}

pub fn errors(diags: &[ToolDiagnostic]) -> Vec<&ToolDiagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// The one error among `diags`, with its code, at `line` of `file`.
pub fn one_error_at<'a>(
    diags: &'a [ToolDiagnostic],
    code: &str,
    file: &Path,
    line: usize,
) -> &'a ToolDiagnostic {
    let errors = errors(diags);
    assert_eq!(errors.len(), 1, "{diags:#?}");
    let d = errors[0];
    assert_eq!(d.code, code, "{d:#?}");
    assert_eq!(
        d.file.as_deref(),
        Some(file.display().to_string().as_str()),
        "{d:#?}"
    );
    assert_eq!(d.line, Some(line), "{d:#?}");
    assert!(d.help.as_deref().is_some_and(|h| !h.is_empty()), "{d:#?}");
    d
}

// ---- Comparisons that cannot silently lie -------------------------------------------------

#[test]
fn a_number_compared_with_a_string_is_an_error_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    // The field's type is not declared, so only the run can tell: an error there, not `false`.
    let body = "fn check(doc, ctx) {\n    for s in doc.services {\n        let v = lookup(s, \"x_dwp_score\");\n        if v < \"80\" {\n            report(path(s), \"low\");\n        }\n    }\n}\n";
    let dir = pack(tmp.path(), &[("low-score.rhai", &rule("low-score", body))]);
    assert!(errors(&load(&dir)).is_empty());
    let run = check(
        &dir,
        &DECLARATION.replace(
            "    phase: live\n",
            "    phase: live\n    x_dwp_score: 80\n",
        ),
    );
    let d = one_error_at(
        run.diagnostics(),
        "rule-type-mismatch",
        &dir.join("low-score.rhai"),
        BODY + 3,
    );
    assert!(
        d.message
            .contains("`<` compares a number `80` with a string `\"80\"`"),
        "{d:#?}"
    );
    assert!(d.message.contains("while judging `services[0]`"), "{d:#?}");
}

#[test]
fn a_date_compared_with_a_string_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "fn check(doc, ctx) {\n    if ctx.as_of > lookup(doc, \"x_reviewed\") {\n        pass(\"as_of\");\n    }\n}\n";
    let dir = pack(tmp.path(), &[("late.rhai", &rule("late", body))]);
    let run = check(&dir, &format!("{DECLARATION}x_reviewed: \"2025-01-01\"\n"));
    let d = one_error_at(
        run.diagnostics(),
        "rule-type-mismatch",
        &dir.join("late.rhai"),
        BODY + 1,
    );
    assert!(
        d.message.contains("a date `2025-06-30` with a string"),
        "{d:#?}"
    );
}

// ---- Errors where they happen --------------------------------------------------------------

const LIB: &str = "//! Helpers.\n\n/// The share of a service's transactions that are digital.\nfn share(s) {\n    let t = s.x_transactions;\n    t.digital / t.total\n}\n\n/// Counts for ever.\nfn spin(n) {\n    let i = 0;\n    while i >= 0 {\n        i += 1;\n    }\n    i\n}\n\n/// Never stops.\nfn deeper(n) {\n    deeper(n + 1)\n}\n";

#[test]
fn an_error_inside_a_library_module_points_into_the_module() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "fn check(doc, ctx) {\n    for s in doc.services {\n        if dwp::share(s) > 0.5 {\n            pass(path(s));\n        }\n    }\n}\n";
    let dir = pack(
        tmp.path(),
        &[
            ("digital-share.rhai", &rule("digital-share", body)),
            ("lib/dwp.rhai", LIB),
        ],
    );
    let run = check(&dir, DECLARATION);
    // `t` is `()` (the service has no `x_transactions`): the property read fails in the module,
    // on line 6, not on line 6 of the rule (a comment).
    let d = one_error_at(
        run.diagnostics(),
        "rule-error",
        &dir.join("lib/dwp.rhai"),
        6,
    );
    assert!(d.message.contains("rule `digital-share` failed"), "{d:#?}");
    assert!(d.message.contains("while judging `services[0]`"), "{d:#?}");
    assert!(d.message.contains("declaration.yaml, document 1"), "{d:#?}");
}

#[test]
fn an_endless_loop_in_a_library_module_is_pointed_at_there() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "fn check(doc, ctx) {\n    for s in doc.services {\n        pass(path(s));\n    }\n    dwp::spin(1);\n}\n";
    let dir = pack(
        tmp.path(),
        &[("spins.rhai", &rule("spins", body)), ("lib/dwp.rhai", LIB)],
    );
    let options = options(&dir).rule_operation_limit(20_000);
    let prepared = run::prepare(&options);
    let doc = tmp.path().join("declaration.yaml");
    std::fs::write(&doc, DECLARATION).unwrap();
    let run = run::run(&[Input::File(doc)], &prepared, &options);
    let d = one_error_at(
        run.diagnostics(),
        "rule-limit",
        &dir.join("lib/dwp.rhai"),
        12,
    );
    assert_eq!(
        d.label.as_deref(),
        Some("the loop that was running: does it end?"),
        "{d:#?}"
    );
}

#[test]
fn endless_recursion_in_a_library_module_is_pointed_at_there() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "fn check(doc, ctx) {\n    for s in doc.services {\n        pass(path(s));\n    }\n    dwp::deeper(1);\n}\n";
    let dir = pack(
        tmp.path(),
        &[
            ("recurses.rhai", &rule("recurses", body)),
            ("lib/dwp.rhai", LIB),
        ],
    );
    let run = check(&dir, DECLARATION);
    let d = one_error_at(
        run.diagnostics(),
        "rule-limit",
        &dir.join("lib/dwp.rhai"),
        20,
    );
    assert!(
        d.label.as_deref().is_some_and(|l| l.contains("recursion")),
        "{d:#?}"
    );
}

// ---- Types for everything a rule reads -----------------------------------------------------

/// The manifest with fields of the pack's own, a data file, and the rule `body`.
pub fn typed_pack(root: &Path, rule_body: &str, lib: &str) -> PathBuf {
    let manifest = format!(
        "{MANIFEST}data:\n  wcag: data/wcag.yaml\nfields:\n  services[].x_dwp:\n    type: object\n    additionalProperties: false\n    properties:\n      transactions_per_year:\n        type: number\n        description: Transactions a year.\n      large:\n        type: boolean\n"
    );
    pack(
        root,
        &[
            ("pack.yaml", &manifest),
            ("data/wcag.yaml", "accepted: [AA, AAA]\nversion: \"2.2\"\n"),
            ("lib/dwp.rhai", lib),
            ("typed.rhai", &rule("typed", rule_body)),
        ],
    )
}

pub const DWP_LIB: &str = "//! DWP's helpers.\n\n/// The services DWP counts as large.\nfn large_services(doc) {\n    having(lookup(doc, \"services\", []), \"x_dwp.large\", true)\n}\n";

#[test]
fn a_misspelt_parameter_is_a_load_error_with_the_closest_name() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "fn check(doc, ctx) {\n    for s in doc.services {\n        if lookup(s, \"x_dwp.transactions_per_year\", 0) > ctx.params.large_service_transaction {\n            pass(path(s));\n        }\n    }\n}\n";
    let dir = typed_pack(tmp.path(), body, DWP_LIB);
    let diags = load(&dir);
    let d = one_error_at(
        &diags,
        "rule-unknown-name",
        &dir.join("typed.rhai"),
        BODY + 2,
    );
    assert!(
        d.message
            .contains("`ctx.params.large_service_transaction` is not a parameter"),
        "{d:#?}"
    );
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .contains("did you mean `large_service_transactions`"),
        "{d:#?}"
    );
}

#[test]
fn a_misspelt_data_key_is_a_load_error_with_the_closest_key() {
    let tmp = tempfile::tempdir().unwrap();
    let body =
        "fn check(doc, ctx) {\n    let levels = ctx.data.wcag.accept;\n    pass(\"kind\");\n}\n";
    let dir = typed_pack(tmp.path(), body, DWP_LIB);
    let diags = load(&dir);
    let d = one_error_at(
        &diags,
        "rule-unknown-name",
        &dir.join("typed.rhai"),
        BODY + 1,
    );
    assert!(
        d.message.contains("`ctx.data.wcag` has no key `accept`"),
        "{d:#?}"
    );
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .contains("did you mean `accepted`"),
        "{d:#?}"
    );
    // And a misspelt data file, and a misspelt part of `ctx`.
    for (read, words) in [
        ("ctx.data.wacg", "`ctx.data.wacg` is not a data file"),
        ("ctx.paramz", "`ctx.paramz` is not part of `ctx`"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let body = format!("fn check(doc, ctx) {{\n    let x = {read};\n    pass(\"kind\");\n}}\n");
        let dir = typed_pack(tmp.path(), &body, DWP_LIB);
        let diags = load(&dir);
        let d = one_error_at(
            &diags,
            "rule-unknown-name",
            &dir.join("typed.rhai"),
            BODY + 1,
        );
        assert!(d.message.contains(words), "{d:#?}");
    }
}

#[test]
fn a_path_typo_through_a_library_functions_return_value_is_a_load_error() {
    let tmp = tempfile::tempdir().unwrap();
    // `dwp::large_services(doc)` returns services: `s.x_dwp.transactons` is a typo below the
    // pack's own field.
    let body = "fn check(doc, ctx) {\n    for s in dwp::large_services(doc) {\n        if s.x_dwp.transactons > 0 {\n            pass(path(s));\n        }\n    }\n}\n";
    let dir = typed_pack(tmp.path(), body, DWP_LIB);
    let diags = load(&dir);
    let d = one_error_at(&diags, "rule-path", &dir.join("typed.rhai"), BODY + 2);
    assert!(
        d.message.contains("`services[].x_dwp.transactons`"),
        "{d:#?}"
    );
    assert!(
        d.help.as_deref().unwrap().contains("transactions_per_year"),
        "{d:#?}"
    );
}

#[test]
fn a_string_where_the_pack_declares_a_number_is_a_schema_error_of_the_document() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "fn check(doc, ctx) {\n    for s in dwp::large_services(doc) {\n        if lookup(s, \"x_dwp.transactions_per_year\", 0) > ctx.params.large_service_transactions {\n            pass(path(s));\n        }\n    }\n}\n";
    let dir = typed_pack(tmp.path(), body, DWP_LIB);
    assert!(errors(&load(&dir)).is_empty(), "{:#?}", load(&dir));
    let declaration = format!(
        "{DECLARATION}    x_dwp:\n      large: true\n      transactions_per_year: \"1.5m\"\n"
    );
    let run = check(&dir, &declaration);
    let schema: Vec<_> = run
        .findings()
        .iter()
        .filter(|f| f.rule == "schema-type")
        .collect();
    assert_eq!(schema.len(), 1, "{:#?}", run.findings());
    assert_eq!(schema[0].location.line, 12, "{:#?}", schema[0]);
    assert_eq!(schema[0].path, "services[1].x_dwp.transactions_per_year");
    // The rules do not run on a document that breaks its schema.
    assert!(run::results(&run).is_empty(), "{:#?}", run::results(&run));
}

#[test]
fn a_missing_data_file_is_one_diagnostic_at_its_line_and_its_readers_are_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = format!("{MANIFEST}data:\n  wcag: data/wcag.yaml\n");
    let reader = "fn check(doc, ctx) {\n    if ctx.data.wcag.accepted.len() > 0 {\n        pass(\"kind\");\n    }\n}\n";
    let other = "fn check(doc, ctx) {\n    pass(\"kind\");\n}\n";
    let dir = pack(
        tmp.path(),
        &[
            ("pack.yaml", &manifest),
            ("reads-wcag.rhai", &rule("reads-wcag", reader)),
            ("other.rhai", &rule("other", other)),
        ],
    );
    let run = check(&dir, DECLARATION);
    let d = one_error_at(run.diagnostics(), "pack-data", &dir.join("pack.yaml"), 20);
    assert!(d.message.contains("`data/wcag.yaml`"), "{d:#?}");
    assert!(
        d.message
            .contains("rule `reads-wcag`, which reads it, is skipped"),
        "{d:#?}"
    );
    assert!(run::results(&run).iter().any(|r| &*r.rule == "other"));
    assert!(!run::results(&run).iter().any(|r| &*r.rule == "reads-wcag"));
}

#[test]
fn a_missing_severity_is_a_warning_naming_the_default() {
    let tmp = tempfile::tempdir().unwrap();
    let text = rule(
        "no-severity",
        "fn check(doc, ctx) {\n    pass(\"kind\");\n}\n",
    )
    .replace("    severity: \"error\",\n", "");
    let dir = pack(tmp.path(), &[("no-severity.rhai", &text)]);
    let diags = load(&dir);
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    let w = diags
        .iter()
        .find(|d| d.code == "rule-metadata")
        .expect("a warning");
    assert_eq!(w.severity, Severity::Warning);
    assert!(
        w.message.contains("its findings are errors, the default"),
        "{w:#?}"
    );
    assert_eq!(w.line, Some(DOC_LINES + 2));
}

#[test]
fn a_broken_rule_or_library_module_leaves_the_other_rules_running() {
    let tmp = tempfile::tempdir().unwrap();
    let uses_lib = "fn check(doc, ctx) {\n    pass(broken::here());\n}\n";
    let broken = "fn check(doc, ctx) {\n    let x = ;\n}\n";
    let fine = "fn check(doc, ctx) {\n    pass(\"kind\");\n}\n";
    let dir = pack(
        tmp.path(),
        &[
            (
                "lib/broken.rhai",
                "//! Broken.\n\n/// Nothing.\nfn here( {\n",
            ),
            ("uses-lib.rhai", &rule("uses-lib", uses_lib)),
            ("syntax.rhai", &rule("syntax", broken)),
            ("fine.rhai", &rule("fine", fine)),
        ],
    );
    let run = check(&dir, DECLARATION);
    let files: Vec<&str> = errors(run.diagnostics())
        .iter()
        .filter_map(|d| d.file.as_deref())
        .collect();
    assert!(
        files.iter().any(|f| f.ends_with("lib/broken.rhai")),
        "{files:?}"
    );
    assert!(
        files.iter().any(|f| f.ends_with("syntax.rhai")),
        "{files:?}"
    );
    let fine = run::results(&run)
        .iter()
        .find(|r| &*r.rule == "fine")
        .expect("ran");
    assert_eq!(fine.passed(), ["kind".to_string()]);
}

#[test]
fn a_comparison_of_known_different_types_is_a_load_error() {
    for (condition, words) in [
        (
            "lookup(s, \"x_dwp.transactions_per_year\", 0) < \"80\"",
            "`<` compares a number with a string",
        ),
        (
            "ctx.params.digital_deadline > \"2026-01-01\"",
            "`>` compares a date with a string",
        ),
        (
            "lookup(s, \"x_dwp.large\") == \"yes\"",
            "`==` compares a boolean with a string",
        ),
        (
            "ctx.data.wcag.version >= 2.2",
            "`>=` compares a string with a number",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let body = format!(
            "fn check(doc, ctx) {{\n    for s in doc.services {{\n        if {condition} {{\n            pass(path(s));\n        }}\n    }}\n}}\n"
        );
        let dir = typed_pack(tmp.path(), &body, DWP_LIB);
        let diags = load(&dir);
        let d = one_error_at(
            &diags,
            "rule-type-mismatch",
            &dir.join("typed.rhai"),
            BODY + 2,
        );
        assert!(d.message.contains(words), "{condition}: {d:#?}");
    }
}

// ---- Fixtures that prove something ----------------------------------------------------------

/// A rule that reports each service with more transactions than the parameter, and prints.
const LARGE: &str = "fn check(doc, ctx) {\n    let judged = 0;\n    for s in doc.services {\n        let n = lookup(s, \"x_dwp.transactions_per_year\");\n        if n == () {\n            continue;\n        }\n        judged += 1;\n        print(`${s.id}: ${n}`);\n        if n > ctx.params.large_service_transactions {\n            report(path(s, \"x_dwp.transactions_per_year\"), \"large\");\n        } else {\n            pass(path(s, \"x_dwp\"));\n        }\n    }\n    if judged == 0 {\n        not_applicable(\"no service gives its transactions\");\n    }\n}\n";

fn declaration_with(count: &str, markers: (&str, &str)) -> String {
    format!(
        "schema_version: 1\nkind: department\nas_of: 2025-06-30\norganisation: {{ id: DWP, name: Department for Work and Pensions }}\nservices:\n  - id: claim-pension-credit\n    x_dwp:{}\n      transactions_per_year: {count}{}\n",
        markers.0, markers.1
    )
}

fn fixture_pack(root: &Path, fixtures: &[(&str, String)]) -> PathBuf {
    let mut files: Vec<(String, String)> = vec![
        ("typed.rhai".into(), rule("typed", LARGE)),
        (
            "pack.yaml".into(),
            format!(
                "{MANIFEST}fields:\n  services[].x_dwp:\n    type: object\n    properties:\n      transactions_per_year: {{ type: number }}\n"
            ),
        ),
    ];
    for (name, text) in fixtures {
        files.push((format!("fixtures/typed/{name}"), text.clone()));
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    pack(root, &borrowed)
}

#[test]
fn a_passing_fixture_where_the_rule_never_applies_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let none = DECLARATION.to_string();
    let dir = fixture_pack(
        tmp.path(),
        &[
            (
                "fail.yaml",
                declaration_with("2000000", ("", "  # expect: typed")),
            ),
            ("pass.yaml", none.clone()),
        ],
    );
    let result = roadmap_lint::internal::testing::test_pack(&dir, None);
    let problems: Vec<_> = result.problems().collect();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].code, "test-never-applied");
    assert!(problems[0].file.as_deref().unwrap().ends_with("pass.yaml"));
    assert!(
        problems[0]
            .message
            .contains("it said it does not apply: no service gives its transactions"),
        "{problems:#?}"
    );
    // Marked as the case where it does not apply, it passes.
    std::fs::write(
        dir.join("fixtures/typed/pass.yaml"),
        format!("# expect-not-applicable: typed\n{none}"),
    )
    .unwrap();
    let result = roadmap_lint::internal::testing::test_pack(&dir, None);
    assert_eq!(
        result.problems().count(),
        0,
        "{:#?}",
        result.problems().collect::<Vec<_>>()
    );
}

#[test]
fn a_fixture_header_sets_the_date_parameters_and_targets() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture_pack(
        tmp.path(),
        &[
            // 500 transactions are large once DWP's own target is 100.
            (
                "fail-target.yaml",
                format!(
                    "# target: DWP large_service_transactions=100\n{}",
                    declaration_with("500", ("", "  # expect: typed"))
                ),
            ),
            (
                "fail-param.yaml",
                format!(
                    "# param: large_service_transactions=100\n# as_of: 2025-07-01\n{}",
                    declaration_with("500", ("", "  # expect: typed"))
                ),
            ),
            ("pass.yaml", declaration_with("500", ("  # ok: typed", ""))),
        ],
    );
    let result = roadmap_lint::internal::testing::test_pack(&dir, None);
    assert_eq!(
        result.problems().count(),
        0,
        "{:#?}",
        result.problems().collect::<Vec<_>>()
    );
    assert_eq!(result.passed(), 3);
    // A header that sets a parameter the pack does not have is a problem at its line.
    std::fs::write(
        dir.join("fixtures/typed/fail-param.yaml"),
        format!(
            "# param: large_service_transaction=100\n{}",
            declaration_with("500", ("", "  # expect: typed"))
        ),
    )
    .unwrap();
    let result = roadmap_lint::internal::testing::test_pack(&dir, None);
    let header: Vec<_> = result
        .problems()
        .filter(|d| d.code == "param-unknown")
        .collect();
    assert_eq!(
        header.len(),
        1,
        "{:#?}",
        result.problems().collect::<Vec<_>>()
    );
    assert!(
        header[0]
            .file
            .as_deref()
            .unwrap()
            .ends_with("fail-param.yaml")
    );
    assert_eq!(header[0].line, Some(1));
}

#[test]
fn an_ok_marker_needs_a_passed_check_on_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    // The rule passes `services[0].x_dwp`, which starts on line 7, not line 8.
    let dir = fixture_pack(
        tmp.path(),
        &[
            (
                "fail.yaml",
                declaration_with("2000000", ("", "  # expect: typed")),
            ),
            ("pass.yaml", declaration_with("500", ("", "  # ok: typed"))),
        ],
    );
    let result = roadmap_lint::internal::testing::test_pack(&dir, None);
    let problems: Vec<_> = result.problems().collect();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].code, "test-not-passed");
    assert_eq!(problems[0].line, Some(8));
}

#[test]
fn test_shows_what_a_rule_printed_and_which_results_no_fixture_reached() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture_pack(
        tmp.path(),
        &[
            (
                "fail.yaml",
                declaration_with("2000000", ("", "  # expect: typed")),
            ),
            ("pass.yaml", declaration_with("500", ("  # ok: typed", ""))),
        ],
    );
    let tested = roadmap_lint::internal::testing::test_pack_with(&dir, None, true);
    let rule = &tested.rules[0];
    let printed: Vec<&String> = rule.cases.iter().flat_map(|c| &c.output).collect();
    assert_eq!(
        printed,
        vec!["claim-pension-credit: 2000000", "claim-pension-credit: 500"]
    );
    // `not_applicable` (line 16 of the body) is never reached.
    assert_eq!(rule.calls, 3);
    assert_eq!(rule.unreached.len(), 1, "{:#?}", rule.unreached);
    assert_eq!(rule.unreached[0].helper, "not_applicable");
    assert_eq!(rule.unreached[0].site.line, BODY + 16);
    let text = roadmap_lint::internal::testing::render(
        &[tested],
        roadmap_lint::internal::report::human::Style {
            color: false,
            width: 100,
        },
    );
    assert!(
        text.contains("coverage: 2 of 3 result calls reached"),
        "{text}"
    );
    assert!(text.contains("claim-pension-credit: 500"), "{text}");
}

// ---- Imports ------------------------------------------------------------------------------

/// `import "../x"` says why it is refused (a pack reads nothing outside its own folder; a rule
/// imports its pack's `lib/` modules by name), wherever it is written, instead of Rhai's
/// "'import' is a reserved keyword".
#[test]
fn an_import_of_a_path_says_why_it_is_refused() {
    let body = "fn check(doc, ctx) {\n    import \"../x\" as x;\n    pass(\"services\");\n}\n";
    let said = |files: &[(&str, &str)], file: &str| {
        let tmp = tempfile::tempdir().unwrap();
        let dir = pack(tmp.path(), files);
        let diags = load(&dir);
        let errors = errors(&diags);
        let d = errors
            .iter()
            .find(|d| d.file.as_deref() == Some(dir.join(file).display().to_string().as_str()))
            .unwrap_or_else(|| panic!("no error in {file}: {diags:#?}"));
        assert!(!d.message.contains("reserved"), "{d:#?}");
        assert!(d.help.as_deref().is_some_and(|h| !h.is_empty()), "{d:#?}");
        (d.code.to_string(), d.line, d.message.clone())
    };
    // A pack without `lib/` modules: nothing can be imported.
    let (code, line, message) = said(&[("a.rhai", &rule("a", body))], "a.rhai");
    assert_eq!((code.as_str(), line), ("rule-syntax", Some(BODY + 1)));
    assert!(
        message.contains("a pack reads nothing outside its own folder")
            && message.contains("`lib/` folder, by name"),
        "{message}"
    );
    // A pack with one: a path is not a module's name.
    let lib = "fn twice(x) { x + x }\n";
    let (code, line, message) = said(
        &[("a.rhai", &rule("a", body)), ("lib/util.rhai", lib)],
        "a.rhai",
    );
    assert_eq!(
        (code.as_str(), line),
        ("rule-unknown-function", Some(BODY + 1))
    );
    assert!(
        message.contains("`../x` is a path, and a pack reads nothing outside its own folder"),
        "{message}"
    );
    // A `lib/` module imports nothing.
    let (code, line, message) = said(
        &[
            ("a.rhai", &rule("a", "fn check(doc, ctx) {}\n")),
            (
                "lib/util.rhai",
                "import \"../x\" as x;\nfn twice(x) { x + x }\n",
            ),
        ],
        "lib/util.rhai",
    );
    assert_eq!((code.as_str(), line), ("rule-syntax", Some(1)));
    assert!(
        message.contains("a `lib/` module cannot import"),
        "{message}"
    );
}

#[test]
fn a_literal_path_that_puts_a_key_on_a_list_is_a_load_error_naming_the_list() {
    // `services.x_dwp.wcag` names no place (`services` is a list): the finding fell back to the
    // `services:` line at run time, and only a fixture's marker noticed.
    let tmp = tempfile::tempdir().unwrap();
    let body = "fn check(doc, ctx) {\n    for s in doc.services {\n        report(\"services.x_dwp.wcag\", \"unknown WCAG version\");\n    }\n}\n";
    let dir = pack(tmp.path(), &[("wcag.rhai", &rule("wcag", body))]);
    let diags = load(&dir);
    let d = one_error_at(&diags, "rule-path", &dir.join("wcag.rhai"), BODY + 2);
    assert!(d.message.contains("services.x_dwp.wcag"), "{d:#?}");
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("`services` is a list") && h.contains("services[0]")),
        "{d:#?}"
    );
    // An item's key, and the list itself, are fine.
    let body = "fn check(doc, ctx) {\n    report(\"services[0].x_dwp.wcag\", \"a\");\n    pass(\"services\");\n}\n";
    let dir = pack(tmp.path(), &[("wcag.rhai", &rule("wcag", body))]);
    assert!(errors(&load(&dir)).is_empty(), "{:#?}", load(&dir));
}

#[test]
fn an_applies_to_entry_the_register_does_not_know_is_a_warning_at_its_line() {
    // `applies_to: ["DPW"]` limited the rule to nobody; only a fixture's silence showed it.
    let tmp = tempfile::tempdir().unwrap();
    let body = "fn check(doc, ctx) {\n    pass(\"organisation\");\n}\n";
    let text = rule("wcag", body).replace(
        "    kinds: [\"department\"],\n",
        "    kinds: [\"department\"],\n    applies_to: [\"DPW\", \"ministerial_department\"],\n",
    );
    let dir = pack(tmp.path(), &[("wcag.rhai", &text)]);
    let diags = load(&dir);
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    let warnings: Vec<_> = diags.iter().filter(|d| d.code == "rule-metadata").collect();
    assert_eq!(warnings.len(), 1, "{diags:#?}");
    let d = warnings[0];
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.line, Some(DOC_LINES + 7), "{d:#?}");
    assert!(d.message.contains("`DPW`"), "{d:#?}");
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("did you mean `DWP`?")),
        "{d:#?}"
    );
}

#[test]
fn a_path_typo_through_a_library_function_that_filters_with_a_closure_is_a_load_error() {
    // The library returns `lookup(...).filter(|s| ...)`: the items kept are still services, so
    // a typo below them was caught only by a fixture's silence.
    let tmp = tempfile::tempdir().unwrap();
    let lib = "//! DWP's helpers.\n\n/// The services DWP counts as large.\nfn large_services(doc) {\n    lookup(doc, \"services\", []).filter(|s| lookup(s, \"x_dwp.large\") == true)\n}\n";
    let body = "fn check(doc, ctx) {\n    for s in dwp::large_services(doc) {\n        if lookup(s, \"x_dwp.transactons\") != () {\n            pass(path(s));\n        }\n    }\n}\n";
    let dir = typed_pack(tmp.path(), body, lib);
    let diags = load(&dir);
    let d = one_error_at(&diags, "rule-path", &dir.join("typed.rhai"), BODY + 2);
    assert!(d.message.contains("x_dwp.transactons"), "{d:#?}");
}
