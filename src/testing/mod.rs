//! `roadmap-lint test`: runs every rule of a pack against its fixtures, and says where the
//! findings and the fixtures' `# expect:` markers disagree. `tests/rule_fixtures.rs` runs the
//! same code, so the command and the test suite cannot drift apart.
//!
//! A pack's fixtures live in the folder its `pack.yaml` names in `fixtures:` (relative to the
//! pack folder; default `fixtures`), one sub-folder per rule id. Each YAML file there is one
//! case; a sub-folder holding several files is one case whose files are checked together (for
//! portfolio rules).

mod applied;
mod header;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Code, ToolDiagnostic};
use crate::finding::{Finding, Severity};
use crate::fixture::{self, Expectation};
use crate::load::Input;
use crate::load::read::Confined;
use crate::pack::{PackSources, Rule};
use crate::render::escape::terminal_line;
use crate::report::human::{Style, render_diagnostic};
use crate::run::{self, Options};
use crate::source::{SourceFile, Span};

/// One fixture case of one rule.
#[derive(Debug)]
pub struct Case {
    /// The case's file, or its folder for a multi-file case.
    pub name: String,
    /// Whether the case expects findings (a failing fixture) or none (a passing one).
    pub expects_findings: bool,
    /// What went wrong; empty when the case passed.
    pub problems: Vec<ToolDiagnostic>,
    /// What the rule printed (`print`, `debug`) on the case's documents.
    pub output: Vec<String>,
    /// Where the rule recorded its results from (with `--coverage`).
    pub reached: Vec<crate::engine::api::Site>,
}

/// The outcome of one rule's fixtures.
#[derive(Debug)]
pub struct RuleTest {
    pub id: String,
    pub cases: Vec<Case>,
    /// Problems with the rule's fixtures as a whole (no folder, no passing or failing case).
    pub problems: Vec<ToolDiagnostic>,
    /// With `--coverage`: the calls that record a result which no fixture reached.
    pub unreached: Vec<crate::coverage::Call>,
    /// With `--coverage`: how many such calls the rule (and the library functions it calls) has.
    pub calls: usize,
}

impl RuleTest {
    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.cases.iter().all(|c| c.problems.is_empty())
    }
}

/// The outcome of testing one pack.
#[derive(Debug)]
pub struct PackTest {
    pub name: String,
    pub dir: PathBuf,
    /// Problems loading the pack (broken rules are errors; documentation gaps are warnings).
    pub load: Vec<ToolDiagnostic>,
    pub rules: Vec<RuleTest>,
}

impl PackTest {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.rules
            .iter()
            .flat_map(|r| &r.cases)
            .filter(|c| c.problems.is_empty())
            .count()
    }

    /// Cases that failed, plus each rule without the fixtures it needs and each rule that did
    /// not load.
    pub fn failed(&self) -> usize {
        self.rules
            .iter()
            .map(|r| r.problems.len() + r.cases.iter().filter(|c| !c.problems.is_empty()).count())
            .sum::<usize>()
            + self
                .load
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count()
    }

    /// Every problem, for reports and test assertions.
    pub fn problems(&self) -> impl Iterator<Item = &ToolDiagnostic> {
        self.load.iter().chain(self.rules.iter().flat_map(|r| {
            r.problems
                .iter()
                .chain(r.cases.iter().flat_map(|c| &c.problems))
        }))
    }
}

/// The report of `roadmap-lint test`: a line per rule, the problems as diagnostics, and the
/// closing `N passed, N failed` line.
pub fn render(packs: &[PackTest], style: Style) -> String {
    let mut out = String::new();
    for pack in packs {
        out.push_str(&format!(
            "pack {} ({})\n",
            terminal_line(&pack.name),
            terminal_line(&pack.dir.display().to_string())
        ));
        for d in &pack.load {
            out.push_str(&render_diagnostic(d, style));
            out.push('\n');
        }
        for rule in &pack.rules {
            let cases = rule.cases.len();
            let status = if rule.passed() { "ok  " } else { "FAIL" };
            out.push_str(&format!(
                "{status} {} ({cases} fixture{})\n",
                terminal_line(&rule.id),
                if cases == 1 { "" } else { "s" }
            ));
            for d in rule
                .problems
                .iter()
                .chain(rule.cases.iter().flat_map(|c| &c.problems))
            {
                out.push_str(&render_diagnostic(d, style));
                out.push('\n');
            }
            for case in rule.cases.iter().filter(|c| !c.output.is_empty()) {
                out.push_str(&format!("     printed on {}:\n", terminal_line(&case.name)));
                for line in &case.output {
                    out.push_str(&format!("       {}\n", terminal_line(line)));
                }
            }
            out.push_str(&crate::coverage::render(rule));
        }
    }
    let passed: usize = packs.iter().map(PackTest::passed).sum();
    let failed: usize = packs.iter().map(PackTest::failed).sum();
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    out
}

