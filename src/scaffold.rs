//! `roadmap-lint new RULE_ID --commitment N`: writes a rule from the documentation template,
//! with a failing and a passing fixture that pass `roadmap-lint test` as they are.
//!
//! The stub judges a placeholder field, `x_todo.met` (keys starting `x_` are a department's own,
//! so the fixtures are valid declarations): the failing fixture sets it to `false` and marks that
//! line, the passing one sets it to `true`. The author replaces the field with the ones the
//! commitment is about, in the rule and in both fixtures, and `test` keeps them honest.

use std::path::{Path, PathBuf};

use crate::diag::{Code, ToolDiagnostic};
use crate::pack::Manifest;

/// What `new` was asked to create.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: String,
    pub commitment: u32,
    pub pack: PathBuf,
    pub force: bool,
    /// The kind of document the rule judges: `department` or `proposal`.
    pub kind: String,
}

/// The files `new` wrote, in the order written.
#[derive(Debug)]
pub struct Created {
    /// The pack's `pack.yaml`, when `new` created the pack.
    pub manifest: Option<PathBuf>,
    pub rule: PathBuf,
    pub fixtures: Vec<PathBuf>,
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// `a/b/../c` as `a/c`, so that the paths shown are the ones an author would type.
fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Write `text` to `path` atomically ([`crate::write::atomic`]), creating its folder
/// first.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    std::fs::create_dir_all(dir.unwrap_or(Path::new(".")))?;
    crate::write::atomic(path, text.as_bytes())
}

/// Create the rule and its fixtures.
pub fn create(req: &Request) -> Result<Created, ToolDiagnostic> {
    if !is_kebab(&req.id) {
        return Err(ToolDiagnostic::new(
            Code::NewBadId,
            format!("`{}` is not a kebab-case rule id", req.id),
        )
        .help("use lower-case words joined by hyphens that name the problem, such as `api-catalogue-entry-missing`"));
    }
    let manifest_path = req.pack.join("pack.yaml");
    // A new pack: its manifest is written first, with the roadmap's missions and commitments,
    // so that the rule has a commitment to serve.
    let created_manifest = if std::fs::symlink_metadata(&manifest_path).is_err() {
        let text = new_manifest(&req.pack);
        write_atomic(&manifest_path, &text).map_err(|e| {
            ToolDiagnostic::new(
                Code::NewNoPack,
                format!("cannot create {}: {e}", manifest_path.display()),
            )
            .help("name a folder that can be created, with `--pack DIR`")
        })?;
        Some(manifest_path.clone())
    } else {
        None
    };
    let text = crate::load::read::read_text(&manifest_path, crate::pack::MAX_PACK_FILE)
        .map_err(|e| {
            ToolDiagnostic::new(Code::NewNoPack, e.message(&manifest_path))
                .help("name a pack folder holding a pack.yaml with `--pack DIR` (default `rules/roadmap-2022-25`)")
        })?;
    let manifest: Manifest = yaml_serde::from_str(&text).map_err(|e| {
        ToolDiagnostic::new(
            Code::PackManifest,
            format!("invalid pack manifest {}: {e}", manifest_path.display()),
        )
        .help("fix pack.yaml first; `roadmap-lint rules --rules DIR` shows its problems")
    })?;
    let Some(commitment) = manifest
        .missions
        .iter()
        .find_map(|m| m.commitments.iter().find(|c| c.number == req.commitment))
    else {
        let numbers: Vec<String> = manifest
            .missions
            .iter()
            .flat_map(|m| m.commitments.iter().map(|c| c.number.to_string()))
            .collect();
        return Err(ToolDiagnostic::new(
            Code::NewBadCommitment,
            format!(
                "pack `{}` has no commitment {}",
                manifest.name, req.commitment
            ),
        )
        .help(if numbers.is_empty() {
            "add the commitment under `missions` in pack.yaml".to_string()
        } else {
            format!("its commitments are: {}", numbers.join(", "))
        }));
    };
    let rule_path = req.pack.join(format!("{}.rhai", req.id));
    let fixture_dir = tidy(
        &req.pack
            .join(manifest.fixtures.as_deref().unwrap_or("fixtures"))
            .join(&req.id),
    );
    let fixtures = vec![fixture_dir.join("fail.yaml"), fixture_dir.join("pass.yaml")];
    if !req.force {
        for path in std::iter::once(&rule_path).chain(&fixtures) {
            if path.exists() {
                return Err(ToolDiagnostic::new(
                    Code::NewExists,
                    format!("{} already exists", path.display()),
                )
                .help("pick another rule id, or pass `--force` to overwrite the rule and its two fixtures"));
            }
        }
    }
    let io = |path: &Path, e: std::io::Error| {
        ToolDiagnostic::new(
            Code::NewWrite,
            format!("cannot write {}: {e}", path.display()),
        )
        .help("check that the folder exists and is writable")
    };
    let proposal = req.kind == "proposal";
    let rule = rule_text(&req.id, commitment.number, &commitment.text, proposal);
    write_atomic(&rule_path, &rule).map_err(|e| io(&rule_path, e))?;
    for (path, met) in fixtures.iter().zip([false, true]) {
        write_atomic(path, &fixture_text(&req.id, met, proposal)).map_err(|e| io(path, e))?;
    }
    Ok(Created {
        manifest: created_manifest,
        rule: rule_path,
        fixtures,
    })
}

