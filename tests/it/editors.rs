//! docs/editors.md as written: the Neovim 0.7-0.10 set-up run in a real Neovim (Debian's 0.7.2)
//! until a declaration's findings arrive, the VS Code extension packaged into a `.vsix` that
//! carries its metadata, its licence and one bundled client, and the Helix languages.toml naming
//! the server. The first two need `nvim` and `npm` (`.ci/run` installs both), so a plain
//! `cargo test` skips them.

use std::path::Path;
use std::process::Command;

use crate::harness::root;

/// The fenced block of `language` that follows the heading `heading` in docs/editors.md.
fn block_after(heading: &str, language: &str) -> String {
    let text = std::fs::read_to_string(root().join("docs/editors.md")).unwrap();
    let at = text
        .find(heading)
        .unwrap_or_else(|| panic!("no `{heading}`"));
    let rest = &text[at..];
    let open = format!("```{language}\n");
    let start = rest.find(&open).unwrap() + open.len();
    let end = start + rest[start..].find("```").unwrap();
    rest[start..end].to_string()
}

#[test]
fn the_helix_languages_toml_runs_the_server_for_yaml() {
    let toml = block_after("## Helix", "toml");
    let lines: Vec<&str> = toml.lines().map(str::trim).collect();
    let server = lines
        .iter()
        .position(|l| *l == "[language-server.roadmap-lint]")
        .unwrap();
    assert_eq!(lines[server + 1], "command = \"roadmap-lint\"");
    assert_eq!(lines[server + 2], "args = [\"server\"]");
    let language = lines.iter().position(|l| *l == "[[language]]").unwrap();
    assert_eq!(lines[language + 1], "name = \"yaml\"");
    assert!(
        lines[language + 2].starts_with("language-servers = [")
            && lines[language + 2].contains("\"roadmap-lint\""),
        "{toml}"
    );
}

#[test]
#[ignore = "needs Neovim (apt-get install neovim); .ci/run installs it"]
fn neovim_before_0_11_shows_the_findings_with_the_documented_setup() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("dept");
    std::fs::create_dir_all(project.join(".git")).unwrap();
    std::fs::copy(
        root().join("fixtures/examples/hmrc-needs-work.yaml"),
        project.join("hmrc.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("init.lua"),
        block_after("## Neovim 0.7 to 0.10", "lua"),
    )
    .unwrap();
    let probe = r#"
local ok = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 100)
local out = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out, string.format('%d %s', d.lnum + 1, tostring(d.code)))
end
vim.fn.writefile(out, vim.env.PROBE_OUT)
vim.cmd('qa!')
"#;
    std::fs::write(dir.path().join("probe.lua"), probe).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_roadmap-lint"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let found = dir.path().join("found.txt");
    let status = Command::new("nvim")
        .current_dir(dir.path())
        .args([
            "--headless",
            "-u",
            "init.lua",
            "dept/hmrc.yaml",
            "-c",
            "luafile probe.lua",
        ])
        .env("PATH", path)
        .env("PROBE_OUT", &found)
        .status()
        .expect("nvim runs (apt-get install neovim)");
    assert!(status.success());
    let found = std::fs::read_to_string(&found).unwrap_or_default();
    assert!(
        found.lines().any(|l| l == "129 one-login-strategy-overdue"),
        "the late One Login strategy at line 129: {found}"
    );
}

#[test]
#[ignore = "needs npm and the npm registry; .ci/run runs it"]
fn the_vscode_extension_packages_into_a_self_contained_vsix() {
    let folder = root().join("editors/vscode");
    let npm = |args: &[&str]| {
        let status = Command::new("npm")
            .current_dir(&folder)
            .args(args)
            .status()
            .expect("npm runs");
        assert!(status.success(), "npm {args:?}");
    };
    npm(&["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
    npm(&["run", "package"]);
    let version = env!("CARGO_PKG_VERSION");
    let vsix = folder.join(format!("roadmap-lint-{version}.vsix"));
    // A .vsix is a zip: list it and read its package.json with Python's zipfile.
    let read = |script: &str| {
        let out = Command::new("python3")
            .args(["-c", script])
            .arg(&vsix)
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let names =
        read("import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))");
    for wanted in [
        "extension/package.json",
        "extension/LICENSE.txt",
        "extension/readme.md",
        "extension/dist/extension.js",
    ] {
        assert!(
            names.lines().any(|n| n == wanted),
            "{wanted} missing: {names}"
        );
    }
    assert!(!names.contains("node_modules"), "{names}");
    assert!(
        !names.lines().any(|n| n == "extension/extension.js"),
        "{names}"
    );
    let manifest: serde_json::Value = serde_json::from_str(&read(
        "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read('extension/package.json').decode())",
    ))
    .unwrap();
    assert_eq!(manifest["version"], version);
    assert_eq!(manifest["main"], "./dist/extension.js");
    assert!(
        manifest["repository"]["url"].as_str().is_some(),
        "{manifest}"
    );
    assert_eq!(manifest["license"], "MIT");
    // The bundle needs nothing outside itself but VS Code's API and Node's own modules.
    let bundle = read(
        "import sys, zipfile, re; t = zipfile.ZipFile(sys.argv[1]).read('extension/dist/extension.js').decode(); print('\\n'.join(sorted(set(re.findall(r'require\\(\"([^\"]+)\"\\)', t)))))",
    );
    let builtin = [
        "vscode",
        "child_process",
        "crypto",
        "fs",
        "net",
        "os",
        "path",
        "util",
        "events",
        "url",
        "assert",
        "stream",
        "buffer",
    ];
    for module in bundle.lines().filter(|l| !l.is_empty()) {
        let module = module.trim_start_matches("node:");
        assert!(builtin.contains(&module), "the bundle requires `{module}`");
    }
    assert!(bundle.lines().any(|l| l == "vscode"), "{bundle}");
}
