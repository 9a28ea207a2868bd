//! Each rule gets its own copy of the document and of `ctx` (Rhai passes arguments by value; see
//! docs/benchmarks.md for why sharing one copy is not safe). These tests make sure no rule can
//! change what another rule sees: every way a script could write into `doc` or `ctx` is tried by
//! one rule, and a later rule checks that it still sees the original values.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

const DOCS: &str = "//! # What it checks\n//! Test rule.\n//! # Why\n//! Test.\n//! # Failing example\n//! ```yaml\n//! x: 1\n//! ```\n//! # Passing example\n//! ```yaml\n//! x: 1\n//! ```\n";

/// A pack folder with a `top75` data file, so `ctx.data` has nested values too.
fn pack(dir: &Path) -> std::path::PathBuf {
    let rules = dir.join("pack");
    fs::create_dir(&rules).unwrap();
    fs::write(
        rules.join("pack.yaml"),
        "name: isolation\nversion: 1.0.0\ndescription: test\ndata:\n  top75: top75.yaml\n\
         parameters:\n  deadline_2025:\n    type: date\n    default: 2025-03-31\n    rationale: test\n",
    )
    .unwrap();
    fs::write(
        rules.join("top75.yaml"),
        "departments:\n  - code: DWP\n    services: [{ id: first-service }]\n  - code: HMRC\n    services: []\n",
    )
    .unwrap();
    rules
}

fn rule(dir: &Path, id: &str, body: &str) {
    let text = format!(
        "{DOCS}\nlet rule = #{{ id: \"{id}\", title: \"{id}\", commitment: 1, mission: 1, severity: \"error\", kinds: [\"department\"] }};\n\n{body}\n"
    );
    fs::write(dir.join(format!("{id}.rhai")), text).unwrap();
}

/// Each attempt runs in its own `try`, so one blocked write does not stop the others.
const ATTEMPTS: &[&str] = &[
    r#"doc.organisation.name = "changed";"#,
    r#"doc.organisation.name += " changed";"#,
    r#"doc.organisation.remove("name");"#,
    r#"doc.organisation.clear();"#,
    r#"doc.organisation += #{ name: "changed" };"#,
    r#"doc.organisation.mixin(#{ name: "changed" });"#,
    r#"doc.organisation.x_new = "changed";"#,
    r#"doc.services[0].id = "changed";"#,
    r#"doc.services[0] = #{ id: "changed" };"#,
    r#"doc.services.push(#{ id: "changed" });"#,
    r#"doc.services.clear();"#,
    r#"doc.services.truncate(0);"#,
    r#"doc.services.retain(|s| false);"#,
    r#"doc.services.reverse();"#,
    r#"doc.services.sort(|a, b| if a.id < b.id { 1 } else { -1 });"#,
    r#"doc.services.drain(0, 1);"#,
    r#"doc.services += [#{ id: "changed" }];"#,
    r#"doc.services[0].identity.one_login = "changed";"#,
    r#"let s = doc.services; s[0].id = "changed"; s.push(1); s.clear();"#,
    r#"let s = doc.services[0]; s.id = "changed"; s.identity.one_login = "changed";"#,
    r#"let o = doc.organisation; o.name = "changed"; o.remove("id");"#,
    r#"let t = doc; t.organisation.name = "changed"; t.services.clear();"#,
    r#"for s in doc.services { s.id = "changed"; s.identity.one_login = "changed"; }"#,
    r#"let l = lookup(doc, "organisation"); l.name = "changed";"#,
    r#"let l = lookup(doc, "services", []); l[0].id = "changed"; l.clear();"#,
    r#"scribble(doc);"#,
    r#"doc.scribble_this();"#,
    r#"doc.services[0].scribble_this();"#,
    r#"ctx.params.deadline_2025 = "changed";"#,
    r#"ctx.params.remove("deadline_2025");"#,
    r#"ctx.data.top75 = ();"#,
    r#"ctx.data.top75.departments.clear();"#,
    r#"ctx.data.top75.departments[0].code = "changed";"#,
    r#"let p = ctx.params; p.deadline_2025 = "changed";"#,
    r#"ctx.kind = "changed"; ctx.as_of = ();"#,
    r#"let f = |v| { doc.organisation.name = v; ctx.kind = v; }; f.call("changed");"#,
    r#"let g = || doc; let d = g.call(); d.organisation.name = "changed";"#,
    r#"doc.tag = 7; doc.organisation.tag = 7; ctx.tag = 7;"#,
    r#"doc = #{}; ctx = #{};"#,
];

fn mutator() -> String {
    let mut body = String::from(
        "fn scribble(d) { d.organisation.name = \"changed\"; d.services.clear(); }\n\
         fn scribble_this() { this.organisation.name = \"changed\"; this.id = \"changed\"; this.services = []; }\n\
         fn check(doc, ctx) {\n",
    );
    for a in ATTEMPTS {
        body.push_str(&format!("    try {{ {a} }} catch {{ }}\n"));
    }
    body.push_str("    pass(\"organisation\");\n}\n");
    body
}