/// The `pack.yaml` of a new pack in `dir`: named after the folder, with the built-in pack's
/// missions and commitments (the roadmap's own words) and no parameters yet.
fn new_manifest(dir: &Path) -> String {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "my-pack".into());
    let builtin = crate::pack::builtin_manifest_text();
    let missions: String = builtin
        .lines()
        .skip_while(|l| !l.starts_with("missions:"))
        .take_while(|l| {
            l.starts_with("missions:") || !l.starts_with(|c: char| c.is_ascii_alphabetic())
        })
        .map(|l| format!("{l}\n"))
        .collect();
    format!(
        "# A rule pack: `roadmap-lint check --rules {dir}` runs its rules beside the built-in\n\
         # ones. Its rules serve the roadmap's commitments, listed below.\n\
         name: {name}\n\
         version: 0.1.0\n\
         description: Rules of {name} (describe what they check here).\n\
         # Where reports link each rule's documentation: `{{id}}` is the rule's id, `{{version}}`\n\
         # the tool's version. Without it, reports give no link for this pack's rules.\n\
         # help_uri: \"https://example.org/{name}/rules/{{id}}\"\n\
         fixtures: fixtures\n\
         # The keys of your own (`x_...`) that the rules read, with their JSON Schema: documents\n\
         # are checked against it, and so are the rules' paths (docs/pack.md, `fields`).\n\
         # fields:\n\
         #   x_todo:\n\
         #     type: object\n\
         #     properties:\n\
         #       met: {{ type: boolean }}\n\
         {missions}",
        dir = dir.display()
    )
}

/// Wrap a commitment's text into `//!` lines of about 96 characters.
fn quoted(prefix: &str, text: &str) -> String {
    let mut lines = Vec::new();
    let mut line = String::from(prefix);
    for word in text.split_whitespace() {
        if line.len() + word.len() + 1 > 96 && line.len() > 4 {
            lines.push(std::mem::replace(&mut line, "//!".to_string()));
        }
        line.push(' ');
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}

/// The rule script: the documentation template and a stub check, of a department
/// declaration or, when `proposal`, of a spend-control proposal.
pub fn rule_text(id: &str, commitment: u32, text: &str, proposal: bool) -> String {
    let why = quoted(
        &format!("//! Commitment {commitment}:"),
        &format!("\"{text}\""),
    );
    let (kind, schema, question, called) = if proposal {
        (
            "proposal",
            "proposal",
            "\n    question: \"TODO: what a review asks the department when the rule fails\",",
            "spend-control proposal (its department's declaration is `ctx.declaration`)",
        )
    } else {
        ("department", "department", "", "department declaration")
    };
    format!(
        r#"//! # What it checks
//! TODO: what the rule checks, field by field, and when it does not apply. The scaffold judges
//! the placeholder field `x_todo.met`: replace it here, in `check` and in both fixtures with the
//! fields the commitment is about (see `roadmap-lint schema {schema}`).
//!
//! # Why
{why}
//!
//! # Failing example
//! ```yaml
//! x_todo:
//!   met: false
//! ```
//!
//! # Passing example
//! ```yaml
//! x_todo:
//!   met: true
//! ```

let rule = #{{
    id: "{id}",
    title: "TODO: one line naming the problem",
    commitment: {commitment},
    severity: "error",
    kinds: ["{kind}"],{question}
}};

// Called once per {called}. Helpers: docs/rule-api.md. Use pack parameters (`ctx.params.NAME`)
// for every deadline and threshold. Try expressions with `roadmap-lint eval FILE EXPR`.
fn check(doc, ctx) {{
    let met = lookup(doc, "x_todo.met");
    if met == () {{
        return not_applicable("TODO: say why the rule does not apply to this document");
    }}
    if met == true {{
        pass("x_todo.met");
    }} else {{
        report("x_todo.met", "TODO: say what is wrong", "TODO: say how to put it right");
    }}
}}
"#
    )
}

/// A fixture: `met: false` fails (marked `# expect:`), `met: true` passes (marked `# ok:`, the
/// line where the rule must pass its check).
pub fn fixture_text(id: &str, met: bool, proposal: bool) -> String {
    let (what, marker) = if met {
        (
            "Passing fixture: the rule must report nothing here, and pass its check on the line marked `# ok:`.",
            format!("   # ok: {id}"),
        )
    } else {
        (
            "Failing fixture: a marker at the end of a line names the rule whose finding must start there.",
            format!("   # expect: {id}"),
        )
    };
    let head = if proposal {
        "kind: proposal\nas_of: 2025-03-31\nproposal:\n  id: SC-2025-0001\n  organisation: EXAMPLE\n  title: Example proposal"
    } else {
        "kind: department\nas_of: 2025-03-31\norganisation: { id: EXAMPLE, name: Example Department }"
    };
    format!("# {what}\nschema_version: 1\n{head}\nx_todo:\n  met: {met}{marker}\n")
}
