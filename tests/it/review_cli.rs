//! `roadmap-lint review`: snapshots of the assessment record of the three example proposals in
//! every format, the decision and exit-code contract, the record's criteria (passes with their
//! evidence), conditions (owner, due date, source) and provenance, the JSON against its
//! published schema, the assessors' `--record` and a resubmission's `--previous-review`.

use assert_cmd::Command;
use serde_json::Value;

const DECLARATIONS: &str = "fixtures/examples/";
const RECORD: &str = "fixtures/review/record-with-conditions.yaml";

/// A pack's content hash changes with every edit of a rule: snapshots show `sha256:[hash]`.
fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("sha256:") {
        let (head, tail) = rest.split_at(i + "sha256:".len());
        out.push_str(head);
        let hex = tail.chars().take_while(char::is_ascii_hexdigit).count();
        if hex == 64 {
            out.push_str("[hash]");
            rest = &tail[hex..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

fn review_with(args: &[&str]) -> (String, String, i32) {
    let mut cmd = Command::cargo_bin("roadmap-lint").unwrap();
    cmd.arg("review").args(args).args(["--color", "never"]);
    let out = cmd
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

fn review(proposal: &str, as_of: &str, format: &str, declarations: bool) -> (String, i32) {
    let mut args = vec![proposal, "--as-of", as_of, "--format", format];
    if declarations {
        args.extend(["--declarations", DECLARATIONS]);
    }
    let (stdout, _, code) = review_with(&args);
    (stdout, code)
}

fn json_of(args: &[&str]) -> (Value, i32) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (stdout, stderr, code) = review_with(&all);
    (
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}")),
        code,
    )
}

const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "clean",
        "fixtures/examples/proposal-clean.yaml",
        "2025-04-14",
    ),
    (
        "with_conditions",
        "fixtures/examples/proposal-with-conditions.yaml",
        "2025-04-14",
    ),
    (
        "not_ready",
        "fixtures/examples/proposal-not-ready.yaml",
        "2025-07-15",
    ),
];

#[test]
fn every_format_of_every_example() {
    for (name, path, as_of) in EXAMPLES {
        for format in ["human", "markdown", "html", "json"] {
            let (text, _) = review(path, as_of, format, true);
            insta::assert_snapshot!(format!("{format}_{name}"), scrub(&text));
        }
    }
}

#[test]
fn every_format_with_the_panels_record() {
    let (_, path, as_of) = EXAMPLES[1];
    for format in ["human", "markdown", "html", "json"] {
        let (text, _, code) = review_with(&[
            path,
            "--as-of",
            as_of,
            "--declarations",
            DECLARATIONS,
            "--record",
            RECORD,
            "--format",
            format,
        ]);
        assert_eq!(code, 0, "{text}");
        insta::assert_snapshot!(format!("record_{format}"), scrub(&text));
    }
}

#[test]
fn decisions_and_exit_codes() {
    let decide = |path: &str, as_of: &str, declarations: bool| {
        let (text, code) = review(path, as_of, "json", declarations);
        let json: Value = serde_json::from_str(&text).unwrap();
        (
            json["reviews"][0]["decision"]["recommendation"]
                .as_str()
                .unwrap()
                .to_string(),
            code,
        )
    };
    let [clean, conditions, not_ready] = EXAMPLES else {
        unreachable!()
    };
    assert_eq!(decide(clean.1, clean.2, true), ("approve".into(), 0));
    assert_eq!(
        decide(conditions.1, conditions.2, true),
        ("approve_with_conditions".into(), 0)
    );
    assert_eq!(
        decide(not_ready.1, not_ready.2, true),
        ("not_approved".into(), 1)
    );
    // Without its declaration, a clean proposal cannot be cross-checked: a condition.
    assert_eq!(
        decide(clean.1, clean.2, false),
        ("approve_with_conditions".into(), 0)
    );
}

