//! Arbitrary YAML against the full built-in pack: load, schema, every rule, span resolution and
//! the reports. The packs are loaded once, through the embedding API; each input is checked
//! from memory.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use roadmap_lint::date::Date;
use roadmap_lint::load::Input;
use roadmap_lint::report::{self, human::Style};
use roadmap_lint::{Linter, Options};

fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| {
        let linter = Linter::new(Options {
            as_of: Date::parse("2024-06-01"),
            ..Options::builtin()
        });
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
    let input = Input::Bytes {
        name: "fuzz.yaml".into(),
        bytes: Arc::from(data),
    };
    let result = linter().check_inputs(&[input]);
    let _ = report::json::render(&result);
    let _ = report::human::render(
        &result,
        Style {
            color: false,
            width: 100,
        },
    );
    let _ = report::sarif::render(&result, linter().rules());
    let _ = report::markdown::render(&result);
});
