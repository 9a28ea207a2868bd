//! Arbitrary YAML against the full built-in pack: load, schema, every rule, span resolution and
//! both reports. The packs are prepared once; each input is evaluated from memory.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use roadmap_lint::date::Date;
use roadmap_lint::load::Input;
use roadmap_lint::pack::PackSources;
use roadmap_lint::report::{self, human::Style};
use roadmap_lint::run::{self, Options, Prepared};

fn setup() -> &'static (Options, Prepared) {
    static SETUP: OnceLock<(Options, Prepared)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let options = Options {
            as_of: Date::parse("2024-06-01"),
            packs: PackSources {
                builtin: true,
                ..PackSources::default()
            },
            ..Options::default()
        };
        let prepared = run::prepare(&options);
        assert!(
            prepared.diagnostics.is_empty(),
            "the built-in pack must load cleanly: {:?}",
            prepared.diagnostics
        );
        (options, prepared)
    })
}

fuzz_target!(|data: &[u8]| {
    let (options, prepared) = setup();
    let input = Input::Bytes {
        name: "fuzz.yaml".into(),
        bytes: Arc::from(data),
    };
    let result = run::run(&[input], prepared, options);
    let _ = report::json::render(&result);
    let _ = report::human::render(
        &result,
        Style {
            color: false,
            width: 100,
        },
    );
});
