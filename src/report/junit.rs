//! JUnit XML (`--format junit`), for CI dashboards. One `<testsuite>` per file, one
//! `<testcase>` per rule check of a document (from `Run::results`): a check that passed is an
//! empty test case, a check with unwaived findings at or above `--fail-on` fails with their
//! messages, a rule that did not apply is skipped, and a rule that crashed is an error.
//! Findings below `--fail-on` (warnings, by default) are recorded in the case's output, so the
//! dashboard is red exactly when the job is. Findings that no rule check owns (syntax, schema
//! and waiver problems) become test cases named by their code, so a broken file never shows as
//! green. Tool problems go in a suite of their own.
//!
//! Written with the crate's own XML escaping rather than a JUnit library: a report is written
//! as it is made (a JUnit library builds the whole report in memory first), and every value
//! passes through [`crate::render::escape`], which also replaces the characters XML 1.0
//! cannot hold.

use std::collections::BTreeMap;
use std::io::Write;

use crate::finding::{Finding, Severity};
use crate::render::escape::{xml as escape, xml_text as escape_text};
use crate::run::{Run, Status};

/// How a test case ended, when it did not simply pass.
struct Outcome {
    /// `failure`, `error` or `skipped`.
    kind: &'static str,
    ty: String,
    message: String,
    text: String,
}

#[derive(Default)]
struct Case {
    name: String,
    classname: String,
    outcome: Option<Outcome>,
    output: String,
}

/// One line per finding, for a case's text.
fn describe(f: &Finding) -> String {
    let mut line = format!(
        "{}:{}:{}: {} [{}] {}",
        f.file, f.location.line, f.location.column, f.severity, f.rule, f.message
    );
    if !f.path.is_empty() {
        line.push_str(&format!(" (at {})", f.path));
    }
    if let Some(h) = &f.help {
        line.push_str(&format!("\n  help: {h}"));
    }
    if let Some(w) = &f.waiver {
        line.push_str(&format!(
            "\n  waived until {} by {}: {}",
            w.expires, w.approved_by, w.reason
        ));
    }
    line
}

fn lines(findings: &[&Finding]) -> String {
    findings
        .iter()
        .map(|f| describe(f))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fill a case from the findings it owns: it fails on any unwaived finding at or above
/// `fail_on` (`None`: never); the others (below the threshold, or waived) are listed in its
/// output.
fn judge(case: &mut Case, findings: &[&Finding], fail_on: Option<Severity>) {
    let failing = |f: &&Finding| !f.waived && fail_on.is_some_and(|t| f.severity >= t);
    let open: Vec<&Finding> = findings.iter().copied().filter(failing).collect();
    let rest: Vec<&Finding> = findings.iter().copied().filter(|f| !failing(f)).collect();
    if let Some(worst) = open.iter().map(|f| f.severity).max() {
        let message = if open.len() == 1 {
            open[0].message.clone()
        } else {
            format!("{} findings; first: {}", open.len(), open[0].message)
        };
        case.outcome = Some(Outcome {
            kind: "failure",
            ty: worst.as_str().to_string(),
            message,
            text: lines(&open),
        });
    }
    if !rest.is_empty() {
        case.output = lines(&rest);
    }
}

/// A case for one rule's result on one document. Marks the findings it owns.
fn rule_case(
    run: &Run,
    r: &crate::run::RuleResult,
    owned: &mut [bool],
    fail_on: Option<Severity>,
) -> Option<(String, Case)> {
    let doc = run.documents.get(r.doc())?;
    let mut case = Case {
        name: r.rule.to_string(),
        classname: format!("{}#{}", doc.file, doc.document),
        ..Case::default()
    };
    match &r.status {
        Status::NotApplicable(reason) => {
            case.outcome = Some(Outcome {
                kind: "skipped",
                ty: String::new(),
                message: format!("not applicable: {reason}"),
                text: String::new(),
            });
        }
        Status::Failed => {
            case.outcome = Some(Outcome {
                kind: "error",
                ty: "rule-failed".to_string(),
                message: "the rule failed to run; see the tool diagnostics".to_string(),
                text: String::new(),
            });
        }
        Status::Applied => {
            let findings: Vec<&Finding> = r
                .findings
                .iter()
                .filter_map(|&i| {
                    if let Some(o) = owned.get_mut(i) {
                        *o = true;
                    }
                    run.findings.get(i)
                })
                .collect();
            judge(&mut case, &findings, fail_on);
            if case.outcome.is_none() && !r.passed().is_empty() {
                let checked = format!("checked: {}", r.passed().join(", "));
                case.output = if case.output.is_empty() {
                    checked
                } else {
                    format!("{checked}\n{}", case.output)
                };
            }
        }
    }
    Some((doc.file.clone(), case))
}

/// Cases for findings no rule check owns, one per document and code.
fn loose_cases(run: &Run, owned: &[bool], fail_on: Option<Severity>) -> Vec<(String, Case)> {
    let mut loose: BTreeMap<(&str, usize, &str), Vec<&Finding>> = BTreeMap::new();
    for (i, f) in run.findings.iter().enumerate() {
        if !owned[i] {
            loose
                .entry((f.file.as_str(), f.document, f.rule.as_str()))
                .or_default()
                .push(f);
        }
    }
    loose
        .into_iter()
        .map(|((file, document, code), findings)| {
            let mut case = Case {
                name: code.to_string(),
                classname: format!("{file}#{document}"),
                ..Case::default()
            };
            judge(&mut case, &findings, fail_on);
            (file.to_string(), case)
        })
        .collect()
}

/// The tool's own problems, as cases of a suite named `roadmap-lint`.
fn diagnostic_cases(run: &Run) -> Vec<Case> {
    run.diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(f) = &d.file {
                text = format!(
                    "{f}:{}:{}: {text}",
                    d.line.unwrap_or(1),
                    d.column.unwrap_or(1)
                );
            }
            if let Some(h) = &d.help {
                text.push_str(&format!("\n  help: {h}"));
            }
            let kind = if d.severity == Severity::Error {
                "error"
            } else {
                "failure"
            };
            Case {
                name: d.code.id().to_string(),
                classname: d.file.clone().unwrap_or_else(|| "roadmap-lint".into()),
                outcome: Some(Outcome {
                    kind,
                    ty: d.severity.to_string(),
                    message: d.message.clone(),
                    text,
                }),
                output: String::new(),
            }
        })
        .collect()
}

