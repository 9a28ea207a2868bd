//! Diagnostics about the tool's own inputs other than declarations: rule scripts, pack
//! manifests, config files and unreadable paths. They carry their own source text so that
//! miette can show the offending line of a `.rhai` or manifest file.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use serde::Serialize;

use crate::finding::Severity;
use crate::source::{SourceFile, Span};

#[derive(Debug, Clone, Serialize)]
pub struct ToolDiagnostic {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The file concerned (a rule script, a manifest, a path given by the user).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(skip)]
    pub label: Option<String>,
    #[serde(skip)]
    snippet: Option<(NamedSource<Arc<str>>, usize, usize)>,
}

impl ToolDiagnostic {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ToolDiagnostic {
            code: code.into(),
            severity: Severity::Error,
            message: message.into(),
            help: None,
            file: None,
            line: None,
            column: None,
            label: None,
            snippet: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Point at a character span of a source file.
    pub fn at(mut self, source: &SourceFile, span: Span) -> Self {
        let loc = source.locate(span);
        self.file = Some(source.name.clone());
        self.line = Some(loc.line);
        self.column = Some(loc.column);
        self.snippet = Some((
            NamedSource::new(source.name.clone(), source.text.clone()),
            loc.byte_start,
            loc.byte_len,
        ));
        self
    }

    /// Point at a 1-based line and column of a source file (Rhai and serde report these).
    pub fn at_line(self, source: &SourceFile, line: usize, column: usize) -> Self {
        let offset = source.char_offset(line, column);
        let len = usize::from(offset < source.text.len());
        self.at(source, Span::new(offset, offset + len))
    }
}

impl fmt::Display for ToolDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ToolDiagnostic {}

impl Diagnostic for ToolDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.as_ref().map(|(s, _, _)| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, start, len) = self.snippet.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(self.label.clone(), (*start, *len)),
        )))
    }
}