/// A proposal whose only errors are facts it does not give needs more information, not a
/// refusal; the exit code says it is not approved yet.
#[test]
fn missing_facts_mean_more_information_needed() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(EXAMPLES[0].1).unwrap().replace(
        "  last_assessment: { phase: alpha, date: 2025-01-22, outcome: met }\n",
        "",
    );
    let path = dir.path().join("proposal.yaml");
    std::fs::write(&path, text).unwrap();
    let (json, code) = json_of(&[
        path.to_str().unwrap(),
        "--as-of",
        "2025-04-14",
        "--declarations",
        DECLARATIONS,
    ]);
    let r = &json["reviews"][0];
    assert_eq!(r["decision"]["recommendation"], "more_information_needed");
    assert_eq!(code, 1);
    let criterion = r["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "proposal-phase-without-passed-assessment")
        .unwrap();
    assert_eq!(criterion["status"], "not_answered");
    assert_eq!(criterion["evidence"][0]["path"], "proposal.last_assessment");
    assert_eq!(criterion["evidence"][0]["value"], Value::Null);
}

#[test]
fn tool_errors_exit_2() {
    let (_, code) = review(
        "fixtures/examples/no-such-proposal.yaml",
        "2025-04-14",
        "json",
        true,
    );
    assert_eq!(code, 2);
    // A declaration is not a proposal.
    let (text, code) = review(
        "fixtures/examples/dwp-compliant.yaml",
        "2025-04-14",
        "json",
        false,
    );
    assert_eq!(code, 2);
    assert!(text.contains("review-no-proposal"), "{text}");
}

