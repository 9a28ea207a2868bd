//! Reporters: one module per output format, each turning a [`Run`] into text.

pub mod human;
pub mod json;

use crate::run::Run;

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
            ..Summary::default()
        };
        for f in &run.findings {
            if f.waived {
                s.waived += 1;
                continue;
            }
            match f.severity {
                Error => s.errors += 1,
                Warning => s.warnings += 1,
                Info => s.infos += 1,
            }
        }
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
        write!(
            f,
            " in {} from {}",
            plural(self.documents, "document"),
            plural(self.files, "file")
        )?;
        if self.tool_errors > 0 {
            write!(
                f,
                "; {} could not be checked",
                plural(self.tool_errors, "input")
            )?;
        }
        Ok(())
    }
}
