//! Generated files must match what the code generates: `docs/rule-api.md` (from the helpers),
//! `docs/rules.md` (from the rules' documentation) and the README rule table. Run with
//! `UPDATE_GENERATED=1` to rewrite them.

use std::collections::BTreeSet;
use std::path::Path;

use roadmap_lint::internal::engine::api::HELPERS;
use roadmap_lint::internal::gendocs;

#[test]
fn rule_api_reference_is_current() {
    gendocs::check_or_update(Path::new("docs/rule-api.md"), &gendocs::rule_api()).unwrap();
}

#[test]
fn rule_reference_is_current() {
    let rules = gendocs::builtin_rules();
    let text = gendocs::rules_reference(&rules);
    for (_, rule) in rules.rules() {
        assert!(
            text.contains(&format!("\n## {}\n", rule.id)),
            "{} has a section",
            rule.id
        );
    }
    gendocs::check_or_update(Path::new("docs/rules.md"), &text).unwrap();
}

#[test]
fn readme_rule_table_is_current() {
    let rules = gendocs::builtin_rules();
    let readme = std::fs::read_to_string("README.md").unwrap();
    let spliced = gendocs::splice_readme(&readme, &gendocs::readme_table(&rules)).unwrap();
    for (_, rule) in rules.rules() {
        assert!(spliced.contains(&format!("docs/rules.md#{}", rule.id)));
    }
    gendocs::check_or_update(Path::new("README.md"), &spliced).unwrap();
}

#[test]
fn splicing_replaces_only_the_table() {
    let readme = "intro\n<!-- rules:start -->\nold\n<!-- rules:end -->\nrest\n";
    assert_eq!(
        gendocs::splice_readme(readme, "new\n").unwrap(),
        "intro\n<!-- rules:start -->\nnew\n<!-- rules:end -->\nrest\n"
    );
    assert!(gendocs::splice_readme("no markers", "x").is_err());
}

/// Whether a signature's first parameter is a document mapping.
fn on_shared_map(signature: &str) -> bool {
    let first = signature
        .split_once('(')
        .and_then(|(_, rest)| rest.split([',', ')']).next())
        .and_then(|p| p.split_once(':'))
        .map(|(_, ty)| ty.trim().trim_start_matches("&mut ").trim());
    matches!(first, Some(ty) if ty == "map" || ty.ends_with("Mapping"))
}

/// (name, number of parameters) of a signature such as `report(path: String, message: String)`.
fn name_and_arity(signature: &str) -> Option<(String, usize)> {
    let (name, rest) = signature.split_once('(')?;
    let params = rest.split(')').next()?.trim();
    let arity = if params.is_empty() {
        0
    } else {
        params.split(',').count()
    };
    Some((name.trim().to_string(), arity))
}

#[test]
fn every_registered_helper_is_documented_and_every_documented_helper_exists() {
    let engine =
        roadmap_lint::internal::engine::engine(&roadmap_lint::internal::engine::Sandbox::default());
    let registered: BTreeSet<(String, usize)> = engine
        .gen_fn_signatures(false)
        .iter()
        // Documents' mappings are a shared map type with Rhai's own map functions registered
        // for it (engine::value): those are Rhai's map API, not helpers of ours.
        .filter(|s| !on_shared_map(s))
        .filter_map(|s| name_and_arity(s))
        // Operators (`+`, `==`, ...) are documented together as "Date comparison".
        .filter(|(name, _)| name.chars().next().is_some_and(|c| c.is_alphabetic()))
        .map(|(name, arity)| match name.strip_prefix("get$") {
            Some(property) => (format!("Date.{property}"), 0),
            None => (name, arity),
        })
        .collect();
    let mut documented = BTreeSet::new();
    for h in HELPERS {
        if let Some(props) = h.signature.strip_prefix("Date.") {
            for p in props.split(", Date.") {
                documented.insert((format!("Date.{}", p.trim()), 0));
            }
        } else if !h.signature.starts_with("Date comparison") {
            documented.insert(name_and_arity(h.signature).expect("a helper signature"));
        }
    }
    let undocumented: Vec<_> = registered.difference(&documented).collect();
    let missing: Vec<_> = documented.difference(&registered).collect();
    assert!(
        undocumented.is_empty(),
        "registered but not in HELPERS: {undocumented:?}"
    );
    assert!(
        missing.is_empty(),
        "in HELPERS but not registered: {missing:?}"
    );
    assert!(registered.len() > 20);
}

