//! `roadmap-lint init`: a first declaration (or proposal, or config file) to fill in. Every
//! field of the format is written, with a comment saying what it means, which commitments read
//! it and the target it is judged against; a department's top-75 services are filled in by id
//! and name. Each fact to supply is a `TODO` placeholder, which `check` reports at its line, so
//! the first run is a to-do list.

use std::fmt::Write;

use crate::date::Date;
use crate::pack::RuleSet;
use crate::reference::{self, Field, Reader};

/// The value `init` writes for every fact still to be given. `check` reports each one left as
/// `schema-placeholder` at its line.
pub const PLACEHOLDER: &str = "TODO";

/// A top-75 service of the pack's list.
#[derive(Debug, Clone)]
pub struct ListedService {
    pub id: String,
    pub name: String,
}

/// What a template is written for.
pub struct Request<'a> {
    /// `department` or `proposal`.
    pub kind: &'a str,
    pub organisation: &'a str,
    /// The organisation's name, when the pack's top-75 list knows it.
    pub name: Option<&'a str>,
    /// The schema the editor's modeline names: a path relative to the file written.
    pub schema: &'a str,
    pub services: &'a [ListedService],
    pub today: Date,
}

/// Where `roadmap-lint schema --write` and `init` put the schemas, relative to the project's
/// root (the folder of `.roadmap-lint.yaml` or `.git`): the editor's modeline names a local
/// copy, which resolves offline and always matches the tool that wrote it.
pub const SCHEMA_DIR: &str = ".roadmap-lint/schemas";

/// The schemas an editor may need, by file name: the document kinds, the config file and the
/// targets file.
pub fn schema_files() -> [(&'static str, &'static str); 5] {
    [
        ("department.schema.json", crate::schema::DEPARTMENT),
        ("proposal.schema.json", crate::schema::PROPOSAL),
        ("config.schema.json", crate::config::SCHEMA),
        ("targets.schema.json", crate::targets::SCHEMA),
        ("record.schema.json", crate::review::record::SCHEMA),
    ]
}

/// The project root of a file about to be written in `dir`: the nearest folder at or above it
/// holding `.roadmap-lint.yaml` or `.git`, else `dir` itself.
pub fn project_root(dir: &std::path::Path) -> std::path::PathBuf {
    let start = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut at = Some(start.as_path());
    while let Some(d) = at {
        if d.join(crate::config::FILE_NAME).is_file()
            || std::fs::symlink_metadata(d.join(".git")).is_ok()
        {
            return d.to_path_buf();
        }
        at = d.parent();
    }
    start
}

/// `to` written relative to the folder `from` (both absolute), with `/` between the parts, as
/// yaml-language-server reads a modeline's path.
pub fn relative(from: &std::path::Path, to: &std::path::Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The departments of the packs' top-75 lists (`data.top75.departments`), each as its map.
fn top75_departments(rules: &RuleSet) -> impl Iterator<Item = rhai::Map> + '_ {
    rules.packs.iter().flat_map(|pack| {
        pack.data
            .get("top75")
            .and_then(|t| t.read_lock::<rhai::Map>().map(|m| m.clone()))
            .and_then(|m| m.get("departments").cloned())
            .and_then(|d| d.into_array().ok())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|d| d.try_cast::<rhai::Map>())
    })
}

/// A text field of a map of pack data.
fn text(m: &rhai::Map, key: &str) -> Option<String> {
    m.get(key).and_then(|v| v.clone().into_string().ok())
}

/// The departments on the packs' top-75 lists, by code.
pub fn top75_codes(rules: &RuleSet) -> Vec<String> {
    top75_departments(rules)
        .filter_map(|d| text(&d, "code"))
        .collect()
}

/// What to say about an organisation code that `known` (the codes `init` recognises) does not
/// hold: the likeliest code meant, in any case, and every known code in full. The one place
/// that words it, whatever list the codes come from.
pub fn organisation_help(code: &str, known: &[String]) -> String {
    let mut codes: Vec<&str> = known.iter().map(String::as_str).collect();
    codes.sort_unstable();
    codes.dedup();
    let upper = code.to_uppercase();
    let upper_codes: Vec<String> = codes.iter().map(|c| c.to_uppercase()).collect();
    let near = crate::suggest::closest(&upper, upper_codes.iter().map(String::as_str))
        .and_then(|u| codes.iter().find(|c| c.eq_ignore_ascii_case(u)));
    let all = format!(
        "the {} codes of the organisations register and the top-75 list are: {}",
        codes.len(),
        codes.join(", ")
    );
    match near {
        Some(c) => format!("did you mean `{c}`? The{}", &all[3..]),
        None => all,
    }
}

