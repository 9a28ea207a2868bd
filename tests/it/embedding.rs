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
