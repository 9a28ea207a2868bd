//! CI integration: every output format over a small fixture (snapshots), SARIF and JSON validated
//! against their schemas, JUnit parsed as XML, waivers and the config file through the command
//! line with their exit codes, and atomic report writing.
//!
//! Every run passes `--config tests/data/ci-config.yaml` (or a config of its own), which enables
//! only the rules these tests were written against, and `--as-of`, so nothing depends on today.

use std::path::{Path, PathBuf};

use serde_json::Value;

const CONFIG: &str = "tests/data/ci-config.yaml";
const AS_OF: &str = "2025-06-30";

use crate::harness::cli;

/// Run `check` with the test config; returns (exit code, stdout, stderr).
fn check(args: &[&str]) -> (i32, String, String) {
    let out = cli()
        .args([
            "check", "--config", CONFIG, "--as-of", AS_OF, "--color", "never",
        ])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn format(name: &str) -> String {
    let (code, out, err) = check(&["tests/data/ci", "--format", name]);
    assert_eq!(
        code, 1,
        "errors in the fixture give exit code 1; stderr: {err}"
    );
    crate::harness::scrub_hashes(&out)
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif", format("sarif"));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", format("junit"));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!("github", format("github"));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("markdown", format("markdown"));
}

#[test]
fn concise_snapshot() {
    let out = format("concise");
    // One line per finding, then the counts: `file:line:col: severity[rule] message`.
    for line in out.lines().filter(|l| l.starts_with("tests/")) {
        let (place, rest) = line.split_once(": ").unwrap();
        assert_eq!(place.split(':').count(), 3, "{line}");
        assert!(rest.contains('[') && rest.contains("] "), "{line}");
    }
    insta::assert_snapshot!("concise", out);
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", format("json"));
}

fn validator(schema_path: &str, draft: jsonschema::Draft) -> jsonschema::Validator {
    let text = std::fs::read_to_string(schema_path).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn sarif_is_valid_and_complete() {
    let v = validator(
        "tests/data/sarif-schema-2.1.0.json",
        jsonschema::Draft::Draft4,
    );
    let log: Value = serde_json::from_str(&format("sarif")).unwrap();
    assert_valid(&v, &log);
    // The validator is not vacuous: a result without a message is rejected.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!v.is_valid(&broken));

    // Tool problems are notifications of an unsuccessful execution, and still valid SARIF.
    let (code, out, _) = check(&[
        "tests/data/ci",
        "tests/data/no-such-file.yaml",
        "--format",
        "sarif",
    ]);
    assert_eq!(code, 2);
    let with_problem: Value = serde_json::from_str(&out).unwrap();
    assert_valid(&v, &with_problem);
    let invocation = &with_problem["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["descriptor"]["id"],
        "input-unreadable"
    );

    // Every built-in rule over every example (declarations, proposals, portfolio rules).
    let out = cli()
        .args([
            "check",
            "--no-config",
            "--format",
            "sarif",
            "fixtures/examples",
        ])
        .output()
        .unwrap();
    let examples: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid(&v, &examples);
    assert!(examples["runs"][0]["results"].as_array().unwrap().len() > 20);

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let resilience = rules
        .iter()
        .find(|r| r["id"] == "resilience-test-overdue")
        .unwrap();
    assert_eq!(resilience["properties"]["commitment"], 9);
    assert!(
        resilience["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("#resilience-test-overdue")
    );
    assert!(
        resilience["help"]["text"]
            .as_str()
            .unwrap()
            .contains("# Why")
    );
    let results = run["results"].as_array().unwrap();
    for r in results {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[key].as_u64().unwrap() >= 1, "{key} in {r}");
        }
        let id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id);
    }
    let waived: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["ruleId"], "resilience-test-overdue");
    assert!(
        waived[0]["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("@cddo-assurance")
    );
    let duplicate = results
        .iter()
        .find(|r| r["ruleId"] == "yaml-duplicate-key")
        .unwrap();
    let related = &duplicate["relatedLocations"][0];
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 3);
    assert_eq!(related["message"]["text"], "first given here");
}

#[test]
fn json_report_fits_its_schema() {
    let v = validator("schemas/report.schema.json", jsonschema::Draft::Draft202012);
    for input in ["tests/data/ci", "fixtures/examples"] {
        let (_, out, _) = check(&[input, "--format", "json"]);
        let report: Value = serde_json::from_str(&out).unwrap();
        assert_valid(&v, &report);
        let mut broken = report.clone();
        broken["findings"][0]["line"] = Value::from(0);
        assert!(!v.is_valid(&broken), "the schema checks positions");
    }
}