/// The organisation's name and top-75 services, from the packs' `data.top75`; the code is
/// matched in any case.
pub fn listed(rules: &RuleSet, organisation: &str) -> (Option<String>, Vec<ListedService>) {
    let Some(d) = top75_departments(rules)
        .find(|d| text(d, "code").is_some_and(|c| c.eq_ignore_ascii_case(organisation)))
    else {
        return (None, Vec::new());
    };
    let services = d
        .get("services")
        .cloned()
        .and_then(|s| s.into_array().ok())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| s.try_cast::<rhai::Map>())
        .filter_map(|s| {
            Some(ListedService {
                id: text(&s, "id")?,
                name: text(&s, "name").unwrap_or_default(),
            })
        })
        .collect();
    (text(&d, "name"), services)
}

/// The comment above a field: what it means, and who reads it against what.
fn note(field: &Field, readers: &[Reader], rules: &RuleSet) -> Vec<String> {
    let mut lines = Vec::new();
    let mut first = field.description.trim().to_string();
    if !field.allowed.is_empty() {
        first.push_str(&format!(" One of: {}.", field.allowed.join(", ")));
    } else if !field.item_allowed.is_empty() {
        first.push_str(&format!(
            " List any of: {}; write `[]` when there are none.",
            field.item_allowed.join(", ")
        ));
    } else if field.is_list() && !field.items_are_objects {
        first.push_str(" Write `[]` when there are none.");
    }
    lines.push(first);
    let commitments = reference::commitments_of(readers);
    if !commitments.is_empty() && (field.depth == 0 || field.is_list() || field.is_object()) {
        let list: Vec<String> = commitments.iter().map(|c| format!("C{c}")).collect();
        lines.push(format!("Read for commitments {}.", list.join(", ")));
    }
    if !field.is_object() && !field.is_list() {
        let mut targets: Vec<String> = Vec::new();
        for r in readers {
            for p in &r.params {
                let Some(param) = rules
                    .packs
                    .iter()
                    .find_map(|pack| pack.manifest.parameters.get(p))
                else {
                    continue;
                };
                let default = yaml_serde::to_string(&param.default)
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default();
                let line = format!("Target `{p}` = {default}: {}", param.rationale.trim());
                if !targets.contains(&line) {
                    targets.push(line);
                }
            }
        }
        lines.extend(targets);
    }
    lines
}

/// Wrap `text` into comment lines of about 96 characters, at `indent`.
fn comment(out: &mut String, indent: &str, text: &str) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + 2 + line.len() + 1 + word.len() > 96 {
            let _ = writeln!(out, "{indent}# {line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}# {line}");
    }
}

/// The placeholder for a leaf field: `TODO`, with a hint of the form the value takes.
fn placeholder(field: &Field) -> String {
    if field.is_list() {
        return format!("[{PLACEHOLDER}]");
    }
    let allowed;
    let form = field
        .pattern
        .as_deref()
        .and_then(crate::schema::words::pattern_words);
    let hint = if field.format.as_deref() == Some("date") {
        "a date, YYYY-MM-DD"
    } else if let Some(form) = form {
        form
    } else if !field.allowed.is_empty() {
        allowed = format!("one of {}", field.allowed.join(", "));
        allowed.as_str()
    } else if field.types.iter().any(|t| t == "boolean") {
        "true or false"
    } else if field.types.iter().any(|t| t == "integer") {
        "a whole number"
    } else if field.types.iter().any(|t| t == "number") {
        "a number"
    } else {
        "text"
    };
    format!("\"{PLACEHOLDER}: {hint}\"")
}

/// Fields that are not facts to give: the header `init` fills in, and waivers (an exception
/// is approved later, not declared up front).
fn skipped(path: &str) -> bool {
    path == "waivers" || path.starts_with("waivers[")
}

