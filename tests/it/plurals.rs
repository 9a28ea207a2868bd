//! Counted messages read right for every count: each is rendered with 0, 1 and 2, and no rule
//! script puts a number straight before a plural noun (it says `count(n, "service")`, which
//! the engine writes `1 service`, `2 services`).

use roadmap_lint::internal::report::Summary;
use roadmap_lint::internal::score::Tally;

use crate::harness::root;

/// No "1 errors", "1 services": a count of 1 never stands before a plural.
fn assert_agrees(text: &str) {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    for pair in words.windows(2) {
        if pair[0] == "1" {
            assert!(
                !pair[1].ends_with('s') || ["is", "was", "has", "less"].contains(&pair[1]),
                "`1 {}` in: {text}",
                pair[1]
            );
        }
        if pair[0] == "0" || pair[0] == "2" {
            assert!(
                ![
                    "error", "warning", "document", "file", "check", "input", "day"
                ]
                .contains(&pair[1]),
                "`{} {}` in: {text}",
                pair[0],
                pair[1]
            );
        }
    }
}

#[test]
fn the_summary_line_agrees_with_every_count() {
    for n in [0, 1, 2] {
        let summary = Summary {
            errors: n,
            warnings: n,
            infos: n,
            waived: n,
            files: n,
            documents: n,
            tool_errors: n * 2,
            unreadable: n,
            not_shown: n,
        };
        let text = summary.to_string();
        assert_agrees(&text);
        if n == 1 {
            assert!(text.starts_with("1 error, 1 warning"), "{text}");
            assert!(text.contains("1 document from 1 file"), "{text}");
            assert!(text.contains("1 input could not be read"), "{text}");
            assert!(text.contains("1 tool error"), "{text}");
        }
    }
}

#[test]
fn a_score_tally_agrees_with_every_count() {
    for n in [0, 1, 2] {
        let tally = Tally {
            passed: n,
            failed: 0,
            waived: n,
            warnings: n,
        };
        let text = roadmap_lint::internal::score::text::tally_text(&tally);
        assert_agrees(&text);
    }
    let one = Tally {
        passed: 1,
        ..Tally::default()
    };
    assert_eq!(
        roadmap_lint::internal::score::text::tally_text(&one),
        "1 of 1 check passed"
    );
}

/// Nouns that rules count.
const COUNTED: &[&str] = &[
    "services",
    "systems",
    "departments",
    "months",
    "measures",
    "components",
    "findings",
    "documents",
    "years",
    "assets",
    "priorities",
    "contracts",
    "professionals",
    "vacancies",
];

/// In every rule script and library module, a counted noun follows a string, never a number
/// joined on with `+` (`n + " services"`): counts go through `count(n, "service")`.
#[test]
fn no_rule_puts_a_bare_number_before_a_plural() {
    let mut scripts = Vec::new();
    for dir in ["rules/roadmap-2022-25", "rules/roadmap-2022-25/lib"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rhai") {
                scripts.push(path);
            }
        }
    }
    assert!(scripts.len() > 60, "{} scripts", scripts.len());
    let mut bad = Vec::new();
    for path in scripts {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for noun in COUNTED {
                let joined = format!("+ \" {noun}");
                for (at, _) in line.match_indices(&joined) {
                    // `"text" + " services"` joins two strings; anything else is a value.
                    let before = line[..at].trim_end();
                    if !before.ends_with('"') {
                        bad.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "bare numbers before plurals:\n{}",
        bad.join("\n")
    );
}
