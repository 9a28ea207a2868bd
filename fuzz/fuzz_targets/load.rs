//! Bytes in, diagnostics out: the loader must never panic, hang or blow up on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roadmap_lint::internal::load::{Limits, load_bytes};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let loaded = load_bytes("fuzz.yaml".into(), data.to_vec(), &limits);
    // Every problem's span must lie inside the text, and locating it must not panic.
    for problem in loaded
        .problems
        .iter()
        .chain(loaded.docs.iter().flat_map(|d| d.problems.iter()))
    {
        let loc = loaded.source.locate(problem.span);
        assert!(loc.line >= 1 && loc.column >= 1, "{problem:?} -> {loc:?}");
    }
});
