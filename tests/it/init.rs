//! `roadmap-lint init`: a declaration to fill in, whose first check is a to-do list.

use crate::harness::cli;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_department_template_lists_its_top75_services_and_fails_loudly() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "DFE"])
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
    let path = dir.path().join("dfe.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("# yaml-language-server: $schema="),
        "{text}"
    );
    assert!(text.contains("id: DFE") && text.contains("name: \"Department for Education\""));
    assert!(
        text.contains("id: get-into-teaching"),
        "the department's top-75 services"
    );
    assert!(
        text.contains("Target `training_pct` = 90"),
        "targets are shown where they apply"
    );
    // The first check is a to-do list: placeholders only, each at its line, and exit 1.
    let out = cli()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "dfe.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["schema-placeholder", "schema-too-many-problems"]
            .into_iter()
            .collect(),
        "{codes:?}"
    );
    // `null` is offered only where the format allows it.
    let help_at = |path: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .map(|f| f["help"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no placeholder at {path}"))
    };
    assert!(help_at("organisation.type").contains("write `null` if the fact is not known"));
    let supplier = help_at("services[0].identity.idp_contracts[0].supplier");
    assert!(supplier.contains("cannot be `null`"), "{supplier}");
    assert!(!supplier.contains("write `null`"), "{supplier}");
    // Never overwritten without --force.
    std::fs::write(&path, "mine").unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "DFE"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "DFE", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_proposal_template_and_a_config_template() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args([
            "init",
            "--organisation",
            "HMRC",
            "--kind",
            "proposal",
            "-o",
            "p.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = std::fs::read_to_string(dir.path().join("p.yaml")).unwrap();
    assert!(
        text.contains("kind: proposal") && text.contains("organisation: HMRC"),
        "{text}"
    );
    // Every field of the richer format is there to fill in, with the rules that judge it.
    for field in [
        "  last_assessment:\n",
        "  business_case_stage: ",
        "  senior_responsible_owner: ",
        "    breakdown:\n",
        "    extension_options_months: ",
        "    exit_plan: ",
        "  options_considered:\n",
        "  technology_code_of_practice:\n",
        "    user_needs:\n",
    ] {
        assert!(text.contains(field), "{field:?} missing from:\n{text}");
    }
    assert!(text.contains("max_contract_term_months"), "{text}");
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.path().join(".roadmap-lint.yaml").is_file());
    // The config it writes is valid: a check in that folder reads it without complaint.
    std::fs::copy(
        crate::harness::root().join("fixtures/examples/dwp-compliant.yaml"),
        dir.path().join("dwp.yaml"),
    )
    .unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["check", "dwp.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("Using config"), "{}", stdout(&out));
}

#[test]
fn init_helps_with_the_organisation_code_and_writes_a_proposal_without_one() {
    let dir = tempfile::tempdir().unwrap();
    // Lower case finds the department on the top-75 list; a typo gets a suggestion.
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "dfe", "-o", "a.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
    assert!(text.contains("id: DFE") && text.contains("id: get-into-teaching"));
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "DFEE", "-o", "b.yaml"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `DFE`?"));
    // A proposal needs no organisation up front; a declaration does, and says so.
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--kind", "proposal", "-o", "p.yaml"])
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
    let out = cli()
        .current_dir(dir.path())
        .args(["init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--organisation"));
    // The allowed values are written where they are needed, not "above".
    assert!(!text.contains("one of the values above"));
    assert!(text.contains("\"TODO: one of discovery, alpha, beta, live, retired\""));
}

/// A first-time user filled in `init`'s template with only its comments and docs/format.md:
/// the result must stay a clean check (a rule or schema change that breaks it breaks the path a
/// newcomer follows).
#[test]
fn a_declaration_filled_in_from_the_template_checks_clean() {
    let out = cli()
        .args(["check", "--no-config", "fixtures/init/dfe-filled.yaml"])
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
}

/// The code names the file written, so only a plain code is taken: nothing that climbs out of
/// the folder, names a hidden file or carries control characters. `-o -` prints the template.
#[test]
fn init_takes_only_a_plain_organisation_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("x")).unwrap();
    for bad in [
        "X/../../evil",
        "../escape",
        "",
        ".",
        "AB\u{1b}]0;x\u{7}C",
        "a b",
        "-",
        "-rf",
        "_x",
    ] {
        let out = cli()
            .current_dir(dir.path().join("x"))
            .args(["init", &format!("--organisation={bad}")])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not an organisation code"), "{err}");
        assert!(
            !err.contains('\u{1b}') || err.contains("\u{1b}["),
            "raw escape: {err:?}"
        );
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only x/ remains: {left:?}");
    assert_eq!(std::fs::read_dir(dir.path().join("x")).unwrap().count(), 0);
    // To standard output, and not over a folder.
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "DFE", "-o", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("kind: department"));
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--organisation", "DFE", "-o", "x", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a folder"));
    assert!(dir.path().join("x").is_dir());
}

