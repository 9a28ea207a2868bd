//! Every finding of a finished run in report order, wherever it is kept: in memory, or on disk
//! in the run's spill, read back a file at a time. A report that reads the findings this way
//! never needs them all in memory at once.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{Item, Run};
use crate::finding::Finding;

impl Run {
    /// Give each finding to `emit`, in report order. Findings read back from the spill carry
    /// their bytes in their file and the index of their source, as those held in memory do.
    /// (A run that spilled gives the few findings it holds as copies too.)
    pub(crate) fn each_finding<'a>(
        &'a self,
        mut emit: impl FnMut(Cow<'a, Finding>) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let Some(spill) = &self.spill else {
            return self
                .findings
                .iter()
                .try_for_each(|f| emit(Cow::Borrowed(f)));
        };
        // Spilled files are never shown under a name another input shares, so a name finds
        // its source.
        let sources: HashMap<&str, usize> = self
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        let placed = |mut f: Finding| {
            f.source = sources
                .get(f.file.as_str())
                .copied()
                .unwrap_or(self.sources.len());
            f
        };
        spill.merged(
            &self.findings,
            |item| match item {
                Item::Finding(f) => emit(Cow::Owned(f.clone())),
                Item::Read(f) => emit(Cow::Owned(placed(*f))),
                Item::Rendered(piece, span) => {
                    let f = super::spill::read_back(piece, span)?;
                    emit(Cow::Owned(placed(f)))
                }
            },
            |e| e,
        )
    }
}