/// The declaration or proposal template.
pub fn template(req: &Request, rules: &RuleSet) -> String {
    let Some(kind) = crate::schema::kind(req.kind) else {
        return String::new();
    };
    let fields: Vec<Field> = reference::fields(kind.schema);
    let readers = reference::readers(rules, req.kind);
    let mut out = format!("# yaml-language-server: $schema={}\n", req.schema);
    comment(
        &mut out,
        "",
        &format!(
            "{} written by `roadmap-lint init` {} on {}. Every {PLACEHOLDER} is a fact to give: \
             `roadmap-lint check` lists each one left, at its line, and the rules then say what \
             each commitment needs. Each field is explained in docs/format.md. Where the format \
             allows it, `null` states that a fact is not known (the rules that need it will say \
             so); a list entry you have nothing for (an identity contract, an exception) is \
             deleted, and an empty list is `[]`.",
            match (req.kind, req.name) {
                ("proposal", _) => "A spend-control proposal".to_string(),
                (_, Some(name)) => format!("The declaration of {name} ({})", req.organisation),
                (_, None) => format!("The declaration of {}", req.organisation),
            },
            env!("CARGO_PKG_VERSION"),
            req.today
        ),
    );
    out.push_str(&format!(
        "schema_version: 1\nkind: {}\nas_of: {}   # the day these facts describe\n",
        req.kind, req.today
    ));
    let ctx = Ctx {
        req,
        rules,
        readers: &readers,
        fields: &fields,
    };
    for (i, field) in fields.iter().enumerate() {
        if field.depth == 0
            && !matches!(field.key.as_str(), "schema_version" | "kind" | "as_of")
            && !skipped(&field.path)
        {
            out.push('\n');
            ctx.emit(&mut out, i, "");
        }
    }
    out
}

/// Lists whose rules need at least two entries to judge anything, with the template's second
/// entry and why it is there.
const TWO_ITEMS: &[(&str, &str)] = &[(
    "technology.sustainability.emissions_tco2e",
    "The year after: commitment 14 compares the latest year with the one before, so give at \
     least two years (more are fine, oldest first).",
)];

struct Ctx<'a> {
    req: &'a Request<'a>,
    rules: &'a RuleSet,
    readers: &'a std::collections::BTreeMap<String, Vec<Reader>>,
    fields: &'a [Field],
}

impl Ctx<'_> {
    /// The children of the field at `index` (the fields one level deeper, under its path).
    fn children(&self, index: usize) -> Vec<usize> {
        let parent = &self.fields[index];
        let prefix = if parent.is_list() {
            format!("{}[].", parent.path)
        } else {
            format!("{}.", parent.path)
        };
        (index + 1..self.fields.len())
            .filter(|&j| {
                let f = &self.fields[j];
                f.depth == parent.depth + 1 && f.path.starts_with(&prefix)
            })
            .collect()
    }

    /// The value `init` knows for a field, when it knows one.
    fn known(&self, path: &str) -> Option<String> {
        let req = self.req;
        match (req.kind, path) {
            ("department", "organisation.id") | ("proposal", "proposal.organisation") => {
                Some(req.organisation.to_string())
            }
            ("department", "organisation.name") => req.name.map(|n| format!("\"{n}\"")),
            _ => None,
        }
    }

    fn emit(&self, out: &mut String, index: usize, indent: &str) {
        self.emit_with(out, index, indent, true);
    }

    /// Write a field; `notes` says whether its comments are written (only the first item of
    /// a list carries them).
    fn emit_with(&self, out: &mut String, index: usize, indent: &str, notes: bool) {
        let field = &self.fields[index];
        let readers = self.readers.get(&field.path).cloned().unwrap_or_default();
        if notes {
            for line in note(field, &readers, self.rules) {
                comment(out, indent, &line);
            }
        }
        if field.is_object() {
            let _ = writeln!(out, "{indent}{}:", field.key);
            for child in self.children(index) {
                self.emit_with(out, child, &format!("{indent}  "), notes);
            }
        } else if field.is_list() && field.items_are_objects {
            let _ = writeln!(out, "{indent}{}:", field.key);
            if self.req.kind == "department"
                && field.path == "services"
                && !self.req.services.is_empty()
            {
                self.services(out, index, indent);
            } else {
                self.item(out, index, indent, &[], notes);
                if let Some(why) = TWO_ITEMS
                    .iter()
                    .find_map(|(path, why)| (*path == field.path).then_some(why))
                {
                    comment(out, &format!("{indent}  "), why);
                    self.item(out, index, indent, &[], false);
                }
            }
        } else {
            let value = self
                .known(&field.path)
                .unwrap_or_else(|| placeholder(field));
            let _ = writeln!(out, "{indent}{}: {value}", field.key);
        }
    }

    /// One item of a list of mappings, its fields as placeholders (but `fixed`, given).
    fn item(
        &self,
        out: &mut String,
        index: usize,
        indent: &str,
        fixed: &[(&str, String)],
        notes: bool,
    ) {
        let children = self.children(index);
        for (n, child) in children.iter().enumerate() {
            let f = &self.fields[*child];
            let lead = if n == 0 {
                format!("{indent}  - ")
            } else {
                format!("{indent}    ")
            };
            if let Some((_, value)) = fixed.iter().find(|(k, _)| *k == f.key) {
                let _ = writeln!(out, "{lead}{}: {value}", f.key);
                continue;
            }
            if n == 0 {
                // The first key opens the item: its note goes above the dash.
                if notes {
                    let readers = self.readers.get(&f.path).cloned().unwrap_or_default();
                    for line in note(f, &readers, self.rules) {
                        comment(out, &format!("{indent}  "), &line);
                    }
                }
                if f.is_object() || f.is_list() {
                    let _ = writeln!(out, "{lead}{}:", f.key);
                } else {
                    let _ = writeln!(out, "{lead}{}: {}", f.key, placeholder(f));
                }
                continue;
            }
            self.emit_with(out, *child, &format!("{indent}    "), notes);
        }
    }

    /// The department's top-75 services, each an item with its id, name and `top75: true`.
    fn services(&self, out: &mut String, index: usize, indent: &str) {
        comment(
            out,
            &format!("{indent}  "),
            "Your services on the roadmap's top-75 list, by their ids on it. Add the others you run.",
        );
        for (n, s) in self.req.services.iter().enumerate() {
            if n == 1 {
                comment(
                    out,
                    &format!("{indent}  "),
                    "The notes of the first service hold for the others.",
                );
            }
            self.item(
                out,
                index,
                indent,
                &[
                    ("id", s.id.clone()),
                    ("name", format!("\"{}\"", s.name.replace('"', "'"))),
                    ("top75", "true".into()),
                ],
                n == 0,
            );
        }
    }
}