/// The template and the messages about it speak a department analyst's words: the 'great'
/// thresholds beside the fields they judge (here and in docs/format.md), two years of
/// emissions, a period in words, a list placeholder that says what it may hold and that `[]`
/// is allowed, an allowed value offered in the right case, and every organisation code.
#[test]
fn the_template_and_its_messages_say_what_to_write() {
    let out = cli()
        .args(["init", "--organisation", "DFE", "-o", "-"])
        .output()
        .unwrap();
    let text = stdout(&out);
    for (field, param) in [
        ("user_satisfaction_pct", "great_satisfaction_pct` = 78"),
        ("digital_adoption_pct", "great_adoption_pct` = 79"),
        ("digital_completion_pct", "great_completion_pct` = 80"),
    ] {
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with(&format!("{field}:")))
            .unwrap();
        let above: Vec<&str> = text.lines().take(line).collect();
        let notes = above[above.len().saturating_sub(4)..].join("\n");
        assert!(notes.contains(param), "{field}: {notes}");
    }
    let format_md = std::fs::read_to_string(crate::harness::root().join("docs/format.md")).unwrap();
    let row = format_md
        .lines()
        .find(|l| l.contains("`user_satisfaction_pct`"))
        .unwrap();
    assert!(row.contains("great_satisfaction_pct"), "{row}");
    let emissions = &text[text.find("emissions_tco2e:").unwrap()..];
    let emissions = &emissions[..emissions.find("\n\n").unwrap()];
    assert_eq!(emissions.matches("- year:").count(), 2, "{emissions}");
    assert!(
        text.contains("period: \"TODO: a year and a quarter, written YYYY-Qn, such as 2025-Q1")
    );
    let flat = text.replace("\n      # ", " ");
    assert!(
        flat.contains(
            "List any of: api, gdx, ids, other_platform; write `[]` when there are none."
        ),
        "the list's comment"
    );

    // The first check of a half-filled copy: what each message says.
    let dir = tempfile::tempdir().unwrap();
    let filled = text
        .replacen("period: \"TODO: a year and a quarter, written YYYY-Qn, such as 2025-Q1 (January to March 2025)\"", "period: 2024-3", 1)
        .replacen("phase: \"TODO: one of discovery, alpha, beta, live, retired\"", "phase: Live", 1);
    std::fs::write(dir.path().join("dfe.yaml"), filled).unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "dfe.yaml"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let at = |path: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("nothing at {path}"))
            .clone()
    };
    let period = at("services[0].performance.period");
    assert_eq!(
        period["message"],
        "`period` must be a year and a quarter, written YYYY-Qn, such as 2025-Q1 (January to March 2025), not \"2024-3\""
    );
    let phase = at("services[0].phase");
    assert!(
        phase["help"]
            .as_str()
            .unwrap()
            .starts_with("did you mean `live`?"),
        "{phase}"
    );
    // A list placeholder says what the list may hold, and that `[]` is allowed.
    std::fs::write(
        dir.path().join("data.yaml"),
        "schema_version: 1\nkind: department\nas_of: 2025-01-01\norganisation: {id: DFE, name: D, type: ministerial}\ndata:\n  assets:\n    - id: a\n      access: [TODO]\n",
    )
    .unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args(["check", "--format", "concise", "data.yaml"])
        .output()
        .unwrap();
    let said = stdout(&out);
    assert!(
        said.contains("`access` is still a placeholder: give the fact (list any of: api, gdx, ids, other_platform, such as `[a, b]`; write `[]` when there are none)"),
        "{said}"
    );

    // An unknown organisation: the likeliest code, then all of them.
    let out = cli()
        .args(["init", "--organisation", "DEF", "-o", "-"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("is not in the organisations register"),
        "{said}"
    );
    assert!(said.contains("did you mean `DEFRA`? The "), "{said}");
    assert!(
        said.contains(" codes of the organisations register and the top-75 list are: AGO, "),
        "{said}"
    );
    assert!(
        said.contains(", DWP, ") && said.contains(", ONS, "),
        "{said}"
    );
    assert!(!said.contains("more"), "{said}");

    // A registered organisation without top-75 services: its code in the register's case, and
    // its name from the register.
    let out = cli()
        .args(["init", "--organisation", "ons", "-o", "-"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("ONS (Office for National Statistics) is in the organisations register but runs no top-75 service"),
        "{said}"
    );
    let template = stdout(&out);
    assert!(template.contains("id: ONS"), "{template}");
    assert!(
        template.contains("name: \"Office for National Statistics\""),
        "{template}"
    );

    // The config template shows targets and the evaluation date.
    let out = cli()
        .args(["init", "--config", "-o", "-"])
        .output()
        .unwrap();
    let config = stdout(&out);
    assert!(
        config.contains("# targets: targets.yaml") && config.contains("# as_of: 2025-03-31"),
        "{config}"
    );
}