#[test]
fn junit_parses_and_counts_add_up() {
    use quick_xml::Reader;
    use quick_xml::events::Event;

    let xml = format("junit");
    let mut reader = Reader::from_str(&xml);
    let mut suites: Vec<(String, usize, usize)> = Vec::new(); // name, declared tests, cases
    let mut outcomes: Vec<String> = Vec::new();
    let mut texts = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attr = |name: &str| {
                    e.try_get_attribute(name).unwrap().map(|a| {
                        a.normalized_value(quick_xml::XmlVersion::default())
                            .unwrap()
                            .to_string()
                    })
                };
                match e.name().as_ref() {
                    "testsuite" => suites.push((
                        attr("name").unwrap(),
                        attr("tests").unwrap().parse().unwrap(),
                        0,
                    )),
                    "testcase" => suites.last_mut().unwrap().2 += 1,
                    "failure" | "skipped" | "error" => outcomes.push(e.name().as_ref().to_string()),
                    _ => {}
                }
            }
            Event::Text(t) => texts.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                texts.push_str(match name.as_ref() {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "?",
                });
            }
            _ => {}
        }
    }
    let names: Vec<&str> = suites.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        names,
        ["tests/data/ci/broken.yaml", "tests/data/ci/dept.yaml"]
    );
    for (name, declared, cases) in &suites {
        assert_eq!(declared, cases, "suite {name}");
    }
    // 4 rule checks + 3 waiver findings in dept.yaml, 1 syntax finding in broken.yaml.
    assert_eq!(suites[1].2, 7);
    assert_eq!(outcomes.iter().filter(|o| *o == "skipped").count(), 1);
    // Errors fail (the default --fail-on); the two warnings are recorded, not failures.
    assert_eq!(outcomes.iter().filter(|o| *o == "failure").count(), 4);
    assert!(texts.contains("warning [waiver-expiring]"));
    // The waived finding passes, with its note in the output, unescaped by the parser.
    assert!(texts.contains(r#"Test booked for July: "<b>bold</b>" & 100%, done"#));
}

/// JUnit follows `--fail-on`: with `warning`, warnings fail too; with `never`, nothing fails.
#[test]
fn junit_failures_follow_fail_on() {
    let failures = |fail_on: &str| {
        let (_, xml, _) = check(&["tests/data/ci", "--format", "junit", "--fail-on", fail_on]);
        xml.matches("<failure ").count()
    };
    assert_eq!(failures("error"), 4);
    assert_eq!(failures("warning"), 6);
    assert_eq!(failures("never"), 0);
}

#[test]
fn several_reports_in_one_run_with_the_human_report_on_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n).display().to_string();
    let (code, out, _) = check(&[
        "tests/data/ci",
        "--output",
        &format!("sarif={}", path("r.sarif")),
        "--output",
        &format!("junit={}", path("r.xml")),
        "--output",
        &format!("json={}", path("r.json")),
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("4 errors, 2 warnings, 1 waived"), "{out}");
    assert_eq!(
        crate::harness::scrub_hashes(&std::fs::read_to_string(path("r.sarif")).unwrap()),
        format("sarif")
    );
    assert_eq!(
        crate::harness::scrub_hashes(&std::fs::read_to_string(path("r.json")).unwrap()),
        format("json")
    );
    assert!(
        std::fs::read_to_string(path("r.xml"))
            .unwrap()
            .starts_with("<?xml")
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["r.json", "r.sarif", "r.xml"],
        "no temporary files left"
    );
}

#[test]
fn a_report_that_cannot_be_written_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    // Missing folder; a target that is a folder. Neither leaves anything behind.
    let missing = dir.path().join("no/such/dir/r.sarif");
    let folder = dir.path().join("taken");
    std::fs::create_dir(&folder).unwrap();
    for target in [&missing, &folder] {
        let (code, out, _) = check(&[
            "tests/data/waivers/waived.yaml",
            "--output",
            &format!("sarif={}", target.display()),
        ]);
        assert_eq!(code, 2, "{out}");
        assert!(out.contains("output-unwritable"), "{out}");
    }
    assert!(!missing.exists());
    assert!(folder.is_dir());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only the folder remains: {left:?}");

    // A read-only folder (meaningless when the tests run as root, who may write anyway).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(ro.join("probe"), "x").is_err() {
            let (code, _, _) = check(&[
                "tests/data/waivers/waived.yaml",
                "--output",
                &format!("json={}", ro.join("r.json").display()),
            ]);
            assert_eq!(code, 2);
            assert_eq!(std::fs::read_dir(&ro).unwrap().count(), 0);
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn a_previous_report_is_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    std::fs::write(&target, "x".repeat(200_000)).unwrap();
    let (code, _, _) = check(&[
        "tests/data/waivers/waived.yaml",
        "--output",
        &format!("json={}", target.display()),
    ]);
    assert_eq!(code, 0);
    let written = std::fs::read_to_string(&target).unwrap();
    let (_, expected, _) = check(&["tests/data/waivers/waived.yaml", "--format", "json"]);
    assert_eq!(written, expected);
}