/// Every case, by suite (file), in a fixed order.
fn suites(run: &Run, fail_on: Option<Severity>) -> BTreeMap<String, Vec<Case>> {
    let mut suites: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    for s in &run.sources {
        suites.entry(s.name.clone()).or_default();
    }
    let mut owned = vec![false; run.findings.len()];
    for r in &run.results {
        if let Some((file, case)) = rule_case(run, r, &mut owned, fail_on) {
            suites.entry(file).or_default().push(case);
        }
    }
    for (file, case) in loose_cases(run, &owned, fail_on) {
        suites.entry(file).or_default().push(case);
    }
    if !run.diagnostics.is_empty() {
        suites
            .entry("roadmap-lint".to_string())
            .or_default()
            .extend(diagnostic_cases(run));
    }
    suites
}

fn count(cases: &[Case], kind: &str) -> usize {
    cases
        .iter()
        .filter(|c| c.outcome.as_ref().is_some_and(|o| o.kind == kind))
        .count()
}

fn write_case(c: &Case, out: &mut dyn Write) -> std::io::Result<()> {
    write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\"",
        escape(&c.name),
        escape(&c.classname)
    )?;
    if c.outcome.is_none() && c.output.is_empty() {
        return out.write_all(b"/>\n");
    }
    out.write_all(b">\n")?;
    if let Some(o) = &c.outcome {
        write!(out, "      <{} message=\"{}\"", o.kind, escape(&o.message))?;
        if !o.ty.is_empty() {
            write!(out, " type=\"{}\"", escape(&o.ty))?;
        }
        if o.text.is_empty() {
            out.write_all(b"/>\n")?;
        } else {
            writeln!(out, ">{}</{}>", escape_text(&o.text), o.kind)?;
        }
    }
    if !c.output.is_empty() {
        writeln!(
            out,
            "      <system-out>{}</system-out>",
            escape_text(&c.output)
        )?;
    }
    out.write_all(b"    </testcase>\n")
}

/// Write the report. `fail_on` is the run's `--fail-on` threshold (`None`: never).
pub fn write(run: &Run, fail_on: Option<Severity>, out: &mut dyn Write) -> std::io::Result<()> {
    let suites = suites(run, fail_on);
    let all: Vec<&Case> = suites.values().flatten().collect();
    let total = |kind: &str| {
        all.iter()
            .filter(|c| c.outcome.as_ref().is_some_and(|o| o.kind == kind))
            .count()
    };
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    writeln!(
        out,
        "<testsuites name=\"roadmap-lint\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        all.len(),
        total("failure"),
        total("error"),
        total("skipped")
    )?;
    for (name, cases) in &suites {
        writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            escape(name),
            cases.len(),
            count(cases, "failure"),
            count(cases, "error"),
            count(cases, "skipped")
        )?;
        for c in cases {
            write_case(c, out)?;
        }
        out.write_all(b"  </testsuite>\n")?;
    }
    out.write_all(b"</testsuites>\n")
}
