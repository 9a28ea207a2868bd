//! Numbers at the edges: every number of the shipped examples is replaced, one at a time, by
//! the largest magnitudes a declaration may give (2^53 either way), a small fraction, and one
//! of the numbers beyond them (`1.8e308`, `-1e309`, `18446744073709551615`, `1e400`, in turn). No built-in rule that reads the
//! number may fail (`rule-error`, exit 2): a number in range is judged, and one beyond is
//! refused when the file loads, with `yaml-number-range` at its line.

use roadmap_lint::{Linter, Options};

const EXAMPLES: [&str; 6] = [
    "dwp-compliant.yaml",
    "hmrc-needs-work.yaml",
    "moj-broken.yaml",
    "proposal-clean.yaml",
    "proposal-not-ready.yaml",
    "proposal-with-conditions.yaml",
];

const IN_RANGE: [&str; 3] = ["9007199254740992", "-9007199254740992", "0.000001"];
const BEYOND: [&str; 4] = ["1.8e308", "-1e309", "18446744073709551615", "1e400"];

/// The byte ranges of the plain numbers written as values on a line (after `: `, `- `, `, ` or
/// an opening bracket), outside comments.
fn numbers(line: &str) -> Vec<(usize, usize)> {
    let code = line.split(" #").next().unwrap_or("");
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 1;
    while i < bytes.len() {
        let after_separator = bytes[i - 1] == b' '
            && i >= 2
            && matches!(bytes[i - 2], b':' | b'-' | b',' | b'[' | b'{');
        let starts = bytes[i].is_ascii_digit()
            || (bytes[i] == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
        if after_separator && starts {
            let end = (i + 1..bytes.len())
                .find(|&j| !(bytes[j].is_ascii_digit() || bytes[j] == b'.'))
                .unwrap_or(bytes.len());
            if bytes
                .get(end)
                .is_none_or(|b| matches!(b, b' ' | b',' | b'}' | b']'))
            {
                out.push((i, end));
            }
            i = end;
        }
        i += 1;
    }
    out
}

fn examples() -> Vec<(String, String)> {
    let dir = crate::harness::root().join("fixtures/examples");
    EXAMPLES
        .iter()
        .map(|name| {
            (
                name.to_string(),
                std::fs::read_to_string(dir.join(name)).unwrap(),
            )
        })
        .collect()
}

/// The files checked with a variant of `name`: itself, and for a proposal the declarations it
/// may be checked against.
fn with_declarations(files: &[(String, String)], n: usize) -> Vec<(String, String)> {
    let mut inputs = vec![files[n].clone()];
    if files[n].0.starts_with("proposal") {
        inputs.extend(
            files
                .iter()
                .filter(|(f, _)| !f.starts_with("proposal"))
                .cloned(),
        );
    }
    inputs
}

#[test]
fn no_number_makes_a_built_in_rule_fail() {
    let linter = Linter::new(Options::builtin());
    let files = examples();
    let (mut tried, mut positions) = (0, 0);
    let mut failures = Vec::new();
    for (n, (name, text)) in files.iter().enumerate() {
        let lines: Vec<&str> = text.split('\n').collect();
        for (at, line) in lines.iter().enumerate() {
            for (start, end) in numbers(line) {
                // Every value in range; one value beyond it (a different one each time).
                let beyond = BEYOND[positions % BEYOND.len()];
                positions += 1;
                for value in IN_RANGE.iter().chain([&beyond]) {
                    let mut changed = lines.clone();
                    let replaced = format!("{}{value}{}", &line[..start], &line[end..]);
                    changed[at] = &replaced;
                    let mut inputs = with_declarations(&files, n);
                    inputs[0].1 = changed.join("\n");
                    let run = linter.check_texts(&inputs);
                    tried += 1;
                    let place = format!("{name}:{}: `{value}` in `{}`", at + 1, line.trim());
                    failures.extend(
                        run.diagnostics()
                            .iter()
                            .filter(|d| d.code == "rule-error")
                            .map(|d| format!("{place}: {}", d.message)),
                    );
                    let refused = run.findings().iter().any(|f| {
                        f.file == *name
                            && f.rule == "yaml-number-range"
                            && f.location.line == at + 1
                    });
                    if *value == beyond && !refused {
                        failures.push(format!("{place}: not refused"));
                    }
                }
            }
        }
    }
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