#[test]
fn bad_output_arguments_are_usage_errors() {
    for bad in ["sarif", "pdf=x.pdf", "=x", "json="] {
        let (code, _, err) = check(&["tests/data/waivers/waived.yaml", "--output", bad]);
        assert_eq!(code, 2, "--output {bad}");
        assert!(
            err.contains("FORMAT=PATH") || err.contains("unknown format"),
            "{err}"
        );
    }
}

// ----- waivers -----

fn codes(out: &str) -> Vec<String> {
    let report: Value = serde_json::from_str(out).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}{}",
                f["rule"].as_str().unwrap(),
                if f["waived"] == true { " (waived)" } else { "" }
            )
        })
        .collect()
}

fn waiver_case(file: &str, extra: &[&str]) -> (i32, Vec<String>) {
    let path = format!("tests/data/waivers/{file}");
    let mut args = vec![path.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = check(&args);
    assert!(err.is_empty(), "{err}");
    (code, codes(&out))
}

#[test]
fn a_waived_finding_is_shown_and_does_not_fail_the_run() {
    assert_eq!(
        waiver_case("waived.yaml", &[]),
        (0, vec!["resilience-test-overdue (waived)".to_string()])
    );
    assert_eq!(
        waiver_case("waived.yaml", &["--fail-on", "warning"]).0,
        0,
        "waived findings never count toward --fail-on"
    );
    assert_eq!(
        waiver_case("waived.yaml", &["--no-waivers"]),
        (1, vec!["resilience-test-overdue".to_string()])
    );
}

#[test]
fn an_expired_waiver_is_an_error_and_waives_nothing() {
    assert_eq!(
        waiver_case("expired.yaml", &[]),
        (1, vec!["waiver-expired".to_string()])
    );
    let (_, out, _) = check(&["tests/data/waivers/expired.yaml"]);
    assert!(out.contains("expired on 2025-05-31 (30 days"), "{out}");
    assert!(
        out.contains("expires: 2025-05-31"),
        "points at the expiry: {out}"
    );
    assert_eq!(waiver_case("expired.yaml", &["--no-waivers"]), (0, vec![]));
}

#[test]
fn a_waiver_that_matches_nothing_is_a_warning() {
    assert_eq!(
        waiver_case("stale.yaml", &[]),
        (0, vec!["waiver-unused".to_string()])
    );
    assert_eq!(waiver_case("stale.yaml", &["--fail-on", "warning"]).0, 1);
    assert_eq!(waiver_case("stale.yaml", &["--no-waivers"]), (0, vec![]));
}

#[test]
fn a_waiver_about_to_expire_is_a_warning_within_the_window() {
    let expected = vec![
        "resilience-test-overdue (waived)".to_string(),
        "waiver-expiring".to_string(),
    ];
    assert_eq!(waiver_case("expiring.yaml", &[]), (0, expected.clone()));
    assert_eq!(waiver_case("expiring.yaml", &["--fail-on", "warning"]).0, 1);
    assert_eq!(
        waiver_case("expiring.yaml", &["--waiver-warning-days", "9"]),
        (0, vec!["resilience-test-overdue (waived)".to_string()])
    );
    assert_eq!(
        waiver_case("expiring.yaml", &["--waiver-warning-days", "10"]),
        (0, expected)
    );
}

#[test]
fn a_waiver_needs_a_reason_an_approver_and_an_expiry() {
    let (code, found) = waiver_case("incomplete.yaml", &[]);
    assert_eq!(code, 1);
    assert_eq!(found, ["schema-missing-key"; 3]);
    let (_, out, _) = check(&["tests/data/waivers/incomplete.yaml", "--format", "json"]);
    let report: Value = serde_json::from_str(&out).unwrap();
    let mut paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "waivers[0].approved_by",
            "waivers[0].expires",
            "waivers[0].reason"
        ]
    );
}