/// [`test_packs`], with the calls each rule's fixtures reached when `coverage`.
pub fn test_packs_with(
    dirs: &[PathBuf],
    only: Option<&str>,
    coverage: bool,
) -> Result<Vec<PackTest>, ToolDiagnostic> {
    let dirs = if dirs.is_empty() {
        pack_dirs(Path::new("rules"))
    } else {
        dirs.to_vec()
    };
    if dirs.is_empty() {
        return Err(ToolDiagnostic::new(Code::TestNoPack, "no rule pack to test: there is no `rules/<pack>/pack.yaml` here")
            .help("run it from the project folder, or name pack folders: `roadmap-lint test path/to/pack`"));
    }
    let mut packs: Vec<PackTest> = dirs
        .iter()
        .map(|d| test_pack_with(d, only, coverage))
        .collect();
    // With `--rule`, the packs without that rule are left out, unless no pack has it.
    if only.is_some() && packs.iter().any(|p| !p.rules.is_empty()) {
        packs.retain(|p| !p.rules.is_empty());
    }
    Ok(packs)
}

/// The exit code of a test run: 1 when anything failed.
pub fn exit_code(packs: &[PackTest]) -> crate::Exit {
    if packs.iter().map(PackTest::failed).sum::<usize>() > 0 {
        crate::Exit::Findings
    } else {
        crate::Exit::Clean
    }
}

/// The pack folders under a `rules/` folder (each sub-folder holding a `pack.yaml`), sorted.
pub fn pack_dirs(rules_root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(rules_root)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("pack.yaml").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// Test one pack folder: load it on its own, then run each rule (or only `only`) against its
/// fixtures.
pub fn test_pack(dir: &Path, only: Option<&str>) -> PackTest {
    test_pack_with(dir, only, false)
}

/// [`test_pack`], with the calls each rule's fixtures reached when `coverage`.
pub fn test_pack_with(dir: &Path, only: Option<&str>, coverage: bool) -> PackTest {
    let mut options = Options {
        packs: PackSources {
            builtin: false,
            dirs: vec![dir.to_path_buf()],
            skip_builtin_lint: false,
        },
        keep_trees: true,
        track_calls: coverage,
        ..Options::default()
    };
    let mut prepared = run::prepare(&options);
    let load = std::mem::take(&mut prepared.diagnostics);
    let mut out = PackTest {
        name: dir.display().to_string(),
        dir: dir.to_path_buf(),
        load,
        rules: Vec::new(),
    };
    let Some(pack) = prepared.rules.packs.first() else {
        return out;
    };
    out.name = pack.manifest.name.clone();
    let fixtures = dir.join(pack.manifest.fixtures.as_deref().unwrap_or("fixtures"));
    let all: Vec<Arc<Rule>> = pack.rules.clone();
    if let Some(id) = only
        && !all.iter().any(|r| r.id == id)
    {
        out.load.push(
            ToolDiagnostic::new(
                Code::TestNoRule,
                format!("pack `{}` has no rule `{id}`", out.name),
            )
            .help(crate::suggest::help(
                id,
                "rule id",
                &all.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            )),
        );
        return out;
    }
    for rule in all.iter().filter(|r| only.is_none_or(|id| r.id == id)) {
        prepared.rules.packs[0].rules = vec![rule.clone()];
        options.debug_rules = Some([rule.id.clone()].into());
        let mut tested = test_rule(rule, dir, &fixtures.join(&rule.id), &prepared, &options);
        if coverage {
            crate::coverage::measure(rule, &mut tested);
        }
        out.rules.push(tested);
    }
    prepared.rules.packs[0].rules = all;
    out
}

/// What is left of the scaffold in a rule, if anything: a `TODO` in its title, documentation or
/// code, or the placeholder field `x_todo`. Its fixtures pass as written, so without this an
/// untouched scaffold would pass `test`.
fn unfinished(rule: &Rule) -> Option<&'static str> {
    if rule.title.contains("TODO") {
        Some("its title is a TODO")
    } else if rule.source.text.contains("x_todo") {
        Some("it judges the placeholder field `x_todo`")
    } else if rule.source.text.contains("TODO") {
        Some("it holds a TODO")
    } else {
        None
    }
}