#[test]
fn json_review_derives_rating_and_labels_both_files() {
    let (text, _) = review(EXAMPLES[2].1, EXAMPLES[2].2, "json", true);
    let json: Value = serde_json::from_str(&text).unwrap();
    let r = &json["reviews"][0];
    assert_eq!(r["rating"]["level"], "high");
    assert_eq!(r["approval"]["required"], true);
    assert_eq!(r["answers"]["required"], true);
    assert_eq!(r["answers"]["missing"], serde_json::json!(["one_login"]));
    assert_eq!(
        r["provenance"]["declaration"]["file"],
        "fixtures/examples/hmrc-needs-work.yaml"
    );
    let findings = r["findings"].as_array().unwrap();
    let contradiction = findings
        .iter()
        .find(|f| f["rule"] == "proposal-one-login-contradicts-declaration")
        .expect("the One Login contradiction is found");
    assert_eq!(
        contradiction["file"],
        "fixtures/examples/proposal-not-ready.yaml"
    );
    assert_eq!(contradiction["line"], 24);
    assert_eq!(contradiction["commitment"], 3);
    let related = &contradiction["related"][0];
    assert_eq!(related["file"], "fixtures/examples/hmrc-needs-work.yaml");
    assert_eq!(related["path"], "services[3].identity.one_login");
    assert_eq!(
        (related["line"].clone(), related["column"].clone()),
        (91.into(), 18.into())
    );
    assert!(
        contradiction["commitment_text"]
            .as_str()
            .unwrap()
            .starts_with("All departments will confirm an adoption strategy")
    );
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("schemas/review.schema.json").unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
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

/// The JSON report is what `schemas/review.schema.json` (and `roadmap-lint schema review`)
/// publishes, for every example, with a record and a previous review, and for a proposal that
/// cannot be read.
#[test]
fn json_reports_follow_the_published_schema() {
    let v = validator();
    let (printed, _, code) = review_with(&["--help"]);
    assert_eq!(code, 0, "{printed}");
    let schema = Command::cargo_bin("roadmap-lint")
        .unwrap()
        .args(["schema", "review"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(schema.stdout).unwrap(),
        std::fs::read_to_string("schemas/review.schema.json").unwrap()
    );
    for (_, path, as_of) in EXAMPLES {
        for declarations in [true, false] {
            let (text, _) = review(path, as_of, "json", declarations);
            assert_valid(&v, &serde_json::from_str(&text).unwrap());
        }
    }
    let (with_record, _) = json_of(&[
        EXAMPLES[1].1,
        "--declarations",
        DECLARATIONS,
        "--record",
        RECORD,
    ]);
    assert_valid(&v, &with_record);
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    std::fs::write(&old, with_record.to_string()).unwrap();
    let (compared, _) = json_of(&[
        EXAMPLES[1].1,
        "--declarations",
        DECLARATIONS,
        "--previous-review",
        old.to_str().unwrap(),
    ]);
    assert_valid(&v, &compared);
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "schema_version: 1\nkind: proposal\nproposal: [\n").unwrap();
    let (unreadable, _) = json_of(&[broken.to_str().unwrap()]);
    assert_valid(&v, &unreadable);
}

/// A clean proposal's record shows what was checked and found sound: every criterion met or
/// not applicable, each met one with its evidence, cross-checks with the declaration's paths and
/// values too.
#[test]
fn a_clean_record_lists_every_criterion_with_its_evidence() {
    let (json, _) = json_of(&[
        EXAMPLES[0].1,
        "--as-of",
        EXAMPLES[0].2,
        "--declarations",
        DECLARATIONS,
    ]);
    let criteria = json["reviews"][0]["criteria"].as_array().unwrap();
    assert!(criteria.len() > 20, "{criteria:?}");
    let met: Vec<&Value> = criteria.iter().filter(|c| c["status"] == "met").collect();
    assert!(met.len() >= 15, "{}", met.len());
    assert!(
        criteria
            .iter()
            .all(|c| c["status"] == "met" || c["status"] == "not_applicable"),
        "{criteria:#?}"
    );
    assert!(
        met.iter()
            .all(|c| !c["evidence"].as_array().unwrap().is_empty())
    );
    let one_login = criteria
        .iter()
        .find(|c| c["rule"] == "proposal-one-login-contradicts-declaration")
        .unwrap();
    let evidence = one_login["evidence"].as_array().unwrap();
    assert_eq!(
        evidence[0],
        serde_json::json!({"in": "proposal", "file": "fixtures/examples/proposal-clean.yaml", "path": "proposal.identity.uses_one_login", "line": 35, "value": "true"})
    );
    assert_eq!(evidence[1]["in"], "declaration");
    assert_eq!(evidence[1]["file"], "fixtures/examples/dwp-compliant.yaml");
    assert!(
        evidence[1]["path"]
            .as_str()
            .unwrap()
            .ends_with(".identity.one_login")
    );
    assert!(
        json["reviews"][0]["conditions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// Each condition says what, who owns it (from its rule's `owner`, with the name the proposal
/// gives), when it falls due (its rule's `due`, counted from the decision, as the pack's
/// parameter says) and where it comes from.
#[test]
fn conditions_have_owner_due_date_and_source() {
    let args = [
        EXAMPLES[1].1,
        "--as-of",
        "2025-04-14",
        "--declarations",
        DECLARATIONS,
    ];
    let (json, _) = json_of(&args);
    let conditions = json["reviews"][0]["conditions"].as_array().unwrap();
    assert_eq!(conditions.len(), 2);
    let c1 = &conditions[0];
    assert_eq!(c1["id"], "C1");
    assert_eq!(c1["owner"]["role"], "commercial_lead");
    assert_eq!(c1["due"]["term"], "before_contract_award");
    assert_eq!(c1["due"]["days"], 30);
    assert_eq!(c1["due"]["date"], "2025-05-14");
    assert_eq!(
        c1["source"]["rule"],
        "proposal-contract-extends-automatically"
    );
    assert_eq!(
        c1["source"]["path"],
        "proposal.contract.automatic_extension"
    );
    assert!(
        c1["text"]
            .as_str()
            .unwrap()
            .starts_with("Make any extension a decision")
    );
    let c2 = &conditions[1];
    assert_eq!(c2["owner"]["role"], "service_owner");
    assert_eq!(c2["owner"]["name"], "Head of State Pension Digital");
    assert_eq!(c2["due"]["date"], "2025-10-13");

    // The days are a pack parameter: --param moves the date, and the provenance says who set it.
    let mut with_param = args.to_vec();
    with_param.extend(["--param", "condition_days_before_contract_award=10"]);
    let (json, _) = json_of(&with_param);
    let r = &json["reviews"][0];
    assert_eq!(r["conditions"][0]["due"]["date"], "2025-04-24");
    let param = r["provenance"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "condition_days_before_contract_award")
        .unwrap();
    assert_eq!(
        (
            param["value"].clone(),
            param["default"].clone(),
            param["set_by"].clone()
        ),
        ("10".into(), "30".into(), "--param".into())
    );
}

/// The provenance names the tool, the packs, the config, the parameters, the evaluation date
/// and the declaration compared with (file and `as_of`).
#[test]
fn provenance_says_what_produced_the_review() {
    let (json, _) = json_of(&[
        EXAMPLES[2].1,
        "--as-of",
        EXAMPLES[2].2,
        "--declarations",
        DECLARATIONS,
    ]);
    let p = &json["reviews"][0]["provenance"];
    assert_eq!(p["tool"]["name"], "roadmap-lint");
    assert_eq!(p["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(p["packs"][0]["name"], "roadmap-2022-25");
    assert!(p.get("config").is_some());
    assert_eq!(p["evaluated_as_of"], "2025-07-15");
    assert_eq!(p["declaration"]["as_of"], "2025-06-30");
    let names: Vec<&str> = p["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    for wanted in [
        "public_facing_approval_gbp",
        "risk_high_whole_life_gbp",
        "max_contract_term_months",
        "idp_max_term_months",
    ] {
        assert!(names.contains(&wanted), "{names:?}");
    }
}

/// The panel's record is shown beside the tool's recommendation: the conditions it removed,
/// re-dated (both dates) and added, with its reasons; its date is the decision's, from which
/// the tool's conditions fall due.
#[test]
fn the_record_is_shown_beside_the_recommendation() {
    let (json, code) = json_of(&[
        EXAMPLES[1].1,
        "--as-of",
        "2025-04-14",
        "--declarations",
        DECLARATIONS,
        "--record",
        RECORD,
    ]);
    assert_eq!(code, 0);
    let r = &json["reviews"][0];
    assert_eq!(r["decision"]["recommendation"], "approve_with_conditions");
    let s = &r["record"];
    assert_eq!(s["decision"], "approve_with_conditions");
    assert_eq!(s["differs"], false);
    assert_eq!(s["approved"]["amount_gbp"], 12_300_000);
    // Due dates count from the panel's date, 2025-04-28.
    assert_eq!(r["conditions"][0]["due"]["date"], "2025-05-28");
    let fates: Vec<(&str, &str)> = s["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["fate"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fates,
        [("C1", "redated"), ("C2", "removed"), ("P1", "added")]
    );
    assert_eq!(s["conditions"][0]["due"], "2025-06-30");
    assert_eq!(s["conditions"][0]["tool_due"], "2025-05-28");
}

/// Where the panel decides otherwise without a reason, the record says so (a warning), and
/// the review shows both decisions.
#[test]
fn a_decision_that_differs_shows_both_and_wants_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.yaml");
    let text = std::fs::read_to_string(RECORD)
        .unwrap()
        .replace("decision: approve_with_conditions", "decision: approve");
    std::fs::write(&record, text).unwrap();
    let (stdout, _, code) = review_with(&[
        EXAMPLES[1].1,
        "--declarations",
        DECLARATIONS,
        "--record",
        record.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "a warning does not fail the review");
    assert!(stdout.contains("record-unexplained"), "{stdout}");
    assert!(
        stdout.contains("Panel's decision:           Approve, on 2025-04-28"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "Tool's recommendation:      Approve with conditions (the panel decided otherwise)"
        ),
        "{stdout}"
    );
}

/// Every mistake in the record is a diagnostic at its line, with a code and help: a schema
/// problem, a condition the review does not have, a record of another proposal.
#[test]
fn record_mistakes_are_spanned_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(RECORD).unwrap();
    let cases = [
        (
            base.replace("decision: approve_with_conditions", "decision: approved"),
            "schema-enum",
            14,
        ),
        (
            base.replace(
                "rule: proposal-contract-extends-automatically",
                "rule: proposal-contract-extends-automaticaly",
            ),
            "record-invalid",
            25,
        ),
        (
            base.replace("proposal: SC-2025-0188", "proposal: SC-2025-0999"),
            "record-invalid",
            8,
        ),
    ];
    for (text, code, line) in cases {
        let record = dir.path().join("record.yaml");
        std::fs::write(&record, &text).unwrap();
        let (json, exit) = json_of(&[
            EXAMPLES[1].1,
            "--declarations",
            DECLARATIONS,
            "--record",
            record.to_str().unwrap(),
        ]);
        assert_eq!(exit, 2, "{json}");
        let d = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("{code}: {json}"));
        assert_eq!(d["line"], line, "{d}");
        assert!(d["help"].as_str().is_some_and(|h| !h.is_empty()), "{d}");
        // The review is still shown.
        assert_eq!(json["reviews"][0]["proposal"]["id"], "SC-2025-0188");
    }
}

/// A resubmission compared with its previous review: conditions met, still open and new;
/// findings fixed and new, matched by rule and path whatever lines moved.
#[test]
fn a_resubmission_is_compared_with_its_previous_review() {
    let dir = tempfile::tempdir().unwrap();
    let (first, _) = json_of(&[
        EXAMPLES[2].1,
        "--as-of",
        EXAMPLES[2].2,
        "--declarations",
        DECLARATIONS,
    ]);
    let old = dir.path().join("first.json");
    std::fs::write(&old, first.to_string()).unwrap();
    let resubmitted = std::fs::read_to_string(EXAMPLES[2].1)
        .unwrap()
        .replace("# Fictional example", "# Resubmitted.\n# Fictional example")
        .replace(
            "    idp_contract_term_months: 24              # PROBLEM: more than 12 months",
            "    idp_contract_term_months: 12",
        )
        .replace(
            "  hosting:\n    model: on_premises",
            "  hosting:\n    model: saas",
        );
    let path = dir.path().join("resubmitted.yaml");
    std::fs::write(&path, resubmitted).unwrap();
    let (json, _) = json_of(&[
        path.to_str().unwrap(),
        "--as-of",
        EXAMPLES[2].2,
        "--declarations",
        DECLARATIONS,
        "--previous-review",
        old.to_str().unwrap(),
    ]);
    let p = &json["reviews"][0]["previous"];
    assert_eq!(p["recommendation"], "not_approved");
    let change = |rule: &str| {
        p["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["rule"] == rule)
            .map(|c| c["change"].as_str().unwrap().to_string())
    };
    assert_eq!(
        change("proposal-idp-contract-too-long").as_deref(),
        Some("met")
    );
    assert_eq!(
        change("proposal-hosting-without-value-for-money-case").as_deref(),
        Some("met")
    );
    assert_eq!(
        change("proposal-saas-without-exit-plan").as_deref(),
        Some("new")
    );
    assert_eq!(
        change("proposal-sustainability-not-considered").as_deref(),
        Some("still_open")
    );
    let rules = |key: &str| -> Vec<String> {
        p[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(rules("findings_fixed").contains(&"proposal-idp-contract-too-long".to_string()));
    assert!(rules("findings_new").contains(&"proposal-saas-without-exit-plan".to_string()));
    assert!(p["findings_still_open"].as_u64().unwrap() > 5);

    // A previous review of another proposal, or not a review at all, is a diagnostic.
    let (json, code) = json_of(&[
        EXAMPLES[1].1,
        "--declarations",
        DECLARATIONS,
        "--previous-review",
        old.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        json["diagnostics"]
            .to_string()
            .contains("previous-review-invalid")
    );
    let (json, code) = json_of(&[
        EXAMPLES[1].1,
        "--previous-review",
        "fixtures/examples/dwp-compliant.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(
        json["diagnostics"].to_string().contains("is not JSON"),
        "{json}"
    );
}

#[test]
fn human_review_shows_both_snippets_of_a_cross_check() {
    let (text, _) = review(EXAMPLES[2].1, EXAMPLES[2].2, "human", true);
    assert!(
        text.contains("╭─[fixtures/examples/proposal-not-ready.yaml:24:21]"),
        "{text}"
    );
    assert!(
        text.contains("╭─[fixtures/examples/hmrc-needs-work.yaml:91:18]"),
        "{text}"
    );
}

#[test]
fn html_review_is_self_contained_printable_and_escaped() {
    let (text, code) = review(EXAMPLES[2].1, EXAMPLES[2].2, "html", true);
    assert_eq!(code, 1);
    assert!(text.starts_with("<!DOCTYPE html>"));
    assert!(text.contains("@media print"));
    // A4, with a running header naming the proposal and page x of y.
    assert!(text.contains("@page { size: A4;"), "{text}");
    assert!(text.contains("@top-left { content: \"Spend-control assessment SC-2025-0311"));
    assert!(text.contains("counter(page) \" of \" counter(pages)"));
    assert!(!text.contains("<script"), "no scripts");
    assert!(
        !text.contains("src=") && !text.contains("<link"),
        "no external resources"
    );
    // The title holds `&` and `<case>`: escaped, never raw markup.
    assert!(text.contains("Excise &amp; stamp duty &lt;case&gt; management replacement"));
    assert!(!text.contains("<case>"));
    assert!(text.contains("Recommendation: Not approved"));
    // Inline code in help text is code, not raw backticks.
    assert!(
        text.contains("set <code>automatic_extension: false</code>"),
        "{text}"
    );
    assert!(!text.contains("`automatic_extension"));
}

#[test]
fn an_unreadable_proposal_needs_more_information() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, "schema_version: 1\nkind: proposal\nproposal: [\n").unwrap();
    let (text, code) = review(path.to_str().unwrap(), "2025-04-14", "json", true);
    assert_eq!(code, 1, "{text}");
    let json: Value = serde_json::from_str(&text).unwrap();
    let r = &json["reviews"][0];
    assert_eq!(r["decision"]["recommendation"], "more_information_needed");
    assert_eq!(r["findings"][0]["rule"], "yaml-syntax");
    assert!(
        r["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "not_assessed")
    );
}

/// Every built-in proposal rule gives what a review shows of it: its criterion said as met,
/// the question for the department, and the owner and due term of its condition, each one the
/// pack's `review:` section defines.
#[test]
fn every_built_in_proposal_rule_names_its_criterion_question_owner_and_due() {
    let options = roadmap_lint::Options::builtin();
    let prepared = roadmap_lint::internal::run::prepare(&options);
    assert!(
        prepared.diagnostics.is_empty(),
        "{:?}",
        prepared.diagnostics
    );
    let mut seen = 0;
    for (pack, rule) in prepared.rules.rules() {
        if !rule.applies_to("proposal") {
            continue;
        }
        seen += 1;
        let policy = &pack.manifest.review;
        assert!(
            rule.criterion.as_deref().is_some_and(|c| !c.is_empty()),
            "{}",
            rule.id
        );
        assert!(
            rule.question.as_deref().is_some_and(|q| q.contains('?')),
            "{}",
            rule.id
        );
        assert!(
            rule.owner
                .as_deref()
                .and_then(|o| policy.owner(o))
                .is_some(),
            "{}",
            rule.id
        );
        assert!(
            rule.due
                .as_deref()
                .and_then(|d| policy.due_term(d))
                .is_some(),
            "{}",
            rule.id
        );
    }
    assert!(seen >= 21, "{seen} proposal rules");
}

/// The pack's One Login exemption reaches every commitment 3 criterion of a health body's
/// proposal (the register says NHSBSA is one), the identity-provider contract limit included,
/// and none of DHSC's: the human review says so with the reason, and the JSON agrees.
#[test]
fn a_health_bodys_proposal_is_exempt_from_every_one_login_criterion() {
    const EXEMPT: &str = "rules/roadmap-2022-25/fixtures/proposal-idp-contract-too-long/pass-health-body-exempt.yaml";
    const DHSC: &str =
        "rules/roadmap-2022-25/fixtures/proposal-idp-contract-too-long/fail-dhsc-not-exempt.yaml";
    const REASON: &str = "health bodies other than DHSC are exempt from One Login";
    let (human, _, code) = review_with(&[EXEMPT]);
    assert_ne!(code, 2, "{human}");
    let at = human
        .find("proposal-idp-contract-too-long (commitment 3)")
        .unwrap_or_else(|| panic!("no contract criterion: {human}"));
    let before = &human[..at];
    let line = before.trim_end().lines().last().unwrap_or_default();
    assert!(line.contains("[not applicable]"), "{line}");
    let after: Vec<&str> = human[at..].lines().take(2).collect();
    assert_eq!(after[1].trim(), REASON, "{human}");

    let commitment_3 = |v: &Value| -> Vec<(String, String, String)> {
        v["reviews"][0]["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["commitment"] == 3)
            .map(|c| {
                let text = |k: &str| c[k].as_str().unwrap_or_default().to_string();
                (text("rule"), text("status"), text("answer"))
            })
            .collect()
    };
    let (exempt, _) = json_of(&[EXEMPT]);
    let criteria = commitment_3(&exempt);
    assert!(criteria.len() >= 4, "{criteria:?}");
    for (rule, status, answer) in &criteria {
        assert_eq!(
            (status.as_str(), answer.as_str()),
            ("not_applicable", REASON),
            "{rule}"
        );
    }
    let (dhsc, code) = json_of(&[DHSC]);
    assert_ne!(code, 2);
    let contract = commitment_3(&dhsc)
        .into_iter()
        .find(|(rule, ..)| rule == "proposal-idp-contract-too-long")
        .unwrap();
    assert_ne!(contract.1, "not_applicable", "{contract:?}");
    assert!(!contract.2.contains(REASON), "{contract:?}");
}

/// A proposal dense with findings (from a pack whose rules report thousands) gets a human
/// review bounded as `check`'s human report is, through the same caps: at most 100 findings of
/// a file, within 64 KiB plus four times its size, and as many conditions and questions, each
/// list with a line counting the rest. JSON keeps them all.
#[test]
fn a_proposal_dense_with_findings_gets_a_bounded_human_review() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("dense");
    std::fs::create_dir(&pack).unwrap();
    std::fs::write(
        pack.join("pack.yaml"),
        "name: dense\nversion: 1.0.0\ndescription: Rules that report many findings\n",
    )
    .unwrap();
    for n in 1..=3 {
        std::fs::write(
            pack.join(format!("dense-{n}.rhai")),
            format!(
                "let rule = #{{ id: \"dense-{n}\", title: \"Dense {n}\", commitment: (), severity: \"error\", kinds: [\"proposal\"] }};\n\
                 fn check(doc, ctx) {{ for i in 0..1000 {{ report(\"proposal.id\", \"finding \" + i + \" of dense-{n}\"); }} }}\n"
            ),
        )
        .unwrap();
    }
    let proposal = "fixtures/examples/proposal-clean.yaml";
    let pack = pack.to_str().unwrap();
    let args = [proposal, "--as-of", "2025-04-14", "--rules", pack];
    let (out, stderr, code) = review_with(&[&args[..], &["--declarations", DECLARATIONS]].concat());
    assert_eq!(code, 1, "{stderr}");
    let size = std::fs::metadata(proposal).unwrap().len() as usize;
    // The findings' budget, with room for the rest of the review (criteria, conditions and
    // questions, 100 each).
    assert!(
        out.len() < 64 * 1024 + 4 * size + 96 * 1024,
        "{} bytes of review",
        out.len()
    );
    assert_eq!(
        out.matches("× finding ").count(),
        100,
        "{}",
        crate::harness::truncate(&out)
    );
    for note in [
        "2900 more findings in fixtures/examples/proposal-clean.yaml not shown: the human report shows at most 100 findings of a file, and 64 KiB plus four times its size of them; use --format json for all",
        "2900 more conditions not shown: the human review lists at most 100; use --format json for all",
        "2900 more questions not shown: the human review lists at most 100",
    ] {
        assert!(out.contains(note), "{note}");
    }
    let (json, _) = json_of(&[&args[..], &["--declarations", DECLARATIONS]].concat());
    let findings = json["reviews"][0]["findings"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(findings, 3000);
}
