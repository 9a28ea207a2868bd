//! JUnit XML (`--format junit`), for CI dashboards. One `<testsuite>` per file, one
//! `<testcase>` per rule check of a document (from `Run::results`): a check that passed is an
//! empty test case, a check with unwaived findings fails with their messages, a rule that did
//! not apply is skipped, and a rule that crashed is an error. Findings that no rule check owns
//! (syntax, schema and waiver problems) become failing test cases named by their code, so a
//! broken file never shows as green. Tool problems go in a suite of their own.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::finding::{Finding, Severity};
use crate::render::escape::{xml as escape, xml_text as escape_text};
use crate::run::{Run, Status};

#[derive(Default)]
struct Case {
    name: String,
    classname: String,
    /// (kind, type, message, text) where kind is failure, error or skipped.
    outcome: Option<(&'static str, String, String, String)>,
    output: String,
}

#[derive(Default)]
struct Suite {
    cases: Vec<Case>,
}

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

/// Fill a case from the findings it owns: fails on any unwaived finding; waived ones are listed
/// in its output.
fn judge(case: &mut Case, findings: &[&Finding]) {
    let open: Vec<&&Finding> = findings.iter().filter(|f| !f.waived).collect();
    let waived: Vec<&&Finding> = findings.iter().filter(|f| f.waived).collect();
    if let Some(worst) = open.iter().map(|f| f.severity).max() {
        let text = open
            .iter()
            .map(|f| describe(f))
            .collect::<Vec<_>>()
            .join("\n");
        let message = if open.len() == 1 {
            open[0].message.clone()
        } else {
            format!("{} findings; first: {}", open.len(), open[0].message)
        };
        case.outcome = Some(("failure", worst.as_str().to_string(), message, text));
    }
    if !waived.is_empty() {
        case.output = waived
            .iter()
            .map(|f| describe(f))
            .collect::<Vec<_>>()
            .join("\n");
    }
}

pub fn render(run: &Run) -> String {
    let mut suites: BTreeMap<String, Suite> = BTreeMap::new();
    for s in &run.sources {
        suites.entry(s.name.clone()).or_default();
    }
    let mut owned = vec![false; run.findings.len()];
    for r in &run.results {
        let Some(doc) = run.documents.get(r.doc) else {
            continue;
        };
        let mut case = Case {
            name: r.rule.clone(),
            classname: format!("{}#{}", doc.file, doc.document),
            ..Case::default()
        };
        match &r.status {
            Status::NotApplicable(reason) => {
                case.outcome = Some((
                    "skipped",
                    String::new(),
                    format!("not applicable: {reason}"),
                    String::new(),
                ));
            }
            Status::Failed => {
                case.outcome = Some((
                    "error",
                    "rule-failed".to_string(),
                    "the rule failed to run; see the tool diagnostics".to_string(),
                    String::new(),
                ));
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
                judge(&mut case, &findings);
                if case.outcome.is_none() && !r.passed.is_empty() {
                    let checked = format!("checked: {}", r.passed.join(", "));
                    case.output = if case.output.is_empty() {
                        checked
                    } else {
                        format!("{checked}\n{}", case.output)
                    };
                }
            }
        }
        suites.entry(doc.file.clone()).or_default().cases.push(case);
    }
    // Findings no rule check owns, grouped by document and code.
    let mut loose: BTreeMap<(String, usize, String), Vec<&Finding>> = BTreeMap::new();
    for (i, f) in run.findings.iter().enumerate() {
        if !owned[i] {
            loose
                .entry((f.file.clone(), f.document, f.rule.clone()))
                .or_default()
                .push(f);
        }
    }
    for ((file, document, code), findings) in loose {
        let mut case = Case {
            name: code,
            classname: format!("{file}#{document}"),
            ..Case::default()
        };
        judge(&mut case, &findings);
        suites.entry(file).or_default().cases.push(case);
    }
    if !run.diagnostics.is_empty() {
        let suite = suites.entry("roadmap-lint".to_string()).or_default();
        for d in &run.diagnostics {
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
            suite.cases.push(Case {
                name: d.code.id().to_string(),
                classname: d.file.clone().unwrap_or_else(|| "roadmap-lint".into()),
                outcome: Some((kind, d.severity.to_string(), d.message.clone(), text)),
                output: String::new(),
            });
        }
    }

    let count = |cases: &[Case], kind: &str| {
        cases
            .iter()
            .filter(|c| c.outcome.as_ref().is_some_and(|o| o.0 == kind))
            .count()
    };
    let all: Vec<&Case> = suites.values().flat_map(|s| &s.cases).collect();
    let total = |kind: &str| {
        all.iter()
            .filter(|c| c.outcome.as_ref().is_some_and(|o| o.0 == kind))
            .count()
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"roadmap-lint\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        all.len(),
        total("failure"),
        total("error"),
        total("skipped")
    );
    for (name, suite) in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            escape(name),
            suite.cases.len(),
            count(&suite.cases, "failure"),
            count(&suite.cases, "error"),
            count(&suite.cases, "skipped")
        );
        for c in &suite.cases {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\"",
                escape(&c.name),
                escape(&c.classname)
            );
            if c.outcome.is_none() && c.output.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            if let Some((kind, ty, message, text)) = &c.outcome {
                let _ = write!(out, "      <{kind} message=\"{}\"", escape(message));
                if !ty.is_empty() {
                    let _ = write!(out, " type=\"{}\"", escape(ty));
                }
                if text.is_empty() {
                    out.push_str("/>\n");
                } else {
                    let _ = writeln!(out, ">{}</{kind}>", escape_text(text));
                }
            }
            if !c.output.is_empty() {
                let _ = writeln!(
                    out,
                    "      <system-out>{}</system-out>",
                    escape_text(&c.output)
                );
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