#[test]
fn format_reference_is_current() {
    let rules = gendocs::builtin_rules();
    let text = gendocs::format_reference(&rules);
    // Every field of the spec's example is there, with the rules that read it.
    for needle in [
        "`strategy_confirmed`",
        "`digital_adoption_pct`",
        "[one-login-strategy-overdue](rules.md#one-login-strategy-overdue) (C3)",
        "`training_pct` (default 90)",
        "## `kind: proposal`",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    gendocs::check_or_update(Path::new("docs/format.md"), &text).unwrap();
}

#[test]
fn diagnostics_reference_is_current() {
    let text = gendocs::diagnostics_reference();
    for code in roadmap_lint::Code::ALL {
        assert!(
            text.contains(&format!("\n### {}\n", code.id())),
            "{}",
            code.id()
        );
    }
    gendocs::check_or_update(Path::new("docs/diagnostics.md"), &text).unwrap();
}

/// README.md renders as written: every code fence it opens is closed (an unclosed one swallowed
/// the Performance section), and it opens with the two set-up commands.
#[test]
fn readme_fences_are_closed_and_it_opens_with_the_two_commands() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let fences = readme
        .lines()
        .filter(|l| l.trim_start().starts_with("```"))
        .count();
    assert_eq!(fences % 2, 0, "an unclosed code fence in README.md");
    let head: String = readme.lines().take(15).collect::<Vec<_>>().join("\n");
    assert!(
        head.contains("cargo run --release -- check fixtures/examples/"),
        "{head}"
    );
    assert!(head.contains("cargo test"), "{head}");
}

#[test]
fn pack_reference_is_current() {
    gendocs::check_or_update(
        Path::new("docs/pack.md"),
        &gendocs::pack_reference::pack_reference(),
    )
    .unwrap();
}

/// The schema `docs/pack.md` is made from describes the packs as the loader reads them.
#[test]
fn the_packs_manifests_fit_the_pack_schema() {
    let schema: serde_json::Value = serde_json::from_str(gendocs::pack_reference::SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for path in [
        "rules/roadmap-2022-25/pack.yaml",
        "fixtures/packs/blueprint-2025/pack.yaml",
    ] {
        let text = std::fs::read_to_string(path).unwrap();
        let value: serde_json::Value = yaml_serde::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{path}: {errors:#?}");
    }
}

/// The built-in organisations register fits its schema, and names every organisation the
/// top-75 list, the examples and the rule fixtures are declared for.
#[test]
fn the_organisations_register_fits_its_schema_and_covers_the_codes_in_use() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("schemas/organisations.schema.json").unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let text = std::fs::read_to_string("rules/roadmap-2022-25/data/organisations.yaml").unwrap();
    let register: serde_json::Value = yaml_serde::from_str(&text).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&register)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let codes: Vec<&str> = register
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    let top75: serde_json::Value = yaml_serde::from_str(
        &std::fs::read_to_string("rules/roadmap-2022-25/data/top75.yaml").unwrap(),
    )
    .unwrap();
    let mut wanted: Vec<String> = top75["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    wanted.extend(["DHSC", "NHSBSA", "DVLA", "OPG", "ONS", "DCMS"].map(String::from));
    for code in wanted {
        assert!(
            codes.contains(&code.as_str()),
            "{code} is not in the register"
        );
    }
    // Every parent is itself in the register.
    for o in register.as_array().unwrap() {
        if let Some(parent) = o["parent"].as_str() {
            assert!(codes.contains(&parent), "{}'s parent {parent}", o["code"]);
        }
    }
}
