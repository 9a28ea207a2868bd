//! One version everywhere: every place that names a release of roadmap-lint (README, the
//! install and editor guides, the Action, the VS Code package, `init`'s files and `--version`)
//! names the version in `Cargo.toml`; and the README's install section leads with what works
//! from a clone today.

use crate::harness::{cli, root};

/// The package's version, read from Cargo.toml itself (not from the binary's build).
fn cargo_version() -> String {
    let text = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .unwrap()
        .to_string()
}

/// Text that, where it appears, is followed by a version of roadmap-lint.
const BEFORE_A_VERSION: &[&str] = &[
    "roadmap-lint/roadmap-lint@v",
    "RELEASE_COMMIT_SHA # v",
    "tags <repository> v",
    "rev: v",
    "roadmap-lint==",
    "uvx roadmap-lint@",
    "--tag v",
    "releases/download/v",
    "version=v",
    "roadmap-lint-",
    "release (v",
    "such as v",
    "(@v",
    "\"version\": \"",
    "`roadmap-lint init` ",
    "`roadmap-lint init --config` ",
];

/// The versions named in `text` after each marker, with the marker.
fn versions_in(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for marker in BEFORE_A_VERSION {
        for (at, _) in text.match_indices(marker) {
            let rest = &text[at + marker.len()..];
            let version: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let version = version.trim_end_matches('.').to_string();
            // `roadmap-lint-x86_64-...` and the like name no version.
            if version.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                found.push((marker.to_string(), version));
            }
        }
    }
    found
}

#[test]
fn every_named_version_is_the_one_in_cargo_toml() {
    let version = cargo_version();
    let major_tag = format!("v{}", version.split('.').next().unwrap());
    let files = [
        "README.md",
        "docs/install.md",
        "docs/editors.md",
        "action.yml",
        ".pre-commit-hooks.yaml",
        "editors/vscode/package.json",
        "pyproject.toml",
    ];
    let mut seen = 0;
    for file in files {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        for (marker, named) in versions_in(&text) {
            // A major tag (`@v0`, which the Action's users may follow) is the version's major.
            let ok = named == version || format!("v{named}") == major_tag;
            assert!(
                ok,
                "{file}: `{marker}{named}`, but Cargo.toml says {version}"
            );
            seen += 1;
        }
    }
    assert!(
        seen >= 15,
        "only {seen} versions found: did the markers move?"
    );

    let out = cli().arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("roadmap-lint {version}")
    );
    for args in [
        &["init", "--organisation", "DFE", "-o", "-"][..],
        &["init", "--config", "-o", "-"][..],
    ] {
        let out = cli().args(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let named = versions_in(&text);
        assert!(!named.is_empty(), "{args:?} names no version: {text}");
        for (marker, v) in named {
            assert_eq!(v, version, "{args:?}: `{marker}{v}`");
        }
    }
}

#[test]
fn the_readme_install_section_leads_with_what_works_from_a_clone() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("## Install\n").unwrap();
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").unwrap() + 3];
    let first_code = section.split("```sh\n").nth(1).unwrap();
    assert!(
        first_code.starts_with("cargo install --locked --path ."),
        "{first_code}"
    );
    let cargo = section.find("cargo install --locked --path .").unwrap();
    let wheel = section.find(".ci/wheel.sh").unwrap();
    let later = section.find("After the first release").unwrap();
    let pipx = section.find("pipx install roadmap-lint").unwrap();
    assert!(cargo < later && wheel < later && later < pipx, "{section}");
    // The wheel route works as written: the script keeps the wheel where WHEEL_OUT says.
    let script = std::fs::read_to_string(root().join(".ci/wheel.sh")).unwrap();
    assert!(script.contains("WHEEL_OUT"), "wheel.sh keeps no wheel");
}

/// `init` names a schema that resolves offline: the file its first line names exists, relative
/// to the file written, and is this version's schema; `schema --write` writes them again.
#[test]
fn init_names_a_schema_that_exists() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::create_dir(dir.path().join("declarations")).unwrap();
    let out = cli()
        .current_dir(dir.path())
        .args([
            "init",
            "--organisation",
            "DFE",
            "-o",
            "declarations/dfe.yaml",
        ])
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
    let text = std::fs::read_to_string(dir.path().join("declarations/dfe.yaml")).unwrap();
    let first = text.lines().next().unwrap();
    let named = first
        .strip_prefix("# yaml-language-server: $schema=")
        .unwrap();
    assert_eq!(named, "../.roadmap-lint/schemas/department.schema.json");
    let schema = std::fs::read_to_string(dir.path().join("declarations").join(named)).unwrap();
    assert_eq!(
        schema,
        std::fs::read_to_string(root().join("schemas/department.schema.json")).unwrap()
    );
    // The config file names its own, beside it at the root.
    let out = cli()
        .current_dir(dir.path())
        .args(["init", "--config"])
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
    let config = std::fs::read_to_string(dir.path().join(".roadmap-lint.yaml")).unwrap();
    assert!(
        config.starts_with(
            "# yaml-language-server: $schema=.roadmap-lint/schemas/config.schema.json\n"
        )
    );
    // A stale copy is replaced by `schema --write`; an up-to-date one is left alone.
    let copy = dir
        .path()
        .join(".roadmap-lint/schemas/proposal.schema.json");
    std::fs::write(&copy, "{}").unwrap();
    // From a folder inside the project, the default folder is still the project's.
    let out = cli()
        .current_dir(dir.path().join("declarations"))
        .args(["schema", "--write"])
        .output()
        .unwrap();
    crate::harness::assert_exit(&out, 0);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        said.trim(),
        "wrote ../.roadmap-lint/schemas/proposal.schema.json"
    );
    assert_ne!(std::fs::read_to_string(&copy).unwrap(), "{}");
}