/// The cases in a rule's fixture folder: each YAML file, and each sub-folder (as one case).
/// Every fixture must be a regular file inside the pack's folder (a fixture may be a link to
/// `/dev/stdin`, a FIFO, or a file elsewhere on the machine): any other is refused with a
/// diagnostic, and never opened.
/// A fixture case: its name (a file or a folder) and its files.
type FixtureCase = (PathBuf, Vec<PathBuf>);

fn cases_in(
    dir: &Path,
    folder: &Confined,
) -> std::io::Result<(Vec<FixtureCase>, Vec<ToolDiagnostic>)> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    let mut cases = Vec::new();
    let mut refused = Vec::new();
    let usable = |path: &Path, refused: &mut Vec<ToolDiagnostic>| match folder.check_file(path) {
        Ok(()) => true,
        Err(why) => {
            refused.push(crate::pack::refused(path, &why));
            false
        }
    };
    for path in entries {
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&path)?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| is_yaml(p))
                .collect();
            files.sort();
            files.retain(|f| usable(f, &mut refused));
            if !files.is_empty() {
                cases.push((path, files));
            }
        } else if is_yaml(&path) && usable(&path, &mut refused) {
            cases.push((path.clone(), vec![path]));
        }
    }
    Ok((cases, refused))
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

fn test_rule(
    rule: &Rule,
    pack_dir: &Path,
    dir: &Path,
    prepared: &run::Prepared,
    options: &Options,
) -> RuleTest {
    let mut out = RuleTest {
        id: rule.id.clone(),
        cases: Vec::new(),
        problems: Vec::new(),
        unreached: Vec::new(),
        calls: 0,
    };
    let folder = match Confined::new(pack_dir) {
        Ok(f) => f,
        Err(why) => {
            out.problems.push(crate::pack::refused(pack_dir, &why));
            return out;
        }
    };
    let cases = match cases_in(dir, &folder) {
        Ok((cases, refused)) => {
            out.problems.extend(refused);
            cases
        }
        Err(_) => {
            out.problems.push(
                rule.diagnostic(
                    Code::TestNoFixtures,
                    format!("rule `{}` has no fixture folder {}", rule.id, dir.display()),
                )
                .help("add at least one failing and one passing fixture there; `roadmap-lint new` writes both")
                .label("this rule"),
            );
            return out;
        }
    };
    for (path, files) in cases {
        out.cases
            .push(run_case(rule, &path, &files, prepared, options));
    }
    if let Some(placeholder) = unfinished(rule) {
        out.problems.push(
            rule.diagnostic(
                Code::TestUntouched,
                format!("rule `{}` is still the scaffold `roadmap-lint new` wrote: {placeholder}", rule.id),
            )
            .help("replace every TODO, and the placeholder field `x_todo`, in the rule and in its fixtures")
            .label("this rule"),
        );
    }
    let failing = out.cases.iter().filter(|c| c.expects_findings).count();
    let passing = out.cases.len() - failing;
    if failing == 0 || passing == 0 {
        let lacking = if failing == 0 { "failing" } else { "passing" };
        out.problems.push(
            rule.diagnostic(
                Code::TestNoFixtures,
                format!("rule `{}` has no {lacking} fixture in {}", rule.id, dir.display()),
            )
            .help("every rule needs a failing fixture (with `# expect: rule-id` markers) and a passing one (with none)")
            .label("this rule"),
        );
    }
    out
}

