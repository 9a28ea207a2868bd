//! One budget for a rule's whole life (docs/security.md, "Limits"): what a rule holds is
//! counted wherever it is held (closures' captured variables, curried function pointers,
//! values that hold themselves), its top level and its pack's library modules run under the
//! same limits when the pack loads, and no value it makes can overflow a stack. Each hostile
//! pack in fixtures/hostile-rules/<case>/ runs next to the built-in pack under 1 GiB of address
//! space (tests/it/harness.rs); each is stopped with one diagnostic, and the built-in rules
//! still report.

use crate::harness::{CPU_SECONDS, Diag, GOOD, GOOD_RULE, diags, lint_with, truncate};
use crate::sandbox::stopped;

const HELD: &str = "held more memory than the sandbox's limit";

#[test]
fn closures_nested_without_end_stop_at_the_memory_limit_not_the_stack() {
    // A 482-byte rule nesting 10,000 closures overflowed the stack and aborted the run: each
    // closure captures the one before, and dropping the chain recurses once per level.
    let s = stopped("closure-nesting", "rule-limit", None, &[]);
    assert!(s.diag.message.contains(HELD), "{:?}", s.diag);
}

#[test]
fn captured_variables_and_curried_values_count_against_the_memory_limit() {
    // 2,000 half-mebibyte strings, each captured by a closure or curried into a function
    // pointer: Rhai's size checks see neither, and each took 1 GB or more.
    for case in ["closure-hoard", "curry-hoard"] {
        let s = stopped(case, "rule-limit", None, &[]);
        assert!(s.diag.message.contains(HELD), "{case}: {:?}", s.diag);
    }
}

#[test]
fn a_closure_that_captures_itself_cannot_leak_memory_document_after_document() {
    // Such a cycle is never freed: the evaluation that leaves it behind fails, and past the
    // memory limit over the run the rule is not called again.
    let s = stopped("closure-cycle", "rule-limit", None, &[]);
    assert!(
        s.diag.message.contains("left memory behind"),
        "{:?}",
        s.diag
    );
}

#[test]
fn a_portfolio_rule_cannot_return_a_value_nested_past_the_stack() {
    // 50,000 closures each capturing the one before: dropping it outside the sandbox's threads
    // overflowed the main thread's stack.
    let s = stopped("collect-nesting", "rule-limit", None, &[]);
    assert!(s.diag.message.contains("Nesting"), "{:?}", s.diag);
}

/// Run a pack whose top level or library fails when it loads; the diagnostics in its folder.
fn load_time(case: &str, extra: &[&str]) -> Vec<Diag> {
    let pack = format!("fixtures/hostile-rules/{case}");
    let mut args = vec!["check", "--format", "json", "--as-of", "2024-06-01"];
    args.extend_from_slice(extra);
    args.extend(["--rules", &pack, GOOD]);
    let outcome = lint_with(&args, None, CPU_SECONDS);
    assert_eq!(outcome.code, 2, "{}", truncate(&outcome.stderr));
    let all = diags(&outcome.json());
    assert!(
        all.iter().any(|d| d.file == GOOD && d.code == GOOD_RULE),
        "the built-in rules still report: {all:#?}"
    );
    all.into_iter()
        .filter(|d| d.file.starts_with(&pack))
        .collect()
}

#[test]
fn a_rules_top_level_runs_under_the_time_and_memory_limits() {
    // A top-level loop ran past 60 s when the pack loaded: no clock was running.
    let mine = load_time("top-level-loop", &["--rule-timeout", "300"]);
    assert_eq!(mine.len(), 1, "{mine:#?}");
    assert_eq!(mine[0].code, "rule-metadata");
    assert!(
        mine[0].message.contains("ran longer than its time limit"),
        "{mine:#?}"
    );
    let mine = load_time("top-level-hoard", &[]);
    assert_eq!(mine.len(), 1, "{mine:#?}");
    assert_eq!(mine[0].code, "rule-metadata");
    assert!(mine[0].message.contains(HELD), "{mine:#?}");
}

#[test]
fn library_modules_together_keep_no_more_than_one_rule_may_hold() {
    // Eight small modules, six mebibytes each: together they are over the limit, so the
    // modules past it are refused (eight of them took 2.39 GB when nothing counted).
    let mine = load_time("library-hoard", &[]);
    let refused: Vec<&Diag> = mine
        .iter()
        .filter(|d| d.code == "rule-metadata" && d.message.contains(HELD))
        .collect();
    assert!(
        (5..=8).contains(&refused.len()),
        "the modules past the limit are refused: {mine:#?}"
    );
}
