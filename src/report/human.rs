//! The terminal report: one miette graphical diagnostic per finding, with the YAML snippet,
//! a labelled span, the rule id and commitment as the code, and help.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use rayon::prelude::*;

use super::Summary;
use crate::finding::{Finding, Severity};
use crate::render::escape;
use crate::run::Run;
use crate::source::{Snippets, SourceFile};

/// How to draw the report.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

struct FindingReport<'a> {
    finding: &'a Finding,
    source: NamedSource<Snippets>,
    code: String,
    /// Where the rule (or built-in code) is documented.
    url: Option<String>,
    related: Vec<RelatedReport>,
}

struct RelatedReport {
    message: String,
    source: NamedSource<Snippets>,
    span: (usize, usize),
}

impl fmt::Debug for FindingReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}
impl fmt::Display for FindingReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.finding.waived {
            f.write_str("[waived] ")?;
        }
        f.write_str(&self.finding.message)
    }
}
impl std::error::Error for FindingReport<'_> {}

impl Diagnostic for FindingReport<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match (self.finding.waived, self.finding.severity) {
            (true, _) | (_, Severity::Info) => miette::Severity::Advice,
            (_, Severity::Warning) => miette::Severity::Warning,
            (_, Severity::Error) => miette::Severity::Error,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let f = self.finding;
        match (&f.waiver, &f.help) {
            (Some(w), _) => Some(Box::new(format!(
                "waived until {} by {}: {}",
                w.expires, w.approved_by, w.reason
            ))),
            (None, Some(h)) => Some(Box::new(h)),
            (None, None) => None,
        }
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let f = self.finding;
        let primary = LabeledSpan::new_primary_with_span(
            Some(f.label.clone().unwrap_or_else(|| default_label(f))),
            (f.location.byte_start, f.location.byte_len),
        );
        let same_file = f
            .related
            .iter()
            .filter(|r| r.file == f.file && r.document == f.document)
            .map(|r| {
                LabeledSpan::new_with_span(
                    Some(r.message.clone()),
                    (r.location.byte_start, r.location.byte_len),
                )
            });
        Some(Box::new(std::iter::once(primary).chain(same_file)))
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

fn default_label(f: &Finding) -> String {
    match f.severity {
        Severity::Error => "here".to_string(),
        Severity::Warning => "here".to_string(),
        Severity::Info => "note".to_string(),
    }
}

impl fmt::Debug for RelatedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl fmt::Display for RelatedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for RelatedReport {}
impl Diagnostic for RelatedReport {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.message.clone()), self.span),
        )))
    }
}

fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // On a colour terminal the code is a link (OSC 8); elsewhere the address is written out.
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(style.color)
}

/// The code shown for a finding: its rule id, and the commitment it serves.
pub fn code_of(f: &Finding) -> String {
    match f.commitment {
        Some(c) => format!("{} (commitment {c})", f.rule),
        None => f.rule.clone(),
    }
}

/// Render one diagnostic of any kind. Its text (message, code, help, labels, and those of its
/// related diagnostics) is escaped for the terminal on the way: findings quote values from
/// declarations, and a tool diagnostic may quote a file name.
pub fn render_diagnostic(d: &dyn Diagnostic, style: Style) -> String {
    let d = Escaped::new(d);
    let mut out = String::new();
    let rendered = match far_right(&d) {
        Some(at) => handler(style).render_report(&mut out, &WithoutSnippet { inner: &d, at }),
        None => handler(style).render_report(&mut out, &d),
    };
    if rendered.is_err() {
        out = format!("{}\n", d.message);
    }
    escape::neutralise_commands(&out).into_owned()
}

/// A diagnostic with its text escaped for a terminal or CI log ([`escape::terminal_line`] for
/// the message, code and labels, [`escape::terminal_text`] for help, which may span lines).
struct Escaped<'a> {
    inner: &'a dyn Diagnostic,
    message: String,
    code: Option<String>,
    help: Option<String>,
    labels: Option<Vec<LabeledSpan>>,
    related: Vec<Escaped<'a>>,
}

impl<'a> Escaped<'a> {
    fn new(d: &'a dyn Diagnostic) -> Self {
        let line = |text: &str| escape::terminal_line(text).into_owned();
        Escaped {
            inner: d,
            message: line(&d.to_string()),
            code: d.code().map(|c| line(&c.to_string())),
            help: d
                .help()
                .map(|h| escape::terminal_text(&h.to_string()).into_owned()),
            labels: d.labels().map(|labels| {
                labels
                    .map(|l| {
                        let text = l.label().map(line);
                        if l.primary() {
                            LabeledSpan::new_primary_with_span(text, *l.inner())
                        } else {
                            LabeledSpan::new_with_span(text, *l.inner())
                        }
                    })
                    .collect()
            }),
            related: d
                .related()
                .map(|r| r.map(Escaped::new).collect())
                .unwrap_or_default(),
        }
    }
}