const OBSERVER: &str = r#"
fn check(doc, ctx) {
    let seen = [];
    seen.push(doc.organisation.name);
    seen.push(doc.organisation.keys().len());
    seen.push(doc.services.len());
    seen.push(doc.services[0].id);
    seen.push(doc.services[0].identity.one_login);
    seen.push(doc.services[1].id);
    seen.push(type_of(ctx.params.deadline_2025));
    seen.push("" + ctx.params.deadline_2025);
    seen.push(ctx.data.top75.departments.len());
    seen.push(ctx.data.top75.departments[0].code);
    seen.push(ctx.kind);
    seen.push(type_of(ctx.as_of));
    report("organisation", "seen: " + seen);
}
"#;

const DECLARATION: &str = "schema_version: 1
kind: department
as_of: 2025-06-30
organisation: { id: DWP, name: Department for Work and Pensions }
services:
  - id: first-service
    identity: { requires_login: true, one_login: live }
  - id: second-service
";

fn seen(dir: &Path, rules: &Path) -> Vec<String> {
    let out = Command::cargo_bin("roadmap-lint")
        .unwrap()
        .args([
            "check",
            "--format",
            "json",
            "--jobs",
            "1",
            "--no-builtin",
            "--rules",
        ])
        .arg(rules)
        .arg(dir.join("decl.yaml"))
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(
        json["diagnostics"].as_array().map(Vec::len),
        Some(0),
        "{json:#}"
    );
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "z-observer")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_rule_cannot_change_what_the_next_rule_sees() {
    let dir = tempfile::tempdir().unwrap();
    let rules = pack(dir.path());
    // Two documents in one file: the second must not see what the first one's rules did.
    fs::write(
        dir.path().join("decl.yaml"),
        format!("{DECLARATION}---\n{DECLARATION}"),
    )
    .unwrap();
    rule(&rules, "z-observer", OBSERVER);
    let baseline = seen(dir.path(), &rules);
    assert_eq!(baseline.len(), 2, "{baseline:?}");
    assert!(
        baseline[0].contains("Department for Work and Pensions")
            && baseline[0].contains("first-service")
            && baseline[0].contains("live")
            && baseline[0].contains("DWP"),
        "{baseline:?}"
    );

    // Rules run in id order: the mutator runs first, on every document, then the observer.
    rule(&rules, "a-mutator", &mutator());
    let after = seen(dir.path(), &rules);
    assert_eq!(after, baseline, "a rule changed what a later rule sees");
}

#[test]
fn a_rule_writing_into_its_copy_sees_its_change_and_no_one_else_does() {
    let dir = tempfile::tempdir().unwrap();
    let rules = pack(dir.path());
    fs::write(dir.path().join("decl.yaml"), DECLARATION).unwrap();
    rule(
        &rules,
        "a-writer",
        r#"fn check(doc, ctx) {
            doc.organisation.name = "changed";
            doc.services.clear();
            report("organisation", "writer sees " + doc.organisation.name + " " + doc.services.len());
        }"#,
    );
    rule(&rules, "z-observer", OBSERVER);
    for jobs in ["1", "2"] {
        let out = Command::cargo_bin("roadmap-lint")
            .unwrap()
            .args([
                "check",
                "--format",
                "json",
                "--jobs",
                jobs,
                "--no-builtin",
                "--rules",
            ])
            .arg(&rules)
            .arg(dir.path().join("decl.yaml"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        assert_eq!(
            json["diagnostics"].as_array().map(Vec::len),
            Some(0),
            "{json:#}"
        );
        let messages: Vec<&str> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["message"].as_str().unwrap())
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert_eq!(messages[0], "writer sees changed 0");
        assert!(
            messages[1].contains("Department for Work and Pensions")
                && messages[1].contains("first-service"),
            "{messages:?}"
        );
    }
}

#[test]
fn lookup_finds_values_by_reference_and_any_path_length() {
    use rhai::{Array, Dynamic, Map};
    use roadmap_lint::internal::engine::api::lookup;
    let mut inner = Map::new();
    inner.insert("id".into(), Dynamic::from("first"));
    let mut root = Map::new();
    root.insert(
        "services".into(),
        Dynamic::from_array(vec![Dynamic::from_map(inner)]),
    );
    let doc = Dynamic::from_map(root);
    let found = lookup(&doc, "services[0].id").unwrap();
    assert_eq!(found.into_string().unwrap(), "first");
    assert!(lookup(&doc, "services[1].id").unwrap().is_unit());
    assert!(lookup(&doc, "services.id").unwrap().is_unit());
    assert_eq!(
        lookup(&doc, "services").unwrap().cast::<Array>().len(),
        1,
        "a found list is returned whole"
    );

    // Nested 200 deep, looked up with a 200-step path (beyond the recursive walk's depth).
    let mut deep = Dynamic::from("bottom");
    for _ in 0..200 {
        deep = Dynamic::from_array(vec![deep]);
    }
    let mut top = Map::new();
    top.insert("a".into(), deep);
    let deep = Dynamic::from_map(top);
    let path = format!("a{}", "[0]".repeat(200));
    assert_eq!(
        lookup(&deep, &path).unwrap().into_string().unwrap(),
        "bottom"
    );
    // A very long path on a shallow value: `()`, no stack overflow.
    assert!(
        lookup(&doc, &"a.".repeat(20_000)[..39_999])
            .unwrap()
            .is_unit()
    );
}
