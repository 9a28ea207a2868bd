//! A fixture's header (see [`crate::fixture::header`]): the evaluation date, parameters and
//! organisations' own targets a case is judged with. A case with a header is run with its own
//! options, the pack prepared again with those parameters and targets, so that a rule judged
//! against a department-level target can be tested.

use std::path::PathBuf;
use std::sync::Arc;

use crate::diag::{Code, ToolDiagnostic};
use crate::fixture::{self, Header};
use crate::pack::Rule;
use crate::run::{self, Options, ParamSetting};
use crate::source::{SourceFile, Span};
use crate::targets::{Target, Targets};

/// The options and the prepared packs of a case whose files have a header, or `None` when none
/// has one. Problems with a header go to `problems`, at their lines.
pub(super) fn options_for(
    rule: &Rule,
    files: &[PathBuf],
    options: &Options,
    problems: &mut Vec<ToolDiagnostic>,
) -> Option<(Options, run::Prepared)> {
    let mut own = options.clone();
    let mut any = false;
    for file in files {
        let Ok(text) = crate::load::read::read_text(file, crate::pack::MAX_PACK_FILE) else {
            continue;
        };
        let source = Arc::new(SourceFile::new(file.display().to_string(), text.as_str()));
        let header = fixture::header(&text);
        for (line, why) in &header.problems {
            problems.push(at(&source, *line, format!("fixture header: {why}")));
        }
        if header.is_empty() {
            continue;
        }
        any = true;
        apply(&header, &source, &mut own);
    }
    if !any {
        return None;
    }
    let mut prepared = run::prepare(&own);
    // Bad parameters and targets are the header's problems, at its lines.
    problems.extend(
        std::mem::take(&mut prepared.diagnostics)
            .into_iter()
            .filter(|d| {
                matches!(
                    d.code,
                    Code::ParamInvalid | Code::ParamUnknown | Code::TargetUnknown
                )
            }),
    );
    for pack in &mut prepared.rules.packs {
        pack.rules.retain(|r| r.id == rule.id);
    }
    Some((own, prepared))
}

/// Set what the header sets on the case's options.
fn apply(header: &Header, source: &Arc<SourceFile>, own: &mut Options) {
    if let Some(day) = header.as_of {
        own.as_of = Some(day);
    }
    for (name, value, line) in &header.params {
        own.params.push(ParamSetting {
            name: name.clone(),
            value: value.clone(),
            from: Some(crate::source::Origin {
                source: source.clone(),
                span: line_span(source, *line),
            }),
        });
    }
    if header.targets.is_empty() {
        return;
    }
    let mut list = own
        .targets
        .as_ref()
        .map(|t| t.list.clone())
        .unwrap_or_default();
    for (organisation, param, value, line) in &header.targets {
        let span = line_span(source, *line);
        list.push(Target {
            organisation: organisation.clone(),
            param: param.clone(),
            value: yaml_serde::from_str(value)
                .unwrap_or_else(|_| yaml_serde::Value::String(value.clone())),
            agreed_by: "the fixture".to_string(),
            agreed_on: crate::date::Date::parse("0001-01-01")
                .unwrap_or_else(crate::date::Date::today),
            reason: "set in the fixture's header".to_string(),
            until: None,
            span,
            value_span: span,
        });
    }
    own.targets = Some(Arc::new(Targets {
        source: source.clone(),
        list,
    }));
}

/// The span of a whole line.
fn line_span(source: &SourceFile, line: usize) -> Span {
    let start = source.char_offset(line, 1);
    let len = source
        .text
        .lines()
        .nth(line.saturating_sub(1))
        .map_or(0, |l| l.chars().count());
    Span::new(start, start + len)
}

fn at(source: &SourceFile, line: usize, message: String) -> ToolDiagnostic {
    ToolDiagnostic::new(Code::TestHeader, message)
        .help("a fixture's header sets `# as_of: YYYY-MM-DD`, `# param: NAME=VALUE` and `# target: ORGANISATION NAME=VALUE`, before its first line of YAML")
        .label("in the header")
        .at_line(source, line, 1)
}