// ----- config file -----

fn data(p: &str) -> PathBuf {
    std::path::absolute(Path::new("tests/data").join(p)).unwrap()
}

/// Run `check` in `cwd` with no --config (so the file is discovered); returns (code, stdout, stderr).
fn check_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = cli()
        .current_dir(cwd)
        .args(["check", "--as-of", AS_OF, "--color", "never"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_config_file_is_found_upward_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".roadmap-lint.yaml"),
        "enable: { rules: [one-login-strategy-overdue, resilience-test-overdue] }\nfail_on: warning\nwaiver_warning_days: 5\n",
    )
    .unwrap();
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(&sub).unwrap();
    let stale = data("waivers/stale.yaml").display().to_string();
    let expiring = data("waivers/expiring.yaml").display().to_string();
    // fail_on: warning from the config makes the unused waiver fail the run...
    assert_eq!(check_in(&sub, &[&stale]).0, 1);
    // ...and the flag wins over the config.
    assert_eq!(check_in(&sub, &[&stale, "--fail-on", "error"]).0, 0);
    // waiver_warning_days: 5 hides the 10-day warning; the flag brings it back.
    let (_, out, _) = check_in(&sub, &[&expiring]);
    assert!(!out.contains("waiver-expiring"), "{out}");
    let (_, out, _) = check_in(&sub, &[&expiring, "--waiver-warning-days", "30"]);
    assert!(out.contains("waiver-expiring"), "{out}");
    // --no-config ignores it.
    let (_, out, _) = check_in(
        &sub,
        &[
            &expiring,
            "--no-config",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
    );
    assert!(codes(&out).contains(&"waiver-expiring".to_string()));
}

#[test]
fn the_config_selects_rules_and_sets_severities() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.yaml");
    let dept = data("ci/dept.yaml").display().to_string();
    let run = |text: &str| {
        std::fs::write(&config, text).unwrap();
        let (code, out, err) = check_in(
            dir.path(),
            &[
                &dept,
                "--config",
                config.to_str().unwrap(),
                "--format",
                "json",
            ],
        );
        assert!(err.is_empty(), "{err}");
        (code, codes(&out))
    };
    let (_, found) =
        run("enable: { commitments: [9] }\ndisable: { rules: [hosting-not-cloud-aligned] }\n");
    assert_eq!(
        found,
        [
            "resilience-test-overdue (waived)",
            "waiver-expiring",
            "waiver-expired",
            "waiver-unused"
        ]
    );
    // Waiver codes take severities too: a stale waiver can be made an error.
    let (code, found) = run(
        "enable: { rules: [resilience-test-overdue] }\nseverity: { waiver-unused: error, waiver-expiring: info }\n",
    );
    assert_eq!(code, 1);
    assert!(found.contains(&"waiver-unused".to_string()));
    let (_, out, _) = check_in(
        dir.path(),
        &[
            &dept,
            "--config",
            config.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let r: Value = serde_json::from_str(&out).unwrap();
    let severity_of = |code: &str| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == code)
            .map(|f| f["severity"].as_str().unwrap().to_string())
    };
    assert_eq!(severity_of("waiver-unused").as_deref(), Some("error"));
    assert_eq!(severity_of("waiver-expiring").as_deref(), Some("info"));
    assert!(
        r["diagnostics"].as_array().unwrap().is_empty(),
        "waiver codes are known: {r}"
    );

    let (code, found) =
        run("enable: { missions: [2] }\nseverity: { one-login-strategy-overdue: warning }\n");
    assert_eq!(found[0], "one-login-strategy-overdue");
    // The expired waiver is still an error; with --no-waivers only the downgraded warning is left.
    assert_eq!(code, 1);
    std::fs::write(
        &config,
        "enable: { missions: [2] }\nseverity: { one-login-strategy-overdue: warning }\n",
    )
    .unwrap();
    let (code, _, _) = check_in(
        dir.path(),
        &[&dept, "--config", config.to_str().unwrap(), "--no-waivers"],
    );
    assert_eq!(code, 0);
}

#[test]
fn the_config_ignores_paths() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("archive/2024")).unwrap();
    std::fs::copy(
        data("waivers/expired.yaml"),
        dir.path().join("archive/2024/old.yaml"),
    )
    .unwrap();
    std::fs::copy(data("waivers/waived.yaml"), dir.path().join("live.yaml")).unwrap();
    std::fs::write(
        dir.path().join(".roadmap-lint.yaml"),
        "enable: { rules: [resilience-test-overdue] }\nignore: ['archive/**']\n",
    )
    .unwrap();
    let (code, out, _) = check_in(dir.path(), &["."]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("in 1 document from 1 file"), "{out}");
}