impl fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for Escaped<'_> {}
impl Diagnostic for Escaped<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.url()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.inner.source_code()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.labels
            .as_ref()
            .map(|l| Box::new(l.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

/// Labels further right than this (in bytes) are not drawn: miette pads to the label's column
/// with a format width, and Rust panics on widths above 65,535 (a tab counts four columns).
const MAX_LABEL_COLUMN: usize = 16_000;
/// Lines longer than this (in bytes) are not printed in a snippet.
const MAX_LINE: usize = 64 * 1024;

/// The (line, column) of the first label, if any label of `d` or of its related diagnostics
/// sits too far right on its line to draw, or on a line too long to print.
fn far_right(d: &dyn Diagnostic) -> Option<(usize, usize)> {
    let mut first = None;
    let mut too_far = false;
    if let (Some(source), Some(labels)) = (d.source_code(), d.labels()) {
        for label in labels {
            if let Ok(span) = source.read_span(label.inner(), 0, 0) {
                first.get_or_insert((span.line() + 1, span.column() + 1));
                too_far |= span.column() > MAX_LABEL_COLUMN;
            }
            // A megabyte line is not worth printing even when the label sits at its start. A
            // short look first: reading 64 KiB for every label cost a tenth of a large report.
            let long_line = |len: usize| {
                let right = miette::SourceSpan::new(label.inner().offset().into(), len);
                source
                    .read_span(&right, 0, 0)
                    .is_ok_and(|s| !s.data().contains(&b'\n'))
            };
            too_far |= long_line(256) && long_line(MAX_LINE);
        }
    }
    let related_too_far = d
        .related()
        .is_some_and(|mut r| r.any(|r| far_right(r).is_some()));
    (too_far || related_too_far).then(|| first.unwrap_or((1, 1)))
}

/// A diagnostic shown without its snippet, its location given in words instead.
struct WithoutSnippet<'a> {
    inner: &'a dyn Diagnostic,
    at: (usize, usize),
}

impl fmt::Debug for WithoutSnippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}
impl fmt::Display for WithoutSnippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}
impl std::error::Error for WithoutSnippet<'_> {}
impl Diagnostic for WithoutSnippet<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let (line, column) = self.at;
        let place = format!("at line {line}, column {column}: the line is too long to show");
        Some(Box::new(match self.inner.help() {
            Some(h) => format!("{h}\n{place}"),
            None => place,
        }))
    }
}

/// The whole report: tool diagnostics first (they explain gaps), then findings, then a summary.
pub fn render(run: &Run, style: Style) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = write(run, style, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Findings rendered together before they are written: enough to keep the cores busy, few
/// enough that a report of 300,000 findings never sits in memory whole.
const CHUNK: usize = 2_048;

/// Most findings the human report shows for one file; the rest are counted in a note at the
/// end, and listed by `--format json` or `sarif`.
pub const MAX_FINDINGS_PER_FILE: usize = 100;

/// Most bytes of rendered findings the human report shows for one file, beyond its first
/// finding (always shown): 64 KiB plus four times the file's size. With
/// [`MAX_FINDINGS_PER_FILE`], a dense file cannot make the report much larger than itself (a
/// 7.9 MB file of findings once printed 6.3 GB).
pub fn file_budget(file_bytes: usize) -> usize {
    64 * 1024 + 4 * file_bytes
}

/// What the report has shown of one file so far.
#[derive(Default, Clone)]
struct Shown {
    /// Findings counted against [`MAX_FINDINGS_PER_FILE`].
    counted: usize,
    findings: usize,
    bytes: usize,
    left_out: usize,
}

/// The caps of a human report on each file's findings, [`MAX_FINDINGS_PER_FILE`] and
/// [`file_budget`]: `check`'s report and `review`'s both show findings through one of these,
/// then its [`FileCaps::notes`].
pub struct FileCaps<'r> {
    run: &'r Run,
    shown: Vec<Shown>,
}

