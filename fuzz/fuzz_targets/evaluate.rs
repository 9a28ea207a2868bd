//! Arbitrary YAML against the full built-in pack: load, schema, every rule, span resolution and
//! the reports. The packs are loaded once, through the embedding API; each input is checked
//! from memory.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use roadmap_lint::Date;
use roadmap_lint::internal::report::{self, human::Style};
use roadmap_lint::{Linter, Options};

fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| {
        let day = Date::parse("2024-06-01").expect("a valid date");
        let linter = Linter::new(Options::builtin().as_of(day));
        assert!(
            linter.diagnostics().is_empty(),
            "the built-in pack must load cleanly: {:?}",
            linter.diagnostics()
        );
        linter
    })
}

fuzz_target!(|data: &[u8]| {
    // Raw bytes, not text: invalid UTF-8 is part of what is fuzzed.
    let result = linter().check_bytes("fuzz.yaml", data);
    let _ = report::json::render(&result);
    let _ = report::human::render(
        &result,
        Style {
            color: false,
            width: 100,
        },
    );
    let _ = report::sarif::render(&result, roadmap_lint::internal::rules(linter()));
    let _ = report::markdown::render(&result);
});
