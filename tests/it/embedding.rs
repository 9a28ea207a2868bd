//! The embedding API, as `examples/embed.rs` uses it (its code, compiled in here), and the
//! crate root's public surface.

use std::collections::BTreeSet;

use roadmap_lint::{Exit, Severity};

#[path = "../../examples/embed.rs"]
mod embed;

#[test]
fn the_example_finds_the_department_packs_finding_in_a_declaration_held_in_memory() {
    let linter = embed::linter();
    assert!(
        linter.diagnostics().is_empty(),
        "{:#?}",
        linter.diagnostics()
    );
    let ids: BTreeSet<&str> = linter.rule_ids().collect();
    assert!(ids.contains("service-api-not-published"), "{ids:?}");
    assert!(ids.contains("sustainability-lead-missing"), "{ids:?}");

    let run = linter.check_text(embed::NAME, embed::DECLARATION);
    assert!(run.diagnostics().is_empty(), "{:#?}", run.diagnostics());
    assert_eq!(run.documents().len(), 1);
    assert_eq!(run.documents()[0].organisation.as_deref(), Some("DVLA"));
    let api: Vec<_> = run
        .findings()
        .iter()
        .filter(|f| f.rule == "service-api-not-published")
        .collect();
    assert_eq!(api.len(), 1, "{:#?}", run.findings());
    let f = api[0];
    assert_eq!(f.file, "dvla.yaml");
    assert_eq!(f.path, "x_blueprint.services[0].api_catalogue_url");
    assert_eq!((f.location.line, f.location.column), (7, 7));
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(run.exit(Severity::Error), Exit::Findings);

    let text = embed::report(&run);
    assert!(
        text.contains(
            "dvla.yaml:7:7 error [service-api-not-published] service `vehicle-enquiry` exchanges data but lists no API in the API catalogue\n"
        ),
        "{text}"
    );
    assert_eq!(text.lines().count(), run.findings().len());
}

#[test]
fn a_linter_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<roadmap_lint::Linter>();
    shared::<roadmap_lint::Run>();
    let linter = embed::linter();
    let counts: Vec<usize> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    linter
                        .check_text(embed::NAME, embed::DECLARATION)
                        .findings()
                        .len()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert_eq!(counts[0], counts[1]);
    assert!(counts[0] > 0);
}

#[test]
fn the_example_program_runs() {
    // Its `main`, as `cargo run --example embed` runs it: it prints and gives an exit code.
    let _ = embed::main();
}

/// The crate root's public items, exactly: what semantic versioning covers (with `internal`,
/// hidden and not covered). A new public item must be added here, to `docs/embedding.md` and to
/// the crate's documentation on purpose, never by accident.
const SURFACE: &[&str] = &[
    "pub enum Exit {",
    "pub use date::Date;",
    "pub use diag::{Code, ToolDiagnostic};",
    "pub use engine::budget::Counting as CountingAllocator;",
    "pub use finding::{Finding, Related, Severity, WaiverNote};",
    "pub use linter::Linter;",
    "pub use run::{DocInfo, Options, Run};",
    "pub use source::Location;",
    "pub mod internal;",
];

#[test]
fn the_crate_root_exposes_exactly_the_documented_surface() {
    let lib = std::fs::read_to_string("src/lib.rs").unwrap();
    let public: Vec<&str> = lib
        .lines()
        .filter(|l| l.starts_with("pub ") || l.starts_with("pub("))
        .collect();
    assert_eq!(public, SURFACE, "src/lib.rs's public items changed");
    // Every other module is private to the crate.
    let lines: Vec<&str> = lib.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("pub mod ") {
            assert_eq!(
                lines[i - 1],
                "#[doc(hidden)]",
                "{line} is hidden from the docs"
            );
        }
    }
    // What docs/embedding.md says is stable is what the root exports.
    let doc = std::fs::read_to_string("docs/embedding.md").unwrap();
    for line in SURFACE
        .iter()
        .filter(|l| l.starts_with("pub use") || l.starts_with("pub enum"))
    {
        let names = line
            .trim_start_matches("pub use ")
            .trim_start_matches("pub enum ")
            .trim_end_matches([';', ' ', '{']);
        let names = names.rsplit("::").next().unwrap();
        for name in names.trim_matches(['{', '}']).split(", ") {
            let name = name.rsplit(" as ").next().unwrap();
            assert!(
                doc.contains(&format!("`{name}`")),
                "docs/embedding.md does not describe `{name}`"
            );
        }
    }
}

#[test]
fn a_config_file_sets_up_the_linter_as_check_reads_it() {
    let tmp = tempfile::tempdir().unwrap();
    let pack = std::fs::canonicalize("fixtures/packs/blueprint-2025").unwrap();
    let config = tmp.path().join(".roadmap-lint.yaml");
    std::fs::write(
        &config,
        format!(
            "builtin: false\nrule_folders: ['{}']\ndisable: {{ rules: [no-such-rule] }}\nseverity: {{ service-api-not-published: warning }}\n",
            pack.display()
        ),
    )
    .unwrap();
    let linter = roadmap_lint::Options::from_config_file(&config)
        .unwrap()
        .build();
    let ids: BTreeSet<&str> = linter.rule_ids().collect();
    assert!(ids.contains("service-api-not-published"), "{ids:?}");
    assert!(!ids.contains("sustainability-lead-missing"), "{ids:?}");
    // The rule id the config misspells is pointed at, as `check` points at it.
    let unknown: Vec<_> = linter
        .diagnostics()
        .iter()
        .filter(|d| d.code == "config-unknown-rule")
        .collect();
    assert_eq!(unknown.len(), 1, "{:#?}", linter.diagnostics());
    assert_eq!(unknown[0].line, Some(3));
    // The config's severity applies.
    let run = linter.check_text(embed::NAME, embed::DECLARATION);
    let f = run
        .findings()
        .iter()
        .find(|f| f.rule == "service-api-not-published")
        .unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(run.exit(Severity::Error), Exit::ToolError);

    // A config that cannot be read is an error with its file, not a panic.
    let missing = roadmap_lint::Options::from_config_file(tmp.path().join("nowhere.yaml"));
    assert!(missing.is_err());
}

#[test]
fn bytes_that_are_not_text_are_a_finding_and_a_bad_targets_file_is_an_error() {
    let linter = roadmap_lint::Linter::builder().build();
    let run = linter.check_bytes("bad.yaml", b"schema_version: 1\nkind: \xff\xfe\n");
    assert!(
        run.findings().iter().any(|f| f.rule == "input-encoding"),
        "{:#?}",
        run.findings()
    );
    assert_eq!(run.exit(Severity::Error), Exit::Findings);

    let tmp = tempfile::tempdir().unwrap();
    let targets = tmp.path().join("targets.yaml");
    std::fs::write(&targets, "schema_version: 1\nkind: targets\ntargets: 3\n").unwrap();
    let problems = roadmap_lint::Options::builtin()
        .targets_file(&targets)
        .unwrap_err();
    assert!(!problems.is_empty());
    assert!(
        problems.iter().all(|d| d
            .file
            .as_deref()
            .is_some_and(|f| f.ends_with("targets.yaml"))
            && d.line == Some(3)),
        "{problems:#?}"
    );
}