impl<'r> FileCaps<'r> {
    pub fn new(run: &'r Run) -> FileCaps<'r> {
        FileCaps {
            run,
            shown: vec![Shown::default(); run.sources.len() + 1],
        }
    }

    fn of(&mut self, f: &Finding) -> &mut Shown {
        let file = f.source.min(self.run.sources.len());
        &mut self.shown[file]
    }

    /// Whether a finding is within its file's count, and so worth rendering; one past it is
    /// counted as left out.
    pub fn admit(&mut self, f: &Finding) -> bool {
        let s = self.of(f);
        s.counted += 1;
        if s.counted > MAX_FINDINGS_PER_FILE {
            s.left_out += 1;
        }
        s.counted <= MAX_FINDINGS_PER_FILE
    }

    /// Whether a finding admitted and rendered in `bytes` fits its file's budget (a file's first
    /// finding always does); one that does not is counted as left out.
    pub fn fits(&mut self, f: &Finding, bytes: usize) -> bool {
        let size = self.run.sources.get(f.source).map_or(0, |s| s.text.len());
        let s = self.of(f);
        if s.findings > 0 && s.bytes + bytes > file_budget(size) {
            s.left_out += 1;
            return false;
        }
        s.findings += 1;
        s.bytes += bytes;
        true
    }

    /// One line for each file whose findings were not all shown, naming the `formats` that
    /// list them all.
    pub fn notes(&self, formats: &str) -> String {
        let mut out = String::new();
        for (i, s) in self
            .shown
            .iter()
            .enumerate()
            .filter(|(_, s)| s.left_out > 0)
        {
            let name = self
                .run
                .sources
                .get(i)
                .map_or("(no file)", |f| f.name.as_str());
            let more = if s.left_out == 1 {
                "1 more finding".to_string()
            } else {
                format!("{} more findings", s.left_out)
            };
            out.push_str(&format!(
                "{more} in {} not shown: the human report shows at most {MAX_FINDINGS_PER_FILE} findings of a file, and 64 KiB plus four times its size of them; use {formats} for all\n\n",
                escape::terminal_line(name)
            ));
        }
        out
    }
}

/// Write the report as [`render`] makes it, a chunk of findings at a time, each file's findings
/// within [`FileCaps`]. The findings are read as the run keeps them, so those it keeps on disk
/// are read back a file at a time, never all at once.
pub fn write(run: &Run, style: Style, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for d in &run.diagnostics {
        out.write_all(render_diagnostic(d, style).as_bytes())?;
        out.write_all(b"\n")?;
    }
    let mut caps = FileCaps::new(run);
    let mut batch = Vec::new();
    run.each_finding(|f| {
        // Past the count, a finding is not even rendered.
        if caps.admit(&f) {
            batch.push(f);
        }
        if batch.len() >= CHUNK {
            show(run, style, &mut batch, &mut caps, out)?;
        }
        Ok(())
    })?;
    show(run, style, &mut batch, &mut caps, out)?;
    out.write_all(caps.notes("--format json (or sarif)").as_bytes())?;
    if let Some(line) = provenance_line(&run.provenance) {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "{}", Summary::of(run))
}

/// Render a batch of findings (each on its own, in parallel: miette's layout is the costly
/// part) and write them in order, each within its file's budget.
fn show<'r>(
    run: &'r Run,
    style: Style,
    batch: &mut Vec<Cow<'r, Finding>>,
    caps: &mut FileCaps<'r>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let rendered: Vec<String> = batch
        .par_iter()
        .map(|f| render_finding(run, f, style))
        .collect();
    for (f, text) in batch.drain(..).zip(rendered) {
        if caps.fits(&f, text.len()) {
            out.write_all(text.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// What produced the run (config, packs, targets, workspace, history), in one line: settings
/// found in a parent folder never apply unseen.
pub fn provenance_line(p: &crate::run::Provenance) -> Option<String> {
    Some(escape::terminal_line(&format!("Using {}", p.describe())).into_owned())
}

/// Render one finding with its snippet.
pub fn render_finding(run: &Run, f: &Finding, style: Style) -> String {
    let empty = || Snippets(Arc::new(SourceFile::new("", "")));
    let named = |file: &str| {
        let source = run.source(file).map_or_else(empty, |s| Snippets(s.clone()));
        NamedSource::new(escape::terminal_line(file), source)
    };
    let report = FindingReport {
        finding: f,
        source: NamedSource::new(
            escape::terminal_line(&f.file),
            run.sources
                .get(f.source)
                .map_or_else(empty, |s| Snippets(s.clone())),
        )
        .with_language("yaml"),
        code: code_of(f),
        url: run.doc_link(&f.rule),
        related: Vec::new(),
    };
    // The places in other files follow the finding as notes of their own: as miette's related
    // diagnostics they were headed by an empty "Advice:" line.
    let mut out = render_diagnostic(&report, style);
    for r in f
        .related
        .iter()
        .filter(|r| r.file != f.file || r.document != f.document)
    {
        let related = RelatedReport {
            message: r.message.clone(),
            source: named(&r.file),
            span: (r.location.byte_start, r.location.byte_len),
        };
        out.push_str(&render_diagnostic(&related, style));
    }
    out
}