fn run_case(
    rule: &Rule,
    path: &Path,
    files: &[PathBuf],
    prepared: &run::Prepared,
    options: &Options,
) -> Case {
    let mut case = Case {
        name: path.display().to_string(),
        expects_findings: false,
        problems: Vec::new(),
        output: Vec::new(),
        reached: Vec::new(),
    };
    let inputs: Vec<Input> = files.iter().map(|f| Input::File(f.clone())).collect();
    // A header that sets the evaluation date, parameters or targets: the case is judged with
    // them (the pack is prepared again for it).
    let own = header::options_for(rule, files, options, &mut case.problems);
    let result = match &own {
        Some((own_options, own_prepared)) => run::run(&inputs, own_prepared, own_options),
        None => run::run(&inputs, prepared, options),
    };
    case.problems.extend(result.diagnostics.iter().cloned());
    case.output = result
        .trails
        .iter()
        .filter(|t| t.rule == rule.id)
        .flat_map(|t| t.output.iter().cloned())
        .collect();
    case.reached = result
        .trails
        .iter()
        .filter(|t| t.rule == rule.id)
        .flat_map(|t| t.calls.iter().cloned())
        .collect();
    let mut not_applicable_marked = false;
    for file in files {
        let name = file.display().to_string();
        let Some(source) = result.source(&name) else {
            continue;
        };
        let expected = fixture::expectations(&source.text);
        case.expects_findings |= !expected.is_empty();
        not_applicable_marked |= fixture::passes(&source.text).1.contains(&rule.id);
        let findings: Vec<&Finding> = result.findings_of(&name, None).iter().collect();
        mismatches(&mut case, source, &expected, &findings);
        case.problems
            .extend(applied::ok_markers(rule, &result, source));
    }
    case.problems.extend(applied::never_applied(
        rule,
        &result,
        &case,
        not_applicable_marked,
    ));
    case
}

/// The differences between a file's findings and its `# expect:` markers, as problems.
fn mismatches(
    case: &mut Case,
    source: &SourceFile,
    expected: &[Expectation],
    findings: &[&Finding],
) {
    let mismatch = fixture::compare(expected, findings);
    for e in &mismatch.missing {
        case.problems.push(
            ToolDiagnostic::new(
                Code::TestMissing,
                format!(
                    "expected {} `{}` here, but the rule reported nothing on this line",
                    e.severity, e.rule
                ),
            )
            .help("make the rule report at the path that starts on this line, or move the marker")
            .label("expected by this marker")
            .at_line(source, e.line, marker_column(source, e.line)),
        );
    }
    for e in &mismatch.unexpected {
        let f = find(findings, e);
        case.problems.push(
            finding_diag(
                source,
                f,
                Code::TestUnexpected,
                format!("unexpected {} `{}`: {}", e.severity, e.rule, message(f)),
            )
            .help(format!(
                "if the finding is right, mark this line with `# {}: {}`; otherwise fix the rule",
                marker_name(e.severity),
                e.rule
            )),
        );
    }
    for (e, actual) in &mismatch.misplaced {
        let f = find(
            findings,
            &Expectation {
                line: *actual,
                ..e.clone()
            },
        );
        case.problems.push(
            finding_diag(
                source,
                f,
                Code::TestMisplaced,
                format!(
                    "`{}` reported on line {actual}, but its marker is on line {}: {}",
                    e.rule,
                    e.line,
                    message(f)
                ),
            )
            .help("the marker goes on the line where the finding's span starts: point the rule at a more specific path, or move the marker"),
        );
    }
}

fn marker_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "expect",
        Severity::Warning => "expect-warning",
        Severity::Info => "expect-info",
    }
}

fn marker_column(source: &SourceFile, line: usize) -> usize {
    source
        .text
        .lines()
        .nth(line.saturating_sub(1))
        .and_then(|l| l.find("# expect").map(|b| l[..b].chars().count() + 1))
        .unwrap_or(1)
}

fn find<'a>(findings: &[&'a Finding], e: &Expectation) -> Option<&'a Finding> {
    findings
        .iter()
        .find(|f| f.rule == e.rule && f.severity == e.severity && f.location.line == e.line)
        .copied()
}

fn message(f: Option<&Finding>) -> String {
    f.map(|f| f.message.clone()).unwrap_or_default()
}

fn finding_diag(
    source: &SourceFile,
    f: Option<&Finding>,
    code: Code,
    message: String,
) -> ToolDiagnostic {
    let d = ToolDiagnostic::new(code, message);
    match f {
        Some(f) => {
            let start = source.char_offset(f.location.line, f.location.column);
            let end = source.char_offset(f.location.end_line, f.location.end_column);
            d.label(
                f.label
                    .clone()
                    .unwrap_or_else(|| format!("`{}` reported here", f.rule)),
            )
            .at(source, Span::new(start, end.max(start)))
        }
        None => d.file(source.name.clone()),
    }
}
