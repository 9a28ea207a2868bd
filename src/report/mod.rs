//! Reporters: one module per output format, each turning a [`Run`] into text.

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod statistics;

use std::io::Write;

use crate::pack::RuleSet;
use crate::run::Run;

/// The output formats. Each has its own module with a `render` function; this enum is the one
/// interface the command line uses to pick one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Diagnostics with YAML snippets, for people at a terminal.
    Human,
    /// The versioned machine report (`schemas/report.schema.json`).
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, Azure DevOps, IDEs).
    Sarif,
    /// JUnit XML: one test suite per file, one test case per rule check.
    Junit,
    /// GitHub Actions workflow commands: annotations on the pull request's files.
    Github,
    /// Markdown, for a pull-request comment.
    Markdown,
    /// One line per finding, `file:line:col: severity[rule] message`.
    Concise,
}

/// What a reporter may need besides the run.
pub struct Context<'a> {
    /// The rules that were loaded (SARIF describes them).
    pub rules: &'a RuleSet,
    /// How to draw the human report.
    pub style: human::Style,
    /// The lowest severity that fails the run (`--fail-on`; `None`: never). JUnit marks a
    /// case failed only at or above it.
    pub fail_on: Option<crate::finding::Severity>,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Markdown,
        Format::Concise,
    ];
    pub const NAMES: &'static [&'static str] = &[
        "human", "json", "sarif", "junit", "github", "markdown", "concise",
    ];

    /// The format of a name (`sarif`), as the command line and the config spell it.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }

    pub fn render(self, run: &Run, ctx: &Context) -> String {
        match self {
            Format::Human => human::render(run, ctx.style),
            Format::Json => json::render(run),
            Format::Sarif => sarif::render(run, ctx.rules),
            Format::Junit => {
                let mut out = Vec::new();
                let _ = junit::write(run, ctx.fail_on, &mut out);
                String::from_utf8_lossy(&out).into_owned()
            }
            Format::Github => github::render(run),
            Format::Markdown => markdown::render(run),
            Format::Concise => concise::render(run),
        }
    }

    /// Whether the format prints snippets of the files' text (so a run must keep the text).
    pub fn shows_snippets(self) -> bool {
        self == Format::Human
    }

    /// Write the report to `out`. The human and JSON reports are written as they are made,
    /// so a report of hundreds of thousands of findings is never held in memory whole.
    pub fn write(self, run: &Run, ctx: &Context, out: &mut dyn Write) -> std::io::Result<()> {
        match self {
            Format::Human => human::write(run, ctx.style, out),
            Format::Json => json::write(run, out),
            Format::Sarif => sarif::write(run, ctx.rules, out),
            Format::Junit => junit::write(run, ctx.fail_on, out),
            Format::Concise => concise::write(run, out),
            Format::Github => github::write(run, out),
            _ => out.write_all(self.render(run, ctx).as_bytes()),
        }
    }

    /// Whether the report reads the findings a file at a time as the run keeps them
    /// (`Run::each_finding`), so that the run may keep them on disk until it is written.
    pub fn reads_findings_from_disk(self) -> bool {
        matches!(
            self,
            Format::Human | Format::Json | Format::Concise | Format::Sarif | Format::Github
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Concise => "concise",
        }
    }
}

/// Counts shown in summaries.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
    pub files: usize,
    pub documents: usize,
    pub tool_errors: usize,
    /// Of the tool errors, the inputs that could not be read.
    #[serde(skip)]
    pub unreadable: usize,
    /// Problems left out of the report by the cap on problems per document (their count is
    /// in the `*-too-many-problems` notes).
    #[serde(skip)]
    pub not_shown: usize,
}

impl Summary {
    pub fn of(run: &Run) -> Summary {
        use crate::finding::Severity::*;
        let mut s = Summary {
            files: run.sources.len(),
            documents: run.documents.len(),
            tool_errors: run
                .diagnostics
                .iter()
                .filter(|d| d.severity == Error)
                .count(),
            unreadable: run
                .diagnostics
                .iter()
                .filter(|d| {
                    d.severity == Error
                        && d.code.id().starts_with("input-")
                        && d.code != crate::diag::Code::InputChanged
                })
                .count(),
            ..Summary::default()
        };
        let counts = run.counts();
        s.errors = counts.errors;
        s.warnings = counts.warnings;
        s.infos = counts.infos;
        s.waived = counts.waived;
        s.not_shown = counts.not_shown;
        s
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        )?;
        if self.waived > 0 {
            write!(f, ", {} waived", self.waived)?;
        }
        if self.not_shown > 0 {
            write!(
                f,
                " (and {} not shown: each document reports its first {})",
                plural(self.not_shown, "more problem"),
                crate::load::yaml::MAX_PROBLEMS
            )?;
        }
        write!(
            f,
            " in {} from {}",
            plural(self.documents, "document"),
            plural(self.files, "file")
        )?;
        if self.unreadable > 0 {
            write!(
                f,
                "; {} could not be read",
                plural(self.unreadable, "input")
            )?;
        }
        let other = self.tool_errors - self.unreadable;
        if other > 0 {
            write!(f, "; {}", plural(other, "tool error"))?;
        }
        Ok(())
    }
}
