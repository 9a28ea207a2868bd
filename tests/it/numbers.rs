//! Numbers at the edges: every number of the shipped examples is replaced, one at a time, by
//! the largest magnitudes a declaration may give (2^53 either way), a small fraction, and one
//! of the numbers beyond them (`1.8e308`, `-1e309`, `18446744073709551615`, `1e400`, in turn). No built-in rule that reads the
//! number may fail (`rule-error`, exit 2): a number in range is judged, and one beyond is
//! refused when the file loads, with `yaml-number-range` at its line.

use crate::edges::{each_variant, examples, rule_errors, values};
use roadmap_lint::{Linter, Options};

const IN_RANGE: [&str; 3] = ["9007199254740992", "-9007199254740992", "0.000001"];
const BEYOND: [&str; 4] = ["1.8e308", "-1e309", "18446744073709551615", "1e400"];

/// Whether a plain scalar is a number as the examples write them: digits and a decimal point,
/// perhaps after a minus sign.
fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
}

#[test]
fn no_number_makes_a_built_in_rule_fail() {
    let linter = Linter::new(Options::builtin());
    let files = examples();
    let mut tried = 0;
    let mut failures = Vec::new();
    // Every value in range; one value beyond it (a different one each time).
    let replacements = |place: usize| {
        let mut all = IN_RANGE.to_vec();
        all.push(BEYOND[place % BEYOND.len()]);
        all
    };
    let positions = each_variant(
        &files,
        |line| values(line, is_number),
        replacements,
        |v| {
            let run = linter.check_texts(&v.inputs);
            tried += 1;
            failures.extend(rule_errors(&run, &v.place));
            let refused = run.findings().iter().any(|f| {
                f.file == v.name && f.rule == "yaml-number-range" && f.location.line == v.line
            });
            if BEYOND.contains(&v.value) && !refused {
                failures.push(format!("{}: not refused", v.place));
            }
        },
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every number of every example was tried ({tried} runs) (a pattern that found none would pass).
    assert!(positions > 200, "only {positions} numbers ({tried} runs)");
}

/// The command line: a number beyond the range is a finding at its line and column, and the run
/// exits 1 (findings), not 2 (a rule failed).
#[test]
fn check_refuses_a_number_beyond_the_range_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = examples().remove(0).1;
    for value in BEYOND {
        let changed = text.replacen("window_days: 180", &format!("window_days: {value}"), 1);
        assert_ne!(changed, text);
        std::fs::write(dir.path().join("dwp.yaml"), changed).unwrap();
        let out = crate::harness::cli()
            .current_dir(dir.path())
            .args(["check", "--no-cache", "--format", "concise", "dwp.yaml"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{value}: {stdout}");
        assert!(
            stdout.starts_with(&format!(
                "dwp.yaml:287:18: error[yaml-number-range] the number `{value}` is outside the range"
            )),
            "{value}: {stdout}"
        );
    }
}