/// A commented `.roadmap-lint.yaml`; `schema` is the path its modeline names.
pub fn config_template(schema: &str) -> String {
    format!(
        r#"# yaml-language-server: $schema={schema}
# The roadmap-lint config file, written by `roadmap-lint init --config` {version}. roadmap-lint
# looks for it in the folder it runs in, then in each folder above, stopping at the repository's
# root (the folder holding `.git`): so it applies to runs in this folder and in every folder
# inside it. Flags on the command line win over it. `roadmap-lint schema config` prints its
# schema, and `roadmap-lint config --show` the settings in force; every key is optional.

# Settings shared with other repositories: a config file whose settings this one starts from
# (a path relative to this file, such as a file of a repository checked out beside this one).
# This file's own keys win over it.
# extends: ../digital-standards/roadmap-lint.yaml

# Which rules run: all of them unless `enable` names some; then those `disable` names are left
# out. Name rules by id, or whole commitments and missions by number.
# enable:
#   commitments: [1, 3, 9]
# disable:
#   rules: [one-login-strategy-overdue]

# A rule's severity changed: error, warning or info.
# severity:
#   resilience-test-overdue: warning

# Pack parameters (deadlines and thresholds) overridden for every organisation;
# `roadmap-lint explain RULE` and rules/roadmap-2022-25/pack.yaml list them, each with its reason.
# params:
#   deadline_2025: 2025-12-31

# Department-level targets: a file (relative to this one) that sets a parameter for one
# organisation, with who agreed it and until when (`roadmap-lint schema targets`).
# targets: targets.yaml

# The evaluation date: deadlines are judged as of this day. Without it, each declaration's own
# `as_of` is used, else today; `--as-of` on the command line wins over both.
# as_of: 2025-03-31

# More rule packs, by folder (relative to this file), and whether to load the built-in one.
# rule_folders: [rules/our-pack]
# builtin: true

# Files a folder scan skips (a file named on the command line is always checked).
ignore: ["**/drafts/**"]

# The lowest severity that fails a check (error, warning or never), and how many days before
# its expiry a waiver is flagged.
fail_on: error
waiver_warning_days: 30
"#,
        version = env!("CARGO_PKG_VERSION")
    )
}