#[test]
fn config_mistakes_are_diagnostics_with_lines() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.yaml");
    let input = data("waivers/waived.yaml").display().to_string();
    let run = |text: &str| {
        std::fs::write(&config, text).unwrap();
        check_in(dir.path(), &["--config", config.to_str().unwrap(), &input])
    };
    let (code, out, err) = run("fail_on: warning\nseverty: { resilience-test-overdue: warning }\n");
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("schema-unknown-key"), "{err}");
    assert!(err.contains("bad.yaml:2:1"), "{err}");
    assert!(err.contains("did you mean `severity`?"), "{err}");

    let (code, _, err) = run("waiver_warning_days: soon\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("schema-type") && err.contains("bad.yaml:1:22"),
        "{err}"
    );

    let (code, _, err) = run("ignore: ['a/[b']\n");
    assert_eq!(code, 2);
    assert!(
        err.contains("config-bad-glob") && err.contains("bad.yaml:1:10"),
        "{err}"
    );

    // A typo would switch nothing on or off: an error, with the closest id.
    let (code, out, _) = run(
        "enable: { rules: [resilience-test-overdue] }\nseverity: { resilience-test-overdu: info }\n",
    );
    assert_eq!(code, 2, "an unknown rule id is an error: {out}");
    assert!(out.contains("config-unknown-rule"), "{out}");
    assert!(
        out.contains("did you mean `resilience-test-overdue`?"),
        "{out}"
    );

    let (code, _, err) = check_in(dir.path(), &["--config", "missing.yaml", &input]);
    assert_eq!(code, 2);
    assert!(err.contains("config-unreadable"), "{err}");
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = cli().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("waiver-warning-days"), "{shell}");
    }
}

#[test]
fn the_ready_made_integrations_use_real_flags() {
    let help = cli().args(["check", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let action: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string("action.yml").unwrap()).unwrap();
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    assert!(steps.iter().any(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
    }));
    let script: String = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(script.contains("cargo install"));
    for flag in ["--fail-on", "--format", "--output", "--as-of"] {
        assert!(script.contains(flag), "action uses {flag}");
        assert!(help.contains(flag), "check has {flag}");
    }
    assert!(script.contains("\"sarif=$SARIF\""));
    // Code scanning may be unavailable (forks, private repositories): the upload never fails
    // the job, and fork pull requests skip it.
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .unwrap();
    assert_eq!(upload["continue-on-error"].as_bool(), Some(true));
    assert!(script.contains("HEAD_FORK"));
    assert!(script.contains("::notice"));

    let hooks: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap()).unwrap();
    assert_eq!(hooks[0]["id"].as_str(), Some("roadmap-lint"));
    assert_eq!(hooks[0]["entry"].as_str(), Some("roadmap-lint check"));
    // Installed with pip from pyproject.toml, which must build the binary with maturin.
    assert_eq!(hooks[0]["language"].as_str(), Some("python"));
    let pyproject = std::fs::read_to_string("pyproject.toml").unwrap();
    assert!(pyproject.contains("build-backend = \"maturin\""));
    assert!(pyproject.contains("bindings = \"bin\""));
}

#[test]
fn portfolio_findings_are_waived_and_relate_across_files() {
    let run = |extra: &[&str]| {
        let out = cli()
            .args(["check", "--no-config", "--no-builtin", "--as-of", AS_OF])
            .args([
                "--rules",
                "tests/data/portfolio-pack",
                "tests/data/portfolio",
            ])
            .args(["--format", "sarif"])
            .args(extra)
            .output()
            .unwrap();
        let log: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code().unwrap(), log)
    };
    let (code, log) = run(&[]);
    assert_eq!(code, 0, "the only finding is waived: {log}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        1,
        "no waiver-unused for a portfolio rule's waiver"
    );
    assert_eq!(results[0]["suppressions"][0]["status"], "accepted");
    let related = &results[0]["relatedLocations"][0]["physicalLocation"];
    assert_eq!(
        related["artifactLocation"]["uri"],
        "tests/data/portfolio/a.yaml"
    );
    assert_eq!(related["region"]["startLine"], 4);

    let (code, log) = run(&["--no-waivers"]);
    assert_eq!(code, 1);
    assert!(log["runs"][0]["results"][0].get("suppressions").is_none());
}

