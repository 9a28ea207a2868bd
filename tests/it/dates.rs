//! Dates at the edges: every date of the shipped examples (`YYYY-MM-DD`, and reporting quarters
//! `YYYY-Qn`) is replaced, one at a time, by the first and last days a date may write
//! (0001-01-01, 9999-12-31), a leap day, and a day just before the end checked on the last day
//! (`--as-of 9999-12-31`). The same days are tried in the targets a run may be given. No
//! built-in rule may fail (`rule-error`, exit 2): date arithmetic past the end of the calendar
//! saturates at its first or last day.

use crate::edges::{each_variant, examples, rule_errors, values};
use roadmap_lint::{Date, Linter, Options};

const EDGES: [&str; 2] = ["0001-01-01", "9999-12-31"];
const LEAP_DAYS: [&str; 3] = ["0004-02-29", "2024-02-29", "9996-02-29"];
/// Checked with the run's date on the last day.
const NEAR_THE_END: &str = "9999-12-30";
const QUARTERS: [&str; 2] = ["0001-Q1", "9999-Q4"];

fn is_date(text: &str) -> bool {
    Date::parse(text).is_some()
}

fn is_quarter(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 7 && b[..4].iter().all(u8::is_ascii_digit) && &b[4..6] == b"-Q"
}

fn last_day() -> Options {
    Options::builtin().as_of(Date::parse("9999-12-31").unwrap())
}

#[test]
fn no_date_makes_a_built_in_rule_fail() {
    let (linter, late) = (Linter::new(Options::builtin()), Linter::new(last_day()));
    let files = examples();
    let mut failures = Vec::new();
    let replacements = |place: usize| {
        let mut all = EDGES.to_vec();
        all.extend([LEAP_DAYS[place % LEAP_DAYS.len()], NEAR_THE_END]);
        all
    };
    let dates = each_variant(
        &files,
        |l| values(l, is_date),
        replacements,
        |v| {
            let linter = if v.value == NEAR_THE_END {
                &late
            } else {
                &linter
            };
            failures.extend(rule_errors(&linter.check_texts(&v.inputs), &v.place));
        },
    );
    let quarters = each_variant(
        &files,
        |l| values(l, is_quarter),
        |_| QUARTERS.to_vec(),
        |v| {
            failures.extend(rule_errors(&linter.check_texts(&v.inputs), &v.place));
            failures.extend(rule_errors(&late.check_texts(&v.inputs), &v.place));
        },
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every date of every example was tried (a pattern that found none would pass).
    assert!(
        dates > 140 && quarters > 10,
        "only {dates} dates and {quarters} quarters"
    );
}

/// The dates of a targets file (agreed on, until) at the edges, applied to the example they name.
#[test]
fn no_target_date_makes_a_built_in_rule_fail() {
    let dir = tempfile::tempdir().unwrap();
    let root = crate::harness::root();
    let targets = std::fs::read_to_string(root.join("fixtures/targets/targets.yaml")).unwrap();
    let files = vec![("targets.yaml".to_string(), targets)];
    let examples = examples();
    let mut failures = Vec::new();
    let all = |_| [EDGES.as_slice(), &LEAP_DAYS, &[NEAR_THE_END]].concat();
    let places = each_variant(
        &files,
        |l| values(l, is_date),
        all,
        |v| {
            let path = dir.path().join("targets.yaml");
            std::fs::write(&path, &v.inputs[0].1).unwrap();
            for options in [Options::builtin(), last_day()] {
                // Targets that cannot hold (one ending before it was agreed) are refused at load.
                let Ok(options) = options.targets_file(&path) else {
                    continue;
                };
                let run = Linter::new(options).check_texts(&examples[..3]);
                failures.extend(rule_errors(&run, &v.place));
            }
        },
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(places >= 4, "only {places} dates");
}
