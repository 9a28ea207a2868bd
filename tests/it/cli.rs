//! The `check` command end to end: rendered output (snapshots), the JSON contract, exit codes
//! and input handling.

use assert_cmd::Command;

fn roadmap_lint() -> Command {
    let mut cmd = Command::cargo_bin("roadmap-lint").unwrap();
    cmd.env("NO_COLOR", "1").env_remove("COLUMNS");
    cmd
}

/// Rendered text with miette's line wrapping undone, for `contains` checks.
fn unwrapped(text: &str) -> String {
    text.replace("\n  │ ", " ")
}

fn run(args: &[&str]) -> (String, String, i32) {
    let out = roadmap_lint().args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

/// The human report, on the examples with one rule (the syntax, schema and waiver findings
/// still show): every kind of snippet in a page a reviewer reads. Each rule's own messages are
/// in its snapshot of `rule_fixtures::rule_messages`.
#[test]
fn human_report_of_the_examples() {
    let (stdout, _, code) = run(&[
        "check",
        "--as-of",
        "2025-06-30",
        "--rule",
        "one-login-strategy-overdue",
        "fixtures/examples/",
    ]);
    assert_eq!(code, 1, "the examples hold errors");
    insta::assert_snapshot!(stdout);
}

#[test]
fn json_report_carries_the_contract_fields() {
    let (stdout, _, code) = run(&[
        "check",
        "--format",
        "json",
        "--as-of",
        "2025-06-30",
        "fixtures/examples/moj-broken.yaml",
    ]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["version"], "1.3");
    // The scores travel with the findings (the declaration format's machine output contract);
    // MOJ's declaration fails the schema, so it is listed as not scored, never as 0.
    let scores = &report["scores"];
    let departments: Vec<&str> = scores["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["organisation"].as_str().unwrap())
        .collect();
    assert_eq!(departments, ["OPG"], "{scores}");
    assert_eq!(
        scores["government"]["score"],
        scores["departments"][0]["score"]
    );
    assert!(
        scores["not_scored"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("schema-"),
        "{scores}"
    );
    assert_eq!(report["provenance"]["packs"][0]["origin"], "builtin");
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        for key in [
            "rule",
            "commitment",
            "mission",
            "severity",
            "file",
            "document",
            "path",
            "line",
            "column",
            "message",
            "waived",
        ] {
            assert!(f.get(key).is_some(), "finding lacks `{key}`: {f}");
        }
    }
    // The date error names its field and points at the value, in the first document.
    let date = findings
        .iter()
        .find(|f| f["rule"] == "schema-date")
        .unwrap();
    assert_eq!(date["path"], "one_login.strategy_confirmed");
    assert_eq!(date["document"], 0);
    assert_eq!(
        (date["line"].as_u64(), date["column"].as_u64()),
        (Some(49), Some(23))
    );
    // The second document is judged on its own, with spans in the same file.
    assert!(
        findings
            .iter()
            .any(|f| f["document"] == 1 && f["commitment"].is_number())
    );
}

#[test]
fn exit_codes_follow_the_contract() {
    assert_eq!(run(&["check", "fixtures/examples/dwp-compliant.yaml"]).2, 0);
    assert_eq!(run(&["check", "fixtures/examples/moj-broken.yaml"]).2, 1);
    assert_eq!(
        run(&[
            "check",
            "--fail-on",
            "never",
            "fixtures/examples/moj-broken.yaml"
        ])
        .2,
        0
    );
    let (_, _, code) = run(&["check", "no/such/file.yaml"]);
    assert_eq!(code, 2, "an unreadable path is a tool error");
    let (_, stderr, code) = run(&["check", "--as-of", "31/03/2025", "fixtures/examples/"]);
    assert_eq!(code, 2, "bad arguments are a tool error: {stderr}");
    let (stdout, _, code) = run(&[
        "check",
        "--param",
        "no_such_param=1",
        "fixtures/examples/dwp-compliant.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(stdout.contains("param-unknown"), "{stdout}");
}

#[test]
fn warnings_fail_only_when_asked() {
    let doc = "schema_version: 1\nkind: department\nas_of: 2023-04-01\norganisation: { id: DfE, name: Department for Education }\n";
    let check = |fail_on: &str| {
        roadmap_lint()
            .args([
                "check",
                "--rule",
                "one-login-strategy-overdue",
                "--fail-on",
                fail_on,
                "--stdin-name",
                "dfe.yaml",
                "-",
            ])
            .write_stdin(doc)
            .output()
            .unwrap()
    };
    let out = check("error");
    assert_eq!(out.status.code(), Some(0));
    let text = unwrapped(&String::from_utf8(out.stdout).unwrap());
    assert!(
        text.contains("dfe.yaml:1:1"),
        "stdin is reported under its given name: {text}"
    );
    assert!(text.contains("29 days left"), "{text}");
    assert_eq!(check("warning").status.code(), Some(1));
}

#[test]
fn as_of_makes_a_deadline_an_error() {
    let doc = "schema_version: 1\nkind: department\norganisation: { id: DfE, name: Department for Education }\n";
    let before = roadmap_lint()
        .args([
            "check",
            "--rule",
            "one-login-strategy-overdue",
            "--as-of",
            "2023-04-30",
            "-",
        ])
        .write_stdin(doc)
        .output()
        .unwrap();
    assert_eq!(
        before.status.code(),
        Some(0),
        "on the deadline day it is still a warning"
    );
    let after = roadmap_lint()
        .args([
            "check",
            "--rule",
            "one-login-strategy-overdue",
            "--as-of",
            "2023-05-01",
            "-",
        ])
        .write_stdin(doc)
        .output()
        .unwrap();
    assert_eq!(after.status.code(), Some(1));
    assert!(unwrapped(&String::from_utf8(after.stdout).unwrap()).contains("1 day overdue"));
}

#[test]
fn a_broken_rule_is_one_diagnostic_and_the_others_still_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pack.yaml"),
        "name: broken\nversion: 0.1.0\ndescription: test pack\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("loops-forever.rhai"),
        "//! # What it checks\n//! x\n//! # Why\n//! x\n//! # Failing example\n//! x\n//! # Passing example\n//! x\nlet rule = #{ id: \"loops-forever\", title: \"Loops\", severity: \"error\", kinds: [\"department\"] };\n\nfn check(doc, ctx) {\n    loop { }\n}\n",
    )
    .unwrap();
    let (stdout, _, code) = run(&[
        "check",
        "--rules",
        dir.path().to_str().unwrap(),
        "--as-of",
        "2025-06-30",
        "fixtures/examples/hmrc-needs-work.yaml",
        "fixtures/examples/moj-broken.yaml",
    ]);
    assert_eq!(
        code, 2,
        "a rule that cannot run makes the result incomplete"
    );
    assert_eq!(
        stdout.matches("rule `loops-forever`").count(),
        1,
        "{stdout}"
    );
    assert!(
        // Rhai loses the position of a limit raised in a function: the rule's first loop.
        stdout.contains("loops-forever.rhai:12:"),
        "names the file and line: {stdout}"
    );
    assert!(
        stdout.contains("one-login-strategy-overdue"),
        "other rules still report: {stdout}"
    );
}

#[test]
fn schema_command_prints_valid_json_schemas() {
    for kind in [
        "department",
        "proposal",
        "review",
        "record",
        "organisations",
    ] {
        let (stdout, _, code) = run(&["schema", kind]);
        assert_eq!(code, 0);
        let schema: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }
}

#[test]
fn explain_prints_the_rule_documentation() {
    let (stdout, _, code) = run(&["explain", "resilience-test-overdue"]);
    assert_eq!(code, 0);
    for section in [
        "# What it checks",
        "# Why",
        "# Failing example",
        "# Passing example",
        "Commitment 9",
    ] {
        assert!(stdout.contains(section), "missing {section}: {stdout}");
    }
    assert_eq!(run(&["explain", "no-such-rule"]).2, 2);
}

/// Bash completion works past the subcommand: `check --fo<TAB>` gives `--format`, and
/// `score --by <TAB>` gives the views. Run in a real bash, with the generated script sourced.
#[test]
fn bash_completes_flags_after_the_subcommand() {
    let script = run(&["completions", "bash"]).0;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roadmap-lint.bash");
    std::fs::write(&path, script).unwrap();
    let complete = |words: &[&str]| {
        let line = words.join(" ");
        let cword = words.len() - 1;
        let program = format!(
            "source {}\nCOMP_WORDS=({line})\nCOMP_CWORD={cword}\nCOMP_LINE='{line}'\nCOMP_POINT=${{#COMP_LINE}}\n_roadmap__lint roadmap-lint '{}' '{}'\necho \"${{COMPREPLY[*]}}\"",
            path.display(),
            words[cword],
            words[cword - 1],
        );
        let out = std::process::Command::new("bash")
            .args(["--norc", "-c", &program])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(complete(&["roadmap-lint", "check", "--fo"]), "--format");
    assert!(complete(&["roadmap-lint", "check", "--"]).contains("--fail-on"));
    let views = complete(&["roadmap-lint", "score", "--by", ""]);
    assert!(
        views.contains("mission") && views.contains("department"),
        "{views}"
    );
}

/// FORCE_COLOR colours a report piped to a file (as CI logs are); NO_COLOR wins over it.
#[test]
fn colour_can_be_forced_into_a_pipe() {
    let run_with = |vars: &[(&str, &str)]| {
        let mut cmd = crate::harness::cli();
        cmd.env_remove("NO_COLOR");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd
            .args([
                "check",
                "--as-of",
                "2025-06-30",
                "fixtures/examples/hmrc-needs-work.yaml",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).contains('\u{1b}')
    };
    assert!(!run_with(&[]));
    assert!(run_with(&[("FORCE_COLOR", "1")]));
    assert!(run_with(&[("CLICOLOR_FORCE", "1")]));
    assert!(!run_with(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
}