/// A config in a parent folder that names a rule folder anywhere on the machine still loads it,
/// but never unseen: the report names the config file and the pack's folder. Above the
/// repository's root (the folder holding `.git`), no config is looked for.
#[test]
fn the_config_and_packs_in_use_are_named_and_discovery_stops_at_the_repository() {
    let outer = tempfile::tempdir().unwrap();
    let pack =
        std::fs::canonicalize(root().join("fixtures/hostile-rules/division-by-zero")).unwrap();
    std::fs::write(
        outer.path().join(".roadmap-lint.yaml"),
        format!("rule_folders: [{}]\n", pack.display()),
    )
    .unwrap();
    let work = outer.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let decl = root().join("fixtures/examples/dwp-compliant.yaml");
    let decl = decl.display().to_string();
    let (_, out, _) = check_in(&work, &[&decl]);
    assert!(out.contains("Using config"), "{out}");
    assert!(out.contains(&pack.display().to_string()), "{out}");
    let (_, json, _) = check_in(&work, &["--format", "json", &decl]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        report["provenance"]["config"]
            .as_str()
            .is_some_and(|c| c.ends_with(".roadmap-lint.yaml"))
    );
    // A repository inside: the config above it is not read.
    std::fs::create_dir_all(work.join(".git")).unwrap();
    let (_, out, _) = check_in(&work, &[&decl]);
    assert!(!out.contains("Using config"), "{out}");
}

/// A config that is not a regular file is an error, never skipped: a FIFO would block, a link
/// to `/dev/zero` would never end.
#[test]
fn a_config_that_is_not_a_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let decl = root().join("fixtures/examples/dwp-compliant.yaml");
    let decl = decl.display().to_string();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join(".roadmap-lint.yaml")).unwrap();
    let (code, _, err) = check_in(dir.path(), &[&decl]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("config-unreadable"), "{err}");
    std::fs::remove_file(dir.path().join(".roadmap-lint.yaml")).unwrap();
    std::fs::create_dir(dir.path().join(".roadmap-lint.yaml")).unwrap();
    let (code, _, err) = check_in(dir.path(), &[&decl]);
    assert_eq!(code, 2, "{err}");
}

/// `ignore` is for what a folder scan finds: a file named on the command line is checked.
#[test]
fn named_files_are_checked_whatever_the_config_ignores() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".roadmap-lint.yaml"), "ignore: ['**']\n").unwrap();
    std::fs::copy(
        root().join("fixtures/examples/hmrc-needs-work.yaml"),
        dir.path().join("hmrc.yaml"),
    )
    .unwrap();
    let (code, out, _) = check_in(dir.path(), &["hmrc.yaml"]);
    assert_eq!(code, 1, "{out}");
    // Only ignored files under a folder: nothing to check, exit 2.
    let (code, _, err) = check_in(dir.path(), &["."]);
    assert_eq!(code, 2);
    let (_, out, _) = check_in(dir.path(), &["--format", "json", "."]);
    assert!(
        out.contains("input-none") || err.contains("input-none"),
        "{out}{err}"
    );
}

use crate::harness::root;

/// The SARIF passes the SARIF multitool's validation, GitHub code scanning's rules included
/// (`--rule-kind Gh;Sarif`: a full description, a help link and a readable name for every rule,
/// built-in codes too), with no error, warning or note. The multitool comes from npm.
#[test]
#[ignore = "needs `npm ci --prefix tests/sarif` (the SARIF multitool); .ci/run runs it with --ignored"]
fn sarif_passes_the_multitool_with_the_github_rules() {
    let tool =
        root().join("tests/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    assert!(tool.exists(), "run `npm ci --prefix tests/sarif` first");
    // Every kind of finding: rules, syntax, schema and waiver codes, a waived finding.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("report.sarif");
    let out = cli()
        .args([
            "check",
            "--as-of",
            AS_OF,
            "--format",
            "sarif",
            "fixtures/examples",
            "tests/data/ci",
        ])
        .output()
        .unwrap();
    std::fs::write(&log, &out.stdout).unwrap();
    let checked = dir.path().join("validation.sarif");
    let status = std::process::Command::new(&tool)
        .args(["validate", "--rule-kind", "Gh;Sarif"])
        .arg(&log)
        .arg("-o")
        .arg(&checked)
        .status()
        .unwrap();
    assert!(status.success());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&checked).unwrap()).unwrap();
    let results = report["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        results.is_empty(),
        "the multitool's findings: {}",
        serde_json::to_string_pretty(&results).unwrap()
    );
}
